package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/salon-blog/salon/internal/blog"
)

const enginePostgres = "postgres"

// Pool settings for PostgreSQL, overridable in the URL with pool_max_conns (as pgxpool names it).
const (
	defaultMaxConns = 20
	connMaxLifetime = 30 * time.Minute
	connMaxIdleTime = 5 * time.Minute
)

// openPostgres opens a pool of connections to PostgreSQL. The one pool serves reads and writes: PostgreSQL, unlike
// SQLite, runs writers side by side.
func openPostgres(ctx context.Context, dsn string) (*Store, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return nil, blog.Errorf(blog.EINVALID, "the database address is not a valid postgres:// URL")
	}
	q := u.Query()
	maxConns := defaultMaxConns
	if v := q.Get("pool_max_conns"); v != "" {
		if maxConns, err = strconv.Atoi(v); err != nil || maxConns < 1 {
			return nil, blog.Errorf(blog.EINVALID, "pool_max_conns in the database address must be a positive whole number")
		}
		q.Del("pool_max_conns")
		u.RawQuery = q.Encode()
	}
	cfg, err := pgx.ParseConfig(u.String())
	if err != nil {
		return nil, blog.Errorf(blog.EINVALID, "the database address is not a valid PostgreSQL URL: %s", plainPgError(err))
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(maxConns)
	db.SetMaxIdleConns(maxConns)
	db.SetConnMaxLifetime(connMaxLifetime)
	db.SetConnMaxIdleTime(connMaxIdleTime)
	s := &Store{write: db, read: db, engine: enginePostgres, Now: time.Now,
		path: fmt.Sprintf("PostgreSQL database %q on %s:%d", cfg.Database, cfg.Host, cfg.Port)}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, s.describePgError(err)
	}
	return s, nil
}

// describePgError turns a failure to reach PostgreSQL into a sentence that says what to check.
func (s *Store) describePgError(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "28P01", "28000":
			return blog.Errorf(blog.EINVALID, "%s refused the login: %s", s.path, pe.Message)
		case "3D000":
			return blog.Errorf(blog.EINVALID, "%s does not exist: create it first (createdb)", s.path)
		}
		if IsUnavailable(err) {
			return blog.Errorf(blog.EUNAVAILABLE, "%s is not accepting connections right now: %s", s.path, pe.Message)
		}
		return fmt.Errorf("open %s: %w", s.path, err)
	}
	if IsUnavailable(err) {
		return blog.Errorf(blog.EUNAVAILABLE, "cannot reach %s: %s", s.path, plainPgError(err))
	}
	return fmt.Errorf("open %s: %w", s.path, err)
}

// IsUnavailable reports whether err means the database cannot be reached for the moment (down, restarting, or
// the network between), as opposed to a fault in what was asked of it. Such a request is worth trying again.
func IsUnavailable(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		// Class 08: connection exceptions; 57P01-03: the server is shutting down or starting up.
		return pe.Code[:2] == "08" || pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03"
	}
	var ne net.Error
	var ce *pgconn.ConnectError
	return errors.As(err, &ne) || errors.As(err, &ce) || errors.Is(err, sql.ErrConnDone) || pgconn.SafeToRetry(err)
}

// plainPgError is the innermost message of a connection error, without pgx's restatement of the address.
func plainPgError(err error) string {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err.Error()
		}
		err = next
	}
}
