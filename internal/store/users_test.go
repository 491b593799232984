package store_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/store"
)

// createUser stores a user named name, with an email and slug made from it.
func createUser(t testing.TB, s *store.Store, name string, role blog.Role) blog.User {
	t.Helper()
	slug := blog.Slugify(name)
	u := blog.User{Email: slug + "@example.com", Name: name, Slug: slug, Role: role, PasswordHash: "$argon2id$v=19$m=65536,t=1,p=2$c2FsdA$aGFzaA"}
	if err := s.CreateUser(t.Context(), &u); err != nil {
		t.Fatalf("CreateUser(%q) error: %v", name, err)
	}
	return u
}

func TestCreateUser(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		s := newStore(t)
		ctx := t.Context()
		s.Now = func() time.Time { return t0 }
		u := blog.User{Email: "ann@example.com", Name: "Ann Lee", Slug: "ann-lee", Role: blog.RoleEditor, PasswordHash: "hash"}
		if err := s.CreateUser(ctx, &u); err != nil {
			t.Fatalf("CreateUser() error: %v", err)
		}
		if u.ID == 0 || !u.Created.Equal(t0) {
			t.Errorf("after CreateUser, ID = %d, Created = %v; want an ID and %v", u.ID, u.Created, t0)
		}
		for name, find := range map[string]func() (blog.User, error){
			"UserByID":    func() (blog.User, error) { return s.UserByID(ctx, u.ID) },
			"UserByEmail": func() (blog.User, error) { return s.UserByEmail(ctx, "ann@example.com") },
			"UserBySlug":  func() (blog.User, error) { return s.UserBySlug(ctx, "ann-lee") },
		} {
			got, err := find()
			if err != nil {
				t.Errorf("%s error: %v", name, err)
				continue
			}
			if diff := cmp.Diff(u, got); diff != "" {
				t.Errorf("%s mismatch (-want +got):\n%s", name, diff)
			}
		}
	})
}

// TestUserCreatedIsUTC: every time the store returns is in UTC, as Post's are.
func TestUserCreatedIsUTC(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		s := newStore(t)
		s.Now = func() time.Time { return t0 }
		u := createUser(t, s, "Ann", blog.RoleAdmin)
		got, err := s.UserByID(t.Context(), u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Created.Location() != time.UTC {
			t.Errorf("UserByID().Created.Location() = %v; want UTC", got.Created.Location())
		}
	})
}

func TestCreateUserDuplicateEmail(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		s, db := newStoreDB(t)
		ctx := t.Context()
		createUser(t, s, "Ann", blog.RoleAdmin)
		dup := blog.User{Email: "ann@example.com", Name: "Another Ann", Slug: "another-ann", Role: blog.RoleAuthor, PasswordHash: "x"}
		err := s.CreateUser(ctx, &dup)
		wantCode(t, "CreateUser(duplicate email)", err, blog.ECONFLICT)
		if dup.ID != 0 {
			t.Errorf("a refused CreateUser set ID = %d; want 0", dup.ID)
		}
		if n := count(t, db, "users"); n != 1 {
			t.Errorf("users after a refused CreateUser = %d; want 1", n)
		}
	})
}

func TestCreateUserSameName(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		s := newStore(t)
		ctx := t.Context()
		var got []string
		for i, email := range []string{"ann1@example.com", "ann2@example.com", "ann3@example.com"} {
			u := blog.User{Email: email, Name: "Ann", Slug: "ann", Role: blog.RoleAuthor, PasswordHash: "x"}
			if err := s.CreateUser(ctx, &u); err != nil {
				t.Fatalf("CreateUser #%d error: %v", i+1, err)
			}
			got = append(got, u.Slug)
		}
		if diff := cmp.Diff([]string{"ann", "ann-2", "ann-3"}, got); diff != "" {
			t.Errorf("slugs of three users named Ann mismatch (-want +got):\n%s", diff)
		}
		u, err := s.UserBySlug(ctx, "ann-2")
		if err != nil || u.Email != "ann2@example.com" {
			t.Errorf("UserBySlug(%q) = %q, %v; want %q", "ann-2", u.Email, err, "ann2@example.com")
		}
	})
}

func TestUsers(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		s := newStore(t)
		ctx := t.Context()
		users, err := s.Users(ctx)
		if err != nil || len(users) != 0 {
			t.Fatalf("Users() on an empty store = %v, %v; want none", users, err)
		}
		var want []string
		for _, name := range []string{"Zoe", "Ann", "Mia"} {
			want = append(want, createUser(t, s, name, blog.RoleAuthor).Name)
		}
		users, err = s.Users(ctx)
		if err != nil {
			t.Fatalf("Users() error: %v", err)
		}
		var got []string
		for _, u := range users {
			got = append(got, u.Name)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Users() order mismatch (-want +got):\n%s", diff)
		}
	})
}

func TestUserNotFound(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		s := newStore(t)
		ctx := t.Context()
		u := createUser(t, s, "Ann", blog.RoleAuthor)
		for name, find := range map[string]func() (blog.User, error){
			"UserByID":    func() (blog.User, error) { return s.UserByID(ctx, u.ID+1) },
			"UserByEmail": func() (blog.User, error) { return s.UserByEmail(ctx, "nobody@example.com") },
			"UserBySlug":  func() (blog.User, error) { return s.UserBySlug(ctx, "nobody") },
			"FirstAdmin":  func() (blog.User, error) { return s.FirstAdmin(ctx) },
		} {
			_, err := find()
			if code := blog.ErrorCode(err); code != blog.ENOTFOUND {
				t.Errorf("%s = %v (code %q); want %q", name, err, code, blog.ENOTFOUND)
			}
		}
	})
}

func TestFirstAdmin(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		s := newStore(t)
		ctx := t.Context()
		createUser(t, s, "Ed", blog.RoleEditor)
		first := createUser(t, s, "Ann", blog.RoleAdmin)
		createUser(t, s, "Bob", blog.RoleAdmin)
		createUser(t, s, "Al", blog.RoleAuthor)
		got, err := s.FirstAdmin(ctx)
		if err != nil {
			t.Fatalf("FirstAdmin() error: %v", err)
		}
		if got.ID != first.ID {
			t.Errorf("FirstAdmin() = %q; want %q, the oldest admin", got.Name, first.Name)
		}
	})
}
