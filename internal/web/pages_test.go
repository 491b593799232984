package web_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/post"
	"github.com/salon-blog/salon/internal/store"
	"github.com/salon-blog/salon/internal/web"
)

// seed writes a small but varied site: posts in nested categories, tags, two authors, a page, a sticky post and
// posts readers must not see.
func seed(t *testing.T, s *site) map[string]blog.Post {
	t.Helper()
	day := func(s string) time.Time {
		d, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	return map[string]blog.Post{
		"hello": s.add(t, post.Draft{Title: "Hello, World", Date: day("2024-05-17T09:30:00Z"),
			Body:       "The *first* post, with \"quotes\".\n\n<!--more-->\n\nThe rest of it, after the fold.",
			Categories: []string{"Politics/Elections"}, Tags: []string{"Go", "Blogging"}, Excerpt: "A first post."}),
		"second": s.add(t, post.Draft{Title: "Second thoughts", Date: day("2024-06-01T10:00:00Z"), Body: "Body two.",
			Categories: []string{"Politics"}, Tags: []string{"Go"}, AuthorEmail: "bob@example.com"}),
		"sticky": s.add(t, post.Draft{Title: "Read this first", Date: day("2023-01-01T08:00:00Z"), Body: "Welcome.", Sticky: true}),
		"future": s.add(t, post.Draft{Title: "Not yet", Status: blog.StatusFuture, Date: day("2024-07-01T08:00:00Z"), Body: "Soon.",
			Categories: []string{"Politics"}, Tags: []string{"Go"}}),
		"draft":   s.add(t, post.Draft{Title: "Half written", Status: blog.StatusDraft, Body: "Draft.", Tags: []string{"Go"}}),
		"private": s.add(t, post.Draft{Title: "Private notes", Status: blog.StatusPrivate, Body: "Private."}),
		"about":   s.add(t, post.Draft{Title: "About", Type: blog.TypePage, Body: "About this blog."}),
		"closed":  s.add(t, post.Draft{Title: "Closed thread", Date: day("2024-06-02T10:00:00Z"), Body: "No comments here.", CommentsClosed: true}),
	}
}

func TestPublicPages(t *testing.T) {
	s := newSite(t, map[string]string{"title": "The Salon", "tagline": "Argue well"}, nil)
	seed(t, s)
	tests := []struct {
		path     string
		status   int
		location string
		heading  string   // the archive's or post's h1
		titles   []string // the posts listed, in order
	}{
		{"/", 200, "", "", []string{"Read this first", "Closed thread", "Second thoughts", "Hello, World"}},
		{"/2024/05/17/hello-world/", 200, "", "Hello, World", nil},
		{"/2024/05/17/hello-world", 301, "/2024/05/17/hello-world/", "", nil},
		{"/2024/05/18/hello-world/", 301, "/2024/05/17/hello-world/", "", nil},
		{"/hello-world/", 301, "/2024/05/17/hello-world/", "", nil},
		{"/about/", 200, "", "About", nil},
		{"/2024/", 200, "", "Archives: 2024", []string{"Closed thread", "Second thoughts", "Hello, World"}},
		{"/2024/06/", 200, "", "Archives: June 2024", []string{"Closed thread", "Second thoughts"}},
		{"/2024/06/01/", 200, "", "Archives: June 1, 2024", []string{"Second thoughts"}},
		{"/2024/02/30/", 404, "", "", nil},
		{"/2022/", 404, "", "", nil},
		{"/2024/07/", 404, "", "", nil},
		{"/category/politics/", 200, "", "Category: Politics", []string{"Second thoughts", "Hello, World"}},
		{"/category/politics/elections/", 200, "", "Category: Elections", []string{"Hello, World"}},
		{"/category/elections/", 301, "/category/politics/elections/", "", nil},
		{"/category/elections/page/2/", 301, "/category/politics/elections/page/2/", "", nil},
		{"/category/nothing/", 404, "", "", nil},
		{"/tag/go/", 200, "", "Tag: Go", []string{"Second thoughts", "Hello, World"}},
		{"/tag/nothing/", 404, "", "", nil},
		{"/author/bob-editor/", 200, "", "Posts by Bob Editor", []string{"Second thoughts"}},
		{"/author/nobody/", 404, "", "", nil},
		{"/page/1/", 301, "/", "", nil},
		{"/page/2/", 404, "", "", nil},
		{"/not-yet/", 404, "", "", nil},
		{"/2024/07/01/not-yet/", 404, "", "", nil},
		{"/half-written/", 404, "", "", nil},
		{"/private-notes/", 404, "", "", nil},
		{"/no/such/thing/here/", 404, "", "", nil},
		{"/?p=1", 301, "/2024/05/17/hello-world/", "", nil},
		{"/?p=4", 404, "", "", nil},
		{"/?p=x", 404, "", "", nil},
		{"/?page_id=7", 301, "/about/", "", nil},
	}
	for _, tt := range tests {
		r := s.get(t, tt.path)
		if r.status != tt.status {
			t.Errorf("GET %s = %d; want %d", tt.path, r.status, tt.status)
			continue
		}
		if got := r.header.Get("Location"); got != tt.location {
			t.Errorf("GET %s Location = %q; want %q", tt.path, got, tt.location)
		}
		if r.status != 200 {
			continue
		}
		if tt.heading != "" {
			if h := texts(find(r.doc, "h1")); len(h) != 1 || h[0] != tt.heading {
				t.Errorf("GET %s h1 = %q; want [%q]", tt.path, h, tt.heading)
			}
		}
		if tt.titles != nil {
			if diff := cmp.Diff(tt.titles, texts(find(r.doc, "h2.post-title"))); diff != "" {
				t.Errorf("GET %s listed posts (-want +got):\n%s", tt.path, diff)
			}
		}
	}
}

func TestPostPage(t *testing.T) {
	s := newSite(t, map[string]string{"title": "The Salon", "url": "https://blog.example"}, nil)
	posts := seed(t, s)
	r := s.get(t, "/2024/05/17/hello-world/")
	if r.status != 200 {
		t.Fatalf("GET = %d", r.status)
	}
	checks := []struct{ selector, want string }{
		{"title", "Hello, World – The Salon"},
		{"h1.post-title", "Hello, World"},
		{"a.author", "Ann Writer"},
		{"span.categories", "in Elections"},
		{"p.tags", "Tagged Blogging, Go"},
		{"span.comment-count", "No comments"},
		{"#comments-title", "No comments yet"},
		{".post-content", "The first post, with “quotes”. The rest of it, after the fold."},
	}
	for _, c := range checks {
		if got := texts(find(r.doc, c.selector)); len(got) != 1 || got[0] != c.want {
			t.Errorf("%s = %q; want [%q]", c.selector, got, c.want)
		}
	}
	links := map[string]string{}
	for _, a := range find(r.doc, "a") {
		links[text(a)] = attr(a, "href")
	}
	for name, href := range map[string]string{
		"Ann Writer": "/author/ann-writer/", "Elections": "/category/politics/elections/", "Go": "/tag/go/", "Blogging": "/tag/blogging/",
		"No comments": "/2024/05/17/hello-world/#comments", "About": "/about/",
	} {
		if links[name] != href {
			t.Errorf("link %q → %q; want %q", name, links[name], href)
		}
	}
	if got := attr(find(r.doc, "link[rel=canonical]")[0], "href"); got != "https://blog.example/2024/05/17/hello-world/" {
		t.Errorf("canonical = %q", got)
	}
	if got := attr(find(r.doc, "meta[name=description]")[0], "content"); got != posts["hello"].Excerpt {
		t.Errorf("description = %q; want the excerpt %q", got, posts["hello"].Excerpt)
	}
	if got := attr(find(r.doc, "time")[0], "datetime"); got != "2024-05-17T09:30:00Z" {
		t.Errorf("time datetime = %q", got)
	}
	closed := s.get(t, "/2024/06/02/closed-thread/")
	if got := texts(find(closed.doc, "p.comments-closed")); len(got) != 1 || got[0] != "Comments are closed." {
		t.Errorf("closed post says %q; want Comments are closed.", got)
	}
	if got := find(r.doc, "p.comments-closed"); len(got) != 0 {
		t.Error("open post says comments are closed")
	}
}

// The home page shows the part before <!--more--> with a link to the rest; the post page shows all of it.
func TestReadMore(t *testing.T) {
	s := newSite(t, nil, nil)
	seed(t, s)
	home := s.get(t, "/")
	var hello string
	for _, a := range find(home.doc, "article") {
		if strings.Contains(text(a), "Hello, World") {
			hello = text(a)
		}
	}
	if !strings.Contains(hello, "The first post") || strings.Contains(hello, "after the fold") || !strings.Contains(hello, "Continue reading") {
		t.Errorf("home page article = %q; want the summary and a Continue reading link", hello)
	}
}

func TestAccessibleLayout(t *testing.T) {
	s := newSite(t, map[string]string{"language": "fr-CA"}, nil)
	seed(t, s)
	for _, path := range []string{"/", "/2024/05/17/hello-world/", "/missing/"} {
		r := s.get(t, path)
		if got := attr(find(r.doc, "html")[0], "lang"); got != "fr-CA" {
			t.Errorf("%s: html lang = %q", path, got)
		}
		skip := find(r.doc, "a.skip-link")
		if len(skip) != 1 || attr(skip[0], "href") != "#content" || len(find(r.doc, "main#content")) != 1 {
			t.Errorf("%s: want a skip link to main#content", path)
		}
		for _, landmark := range []string{"header", "main", "footer", "nav"} {
			if len(find(r.doc, landmark)) == 0 {
				t.Errorf("%s: no <%s> landmark", path, landmark)
			}
		}
		if nav := find(r.doc, "nav"); len(nav) > 0 && attr(nav[0], "aria-label") == "" {
			t.Errorf("%s: navigation without aria-label", path)
		}
		if len(find(r.doc, "meta[name=viewport]")) != 1 {
			t.Errorf("%s: no viewport meta", path)
		}
	}
}

func TestPagination(t *testing.T) {
	s := newSite(t, map[string]string{"posts_per_page": "2"}, nil)
	base := time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC)
	for i := range 5 {
		s.add(t, post.Draft{Title: "Post " + string(rune('A'+i)), Body: "x", Date: base.AddDate(0, 0, i), Tags: []string{"all"}})
	}
	tests := []struct {
		path         string
		titles       []string
		newer, older string
	}{
		{"/", []string{"Post E", "Post D"}, "", "/page/2/"},
		{"/page/2/", []string{"Post C", "Post B"}, "/", "/page/3/"},
		{"/page/3/", []string{"Post A"}, "/page/2/", ""},
		{"/tag/all/page/2/", []string{"Post C", "Post B"}, "/tag/all/", "/tag/all/page/3/"},
	}
	for _, tt := range tests {
		r := s.get(t, tt.path)
		if diff := cmp.Diff(tt.titles, texts(find(r.doc, "h2.post-title"))); diff != "" {
			t.Errorf("GET %s (-want +got):\n%s", tt.path, diff)
		}
		href := func(sel string) string {
			if n := find(r.doc, sel); len(n) == 1 {
				return attr(n[0], "href")
			}
			return ""
		}
		if href("a.newer") != tt.newer || href("a.older") != tt.older {
			t.Errorf("GET %s pager newer=%q older=%q; want %q %q", tt.path, href("a.newer"), href("a.older"), tt.newer, tt.older)
		}
		if cur := texts(find(r.doc, "span[aria-current=page]")); len(cur) != 1 {
			t.Errorf("GET %s: current page marker = %q", tt.path, cur)
		}
	}
	if r := s.get(t, "/page/4/"); r.status != 404 {
		t.Errorf("GET /page/4/ = %d; want 404", r.status)
	}
}

