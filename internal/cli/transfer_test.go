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

// lockedExport holds one password-protected post with one comment.
const lockedExport = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>Locked</title>
<link>http://locked.example</link>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>http://locked.example</wp:base_site_url>
<item>
<title>Diary</title>
<link>http://locked.example/?p=7</link>
<dc:creator>ann</dc:creator>
<content:encoded><![CDATA[Secret.]]></content:encoded>
<wp:post_id>7</wp:post_id>
<wp:post_date_gmt>2020-01-02 10:00:00</wp:post_date_gmt>
<wp:post_name>diary</wp:post_name>
<wp:status>publish</wp:status>
<wp:post_type>post</wp:post_type>
<wp:post_password>enter</wp:post_password>
<category domain="category" nicename="notes"><![CDATA[Notes]]></category>
<wp:comment>
<wp:comment_id>1</wp:comment_id>
<wp:comment_author>Bo</wp:comment_author>
<wp:comment_date_gmt>2020-01-03 10:00:00</wp:comment_date_gmt>
<wp:comment_content>Hi</wp:comment_content>
<wp:comment_approved>1</wp:comment_approved>
</wp:comment>
</item>
</channel>
</rss>
`

// The import's summary counts in the singular when there is one, and says when a post was made private.
func TestImportWordPressReport(t *testing.T) {
	data, dir := newSite(t)
	export := writeFile(t, dir, "locked.xml", []byte(lockedExport))
	tests := []struct{ name, want string }{
		{"first import", "Imported from http://locked.example: 1 post, 0 pages, 1 comment, 1 category, 0 tags, 1 author.\n" +
			"1 password-protected post was imported as private: Salon has no post passwords; publish it again when it may be public.\n"},
		{"second import", "Imported from http://locked.example: 0 posts, 0 pages, 0 comments, 0 categories, 0 tags, 0 authors.\n" +
			"Skipped 2 posts and comments brought in by an earlier import.\n"},
	}
	for _, tt := range tests {
		if r := run(t, "", nil, "import", "wordpress", data, export); r.code != 0 || r.stdout != tt.want {
			t.Errorf("%s: import wordpress = %d, %q; want 0, %q", tt.name, r.code, r.stdout, tt.want)
		}
	}
}
