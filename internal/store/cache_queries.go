package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"sync/atomic"

	"github.com/salon-blog/salon/internal/blog"
)

// QueryCounter counts the SQL statements a store sends to its database, for tests that pin how many queries a
// page costs: a count taken at the driver is honest about store methods that run several statements.
type QueryCounter struct{ n atomic.Int64 }

// Count is the number of statements run since the counter started.
func (c *QueryCounter) Count() int64 { return c.n.Load() }

// CountQueries reopens a SQLite store's connections through a driver that counts each query and exec, and returns
// the counter. It must be called before the store is shared; PostgreSQL stores are refused.
func (s *Store) CountQueries() (*QueryCounter, error) {
	if s.engine != engineSQLite {
		return nil, blog.Errorf(blog.EINVALID, "counting queries works on SQLite only")
	}
	c := &QueryCounter{}
	drv := s.write.Driver()
	if err := s.Close(); err != nil {
		return nil, err
	}
	s.write = sql.OpenDB(countingConnector{drv: drv, dsn: sqliteDSN(s.path, false), n: &c.n})
	s.write.SetMaxOpenConns(1)
	s.write.SetConnMaxIdleTime(0)
	s.read = sqliteReadPool(sql.OpenDB(countingConnector{drv: drv, dsn: sqliteDSN(s.path, true), n: &c.n}))
	return c, nil
}

type countingConnector struct {
	drv driver.Driver
	dsn string
	n   *atomic.Int64
}

func (c countingConnector) Connect(context.Context) (driver.Conn, error) {
	conn, err := c.drv.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	return &countingConn{Conn: conn, n: c.n}, nil
}

func (c countingConnector) Driver() driver.Driver { return c.drv }

// countingConn counts statements and passes everything else through to the driver's connection.
type countingConn struct {
	driver.Conn
	n *atomic.Int64
}

func (c *countingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	c.n.Add(1)
	if q, ok := c.Conn.(driver.QueryerContext); ok {
		return q.QueryContext(ctx, query, args)
	}
	return nil, driver.ErrSkip
}

func (c *countingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	c.n.Add(1)
	if e, ok := c.Conn.(driver.ExecerContext); ok {
		return e.ExecContext(ctx, query, args)
	}
	return nil, driver.ErrSkip
}

func (c *countingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	var st driver.Stmt
	var err error
	if p, ok := c.Conn.(driver.ConnPrepareContext); ok {
		st, err = p.PrepareContext(ctx, query)
	} else {
		st, err = c.Conn.Prepare(query)
	}
	if err != nil {
		return nil, err
	}
	return &countingStmt{Stmt: st, n: c.n}, nil
}

// countingStmt counts each run of a compiled statement, as countingConn counts the statements run directly.
type countingStmt struct {
	driver.Stmt
	n *atomic.Int64
}

func (s *countingStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	s.n.Add(1)
	if q, ok := s.Stmt.(driver.StmtQueryContext); ok {
		return q.QueryContext(ctx, args)
	}
	return nil, errors.New("count queries: the driver's statement cannot query with a context")
}

func (s *countingStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	s.n.Add(1)
	if e, ok := s.Stmt.(driver.StmtExecContext); ok {
		return e.ExecContext(ctx, args)
	}
	return nil, errors.New("count queries: the driver's statement cannot execute with a context")
}

func (c *countingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if b, ok := c.Conn.(driver.ConnBeginTx); ok {
		return b.BeginTx(ctx, opts)
	}
	return nil, errors.New("count queries: the driver cannot begin a transaction with options")
}

func (c *countingConn) Ping(ctx context.Context) error {
	if p, ok := c.Conn.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

func (c *countingConn) ResetSession(ctx context.Context) error {
	if r, ok := c.Conn.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}
