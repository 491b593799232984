package web

import (
	"bytes"
	"compress/gzip"
	"container/list"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/url"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/andybalholm/brotli"

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
	// Recheck is how long a page is served after its versions were last read before they are read again: a
	// change in the database, made by any process, reaches readers at most this late. 0 reads them on every
	// request, which costs one query per page served. Post pages keep their rendered threads by the same rule,
	// with the page cache off too (thread_cache.go).
	Recheck time.Duration
}

// Defaults for PageCache.
const (
	DefaultPageCacheBytes   = 64 << 20
	DefaultPageCacheMaxAge  = time.Minute
	DefaultPageCacheRecheck = 100 * time.Millisecond
)

// pageCache keeps rendered public pages for anonymous readers, each with the versions of the scopes it was
// rendered from; a page is served again only while a query finds the same versions (read at most once per
// recheck interval). A page that is missing or has changed is rendered by one request at a time: the others wait
// for that rendering, or are given the previous version of the page while it runs. Safe for concurrent use.
type pageCache struct {
	maxBytes int64
	maxAge   time.Duration
	recheck  time.Duration

	compressing atomic.Bool // a brotli copy is being made

	mu        sync.Mutex
	used      int64
	lru       *list.List // of *cachedPage, most recently used first
	byKey     map[string]*list.Element
	rendering map[string]*rendering
}

// rendering is a page being rendered for the cache; done closes when it is over, with page set when the
// result was for the cache (even if stale: it is what those waiting asked for).
type rendering struct {
	done chan struct{}
	page *cachedPage
}

// cachedPage is one rendered response, with its compressed copies made once each, when a reader first takes them.
type cachedPage struct {
	versioned
	key      string
	header   http.Header // as the handler left it: the security headers, Content-Type, Vary…
	body     []byte
	gzOnce   sync.Once
	gz       []byte                 // made by gzipped; nil when gzip does not pay
	br       atomic.Pointer[[]byte] // the brotli copy, made in the background when a reader first takes brotli
	etag     string                 // strong, of the body
	etagGz   string                 // the gzip copy's: etag with -gz
	etagBr   string                 // the brotli copy's: etag with -br
	modified time.Time
	lastMod  string // modified, as Last-Modified says it
	size     int64
}

// versioned is what a cached rendering (a page, a thread) was made from: the versions of the scopes it shows, read
// before it was rendered, and when they were last found current.
type versioned struct {
	scopes   []string
	versions []int64
	checked  atomic.Int64 // when the versions were last found current, in Unix nanoseconds of the server's clock
	checking atomic.Bool  // a request is reading the versions now
	stale    atomic.Bool  // the versions changed: served only while it is rendered again
}

// current reports whether v's versions are still the database's: found so by a query within the recheck
// interval, or by one now. While another request reads them, they count as current. Found out of date, v is
// marked stale, and the versions just read are returned (nil when none were).
func (v *versioned) current(ctx context.Context, st cacheStore, recheck time.Duration, now time.Time) (bool, []int64) {
	if v.stale.Load() {
		return false, nil
	}
	if recheck > 0 {
		if now.UnixNano()-v.checked.Load() < int64(recheck) {
			return true, nil
		}
		if !v.checking.CompareAndSwap(false, true) {
			return true, nil
		}
		defer v.checking.Store(false)
	}
	got, err := st.CacheVersions(ctx, v.scopes)
	if err != nil {
		v.stale.Store(true)
		return false, nil
	}
	if !slices.Equal(got, v.versions) {
		v.stale.Store(true)
		return false, got
	}
	v.checked.Store(now.UnixNano())
	return true, nil
}

func newPageCache(cfg PageCache) *pageCache {
	if cfg.MaxBytes <= 0 {
		return nil
	}
	if cfg.MaxAge <= 0 {
		cfg.MaxAge = DefaultPageCacheMaxAge
	}
	return &pageCache{maxBytes: cfg.MaxBytes, maxAge: cfg.MaxAge, recheck: max(cfg.Recheck, 0), lru: list.New(),
		byKey: map[string]*list.Element{}, rendering: map[string]*rendering{}}
}

// get returns the page stored under key, if any.
func (c *pageCache) get(key string) *cachedPage {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[key]; ok {
		c.lru.MoveToFront(el)
		return el.Value.(*cachedPage)
	}
	return nil
}

