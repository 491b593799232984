package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/salon-blog/salon/internal/blog"
)

// BlockKind is what a block matches a commenter by.
type BlockKind string

// Block kinds.
const (
	BlockEmail   BlockKind = "email"   // one email address
	BlockIP      BlockKind = "ip"      // one IP address
	BlockNetwork BlockKind = "network" // every address of a CIDR network, such as 198.51.100.0/24
	BlockDomain  BlockKind = "domain"  // the domain of the email address or of the website, subdomains included
)

// BlockKinds lists every kind, in the order forms offer them.
var BlockKinds = []BlockKind{BlockEmail, BlockIP, BlockNetwork, BlockDomain}

// Block refuses comments from a commenter a moderator chose to keep out. It is stored in the database, so it applies
// in every server process at once.
type Block struct {
	ID        int64
	Kind      BlockKind
	Value     string // canonical: lower-case email or domain, an address or network as net/netip prints it
	Reason    string // for moderators only; never shown to the blocked commenter
	CreatedBy string // who added it: a user's email, or "cli"
	Created   time.Time
	Expires   time.Time // zero: never
}

// Active reports whether the block still applies at now.
func (b Block) Active(now time.Time) bool { return b.Expires.IsZero() || b.Expires.After(now) }

// NewBlock checks and canonicalizes what a moderator typed for a block of the given kind. A network may also be given
// as a single address, which blocks its /24 (IPv4) or /64 (IPv6), the networks the rate limits count.
func NewBlock(kind BlockKind, value string) (Block, error) {
	value = strings.TrimSpace(value)
	b := Block{Kind: kind}
	switch kind {
	case BlockEmail:
		b.Value = blog.NormalizeEmail(value)
		if blog.ValidateEmail(b.Value) != nil {
			return b, blog.Errorf(blog.EINVALID, "%q is not an email address such as name@example.com", value)
		}
	case BlockIP:
		a, err := netip.ParseAddr(value)
		if err != nil {
			return b, blog.Errorf(blog.EINVALID, "%q is not an IP address such as 198.51.100.7 or 2001:db8::7", value)
		}
		b.Value = a.Unmap().WithZone("").String()
	case BlockNetwork:
		if !strings.Contains(value, "/") {
			b.Value = Network(value)
			if b.Value == "" {
				return b, blog.Errorf(blog.EINVALID, "%q is not a network such as 198.51.100.0/24 or 2001:db8::/64", value)
			}
			return b, nil
		}
		p, err := netip.ParsePrefix(value)
		if err != nil {
			return b, blog.Errorf(blog.EINVALID, "%q is not a network such as 198.51.100.0/24 or 2001:db8::/64", value)
		}
		if a := p.Addr(); a.Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(a.Unmap(), p.Bits()-96)
		}
		// The narrowest sensible network is refused below these: a typo such as /2 would block half the world.
		least := 16
		if p.Addr().Is4() {
			least = 8
		}
		if p.Bits() < least {
			return b, blog.Errorf(blog.EINVALID, "the network %s is too wide: give at least /%d", value, least)
		}
		b.Value = p.Masked().String()
	case BlockDomain:
		d := strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(strings.ToLower(value), "*."), "@"), ".")
		if u, err := url.Parse(d); err == nil && u.Host != "" {
			d = u.Hostname() // a pasted website address
		}
		if !validDomain(d) {
			return b, blog.Errorf(blog.EINVALID, "%q is not a domain such as spam.example", value)
		}
		b.Value = d
	default:
		return b, blog.Errorf(blog.EINVALID, "%q is not a kind of block: use email, ip, network or domain", kind)
	}
	return b, nil
}

func validDomain(d string) bool {
	if len(d) > 253 || !strings.Contains(d, ".") {
		return false
	}
	for _, label := range strings.Split(d, ".") {
		if label == "" || len(label) > 63 || strings.ContainsAny(label, " /\\:@?#[]%\t\r\n\x00") {
			return false
		}
	}
	return true
}

// Commenter is who sent a comment, as a block check sees them. Fields may be empty; URL is the website as the
// reader typed it.
type Commenter struct {
	Email string
	IP    string
	URL   string
}

