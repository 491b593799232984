package wxr_test

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/salon-blog/salon/internal/wxr"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.xml with the current output")

// writeAll writes recs, which start with the *Site, as a WXR file.
func writeAll(recs []any) ([]byte, error) {
	var buf bytes.Buffer
	w, err := wxr.NewWriter(&buf, *recs[0].(*wxr.Site))
	if err != nil {
		return nil, err
	}
	for _, rec := range recs[1:] {
		switch r := rec.(type) {
		case *wxr.Author:
			err = w.Author(*r)
		case *wxr.Category:
			err = w.Category(*r)
		case *wxr.Tag:
			err = w.Tag(*r)
		case *wxr.Term:
			err = w.Term(*r)
		case *wxr.Item:
			err = w.Item(*r)
		}
		if err != nil {
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// ignoreLines leaves out the fields that say where a record was in the file it was read from.
var ignoreLines = cmp.Options{
	cmpopts.IgnoreFields(wxr.Author{}, "Line"),
	cmpopts.IgnoreFields(wxr.Category{}, "Line"),
	cmpopts.IgnoreFields(wxr.Tag{}, "Line"),
	cmpopts.IgnoreFields(wxr.Term{}, "Line"),
	cmpopts.IgnoreFields(wxr.Item{}, "Line"),
	cmpopts.IgnoreFields(wxr.Comment{}, "Line"),
}

// roundTrip writes recs and reads them back. It fails unless what it reads is recs, but for lines and the version.
func roundTrip(t testing.TB, recs []any) []byte {
	t.Helper()
	out, err := writeAll(recs)
	if err != nil {
		t.Fatalf("write: %v", err)
	}
	back, err := readAll(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("read what was written: %v", err)
	}
	want := append([]any(nil), recs...)
	site := *recs[0].(*wxr.Site)
	site.Version = "1.2"
	want[0] = &site
	if diff := cmp.Diff(want, back, ignoreLines); diff != "" {
		t.Fatalf("read(write(records)) differs (-want +got):\n%s", diff)
	}
	return out
}

// TestRoundTrip writes the records of every fixture the Reader accepts and reads them back.
func TestRoundTrip(t *testing.T) {
	fixture(t, "SOURCE.md") // skips the test when the fixtures are absent
	var names []string
	for _, pattern := range []string{"*.xml", "wordpress-importer/*.xml", "wordpress-importer/malformed/missing-version-tag.xml"} {
		m, err := filepath.Glob(filepath.Join(fixtureDir, filepath.FromSlash(pattern)))
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range m {
			rel, err := filepath.Rel(fixtureDir, path)
			if err != nil {
				t.Fatal(err)
			}
			names = append(names, filepath.ToSlash(rel))
		}
	}
	if len(names) < 18 {
		t.Fatalf("found only %d fixtures: %v", len(names), names)
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			out := roundTrip(t, mustReadAll(t, name))
			// Writing what was read from a written file gives the same bytes.
			recs, err := readAll(bytes.NewReader(out))
			if err != nil {
				t.Fatal(err)
			}
			again, err := writeAll(recs)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out, again) {
				t.Error("writing the records read from a written file gives other bytes")
			}
		})
	}
}

