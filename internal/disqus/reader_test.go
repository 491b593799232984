package disqus_test

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/salon-blog/salon/internal/disqus"
)

// fixture returns the bytes of a shared Disqus export, skipping the test when the shared tree is not there.
func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "testdata", "disqus", name))
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("fixture %s is absent", name)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// readAll returns every record of r up to the first error other than io.EOF.
func readAll(r io.Reader) ([]any, error) {
	dr := disqus.NewReader(r)
	var recs []any
	for {
		rec, err := dr.Next()
		if err == io.EOF {
			return recs, nil
		}
		if err != nil {
			return recs, err
		}
		recs = append(recs, rec)
	}
}

// oracle is the whole export unmarshalled at once, the simplest possible reading, to check the Reader against.
type oracle struct {
	Categories []struct{} `xml:"http://disqus.com category"`
	Threads    []struct{} `xml:"http://disqus.com thread"`
	Posts      []struct {
		Parent    *struct{} `xml:"http://disqus.com parent"`
		IsDeleted string    `xml:"http://disqus.com isDeleted"`
		IsSpam    string    `xml:"http://disqus.com isSpam"`
	} `xml:"http://disqus.com post"`
}

type counts struct {
	Categories, Threads, Posts, Replies, Deleted, Spam int
}

func oracleCounts(t *testing.T, b []byte) counts {
	t.Helper()
	var o oracle
	if err := xml.Unmarshal(b, &o); err != nil {
		t.Fatalf("oracle: %v", err)
	}
	c := counts{Categories: len(o.Categories), Threads: len(o.Threads), Posts: len(o.Posts)}
	for _, p := range o.Posts {
		if p.Parent != nil {
			c.Replies++
		}
		if strings.TrimSpace(p.IsDeleted) == "true" {
			c.Deleted++
		}
		if strings.TrimSpace(p.IsSpam) == "true" {
			c.Spam++
		}
	}
	return c
}

func readerCounts(t *testing.T, recs []any) counts {
	t.Helper()
	var c counts
	for _, rec := range recs {
		switch r := rec.(type) {
		case *disqus.Category:
			c.Categories++
		case *disqus.Thread:
			c.Threads++
		case *disqus.Post:
			c.Posts++
			if r.ParentID != "" {
				c.Replies++
			}
			if r.Deleted {
				c.Deleted++
			}
			if r.Spam {
				c.Spam++
			}
		default:
			t.Fatalf("Next returned a %T", rec)
		}
	}
	return c
}

func TestFixtureCounts(t *testing.T) {
	tests := []struct {
		file   string
		source counts // as SOURCE.md states them, to check the oracle too
	}{
		{"isso-disqus.xml", counts{Categories: 1, Threads: 3, Posts: 6, Replies: 2, Deleted: 1, Spam: 0}},
		{"kkdai-evanlin_20210517.xml", counts{Categories: 1, Threads: 2519, Posts: 189, Replies: 74, Deleted: 8, Spam: 13}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			b := fixture(t, tt.file)
			want := oracleCounts(t, b)
			if diff := cmp.Diff(tt.source, want); diff != "" {
				t.Errorf("oracle disagrees with SOURCE.md (-source +oracle):\n%s", diff)
			}
			recs, err := readAll(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("read: %v", err)
			}
			if diff := cmp.Diff(want, readerCounts(t, recs)); diff != "" {
				t.Errorf("counts (-oracle +reader):\n%s", diff)
			}
		})
	}
}

