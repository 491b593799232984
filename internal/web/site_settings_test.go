package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/salon-blog/salon/internal/store"
	"github.com/salon-blog/salon/internal/web"
)

// TestSettingsKeptForReaders: readers' pages use the settings as last read until the site's version is checked
// again (the recheck interval), while a signed-in user sees a change at once.
func TestSettingsKeptForReaders(t *testing.T) {
	s := newCachedSite(t, web.PageCache{Recheck: time.Second})
	if r := s.get(t, "/"); !strings.Contains(r.body, "My Salon") {
		t.Fatal("the home page does not show the default title")
	}
	if _, n := s.queriesOf(t, "/"); n == 0 {
		t.Fatal("the home page ran no statements: the page cache is on, and the test cannot see the settings")
	}
	elsewhere, err := store.Open(context.Background(), s.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { elsewhere.Close() })
	if err := elsewhere.SetSetting(context.Background(), "title", "Renamed elsewhere"); err != nil {
		t.Fatal(err)
	}
	if r := s.get(t, "/"); strings.Contains(r.body, "Renamed elsewhere") {
		t.Error("a reader saw the new title within the recheck interval; the test cannot tell the settings are kept")
	}
	if r := s.get(t, "/", "Cookie", "salon_session=whatever"); !strings.Contains(r.body, "Renamed elsewhere") {
		t.Error("a signed-in user got the kept settings, not the ones just changed")
	}
	s.clock.advance(time.Second)
	if r := s.get(t, "/"); !strings.Contains(r.body, "Renamed elsewhere") {
		t.Error("a reader still sees the old title after the recheck interval")
	}
}
