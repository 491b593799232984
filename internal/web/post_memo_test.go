package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/post"
	"github.com/salon-blog/salon/internal/store"
	"github.com/salon-blog/salon/internal/web"
)

// TestPostKeptForReaders: readers get a post as it was read a moment ago, until the recheck interval shows that it
// changed, in this process or another; a signed-in user gets it as it is now.
func TestPostKeptForReaders(t *testing.T) {
	s := newCachedSite(t, web.PageCache{Recheck: time.Second})
	p := s.add(t, post.Draft{Title: "As first written", Body: "Body.", Date: start.Add(-time.Hour)})
	path := s.path(t, p)
	if r := s.get(t, path); !strings.Contains(r.body, "As first written") {
		t.Fatal("the post page does not show the post's title")
	}
	elsewhere, err := store.Open(context.Background(), s.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { elsewhere.Close() })
	edited, _, err := elsewhere.PostBySlug(context.Background(), p.Slug)
	if err != nil {
		t.Fatal(err)
	}
	edited.Title = "Edited elsewhere"
	if err := elsewhere.UpdatePost(context.Background(), &edited, blog.PostTerms{}); err != nil {
		t.Fatal(err)
	}
	if r := s.get(t, path); !strings.Contains(r.body, "As first written") {
		t.Error("a reader saw the new title within the recheck interval; the test cannot tell the post is kept")
	}
	if r := s.get(t, path, "Cookie", "salon_session=whatever"); !strings.Contains(r.body, "Edited elsewhere") {
		t.Error("a signed-in user got the kept post, not the one just edited")
	}
	s.clock.advance(time.Second)
	if r := s.get(t, path); !strings.Contains(r.body, "Edited elsewhere") {
		t.Error("a reader still sees the old title after the recheck interval")
	}
}
