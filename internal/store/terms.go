package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/salon-blog/salon/internal/blog"
)

// Categories returns every category with its Path, sorted by path.
func (s *Store) Categories(ctx context.Context) ([]blog.Term, error) {
	byID, err := categoryIndex(ctx, s.read)
	if err != nil {
		return nil, err
	}
	cats := make([]blog.Term, 0, len(byID))
	for _, c := range byID {
		cats = append(cats, c)
	}
	sort.Slice(cats, func(i, j int) bool { return cats[i].Path < cats[j].Path })
	return cats, nil
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// categoryIndex loads all categories and computes their paths. Sites have tens of categories, not thousands, so
// one query and a walk in memory beat a recursive query per category.
func categoryIndex(ctx context.Context, q querier) (map[int64]blog.Term, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, name, slug, COALESCE(parent_id, 0) FROM terms WHERE taxonomy = 'category'`)
	if err != nil {
		return nil, fmt.Errorf("list categories: %w", err)
	}
	defer rows.Close()
	byID := map[int64]blog.Term{}
	for rows.Next() {
		t := blog.Term{Taxonomy: blog.Category}
		if err := rows.Scan(&t.ID, &t.Name, &t.Slug, &t.ParentID); err != nil {
			return nil, fmt.Errorf("list categories: %w", err)
		}
		byID[t.ID] = t
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list categories: %w", err)
	}
	for id, t := range byID {
		t.Path = categoryPath(byID, t)
		byID[id] = t
	}
	return byID, nil
}

// categoryPath joins the slugs from the root to t. A cycle (only possible by editing the database by hand) is cut
// where it closes.
func categoryPath(byID map[int64]blog.Term, t blog.Term) string {
	parts := []string{t.Slug}
	seen := map[int64]bool{t.ID: true}
	for p, ok := byID[t.ParentID]; ok && !seen[p.ID]; p, ok = byID[p.ParentID] {
		seen[p.ID] = true
		parts = append(parts, p.Slug)
	}
	for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
		parts[i], parts[j] = parts[j], parts[i]
	}
	return strings.Join(parts, "/")
}

// TermBySlug finds a category or tag by its own slug (for a category, the last segment of its path).
func (s *Store) TermBySlug(ctx context.Context, taxonomy blog.Taxonomy, slug string) (blog.Term, error) {
	t := blog.Term{Taxonomy: taxonomy}
	err := s.read.QueryRowContext(ctx, `SELECT id, name, slug, COALESCE(parent_id, 0) FROM terms WHERE taxonomy = $1 AND slug = $2`,
		taxonomy, slug).Scan(&t.ID, &t.Name, &t.Slug, &t.ParentID)
	if errors.Is(err, sql.ErrNoRows) {
		return t, blog.Errorf(blog.ENOTFOUND, "there is no %s %q", taxonomy, slug)
	}
	if err != nil {
		return t, fmt.Errorf("find %s %q: %w", taxonomy, slug, err)
	}
	t.Path = t.Slug
	if taxonomy == blog.Category && t.ParentID != 0 {
		byID, err := categoryIndex(ctx, s.read)
		if err != nil {
			return t, err
		}
		t.Path = categoryPath(byID, t)
	}
	return t, nil
}

// ensureCategory returns the category at the end of names (root first), creating the missing levels.
func ensureCategory(ctx context.Context, tx *sql.Tx, names []string) (int64, error) {
	var parent int64
	for _, name := range names {
		id, err := ensureTerm(ctx, tx, blog.Category, name, parent)
		if err != nil {
			return 0, err
		}
		parent = id
	}
	return parent, nil
}

// ensureTerm finds a term under parent whose name makes the same slug as name ("Café", "cafe" and "CAFE" are one
// term), or creates it with a free slug. Matching by slug in Go rather than by lower() in SQL keeps SQLite and
// PostgreSQL alike beyond ASCII.
func ensureTerm(ctx context.Context, tx *sql.Tx, taxonomy blog.Taxonomy, name string, parent int64) (int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, name FROM terms WHERE taxonomy = $1 AND COALESCE(parent_id, 0) = $2`, taxonomy, parent)
	if err != nil {
		return 0, fmt.Errorf("find %s %q: %w", taxonomy, name, err)
	}
	want := blog.Slugify(name)
	var id int64
	for rows.Next() {
		var candidate int64
		var existing string
		if err := rows.Scan(&candidate, &existing); err != nil {
			rows.Close()
			return 0, fmt.Errorf("find %s %q: %w", taxonomy, name, err)
		}
		if id == 0 && blog.Slugify(existing) == want {
			id = candidate
		}
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return 0, fmt.Errorf("find %s %q: %w", taxonomy, name, err)
	}
	if id != 0 {
		return id, nil
	}
	slug, err := freeSlug(ctx, tx, `SELECT EXISTS (SELECT 1 FROM terms WHERE taxonomy = '`+string(taxonomy)+`' AND slug = $1)`, blog.Slugify(name))
	if err != nil {
		return 0, err
	}
	var parentID sql.NullInt64
	if parent != 0 {
		parentID = sql.NullInt64{Int64: parent, Valid: true}
	}
	err = tx.QueryRowContext(ctx, `INSERT INTO terms (taxonomy, name, slug, parent_id) VALUES ($1, $2, $3, $4) RETURNING id`,
		taxonomy, name, slug, parentID).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("create %s %q: %w", taxonomy, name, err)
	}
	return id, nil
}
