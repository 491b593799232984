package feed_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"html"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/salon-blog/salon/internal/feed"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.xml with the current output")

var formats = []struct {
	name  string
	write func(io.Writer, feed.Feed) error
}{
	{"rss", feed.WriteRSS},
	{"atom", feed.WriteAtom},
}

type fixture struct {
	name string
	feed feed.Feed
}

// fixtures returns fresh copies of the feeds the golden files hold, with Self
// pointing at the document in the given format.
func fixtures(format string) []fixture {
	return []fixture{
		{"site", siteFeed(format)},
		{"empty", feed.Feed{
			Title: "Salon — tag “empty”",
			Link:  "https://salon.example/tags/empty/",
			Self:  "https://salon.example/tags/empty/feed." + format,
		}},
		{"comments", commentFeed(format)},
	}
}

// Salon's time zone, summer and winter.
var (
	cest = time.FixedZone("CEST", 2*60*60)
	cet  = time.FixedZone("CET", 60*60)
)

const post1 = "https://salon.example/2024/06/cafe-society"

func siteFeed(format string) feed.Feed {
	const cats, tags = "https://salon.example/categories/", "https://salon.example/tags/"
	return feed.Feed{
		Title:     "Salon — notes from Zoë’s kitchen",
		Subtitle:  "Recipes, travel & the occasional <rant>",
		Link:      "https://salon.example/",
		Self:      "https://salon.example/feed." + format,
		ID:        "https://salon.example/",
		Language:  "en-GB",
		Updated:   time.Date(2024, 6, 2, 18, 0, 0, 0, cest),
		Generator: "Salon",
		Items: []feed.Item{
			{
				ID:            post1,
				IDIsPermalink: true,
				Title:         "Café society: “ünïcödé” & 東京 🚀",
				Link:          post1,
				Author:        "Zoë Ångström",
				AuthorURI:     "https://salon.example/authors/zoe",
				Published:     time.Date(2024, 6, 1, 9, 30, 0, 0, cest),
				Updated:       time.Date(2024, 6, 2, 18, 0, 0, 0, cest),
				Summary:       `Where to drink coffee in Tokyo, and why "kissaten" < chains.`,
				Content: "<p>Tokyo’s <em>kissaten</em> serve coffee &amp; quiet.</p>\n" +
					"<pre><code>if a &lt; b &amp;&amp; c &gt; d { return \"]]>\" }</code></pre>\n" +
					`<p><a href="https://maps.example/?q=kissaten&amp;z=14">Map</a> · 喫茶店</p>`,
				Categories: []feed.Category{
					{Term: "travel", Label: "Travel & Food", Scheme: cats},
					{Term: "tokyo", Scheme: tags},
					{Term: "coffee", Label: "Coffee ☕", Scheme: tags},
				},
				CommentsURL:  post1 + "#comments",
				CommentsFeed: post1 + "/comments.atom",
				CommentCount: 12,
			},
			{
				ID:           "tag:salon.example,2024:post/41",
				Title:        "Sourdough, week 3",
				Link:         "https://salon.example/2024/05/sourdough-week-3",
				Author:       "Sam O'Neil",
				Published:    time.Date(2024, 5, 20, 7, 0, 0, 0, cest),
				Content:      `<p>Hydration 75%.</p><img src="https://salon.example/media/loaf.jpg" alt="A loaf">`,
				Categories:   []feed.Category{{Term: "baking", Label: "Baking", Scheme: cats}},
				CommentsURL:  "https://salon.example/2024/05/sourdough-week-3#comments",
				CommentsFeed: "https://salon.example/2024/05/sourdough-week-3/comments.atom",
			},
			{
				ID:            "https://salon.example/2023/12/winter-notes",
				IDIsPermalink: true,
				Title:         "Winter notes",
				Link:          "https://salon.example/2023/12/winter-notes",
				Published:     time.Date(2023, 12, 21, 16, 45, 0, 0, cet),
				Summary:       "Short days; <b> is not bold here.",
				Content:       "<p>Short days.</p>",
			},
		},
	}
}

