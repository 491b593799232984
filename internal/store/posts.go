package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/salon-blog/salon/internal/blog"
)

const postColumns = `p.id, p.type, p.title, p.slug, p.body, p.html, p.summary, p.excerpt, p.status, p.published_at,
	p.updated_at, p.author_id, u.name, u.slug, p.comments_open, p.comment_count, p.sticky`

const postFrom = ` FROM posts p JOIN users u ON u.id = p.author_id`

func scanPost(row interface{ Scan(...any) error }) (blog.Post, error) {
	var p blog.Post
	err := row.Scan(&p.ID, &p.Type, &p.Title, &p.Slug, &p.Body, &p.HTML, &p.Summary, &p.Excerpt, &p.Status, &p.Published,
		&p.Updated, &p.AuthorID, &p.Author.Name, &p.Author.Slug, &p.CommentsOpen, &p.CommentCount, &p.Sticky)
	p.Published, p.Updated = p.Published.UTC(), p.Updated.UTC()
	return p, err
}

// CreatePost stores a new post with its terms in one transaction and sets its ID. When autoSlug is set, p.Slug is a
// proposal that gets a numeric suffix if taken; otherwise a taken slug is a conflict.
func (s *Store) CreatePost(ctx context.Context, p *blog.Post, terms blog.PostTerms, autoSlug bool) error {
	p.Published, p.Updated = dbTime(p.Published), dbTime(p.Updated)
	proposal := p.Slug
	return s.inNamingTx(ctx, func(tx *sql.Tx) error {
		const exists = `SELECT EXISTS (SELECT 1 FROM posts WHERE slug = $1)`
		if autoSlug {
			slug, err := freeSlug(ctx, tx, exists, proposal)
			if err != nil {
				return fmt.Errorf("create post %q: %w", p.Title, err)
			}
			p.Slug = slug
		} else if err := slugFree(ctx, tx, p.Slug, 0); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO posts (type, title, slug, body, html, summary, excerpt, status,
			published_at, updated_at, author_id, comments_open, sticky)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
			p.Type, p.Title, p.Slug, p.Body, p.HTML, p.Summary, p.Excerpt, p.Status, p.Published, p.Updated,
			p.AuthorID, p.CommentsOpen, p.Sticky).Scan(&p.ID)
		if isUniqueViolation(err) && !autoSlug { // another process took the slug between the check and the insert
			return blog.Errorf(blog.ECONFLICT, "the slug %q is already used by another post", p.Slug)
		}
		if err != nil {
			return fmt.Errorf("create post %q: %w", p.Slug, err)
		}
		return setTerms(ctx, tx, p.ID, terms)
	})
}

