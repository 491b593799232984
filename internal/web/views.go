package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/salon-blog/salon/internal/blog"
)

//go:embed templates
var templateFiles embed.FS

// views holds one parsed template set per page kind, each the layout plus that page's content.
type views struct {
	pages map[string]*template.Template
}

// publicPages are the reader-facing pages, each the site layout plus its content template.
var publicPages = []string{"list", "post", "error", "edit", "notice", "privacy", "privacy-request"}

// pageFiles lists, for each page, the templates it is made of: a layout first, then what defines "content". Every
// templates/admin/NAME.html but the layout is the admin page "admin/NAME".
func pageFiles() (map[string][]string, error) {
	files := map[string][]string{}
	for _, name := range publicPages {
		files[name] = []string{"layout.html", "partials.html", "discussion.html", name + ".html"}
	}
	// Search results are the list page, with the blocks it leaves open filled in by search.html.
	files["search"] = []string{"layout.html", "partials.html", "discussion.html", "list.html", "search.html"}
	admin, err := fs.Glob(templateFiles, "templates/admin/*.html")
	if err != nil {
		return nil, err
	}
	for _, p := range admin {
		name := strings.TrimSuffix(path.Base(p), ".html")
		if name != "layout" {
			files["admin/"+name] = []string{"admin/layout.html", "discussion.html", "admin/" + name + ".html"}
		}
	}
	return files, nil
}

// percent is how much of total part is, in whole percent, for progress shown as text.
func percent(part, total int64) int64 {
	if total <= 0 {
		return 0
	}
	return min(part, total) * 100 / total
}

func loadViews(a *assets) (*views, error) {
	funcs := template.FuncMap{"asset": a.url, "field": newFieldView, "replyField": newReplyFieldView,
		"commentLimit": func() int { return blog.MaxCommentLen }, "count": blog.CountOf, "rowActions": rowActions, "percent": percent}
	v := &views{pages: map[string]*template.Template{}}
	all, err := pageFiles()
	if err != nil {
		return nil, fmt.Errorf("find templates: %w", err)
	}
	for name, files := range all {
		paths := make([]string, len(files))
		for i, f := range files {
			paths[i] = "templates/" + f
		}
		t, err := template.New(path.Base(files[0])).Funcs(funcs).ParseFS(templateFiles, paths...)
		if err != nil {
			return nil, fmt.Errorf("parse template %s: %w", name, err)
		}
		// Execute once against a zero page so that a reference to a missing asset or field fails at start; pages
		// without a zero value here are checked by their handlers' tests.
		if zero := zeroPage(name); zero != nil {
			if err := t.Execute(new(bytes.Buffer), zero); err != nil {
				return nil, fmt.Errorf("check template %s: %w", name, err)
			}
		}
		v.pages[name] = t
	}
	return v, nil
}

func zeroPage(name string) any {
	switch name {
	case "admin/signin":
		return &signinPage{}
	case "admin/dashboard":
		return &dashboardPage{}
	case "admin/comments":
		return &queuePage{}
	case "admin/comment-edit":
		return &commentEditPage{}
	case "admin/comment-reply":
		return &commentReplyPage{}
	case "admin/terms":
		return &termsPage{}
	case "admin/term-edit":
		return &termEditPage{}
	case "admin/users":
		return &usersPage{}
	case "admin/user-edit":
		return &userFormPage{}
	case "admin/user-delete":
		return &userDeletePage{}
	case "admin/settings":
		return &settingsPage{}
	case "admin/tokens":
		return &tokensPage{}
	case "admin/posts":
		return &postListPage{}
	case "admin/post-edit":
		return &editorPage{}
	case "admin/post-revisions":
		return &revisionsPage{}
	case "admin/media":
		return &mediaPage{}
	case "admin/media-edit":
		return &mediaEditPage{}
	case "list":
		return &listPage{}
	case "search":
		return &searchPage{}
	case "post":
		return &postPage{Discussion: &discussionView{}}
	case "edit":
		return &editPage{}
	case "error":
		return &errorPage{}
	case "notice":
		return &noticePage{}
	case "privacy":
		return &privacyPage{}
	case "privacy-request":
		return &privacyRequestPage{}
	case "admin/jobs":
		return &jobsPage{}
	}
	return nil
}

// render executes a page into a buffer first, so that a template error becomes a clean 500 rather than half a page.
func (v *views) render(w http.ResponseWriter, status int, name string, data any) error {
	if c, ok := w.(*capture); ok && !c.wrote {
		// A page rendered through a render slot goes straight into the buffer that holds the response: a long
		// thread's page is then held once, not twice.
		if err := v.pages[name].Execute((*pageWriter)(c), data); err != nil {
			c.body.Reset()
			c.thread = ""
			return fmt.Errorf("render %s: %w", name, err)
		}
		c.header.Set("Content-Type", "text/html; charset=utf-8")
		c.WriteHeader(status)
		return nil
	}
	buf := pageBuffer()
	defer releaseBuffer(buf)
	if err := v.pages[name].Execute(buf, data); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, err := buf.WriteTo(w)
	return err
}

