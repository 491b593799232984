package store

import (
	"context"
	"fmt"
	"strconv"
)

// Cache scopes: what a rendered page depends on, as the triggers of migration 00010 bump them. Every change a
// reader can see bumps at least one; see that migration for which change bumps which.
const (
	CacheSite     = "site"     // posts and pages but for their comment counts, terms, authors, settings
	CacheComments = "comments" // approved comments anywhere, and every post's comment count
)

// CachePost is the scope of one post's approved comments and comment count.
func CachePost(id int64) string { return "post:" + strconv.FormatInt(id, 10) }

// CacheVersions reads the current version of each scope, in one query: 0 for a scope that was never bumped. Two
// reads give the same numbers only if nothing in those scopes changed between them, in any process.
func (s *Store) CacheVersions(ctx context.Context, scopes []string) ([]int64, error) {
	out := make([]int64, len(scopes))
	if len(scopes) == 0 {
		return out, nil
	}
	args := make([]any, len(scopes))
	for i, sc := range scopes {
		args[i] = sc
	}
	rows, err := s.read.QueryContext(ctx, `SELECT scope, version FROM cache_versions WHERE scope IN (`+placeholders(1, len(scopes))+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("read cache versions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var scope string
		var v int64
		if err := rows.Scan(&scope, &v); err != nil {
			return nil, fmt.Errorf("read cache versions: %w", err)
		}
		for i, sc := range scopes {
			if sc == scope {
				out[i] = v
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read cache versions: %w", err)
	}
	return out, nil
}
