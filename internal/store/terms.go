package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
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

// TermBySlug finds a category or tag by its own slug (for a category, the last segment of its path). A slug the
// term had before a rename finds it too: the returned Slug then differs from the one asked for, and the caller
// redirects to the term's current URL.
func (s *Store) TermBySlug(ctx context.Context, taxonomy blog.Taxonomy, slug string) (blog.Term, error) {
	t := blog.Term{Taxonomy: taxonomy}
	err := s.read.QueryRowContext(ctx, `SELECT id, name, slug, COALESCE(parent_id, 0) FROM terms WHERE taxonomy = $1 AND slug = $2`,
		taxonomy, slug).Scan(&t.ID, &t.Name, &t.Slug, &t.ParentID)
	if errors.Is(err, sql.ErrNoRows) {
		err = s.read.QueryRowContext(ctx, `SELECT t.id, t.name, t.slug, COALESCE(t.parent_id, 0) FROM term_old_slugs o
			JOIN terms t ON t.id = o.term_id WHERE o.taxonomy = $1 AND o.slug = $2`, taxonomy, slug).Scan(&t.ID, &t.Name, &t.Slug, &t.ParentID)
	}
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

// Terms lists the categories, in tree order with their paths, or the tags, by slug; with how many posts and pages
// each is filed under, whatever their status. One query.
func (s *Store) Terms(ctx context.Context, taxonomy blog.Taxonomy) ([]blog.Term, map[int64]int, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT t.id, t.name, t.slug, COALESCE(t.parent_id, 0), count(pt.post_id)
		FROM terms t LEFT JOIN post_terms pt ON pt.term_id = t.id
		WHERE t.taxonomy = $1 GROUP BY t.id, t.name, t.slug, t.parent_id`, taxonomy)
	if err != nil {
		return nil, nil, fmt.Errorf("list %s terms: %w", taxonomy, err)
	}
	defer rows.Close()
	var terms []blog.Term
	counts := map[int64]int{}
	for rows.Next() {
		t := blog.Term{Taxonomy: taxonomy}
		var n int
		if err := rows.Scan(&t.ID, &t.Name, &t.Slug, &t.ParentID, &n); err != nil {
			return nil, nil, fmt.Errorf("list %s terms: %w", taxonomy, err)
		}
		terms = append(terms, t)
		counts[t.ID] = n
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("list %s terms: %w", taxonomy, err)
	}
	if taxonomy == blog.Category {
		byID := make(map[int64]blog.Term, len(terms))
		for _, t := range terms {
			byID[t.ID] = t
		}
		for i := range terms {
			terms[i].Path = categoryPath(byID, terms[i])
		}
		// Segment by segment, so that a category's children follow it ("arts", "arts/music", "arts-and-crafts").
		slices.SortFunc(terms, func(a, b blog.Term) int {
			return slices.Compare(strings.Split(a.Path, "/"), strings.Split(b.Path, "/"))
		})
	} else {
		for i := range terms {
			terms[i].Path = terms[i].Slug
		}
		slices.SortFunc(terms, func(a, b blog.Term) int { return strings.Compare(a.Slug, b.Slug) })
	}
	return terms, counts, nil
}

// Term finds a category or tag by ID, with its Path.
func (s *Store) Term(ctx context.Context, id int64) (blog.Term, error) {
	return termByID(ctx, s.read, id)
}

func termByID(ctx context.Context, q querier, id int64) (blog.Term, error) {
	var t blog.Term
	err := q.QueryRowContext(ctx, `SELECT id, taxonomy, name, slug, COALESCE(parent_id, 0) FROM terms WHERE id = $1`, id).
		Scan(&t.ID, &t.Taxonomy, &t.Name, &t.Slug, &t.ParentID)
	if errors.Is(err, sql.ErrNoRows) {
		return t, blog.Errorf(blog.ENOTFOUND, "there is no category or tag %d", id)
	}
	if err != nil {
		return t, fmt.Errorf("find term %d: %w", id, err)
	}
	t.Path = t.Slug
	if t.Taxonomy == blog.Category && t.ParentID != 0 {
		byID, err := categoryIndex(ctx, q)
		if err != nil {
			return t, err
		}
		t.Path = categoryPath(byID, t)
	}
	return t, nil
}

// CreateTerm adds a category or tag from t's Taxonomy, Name, Slug and ParentID, and sets its ID, Slug and Path. An
// empty Slug is made from the name (with a numeric suffix when taken); a slug typed by the user must be valid and
// free. Two terms under one parent may not share a name (by slug: "Café" and "cafe" are one name), since posts
// name their terms. Only categories have parents.
func (s *Store) CreateTerm(ctx context.Context, t *blog.Term) error {
	if err := validateTerm(t); err != nil {
		return err
	}
	return s.inNamingTx(ctx, func(tx *sql.Tx) error {
		if err := checkTermPlace(ctx, tx, *t); err != nil {
			return err
		}
		slug, err := termSlug(ctx, tx, *t)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM term_old_slugs WHERE taxonomy = $1 AND slug = $2`, t.Taxonomy, slug); err != nil {
			return fmt.Errorf("create %s %q: %w", t.Taxonomy, t.Name, err)
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO terms (taxonomy, name, slug, parent_id) VALUES ($1, $2, $3, $4) RETURNING id`,
			t.Taxonomy, t.Name, slug, nullID(t.ParentID)).Scan(&t.ID); err != nil {
			return fmt.Errorf("create %s %q: %w", t.Taxonomy, t.Name, err)
		}
		created, err := termByID(ctx, tx, t.ID)
		*t = created
		return err
	})
}

// UpdateTerm renames a category or tag, changes its slug and, for a category, its parent; the taxonomy never
// changes. The old slug is remembered, so that the old archive URL answers with a redirect. A category cannot be
// moved under itself or one of its descendants.
func (s *Store) UpdateTerm(ctx context.Context, t blog.Term) error {
	if err := validateTerm(&t); err != nil {
		return err
	}
	return s.inNamingTx(ctx, func(tx *sql.Tx) error {
		old, err := termByID(ctx, tx, t.ID)
		if err != nil {
			return err
		}
		if old.Taxonomy != t.Taxonomy {
			return blog.Errorf(blog.EINVALID, "a %s cannot become a %s", old.Taxonomy, t.Taxonomy)
		}
		if err := checkTermPlace(ctx, tx, t); err != nil {
			return err
		}
		slug, err := termSlug(ctx, tx, t)
		if err != nil {
			return err
		}
		if slug != old.Slug {
			if _, err := tx.ExecContext(ctx, `DELETE FROM term_old_slugs WHERE taxonomy = $1 AND slug = $2`, t.Taxonomy, slug); err != nil {
				return fmt.Errorf("update %s %d: %w", t.Taxonomy, t.ID, err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO term_old_slugs (taxonomy, slug, term_id) VALUES ($1, $2, $3)
				ON CONFLICT (taxonomy, slug) DO UPDATE SET term_id = excluded.term_id`, t.Taxonomy, old.Slug, t.ID); err != nil {
				return fmt.Errorf("update %s %d: remember old slug: %w", t.Taxonomy, t.ID, err)
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE terms SET name = $1, slug = $2, parent_id = $3 WHERE id = $4`,
			t.Name, slug, nullID(t.ParentID), t.ID); err != nil {
			return fmt.Errorf("update %s %d: %w", t.Taxonomy, t.ID, err)
		}
		return nil
	})
}

// DeleteTerm deletes a category or tag. Its posts stay, filed under their other terms; a category's children move
// up to its parent, keeping their own children.
func (s *Store) DeleteTerm(ctx context.Context, id int64) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		t, err := termByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE terms SET parent_id = $1 WHERE parent_id = $2`, nullID(t.ParentID), id); err != nil {
			return fmt.Errorf("delete %s %d: move its children: %w", t.Taxonomy, id, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM terms WHERE id = $1`, id); err != nil {
			return fmt.Errorf("delete %s %d: %w", t.Taxonomy, id, err)
		}
		return nil
	})
}

// validateTerm checks what can be checked without the database, trimming the name. A category's name may not
// hold a slash, since posts name their categories by path ("Politics/Elections").
func validateTerm(t *blog.Term) error {
	t.Name = strings.TrimSpace(t.Name)
	switch t.Taxonomy {
	case blog.Category:
		names, err := blog.ParseCategoryPath(t.Name)
		if err != nil {
			return err
		}
		if len(names) != 1 {
			return blog.Errorf(blog.EINVALID, "a category name cannot contain a slash (/); to place it under another, choose a parent")
		}
	case blog.Tag:
		if t.Name == "" {
			return blog.Errorf(blog.EINVALID, "the name is empty")
		}
		if _, err := blog.ParseTags([]string{t.Name}); err != nil {
			return err
		}
		if t.ParentID != 0 {
			return blog.Errorf(blog.EINVALID, "tags have no parent")
		}
	default:
		return blog.Errorf(blog.EINVALID, "%q is neither a category nor a tag", t.Taxonomy)
	}
	if t.Slug != "" {
		return blog.ValidateSlug(t.Slug)
	}
	return nil
}

// checkTermPlace checks a term's parent (an existing category, and not the term or one of its descendants) and
// that no sibling has the same name.
func checkTermPlace(ctx context.Context, tx *sql.Tx, t blog.Term) error {
	if t.ParentID != 0 {
		byID, err := categoryIndex(ctx, tx)
		if err != nil {
			return err
		}
		parent, ok := byID[t.ParentID]
		if !ok {
			return blog.Errorf(blog.EINVALID, "the parent category %d does not exist", t.ParentID)
		}
		seen := map[int64]bool{}
		for p, ok := parent, true; ok && !seen[p.ID]; p, ok = byID[p.ParentID] {
			if p.ID == t.ID {
				return blog.Errorf(blog.EINVALID, "a category cannot be placed under itself or one of its subcategories")
			}
			seen[p.ID] = true
		}
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, name FROM terms WHERE taxonomy = $1 AND COALESCE(parent_id, 0) = $2 AND id <> $3`,
		t.Taxonomy, t.ParentID, t.ID)
	if err != nil {
		return fmt.Errorf("check %s %q: %w", t.Taxonomy, t.Name, err)
	}
	defer rows.Close()
	want := blog.Slugify(t.Name)
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return fmt.Errorf("check %s %q: %w", t.Taxonomy, t.Name, err)
		}
		if blog.Slugify(name) == want {
			if t.Taxonomy == blog.Tag {
				return blog.Errorf(blog.ECONFLICT, "there is already a tag named %q", name)
			}
			return blog.Errorf(blog.ECONFLICT, "there is already a category named %q at that place", name)
		}
	}
	return rows.Err()
}

// termSlug is the slug a created or updated term gets: the one asked for, which must be free, or else one made
// from its name.
func termSlug(ctx context.Context, tx *sql.Tx, t blog.Term) (string, error) {
	if t.Slug == "" {
		// The term's own current slug counts as free: renaming "Go" to "Go!" keeps "go".
		return freeSlug(ctx, tx, `SELECT EXISTS (SELECT 1 FROM terms WHERE taxonomy = '`+string(t.Taxonomy)+`' AND slug = $1 AND id <> `+
			fmt.Sprint(t.ID)+`)`, blog.Slugify(t.Name))
	}
	var other string
	err := tx.QueryRowContext(ctx, `SELECT name FROM terms WHERE taxonomy = $1 AND slug = $2 AND id <> $3`, t.Taxonomy, t.Slug, t.ID).Scan(&other)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return t.Slug, nil
	case err != nil:
		return "", fmt.Errorf("check slug %q: %w", t.Slug, err)
	}
	return "", blog.Errorf(blog.ECONFLICT, "the slug %q is already used by the %s %q", t.Slug, t.Taxonomy, other)
}
