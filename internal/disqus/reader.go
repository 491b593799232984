package disqus

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Reader reads the records of a Disqus export one at a time. It is not safe for concurrent use.
type Reader struct {
	d     *xml.Decoder
	state int
	err   error // once set, every later Next returns it
}

// Where the decoder is relative to the root element.
const (
	beforeRoot = iota
	inRoot
	afterRoot
)

// NewReader returns a Reader of the export r. The export must be UTF-8, as Disqus writes it.
func NewReader(r io.Reader) *Reader {
	d := xml.NewDecoder(r)
	d.CharsetReader = func(label string, _ io.Reader) (io.Reader, error) {
		return nil, &encodingError{label: label}
	}
	return &Reader{d: d}
}

// Next returns the next record, a *Category, *Thread or *Post, in file order, or io.EOF after the end of the
// <disqus> element. Any other error is an *Error; once Next has returned an error it returns the same one again.
// A file with anything but white space, comments or processing instructions outside the <disqus> element is
// refused, as is a truncated file.
func (r *Reader) Next() (any, error) {
	if r.err != nil {
		return nil, r.err
	}
	rec, err := r.next()
	if err != nil {
		r.err = err
		return nil, err // not rec, which may be a nil *Post inside a non-nil interface
	}
	return rec, nil
}

func (r *Reader) next() (any, error) {
	for {
		// The position after the previous token is where the next one starts: for a start tag, the line of its "<".
		line, _ := r.d.InputPos()
		tok, err := r.d.Token()
		if err == io.EOF {
			switch r.state {
			case beforeRoot:
				return nil, &Error{Line: line, Err: errors.New("not a Disqus export: no <disqus> element")}
			case afterRoot:
				return nil, io.EOF
			}
			// The decoder reports a missing end tag as a syntax error; this is a fallback.
			return nil, &Error{Line: line, Err: errors.New(truncated)}
		}
		if err != nil {
			return nil, r.fail(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch r.state {
			case beforeRoot:
				if t.Name.Local != "disqus" {
					err := fmt.Errorf("not a Disqus export: the root element is <%s>, not <disqus>", t.Name.Local)
					return nil, &Error{Line: line, Err: err}
				}
				r.state = inRoot
			case inRoot:
				switch t.Name.Local {
				case "category":
					return r.category(t, line)
				case "thread":
					return r.thread(t, line)
				case "post":
					return r.post(t, line)
				}
				if err := r.d.Skip(); err != nil {
					return nil, r.fail(err)
				}
			case afterRoot:
				return nil, &Error{Line: line, Err: fmt.Errorf("not a Disqus export: element <%s> after </disqus>", t.Name.Local)}
			}
		case xml.EndElement:
			// Skip and DecodeElement consume every nested end tag, so this is the root's.
			r.state = afterRoot
		case xml.CharData:
			if r.state == inRoot {
				break // stray text between records, like unknown elements, is ignored
			}
			s := string(t)
			if r.state == beforeRoot && line == 1 {
				s = strings.TrimPrefix(s, "\ufeff") // a byte order mark some editors add
			}
			text := strings.TrimLeft(s, " \t\r\n")
			if text != "" {
				// The decoder turns a lone \r into \n but counts lines by \n alone; it is never past its own count.
				end, _ := r.d.InputPos()
				line = min(line+strings.Count(s[:len(s)-len(text)], "\n"), end)
				return nil, &Error{Line: line, Err: errors.New("not a Disqus export: text outside the <disqus> element")}
			}
		}
	}
}

// fail wraps an error of the decoder or of the underlying reader in an *Error.
func (r *Reader) fail(err error) error {
	if se, ok := err.(*xml.SyntaxError); ok {
		return &Error{Line: max(se.Line, 1), Err: se}
	}
	line, _ := r.d.InputPos()
	if ee, ok := errors.AsType[*encodingError](err); ok {
		return &Error{Line: line, Err: ee}
	}
	return &Error{Line: line, Err: err}
}

// encodingError refuses any declared encoding other than UTF-8: Disqus writes UTF-8, and decoding others would need
// more than the standard library.
type encodingError struct{ label string }

func (e *encodingError) Error() string {
	return fmt.Sprintf("encoding %q is not supported: a Disqus export is UTF-8", e.label)
}

// field is an element's text and the line it was on, kept so that a bad value can be reported where it is.
type field struct {
	text string
	line int
}

func (f *field) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	f.line, _ = d.InputPos()
	return d.DecodeElement(&f.text, &start)
}

// ref is an element that points at another record by its dsq:id.
type ref struct {
	ID string `xml:"id,attr"`
}

type rawCategory struct {
	ID    string `xml:"id,attr"`
	Forum string `xml:"forum"`
	Title string `xml:"title"`
}

type rawThread struct {
	ID          string `xml:"id,attr"`
	Ident       string `xml:"id"`
	Forum       string `xml:"forum"`
	Link        string `xml:"link"`
	Title       string `xml:"title"`
	CreatedAt   field  `xml:"createdAt"`
	IsClosed    field  `xml:"isClosed"`
	IsDeleted   field  `xml:"isDeleted"`
	AuthorName  string `xml:"author>name"`
	AuthorEmail string `xml:"author>email"`
}

