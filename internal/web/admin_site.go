package web

import "net/http"

// siteAdminStore is what the site-management screens need from storage: users, terms, settings, the dashboard.
type siteAdminStore interface{}

// siteAdminRoutes registers the dashboard and the screens for categories, tags, users and settings.
func (s *Server) siteAdminRoutes(mux *http.ServeMux) {
	mux.Handle("GET /admin/{$}", s.admin(s.dashboard))
}

// dashboardPage is the admin home.
type dashboardPage struct {
	adminPage
	Counts map[string]int // by comment status
}

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	base, err := s.adminBase(r, a, "Dashboard")
	if err != nil {
		return err
	}
	counts, err := s.store.CommentCounts(r.Context(), ownPostsOnly(a.user))
	if err != nil {
		return err
	}
	v := &dashboardPage{adminPage: base, Counts: map[string]int{}}
	for st, n := range counts {
		v.Counts[string(st)] = n
	}
	return s.views.render(w, http.StatusOK, "admin/dashboard", v)
}
