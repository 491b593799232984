package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/spam"
)

const commentColumns = `c.id, c.post_id, COALESCE(c.parent_id, 0), c.author_name, c.author_email, c.author_url, c.author_ip,
	c.user_agent, COALESCE(c.user_id, 0), c.body, c.format, c.html, c.status, c.moderation, c.created_at, c.updated_at`

func scanComment(row interface{ Scan(...any) error }, extra ...any) (blog.Comment, error) {
	var c blog.Comment
	err := row.Scan(append([]any{&c.ID, &c.PostID, &c.ParentID, &c.AuthorName, &c.AuthorEmail, &c.AuthorURL, &c.AuthorIP,
		&c.UserAgent, &c.UserID, &c.Body, &c.Format, &c.HTML, &c.Status, &c.Moderation, &c.Created, &c.Updated}, extra...)...)
	c.Created, c.Updated = c.Created.UTC(), c.Updated.UTC()
	return c, err
}

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

// CreateComment stores a new comment and, when it is approved, adds it to its post's comment count in the same
// transaction. Adding one, rather than counting again as status changes do, keeps the writer's transaction short
// whatever the size of the thread: counting was half of its work on a post of a thousand comments.
func (s *Store) CreateComment(ctx context.Context, c *blog.Comment) error {
	c.Created, c.Updated, c.Format = dbTime(c.Created), dbTime(c.Created), formatOf(c.Format)
	return s.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO comments (post_id, parent_id, author_name, author_email, author_url,
			author_ip, user_agent, user_id, body, format, html, status, moderation, created_at, updated_at, status_at, author_net)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, $14, $15) RETURNING id`,
			c.PostID, nullID(c.ParentID), c.AuthorName, c.AuthorEmail, c.AuthorURL, c.AuthorIP, c.UserAgent, nullID(c.UserID),
			c.Body, c.Format, c.HTML, c.Status, c.Moderation, c.Created, Network(c.AuthorIP)).Scan(&c.ID)
		if err != nil {
			return fmt.Errorf("create comment on post %d: %w", c.PostID, err)
		}
		if err := s.commentChanged(ctx, tx, c.ID, c.Status); err != nil {
			return err
		}
		if c.Status != blog.CommentApproved {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE posts SET comment_count = comment_count + 1 WHERE id = $1`, c.PostID); err != nil {
			return fmt.Errorf("count the comment on post %d: %w", c.PostID, err)
		}
		return nil
	})
}

// recountComments keeps posts.comment_count equal to the number of approved comments, so that listings never
// count comments.
func recountComments(ctx context.Context, tx *sql.Tx, postID int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE posts SET comment_count =
		(SELECT count(*) FROM comments WHERE post_id = $1 AND status = 'approved') WHERE id = $1`, postID)
	if err != nil {
		return fmt.Errorf("recount comments of post %d: %w", postID, err)
	}
	return nil
}

// Comment finds a comment by ID, whatever its status.
func (s *Store) Comment(ctx context.Context, id int64) (blog.Comment, error) {
	c, err := scanComment(s.read.QueryRowContext(ctx, `SELECT `+commentColumns+` FROM comments c WHERE c.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, blog.Errorf(blog.ENOTFOUND, "there is no comment %d", id)
	}
	if err != nil {
		return c, fmt.Errorf("find comment %d: %w", id, err)
	}
	return c, nil
}

// threadColumns are what a thread shows of each comment and threads it by, for Thread; created is how it reads
// created_at (threadCreated).
func threadColumns(created string) string {
	return `c.id, COALESCE(c.parent_id, 0), c.author_name, c.author_email, c.author_url, COALESCE(c.user_id, 0),
	c.html, c.status, ` + created
}

// threadCreated reads created_at for Thread. SQLite hands it over as Unix seconds, which spares its driver parsing
// a timestamp string for every comment (the store writes whole seconds: dbTime); PostgreSQL's driver decodes
// times cheaply as they are.
func (s *Store) threadCreated() string {
	if s.engine == engineSQLite {
		return `unixepoch(c.created_at)`
	}
	return `c.created_at`
}

// unixOrTime scans a time given as Unix seconds or as a time.Time into t, in UTC.
type unixOrTime struct{ t *time.Time }

func (u unixOrTime) Scan(v any) error {
	switch v := v.(type) {
	case int64:
		*u.t = time.Unix(v, 0).UTC()
	case time.Time:
		*u.t = v.UTC()
	default:
		return fmt.Errorf("a time cannot be %T", v)
	}
	return nil
}

