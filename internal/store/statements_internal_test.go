package store

import (
	"fmt"
	"path/filepath"
	"sync"
	"testing"
)

// TestSQLiteReadPool: the read connections stay open between busy moments, and each keeps the statements it ran
// compiled, up to the bound, past which queries still run.
func TestSQLiteReadPool(t *testing.T) {
	s, err := Open(t.Context(), filepath.Join(t.TempDir(), "salon.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	p := s.read
	const query = "SELECT 1"
	kept := len(p.stmts) // Open's own checks
	// Three busy moments, each with every reader at work at once.
	for range 3 {
		var opened, done sync.WaitGroup
		opened.Add(sqliteReaders)
		done.Add(sqliteReaders)
		for range sqliteReaders {
			go func() {
				defer done.Done()
				rows, err := p.QueryContext(t.Context(), query)
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
	if len(p.stmts) != kept+1 {
		t.Errorf("%d statements kept after one query ran 24 times; want %d", len(p.stmts), kept+1)
	}

	for i := range maxKeptStatements + 10 {
		var n int
		if err := p.QueryRowContext(t.Context(), fmt.Sprintf("SELECT %d", i)).Scan(&n); err != nil || n != i {
			t.Fatalf("query %d beyond the kept statements: %d, %v", i, n, err)
		}
	}
	if len(p.stmts) != maxKeptStatements {
		t.Errorf("%d statements kept; want the bound, %d", len(p.stmts), maxKeptStatements)
	}
}