// pageBuffers hold pages while they are rendered and sent. A page with thousands of comments is megabytes; a
// fresh buffer for each rendering would be garbage grown by doubling, many times over.
var pageBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// pageBuffer returns an empty buffer from pageBuffers; give it back with releaseBuffer once its bytes are sent
// or copied.
func pageBuffer() *bytes.Buffer {
	b := pageBuffers.Get().(*bytes.Buffer)
	b.Reset()
	return b
}

// releaseBuffer returns b to pageBuffers, unless it grew too big to keep around.
func releaseBuffer(b *bytes.Buffer) {
	if b.Cap() <= 8<<20 {
		pageBuffers.Put(b)
	}
}

// siteView is what every page shows of the site: header, navigation and feeds.
type siteView struct {
	Title    string
	Tagline  string
	Language string
	Home     string
	Pages    []link
	Front    bool   // the home page, whose heading is the site's title
	Search   string // the query of the search results shown, which the search box keeps
}

// headView is the page's <head>: title, description, canonical URL and feed autodiscovery.
type headView struct {
	Title       string
	Description string
	Canonical   string
	Feeds       []feedLink
	NoIndex     bool
}

type link struct {
	Name string
	URL  string
}

type feedLink struct {
	Title string
	Atom  bool // else RSS; the template writes the MIME type literally, since an escaped "+" confuses some readers
	URL   string
}

// basePage is embedded in every page struct.
type basePage struct {
	Site siteView
	Head headView
}

// listPage is the home page and every archive.
type listPage struct {
	basePage
	Heading     string // "" on the home page
	Description string
	Posts       []postView
	Pager       pager
}

// postPage is a single post or page.
type postPage struct {
	basePage
	Post       postView
	Discussion *discussionView // nil on pages
}

// errorPage is a 404, 500 or 503 in the site's look.
type errorPage struct {
	basePage
	Status  int
	Heading string
	Message string
	Admin   bool // the address is in the admin area: the way on is the dashboard, not the home page
}

// postView is a post as templates show it: URLs made, dates formatted in the site's zone.
type postView struct {
	Title         string
	URL           string
	IsPage        bool
	Sticky        bool
	Published     dateView
	Updated       dateView
	WasUpdated    bool
	Author        link
	Categories    []link
	Tags          []link
	HTML          template.HTML
	Summary       template.HTML // non-empty only on listings of a post with a "read more" marker
	CommentCount  int
	CommentsOpen  bool
	CommentsLabel string
}

type dateView struct {
	ISO  string // RFC 3339, for <time datetime>
	Text string // as readers read it
}

// newDateView shows t in loc, in the site's date format (a layout from blog.DateFormats) when one is given, and in
// the default format otherwise.
func newDateView(t time.Time, loc *time.Location, format ...string) dateView {
	t = t.In(loc)
	layout := blog.DefaultDateFormat
	if len(format) > 0 && format[0] != "" {
		layout = format[0]
	}
	return dateView{ISO: t.Format(time.RFC3339), Text: t.Format(layout)}
}

// pager links the pages of a listing.
type pager struct {
	Newer  string
	Older  string
	Pages  []pageLink
	Ranked bool // pages of search results, in order of relevance: previous and next, not newer and older
}

type pageLink struct {
	Number  int
	URL     string
	Current bool
	Gap     bool // an ellipsis between distant page numbers
}

// fieldView is one labelled form field; templates make it with
// {{field name label type value error autofocus required}}.
type fieldView struct {
	Name, Label, Type, Value, Error string
	Autofocus, Required             bool
	MaxLength                       int
	Help                            string // the id of the note that describes the field, on the page that has it
}

func newFieldView(name, label, typ, value, err string, autofocus, required bool) fieldView {
	limits := map[string]int{"author": blog.MaxCommentNameLen, "email": blog.MaxCommentEmailLen, "url": blog.MaxCommentURLLen, "comment": blog.MaxCommentLen}
	return fieldView{Name: name, Label: label, Type: typ, Value: value, Error: err, Autofocus: autofocus, Required: required, MaxLength: limits[name]}
}

// newReplyFieldView is a field of the reply form under a post, whose notes (formatting help, "Your email address
// will not be published") describe the comment and email fields.
func newReplyFieldView(name, label, typ, value, err string, autofocus, required bool) fieldView {
	f := newFieldView(name, label, typ, value, err, autofocus, required)
	f.Help = map[string]string{"comment": "comment-help", "email": "email-notes"}[name]
	return f
}

type rowAction struct{ Action, Label string }

// rowActions are the moderation buttons a comment in the queue offers, by its status.
func rowActions(status string) []rowAction {
	switch blog.CommentStatus(status) {
	case blog.CommentPending:
		return []rowAction{{"approve", "Approve"}, {"spam", "Spam"}, {"trash", "Trash"}}
	case blog.CommentApproved:
		return []rowAction{{"unapprove", "Unapprove"}, {"spam", "Spam"}, {"trash", "Trash"}}
	case blog.CommentSpam:
		return []rowAction{{"notspam", "Not spam"}, {"trash", "Trash"}}
	}
	return []rowAction{{"restore", "Restore"}}
}
