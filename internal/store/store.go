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
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pressly/goose/v3"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/salon-blog/salon/internal/blog"
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
	path string
	// Now is the clock; tests replace it. The store reads it through now(), which gives the stored form.
	Now func() time.Time
}

// applicationID marks the SQLite file as Salon's ("Saln"), for file(1) and for whoever finds it on a disk.
const applicationID = 0x53616c6e

// DefaultDatabaseFile is the SQLite file inside the data directory.
const DefaultDatabaseFile = "salon.db"

// Open opens the database named by dsn: a path to a SQLite file, or a sqlite: or file: URL. It checks that the
// file is a usable SQLite database but does not migrate it.
func Open(ctx context.Context, dsn string) (*Store, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return nil, blog.Errorf(blog.EINVALID, "PostgreSQL is not supported by this version of Salon yet; use a SQLite file")
	}
	path := strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite:"), "file:")
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	if path == "" {
		return nil, blog.Errorf(blog.EINVALID, "the database address %q names no file", dsn)
	}
	if dir := filepath.Dir(path); dir != "" {
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			return nil, blog.Errorf(blog.EINVALID, "the database folder %s does not exist", dir)
		}
	}
	s := &Store{path: path, Now: time.Now}
	var err error
	if s.write, err = sql.Open("sqlite", sqliteDSN(path, false)); err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	s.write.SetMaxOpenConns(1)
	s.write.SetConnMaxIdleTime(0)
	if s.read, err = sql.Open("sqlite", sqliteDSN(path, true)); err != nil {
		s.write.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	s.read.SetMaxOpenConns(8)
	if err := s.check(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func sqliteDSN(path string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_time_format", "sqlite")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		// Writers take the lock when the transaction starts, so that two writers never both read and then fail
		// to upgrade; the busy timeout makes the second one wait instead.
		q.Set("_txlock", "immediate")
	}
	// The path is part of a URI: escape what a URI would take for a query, a fragment or an escape.
	return "file:" + strings.NewReplacer("%", "%25", "?", "%3F", "#", "%23").Replace(path) + "?" + q.Encode()
}

// check makes one write and one read so that a corrupt file, a file that is not SQLite, or a folder without
// write permission is reported at start, in words, rather than at the first reader's request.
func (s *Store) check(ctx context.Context) error {
	if _, err := s.write.ExecContext(ctx, fmt.Sprintf("PRAGMA application_id = %d", applicationID)); err != nil {
		return describeOpenError(s.path, err)
	}
	var n int
	if err := s.read.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema").Scan(&n); err != nil {
		return describeOpenError(s.path, err)
	}
	return nil
}

func describeOpenError(path string, err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT:
			return blog.Errorf(blog.EINVALID, "%s is not a SQLite database, or it is corrupt", path)
		case sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM, sqlite3.SQLITE_AUTH:
			return blog.Errorf(blog.EINVALID, "cannot write to the database %s: check that the file and its folder are writable", path)
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return blog.Errorf(blog.EUNAVAILABLE, "the database %s is locked by another program", path)
		}
	}
	return fmt.Errorf("open database %s: %w", path, err)
}

// Close releases the database.
func (s *Store) Close() error {
	return errors.Join(s.read.Close(), s.write.Close())
}

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error {
	return s.read.PingContext(ctx)
}

// Migrate applies every migration not yet applied and returns the versions it applied, in order.
func (s *Store) Migrate(ctx context.Context) ([]int64, error) {
	sub, err := fs.Sub(migrations, "migrations/sqlite")
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, s.write, sub)
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
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

func rollback(tx *sql.Tx) error {
	if err := tx.Rollback(); err != nil && !errors.Is(err, sql.ErrTxDone) {
		return fmt.Errorf("rollback: %w", err)
	}
	return nil
}

// isUniqueViolation reports a UNIQUE constraint failure, which the callers turn into a conflict users understand.
func isUniqueViolation(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE
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