// Date archives and permalinks use the site's time zone: 23:30 UTC on May 31st is June 1st in Paris.
func TestTimeZone(t *testing.T) {
	s := newSite(t, map[string]string{"timezone": "Europe/Paris"}, nil)
	s.add(t, post.Draft{Title: "Late night", Body: "x", Date: time.Date(2024, 5, 31, 23, 30, 0, 0, time.UTC)})
	if r := s.get(t, "/2024/06/01/late-night/"); r.status != 200 {
		t.Errorf("permalink in Paris time = %d", r.status)
	} else if got := text(find(r.doc, "time")[0]); got != "June 1, 2024 at 1:30 am" {
		t.Errorf("shown date = %q; want June 1, 2024 at 1:30 am", got)
	}
	if r := s.get(t, "/2024/06/01/"); len(find(r.doc, "h2.post-title")) != 1 {
		t.Errorf("June 1st archive does not list the post")
	}
	if r := s.get(t, "/2024/05/31/"); r.status != 404 {
		t.Errorf("May 31st archive = %d; want 404", r.status)
	}
}

// A renamed post, or a site whose permalink style changed, keeps its old URLs answering with 301.
func TestURLsSurviveChanges(t *testing.T) {
	s := newSite(t, nil, nil)
	posts := seed(t, s)
	ctx := context.Background()
	d := post.DraftOf(posts["hello"], "ann@example.com")
	d.Slug = "hello-again"
	if _, err := s.writer.Update(ctx, posts["hello"].ID, d); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		"/2024/05/17/hello-world/": "/2024/05/17/hello-again/",
		"/hello-world/":            "/2024/05/17/hello-again/",
	} {
		if r := s.get(t, path); r.status != 301 || r.header.Get("Location") != want {
			t.Errorf("GET %s = %d %q; want 301 %q", path, r.status, r.header.Get("Location"), want)
		}
	}
	if err := s.store.SetSetting(ctx, "permalink", "name"); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		"/2024/05/17/hello-again/":  "/hello-again/",
		"/2024/05/17/hello-world/":  "/hello-again/",
		"/2024/06/second-thoughts/": "/second-thoughts/",
	} {
		if r := s.get(t, path); r.status != 301 || r.header.Get("Location") != want {
			t.Errorf("after the style change GET %s = %d %q; want 301 %q", path, r.status, r.header.Get("Location"), want)
		}
	}
	if r := s.get(t, "/hello-again/"); r.status != 200 {
		t.Errorf("GET /hello-again/ = %d", r.status)
	}
}

