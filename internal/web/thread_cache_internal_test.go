package web

import (
	"bytes"
	"context"
	"html/template"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/salon-blog/salon/internal/store"
)

// TestThreadCacheRendersOncePerChange: readers of a thread being rendered again get the previous rendering at
// once, readers of a missing thread wait for the one rendering it, and a thread past the byte budget pushes out
// the least recently served.
func TestThreadCacheRendersOncePerChange(t *testing.T) {
	db := &versionsOnly{versions: map[string]int64{}}
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	c := newThreadCache(db, 0, 4000)
	ctx := context.Background()
	key := threadKey{post: 7, page: 1}
	var mu sync.Mutex
	renders := 0
	render := func(gate chan struct{}) func() (*renderedThread, error) {
		return func() (*renderedThread, error) {
			mu.Lock()
			renders++
			n := renders
			mu.Unlock()
			if gate != nil {
				<-gate
			}
			return &renderedThread{pages: 1, approved: n, size: 900}, nil
		}
	}
	get := func(k threadKey, r func() (*renderedThread, error)) *renderedThread {
		t.Helper()
		th, err := c.get(ctx, k, now, r)
		if err != nil {
			t.Fatal(err)
		}
		return th
	}
	fail := func() (*renderedThread, error) {
		t.Error("a second rendering started while one was running")
		return &renderedThread{pages: 1}, nil
	}

	isRendering := func(k threadKey) bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		_, ok := c.rendering[k]
		return ok
	}
	// Missing: the reader who comes second waits for the first one's rendering.
	gate := make(chan struct{})
	leader := make(chan *renderedThread)
	go func() { th, _ := c.get(ctx, key, now, render(gate)); leader <- th }()
	for !isRendering(key) {
		time.Sleep(time.Millisecond)
	}
	waiter := make(chan *renderedThread)
	go func() { th, _ := c.get(ctx, key, now, fail); waiter <- th }()
	close(gate)
	first := <-leader
	if got := <-waiter; got != first {
		t.Errorf("the waiting reader got rendering %d; want the leader's", got.approved)
	}
	if got := get(key, fail); got != first {
		t.Error("an unchanged thread was not served from the cache")
	}

	// Changed: one reader renders it again; the others get the previous rendering meanwhile.
	db.bump(store.CachePost(7))
	gate = make(chan struct{})
	go func() { th, _ := c.get(ctx, key, now, render(gate)); leader <- th }()
	for !isRendering(key) {
		time.Sleep(time.Millisecond)
	}
	if got := get(key, fail); got != first {
		t.Error("a reader of a thread being rendered again did not get the previous rendering")
	}
	close(gate)
	second := <-leader
	if second.approved != 2 || get(key, fail) != second {
		t.Error("the new rendering did not replace the previous one")
	}
	if db.bump(store.CacheSite); get(key, render(nil)).approved != 3 {
		t.Error("a change to the site did not render the thread again")
	}

	// Budget: 4,000 bytes hold four threads of 900; a fifth pushes out the one served least recently.
	for post := range int64(4) {
		now = now.Add(time.Second)
		get(threadKey{post: 100 + post, page: 1}, render(nil))
	}
	if _, ok := c.byKey[key]; ok {
		t.Error("the least recently served thread was kept over the budget")
	}
	if c.used > c.maxBytes {
		t.Errorf("the cache holds %d bytes; its budget is %d", c.used, c.maxBytes)
	}
	// A thread past the last comment page (a 404) is not kept.
	get(threadKey{post: 7, page: 2}, render(nil))
	if _, ok := c.byKey[threadKey{post: 7, page: 2}]; ok {
		t.Error("a comment page past the last one was kept")
	}
}

func TestThreadPieces(t *testing.T) {
	big := strings.Repeat("x", pieceBytes)
	for _, tt := range []struct {
		name  string
		parts []string
		want  []int // the length of each piece
	}{
		{"none", nil, nil},
		{"small ones together", []string{"a", "bb", "ccc"}, []int{6}},
		{"up to the size", []string{big[:pieceBytes-2], "ab", "c"}, []int{pieceBytes, 1}},
		{"a large one alone", []string{"a", big + "y", "b"}, []int{1, pieceBytes + 1, 1}},
	} {
		var s strings.Builder
		var ends []int
		for _, p := range tt.parts {
			s.WriteString(p)
			ends = append(ends, s.Len())
		}
		got := pieces(s.String(), ends)
		var lens []int
		var joined strings.Builder
		for _, p := range got {
			lens = append(lens, len(p))
			joined.WriteString(string(p))
		}
		if !slices.Equal(lens, tt.want) || joined.String() != s.String() {
			t.Errorf("%s: pieces of %d, %d bytes in all; want %d and %d", tt.name, lens, joined.Len(), tt.want, s.Len())
		}
	}
}

// TestCaptureHoldsTheThreadByReference: a page rendered into a capture holds its kept thread by reference, and
// sends and stores it in its place.
func TestCaptureHoldsTheThreadByReference(t *testing.T) {
	page := template.Must(template.New("page").Parse(`<p>{{.Title}}</p><ol>{{range .Thread}}{{.}}{{end}}</ol><p>end</p>`))
	c := &capture{header: http.Header{}, status: http.StatusOK, body: &bytes.Buffer{}}
	data := struct {
		Title  string
		Thread []template.HTML
	}{"<Post>", c.spliceThread(&discussionView{Thread: []template.HTML{"<li>one</li>", "<li>two</li>"}, thread: "<li>one</li><li>two</li>"})}
	if err := page.Execute((*pageWriter)(c), data); err != nil {
		t.Fatal(err)
	}
	if got := c.body.String(); got != "<p>&lt;Post&gt;</p><ol></ol><p>end</p>" {
		t.Errorf("the capture's own bytes are %q; want the page without the thread", got)
	}
	const want = "<p>&lt;Post&gt;</p><ol><li>one</li><li>two</li></ol><p>end</p>"
	if got := string(c.contents()); got != want {
		t.Errorf("contents = %q; want %q", got, want)
	}
	rec := httptest.NewRecorder()
	c.replay(rec)
	if rec.Body.String() != want {
		t.Errorf("sent %q; want %q", rec.Body.String(), want)
	}

	written := &capture{header: http.Header{}, status: http.StatusOK, body: &bytes.Buffer{}}
	written.Write([]byte("already"))
	if got := written.spliceThread(&discussionView{Thread: []template.HTML{"<li>one</li>"}, thread: "<li>one</li>"}); len(got) != 1 || got[0] != "<li>one</li>" {
		t.Errorf("a capture written to already took the thread by reference: %q", got)
	}
}
