package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/riverqueue/river"

	"github.com/salon-blog/salon/internal/jobs"
	"github.com/salon-blog/salon/internal/mail"
	"github.com/salon-blog/salon/internal/notify"
	"github.com/salon-blog/salon/internal/privacy"
	"github.com/salon-blog/salon/internal/store"
	"github.com/salon-blog/salon/internal/web"
)

// mailFlags are serve's SMTP and job-queue flags.
type mailFlags struct {
	host, port, username, password, tls, from *string
	retryWait, attempts                       *string
}

func defineMailFlags(fs *flag.FlagSet, env Env) mailFlags {
	return mailFlags{
		host:      envString(fs, env, "smtp-host", "SALON_SMTP_HOST", "", "SMTP server `HOST` for notifications (empty: email is off)"),
		port:      envString(fs, env, "smtp-port", "SALON_SMTP_PORT", "", "SMTP `PORT` (default 25 for none, 587 for starttls, 465 for tls)"),
		username:  envString(fs, env, "smtp-username", "SALON_SMTP_USERNAME", "", "SMTP user `NAME` (empty: no authentication)"),
		password:  envString(fs, env, "smtp-password", "SALON_SMTP_PASSWORD", "", "SMTP `PASSWORD` (prefer the variable to the flag)"),
		tls:       envString(fs, env, "smtp-tls", "SALON_SMTP_TLS", mail.TLSStartTLS, "SMTP encryption: `"+choices(mail.TLSNone, mail.TLSStartTLS, mail.TLSImplicit)+"`"),
		from:      envString(fs, env, "mail-from", "SALON_MAIL_FROM", "", "the `ADDRESS` notifications come from, such as \"My Blog <blog@example.com>\""),
		retryWait: envString(fs, env, "job-retry-wait", "SALON_JOB_RETRY_WAIT", "30s", "`DURATION` to wait before retrying a failed job (email); it doubles each attempt, up to an hour"),
		attempts:  envString(fs, env, "job-attempts", "SALON_JOB_ATTEMPTS", "10", "`N` attempts before a failed job is given up and listed in the admin area"),
	}
}

func (f mailFlags) config() (mail.Config, error) {
	cfg := mail.Config{Host: *f.host, Username: *f.username, Password: *f.password, TLS: *f.tls, From: *f.from}
	if *f.port != "" {
		p, err := strconv.Atoi(*f.port)
		if err != nil {
			return cfg, fmt.Errorf("--smtp-port %q is not a port number", *f.port)
		}
		cfg.Port = p
	}
	return cfg, cfg.Check()
}

// notifications is the running email side: the notifier, the job queue working its jobs, and how to stop them.
type notifications struct {
	notifier *notify.Notifier
	queue    *jobs.Queue
	web      web.Notifications
}

// startNotifications migrates River's tables, makes the notifier and the queue and hooks them into the store's
// transactions; start works the jobs. Stop the queue before closing the store.
func startNotifications(ctx context.Context, st *store.Store, f mailFlags, logger *slog.Logger) (*notifications, error) {
	cfg, err := f.config()
	if err != nil {
		return nil, err
	}
	wait, err := time.ParseDuration(*f.retryWait)
	if err != nil || wait <= 0 {
		return nil, fmt.Errorf("--job-retry-wait %q: use a duration such as 30s or 5m", *f.retryWait)
	}
	attempts, err := strconv.Atoi(*f.attempts)
	if err != nil || attempts < 1 {
		return nil, fmt.Errorf("--job-attempts %q: use a whole number of at least 1", *f.attempts)
	}
	renderer, err := mail.NewRenderer()
	if err != nil {
		return nil, err
	}
	key, err := st.SiteKey(ctx, "notify")
	if err != nil {
		return nil, err
	}
	n := &notify.Notifier{Store: st, Renderer: renderer, Signer: notify.Signer{Key: key, Now: time.Now}, Logger: logger}
	if cfg.Enabled() {
		sender, err := mail.NewSMTP(cfg)
		if err != nil {
			return nil, err
		}
		n.Mail = sender
		logger.Info("email notifications are on", "smtp", cfg.Describe())
	} else {
		logger.Info("email notifications are off: no --smtp-host")
	}
	workers := river.NewWorkers()
	notify.Register(workers, n)
	privacy.Register(workers, &privacy.Mailer{Store: st, Notifier: n})
	q, err := openQueue(ctx, st, jobs.Config{Workers: workers, Logger: logger, Backoff: wait, MaxAttempts: attempts})
	if err != nil {
		return nil, err
	}
	n.Queue = q
	st.Hooks = store.Hooks{CommentChanged: n.CommentChanged, PostScheduled: n.PostScheduled}
	return &notifications{notifier: n, queue: q, web: web.Notifications{Notifier: n, Subscriptions: st, Describe: cfg.Describe()}}, nil
}

// openQueue migrates River's tables in the store's database and makes a queue on it.
func openQueue(ctx context.Context, st *store.Store, cfg jobs.Config) (*jobs.Queue, error) {
	db, err := st.QueueDB(ctx)
	if err != nil {
		return nil, err
	}
	if err := jobs.Migrate(ctx, db, st.Engine()); err != nil {
		return nil, err
	}
	cfg.DB, cfg.Engine = db, st.Engine()
	return jobs.New(cfg)
}

// attachQueue gives a command other than serve the store hooks that queue jobs (a scheduled post's publication, a
// moderated comment's notifications) for serve to work.
func attachQueue(ctx context.Context, st *store.Store) error {
	q, err := openQueue(ctx, st, jobs.Config{})
	if err != nil {
		return err
	}
	n := &notify.Notifier{Store: st, Queue: q}
	st.Hooks = store.Hooks{CommentChanged: n.CommentChanged, PostScheduled: n.PostScheduled}
	return nil
}

// start works jobs, with base making emailed links absolute while the site's url setting is empty.
func (n *notifications) start(ctx context.Context, base string) error {
	n.notifier.BaseURL = base
	return n.queue.Start(ctx)
}

// stop stops working jobs, letting running ones finish within grace.
func (n *notifications) stop(grace time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	err := n.queue.Stop(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		return nil
	}
	return err
}