// sample is an export that uses every field the Writer writes.
func sample() []any {
	return []any{
		&wxr.Site{
			Title: "Salon & Friends", Link: "https://example.com", Description: "Notes <on> \"things\"",
			Language: "en-GB", BaseSiteURL: "https://example.com", BaseBlogURL: "https://example.com/blog",
		},
		&wxr.Author{ID: 1, Login: "ada", Email: "ada@example.com", DisplayName: "Ada L.", FirstName: "Ada", LastName: "Lovelace"},
		&wxr.Category{ID: 2, Nicename: "maths", Name: "Maths"},
		&wxr.Category{ID: 3, Nicename: "engines", Parent: "maths", Name: "Engines", Description: "Analytical & otherwise"},
		&wxr.Tag{ID: 4, Slug: "notes", Name: "Notes", Description: "Footnotes, mostly"},
		&wxr.Term{ID: 5, Taxonomy: "nav_menu", Slug: "main", Name: "Main menu"},
		&wxr.Item{
			ID: 10, Title: "On the <Engine>", Link: "https://example.com/blog/on-the-engine/?a=1&b=2",
			GUID: "https://example.com/blog/?p=10", Creator: "ada",
			Content:  "<p>It weaves ]]> patterns</p>\r\n<p>Like a loom.</p>",
			Excerpt:  "It weaves.",
			PostName: "on-the-engine", Type: "post", Status: "publish", CommentStatus: "open", PingStatus: "closed",
			Date: date("1843-09-01 10:00:00"), DateGMT: date("1843-09-01 10:00:00"), MenuOrder: -1, Sticky: true,
			Terms: []wxr.ItemTerm{
				{Domain: "category", Nicename: "engines", Name: "Engines"},
				{Domain: "post_tag", Nicename: "notes", Name: "Notes"},
			},
			Meta: []wxr.Meta{{Key: "_edit_last", Value: "1"}, {Key: "_data", Value: `a:1:{s:1:"k";s:3:"]]>";}`}},
			Comments: []wxr.Comment{
				{
					ID: 20, Author: "Charles", AuthorEmail: "cb@example.com", AuthorURL: "https://example.com/?c=1&d=2",
					AuthorIP: "192.0.2.1", Date: date("1843-09-02 08:00:00"), DateGMT: date("1843-09-02 08:00:00"),
					Content: "Splendid.", Approved: "1", Type: "comment",
				},
				{
					ID: 21, Author: "Ada L.", AuthorEmail: "ada@example.com", Date: date("1843-09-02 09:00:00"),
					DateGMT: date("1843-09-02 09:00:00"), Content: "Thank you.", Approved: "1", Type: "comment",
					Parent: 20, UserID: 1, Meta: []wxr.Meta{{Key: "akismet_result", Value: "false"}},
				},
				{ID: 22, Author: "Spammer", Content: "Buy now", Approved: "spam", Type: "pingback", Date: date("1843-09-03 00:00:00")},
			},
		},
		&wxr.Item{
			ID: 11, Title: "A draft", Creator: "ada", PostName: "", Type: "page", Status: "draft", Parent: 10,
			Date: date("1843-09-05 12:00:00"), Password: "secret",
		},
		&wxr.Item{
			ID: 12, Title: "loom.jpg", Creator: "ada", PostName: "loom", Type: "attachment", Status: "inherit", Parent: 10,
			Date: date("1843-09-01 09:00:00"), DateGMT: date("1843-09-01 09:00:00"),
			AttachmentURL: "https://example.com/wp-content/uploads/loom.jpg",
			Meta:          []wxr.Meta{{Key: "_wp_attached_file", Value: "loom.jpg"}},
		},
	}
}

// TestWriterGolden compares the Writer's output with testdata/sample.golden.xml, which shows the layout it writes.
func TestWriterGolden(t *testing.T) {
	out := roundTrip(t, sample())
	golden := filepath.Join("testdata", "sample.golden.xml")
	if *update {
		if err := os.WriteFile(golden, out, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(out)); diff != "" {
		t.Errorf("output differs from %s (-want +got); run go test -update to accept it:\n%s", golden, diff)
	}
}

// TestWriterCDATA checks how text that could end a CDATA section, or that XML would change, is written.
func TestWriterCDATA(t *testing.T) {
	tests := []struct {
		content string
		want    string // the written <content:encoded>
	}{
		{"", "<![CDATA[]]>"},
		{"plain <b>HTML</b> &amp; entities", "<![CDATA[plain <b>HTML</b> &amp; entities]]>"},
		{"]]>", "<![CDATA[]]]]><![CDATA[>]]>"},
		{"a]]>b]]>c", "<![CDATA[a]]]]><![CDATA[>b]]]]><![CDATA[>c]]>"},
		{"]]]>", "<![CDATA[]]]]]><![CDATA[>]]>"},
		{"]]", "<![CDATA[]]]]>"},
		{"<![CDATA[ nested ]]>", "<![CDATA[<![CDATA[ nested ]]]]><![CDATA[>]]>"},
		{"line\r\nbreak", "<![CDATA[line]]>&#xD;<![CDATA[\nbreak]]>"},
		{"\n  spaced  \n", "<![CDATA[\n  spaced  \n]]>"},
	}
	for _, tt := range tests {
		recs := []any{&wxr.Site{}, &wxr.Item{ID: 1, Type: "post", Content: tt.content}}
		out := string(roundTrip(t, recs))
		if want := "<content:encoded>" + tt.want + "</content:encoded>"; !strings.Contains(out, want) {
			t.Errorf("Item(Content: %q) wrote no %s in:\n%s", tt.content, want, out)
		}
	}
}

// TestWriterRefusesRecord checks that a record XML cannot carry is refused whole, and that writing goes on.
func TestWriterRefusesRecord(t *testing.T) {
	tests := []struct {
		name string
		rec  any
		want string
	}{
		{"NUL in content", &wxr.Item{ID: 5, Content: "a\x00b"}, "wxr: write item 5: <content:encoded> holds U+0000 at byte 1, which XML cannot carry"},
		{"invalid UTF-8 in title", &wxr.Item{ID: 6, Title: "caf\xe9"}, "wxr: write item 6: <title> holds invalid UTF-8 at byte 3"},
		{"control character in a link", &wxr.Item{ID: 7, Link: "https://example.com/\x1b"}, "wxr: write item 7: <link> holds U+001B at byte 20, which XML cannot carry"},
		{"bad term attribute", &wxr.Item{ID: 8, Terms: []wxr.ItemTerm{{Domain: "category", Nicename: "a\uffffb"}}}, "wxr: write item 8: <category nicename> holds U+FFFF at byte 1, which XML cannot carry"},
		{
			"bad comment", &wxr.Item{ID: 9, Comments: []wxr.Comment{{ID: 1}, {ID: 3, Content: "x\x01"}}},
			"wxr: write item 9: comment 3: <wp:comment_content> holds U+0001 at byte 1, which XML cannot carry",
		},
		{"year 10000", &wxr.Item{ID: 10, Date: date("9999-12-31 23:59:59").AddDate(0, 0, 1)}, "wxr: write item 10: <wp:post_date> is in the year 10000, which WXR cannot write"},
		{"bad author", &wxr.Author{Login: "x\x02"}, `wxr: write author "x\x02": <wp:author_login> holds U+0002 at byte 1, which XML cannot carry`},
		{"bad category", &wxr.Category{Nicename: "c", Name: "\x03"}, `wxr: write category "c": <wp:cat_name> holds U+0003 at byte 0, which XML cannot carry`},
		{"bad tag", &wxr.Tag{Slug: "t", Description: "\x04"}, `wxr: write tag "t": <wp:tag_description> holds U+0004 at byte 0, which XML cannot carry`},
		{"bad term", &wxr.Term{Taxonomy: "nav_menu", Slug: "\x05"}, `wxr: write "nav_menu" term "\x05": <wp:term_slug> holds U+0005 at byte 0, which XML cannot carry`},
	}
	good := sample()
	want, err := writeAll(good)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			w, err := wxr.NewWriter(&buf, *good[0].(*wxr.Site))
			if err != nil {
				t.Fatal(err)
			}
			for i, rec := range good[1:] {
				if i == 3 {
					switch r := tt.rec.(type) {
					case *wxr.Item:
						err = w.Item(*r)
					case *wxr.Author:
						err = w.Author(*r)
					case *wxr.Category:
						err = w.Category(*r)
					case *wxr.Tag:
						err = w.Tag(*r)
					case *wxr.Term:
						err = w.Term(*r)
					}
					if err == nil || err.Error() != tt.want {
						t.Errorf("error = %v; want %s", err, tt.want)
					}
				}
				switch r := rec.(type) {
				case *wxr.Author:
					err = w.Author(*r)
				case *wxr.Category:
					err = w.Category(*r)
				case *wxr.Tag:
					err = w.Tag(*r)
				case *wxr.Term:
					err = w.Term(*r)
				case *wxr.Item:
					err = w.Item(*r)
				}
				if err != nil {
					t.Fatalf("writing after the refused record: %v", err)
				}
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("the refused record left a trace:\n%s", buf.Bytes())
			}
		})
	}
}

