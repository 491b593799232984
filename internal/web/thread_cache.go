package web

import (
	"context"
	"crypto/rand"
	"fmt"
	"html/template"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/comment"
	"github.com/salon-blog/salon/internal/store"
)

// A post's thread looks the same to every reader who wrote none of its comments: signed in or not, with the page
// cache on or off. Reading it from the database and laying 300 comments out is most of what an uncached post page
// costs, so the server keeps each comment page's rendered thread, with the versions of the site and of the post's
// comments it was read under (the scopes the page cache checks too), and reads the thread again only when they
// move. The rest of the page (the post, the form with its token, who is signed in) is rendered on every request.
// A reader with comments of their own sees them in the thread, held ones too, so their thread is rendered for them
// alone, by the same code.

// threadCacheBytes bounds the memory of the rendered threads kept: a 300-comment thread takes about 350 KB.
const threadCacheBytes = 32 << 20

// renderedThread is one comment page of a post's thread, ready for the page.
type renderedThread struct {
	versioned // empty for a thread rendered for one reader
	approved  int
	pages     int
	// markup is the page's top-level comments with their replies (the "comment" template), in pieces of whole
	// comments of up to pieceBytes each (or one comment, when larger).
	markup []template.HTML
	whole  string // the pieces of markup in one, as they share it
	// replyTo names the author of each approved comment of the whole thread, for "Leave a Reply to …".
	replyTo map[int64]string
	size    int
	used    atomic.Int64 // when it was last served, in Unix nanoseconds
}

// threadKey is a post and one of its comment pages (from 1).
type threadKey struct {
	post int64
	page int
}

// threadCache keeps rendered threads within a byte budget, the least recently served going first. One request
// at a time renders a missing or changed thread; the others wait for it, or are given the previous rendering
// meanwhile. Safe for concurrent use.
type threadCache struct {
	store    cacheStore
	recheck  time.Duration // as PageCache.Recheck
	maxBytes int

	mu        sync.Mutex
	used      int
	byKey     map[threadKey]*renderedThread
	rendering map[threadKey]chan struct{} // closed when the rendering ends
}

func newThreadCache(st cacheStore, recheck time.Duration, maxBytes int) *threadCache {
	return &threadCache{store: st, recheck: max(recheck, 0), maxBytes: maxBytes,
		byKey: map[threadKey]*renderedThread{}, rendering: map[threadKey]chan struct{}{}}
}

