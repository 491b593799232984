package web

import (
	"context"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/store"
)

// keptPost is a post as read by its slug, under the versions of the site (its text, terms and author) and of its
// own comments (its comment count).
type keptPost struct {
	versioned
	post    blog.Post
	moved   bool // found by a slug it had before
	size    int
	reading atomic.Bool // a request is reading the post again, now that it changed
}

// postMemo keeps the posts readers ask for by slug between changes: reading a post with its terms was a quarter of
// the CPU of a post page rendered from scratch. A kept post is read again when the versions it was read under move
// (any process, seen within the recheck interval, as cached pages are), by one request while the others are given
// the post as it was, as the page cache and the thread cache do: a post taking a comment a second would otherwise be
// read by every reader in the moment after each. Safe for concurrent use.
type postMemo struct {
	recheck  time.Duration
	maxBytes int

	mu     sync.Mutex
	bySlug map[string]*keptPost
	used   int
}

// postMemoBytes bounds the text of the posts kept: a few hundred long posts.
const postMemoBytes = 8 << 20

func newPostMemo(recheck time.Duration, maxBytes int) *postMemo {
	return &postMemo{recheck: max(recheck, 0), maxBytes: maxBytes, bySlug: map[string]*keptPost{}}
}

// get returns the post with slug, kept or read now through st, as Store.PostBySlug does.
func (m *postMemo) get(ctx context.Context, st Store, slug string, now time.Time) (blog.Post, bool, error) {
	m.mu.Lock()
	k := m.bySlug[slug]
	m.mu.Unlock()
	if k != nil {
		if ok, _ := k.current(ctx, st, m.recheck, now); ok {
			return k.post, k.moved, nil
		}
		if !k.reading.CompareAndSwap(false, true) {
			return k.post, k.moved, nil // as it was, while another request reads it again
		}
		defer k.reading.Store(false)
	}
	// The versions are read before the post, so that a change made meanwhile leaves it out of date rather than
	// kept as current. The post's own scope is known only once it is found: it is kept only when no comment
	// anywhere changed in between (the site-wide comments scope moves with every post's).
	before, err := st.CacheVersions(ctx, []string{store.CacheSite, store.CacheComments})
	if err != nil {
		m.drop(slug, k)
		return blog.Post{}, false, err
	}
	p, moved, err := st.PostBySlug(ctx, slug)
	if err != nil {
		m.drop(slug, k) // gone, say: nobody is to be given it as it was
		return p, moved, err
	}
	after, err := st.CacheVersions(ctx, []string{store.CacheComments, store.CachePost(p.ID)})
	if err != nil {
		m.drop(slug, k)
		return p, moved, nil
	}
	// Appending to a kept post's terms must not write into another reader's.
	p.Categories, p.Tags = slices.Clip(p.Categories), slices.Clip(p.Tags)
	k = &keptPost{versioned: versioned{scopes: []string{store.CacheSite, store.CachePost(p.ID)}, versions: []int64{before[0], after[1]}},
		post: p, moved: moved, size: len(slug) + len(p.Body) + len(p.HTML) + len(p.Summary) + len(p.Excerpt) + len(p.Title) + 512}
	k.checked.Store(now.UnixNano())
	// A comment changed meanwhile: the post is as current as any read of that moment, for whoever asks while the
	// next reader reads it again (as the page cache keeps a page that raced).
	k.stale.Store(after[0] != before[1])
	m.keep(slug, k)
	return p, moved, nil
}

// drop forgets k, the post kept under slug, unless another has replaced it.
func (m *postMemo) drop(slug string, k *keptPost) {
	if k == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.bySlug[slug] == k {
		delete(m.bySlug, slug)
		m.used -= k.size
	}
}

// keep stores k under slug, dropping other posts while the memo is over its budget: the order is Go's map order,
// which is as good as any for a budget that a site's posts rarely reach. A post larger than the budget is not kept,
// and the version it replaces is forgotten.
func (m *postMemo) keep(slug string, k *keptPost) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if old := m.bySlug[slug]; old != nil {
		delete(m.bySlug, slug)
		m.used -= old.size
	}
	if k.size > m.maxBytes {
		return
	}
	m.bySlug[slug] = k
	m.used += k.size
	for other, o := range m.bySlug {
		if m.used <= m.maxBytes {
			break
		}
		if other != slug {
			delete(m.bySlug, other)
			m.used -= o.size
		}
	}
}

// postBySlug finds the post a request names: kept between changes for a reader (postMemo), read afresh for a
// signed-in user or an API client, who may have just changed it and must see the change at once.
func (s *Server) postBySlug(r *http.Request, slug string) (blog.Post, bool, error) {
	if isReader(r) {
		return s.posts.get(r.Context(), s.store, slug, s.now())
	}
	return s.store.PostBySlug(r.Context(), slug)
}
