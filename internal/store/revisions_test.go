package store_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/salon-blog/salon/internal/blog"
)

func TestRevisionsAndConflicts(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		s := newStore(t)
		ctx := t.Context()
		ann := createUser(t, s, "Ann", blog.RoleAuthor)
		bob := createUser(t, s, "Bob", blog.RoleEditor)
		p := newPost(ann.ID, "First", t0)
		createPost(t, s, &p, blog.PostTerms{Tags: []string{"go"}})
		first := p.Revision
		p, err := s.Post(ctx, p.ID) // with its terms
		if err != nil {
			t.Fatal(err)
		}

		// Ann opened the post at its first revision; Bob saves, then Ann saves from the revision she opened.
		bobs := p
		bobs.Body, bobs.Updated = "Bob's text.", t0.Add(time.Minute)
		if err := s.EditPost(ctx, &bobs, blog.TermsOf(&p), blog.Edit{By: bob.ID, Base: first}); err != nil {
			t.Fatalf("EditPost by Bob: %v", err)
		}
		if bobs.Revision == first {
			t.Fatalf("EditPost left Revision at %d", first)
		}
		anns := p
		anns.Body, anns.Updated = "Ann's text.", t0.Add(2*time.Minute)
		err = s.EditPost(ctx, &anns, blog.TermsOf(&p), blog.Edit{By: ann.ID, Base: first})
		if !blog.IsPostChanged(err) || blog.ErrorCode(err) != blog.ECONFLICT {
			t.Fatalf("EditPost from an outdated revision = %v; want ErrPostChanged", err)
		}
		got, err := s.Post(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Body != "Bob's text." || got.Revision != bobs.Revision || len(got.Tags) != 1 {
			t.Errorf("after the refused save: body %q revision %d tags %v; want Bob's, %d, [go]", got.Body, got.Revision, got.Tags, bobs.Revision)
		}

		// Starting from the current revision, Ann's save goes through.
		if err := s.EditPost(ctx, &anns, blog.TermsOf(&got), blog.Edit{By: ann.ID, Base: got.Revision}); err != nil {
			t.Fatalf("EditPost from the current revision: %v", err)
		}
		revs, err := s.Revisions(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		type row struct {
			ID      int64
			By      string
			Created time.Time
		}
		var rows []row
		for _, r := range revs {
			rows = append(rows, row{r.ID, r.UserName, r.Created})
			if r.Body != "" {
				t.Errorf("Revisions() returned the body of revision %d", r.ID)
			}
		}
		wantRows := []row{{anns.Revision, "Ann", t0.Add(2 * time.Minute)}, {bobs.Revision, "Bob", t0.Add(time.Minute)}, {first, "Ann", t0}}
		if diff := cmp.Diff(wantRows, rows); diff != "" {
			t.Errorf("Revisions() newest first (-want +got):\n%s", diff)
		}
		r, err := s.Revision(ctx, p.ID, bobs.Revision)
		if err != nil || r.Body != "Bob's text." || r.Title != "First" || r.UserID != bob.ID {
			t.Errorf("Revision(Bob's) = %+v, %v", r, err)
		}
		other := newPost(ann.ID, "Other", t0)
		createPost(t, s, &other, blog.PostTerms{})
		if _, err := s.Revision(ctx, other.ID, bobs.Revision); blog.ErrorCode(err) != blog.ENOTFOUND {
			t.Errorf("Revision of another post = %v; want ENOTFOUND", err)
		}

		// UpdatePost (the operator's tools) records a revision by the author without checking.
		old := anns
		old.Title, old.Updated = "Retitled", t0.Add(3*time.Minute)
		if err := s.UpdatePost(ctx, &old, blog.PostTerms{}); err != nil {
			t.Fatal(err)
		}
		if revs, _ := s.Revisions(ctx, p.ID); len(revs) != 4 || revs[0].UserName != "Ann" || revs[0].Title != "Retitled" {
			t.Errorf("after UpdatePost the revisions are %+v", revs)
		}
	})
}