func TestErrorPages(t *testing.T) {
	s := newSite(t, map[string]string{"title": "The Salon"}, nil)
	seed(t, s)
	r := s.get(t, "/no/such/page/at/all/")
	if r.status != 404 || !strings.Contains(text(find(r.doc, "h1")[0]), "Page not found") {
		t.Fatalf("404 page: %d %q", r.status, r.body)
	}
	if got := texts(find(r.doc, "p.site-title")); len(got) != 1 || got[0] != "The Salon" {
		t.Errorf("404 page does not look like the site: site title %q", got)
	}
	if len(find(r.doc, "meta[name=robots]")) != 1 {
		t.Error("404 page is indexable")
	}

	for _, tt := range []struct {
		err    error
		status int
	}{
		{errSQL, http.StatusInternalServerError},
		{blog.Errorf(blog.EUNAVAILABLE, "database down"), http.StatusServiceUnavailable},
	} {
		broken := startSite(t, failingStore{err: tt.err}, nil, &clock{t: start})
		for _, path := range []string{"/", "/2024/05/17/hello-world/", "/feed/"} {
			r := get(t, broken.Client(), broken.URL+path)
			if r.status != tt.status {
				t.Errorf("broken store: GET %s = %d; want %d", path, r.status, tt.status)
			}
			for _, leak := range []string{"SQL", "SELECT", "no such table", "goroutine", ".go:"} {
				if strings.Contains(r.body, leak) {
					t.Errorf("broken store: GET %s shows %q to the reader:\n%s", path, leak, r.body)
				}
			}
		}
	}
}

