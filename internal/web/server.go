// Package web serves Salon's public site: the home page, posts and pages, archives, feeds, static assets and the
// error pages, all server-rendered from embedded templates and working without JavaScript. Handlers parse the
// request, ask the store, and render a typed page; they never see SQL.
package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/alexedwards/argon2id"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/comment"
)

// Store is what the public site reads.
type Store interface {
	Settings(ctx context.Context) (blog.Settings, error)
	Posts(ctx context.Context, f blog.PostFilter) ([]blog.Post, int, error)
	PostList(ctx context.Context, f blog.PostFilter) ([]blog.Post, error)
	Post(ctx context.Context, id int64) (blog.Post, error)
	PostBySlug(ctx context.Context, slug string) (blog.Post, bool, error)
	PostByOldPath(ctx context.Context, path string) (blog.Post, error)
	ImportedPostID(ctx context.Context, externalID int64) (int64, error)
	Categories(ctx context.Context) ([]blog.Term, error)
	TermBySlug(ctx context.Context, taxonomy blog.Taxonomy, slug string) (blog.Term, error)
	UserBySlug(ctx context.Context, slug string) (blog.User, error)
	Ping(ctx context.Context) error
	Thread(ctx context.Context, postID int64, ownIDs []int64) ([]blog.Comment, error)
	Comments(ctx context.Context, f blog.CommentFilter) ([]blog.CommentInContext, int, error)
	SiteKey(ctx context.Context, name string) ([]byte, error)
	CommentCounts(ctx context.Context, postAuthorID int64) (map[blog.CommentStatus]int, error)
	UserByEmail(ctx context.Context, email string) (blog.User, error)
	CreateSession(ctx context.Context, tokenHash string, userID int64, expires time.Time) error
	SessionUser(ctx context.Context, tokenHash string) (blog.User, error)
	DeleteSession(ctx context.Context, tokenHash string) error
	searchStore
	comment.Store
	comment.SpamStore
	rateStore
	blockStore
	authStore
	siteAdminStore
	postAdminStore
	mediaStore
	apiStore
	cacheStore
	privacyStore
	oldURLStore
}

// Config is what the site needs from its operator.
type Config struct {
	Store   Store
	Logger  *slog.Logger
	Proxies Proxies
	Now     func() time.Time
	// PasswordParams are the argon2id costs for new password hashes; nil means argon2id.DefaultParams. Tests pass
	// cheap ones.
	PasswordParams *argon2id.Params
	// SignInDelay is how much longer each sign-in waits per recent failure beyond the first few; zero, no wait.
	SignInDelay time.Duration
	// MediaDir is where uploaded media files live (the data directory's media folder).
	MediaDir string
	// WordPressUploads is a copy of a WordPress site's wp-content/uploads folder, served at /wp-content/uploads/ so
	// that a moved site's images and files keep their addresses; "" (or a folder that does not exist) serves none.
	WordPressUploads string
	// Unavailable tells a database that cannot be reached for the moment from other faults, so that readers get
	// "back in a moment" (503) while PostgreSQL restarts. Nil means every fault is a 500.
	Unavailable func(error) bool
	// Notify is email: subscriptions, emailed links, the test email; its zero value leaves mail off.
	Notify Notifications
	// Jobs is the job queue for the failed-jobs screen; nil says the server runs none.
	Jobs JobQueue
	// Transfers imports and exports whole sites, for the admin area's Import and export screen; nil leaves the
	// screen saying that this server does not offer them.
	Transfers Transfers
	// PageCache keeps rendered public pages for anonymous readers; the zero value keeps none.
	PageCache PageCache
}

// Server is the public site.
type Server struct {
	store            Store
	log              *slog.Logger
	proxies          Proxies
	now              func() time.Time
	views            *views
	assets           *assets
	mediaDir         string
	wordPressUploads string
	transfers        Transfers
	passwords        *argon2id.Params
	signInDelay      time.Duration
	signer           signer
	notify           Notifications
	notifyKey        []byte // signs the links in emails (the "notify" site key, as the notifier's)
	jobs             JobQueue
	comments         *comment.Workflow
	unavailable      func(error) bool
	cache            *pageCache    // nil: no page cache
	renderSlots      chan struct{} // one token per public page being rendered (see renderLimited)
	searchSlots      chan struct{} // one token per search being run (see search)
	// renderedComments keeps each comment's rendered markup, keyed by all it shows (see thread_render.go).
	renderedComments *commentMemo
	threads          *threadCache // the rendered threads of readers who wrote none of their comments
	settings         *settingsMemo
	posts            *postMemo
}

