package web

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/salon-blog/salon/internal/blog"
)

// TestPostMemoBudget: the kept posts stay within the budget, the post just kept among them, and a post larger than
// the whole budget is not kept.
func TestPostMemoBudget(t *testing.T) {
	m := newPostMemo(0, 10_000)
	for i := range 20 {
		slug := fmt.Sprintf("post-%d", i)
		m.keep(slug, &keptPost{post: blog.Post{Slug: slug}, size: 1_500})
		if m.bySlug[slug] == nil {
			t.Fatalf("%s was not kept", slug)
		}
		total := 0
		for _, k := range m.bySlug {
			total += k.size
		}
		if total != m.used || m.used > m.maxBytes {
			t.Fatalf("after %s: %d bytes kept, %d counted; want them equal and within %d", slug, total, m.used, m.maxBytes)
		}
	}
	m.keep("huge", &keptPost{size: 10_001})
	if m.bySlug["huge"] != nil {
		t.Error("a post larger than the budget was kept")
	}
}

// postsOnly is a database of posts by slug and the cache's versions. A read of a post can be held (hold) until
// released, with entered told when it starts.
type postsOnly struct {
	versionsOnly
	mu      sync.Mutex
	posts   map[string]blog.Post
	hold    chan struct{}
	entered chan struct{}
}

func (p *postsOnly) PostBySlug(_ context.Context, slug string) (blog.Post, bool, error) {
	p.mu.Lock()
	hold, entered := p.hold, p.entered
	post, ok := p.posts[slug]
	p.mu.Unlock()
	if hold != nil {
		close(entered)
		<-hold
	}
	if !ok {
		return post, false, blog.Errorf(blog.ENOTFOUND, "there is no post %s", slug)
	}
	return post, false, nil
}

// TestPostMemoReadsOncePerChange: when a kept post changes, one request reads it again while the others are given
// it as it was; a post that is gone is given to nobody once a request has found it gone.
func TestPostMemoReadsOncePerChange(t *testing.T) {
	ctx := t.Context()
	db := &postsOnly{versionsOnly: versionsOnly{versions: map[string]int64{}},
		posts: map[string]blog.Post{"a": {ID: 1, Slug: "a", Title: "First"}}}
	m := newPostMemo(0, 1<<20)
	title := func() string {
		p, _, err := m.get(ctx, db, "a", time.Now())
		if err != nil {
			return err.Error()
		}
		return p.Title
	}
	if got := title(); got != "First" {
		t.Fatalf("first read: %q", got)
	}

	db.mu.Lock()
	db.posts["a"] = blog.Post{ID: 1, Slug: "a", Title: "Second"}
	db.hold, db.entered = make(chan struct{}), make(chan struct{})
	hold, entered := db.hold, db.entered
	db.mu.Unlock()
	db.bump("site")
	reader := make(chan string)
	go func() { reader <- title() }()
	<-entered
	db.mu.Lock()
	db.hold = nil
	db.mu.Unlock()
	if got := title(); got != "First" {
		t.Errorf("while another request reads the changed post: %q; want it as it was", got)
	}
	close(hold)
	if got := <-reader; got != "Second" {
		t.Errorf("the request that read it again got %q", got)
	}
	if got := title(); got != "Second" {
		t.Errorf("after it was read again: %q", got)
	}

	db.mu.Lock()
	delete(db.posts, "a")
	db.mu.Unlock()
	db.bump("site")
	for range 2 {
		if _, _, err := m.get(ctx, db, "a", time.Now()); blog.ErrorCode(err) != blog.ENOTFOUND {
			t.Errorf("a deleted post: %v; want not found", err)
		}
	}
	if m.bySlug["a"] != nil {
		t.Error("a post found gone is still kept")
	}
}