// MatchBlock finds an active block that refuses c at now, in one query: the candidate values of c are compared
// for equality, and the few network blocks are matched here. ok is false when none applies.
func (s *Store) MatchBlock(ctx context.Context, c Commenter, now time.Time) (_ Block, ok bool, err error) {
	email := blog.NormalizeEmail(c.Email)
	var ip netip.Addr
	if a, err := netip.ParseAddr(strings.TrimSpace(c.IP)); err == nil {
		ip = a.Unmap().WithZone("")
	}
	var domains []string
	if _, d, found := strings.Cut(email, "@"); found {
		domains = append(domains, domainAndParents(d)...)
	}
	if c.URL != "" {
		raw := strings.TrimSpace(c.URL)
		if !strings.Contains(raw, "://") {
			raw = "https://" + strings.TrimPrefix(raw, "//")
		}
		if u, err := url.Parse(raw); err == nil {
			domains = append(domains, domainAndParents(strings.ToLower(u.Hostname()))...)
		}
	}
	args := []any{dbTime(now), email, ""}
	if ip.IsValid() {
		args[2] = ip.String()
	}
	q := `SELECT id, kind, value, reason, created_by, created_at, expires_at FROM blocks
		WHERE (expires_at IS NULL OR expires_at > $1)
		AND ((kind = 'email' AND value = $2 AND value <> '') OR (kind = 'ip' AND value = $3 AND value <> '') OR kind = 'network'`
	if len(domains) > 0 {
		q += ` OR (kind = 'domain' AND value IN (` + placeholders(4, len(domains)) + `))`
		for _, d := range domains {
			args = append(args, d)
		}
	}
	q += `) ORDER BY id`
	blocks, err := s.queryBlocks(ctx, q, args...)
	if err != nil {
		return Block{}, false, err
	}
	for _, b := range blocks {
		if b.Kind != BlockNetwork {
			return b, true, nil
		}
		if p, err := netip.ParsePrefix(b.Value); err == nil && ip.IsValid() && p.Contains(ip) {
			return b, true, nil
		}
	}
	return Block{}, false, nil
}

// domainAndParents is d and every domain it is under: a.spam.example, spam.example, example.
func domainAndParents(d string) []string {
	d = strings.TrimSuffix(d, ".")
	var out []string
	for d != "" {
		out = append(out, d)
		_, rest, ok := strings.Cut(d, ".")
		if !ok {
			break
		}
		d = rest
	}
	return out
}

// AddBlock stores a block made by NewBlock, setting its ID and creation time. The same kind and value blocked twice
// is a conflict.
func (s *Store) AddBlock(ctx context.Context, b *Block) error {
	b.Created = s.now()
	var expires sql.NullTime
	if !b.Expires.IsZero() {
		b.Expires = dbTime(b.Expires)
		expires = sql.NullTime{Time: b.Expires, Valid: true}
	}
	err := s.write.QueryRowContext(ctx, `INSERT INTO blocks (kind, value, reason, created_by, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, b.Kind, b.Value, b.Reason, b.CreatedBy, b.Created, expires).Scan(&b.ID)
	if isUniqueViolation(err) {
		return blog.Errorf(blog.ECONFLICT, "the %s %s is already blocked; remove that block first to change it", b.Kind, b.Value)
	}
	if err != nil {
		return fmt.Errorf("add block of %s %s: %w", b.Kind, b.Value, err)
	}
	return nil
}

// Blocks lists every block, expired ones included, newest first.
func (s *Store) Blocks(ctx context.Context) ([]Block, error) {
	return s.queryBlocks(ctx, `SELECT id, kind, value, reason, created_by, created_at, expires_at FROM blocks ORDER BY id DESC`)
}

// RemoveBlock deletes a block; the commenter may comment again at once.
func (s *Store) RemoveBlock(ctx context.Context, id int64) error {
	res, err := s.write.ExecContext(ctx, `DELETE FROM blocks WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("remove block %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("remove block %d: %w", id, err)
	} else if n == 0 {
		return blog.Errorf(blog.ENOTFOUND, "there is no block %d", id)
	}
	return nil
}

func (s *Store) queryBlocks(ctx context.Context, q string, args ...any) ([]Block, error) {
	rows, err := s.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list blocks: %w", err)
	}
	defer rows.Close()
	var out []Block
	for rows.Next() {
		var b Block
		var expires sql.NullTime
		if err := rows.Scan(&b.ID, &b.Kind, &b.Value, &b.Reason, &b.CreatedBy, &b.Created, &expires); err != nil {
			return nil, fmt.Errorf("list blocks: %w", err)
		}
		b.Created = b.Created.UTC()
		if expires.Valid {
			b.Expires = expires.Time.UTC()
		}
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list blocks: %w", err)
	}
	return out, nil
}