// New parses the templates and fingerprints the static files; a broken template fails here, not on a request.
func New(ctx context.Context, cfg Config) (*Server, error) {
	a, err := loadAssets()
	if err != nil {
		return nil, err
	}
	v, err := loadViews(a)
	if err != nil {
		return nil, err
	}
	key, err := cfg.Store.SiteKey(ctx, "cookies")
	if err != nil {
		return nil, err
	}
	s := &Server{store: cfg.Store, log: cfg.Logger, proxies: cfg.Proxies, now: cfg.Now, views: v, assets: a, signer: signer{key},
		unavailable: cfg.Unavailable, mediaDir: cfg.MediaDir, wordPressUploads: cfg.WordPressUploads, passwords: cfg.PasswordParams,
		signInDelay: cfg.SignInDelay, transfers: cfg.Transfers, cache: newPageCache(cfg.PageCache),
		renderSlots: make(chan struct{}, renderSlots()), searchSlots: make(chan struct{}, searchSlots()), renderedComments: newCommentMemo(commentMemoBytes),
		threads: newThreadCache(cfg.Store, cfg.PageCache.Recheck, threadCacheBytes), settings: &settingsMemo{recheck: max(cfg.PageCache.Recheck, 0)},
		posts: newPostMemo(cfg.PageCache.Recheck, postMemoBytes)}
	if s.passwords == nil {
		s.passwords = argon2id.DefaultParams
	}
	if s.unavailable == nil {
		s.unavailable = func(error) bool { return false }
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.comments = &comment.Workflow{Store: cfg.Store, Now: func() time.Time { return s.now().UTC().Truncate(time.Second) },
		Spam: &comment.Classifier{Store: cfg.Store}}
	s.notify, s.jobs = cfg.Notify, cfg.Jobs
	if s.notifyKey, err = cfg.Store.SiteKey(ctx, "notify"); err != nil {
		return nil, err
	}
	return s, nil
}

// Handler returns the site's HTTP handler with its middleware.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.Handle("GET /static/{file}", s.assets)
	mux.HandleFunc("GET /avatar/{file}", s.serveAvatar)
	mux.Handle("GET /wp-content/uploads/{path...}", s.page(s.serveWordPressUpload))
	mux.Handle("POST /comments/{$}", s.page(s.submitComment))
	mux.Handle("GET "+privacyPath+"{$}", s.page(s.privacyPolicy))
	mux.Handle("POST /comments/preview/{$}", s.page(s.previewComment))
	mux.Handle("GET /comments/{id}/{$}", s.page(s.commentLink))
	mux.Handle("GET /comments/feed/{$}", s.cached(s.page(s.public)))
	mux.Handle("GET /comments/feed/atom/{$}", s.cached(s.page(s.public)))
	mux.Handle("GET /comments/feed/rss2/{$}", s.cached(s.page(s.public)))
	mux.Handle("GET /comments/{id}/edit/{$}", s.page(s.editComment))
	mux.Handle("POST /comments/{id}/edit/{$}", s.page(s.editComment))
	mux.Handle("GET /admin/signin/{$}", s.page(s.signinForm))
	mux.Handle("POST /admin/signin/{$}", s.page(s.signin))
	mux.Handle("POST /admin/signout/{$}", s.page(s.signout))
	mux.Handle("GET /admin/comments/{$}", s.moderation(s.commentQueue))
	mux.Handle("POST /admin/comments/{$}", s.moderation(s.moderate))
	mux.Handle("GET /admin/comments/{id}/edit/{$}", s.moderation(s.editAnyComment))
	mux.Handle("POST /admin/comments/{id}/edit/{$}", s.moderation(s.editAnyComment))
	mux.Handle("POST /admin/comments/{id}/reply/{$}", s.moderation(s.replyAsAuthor))
	s.authRoutes(mux)
	s.blockRoutes(mux)
	s.siteAdminRoutes(mux)
	s.transferRoutes(mux)
	s.postAdminRoutes(mux)
	s.mediaRoutes(mux)
	s.notifyRoutes(mux)
	s.privacyRequestRoutes(mux)
	s.apiRoutes(mux)
	mux.Handle("GET /{$}", s.cached(s.page(s.public)))
	mux.Handle("GET /", s.cached(s.page(s.public)))
	return s.middleware(mux)
}

