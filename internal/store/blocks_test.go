package store_test

import (
	"testing"
	"time"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/store"
)

func TestNewBlock(t *testing.T) {
	for _, tt := range []struct {
		kind  store.BlockKind
		value string
		want  string // "" for a refusal
	}{
		{store.BlockEmail, " Troll@Example.COM ", "troll@example.com"},
		{store.BlockEmail, "not an email", ""},
		{store.BlockIP, "198.51.100.7", "198.51.100.7"},
		{store.BlockIP, "::ffff:198.51.100.7", "198.51.100.7"},
		{store.BlockIP, "198.51.100.0/24", ""},
		{store.BlockNetwork, "198.51.100.77/24", "198.51.100.0/24"},
		{store.BlockNetwork, "198.51.100.77", "198.51.100.0/24"},
		{store.BlockNetwork, "2001:db8:1:2::99", "2001:db8:1:2::/64"},
		{store.BlockNetwork, "2001:db8::/64", "2001:db8::/64"},
		{store.BlockNetwork, "10.0.0.0/2", ""},
		{store.BlockNetwork, "banana", ""},
		{store.BlockDomain, "Spam.Example.", "spam.example"},
		{store.BlockDomain, "*.spam.example", "spam.example"},
		{store.BlockDomain, "https://spam.example/page", "spam.example"},
		{store.BlockDomain, "localhost", ""},
		{store.BlockDomain, "spam example.com", ""},
		{"person", "x", ""},
	} {
		b, err := store.NewBlock(tt.kind, tt.value)
		switch {
		case tt.want == "" && err == nil:
			t.Errorf("NewBlock(%s, %q) = %q; want a refusal", tt.kind, tt.value, b.Value)
		case tt.want != "" && (err != nil || b.Value != tt.want):
			t.Errorf("NewBlock(%s, %q) = %q, %v; want %q", tt.kind, tt.value, b.Value, err, tt.want)
		case tt.want == "" && blog.ErrorCode(err) != blog.EINVALID:
			t.Errorf("NewBlock(%s, %q) error %v; want an invalid-input error", tt.kind, tt.value, err)
		}
	}
}

func TestMatchBlock(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		s := newStore(t)
		s.Now = func() time.Time { return t0 }
		ctx := t.Context()
		add := func(kind store.BlockKind, value string, expires time.Time) store.Block {
			t.Helper()
			b, err := store.NewBlock(kind, value)
			if err != nil {
				t.Fatal(err)
			}
			b.Expires, b.Reason = expires, "test"
			if err := s.AddBlock(ctx, &b); err != nil {
				t.Fatal(err)
			}
			return b
		}
		email := add(store.BlockEmail, "troll@example.com", time.Time{})
		ip := add(store.BlockIP, "192.0.2.9", time.Time{})
		network := add(store.BlockNetwork, "198.51.100.0/24", time.Time{})
		network6 := add(store.BlockNetwork, "2001:db8:1:2::/64", time.Time{})
		domain := add(store.BlockDomain, "spam.example", time.Time{})
		add(store.BlockEmail, "was-rude@example.com", t0.Add(time.Hour))
		if b := (store.Block{Kind: store.BlockEmail, Value: "troll@example.com"}); blog.ErrorCode(s.AddBlock(ctx, &b)) != blog.ECONFLICT {
			t.Errorf("blocking the same email twice is not a conflict")
		}

		for _, tt := range []struct {
			name string
			c    store.Commenter
			at   time.Time
			want int64 // the block that matches; 0 none
		}{
			{"a reader", store.Commenter{Email: "reader@example.com", IP: "203.0.113.5", URL: "https://reader.example"}, t0, 0},
			{"blocked email, other case", store.Commenter{Email: "Troll@Example.com", IP: "203.0.113.5"}, t0, email.ID},
			{"blocked address", store.Commenter{Email: "new-name@example.com", IP: "192.0.2.9"}, t0, ip.ID},
			{"blocked address, mapped", store.Commenter{Email: "new-name@example.com", IP: "::ffff:192.0.2.9"}, t0, ip.ID},
			{"neighbour of a blocked address", store.Commenter{Email: "new-name@example.com", IP: "192.0.2.10"}, t0, 0},
			{"in a blocked network", store.Commenter{Email: "new-name@example.com", IP: "198.51.100.200"}, t0, network.ID},
			{"next to a blocked network", store.Commenter{Email: "new-name@example.com", IP: "198.51.101.1"}, t0, 0},
			{"in a blocked IPv6 network", store.Commenter{Email: "n@example.com", IP: "2001:db8:1:2:aaaa::1"}, t0, network6.ID},
			{"email at a blocked domain", store.Commenter{Email: "anyone@spam.example", IP: "203.0.113.5"}, t0, domain.ID},
			{"email under a blocked domain", store.Commenter{Email: "anyone@mail.spam.example", IP: "203.0.113.5"}, t0, domain.ID},
			{"website at a blocked domain", store.Commenter{Email: "n@example.com", URL: "spam.example/buy"}, t0, domain.ID},
			{"a domain that only ends the same", store.Commenter{Email: "n@notspam.example", URL: "https://notspam.example"}, t0, 0},
			{"blocked until later", store.Commenter{Email: "was-rude@example.com"}, t0.Add(time.Hour - time.Second), 6},
			{"expired block", store.Commenter{Email: "was-rude@example.com"}, t0.Add(time.Hour), 0},
			{"nothing known", store.Commenter{}, t0, 0},
		} {
			b, ok, err := s.MatchBlock(ctx, tt.c, tt.at)
			if err != nil {
				t.Fatal(err)
			}
			if got := map[bool]int64{true: b.ID}[ok]; got != tt.want {
				t.Errorf("%s: MatchBlock(%+v) = block %d (%v); want block %d", tt.name, tt.c, got, ok, tt.want)
			}
		}

		all, err := s.Blocks(ctx)
		if err != nil || len(all) != 6 || all[0].Value != "was-rude@example.com" || !all[0].Expires.Equal(t0.Add(time.Hour)) {
			t.Fatalf("Blocks() = %+v, %v; want 6, newest first with its expiry", all, err)
		}
		if err := s.RemoveBlock(ctx, email.ID); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := s.MatchBlock(ctx, store.Commenter{Email: "troll@example.com"}, t0); ok {
			t.Errorf("a removed block still applies")
		}
		if err := s.RemoveBlock(ctx, email.ID); blog.ErrorCode(err) != blog.ENOTFOUND {
			t.Errorf("removing a removed block: %v; want not found", err)
		}
	})
}