func commentFeed(format string) feed.Feed {
	return feed.Feed{
		Title:     "Comments on “Café society”",
		Link:      post1 + "#comments",
		Self:      post1 + "/comments." + format,
		ID:        post1 + "/comments",
		Language:  "en-GB",
		Generator: "Salon",
		Items: []feed.Item{
			{
				ID:            post1 + "#comment-7",
				IDIsPermalink: true,
				Title:         "Comment by Mika on “Café society”",
				Link:          post1 + "#comment-7",
				Author:        "Mika",
				AuthorURI:     "https://mika.example/",
				Published:     time.Date(2024, 6, 2, 10, 15, 0, 0, cest),
				Content:       "<p>Try Chatei Hatou — the blend is <strong>excellent</strong>.</p>",
				InReplyTo:     &feed.Reply{Ref: post1, Href: post1},
			},
			{
				// No title: RSS falls back to the content as description.
				ID:            post1 + "#comment-9",
				IDIsPermalink: true,
				Link:          post1 + "#comment-9",
				Author:        "Zoë Ångström",
				Published:     time.Date(2024, 6, 2, 18, 0, 0, 0, cest),
				Content:       "<p>Thanks! Added to the list.</p>",
				InReplyTo:     &feed.Reply{Ref: post1 + "#comment-7", Href: post1 + "#comment-7"},
			},
		},
	}
}

func render(t *testing.T, write func(io.Writer, feed.Feed) error, f feed.Feed) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := write(&buf, f); err != nil {
		t.Fatalf("write: %v", err)
	}
	return buf.Bytes()
}

func TestGolden(t *testing.T) {
	for _, format := range formats {
		for _, tc := range fixtures(format.name) {
			name := tc.name + "." + format.name
			t.Run(name, func(t *testing.T) {
				got := render(t, format.write, tc.feed)
				path := filepath.Join("testdata", name+".golden.xml")
				if *update {
					if err := os.WriteFile(path, got, 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test -update to create it)", err)
				}
				if diff := cmp.Diff(string(want), string(got)); diff != "" {
					t.Errorf("%s mismatch (-want +got), run go test -update if intended:\n%s", path, diff)
				}
			})
		}
	}
}

// Test-local shapes of the documents, for reading them back. Namespaced
// fields come first: encoding/xml hands an element to the first field whose
// local name matches when the field names no namespace, so <link> would
// otherwise also catch atom:link.
type rssOut struct {
	Channel struct {
		AtomLinks     []linkOut `xml:"http://www.w3.org/2005/Atom link"`
		Title         string    `xml:"title"`
		Link          string    `xml:"link"`
		Description   string    `xml:"description"`
		Language      string    `xml:"language"`
		Generator     string    `xml:"generator"`
		LastBuildDate string    `xml:"lastBuildDate"`
		Items         []struct {
			Creator       string `xml:"http://purl.org/dc/elements/1.1/ creator"`
			Content       string `xml:"http://purl.org/rss/1.0/modules/content/ encoded"`
			CommentRSS    string `xml:"http://wellformedweb.org/CommentAPI/ commentRss"`
			SlashComments string `xml:"http://purl.org/rss/1.0/modules/slash/ comments"`
			Title         string `xml:"title"`
			Link          string `xml:"link"`
			GUID          struct {
				IsPermaLink string `xml:"isPermaLink,attr"`
				Value       string `xml:",chardata"`
			} `xml:"guid"`
			PubDate    string `xml:"pubDate"`
			Categories []struct {
				Domain string `xml:"domain,attr"`
				Value  string `xml:",chardata"`
			} `xml:"category"`
			Description string `xml:"description"`
			Comments    string `xml:"comments"`
		} `xml:"item"`
	} `xml:"channel"`
}

type linkOut struct {
	Rel   string `xml:"rel,attr"`
	Type  string `xml:"type,attr"`
	Href  string `xml:"href,attr"`
	Count string `xml:"http://purl.org/syndication/thread/1.0 count,attr"`
}