// slugFree reports a conflict when another post than id holds slug.
func slugFree(ctx context.Context, tx *sql.Tx, slug string, id int64) error {
	var other int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM posts WHERE slug = $1`, slug).Scan(&other)
	switch {
	case errors.Is(err, sql.ErrNoRows) || other == id:
		return nil
	case err != nil:
		return fmt.Errorf("check slug %q: %w", slug, err)
	}
	return blog.Errorf(blog.ECONFLICT, "the slug %q is already used by post %d", slug, other)
}

// UpdatePost saves a changed post and replaces its terms. When the slug changes, the old one is remembered so that
// the old URL keeps answering with a redirect.
func (s *Store) UpdatePost(ctx context.Context, p *blog.Post, terms blog.PostTerms) error {
	p.Published, p.Updated = dbTime(p.Published), dbTime(p.Updated)
	return s.inNamingTx(ctx, func(tx *sql.Tx) error {
		var oldSlug string
		err := tx.QueryRowContext(ctx, `SELECT slug FROM posts WHERE id = $1`, p.ID).Scan(&oldSlug)
		if errors.Is(err, sql.ErrNoRows) {
			return blog.Errorf(blog.ENOTFOUND, "there is no post %d", p.ID)
		}
		if err != nil {
			return fmt.Errorf("update post %d: %w", p.ID, err)
		}
		if oldSlug != p.Slug {
			if err := slugFree(ctx, tx, p.Slug, p.ID); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM post_old_slugs WHERE slug = $1`, p.Slug); err != nil {
				return fmt.Errorf("update post %d: %w", p.ID, err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO post_old_slugs (slug, post_id) VALUES ($1, $2)
				ON CONFLICT (slug) DO UPDATE SET post_id = excluded.post_id`, oldSlug, p.ID); err != nil {
				return fmt.Errorf("update post %d: remember old slug: %w", p.ID, err)
			}
		}
		_, err = tx.ExecContext(ctx, `UPDATE posts SET type = $1, title = $2, slug = $3, body = $4, html = $5,
			summary = $6, excerpt = $7, status = $8, published_at = $9, updated_at = $10, author_id = $11,
			comments_open = $12, sticky = $13 WHERE id = $14`,
			p.Type, p.Title, p.Slug, p.Body, p.HTML, p.Summary, p.Excerpt, p.Status, p.Published, p.Updated,
			p.AuthorID, p.CommentsOpen, p.Sticky, p.ID)
		if err != nil {
			return fmt.Errorf("update post %d: %w", p.ID, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM post_terms WHERE post_id = $1`, p.ID); err != nil {
			return fmt.Errorf("update post %d: %w", p.ID, err)
		}
		return setTerms(ctx, tx, p.ID, terms)
	})
}

