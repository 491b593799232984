package wxr

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Reader reads the records of a WXR file one at a time. It is not safe for concurrent use.
type Reader struct {
	d     *xml.Decoder
	state int
	err   error // once set, every later Next returns it

	// Namespace URIs, from the <rss> start tag.
	rssNS, wpNS, excerptNS string
	nsVersion              string // the WXR version the wp namespace names

	site     Site
	siteSent bool

	// pending is a record's start tag, on pendingLine, read while collecting the header and decoded by the next call
	// of Next, when hasPending.
	pending     xml.StartElement
	pendingLine int
	hasPending  bool

	// open names the record or container being read, for the error that says where the file ends.
	open string

	// seen holds the single-valued fields read so far in the header, or in the record being read and in the records
	// that enclose it, each record's after those of its parent; see children.
	seen []elem
}

// Where the decoder is.
const (
	beforeRoot = iota
	inChannel  // inside <channel>
	inRSS      // after </channel>, inside <rss>
	afterRoot
)

// NewReader returns a Reader of the WXR file r. The file must be UTF-8, as WordPress writes it. Named HTML entities
// such as &nbsp; are read as the characters they name, though XML does not define them, because WordPress writes
// them outside CDATA sections.
func NewReader(r io.Reader) *Reader {
	d := xml.NewDecoder(r)
	d.Entity = xml.HTMLEntity
	d.CharsetReader = func(label string, input io.Reader) (io.Reader, error) {
		switch strings.ToLower(label) {
		case "utf8", "us-ascii", "ascii":
			return input, nil
		}
		return nil, &encodingError{label: label}
	}
	return &Reader{d: d}
}

// Next returns the next record: *Site first, always and once, as soon as the header before the first other record
// has been read; then *Author, *Category, *Tag, *Term and *Item in file order. After </rss> it returns io.EOF. Any
// other error is an *Error, and once Next has returned an error it returns the same one again.
//
// Header elements that come after the first record are ignored, as is anything outside the first <channel>. A file
// with anything but white space, comments or processing instructions after </rss> is refused, as is a truncated one.
func (r *Reader) Next() (any, error) {
	if r.err != nil {
		return nil, r.err
	}
	rec, err := r.next()
	if err != nil {
		r.err = err
	}
	return rec, err
}

func (r *Reader) next() (any, error) {
	if r.state == beforeRoot {
		if err := r.root(); err != nil {
			return nil, err
		}
		r.state = inChannel
	}
	if r.state == inChannel {
		rec, err := r.channel()
		if rec != nil || err != nil {
			return rec, err
		}
	}
	return nil, r.end()
}

// root reads up to the <channel> start tag, learning the namespaces from <rss>.
func (r *Reader) root() error {
	r.open = "rss"
	for {
		line := r.line()
		tok, err := r.d.Token()
		if err == io.EOF {
			return &Error{Line: line, Err: fmt.Errorf("%w: the file is empty", ErrNotWXR)}
		}
		if err != nil {
			return r.fail(err)
		}
		switch t := tok.(type) {
		case xml.CharData:
			// A byte order mark, which some plugins put before the export, is not XML but harms nothing. Other text is
			// quoted, since it is often a PHP warning that WordPress printed into the export.
			if n, ok := textLine(line, bytes.TrimPrefix(t, []byte("\ufeff"))); ok {
				text := strings.TrimSpace(string(t))
				return &Error{Line: n, Err: fmt.Errorf("%w: the file starts with text, not XML: %s", ErrNotWXR, quote(text))}
			}
		case xml.StartElement:
			if t.Name.Local != "rss" {
				return &Error{Line: line, Err: fmt.Errorf("%w: the root element is <%s>, not <rss>", ErrNotWXR, t.Name.Local)}
			}
			if err := r.namespaces(t); err != nil {
				return &Error{Line: line, Err: err}
			}
			return r.findChannel()
		}
	}
}

