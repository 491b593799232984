package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/store"
	"github.com/salon-blog/salon/internal/web"
)

// shutdownGrace is how long in-flight requests may take to finish after SIGINT or SIGTERM.
const shutdownGrace = 20 * time.Second

func serve(ctx context.Context, env Env, args []string) (err error) {
	fs := flagSet(env, "serve", usage{})
	addr := envString(fs, env, "addr", "SALON_ADDR", "127.0.0.1:8080", "address to listen on, `HOST:PORT`")
	db := databaseFlags(fs, env)
	proxies := envString(fs, env, "trusted-proxies", "SALON_TRUSTED_PROXIES", "", "comma-separated networks (`CIDR,…`) of reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed")
	logFormat := envString(fs, env, "log-format", "SALON_LOG_FORMAT", "text", "log format: `text|json`")
	logLevel := envString(fs, env, "log-level", "SALON_LOG_LEVEL", "info", "log level: `debug|info|warn|error`")
	mailFlags := defineMailFlags(fs, env)
	pageCache := envString(fs, env, "page-cache", "SALON_PAGE_CACHE", "on", "rendered pages kept for anonymous readers: `on|off|SIZE` (on is 64MB; a size in MB such as 256MB)")
	if err := parse(env, fs, args, 0); err != nil {
		return err
	}
	cache, err := parsePageCache(*pageCache)
	if err != nil {
		return err
	}
	logs := newBufferedLog(env.Stderr, logFlushInterval)
	defer func() { err = errors.Join(err, logs.Close()) }()
	logger, err := newLogger(logs, *logFormat, *logLevel)
	if err != nil {
		return err
	}
	trusted, err := web.ParseProxies(*proxies)
	if err != nil {
		return fmt.Errorf("--trusted-proxies: %w", err)
	}

	st, err := connectPatiently(ctx, db, logger)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, st.Close()) }()
	applied, err := st.Migrate(ctx)
	if err != nil {
		return err
	}
	if len(applied) > 0 {
		logger.Info("migrated the database", "versions", applied)
	}
	notes, err := startNotifications(ctx, st, mailFlags, logger)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, notes.stop(shutdownGrace)) }()
	site, err := web.New(ctx, web.Config{Store: st, Logger: logger, Proxies: trusted, Unavailable: store.IsUnavailable, Transfers: transfers(st),
		MediaDir: filepath.Join(*db.data, "media"), WordPressUploads: filepath.Join(*db.data, "wp-content", "uploads"),
		PageCache: cache, Notify: notes.web, Jobs: notes.queue})
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w", *addr, errors.Unwrap(err))
	}
	if err := notes.start(ctx, "http://"+ln.Addr().String()); err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           site.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	maintenanceCtx, stopMaintenance := context.WithCancel(ctx)
	maintained := make(chan struct{})
	go func() { maintain(maintenanceCtx, st, logger); close(maintained) }()
	defer func() { stopMaintenance(); <-maintained }()
	logs.Flush() // before the setup link, which goes to the terminal directly
	if err := announceSetup(ctx, env, st, "http://"+ln.Addr().String()); err != nil {
		return err
	}
	logger.Info("Salon is serving", "url", "http://"+ln.Addr().String()+"/")

	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down: finishing requests in flight", "grace", shutdownGrace)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	logger.Info("stopped")
	return nil
}

// parsePageCache reads --page-cache: on, off, or a budget in megabytes ("256MB", or "256"). A served site
// reads the database's versions of a page, or of a post's rendered thread (kept with the page cache off too), at
// most every DefaultPageCacheRecheck, whichever process changed it.
func parsePageCache(v string) (web.PageCache, error) {
	switch strings.ToLower(v) {
	case "on", "":
		return web.PageCache{MaxBytes: web.DefaultPageCacheBytes, Recheck: web.DefaultPageCacheRecheck}, nil
	case "off", "0":
		return web.PageCache{Recheck: web.DefaultPageCacheRecheck}, nil
	}
	mb, err := strconv.Atoi(strings.TrimSuffix(strings.ToUpper(v), "MB"))
	if err != nil || mb < 0 || mb > 1<<20 {
		return web.PageCache{}, fmt.Errorf("--page-cache %q: use on, off, or a size in megabytes such as 256MB", v)
	}
	return web.PageCache{MaxBytes: int64(mb) << 20, Recheck: web.DefaultPageCacheRecheck}, nil
}

// startupPatience is how long serve waits for a database that cannot be reached, as when PostgreSQL and Salon
// start together; backoff doubles from one second up to startupBackoffMax between attempts.
const (
	startupPatience   = 2 * time.Minute
	startupBackoffMax = 15 * time.Second
)

// connectPatiently opens the database, waiting with backoff while it is unreachable, and says so in the log once
// per attempt instead of failing at once. Any other problem (a wrong password, a corrupt file) fails at once.
func connectPatiently(ctx context.Context, db database, logger *slog.Logger) (*store.Store, error) {
	deadline := time.Now().Add(startupPatience)
	wait := time.Second
	for attempt := 1; ; attempt++ {
		st, err := db.connect(ctx)
		if err == nil || blog.ErrorCode(err) != blog.EUNAVAILABLE || time.Now().Add(wait).After(deadline) {
			return st, err
		}
		logger.Warn("waiting for the database", "attempt", attempt, "problem", blog.ErrorMessage(err), "retry_in", wait)
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(wait):
		}
		wait = min(wait*2, startupBackoffMax)
	}
}

// announceSetup prints, on a site with no user yet, the one-time link that creates the first administrator.
func announceSetup(ctx context.Context, env Env, st *store.Store, addr string) error {
	users, err := st.CountUsers(ctx)
	if err != nil || users > 0 {
		return err
	}
	// Without a url setting, the address this process listens on is the right one: nothing to warn about.
	base, _, err := siteAddress(ctx, st, "", addr)
	if err != nil {
		return err
	}
	link, err := web.SetupLink(ctx, st, base, time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "\nThis site has no administrator yet. Open this link to create one (it works once, for 24 hours):\n\n    %s\n\nOr run: salon user add --role admin --email … --name … --password-stdin\n\n", link)
	return nil
}

func newLogger(w *bufferedLog, format, level string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level %q: use debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch strings.ToLower(format) {
	case "text":
		return slog.New(flushingHandler{slog.NewTextHandler(w, opts), w}), nil
	case "json":
		return slog.New(flushingHandler{slog.NewJSONHandler(w, opts), w}), nil
	}
	return nil, fmt.Errorf("--log-format %q: use text or json", format)
}