func TestAutosave(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		s := newStore(t)
		ctx := t.Context()
		ann := createUser(t, s, "Ann", blog.RoleAuthor)
		bob := createUser(t, s, "Bob", blog.RoleEditor)
		p := newPost(ann.ID, "Published", t0)
		createPost(t, s, &p, blog.PostTerms{})

		if _, err := s.Autosave(ctx, p.ID, ann.ID); blog.ErrorCode(err) != blog.ENOTFOUND {
			t.Fatalf("Autosave before any = %v; want ENOTFOUND", err)
		}
		for i, body := range []string{"typing", "typing more"} {
			if err := s.SaveAutosave(ctx, blog.Revision{PostID: p.ID, UserID: ann.ID, Title: "Published", Body: body,
				Created: t0.Add(time.Duration(i+1) * time.Minute)}); err != nil {
				t.Fatalf("SaveAutosave(%q): %v", body, err)
			}
		}
		if err := s.SaveAutosave(ctx, blog.Revision{PostID: p.ID, UserID: bob.ID, Title: "Bob's", Body: "bob", Created: t0}); err != nil {
			t.Fatal(err)
		}
		a, err := s.Autosave(ctx, p.ID, ann.ID)
		if err != nil || a.Body != "typing more" || !a.Created.Equal(t0.Add(2*time.Minute)) || a.UserName != "Ann" {
			t.Errorf("Autosave(Ann) = %+v, %v; want the second one, replacing the first", a, err)
		}
		got, err := s.Post(ctx, p.ID)
		if err != nil || got.Body != p.Body || got.Revision != p.Revision {
			t.Errorf("an autosave changed the post: %+v, %v", got, err)
		}
		if revs, _ := s.Revisions(ctx, p.ID); len(revs) != 1 {
			t.Errorf("an autosave added a revision: %d", len(revs))
		}
		if err := s.SaveAutosave(ctx, blog.Revision{PostID: 999, UserID: ann.ID, Created: t0}); blog.ErrorCode(err) != blog.ENOTFOUND {
			t.Errorf("SaveAutosave of a missing post = %v; want ENOTFOUND", err)
		}

		// Ann's save drops her autosave, not Bob's.
		p.Body, p.Updated = "saved", t0.Add(5*time.Minute)
		if err := s.EditPost(ctx, &p, blog.PostTerms{}, blog.Edit{By: ann.ID, Base: p.Revision}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Autosave(ctx, p.ID, ann.ID); blog.ErrorCode(err) != blog.ENOTFOUND {
			t.Errorf("Ann's autosave after her save = %v; want ENOTFOUND", err)
		}
		if _, err := s.Autosave(ctx, p.ID, bob.ID); err != nil {
			t.Errorf("Bob's autosave after Ann's save = %v; want it kept", err)
		}
		if err := s.DeleteAutosave(ctx, p.ID, bob.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Autosave(ctx, p.ID, bob.ID); blog.ErrorCode(err) != blog.ENOTFOUND {
			t.Errorf("Bob's autosave after DeleteAutosave = %v", err)
		}
	})
}

