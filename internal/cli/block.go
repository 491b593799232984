package cli

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/store"
)

func blockAdd(ctx context.Context, env Env, args []string) (err error) {
	fs := flagSet(env, "block add", usage{oneOf: []string{"email", "ip", "network", "domain"}})
	db := databaseFlags(fs, env)
	email := fs.String("email", "", "refuse comments from this `EMAIL` address")
	ip := fs.String("ip", "", "refuse comments from this `IP` address")
	network := fs.String("network", "", "refuse comments from this network (`CIDR`), such as 198.51.100.0/24 or 2001:db8::/64 (an address alone blocks its /24 or /64)")
	domain := fs.String("domain", "", "refuse comments whose email address or website is at this `DOMAIN` or under it")
	expires := fs.String("expires", "", "when the block ends, `30d|12h|RFC3339`: a number of days, a duration or an RFC 3339 time (default: never)")
	reason := fs.String("reason", "", "`TEXT` saying why, for moderators (the commenter is never told)")
	if err := parse(env, fs, args, 0); err != nil {
		return err
	}
	var given []store.Block
	for _, f := range []struct {
		kind  store.BlockKind
		value string
	}{{store.BlockEmail, *email}, {store.BlockIP, *ip}, {store.BlockNetwork, *network}, {store.BlockDomain, *domain}} {
		if f.value != "" {
			given = append(given, store.Block{Kind: f.kind, Value: f.value})
		}
	}
	if len(given) != 1 {
		return blog.Errorf(blog.EINVALID, "give exactly one of --email, --ip, --network or --domain")
	}
	b, err := store.NewBlock(given[0].Kind, given[0].Value)
	if err != nil {
		return err
	}
	now := time.Now()
	if b.Expires, err = parseExpiry(*expires, now); err != nil {
		return err
	}
	b.Reason, b.CreatedBy = strings.TrimSpace(*reason), "cli"
	st, err := db.open(ctx)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, st.Close()) }()
	if err := st.AddBlock(ctx, &b); err != nil {
		return err
	}
	until := "until removed"
	if !b.Expires.IsZero() {
		until = "until " + b.Expires.Format(time.DateTime) + " UTC"
	}
	fmt.Fprintf(env.Stdout, "Block %d: comments from the %s %s are refused %s.\n", b.ID, b.Kind, b.Value, until)
	return nil
}

// parseExpiry reads --expires: "" for never, a number of days ("30d") or a Go duration ("12h") from now, or an
// RFC 3339 time, which must be in the future.
func parseExpiry(v string, now time.Time) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, nil
	}
	var at time.Time
	if days, ok := strings.CutSuffix(v, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n <= 0 || n > 36500 {
			return at, blog.Errorf(blog.EINVALID, "--expires %q: give a number of days such as 30d, a duration such as 12h, or a time such as 2026-12-31T00:00:00Z", v)
		}
		at = now.AddDate(0, 0, n)
	} else if d, err := time.ParseDuration(v); err == nil && d > 0 {
		at = now.Add(d)
	} else if t, err := time.Parse(time.RFC3339, v); err == nil {
		at = t
	} else {
		return at, blog.Errorf(blog.EINVALID, "--expires %q: give a number of days such as 30d, a duration such as 12h, or a time such as 2026-12-31T00:00:00Z", v)
	}
	if !at.After(now) {
		return at, blog.Errorf(blog.EINVALID, "--expires %q is in the past", v)
	}
	return at.UTC(), nil
}

// blockJSON is the stable shape of `salon block list --json`.
type blockJSON struct {
	ID        int64      `json:"id"`
	Kind      string     `json:"kind"`
	Value     string     `json:"value"`
	Reason    string     `json:"reason"`
	CreatedBy string     `json:"created_by"`
	Created   time.Time  `json:"created"`
	Expires   *time.Time `json:"expires"`
	Active    bool       `json:"active"`
}

func blockList(ctx context.Context, env Env, args []string) (err error) {
	fs := flagSet(env, "block list", usage{})
	db := databaseFlags(fs, env)
	asJSON := fs.Bool("json", false, "print one JSON array")
	if err := parse(env, fs, args, 0); err != nil {
		return err
	}
	st, err := db.open(ctx)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, st.Close()) }()
	blocks, err := st.Blocks(ctx)
	if err != nil {
		return err
	}
	now := time.Now()
	if *asJSON {
		out := make([]blockJSON, 0, len(blocks))
		for _, b := range blocks {
			j := blockJSON{ID: b.ID, Kind: string(b.Kind), Value: b.Value, Reason: b.Reason, CreatedBy: b.CreatedBy,
				Created: b.Created, Active: b.Active(now)}
			if !b.Expires.IsZero() {
				j.Expires = &b.Expires
			}
			out = append(out, j)
		}
		return writeJSON(env, out)
	}
	rows := make([][]string, 0, len(blocks))
	for _, b := range blocks {
		expires := "never"
		if !b.Expires.IsZero() {
			expires = b.Expires.Format(time.DateTime)
			if !b.Active(now) {
				expires += " (expired)"
			}
		}
		rows = append(rows, []string{strconv.FormatInt(b.ID, 10), string(b.Kind), b.Value, b.Created.Format(time.DateTime), expires, b.Reason})
	}
	table(env.Stdout, []string{"ID", "KIND", "VALUE", "CREATED (UTC)", "EXPIRES (UTC)", "REASON"}, rows)
	return nil
}

func blockRemove(ctx context.Context, env Env, args []string) (err error) {
	fs := flagSet(env, "block remove", usage{lead: "ID"})
	db := databaseFlags(fs, env)
	id, err := leadingID(env, fs, args, "block", "salon block remove 3")
	if err != nil {
		return err
	}
	st, err := db.open(ctx)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, st.Close()) }()
	if err := st.RemoveBlock(ctx, id); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Removed block %d.\n", id)
	return nil
}
