// Package jobs is Salon's durable job queue: River, keeping its tables in Salon's own database (SQLite through
// riversqlite, PostgreSQL through riverdatabasesql). Jobs are inserted in the same transaction as the change that
// calls for them, survive restarts, are retried with exponential backoff, and end, after their last attempt, in
// the discarded state that the admin area lists and can retry. With several processes on one PostgreSQL database
// each job is worked by one of them. Which jobs exist and what they do is the business of the packages that
// register workers (notify); this package only runs them.
package jobs

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"github.com/salon-blog/salon/internal/blog"
)

// Config is how to run the queue.
type Config struct {
	// DB is the queue's connection pool (store.QueueDB) and Engine the database behind it: "sqlite" or "postgres".
	DB     *sql.DB
	Engine string
	// Workers are the registered job kinds; nil makes a queue that only inserts and lists (the CLI's commands).
	Workers *river.Workers
	Logger  *slog.Logger
	// Backoff is the wait before the second attempt; each later attempt waits twice as long as the one before,
	// up to MaxBackoff. Zero values mean 30 seconds and 1 hour.
	Backoff, MaxBackoff time.Duration
	// MaxAttempts is how often a job is tried before it is discarded; zero means 10.
	MaxAttempts int
	// PollInterval is how often the queue looks for jobs that became due (scheduled jobs, retries); zero means
	// one second. Jobs inserted by this process are picked up at once.
	PollInterval time.Duration
	// Workers is the number of jobs run side by side; zero means 4.
	Concurrency int
}

// Queue is a running (or insert-only) River client.
type Queue struct {
	client  *river.Client[*sql.Tx]
	working bool
}

func driver(cfg Config) (riverdriver.Driver[*sql.Tx], error) {
	switch cfg.Engine {
	case "sqlite":
		return riversqlite.New(cfg.DB), nil
	case "postgres":
		return riverdatabasesql.New(cfg.DB), nil
	}
	return nil, fmt.Errorf("jobs: unknown database engine %q", cfg.Engine)
}

// Migrate creates or updates River's own tables. On PostgreSQL River takes a lock so that processes starting
// together migrate one at a time.
func Migrate(ctx context.Context, db *sql.DB, engine string) error {
	d, err := driver(Config{DB: db, Engine: engine})
	if err != nil {
		return err
	}
	m, err := rivermigrate.New(d, &rivermigrate.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return fmt.Errorf("jobs: migrations: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("jobs: migrate the queue's tables: %w", err)
	}
	return nil
}

// New makes a queue; Start starts working it.
func New(cfg Config) (*Queue, error) {
	d, err := driver(cfg)
	if err != nil {
		return nil, err
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	rc := &river.Config{
		Logger:      cfg.Logger,
		MaxAttempts: or(cfg.MaxAttempts, 10),
		RetryPolicy: &Backoff{First: orDur(cfg.Backoff, 30*time.Second), Max: orDur(cfg.MaxBackoff, time.Hour)},
		// Discarded jobs are the dead-letter list: keep them a month for the admin area.
		DiscardedJobRetentionPeriod: 30 * 24 * time.Hour,
	}
	if cfg.Workers != nil {
		rc.Workers = cfg.Workers
		rc.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: or(cfg.Concurrency, 4)}}
		rc.FetchPollInterval = orDur(cfg.PollInterval, time.Second)
		rc.FetchCooldown = min(rc.FetchPollInterval, river.FetchCooldownDefault)
		rc.JobTimeout = 2 * time.Minute
	}
	c, err := river.NewClient(d, rc)
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	return &Queue{client: c, working: cfg.Workers != nil}, nil
}

// Start works jobs until Stop (or ctx ends). An insert-only queue does nothing.
func (q *Queue) Start(ctx context.Context) error {
	if !q.working {
		return nil
	}
	if err := q.client.Start(ctx); err != nil {
		return fmt.Errorf("jobs: start: %w", err)
	}
	return nil
}

// Stop lets running jobs finish (until ctx ends, when they are cancelled and retried later) and stops.
func (q *Queue) Stop(ctx context.Context) error {
	if !q.working {
		return nil
	}
	err := q.client.Stop(ctx)
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		err = q.client.StopAndCancel(context.Background())
	}
	if err != nil && err.Error() != "client not started" {
		return fmt.Errorf("jobs: stop: %w", err)
	}
	return nil
}