func TestHealthz(t *testing.T) {
	s := newSite(t, nil, nil)
	if r := s.get(t, "/healthz"); r.status != 200 || r.body != "ok\n" {
		t.Errorf("healthz = %d %q", r.status, r.body)
	}
	broken := startSite(t, failingStore{err: errSQL}, nil, &clock{t: start})
	if r := get(t, broken.Client(), broken.URL+"/healthz"); r.status != 503 {
		t.Errorf("healthz with a dead database = %d; want 503", r.status)
	}
}

func TestStaticAssets(t *testing.T) {
	s := newSite(t, nil, nil)
	r := s.get(t, "/")
	css := attr(find(r.doc, "link[rel=stylesheet]")[0], "href")
	if !strings.HasPrefix(css, "/static/salon.") || css == "/static/salon.css" {
		t.Fatalf("stylesheet URL %q carries no content hash", css)
	}
	a := s.get(t, css)
	if a.status != 200 || !strings.HasPrefix(a.header.Get("Content-Type"), "text/css") || !strings.Contains(a.header.Get("Cache-Control"), "immutable") {
		t.Errorf("GET %s = %d %q %q", css, a.status, a.header.Get("Content-Type"), a.header.Get("Cache-Control"))
	}
	if r := s.get(t, "/static/salon.0000000000.css"); r.status != 404 {
		t.Errorf("stale asset = %d; want 404", r.status)
	}
}

