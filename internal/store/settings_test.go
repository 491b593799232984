package store_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/salon-blog/salon/internal/blog"
)

func TestSettingsDefaults(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		s := newStore(t)
		got, err := s.Settings(t.Context())
		if err != nil {
			t.Fatalf("Settings() error: %v", err)
		}
		if diff := cmp.Diff(blog.DefaultSettings(), got); diff != "" {
			t.Errorf("Settings() on a new site mismatch (-want +got):\n%s", diff)
		}
	})
}

func TestSetSetting(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		s, db := newStoreDB(t)
		ctx := t.Context()
		want := blog.DefaultSettings()
		for _, tt := range []struct {
			key, value string
			apply      func(*blog.Settings)
		}{
			{"title", "Notes", func(st *blog.Settings) { st.Title = "Notes" }},
			{"tagline", "", func(st *blog.Settings) { st.Tagline = "" }},
			{"url", " https://example.com/blog/ ", func(st *blog.Settings) { st.URL = "https://example.com/blog" }},
			{"language", "fr-CA", func(st *blog.Settings) { st.Language = "fr-CA" }},
			{"timezone", "Europe/Paris", func(st *blog.Settings) { st.TimeZone = "Europe/Paris" }},
			{"posts_per_page", "25", func(st *blog.Settings) { st.PostsPerPage = 25 }},
			{"feed_items", "50", func(st *blog.Settings) { st.FeedItems = 50 }},
			{"permalink", "name", func(st *blog.Settings) { st.Permalink = blog.PermalinkPlain }},
			{"title", "Notes, again", func(st *blog.Settings) { st.Title = "Notes, again" }}, // overwrites
		} {
			if err := s.SetSetting(ctx, tt.key, tt.value); err != nil {
				t.Fatalf("SetSetting(%q, %q) error: %v", tt.key, tt.value, err)
			}
			tt.apply(&want)
			got, err := s.Settings(ctx)
			if err != nil {
				t.Fatalf("Settings() error: %v", err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Settings() after SetSetting(%q, %q) mismatch (-want +got):\n%s", tt.key, tt.value, diff)
			}
		}
		if n := count(t, db, "settings"); n != 8 {
			t.Errorf("rows in settings = %d; want 8, one a key", n)
		}
		var url string
		if err := db.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, "url").Scan(&url); err != nil {
			t.Fatal(err)
		}
		if want := "https://example.com/blog"; url != want {
			t.Errorf("stored url = %q; want the normalized %q", url, want)
		}
	})
}

func TestSetSettingInvalid(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		s, db := newStoreDB(t)
		ctx := t.Context()
		for _, tt := range []struct{ key, value string }{
			{"timezone", "Mars/Olympus"},
			{"permalink", "weird"},
			{"url", "ftp://x"},
			{"posts_per_page", "0"},
			{"title", ""},
			{"theme", "dark"},
			{"", ""},
		} {
			err := s.SetSetting(ctx, tt.key, tt.value)
			if code := blog.ErrorCode(err); code != blog.EINVALID {
				t.Errorf("SetSetting(%q, %q) = %v (code %q); want %q", tt.key, tt.value, err, code, blog.EINVALID)
			}
		}
		if n := count(t, db, "settings"); n != 0 {
			t.Errorf("rows in settings after refused SetSetting calls = %d; want 0", n)
		}
	})
}

// TestSettingsIgnoresBadStoredValues: a value written behind the store's back (by hand, or by another version)
// that does not validate leaves the default in place, and an unknown key is ignored.
func TestSettingsIgnoresBadStoredValues(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		s, db := newStoreDB(t)
		ctx := t.Context()
		for _, kv := range [][2]string{
			{"title", "Set by hand"},
			{"timezone", "Mars/Olympus"},
			{"posts_per_page", "0"},
			{"feed_items", "lots"},
			{"permalink", "weird"},
			{"url", "ftp://x"},
			{"language", "en US"},
			{"theme", "dark"},
		} {
			if _, err := db.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2)`, kv[0], kv[1]); err != nil {
				t.Fatalf("insert setting %q: %v", kv[0], err)
			}
		}
		got, err := s.Settings(ctx)
		if err != nil {
			t.Fatalf("Settings() error: %v", err)
		}
		want := blog.DefaultSettings()
		want.Title = "Set by hand"
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Settings() with bad stored values mismatch (-want +got):\n%s", diff)
		}
	})
}
