package web_test

import (
	"context"
	"net/http"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/post"
	"github.com/salon-blog/salon/internal/store"
	"github.com/salon-blog/salon/internal/web"
)

// searchSite is a site of two posts a page with things to find, and things readers must not find.
func searchSite(t *testing.T, s *site) map[string]blog.Post {
	t.Helper()
	at := func(days int) time.Time { return start.Add(time.Duration(days) * 24 * time.Hour) }
	return map[string]blog.Post{
		"night":   s.add(t, post.Draft{Title: "Election night", Body: "The count went on until dawn.", Date: at(-5)}),
		"garden":  s.add(t, post.Draft{Title: "Garden notes", Body: "Tomatoes, after the election.", Date: at(-4)}),
		"recap":   s.add(t, post.Draft{Title: "Election recap", Body: "Turnout was high.", Date: at(-3)}),
		"about":   s.add(t, post.Draft{Title: "About", Type: blog.TypePage, Body: "An election watcher writes here."}),
		"draft":   s.add(t, post.Draft{Title: "Election draft", Status: blog.StatusDraft, Body: "Unfinished."}),
		"future":  s.add(t, post.Draft{Title: "Election tomorrow", Status: blog.StatusFuture, Body: "Scheduled.", Date: at(2)}),
		"private": s.add(t, post.Draft{Title: "Private election notes", Status: blog.StatusPrivate, Body: "Mine."}),
	}
}

// searchBox is the value of the search box in the site's footer.
func searchBox(t *testing.T, r response) string {
	t.Helper()
	boxes := find(r.doc, "footer form input#site-search")
	if len(boxes) != 1 {
		t.Fatalf("%d search boxes in the footer; want 1", len(boxes))
	}
	return attr(boxes[0], "value")
}

func TestSearch(t *testing.T) {
	s := newSite(t, map[string]string{"title": "The Salon", "posts_per_page": "2"}, nil)
	searchSite(t, s)
	tests := []struct {
		name    string
		path    string
		heading string
		titles  []string // in any order: ranking is the store's to test
		found   string
		newer   string
		older   string
	}{
		{"first page", "/?s=election", "Search results for “election”",
			[]string{"Election recap", "Election night"}, "4 results", "", "/page/2/?s=election"},
		{"second page", "/page/2/?s=election", "Search results for “election”",
			[]string{"Garden notes", "About"}, "4 results", "/?s=election", ""},
		{"several words", "/?s=election+tomatoes", "Search results for “election tomatoes”", []string{"Garden notes"}, "1 result", "", ""},
		{"not for readers", "/?s=unfinished", "Search results for “unfinished”", nil, "", "", ""},
		{"no match", "/?s=referendum", "Search results for “referendum”", nil, "", "", ""},
		{"spaces only", "/?s=+++", "Search", nil, "", "", ""},
		{"empty", "/?s=", "Search", nil, "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := s.get(t, tt.path)
			if r.status != http.StatusOK {
				t.Fatalf("GET %s = %d; want 200", tt.path, r.status)
			}
			if got := texts(find(r.doc, "h1.archive-title")); !cmp.Equal(got, []string{tt.heading}) {
				t.Errorf("GET %s heading = %q; want %q", tt.path, got, tt.heading)
			}
			titles := texts(find(r.doc, "article h2.post-title"))
			if diff := cmp.Diff(tt.titles, titles, cmpSorted, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("GET %s lists %q; want %q", tt.path, titles, tt.titles)
			}
			if got := strings.Join(texts(find(r.doc, "p.search-found")), ""); got != tt.found {
				t.Errorf("GET %s says %q found; want %q", tt.path, got, tt.found)
			}
			var newer, older string
			for _, a := range find(r.doc, "nav.pager a") {
				switch {
				case hasClass(a, "newer"):
					newer = attr(a, "href")
				case hasClass(a, "older"):
					older = attr(a, "href")
				}
				if label := text(a); strings.Contains(label, "Newer") || strings.Contains(label, "Older") {
					t.Errorf("GET %s pager says %q; results in order of relevance are not newer or older", tt.path, label)
				}
			}
			if newer != tt.newer || older != tt.older {
				t.Errorf("GET %s pager: newer %q, older %q; want %q, %q", tt.path, newer, older, tt.newer, tt.older)
			}
			if len(find(r.doc, "meta[name=robots]")) != 1 || attr(find(r.doc, "meta[name=robots]")[0], "content") != "noindex" {
				t.Errorf("GET %s is not noindex", tt.path)
			}
			if len(find(r.doc, "link[rel=canonical]")) != 0 {
				t.Errorf("GET %s names a canonical address", tt.path)
			}
			query, _ := url.ParseQuery(strings.SplitN(tt.path, "?", 2)[1])
			want := strings.TrimSpace(query.Get("s"))
			if got := searchBox(t, r); got != want {
				t.Errorf("GET %s: the search box holds %q; want %q", tt.path, got, want)
			}
			// With nothing listed, the page says why and offers the form again, holding the query.
			empty := find(r.doc, "section.search-empty")
			if (len(empty) == 1) != (tt.titles == nil) {
				t.Fatalf("GET %s: %d empty-search sections; want one exactly when nothing is listed", tt.path, len(empty))
			}
			if tt.titles != nil {
				return
			}
			note := text(empty[0])
			switch {
			case want == "" && !strings.Contains(note, "Type a few words"):
				t.Errorf("GET %s: the empty search says %q; want a hint", tt.path, note)
			case want != "" && !strings.Contains(note, "Nothing found") || want != "" && !strings.Contains(note, "“"+want+"”"):
				t.Errorf("GET %s: the fruitless search says %q; want it to say nothing was found for “%s”", tt.path, note, want)
			}
			boxes := find(empty[0], "form[role=search] input[name=s]")
			if len(boxes) != 1 || attr(boxes[0], "value") != want || attr(boxes[0], "type") != "search" {
				t.Errorf("GET %s: the form in the page = %d boxes; want one holding %q", tt.path, len(boxes), want)
			}
		})
	}
}

