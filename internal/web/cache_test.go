package web_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/andybalholm/brotli"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/post"
	"github.com/salon-blog/salon/internal/store"
	"github.com/salon-blog/salon/internal/web"
)

// cachedSite is a site with the page cache on, over a SQLite file whose statements are counted.
type cachedSite struct {
	*site
	dbPath  string
	queries *store.QueryCounter
	ann     blog.User
}

func newCachedSite(t testing.TB, cache web.PageCache) *cachedSite {
	t.Helper()
	ctx := context.Background()
	dbPath := filepath.Join(t.TempDir(), "salon.db")
	st, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	queries, err := st.CountQueries()
	if err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: start}
	st.Now = clk.Now
	ann := blog.User{Email: "ann@example.com", Name: "Ann Writer", Slug: "ann-writer", Role: blog.RoleAdmin, PasswordHash: "x"}
	if err := st.CreateUser(ctx, &ann); err != nil {
		t.Fatal(err)
	}
	s, err := web.New(ctx, web.Config{Store: st, Now: clk.Now, PasswordParams: cheapParams, PageCache: cache})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return &cachedSite{site: &site{clock: clk, srv: srv, store: st, writer: &post.Writer{Store: st, Now: st.Now}, client: noRedirects(srv)},
		dbPath: dbPath, queries: queries, ann: ann}
}

var onCache = web.PageCache{MaxBytes: web.DefaultPageCacheBytes}

// addComments adds n approved comments to p, every third a reply to the one before it.
func (s *cachedSite) addComments(t testing.TB, p blog.Post, n int, status blog.CommentStatus) []int64 {
	t.Helper()
	var ids []int64
	for i := range n {
		c := blog.Comment{PostID: p.ID, AuthorName: fmt.Sprintf("Reader %d", i), AuthorEmail: fmt.Sprintf("r%d@example.org", i),
			AuthorIP: "192.0.2.1", Body: "A thought.", HTML: fmt.Sprintf("<p>Thought number %d, with a few more words to make it a paragraph.</p>", i),
			Status: status, Created: start.Add(-time.Duration(n-i) * time.Minute)}
		if i%3 == 2 {
			c.ParentID = ids[i-1]
		}
		if err := s.store.CreateComment(context.Background(), &c); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	return ids
}

// queriesOf counts the SQL statements one GET costs.
func (s *cachedSite) queriesOf(t *testing.T, path string, header ...string) (response, int64) {
	t.Helper()
	before := s.queries.Count()
	r := get(t, s.client, s.srv.URL+path, header...)
	return r, s.queries.Count() - before
}

func TestPageCacheServesAnonymousReadersFromMemory(t *testing.T) {
	s := newCachedSite(t, onCache)
	p := s.add(t, post.Draft{Title: "Viral", Body: "Everyone reads this.", Date: start.Add(-time.Hour)})
	s.addComments(t, p, 30, blog.CommentApproved)
	path := s.path(t, p)
	for _, target := range []string{path, "/", path + "feed/", "/feed/", "/comments/feed/"} {
		first, _ := s.queriesOf(t, target)
		if first.status != http.StatusOK {
			t.Fatalf("GET %s = %d", target, first.status)
		}
		second, n := s.queriesOf(t, target)
		if n != 1 {
			t.Errorf("GET %s again ran %d statements; want 1 (the version check)", target, n)
		}
		if second.body != first.body {
			t.Errorf("GET %s from the cache differs from the rendered page", target)
		}
		// Tracking parameters share the cached page.
		if _, n := s.queriesOf(t, target+"?utm_source=news&fbclid=x"); n != 1 {
			t.Errorf("GET %s?utm_source… ran %d statements; want 1", target, n)
		}
	}
}

func TestPageCacheKeepsHeaders(t *testing.T) {
	s := newCachedSite(t, onCache)
	p := s.add(t, post.Draft{Title: "Headers", Body: "Body.", Date: start.Add(-time.Hour)})
	path := s.path(t, p)
	uncached := s.get(t, path, "Cookie", "salon_session=nobody")
	fresh := s.get(t, path)
	hit := s.get(t, path)
	for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options", "Content-Type"} {
		if uncached.header.Get(h) == "" || fresh.header.Get(h) != uncached.header.Get(h) || hit.header.Get(h) != uncached.header.Get(h) {
			t.Errorf("%s: uncached %q, first %q, cached %q", h, uncached.header.Get(h), fresh.header.Get(h), hit.header.Get(h))
		}
	}
	for _, r := range []response{uncached, fresh, hit} {
		if v := strings.Join(r.header.Values("Vary"), ", "); !strings.Contains(v, "Cookie") || !strings.Contains(v, "Accept-Encoding") {
			t.Errorf("Vary = %q; want Accept-Encoding, Cookie", v)
		}
	}
	if hit.header.Get("ETag") == "" || hit.header.Get("Last-Modified") == "" {
		t.Errorf("a cached page has no validators: %v", hit.header)
	}
	if cc := uncached.header.Get("Cache-Control"); !strings.Contains(cc, "private") {
		t.Errorf("a personal page's Cache-Control = %q; want private", cc)
	}
}

