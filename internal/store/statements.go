package store

import (
	"context"
	"database/sql"
	"errors"
	"sync"
)

// readPool is the pool the store reads through. On SQLite it keeps the statements it runs compiled, one copy per
// connection, instead of compiling each again for every query: compiling was a sixth of the CPU of a post page
// rendered from scratch, more than running the queries. PostgreSQL's driver keeps its own statement cache.
type readPool struct {
	*sql.DB
	keep bool // keep statements compiled (SQLite)

	mu    sync.RWMutex
	stmts map[string]*sql.Stmt
}

// maxKeptStatements bounds the statements kept: the store's queries are a fixed set, but a few are written for
// the length of a list (IN (?, ?, …)), and those past the bound are compiled each time as before.
const maxKeptStatements = 256

func newReadPool(db *sql.DB, keep bool) *readPool {
	return &readPool{DB: db, keep: keep, stmts: map[string]*sql.Stmt{}}
}

// stmt returns query compiled, or nil when it is not kept (then the caller runs it as it is, and meets any error
// in it there).
func (p *readPool) stmt(ctx context.Context, query string) *sql.Stmt {
	if !p.keep {
		return nil
	}
	p.mu.RLock()
	st := p.stmts[query]
	p.mu.RUnlock()
	if st != nil {
		return st
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if st := p.stmts[query]; st != nil {
		return st
	}
	if len(p.stmts) >= maxKeptStatements {
		return nil
	}
	st, err := p.DB.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	p.stmts[query] = st
	return st
}

func (p *readPool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := p.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return p.DB.QueryContext(ctx, query, args...)
}

func (p *readPool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := p.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return p.DB.QueryRowContext(ctx, query, args...)
}

// Close closes the kept statements and the pool.
func (p *readPool) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	var errs []error
	for q, st := range p.stmts {
		errs = append(errs, st.Close())
		delete(p.stmts, q)
	}
	return errors.Join(append(errs, p.DB.Close())...)
}
