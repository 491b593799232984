package store

import (
	"context"
	"database/sql"
)

// Test access to the database beneath the API, for the copy tests' comparisons.

func ExecForTest(s *Store, ctx context.Context, q string, args ...any) (sql.Result, error) {
	return s.write.ExecContext(ctx, q, args...)
}

func QueryForTest(s *Store, ctx context.Context, q string) (*sql.Rows, error) {
	return s.read.QueryContext(ctx, q)
}

func TableNames() []string {
	names := make([]string, len(siteTables))
	for i, t := range siteTables {
		names[i] = t.name
	}
	return names
}