func TestPageCacheConditionalAndGzip(t *testing.T) {
	s := newCachedSite(t, onCache)
	p := s.add(t, post.Draft{Title: "Long", Body: strings.Repeat("Many words in a paragraph. ", 200), Date: start.Add(-time.Hour)})
	s.addComments(t, p, 10, blog.CommentApproved)
	path := s.path(t, p)
	plain := s.get(t, path, "Accept-Encoding", "identity")
	etag, modified := plain.header.Get("ETag"), plain.header.Get("Last-Modified")
	for _, h := range [][]string{{"If-None-Match", etag}, {"If-None-Match", `"other", W/` + etag}, {"If-Modified-Since", modified}} {
		if r := s.get(t, path, h...); r.status != http.StatusNotModified || r.body != "" {
			t.Errorf("GET with %s: %s = %d with %d bytes; want 304, empty", h[0], h[1], r.status, len(r.body))
		}
	}
	if r := s.get(t, path, "If-None-Match", `"other"`); r.status != http.StatusOK {
		t.Errorf("GET with a stale ETag = %d; want 200", r.status)
	}
	zipped := s.get(t, path, "Accept-Encoding", "deflate;q=1, gzip;q=0.8")
	if zipped.header.Get("Content-Encoding") != "gzip" || zipped.header.Get("ETag") == etag {
		t.Fatalf("Content-Encoding = %q, ETag %q (plain %q); want gzip with an ETag of its own",
			zipped.header.Get("Content-Encoding"), zipped.header.Get("ETag"), etag)
	}
	zr, err := gzip.NewReader(strings.NewReader(zipped.body))
	if err != nil {
		t.Fatal(err)
	}
	unzipped, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(unzipped, []byte(plain.body)) || len(zipped.body) >= len(plain.body) {
		t.Errorf("the gzip copy (%d bytes) does not unzip to the page (%d bytes)", len(zipped.body), len(plain.body))
	}
	if r := s.get(t, path, "Accept-Encoding", "gzip;q=0"); r.header.Get("Content-Encoding") != "" {
		t.Error("gzip sent to a reader who refused it")
	}
	if r := s.get(t, path, "If-None-Match", zipped.header.Get("ETag")); r.status != http.StatusNotModified {
		t.Errorf("GET with the gzip ETag = %d; want 304", r.status)
	}
}

