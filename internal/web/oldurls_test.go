package web_test

import (
	"context"
	"testing"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/store"
)

// importedSite is the seeded site as an import from a WordPress site leaves it: WordPress knew Elections as
// category 5, the tag Go as term 6, Bob as author 2 and Cy (who published nothing) as author 4, Hello, World as
// post 77, and published it at /archives/hello.html.
func importedSite(t *testing.T) *site {
	t.Helper()
	ctx := context.Background()
	s := newSite(t, nil, nil)
	posts := seed(t, s)
	elections, err := s.store.TermBySlug(ctx, blog.Category, "elections")
	if err != nil {
		t.Fatal(err)
	}
	golang, err := s.store.TermBySlug(ctx, blog.Tag, "go")
	if err != nil {
		t.Fatal(err)
	}
	bob, err := s.store.UserBySlug(ctx, "bob-editor")
	if err != nil {
		t.Fatal(err)
	}
	cy := blog.User{Email: "cy@example.com", Name: "Cy Reader", Slug: "cy-reader", Role: blog.RoleAuthor,
		PasswordHash: "x"}
	if err := s.store.CreateUser(ctx, &cy); err != nil {
		t.Fatal(err)
	}
	const source = "https://old.example"
	err = s.store.Import(ctx, func(tx *store.ImportTx) error {
		for _, step := range []func() error{
			func() error { return tx.RememberCategoryID(ctx, source, 5, elections.ID) },
			func() error { return tx.RememberCategoryID(ctx, source, 6, golang.ID) },
			func() error { return tx.RememberAuthorID(ctx, source, 2, bob.ID) },
			func() error { return tx.RememberAuthorID(ctx, source, 4, cy.ID) },
			func() error { return tx.Remember(ctx, source, "post", "77", posts["hello"].ID) },
			func() error { return tx.AddOldPath(ctx, "/archives/hello.html", posts["hello"].ID) },
		} {
			if err := step(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// redirectCase is one address and how the site must answer it: a 301 to location, or status with no Location.
type redirectCase struct {
	path     string
	status   int
	location string
}

func checkRedirects(t *testing.T, s *site, tests []redirectCase) {
	t.Helper()
	for _, tt := range tests {
		r := s.get(t, tt.path)
		if r.status != tt.status || r.header.Get("Location") != tt.location {
			t.Errorf("GET %s = %d %q; want %d %q", tt.path, r.status, r.header.Get("Location"), tt.status, tt.location)
		}
	}
}

// The query addresses of a WordPress site without pretty permalinks lead where WordPress's redirect_canonical
// sends them, by the IDs WordPress gave (an import remembers them), and are not found when they name nothing here.
func TestWordPressQueryAddresses(t *testing.T) {
	s := importedSite(t)
	checkRedirects(t, s, []redirectCase{
		{"/?cat=5", 301, "/category/politics/elections/"},
		{"/?cat=5&paged=2", 301, "/category/politics/elections/page/2/"},
		{"/?cat=5&feed=rss2", 301, "/category/politics/elections/feed/"},
		{"/?cat=5&feed=atom&paged=2", 301, "/category/politics/elections/feed/atom/"},
		{"/?cat=5&feed=comments-rss2", 404, ""},
		{"/?cat=5&paged=0", 404, ""},
		{"/?cat=6", 404, ""},  // a tag's ID, not a category's
		{"/?cat=1", 404, ""},  // the ID of Politics here, which no import brought in as 1
		{"/?cat=99", 404, ""}, // no category was 99
		{"/?cat=x", 404, ""},
		{"/?cat=-5", 404, ""}, // WordPress's "all but 5" has no archive here
		{"/?tag=go", 301, "/tag/go/"},
		{"/?tag=go&paged=2", 301, "/tag/go/page/2/"},
		{"/?tag=nothing", 404, ""},
		{"/?author=2", 301, "/author/bob-editor/"},
		{"/?author=2&feed=rss2", 301, "/author/bob-editor/feed/"},
		{"/?author=4", 404, ""}, // wrote nothing public: its name is not given away
		{"/?author=1", 404, ""}, // Ann's ID here, which no import brought in as 1
		{"/?author=99", 404, ""},
		{"/?m=2024", 301, "/2024/"},
		{"/?m=202406", 301, "/2024/06/"},
		{"/?m=20240601", 301, "/2024/06/01/"},
		{"/?m=2024&paged=2", 301, "/2024/page/2/"},
		{"/?m=202406&feed=atom", 301, "/2024/06/feed/atom/"},
		{"/?m=202413", 404, ""},
		{"/?m=20240632", 404, ""},
		{"/?m=20246", 404, ""},
		{"/?m=2024-6", 404, ""},
		{"/?m=2024061512", 404, ""},
		{"/?paged=2", 301, "/page/2/"},
		{"/?paged=x", 404, ""},
		{"/?p=1", 301, "/2024/05/17/hello-world/"},
		{"/?p=77", 301, "/2024/05/17/hello-world/"},
		{"/?p=1&cpage=2", 301, "/2024/05/17/hello-world/comment-page-2/"},
		{"/?p=1&cpage=1", 301, "/2024/05/17/hello-world/"},
		{"/?p=1&cpage=0", 404, ""},
		{"/?p=1&feed=rss2", 301, "/2024/05/17/hello-world/feed/"},
		{"/?p=1&feed=comments-atom", 301, "/2024/05/17/hello-world/feed/atom/"},
		{"/?p=1&feed=json", 404, ""},
		{"/?p=1&page_id=7", 301, "/2024/05/17/hello-world/"}, // ?p= first, not the two IDs run together
		{"/?page_id=7&cpage=2", 301, "/about/"},              // pages take no comments here
		{"/?page_id=7&feed=rss2", 404, ""},
		{"/?feed=rss2", 301, "/feed/"},
		{"/?feed=atom", 301, "/feed/atom/"},
		{"/?feed=comments-rss2", 301, "/comments/feed/"},
		{"/?feed=rss2&paged=2", 301, "/feed/"},
		{"/?feed=json", 404, ""},
		{"/?s=hello&cat=5", 200, ""}, // a search is the search's to answer
		{"/?utm_source=mastodon", 200, ""},
	})
}

// /index.php is WordPress's home page under another name, with or without a path after it.
func TestIndexPHP(t *testing.T) {
	s := importedSite(t)
	checkRedirects(t, s, []redirectCase{
		{"/index.php?p=1", 301, "/2024/05/17/hello-world/"},
		{"/index.php?p=1&cpage=2", 301, "/2024/05/17/hello-world/comment-page-2/"},
		{"/index.php?cat=5", 301, "/category/politics/elections/"},
		{"/index.php?m=202406", 301, "/2024/06/"},
		{"/index.php?feed=rss2", 301, "/feed/"},
		{"/index.php?p=4", 404, ""},
		{"/index.php", 301, "/"},
		{"/index.php?s=hello", 301, "/?s=hello"},
		{"/index.php/2024/05/17/hello-world/", 301, "/2024/05/17/hello-world/"},
		{"/index.php/category/politics/?paged=2", 301, "/category/politics/?paged=2"},
		{"/index.php/?p=1", 301, "/?p=1"},
		{"/index.php/%2F%2Fevil.example/", 301, "/evil.example/"}, // never off the site
	})
}

// An address whose last segment names a file is never given a slash: it is an old address kept by an import, or
// WordPress's sign-in and admin screens, or not found at once.
func TestFileAddresses(t *testing.T) {
	s := importedSite(t)
	checkRedirects(t, s, []redirectCase{
		{"/favicon.ico", 404, ""},
		{"/apple-touch-icon.png", 404, ""},
		{"/xmlrpc.php", 404, ""},
		{"/.env", 404, ""},
		{"/2024/05/17/hello-world.html", 404, ""},
		{"/category/politics/index.html", 404, ""},
		{"/archives/hello.html", 301, "/2024/05/17/hello-world/"},
		{"/wp-login.php", 301, "/admin/signin/"},
		{"/wp-login.php?redirect_to=https%3A%2F%2Fold.example%2Fwp-admin%2F&reauth=1", 301, "/admin/signin/"},
		{"/wp-login.php?action=lostpassword", 301, "/admin/forgot/"},
		{"/wp-admin", 301, "/admin/"},
		{"/wp-admin/", 301, "/admin/"},
		{"/wp-admin/post-new.php", 301, "/admin/"},
		{"/wp-admin/edit.php?post_type=page", 301, "/admin/"},
		// Addresses without an extension still gain their slash.
		{"/2024/05/17/hello-world", 301, "/2024/05/17/hello-world/"},
		{"/about", 301, "/about/"},
	})
	// The unknown file is the site's own 404 page, as any unknown address is.
	r := s.get(t, "/favicon.ico")
	if h := texts(find(r.doc, "h1")); len(h) != 1 || h[0] != "Page not found" {
		t.Errorf("GET /favicon.ico h1 = %q; want [\"Page not found\"]", h)
	}
}
