package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"sync/atomic"

	"modernc.org/sqlite"
)

// sqliteConnector opens SQLite connections that keep the statements they run compiled, one copy per connection,
// instead of compiling each again every time. Compiling was a sixth of the CPU of a post page rendered from
// scratch, more than running its queries, and a third of accepting a comment, whose transaction runs the job
// queue's statements too: keeping them at the connection serves every caller, the store's own queries and River's
// alike. PostgreSQL's driver keeps its own statement cache.
type sqliteConnector struct {
	driver.Connector
	// count, when set, counts the statements run (see CountQueries).
	count *atomic.Int64
}

func newSQLiteConnector(dsn string, count *atomic.Int64) (sqliteConnector, error) {
	c, err := sqlite.NewConnector(dsn)
	if err != nil {
		return sqliteConnector{}, err
	}
	return sqliteConnector{Connector: c, count: count}, nil
}

func (c sqliteConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	inner, ok := conn.(sqliteConn)
	if !ok {
		conn.Close()
		return nil, errors.New("the SQLite driver's connection lacks the methods Salon uses")
	}
	return &keptConn{sqliteConn: inner, stmts: map[string]*keptStmt{}, count: c.count}, nil
}

// sqliteConn is what Salon uses of the driver's connection.
type sqliteConn interface {
	driver.Conn
	driver.ConnPrepareContext
	driver.ConnBeginTx
	driver.QueryerContext
	driver.ExecerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

// maxKeptStatements bounds the statements a connection keeps: the store's and River's queries are a fixed set, but
// a few are written for the length of a list (IN (?, ?, …)), and those past the bound are compiled each time.
const maxKeptStatements = 256

// keptConn is a SQLite connection with its kept statements. database/sql uses a connection from one goroutine at a
// time, so its fields need no lock.
type keptConn struct {
	sqliteConn
	stmts map[string]*keptStmt
	count *atomic.Int64
}

// sqliteStmt is what Salon uses of the driver's compiled statements.
type sqliteStmt interface {
	driver.Stmt
	driver.StmtQueryContext
	driver.StmtExecContext
}

// keptStmt is a compiled statement; busy while its rows are open, when a second run of the same query on the same
// connection (a query nested in the loop over another's rows) compiles a copy of its own.
type keptStmt struct {
	sqliteStmt
	busy bool
}

// stmt returns query's kept statement, compiling it the first time, or nil when it cannot be used now (busy, or
// past the bound): the query then runs as a statement of its own.
func (c *keptConn) stmt(ctx context.Context, query string) *keptStmt {
	if st, ok := c.stmts[query]; ok {
		if st.busy {
			return nil
		}
		return st
	}
	if len(c.stmts) >= maxKeptStatements {
		return nil
	}
	compiled, err := c.prepare(ctx, query)
	if err != nil {
		return nil // run as it is, to meet the error there
	}
	st := &keptStmt{sqliteStmt: compiled}
	c.stmts[query] = st
	return st
}

func (c *keptConn) counted() {
	if c.count != nil {
		c.count.Add(1)
	}
}

func (c *keptConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	c.counted()
	st := c.stmt(ctx, query)
	if st == nil {
		return c.sqliteConn.QueryContext(ctx, query, args)
	}
	rows, err := st.QueryContext(ctx, args)
	if err != nil {
		return nil, err
	}
	st.busy = true
	return &keptRows{Rows: rows, st: st}, nil
}

func (c *keptConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	c.counted()
	st := c.stmt(ctx, query)
	if st == nil {
		return c.sqliteConn.ExecContext(ctx, query, args)
	}
	return st.ExecContext(ctx, args)
}

// prepare compiles query.
func (c *keptConn) prepare(ctx context.Context, query string) (sqliteStmt, error) {
	st, err := c.sqliteConn.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	compiled, ok := st.(sqliteStmt)
	if !ok {
		st.Close()
		return nil, errors.New("the SQLite driver's statement lacks the methods Salon uses")
	}
	return compiled, nil
}

// PrepareContext serves database/sql's own prepared statements (sql.Stmt), which the caller keeps and closes; they
// are counted at each run.
func (c *keptConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	st, err := c.prepare(ctx, query)
	if err != nil {
		return nil, err
	}
	if c.count == nil {
		return st, nil
	}
	return &countingStmt{sqliteStmt: st, count: c.count}, nil
}

func (c *keptConn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

// Close finalizes the kept statements with the connection.
func (c *keptConn) Close() error {
	var errs []error
	for q, st := range c.stmts {
		errs = append(errs, st.Close())
		delete(c.stmts, q)
	}
	return errors.Join(append(errs, c.sqliteConn.Close())...)
}

// keptRows frees its statement for the next run when closed.
type keptRows struct {
	driver.Rows
	st *keptStmt
}

func (r *keptRows) Close() error {
	err := r.Rows.Close()
	r.st.busy = false
	return err
}

// countingStmt counts each run of a statement database/sql prepared, as keptConn counts the statements run
// directly.
type countingStmt struct {
	sqliteStmt
	count *atomic.Int64
}

func (s *countingStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	s.count.Add(1)
	return s.sqliteStmt.QueryContext(ctx, args)
}

func (s *countingStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	s.count.Add(1)
	return s.sqliteStmt.ExecContext(ctx, args)
}
