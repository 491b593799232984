package store

import (
	"sync/atomic"

	"github.com/salon-blog/salon/internal/blog"
)

// QueryCounter counts the SQL statements a store sends to its database, for tests that pin how many queries a
// page costs: a count taken at the driver is honest about store methods that run several statements.
type QueryCounter struct{ n atomic.Int64 }

// Count is the number of statements run since the counter started.
func (c *QueryCounter) Count() int64 { return c.n.Load() }

// CountQueries reopens a SQLite store's connections so that they count each statement they run, and returns the
// counter. It must be called before the store is shared; PostgreSQL stores are refused.
func (s *Store) CountQueries() (*QueryCounter, error) {
	if s.engine != engineSQLite {
		return nil, blog.Errorf(blog.EINVALID, "counting queries works on SQLite only")
	}
	c := &QueryCounter{}
	if err := s.Close(); err != nil {
		return nil, err
	}
	if err := s.openSQLitePools(&c.n); err != nil {
		return nil, err
	}
	return c, nil
}
