// Package disqus owns the Disqus export format: it reads a forum's export (categories, threads, posts) as a stream.
//
// An export is one <disqus> element (namespace http://disqus.com) holding, in this order by Disqus's own rule,
// <category>, <thread> and <post> elements; the dsq:id attributes (namespace http://disqus.com/disqus-internals)
// are Disqus's identifiers and are how posts point at their thread and parent. Elements are matched by local name,
// whatever their namespace, and elements this package does not know are skipped.
//
// The Reader holds one record in memory at a time, so an export of any size streams in bounded memory. It does not
// check references between records: a post may name a thread or a parent that is not in the file (Disqus exports
// contain such orphans), and deleted and spam posts are returned like any other, flagged, for the caller to judge.
//
// Surrounding white space is removed from every text field. Times are in UTC.
package disqus

import (
	"encoding/xml"
	"fmt"
	"time"
)

// Category is a <category> element.
type Category struct {
	ID    string // dsq:id
	Forum string // the forum's short name
	Title string
	Line  int // line of the <category> start tag
}

// Thread is a <thread> element: the page a set of comments belongs to.
//
// WordPress's Disqus plugin stores ID as the post's "dsq_thread_id" meta value, and writes Ident as described at
// WordPressID; either can match a thread to a WordPress post.
type Thread struct {
	ID          string    // dsq:id
	Ident       string    // <id>: the identifier the site gave Disqus (disqus_identifier); often empty
	Forum       string    // the forum's short name
	Link        string    // the page's address as Disqus saw it; one page may have several threads with different links
	Title       string    // may be empty
	Created     time.Time // zero when <createdAt> is absent or empty
	Closed      bool      // no new comments accepted
	Deleted     bool
	AuthorName  string
	AuthorEmail string // absent from some exports
	Line        int    // line of the <thread> start tag
}

// Post is a <post> element: one comment.
type Post struct {
	ID             string    // dsq:id; can be empty in hand-made files
	ThreadID       string    // dsq:id of <thread>; never empty, but the thread may be missing from the file
	ParentID       string    // dsq:id of <parent>; "" for a top-level comment
	Message        string    // HTML as Disqus stores it; empty for some deleted posts
	AuthorName     string    // the display name
	AuthorEmail    string    // absent from some exports
	AuthorUsername string    // the Disqus account; empty for guests
	IP             string    // <ipAddress>; absent from some exports
	Anonymous      bool      // a guest, with no Disqus account
	Deleted        bool      // deleted by its author or a moderator
	Spam           bool      // marked as spam
	Approved       bool      // false only when an <isApproved> element says so
	Created        time.Time // zero when <createdAt> is absent or empty
	Line           int       // line of the <post> start tag
}

// Error is every error a Reader returns other than io.EOF: the line it was found on (1 or more) and what is wrong.
// Err is an *xml.SyntaxError for input that is not well-formed XML, the underlying reader's error when reading
// failed, and otherwise a description written for the person whose file it is.
type Error struct {
	Line int
	Err  error
}

func (e *Error) Error() string {
	if se, ok := e.Err.(*xml.SyntaxError); ok {
		if se.Msg == "unexpected EOF" {
			return fmt.Sprintf("disqus: line %d: %s", e.Line, truncated)
		}
		return fmt.Sprintf("disqus: line %d: malformed XML: %s", e.Line, se.Msg)
	}
	return fmt.Sprintf("disqus: line %d: %v", e.Line, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// truncated describes a file that ends before its last element does.
const truncated = "the file ends before </disqus>: is it complete?"