// Thread returns a post's approved comments, plus those of ownIDs that are held (a reader sees their own held
// comments as awaiting moderation, even when a filter sent them to spam), oldest first, in one query.
//
// A thread is read on every uncached post page, so each comment carries only what a thread shows and how it nests:
// ID, PostID, ParentID, AuthorName, AuthorEmail, AuthorURL, UserID, HTML, Status and Created. Body, Format,
// AuthorIP, UserAgent, Moderation and Updated are left zero; Comment and Comments read them.
func (s *Store) Thread(ctx context.Context, postID int64, ownIDs []int64) ([]blog.Comment, error) {
	q := `SELECT ` + threadColumns(s.threadCreated()) + ` FROM comments c WHERE c.post_id = $1 AND (c.status = 'approved'`
	args := []any{postID}
	if len(ownIDs) > 0 {
		q += ` OR (c.status IN ('pending', 'spam') AND c.id IN (` + placeholders(2, len(ownIDs)) + `))`
		for _, id := range ownIDs {
			args = append(args, id)
		}
	}
	q += `) ORDER BY c.created_at, c.id`
	rows, err := s.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("read the thread of post %d: %w", postID, err)
	}
	defer rows.Close()
	var out []blog.Comment
	for rows.Next() {
		c := blog.Comment{PostID: postID}
		if err := rows.Scan(&c.ID, &c.ParentID, &c.AuthorName, &c.AuthorEmail, &c.AuthorURL, &c.UserID, &c.HTML, &c.Status, unixOrTime{&c.Created}); err != nil {
			return nil, fmt.Errorf("read the thread of post %d: %w", postID, err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read the thread of post %d: %w", postID, err)
	}
	return out, nil
}

func (s *Store) queryComments(ctx context.Context, q string, args ...any) ([]blog.Comment, error) {
	rows, err := s.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list comments: %w", err)
	}
	defer rows.Close()
	var out []blog.Comment
	for rows.Next() {
		c, err := scanComment(rows)
		if err != nil {
			return nil, fmt.Errorf("list comments: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list comments: %w", err)
	}
	return out, nil
}

// Comments lists comments with their posts for the moderation queue, the CLI and the comment feeds, with the total
// that match.
func (s *Store) Comments(ctx context.Context, f blog.CommentFilter) ([]blog.CommentInContext, int, error) {
	var conds []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if f.Status != "" {
		conds = append(conds, "c.status = "+arg(f.Status))
	}
	if f.PostID != 0 {
		conds = append(conds, "c.post_id = "+arg(f.PostID))
	}
	if f.PostAuthorID != 0 {
		conds = append(conds, "p.author_id = "+arg(f.PostAuthorID))
	}
	if !f.PublicAt.IsZero() {
		conds = append(conds, publicPost(arg(dbTime(f.PublicAt))))
	}
	if f.Search != "" {
		like := arg("%" + likeEscaper.Replace(strings.ToLower(f.Search)) + "%")
		match := func(col string) string { return col + " LIKE " + like + ` ESCAPE '\'` }
		conds = append(conds, "("+match("lower(c.author_name)")+" OR "+match("lower(c.author_email)")+" OR "+
			match("lower(c.author_url)")+" OR "+match("c.author_ip")+" OR "+match("lower(c.body)")+")")
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	var total int
	if err := s.read.QueryRowContext(ctx, `SELECT count(*) FROM comments c JOIN posts p ON p.id = c.post_id`+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count comments: %w", err)
	}
	order := " ORDER BY c.created_at, c.id"
	if f.NewestFirst {
		order = " ORDER BY c.created_at DESC, c.id DESC"
	}
	limit := ""
	if f.Limit > 0 {
		limit = fmt.Sprintf(" LIMIT %d OFFSET %d", f.Limit, max(f.Offset, 0))
	}
	rows, err := s.read.QueryContext(ctx, `SELECT `+commentColumns+`, p.id, p.type, p.title, p.slug, p.status, p.published_at, p.author_id,
		p.comments_open, p.trashed_at, COALESCE(pc.author_name, ''), COALESCE(pc.body, '')
		FROM comments c JOIN posts p ON p.id = c.post_id LEFT JOIN comments pc ON pc.id = c.parent_id`+where+order+limit, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("list comments: %w", err)
	}
	defer rows.Close()
	var out []blog.CommentInContext
	for rows.Next() {
		var cc blog.CommentInContext
		p := &cc.Post
		var trashed sql.NullTime
		cc.Comment, err = scanComment(rows, &p.ID, &p.Type, &p.Title, &p.Slug, &p.Status, &p.Published, &p.AuthorID, &p.CommentsOpen, &trashed,
			&cc.ParentAuthor, &cc.ParentBody)
		if err != nil {
			return nil, 0, fmt.Errorf("list comments: %w", err)
		}
		p.Published = p.Published.UTC()
		if trashed.Valid {
			p.Trashed = trashed.Time.UTC()
		}
		out = append(out, cc)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("list comments: %w", err)
	}
	return out, total, nil
}

// likeEscaper makes a search string match itself literally in LIKE, so "50%" does not match everything.
var likeEscaper = strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`)

// CommentCounts returns how many comments have each status, for the queue's tabs and the admin menu; with a
// postAuthorID, only on that user's posts.
func (s *Store) CommentCounts(ctx context.Context, postAuthorID int64) (map[blog.CommentStatus]int, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT c.status, count(*) FROM comments c JOIN posts p ON p.id = c.post_id
		WHERE $1 = 0 OR p.author_id = $1 GROUP BY c.status`, postAuthorID)
	if err != nil {
		return nil, fmt.Errorf("count comments: %w", err)
	}
	defer rows.Close()
	counts := map[blog.CommentStatus]int{}
	for rows.Next() {
		var st blog.CommentStatus
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("count comments: %w", err)
		}
		counts[st] = n
	}
	return counts, rows.Err()
}

