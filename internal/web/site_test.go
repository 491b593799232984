package web_test

import (
	"context"
	"errors"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/post"
	"github.com/salon-blog/salon/internal/store"
	"github.com/salon-blog/salon/internal/transfer"
	"github.com/salon-blog/salon/internal/web"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// start is the time on every test site's clock when it starts.
var start = time.Date(2024, 6, 10, 12, 0, 0, 0, time.UTC)

// clock is a test site's time, which moves only when the test moves it.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type site struct {
	clock  *clock
	srv    *httptest.Server
	store  *store.Store
	writer *post.Writer
	client *http.Client
}

// newSite starts the public site over a fresh SQLite file, with two users and the given settings.
func newSite(t testing.TB, settings map[string]string, proxies web.Proxies) *site {
	t.Helper()
	s := newEmptySite(t, proxies)
	for k, v := range settings {
		if err := s.store.SetSetting(context.Background(), k, v); err != nil {
			t.Fatalf("SetSetting(%q, %q): %v", k, v, err)
		}
	}
	for _, u := range []blog.User{
		{Email: "ann@example.com", Name: "Ann Writer", Slug: "ann-writer", Role: blog.RoleAdmin, PasswordHash: "x"},
		{Email: "bob@example.com", Name: "Bob Editor", Slug: "bob-editor", Role: blog.RoleEditor, PasswordHash: "x"},
	} {
		if err := s.store.CreateUser(context.Background(), &u); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// newEmptySite starts the site over a fresh SQLite file with no users, as a new installation is; the test is
// its proxy (127.0.0.1 is trusted) unless proxies says otherwise.
func newEmptySite(t testing.TB, proxies ...web.Proxies) *site {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "salon.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: start}
	st.Now = clk.Now
	var trusted web.Proxies
	if len(proxies) > 0 {
		trusted = proxies[0]
	} else {
		var err error
		if trusted, err = web.ParseProxies("127.0.0.1,::1"); err != nil {
			t.Fatal(err)
		}
	}
	srv := startSiteWith(t, web.Config{Store: st, Proxies: trusted, Now: clk.Now, PasswordParams: cheapParams,
		Transfers: transfer.Site[*store.ImportTx]{Begin: st.Import, Source: st}})
	return &site{clock: clk, srv: srv, store: st, writer: &post.Writer{Store: st, Now: st.Now}, client: noRedirects(srv)}
}

func startSite(t *testing.T, st web.Store, proxies web.Proxies, clk *clock) *httptest.Server {
	t.Helper()
	return startSiteWith(t, web.Config{Store: st, Proxies: proxies, Now: clk.Now})
}

func startSiteWith(t testing.TB, cfg web.Config) *httptest.Server {
	t.Helper()
	s, err := web.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return srv
}

func noRedirects(srv *httptest.Server) *http.Client {
	c := srv.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return c
}

func (s *site) add(t testing.TB, d post.Draft) blog.Post {
	t.Helper()
	p, err := s.writer.Create(context.Background(), d)
	if err != nil {
		t.Fatalf("Create(%q): %v", d.Title, err)
	}
	return p
}

type response struct {
	status int
	header http.Header
	body   string
	doc    *html.Node
}

func get(t *testing.T, c *http.Client, url string, header ...string) response {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	r := response{status: res.StatusCode, header: res.Header, body: string(b)}
	if strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		if r.doc, err = html.Parse(strings.NewReader(r.body)); err != nil {
			t.Fatalf("GET %s: parse HTML: %v", url, err)
		}
	}
	return r
}

func (s *site) get(t *testing.T, path string, header ...string) response {
	t.Helper()
	return get(t, s.client, s.srv.URL+path, header...)
}

// find returns every element matching a selector made of simple parts ("tag", ".class", "#id", "tag.class",
// "tag[attr=value]") joined by spaces for descendants.
func find(n *html.Node, selector string) []*html.Node {
	parts := strings.Fields(selector)
	nodes := []*html.Node{n}
	for _, part := range parts {
		var next []*html.Node
		seen := map[*html.Node]bool{}
		for _, root := range nodes {
			for _, m := range findSimple(root, part) {
				if !seen[m] && m != root {
					seen[m] = true
					next = append(next, m)
				}
			}
		}
		nodes = next
	}
	return nodes
}

func findSimple(n *html.Node, selector string) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && matches(n, selector) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	if n != nil {
		walk(n)
	}
	return out
}

func matches(n *html.Node, sel string) bool {
	tag, rest := sel, ""
	if i := strings.IndexAny(sel, ".#["); i >= 0 {
		tag, rest = sel[:i], sel[i:]
	}
	if tag != "" && n.Data != tag {
		return false
	}
	switch {
	case rest == "":
		return true
	case rest[0] == '.':
		return hasClass(n, rest[1:])
	case rest[0] == '#':
		return attr(n, "id") == rest[1:]
	}
	kv := strings.SplitN(strings.Trim(rest, "[]"), "=", 2)
	return len(kv) == 2 && attr(n, kv[0]) == strings.Trim(kv[1], `"`)
}

func hasClass(n *html.Node, class string) bool {
	for _, c := range strings.Fields(attr(n, "class")) {
		if c == class {
			return true
		}
	}
	return false
}

func attr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}

func text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

func texts(nodes []*html.Node) []string {
	out := make([]string, len(nodes))
	for i, n := range nodes {
		out[i] = text(n)
	}
	return out
}

// golden compares got with testdata/name, or rewrites the file under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file; run go test -update and review the diff.\ngot:\n%s", path, got)
	}
}

// failingStore answers the calls of the public pages with err, for the error pages. Other calls reach the nil
// embedded Store and panic, which the site turns into a 500 page too.
type failingStore struct {
	web.Store
	err error
}

func (f failingStore) Settings(context.Context) (blog.Settings, error)          { return blog.Settings{}, f.err }
func (f failingStore) CacheVersions(context.Context, []string) ([]int64, error) { return nil, f.err }
func (f failingStore) Posts(context.Context, blog.PostFilter) ([]blog.Post, int, error) {
	return nil, 0, f.err
}
func (f failingStore) Post(context.Context, int64) (blog.Post, error) { return blog.Post{}, f.err }
func (f failingStore) PostBySlug(context.Context, string) (blog.Post, bool, error) {
	return blog.Post{}, false, f.err
}
func (f failingStore) Categories(context.Context) ([]blog.Term, error) { return nil, f.err }
func (f failingStore) TermBySlug(context.Context, blog.Taxonomy, string) (blog.Term, error) {
	return blog.Term{}, f.err
}
func (f failingStore) UserBySlug(context.Context, string) (blog.User, error) {
	return blog.User{}, f.err
}
func (f failingStore) Ping(context.Context) error                      { return f.err }
func (f failingStore) SiteKey(context.Context, string) ([]byte, error) { return []byte("key"), nil }

var _ web.Store = failingStore{}
var _ web.Store = (*store.Store)(nil)

var errSQL = errors.New(`SQL logic error: no such table: posts (1) SELECT p.id FROM posts`)

// path is a post's permalink under the site's current settings.
func (s *site) path(t testing.TB, p blog.Post) string {
	t.Helper()
	st, err := s.store.Settings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st.PostPath(&p)
}
