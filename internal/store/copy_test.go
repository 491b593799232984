package store_test

import (
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/store"
)

// populate writes a small site touching every table: nested categories, tags, a renamed post, a threaded
// conversation (with a reply whose parent has a higher ID), settings, a session and a site key.
func populate(t *testing.T, s *store.Store) {
	t.Helper()
	ctx := t.Context()
	s.Now = func() time.Time { return t0 }
	ann := createUser(t, s, "Ann", blog.RoleAdmin)
	bob := createUser(t, s, "Bob", blog.RoleAuthor)
	p := newPost(ann.ID, "A post", t0.Add(-time.Hour))
	createPost(t, s, &p, blog.PostTerms{Categories: [][]string{{"Politics", "Elections"}}, Tags: []string{"Go", "Été"}})
	p.Slug = "renamed"
	if err := s.UpdatePost(ctx, &p, blog.PostTerms{Categories: [][]string{{"Politics", "Elections"}}, Tags: []string{"Go"}}); err != nil {
		t.Fatal(err)
	}
	q := newPost(bob.ID, "Another", t0)
	q.Sticky, q.CommentsOpen = true, false
	createPost(t, s, &q, blog.PostTerms{})
	add := func(parent int64, name string, status blog.CommentStatus, minutes int) int64 {
		c := blog.Comment{PostID: p.ID, ParentID: parent, AuthorName: name, AuthorEmail: name + "@example.org", AuthorIP: "192.0.2.1",
			Body: "Hi from " + name, HTML: "<p>Hi from " + name + "</p>", Status: status, Created: t0.Add(time.Duration(minutes) * time.Minute)}
		if err := s.CreateComment(ctx, &c); err != nil {
			t.Fatal(err)
		}
		return c.ID
	}
	first := add(0, "one", blog.CommentApproved, 1)
	add(first, "two", blog.CommentApproved, 2)
	add(0, "three", blog.CommentPending, 3)
	later := add(0, "four", blog.CommentSpam, 4)
	// A comment whose parent has a higher ID, as imports produce.
	raw := add(0, "five", blog.CommentApproved, 5)
	if err := s.SetCommentStatus(ctx, []int64{later}, blog.CommentTrash); err != nil {
		t.Fatal(err)
	}
	if _, err := rawExec(t, s, `UPDATE comments SET parent_id = $1 WHERE id = $2`, raw, first); err != nil {
		t.Fatal(err)
	}
	if err := s.SetSetting(ctx, "title", "Copied site"); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateSession(ctx, "token-hash", ann.ID, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SiteKey(ctx, "cookies"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.CreateToken(ctx, ann.ID, "deploy"); err != nil {
		t.Fatal(err)
	}
	it := photo("harbour", bob.ID)
	if err := s.CreateMedia(ctx, &it); err != nil {
		t.Fatal(err)
	}
}

// rawExec runs SQL on the store's database outside its API, for states the API does not make.
func rawExec(t *testing.T, s *store.Store, q string, args ...any) (sql.Result, error) {
	t.Helper()
	return store.ExecForTest(s, t.Context(), q, args...)
}

// dump reads every table of a site as text, rows sorted, values in one normal form, to compare sites across
// engines.
func dump(t *testing.T, s *store.Store) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, name := range store.TableNames() {
		rows, err := store.QueryForTest(s, t.Context(), `SELECT * FROM `+name+` ORDER BY 1, 2`)
		if err != nil {
			t.Fatal(err)
		}
		cols, err := rows.Columns()
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			var parts []string
			for _, v := range vals {
				parts = append(parts, normal(v))
			}
			out[name] = append(out[name], strings.Join(parts, " | "))
		}
		rows.Close()
	}
	return out
}

func normal(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case time.Time:
		return x.UTC().Format(time.RFC3339)
	case bool:
		if x {
			return "1"
		}
		return "0"
	case []byte:
		return string(x)
	}
	return fmt.Sprint(v)
}

// TestCopyRoundTrip copies a populated SQLite site to PostgreSQL and back: the three are identical, and the copies
// work (new rows get fresh IDs).
func TestCopyRoundTrip(t *testing.T) {
	if postgresDSN == "" {
		t.Skip("SALON_TEST_POSTGRES is not set")
	}
	ctx := t.Context()
	src := newStore(t)
	populate(t, src)
	pg := newPostgresStore(t)
	back := newStore(t)

	if _, err := store.Copy(ctx, src, pg, false); err != nil {
		t.Fatalf("copy SQLite → PostgreSQL: %v", err)
	}
	if _, err := store.Copy(ctx, pg, back, false); err != nil {
		t.Fatalf("copy PostgreSQL → SQLite: %v", err)
	}
	want := dump(t, src)
	if len(want["comments"]) != 5 || len(want["terms"]) != 4 || len(want["site_keys"]) != 1 || len(want["api_tokens"]) != 1 || len(want["media_variants"]) == 0 {
		t.Fatalf("the populated site is not what the test means to copy: %v", want)
	}
	if diff := cmp.Diff(want, dump(t, pg)); diff != "" {
		t.Errorf("PostgreSQL copy differs (-sqlite +postgres):\n%s", diff)
	}
	if diff := cmp.Diff(want, dump(t, back)); diff != "" {
		t.Errorf("copy back differs (-original +copy):\n%s", diff)
	}
	for _, s := range []*store.Store{pg, back} {
		u := blog.User{Email: "new@example.com", Name: "New", Slug: "new", Role: blog.RoleAuthor, PasswordHash: "x"}
		if err := s.CreateUser(ctx, &u); err != nil || u.ID != 3 {
			t.Errorf("%s: a new user after the copy = id %d, %v; want id 3", s.Engine(), u.ID, err)
		}
		if p, moved, err := s.PostBySlug(ctx, "a-post"); err != nil || !moved || p.Slug != "renamed" || len(p.Categories) != 1 || p.Categories[0].Path != "politics/elections" {
			t.Errorf("%s: the old slug does not lead to the renamed post: %+v %v %v", s.Engine(), p, moved, err)
		}
	}
}

func TestCopyRefusesNonEmptyTarget(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		ctx := t.Context()
		src, dst := newStore(t), newStore(t)
		populate(t, src)
		createUser(t, dst, "Someone", blog.RoleAdmin)
		before := dump(t, dst)
		if _, err := store.Copy(ctx, src, dst, false); blog.ErrorCode(err) != blog.ECONFLICT || !strings.Contains(blog.ErrorMessage(err), "1 users") {
			t.Fatalf("Copy into a non-empty target = %v; want a conflict naming what is there", err)
		}
		if diff := cmp.Diff(before, dump(t, dst)); diff != "" {
			t.Errorf("a refused copy changed the target:\n%s", diff)
		}
		if _, err := store.Copy(ctx, src, dst, true); err != nil {
			t.Fatalf("Copy with replace: %v", err)
		}
		if diff := cmp.Diff(dump(t, src), dump(t, dst)); diff != "" {
			t.Errorf("replaced target differs:\n%s", diff)
		}
	})
}
