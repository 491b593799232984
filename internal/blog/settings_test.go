package blog_test

import (
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the zone tests must not depend on the machine's zone database

	"github.com/google/go-cmp/cmp"

	"github.com/salon-blog/salon/internal/blog"
)

func TestSettingSet(t *testing.T) {
	tests := []struct {
		key, value string
		want       string // what Get returns afterwards; ignored when wantErr
		wantErr    bool
	}{
		{"title", "Notes from Elsewhere", "Notes from Elsewhere", false},
		{"title", strings.Repeat("é", 200), strings.Repeat("é", 200), false},
		{"title", "", "", true},
		{"title", "   ", "", true},
		{"title", strings.Repeat("é", 201), "", true},

		{"tagline", "", "", false},
		{"tagline", "Essays, mostly", "Essays, mostly", false},
		{"tagline", strings.Repeat("é", 300), strings.Repeat("é", 300), false},
		{"tagline", strings.Repeat("é", 301), "", true},

		{"url", "", "", false},
		{"url", "https://example.com", "https://example.com", false},
		{"url", "https://example.com/", "https://example.com", false},
		{"url", " https://example.com/blog/ ", "https://example.com/blog", false},
		{"url", "http://localhost:8080", "http://localhost:8080", false},
		{"url", "ftp://x", "", true},
		{"url", "example.com", "", true},
		{"url", "https://", "", true},
		{"url", "https://example.com/?p=1", "", true},
		{"url", "https://example.com/#top", "", true},
		{"url", "javascript:alert(1)", "", true},

		{"language", "en", "en", false},
		{"language", "fr-CA", "fr-CA", false},
		{"language", "zh-Hant-TW", "zh-Hant-TW", false},
		{"language", "", "", true},
		{"language", "en US", "", true},
		{"language", "en_US", "", true},
		{"language", "<script>", "", true},
		{"language", strings.Repeat("a", 36), "", true},

		{"timezone", "UTC", "UTC", false},
		{"timezone", "Europe/Paris", "Europe/Paris", false},
		{"timezone", "America/New_York", "America/New_York", false},
		{"timezone", "Mars/Olympus", "", true},
		{"timezone", "", "", true},
		{"timezone", "Local", "", true},
		{"timezone", "../../etc/passwd", "", true},

		{"posts_per_page", "1", "1", false},
		{"posts_per_page", "25", "25", false},
		{"posts_per_page", "100", "100", false},
		{"posts_per_page", "0", "", true},
		{"posts_per_page", "101", "", true},
		{"posts_per_page", "-5", "", true},
		{"posts_per_page", "ten", "", true},
		{"posts_per_page", "", "", true},
		{"posts_per_page", "1.5", "", true},

		{"feed_items", "1", "1", false},
		{"feed_items", "100", "100", false},
		{"feed_items", "0", "", true},
		{"feed_items", "101", "", true},
		{"feed_items", "x", "", true},

		{"permalink", "day", "day", false},
		{"permalink", "month", "month", false},
		{"permalink", "name", "name", false},
		{"permalink", "weird", "", true},
		{"permalink", "Day", "", true},
		{"permalink", "", "", true},

		{"date_format", "January 2, 2006 at 3:04 pm", "January 2, 2006 at 3:04 pm", false},
		{"date_format", "2006-01-02", "2006-01-02", false},
		{"date_format", "02/01/2006 15:04", "02/01/2006 15:04", false},
		{"date_format", "1/2/2006", "1/2/2006", false},
		{"date_format", "", "", true},
		{"date_format", "Y-m-d", "", true},               // PHP's notation, not Go's
		{"date_format", "2006-01-02 15:04:05", "", true}, // a valid layout, but not one offered
		{"date_format", "january 2, 2006", "", true},
	}
	for _, tt := range tests {
		s, err := blog.LookupSetting(tt.key)
		if err != nil {
			t.Fatalf("LookupSetting(%q) error: %v", tt.key, err)
		}
		st := blog.DefaultSettings()
		before := s.Get(&st)
		err = s.Set(&st, tt.value)
		if tt.wantErr {
			if err == nil || blog.ErrorCode(err) != blog.EINVALID {
				t.Errorf("Set(%q, %q) = %v; want an %s error", tt.key, tt.value, err, blog.EINVALID)
			}
			if got := s.Get(&st); got != before {
				t.Errorf("after a refused Set(%q, %q), Get = %q; want it unchanged, %q", tt.key, tt.value, got, before)
			}
			continue
		}
		if err != nil {
			t.Errorf("Set(%q, %q) = %v; want nil", tt.key, tt.value, err)
			continue
		}
		if got := s.Get(&st); got != tt.want {
			t.Errorf("after Set(%q, %q), Get = %q; want %q", tt.key, tt.value, got, tt.want)
		}
	}
}

