package web

import "net/http"

// postAdminStore is what the posts and pages list, the editor, autosave and revisions need from storage.
type postAdminStore interface{}

// postAdminRoutes registers the posts and pages list, the editor, autosave and revisions.
func (s *Server) postAdminRoutes(mux *http.ServeMux) {}