// middleware identifies the client, recovers from panics with the site's 500 page, and logs each request.
func (s *Server) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		c := s.proxies.identify(r)
		r = r.WithContext(withClient(r.Context(), c))
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.ErrorContext(r.Context(), "panic", "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
				if !rec.wrote {
					s.renderPanicPage(rec, r)
				}
			}
			s.log.InfoContext(r.Context(), "request", "method", r.Method, "path", r.URL.Path, "status", rec.status,
				"bytes", rec.bytes, "duration", time.Since(start), "ip", c.IP.String())
		}()
		setSecurityHeaders(rec.Header())
		next.ServeHTTP(rec, r)
	})
}

func setSecurityHeaders(h http.Header) {
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' https: data:; media-src 'self' https:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'")
	h.Set("X-Frame-Options", "DENY")
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int
	wrote  bool
}

func (r *statusRecorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the connection's writer: its Flush, its deadlines, its full duplex.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (r *statusRecorder) Write(b []byte) (int, error) {
	r.wrote = true
	n, err := r.ResponseWriter.Write(b)
	r.bytes += n
	return n, err
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := s.store.Ping(ctx); err != nil {
		s.log.WarnContext(ctx, "health check: database does not answer", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, "database unavailable")
		return
	}
	fmt.Fprintln(w, "ok")
}

// page adapts a handler that returns an error: errors become the site's error pages, with the status their code
// maps to, and internal details go to the log only.
func (s *Server) page(h func(http.ResponseWriter, *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := h(w, r)
		if err == nil {
			return
		}
		status := errorStatus(err)
		if status == http.StatusInternalServerError && s.unavailable(err) {
			status = http.StatusServiceUnavailable
		}
		if status >= 500 && !errors.Is(err, context.Canceled) {
			// A 503 is logged too: an operator wants to know the database went away.
			s.log.ErrorContext(r.Context(), "request failed", "path", r.URL.Path, "err", err)
		}
		s.renderError(w, r, status, blog.ErrorMessage(err))
	})
}

// errorStatus is the one table from error codes to HTTP statuses.
func errorStatus(err error) int {
	switch blog.ErrorCode(err) {
	case blog.ENOTFOUND:
		return http.StatusNotFound
	case blog.EINVALID:
		return http.StatusBadRequest
	case blog.ECONFLICT:
		return http.StatusConflict
	case blog.EFORBIDDEN:
		return http.StatusForbidden
	case blog.ETOOMANY:
		return http.StatusTooManyRequests
	case blog.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	case blog.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// renderPanicPage shows the 500 page after a panic; when showing it panics too (the fault is in what every page
// reads), the reader still gets a plain 500 rather than a dropped connection.
func (s *Server) renderPanicPage(w *statusRecorder, r *http.Request) {
	defer func() {
		if v := recover(); v != nil {
			s.log.ErrorContext(r.Context(), "panic in the error page", "path", r.URL.Path, "panic", v)
			if !w.wrote {
				w.Header().Set("Content-Type", "text/plain; charset=utf-8")
				w.WriteHeader(http.StatusInternalServerError)
				fmt.Fprintln(w, "Something went wrong on our side. Please try again in a moment.")
			}
		}
	}()
	s.renderError(w, r, http.StatusInternalServerError, "")
}

// bodyError is the error for a request body that could not be read: over its limit (413, "too large to send"),
// or else invalid (400) with the message given.
func bodyError(err error, invalid string) error {
	var over *http.MaxBytesError
	if errors.As(err, &over) {
		return blog.Errorf(blog.ETOOLARGE, "what was sent is larger than the %d KiB this form accepts", over.Limit>>10)
	}
	return blog.Errorf(blog.EINVALID, "%s", invalid)
}

// tooLarge reports whether reading a body failed on its size limit.
func tooLarge(err error) bool {
	var over *http.MaxBytesError
	return errors.As(err, &over)
}

// errNotFound is returned by handlers for any URL that names nothing.
var errNotFound = blog.Errorf(blog.ENOTFOUND, "page not found")
