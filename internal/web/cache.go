package web

import (
	"bytes"
	"compress/gzip"
	"container/list"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/salon-blog/salon/internal/store"
)

// cacheStore is what the page cache asks the database: the versions of the scopes a page depends on, which
// triggers bump whenever what the page shows changes, in any process (migration 00010).
type cacheStore interface {
	CacheVersions(ctx context.Context, scopes []string) ([]int64, error)
}

// PageCache sizes the rendered-page cache. The zero value turns the cache off.
type PageCache struct {
	// MaxBytes bounds the memory the cached pages take, their gzip copies included; the least recently used
	// pages go first. 0 turns the cache off.
	MaxBytes int64
	// MaxAge bounds how long a page is served from the cache without a change in the database: what depends on
	// the clock alone (a scheduled post going out, a thread closing with age, the comment form's token) is at most
	// this late. 0 means DefaultPageCacheMaxAge.
	MaxAge time.Duration
}

// Defaults for PageCache.
const (
	DefaultPageCacheBytes  = 64 << 20
	DefaultPageCacheMaxAge = time.Minute
)

// pageCache keeps rendered public pages for anonymous readers, each with the versions of the scopes it was
// rendered from; a page is served again only while one query finds the same versions. Safe for concurrent use.
type pageCache struct {
	maxBytes int64
	maxAge   time.Duration

	mu      sync.Mutex
	used    int64
	lru     *list.List // of *cachedPage, most recently used first
	byKey   map[string]*list.Element
	evicted int64
}

// cachedPage is one rendered response, with its gzip copy made once when it was stored.
type cachedPage struct {
	key      string
	scopes   []string
	versions []int64
	header   http.Header // as the handler left it: the security headers, Content-Type, Vary…
	body     []byte
	gz       []byte // nil when gzip does not pay
	etag     string // strong, of the body; the gzip copy's is etag with -gz
	modified time.Time
	size     int64
}

func newPageCache(cfg PageCache) *pageCache {
	if cfg.MaxBytes <= 0 {
		return nil
	}
	if cfg.MaxAge <= 0 {
		cfg.MaxAge = DefaultPageCacheMaxAge
	}
	return &pageCache{maxBytes: cfg.MaxBytes, maxAge: cfg.MaxAge, lru: list.New(), byKey: map[string]*list.Element{}}
}

func (c *pageCache) get(key string) *cachedPage {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byKey[key]
	if !ok {
		return nil
	}
	c.lru.MoveToFront(el)
	return el.Value.(*cachedPage)
}

// put stores p, replacing any page under the same key, and evicts the least recently used pages beyond the
// budget. A page larger than an eighth of the budget is not kept: one huge page must not empty the cache.
func (c *pageCache) put(p *cachedPage) {
	if p.size > c.maxBytes/8 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[p.key]; ok {
		c.used -= el.Value.(*cachedPage).size
		c.lru.Remove(el)
	}
	c.byKey[p.key] = c.lru.PushFront(p)
	c.used += p.size
	for c.used > c.maxBytes {
		el := c.lru.Back()
		old := el.Value.(*cachedPage)
		c.lru.Remove(el)
		delete(c.byKey, old.key)
		c.used -= old.size
		c.evicted++
	}
}

func (c *pageCache) remove(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[key]; ok {
		c.used -= el.Value.(*cachedPage).size
		c.lru.Remove(el)
		delete(c.byKey, key)
	}
}

// harmlessParams are query parameters that do not change a public page: campaign and click tags that links
// shared on social sites carry. They are left out of the cache key; any other parameter bypasses the cache.
var harmlessParams = map[string]bool{
	"utm_source": true, "utm_medium": true, "utm_campaign": true, "utm_term": true, "utm_content": true,
	"fbclid": true, "gclid": true, "mc_cid": true, "mc_eid": true, "ref": true,
}

// personalCookies make a page this reader's own: a session (the page shows who is signed in), comments this
// browser wrote (held ones show to their author, with edit links), and the commenter details the form is filled
// with. A request carrying any of them is neither served from the cache nor stored in it.
var personalCookies = []string{sessionCookie, mineCookie, commenterName, noticeCookie}

