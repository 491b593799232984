package store

import (
	"context"
	"fmt"
	"net/netip"
	"time"
)

// Network is the network an address belongs to for rate limits: its IPv4 /24 or IPv6 /64 (a home or small office
// gets one of these), such as "198.51.100.0/24". An address that does not parse has none: "".
func Network(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ""
	}
	a = a.Unmap()
	bits := 64
	if a.Is4() {
		bits = 24
	}
	p, err := a.WithZone("").Prefix(bits)
	if err != nil {
		return ""
	}
	return p.String()
}

// SentComment is when a comment was sent, and from which address: what the rate limits count.
type SentComment struct {
	At time.Time
	IP string
}

// RecentNetworkComments returns the newest comments since since from the whole Network of the address ip, newest
// first and at most limit of them. One query serves every limit, of an address and of its network, since an
// address's comments are among its network's. Comments of every status count: a flood of spam is a flood. An
// address without a network counts nothing.
func (s *Store) RecentNetworkComments(ctx context.Context, ip string, since time.Time, limit int) ([]SentComment, error) {
	network := Network(ip)
	if network == "" {
		return nil, nil
	}
	rows, err := s.read.QueryContext(ctx, `SELECT created_at, author_ip FROM comments WHERE author_net = $1 AND created_at > $2
		ORDER BY created_at DESC LIMIT $3`, network, dbTime(since), limit)
	if err != nil {
		return nil, fmt.Errorf("recent comments from %s: %w", network, err)
	}
	defer rows.Close()
	var sent []SentComment
	for rows.Next() {
		var c SentComment
		if err := rows.Scan(&c.At, &c.IP); err != nil {
			return nil, fmt.Errorf("recent comments from %s: %w", network, err)
		}
		c.At = c.At.UTC()
		sent = append(sent, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("recent comments from %s: %w", network, err)
	}
	return sent, nil
}
