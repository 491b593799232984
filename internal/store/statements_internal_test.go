package store

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
)

func openTestSQLite(t *testing.T) *Store {
	t.Helper()
	s, err := Open(t.Context(), filepath.Join(t.TempDir(), "salon.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// keptStatements is how many statements the connection c keeps compiled.
func keptStatements(t *testing.T, c *sql.Conn) int {
	t.Helper()
	n := -1
	if err := c.Raw(func(dc any) error { n = len(dc.(*keptConn).stmts); return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestSQLiteReadPool: the read connections stay open between busy moments.
func TestSQLiteReadPool(t *testing.T) {
	p := openTestSQLite(t).read
	for range 3 { // three busy moments, each with every reader at work at once
		var opened, done sync.WaitGroup
		opened.Add(sqliteReaders)
		done.Add(sqliteReaders)
		for range sqliteReaders {
			go func() {
				defer done.Done()
				rows, err := p.QueryContext(t.Context(), "SELECT 1")
				opened.Done()
				if err != nil {
					t.Error(err)
					return
				}
				opened.Wait() // hold the connection until every reader has one
				rows.Close()
			}()
		}
		done.Wait()
	}
	st := p.Stats()
	if st.OpenConnections != sqliteReaders || st.MaxIdleClosed != 0 {
		t.Errorf("after three busy moments: %d connections open, %d closed for want of room; want %d and 0",
			st.OpenConnections, st.MaxIdleClosed, sqliteReaders)
	}
}

// TestKeptStatements: a connection compiles a statement once and runs it again and again, also inside
// transactions; a run of a query nested in the loop over its own rows gets a copy of its own and both give their
// rows; a statement that failed runs again; past the bound, queries still run.
func TestKeptStatements(t *testing.T) {
	ctx := t.Context()
	s := openTestSQLite(t)
	if _, err := s.write.ExecContext(ctx, `CREATE TABLE kept (n INTEGER PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	c, err := s.write.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	before := keptStatements(t, c)

	const insert, list = `INSERT INTO kept (n) VALUES ($1)`, `SELECT n FROM kept ORDER BY n`
	for i := range 3 {
		if _, err := c.ExecContext(ctx, insert, i); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.ExecContext(ctx, insert, 0); err == nil {
		t.Fatal("a duplicate key was inserted")
	}
	tx, err := c.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, insert, 3); err != nil {
		t.Fatal(err)
	}
	var pairs []string
	outer, err := tx.QueryContext(ctx, list)
	if err != nil {
		t.Fatal(err)
	}
	for outer.Next() {
		var a int
		if err := outer.Scan(&a); err != nil {
			t.Fatal(err)
		}
		inner, err := tx.QueryContext(ctx, list)
		if err != nil {
			t.Fatal(err)
		}
		for inner.Next() {
			var b int
			if err := inner.Scan(&b); err != nil {
				t.Fatal(err)
			}
			if b == a {
				pairs = append(pairs, fmt.Sprint(a))
			}
		}
		if err := inner.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if err := outer.Close(); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(pairs); got != "[0 1 2 3]" {
		t.Errorf("nested runs of one query found %s; want [0 1 2 3]", got)
	}
	if got := keptStatements(t, c) - before; got != 2 {
		t.Errorf("%d statements kept after two queries ran many times; want 2", got)
	}

	for i := range maxKeptStatements + 10 {
		var n int
		if err := c.QueryRowContext(ctx, fmt.Sprintf("SELECT %d", i)).Scan(&n); err != nil || n != i {
			t.Fatalf("query %d beyond the kept statements: %d, %v", i, n, err)
		}
	}
	if got := keptStatements(t, c); got != maxKeptStatements {
		t.Errorf("%d statements kept; want the bound, %d", got, maxKeptStatements)
	}
}

// TestKeptStatementsAfterCancel: a query whose context ends while its rows are open leaves its statement free.
func TestKeptStatementsAfterCancel(t *testing.T) {
	s := openTestSQLite(t)
	const q = `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100) SELECT i FROM n`
	c, err := s.read.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithCancel(t.Context())
	rows, err := c.QueryContext(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	rows.Next()
	cancel()
	for rows.Next() {
	}
	rows.Close()
	var total int
	if err := c.QueryRowContext(t.Context(), `SELECT sum(i) FROM (`+q+`)`).Scan(&total); err != nil || total != 5050 {
		t.Fatalf("after a cancelled query: %d, %v", total, err)
	}
	var n int
	if err := c.QueryRowContext(t.Context(), q).Scan(&n); err != nil || n != 1 {
		t.Fatalf("the cancelled query again: %d, %v", n, err)
	}
}