// get returns the rendered thread of key, current as of the recheck interval, from the cache or else from render.
func (c *threadCache) get(ctx context.Context, key threadKey, now time.Time, render func() (*renderedThread, error)) (*renderedThread, error) {
	for {
		c.mu.Lock()
		t := c.byKey[key]
		c.mu.Unlock()
		var latest []int64 // the versions the database has now, when t was just found out of date
		if t != nil {
			var ok bool
			if ok, latest = t.current(ctx, c.store, c.recheck, now); ok {
				t.used.Store(now.UnixNano())
				return t, nil
			}
		}
		c.mu.Lock()
		done, busy := c.rendering[key]
		if !busy {
			done = make(chan struct{})
			c.rendering[key] = done
		}
		c.mu.Unlock()
		if !busy {
			return c.renderAndKeep(ctx, key, latest, done, now, render)
		}
		if t != nil {
			return t, nil // the previous rendering, while the thread is rendered again
		}
		select {
		case <-done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// renderAndKeep renders key's thread and keeps it with versions read before the thread is (latest, or read now
// when nil): a comment approved meanwhile may be in the rendering already, and then the next reader finds the
// versions moved and renders it again, which is never wrong. It closes done when it is over, even by a panic.
func (c *threadCache) renderAndKeep(ctx context.Context, key threadKey, latest []int64, done chan struct{}, now time.Time, render func() (*renderedThread, error)) (*renderedThread, error) {
	defer func() {
		c.mu.Lock()
		delete(c.rendering, key)
		c.mu.Unlock()
		close(done)
	}()
	scopes := []string{store.CacheSite, store.CachePost(key.post)}
	versions := latest
	if versions == nil {
		var err error
		if versions, err = c.store.CacheVersions(ctx, scopes); err != nil {
			return nil, err
		}
	}
	t, err := render()
	if err != nil {
		return nil, err
	}
	t.scopes, t.versions = scopes, versions
	t.checked.Store(now.UnixNano())
	t.used.Store(now.UnixNano())
	if key.page <= t.pages { // a page past the end is a 404, not worth a place
		c.put(key, t)
	}
	return t, nil
}

// put keeps t under key, replacing what was there, and drops the least recently served threads beyond the
// budget. A thread larger than a quarter of the budget is not kept.
func (c *threadCache) put(key threadKey, t *renderedThread) {
	if t.size > c.maxBytes/4 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.byKey[key]; ok {
		c.used -= old.size
	}
	c.byKey[key] = t
	c.used += t.size
	for c.used > c.maxBytes {
		var oldest threadKey
		var oldestUse int64
		first := true
		for k, v := range c.byKey {
			if u := v.used.Load(); first || u < oldestUse {
				oldest, oldestUse, first = k, u, false
			}
		}
		c.used -= c.byKey[oldest].size
		delete(c.byKey, oldest)
	}
}

// thread returns page of p's thread as req's reader sees it: the shared rendering when the reader wrote none of
// its comments, else one made for them with their own comments in it.
func (s *Server) thread(ctx context.Context, req *request, p *blog.Post, page int, own []ownComment) (*renderedThread, error) {
	if len(own) > 0 {
		return s.renderThread(ctx, req, p, page, own)
	}
	return s.threads.get(ctx, threadKey{post: p.ID, page: page}, req.now, func() (*renderedThread, error) {
		return s.renderThread(ctx, req, p, page, nil)
	})
}

// renderThread reads p's thread, with the reader's own comments, and renders its comment page.
func (s *Server) renderThread(ctx context.Context, req *request, p *blog.Post, page int, own []ownComment) (*renderedThread, error) {
	d := req.settings.Discussion
	ownIDs := make([]int64, len(own))
	ownSince := make(map[int64]time.Time, len(own))
	for i, o := range own {
		ownIDs[i], ownSince[o.ID] = o.ID, o.Created
	}
	comments, err := s.store.Thread(ctx, p.ID, ownIDs)
	if err != nil {
		return nil, err
	}
	thread := comment.Build(comments, d.ThreadDepth, d.NewestFirst)
	t := &renderedThread{approved: thread.Approved, pages: thread.Pages(d.PerPage), replyTo: make(map[int64]string, thread.Approved)}
	for i := range comments {
		if c := &comments[i]; c.Status == blog.CommentApproved {
			t.replyTo[c.ID] = c.AuthorName
			t.size += 48 + len(c.AuthorName)
		}
	}
	if page > t.pages {
		return t, nil
	}
	roots := thread.Page(page, d.PerPage)
	if len(roots) == 0 {
		return t, nil
	}
	tmpl := s.views.pages["post"]
	selves, err := renderComments(tmpl, s.renderedComments, s.commentViews(req, p, thread, roots, ownSince))
	if err != nil {
		return nil, err
	}
	nest := tmpl.Lookup("comment")
	if nest == nil {
		return nil, fmt.Errorf("render thread of post %d: no comment template", p.ID)
	}
	var buf strings.Builder
	size := 0
	for _, self := range selves {
		size += len(self) + len("\n  <ol class=\"children\">\n  </ol>\n</li>\n")
	}
	buf.Grow(size)
	ends := make([]int, len(roots))
	for i, node := range threadNodes(roots, selves) {
		if err := nest.Execute(&buf, node); err != nil {
			return nil, fmt.Errorf("render thread of post %d: %w", p.ID, err)
		}
		ends[i] = buf.Len()
	}
	all := buf.String()
	t.markup, t.whole = pieces(all, ends), all
	t.size += len(all) + 16*len(t.markup) + 256
	return t, nil
}

// pieceBytes is the size of the pieces the page prints the thread in. html/template formats each value in a
// buffer that it keeps for the next only if it is under 64 KB, so the thread in one piece would cost a new buffer
// of its size on every page; and each piece costs a call through reflection, so one piece a comment cost more
// than that (a seventh of a page's CPU).
const pieceBytes = 32 << 10

// pieces cuts s, the markup of the comments that end at ends, into pieces of whole comments of up to pieceBytes,
// all sharing s's memory.
func pieces(s string, ends []int) []template.HTML {
	var out []template.HTML
	from, last := 0, 0
	for _, end := range ends {
		if end-from > pieceBytes && last > from {
			out = append(out, template.HTML(s[from:last]))
			from = last
		}
		last = end
	}
	if last > from {
		out = append(out, template.HTML(s[from:last]))
	}
	return out
}

// threadMarker stands for the kept thread in a page rendered into a capture, which then holds the thread by
// reference: sending a 3,000-comment post uncached to 64 readers at once, each response held its own 3.3 MB copy
// of the thread. The marker is random for each process, so no text a writer or a reader can type is taken for it.
var threadMarker = "<!--thread " + rand.Text() + "-->"

// spliceThread returns what a page rendered into c prints for the thread d shows: the marker, when the page is
// rendered into c as it is (views.render does so unless c was written to already), else the pieces themselves.
func (c *capture) spliceThread(d *discussionView) []template.HTML {
	if c.wrote || d.thread == "" {
		return d.Thread
	}
	c.thread, c.threadAt = d.thread, -1
	return []template.HTML{template.HTML(threadMarker)}
}

// pageWriter is what views.render renders a page into a capture through: it notes where the thread's marker is
// printed instead of writing it. html/template prints each value with one Write, so the marker arrives whole,
// and alone.
type pageWriter capture

func (w *pageWriter) Write(p []byte) (int, error) {
	c := (*capture)(w)
	if c.thread != "" && c.threadAt < 0 && string(p) == threadMarker {
		c.threadAt = c.body.Len()
		return len(p), nil
	}
	return c.body.Write(p)
}
