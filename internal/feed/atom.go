package feed

import (
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"time"
)

const (
	nsAtom = "http://www.w3.org/2005/Atom"
	nsThr  = "http://purl.org/syndication/thread/1.0" // RFC 4685
)

// Prefixed names (thr:, xml:) are written literally, as encoding/xml cannot
// choose prefixes; thr is declared on every <feed> for the same root in every
// document.
type atomFeed struct {
	XMLName   xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	NSThr     string      `xml:"xmlns:thr,attr"`
	Lang      string      `xml:"xml:lang,attr,omitempty"`
	ID        string      `xml:"id"`
	Title     string      `xml:"title"`
	Subtitle  string      `xml:"subtitle,omitempty"`
	Updated   string      `xml:"updated"`
	Links     []atomLink  `xml:"link"`
	Generator string      `xml:"generator,omitempty"`
	Entries   []atomEntry `xml:"entry"`
}

type atomEntry struct {
	ID         string         `xml:"id"`
	Title      string         `xml:"title"`
	Updated    string         `xml:"updated"`
	Published  string         `xml:"published,omitempty"`
	Author     atomPerson     `xml:"author"`
	Links      []atomLink     `xml:"link"`
	InReplyTo  *atomInReplyTo `xml:"thr:in-reply-to"`
	Categories []atomCategory `xml:"category"`
	Summary    *atomText      `xml:"summary"`
	Content    *atomText      `xml:"content"`
}

type atomLink struct {
	Rel   string `xml:"rel,attr"`
	Type  string `xml:"type,attr"`
	Href  string `xml:"href,attr"`
	Count string `xml:"thr:count,attr,omitempty"`
}

type atomPerson struct {
	Name string `xml:"name"`
	URI  string `xml:"uri,omitempty"`
}

type atomInReplyTo struct {
	Ref  string `xml:"ref,attr"`
	Href string `xml:"href,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
}

type atomCategory struct {
	Term   string `xml:"term,attr"`
	Label  string `xml:"label,attr,omitempty"`
	Scheme string `xml:"scheme,attr,omitempty"`
}

type atomText struct {
	Type string
	Body string
}

// MarshalXML writes the text as the element's string value: encoding/xml
// copies a ",chardata" string into a []byte first, which for a post body
// doubled the memory WriteAtom allocates.
func (t atomText) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	start.Attr = append(start.Attr, xml.Attr{Name: xml.Name{Local: "type"}, Value: t.Type})
	return e.EncodeElement(t.Body, start)
}

// WriteAtom writes f to w as an Atom 1.0 (RFC 4287) document. It returns an
// error wrapping ErrInvalid, having written nothing, if f lacks something
// the document needs (see Feed and Item).
//
// Every entry carries its own author, Feed.Title standing in for an empty
// Item.Author, so an entry copied out of the feed stays valid on its own.
func WriteAtom(w io.Writer, f Feed) error {
	f, err := prepare(f)
	if err != nil {
		return err
	}
	doc := atomFeed{
		NSThr:    nsThr,
		Lang:     f.Language,
		ID:       f.ID,
		Title:    f.Title,
		Subtitle: f.Subtitle,
		Updated:  atomDate(f.Updated),
		Links: []atomLink{
			{Rel: "alternate", Type: "text/html", Href: f.Link},
			{Rel: "self", Type: "application/atom+xml", Href: f.Self},
		},
		Generator: f.Generator,
		Entries:   make([]atomEntry, len(f.Items)),
	}
	for i, it := range f.Items {
		e := atomEntry{
			ID:      it.ID,
			Title:   it.Title,
			Updated: atomDate(it.Updated),
			Author:  atomPerson{Name: it.Author, URI: it.AuthorURI},
			Links:   []atomLink{{Rel: "alternate", Type: "text/html", Href: it.Link}},
		}
		if e.Author.Name == "" {
			e.Author.Name = f.Title
		}
		if !it.Published.IsZero() {
			e.Published = atomDate(it.Published)
		}
		var count string
		if it.CommentsURL != "" {
			count = strconv.Itoa(it.CommentCount)
			e.Links = append(e.Links, atomLink{Rel: "replies", Type: "text/html", Href: it.CommentsURL, Count: count})
		}
		if it.CommentsFeed != "" {
			e.Links = append(e.Links, atomLink{Rel: "replies", Type: "application/atom+xml", Href: it.CommentsFeed, Count: count})
		}
		if r := it.InReplyTo; r != nil {
			e.InReplyTo = &atomInReplyTo{Ref: r.Ref, Href: r.Href}
			if r.Href != "" {
				e.InReplyTo.Type = "text/html"
			}
		}
		for _, c := range it.Categories {
			e.Categories = append(e.Categories, atomCategory(c))
		}
		if it.Summary != "" {
			e.Summary = &atomText{Type: "text", Body: it.Summary}
		}
		if it.Content != "" {
			e.Content = &atomText{Type: "html", Body: it.Content}
		}
		doc.Entries[i] = e
	}
	if err := encode(w, doc, sizeHint(f)); err != nil {
		return fmt.Errorf("feed: write atom %s: %w", f.Self, err)
	}
	return nil
}

// atomDate formats t as RFC 3339 in t's own zone, as RFC 4287 section 3.3
// requires.
func atomDate(t time.Time) string { return t.Format(time.RFC3339) }