var cmpSorted = cmpopts.SortSlices(func(a, b string) bool { return a < b })

func TestSearchAddresses(t *testing.T) {
	s := newSite(t, map[string]string{"posts_per_page": "2"}, nil)
	searchSite(t, s)
	tests := []struct {
		path     string
		status   int
		location string
	}{
		{"/page/3/?s=election", 404, ""},
		{"/page/2/?s=", 404, ""},
		{"/page/2/?s=referendum", 404, ""},
		{"/page/1/?s=election", 301, "/?s=election"},
		{"/?s=election&paged=2", 301, "/page/2/?s=election"},
		{"/?s=two+words&paged=1", 301, "/?s=two+words"},
		{"/?s=election&paged=x", 404, ""},
		{"/index.php?s=election", 301, "/?s=election"},
		{"/feed/?s=election", 200, ""}, // the site's feed: searches have none
	}
	for _, tt := range tests {
		r := s.get(t, tt.path)
		if r.status != tt.status || r.header.Get("Location") != tt.location {
			t.Errorf("GET %s = %d, Location %q; want %d, %q", tt.path, r.status, r.header.Get("Location"), tt.status, tt.location)
		}
	}
}

// TestSearchOddQueries checks that whatever a reader types is searched for, or found to hold nothing to search
// for, and shown back as text.
func TestSearchOddQueries(t *testing.T) {
	s := newSite(t, nil, nil)
	searchSite(t, s)
	for _, q := range []string{`<script>alert(1)</script>`, `"unbalanced`, `election AND -"`, `NEAR(a b) OR x* ^y col:z`,
		`!!x & y | z <-> w:*`, `'; DROP TABLE posts; --`, "\x00\x1b[0m", "\xff\xfe", "Привет 世界 مرحبا", strings.Repeat("long ", 500)} {
		r := s.get(t, "/?s="+url.QueryEscape(q))
		if r.status != http.StatusOK {
			t.Errorf("GET /?s=%q = %d; want 200\n%s", q, r.status, r.body)
			continue
		}
		if strings.Contains(r.body, "<script>alert") {
			t.Errorf("GET /?s=%q: the query is in the page unescaped", q)
		}
	}
	r := s.get(t, "/?s="+url.QueryEscape(`<script>alert(1)</script>`))
	if got := texts(find(r.doc, "h1.archive-title")); !cmp.Equal(got, []string{"Search results for “<script>alert(1)</script>”"}) {
		t.Errorf("heading = %q; want the query as text", got)
	}
	if got := searchBox(t, r); got != `<script>alert(1)</script>` {
		t.Errorf("search box = %q; want the query as typed", got)
	}
	if len(find(r.doc, "script")) != 1 { // the site's own script, no other
		t.Errorf("the page has %d script elements; want 1", len(find(r.doc, "script")))
	}
}

