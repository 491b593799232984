package store_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/store"
)

// signedIn reports whether any session of the user is stored.
func signedIn(t *testing.T, s *store.Store, hash string) bool {
	t.Helper()
	_, err := s.SessionUser(t.Context(), hash)
	if err != nil && blog.ErrorCode(err) != blog.ENOTFOUND {
		t.Fatal(err)
	}
	return err == nil
}

func startSession(t *testing.T, s *store.Store, hash string, userID int64) {
	t.Helper()
	if err := s.CreateSession(t.Context(), hash, userID, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
}

func TestUserPostCounts(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		s := newStore(t)
		ann, bob := createUser(t, s, "Ann", blog.RoleAuthor), createUser(t, s, "Bob", blog.RoleAuthor)
		createUser(t, s, "Cy", blog.RoleContributor)
		for i, title := range []string{"One", "Two", "Three"} {
			p := newPost(ann.ID, title, t0)
			if i == 2 {
				p.AuthorID, p.Status = bob.ID, blog.StatusDraft
			}
			createPost(t, s, &p, blog.PostTerms{})
		}
		got, err := s.UserPostCounts(t.Context())
		if err != nil {
			t.Fatalf("UserPostCounts() error: %v", err)
		}
		if diff := cmp.Diff(map[int64]int{ann.ID: 2, bob.ID: 1}, got); diff != "" {
			t.Errorf("UserPostCounts() mismatch (-want +got):\n%s", diff)
		}
	})
}

func TestEditUser(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		s := newStore(t)
		ctx := t.Context()
		ann, bob := createUser(t, s, "Ann", blog.RoleAdmin), createUser(t, s, "Bob", blog.RoleAuthor)
		startSession(t, s, "ann", ann.ID)
		startSession(t, s, "bob", bob.ID)

		// Name and email change; the slug and password stay, and so does the session.
		edited := bob
		edited.Name, edited.Email, edited.Slug, edited.PasswordHash = "Robert", "robert@example.com", "ignored", "ignored"
		if err := s.EditUser(ctx, edited); err != nil {
			t.Fatalf("EditUser(Bob) error: %v", err)
		}
		got, err := s.UserByID(ctx, bob.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := bob
		want.Name, want.Email = "Robert", "robert@example.com"
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("after EditUser (-want +got):\n%s", diff)
		}
		if !signedIn(t, s, "bob") {
			t.Error("editing Bob's name signed him out; only a change of role should")
		}

		// A change of role signs the user out everywhere.
		got.Role = blog.RoleEditor
		if err := s.EditUser(ctx, got); err != nil {
			t.Fatalf("EditUser(Bob as editor) error: %v", err)
		}
		if signedIn(t, s, "bob") {
			t.Error("Bob is still signed in after his role changed")
		}

		// The only administrator cannot be demoted; once there is another, they can.
		ann.Role = blog.RoleEditor
		err = s.EditUser(ctx, ann)
		wantCode(t, "EditUser(the only admin as editor)", err, blog.ECONFLICT)
		if !strings.Contains(blog.ErrorMessage(err), "only administrator") {
			t.Errorf("EditUser(the only admin) message = %q; want it to say why", blog.ErrorMessage(err))
		}
		if u, _ := s.UserByID(ctx, ann.ID); u.Role != blog.RoleAdmin || !signedIn(t, s, "ann") {
			t.Errorf("after a refused demotion Ann is %s, signed in %v; want admin, signed in", u.Role, signedIn(t, s, "ann"))
		}
		got.Role = blog.RoleAdmin
		if err := s.EditUser(ctx, got); err != nil {
			t.Fatal(err)
		}
		if err := s.EditUser(ctx, ann); err != nil {
			t.Errorf("EditUser(Ann as editor, with Bob an admin) error: %v", err)
		}

		for _, tt := range []struct {
			name string
			u    blog.User
			code string
		}{
			{"email of another", blog.User{ID: bob.ID, Name: "Robert", Email: "ann@example.com", Role: blog.RoleAdmin}, blog.ECONFLICT},
			{"bad email", blog.User{ID: bob.ID, Name: "Robert", Email: "robert", Role: blog.RoleAdmin}, blog.EINVALID},
			{"no name", blog.User{ID: bob.ID, Name: " ", Email: "robert@example.com", Role: blog.RoleAdmin}, blog.EINVALID},
			{"bad role", blog.User{ID: bob.ID, Name: "Robert", Email: "robert@example.com", Role: "owner"}, blog.EINVALID},
			{"no such user", blog.User{ID: 999, Name: "X", Email: "x@example.com", Role: blog.RoleAuthor}, blog.ENOTFOUND},
		} {
			wantCode(t, "EditUser("+tt.name+")", s.EditUser(ctx, tt.u), tt.code)
		}
	})
}