// InsertTx queues a job in the caller's transaction: it exists if and only if the transaction commits. On SQLite
// tx must be a transaction on the store's writer.
func (q *Queue) InsertTx(ctx context.Context, tx *sql.Tx, args river.JobArgs, opts *river.InsertOpts) error {
	if _, err := q.client.InsertTx(ctx, tx, args, opts); err != nil {
		return fmt.Errorf("jobs: queue %s: %w", args.Kind(), err)
	}
	return nil
}

// Insert queues a job on its own. Never call it inside a store transaction on SQLite (it would wait for the
// write lock that transaction holds): use InsertTx there.
func (q *Queue) Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error {
	if _, err := q.client.Insert(ctx, args, opts); err != nil {
		return fmt.Errorf("jobs: queue %s: %w", args.Kind(), err)
	}
	return nil
}

// Failed lists jobs that failed: discarded after their last attempt (the dead letters) and those waiting for a
// retry, newest first, at most limit.
func (q *Queue) Failed(ctx context.Context, limit int) ([]blog.FailedJob, error) {
	res, err := q.client.JobList(ctx, river.NewJobListParams().
		States(rivertype.JobStateDiscarded, rivertype.JobStateRetryable).
		OrderBy(river.JobListOrderByID, river.SortOrderDesc).First(limit))
	if err != nil {
		return nil, fmt.Errorf("jobs: list failed jobs: %w", err)
	}
	out := make([]blog.FailedJob, 0, len(res.Jobs))
	for _, j := range res.Jobs {
		f := blog.FailedJob{ID: j.ID, Kind: j.Kind, State: string(j.State), Attempt: j.Attempt, MaxAttempts: j.MaxAttempts,
			Created: j.CreatedAt}
		if j.State == rivertype.JobStateRetryable {
			f.Next = j.ScheduledAt
		}
		for _, e := range j.Errors {
			f.Errors = append(f.Errors, e.Error)
		}
		out = append(out, f)
	}
	return out, nil
}

// Retry makes a failed or discarded job run again now, with its attempts counted afresh.
func (q *Queue) Retry(ctx context.Context, id int64) error {
	if _, err := q.client.JobRetry(ctx, id); err != nil {
		if errors.Is(err, river.ErrNotFound) {
			return blog.Errorf(blog.ENOTFOUND, "there is no job %d", id)
		}
		return fmt.Errorf("jobs: retry job %d: %w", id, err)
	}
	return nil
}

// Backoff is the retry policy: First, then twice as long each attempt, up to Max.
type Backoff struct {
	First, Max time.Duration
}

// NextRetry implements river.ClientRetryPolicy.
func (b *Backoff) NextRetry(job *rivertype.JobRow) time.Time {
	n := max(job.Attempt, 1) - 1
	wait := b.Max
	if n < 40 {
		wait = time.Duration(math.Min(float64(b.First)*math.Pow(2, float64(n)), float64(b.Max)))
	}
	return time.Now().Add(wait)
}

var _ river.ClientRetryPolicy = (*Backoff)(nil)

func or(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

func orDur(v, def time.Duration) time.Duration {
	if v == 0 {
		return def
	}
	return v
}

// ScheduledJob is a job waiting for its time.
type ScheduledJob struct {
	ID     int64
	PostID int64
	At     time.Time
}

// Scheduled lists the scheduled jobs of a kind, soonest first (for tests and tools; PostID is read from the
// job's post_id argument when it has one).
func (q *Queue) Scheduled(ctx context.Context, kind string) ([]ScheduledJob, error) {
	res, err := q.client.JobList(ctx, river.NewJobListParams().States(rivertype.JobStateScheduled).Kinds(kind).First(100))
	if err != nil {
		return nil, fmt.Errorf("jobs: list scheduled jobs: %w", err)
	}
	out := make([]ScheduledJob, 0, len(res.Jobs))
	for _, j := range res.Jobs {
		var args struct {
			PostID int64 `json:"post_id"`
		}
		if err := json.Unmarshal(j.EncodedArgs, &args); err != nil {
			return nil, fmt.Errorf("jobs: job %d: %w", j.ID, err)
		}
		out = append(out, ScheduledJob{ID: j.ID, PostID: args.PostID, At: j.ScheduledAt})
	}
	return out, nil
}
