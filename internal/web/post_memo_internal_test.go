package web

import (
	"fmt"
	"testing"

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