type atomOut struct {
	Lang      string    `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
	ID        string    `xml:"id"`
	Title     string    `xml:"title"`
	Subtitle  string    `xml:"subtitle"`
	Updated   string    `xml:"updated"`
	Links     []linkOut `xml:"link"`
	Generator string    `xml:"generator"`
	Entries   []struct {
		InReplyTo *struct {
			Ref  string `xml:"ref,attr"`
			Href string `xml:"href,attr"`
		} `xml:"http://purl.org/syndication/thread/1.0 in-reply-to"`
		ID        string `xml:"id"`
		Title     string `xml:"title"`
		Updated   string `xml:"updated"`
		Published string `xml:"published"`
		Authors   []struct {
			Name string `xml:"name"`
			URI  string `xml:"uri"`
		} `xml:"author"`
		Links      []linkOut `xml:"link"`
		Categories []struct {
			Term   string `xml:"term,attr"`
			Label  string `xml:"label,attr"`
			Scheme string `xml:"scheme,attr"`
		} `xml:"category"`
		Summary *textOut `xml:"summary"`
		Content *textOut `xml:"content"`
	} `xml:"entry"`
}

type textOut struct {
	Type string `xml:"type,attr"`
	Text string `xml:",chardata"`
}

func parseRSS(t *testing.T, data []byte) rssOut {
	t.Helper()
	var r rssOut
	if err := xml.Unmarshal(data, &r); err != nil {
		t.Fatalf("xml.Unmarshal(rss): %v", err)
	}
	return r
}

func parseAtom(t *testing.T, data []byte) atomOut {
	t.Helper()
	var a atomOut
	if err := xml.Unmarshal(data, &a); err != nil {
		t.Fatalf("xml.Unmarshal(atom): %v", err)
	}
	return a
}

// parseDate parses s with layout, reporting failure as the zero time so a
// bad date shows up in the diff.
func parseDate(layout, s string) time.Time {
	t, err := time.Parse(layout, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// sameInstantAndZone compares times by instant and UTC offset: feeds must
// keep the site's zone, not just the instant.
var sameInstantAndZone = cmp.Comparer(func(a, b time.Time) bool {
	_, ao := a.Zone()
	_, bo := b.Zone()
	return a.Equal(b) && ao == bo
})

type rssView struct {
	Title, Link, Description, Language, Generator string
	Self                                          []linkOut
	LastBuildDate                                 time.Time
	Items                                         []rssItemView
}

type rssItemView struct {
	GUID, IsPermaLink, Title, Link, Creator string
	PubDate                                 time.Time
	Categories                              [][2]string // domain, text
	Description, Content                    string
	Comments, CommentRSS, SlashComments     string
}

type atomView struct {
	ID, Title, Subtitle, Lang, Generator string
	Updated                              time.Time
	Links                                []linkOut
	Entries                              []atomEntryView
}

type atomEntryView struct {
	ID, Title          string
	Updated, Published time.Time
	Authors            [][2]string // name, uri
	Links              []linkOut
	InReplyTo          *feed.Reply
	Categories         []feed.Category
	Summary, Content   *textOut
}

// TestParseBack reads the documents back with encoding/xml and compares them
// field by field with what the Feed asked for, following the rules in the
// package's doc comments.
func TestParseBack(t *testing.T) {
	tests := []struct {
		name        string
		feed        func(format string) feed.Feed
		wantUpdated time.Time
	}{
		{"site", siteFeed, time.Date(2024, 6, 2, 18, 0, 0, 0, cest)},
		{"comments", commentFeed, time.Date(2024, 6, 2, 18, 0, 0, 0, cest)},
	}
	for _, tc := range tests {
		t.Run(tc.name+".rss", func(t *testing.T) {
			f := tc.feed("rss")
			r := parseRSS(t, render(t, feed.WriteRSS, f))
			got := rssView{
				Title: r.Channel.Title, Link: r.Channel.Link, Description: r.Channel.Description,
				Language: r.Channel.Language, Generator: r.Channel.Generator, Self: r.Channel.AtomLinks,
				LastBuildDate: parseDate(time.RFC1123Z, r.Channel.LastBuildDate),
			}
			for _, it := range r.Channel.Items {
				v := rssItemView{
					GUID: it.GUID.Value, IsPermaLink: it.GUID.IsPermaLink, Title: it.Title, Link: it.Link,
					Creator: it.Creator, PubDate: parseDate(time.RFC1123Z, it.PubDate),
					Description: it.Description, Content: it.Content,
					Comments: it.Comments, CommentRSS: it.CommentRSS, SlashComments: it.SlashComments,
				}
				for _, c := range it.Categories {
					v.Categories = append(v.Categories, [2]string{c.Domain, c.Value})
				}
				got.Items = append(got.Items, v)
			}

			want := rssView{
				Title: f.Title, Link: f.Link, Description: f.Subtitle, Language: f.Language, Generator: f.Generator,
				Self:          []linkOut{{Rel: "self", Type: "application/rss+xml", Href: f.Self}},
				LastBuildDate: tc.wantUpdated,
			}
			if want.Description == "" {
				want.Description = f.Title
			}
			for _, it := range f.Items {
				v := rssItemView{
					GUID: it.ID, IsPermaLink: fmt.Sprint(it.IDIsPermalink), Title: it.Title, Link: it.Link,
					Creator: it.Author, PubDate: it.Published,
					Description: html.EscapeString(it.Summary), Content: it.Content, CommentRSS: it.CommentsFeed,
				}
				if it.Title == "" && it.Summary == "" {
					v.Description = it.Content
				}
				for _, c := range it.Categories {
					text := c.Label
					if text == "" {
						text = c.Term
					}
					v.Categories = append(v.Categories, [2]string{c.Scheme, text})
				}
				if it.CommentsURL != "" {
					v.Comments, v.SlashComments = it.CommentsURL, fmt.Sprint(it.CommentCount)
				}
				want.Items = append(want.Items, v)
			}
			if diff := cmp.Diff(want, got, sameInstantAndZone); diff != "" {
				t.Errorf("WriteRSS(%s) read back (-want +got):\n%s", tc.name, diff)
			}
		})

		t.Run(tc.name+".atom", func(t *testing.T) {
			f := tc.feed("atom")
			a := parseAtom(t, render(t, feed.WriteAtom, f))
			got := atomView{
				ID: a.ID, Title: a.Title, Subtitle: a.Subtitle, Lang: a.Lang, Generator: a.Generator,
				Updated: parseDate(time.RFC3339, a.Updated), Links: a.Links,
			}
			for _, e := range a.Entries {
				v := atomEntryView{
					ID: e.ID, Title: e.Title, Updated: parseDate(time.RFC3339, e.Updated), Links: e.Links,
					Summary: e.Summary, Content: e.Content,
				}
				for _, c := range e.Categories {
					v.Categories = append(v.Categories, feed.Category(c))
				}
				if e.Published != "" {
					v.Published = parseDate(time.RFC3339, e.Published)
				}
				for _, p := range e.Authors {
					v.Authors = append(v.Authors, [2]string{p.Name, p.URI})
				}
				if e.InReplyTo != nil {
					v.InReplyTo = &feed.Reply{Ref: e.InReplyTo.Ref, Href: e.InReplyTo.Href}
				}
				got.Entries = append(got.Entries, v)
			}

			want := atomView{
				ID: f.ID, Title: f.Title, Subtitle: f.Subtitle, Lang: f.Language, Generator: f.Generator,
				Updated: tc.wantUpdated,
				Links: []linkOut{
					{Rel: "alternate", Type: "text/html", Href: f.Link},
					{Rel: "self", Type: "application/atom+xml", Href: f.Self},
				},
			}
			for _, it := range f.Items {
				v := atomEntryView{
					ID: it.ID, Title: it.Title, Updated: it.Updated, Published: it.Published,
					Authors:    [][2]string{{it.Author, it.AuthorURI}},
					Links:      []linkOut{{Rel: "alternate", Type: "text/html", Href: it.Link}},
					InReplyTo:  it.InReplyTo,
					Categories: it.Categories,
				}
				if v.Updated.IsZero() {
					v.Updated = it.Published
				}
				if it.Author == "" {
					v.Authors[0][0] = f.Title
				}
				var count string
				if it.CommentsURL != "" {
					count = fmt.Sprint(it.CommentCount)
					v.Links = append(v.Links, linkOut{Rel: "replies", Type: "text/html", Href: it.CommentsURL, Count: count})
				}
				if it.CommentsFeed != "" {
					v.Links = append(v.Links, linkOut{Rel: "replies", Type: "application/atom+xml", Href: it.CommentsFeed, Count: count})
				}
				if it.Summary != "" {
					v.Summary = &textOut{Type: "text", Text: it.Summary}
				}
				if it.Content != "" {
					v.Content = &textOut{Type: "html", Text: it.Content}
				}
				want.Entries = append(want.Entries, v)
			}
			if diff := cmp.Diff(want, got, sameInstantAndZone); diff != "" {
				t.Errorf("WriteAtom(%s) read back (-want +got):\n%s", tc.name, diff)
			}
		})
	}
}

// TestDefaults covers the fallbacks for fields a caller may leave empty.
func TestDefaults(t *testing.T) {
	base := func(items ...feed.Item) feed.Feed {
		return feed.Feed{Title: "Salon", Link: "https://salon.example/", Self: "https://salon.example/feed", Items: items}
	}
	item := func(id string, published, updated time.Time) feed.Item {
		return feed.Item{ID: "https://salon.example/" + id, Link: "https://salon.example/" + id, Title: id, Published: published, Updated: updated}
	}
	may := time.Date(2024, 5, 1, 12, 0, 0, 0, cest)
	june := time.Date(2024, 6, 1, 12, 0, 0, 0, cest)
	dec := time.Date(2023, 12, 1, 12, 0, 0, 0, cet)
	epoch := time.Unix(0, 0).UTC()

	type dates struct {
		Channel, Feed         time.Time
		PubDates, EntryUpdate []time.Time
	}
	tests := []struct {
		name string
		feed feed.Feed
		want dates
	}{
		{"feed updated given", func() feed.Feed { f := base(item("a", may, june)); f.Updated = dec; return f }(),
			dates{dec, dec, []time.Time{may}, []time.Time{june}}},
		{"feed updated from newest item, zone kept", base(item("a", may, time.Time{}), item("b", dec, june), item("c", dec, time.Time{})),
			dates{june, june, []time.Time{may, dec, dec}, []time.Time{may, june, dec}}},
		{"item without published: RSS pubDate from updated", base(item("a", time.Time{}, june)),
			dates{june, june, []time.Time{june}, []time.Time{june}}},
		{"no dates anywhere: Unix epoch in UTC", base(item("a", time.Time{}, time.Time{})),
			dates{epoch, epoch, []time.Time{epoch}, []time.Time{epoch}}},
		{"item without dates takes the feed's", base(item("a", time.Time{}, time.Time{}), item("b", may, time.Time{})),
			dates{may, may, []time.Time{may, may}, []time.Time{may, may}}},
		{"empty feed", base(), dates{Channel: epoch, Feed: epoch}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := parseRSS(t, render(t, feed.WriteRSS, tc.feed))
			a := parseAtom(t, render(t, feed.WriteAtom, tc.feed))
			got := dates{Channel: parseDate(time.RFC1123Z, r.Channel.LastBuildDate), Feed: parseDate(time.RFC3339, a.Updated)}
			for _, it := range r.Channel.Items {
				got.PubDates = append(got.PubDates, parseDate(time.RFC1123Z, it.PubDate))
			}
			for _, e := range a.Entries {
				got.EntryUpdate = append(got.EntryUpdate, parseDate(time.RFC3339, e.Updated))
			}
			if diff := cmp.Diff(tc.want, got, sameInstantAndZone); diff != "" {
				t.Errorf("dates (-want +got):\n%s", diff)
			}
		})
	}

	t.Run("text fallbacks", func(t *testing.T) {
		f := base(feed.Item{ID: "https://salon.example/c1", Link: "https://salon.example/c1", Content: "<p>hi</p>", CommentCount: 3})
		r := parseRSS(t, render(t, feed.WriteRSS, f))
		a := parseAtom(t, render(t, feed.WriteAtom, f))
		type text struct {
			RSSDescription, AtomID, AtomSubtitle, AtomAuthor, ItemDescription, Creator, SlashComments string
			AtomLinks                                                                                 int
		}
		got := text{
			RSSDescription: r.Channel.Description, AtomID: a.ID, AtomSubtitle: a.Subtitle, AtomAuthor: a.Entries[0].Authors[0].Name,
			ItemDescription: r.Channel.Items[0].Description, Creator: r.Channel.Items[0].Creator,
			SlashComments: r.Channel.Items[0].SlashComments, AtomLinks: len(a.Entries[0].Links),
		}
		want := text{
			RSSDescription:  "Salon",                      // no Subtitle: the Title
			AtomID:          "https://salon.example/feed", // no ID: Self
			AtomAuthor:      "Salon",                      // no Author: the feed Title
			ItemDescription: "<p>hi</p>",                  // no Title or Summary: the Content
			AtomLinks:       1,                            // no CommentsURL: no count anywhere
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("fallbacks (-want +got):\n%s", diff)
		}
	})
}

func TestRejectsInvalid(t *testing.T) {
	tests := []struct {
		name string
		edit func(f *feed.Feed)
		want string
	}{
		{"no title", func(f *feed.Feed) { f.Title = "" }, "Title is empty"},
		{"title only control characters", func(f *feed.Feed) { f.Title = "\x00\x1b" }, "Title is empty"},
		{"no link", func(f *feed.Feed) { f.Link = "" }, "Link is empty"},
		{"no self", func(f *feed.Feed) { f.Self = "" }, "Self is empty"},
		{"relative link", func(f *feed.Feed) { f.Link = "/blog/" }, `Link "/blog/" is not an absolute URL`},
		{"relative feed id", func(f *feed.Feed) { f.ID = "site-feed" }, `ID "site-feed" is not an absolute URL`},
		{"item without id", func(f *feed.Feed) { f.Items[1].ID = "" }, "item 1: ID is empty"},
		{"item without link", func(f *feed.Feed) { f.Items[2].Link = "" }, "item 2: Link is empty"},
		{"item id with a space", func(f *feed.Feed) { f.Items[0].ID = "https://salon.example/a b" }, `item 0: ID "https://salon.example/a b" is not an absolute URL`},
		{"permalink that is not a URL", func(f *feed.Feed) { f.Items[1].IDIsPermalink = true }, `item 1: IDIsPermalink is set but ID "tag:salon.example,2024:post/41" is not an http(s) URL`},
		{"item with nothing to show", func(f *feed.Feed) { f.Items[2].Title, f.Items[2].Summary, f.Items[2].Content = "", "", "" }, "item 2: Title, Summary and Content are all empty"},
		{"category without term", func(f *feed.Feed) { f.Items[0].Categories[1].Term = "" }, "item 0: Categories[1]: Term is empty"},
		{"reply without ref", func(f *feed.Feed) { f.Items[0].InReplyTo = &feed.Reply{Href: post1} }, "item 0: InReplyTo.Ref is empty"},
		{"relative comments url", func(f *feed.Feed) { f.Items[0].CommentsURL = "#comments" }, `item 0: CommentsURL "#comments" is not an absolute URL`},
	}
	for _, format := range formats {
		for _, tc := range tests {
			t.Run(format.name+"/"+tc.name, func(t *testing.T) {
				f := siteFeed(format.name)
				tc.edit(&f)
				var buf bytes.Buffer
				err := format.write(&buf, f)
				if !errors.Is(err, feed.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("write(%s) = %v; want ErrInvalid mentioning %q", tc.name, err, tc.want)
				}
				if buf.Len() != 0 {
					t.Errorf("write(%s) wrote %d bytes before failing; want none", tc.name, buf.Len())
				}
			})
		}
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("connection reset") }

func TestWriteErrorIsReturned(t *testing.T) {
	for _, format := range formats {
		err := format.write(failingWriter{}, siteFeed(format.name))
		if err == nil || errors.Is(err, feed.ErrInvalid) || !strings.Contains(err.Error(), "connection reset") {
			t.Errorf("%s to a failing writer = %v; want the writer's error", format.name, err)
		}
	}
}

// TestSanitise shows that text XML cannot carry is dropped, everything else
// is kept byte for byte, and the result is valid XML either way.
func TestSanitise(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"NUL", "a\x00b", "ab"},
		{"vertical tab and form feed", "a\x0bb\x0cc", "abc"},
		{"escape and other C0 controls", "a\x01\x08\x1b\x1fb", "ab"},
		{"tab, newline and carriage returns kept", "a\tb\nc\r\nd\re", "a\tb\nc\r\nd\re"},
		{"U+FFFE and U+FFFF", "a\uFFFEb\uFFFFc", "abc"},
		{"lone surrogates", "a\xed\xa0\x80b\xed\xbf\xbfc", "abc"},
		{"invalid UTF-8", "a\xffb\xc3", "ab"},
		{"U+FFFD itself kept", "a\uFFFDb", "a\uFFFDb"},
		{"CDATA terminator", "x]]>y<![CDATA[z", "x]]>y<![CDATA[z"},
		{"edges of the legal ranges", "\u0020\uD7FF\uE000\uFFFD\U00010000\U0010FFFF", "\u0020\uD7FF\uE000\uFFFD\U00010000\U0010FFFF"},
		{"DEL and C1 controls are legal XML 1.0", "\x7f\u0085\u009f", "\x7f\u0085\u009f"},
		{"markup and entities stay text", `<b>&amp;"'</b>`, `<b>&amp;"'</b>`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := feed.Feed{
				Title: "T" + tc.in, Link: "https://salon.example/", Self: "https://salon.example/feed",
				Items: []feed.Item{{
					ID: "https://salon.example/1", Link: "https://salon.example/1",
					Title: "t" + tc.in, Author: "a" + tc.in, Summary: "s" + tc.in, Content: "c" + tc.in,
					Categories: []feed.Category{{Term: "k" + tc.in}},
				}},
			}
			before := fmt.Sprintf("%#v", f)

			rssDoc := render(t, feed.WriteRSS, f)
			checkOutput(t, rssDoc)
			r := parseRSS(t, rssDoc)
			it := r.Channel.Items[0]
			got := []string{r.Channel.Title, it.Title, it.Creator, html.UnescapeString(it.Description), it.Content, it.Categories[0].Value}
			want := []string{"T" + tc.want, "t" + tc.want, "a" + tc.want, "s" + tc.want, "c" + tc.want, "k" + tc.want}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("WriteRSS(%q) text read back (-want +got):\n%s", tc.in, diff)
			}

			atomDoc := render(t, feed.WriteAtom, f)
			checkOutput(t, atomDoc)
			a := parseAtom(t, atomDoc)
			e := a.Entries[0]
			got = []string{a.Title, e.Title, e.Authors[0].Name, e.Summary.Text, e.Content.Text, e.Categories[0].Term}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("WriteAtom(%q) text read back (-want +got):\n%s", tc.in, diff)
			}

			if after := fmt.Sprintf("%#v", f); after != before {
				t.Errorf("writing changed the caller's Feed:\n%s\nwant\n%s", after, before)
			}
		})
	}
}

