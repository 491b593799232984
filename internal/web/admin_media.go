package web

import "net/http"

// mediaStore is what media uploads and the media library need from storage.
type mediaStore interface{}

// mediaRoutes registers media uploads and the media library.
func (s *Server) mediaRoutes(mux *http.ServeMux) {}
