// Package wxr owns the WordPress eXtended RSS format: it reads WXR 1.0–1.2 exports as a stream and writes WXR 1.2.
//
// A WXR file is an RSS 2.0 <rss> element whose <channel> holds the site's header (<title>, <link>,
// <wp:wxr_version>, <wp:base_site_url>, …), then <wp:author>, <wp:category>, <wp:tag> and <wp:term> elements, then
// one <item> per post, page, attachment, menu item or other post type, each with its terms, metadata and comments.
//
// Elements are matched by namespace, not by prefix, as WordPress's importer matches them: the WordPress elements are
// those in the namespace that <rss> binds to the wp prefix (http:// or https://wordpress.org/export/1.N/), so an
// element whose prefix is bound to another namespace is skipped, and one in the wp namespace under another prefix is
// read. Elements this package does not know are skipped. When an element that holds one value appears twice in a
// record, the first one counts, again as in WordPress's importer.
//
// Text is returned exactly as the file holds it, surrounding white space included; only numbers and dates are
// trimmed. Dates have no zone in WXR: they are read as UTC.
//
// The Reader holds one record in memory at a time, so an export of any size streams in memory bounded by its largest
// item. It does not check references between records (duplicate post IDs, comments whose parent is missing, items
// whose author has no <wp:author>): the importer does, and every Item and Comment carries the line it starts on so
// that it can say where.
package wxr

import (
	"encoding/xml"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Site is the channel's header.
type Site struct {
	Title       string
	Link        string
	Description string
	Language    string
	BaseSiteURL string // <wp:base_site_url>: the network's address on a multisite, else the site's
	BaseBlogURL string // <wp:base_blog_url>: the site's address, which links in content start with
	// Version is the WXR version of the file, "1.0", "1.1" or "1.2": its <wp:wxr_version>, or when that is absent
	// (exports older than WordPress 3.0 have none), the version in the wp namespace. NewWriter ignores it.
	Version string
}

// Author is a <wp:author>: a user who wrote one of the items. WXR 1.0 exports have none.
type Author struct {
	ID          int64 // 0 in exports that do not say, such as WordPress.com's
	Login       string
	Email       string
	DisplayName string
	FirstName   string
	LastName    string
	Line        int // line of the <wp:author> start tag; the Writer ignores it
}

// Category is a <wp:category>.
type Category struct {
	ID          int64 // 0 in WXR 1.0
	Nicename    string
	Parent      string // the parent's Nicename; "" for a top-level category
	Name        string
	Description string
	Line        int // line of the <wp:category> start tag; the Writer ignores it
}

// Tag is a <wp:tag>.
type Tag struct {
	ID          int64 // 0 in WXR 1.0
	Slug        string
	Name        string
	Description string
	Line        int // line of the <wp:tag> start tag; the Writer ignores it
}

// Term is a <wp:term>: a term of a taxonomy other than categories and tags, such as nav_menu, or, in some
// WordPress.com exports, a category or tag repeated.
type Term struct {
	ID          int64
	Taxonomy    string
	Slug        string
	Parent      string // the parent's Slug; "" for a top-level term
	Name        string
	Description string
	Line        int // line of the <wp:term> start tag; the Writer ignores it
}

// Item is an <item>: a post of any type.
type Item struct {
	Line          int   // line of the <item> start tag; the Writer ignores it
	ID            int64 // <wp:post_id>; 0 when absent, which only hand-made files do
	Title         string
	Link          string
	GUID          string
	Creator       string // <dc:creator>: the author's login
	Content       string // <content:encoded>
	Excerpt       string // <excerpt:encoded>
	PostName      string // the slug
	Type          string // <wp:post_type>: "post", "page", "attachment", "nav_menu_item", …; "post" when absent or empty, as in WXR 1.0
	Status        string // "publish", "draft", "private", "pending", "future", "inherit", "trash", …
	CommentStatus string // "open" or "closed"
	PingStatus    string // "open" or "closed"
	Password      string
	Date          time.Time // <wp:post_date>: the site's wall clock, read as UTC; zero when absent or 0000-00-00 00:00:00
	DateGMT       time.Time // <wp:post_date_gmt>; zero when absent or 0000-00-00 00:00:00, as drafts have it
	Parent        int64     // the parent item's ID; 0 for none
	MenuOrder     int
	Sticky        bool
	AttachmentURL string // <wp:attachment_url>, for attachments
	Terms         []ItemTerm
	Meta          []Meta // <wp:postmeta>, in file order; a key may repeat
	Comments      []Comment
}

// ItemTerm is an item's <category domain="…" nicename="…">Name</category>. WXR 1.0 also writes each category
// without attributes; like WordPress's importer, the Reader skips a <category> that has no nicename.
type ItemTerm struct {
	Domain   string // the taxonomy: "category", "post_tag", "nav_menu", …; WXR 1.0 writes "tag" for post_tag
	Nicename string
	Name     string
}

// Meta is a <wp:postmeta> or <wp:commentmeta>. Values are often PHP-serialized; they are returned as written.
type Meta struct {
	Key   string
	Value string
}

// Comment is a <wp:comment> of an item.
type Comment struct {
	ID          int64
	Author      string
	AuthorEmail string
	AuthorURL   string
	AuthorIP    string
	Date        time.Time // the site's wall clock, read as UTC; zero when absent
	DateGMT     time.Time // zero when absent or 0000-00-00 00:00:00
	Content     string
	Approved    string // as in the file: "1", "0", "spam", "trash", or "" in some exports
	Type        string // "" or "comment" for a comment (WXR 1.2 writes "comment"), "pingback", "trackback", …
	Parent      int64  // the ID of the comment this replies to; 0 for none
	UserID      int64  // the commenter's user ID on the exporting site; 0 for a visitor
	Meta        []Meta // <wp:commentmeta>
	Line        int    // line of the <wp:comment> start tag; the Writer ignores it
}

// ErrNotWXR is wrapped by the errors that say a file is not a WordPress export at all: not XML, no <rss>, no
// <channel>, or no wp namespace.
var ErrNotWXR = errors.New("not a WordPress export")

// Error is every error a Reader returns other than io.EOF: the line it was found on (1 or more) and what is wrong.
// Err is an *xml.SyntaxError for a file that is not well-formed XML, the underlying reader's error when reading
// failed, and otherwise a description written for the person whose file it is.
type Error struct {
	Line int
	Err  error
}

func (e *Error) Error() string {
	if se, ok := e.Err.(*xml.SyntaxError); ok {
		return fmt.Sprintf("line %d: malformed XML: %s", e.Line, se.Msg)
	}
	return fmt.Sprintf("line %d: %v", e.Line, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// Namespaces of the elements WXR uses besides its own wp namespace, whose URI depends on the version.
const (
	contentNS = "http://purl.org/rss/1.0/modules/content/"
	dcNS      = "http://purl.org/dc/elements/1.1/"
)

// dateLayout is how WXR writes dates: MySQL's DATETIME, with no zone.
const dateLayout = "2006-01-02 15:04:05"

// zeroDate is how WordPress writes a date it does not have, such as a draft's post_date_gmt.
const zeroDate = "0000-00-00 00:00:00"

// versions are the WXR versions this package reads, for error messages.
const versions = "1.0, 1.1 and 1.2"

func knownVersion(v string) bool {
	return v == "1.0" || v == "1.1" || v == "1.2"
}

// quote quotes s for an error message, cut short so that a huge field does not make a huge message.
func quote(s string) string {
	const max = 40
	n := 0
	for i := range s {
		if n == max {
			return strconv.Quote(s[:i]) + "…"
		}
		n++
	}
	return strconv.Quote(s)
}
