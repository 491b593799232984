package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/store"
)

func (s *site) block(t *testing.T, kind store.BlockKind, value string, expires time.Time) {
	t.Helper()
	b, err := store.NewBlock(kind, value)
	if err != nil {
		t.Fatal(err)
	}
	b.Expires = expires
	if err := s.store.AddBlock(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
}

// TestBlockedCommenters: a blocked commenter is refused politely, with their text kept and nothing said of the
// rule; anyone else, and the same commenter once the block expired, comments as usual.
func TestBlockedCommenters(t *testing.T) {
	s, p := newCommentSite(t, map[string]string{"comment_previously_approved": "off"})
	s.block(t, store.BlockEmail, "troll@example.com", time.Time{})
	s.block(t, store.BlockIP, "203.0.113.9", time.Time{})
	s.block(t, store.BlockNetwork, "198.51.100.0/24", time.Time{})
	s.block(t, store.BlockDomain, "spam.example", time.Time{})
	s.block(t, store.BlockEmail, "cooling-off@example.com", start.Add(time.Hour))
	for i, tt := range []struct {
		name, ip, email, url string
		blocked              bool
	}{
		{"a reader", "192.0.2.1", "reader@example.com", "", false},
		{"blocked email", "192.0.2.2", "Troll@example.com", "", true},
		{"blocked address", "203.0.113.9", "new-name@example.com", "", true},
		{"blocked network", "198.51.100.77", "other-name@example.com", "", true},
		{"email at a blocked domain", "192.0.2.3", "x@spam.example", "", true},
		{"website at a blocked domain", "192.0.2.4", "y@example.com", "www.spam.example", true},
		{"blocked until later", "192.0.2.5", "cooling-off@example.com", "", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s.advance()
			body := fmt.Sprintf("A comment, number %d.", i)
			first, _ := s.reader(t, tt.ip).comment(t, p.ID, map[string]string{"author": "Someone", "email": tt.email, "url": tt.url, "comment": body})
			stored, _, err := s.store.Comments(context.Background(), blog.CommentFilter{Search: body})
			if err != nil {
				t.Fatal(err)
			}
			if !tt.blocked {
				if first.status != http.StatusSeeOther || len(stored) != 1 {
					t.Fatalf("submit = %d, stored %d; want 303 and stored", first.status, len(stored))
				}
				return
			}
			if first.status != http.StatusForbidden || len(stored) != 0 {
				t.Fatalf("submit = %d, stored %d; want 403 and nothing stored\n%s", first.status, len(stored), first.body)
			}
			if !strings.Contains(first.body, "comments from you are not accepted") {
				t.Errorf("the refusal does not say so:\n%s", first.body)
			}
			for _, secret := range []string{"blocked", "spam.example", "198.51.100"} {
				if strings.Contains(strings.ToLower(text(first.doc)), secret) {
					t.Errorf("the refusal reveals %q", secret)
				}
			}
			if got := fieldValue(first.doc, "comment"); got != body {
				t.Errorf("the comment box holds %q; want %q", got, body)
			}
		})
	}
	// The cooling-off block expires; the same commenter is then welcome.
	s.clock.advance(time.Hour)
	first, _ := s.reader(t, "192.0.2.5").comment(t, p.ID, map[string]string{"author": "Cool", "email": "cooling-off@example.com", "comment": "Back, and calmer."})
	if first.status != http.StatusSeeOther {
		t.Errorf("after the block expired: submit = %d; want 303\n%s", first.status, first.body)
	}
}

// TestBlocksScreen: editors block from the admin screen (and from a comment in the queue) and remove blocks;
// authors may not.
func TestBlocksScreen(t *testing.T) {
	s, p := newCommentSite(t, map[string]string{"comment_previously_approved": "off"})
	s.addUser(t, "ed@example.com", "Ed Itor", blog.RoleEditor, "editor password")
	s.addUser(t, "au@example.com", "Au Thor", blog.RoleAuthor, "author password")
	s.reader(t, "198.51.100.23").comment(t, p.ID, map[string]string{"author": "Pest", "email": "pest@example.com", "url": "https://pest.example/x", "comment": "Rude words."})

	author := s.reader(t, "192.0.2.50")
	author.signIn(t, "au@example.com", "author password")
	if r := author.get(t, "/admin/blocks/"); r.status != http.StatusForbidden {
		t.Errorf("an author opens the blocks screen: %d; want 403", r.status)
	}

	ed := s.reader(t, "192.0.2.51")
	ed.signIn(t, "ed@example.com", "editor password")
	page := ed.get(t, "/admin/blocks/?comment=1")
	if page.status != http.StatusOK || !strings.Contains(page.body, "198.51.100.0/24") || !strings.Contains(page.body, "pest.example") {
		t.Fatalf("blocks screen from comment 1 = %d:\n%s", page.status, page.body)
	}
	r := ed.post(t, "/admin/blocks/", url.Values{"csrf": {csrf(t, page)}, "choice": {"network 198.51.100.0/24"}, "days": {"7"}, "reason": {"insults"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("block from the queue = %d\n%s", r.status, r.body)
	}
	r = ed.post(t, "/admin/blocks/", url.Values{"csrf": {csrf(t, page)}, "kind": {"email"}, "value": {"not an email"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "is not an email address") || fieldValue(r.doc, "value") != "not an email" {
		t.Errorf("a bad value = %d; want 422 with the message and the value kept\n%s", r.status, r.body)
	}
	list := ed.get(t, "/admin/blocks/")
	rows := find(list.doc, "tr")
	if len(rows) != 2 || !strings.Contains(text(rows[1]), "198.51.100.0/24") || !strings.Contains(text(rows[1]), "insults") {
		t.Fatalf("the list shows %q", texts(rows))
	}
	blocks, err := s.store.Blocks(context.Background())
	if err != nil || len(blocks) != 1 || !blocks[0].Expires.Equal(blocks[0].Created.AddDate(0, 0, 7)) || blocks[0].CreatedBy != "ed@example.com" {
		t.Fatalf("stored blocks = %+v, %v", blocks, err)
	}
	r = ed.post(t, "/admin/blocks/1/remove/", url.Values{"csrf": {csrf(t, list)}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("remove = %d", r.status)
	}
	if blocks, _ := s.store.Blocks(context.Background()); len(blocks) != 0 {
		t.Errorf("after removal: %+v", blocks)
	}
}
