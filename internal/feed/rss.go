package feed

import (
	"encoding/xml"
	"fmt"
	"html"
	"io"
	"strconv"
	"time"
)

// Namespaces of the RSS modules WriteRSS uses. All are declared on every
// document, used or not, so readers see the same root element for every feed.
const (
	nsContent = "http://purl.org/rss/1.0/modules/content/"
	nsDC      = "http://purl.org/dc/elements/1.1/"
	nsWfw     = "http://wellformedweb.org/CommentAPI/"
	nsSlash   = "http://purl.org/rss/1.0/modules/slash/"
)

// encoding/xml cannot choose namespace prefixes, so the prefixed names below
// are written literally and their prefixes declared on <rss>.
type rssDoc struct {
	XMLName   xml.Name   `xml:"rss"`
	Version   string     `xml:"version,attr"`
	NSContent string     `xml:"xmlns:content,attr"`
	NSDC      string     `xml:"xmlns:dc,attr"`
	NSAtom    string     `xml:"xmlns:atom,attr"`
	NSWfw     string     `xml:"xmlns:wfw,attr"`
	NSSlash   string     `xml:"xmlns:slash,attr"`
	Channel   rssChannel `xml:"channel"`
}

type rssChannel struct {
	Title         string    `xml:"title"`
	Link          string    `xml:"link"`
	Description   string    `xml:"description"`
	Self          rssLink   `xml:"atom:link"`
	Language      string    `xml:"language,omitempty"`
	Generator     string    `xml:"generator,omitempty"`
	LastBuildDate string    `xml:"lastBuildDate"`
	Items         []rssItem `xml:"item"`
}

type rssLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr"`
}

type rssItem struct {
	Title       string        `xml:"title,omitempty"`
	Link        string        `xml:"link"`
	GUID        rssGUID       `xml:"guid"`
	PubDate     string        `xml:"pubDate"`
	Creator     string        `xml:"dc:creator,omitempty"`
	Categories  []rssCategory `xml:"category"`
	Description string        `xml:"description,omitempty"`
	Content     string        `xml:"content:encoded,omitempty"`
	Comments    string        `xml:"comments,omitempty"`
	CommentRSS  string        `xml:"wfw:commentRss,omitempty"`
	CommentN    string        `xml:"slash:comments,omitempty"`
}

type rssGUID struct {
	// Always written: a guid without it counts as a permalink.
	IsPermaLink bool   `xml:"isPermaLink,attr"`
	ID          string `xml:",chardata"`
}

type rssCategory struct {
	Domain string `xml:"domain,attr,omitempty"`
	Name   string `xml:",chardata"`
}

// WriteRSS writes f to w as an RSS 2.0 document. It returns an error wrapping
// ErrInvalid, having written nothing, if f lacks something the document
// needs (see Feed and Item).
//
// Content goes into content:encoded as escaped text rather than CDATA: it
// reads the same to every parser, needs no splitting around "]]>", and keeps
// carriage returns, which a CDATA section would let the parser fold away.
func WriteRSS(w io.Writer, f Feed) error {
	f, err := prepare(f)
	if err != nil {
		return err
	}
	doc := rssDoc{
		Version:   "2.0",
		NSContent: nsContent,
		NSDC:      nsDC,
		NSAtom:    nsAtom,
		NSWfw:     nsWfw,
		NSSlash:   nsSlash,
		Channel: rssChannel{
			Title:         f.Title,
			Link:          f.Link,
			Description:   f.Subtitle,
			Self:          rssLink{Href: f.Self, Rel: "self", Type: "application/rss+xml"},
			Language:      f.Language,
			Generator:     f.Generator,
			LastBuildDate: rssDate(f.Updated),
			Items:         make([]rssItem, len(f.Items)),
		},
	}
	if doc.Channel.Description == "" {
		doc.Channel.Description = f.Title // RSS requires a channel description.
	}
	for i, it := range f.Items {
		ri := rssItem{
			Title:   it.Title,
			Link:    it.Link,
			GUID:    rssGUID{IsPermaLink: it.IDIsPermalink, ID: it.ID},
			Creator: it.Author,
			// Readers render an item description as HTML, so plain text is
			// escaped once more to show as written ("a <b>" stays visible).
			Description: html.EscapeString(it.Summary),
			Content:     it.Content,
			CommentRSS:  it.CommentsFeed,
		}
		if it.Title == "" && it.Summary == "" {
			// An RSS item needs a title or a description; prepare made sure
			// there is content to stand in.
			ri.Description = it.Content
		}
		pub := it.Published
		if pub.IsZero() {
			pub = it.Updated
		}
		ri.PubDate = rssDate(pub)
		for _, c := range it.Categories {
			name := c.Label
			if name == "" {
				name = c.Term
			}
			ri.Categories = append(ri.Categories, rssCategory{Domain: c.Scheme, Name: name})
		}
		if it.CommentsURL != "" {
			ri.Comments = it.CommentsURL
			ri.CommentN = strconv.Itoa(it.CommentCount)
		}
		doc.Channel.Items[i] = ri
	}
	if err := encode(w, doc, sizeHint(f)); err != nil {
		return fmt.Errorf("feed: write rss %s: %w", f.Self, err)
	}
	return nil
}

// rssDate formats t as RFC 822 (RFC 1123 with a four-digit year) with a
// numeric zone, which every reader parses, unlike zone names such as "CEST".
func rssDate(t time.Time) string { return t.Format(time.RFC1123Z) }