// begin is called for a page that is missing or stale. It returns a current page stored under key since the
// caller looked (another request rendered it), or else the rendering of key in progress, or else a new
// rendering that the caller leads (true).
func (c *pageCache) begin(key string) (*cachedPage, *rendering, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[key]; ok && !el.Value.(*cachedPage).stale.Load() {
		return el.Value.(*cachedPage), nil, false
	}
	if r, ok := c.rendering[key]; ok {
		return nil, r, false
	}
	r := &rendering{done: make(chan struct{})}
	c.rendering[key] = r
	return nil, r, true
}

// finish ends a rendering begun by begin, storing its page when there is one (nil: the result was not for
// the cache, and a stale page under the key goes). The requests waiting for it are given the page, stale or not.
func (c *pageCache) finish(key string, r *rendering, p *cachedPage) {
	if p != nil {
		c.put(p)
	} else {
		c.removeStale(key)
	}
	c.mu.Lock()
	delete(c.rendering, key)
	c.mu.Unlock()
	r.page = p
	close(r.done)
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
	c.evictOverBudget()
}

// evictOverBudget drops the least recently used pages until the cache is within its budget. c.mu is held.
func (c *pageCache) evictOverBudget() {
	for c.used > c.maxBytes && c.lru.Len() > 0 {
		el := c.lru.Back()
		old := el.Value.(*cachedPage)
		c.lru.Remove(el)
		delete(c.byKey, old.key)
		c.used -= old.size
	}
}

// removeStale drops the page under key if it is stale.
func (c *pageCache) removeStale(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[key]; ok && el.Value.(*cachedPage).stale.Load() {
		c.used -= el.Value.(*cachedPage).size
		c.lru.Remove(el)
		delete(c.byKey, key)
	}
}

// current reports whether p may be served as it is: young enough, and its versions current (versioned.current).
func (c *pageCache) current(ctx context.Context, st cacheStore, p *cachedPage, now time.Time) bool {
	if age := now.Sub(p.modified); age >= c.maxAge || age < -time.Second {
		p.stale.Store(true)
		return false
	}
	ok, _ := p.versioned.current(ctx, st, c.recheck, now)
	return ok
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

// cached serves next's responses from the page cache for anonymous readers. A hit costs at most one query (the
// versions of the page's scopes, read at most once per recheck interval); a miss renders through next, then
// stores the page with the versions read before it rendered. Only complete 200 answers that set no cookie and do
// not refuse storing are kept.
//
// One request at a time renders a page for the cache. Others asking for it meanwhile get its previous version
// when there is one (at most one rendering behind: a busy post with a comment a second stays servable), or wait
// for the rendering; when its result is not for the cache (a 404, say), they render their own.
func (s *Server) cached(next http.Handler) http.Handler {
	if s.cache == nil {
		return s.limited(next)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Vary", "Accept-Encoding, Cookie")
		key, ok := cacheKey(r)
		if !ok {
			w.Header().Set("Cache-Control", "private, no-cache")
			s.limited(next).ServeHTTP(w, r)
			return
		}
		ctx := r.Context()
		now := s.now()
		p := s.cache.get(key)
		if p != nil && s.cache.current(ctx, s.store, p, now) {
			s.cache.serve(w, r, p)
			return
		}
		fresh, job, leader := s.cache.begin(key)
		switch {
		case fresh != nil:
			s.cache.serve(w, r, fresh)
			return
		case !leader && p != nil && now.Sub(p.modified) < s.cache.maxAge:
			s.cache.serve(w, r, p) // the previous version, while the page is rendered again
			return
		case !leader:
			select {
			case <-job.done:
			case <-ctx.Done():
				return
			}
			if job.page != nil {
				s.cache.serve(w, r, job.page)
			} else {
				s.limited(next).ServeHTTP(w, r)
			}
			return
		}
		page, rec := s.renderForCache(w.Header(), r, next, key, now)
		s.cache.finish(key, job, page)
		switch {
		case page != nil:
			s.cache.serve(w, r, page)
		case rec != nil:
			rec.replay(w)
		}
	})
}

