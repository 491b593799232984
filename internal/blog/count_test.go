package blog_test

import (
	"testing"

	"github.com/salon-blog/salon/internal/blog"
)

func TestCountOf(t *testing.T) {
	for _, tt := range []struct {
		n    int
		want string
	}{{0, "0 comments"}, {1, "1 comment"}, {2, "2 comments"}, {1000, "1000 comments"}} {
		if got := blog.CountOf(tt.n, "comment"); got != tt.want {
			t.Errorf("CountOf(%d) = %q; want %q", tt.n, got, tt.want)
		}
	}
}

func TestCount(t *testing.T) {
	for _, tt := range []struct {
		n    int
		want string
	}{{0, "0 categories"}, {1, "1 category"}, {2, "2 categories"}} {
		if got := blog.Count(tt.n, "category", "categories"); got != tt.want {
			t.Errorf("Count(%d) = %q; want %q", tt.n, got, tt.want)
		}
	}
}
