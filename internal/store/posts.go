package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/salon-blog/salon/internal/blog"
)

// postColumns read a post with its author's name and its latest revision, in one statement so that the revision
// is the one the text read belongs to.
const postColumns = `p.id, p.type, p.title, p.slug, p.body, p.format, p.html, p.summary, p.excerpt, p.status, p.published_at,
	p.updated_at, p.author_id, u.name, u.slug, p.comments_open, p.comment_count, p.sticky, p.trashed_at,
	COALESCE((SELECT max(r.id) FROM post_revisions r WHERE r.post_id = p.id), 0)`

const postFrom = ` FROM posts p JOIN users u ON u.id = p.author_id`

// formatOf is the stored name of a body's format: Markdown unless it says otherwise. Writers set it on what they
// store, so that what they hold equals what is read back.
func formatOf(f blog.Format) blog.Format {
	if f == "" {
		return blog.FormatMarkdown
	}
	return f
}

func scanPost(row interface{ Scan(...any) error }) (blog.Post, error) {
	var p blog.Post
	var trashed sql.NullTime
	err := row.Scan(&p.ID, &p.Type, &p.Title, &p.Slug, &p.Body, &p.Format, &p.HTML, &p.Summary, &p.Excerpt, &p.Status, &p.Published,
		&p.Updated, &p.AuthorID, &p.Author.Name, &p.Author.Slug, &p.CommentsOpen, &p.CommentCount, &p.Sticky, &trashed, &p.Revision)
	p.Published, p.Updated = p.Published.UTC(), p.Updated.UTC()
	if trashed.Valid {
		p.Trashed = trashed.Time.UTC()
	}
	return p, err
}

