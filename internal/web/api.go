package web

import "net/http"

// apiStore is what the JSON API under /api/ and its tokens need from storage.
type apiStore interface{}

// apiRoutes registers the JSON API under /api/ and its tokens.
func (s *Server) apiRoutes(mux *http.ServeMux) {}