// SetCommentStatus moves comments to a status and recounts their posts. Unknown IDs are an error naming them, and
// then nothing changes.
func (s *Store) SetCommentStatus(ctx context.Context, ids []int64, status blog.CommentStatus) error {
	if len(ids) == 0 {
		return nil
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		posts := map[int64]bool{}
		var tm trainingModel
		for _, id := range ids {
			var (
				postID int64
				from   blog.CommentStatus
				label  spamLabel
				c      spam.Comment
			)
			err := tx.QueryRowContext(ctx, `SELECT post_id, status, spam_label, body, author_name, author_email, author_url
				FROM comments WHERE id = $1`, id).Scan(&postID, &from, &label, &c.Text, &c.Name, &c.Email, &c.Website)
			if errors.Is(err, sql.ErrNoRows) {
				return blog.Errorf(blog.ENOTFOUND, "there is no comment %d", id)
			}
			if err != nil {
				return fmt.Errorf("set comment %d to %s: %w", id, status, err)
			}
			if _, err := tx.ExecContext(ctx, `UPDATE comments SET status = $1, status_at = $2 WHERE id = $3`, status, s.now(), id); err != nil {
				return fmt.Errorf("set comment %d to %s: %w", id, status, err)
			}
			if err := s.trainOnStatus(ctx, tx, &tm, id, from, label, status, c); err != nil {
				return err
			}
			if from != status {
				if err := s.commentChanged(ctx, tx, id, status); err != nil {
					return err
				}
			}
			posts[postID] = true
		}
		if err := tm.save(ctx, tx); err != nil {
			return err
		}
		for postID := range posts {
			if err := recountComments(ctx, tx, postID); err != nil {
				return err
			}
		}
		return nil
	})
}

// UpdateComment saves an edited comment's author fields and text.
func (s *Store) UpdateComment(ctx context.Context, c *blog.Comment) error {
	c.Updated = s.now()
	res, err := s.write.ExecContext(ctx, `UPDATE comments SET author_name = $1, author_email = $2, author_url = $3, body = $4,
		html = $5, updated_at = $6 WHERE id = $7`, c.AuthorName, c.AuthorEmail, c.AuthorURL, c.Body, c.HTML, c.Updated, c.ID)
	if err != nil {
		return fmt.Errorf("update comment %d: %w", c.ID, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return blog.Errorf(blog.ENOTFOUND, "there is no comment %d", c.ID)
	}
	return nil
}

// HasApprovedComment reports whether the email address has an approved comment anywhere on the site.
func (s *Store) HasApprovedComment(ctx context.Context, email string) (bool, error) {
	var ok bool
	err := s.read.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM comments WHERE author_email = $1 AND status = 'approved')`, email).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("check approved comments of %s: %w", email, err)
	}
	return ok, nil
}

// LastCommentTime returns when the email address or the IP address last commented anywhere, or the zero time.
func (s *Store) LastCommentTime(ctx context.Context, email, ip string) (time.Time, error) {
	var t time.Time
	err := s.read.QueryRowContext(ctx, `SELECT created_at FROM comments WHERE author_email = $1 OR (author_ip = $2 AND author_ip <> '')
		ORDER BY created_at DESC LIMIT 1`, email, ip).Scan(&t)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("last comment of %s: %w", email, err)
	}
	return t.UTC(), nil
}

// IsDuplicateComment reports whether the same person already left the same text on the post (in any status but
// trash), which is almost always a double submission.
func (s *Store) IsDuplicateComment(ctx context.Context, postID int64, email, body string) (bool, error) {
	var dup bool
	err := s.read.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM comments WHERE post_id = $1 AND author_email = $2
		AND body = $3 AND status <> 'trash')`, postID, email, body).Scan(&dup)
	if err != nil {
		return false, fmt.Errorf("check duplicate comment: %w", err)
	}
	return dup, nil
}

// PurgeComments deletes comments that have had the status since before the given time (trash and spam are kept
// for a while, then purged), recounts nothing (neither status is counted), and returns how many went. Replies to a
// purged comment stay, as top-level comments.
func (s *Store) PurgeComments(ctx context.Context, status blog.CommentStatus, before time.Time) (int64, error) {
	if status == blog.CommentApproved || status == blog.CommentPending {
		return 0, blog.Errorf(blog.EINVALID, "only trash and spam are purged")
	}
	res, err := s.write.ExecContext(ctx, `DELETE FROM comments WHERE status = $1 AND status_at < $2`, status, dbTime(before))
	if err != nil {
		return 0, fmt.Errorf("purge %s comments: %w", status, err)
	}
	return res.RowsAffected()
}