// CreatePost stores a new post with its terms and its first revision (by its author) in one transaction, and sets
// its ID and Revision. When autoSlug is set, p.Slug is a proposal that gets a numeric suffix if taken; otherwise a
// taken slug is a conflict.
func (s *Store) CreatePost(ctx context.Context, p *blog.Post, terms blog.PostTerms, autoSlug bool) error {
	p.Published, p.Updated, p.Format = dbTime(p.Published), dbTime(p.Updated), formatOf(p.Format)
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
		err := tx.QueryRowContext(ctx, `INSERT INTO posts (type, title, slug, body, format, html, summary, excerpt, status,
			published_at, updated_at, author_id, comments_open, sticky)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
			p.Type, p.Title, p.Slug, p.Body, p.Format, p.HTML, p.Summary, p.Excerpt, p.Status, p.Published, p.Updated,
			p.AuthorID, p.CommentsOpen, p.Sticky).Scan(&p.ID)
		if isUniqueViolation(err) && !autoSlug { // another process took the slug between the check and the insert
			return blog.Errorf(blog.ECONFLICT, "the slug %q is already used by another post", p.Slug)
		}
		if err != nil {
			return fmt.Errorf("create post %q: %w", p.Slug, err)
		}
		if err := setTerms(ctx, tx, p.ID, terms); err != nil {
			return err
		}
		if err := s.schedulePost(ctx, tx, p); err != nil {
			return err
		}
		return addRevision(ctx, tx, p, p.AuthorID)
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

// UpdatePost saves a changed post as its author, without checking what it was changed from: EditPost for the
// operator's tools.
func (s *Store) UpdatePost(ctx context.Context, p *blog.Post, terms blog.PostTerms) error {
	return s.EditPost(ctx, p, terms, blog.Edit{})
}

// EditPost saves a changed post, replaces its terms, records a revision by e.By (or the author) and drops that
// user's autosave, in one transaction. When e.Base is set and the post has a later revision, nothing is saved and
// the error is blog.ErrPostChanged. When the slug changes, the old one is remembered so that the old URL keeps
// answering with a redirect. The trash is left as it is.
func (s *Store) EditPost(ctx context.Context, p *blog.Post, terms blog.PostTerms, e blog.Edit) error {
	p.Published, p.Updated, p.Format = dbTime(p.Published), dbTime(p.Updated), formatOf(p.Format)
	// The naming lock also makes saves of one post take turns on PostgreSQL, so that two of them never both pass
	// the revision check; SQLite has one writer already.
	return s.inNamingTx(ctx, func(tx *sql.Tx) error {
		var oldSlug string
		err := tx.QueryRowContext(ctx, `SELECT slug FROM posts WHERE id = $1`, p.ID).Scan(&oldSlug)
		if errors.Is(err, sql.ErrNoRows) {
			return blog.Errorf(blog.ENOTFOUND, "there is no post %d", p.ID)
		}
		if err != nil {
			return fmt.Errorf("update post %d: %w", p.ID, err)
		}
		if e.Base != 0 {
			latest, err := latestRevision(ctx, tx, p.ID)
			if err != nil {
				return err
			}
			if latest != e.Base {
				return fmt.Errorf("update post %d from revision %d, now at %d: %w", p.ID, e.Base, latest, blog.ErrPostChanged)
			}
		}
		if e.AutoSlug && p.Slug != oldSlug {
			slug, err := freeSlug(ctx, tx, fmt.Sprintf(`SELECT EXISTS (SELECT 1 FROM posts WHERE slug = $1 AND id <> %d)`, p.ID), p.Slug)
			if err != nil {
				return fmt.Errorf("update post %d: %w", p.ID, err)
			}
			p.Slug = slug
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
		_, err = tx.ExecContext(ctx, `UPDATE posts SET type = $1, title = $2, slug = $3, body = $4, format = $5, html = $6,
			summary = $7, excerpt = $8, status = $9, published_at = $10, updated_at = $11, author_id = $12,
			comments_open = $13, sticky = $14 WHERE id = $15`,
			p.Type, p.Title, p.Slug, p.Body, p.Format, p.HTML, p.Summary, p.Excerpt, p.Status, p.Published, p.Updated,
			p.AuthorID, p.CommentsOpen, p.Sticky, p.ID)
		if err != nil {
			return fmt.Errorf("update post %d: %w", p.ID, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM post_terms WHERE post_id = $1`, p.ID); err != nil {
			return fmt.Errorf("update post %d: %w", p.ID, err)
		}
		if err := setTerms(ctx, tx, p.ID, terms); err != nil {
			return err
		}
		by := e.By
		if by == 0 {
			by = p.AuthorID
		}
		if err := addRevision(ctx, tx, p, by); err != nil {
			return err
		}
		if err := s.schedulePost(ctx, tx, p); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM post_autosaves WHERE post_id = $1 AND user_id = $2`, p.ID, by); err != nil {
			return fmt.Errorf("update post %d: drop the autosave: %w", p.ID, err)
		}
		return nil
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
	for taxonomy, ids := range map[blog.Taxonomy][]int64{blog.Category: terms.CategoryIDs, blog.Tag: terms.TagIDs} {
		for _, id := range ids {
			res, err := tx.ExecContext(ctx, `INSERT INTO post_terms (post_id, term_id)
				SELECT $1, id FROM terms WHERE id = $2 AND taxonomy = $3 ON CONFLICT DO NOTHING`, postID, id, taxonomy)
			if err != nil {
				return fmt.Errorf("file post %d under %s %d: %w", postID, taxonomy, id, err)
			}
			if n, err := res.RowsAffected(); err != nil {
				return fmt.Errorf("file post %d under %s %d: %w", postID, taxonomy, id, err)
			} else if n == 0 {
				var filed bool
				if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM post_terms pt JOIN terms t ON t.id = pt.term_id
					WHERE pt.post_id = $1 AND pt.term_id = $2 AND t.taxonomy = $3)`, postID, id, taxonomy).Scan(&filed); err != nil {
					return fmt.Errorf("file post %d under %s %d: %w", postID, taxonomy, id, err)
				}
				if !filed {
					return blog.Errorf(blog.EINVALID, "there is no %s %d", taxonomy, id)
				}
			}
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

