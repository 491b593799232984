package store_test

import (
	"errors"
	"testing"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/store"
)

func TestImportKeepsIDsAndRemembers(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		ctx := t.Context()
		s := newStore(t)
		author := createUser(t, s, "Ann", blog.RoleAdmin)
		existing := newPost(author.ID, "Already here", t0)
		createPost(t, s, &existing, blog.PostTerms{})

		var kept, moved blog.Post
		var reply blog.Comment
		err := s.Import(ctx, func(tx *store.ImportTx) error {
			kept = newPost(author.ID, "Kept", t0)
			kept.ID, kept.Format = 500, blog.FormatWordPress
			if err := tx.AddPost(ctx, &kept, nil); err != nil {
				return err
			}
			moved = newPost(author.ID, "Moved", t0)
			moved.ID, moved.Slug = existing.ID, existing.Slug // both taken: a new ID and a suffixed slug
			if err := tx.AddPost(ctx, &moved, nil); err != nil {
				return err
			}
			top := blog.Comment{ID: 900, PostID: kept.ID, AuthorName: "Bo", Body: "b", HTML: "<p>b</p>", Status: blog.CommentApproved, Created: t0}
			if err := tx.AddComment(ctx, &top); err != nil {
				return err
			}
			reply = blog.Comment{ID: 901, PostID: kept.ID, ParentID: top.ID, AuthorName: "Cy", Body: "c", HTML: "<p>c</p>",
				Status: blog.CommentApproved, Created: t0, Format: blog.FormatWordPress}
			if err := tx.AddComment(ctx, &reply); err != nil {
				return err
			}
			if err := tx.AddOldPath(ctx, "/archives/kept/", kept.ID); err != nil {
				return err
			}
			return tx.Remember(ctx, "https://old.example", "post", "77", kept.ID)
		})
		if err != nil {
			t.Fatal(err)
		}
		if kept.ID != 500 || reply.ID != 901 {
			t.Errorf("kept IDs = post %d, comment %d; want 500 and 901", kept.ID, reply.ID)
		}
		if moved.ID == existing.ID || moved.Slug == existing.Slug {
			t.Errorf("a post whose ID and slug were taken got ID %d slug %q; want new ones", moved.ID, moved.Slug)
		}
		got, err := s.Post(ctx, kept.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Format != blog.FormatWordPress || got.CommentCount != 2 || got.Revision == 0 {
			t.Errorf("imported post = format %q, %d comments, revision %d; want wordpress, 2, a revision", got.Format, got.CommentCount, got.Revision)
		}
		if old, err := s.PostByOldPath(ctx, "/archives/kept/"); err != nil || old.ID != kept.ID {
			t.Errorf("PostByOldPath = %d, %v; want %d", old.ID, err, kept.ID)
		}
		if id, err := s.ImportedPostID(ctx, 77); err != nil || id != kept.ID {
			t.Errorf("ImportedPostID(77) = %d, %v; want %d", id, err, kept.ID)
		}
		// New rows written after the import get IDs past the kept ones (on PostgreSQL the sequences were moved).
		after := newPost(author.ID, "After", t0)
		createPost(t, s, &after, blog.PostTerms{})
		if after.ID <= 500 {
			t.Errorf("a post created after the import got ID %d; want more than 500", after.ID)
		}
		c := blog.Comment{PostID: after.ID, AuthorName: "Di", Body: "d", HTML: "<p>d</p>", Status: blog.CommentApproved, Created: t0}
		if err := s.CreateComment(ctx, &c); err != nil || c.ID <= 901 {
			t.Errorf("a comment created after the import got ID %d, %v; want more than 901", c.ID, err)
		}
	})
}

func TestImportRollsBackWhole(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		ctx := t.Context()
		s := newStore(t)
		author := createUser(t, s, "Ann", blog.RoleAdmin)
		before, err := s.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		stop := errors.New("line 9: broken")
		err = s.Import(ctx, func(tx *store.ImportTx) error {
			p := newPost(author.ID, "Doomed", t0)
			if err := tx.AddPost(ctx, &p, nil); err != nil {
				return err
			}
			if err := tx.Remember(ctx, "src", "post", "1", p.ID); err != nil {
				return err
			}
			return stop
		})
		if !errors.Is(err, stop) {
			t.Fatalf("Import = %v; want the error that stopped it", err)
		}
		after, err := s.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for table, n := range before {
			if after[table] != n {
				t.Errorf("%s has %d rows after a failed import; want %d", table, after[table], n)
			}
		}
	})
}
