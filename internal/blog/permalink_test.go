package blog_test

import (
	"testing"
	"time"

	"github.com/salon-blog/salon/internal/blog"
)

func TestPostPath(t *testing.T) {
	may17 := time.Date(2024, 5, 17, 10, 0, 0, 0, time.UTC)
	lateMay31 := time.Date(2024, 5, 31, 23, 30, 0, 0, time.UTC) // already June 1st in Paris (UTC+2)
	newYear := time.Date(2024, 1, 1, 2, 0, 0, 0, time.UTC)      // still December 31st in New York
	tests := []struct {
		style     blog.PermalinkStyle
		zone      string
		typ       blog.Type
		published time.Time
		want      string
	}{
		{blog.PermalinkDay, "UTC", blog.TypePost, may17, "/2024/05/17/hello/"},
		{blog.PermalinkMonth, "UTC", blog.TypePost, may17, "/2024/05/hello/"},
		{blog.PermalinkPlain, "UTC", blog.TypePost, may17, "/hello/"},
		{"", "UTC", blog.TypePost, may17, "/2024/05/17/hello/"}, // unset: the default style

		{blog.PermalinkDay, "UTC", blog.TypePost, lateMay31, "/2024/05/31/hello/"},
		{blog.PermalinkDay, "Europe/Paris", blog.TypePost, lateMay31, "/2024/06/01/hello/"},
		{blog.PermalinkMonth, "Europe/Paris", blog.TypePost, lateMay31, "/2024/06/hello/"},
		{blog.PermalinkDay, "America/New_York", blog.TypePost, newYear, "/2023/12/31/hello/"},
		{blog.PermalinkDay, "Europe/Paris", blog.TypePost, lateMay31.In(time.FixedZone("UTC-10", -10*3600)), "/2024/06/01/hello/"},

		{blog.PermalinkDay, "UTC", blog.TypePage, may17, "/hello/"},
		{blog.PermalinkMonth, "Europe/Paris", blog.TypePage, lateMay31, "/hello/"},
		{blog.PermalinkPlain, "UTC", blog.TypePage, may17, "/hello/"},
	}
	for _, tt := range tests {
		st := blog.DefaultSettings()
		st.Permalink, st.TimeZone = tt.style, tt.zone
		p := blog.Post{Type: tt.typ, Slug: "hello", Published: tt.published}
		if got := st.PostPath(&p); got != tt.want {
			t.Errorf("PostPath(%s %s, %q, %s) = %q; want %q", tt.typ, tt.published.Format(time.RFC3339), tt.style, tt.zone, got, tt.want)
		}
	}
}

func TestTermPath(t *testing.T) {
	tests := []struct {
		term blog.Term
		want string
	}{
		{blog.Term{Taxonomy: blog.Category, Slug: "politics", Path: "politics"}, "/category/politics/"},
		{blog.Term{Taxonomy: blog.Category, Slug: "elections", ParentID: 1, Path: "politics/elections"}, "/category/politics/elections/"},
		{blog.Term{Taxonomy: blog.Tag, Slug: "go", Path: "go"}, "/tag/go/"},
		{blog.Term{Taxonomy: blog.Tag, Slug: "go"}, "/tag/go/"},
	}
	for _, tt := range tests {
		if got := blog.TermPath(&tt.term); got != tt.want {
			t.Errorf("TermPath(%s %q) = %q; want %q", tt.term.Taxonomy, tt.term.Path, got, tt.want)
		}
	}
}

func TestAuthorPath(t *testing.T) {
	if got, want := blog.AuthorPath("ann-lee"), "/author/ann-lee/"; got != want {
		t.Errorf("AuthorPath(%q) = %q; want %q", "ann-lee", got, want)
	}
}

func TestPagedPath(t *testing.T) {
	tests := []struct {
		base string
		page int
		want string
	}{
		{"/", 0, "/"},
		{"/", 1, "/"},
		{"/", 2, "/page/2/"},
		{"/category/politics/elections/", 1, "/category/politics/elections/"},
		{"/category/politics/elections/", 3, "/category/politics/elections/page/3/"},
		{"/tag/go/", 10, "/tag/go/page/10/"},
		{"/2024/05/", 2, "/2024/05/page/2/"},
		{"/author/ann", 2, "/author/ann/page/2/"},
		{"/tag/go/", -1, "/tag/go/"},
	}
	for _, tt := range tests {
		if got := blog.PagedPath(tt.base, tt.page); got != tt.want {
			t.Errorf("PagedPath(%q, %d) = %q; want %q", tt.base, tt.page, got, tt.want)
		}
	}
}