// Every kind of answer carries the security headers: pages, feeds, assets, redirects, errors, admin screens, the
// API and refusals.
func TestSecurityHeaders(t *testing.T) {
	s := newSite(t, nil, nil)
	p := s.add(t, post.Draft{Title: "Headers", Body: "Body.", Date: start.Add(-time.Hour)})
	s.addUser(t, "admin@example.com", "Ada Admin", blog.RoleAdmin, "correct horse battery")
	admin := s.reader(t, "192.0.2.9")
	admin.signIn(t, "admin@example.com", "correct horse battery")
	css := attr(find(s.get(t, "/").doc, "link[rel=stylesheet]")[0], "href")
	responses := map[string]response{}
	for _, path := range []string{"/", s.path(t, p), "/feed/", "/comments/feed/atom/", css, "/no-such-page/", "/?p=" + strconv.FormatInt(p.ID, 10),
		"/admin/signin/", "/privacy-policy/", "/healthz", "/api/posts", "/notifications/confirm/?t=forged"} {
		responses["GET "+path] = s.get(t, path)
	}
	for _, path := range []string{"/admin/", "/admin/comments/", "/admin/transfer/"} {
		responses["GET "+path+" (admin)"] = admin.get(t, path)
	}
	responses["POST /comments/ (cross-site)"] = func() response {
		req, err := http.NewRequest("POST", s.srv.URL+"/comments/", strings.NewReader("comment_post_ID=1"))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", "https://elsewhere.example")
		res, err := s.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return readResponse(t, res)
	}()
	for what, r := range responses {
		for h, want := range map[string]string{
			"X-Content-Type-Options": "nosniff",
			"Referrer-Policy":        "strict-origin-when-cross-origin",
		} {
			if got := r.header.Get(h); got != want {
				t.Errorf("%s (%d): %s = %q; want %q", what, r.status, h, got, want)
			}
		}
		csp := r.header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s (%d): Content-Security-Policy = %q", what, r.status, csp)
		}
	}
}

// Only a trusted proxy may say that the reader came over https.
func TestTrustedProxyScheme(t *testing.T) {
	trusted, err := web.ParseProxies("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		proxies web.Proxies
		want    string
	}{
		{trusted, "https://"},
		{nil, "http://"},
	} {
		s := newSite(t, nil, tt.proxies)
		r := s.get(t, "/", "X-Forwarded-Proto", "https")
		if got := attr(find(r.doc, "link[rel=canonical]")[0], "href"); !strings.HasPrefix(got, tt.want) {
			t.Errorf("proxies %v: canonical = %q; want %s…", tt.proxies, got, tt.want)
		}
	}
}

// While the database is away (PostgreSQL restarting), readers get "back in a moment" with a 503, not a 500.
func TestDatabaseAway(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	srv := startSiteWith(t, web.Config{Store: failingStore{err: fmt.Errorf("list posts: %w", refused)}, Now: (&clock{t: start}).Now,
		Unavailable: store.IsUnavailable})
	r := get(t, srv.Client(), srv.URL+"/")
	if r.status != http.StatusServiceUnavailable || r.header.Get("Retry-After") == "" || !strings.Contains(r.body, "Back in a moment") {
		t.Errorf("GET / with the database away = %d %q", r.status, r.header.Get("Retry-After"))
	}
	broken := startSiteWith(t, web.Config{Store: failingStore{err: errSQL}, Now: (&clock{t: start}).Now, Unavailable: store.IsUnavailable})
	if r := get(t, broken.Client(), broken.URL+"/"); r.status != http.StatusInternalServerError {
		t.Errorf("GET / with a broken query = %d; want 500", r.status)
	}
}

// TestOneHeadingPerPage: every kind of page has one <h1>, on the home page the site's title (screen readers and
// search engines take the page's subject from it).
func TestOneHeadingPerPage(t *testing.T) {
	s := newSite(t, map[string]string{"title": "The Salon"}, nil)
	seed(t, s)
	for _, tt := range []struct{ path, h1 string }{
		{"/", "The Salon"},
		{"/page/2/", ""},
		{"/category/politics/", ""},
		{"/tag/go/", ""},
		{"/2024/", ""},
		{"/no/such/page/", "Page not found"},
	} {
		r := s.get(t, tt.path)
		h1 := texts(find(r.doc, "h1"))
		if len(h1) != 1 || (tt.h1 != "" && h1[0] != tt.h1) {
			t.Errorf("GET %s (%d): headings %q; want one%s", tt.path, r.status, h1, map[bool]string{true: "", false: " saying " + tt.h1}[tt.h1 == ""])
		}
	}
}
