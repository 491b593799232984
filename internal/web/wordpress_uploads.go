package web

import (
	"mime"
	"net/http"
	"os"
	"path"
	"strings"
)

// uploadTypes are the types of the files WordPress lets authors upload that Go's own table may lack (it leaves
// audio and video to the system's, which a minimal machine does not have).
var uploadTypes = map[string]string{
	".mp3": "audio/mpeg", ".m4a": "audio/mp4", ".ogg": "audio/ogg", ".oga": "audio/ogg", ".wav": "audio/wav",
	".flac": "audio/flac", ".mp4": "video/mp4", ".m4v": "video/mp4", ".mov": "video/quicktime", ".webm": "video/webm",
	".ogv": "video/ogg", ".ico": "image/x-icon", ".bmp": "image/bmp", ".tif": "image/tiff", ".tiff": "image/tiff",
	".heic": "image/heic",
}

// uploadSandbox is the Content-Security-Policy of every file served from an uploads folder: a file opened on its
// own (an SVG, an HTML page someone once uploaded) runs no script on this site's origin. Embedded in a page, an
// image or a video shows as before.
const uploadSandbox = "default-src 'none'; img-src 'self' data:; media-src 'self'; style-src 'unsafe-inline'; sandbox"

// serveWordPressUpload serves a file of the WordPress uploads folder, at the address WordPress gave it. Images,
// audio, video, PDF and plain text show in the browser; anything else downloads. Hidden files and anything outside
// the folder (through "..", or a link pointing out of it) are not found.
func (s *Server) serveWordPressUpload(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("path")
	if s.wordPressUploads == "" || name == "" {
		return errNotFound
	}
	for _, seg := range strings.Split(name, "/") {
		if seg == "" || strings.HasPrefix(seg, ".") {
			return errNotFound
		}
	}
	root, err := os.OpenRoot(s.wordPressUploads)
	if err != nil {
		return errNotFound // no uploads folder
	}
	defer root.Close()
	f, err := root.Open(name)
	if err != nil {
		return errNotFound
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return errNotFound
	}
	ext := strings.ToLower(path.Ext(name))
	ctype := uploadTypes[ext]
	if ctype == "" {
		ctype = mime.TypeByExtension(ext)
	}
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Security-Policy", uploadSandbox)
	h.Set("Cache-Control", "public, max-age=86400")
	if !showsInline(ctype) {
		h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": path.Base(name)}))
	}
	http.ServeContent(w, r, "", st.ModTime(), f)
	return nil
}

// showsInline reports whether a browser should show a file of type ctype rather than save it.
func showsInline(ctype string) bool {
	media, _, _ := mime.ParseMediaType(ctype)
	switch {
	case strings.HasPrefix(media, "image/"), strings.HasPrefix(media, "audio/"), strings.HasPrefix(media, "video/"):
		return true
	}
	return media == "application/pdf" || media == "text/plain"
}
