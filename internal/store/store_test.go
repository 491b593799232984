package store_test

import (
	"database/sql"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite" // the "sqlite" driver for the raw connections below

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/store"
)

// The tests in this package take their database from openStore or newStore, and speak only through the Store's
// methods or, rarely, portable SQL on the raw connection those return; so that they can run unchanged on every
// engine the store supports. Adding PostgreSQL means adding it to testDatabase.

// openStore opens a new, empty, unmigrated database, and a raw connection to it.
func openStore(t testing.TB) (*store.Store, *sql.DB) {
	t.Helper()
	dsn, raw := testDatabase(t)
	s, err := store.Open(t.Context(), dsn)
	if err != nil {
		t.Fatalf("Open(%q) error: %v", dsn, err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close() error: %v", err)
		}
	})
	return s, raw()
}

// newStore returns a migrated, empty store that is closed when the test ends.
func newStore(t testing.TB) *store.Store {
	t.Helper()
	s, _ := newStoreDB(t)
	return s
}

// newStoreDB is newStore with a raw connection to the same database.
func newStoreDB(t testing.TB) (*store.Store, *sql.DB) {
	t.Helper()
	s, db := openStore(t)
	if _, err := s.Migrate(t.Context()); err != nil {
		t.Fatalf("Migrate() error: %v", err)
	}
	return s, db
}

// t0 is the tests' "now": a fixed instant, so that no test depends on the wall clock.
var t0 = time.Date(2024, 5, 17, 10, 0, 0, 0, time.UTC)

// wantCode fails the test unless err carries the given code.
func wantCode(t testing.TB, call string, err error, code string) {
	t.Helper()
	if got := blog.ErrorCode(err); got != code {
		t.Fatalf("%s error = %v (code %q); want code %q", call, err, got, code)
	}
}

// count returns the number of rows in a table, through the raw connection.
func count(t testing.TB, db *sql.DB, table string) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(t.Context(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

var tables = []string{"users", "posts", "post_old_slugs", "terms", "post_terms", "settings"}

func TestMigrate(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		s, db := openStore(t)
		ctx := t.Context()
		for _, table := range tables {
			if _, err := db.ExecContext(ctx, "SELECT count(*) FROM "+table); err == nil {
				t.Fatalf("table %s exists before Migrate", table)
			}
		}

		applied, err := s.Migrate(ctx)
		if err != nil {
			t.Fatalf("Migrate() error: %v", err)
		}
		if len(applied) == 0 || applied[0] != 1 || !slices.IsSorted(applied) || len(slices.Compact(slices.Clone(applied))) != len(applied) {
			t.Errorf("Migrate() = %v; want the versions applied, from 1, ascending", applied)
		}
		for _, table := range tables {
			if n := count(t, db, table); n != 0 {
				t.Errorf("table %s has %d rows after Migrate; want 0", table, n)
			}
		}

		again, err := s.Migrate(ctx)
		if err != nil {
			t.Fatalf("second Migrate() error: %v", err)
		}
		if len(again) != 0 {
			t.Errorf("second Migrate() = %v; want none applied", again)
		}
		if err := s.Ping(ctx); err != nil {
			t.Errorf("Ping() = %v; want nil", err)
		}
	})
}

// TestMigrateReopen: data and the migration state survive closing and opening the database again.
func TestMigrateReopen(t *testing.T) {
	ctx := t.Context()
	dsn, _ := testDatabase(t)
	s, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatalf("Open(%q) error: %v", dsn, err)
	}
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatalf("Migrate() error: %v", err)
	}
	u := blog.User{Email: "ann@example.com", Name: "Ann", Slug: "ann", Role: blog.RoleAdmin, PasswordHash: "x"}
	if err := s.CreateUser(ctx, &u); err != nil {
		t.Fatalf("CreateUser() error: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close() error: %v", err)
	}

	for _, reopen := range []string{dsn, "sqlite:" + dsn, "file:" + dsn, "file:" + dsn + "?mode=ro"} {
		s, err := store.Open(ctx, reopen)
		if err != nil {
			t.Fatalf("Open(%q) error: %v", reopen, err)
		}
		if applied, err := s.Migrate(ctx); err != nil || len(applied) != 0 {
			t.Errorf("Migrate() after reopening with %q = %v, %v; want none applied", reopen, applied, err)
		}
		if got, err := s.UserByEmail(ctx, u.Email); err != nil || got.ID != u.ID {
			t.Errorf("UserByEmail(%q) after reopening with %q = %+v, %v; want user %d", u.Email, reopen, got, err, u.ID)
		}
		if err := s.Close(); err != nil {
			t.Errorf("Close() error: %v", err)
		}
	}
}