// namespaces learns from the <rss> start tag the namespaces the file's elements are in.
func (r *Reader) namespaces(rss xml.StartElement) error {
	r.rssNS = rss.Name.Space
	for _, a := range rss.Attr {
		if a.Name.Space != "xmlns" {
			continue
		}
		switch a.Name.Local {
		case "wp":
			r.wpNS = a.Value
		case "excerpt":
			r.excerptNS = a.Value
		}
	}
	if r.wpNS == "" {
		return fmt.Errorf(`%w: <rss> does not declare the wp namespace (xmlns:wp="http://wordpress.org/export/1.2/")`, ErrNotWXR)
	}
	v, ok := nsVersion(r.wpNS)
	if !ok {
		return fmt.Errorf("%w: the wp namespace is %s, not http://wordpress.org/export/1.N/", ErrNotWXR, quote(r.wpNS))
	}
	if !knownVersion(v) {
		return fmt.Errorf("the wp namespace %s is for WXR %s; Salon reads WXR %s", r.wpNS, v, versions)
	}
	r.nsVersion = v
	if r.excerptNS == "" {
		r.excerptNS = r.wpNS + "excerpt/"
	}
	return nil
}

// nsVersion returns the WXR version that a wp namespace URI names, and whether the URI is a WordPress export
// namespace at all. WordPress writes http://; WordPress.com writes https://.
func nsVersion(uri string) (string, bool) {
	rest, ok := strings.CutPrefix(uri, "http://")
	if !ok {
		rest, ok = strings.CutPrefix(uri, "https://")
	}
	if !ok {
		return "", false
	}
	if rest, ok = strings.CutPrefix(rest, "wordpress.org/export/"); !ok {
		return "", false
	}
	v, ok := strings.CutSuffix(rest, "/")
	return v, ok && v != "" && !strings.Contains(v, "/")
}