func setTerms(ctx context.Context, tx *sql.Tx, postID int64, terms blog.PostTerms) error {
	var ids []int64
	for _, path := range terms.Categories {
		id, err := ensureCategory(ctx, tx, path)
		if err != nil {
			return err
		}
		ids = append(ids, id)
	}
	for _, name := range terms.Tags {
		id, err := ensureTerm(ctx, tx, blog.Tag, name, 0)
		if err != nil {
			return err
		}
		ids = append(ids, id)
	}
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, `INSERT INTO post_terms (post_id, term_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
			postID, id); err != nil {
			return fmt.Errorf("file post %d under term %d: %w", postID, id, err)
		}
	}
	return nil
}

// Post finds a post by ID, whatever its status.
func (s *Store) Post(ctx context.Context, id int64) (blog.Post, error) {
	return s.postWhere(ctx, "p.id = $1", id, fmt.Sprint(id))
}

// PostBySlug finds a post by its slug, whatever its status. When the slug is one the post had before a rename,
// moved is true and the caller redirects to the post's current URL.
func (s *Store) PostBySlug(ctx context.Context, slug string) (p blog.Post, moved bool, err error) {
	p, err = s.postWhere(ctx, "p.slug = $1", slug, slug)
	if blog.ErrorCode(err) != blog.ENOTFOUND {
		return p, false, err
	}
	p, err = s.postWhere(ctx, "p.id = (SELECT post_id FROM post_old_slugs WHERE slug = $1)", slug, slug)
	return p, err == nil, err
}

func (s *Store) postWhere(ctx context.Context, cond string, arg any, what string) (blog.Post, error) {
	p, err := scanPost(s.read.QueryRowContext(ctx, `SELECT `+postColumns+postFrom+` WHERE `+cond, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return p, blog.Errorf(blog.ENOTFOUND, "there is no post %s", what)
	}
	if err != nil {
		return p, fmt.Errorf("find post %s: %w", what, err)
	}
	posts := []blog.Post{p}
	if err := s.loadTerms(ctx, posts); err != nil {
		return p, err
	}
	return posts[0], nil
}

// Posts lists the posts f selects, newest first, with the total number that match (for pagination).
func (s *Store) Posts(ctx context.Context, f blog.PostFilter) ([]blog.Post, int, error) {
	where, args := postConditions(f)
	var total int
	if err := s.read.QueryRowContext(ctx, `SELECT count(*) FROM posts p`+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count posts: %w", err)
	}
	order := ` ORDER BY p.published_at DESC, p.id DESC`
	if f.StickyFirst {
		order = ` ORDER BY p.sticky DESC, p.published_at DESC, p.id DESC`
	}
	limit := ""
	if f.Limit > 0 {
		limit = fmt.Sprintf(" LIMIT %d OFFSET %d", f.Limit, max(f.Offset, 0))
	}
	rows, err := s.read.QueryContext(ctx, `SELECT `+postColumns+postFrom+where+order+limit, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("list posts: %w", err)
	}
	defer rows.Close()
	var posts []blog.Post
	for rows.Next() {
		p, err := scanPost(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("list posts: %w", err)
		}
		posts = append(posts, p)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("list posts: %w", err)
	}
	return posts, total, s.loadTerms(ctx, posts)
}

func postConditions(f blog.PostFilter) (string, []any) {
	var conds []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if f.Type != "" {
		conds = append(conds, "p.type = "+arg(f.Type))
	}
	if !f.PublicAt.IsZero() {
		conds = append(conds, "(p.status = 'publish' OR (p.status = 'future' AND p.published_at <= "+arg(dbTime(f.PublicAt))+"))")
	}
	if len(f.Statuses) > 0 {
		var ps []string
		for _, st := range f.Statuses {
			ps = append(ps, arg(st))
		}
		conds = append(conds, "p.status IN ("+strings.Join(ps, ", ")+")")
	}
	if len(f.CategoryIDs) > 0 {
		var ps []string
		for _, id := range f.CategoryIDs {
			ps = append(ps, arg(id))
		}
		conds = append(conds, "p.id IN (SELECT post_id FROM post_terms WHERE term_id IN ("+strings.Join(ps, ", ")+"))")
	}
	if f.TagID != 0 {
		conds = append(conds, "p.id IN (SELECT post_id FROM post_terms WHERE term_id = "+arg(f.TagID)+")")
	}
	if f.AuthorID != 0 {
		conds = append(conds, "p.author_id = "+arg(f.AuthorID))
	}
	if !f.From.IsZero() {
		conds = append(conds, "p.published_at >= "+arg(dbTime(f.From)))
	}
	if !f.Until.IsZero() {
		conds = append(conds, "p.published_at < "+arg(dbTime(f.Until)))
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// loadTerms fills the categories and tags of posts with one query for all of them.
func (s *Store) loadTerms(ctx context.Context, posts []blog.Post) error {
	if len(posts) == 0 {
		return nil
	}
	ids := make([]any, len(posts))
	index := make(map[int64]int, len(posts))
	for i, p := range posts {
		ids[i] = p.ID
		index[p.ID] = i
	}
	rows, err := s.read.QueryContext(ctx, `SELECT pt.post_id, t.id, t.taxonomy, t.name, t.slug, COALESCE(t.parent_id, 0)
		FROM post_terms pt JOIN terms t ON t.id = pt.term_id
		WHERE pt.post_id IN (`+placeholders(1, len(ids))+`) ORDER BY t.name`, ids...)
	if err != nil {
		return fmt.Errorf("load terms: %w", err)
	}
	defer rows.Close()
	var cats map[int64]blog.Term
	for rows.Next() {
		var postID int64
		var t blog.Term
		if err := rows.Scan(&postID, &t.ID, &t.Taxonomy, &t.Name, &t.Slug, &t.ParentID); err != nil {
			return fmt.Errorf("load terms: %w", err)
		}
		p := &posts[index[postID]]
		t.Path = t.Slug
		if t.Taxonomy == blog.Tag {
			p.Tags = append(p.Tags, t)
			continue
		}
		if t.ParentID != 0 {
			if cats == nil {
				if cats, err = categoryIndex(ctx, s.read); err != nil {
					return err
				}
			}
			t.Path = categoryPath(cats, t)
		}
		p.Categories = append(p.Categories, t)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("load terms: %w", err)
	}
	return nil
}