// cacheKey is the key a request's page is cached under, and false for a request the cache must not answer:
// anything but GET and HEAD, a personal cookie, a query parameter that may change the page. The key holds the
// scheme and host, which the page's absolute links are made of when the site's address is not set.
func cacheKey(r *http.Request) (string, bool) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return "", false
	}
	for _, name := range personalCookies {
		if _, err := r.Cookie(name); err == nil {
			return "", false
		}
	}
	if r.URL.RawQuery != "" {
		q, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			return "", false
		}
		for name := range q {
			if !harmlessParams[name] {
				return "", false
			}
		}
	}
	scheme := "http"
	if clientOf(r).Secure {
		scheme = "https"
	}
	return scheme + "://" + r.Host + r.URL.EscapedPath(), true
}

// cacheDeps is how a handler rendering a page for the cache says what the page depends on. Every page depends on
// the site and on all approved comments unless its handler narrows that to one post's comments.
type cacheDeps struct {
	store    cacheStore
	scopes   []string
	versions []int64
	err      error
}

type cacheDepsKey struct{}

// pageShowsPost narrows what the page being rendered depends on to the site and post id's own comments, so that a
// comment elsewhere leaves it in the cache. The post's version is read now, before its comments are; a comment
// change since the render began (which bumps the site-wide comments scope too) could be half in the page, so
// such a page is not stored. Without a cache, pageShowsPost does nothing.
func pageShowsPost(ctx context.Context, id int64) {
	d, ok := ctx.Value(cacheDepsKey{}).(*cacheDeps)
	if !ok || d.err != nil {
		return
	}
	scope := store.CachePost(id)
	v, err := d.store.CacheVersions(ctx, []string{store.CacheComments, scope})
	switch {
	case err != nil:
		d.err = err
	case v[0] != d.versions[1]:
		d.err = errRaced
	default:
		d.scopes, d.versions = []string{store.CacheSite, scope}, []int64{d.versions[0], v[1]}
	}
}

// errRaced keeps a page out of the cache: what it shows changed while it was rendered.
var errRaced = errors.New("page cache: a comment changed while the page was rendered")

// cached serves next's responses from the page cache for anonymous readers. A hit costs one query (the versions
// of the page's scopes); a miss renders through next, then stores the page with the versions read before it
// rendered, gzipped once. Only complete 200 answers that set no cookie and do not refuse storing are kept.
func (s *Server) cached(next http.Handler) http.Handler {
	if s.cache == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Vary", "Accept-Encoding, Cookie")
		key, ok := cacheKey(r)
		if !ok {
			w.Header().Set("Cache-Control", "private, no-cache")
			next.ServeHTTP(w, r)
			return
		}
		ctx := r.Context()
		now := s.now()
		if p := s.cache.get(key); p != nil {
			if now.Sub(p.modified) < s.cache.maxAge && now.Sub(p.modified) >= -time.Second {
				v, err := s.store.CacheVersions(ctx, p.scopes)
				if err == nil && slices.Equal(v, p.versions) {
					serveCached(w, r, p)
					return
				}
			}
			s.cache.remove(key)
		}
		base := []string{store.CacheSite, store.CacheComments}
		v, err := s.store.CacheVersions(ctx, base)
		if err != nil {
			// The page itself will say whether the database is away; it is not cached either way.
			next.ServeHTTP(w, r)
			return
		}
		deps := &cacheDeps{store: s.store, scopes: base, versions: v}
		rec := &capture{header: w.Header().Clone(), status: http.StatusOK}
		next.ServeHTTP(rec, r.WithContext(context.WithValue(ctx, cacheDepsKey{}, deps)))
		if deps.err != nil || !rec.storable() {
			rec.replay(w)
			return
		}
		p := newCachedPage(key, deps, rec, now)
		s.cache.put(p)
		serveCached(w, r, p)
	})
}