// TestEveryStringIsSanitised puts illegal characters into every string field,
// found by reflection so a field added later cannot be missed: each must be
// cleaned, not left for encoding/xml to turn into U+FFFD.
func TestEveryStringIsSanitised(t *testing.T) {
	const dirty = "https://salon.example/x\x00\x0b\uFFFE\xed\xa0\x80y"
	f := feed.Feed{Items: []feed.Item{{Categories: []feed.Category{{}}, InReplyTo: &feed.Reply{}}}}
	var fill func(v reflect.Value)
	fill = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.String:
			v.SetString(dirty)
		case reflect.Struct:
			for i := range v.NumField() {
				fill(v.Field(i))
			}
		case reflect.Slice:
			for i := range v.Len() {
				fill(v.Index(i))
			}
		case reflect.Pointer:
			fill(v.Elem())
		}
	}
	fill(reflect.ValueOf(&f).Elem())
	for _, format := range formats {
		got := render(t, format.write, f)
		if err := wellFormed(got); err != nil {
			t.Errorf("%s: not well-formed: %v", format.name, err)
		}
		if bytes.ContainsRune(got, '\uFFFD') || !bytes.Contains(got, []byte("/xy")) {
			t.Errorf("%s: a string was not cleaned:\n%s", format.name, got)
		}
	}
}