// TestFixtureLines checks every record's Line against the file: that line holds the record's start tag and dsq:id.
func TestFixtureLines(t *testing.T) {
	for _, file := range []string{"isso-disqus.xml", "kkdai-evanlin_20210517.xml"} {
		t.Run(file, func(t *testing.T) {
			b := fixture(t, file)
			lines := strings.Split(string(b), "\n")
			recs, err := readAll(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("read: %v", err)
			}
			prev := 0
			for _, rec := range recs {
				var tag string
				var line int
				switch r := rec.(type) {
				case *disqus.Category:
					tag, line = fmt.Sprintf(`<category dsq:id="%s">`, r.ID), r.Line
				case *disqus.Thread:
					tag, line = fmt.Sprintf(`<thread dsq:id="%s">`, r.ID), r.Line
				case *disqus.Post:
					tag, line = fmt.Sprintf(`<post dsq:id="%s">`, r.ID), r.Line
				}
				if line <= prev || line > len(lines) {
					t.Fatalf("%s: Line = %d after %d; want increasing, within the file's %d lines", tag, line, prev, len(lines))
				}
				if !strings.Contains(lines[line-1], tag) {
					t.Errorf("%s: Line = %d, which is %q", tag, line, lines[line-1])
				}
				prev = line
			}
		})
	}
}

func find[T any](t *testing.T, recs []any, match func(T) bool) T {
	t.Helper()
	for _, rec := range recs {
		if r, ok := rec.(T); ok && match(r) {
			return r
		}
	}
	var zero T
	t.Fatalf("no %T matches", zero)
	return zero
}

func postByID(t *testing.T, recs []any, id string) *disqus.Post {
	t.Helper()
	return find(t, recs, func(p *disqus.Post) bool { return p.ID == id })
}