func TestTrash(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		s := newStore(t)
		ctx := t.Context()
		s.Now = func() time.Time { return t0.Add(time.Hour) }
		ann := createUser(t, s, "Ann", blog.RoleAuthor)
		kept := newPost(ann.ID, "Kept", t0)
		gone := newPost(ann.ID, "Gone", t0.Add(-time.Hour))
		createPost(t, s, &kept, blog.PostTerms{})
		createPost(t, s, &gone, blog.PostTerms{Tags: []string{"go"}})

		if err := s.DeletePost(ctx, gone.ID); blog.ErrorCode(err) != blog.EINVALID {
			t.Fatalf("DeletePost out of the trash = %v; want EINVALID", err)
		}
		if err := s.TrashPost(ctx, gone.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.TrashPost(ctx, gone.ID); err != nil {
			t.Errorf("TrashPost twice = %v; want nil", err)
		}
		if err := s.TrashPost(ctx, 999); blog.ErrorCode(err) != blog.ENOTFOUND {
			t.Errorf("TrashPost(999) = %v; want ENOTFOUND", err)
		}
		p, err := s.Post(ctx, gone.ID)
		if err != nil || !p.Trashed.Equal(t0.Add(time.Hour)) || p.Status != blog.StatusPublish || p.IsPublic(t0.Add(time.Hour)) {
			t.Errorf("trashed post = %+v, %v; want trashed at t0+1h, still publish, not public", p, err)
		}
		lists := map[string]blog.PostFilter{
			"public":               {PublicAt: t0.Add(time.Hour)},
			"default":              {},
			"trash":                {Trash: true},
			"public ignores Trash": {PublicAt: t0.Add(time.Hour), Trash: true},
			"tag":                  {TagID: p.Tags[0].ID},
		}
		want := map[string][]string{"public": {"kept"}, "default": {"kept"}, "trash": {"gone"}, "public ignores Trash": {"kept"}, "tag": nil}
		for name, f := range lists {
			posts, total, err := s.Posts(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want[name], slugs(posts)); diff != "" || total != len(want[name]) {
				t.Errorf("Posts(%s) = %v (total %d); diff:\n%s", name, slugs(posts), total, diff)
			}
		}
		counts, err := s.PostCounts(ctx, blog.PostFilter{Type: blog.TypePost})
		if err != nil || counts["publish"] != 1 || counts["trash"] != 1 || len(counts) != 2 {
			t.Errorf("PostCounts = %v, %v; want 1 publish, 1 trash", counts, err)
		}

		if err := s.RestorePost(ctx, gone.ID); err != nil {
			t.Fatal(err)
		}
		if p, _ := s.Post(ctx, gone.ID); p.InTrash() || !p.IsPublic(t0.Add(time.Hour)) {
			t.Errorf("restored post: trashed %v", p.Trashed)
		}
		if err := s.TrashPost(ctx, gone.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.DeletePost(ctx, gone.ID); err != nil {
			t.Fatalf("DeletePost from the trash: %v", err)
		}
		if _, err := s.Post(ctx, gone.ID); blog.ErrorCode(err) != blog.ENOTFOUND {
			t.Errorf("Post after DeletePost = %v; want ENOTFOUND", err)
		}
		if revs, err := s.Revisions(ctx, gone.ID); err != nil || len(revs) != 0 {
			t.Errorf("revisions of a deleted post: %d, %v", len(revs), err)
		}
	})
}

func TestAdminListFilters(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		s := newStore(t)
		ctx := t.Context()
		ann := createUser(t, s, "Ann", blog.RoleAuthor)
		for i, title := range []string{"banana 50% off", "Apple pie", "cherry_tart", "Banana bread"} {
			p := newPost(ann.ID, title, t0.Add(time.Duration(i)*time.Hour))
			p.Updated = t0.Add(time.Duration(10-i) * time.Hour)
			createPost(t, s, &p, blog.PostTerms{})
		}
		tests := []struct {
			name string
			f    blog.PostFilter
			want []string
		}{
			{"newest first", blog.PostFilter{}, []string{"banana-bread", "cherry-tart", "apple-pie", "banana-50-off"}},
			{"oldest first", blog.PostFilter{Ascending: true}, []string{"banana-50-off", "apple-pie", "cherry-tart", "banana-bread"}},
			{"title A to Z", blog.PostFilter{Sort: blog.SortByTitle, Ascending: true}, []string{"apple-pie", "banana-50-off", "banana-bread", "cherry-tart"}},
			{"modified, newest first", blog.PostFilter{Sort: blog.SortByModified}, []string{"banana-50-off", "apple-pie", "cherry-tart", "banana-bread"}},
			{"search, any case", blog.PostFilter{Search: "BANANA"}, []string{"banana-bread", "banana-50-off"}},
			{"search % literally", blog.PostFilter{Search: "50%"}, []string{"banana-50-off"}},
			{"search _ literally", blog.PostFilter{Search: "a_t"}, nil}, // "tart" would match a wildcard
			{"page 2 of 2", blog.PostFilter{Sort: blog.SortByTitle, Ascending: true, Limit: 3, Offset: 3}, []string{"cherry-tart"}},
			{"page 1 of 2, Z to A", blog.PostFilter{Sort: blog.SortByTitle, Limit: 3}, []string{"cherry-tart", "banana-bread", "banana-50-off"}},
		}
		for _, tt := range tests {
			posts, _, err := s.Posts(ctx, tt.f)
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			if diff := cmp.Diff(tt.want, slugs(posts)); diff != "" {
				t.Errorf("%s: Posts() (-want +got):\n%s", tt.name, diff)
			}
		}
	})
}
