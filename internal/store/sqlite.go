package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/salon-blog/salon/internal/blog"
)

const engineSQLite = "sqlite"

// applicationID marks the SQLite file as Salon's ("Saln"), for file(1) and for whoever finds it on a disk.
const applicationID = 0x53616c6e

// openSQLite opens a SQLite file with one writer connection and a pool of readers.
func openSQLite(ctx context.Context, dsn string) (*Store, error) {
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
	s := &Store{path: path, engine: engineSQLite, Now: time.Now}
	if err := s.openSQLitePools(nil); err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := s.check(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// sqliteReaders is how many SQLite read connections are open at most. All of them stay open between queries:
// opening one reads the schema and compiles its statements again, which took a sixth of the CPU of a busy post
// page while database/sql kept only its default of two.
const sqliteReaders = 8

// openSQLitePools opens the writer's connection and the readers' pool, counting their statements in count when
// it is set.
func (s *Store) openSQLitePools(count *atomic.Int64) error {
	write, err := openSQLitePool(s.path, false, 1, count)
	if err != nil {
		return err
	}
	read, err := openSQLitePool(s.path, true, sqliteReaders, count)
	if err != nil {
		write.Close()
		return err
	}
	s.write, s.read = write, read
	return nil
}

// openSQLitePool opens a pool of up to n connections that all stay open.
func openSQLitePool(path string, readOnly bool, n int, count *atomic.Int64) (*sql.DB, error) {
	c, err := newSQLiteConnector(sqliteDSN(path, readOnly), count)
	if err != nil {
		return nil, err
	}
	db := sql.OpenDB(c)
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	db.SetConnMaxIdleTime(0)
	return db, nil
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