// Posts lists the posts f selects, in its order (newest first by default), with the total number that match (for
// pagination).
//
// A page (f.Limit set) is read in two steps within one statement: the IDs of the page, which an index of public
// posts answers in the list's order for the lists readers see (see migration 00013), then the full rows of those
// IDs only. The total is counted only when the page does not tell it: a short page, or an empty one at the start,
// is the end of the list.
func (s *Store) Posts(ctx context.Context, f blog.PostFilter) ([]blog.Post, int, error) {
	posts, err := s.PostList(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	offset := max(f.Offset, 0)
	switch {
	case f.Limit <= 0:
		return posts, len(posts), nil
	case len(posts) < f.Limit && (len(posts) > 0 || offset == 0):
		return posts, offset + len(posts), nil
	}
	total, err := s.countPosts(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	return posts, total, nil
}

// countPosts counts the posts f selects. Counting reads every matching index entry (about 20 ms for 100,000
// posts), and readers' lists are few and asked again and again, so the totals of public lists are kept until
// the site's cache version moves (any change to posts, pages, terms or authors, in any process) or
// publicCountsMaxAge passes (a scheduled post going out changes a total by the clock alone).
func (s *Store) countPosts(ctx context.Context, f blog.PostFilter) (int, error) {
	var key string
	var version int64
	if !f.PublicAt.IsZero() {
		k := f
		k.PublicAt, k.Limit, k.Offset, k.Sort, k.Ascending, k.StickyFirst = time.Time{}, 0, 0, "", false, false
		key = fmt.Sprintf("%+v", k)
		v, err := s.CacheVersions(ctx, []string{CacheSite})
		if err != nil {
			return 0, fmt.Errorf("count posts: %w", err)
		}
		version = v[0]
		if total, ok := s.publicCounts.get(key, version, f.PublicAt); ok {
			return total, nil
		}
	}
	where, args := postConditions(f, true)
	var total int
	if err := s.read.QueryRowContext(ctx, `SELECT count(*) FROM posts p`+where, args...).Scan(&total); err != nil {
		return 0, fmt.Errorf("count posts: %w", err)
	}
	if key != "" {
		s.publicCounts.put(key, version, f.PublicAt, total)
	}
	return total, nil
}

// maxListCounts bounds the number of totals kept.
const maxListCounts = 10_000

// publicCountsMaxAge bounds how late a public list's total is when only the clock changed it.
const publicCountsMaxAge = time.Minute

// listCounts holds the totals of public post lists counted at one version of the site scope.
type listCounts struct {
	mu      sync.Mutex
	version int64
	totals  map[string]countedAt
}

type countedAt struct {
	total int
	at    time.Time
}

func (c *listCounts) get(key string, version int64, now time.Time) (int, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t, ok := c.totals[key]
	if !ok || c.version != version || now.Sub(t.at) >= publicCountsMaxAge || now.Before(t.at) {
		return 0, false
	}
	return t.total, true
}

// put keeps a total; one at a newer version drops all those of older ones. The map holds one entry per list
// readers asked for (each category, tag, author, day…) and is dropped wholesale at the next change, or when a
// crawler walking every day of every year has filled it.
func (c *listCounts) put(key string, version int64, now time.Time, total int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.totals == nil || version > c.version || len(c.totals) >= maxListCounts {
		c.version, c.totals = version, map[string]countedAt{}
	}
	if version == c.version {
		c.totals[key] = countedAt{total, now}
	}
}

// PostList lists the posts f selects like Posts, without counting them all: for a list that links no last page,
// such as a feed. Its cost depends on the size of the page, not on the number of posts, for the lists readers see
// (of one type, public, by date, sticky first or not, optionally by author or in a date range) and, for a category
// or tag, on the number of posts filed under it.
func (s *Store) PostList(ctx context.Context, f blog.PostFilter) ([]blog.Post, error) {
	where, args := postConditions(f, true)
	order := postOrder(f)
	q := `SELECT ` + postColumns + postFrom + where + order
	if f.Limit > 0 {
		q = `SELECT ` + postColumns + ` FROM (SELECT p.id FROM posts p` + where + order +
			fmt.Sprintf(" LIMIT %d OFFSET %d", f.Limit, max(f.Offset, 0)) + `) page
			JOIN posts p ON p.id = page.id JOIN users u ON u.id = p.author_id` + order
	}
	posts, err := s.queryPosts(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list posts: %w", err)
	}
	return posts, s.loadTerms(ctx, posts)
}

// queryPosts reads the posts a query selects, without their terms.
func (s *Store) queryPosts(ctx context.Context, q string, args ...any) ([]blog.Post, error) {
	rows, err := s.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var posts []blog.Post
	for rows.Next() {
		p, err := scanPost(rows)
		if err != nil {
			return nil, err
		}
		posts = append(posts, p)
	}
	return posts, rows.Err()
}

// postOrder is the ORDER BY of a list; the ID breaks ties in the same direction, so that pages are stable.
func postOrder(f blog.PostFilter) string {
	col := "p.published_at"
	switch f.Sort {
	case blog.SortByTitle:
		col = "lower(p.title)"
	case blog.SortByModified:
		col = "p.updated_at"
	}
	dir := " DESC"
	if f.Ascending {
		dir = " ASC"
	}
	order := " ORDER BY " + col + dir + ", p.id" + dir
	if f.StickyFirst {
		order = " ORDER BY p.sticky DESC, " + col + dir + ", p.id" + dir
	}
	return order
}

// publicPost is the SQL of blog.Post.IsPublic for the posts table aliased p, at the instant in the placeholder
// now: not trashed, and published or scheduled for a moment that has come. Every query of what readers may see
// goes through it, so the rule lives in one place.
//
// Its first two terms are, word for word, the condition of the partial indexes of public posts (migration 00013):
// SQLite uses a partial index only for a query whose WHERE contains its condition as written, and then reads the
// page of a list from the index in order, without sorting every post. Keep them in step.
func publicPost(now string) string {
	return "(p.trashed_at IS NULL AND p.status IN ('publish', 'future') AND (p.status = 'publish' OR p.published_at <= " + now + "))"
}

// postConditions is the WHERE clause of f; withTrash adds the condition on the trash (out of it, or in it when
// f.Trash is set).
func postConditions(f blog.PostFilter, withTrash bool) (string, []any) {
	var conds []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if f.Type != "" {
		conds = append(conds, "p.type = "+arg(f.Type))
	}
	switch {
	case !f.PublicAt.IsZero():
		conds = append(conds, "p.trashed_at IS NULL")
	case !withTrash:
	case f.Trash:
		conds = append(conds, "p.trashed_at IS NOT NULL")
	default:
		conds = append(conds, "p.trashed_at IS NULL")
	}
	if f.Search != "" {
		conds = append(conds, "lower(p.title) LIKE "+arg("%"+likeEscaper.Replace(strings.ToLower(f.Search))+"%")+` ESCAPE '\'`)
	}
	if !f.PublicAt.IsZero() {
		conds = append(conds, publicPost(arg(dbTime(f.PublicAt))))
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
	type postTerm struct {
		postID int64
		term   blog.Term
	}
	var found []postTerm
	nested := false
	for rows.Next() {
		var pt postTerm
		if err := rows.Scan(&pt.postID, &pt.term.ID, &pt.term.Taxonomy, &pt.term.Name, &pt.term.Slug, &pt.term.ParentID); err != nil {
			rows.Close()
			return fmt.Errorf("load terms: %w", err)
		}
		nested = nested || (pt.term.Taxonomy == blog.Category && pt.term.ParentID != 0)
		found = append(found, pt)
	}
	// The rows are closed before the category index is read: holding one pooled connection while asking for
	// another deadlocks once every connection of the pool is held that way.
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return fmt.Errorf("load terms: %w", err)
	}
	var cats map[int64]blog.Term
	if nested {
		if cats, err = categoryIndex(ctx, s.read); err != nil {
			return err
		}
	}
	for _, pt := range found {
		p, t := &posts[index[pt.postID]], pt.term
		t.Path = t.Slug
		if t.Taxonomy == blog.Tag {
			p.Tags = append(p.Tags, t)
			continue
		}
		if t.ParentID != 0 {
			t.Path = categoryPath(cats, t)
		}
		p.Categories = append(p.Categories, t)
	}
	return nil
}

// PostCounts counts the posts f selects by status, leaving f's statuses aside, for the tabs of the admin list: the
// posts out of the trash under their status, and those in it under "trash".
func (s *Store) PostCounts(ctx context.Context, f blog.PostFilter) (map[string]int, error) {
	f.Statuses = nil
	where, args := postConditions(f, false)
	rows, err := s.read.QueryContext(ctx, `SELECT p.status, p.trashed_at IS NOT NULL, count(*) FROM posts p`+where+`
		GROUP BY p.status, p.trashed_at IS NOT NULL`, args...)
	if err != nil {
		return nil, fmt.Errorf("count posts: %w", err)
	}
	defer rows.Close()
	counts := map[string]int{}
	for rows.Next() {
		var status string
		var trashed bool
		var n int
		if err := rows.Scan(&status, &trashed, &n); err != nil {
			return nil, fmt.Errorf("count posts: %w", err)
		}
		if trashed {
			status = "trash"
		}
		counts[status] += n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count posts: %w", err)
	}
	return counts, nil
}

// TrashPost moves a post to the trash, where readers never see it, keeping its status for a restore. A post
// already there stays as it was.
func (s *Store) TrashPost(ctx context.Context, id int64) error {
	return s.setTrashed(ctx, id, sql.NullTime{Time: s.now(), Valid: true})
}

// RestorePost takes a post out of the trash, with the status it had.
func (s *Store) RestorePost(ctx context.Context, id int64) error {
	return s.setTrashed(ctx, id, sql.NullTime{})
}

func (s *Store) setTrashed(ctx context.Context, id int64, at sql.NullTime) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		q, args := `UPDATE posts SET trashed_at = NULL WHERE id = $1 AND trashed_at IS NOT NULL`, []any{id}
		if at.Valid {
			q, args = `UPDATE posts SET trashed_at = $2 WHERE id = $1 AND trashed_at IS NULL`, []any{id, at.Time}
		}
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("move post %d to or from the trash: %w", id, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("move post %d to or from the trash: %w", id, err)
		} else if n == 0 {
			return postExists(ctx, tx, id)
		}
		return nil
	})
}

// DeletePost deletes a post in the trash for good, with its comments, revisions and old slugs. A post out of the
// trash is refused: deleting is the second step, after trashing.
func (s *Store) DeletePost(ctx context.Context, id int64) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM posts WHERE id = $1 AND trashed_at IS NOT NULL`, id)
		if err != nil {
			return fmt.Errorf("delete post %d: %w", id, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("delete post %d: %w", id, err)
		} else if n == 0 {
			if err := postExists(ctx, tx, id); err != nil {
				return err
			}
			return blog.Errorf(blog.EINVALID, "post %d is not in the trash: move it there before deleting it", id)
		}
		return nil
	})
}

func postExists(ctx context.Context, tx *sql.Tx, id int64) error {
	var exists bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM posts WHERE id = $1)`, id).Scan(&exists); err != nil {
		return fmt.Errorf("find post %d: %w", id, err)
	}
	if !exists {
		return blog.Errorf(blog.ENOTFOUND, "there is no post %d", id)
	}
	return nil
}
