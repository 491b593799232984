// Package feed writes the site's syndication documents: RSS 2.0 and Atom 1.0
// (RFC 4287) feeds for the whole site, for one category or tag, and for the
// comments on a post.
//
// It knows nothing of posts or storage: callers fill a Feed with plain values
// (absolute URLs, times in the site's time zone) and get back a complete,
// valid document or an error, never half a document.
//
// The XML is written by hand with encoding/xml because gorilla/feeds cannot
// emit content:encoded, dc:creator, the wfw and slash modules, RFC 4685 thr:
// elements or an atom:link rel="self" inside RSS, all of which Salon needs.
//
// Every string the caller gives is stripped of what XML 1.0 cannot carry
// (control characters other than tab, newline and carriage return, U+FFFE,
// U+FFFF, and bytes that are not UTF-8, which is how a lone surrogate shows up
// in a Go string), because post bodies and comments can contain anything.
// Times keep the zone the caller gave and lose their sub-second part.
package feed

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// Content types to send with the documents WriteRSS and WriteAtom produce.
const (
	RSSContentType  = "application/rss+xml; charset=utf-8"
	AtomContentType = "application/atom+xml; charset=utf-8"
)

// ErrInvalid is wrapped by the error WriteRSS and WriteAtom return when the
// Feed lacks something a valid document needs; the message lists every
// problem. Nothing has been written to w when it is returned.
var ErrInvalid = errors.New("feed: invalid feed")

// Feed is one feed document: the whole site, a category or tag page, or the
// comments on one post.
type Feed struct {
	Title     string    // required
	Subtitle  string    // RSS <description> (Title if empty), Atom <subtitle> (omitted if empty)
	Link      string    // required: absolute URL of the HTML page this feed follows
	Self      string    // required: absolute URL of this feed document itself
	ID        string    // Atom feed id, a permanent absolute IRI; Self if empty
	Language  string    // e.g. "en-US": RSS <language>, Atom xml:lang; optional
	Updated   time.Time // newest change; if zero, the newest item time; if still zero, the Unix epoch in UTC
	Generator string    // e.g. "Salon"; optional
	Items     []Item
}

// Item is one post or comment. ID and Link are required, and so is at least
// one of Title, Summary and Content, since an RSS item needs a title or a
// description.
type Item struct {
	ID            string    // permanent absolute IRI: RSS <guid>, Atom <id>
	IDIsPermalink bool      // RSS guid isPermaLink; ID must then be an http(s) URL
	Title         string    // plain text; if empty (a comment, say), Atom has an empty <title>, which validators warn about
	Link          string    // absolute URL of the item's page
	Author        string    // display name (RSS dc:creator, Atom author/name), never an email; Atom falls back to Feed.Title
	AuthorURI     string    // optional absolute Atom author/uri
	Published     time.Time // RSS <pubDate> (Updated if zero), Atom <published> (omitted if zero)
	Updated       time.Time // if zero, Published; if still zero, the feed's Updated
	Summary       string    // plain text: RSS <description> (escaped as HTML), Atom <summary type="text">; optional
	Content       string    // HTML: RSS <content:encoded>, Atom <content type="html">; optional
	Categories    []Category
	CommentsURL   string // optional absolute URL: RSS <comments>, Atom link rel="replies" type="text/html"
	CommentsFeed  string // optional absolute URL: wfw:commentRss, Atom link rel="replies" type="application/atom+xml"
	CommentCount  int    // slash:comments and thr:count, written only when CommentsURL is set
	InReplyTo     *Reply // comment feeds: Atom thr:in-reply-to (RFC 4685); optional
}

// Category is a category or tag. Term is required. RSS writes
// <category domain=Scheme>Label, or Term if Label is empty</category>;
// Atom writes <category term= label= scheme=>.
type Category struct{ Term, Label, Scheme string }

// Reply names the entry a comment answers: Ref is the parent's permanent id
// (an absolute IRI, required) and Href its page URL (optional).
type Reply struct{ Ref, Href string }