func threadByID(t *testing.T, recs []any, id string) *disqus.Thread {
	t.Helper()
	return find(t, recs, func(th *disqus.Thread) bool { return th.ID == id })
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestIssoRecords(t *testing.T) {
	recs, err := readAll(bytes.NewReader(fixture(t, "isso-disqus.xml")))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&disqus.Category{ID: "1", Forum: "disqusdev", Title: "Technology", Line: 8}, recs[0]); diff != "" {
		t.Errorf("first record (-want +got):\n%s", diff)
	}
	tests := []struct {
		name string
		got  any
		want any
	}{
		{"thread 2", threadByID(t, recs, "2"), &disqus.Thread{
			ID: "2", Ident: "some-id", Forum: "disqusdev", Link: "http://example.org/", Title: "Hello, World!",
			Created: utc("2012-12-12T12:12:12Z"), AuthorName: "Baz", AuthorEmail: "foo@bar.com", Line: 13,
		}},
		{"thread 3, only <id/>", threadByID(t, recs, "3"), &disqus.Thread{ID: "3", Line: 28}},
		{"post 5, a reply in CDATA", postByID(t, recs, "5"), &disqus.Post{
			ID: "5", ThreadID: "2", ParentID: "4", Message: "<p>Hello, World.</p>",
			AuthorName: "user", AuthorEmail: "foo@bar.com", AuthorUsername: "user", IP: "127.0.0.1",
			Approved: true, Created: utc("2013-10-11T06:51:33Z"), Line: 49,
		}},
		{"post 6, an orphan", postByID(t, recs, "6"), &disqus.Post{
			ID: "6", ThreadID: "1337", Message: "...", AuthorName: "where am I?", AuthorEmail: "foo@bar.com",
			IP: "127.0.0.1", Anonymous: true, Approved: true, Created: utc("2013-10-10T19:20:29Z"), Line: 66,
		}},
		{"post 9, deleted", postByID(t, recs, "9"), &disqus.Post{
			ID: "9", ThreadID: "2", AuthorName: "peter", AuthorEmail: "foo@bar.com", IP: "127.0.0.1",
			Anonymous: true, Deleted: true, Approved: true, Created: utc("2013-10-10T19:20:29Z"), Line: 117,
		}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, tt.got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestKkdaiRecords(t *testing.T) {
	recs, err := readAll(bytes.NewReader(fixture(t, "kkdai-evanlin_20210517.xml")))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		got  any
		want any
	}{
		{"a Chinese name and message", postByID(t, recs, "2052812879"), &disqus.Post{
			ID: "2052812879", ThreadID: "3420057784", Message: "<p>筆者真有心，好感動</p>",
			AuthorName: "謝廣霖", AuthorUsername: "disqus_xCYYKxMiGf",
			Approved: true, Created: utc("2015-05-30T05:28:40Z"), Line: 40351,
		}},
		{"spam", postByID(t, recs, "1928792391"), &disqus.Post{
			ID: "1928792391", ThreadID: "3335226089", AuthorName: "Beckibox", AuthorUsername: "disqus_PuqGrbpiFR",
			Spam: true, Approved: true, Created: utc("2015-03-26T08:38:19Z"), Line: 40338,
			Message: postByID(t, recs, "1928792391").Message, // long; its start and end are checked below
		}},
		{"a WordPress thread with a Chinese title", threadByID(t, recs, "3874182176"), &disqus.Thread{
			ID: "3874182176", Ident: "997 http://www.evanlin.com/?p=997", Forum: "evanlin1007",
			Link:    "http://www.evanlin.com/ps3-nba2k9-e69bb4e696b0e4b880e587ba-e7a59ee4bd9ce5868de887a8/",
			Title:   "PS3-NBA2k9 更新一出~~~~ 神作再臨!!",
			Created: utc("2015-06-24T07:58:00Z"), AuthorName: "Evan Lin", Line: 8504,
		}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, tt.got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
	spam := postByID(t, recs, "1928792391").Message
	if !strings.HasPrefix(spam, "<p>從此不須為了電腦裡iPhone備份空間傷腦筋了") || !strings.HasSuffix(spam, `https://www.facebook.com/si...</a></p>`) {
		t.Errorf("spam message = %q; want the CDATA's HTML whole", spam)
	}
}

const head = `<?xml version="1.0" encoding="utf-8"?>
<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">
`

func TestBadInput(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		records int // read before the error
		want    string
	}{
		{"empty", "", 0, "disqus: line 1: not a Disqus export: no <disqus> element"},
		{"only a prolog", "<?xml version=\"1.0\"?>\n<!-- nothing -->\n", 0, "disqus: line 3: not a Disqus export: no <disqus> element"},
		{"plain text", "hello, world\n", 0, "disqus: line 1: not a Disqus export: text outside the <disqus> element"},
		{"JSON", "\n[{\"id\": 1}]", 0, "disqus: line 2: not a Disqus export: text outside the <disqus> element"},
		{"text before the root", "text\n<disqus/>", 0, "disqus: line 1: not a Disqus export: text outside the <disqus> element"},
		{"WXR", "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel/></rss>", 0,
			"disqus: line 2: not a Disqus export: the root element is <rss>, not <disqus>"},
		{"second root", "<disqus></disqus>\n<disqus></disqus>", 0,
			"disqus: line 2: not a Disqus export: element <disqus> after </disqus>"},
		{"text after the root", "<disqus/>\n\ntrailing", 0,
			"disqus: line 3: not a Disqus export: text outside the <disqus> element"},
		{"binary", "\x00\x01\x02", 0, "disqus: line 1: malformed XML: illegal character code U+0000"},
		{"truncated in a post", head + "<post dsq:id=\"1\">\n<message>hi", 0,
			"disqus: line 4: the file ends before </disqus>: is it complete?"},
		{"truncated between records", head + "<category dsq:id=\"1\"><title>t</title></category>\n", 1,
			"disqus: line 4: the file ends before </disqus>: is it complete?"},
		{"truncated in a tag", head + "<thread dsq:id=\"1\"></thread>\n<post dsq:i", 1,
			"disqus: line 4: the file ends before </disqus>: is it complete?"},
		{"mismatched tags", head + "<post dsq:id=\"1\">\n</thread>\n</disqus>", 0,
			"disqus: line 4: malformed XML: element <post> closed by </thread>"},
		{"HTML entity", head + "<post dsq:id=\"1\"><message>a&nbsp;b</message></post></disqus>", 0,
			"disqus: line 3: malformed XML: invalid character entity &nbsp;"},
		{"invalid UTF-8", head + "<category dsq:id=\"1\">\n<title>\xff</title></category></disqus>", 0,
			"disqus: line 4: malformed XML: invalid UTF-8"},
		{"Latin-1", "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<disqus/>", 0,
			`disqus: line 1: encoding "ISO-8859-1" is not supported: a Disqus export is UTF-8`},
		{"post createdAt", head + "<post dsq:id=\"7\">\n<thread dsq:id=\"2\"/>\n<createdAt>2013-13-10T19:20:29Z</createdAt>\n</post>\n</disqus>", 0,
			`disqus: line 5: post "7": createdAt "2013-13-10T19:20:29Z" is not a time like 2006-01-02T15:04:05Z`},
		{"thread createdAt", head + "<thread dsq:id=\"2\">\n<createdAt>yesterday</createdAt>\n</thread>\n</disqus>", 0,
			`disqus: line 4: thread "2": createdAt "yesterday" is not a time like 2006-01-02T15:04:05Z`},
		{"date only", head + "<thread dsq:id=\"2\"><createdAt>2013-10-10</createdAt></thread></disqus>", 0,
			`disqus: line 3: thread "2": createdAt "2013-10-10" is not a time like 2006-01-02T15:04:05Z`},
		{"post without <thread>", head + "<category dsq:id=\"1\"/>\n<post dsq:id=\"8\">\n<message>hi</message>\n</post>\n</disqus>", 1,
			`disqus: line 4: post "8" has no <thread dsq:id="…"> naming its thread`},
		{"post with <thread/>", head + "<post dsq:id=\"8\"><thread/></post></disqus>", 0,
			`disqus: line 3: post "8" has no <thread dsq:id="…"> naming its thread`},
		{"post with neither ID", head + "\n<post><thread dsq:id=\" \"/></post></disqus>", 0,
			`disqus: line 4: post (no dsq:id) has no <thread dsq:id="…"> naming its thread`},
		{"isSpam", head + "<post dsq:id=\"9\">\n<thread dsq:id=\"2\"/>\n\n<isSpam>123</isSpam></post></disqus>", 0,
			`disqus: line 6: post "9": isSpam "123" is not true or false`},
		{"isAnonymous", head + "<post dsq:id=\"9\"><thread dsq:id=\"2\"/><author>\n<isAnonymous>yes</isAnonymous></author></post></disqus>", 0,
			`disqus: line 4: post "9": isAnonymous "yes" is not true or false`},
		{"isClosed", head + "<thread dsq:id=\"2\"><isClosed>open</isClosed></thread></disqus>", 0,
			`disqus: line 3: thread "2": isClosed "open" is not true or false`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := disqus.NewReader(strings.NewReader(tt.in))
			var err error
			n := 0
			for ; n <= tt.records; n++ {
				var rec any
				if rec, err = r.Next(); err != nil {
					if rec != nil {
						t.Errorf("Next() = %#v with the error; want nil", rec)
					}
					break
				}
			}
			if n != tt.records {
				t.Errorf("read %d records before the error; want %d", n, tt.records)
			}
			if err == nil || err.Error() != tt.want {
				t.Fatalf("Next() = %v; want %q", err, tt.want)
			}
			var de *disqus.Error
			if !errors.As(err, &de) {
				t.Fatalf("Next() = %T; want *disqus.Error", err)
			}
			if _, again := r.Next(); again != err {
				t.Errorf("Next() after the error = %v; want the same error again", again)
			}
		})
	}
}

func TestSyntaxErrorUnwraps(t *testing.T) {
	_, err := readAll(strings.NewReader(head + "<post>"))
	var se *xml.SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("read = %v; want an *xml.SyntaxError inside", err)
	}
}

func TestReadError(t *testing.T) {
	boom := errors.New("connection reset")
	in := io.MultiReader(strings.NewReader(head+"<category dsq:id=\"1\"/>\n<thread dsq:id=\"2\">"), iotest.ErrReader(boom))
	recs, err := readAll(in)
	if len(recs) != 1 {
		t.Errorf("read %d records before the error; want 1", len(recs))
	}
	var de *disqus.Error
	if !errors.Is(err, boom) || !errors.As(err, &de) || de.Line != 4 {
		t.Fatalf("read = %v; want a *disqus.Error at line 4 wrapping %v", err, boom)
	}
	if want := "disqus: line 4: connection reset"; err.Error() != want {
		t.Errorf("read = %q; want %q", err, want)
	}
}

func TestAccepted(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []any
	}{
		{
			"createdAt without a zone, as Disqus's documentation shows it, is UTC",
			head + `<thread dsq:id="2"><createdAt>2012-12-12T12:12:12</createdAt></thread></disqus>`,
			[]any{&disqus.Thread{ID: "2", Created: utc("2012-12-12T12:12:12Z"), Line: 3}},
		},
		{
			"createdAt with an offset and fractions",
			head + `<post dsq:id="1"><thread dsq:id="2"/><createdAt> 2013-10-10T21:20:29.5+02:00 </createdAt></post></disqus>`,
			[]any{&disqus.Post{ID: "1", ThreadID: "2", Approved: true, Created: utc("2013-10-10T19:20:29.5Z"), Line: 3}},
		},
		{
			"isApproved",
			head + "<post dsq:id=\"1\"><thread dsq:id=\"2\"/><isApproved>false</isApproved></post>\n" +
				"<post dsq:id=\"2\"><thread dsq:id=\"2\"/><isApproved/></post>\n" +
				"<post dsq:id=\"3\"><thread dsq:id=\"2\"/><isApproved>true</isApproved><isDeleted/><isSpam> </isSpam></post></disqus>",
			[]any{
				&disqus.Post{ID: "1", ThreadID: "2", Line: 3},
				&disqus.Post{ID: "2", ThreadID: "2", Approved: true, Line: 4},
				&disqus.Post{ID: "3", ThreadID: "2", Approved: true, Line: 5},
			},
		},
		{
			"white space around text and CDATA",
			head + "<post dsq:id=\" 1 \">\n  <message>\n    <![CDATA[<p>a\n b</p>]]>\n  </message>\n" +
				"  <author><name>  Ann </name><username>\tann\t</username></author>\n" +
				"  <thread dsq:id=\"2\" /><parent dsq:id=\"\" />\n</post></disqus>",
			[]any{&disqus.Post{ID: "1", ThreadID: "2", Message: "<p>a\n b</p>", AuthorName: "Ann", AuthorUsername: "ann", Approved: true, Line: 3}},
		},
		{
			"unknown elements, at the top level and inside records",
			head + "<forum dsq:id=\"9\"><post dsq:id=\"hidden\"><thread dsq:id=\"1\"/></post></forum>\n" +
				"<category dsq:id=\"1\"><isDefault>true</isDefault><forum>f</forum></category>\n" +
				"<thread dsq:id=\"2\"><category dsq:id=\"1\"/><ipAddress>127.0.0.1</ipAddress><likes>3</likes></thread>\n" +
				"text between records\n</disqus>",
			[]any{
				&disqus.Category{ID: "1", Forum: "f", Line: 4},
				&disqus.Thread{ID: "2", Line: 5},
			},
		},
		{
			"a byte order mark, a doctype and comments outside the root",
			"\ufeff<?xml version=\"1.0\"?>\n<!DOCTYPE disqus>\n<!-- before -->\n<disqus><category dsq:id=\"1\"/></disqus>\n<!-- after -->\n",
			[]any{&disqus.Category{ID: "1", Line: 4}},
		},
		{
			"no namespaces at all",
			"<disqus><post id=\"1\"><thread id=\"2\"/><parent id=\"0\"/></post></disqus>",
			[]any{&disqus.Post{ID: "1", ThreadID: "2", ParentID: "0", Approved: true, Line: 1}},
		},
		{
			"thread flags",
			head + "<thread dsq:id=\"2\"><isClosed>true</isClosed><isDeleted>1</isDeleted></thread></disqus>",
			[]any{&disqus.Thread{ID: "2", Closed: true, Deleted: true, Line: 3}},
		},
		{
			"an empty export",
			head + "</disqus>",
			nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readAll(strings.NewReader(tt.in))
			if err != nil {
				t.Fatalf("read: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("records (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEOFRepeats(t *testing.T) {
	r := disqus.NewReader(bufio.NewReader(strings.NewReader(head + "</disqus>")))
	for i := range 3 {
		if rec, err := r.Next(); rec != nil || err != io.EOF {
			t.Fatalf("Next() #%d = %v, %v; want nil, io.EOF", i+1, rec, err)
		}
	}
}
