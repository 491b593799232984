package store_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/store"
)

func TestNetwork(t *testing.T) {
	for _, tt := range []struct{ ip, want string }{
		{"198.51.100.7", "198.51.100.0/24"},
		{"::ffff:198.51.100.7", "198.51.100.0/24"},
		{"2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"},
		{"fe80::1%eth0", "fe80::/64"},
		{"", ""},
		{"not an address", ""},
	} {
		if got := store.Network(tt.ip); got != tt.want {
			t.Errorf("Network(%q) = %q; want %q", tt.ip, got, tt.want)
		}
	}
}

func TestRecentCommentTimes(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		f := newCommentsFixture(t)
		add := func(ip string, minutes int) {
			t.Helper()
			c := blog.Comment{PostID: f.first.ID, AuthorName: "R", AuthorEmail: "r@example.com", AuthorIP: ip, Body: "x", HTML: "x",
				Status: blog.CommentSpam, Created: t0.Add(time.Duration(minutes) * time.Minute)}
			if err := f.s.CreateComment(t.Context(), &c); err != nil {
				t.Fatal(err)
			}
		}
		add("198.51.100.1", 1)
		add("198.51.100.1", 2)
		add("198.51.100.2", 3)
		add("198.51.101.1", 4) // another network
		add("2001:db8::1", 5)
		add("2001:db8::2", 6)
		at := func(minutes ...int) []time.Time {
			var ts []time.Time
			for _, m := range minutes {
				ts = append(ts, t0.Add(time.Duration(m)*time.Minute))
			}
			return ts
		}
		for _, tt := range []struct {
			ip      string
			network bool
			since   int // minutes after t0
			limit   int
			want    []time.Time
		}{
			{"198.51.100.1", false, 0, 10, at(2, 1)},
			{"198.51.100.1", true, 0, 10, at(3, 2, 1)},
			{"198.51.100.9", true, 0, 2, at(3, 2)},
			{"198.51.100.1", true, 2, 10, at(3)},
			{"2001:db8::77", true, 0, 10, at(6, 5)},
			{"2001:db8::77", false, 0, 10, nil},
			{"", true, 0, 10, nil},
		} {
			got, err := f.s.RecentCommentTimes(t.Context(), tt.ip, tt.network, t0.Add(time.Duration(tt.since)*time.Minute), tt.limit)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("RecentCommentTimes(%q, %v, +%dm, %d) (-want +got):\n%s", tt.ip, tt.network, tt.since, tt.limit, diff)
			}
		}
	})
}
