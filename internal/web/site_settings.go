package web

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/store"
)

// keptSettings are the site's settings as read under the site's version, with their time zone loaded.
type keptSettings struct {
	versioned
	settings blog.Settings
	loc      *time.Location
}

// settingsMemo keeps the site's settings between changes, for readers: every request needs them, and reading
// and checking each stored value was a twentieth of an uncached post page. They are read again when the site's
// version moves (any process, seen within the recheck interval, as cached pages are). Safe for concurrent use.
type settingsMemo struct {
	recheck time.Duration
	kept    atomic.Pointer[keptSettings]
	reading sync.Mutex // one request reads them again; the others wait for it
}

// get returns the settings, kept or read now through st.
func (m *settingsMemo) get(ctx context.Context, st Store, now time.Time) (blog.Settings, *time.Location, error) {
	k := m.kept.Load()
	if k != nil {
		if ok, _ := k.current(ctx, st, m.recheck, now); ok {
			return k.settings, k.loc, nil
		}
	}
	m.reading.Lock()
	defer m.reading.Unlock()
	if latest := m.kept.Load(); latest != k && latest != nil && !latest.stale.Load() {
		return latest.settings, latest.loc, nil // read by the request this one waited for
	}
	scopes := []string{store.CacheSite}
	versions, err := st.CacheVersions(ctx, scopes)
	if err != nil {
		return blog.Settings{}, nil, err
	}
	settings, err := st.Settings(ctx)
	if err != nil {
		return blog.Settings{}, nil, err
	}
	k = &keptSettings{versioned: versioned{scopes: scopes, versions: versions}, settings: settings, loc: settings.Location()}
	k.checked.Store(now.UnixNano())
	m.kept.Store(k)
	return k.settings, k.loc, nil
}

// isReader reports whether r is a reader's visit, which may be answered from what was read for other readers a
// moment ago: neither a signed-in user nor an API client, who may have changed something a moment ago and must see
// it at once, nor a form sent.
func isReader(r *http.Request) bool {
	_, err := r.Cookie(sessionCookie)
	return err != nil && r.Header.Get("Authorization") == "" && (r.Method == http.MethodGet || r.Method == http.MethodHead)
}

// requestSettings returns the site's settings and time zone for r: kept between changes for a reader (settingsMemo),
// but read afresh for a signed-in user or an API client, who may have changed them a moment ago and must see
// their change at once.
func (s *Server) requestSettings(r *http.Request) (blog.Settings, *time.Location, error) {
	if isReader(r) {
		return s.settings.get(r.Context(), s.store, s.now())
	}
	st, err := s.store.Settings(r.Context())
	if err != nil {
		return st, nil, err
	}
	return st, st.Location(), nil
}
