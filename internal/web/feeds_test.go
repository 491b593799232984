package web_test

import (
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/salon-blog/salon/internal/feed"
	"github.com/salon-blog/salon/internal/post"
)

type rssDoc struct {
	Channel struct {
		Title string `xml:"title"`
		Links []struct {
			XMLName xml.Name
			Href    string `xml:"href,attr"`
			Text    string `xml:",chardata"`
		} `xml:"link"`
		Items []struct {
			Title   string   `xml:"title"`
			Link    string   `xml:"link"`
			GUID    string   `xml:"guid"`
			PubDate string   `xml:"pubDate"`
			Creator string   `xml:"http://purl.org/dc/elements/1.1/ creator"`
			Content string   `xml:"http://purl.org/rss/1.0/modules/content/ encoded"`
			Cats    []string `xml:"category"`
		} `xml:"item"`
	} `xml:"channel"`
}

// links returns the channel's <link> and its atom:link rel="self".
func (d *rssDoc) links() (link, self string) {
	for _, l := range d.Channel.Links {
		switch l.XMLName.Space {
		case "":
			link = l.Text
		case "http://www.w3.org/2005/Atom":
			self = l.Href
		}
	}
	return link, self
}

type atomDoc struct {
	ID      string `xml:"id"`
	Title   string `xml:"title"`
	Updated string `xml:"updated"`
	Links   []struct {
		Rel  string `xml:"rel,attr"`
		Href string `xml:"href,attr"`
	} `xml:"link"`
	Entries []struct {
		ID        string `xml:"id"`
		Title     string `xml:"title"`
		Published string `xml:"published"`
		Updated   string `xml:"updated"`
		Author    string `xml:"author>name"`
		Content   string `xml:"content"`
		Links     []struct {
			Rel  string `xml:"rel,attr"`
			Href string `xml:"href,attr"`
		} `xml:"link"`
	} `xml:"entry"`
}

func TestFeeds(t *testing.T) {
	s := newSite(t, map[string]string{"title": "The Salon", "tagline": "Argue well", "url": "https://blog.example", "timezone": "America/New_York"}, nil)
	posts := seed(t, s)
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}

	for _, tt := range []struct {
		path, golden, contentType string
	}{
		{"/feed/", "site.rss.xml", feed.RSSContentType},
		{"/feed/atom/", "site.atom.xml", feed.AtomContentType},
		{"/category/politics/feed/", "category.rss.xml", feed.RSSContentType},
		{"/tag/go/feed/atom/", "tag.atom.xml", feed.AtomContentType},
	} {
		r := s.get(t, tt.path)
		if r.status != 200 || r.header.Get("Content-Type") != tt.contentType {
			t.Fatalf("GET %s = %d %q", tt.path, r.status, r.header.Get("Content-Type"))
		}
		golden(t, tt.golden, r.body)
	}

	var rss rssDoc
	if err := xml.Unmarshal([]byte(s.get(t, "/feed/").body), &rss); err != nil {
		t.Fatalf("RSS does not parse: %v", err)
	}
	if link, self := rss.links(); rss.Channel.Title != "The Salon" || link != "https://blog.example/" || self != "https://blog.example/feed/" {
		t.Errorf("RSS channel = %q %q %q", rss.Channel.Title, link, self)
	}
	var titles []string
	for _, it := range rss.Channel.Items {
		titles = append(titles, it.Title)
	}
	// Newest first, sticky posts not promoted in feeds, and nothing readers may not see.
	if diff := cmp.Diff([]string{"Closed thread", "Second thoughts", "Hello, World", "Read this first"}, titles); diff != "" {
		t.Errorf("RSS items (-want +got):\n%s", diff)
	}
	hello := rss.Channel.Items[2]
	if hello.Link != "https://blog.example/2024/05/17/hello-world/" || hello.GUID != "https://blog.example/?p=1" || hello.Creator != "Ann Writer" {
		t.Errorf("RSS item = %+v", hello)
	}
	pub, err := time.Parse(time.RFC1123Z, hello.PubDate)
	if err != nil || !pub.Equal(posts["hello"].Published) {
		t.Errorf("pubDate %q = %v; want %v in New York time", hello.PubDate, pub, posts["hello"].Published.In(ny))
	}
	if !strings.HasSuffix(hello.PubDate, "-0400") {
		t.Errorf("pubDate %q is not in the site's zone (-0400 in May)", hello.PubDate)
	}
	if hello.Content != posts["hello"].HTML {
		t.Errorf("RSS content = %q; want the post's full HTML %q", hello.Content, posts["hello"].HTML)
	}
	if diff := cmp.Diff([]string{"Elections", "Blogging", "Go"}, hello.Cats); diff != "" {
		t.Errorf("RSS categories (-want +got):\n%s", diff)
	}

	var atom atomDoc
	if err := xml.Unmarshal([]byte(s.get(t, "/feed/atom/").body), &atom); err != nil {
		t.Fatalf("Atom does not parse: %v", err)
	}
	if atom.ID != "https://blog.example/feed/atom/" || atom.Title != "The Salon" || len(atom.Entries) != 4 {
		t.Errorf("Atom feed = %q %q with %d entries", atom.ID, atom.Title, len(atom.Entries))
	}
	if upd, err := time.Parse(time.RFC3339, atom.Updated); err != nil || upd.Before(posts["closed"].Published) {
		t.Errorf("Atom updated = %q; want at least the newest post's date", atom.Updated)
	}
	e := atom.Entries[2]
	if e.ID != "https://blog.example/?p=1" || e.Author != "Ann Writer" || e.Content != posts["hello"].HTML {
		t.Errorf("Atom entry = %+v", e)
	}
	if p, err := time.Parse(time.RFC3339, e.Published); err != nil || !p.Equal(posts["hello"].Published) {
		t.Errorf("Atom published %q; want %v", e.Published, posts["hello"].Published)
	}

	var cat rssDoc
	if err := xml.Unmarshal([]byte(s.get(t, "/category/politics/feed/").body), &cat); err != nil {
		t.Fatal(err)
	}
	if link, _ := cat.links(); len(cat.Channel.Items) != 2 || cat.Channel.Title != "The Salon » category Politics" || link != "https://blog.example/category/politics/" {
		t.Errorf("category feed = %q %q with %d items", cat.Channel.Title, link, len(cat.Channel.Items))
	}
}

