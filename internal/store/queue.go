package store

import (
	"context"
	"database/sql"
	"fmt"
)

// QueueDB returns the connection pool for the job queue (River), which keeps its tables in the same database.
//
// On PostgreSQL it is the store's own pool, and close does nothing. On SQLite it is a pool of its own with one
// connection on the same file: River's background work (fetching, completing, electing a leader) then waits for
// the file's write lock (WAL mode, busy timeout) instead of for the store's single writer connection, so that a
// store transaction that inserts a job through River (InsertTx on the store's *sql.Tx) never waits on River, and
// River never holds the connection a store transaction needs. Every call returns the same pool; Close closes it
// (stop River first).
func (s *Store) QueueDB(ctx context.Context) (*sql.DB, error) {
	if s.engine == enginePostgres {
		return s.write, nil
	}
	s.queueMu.Lock()
	defer s.queueMu.Unlock()
	if s.queue != nil {
		return s.queue, nil
	}
	db, err := openSQLitePool(s.path, false, 1, nil)
	if err != nil {
		return nil, fmt.Errorf("open the job queue on %s: %w", s.path, err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, describeOpenError(s.path, err)
	}
	s.queue = db
	return db, nil
}