// renderForCache renders r's page through next. It returns the page made of it, or nil with the response to
// replay when the response is not for the cache (an error, a cookie, a reader who left: then both are nil). A page
// whose data changed while it rendered is returned marked stale: it is as current as any rendering of that
// moment, for whoever asked meanwhile, but the next reader renders it again.
func (s *Server) renderForCache(h http.Header, r *http.Request, next http.Handler, key string, now time.Time) (*cachedPage, *capture) {
	base := []string{store.CacheSite, store.CacheComments}
	v, err := s.store.CacheVersions(r.Context(), base)
	deps := &cacheDeps{store: s.store, scopes: base, versions: v, err: err}
	rec := s.renderLimited(h, r.WithContext(context.WithValue(r.Context(), cacheDepsKey{}, deps)), next)
	if rec == nil || !rec.storable() {
		return nil, rec
	}
	p := newCachedPage(key, deps, rec, now)
	releaseBuffer(rec.body)
	p.checked.Store(now.UnixNano())
	p.stale.Store(deps.err != nil)
	return p, nil
}

// renderSlots is how many public pages are rendered at once: enough to keep every core busy while some renders
// wait for the database, few enough that their memory stays small.
func renderSlots() int { return 2 * runtime.GOMAXPROCS(0) }

// limited serves next's responses rendered with a render slot (see renderLimited), for pages not kept in the
// cache.
func (s *Server) limited(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rec := s.renderLimited(w.Header(), r, next); rec != nil {
			rec.replay(w)
		}
	})
}

// renderLimited renders r's response through next into memory, holding one of a few render slots while it does:
// a burst of readers then waits in line instead of rendering hundreds of pages at once, each holding its whole
// page and thread in memory, and the CPU goes to finishing pages rather than to collecting their garbage. The
// slot is given back before the response is written, so a slow reader holds none. h is the response's headers
// so far. It returns nil when the reader left while waiting for a slot.
func (s *Server) renderLimited(h http.Header, r *http.Request, next http.Handler) *capture {
	select {
	case s.renderSlots <- struct{}{}:
	case <-r.Context().Done():
		return nil
	}
	defer func() { <-s.renderSlots }()
	rec := &capture{header: h.Clone(), status: http.StatusOK, body: pageBuffer()}
	next.ServeHTTP(rec, r)
	return rec
}

// capture holds a response while it is rendered for the cache, or before it is sent.
type capture struct {
	header http.Header
	status int
	wrote  bool
	body   *bytes.Buffer // from pageBuffers: release it once the response is sent or copied
	// thread is a kept thread that the page holds by reference rather than a copy (spliceThread), and threadAt
	// where in body it goes (-1 until the page has printed its place).
	thread   string
	threadAt int
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

// replay sends a response that is not cached as the handler wrote it, and releases its buffer.
func (c *capture) replay(w http.ResponseWriter) {
	defer releaseBuffer(c.body)
	h := w.Header()
	clear(h)
	for k, v := range c.header {
		h[k] = v
	}
	w.WriteHeader(c.status)
	c.writeBody(w)
}

// writeBody writes the response's body to w, with the thread in its place.
func (c *capture) writeBody(w io.Writer) {
	body := c.body.Bytes()
	if c.thread == "" || c.threadAt < 0 {
		w.Write(body)
		return
	}
	w.Write(body[:c.threadAt])
	// The thread's bytes, seen as a slice without a copy: Write may not change them, and one large write goes to
	// the connection as it is (io.WriteString goes through net/http's small buffer, a few kilobytes at a time).
	w.Write(unsafe.Slice(unsafe.StringData(c.thread), len(c.thread)))
	w.Write(body[c.threadAt:])
}

// contents returns a copy of the response's body, with the thread in its place.
func (c *capture) contents() []byte {
	var out bytes.Buffer
	out.Grow(c.body.Len())
	c.writeBody(&out)
	return out.Bytes()
}

// minGzip is the smallest body worth compressing.
const minGzip = 1024

func newCachedPage(key string, deps *cacheDeps, rec *capture, now time.Time) *cachedPage {
	body := rec.contents()
	sum := sha256.Sum256(body)
	h := rec.header.Clone()
	h.Del("Content-Length")
	h.Set("Cache-Control", "public, no-cache")
	tag := hex.EncodeToString(sum[:12])
	p := &cachedPage{versioned: versioned{scopes: deps.scopes, versions: deps.versions}, key: key, header: h, body: body,
		etag: `"` + tag + `"`, etagGz: `"` + tag + `-gz"`, etagBr: `"` + tag + `-br"`, modified: now.UTC().Truncate(time.Second)}
	p.lastMod = p.modified.Format(http.TimeFormat)
	p.size = int64(len(p.body)+len(p.key)) + 512 // the headers and bookkeeping, roughly
	return p
}

// gzipped returns p's gzip copy, made by the first reader who takes gzip while others who do wait for it (a few
// milliseconds for a long thread). It is not made when the page is stored: a post taking a comment a second is
// stored again each time, and copies nobody read were 6.5% of the CPU of such a post in the benchmark. The copy counts
// towards the budget while p is in the cache.
func (c *pageCache) gzipped(p *cachedPage) []byte {
	p.gzOnce.Do(func() {
		if len(p.body) < minGzip {
			return
		}
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf) // the default level: 2% larger than the best, in a third of its time
		zw.Write(p.body)
		zw.Close()
		if buf.Len() >= len(p.body) {
			return
		}
		p.gz = buf.Bytes()
		c.account(p, len(p.gz))
	})
	return p.gz
}