// findChannel reads the children of <rss> up to the <channel> start tag, skipping anything else.
func (r *Reader) findChannel() error {
	for {
		line := r.line()
		tok, err := r.d.Token()
		if err != nil {
			return r.fail(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local == "channel" && t.Name.Space == r.rssNS {
				r.open = "channel"
				return nil
			}
			if err := r.skip(); err != nil {
				return err
			}
		case xml.EndElement:
			return &Error{Line: line, Err: fmt.Errorf("%w: <rss> has no <channel>", ErrNotWXR)}
		}
	}
}

// channel reads the children of <channel> up to the next record and returns it, or the Site when the header ends.
// At </channel> it returns the Site if it has not been returned, and otherwise nil.
func (r *Reader) channel() (any, error) {
	for {
		var start xml.StartElement
		var line int
		if r.hasPending {
			start, line = r.pending, r.pendingLine
			r.hasPending = false
		} else {
			line = r.line()
			tok, err := r.d.Token()
			if err != nil {
				return nil, r.fail(err)
			}
			switch t := tok.(type) {
			case xml.StartElement:
				start = t
			case xml.EndElement:
				r.state = inRSS
				r.open = "rss"
				if !r.siteSent {
					return r.sendSite(), nil
				}
				return nil, nil
			default:
				continue
			}
		}

		e := r.elem(start.Name)
		switch e {
		case elem{nsWP, "author"}, elem{nsWP, "category"}, elem{nsWP, "tag"}, elem{nsWP, "term"}, elem{nsRSS, "item"}:
			if !r.siteSent {
				r.pending, r.pendingLine, r.hasPending = start, line, true
				return r.sendSite(), nil
			}
			return r.record(e, line)
		}
		if r.siteSent || slices.Contains(r.seen, e) {
			if err := r.skip(); err != nil {
				return nil, err
			}
			continue
		}
		var err error
		switch e {
		case elem{nsRSS, "title"}:
			r.site.Title, err = r.text()
		case elem{nsRSS, "link"}:
			r.site.Link, err = r.text()
		case elem{nsRSS, "description"}:
			r.site.Description, err = r.text()
		case elem{nsRSS, "language"}:
			r.site.Language, err = r.text()
		case elem{nsWP, "base_site_url"}:
			r.site.BaseSiteURL, err = r.text()
		case elem{nsWP, "base_blog_url"}:
			r.site.BaseBlogURL, err = r.text()
		case elem{nsWP, "wxr_version"}:
			err = r.version(line)
		default:
			err = errSkip
		}
		switch err {
		case nil:
			r.seen = append(r.seen, e)
		case errSkip:
			err = r.skip()
		}
		if err != nil {
			return nil, err
		}
	}
}

// version reads <wp:wxr_version>.
func (r *Reader) version(line int) error {
	s, err := r.text()
	if err != nil {
		return err
	}
	v := strings.TrimSpace(s)
	if !knownVersion(v) {
		return &Error{Line: line, Err: fmt.Errorf("<wp:wxr_version> is %s; Salon reads WXR %s", quote(v), versions)}
	}
	r.site.Version = v
	return nil
}

func (r *Reader) sendSite() *Site {
	if r.site.Version == "" {
		r.site.Version = r.nsVersion
	}
	r.siteSent = true
	r.seen = r.seen[:0]
	s := r.site
	return &s
}

// record decodes the record whose start tag, on line, has just been read.
func (r *Reader) record(e elem, line int) (any, error) {
	r.open = e.String()
	defer func() { r.open = "channel" }()
	switch e.local {
	case "author":
		return r.author(line)
	case "category":
		return r.category(line)
	case "tag":
		return r.tag(line)
	case "term":
		return r.term(line)
	}
	return r.item(line)
}

// end reads what follows </channel>: the rest of <rss>, then nothing but white space, comments and processing
// instructions. It returns io.EOF at the end of the file.
func (r *Reader) end() error {
	for {
		line := r.line()
		tok, err := r.d.Token()
		if err == io.EOF && r.state == afterRoot {
			return io.EOF
		}
		if err != nil {
			return r.fail(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if r.state == afterRoot {
				return &Error{Line: line, Err: fmt.Errorf("element <%s> after </rss>", t.Name.Local)}
			}
			if err := r.skip(); err != nil {
				return err
			}
		case xml.EndElement:
			r.state = afterRoot
		case xml.CharData:
			if n, ok := textLine(line, t); ok && r.state == afterRoot {
				return &Error{Line: n, Err: errors.New("text after </rss>")}
			}
		}
	}
}

func (r *Reader) author(line int) (*Author, error) {
	a := &Author{Line: line}
	err := r.children(func(e elem, _ xml.StartElement, line int) (err error) {
		switch e {
		case elem{nsWP, "author_id"}:
			a.ID, err = r.number(e, line, 64)
		case elem{nsWP, "author_login"}:
			a.Login, err = r.text()
		case elem{nsWP, "author_email"}:
			a.Email, err = r.text()
		case elem{nsWP, "author_display_name"}:
			a.DisplayName, err = r.text()
		case elem{nsWP, "author_first_name"}:
			a.FirstName, err = r.text()
		case elem{nsWP, "author_last_name"}:
			a.LastName, err = r.text()
		default:
			err = errSkip
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

func (r *Reader) category(line int) (*Category, error) {
	c := &Category{Line: line}
	err := r.children(func(e elem, _ xml.StartElement, line int) (err error) {
		switch e {
		case elem{nsWP, "term_id"}:
			c.ID, err = r.number(e, line, 64)
		case elem{nsWP, "category_nicename"}:
			c.Nicename, err = r.text()
		case elem{nsWP, "category_parent"}:
			c.Parent, err = r.text()
		case elem{nsWP, "cat_name"}:
			c.Name, err = r.text()
		case elem{nsWP, "category_description"}:
			c.Description, err = r.text()
		default:
			err = errSkip
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

func (r *Reader) tag(line int) (*Tag, error) {
	t := &Tag{Line: line}
	err := r.children(func(e elem, _ xml.StartElement, line int) (err error) {
		switch e {
		case elem{nsWP, "term_id"}:
			t.ID, err = r.number(e, line, 64)
		case elem{nsWP, "tag_slug"}:
			t.Slug, err = r.text()
		case elem{nsWP, "tag_name"}:
			t.Name, err = r.text()
		case elem{nsWP, "tag_description"}:
			t.Description, err = r.text()
		default:
			err = errSkip
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

func (r *Reader) term(line int) (*Term, error) {
	t := &Term{Line: line}
	err := r.children(func(e elem, _ xml.StartElement, line int) (err error) {
		switch e {
		case elem{nsWP, "term_id"}:
			t.ID, err = r.number(e, line, 64)
		case elem{nsWP, "term_taxonomy"}:
			t.Taxonomy, err = r.text()
		case elem{nsWP, "term_slug"}:
			t.Slug, err = r.text()
		case elem{nsWP, "term_parent"}:
			t.Parent, err = r.text()
		case elem{nsWP, "term_name"}:
			t.Name, err = r.text()
		case elem{nsWP, "term_description"}:
			t.Description, err = r.text()
		default:
			err = errSkip
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

func (r *Reader) item(line int) (*Item, error) {
	it := &Item{Line: line}
	err := r.children(func(e elem, start xml.StartElement, line int) (err error) {
		switch e {
		case elem{nsRSS, "title"}:
			it.Title, err = r.text()
		case elem{nsRSS, "link"}:
			it.Link, err = r.text()
		case elem{nsRSS, "guid"}:
			it.GUID, err = r.text()
		case elem{nsDC, "creator"}:
			it.Creator, err = r.text()
		case elem{nsContent, "encoded"}:
			it.Content, err = r.text()
		case elem{nsExcerpt, "encoded"}:
			it.Excerpt, err = r.text()
		case elem{nsWP, "post_id"}:
			it.ID, err = r.number(e, line, 64)
		case elem{nsWP, "post_date"}:
			it.Date, err = r.date(e, line)
		case elem{nsWP, "post_date_gmt"}:
			it.DateGMT, err = r.date(e, line)
		case elem{nsWP, "comment_status"}:
			it.CommentStatus, err = r.text()
		case elem{nsWP, "ping_status"}:
			it.PingStatus, err = r.text()
		case elem{nsWP, "post_name"}:
			it.PostName, err = r.text()
		case elem{nsWP, "status"}:
			it.Status, err = r.text()
		case elem{nsWP, "post_parent"}:
			it.Parent, err = r.number(e, line, 64)
		case elem{nsWP, "menu_order"}:
			var n int64
			n, err = r.number(e, line, strconv.IntSize)
			it.MenuOrder = int(n)
		case elem{nsWP, "post_type"}:
			it.Type, err = r.text()
		case elem{nsWP, "post_password"}:
			it.Password, err = r.text()
		case elem{nsWP, "is_sticky"}:
			var n int64
			n, err = r.number(e, line, 64)
			it.Sticky = n != 0
		case elem{nsWP, "attachment_url"}:
			it.AttachmentURL, err = r.text()
		case elem{nsRSS, "category"}:
			var t ItemTerm
			var ok bool
			if t, ok, err = r.itemTerm(start); ok {
				it.Terms = append(it.Terms, t)
			}
		case elem{nsWP, "postmeta"}:
			var m Meta
			if m, err = r.meta(); err == nil {
				it.Meta = append(it.Meta, m)
			}
		case elem{nsWP, "comment"}:
			var c Comment
			if c, err = r.comment(line); err == nil {
				it.Comments = append(it.Comments, c)
			}
		default:
			err = errSkip
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if it.Type == "" {
		it.Type = "post"
	}
	return it, nil
}

// itemTerm reads an item's <category>, reporting false for one without a nicename attribute.
func (r *Reader) itemTerm(start xml.StartElement) (ItemTerm, bool, error) {
	var t ItemTerm
	var ok bool
	for _, a := range start.Attr {
		if a.Name.Space != "" {
			continue
		}
		switch a.Name.Local {
		case "domain":
			t.Domain = a.Value
		case "nicename":
			t.Nicename, ok = a.Value, true
		}
	}
	name, err := r.text()
	t.Name = name
	return t, ok && err == nil, err
}

func (r *Reader) comment(line int) (Comment, error) {
	c := Comment{Line: line}
	err := r.children(func(e elem, _ xml.StartElement, line int) (err error) {
		switch e {
		case elem{nsWP, "comment_id"}:
			c.ID, err = r.number(e, line, 64)
		case elem{nsWP, "comment_author"}:
			c.Author, err = r.text()
		case elem{nsWP, "comment_author_email"}:
			c.AuthorEmail, err = r.text()
		case elem{nsWP, "comment_author_url"}:
			c.AuthorURL, err = r.text()
		case elem{nsWP, "comment_author_IP"}:
			c.AuthorIP, err = r.text()
		case elem{nsWP, "comment_date"}:
			c.Date, err = r.date(e, line)
		case elem{nsWP, "comment_date_gmt"}:
			c.DateGMT, err = r.date(e, line)
		case elem{nsWP, "comment_content"}:
			c.Content, err = r.text()
		case elem{nsWP, "comment_approved"}:
			c.Approved, err = r.text()
		case elem{nsWP, "comment_type"}:
			c.Type, err = r.text()
		case elem{nsWP, "comment_parent"}:
			c.Parent, err = r.number(e, line, 64)
		case elem{nsWP, "comment_user_id"}:
			c.UserID, err = r.number(e, line, 64)
		case elem{nsWP, "commentmeta"}:
			var m Meta
			if m, err = r.meta(); err == nil {
				c.Meta = append(c.Meta, m)
			}
		default:
			err = errSkip
		}
		return err
	})
	return c, err
}

// meta reads a <wp:postmeta> or <wp:commentmeta>.
func (r *Reader) meta() (Meta, error) {
	var m Meta
	err := r.children(func(e elem, _ xml.StartElement, _ int) (err error) {
		switch e {
		case elem{nsWP, "meta_key"}:
			m.Key, err = r.text()
		case elem{nsWP, "meta_value"}:
			m.Value, err = r.text()
		default:
			err = errSkip
		}
		return err
	})
	return m, err
}

// errSkip is what a function handed to children returns for an element it does not read.
var errSkip = errors.New("wxr: element not read")

// children reads the child elements of the element whose start tag has just been read, through its end tag. It
// hands each to f with the line its start tag is on; f must read it, or return errSkip for children to skip it. A
// field f has read that repeats is skipped without calling f, so that the first one counts, unless the record may
// hold it more than once.
func (r *Reader) children(f func(e elem, start xml.StartElement, line int) error) error {
	mark := len(r.seen)
	defer func() { r.seen = r.seen[:mark] }()
	for {
		line := r.line()
		tok, err := r.d.Token()
		if err != nil {
			return r.fail(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			e := r.elem(t.Name)
			err := errSkip
			if !slices.Contains(r.seen[mark:], e) {
				err = f(e, t, line)
			}
			switch err {
			case nil:
				if !e.repeats() {
					r.seen = append(r.seen, e)
				}
			case errSkip:
				if err := r.skip(); err != nil {
					return err
				}
			default:
				return err
			}
		case xml.EndElement:
			return nil
		}
	}
}

// text reads the character data of the element whose start tag has just been read, through its end tag. It skips
// child elements, which WXR text fields do not have.
func (r *Reader) text() (string, error) {
	var b strings.Builder
	for {
		tok, err := r.d.Token()
		if err != nil {
			return "", r.fail(err)
		}
		switch t := tok.(type) {
		case xml.CharData:
			b.Write(t)
		case xml.StartElement:
			if err := r.skip(); err != nil {
				return "", err
			}
		case xml.EndElement:
			return b.String(), nil
		}
	}
}

// number reads a number field e, whose start tag is on line, as a signed integer of the given size. An empty field
// is 0, as WordPress's importer reads it.
func (r *Reader) number(e elem, line, bits int) (int64, error) {
	s, err := r.text()
	if err != nil {
		return 0, err
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, bits)
	if err != nil {
		return 0, &Error{Line: line, Err: fmt.Errorf("<%s> is %s, not a number", e, quote(s))}
	}
	return n, nil
}

// date reads a date field e, whose start tag is on line. An empty field and 0000-00-00 00:00:00 are the zero time.
func (r *Reader) date(e elem, line int) (time.Time, error) {
	s, err := r.text()
	if err != nil {
		return time.Time{}, err
	}
	s = strings.TrimSpace(s)
	if s == "" || s == zeroDate {
		return time.Time{}, nil
	}
	// time.Parse would accept fractional seconds, which the Writer could not write back.
	t, err := time.Parse(dateLayout, s)
	if err != nil || len(s) != len(dateLayout) {
		return time.Time{}, &Error{Line: line, Err: fmt.Errorf("<%s> is %s, not a date like %s", e, quote(s), dateLayout)}
	}
	return t, nil
}

func (r *Reader) skip() error {
	if err := r.d.Skip(); err != nil {
		return r.fail(err)
	}
	return nil
}

// line returns the line the decoder is on. Read before a token, it is the line the token starts on.
func (r *Reader) line() int {
	line, _ := r.d.InputPos()
	return line
}

// fail wraps an error of the decoder or of the underlying reader in an *Error.
func (r *Reader) fail(err error) error {
	if se, ok := errors.AsType[*xml.SyntaxError](err); ok {
		line := max(se.Line, 1)
		if strings.HasPrefix(se.Msg, "unexpected EOF") {
			return &Error{Line: line, Err: fmt.Errorf("the file ends in the middle of <%s> (truncated?)", r.open)}
		}
		return &Error{Line: line, Err: se}
	}
	if ee, ok := errors.AsType[*encodingError](err); ok {
		return &Error{Line: r.line(), Err: ee}
	}
	return &Error{Line: r.line(), Err: err}
}

// encodingError refuses any declared encoding other than UTF-8: WordPress writes the site's charset, which has been
// UTF-8 by default since WordPress 2.2, and decoding others would need more than the standard library.
type encodingError struct{ label string }

func (e *encodingError) Error() string {
	return fmt.Sprintf("encoding %q is not supported: Salon reads UTF-8 exports", e.label)
}

// textLine returns the line of the first character other than white space in the text t, which starts on line, and
// whether there is one.
func textLine(line int, t []byte) (int, bool) {
	i := bytes.IndexFunc(t, func(r rune) bool { return !unicode.IsSpace(r) })
	if i < 0 {
		return 0, false
	}
	return line + bytes.Count(t[:i], []byte("\n")), true
}

// ns is one of the namespaces WXR elements are in.
type ns int

const (
	nsOther   ns = iota
	nsRSS        // RSS's own elements, in no namespace
	nsWP         // http://wordpress.org/export/1.N/
	nsExcerpt    // http://wordpress.org/export/1.N/excerpt/
	nsContent    // http://purl.org/rss/1.0/modules/content/
	nsDC         // http://purl.org/dc/elements/1.1/
)

// elem is an element's name with its namespace resolved, whatever prefix the file gave it.
type elem struct {
	ns    ns
	local string
}

// elem resolves the name of an element of the file. A content, excerpt or dc prefix that the file uses without
// declaring it can only mean one namespace, so it is read as that one.
func (r *Reader) elem(n xml.Name) elem {
	switch n.Space {
	case r.rssNS:
		return elem{nsRSS, n.Local}
	case r.wpNS:
		return elem{nsWP, n.Local}
	case r.excerptNS, "excerpt":
		return elem{nsExcerpt, n.Local}
	case contentNS, "content":
		return elem{nsContent, n.Local}
	case dcNS, "dc":
		return elem{nsDC, n.Local}
	}
	return elem{nsOther, n.Local}
}

// repeats reports whether a record may hold e more than once.
func (e elem) repeats() bool {
	switch e {
	case elem{nsRSS, "category"}, elem{nsWP, "postmeta"}, elem{nsWP, "comment"}, elem{nsWP, "commentmeta"}:
		return true
	}
	return false
}

// String returns e with the prefix WordPress gives its namespace, for error messages.
func (e elem) String() string {
	switch e.ns {
	case nsWP:
		return "wp:" + e.local
	case nsExcerpt:
		return "excerpt:" + e.local
	case nsContent:
		return "content:" + e.local
	case nsDC:
		return "dc:" + e.local
	}
	return e.local
}