// TestSearchForm checks the search form every public page has: a GET to the home page with a labelled search box.
func TestSearchForm(t *testing.T) {
	s := newSite(t, nil, nil)
	p := searchSite(t, s)
	for _, path := range []string{"/", s.path(t, p["night"]), s.path(t, p["about"]), "/category/uncategorized/", "/no/such/page/"} {
		r := s.get(t, path)
		forms := find(r.doc, "footer form[role=search]")
		if len(forms) != 1 {
			t.Errorf("GET %s (%d): %d search forms in the footer; want 1", path, r.status, len(forms))
			continue
		}
		f := forms[0]
		if attr(f, "method") != "get" || attr(f, "action") != "/" {
			t.Errorf("GET %s: search form %s %s; want get /", path, attr(f, "method"), attr(f, "action"))
		}
		box := find(f, "input[name=s]")
		labels := find(f, "label")
		if len(box) != 1 || attr(box[0], "type") != "search" || len(labels) != 1 || attr(labels[0], "for") != attr(box[0], "id") || text(labels[0]) == "" {
			t.Errorf("GET %s: the search box is not a labelled input type=search named s", path)
		}
		if buttons := find(f, "button"); len(buttons) != 1 || attr(buttons[0], "type") != "submit" {
			t.Errorf("GET %s: the search form has no submit button", path)
		}
		if path == "/" && searchBox(t, r) != "" {
			t.Errorf("GET /: the search box holds %q; want it empty", searchBox(t, r))
		}
	}
}

// TestSearchNotCached checks that the page cache neither answers nor keeps searches (see Server.search): each is
// read anew, so a post published a moment ago is found.
func TestSearchNotCached(t *testing.T) {
	s := newCachedSite(t, onCache)
	s.add(t, post.Draft{Title: "Election night", Body: "Dawn.", Date: start.Add(-time.Hour)})
	first, _ := s.queriesOf(t, "/?s=election")
	again, n := s.queriesOf(t, "/?s=election")
	if first.status != http.StatusOK || again.status != http.StatusOK {
		t.Fatalf("GET /?s=election = %d, then %d", first.status, again.status)
	}
	if n <= 1 {
		t.Errorf("GET /?s=election again ran %d statements; want the search run again, not the cache", n)
	}
	if cc := again.header.Get("Cache-Control"); cc != "private, no-cache" {
		t.Errorf("GET /?s=election: Cache-Control %q; want private, no-cache", cc)
	}
	s.add(t, post.Draft{Title: "Election recap", Body: "Turnout.", Date: start.Add(-time.Minute)})
	r := s.get(t, "/?s=election")
	if got := texts(find(r.doc, "article h2.post-title")); len(got) != 2 {
		t.Errorf("after a new post, GET /?s=election lists %q; want both posts", got)
	}
}

// slowSearches is a store whose searches wait until released, counting how many run at once.
type slowSearches struct {
	*store.Store
	release       chan struct{}
	running, most atomic.Int32
}

func (st *slowSearches) SearchPosts(ctx context.Context, query string, f blog.PostFilter) ([]blog.Post, int, error) {
	n := st.running.Add(1)
	defer st.running.Add(-1)
	for m := st.most.Load(); n > m && !st.most.CompareAndSwap(m, n); m = st.most.Load() {
	}
	<-st.release
	return st.Store.SearchPosts(ctx, query, f)
}

// TestSearchesTakeTurns: however many readers search at once, at most half the cores' worth of searches run; the
// others wait their turn, and all are answered.
func TestSearchesTakeTurns(t *testing.T) {
	s := newSite(t, nil, nil)
	slow := &slowSearches{Store: s.store, release: make(chan struct{})}
	s.srv = startSiteWith(t, web.Config{Store: slow})
	const readers = 6
	done := make(chan int, readers)
	for i := range readers {
		go func() {
			res, err := s.srv.Client().Get(s.srv.URL + "/?s=word" + strconv.Itoa(i))
			if err != nil {
				done <- 0
				return
			}
			res.Body.Close()
			done <- res.StatusCode
		}()
	}
	for range readers {
		time.Sleep(20 * time.Millisecond) // let the waiting searches pile up behind the running ones
		slow.release <- struct{}{}
	}
	for range readers {
		if status := <-done; status != http.StatusOK {
			t.Errorf("a search answered %d; want 200", status)
		}
	}
	if most, want := slow.most.Load(), int32(max(1, runtime.GOMAXPROCS(0)/2)); most != want {
		t.Errorf("%d searches ran at once; want at most %d, and the slots used", most, want)
	}
}