func TestNewWriterRefusesSite(t *testing.T) {
	_, err := wxr.NewWriter(io.Discard, wxr.Site{Title: "a\x00"})
	if want := "wxr: write header: <title> holds U+0000 at byte 1, which XML cannot carry"; err == nil || err.Error() != want {
		t.Errorf("NewWriter error = %v; want %s", err, want)
	}
}

// failWriter fails every write.
type failWriter struct{}

var errDisk = errors.New("disk full")

func (failWriter) Write([]byte) (int, error) { return 0, errDisk }

func TestWriterErrorsAreFinal(t *testing.T) {
	w, err := wxr.NewWriter(failWriter{}, wxr.Site{})
	if err != nil {
		t.Fatalf("NewWriter: %v; want the header kept until there is more to write", err)
	}
	// Enough to make the Writer write, whatever its buffer's size.
	big := wxr.Item{ID: 1, Content: strings.Repeat("x", 1<<20)}
	if err := w.Item(big); !errors.Is(err, errDisk) {
		t.Fatalf("Item = %v; want %v", err, errDisk)
	}
	if err := w.Author(wxr.Author{Login: "a"}); !errors.Is(err, errDisk) {
		t.Errorf("Author after a failed write = %v; want %v", err, errDisk)
	}
	if err := w.Close(); !errors.Is(err, errDisk) {
		t.Errorf("Close after a failed write = %v; want %v", err, errDisk)
	}
}

func TestWriterClose(t *testing.T) {
	var buf bytes.Buffer
	w, err := wxr.NewWriter(&buf, wxr.Site{Title: "T"})
	if err != nil {
		t.Fatal(err)
	}
	if buf.Len() != 0 {
		t.Errorf("wrote %d bytes before Close; want them kept until there is more", buf.Len())
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(buf.String(), "</channel>\n</rss>\n") {
		t.Errorf("output does not end the file:\n%s", buf.String())
	}
	if err := w.Close(); err == nil {
		t.Error("second Close succeeded")
	}
	if err := w.Item(wxr.Item{}); err == nil {
		t.Error("Item after Close succeeded")
	}
}
