package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/salon-blog/salon/internal/blog"
)

// addRevision records p's text as saved by the user by, and sets p.Revision to the new revision.
func addRevision(ctx context.Context, tx *sql.Tx, p *blog.Post, by int64) error {
	err := tx.QueryRowContext(ctx, `INSERT INTO post_revisions (post_id, user_id, title, body, excerpt, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, p.ID, nullID(by), p.Title, p.Body, p.Excerpt, dbTime(p.Updated)).Scan(&p.Revision)
	if err != nil {
		return fmt.Errorf("record a revision of post %d: %w", p.ID, err)
	}
	return nil
}

// latestRevision is the ID of a post's newest revision, 0 when it has none.
func latestRevision(ctx context.Context, tx *sql.Tx, postID int64) (int64, error) {
	var id int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(max(id), 0) FROM post_revisions WHERE post_id = $1`, postID).Scan(&id); err != nil {
		return 0, fmt.Errorf("find the latest revision of post %d: %w", postID, err)
	}
	return id, nil
}

// Revisions lists a post's revisions, newest first, without their bodies (Revision has them).
func (s *Store) Revisions(ctx context.Context, postID int64) ([]blog.Revision, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT r.id, r.post_id, r.title, '', r.excerpt, COALESCE(r.user_id, 0), COALESCE(u.name, ''), r.created_at
		FROM post_revisions r LEFT JOIN users u ON u.id = r.user_id WHERE r.post_id = $1 ORDER BY r.id DESC`, postID)
	if err != nil {
		return nil, fmt.Errorf("list the revisions of post %d: %w", postID, err)
	}
	defer rows.Close()
	var out []blog.Revision
	for rows.Next() {
		r, err := scanRevision(rows)
		if err != nil {
			return nil, fmt.Errorf("list the revisions of post %d: %w", postID, err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list the revisions of post %d: %w", postID, err)
	}
	return out, nil
}

// Revision finds one revision of a post, with its body. A revision of another post is not found.
func (s *Store) Revision(ctx context.Context, postID, id int64) (blog.Revision, error) {
	r, err := scanRevision(s.read.QueryRowContext(ctx, `SELECT r.id, r.post_id, r.title, r.body, r.excerpt, COALESCE(r.user_id, 0),
		COALESCE(u.name, ''), r.created_at FROM post_revisions r LEFT JOIN users u ON u.id = r.user_id
		WHERE r.post_id = $1 AND r.id = $2`, postID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, blog.Errorf(blog.ENOTFOUND, "post %d has no revision %d", postID, id)
	}
	if err != nil {
		return r, fmt.Errorf("find revision %d of post %d: %w", id, postID, err)
	}
	return r, nil
}

func scanRevision(row interface{ Scan(...any) error }) (blog.Revision, error) {
	var r blog.Revision
	err := row.Scan(&r.ID, &r.PostID, &r.Title, &r.Body, &r.Excerpt, &r.UserID, &r.UserName, &r.Created)
	r.Created = r.Created.UTC()
	return r, err
}

// SaveAutosave keeps a.Title, Body and Excerpt as user a.UserID's autosave of post a.PostID, replacing the one
// before. The post itself does not change.
func (s *Store) SaveAutosave(ctx context.Context, a blog.Revision) error {
	_, err := s.write.ExecContext(ctx, `INSERT INTO post_autosaves (post_id, user_id, title, body, excerpt, created_at)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (post_id, user_id) DO UPDATE SET title = excluded.title, body = excluded.body, excerpt = excluded.excerpt,
			created_at = excluded.created_at`, a.PostID, a.UserID, a.Title, a.Body, a.Excerpt, dbTime(a.Created))
	if err != nil {
		if missing := s.missingPost(ctx, a.PostID); missing != nil {
			return missing
		}
		return fmt.Errorf("autosave post %d: %w", a.PostID, err)
	}
	return nil
}

// missingPost tells a post that is not there (ENOTFOUND) from other failures.
func (s *Store) missingPost(ctx context.Context, id int64) error {
	var exists bool
	if err := s.read.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM posts WHERE id = $1)`, id).Scan(&exists); err != nil {
		return fmt.Errorf("find post %d: %w", id, err)
	}
	if !exists {
		return blog.Errorf(blog.ENOTFOUND, "there is no post %d", id)
	}
	return nil
}

// Autosave finds user userID's autosave of a post; ENOTFOUND when there is none.
func (s *Store) Autosave(ctx context.Context, postID, userID int64) (blog.Revision, error) {
	r, err := scanRevision(s.read.QueryRowContext(ctx, `SELECT 0, a.post_id, a.title, a.body, a.excerpt, a.user_id, u.name, a.created_at
		FROM post_autosaves a JOIN users u ON u.id = a.user_id WHERE a.post_id = $1 AND a.user_id = $2`, postID, userID))
	if errors.Is(err, sql.ErrNoRows) {
		return r, blog.Errorf(blog.ENOTFOUND, "there is no autosave of post %d by user %d", postID, userID)
	}
	if err != nil {
		return r, fmt.Errorf("find the autosave of post %d: %w", postID, err)
	}
	return r, nil
}

// DeleteAutosave drops user userID's autosave of a post, if there is one.
func (s *Store) DeleteAutosave(ctx context.Context, postID, userID int64) error {
	if _, err := s.write.ExecContext(ctx, `DELETE FROM post_autosaves WHERE post_id = $1 AND user_id = $2`, postID, userID); err != nil {
		return fmt.Errorf("drop the autosave of post %d: %w", postID, err)
	}
	return nil
}