// TestSettingKeysCovered makes sure every key has a help text and that a value read back with Get is accepted by
// Set unchanged: storage relies on that round trip.
func TestSettingKeysCovered(t *testing.T) {
	seen := map[string]bool{}
	st := blog.DefaultSettings()
	for _, s := range blog.SettingKeys {
		if seen[s.Key] {
			t.Errorf("setting %q is listed twice", s.Key)
		}
		seen[s.Key] = true
		if s.Help == "" {
			t.Errorf("setting %q has no help text", s.Key)
		}
		v := s.Get(&st)
		if s.Key == "url" {
			continue // the default, "", is valid, and covered above
		}
		copied := st
		if err := s.Set(&copied, v); err != nil {
			t.Errorf("Set(%q, default %q) = %v; want nil", s.Key, v, err)
		}
		if diff := cmp.Diff(st, copied); diff != "" {
			t.Errorf("Set(%q, Get()) changed the settings (-before +after):\n%s", s.Key, diff)
		}
	}
	for _, k := range []string{"title", "tagline", "url", "language", "timezone", "posts_per_page", "feed_items", "permalink", "date_format"} {
		if !seen[k] {
			t.Errorf("setting %q is missing from SettingKeys", k)
		}
	}
}

func TestLookupSettingUnknown(t *testing.T) {
	for _, k := range []string{"", "Title", "theme"} {
		if _, err := blog.LookupSetting(k); blog.ErrorCode(err) != blog.EINVALID {
			t.Errorf("LookupSetting(%q) = %v; want an %s error", k, err, blog.EINVALID)
		}
	}
}

func TestSettingsLocation(t *testing.T) {
	tests := []struct {
		zone, want string
	}{
		{"Europe/Paris", "Europe/Paris"},
		{"UTC", "UTC"},
		{"Mars/Olympus", "UTC"}, // a zone that no longer loads falls back
	}
	for _, tt := range tests {
		st := blog.Settings{TimeZone: tt.zone}
		if got := st.Location().String(); got != tt.want {
			t.Errorf("Settings{TimeZone: %q}.Location() = %q; want %q", tt.zone, got, tt.want)
		}
	}
}

// The default date format shows what Salon always showed; every preset shows a year, a month and a day.
func TestDateFormats(t *testing.T) {
	when := time.Date(2024, 5, 7, 14, 5, 0, 0, time.UTC)
	if got, want := when.Format(blog.DefaultSettings().DateFormat), "May 7, 2024 at 2:05 pm"; got != want {
		t.Errorf("the default date format gives %q; want %q", got, want)
	}
	seen := map[string]bool{}
	for _, layout := range blog.DateFormats {
		got := when.Format(layout)
		if seen[got] {
			t.Errorf("two date formats both give %q", got)
		}
		seen[got] = true
		if !strings.Contains(got, "2024") || !strings.ContainsAny(got, "5M") || !strings.Contains(got, "7") {
			t.Errorf("date format %q gives %q; want the year, month and day", layout, got)
		}
	}
}
