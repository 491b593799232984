package store_test

import (
	"bytes"
	"sync"
	"testing"
	"time"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/store"
)

func TestSessions(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		s := newStore(t)
		ctx := t.Context()
		now := t0
		s.Now = func() time.Time { return now }
		ann := createUser(t, s, "Ann", blog.RoleAdmin)
		bob := createUser(t, s, "Bob", blog.RoleAuthor)

		for hash, u := range map[string]blog.User{"ann-1": ann, "ann-2": ann, "bob-1": bob} {
			if err := s.CreateSession(ctx, hash, u.ID, t0.Add(time.Hour)); err != nil {
				t.Fatalf("CreateSession(%s) error: %v", hash, err)
			}
		}
		if err := s.CreateSession(ctx, "ann-1", bob.ID, t0.Add(time.Hour)); err == nil {
			t.Error("CreateSession with a token hash in use succeeded")
		}
		if err := s.CreateSession(ctx, "nobody", 999, t0.Add(time.Hour)); err == nil {
			t.Error("CreateSession for a missing user succeeded")
		}

		live := func(hash string, want int64) {
			t.Helper()
			u, err := s.SessionUser(ctx, hash)
			switch {
			case want == 0:
				wantCode(t, "SessionUser("+hash+")", err, blog.ENOTFOUND)
			case err != nil:
				t.Errorf("SessionUser(%s) error: %v; want user %d", hash, err, want)
			case u.ID != want:
				t.Errorf("SessionUser(%s) = user %d; want %d", hash, u.ID, want)
			}
		}
		live("ann-1", ann.ID)
		live("bob-1", bob.ID)
		live("unknown", 0)
		if u, _ := s.SessionUser(ctx, "ann-1"); u.Email != ann.Email || u.Role != blog.RoleAdmin || u.Name != "Ann" {
			t.Errorf("SessionUser(ann-1) = %+v; want Ann in full", u)
		}
		if _, err := s.SessionUser(ctx, "unknown"); blog.ErrorMessage(err) != "the session has expired; please sign in again" {
			t.Errorf("SessionUser(unknown) message = %q", blog.ErrorMessage(err))
		}

		if err := s.DeleteSession(ctx, "ann-1"); err != nil {
			t.Fatalf("DeleteSession error: %v", err)
		}
		live("ann-1", 0)
		live("ann-2", ann.ID)
		if err := s.DeleteSession(ctx, "ann-1"); err != nil {
			t.Errorf("DeleteSession of a deleted session error: %v; want nil", err)
		}

		if err := s.DeleteUserSessions(ctx, ann.ID); err != nil {
			t.Fatalf("DeleteUserSessions error: %v", err)
		}
		live("ann-2", 0)
		live("bob-1", bob.ID)
	})
}

func TestSessionExpiry(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		s := newStore(t)
		ctx := t.Context()
		now := t0
		s.Now = func() time.Time { return now }
		ann := createUser(t, s, "Ann", blog.RoleAdmin)
		if err := s.CreateSession(ctx, "h", ann.ID, t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct {
			at   time.Duration
			live bool
		}{
			{0, true},
			{59*time.Minute + 59*time.Second, true},
			{time.Hour, false}, // expires_at is the first instant it is dead
			{time.Hour + time.Second, false},
			{48 * time.Hour, false},
		} {
			now = t0.Add(tt.at)
			_, err := s.SessionUser(ctx, "h")
			if live := err == nil; live != tt.live {
				t.Errorf("SessionUser at t0+%v: live = %v (%v); want %v", tt.at, live, err, tt.live)
			}
		}
	})
}

// TestSessionExpiryClockZone: a clock in another zone than UTC, as a caller may hand the store, gives the same
// answers: the store compares instants, not their text.
func TestSessionExpiryClockZone(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		s := newStore(t)
		ctx := t.Context()
		west := time.FixedZone("UTC-5", -5*60*60)
		now := t0.In(west)
		s.Now = func() time.Time { return now }
		ann := createUser(t, s, "Ann", blog.RoleAdmin)
		if err := s.CreateSession(ctx, "h", ann.ID, t0.Add(time.Hour).In(west)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SessionUser(ctx, "h"); err != nil {
			t.Errorf("SessionUser before expiry with a UTC-5 clock: %v", err)
		}
		now = t0.Add(2 * time.Hour).In(west)
		if _, err := s.SessionUser(ctx, "h"); err == nil {
			t.Errorf("SessionUser an hour after expiry with a UTC-5 clock succeeded; want ENOTFOUND")
		}
	})
}

func TestSessionsGoWithTheirUser(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		s, db := newStoreDB(t)
		ann := createUser(t, s, "Ann", blog.RoleAdmin)
		if err := s.CreateSession(t.Context(), "h", ann.ID, time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if n := count(t, db, "sessions"); n != 1 {
			t.Fatalf("sessions = %d; want 1", n)
		}
		// A session's token is stored only as the hash the caller gives.
		var hash string
		if err := db.QueryRowContext(t.Context(), "SELECT token_hash FROM sessions").Scan(&hash); err != nil || hash != "h" {
			t.Errorf("stored token_hash = %q, %v; want %q", hash, err, "h")
		}
	})
}

func TestSiteKey(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		ctx := t.Context()
		dsn, _ := testDatabase(t)
		open := func() *store.Store {
			t.Helper()
			s, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Error(err)
				}
			})
			if _, err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			return s
		}
		s := open()
		key, err := s.SiteKey(ctx, "cookies")
		if err != nil {
			t.Fatalf("SiteKey(cookies) error: %v", err)
		}
		if len(key) != 32 || bytes.Equal(key, make([]byte, 32)) {
			t.Fatalf("SiteKey(cookies) = %x; want 32 random bytes", key)
		}
		again, err := s.SiteKey(ctx, "cookies")
		if err != nil || !bytes.Equal(again, key) {
			t.Errorf("second SiteKey(cookies) = %x, %v; want %x", again, err, key)
		}
		other, err := s.SiteKey(ctx, "tokens")
		if err != nil || len(other) != 32 || bytes.Equal(other, key) {
			t.Errorf("SiteKey(tokens) = %x, %v; want a different 32-byte key", other, err)
		}
		second := open()
		if got, err := second.SiteKey(ctx, "cookies"); err != nil || !bytes.Equal(got, key) {
			t.Errorf("SiteKey(cookies) from a second Store = %x, %v; want %x", got, err, key)
		}
	})
}

// TestSiteKeyRace: processes starting together agree on one key.
func TestSiteKeyRace(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		ctx := t.Context()
		dsn, _ := testDatabase(t)
		stores := make([]*store.Store, 4)
		for i := range stores {
			s, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Error(err)
				}
			})
			if i == 0 {
				if _, err := s.Migrate(ctx); err != nil {
					t.Fatal(err)
				}
			}
			stores[i] = s
		}
		keys := make([][]byte, 4*len(stores))
		errs := make([]error, len(keys))
		var wg sync.WaitGroup
		for i := range keys {
			wg.Go(func() { keys[i], errs[i] = stores[i%len(stores)].SiteKey(ctx, "race") })
		}
		wg.Wait()
		for i := range keys {
			if errs[i] != nil {
				t.Fatalf("SiteKey #%d error: %v", i, errs[i])
			}
			if !bytes.Equal(keys[i], keys[0]) {
				t.Errorf("SiteKey #%d = %x; want %x, the same for everyone", i, keys[i], keys[0])
			}
		}
	})
}