type rawPost struct {
	ID             string `xml:"id,attr"`
	Thread         *ref   `xml:"thread"`
	Parent         *ref   `xml:"parent"`
	Message        string `xml:"message"`
	AuthorName     string `xml:"author>name"`
	AuthorEmail    string `xml:"author>email"`
	AuthorUsername string `xml:"author>username"`
	IsAnonymous    field  `xml:"author>isAnonymous"`
	IPAddress      string `xml:"ipAddress"`
	IsDeleted      field  `xml:"isDeleted"`
	IsSpam         field  `xml:"isSpam"`
	IsApproved     field  `xml:"isApproved"`
	CreatedAt      field  `xml:"createdAt"`
}

func (r *Reader) category(start xml.StartElement, line int) (*Category, error) {
	var raw rawCategory
	if err := r.d.DecodeElement(&raw, &start); err != nil {
		return nil, r.fail(err)
	}
	return &Category{
		ID:    strings.TrimSpace(raw.ID),
		Forum: strings.TrimSpace(raw.Forum),
		Title: strings.TrimSpace(raw.Title),
		Line:  line,
	}, nil
}

func (r *Reader) thread(start xml.StartElement, line int) (*Thread, error) {
	var raw rawThread
	if err := r.d.DecodeElement(&raw, &start); err != nil {
		return nil, r.fail(err)
	}
	t := &Thread{
		ID:          strings.TrimSpace(raw.ID),
		Ident:       strings.TrimSpace(raw.Ident),
		Forum:       strings.TrimSpace(raw.Forum),
		Link:        strings.TrimSpace(raw.Link),
		Title:       strings.TrimSpace(raw.Title),
		AuthorName:  strings.TrimSpace(raw.AuthorName),
		AuthorEmail: strings.TrimSpace(raw.AuthorEmail),
		Line:        line,
	}
	p := parser{what: label("thread", t.ID)}
	t.Created = p.time(raw.CreatedAt)
	t.Closed = p.bool(raw.IsClosed, "isClosed", false)
	t.Deleted = p.bool(raw.IsDeleted, "isDeleted", false)
	if p.err != nil {
		return nil, p.err
	}
	return t, nil
}

func (r *Reader) post(start xml.StartElement, line int) (*Post, error) {
	var raw rawPost
	if err := r.d.DecodeElement(&raw, &start); err != nil {
		return nil, r.fail(err)
	}
	p := &Post{
		ID:             strings.TrimSpace(raw.ID),
		Message:        strings.TrimSpace(raw.Message),
		AuthorName:     strings.TrimSpace(raw.AuthorName),
		AuthorEmail:    strings.TrimSpace(raw.AuthorEmail),
		AuthorUsername: strings.TrimSpace(raw.AuthorUsername),
		IP:             strings.TrimSpace(raw.IPAddress),
		Line:           line,
	}
	what := label("post", p.ID)
	if raw.Thread != nil {
		p.ThreadID = strings.TrimSpace(raw.Thread.ID)
	}
	if p.ThreadID == "" {
		return nil, &Error{Line: line, Err: fmt.Errorf(`%s has no <thread dsq:id="…"> naming its thread`, what)}
	}
	if raw.Parent != nil {
		p.ParentID = strings.TrimSpace(raw.Parent.ID)
	}
	ps := parser{what: what}
	p.Created = ps.time(raw.CreatedAt)
	p.Anonymous = ps.bool(raw.IsAnonymous, "isAnonymous", false)
	p.Deleted = ps.bool(raw.IsDeleted, "isDeleted", false)
	p.Spam = ps.bool(raw.IsSpam, "isSpam", false)
	p.Approved = ps.bool(raw.IsApproved, "isApproved", true)
	if ps.err != nil {
		return nil, ps.err
	}
	return p, nil
}

// label names a record in an error message.
func label(kind, id string) string {
	if id == "" {
		return kind + " (no dsq:id)"
	}
	return fmt.Sprintf("%s %q", kind, id)
}

// parser converts the typed fields of one record, keeping the first error.
type parser struct {
	what string
	err  error
}

// timeLayouts are the forms of createdAt accepted: what exports contain, and the zone-less form of Disqus's
// documentation, read as UTC. Fractional seconds are accepted by both.
var timeLayouts = [...]string{time.RFC3339, "2006-01-02T15:04:05"}

func (p *parser) time(f field) time.Time {
	s := strings.TrimSpace(f.text)
	if p.err != nil || s == "" {
		return time.Time{}
	}
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	p.err = &Error{Line: f.line, Err: fmt.Errorf("%s: createdAt %q is not a time like 2006-01-02T15:04:05Z", p.what, s)}
	return time.Time{}
}

// bool reads a flag; an absent or empty element means def.
func (p *parser) bool(f field, name string, def bool) bool {
	s := strings.TrimSpace(f.text)
	if p.err != nil || s == "" {
		return def
	}
	v, err := strconv.ParseBool(s)
	if err != nil {
		p.err = &Error{Line: f.line, Err: fmt.Errorf("%s: %s %q is not true or false", p.what, name, s)}
		return def
	}
	return v
}