// TestOpenErrors covers what an administrator can get wrong about a SQLite file; each failure is an *Error whose
// message says what to fix.
func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	random := make([]byte, 8192)
	rng := rand.New(rand.NewChaCha8([32]byte{}))
	for i := range random {
		random[i] = byte(rng.Uint32())
	}
	write := func(name string, content []byte) string {
		t.Helper()
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, content, 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	tests := []struct {
		name     string
		dsn      string
		wantCode string
		wantMsg  string
	}{
		{"random bytes", write("random.db", random), blog.EINVALID, "is not a SQLite database, or it is corrupt"},
		{"a text file", write("notes.db", []byte("Dear diary,\nthis is not a database.\n")), blog.EINVALID, "is not a SQLite database, or it is corrupt"},
		{"a long text file", write("long.db", []byte(strings.Repeat("Dear diary, this is not a database.\n", 200))), blog.EINVALID, "is not a SQLite database, or it is corrupt"},
		{"a missing folder", filepath.Join(dir, "no", "such", "folder", "salon.db"), blog.EINVALID, "does not exist"},
		{"a file as the folder", filepath.Join(write("plain", []byte("x")), "salon.db"), blog.EINVALID, "does not exist"},
		{"empty", "", blog.EINVALID, "names no file"},
		{"sqlite: alone", "sqlite:", blog.EINVALID, "names no file"},
		{"file: with only options", "file:?mode=ro", blog.EINVALID, "names no file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var before []byte
			if fi, err := os.Stat(tt.dsn); err == nil && !fi.IsDir() {
				before, _ = os.ReadFile(tt.dsn)
			}
			s, err := store.Open(t.Context(), tt.dsn)
			if err == nil {
				s.Close()
				t.Fatalf("Open(%q) = nil error; want %q", tt.dsn, tt.wantMsg)
			}
			if code := blog.ErrorCode(err); code != tt.wantCode {
				t.Errorf("Open(%q) code = %q (%v); want %q", tt.dsn, code, err, tt.wantCode)
			}
			if msg := blog.ErrorMessage(err); !strings.Contains(msg, tt.wantMsg) {
				t.Errorf("Open(%q) = %q; want a message containing %q", tt.dsn, msg, tt.wantMsg)
			}
			if before != nil {
				after, err := os.ReadFile(tt.dsn)
				if err != nil || string(after) != string(before) {
					t.Errorf("Open(%q) changed the file it refused", tt.dsn)
				}
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "no")); !os.IsNotExist(err) {
		t.Errorf("Open created the missing folder: Stat = %v", err)
	}
}

// TestOpenPathWithURICharacters: the store hands SQLite a file: URI, so characters that mean something in a URI
// must be escaped, or Open silently uses another file.
func TestOpenPathWithURICharacters(t *testing.T) {
	for _, tt := range []struct{ name, folder string }{
		{"hash", "a#b"}, // the name is also in t.TempDir(), so it must not hold the character itself
		{"percent", "50%25"},
		{"space", "with space"},
		{"unicode", "ünïcødé"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := t.Context()
			dir := filepath.Join(t.TempDir(), tt.folder)
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, "salon.db")
			s, err := store.Open(ctx, path)
			if err != nil {
				t.Fatalf("Open(%q) error: %v", path, err)
			}
			defer s.Close()
			if _, err := s.Migrate(ctx); err != nil {
				t.Fatalf("Migrate() error: %v", err)
			}
			if _, err := os.Stat(path); err != nil {
				t.Errorf("after Open(%q) and Migrate: %v; want the database in that file", path, err)
			}
			entries, err := os.ReadDir(filepath.Dir(dir))
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != 1 {
				var names []string
				for _, e := range entries {
					names = append(names, e.Name())
				}
				t.Errorf("Open(%q) created files beside its folder: %q", path, names)
			}
		})
	}
}

// TestOpenPostgresErrors: each way of failing to reach PostgreSQL gets a sentence that says what to check, and
// never the password.
func TestOpenPostgresErrors(t *testing.T) {
	tests := []struct {
		name, dsn, code, want string
		needsServer           bool
	}{
		{"nothing listening", "postgres://salon:secret@127.0.0.1:1/salon?connect_timeout=2", blog.EUNAVAILABLE, "cannot reach PostgreSQL database \"salon\" on 127.0.0.1:1", false},
		{"bad pool size", "postgres://salon:secret@127.0.0.1:1/salon?pool_max_conns=lots", blog.EINVALID, "pool_max_conns", false},
		{"wrong password", withCredentials(postgresDSN, "salon", "wrong-secret"), blog.EINVALID, "refused the login", true},
		{"no such database", withDatabase(postgresDSN, "salon_no_such_db"), blog.EINVALID, "does not exist", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.needsServer && postgresDSN == "" {
				t.Skip("SALON_TEST_POSTGRES is not set")
			}
			s, err := store.Open(t.Context(), tt.dsn)
			if err == nil {
				s.Close()
				t.Fatalf("Open(%q) = nil error", tt.dsn)
			}
			wantCode(t, "Open", err, tt.code)
			if msg := blog.ErrorMessage(err); !strings.Contains(msg, tt.want) || strings.Contains(msg, "secret") {
				t.Errorf("Open error = %q; want it to contain %q and no password", msg, tt.want)
			}
		})
	}
}

func withCredentials(dsn, user, password string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn
	}
	u.User = url.UserPassword(user, password)
	return u.String()
}

func withDatabase(dsn, db string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn
	}
	u.Path = "/" + db
	return u.String()
}
