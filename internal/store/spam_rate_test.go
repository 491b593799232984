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

func TestRecentNetworkComments(t *testing.T) {
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
		sent := func(pairs ...any) []store.SentComment {
			var cs []store.SentComment
			for i := 0; i < len(pairs); i += 2 {
				cs = append(cs, store.SentComment{At: t0.Add(time.Duration(pairs[i].(int)) * time.Minute), IP: pairs[i+1].(string)})
			}
			return cs
		}
		for _, tt := range []struct {
			ip    string
			since int // minutes after t0
			limit int
			want  []store.SentComment
		}{
			{"198.51.100.1", 0, 10, sent(3, "198.51.100.2", 2, "198.51.100.1", 1, "198.51.100.1")},
			{"198.51.100.9", 0, 2, sent(3, "198.51.100.2", 2, "198.51.100.1")},
			{"198.51.100.1", 2, 10, sent(3, "198.51.100.2")},
			{"2001:db8::77", 0, 10, sent(6, "2001:db8::2", 5, "2001:db8::1")},
			{"", 0, 10, nil},
			{"not an address", 0, 10, nil},
		} {
			got, err := f.s.RecentNetworkComments(t.Context(), tt.ip, t0.Add(time.Duration(tt.since)*time.Minute), tt.limit)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("RecentNetworkComments(%q, +%dm, %d) (-want +got):\n%s", tt.ip, tt.since, tt.limit, diff)
			}
		}
	})
}
