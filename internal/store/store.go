// Package store keeps Salon's data in SQLite (the embedded default) and owns all of Salon's SQL: opening the
// database, its versioned migrations, and one file per aggregate (users, posts, terms, settings). Queries are written
// once, in the SQL both SQLite and PostgreSQL accept ($N placeholders, RETURNING, ON CONFLICT).
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations
var migrations embed.FS

// Store is Salon's database. Its methods own their transactions.
type Store struct {
	// write has a single connection: SQLite allows one writer at a time, and queueing writers in the pool is
	// cheaper and fairer than letting them collide on the file lock.
	write *sql.DB
	// read is a pool of read-only connections; in WAL mode they never wait for the writer.
	read *sql.DB
	// path names the database in messages: the SQLite file, or PostgreSQL's host and database (never the password).
	path   string
	engine string
	// Now is the clock; tests replace it. The store reads it through now(), which gives the stored form.
	Now func() time.Time
	// Hooks run inside the store's transactions (to queue jobs with the change); set them before sharing the store.
	Hooks Hooks
	// queue is the SQLite job queue's own pool, opened by QueueDB.
	queueMu sync.Mutex
	queue   *sql.DB
	// publicCounts keeps the totals of public post lists between changes (see countPosts).
	publicCounts listCounts
}

// DefaultDatabaseFile is the SQLite file inside the data directory.
const DefaultDatabaseFile = "salon.db"

// Open opens the database named by dsn: a postgres:// (or postgresql://) URL, or a path to a SQLite file, bare
// or as a sqlite: or file: URL. It checks that the database is usable but does not migrate it.
func Open(ctx context.Context, dsn string) (*Store, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return openPostgres(ctx, dsn)
	}
	return openSQLite(ctx, dsn)
}

// Engine names the database behind the store: "sqlite" or "postgres".
func (s *Store) Engine() string { return s.engine }

// Close releases the database.
func (s *Store) Close() error {
	var queue error
	if s.queue != nil {
		queue = s.queue.Close()
	}
	return errors.Join(s.read.Close(), s.write.Close(), queue)
}

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error {
	return s.read.PingContext(ctx)
}

// Migrate applies every migration not yet applied and returns the versions it applied, in order. On PostgreSQL a
// session advisory lock makes processes that start together migrate one at a time: the first applies, the others
// wait and find nothing left to do.
func (s *Store) Migrate(ctx context.Context) ([]int64, error) {
	p, err := s.migrationProvider()
	if err != nil {
		return nil, err
	}
	results, err := p.Up(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate %s: %w", s.path, err)
	}
	versions := make([]int64, len(results))
	for i, r := range results {
		versions[i] = r.Source.Version
	}
	return versions, nil
}

// HasPendingMigrations reports whether the database lacks migrations this version of Salon has.
func (s *Store) HasPendingMigrations(ctx context.Context) (bool, error) {
	p, err := s.migrationProvider()
	if err != nil {
		return false, err
	}
	pending, err := p.HasPending(ctx)
	if err != nil {
		return false, fmt.Errorf("check migrations of %s: %w", s.path, err)
	}
	return pending, nil
}

func (s *Store) migrationProvider() (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, "migrations/"+s.engine)
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	dialect, opts := goose.DialectSQLite3, []goose.ProviderOption(nil)
	if s.engine == enginePostgres {
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockTimeout(1, 300))
		if err != nil {
			return nil, fmt.Errorf("migrations: %w", err)
		}
		dialect, opts = goose.DialectPostgres, append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(dialect, s.write, sub, opts...)
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	return p, nil
}

// inTx runs fn in a write transaction, committing when it returns nil.
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		return errors.Join(err, rollback(tx))
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// namingLock is the PostgreSQL advisory lock key under which transactions pick free slugs.
const namingLock = 0x5a4c_0001

// inNamingTx runs work that picks free names (slugs) for users, posts and terms. SQLite has one writer at a time
// already; on PostgreSQL such transactions take an advisory lock, so that two of them never pick the same name.
// A UNIQUE violation that still happens (a row written outside Salon) retries the work once more.
func (s *Store) inNamingTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	locked := func(tx *sql.Tx) error {
		if s.engine == enginePostgres {
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, namingLock); err != nil {
				return fmt.Errorf("lock names: %w", err)
			}
		}
		return fn(tx)
	}
	err := s.inTx(ctx, locked)
	if isUniqueViolation(err) {
		err = s.inTx(ctx, locked)
	}
	return err
}

func rollback(tx *sql.Tx) error {
	if err := tx.Rollback(); err != nil && !errors.Is(err, sql.ErrTxDone) {
		return fmt.Errorf("rollback: %w", err)
	}
	return nil
}

// isUniqueViolation reports a UNIQUE constraint failure, which the callers turn into a conflict users understand.
func isUniqueViolation(err error) bool {
	var se *sqlite.Error
	var pe *pgconn.PgError
	return (errors.As(err, &se) && se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE) || (errors.As(err, &pe) && pe.Code == "23505")
}

// errorMentions reports whether a constraint error names the column, to tell which UNIQUE rule failed.
func errorMentions(err error, column string) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return strings.Contains(pe.ConstraintName, column)
	}
	return strings.Contains(err.Error(), "."+column)
}

// placeholders returns "$from, $from+1, …" for n values.
func placeholders(from, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "$%d", from+i)
	}
	return b.String()
}

// dbTime is the one form in which instants are stored and compared: UTC, whole seconds. SQLite compares the stored
// text, which orders correctly only when every value has the same zone and precision.
func dbTime(t time.Time) time.Time { return t.UTC().Truncate(time.Second) }

// now is the current time in the form stored.
func (s *Store) now() time.Time { return dbTime(s.Now()) }
