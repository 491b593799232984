package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/salon-blog/salon/internal/blog"
)

// importLock is the PostgreSQL advisory lock key that makes imports take turns, so that two imports of one file
// started at once cannot both find it new.
const importLock = 0x5a4c_0002

// ImportTx is one import: everything it writes lands together when it ends without error, or not at all. It
// keeps IDs where it can (an imported post or comment keeps the ID it had elsewhere when that ID is free here, so
// that /?p=ID and #comment-ID links keep working), and remembers where each row came from.
type ImportTx struct {
	tx      *sql.Tx
	engine  string
	now     time.Time
	touched map[int64]bool // posts whose comment counts must be recounted at the end
	stmts   map[string]*sql.Stmt
}

// Import runs fn in one write transaction. It holds the naming lock (imports choose slugs) and the import lock for
// its whole length on PostgreSQL; SQLite has one writer anyway. Readers keep reading the site as it was until the
// import commits.
func (s *Store) Import(ctx context.Context, fn func(*ImportTx) error) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if s.engine == enginePostgres {
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1), pg_advisory_xact_lock($2)`, importLock, namingLock); err != nil {
				return fmt.Errorf("lock for import: %w", err)
			}
		}
		it := &ImportTx{tx: tx, engine: s.engine, now: s.now(), touched: map[int64]bool{}, stmts: map[string]*sql.Stmt{}}
		defer it.closeStatements()
		if err := fn(it); err != nil {
			return err
		}
		return it.finish(ctx)
	})
}

// stmt prepares q once per import: an import runs the same few statements hundreds of thousands of times.
func (it *ImportTx) stmt(ctx context.Context, q string) (*sql.Stmt, error) {
	if st, ok := it.stmts[q]; ok {
		return st, nil
	}
	st, err := it.tx.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	it.stmts[q] = st
	return st, nil
}

func (it *ImportTx) closeStatements() {
	for _, st := range it.stmts {
		st.Close()
	}
}

// finish recounts the comments of every post the import touched and, on PostgreSQL, moves the ID sequences past
// the IDs the import kept.
func (it *ImportTx) finish(ctx context.Context) error {
	for id := range it.touched {
		if err := recountComments(ctx, it.tx, id); err != nil {
			return err
		}
	}
	if it.engine != enginePostgres {
		return nil
	}
	for _, table := range []string{"users", "terms", "posts", "post_revisions", "comments"} {
		if _, err := it.tx.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('`+table+`', 'id'), COALESCE(max(id), 1), max(id) IS NOT NULL) FROM `+table); err != nil {
			return fmt.Errorf("reset the %s sequence: %w", table, err)
		}
	}
	return nil
}

// Imported is the local ID of what an earlier import brought in from source under externalID, or 0.
func (it *ImportTx) Imported(ctx context.Context, source, kind, externalID string) (int64, error) {
	st, err := it.stmt(ctx, `SELECT local_id FROM imported WHERE source = $1 AND kind = $2 AND external_id = $3`)
	if err != nil {
		return 0, fmt.Errorf("find imported %s %s: %w", kind, externalID, err)
	}
	var id int64
	err = st.QueryRowContext(ctx, source, kind, externalID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("find imported %s %s: %w", kind, externalID, err)
	}
	return id, nil
}

// Remember records that the local row id of kind came from source under externalID.
func (it *ImportTx) Remember(ctx context.Context, source, kind, externalID string, id int64) error {
	st, err := it.stmt(ctx, `INSERT INTO imported (source, kind, external_id, local_id) VALUES ($1, $2, $3, $4)
		ON CONFLICT (source, kind, external_id) DO UPDATE SET local_id = excluded.local_id`)
	if err != nil {
		return fmt.Errorf("remember imported %s %s: %w", kind, externalID, err)
	}
	if _, err := st.ExecContext(ctx, source, kind, externalID, id); err != nil {
		return fmt.Errorf("remember imported %s %s: %w", kind, externalID, err)
	}
	return nil
}