// capture holds a response while it is rendered for the cache.
type capture struct {
	header http.Header
	status int
	wrote  bool
	body   bytes.Buffer
}

func (c *capture) Header() http.Header { return c.header }

func (c *capture) WriteHeader(status int) {
	if !c.wrote {
		c.status, c.wrote = status, true
	}
}

func (c *capture) Write(b []byte) (int, error) {
	c.wrote = true
	return c.body.Write(b)
}

func (c *capture) storable() bool {
	cc := c.header.Get("Cache-Control")
	return c.status == http.StatusOK && c.header.Get("Set-Cookie") == "" && c.header.Get("Content-Type") != "" &&
		c.header.Get("Content-Encoding") == "" && !strings.Contains(cc, "no-store") && !strings.Contains(cc, "private")
}

// replay sends a response that is not cached as the handler wrote it.
func (c *capture) replay(w http.ResponseWriter) {
	h := w.Header()
	clear(h)
	for k, v := range c.header {
		h[k] = v
	}
	w.WriteHeader(c.status)
	w.Write(c.body.Bytes())
}

// minGzip is the smallest body worth compressing.
const minGzip = 1024

func newCachedPage(key string, deps *cacheDeps, rec *capture, now time.Time) *cachedPage {
	body := bytes.Clone(rec.body.Bytes())
	sum := sha256.Sum256(body)
	h := rec.header.Clone()
	h.Del("Content-Length")
	h.Set("Cache-Control", "public, no-cache")
	p := &cachedPage{key: key, scopes: deps.scopes, versions: deps.versions, header: h, body: body,
		etag: `"` + hex.EncodeToString(sum[:12]) + `"`, modified: now.UTC().Truncate(time.Second)}
	if len(body) >= minGzip {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression) // the level is valid: no error
		zw.Write(body)
		zw.Close()
		if buf.Len() < len(body) {
			p.gz = buf.Bytes()
		}
	}
	p.size = int64(len(p.body)+len(p.gz)+len(p.key)) + 512 // the headers and bookkeeping, roughly
	return p
}

// serveCached answers from a cached page: 304 when the reader's copy is current, the gzip copy when the reader
// takes it.
func serveCached(w http.ResponseWriter, r *http.Request, p *cachedPage) {
	h := w.Header()
	for k, v := range p.header {
		h[k] = v
	}
	h.Set("Last-Modified", p.modified.Format(http.TimeFormat))
	gz := p.gz != nil && acceptsGzip(r.Header.Get("Accept-Encoding"))
	etag := p.etag
	if gz {
		etag = strings.TrimSuffix(p.etag, `"`) + `-gz"`
	}
	h.Set("ETag", etag)
	if notModified(r, p) {
		h.Del("Content-Type")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := p.body
	if gz {
		h.Set("Content-Encoding", "gzip")
		body = p.gz
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// notModified applies If-None-Match, or else If-Modified-Since (RFC 9110, 13.2.2). Either of the page's ETags
// matches: they name the same content, in two encodings.
func notModified(r *http.Request, p *cachedPage) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		bare := strings.Trim(p.etag, `"`)
		for _, tag := range strings.Split(inm, ",") {
			tag = strings.Trim(strings.TrimPrefix(strings.TrimSpace(tag), "W/"), `"`)
			if tag == "*" || tag == bare || tag == bare+"-gz" {
				return true
			}
		}
		return false
	}
	if ims := r.Header.Get("If-Modified-Since"); ims != "" {
		t, err := http.ParseTime(ims)
		return err == nil && !p.modified.After(t)
	}
	return false
}

// acceptsGzip reads Accept-Encoding: gzip (or *) with a weight above zero.
func acceptsGzip(ae string) bool {
	for _, part := range strings.Split(ae, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if name != "gzip" && name != "*" {
			continue
		}
		if q, ok := strings.CutPrefix(strings.ReplaceAll(params, " ", ""), "q="); ok {
			if f, err := strconv.ParseFloat(q, 64); err == nil && f == 0 {
				continue
			}
		}
		return true
	}
	return false
}
