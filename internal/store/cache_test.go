package store_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/store"
)

// TestCacheVersions checks which change bumps which scope, on both engines, including writes made by hand on the
// raw connection (as another process, or an operator, would make them).
func TestCacheVersions(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		s, raw := newStoreDB(t)
		ctx := t.Context()
		s.Now = func() time.Time { return t0 }
		ann := createUser(t, s, "Ann", blog.RoleAdmin)
		p := newPost(ann.ID, "Watched", t0.Add(-time.Hour))
		createPost(t, s, &p, blog.PostTerms{})
		q := newPost(ann.ID, "Other", t0.Add(-time.Hour))
		createPost(t, s, &q, blog.PostTerms{})
		scopes := []string{store.CacheSite, store.CacheComments, store.CachePost(p.ID), store.CachePost(q.ID)}
		read := func() []int64 {
			t.Helper()
			v, err := s.CacheVersions(ctx, scopes)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		step := func(change string, do func() error, bumped ...bool) {
			t.Helper()
			before := read()
			if err := do(); err != nil {
				t.Fatalf("%s: %v", change, err)
			}
			after := read()
			for i, sc := range scopes {
				if got := after[i] != before[i]; got != bumped[i] {
					t.Errorf("%s: %s bumped = %v; want %v", change, sc, got, bumped[i])
				}
			}
		}
		var held blog.Comment
		step("a held comment", func() error {
			held = blog.Comment{PostID: p.ID, AuthorName: "Hal", AuthorEmail: "hal@example.org", AuthorIP: "192.0.2.1", Body: "x", HTML: "<p>x</p>",
				Status: blog.CommentPending, Created: t0}
			return s.CreateComment(ctx, &held)
		}, false, false, false, false)
		step("approving it", func() error { return s.SetCommentStatus(ctx, []int64{held.ID}, blog.CommentApproved) }, false, true, true, false)
		step("editing it by hand", func() error {
			_, err := raw.ExecContext(ctx, `UPDATE comments SET html = '<p>y</p>' WHERE id = $1`, held.ID)
			return err
		}, false, true, true, false)
		step("a setting", func() error { return s.SetSetting(ctx, "title", "New") }, true, false, false, false)
		step("editing a post", func() error {
			p.Title = "Edited"
			return s.UpdatePost(ctx, &p, blog.PostTerms{Tags: []string{"go"}})
		}, true, false, false, false)
		step("a hand-made post edit", func() error {
			_, err := raw.ExecContext(ctx, `UPDATE posts SET sticky = $1 WHERE id = $2`, true, q.ID)
			return err
		}, true, false, false, false)
		step("a recount that changes nothing", func() error {
			_, err := raw.ExecContext(ctx, `UPDATE posts SET comment_count = comment_count WHERE id = $1`, p.ID)
			return err
		}, false, false, false, false)
		step("trashing the comment", func() error { return s.SetCommentStatus(ctx, []int64{held.ID}, blog.CommentTrash) }, false, true, true, false)
		step("deleting the trashed comment", func() error {
			_, err := raw.ExecContext(ctx, `DELETE FROM comments WHERE id = $1`, held.ID)
			return err
		}, false, false, false, false)
		if v, err := s.CacheVersions(ctx, []string{store.CachePost(999)}); err != nil || !slices.Equal(v, []int64{0}) {
			t.Errorf("CacheVersions(a post never commented) = %v, %v; want [0]", v, err)
		}
	})
}

// TestCacheTriggerColumns fails when posts gains a column that SQLite's trigger does not compare (PostgreSQL's
// compares whole rows): an edit of that column alone would leave cached pages stale.
func TestCacheTriggerColumns(t *testing.T) {
	_, raw := newStoreDB(t)
	rows, err := raw.QueryContext(t.Context(), `SELECT name FROM pragma_table_info('posts')`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var sqlText string
	if err := raw.QueryRowContext(t.Context(), `SELECT sql FROM sqlite_schema WHERE name = 'cache_posts_update'`).Scan(&sqlText); err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var col string
		if err := rows.Scan(&col); err != nil {
			t.Fatal(err)
		}
		if col != "comment_count" && !strings.Contains(sqlText, "OLD."+col+" IS NOT NEW."+col+"\n") {
			t.Errorf("the trigger cache_posts_update does not compare posts.%s", col)
		}
	}
}