// account adds n bytes made after p was stored to p's size and the cache's, when p is still the cache's.
func (c *pageCache) account(p *cachedPage, n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[p.key]; ok && el.Value.(*cachedPage) == p {
		p.size += int64(n)
		c.used += int64(n)
		c.evictOverBudget()
	}
}

// brotliQuality is the brotli level of cached pages: on a 300-comment page, 35% smaller than gzip; higher levels
// gain under 1% until 11, which takes forty times as long.
const brotliQuality = 5

// compressLater makes p's brotli copy in the background, one page at a time, when a reader who takes brotli asks
// for p: it takes about ten times as long as gzip (25 to 30 ms for a 300-comment page), too long to keep a reader
// waiting. Readers get the gzip copy until it is ready; a page asked for while another is compressed waits for
// its next reader. The copy is kept only while p is still in the cache, and counts towards its budget.
func (c *pageCache) compressLater(p *cachedPage) {
	if len(p.body) < minGzip || p.stale.Load() || !c.compressing.CompareAndSwap(false, true) {
		return
	}
	go func() {
		defer c.compressing.Store(false)
		var buf bytes.Buffer
		bw := brotli.NewWriterLevel(&buf, brotliQuality)
		bw.Write(p.body)
		bw.Close()
		if buf.Len() >= len(p.body) {
			return
		}
		br := buf.Bytes()
		p.br.Store(&br)
		c.account(p, len(br))
	}()
}

// serve answers from a cached page: 304 when the reader's copy is current, else the smallest copy the reader
// takes (brotli, gzip, or the page as it is).
func (c *pageCache) serve(w http.ResponseWriter, r *http.Request, p *cachedPage) {
	h := w.Header()
	for k, v := range p.header {
		h[k] = v
	}
	h.Set("Last-Modified", p.lastMod)
	body, coding, etag := p.body, "", p.etag
	ae := r.Header.Get("Accept-Encoding")
	br, takesBr := p.br.Load(), accepts(ae, "br")
	switch {
	case br != nil && takesBr:
		body, coding, etag = *br, "br", p.etagBr
	case accepts(ae, "gzip"):
		if gz := c.gzipped(p); gz != nil {
			body, coding, etag = gz, "gzip", p.etagGz
		}
	}
	if br == nil && takesBr {
		c.compressLater(p)
	}
	h.Set("ETag", etag)
	if notModified(r, p) {
		h.Del("Content-Type")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if coding != "" {
		h.Set("Content-Encoding", coding)
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// notModified applies If-None-Match, or else If-Modified-Since (RFC 9110, 13.2.2). Any of the page's ETags
// matches: they name the same content, in three encodings.
func notModified(r *http.Request, p *cachedPage) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		bare := strings.Trim(p.etag, `"`)
		for _, tag := range strings.Split(inm, ",") {
			tag = strings.Trim(strings.TrimPrefix(strings.TrimSpace(tag), "W/"), `"`)
			if tag == "*" || tag == bare || tag == bare+"-gz" || tag == bare+"-br" {
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

// accepts reads whether Accept-Encoding ae takes coding (or *) with a weight above zero.
func accepts(ae, coding string) bool {
	for _, part := range strings.Split(ae, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if name != coding && name != "*" {
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