// benchFeed is a feed of 10 posts of about 2,000 words of HTML each.
func benchFeed() feed.Feed {
	words := strings.Fields("the quick brown fox jumps over a lazy dog while salon readers sip coffee & discuss <em>typography</em> at length")
	var body strings.Builder
	for p := range 20 {
		body.WriteString("<p>")
		for w := range 100 {
			body.WriteString(words[(p*100+w)%len(words)])
			body.WriteByte(' ')
		}
		fmt.Fprintf(&body, `<a href="https://salon.example/notes/%d?ref=feed&amp;p=1">more</a></p>`+"\n", p)
	}
	f := feed.Feed{Title: "Salon", Link: "https://salon.example/", Self: "https://salon.example/feed", Generator: "Salon"}
	for i := range 10 {
		url := fmt.Sprintf("https://salon.example/2024/posts/%d", i)
		f.Items = append(f.Items, feed.Item{
			ID: url, IDIsPermalink: true, Title: fmt.Sprintf("Post %d", i), Link: url, Author: "Zoë",
			Published:   time.Date(2024, 6, i+1, 9, 0, 0, 0, cest),
			Summary:     "A summary of the post.",
			Content:     body.String(),
			Categories:  []feed.Category{{Term: "notes", Scheme: "https://salon.example/tags/"}},
			CommentsURL: url + "#comments", CommentsFeed: url + "/comments.atom", CommentCount: i,
		})
	}
	return f
}

func BenchmarkWrite(b *testing.B) {
	f := benchFeed()
	for _, format := range formats {
		b.Run(format.name, func(b *testing.B) {
			var buf bytes.Buffer
			if err := format.write(&buf, f); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(buf.Len()))
			b.ReportAllocs()
			for b.Loop() {
				if err := format.write(io.Discard, f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
