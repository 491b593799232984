package web_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/wxr"
)

const themeUnitTest = "../../../shared/testdata/wxr/wptt-themeunittestdata.wordpress.xml"

// An administrator moves a WordPress site in through the admin area; its old addresses keep answering; the whole
// site goes out again as a WordPress export.
func TestImportAndExportInTheAdminArea(t *testing.T) {
	export, err := os.ReadFile(themeUnitTest)
	if err != nil {
		t.Skipf("shared test data not found: %v", err)
	}
	s := newEmptySite(t)
	s.addUser(t, "admin@example.com", "Ada Admin", blog.RoleAdmin, "correct horse battery")
	s.addUser(t, "editor@example.com", "Ed Editor", blog.RoleEditor, "correct horse battery")
	admin := s.reader(t, "192.0.2.1")
	admin.signIn(t, "admin@example.com", "correct horse battery")
	screen := admin.get(t, "/admin/transfer/")
	if screen.status != http.StatusOK {
		t.Fatalf("GET /admin/transfer/ = %d", screen.status)
	}
	token := csrf(t, screen)

	// A broken file: a clear message on the page, nothing imported.
	broken := admin.upload(t, "/admin/transfer/import/", token, "broken.xml", export[:len(export)/2], map[string]string{"kind": "wordpress"})
	if failed := find(broken.doc, "li.import-failed"); len(failed) != 1 || !strings.Contains(text(failed[0]), "line ") {
		t.Fatalf("a truncated upload shows %q; want the failure naming the line", texts(find(broken.doc, ".import-log li")))
	}
	if c, err := s.store.Counts(context.Background()); err != nil || c["posts"] != 0 {
		t.Fatalf("after a failed import the site has %v posts (%v); want none", c["posts"], err)
	}

	done := admin.upload(t, "/admin/transfer/import/", token, "export.xml", export, map[string]string{"kind": "wordpress"})
	report := find(done.doc, "li.import-done")
	if done.status != http.StatusOK || len(report) != 1 || !strings.Contains(text(report[0]), "58 posts, 21 pages, 33 comments") {
		t.Fatalf("import answered %d with %q; want the report of 58 posts, 21 pages, 33 comments", done.status, texts(find(done.doc, ".import-log li")))
	}

	// Only administrators import.
	editor := s.reader(t, "192.0.2.2")
	editor.signIn(t, "editor@example.com", "correct horse battery")
	if r := editor.upload(t, "/admin/transfer/import/", csrf(t, editor.get(t, "/admin/")), "export.xml", export, map[string]string{"kind": "wordpress"}); r.status != http.StatusForbidden {
		t.Errorf("an editor's import = %d; want 403", r.status)
	}
	for _, path := range []string{"/admin/transfer/", "/admin/transfer/wordpress.xml"} {
		if r := editor.get(t, path); r.status != http.StatusForbidden || !strings.Contains(r.body, "Only administrators import and export the site.") {
			t.Errorf("an editor opening %s = %d saying %q; want 403 saying who may", path, r.status, texts(find(r.doc, ".error-page p")))
		}
	}

	// Old addresses: the post's WordPress path, its feed, /?p=ID, WordPress's query feeds; #comment-ID anchors.
	follow := func(path string) response {
		t.Helper()
		r := s.get(t, path)
		for i := 0; i < 3 && (r.status == http.StatusMovedPermanently || r.status == http.StatusFound); i++ {
			r = s.get(t, r.header.Get("Location"))
		}
		return r
	}
	for _, tt := range []struct{ path, want string }{
		{"/2018/10/20/keyboard-navigation/", "Keyboard navigation"},
		{"/2018/10/20/keyboard-navigation/feed/", "<rss"},
		{"/?p=1724", "Keyboard navigation"},
		{"/lorem-ipsum/", "Lorem Ipsum"},
		{"/?feed=rss2", "<rss"},
		{"/?feed=comments-rss2", "<rss"},
	} {
		if r := follow(tt.path); r.status != http.StatusOK || !strings.Contains(r.body, tt.want) {
			t.Errorf("GET %s (after redirects) = %d, containing %q: %v; want 200 with it", tt.path, r.status, tt.want, strings.Contains(r.body, tt.want))
		}
	}
	if r := s.get(t, "/2018/10/20/keyboard-navigation/"); r.status != http.StatusOK && r.status != http.StatusMovedPermanently {
		t.Errorf("the old address answers %d; want the post or a permanent redirect", r.status)
	}
	withComments := follow("/?p=1148")
	if anchors := find(withComments.doc, "#comment-881"); withComments.status != http.StatusOK || len(anchors) != 1 {
		t.Errorf("the post with comments (%d) has %d #comment-881 anchors; want the comment under its WordPress ID", withComments.status, len(anchors))
	}

	// The export downloads, and holds the whole site.
	res := admin.get(t, "/admin/transfer/wordpress.xml")
	if res.status != http.StatusOK || !strings.HasPrefix(res.header.Get("Content-Disposition"), "attachment;") {
		t.Fatalf("export = %d %q; want an attachment", res.status, res.header.Get("Content-Disposition"))
	}
	items, comments := 0, 0
	rd := wxr.NewReader(strings.NewReader(res.body))
	for {
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("the export does not read back: %v", err)
		}
		if it, ok := rec.(*wxr.Item); ok {
			items++
			comments += len(it.Comments)
		}
	}
	if items != 79 || comments != 33 {
		t.Errorf("the export holds %d items and %d comments; want 79 and 33", items, comments)
	}
}

// TestSmallImportInTheAdminArea: an upload small enough for the server to read whole is still the import's to read.
// (HTTP/1.1 drops what is left of a request's body when the answer starts, unless the handler asked for full
// duplex; the progress page starts before the import ends.)
func TestSmallImportInTheAdminArea(t *testing.T) {
	export, err := os.ReadFile("../../../shared/testdata/wxr/wordpress-importer/small-export.xml")
	if err != nil {
		t.Skipf("shared test data not found: %v", err)
	}
	s := newEmptySite(t)
	s.addUser(t, "admin@example.com", "Ada Admin", blog.RoleAdmin, "correct horse battery")
	admin := s.reader(t, "192.0.2.1")
	admin.signIn(t, "admin@example.com", "correct horse battery")
	token := csrf(t, admin.get(t, "/admin/transfer/"))
	done := admin.upload(t, "/admin/transfer/import/", token, "small-export.xml", export, map[string]string{"kind": "wordpress"})
	if report := find(done.doc, "li.import-done"); done.status != http.StatusOK || len(report) != 1 {
		t.Fatalf("import answered %d with %q; want its report", done.status, texts(find(done.doc, ".import-log li")))
	}
	if c, err := s.store.Counts(context.Background()); err != nil || c["posts"] == 0 {
		t.Errorf("after the import the site has %v posts (%v); want the export's", c["posts"], err)
	}
	// An import that stops early, twice on one connection: the second is answered too (the server once panicked
	// finishing the first, reading what was left of the upload while it read the next request).
	for i := range 2 {
		failed := admin.upload(t, "/admin/transfer/import/", token, "small-export.xml", export, map[string]string{"kind": "disqus"})
		if failed.status != http.StatusOK || len(find(failed.doc, "li.import-failed")) != 1 {
			t.Errorf("failing import %d answered %d with %q; want the failure on the page", i+1, failed.status, texts(find(failed.doc, ".import-log li")))
		}
	}
}