// CountPosts counts the posts and pages of the site, whatever their status: an import into an empty site may
// adopt the exported site's permalink style.
func (it *ImportTx) CountPosts(ctx context.Context) (int, error) {
	var n int
	if err := it.tx.QueryRowContext(ctx, `SELECT count(*) FROM posts`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count posts: %w", err)
	}
	return n, nil
}

// Settings reads the site's settings as the import sees them.
func (it *ImportTx) Settings(ctx context.Context) (blog.Settings, error) {
	return readSettings(ctx, it.tx)
}

// SetSetting validates and stores one setting as part of the import.
func (it *ImportTx) SetSetting(ctx context.Context, key, value string) error {
	return writeSetting(ctx, it.tx, key, value)
}

// UserByEmail finds a user by email; ENOTFOUND when there is none.
func (it *ImportTx) UserByEmail(ctx context.Context, email string) (blog.User, error) {
	u, err := scanUser(it.tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE email = $1`, email))
	if errors.Is(err, sql.ErrNoRows) {
		return u, blog.Errorf(blog.ENOTFOUND, "there is no user with the email %s", email)
	}
	if err != nil {
		return u, fmt.Errorf("find user %s: %w", email, err)
	}
	return u, nil
}

// AddUser adds an author who came with the import, with a free slug made from u.Slug.
func (it *ImportTx) AddUser(ctx context.Context, u *blog.User) error {
	slug, err := freeSlug(ctx, it.tx, `SELECT EXISTS (SELECT 1 FROM users WHERE slug = $1)`, u.Slug)
	if err != nil {
		return fmt.Errorf("import user %s: %w", u.Email, err)
	}
	u.Slug, u.Created = slug, it.now
	err = it.tx.QueryRowContext(ctx, `INSERT INTO users (email, name, slug, role, password_hash, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, u.Email, u.Name, u.Slug, u.Role, u.PasswordHash, u.Created).Scan(&u.ID)
	if err != nil {
		return fmt.Errorf("import user %s: %w", u.Email, err)
	}
	return nil
}

// TermBySlug finds a category or tag by its slug; ENOTFOUND when there is none.
func (it *ImportTx) TermBySlug(ctx context.Context, taxonomy blog.Taxonomy, slug string) (blog.Term, error) {
	t := blog.Term{Taxonomy: taxonomy}
	err := it.tx.QueryRowContext(ctx, `SELECT id, name, slug, COALESCE(parent_id, 0) FROM terms WHERE taxonomy = $1 AND slug = $2`,
		taxonomy, slug).Scan(&t.ID, &t.Name, &t.Slug, &t.ParentID)
	if errors.Is(err, sql.ErrNoRows) {
		return t, blog.Errorf(blog.ENOTFOUND, "there is no %s %q", taxonomy, slug)
	}
	if err != nil {
		return t, fmt.Errorf("find %s %q: %w", taxonomy, slug, err)
	}
	return t, nil
}

// AddTerm adds a category or tag. A slug that is taken or not valid here gets one made from the name instead.
func (it *ImportTx) AddTerm(ctx context.Context, t *blog.Term) error {
	want := t.Slug
	if blog.ValidateSlug(want) != nil {
		want = blog.Slugify(t.Name)
	}
	slug, err := freeSlug(ctx, it.tx, `SELECT EXISTS (SELECT 1 FROM terms WHERE taxonomy = '`+string(t.Taxonomy)+`' AND slug = $1)`, want)
	if err != nil {
		return fmt.Errorf("import %s %q: %w", t.Taxonomy, t.Name, err)
	}
	t.Slug = slug
	if err := it.tx.QueryRowContext(ctx, `INSERT INTO terms (taxonomy, name, slug, parent_id) VALUES ($1, $2, $3, $4) RETURNING id`,
		t.Taxonomy, t.Name, t.Slug, nullID(t.ParentID)).Scan(&t.ID); err != nil {
		return fmt.Errorf("import %s %q: %w", t.Taxonomy, t.Name, err)
	}
	return nil
}

// AddPost adds a post filed under the terms termIDs, with its first revision. It keeps p.ID when no post has it
// (else the database picks one) and gives the post a free slug made from p.Slug.
func (it *ImportTx) AddPost(ctx context.Context, p *blog.Post, termIDs []int64) error {
	p.Published, p.Updated, p.Format = dbTime(p.Published), dbTime(p.Updated), formatOf(p.Format)
	slug, err := freeSlug(ctx, it.tx, `SELECT EXISTS (SELECT 1 FROM posts WHERE slug = $1)`, p.Slug)
	if err != nil {
		return fmt.Errorf("import post %q: %w", p.Title, err)
	}
	p.Slug = slug
	free, err := it.idFree(ctx, "posts", p.ID)
	if err != nil {
		return err
	}
	id := sql.NullInt64{Int64: p.ID, Valid: free}
	q := `INSERT INTO posts (id, type, title, slug, body, format, html, summary, excerpt, status, published_at, updated_at,
		author_id, comments_open, sticky) VALUES (COALESCE($1, ` + it.nextID("posts") + `), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id`
	st, err := it.stmt(ctx, q)
	if err != nil {
		return fmt.Errorf("import post %q: %w", p.Slug, err)
	}
	if err := st.QueryRowContext(ctx, id, p.Type, p.Title, p.Slug, p.Body, p.Format, p.HTML, p.Summary, p.Excerpt,
		p.Status, p.Published, p.Updated, p.AuthorID, p.CommentsOpen, p.Sticky).Scan(&p.ID); err != nil {
		return fmt.Errorf("import post %q: %w", p.Slug, err)
	}
	for _, t := range termIDs {
		if _, err := it.tx.ExecContext(ctx, `INSERT INTO post_terms (post_id, term_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, p.ID, t); err != nil {
			return fmt.Errorf("import post %q: file under term %d: %w", p.Slug, t, err)
		}
	}
	return addRevision(ctx, it.tx, p, p.AuthorID)
}

// AddComment adds a comment, keeping c.ID when no comment has it. Its parent, if any, must be imported first.
func (it *ImportTx) AddComment(ctx context.Context, c *blog.Comment) error {
	c.Created, c.Updated, c.Format = dbTime(c.Created), dbTime(c.Created), formatOf(c.Format)
	free, err := it.idFree(ctx, "comments", c.ID)
	if err != nil {
		return err
	}
	q := `INSERT INTO comments (id, post_id, parent_id, author_name, author_email, author_url, author_ip, user_agent, user_id,
		body, format, html, status, moderation, created_at, updated_at, status_at)
		VALUES (COALESCE($1, ` + it.nextID("comments") + `), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15, $15) RETURNING id`
	st, err := it.stmt(ctx, q)
	if err != nil {
		return fmt.Errorf("import comment on post %d: %w", c.PostID, err)
	}
	if err := st.QueryRowContext(ctx, sql.NullInt64{Int64: c.ID, Valid: free}, c.PostID, nullID(c.ParentID), c.AuthorName, c.AuthorEmail,
		c.AuthorURL, c.AuthorIP, c.UserAgent, nullID(c.UserID), c.Body, c.Format, c.HTML, c.Status, c.Moderation, c.Created).Scan(&c.ID); err != nil {
		return fmt.Errorf("import comment on post %d: %w", c.PostID, err)
	}
	it.touched[c.PostID] = true
	return nil
}

// idFree reports whether id can be given to a new row of table.
func (it *ImportTx) idFree(ctx context.Context, table string, id int64) (bool, error) {
	if id <= 0 {
		return false, nil
	}
	st, err := it.stmt(ctx, `SELECT EXISTS (SELECT 1 FROM `+table+` WHERE id = $1)`)
	if err != nil {
		return false, fmt.Errorf("check %s id %d: %w", table, id, err)
	}
	var taken bool
	if err := st.QueryRowContext(ctx, id).Scan(&taken); err != nil {
		return false, fmt.Errorf("check %s id %d: %w", table, id, err)
	}
	return !taken, nil
}

// nextID is the SQL for the ID a row gets when it cannot keep its own. On PostgreSQL the identity sequence may lag
// behind IDs that imports kept, so it is the larger of the two; SQLite picks max(id)+1 by itself.
func (it *ImportTx) nextID(table string) string {
	if it.engine == enginePostgres {
		return `GREATEST(nextval(pg_get_serial_sequence('` + table + `', 'id')), (SELECT COALESCE(max(id), 0) + 1 FROM ` + table + `))`
	}
	return `NULL`
}

// AddOldPath makes path, where the post was published elsewhere, redirect to it. A path that already leads
// somewhere is left as it is.
func (it *ImportTx) AddOldPath(ctx context.Context, path string, postID int64) error {
	if _, err := it.tx.ExecContext(ctx, `INSERT INTO post_old_paths (path, post_id) VALUES ($1, $2) ON CONFLICT (path) DO NOTHING`, path, postID); err != nil {
		return fmt.Errorf("remember the old path %s of post %d: %w", path, postID, err)
	}
	return nil
}

// PostIDBySlug finds a post or page by its current or earlier slug, for matching comments exported elsewhere to
// posts; 0 when there is none.
func (it *ImportTx) PostIDBySlug(ctx context.Context, slug string) (int64, error) {
	var id int64
	err := it.tx.QueryRowContext(ctx, `SELECT id FROM posts WHERE slug = $1
		UNION ALL SELECT post_id FROM post_old_slugs WHERE slug = $1 LIMIT 1`, slug).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("find post %q: %w", slug, err)
	}
	return id, nil
}

// PostIDByOldPath finds the post an old path redirects to; 0 when there is none.
func (it *ImportTx) PostIDByOldPath(ctx context.Context, path string) (int64, error) {
	return postIDByOldPath(ctx, it.tx, path)
}

// PostExists reports whether a post with this ID exists.
func (it *ImportTx) PostExists(ctx context.Context, id int64) (bool, error) {
	free, err := it.idFree(ctx, "posts", id)
	return !free && id > 0, err
}

func postIDByOldPath(ctx context.Context, q querier, path string) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT post_id FROM post_old_paths WHERE path = $1`, path).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("find old path %s: %w", path, err)
	}
	return id, nil
}

// PostByOldPath finds the post that was published elsewhere under path, for the redirect; ENOTFOUND when none was.
func (s *Store) PostByOldPath(ctx context.Context, path string) (blog.Post, error) {
	id, err := postIDByOldPath(ctx, s.read, path)
	if err != nil {
		return blog.Post{}, err
	}
	if id == 0 {
		return blog.Post{}, blog.Errorf(blog.ENOTFOUND, "nothing was published at %s", path)
	}
	return s.Post(ctx, id)
}

// ImportedPostID is the local ID of the post an import brought in under the ID it had on its old site (WordPress's
// /?p=ID), or 0. When several imports carried that ID, the latest wins.
func (s *Store) ImportedPostID(ctx context.Context, externalID int64) (int64, error) {
	return importedPost(ctx, s.read, strconv.FormatInt(externalID, 10))
}

// ImportedPost is the local ID of the post any import brought in under externalID, or 0.
func (it *ImportTx) ImportedPost(ctx context.Context, externalID string) (int64, error) {
	return importedPost(ctx, it.tx, externalID)
}

func importedPost(ctx context.Context, q querier, externalID string) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT local_id FROM imported WHERE kind = 'post' AND external_id = $1
		ORDER BY local_id DESC LIMIT 1`, externalID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("find imported post %s: %w", externalID, err)
	}
	return id, nil
}

// SetCommentParent attaches an imported comment to its parent, for formats that may list a reply before the
// comment it answers.
func (it *ImportTx) SetCommentParent(ctx context.Context, id, parentID int64) error {
	if _, err := it.tx.ExecContext(ctx, `UPDATE comments SET parent_id = $1 WHERE id = $2`, parentID, id); err != nil {
		return fmt.Errorf("attach comment %d to %d: %w", id, parentID, err)
	}
	return nil
}
