package store_test

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/salon-blog/salon/internal/store"
)

// postgresDSN is the PostgreSQL server the conformance suite also runs on. CI always sets it (.ci/run starts a
// server); locally the PostgreSQL half runs when it is set.
var postgresDSN = os.Getenv("SALON_TEST_POSTGRES")

// forEachEngine runs a conformance test, unchanged, on SQLite and on PostgreSQL, as subtests named after them.
func forEachEngine(t *testing.T, test func(t *testing.T)) {
	t.Helper()
	t.Run("sqlite", test)
	t.Run("postgres", func(t *testing.T) {
		if postgresDSN == "" {
			if os.Getenv("CI") != "" {
				t.Fatal("SALON_TEST_POSTGRES is not set: in CI the PostgreSQL half of the suite must run")
			}
			t.Skip("SALON_TEST_POSTGRES is not set")
		}
		test(t)
	})
}

// onPostgres reports whether the running (sub)test is the PostgreSQL half of forEachEngine.
func onPostgres(t testing.TB) bool { return strings.Contains(t.Name(), "/postgres") }

// testDatabase makes a fresh, empty database for one test and returns how to open it through the store, and a
// raw connection to it for checks. On PostgreSQL each test gets a schema of its own, dropped at the end.
func testDatabase(t testing.TB) (dsn string, raw func() *sql.DB) {
	t.Helper()
	if onPostgres(t) {
		return postgresSchema(t)
	}
	path := filepath.Join(t.TempDir(), store.DefaultDatabaseFile)
	return path, func() *sql.DB {
		t.Helper()
		return rawDB(t, "sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	}
}

func postgresSchema(t testing.TB) (string, func() *sql.DB) {
	t.Helper()
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	schema := "test_" + hex.EncodeToString(b)
	admin := rawDB(t, "pgx", postgresDSN)
	if _, err := admin.ExecContext(t.Context(), "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(postgresDSN)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	dsn := u.String()
	return dsn, func() *sql.DB { return rawDB(t, "pgx", dsn) }
}

func rawDB(t testing.TB, driver, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatalf("open raw connection: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("close raw connection: %v", err)
		}
	})
	return db
}

// newPostgresStore is a migrated, empty PostgreSQL store for a test that uses both engines at once.
func newPostgresStore(t *testing.T) *store.Store {
	t.Helper()
	dsn, _ := postgresSchema(t)
	s, err := store.Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	if _, err := s.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	return s
}
