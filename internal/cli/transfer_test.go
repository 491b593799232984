package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestImportExportWordPress(t *testing.T) {
	export := "../../../shared/testdata/wxr/wptt-theme-preview.xml"
	if _, err := os.Stat(export); err != nil {
		t.Skipf("shared test data not found: %v", err)
	}
	data, dir := newSite(t)
	r := run(t, "", nil, "import", "wordpress", export, data)
	if r.code != 0 || !strings.Contains(r.stdout, "7 posts, 0 pages, 2 comments") {
		t.Fatalf("import wordpress = %+v; want a summary of 7 posts and 2 comments", r)
	}
	if again := run(t, "", nil, "import", "wordpress", data, export); again.code != 0 || !strings.Contains(again.stdout, "0 posts, 0 pages, 0 comments") {
		t.Errorf("second import (flags first) = %+v; want nothing new", again)
	}
	out := run(t, "", nil, "export", "wordpress", data, "--site", "https://moved.example")
	if out.code != 0 || !strings.Contains(out.stdout, "<wp:wxr_version>1.2</wp:wxr_version>") || strings.Count(out.stdout, "<item>") != 7 {
		t.Fatalf("export wordpress = code %d, %d items, stderr %q", out.code, strings.Count(out.stdout, "<item>"), out.stderr)
	}
	moved := writeFile(t, dir, "moved.xml", []byte(out.stdout))
	other := "--data=" + filepath.Join(dir, "other")
	if r := run(t, "", nil, "import", "wordpress", other, moved); r.code != 0 || !strings.Contains(r.stdout, "7 posts, 0 pages, 2 comments") {
		t.Errorf("import of the export = %+v", r)
	}

	for _, tt := range []struct {
		name, body, want string
	}{
		{"notxml.xml", "not xml at all", "notxml.xml: line 1"},
		{"truncated.xml", "<?xml version=\"1.0\"?>\n<rss version=\"2.0\" xmlns:wp=\"http://wordpress.org/export/1.2/\">\n<channel>\n<item>\n<title>x", "truncated.xml: line"},
	} {
		bad := writeFile(t, dir, tt.name, []byte(tt.body))
		r := run(t, "", nil, "import", "wordpress", data, bad)
		if r.code != 1 || !strings.Contains(r.stderr, tt.want) || !strings.Contains(r.stderr, "nothing was imported") {
			t.Errorf("import %s = %+v; want exit 1 naming the line and saying nothing was imported", tt.name, r)
		}
	}
	if r := run(t, "", nil, "import", "wordpress", data); r.code != 2 {
		t.Errorf("import without a file = %+v; want a usage error", r)
	}
	if r := run(t, "", nil, "import", "wordpress", data, filepath.Join(dir, "missing.xml")); r.code != 1 || !strings.Contains(r.stderr, "cannot open") {
		t.Errorf("import of a missing file = %+v", r)
	}
}