func TestDeleteUser(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		s, db := newStoreDB(t)
		ctx := t.Context()
		ann, bob := createUser(t, s, "Ann", blog.RoleAdmin), createUser(t, s, "Bob", blog.RoleAuthor)
		p := newPost(bob.ID, "Bob's post", t0)
		createPost(t, s, &p, blog.PostTerms{})
		page := newPost(bob.ID, "Bob's page", t0)
		page.Type = blog.TypePage
		createPost(t, s, &page, blog.PostTerms{})
		c := blog.Comment{PostID: p.ID, AuthorName: "Bob", AuthorEmail: bob.Email, UserID: bob.ID, Body: "Mine.", HTML: "<p>Mine.</p>",
			Status: blog.CommentApproved, Created: t0, Updated: t0}
		if err := s.CreateComment(ctx, &c); err != nil {
			t.Fatal(err)
		}
		startSession(t, s, "bob", bob.ID)
		upload := photo("bobs-photo", bob.ID)
		if err := s.CreateMedia(ctx, &upload); err != nil {
			t.Fatal(err)
		}

		wantCode(t, "DeleteUser(Bob, to himself)", s.DeleteUser(ctx, bob.ID, bob.ID), blog.EINVALID)
		wantCode(t, "DeleteUser(Bob, to nobody)", s.DeleteUser(ctx, bob.ID, 999), blog.EINVALID)
		wantCode(t, "DeleteUser(nobody)", s.DeleteUser(ctx, 999, ann.ID), blog.ENOTFOUND)
		wantCode(t, "DeleteUser(the only admin)", s.DeleteUser(ctx, ann.ID, bob.ID), blog.ECONFLICT)

		if err := s.DeleteUser(ctx, bob.ID, ann.ID); err != nil {
			t.Fatalf("DeleteUser(Bob, to Ann) error: %v", err)
		}
		if _, err := s.UserByID(ctx, bob.ID); blog.ErrorCode(err) != blog.ENOTFOUND {
			t.Errorf("UserByID(Bob) after deleting him = %v; want not found", err)
		}
		for _, id := range []int64{p.ID, page.ID} {
			if got, err := s.Post(ctx, id); err != nil || got.AuthorID != ann.ID {
				t.Errorf("Post(%d) after deleting its author = author %d, %v; want Ann (%d)", id, got.AuthorID, err, ann.ID)
			}
		}
		if got, err := s.Comment(ctx, c.ID); err != nil || got.UserID != 0 || got.AuthorName != "Bob" {
			t.Errorf("Comment(%d) after deleting its writer = %+v, %v; want kept, without its account", c.ID, got, err)
		}
		if got, err := s.Media(ctx, upload.ID); err != nil || got.Uploader != ann.ID {
			t.Errorf("Media(%d) after deleting its uploader = uploader %d, %v; want Ann (%d)", upload.ID, got.Uploader, err, ann.ID)
		}
		if signedIn(t, s, "bob") || count(t, db, "sessions") != 0 {
			t.Error("Bob's session outlived him")
		}
	})
}

// Two administrators demoting each other at once: one succeeds, the other is refused, and an admin remains.
func TestLastAdminRace(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		s := newStore(t)
		ann, bob := createUser(t, s, "Ann", blog.RoleAdmin), createUser(t, s, "Bob", blog.RoleAdmin)
		for range 5 {
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i, u := range []blog.User{ann, bob} {
				wg.Go(func() {
					u.Role = blog.RoleEditor
					errs[i] = s.EditUser(t.Context(), u)
				})
			}
			wg.Wait()
			if (errs[0] == nil) == (errs[1] == nil) {
				t.Fatalf("two admins demoting themselves at once = %v and %v; want exactly one refused", errs[0], errs[1])
			}
			users, err := s.Users(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			admins := 0
			for _, u := range users {
				if u.Role == blog.RoleAdmin {
					admins++
				}
			}
			if admins != 1 {
				t.Fatalf("after the race there are %d admins; want 1", admins)
			}
			for _, u := range []blog.User{ann, bob} { // both admins again for the next round
				if err := s.EditUser(t.Context(), u); err != nil {
					t.Fatal(err)
				}
			}
		}
	})
}
