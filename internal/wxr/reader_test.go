package wxr_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/salon-blog/salon/internal/wxr"
)

// fixtureDir holds the shared WXR samples; SOURCE.md there says where each comes from and what it holds.
var fixtureDir = filepath.Join("..", "..", "..", "shared", "testdata", "wxr")

// fixture returns the bytes of a shared WXR file, named by its path under fixtureDir, skipping the test when the
// shared tree is not there.
func fixture(t testing.TB, name string) []byte {
	t.Helper()
	if _, err := os.Stat(fixtureDir); errors.Is(err, os.ErrNotExist) {
		t.Skipf("%s is absent", fixtureDir)
	}
	b, err := os.ReadFile(filepath.Join(fixtureDir, filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// readAll returns every record of r up to the first error other than io.EOF.
func readAll(r io.Reader) ([]any, error) {
	wr := wxr.NewReader(r)
	var recs []any
	for {
		rec, err := wr.Next()
		if err == io.EOF {
			return recs, nil
		}
		if err != nil {
			return recs, err
		}
		recs = append(recs, rec)
	}
}

// mustReadAll reads a fixture that must be read without error.
func mustReadAll(t *testing.T, name string) []any {
	t.Helper()
	recs, err := readAll(bytes.NewReader(fixture(t, name)))
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	return recs
}

// counts summarizes an export the way SOURCE.md describes the fixtures.
type counts struct {
	Version                          string
	Authors, Categories, Tags, Terms int
	Items                            map[string]int // by post type
	Comments                         map[string]int // by comment type, "" counted as "comment"
	Approved                         map[string]int // by comment_approved
	Threaded                         int            // comments with a parent
	Depth                            int            // the longest chain of replies, a top-level comment being 1
	WithComments                     int            // items that have comments
}

func count(t *testing.T, recs []any) counts {
	t.Helper()
	var c counts
	add := func(m *map[string]int, k string) {
		if *m == nil {
			*m = map[string]int{}
		}
		(*m)[k]++
	}
	for i, rec := range recs {
		if _, ok := rec.(*wxr.Site); ok != (i == 0) {
			t.Fatalf("record %d is a %T; the Site must come first, and once", i, rec)
		}
		switch r := rec.(type) {
		case *wxr.Site:
			c.Version = r.Version
		case *wxr.Author:
			c.Authors++
		case *wxr.Category:
			c.Categories++
		case *wxr.Tag:
			c.Tags++
		case *wxr.Term:
			c.Terms++
		case *wxr.Item:
			add(&c.Items, r.Type)
			if len(r.Comments) > 0 {
				c.WithComments++
			}
			parent := map[int64]int64{}
			for _, cm := range r.Comments {
				typ := cm.Type
				if typ == "" {
					typ = "comment"
				}
				add(&c.Comments, typ)
				add(&c.Approved, cm.Approved)
				if cm.Parent != 0 {
					c.Threaded++
				}
				parent[cm.ID] = cm.Parent
			}
			for _, cm := range r.Comments {
				depth := 1
				for p := cm.Parent; p != 0 && depth <= len(r.Comments); p = parent[p] {
					depth++
				}
				c.Depth = max(c.Depth, depth)
			}
		}
	}
	return c
}

// TestReadFixtures checks every readable fixture against the counts SOURCE.md gives for it. The counts SOURCE.md does
// not give (the number of terms, say) were checked with Python's xml.etree.ElementTree.
func TestReadFixtures(t *testing.T) {
	one := map[string]int{"1": 1}
	tests := []struct {
		file string
		want counts
	}{
		{"wptt-themeunittestdata.wordpress.xml", counts{
			Version: "1.2", Authors: 2, Categories: 68, Tags: 110, Terms: 7,
			Items:    map[string]int{"post": 58, "page": 21, "attachment": 37, "nav_menu_item": 70},
			Comments: map[string]int{"comment": 29, "trackback": 2, "pingback": 2},
			Approved: map[string]int{"1": 30, "0": 3},
			Threaded: 10, Depth: 10, WithComments: 7,
		}},
		{"wptt-64-block-test-data.xml", counts{
			Version: "1.2", Authors: 2, Categories: 7, Tags: 4, Terms: 13,
			Items:    map[string]int{"post": 61, "page": 1, "attachment": 9, "wp_navigation": 1},
			Comments: map[string]int{"comment": 2}, Approved: map[string]int{"1": 2},
			Threaded: 1, Depth: 2, WithComments: 1,
		}},
		{"wptt-theme-preview.xml", counts{
			Version:  "1.2",
			Items:    map[string]int{"post": 7},
			Comments: map[string]int{"comment": 2}, Approved: map[string]int{"1": 2},
			Depth: 1, WithComments: 2,
		}},
		{"isso-wordpress.xml", counts{
			Version:  "1.0",
			Items:    map[string]int{"post": 3},
			Comments: map[string]int{"comment": 8}, Approved: map[string]int{"1": 8},
			Threaded: 3, Depth: 3, WithComments: 2,
		}},
		{"jekyll-import-wordpressdotcom-2025-01-19.xml", counts{
			Version: "1.2", Authors: 1, Categories: 2, Tags: 4,
			Items: map[string]int{"post": 7, "page": 1, "attachment": 6, "wp_global_styles": 1, "wp_navigation": 1},
		}},
		{"wordpress-importer/a11y-unit-test-data.xml", counts{
			Version: "1.2", Categories: 27, Tags: 61, Terms: 5,
			Items:    map[string]int{"post": 48, "page": 17, "attachment": 39, "nav_menu_item": 50},
			Comments: map[string]int{"comment": 25, "pingback": 4},
			Approved: map[string]int{"1": 28, "": 1},
			Threaded: 9, Depth: 10, WithComments: 5,
		}},
		{"wordpress-importer/valid-wxr-1.0.xml", counts{
			Version: "1.0", Categories: 5, Tags: 4,
			Items:    map[string]int{"post": 3, "page": 3},
			Comments: map[string]int{"comment": 1}, Approved: one, Depth: 1, WithComments: 1,
		}},
		{"wordpress-importer/valid-wxr-1.1.xml", counts{
			Version: "1.1", Authors: 1, Categories: 1, Tags: 1, Terms: 1,
			Items:    map[string]int{"post": 1, "page": 1},
			Comments: map[string]int{"comment": 1}, Approved: one, Depth: 1, WithComments: 1,
		}},
		{"wordpress-importer/small-export.xml", counts{
			Version: "1.1", Authors: 3, Categories: 30, Tags: 3,
			Items:    map[string]int{"post": 6, "page": 5},
			Comments: map[string]int{"comment": 1}, Approved: one, Depth: 1, WithComments: 1,
		}},
		{"wordpress-importer/slashes.xml", counts{
			Version: "1.1", Authors: 1, Categories: 1, Tags: 1,
			Items:    map[string]int{"post": 1},
			Comments: map[string]int{"comment": 1}, Approved: one, Depth: 1, WithComments: 1,
		}},
		{"wordpress-importer/backslashes.xml", counts{Version: "1.2", Items: map[string]int{"post": 1}}},
		{"wordpress-importer/test-serialized-comment-meta.xml", counts{
			Version:  "1.0",
			Items:    map[string]int{"post": 1},
			Comments: map[string]int{"comment": 1}, Approved: one, Depth: 1, WithComments: 1,
		}},
		{"wordpress-importer/wxr-with-sub-data.xml", counts{
			Version: "1.1", Terms: 1,
			Items:    map[string]int{"post": 1},
			Comments: map[string]int{"comment": 1}, Approved: map[string]int{"": 1}, Depth: 1, WithComments: 1,
		}},
		{"wordpress-importer/wxr-utf-8-challenges.xml", counts{Version: "1.2", Authors: 1, Items: map[string]int{"post": 1}}},
		{"wordpress-importer/crazy-cdata-escaped.xml", counts{Version: "1.1", Items: map[string]int{"post": 1}}},
		{"wordpress-importer/wxr-comprehensive.xml", counts{
			Version: "1.2", Authors: 2, Categories: 2, Tags: 2,
			Items:    map[string]int{"post": 1, "page": 1},
			Comments: map[string]int{"comment": 1}, Approved: one, Depth: 1, WithComments: 1,
		}},
		// The fake, wp2 and custom authors and two of the three terms are in namespaces other than the one <rss>
		// binds to wp; see TestReadNamespaces.
		{"wordpress-importer/namespace-edge-cases.xml", counts{Version: "1.2", Authors: 1, Terms: 1, Items: map[string]int{"post": 6}}},
		// Well-formed but without <wp:wxr_version>: read as the version its wp namespace names. See
		// TestReadMalformedFixtures for why.
		{"wordpress-importer/malformed/missing-version-tag.xml", counts{Version: "1.1", Authors: 1, Categories: 21, Tags: 18, Terms: 14}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got := count(t, mustReadAll(t, tt.file))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("counts (-want +got):\n%s", diff)
			}
		})
	}
}

// records returns the records of the given types, in order.
func records[T any](recs []any) []*T {
	var out []*T
	for _, rec := range recs {
		if r, ok := rec.(*T); ok {
			out = append(out, r)
		}
	}
	return out
}

func date(s string) time.Time {
	t, err := time.Parse(time.DateTime, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestReadValidWXR11(t *testing.T) {
	recs := mustReadAll(t, "wordpress-importer/valid-wxr-1.1.xml")
	want := []any{
		&wxr.Site{
			Title: "Export Datasets", Link: "http://localhost/", Description: "Just another WordPress site",
			Language: "en", BaseSiteURL: "http://localhost/", BaseBlogURL: "http://localhost/", Version: "1.1",
		},
		&wxr.Author{ID: 2, Login: "john", Email: "johndoe@example.org", DisplayName: "John Doe", FirstName: "John", LastName: "Doe", Line: 38},
		&wxr.Category{ID: 3, Nicename: "alpha", Name: "alpha", Description: "The alpha category", Line: 40},
		&wxr.Tag{ID: 22, Slug: "clippable", Name: "Clippable", Description: "The Clippable post_tag", Line: 41},
		&wxr.Term{ID: 40, Taxonomy: "post_tax", Slug: "bieup", Name: "bieup", Description: "The bieup post_tax", Line: 42},
		&wxr.Item{
			Line: 46, ID: 1, Title: "Hello world!", Link: "http://localhost/?p=1", GUID: "http://localhost/?p=1", Creator: "john",
			Content:  "Welcome to WordPress. This is your first post. Edit or delete it, then start blogging!",
			PostName: "hello-world", Type: "post", Status: "publish", CommentStatus: "open", PingStatus: "open",
			Date: date("2010-10-16 20:53:18"), DateGMT: date("2010-10-16 20:53:18"),
			Terms: []wxr.ItemTerm{
				{Domain: "category", Nicename: "alpha", Name: "alpha"},
				{Domain: "post_tag", Nicename: "clippable", Name: "Clippable"},
				{Domain: "post_tax", Nicename: "bieup", Name: "bieup"},
			},
			Comments: []wxr.Comment{{
				ID: 1, Author: "Mr WordPress", AuthorURL: "http://wordpress.org/",
				Date: date("2010-10-16 20:53:18"), DateGMT: date("2010-10-16 20:53:18"),
				Content:  "Hi, this is a comment.<br />To delete a comment, just log in and view the post&#039;s comments. There you will have the option to edit or delete them.",
				Approved: "1", Line: 70,
			}},
		},
	}
	if diff := cmp.Diff(want, recs[:len(want)]); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
	page := records[wxr.Item](recs)[1]
	if want := []wxr.Meta{{Key: "_wp_page_template", Value: "default"}}; !cmp.Equal(page.Meta, want) {
		t.Errorf("page meta = %q; want %q", page.Meta, want)
	}
}

func TestReadFields(t *testing.T) {
	t.Run("UTF-8 challenges", func(t *testing.T) {
		recs := mustReadAll(t, "wordpress-importer/wxr-utf-8-challenges.xml")
		site := recs[0].(*wxr.Site)
		// The title's bidi overrides are character references outside CDATA.
		if want := "My WordPress Website 🚀 \u202e\u202dمرحبا"; site.Title != want {
			t.Errorf("site title = %q; want %q", site.Title, want)
		}
		it := records[wxr.Item](recs)[0]
		checks := []struct{ name, got, want string }{
			{"title", it.Title, "\"The Road \u202eNot\u202c Taken\" by Rob\u202dert \u202eFrost \u202a🌲\u202c"},
			{"post_name", it.PostName, "hello-w\u202eorld\u202c-utf8-💫-test"},
			{"guid", it.GUID, "https://playground.internal/path/🚀/\u202etsop\u202c/?p=1&test=💫\u200c\u200b\u200d\u200e"},
			{"creator", it.Creator, "admin\u200c\u200b\u200d\u200e"},
			{"category nicename", it.Terms[0].Nicename, "uncat\u202eegorized\u202c"},
			// Inside CDATA, character references are text, kept as written.
			{"_special_chars", it.Meta[4].Value, "&#x202E;&#x202D;&#x200B;&#x200C;&#x200D;&#x2060;&#xFEFF;&#xFFFD;"},
		}
		for _, c := range checks {
			if c.got != c.want {
				t.Errorf("%s = %q; want %q", c.name, c.got, c.want)
			}
		}
		if !strings.Contains(it.Content, "السلام عليكم وﷲ") || !strings.Contains(it.Content, "&#xD800;&#xDC00;") {
			t.Errorf("content lost its Arabic or its literal references: %q", it.Content)
		}
	})

	t.Run("CDATA holding ]]>", func(t *testing.T) {
		it := records[wxr.Item](mustReadAll(t, "wordpress-importer/crazy-cdata-escaped.xml"))[0]
		if want := "Content with nested <![CDATA[ tags ]]> :)"; it.Content != want {
			t.Errorf("content = %q; want %q", it.Content, want)
		}
		want := []wxr.Meta{
			{Key: "Plain string", Value: "Foo"},
			{Key: "Closing CDATA", Value: "]]>"},
			{Key: "Alot of CDATA", Value: "This has <![CDATA[ opening and ]]> closing <![CDATA[ tags like this: ]]>"},
		}
		if diff := cmp.Diff(want, it.Meta); diff != "" {
			t.Errorf("meta (-want +got):\n%s", diff)
		}
	})

	t.Run("dates", func(t *testing.T) {
		items := records[wxr.Item](mustReadAll(t, "isso-wordpress.xml"))
		c := items[0].Comments[5]
		if c.ID != 10 || !c.Date.Equal(date("2022-06-06 12:13:14")) || !c.DateGMT.Equal(date("2022-06-06 02:13:14")) {
			t.Errorf("comment %d: Date %v, DateGMT %v; want 2022-06-06 12:13:14 and 02:13:14 UTC", c.ID, c.Date, c.DateGMT)
		}
		if loc := c.DateGMT.Location(); loc != time.UTC {
			t.Errorf("DateGMT is in %v; want UTC", loc)
		}
		// Comment 7 has no <wp:comment_date>.
		if c := items[0].Comments[2]; c.ID != 7 || !c.Date.IsZero() || !c.DateGMT.Equal(date("2014-04-29 15:21:35")) {
			t.Errorf("comment %d: Date %v, DateGMT %v; want zero and 2014-04-29 15:21:35", c.ID, c.Date, c.DateGMT)
		}
		// A draft's post_date_gmt is 0000-00-00 00:00:00.
		it := records[wxr.Item](mustReadAll(t, "wordpress-importer/test-serialized-comment-meta.xml"))[0]
		if !it.DateGMT.IsZero() || it.Date.IsZero() {
			t.Errorf("draft: Date %v, DateGMT %v; want a date and zero", it.Date, it.DateGMT)
		}
	})

	t.Run("WXR 1.0 without post types", func(t *testing.T) {
		recs := mustReadAll(t, "isso-wordpress.xml")
		if site := recs[0].(*wxr.Site); site.Version != "1.0" {
			t.Errorf("version = %q; want 1.0 from the namespace", site.Version)
		}
		items := records[wxr.Item](recs)
		for _, it := range items[1:] {
			if it.Type != "post" || it.ID != 0 {
				t.Errorf("item at line %d: type %q, ID %d; want post, 0", it.Line, it.Type, it.ID)
			}
		}
		// Text is kept as written, white space included.
		if got, want := items[0].Comments[0].AuthorEmail, "test@example.org\n                "; got != want {
			t.Errorf("author email = %q; want %q", got, want)
		}
		if got := items[0].Comments[0].Content; got != "\n                    Erster!1" {
			t.Errorf("content = %q", got)
		}
		if got := []int{items[0].Line, items[1].Line, items[2].Line}; !cmp.Equal(got, []int{13, 136, 155}) {
			t.Errorf("item lines = %v; want [13 136 155]", got)
		}
	})

	t.Run("WXR 1.0 item categories", func(t *testing.T) {
		// WXR 1.0 writes each category twice, once without attributes; WordPress reads only those with a nicename.
		items := records[wxr.Item](mustReadAll(t, "wordpress-importer/valid-wxr-1.0.xml"))
		want := []wxr.ItemTerm{
			{Domain: "category", Nicename: "alpha", Name: "alpha"},
			{Domain: "tag", Nicename: "news", Name: "news"},
			{Domain: "tag", Nicename: "roar", Name: "roar"},
		}
		if diff := cmp.Diff(want, items[2].Terms); diff != "" {
			t.Errorf("terms (-want +got):\n%s", diff)
		}
	})

	t.Run("backslashes", func(t *testing.T) {
		recs := mustReadAll(t, "wordpress-importer/slashes.xml")
		it := records[wxr.Item](recs)[0]
		if want := `Slashes aren\'t \"cool\"`; it.Content != want {
			t.Errorf("content = %q; want %q", it.Content, want)
		}
		if want := `\o/ ¯\_(ツ)_/¯`; it.Comments[0].Content != want {
			t.Errorf("comment = %q; want %q", it.Comments[0].Content, want)
		}
		if want := `a \"great\" category`; records[wxr.Category](recs)[0].Name != want {
			t.Errorf("category name = %q; want %q", records[wxr.Category](recs)[0].Name, want)
		}
		it = records[wxr.Item](mustReadAll(t, "wordpress-importer/backslashes.xml"))[0]
		if want := `C:\xampp\htdocs\wp-content`; it.Content != want {
			t.Errorf("content = %q; want %q", it.Content, want)
		}
	})

	t.Run("comment meta", func(t *testing.T) {
		it := records[wxr.Item](mustReadAll(t, "wordpress-importer/test-serialized-comment-meta.xml"))[0]
		want := []wxr.Meta{
			{Key: "string", Value: `¯\_(ツ)_/¯`},
			{Key: "array", Value: `a:1:{s:3:"key";s:13:"¯\_(ツ)_/¯";}`},
		}
		if diff := cmp.Diff(want, it.Comments[0].Meta); diff != "" {
			t.Errorf("comment meta (-want +got):\n%s", diff)
		}
	})

	t.Run("post password", func(t *testing.T) {
		// The theme unit test data protects one post, "Template: Password Protected", with the password "enter";
		// every other item has an empty <wp:post_password>, some written <wp:post_password/>.
		passwords := map[int64]string{}
		for _, it := range records[wxr.Item](mustReadAll(t, "wptt-themeunittestdata.wordpress.xml")) {
			if it.Password != "" {
				passwords[it.ID] = it.Password
			}
		}
		if want := map[int64]string{1168: "enter"}; !cmp.Equal(passwords, want) {
			t.Errorf("items with a password = %v; want %v", passwords, want)
		}
	})

	t.Run("https namespace", func(t *testing.T) {
		recs := mustReadAll(t, "wptt-themeunittestdata.wordpress.xml")
		if site := recs[0].(*wxr.Site); site.Version != "1.2" || site.BaseBlogURL != "https://wpthemetestdata.wordpress.com" {
			t.Errorf("site = %+v", site)
		}
		var sticky int
		for _, it := range records[wxr.Item](recs) {
			if it.Sticky {
				sticky++
			}
		}
		if sticky == 0 {
			t.Error("no sticky item read")
		}
	})
}

// TestReadNamespaces checks namespace-edge-cases.xml: elements count when they are in the namespace <rss> binds to
// wp, whatever their prefix, as in WordPress's importer.
func TestReadNamespaces(t *testing.T) {
	recs := mustReadAll(t, "wordpress-importer/namespace-edge-cases.xml")
	if diff := cmp.Diff([]*wxr.Author{{ID: 2, Login: "real_user", Email: "real@example.com", Line: 24}}, records[wxr.Author](recs)); diff != "" {
		t.Errorf("authors (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]*wxr.Term{{ID: 102, Taxonomy: "category", Slug: "new-version", Name: "New Version", Line: 131}}, records[wxr.Term](recs)); diff != "" {
		t.Errorf("terms (-want +got):\n%s", diff)
	}
	type summary struct {
		ID     int64
		Title  string
		Status string
		Meta   []wxr.Meta
	}
	var got []summary
	for _, it := range records[wxr.Item](recs) {
		got = append(got, summary{it.ID, it.Title, it.Status, it.Meta})
	}
	want := []summary{
		// <alt:post_id>999</alt:post_id> is a second wp:post_id: the first counts. The postmeta whose wp prefix is
		// rebound is not WordPress's.
		{1, "Mixed Namespaces", "publish", []wxr.Meta{{Key: "normal_key", Value: "normal_value"}}},
		{2, "No Prefix", "publish", nil},
		{3, "Empty Namespace", "publish", nil},
		{4, "Unicode Namespace", "publish", nil},
		// Its wp prefix is rebound, so it has no WordPress fields at all.
		{0, "Hijacked Namespace", "", nil},
		{6, "Namespace Bomb", "publish", nil},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
}

// TestReadMalformedFixtures checks what the reader makes of the fixtures WordPress's importer tests refuse.
//
// WordPress's importer tries SimpleXML, then PHP's XML parser, and on malformed XML falls back to a regular
// expression parser that recovers crazy-cdata.xml and malformed.xml. A streaming importer cannot take back the
// records it has already imported, and guessing where a broken CDATA section ends can corrupt a post silently, so
// the Reader refuses malformed XML, naming the line, as WordPress's XML parsers do.
//
// WordPress refuses missing-version-tag.xml for having no <wp:wxr_version>. The Reader reads it instead, as the
// version its wp namespace names (1.1): exports older than WordPress 3.0 have no <wp:wxr_version> (isso-wordpress.xml
// is one), the namespace names the version as surely as the element does, and the file is otherwise well-formed and
// complete. invalid-version-tag.xml says "abc", which names no version, so it is refused as WordPress refuses it.
func TestReadMalformedFixtures(t *testing.T) {
	tests := []struct {
		file    string
		records []string // the types of the records read before the error
		err     string
	}{
		{"crazy-cdata.xml", []string{"*wxr.Site"}, "line 18: malformed XML: unescaped ]]> not in CDATA section"},
		{"malformed.xml", nil, "line 90: malformed XML: element <notachanneltag> closed by </channel>"},
		{"malformed-simple.xml", []string{"*wxr.Site"}, "line 14: the file ends in the middle of <item> (truncated?)"},
		{"invalid-version-tag.xml", nil, `line 33: <wp:wxr_version> is "abc"; Salon reads WXR 1.0, 1.1 and 1.2`},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			recs, err := readAll(bytes.NewReader(fixture(t, "wordpress-importer/malformed/"+tt.file)))
			var types []string
			for _, r := range recs {
				types = append(types, fmt.Sprintf("%T", r))
			}
			if !cmp.Equal(types, tt.records) {
				t.Errorf("records before the error = %v; want %v", types, tt.records)
			}
			if err == nil || err.Error() != tt.err {
				t.Errorf("error = %v; want %s", err, tt.err)
			}
			checkError(t, err)
		})
	}
}

// checkError fails unless err is an *Error with a line.
func checkError(t testing.TB, err error) {
	t.Helper()
	if err == nil || err == io.EOF {
		return
	}
	e, ok := err.(*wxr.Error)
	if !ok {
		t.Fatalf("error %v is a %T, not a *wxr.Error", err, err)
	}
	if e.Line < 1 {
		t.Fatalf("error %v has line %d", err, e.Line)
	}
}

// head is the start of a WXR 1.2 file, up to the channel's header, on lines 1 to 5.
const head = `<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<wp:wxr_version>1.2</wp:wxr_version>
`

const tail = "</channel>\n</rss>\n"

func TestReaderErrors(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		want     string
		notWXR   bool // the error wraps ErrNotWXR
		syntax   bool // the error wraps an *xml.SyntaxError
		nRecords int  // records read before the error
	}{
		{name: "empty", in: "", want: "line 1: not a WordPress export: the file is empty", notWXR: true},
		{name: "white space", in: "\n\n  \n", want: "line 4: not a WordPress export: the file is empty", notWXR: true},
		{name: "text", in: "This is not valid XML content", want: `line 1: not a WordPress export: the file starts with text, not XML: "This is not valid XML content"`, notWXR: true},
		{name: "JSON", in: "\n{\"posts\": []}", want: `line 2: not a WordPress export: the file starts with text, not XML: "{\"posts\": []}"`, notWXR: true},
		{
			name: "PHP warning", in: "\nWarning: Cannot modify header information - headers already sent in /var/www/wp-admin/includes/export.php on line 42\n" + head + tail,
			want: `line 2: not a WordPress export: the file starts with text, not XML: "Warning: Cannot modify header informatio"…`, notWXR: true,
		},
		{name: "binary", in: "\x00\x01\x02", want: "line 1: malformed XML: illegal character code U+0000", syntax: true},
		{name: "UTF-16", in: "\xff\xfe<\x00r\x00s\x00s\x00", want: "line 1: malformed XML: invalid UTF-8", syntax: true},
		{
			name: "Atom", in: "<?xml version=\"1.0\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"></feed>",
			want: "line 2: not a WordPress export: the root element is <feed>, not <rss>", notWXR: true,
		},
		{
			name: "HTML", in: "<!DOCTYPE html>\n<html><body>Not found</body></html>",
			want: "line 2: not a WordPress export: the root element is <html>, not <rss>", notWXR: true,
		},
		{
			name: "plain RSS", in: "<rss version=\"2.0\">\n<channel><title>x</title></channel></rss>",
			want:   `line 1: not a WordPress export: <rss> does not declare the wp namespace (xmlns:wp="http://wordpress.org/export/1.2/")`,
			notWXR: true,
		},
		{
			name: "foreign wp namespace", in: `<rss xmlns:wp="http://example.com/wp/"><channel></channel></rss>`,
			want: `line 1: not a WordPress export: the wp namespace is "http://example.com/wp/", not http://wordpress.org/export/1.N/`, notWXR: true,
		},
		{
			name: "no channel", in: "<rss xmlns:wp=\"http://wordpress.org/export/1.2/\">\n<foo/>\n</rss>",
			want: "line 3: not a WordPress export: <rss> has no <channel>", notWXR: true,
		},
		{
			name: "unknown version", in: strings.Replace(head, "1.2</wp", "2.0</wp", 1) + tail,
			want: `line 5: <wp:wxr_version> is "2.0"; Salon reads WXR 1.0, 1.1 and 1.2`,
		},
		{
			name: "unknown namespace version", in: strings.Replace(head, "export/1.2/", "export/9.9/", 1) + tail,
			want: "line 2: the wp namespace http://wordpress.org/export/9.9/ is for WXR 9.9; Salon reads WXR 1.0, 1.1 and 1.2",
		},
		{
			name: "truncated in an item", in: head + "<item>\n<title>Hello</title>\n<content:encoded><![CDATA[Once upon",
			want: "line 8: the file ends in the middle of <item> (truncated?)", nRecords: 1,
		},
		{
			name: "truncated in a tag", in: head + "<item>\n<title>Hello</title>\n<wp:post_",
			want: "line 8: the file ends in the middle of <item> (truncated?)", nRecords: 1,
		},
		{
			name: "truncated between items", in: head + "<item><title>Hello</title></item>\n",
			want: "line 7: the file ends in the middle of <channel> (truncated?)", nRecords: 2,
		},
		{
			name: "truncated in the header", in: head + "<title>Hel",
			want: "line 6: the file ends in the middle of <channel> (truncated?)",
		},
		{
			name: "truncated after channel", in: head + "</channel>\n",
			want: "line 7: the file ends in the middle of <rss> (truncated?)", nRecords: 1,
		},
		{
			name: "bad post date", in: head + "<item>\n<wp:post_id>7</wp:post_id>\n<wp:post_date>2008-13-45 09:26:52</wp:post_date>\n</item>\n" + tail,
			want: `line 8: <wp:post_date> is "2008-13-45 09:26:52", not a date like 2006-01-02 15:04:05`, nRecords: 1,
		},
		{
			name: "date with fractional seconds", in: head + "<item>\n<wp:post_date_gmt>2008-01-02 09:26:52.5</wp:post_date_gmt>\n</item>\n" + tail,
			want: `line 7: <wp:post_date_gmt> is "2008-01-02 09:26:52.5", not a date like 2006-01-02 15:04:05`, nRecords: 1,
		},
		{
			name: "bad comment date", in: head + "<item>\n<wp:comment>\n<wp:comment_date>yesterday</wp:comment_date>\n</wp:comment>\n</item>\n" + tail,
			want: `line 8: <wp:comment_date> is "yesterday", not a date like 2006-01-02 15:04:05`, nRecords: 1,
		},
		{
			name: "bad post ID", in: head + "<item>\n<wp:post_id>12a</wp:post_id>\n</item>\n" + tail,
			want: `line 7: <wp:post_id> is "12a", not a number`, nRecords: 1,
		},
		{
			name: "bad comment parent", in: head + "<item>\n<wp:comment>\n<wp:comment_parent>-</wp:comment_parent>\n</wp:comment>\n</item>\n" + tail,
			want: `line 8: <wp:comment_parent> is "-", not a number`, nRecords: 1,
		},
		{
			name: "huge menu order", in: head + "<item>\n<wp:menu_order>99999999999999999999</wp:menu_order>\n</item>\n" + tail,
			want: `line 7: <wp:menu_order> is "99999999999999999999", not a number`, nRecords: 1,
		},
		{
			name: "bad term ID", in: head + "<wp:category>\n<wp:term_id>one</wp:term_id>\n</wp:category>\n" + tail,
			want: `line 7: <wp:term_id> is "one", not a number`, nRecords: 1,
		},
		{
			name: "long bad value", in: head + "<wp:author><wp:author_id>" + strings.Repeat("x", 100) + "</wp:author_id></wp:author>\n" + tail,
			want: `line 6: <wp:author_id> is "` + strings.Repeat("x", 40) + `"…, not a number`, nRecords: 1,
		},
		{
			name: "mismatched tag", in: head + "<item>\n<title>Hello</item>\n" + tail,
			want: "line 7: malformed XML: element <title> closed by </item>", syntax: true, nRecords: 1,
		},
		{
			name: "undefined entity", in: head + "<item>\n<title>Tom &unknown; Jerry</title>\n</item>\n" + tail,
			want: "line 7: malformed XML: invalid character entity &unknown;", syntax: true, nRecords: 1,
		},
		{
			name: "element after rss", in: head + tail + "<rss/>\n",
			want: "line 8: element <rss> after </rss>", nRecords: 1,
		},
		{
			name: "text after rss", in: head + tail + "garbage\n",
			want: "line 8: text after </rss>", nRecords: 1,
		},
		{
			name: "encoding", in: "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<rss/>",
			want: `line 1: encoding "ISO-8859-1" is not supported: Salon reads UTF-8 exports`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, err := readAll(strings.NewReader(tt.in))
			if err == nil || err.Error() != tt.want {
				t.Fatalf("error = %v; want %s", err, tt.want)
			}
			checkError(t, err)
			if got := errors.Is(err, wxr.ErrNotWXR); got != tt.notWXR {
				t.Errorf("errors.Is(err, ErrNotWXR) = %v; want %v", got, tt.notWXR)
			}
			if _, got := errors.AsType[*xml.SyntaxError](err); got != tt.syntax {
				t.Errorf("error wraps an *xml.SyntaxError: %v; want %v", got, tt.syntax)
			}
			if len(recs) != tt.nRecords {
				t.Errorf("read %d records before the error; want %d", len(recs), tt.nRecords)
			}
		})
	}
}

func TestReaderAccepts(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []any
	}{
		{
			name: "HTML entities outside CDATA",
			in:   head + "<title>Caf&eacute;&nbsp;&amp;&#160;Bar</title>\n" + tail,
			want: []any{&wxr.Site{Title: "Café\u00a0&\u00a0Bar", Version: "1.2"}},
		},
		{
			name: "byte order mark",
			in:   "\ufeff" + head + tail,
			want: []any{&wxr.Site{Version: "1.2"}},
		},
		{
			name: "no header",
			in:   "<rss xmlns:wp=\"https://wordpress.org/export/1.1/\"><channel><item/></channel></rss>",
			want: []any{&wxr.Site{Version: "1.1"}, &wxr.Item{Line: 1, Type: "post"}},
		},
		{
			name: "version element wins over namespace",
			in:   strings.Replace(head, "1.2</wp", "1.0</wp", 1) + tail,
			want: []any{&wxr.Site{Version: "1.0"}},
		},
		{
			name: "header after the first record is ignored",
			in:   head + "<wp:author/>\n<title>Late</title>\n" + tail,
			want: []any{&wxr.Site{Version: "1.2"}, &wxr.Author{Line: 6}},
		},
		{
			name: "first value counts",
			in:   head + "<title>One</title><title>Two</title>\n<item><wp:post_id>1</wp:post_id><wp:post_id>2</wp:post_id></item>\n" + tail,
			want: []any{&wxr.Site{Title: "One", Version: "1.2"}, &wxr.Item{Line: 7, ID: 1, Type: "post"}},
		},
		{
			name: "empty numbers and dates",
			in: head + "<item><wp:post_id> </wp:post_id><wp:post_parent></wp:post_parent><wp:post_date></wp:post_date>" +
				"<wp:post_date_gmt>0000-00-00 00:00:00</wp:post_date_gmt><wp:post_type></wp:post_type></item>\n" + tail,
			want: []any{&wxr.Site{Version: "1.2"}, &wxr.Item{Line: 6, Type: "post"}},
		},
		{
			name: "numbers and dates are trimmed",
			in:   head + "<item><wp:post_id>\n\t42\n</wp:post_id><wp:post_date> 2020-02-29 23:59:59\n</wp:post_date><wp:is_sticky> 1 </wp:is_sticky></item>\n" + tail,
			want: []any{&wxr.Site{Version: "1.2"}, &wxr.Item{Line: 6, ID: 42, Type: "post", Date: date("2020-02-29 23:59:59"), Sticky: true}},
		},
		{
			name: "unknown elements and a second channel are skipped",
			in: head + "<image><url>x</url></image>\n<wp:unknown><item/></wp:unknown>\n<item><foo:bar xmlns:foo=\"urn:x\"><title>no</title></foo:bar>" +
				"<title>Yes <b>bold</b></title></item>\n</channel>\n<channel><item/></channel>\n</rss>\n<!-- end -->\n",
			want: []any{&wxr.Site{Version: "1.2"}, &wxr.Item{Line: 8, Title: "Yes ", Type: "post"}},
		},
		{
			name: "undeclared content prefix",
			in:   "<rss xmlns:wp=\"http://wordpress.org/export/1.2/\"><channel><item><content:encoded>Body</content:encoded><excerpt:encoded>Short</excerpt:encoded></item></channel></rss>",
			want: []any{&wxr.Site{Version: "1.2"}, &wxr.Item{Line: 1, Type: "post", Content: "Body", Excerpt: "Short"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readAll(strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("records (-want +got):\n%s", diff)
			}
		})
	}
}

// TestReaderStopsAtError checks that Next keeps returning its first error, io.EOF included.
func TestReaderStopsAtError(t *testing.T) {
	for _, in := range []string{head + tail, head + "<item><wp:post_id>x</wp:post_id></item>" + tail} {
		r := wxr.NewReader(strings.NewReader(in))
		var first error
		for first == nil {
			_, first = r.Next()
		}
		for range 3 {
			if rec, err := r.Next(); rec != nil || err != first {
				t.Errorf("after %v, Next() = %v, %v", first, rec, err)
			}
		}
	}
}