// prepare returns a copy of f with every string cleaned and every default
// resolved, so the writers need no fallbacks of their own apart from
// format-specific ones; or an error wrapping ErrInvalid naming every problem.
// Validation runs on the cleaned copy so it checks what will be written.
func prepare(f Feed) (Feed, error) {
	f.Title = clean(f.Title)
	f.Subtitle = clean(f.Subtitle)
	f.Link = clean(f.Link)
	f.Self = clean(f.Self)
	f.ID = clean(f.ID)
	f.Language = clean(f.Language)
	f.Generator = clean(f.Generator)

	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if f.Title == "" {
		bad("Title is empty")
	}
	checkURL(bad, "", "Link", f.Link, true)
	checkURL(bad, "", "Self", f.Self, true)
	checkURL(bad, "", "ID", f.ID, false)
	if f.ID == "" {
		f.ID = f.Self
	}

	items := make([]Item, len(f.Items))
	for i, it := range f.Items {
		it.ID = clean(it.ID)
		it.Title = clean(it.Title)
		it.Link = clean(it.Link)
		it.Author = clean(it.Author)
		it.AuthorURI = clean(it.AuthorURI)
		it.Summary = clean(it.Summary)
		it.Content = clean(it.Content)
		it.CommentsURL = clean(it.CommentsURL)
		it.CommentsFeed = clean(it.CommentsFeed)
		if it.Updated.IsZero() {
			it.Updated = it.Published
		}

		at := fmt.Sprintf("item %d: ", i)
		checkURL(bad, at, "ID", it.ID, true)
		if it.IDIsPermalink && !strings.HasPrefix(it.ID, "http://") && !strings.HasPrefix(it.ID, "https://") {
			bad("%sIDIsPermalink is set but ID %q is not an http(s) URL", at, it.ID)
		}
		checkURL(bad, at, "Link", it.Link, true)
		checkURL(bad, at, "AuthorURI", it.AuthorURI, false)
		checkURL(bad, at, "CommentsURL", it.CommentsURL, false)
		checkURL(bad, at, "CommentsFeed", it.CommentsFeed, false)
		if it.Title == "" && it.Summary == "" && it.Content == "" {
			bad("%sTitle, Summary and Content are all empty", at)
		}

		cats := make([]Category, len(it.Categories))
		for j, c := range it.Categories {
			cats[j] = Category{Term: clean(c.Term), Label: clean(c.Label), Scheme: clean(c.Scheme)}
			if cats[j].Term == "" {
				bad("%sCategories[%d]: Term is empty", at, j)
			}
		}
		it.Categories = cats

		if it.InReplyTo != nil {
			r := Reply{Ref: clean(it.InReplyTo.Ref), Href: clean(it.InReplyTo.Href)}
			checkURL(bad, at, "InReplyTo.Ref", r.Ref, true)
			checkURL(bad, at, "InReplyTo.Href", r.Href, false)
			it.InReplyTo = &r
		}
		items[i] = it
	}
	f.Items = items
	if problems != nil {
		return Feed{}, fmt.Errorf("%w: %s", ErrInvalid, strings.Join(problems, "; "))
	}

	if f.Updated.IsZero() {
		for _, it := range items {
			if it.Updated.After(f.Updated) {
				f.Updated = it.Updated
			}
		}
	}
	if f.Updated.IsZero() {
		// UTC rather than time.Unix's Local, so output does not depend on the host.
		f.Updated = time.Unix(0, 0).UTC()
	}
	for i := range items {
		if items[i].Updated.IsZero() {
			items[i].Updated = f.Updated
		}
	}
	return f, nil
}

// checkURL reports field when it is not an absolute IRI, or when it is empty
// and required.
func checkURL(bad func(string, ...any), at, field, v string, required bool) {
	switch {
	case v == "" && required:
		bad("%s%s is empty", at, field)
	case v != "" && !absIRI(v):
		bad("%s%s %q is not an absolute URL", at, field, v)
	}
}

// absIRI reports whether s looks like an absolute IRI (RFC 3987): a scheme, a
// colon, something after it, and none of the characters an IRI never holds
// unescaped. Feed readers use ids and links as keys and fetch targets, and a
// relative one would resolve differently in each reader.
func absIRI(s string) bool {
	colon := strings.IndexByte(s, ':')
	if colon < 1 || colon == len(s)-1 {
		return false
	}
	for i := 0; i < colon; i++ {
		c := s[i]
		letter := 'a' <= c|0x20 && c|0x20 <= 'z'
		if !letter && (i == 0 || !('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return false
		}
	}
	return !strings.ContainsFunc(s, func(r rune) bool {
		return r <= ' ' || r == 0x7f || strings.ContainsRune("<>\"{}|\\^`", r)
	})
}

// clean drops every character XML 1.0 cannot carry. encoding/xml would
// instead turn each into U+FFFD, which shows readers a symbol that was never
// in the text. Strings that need no change are returned without copying.
func clean(s string) string {
	for i := 0; i < len(s); {
		if c := s[i]; c >= 0x20 && c < 0x80 || c == '\t' || c == '\n' || c == '\r' {
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if !xmlChar(r, n) {
			return cleanFrom(s, i)
		}
		i += n
	}
	return s
}

// cleanFrom is clean's slow path: s[:i] is known good and s[i] starts a
// character to drop.
func cleanFrom(s string, i int) string {
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if xmlChar(r, n) {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// xmlChar reports whether the rune r, decoded from n bytes, matches the Char
// production of XML 1.0. Invalid UTF-8, including an encoded surrogate,
// decodes as a one-byte utf8.RuneError.
func xmlChar(r rune, n int) bool {
	switch {
	case r == utf8.RuneError && n == 1:
		return false
	case r == '\t' || r == '\n' || r == '\r':
		return true
	case r < 0x20:
		return false
	case r <= 0xD7FF:
		return true
	case r < 0xE000:
		return false
	default:
		return r <= 0xFFFD || r >= 0x10000
	}
}

// encode writes the XML declaration and v to a buffer and copies it to w only
// when complete, so an error never leaves half a document on the wire.
func encode(w io.Writer, v any, size int) error {
	var buf bytes.Buffer
	buf.Grow(size)
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	buf.WriteByte('\n')
	_, err := buf.WriteTo(w)
	return err
}

// sizeHint guesses the size of the document for f, so encode's buffer grows
// once rather than doubling its way up through the post bodies.
func sizeHint(f Feed) int {
	n := 1024
	for _, it := range f.Items {
		// Escaping markup-heavy HTML adds up to a third (every < is &lt;,
		// every " is &#34;); a little spare is cheaper than a second copy.
		n += 1024 + 2*len(it.Summary) + 3*len(it.Content)/2
	}
	return n
}
