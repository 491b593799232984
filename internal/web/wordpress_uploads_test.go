package web_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/salon-blog/salon/internal/web"
)

// A WordPress site's uploads folder, copied into the data directory, keeps serving its files at their old
// addresses; nothing else of the machine's is reachable through it, and nothing in it runs as this site.
func TestWordPressUploads(t *testing.T) {
	s := newSite(t, nil, nil)
	data := t.TempDir()
	uploads := filepath.Join(data, "wp-content", "uploads")
	files := map[string]string{
		"2019/05/harbour.jpg":     "\xff\xd8\xff\xe0 a JPEG",
		"2019/05/harbour.JPG":     "\xff\xd8\xff\xe0 another",
		"2019/05/talk.mp3":        "ID3 audio",
		"2019/05/drawing.svg":     `<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`,
		"2019/05/minutes.docx":    "PK zip",
		"2019/05/page.html":       "<script>alert(1)</script>",
		"2019/05/.htaccess":       "Deny from all",
		"sites/2/2020/01/cat.png": "\x89PNG",
	}
	for name, content := range files {
		p := filepath.Join(uploads, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	secret := filepath.Join(data, "salon.db")
	if err := os.WriteFile(secret, []byte("the database"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(secret, filepath.Join(uploads, "2019", "05", "link.jpg")); err != nil {
		t.Fatal(err)
	}
	s.srv = startSiteWith(t, web.Config{Store: s.store, WordPressUploads: uploads})
	s.client = noRedirects(s.srv)

	for _, tt := range []struct {
		path, ctype, body string
		attachment        bool
	}{
		{"/wp-content/uploads/2019/05/harbour.jpg", "image/jpeg", files["2019/05/harbour.jpg"], false},
		{"/wp-content/uploads/2019/05/harbour.JPG", "image/jpeg", files["2019/05/harbour.JPG"], false},
		{"/wp-content/uploads/2019/05/talk.mp3", "audio/mpeg", files["2019/05/talk.mp3"], false},
		{"/wp-content/uploads/2019/05/drawing.svg", "image/svg+xml", files["2019/05/drawing.svg"], false},
		{"/wp-content/uploads/2019/05/minutes.docx", "", files["2019/05/minutes.docx"], true},
		{"/wp-content/uploads/2019/05/page.html", "text/html; charset=utf-8", files["2019/05/page.html"], true},
		{"/wp-content/uploads/sites/2/2020/01/cat.png", "image/png", files["sites/2/2020/01/cat.png"], false},
	} {
		r := s.get(t, tt.path)
		if r.status != http.StatusOK || r.body != tt.body || (tt.ctype != "" && r.header.Get("Content-Type") != tt.ctype) {
			t.Errorf("GET %s = %d %q %q; want 200 %q with the file", tt.path, r.status, r.header.Get("Content-Type"), r.body, tt.ctype)
			continue
		}
		if csp := r.header.Get("Content-Security-Policy"); !strings.Contains(csp, "sandbox") {
			t.Errorf("GET %s: Content-Security-Policy %q; want a sandbox, so that nothing in it runs as this site", tt.path, csp)
		}
		if got := strings.HasPrefix(r.header.Get("Content-Disposition"), "attachment"); got != tt.attachment {
			t.Errorf("GET %s: Content-Disposition %q; want attachment %v", tt.path, r.header.Get("Content-Disposition"), tt.attachment)
		}
	}
	for _, path := range []string{
		"/wp-content/uploads/2019/05/missing.jpg",
		"/wp-content/uploads/2019/05/.htaccess",
		"/wp-content/uploads/2019/05/link.jpg", // a link out of the folder
		"/wp-content/uploads/2019/05/",
		"/wp-content/uploads/2019/05/..%2f..%2f..%2fsalon.db",
		"/wp-content/uploads/%2e%2e/%2e%2e/salon.db",
		"/wp-content/plugins/akismet/readme.txt",
	} {
		if r := s.get(t, path); r.status != http.StatusNotFound || strings.Contains(r.body, "the database") {
			t.Errorf("GET %s = %d; want 404", path, r.status)
		}
	}

	// A site without the folder serves nothing there.
	bare := newSite(t, nil, nil)
	bare.srv = startSiteWith(t, web.Config{Store: bare.store, WordPressUploads: filepath.Join(t.TempDir(), "none")})
	if r := bare.get(t, "/wp-content/uploads/2019/05/harbour.jpg"); r.status != http.StatusNotFound {
		t.Errorf("without an uploads folder = %d; want 404", r.status)
	}
}