func TestPageCacheInvalidation(t *testing.T) {
	s := newCachedSite(t, onCache)
	p := s.add(t, post.Draft{Title: "Watched", Body: "Body.", Date: start.Add(-time.Hour)})
	other := s.add(t, post.Draft{Title: "Elsewhere", Body: "Other body.", Date: start.Add(-2 * time.Hour)})
	held := s.addComments(t, p, 2, blog.CommentPending)
	path, otherPath := s.path(t, p), s.path(t, other)
	// Another process: a second store on the same file, writing directly.
	elsewhere, err := store.Open(context.Background(), s.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { elsewhere.Close() })
	ctx := context.Background()

	warm := func() {
		t.Helper()
		for _, target := range []string{path, otherPath, "/"} {
			s.get(t, target)
			if _, n := s.queriesOf(t, target); n != 1 {
				t.Fatalf("GET %s is not cached (%d statements)", target, n)
			}
		}
	}
	stale := func(change, target string) {
		t.Helper()
		if _, n := s.queriesOf(t, target); n <= 1 {
			t.Errorf("after %s, GET %s was served from the cache", change, target)
		}
	}
	fresh := func(change, target string) {
		t.Helper()
		if _, n := s.queriesOf(t, target); n != 1 {
			t.Errorf("after %s, GET %s was rendered again (%d statements); it did not change", change, target, n)
		}
	}

	warm()
	s.addComments(t, p, 1, blog.CommentPending)
	fresh("a held comment", path)
	fresh("a held comment", "/")

	if err := elsewhere.SetCommentStatus(ctx, held[:1], blog.CommentApproved); err != nil {
		t.Fatal(err)
	}
	r := s.get(t, path)
	if !strings.Contains(r.body, "Thought number 0") {
		t.Error("a comment approved by another process is missing from the post page")
	}
	stale("approving a comment", "/") // the home page shows comment counts
	fresh("approving a comment on another post", otherPath)

	warm()
	p.Title = "Watched, edited"
	if err := elsewhere.UpdatePost(ctx, &p, blog.PostTerms{}); err != nil {
		t.Fatal(err)
	}
	if r := s.get(t, path); !strings.Contains(r.body, "Watched, edited") {
		t.Error("a post edited by another process shows its old title")
	}
	stale("editing a post", otherPath) // every page lists the site's pages and posts

	warm()
	if err := elsewhere.SetSetting(ctx, "title", "Renamed site"); err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{path, otherPath, "/"} {
		if r := s.get(t, target); !strings.Contains(r.body, "Renamed site") {
			t.Errorf("GET %s after a settings change elsewhere shows the old title", target)
		}
	}

	warm()
	s.clock.advance(web.DefaultPageCacheMaxAge)
	stale("the page's time is up", path)
}

func TestPageCacheIsNotForPersonalPages(t *testing.T) {
	s := newCachedSite(t, onCache)
	s.store.Now = s.clock.Now
	p := s.add(t, post.Draft{Title: "Discussed", Body: "Body.", Date: start.Add(-time.Hour)})
	path := s.path(t, p)
	s.get(t, path) // an anonymous copy in the cache

	// A reader whose comment is held gets the page with it, not the cached one, and their page is not stored.
	if err := s.store.SetSetting(context.Background(), "comment_moderation", "on"); err != nil {
		t.Fatal(err)
	}
	reader := s.reader(t, "198.51.100.7")
	_, page := reader.comment(t, p.ID, map[string]string{"author": "Hal", "email": "hal@example.org", "comment": "Held for now."})
	if !strings.Contains(page.body, "Held for now.") {
		t.Fatal("the commenter does not see their held comment")
	}
	again := reader.get(t, path)
	if !strings.Contains(again.body, "Held for now.") {
		t.Error("a reader with a held comment got the cached page without it")
	}
	if r := s.get(t, path); strings.Contains(r.body, "Held for now.") {
		t.Error("a held comment reached the cache")
	}

	// Signed in: never the cached page, never stored.
	for _, cookie := range []string{"salon_session=whatever", "salon_commenter=n%3DHal", "salon_mine=forged"} {
		if _, n := s.queriesOf(t, path, "Cookie", cookie); n <= 1 {
			t.Errorf("a request with %s was served from the cache", cookie)
		}
	}
	// A query that changes the page, and a POST, bypass it.
	if r, n := s.queriesOf(t, path+"?replytocom=1"); n <= 1 || r.status != http.StatusOK {
		t.Errorf("?replytocom was served from the cache (%d statements, %d)", n, r.status)
	}
}

