package web

import (
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// versionsOnly is a database that knows only the cache's versions; the page cache asks it nothing else.
type versionsOnly struct {
	Store
	mu       sync.Mutex
	versions map[string]int64
}

func (v *versionsOnly) CacheVersions(_ context.Context, scopes []string) ([]int64, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	out := make([]int64, len(scopes))
	for i, sc := range scopes {
		out[i] = v.versions[sc]
	}
	return out, nil
}

func (v *versionsOnly) bump(scope string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.versions[scope]++
}

// TestPageCacheServesThePreviousVersionWhileRendering: when a page changes, one reader renders it again while
// the others get the previous version at once; then everyone gets the new one.
func TestPageCacheServesThePreviousVersionWhileRendering(t *testing.T) {
	db := &versionsOnly{versions: map[string]int64{}}
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	s := &Server{store: db, now: func() time.Time { return now }, renderSlots: make(chan struct{}, 4),
		cache: newPageCache(PageCache{MaxBytes: 1 << 20})}
	release := make(chan struct{})
	var mu sync.Mutex
	renders := 0
	page := s.cached(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		renders++
		n := renders
		mu.Unlock()
		if n == 2 {
			<-release // the second rendering takes its time
		}
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprintf(w, "version %d", n)
	}))
	get := func() string {
		rec := httptest.NewRecorder()
		page.ServeHTTP(rec, httptest.NewRequest("GET", "/post/", nil))
		b, _ := io.ReadAll(rec.Result().Body)
		return string(b)
	}
	if got := get(); got != "version 1" {
		t.Fatalf("first GET = %q", got)
	}
	db.bump("comments")
	leader := make(chan string)
	go func() { leader <- get() }()
	for {
		s.cache.mu.Lock()
		started := len(s.cache.rendering) == 1
		s.cache.mu.Unlock()
		if started {
			break
		}
		time.Sleep(time.Millisecond)
	}
	for range 5 {
		if got := get(); got != "version 1" {
			t.Fatalf("GET while the page renders again = %q; want the previous version", got)
		}
	}
	close(release)
	if got := <-leader; got != "version 2" {
		t.Errorf("the reader who rendered it got %q", got)
	}
	if got := get(); got != "version 2" {
		t.Errorf("GET after the rendering = %q; want version 2", got)
	}
	if renders != 2 {
		t.Errorf("%d renderings; want 2", renders)
	}
}

// TestPageCacheGzipsWhenAsked: a page is stored as it is; its gzip copy is made for the first reader who takes
// gzip, once, and counts towards the budget from then on.
func TestPageCacheGzipsWhenAsked(t *testing.T) {
	db := &versionsOnly{versions: map[string]int64{}}
	s := &Server{store: db, now: time.Now, renderSlots: make(chan struct{}, 4),
		cache: newPageCache(PageCache{MaxBytes: 1 << 20})}
	body := strings.Repeat("<p>A comment, and another one like it.</p>\n", 200)
	page := s.cached(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, body)
	}))
	get := func(acceptEncoding string) *http.Response {
		req := httptest.NewRequest("GET", "/post/", nil)
		if acceptEncoding != "" {
			req.Header.Set("Accept-Encoding", acceptEncoding)
		}
		rec := httptest.NewRecorder()
		page.ServeHTTP(rec, req)
		return rec.Result()
	}
	used := func() int64 {
		s.cache.mu.Lock()
		defer s.cache.mu.Unlock()
		return s.cache.used
	}
	get("")
	get("")
	stored := used()
	p := s.cache.lru.Front().Value.(*cachedPage)
	if p.gz != nil {
		t.Fatal("a gzip copy was made before any reader took gzip")
	}
	var sizes []int
	for range 3 {
		r := get("gzip")
		if r.Header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("Content-Encoding = %q; want gzip", r.Header.Get("Content-Encoding"))
		}
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(zr)
		if err != nil || string(b) != body {
			t.Fatalf("the gzip copy unpacks to %d bytes (%v); want the page's %d", len(b), err, len(body))
		}
		sizes = append(sizes, int(r.ContentLength))
	}
	if grew := used() - stored; grew != int64(len(p.gz)) || sizes[0] != len(p.gz) || sizes[2] != len(p.gz) {
		t.Errorf("the cache grew by %d bytes and sent %v; want the gzip copy's %d, made once", grew, sizes, len(p.gz))
	}
}