// Every page announces the site feeds, and archives their own, for feed readers' autodiscovery.
func TestFeedAutodiscovery(t *testing.T) {
	s := newSite(t, map[string]string{"url": "https://blog.example"}, nil)
	seed(t, s)
	for path, want := range map[string][]string{
		"/":                        {"https://blog.example/feed/", "https://blog.example/feed/atom/"},
		"/2024/05/17/hello-world/": {"https://blog.example/feed/", "https://blog.example/feed/atom/", "https://blog.example/2024/05/17/hello-world/feed/", "https://blog.example/2024/05/17/hello-world/feed/atom/"},
		"/tag/go/":                 {"https://blog.example/feed/", "https://blog.example/feed/atom/", "https://blog.example/tag/go/feed/", "https://blog.example/tag/go/feed/atom/"},
	} {
		r := s.get(t, path)
		var got []string
		for _, l := range find(r.doc, "link[rel=alternate]") {
			typ := attr(l, "type")
			if typ != "application/rss+xml" && typ != "application/atom+xml" {
				t.Errorf("%s: alternate link type %q", path, typ)
			}
			got = append(got, attr(l, "href"))
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s feeds (-want +got):\n%s", path, diff)
		}
	}
}

// Feed readers show content away from the site: relative links and images in it are made absolute.
func TestFeedLinksAbsolute(t *testing.T) {
	s := newSite(t, map[string]string{"url": "https://blog.example"}, nil)
	s.add(t, post.Draft{Title: "Links", Body: "See [about](/about/) and a note[^1].\n\n![Boat](/media/2024/05/boat.jpg)\n\n[^1]: The note.", Date: start.Add(-time.Hour)})
	for _, path := range []string{"/feed/", "/feed/atom/"} {
		body := s.get(t, path).body
		for _, want := range []string{`https://blog.example/about/`, `https://blog.example/media/2024/05/boat.jpg`, `https://blog.example/`} {
			if !strings.Contains(body, want) {
				t.Errorf("%s lacks %s", path, want)
			}
		}
		if strings.Contains(body, `href=&#34;/about/`) || strings.Contains(body, `href=&#34;#fn`) {
			t.Errorf("%s keeps relative links", path)
		}
	}
}