// TestPageQueries pins what each kind of page costs in SQL statements, cache off: a fixed number whatever the
// number of comments, posts or terms (or one fewer when a list's total is still known from the first visit).
func TestPageQueries(t *testing.T) {
	s := newCachedSite(t, web.PageCache{})
	p := s.add(t, post.Draft{Title: "Counted", Body: "Body.", Date: start.Add(-time.Hour), Categories: []string{"News/Local"}, Tags: []string{"a", "b"}})
	s.add(t, post.Draft{Type: blog.TypePage, Title: "About", Body: "About us."})
	for i := range 12 {
		s.add(t, post.Draft{Title: fmt.Sprintf("Filler %d", i), Body: "Body.", Date: start.Add(-time.Duration(i+2) * time.Hour), Tags: []string{"a"}})
	}
	path := s.path(t, p)
	counts := func() map[string]int64 {
		out := map[string]int64{}
		for _, target := range []string{path, path + "feed/", "/", "/page/2/", "/feed/", "/comments/feed/", "/category/news/local/", "/tag/a/", "/author/ann-writer/", "/2024/", "/about/"} {
			r, n := s.queriesOf(t, target)
			if r.status != http.StatusOK {
				t.Fatalf("GET %s = %d", target, r.status)
			}
			out[target] = n
		}
		return out
	}
	few := counts()
	s.addComments(t, p, 300, blog.CommentApproved)
	many := counts()
	for target, n := range few {
		t.Logf("GET %-28s %d statements", target, n)
		if many[target] > n {
			t.Errorf("GET %s: %d statements with 300 comments, %d with none", target, many[target], n)
		}
		if n > 11 {
			t.Errorf("GET %s: %d statements; want at most 11", target, n)
		}
	}
}

// BenchmarkPostPage renders a post with 300 comments, cached and not, through HTTP.
func BenchmarkPostPage(b *testing.B) {
	for _, bc := range []struct {
		name  string
		cache web.PageCache
		gzip  bool
	}{{"uncached", web.PageCache{}, false}, {"cached", onCache, false}, {"cached-gzip", onCache, true}, {"uncached-gzip", web.PageCache{}, true}} {
		b.Run(bc.name, func(b *testing.B) {
			s := newCachedSite(b, bc.cache)
			p, err := s.writer.Create(context.Background(), post.Draft{Title: "Viral", Body: strings.Repeat("A paragraph of the post. ", 100), Date: start.Add(-time.Hour)})
			if err != nil {
				b.Fatal(err)
			}
			s.addComments(b, p, 300, blog.CommentApproved)
			st, err := s.store.Settings(context.Background())
			if err != nil {
				b.Fatal(err)
			}
			url := s.srv.URL + st.PostPath(&p)
			req, err := http.NewRequest("GET", url, nil)
			if err != nil {
				b.Fatal(err)
			}
			if bc.gzip {
				req.Header.Set("Accept-Encoding", "gzip")
			}
			b.ResetTimer()
			var bytes int64
			for b.Loop() {
				res, err := s.client.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				n, err := io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if err != nil || res.StatusCode != http.StatusOK {
					b.Fatalf("GET = %d, %v", res.StatusCode, err)
				}
				bytes = n
			}
			b.ReportMetric(float64(bytes), "bytes/page")
		})
	}
}

// TestPageCacheRecheck: with a recheck interval, a cached page costs no statement at all until the interval has
// passed; a change made meanwhile by another process shows once it has.
func TestPageCacheRecheck(t *testing.T) {
	s := newCachedSite(t, web.PageCache{MaxBytes: web.DefaultPageCacheBytes, Recheck: time.Second})
	p := s.add(t, post.Draft{Title: "Watched", Body: "Body.", Date: start.Add(-time.Hour)})
	held := s.addComments(t, p, 1, blog.CommentPending)
	path := s.path(t, p)
	s.get(t, path)
	if _, n := s.queriesOf(t, path); n != 0 {
		t.Errorf("a page checked this second ran %d statements; want 0", n)
	}
	elsewhere, err := store.Open(context.Background(), s.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { elsewhere.Close() })
	if err := elsewhere.SetCommentStatus(context.Background(), held, blog.CommentApproved); err != nil {
		t.Fatal(err)
	}
	if r := s.get(t, path); strings.Contains(r.body, "Thought number 0") {
		t.Error("the change showed before the recheck interval passed; the test cannot tell the interval works")
	}
	s.clock.advance(time.Second)
	if r := s.get(t, path); !strings.Contains(r.body, "Thought number 0") {
		t.Error("a comment approved by another process is missing once the recheck interval passed")
	}
	if _, n := s.queriesOf(t, path); n != 0 {
		t.Errorf("the page rendered again ran %d statements when asked again; want 0", n)
	}
}

