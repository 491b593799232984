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

// RecentCommentTimes returns when the newest comments since since were sent from the address ip, or from its
// whole Network when wholeNetwork is set, newest first and at most limit of them. Comments of every status count:
// a flood of spam is a flood. An address without a network counts nothing.
func (s *Store) RecentCommentTimes(ctx context.Context, ip string, wholeNetwork bool, since time.Time, limit int) ([]time.Time, error) {
	column, value := "author_ip", ip
	if wholeNetwork {
		column, value = "author_net", Network(ip)
	}
	if value == "" || Network(ip) == "" {
		return nil, nil
	}
	rows, err := s.read.QueryContext(ctx, `SELECT created_at FROM comments WHERE `+column+` = $1 AND created_at > $2
		ORDER BY created_at DESC LIMIT $3`, value, dbTime(since), limit)
	if err != nil {
		return nil, fmt.Errorf("recent comments from %s: %w", value, err)
	}
	defer rows.Close()
	var times []time.Time
	for rows.Next() {
		var t time.Time
		if err := rows.Scan(&t); err != nil {
			return nil, fmt.Errorf("recent comments from %s: %w", value, err)
		}
		times = append(times, t.UTC())
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("recent comments from %s: %w", value, err)
	}
	return times, nil
}