// TestPageCacheRendersOncePerChange: readers arriving together at a page that is not in the cache wait for one
// rendering of it, not one each.
func TestPageCacheRendersOncePerChange(t *testing.T) {
	s := newCachedSite(t, onCache)
	p := s.add(t, post.Draft{Title: "Viral", Body: "Everyone reads this.", Date: start.Add(-time.Hour)})
	s.addComments(t, p, 200, blog.CommentApproved)
	path := s.path(t, p)
	_, render := s.queriesOf(t, "/") // what one rendering of a page costs, roughly
	const readers = 32
	before := s.queries.Count()
	var wg sync.WaitGroup
	bodies := make([]string, readers)
	for i := range readers {
		wg.Go(func() { bodies[i] = get(t, s.client, s.srv.URL+path).body })
	}
	wg.Wait()
	ran := s.queries.Count() - before
	// One rendering, and at most one version check for each reader who came after it.
	if ran > render+readers+2 {
		t.Errorf("%d readers at once cost %d statements; one rendering costs about %d", readers, ran, render)
	}
	for i, b := range bodies {
		if !strings.Contains(b, "Thought number 199") {
			t.Fatalf("reader %d did not get the page", i)
		}
	}
}

// TestPageCacheBrotli: once a cached page's brotli copy is made (in the background), readers who take brotli get
// it, smaller than gzip, with an ETag of its own that a conditional request matches.
func TestPageCacheBrotli(t *testing.T) {
	s := newCachedSite(t, onCache)
	p := s.add(t, post.Draft{Title: "Long", Body: strings.Repeat("Many words in a paragraph, some of them different. ", 200), Date: start.Add(-time.Hour)})
	s.addComments(t, p, 30, blog.CommentApproved)
	path := s.path(t, p)
	plain := s.get(t, path, "Accept-Encoding", "identity")
	zipped := s.get(t, path, "Accept-Encoding", "gzip")
	var br response
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if br = s.get(t, path, "Accept-Encoding", "gzip, deflate, br"); br.header.Get("Content-Encoding") == "br" {
			break
		}
	}
	if br.header.Get("Content-Encoding") != "br" {
		t.Fatalf("no brotli copy after 10 s: Content-Encoding %q", br.header.Get("Content-Encoding"))
	}
	unpacked, err := io.ReadAll(brotli.NewReader(strings.NewReader(br.body)))
	if err != nil {
		t.Fatal(err)
	}
	if string(unpacked) != plain.body || len(br.body) >= len(zipped.body) {
		t.Errorf("the brotli copy (%d bytes; gzip %d) does not unpack to the page (%d bytes)", len(br.body), len(zipped.body), len(plain.body))
	}
	tags := map[string]bool{plain.header.Get("ETag"): true, zipped.header.Get("ETag"): true, br.header.Get("ETag"): true}
	if len(tags) != 3 {
		t.Errorf("ETags %v; want one per encoding", tags)
	}
	if r := s.get(t, path, "Accept-Encoding", "br", "If-None-Match", br.header.Get("ETag")); r.status != http.StatusNotModified {
		t.Errorf("GET with the brotli ETag = %d; want 304", r.status)
	}
	if r := s.get(t, path, "Accept-Encoding", "gzip, br;q=0"); r.header.Get("Content-Encoding") != "gzip" {
		t.Errorf("a reader refusing brotli got %q", r.header.Get("Content-Encoding"))
	}
}
