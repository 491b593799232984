package web_test

import (
	"bufio"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/feed"
	"github.com/salon-blog/salon/internal/markup"
	"github.com/salon-blog/salon/internal/post"
)

// xssDir holds the shared XSS payload lists, one payload a line (see SOURCE.md there).
const xssDir = "../../../shared/testdata/xss"

// xssPassword is the password of the administrator who looks at the admin pages.
const xssPassword = "correct horse"

// xssVector is one payload and the lines it came from.
type xssVector struct {
	text string
	from string // file:line, then any other file:line with the same payload
}

// xssVectors reads every payload list, keeping the first of each duplicate; lines is how many lines were read.
func xssVectors(t *testing.T) (vectors []xssVector, lines int) {
	t.Helper()
	if _, err := os.Stat(xssDir); errors.Is(err, fs.ErrNotExist) {
		t.Skipf("skipping: %s is absent; it is shared/testdata/xss, checked out beside the main repository", xssDir)
	}
	files, err := filepath.Glob(filepath.Join(xssDir, "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no *.txt payload lists in %s", xssDir)
	}
	seen := map[string]int{} // payload → index in vectors
	for _, file := range files {
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for n := 1; sc.Scan(); n++ {
			lines++
			v, at := sc.Text(), fmt.Sprintf("%s:%d", filepath.Base(file), n)
			if i, dup := seen[v]; dup {
				vectors[i].from += ", " + at
			} else if v != "" {
				seen[v] = len(vectors)
				vectors = append(vectors, xssVector{text: v, from: at})
			}
		}
		err = sc.Err()
		f.Close()
		if err != nil {
			t.Fatalf("read %s: %v", file, err)
		}
	}
	return vectors, lines
}

// ---- What may not be on a page ----

// xssProblem is one thing on a page that could run script, and where it is.
type xssProblem struct {
	what string     // "attribute onerror=…", "element <script>"
	node *html.Node // where it is, to find whose text it came from
}

// xssUnsafe lists what in a parsed document (or feed payload) could run script. The site's own scripts, external
// and under /static/, are allowed; CSP would block an inline script or handler, but the test fails on any, since
// CSP is the second wall, not the first.
func xssUnsafe(doc *html.Node) []xssProblem {
	var out []xssProblem
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			out = append(out, xssUnsafeElement(n)...)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

// xssURLAttributes are the attributes whose value a browser may load or navigate to.
var xssURLAttributes = map[string]bool{
	"href": true, "src": true, "action": true, "formaction": true, "data": true, "srcdoc": true,
	"background": true, "poster": true, "dynsrc": true, "lowsrc": true, "codebase": true, "xlink:href": true,
}

func xssUnsafeElement(n *html.Node) []xssProblem {
	var out []xssProblem
	bad := func(format string, args ...any) { out = append(out, xssProblem{fmt.Sprintf(format, args...), n}) }
	name := strings.ToLower(n.Data)
	switch name {
	case "script":
		if src := attr(n, "src"); n.Namespace != "" || !strings.HasPrefix(src, "/static/") || n.FirstChild != nil {
			bad("element <%s> (src %q)", name, src)
		}
	case "iframe", "frame", "frameset", "object", "embed", "applet", "base":
		bad("element <%s>", name)
	case "meta":
		if strings.EqualFold(strings.TrimSpace(attr(n, "http-equiv")), "refresh") {
			bad("element <meta http-equiv=refresh content=%q>", attr(n, "content"))
		}
	case "style":
		if css := text(n); xssUnsafeCSS(css) {
			bad("element <style> %q", css)
		}
	}
	for _, a := range n.Attr {
		key := strings.ToLower(a.Key)
		if a.Namespace != "" {
			key = a.Namespace + ":" + key
		}
		local := strings.ToLower(a.Key)
		switch {
		case strings.HasPrefix(local, "on"):
			bad("attribute %s=%q", key, a.Val)
		case key == "srcdoc" && a.Val != "":
			bad("attribute srcdoc=%q", a.Val)
		case (xssURLAttributes[key] || xssURLAttributes[local]) && xssScriptURL(a.Val):
			bad("attribute %s=%q", key, a.Val)
		case n.Namespace == "svg" && (local == "to" || local == "from" || local == "values") && slices.ContainsFunc(strings.Split(a.Val, ";"), xssScriptURL):
			bad("SVG animation %s=%q", key, a.Val)
		case local == "style" && xssUnsafeCSS(a.Val):
			bad("attribute style=%q", a.Val)
		}
	}
	return out
}

// xssScriptURL reports whether a URL, as a browser reads it (the parser has already decoded entities; tabs and
// newlines anywhere, and leading or trailing spaces and control characters, are dropped), runs script.
func xssScriptURL(v string) bool {
	v = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, v)
	v = strings.ToLower(strings.TrimFunc(v, func(r rune) bool { return r <= ' ' }))
	for _, scheme := range []string{"javascript:", "vbscript:", "livescript:", "mocha:", "data:text/html"} {
		if strings.HasPrefix(v, scheme) {
			return true
		}
	}
	return false
}

var xssCSSComment = regexp.MustCompile(`/\*.*?\*/`)

// xssUnsafeCSS reports whether a style runs script in some browser: IE's expression() and behavior, Firefox's
// -moz-binding, and script URLs. Comments, spaces, quotes and escapes are dropped first, as they are what hides them.
func xssUnsafeCSS(css string) bool {
	css = strings.ToLower(xssCSSComment.ReplaceAllString(css, ""))
	css = strings.Map(func(r rune) rune {
		if r <= ' ' || r == '\\' || r == '"' || r == '\'' {
			return -1
		}
		return r
	}, css)
	for _, s := range []string{"expression(", "url(javascript:", "url(vbscript:", "-moz-binding", "behavior:"} {
		if strings.Contains(css, s) {
			return true
		}
	}
	return false
}

// xssFeedPayloads parses a feed and returns what feed readers render as HTML (RSS description and content:encoded,
// Atom text of type html or xhtml), each with the item it belongs to; problems are script in the feed's own XML and
// script URLs in its links.
func xssFeedPayloads(body string) (payloads []xssPayload, problems []xssPayload, err error) {
	var root xssXMLNode
	if err := xml.Unmarshal([]byte(body), &root); err != nil {
		return nil, nil, fmt.Errorf("parse the feed: %w", err)
	}
	const atomNS, contentNS = "http://www.w3.org/2005/Atom", "http://purl.org/rss/1.0/modules/content/"
	var walk func(n *xssXMLNode, item string)
	walk = func(n *xssXMLNode, item string) {
		local := strings.ToLower(n.XMLName.Local)
		if local == "item" || local == "entry" {
			item = n.itemID()
		}
		if local == "script" {
			problems = append(problems, xssPayload{fmt.Sprintf("element <%s> in the feed's XML", n.XMLName.Local), item, ""})
		}
		for _, a := range n.Attrs {
			if strings.HasPrefix(strings.ToLower(a.Name.Local), "on") || (a.Name.Local == "href" && xssScriptURL(a.Value)) {
				problems = append(problems, xssPayload{fmt.Sprintf("attribute %s=%q in the feed's XML", a.Name.Local, a.Value), item, ""})
			}
		}
		if (local == "link" || local == "uri" || local == "comments") && len(n.Children) == 0 && xssScriptURL(n.Text) {
			problems = append(problems, xssPayload{fmt.Sprintf("<%s>%s</%s> in the feed (feed readers may link to it)", local, n.Text, local), item, ""})
		}
		switch {
		case n.XMLName.Space == atomNS && (local == "title" || local == "subtitle" || local == "summary" || local == "content" || local == "rights"):
			switch n.attr("type") {
			case "html":
				payloads = append(payloads, xssPayload{"<" + local + " type=html>", item, n.Text})
			case "xhtml":
				payloads = append(payloads, xssPayload{"<" + local + " type=xhtml>", item, n.Inner})
			}
		case n.XMLName.Space == "" && local == "description":
			payloads = append(payloads, xssPayload{"<description>", item, n.Text})
		case n.XMLName.Space == contentNS && local == "encoded":
			payloads = append(payloads, xssPayload{"<content:encoded>", item, n.Text})
		}
		for i := range n.Children {
			walk(&n.Children[i], item)
		}
	}
	walk(&root, "")
	return payloads, problems, nil
}

type xssPayload struct {
	where string // the element, such as "<content:encoded>", or the problem
	item  string // the item's guid or id
	html  string
}

// xssXMLNode is any element of a feed.
type xssXMLNode struct {
	XMLName  xml.Name
	Attrs    []xml.Attr   `xml:",any,attr"`
	Text     string       `xml:",chardata"`
	Inner    string       `xml:",innerxml"`
	Children []xssXMLNode `xml:",any"`
}

func (n *xssXMLNode) attr(name string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// itemID is an RSS item's guid or an Atom entry's id.
func (n *xssXMLNode) itemID() string {
	for _, c := range n.Children {
		if c.XMLName.Local == "guid" || c.XMLName.Local == "id" {
			return strings.TrimSpace(c.Text)
		}
	}
	return ""
}

// ---- The site with every vector in every field ----

// xssPlace is where a vector was put: which vector, in what field.
type xssPlace struct {
	vector int
	field  string
}

// xssPerDiscussion is how many vectors' comments share a post: a post's comment feed holds 100 items at most.
const xssPerDiscussion = 100

// xssPerBatch is how many posts share a batch category, whose feeds carry them all in one request.
const xssPerBatch = 50

// xssSite is a site with one post per vector, the vector in its title, body, excerpt, category and tag, and comments
// carrying it in their name, body and website. Comments sit on discussion posts of their own, xssPerDiscussion
// vectors to a post, so that a few pages and feeds show them all; names and bodies, websites, and comments stored
// as an import would store them are on different posts, so that a feed one kind breaks does not hide the others.
type xssSite struct {
	*site
	vectors  []xssVector
	sample   map[int]bool // the vectors also tried where a page only repeats a context checked elsewhere
	admin    *reader
	posts    []blog.Post // posts[i] carries vectors[i]
	byPost   map[int64]int
	byPath   map[string]int
	comments map[int64]xssPlace
	terms    map[int64]xssPlace
	batches  []blog.Term // categories shared by xssPerBatch posts
	named    []blog.Post // discussion posts for names and bodies sent through the form
	sites    []blog.Post // discussion posts for websites sent through the form
	imported []blog.Post // discussion posts for comments stored as they are

	mu       sync.Mutex
	problems []string
	checked  map[string]int // responses checked, by kind of page
	notes    map[string]int // what the site refused or changed, by kind
}

// xssPage is a page to fetch and check.
type xssPage struct {
	kind   string
	path   string
	rd     *reader    // nil: a reader who is not signed in
	form   url.Values // POST when set
	vector int        // the vector the page shows, unless the element sits in a comment, post or term of another; -1 for none
	fields string     // what carries the vector on the page, for the report
}

func (x *xssSite) note(kind string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.notes[kind]++
}

// TestXSSCorpus puts every public XSS vector in every field a reader or an author fills (post title, body, excerpt,
// category, tag; comment name, body and website), shows every page and feed that displays them, public and admin,
// and fails on anything there that could run script.
func TestXSSCorpus(t *testing.T) {
	vectors, lines := xssVectors(t)
	began := time.Now()
	x := newXSSSite(t, vectors, xssSample(vectors))
	x.plant(t)
	x.unreachable(x.checkPages(x.heldPages(t)))
	x.approveAll(t)
	if failed := x.checkPages(x.publicPages(t)); len(failed) > 0 {
		// A feed that fails to build hides what its other items would show: name the comments that break
		// feeds, take them out, check those feeds again, and put them back.
		breakers := x.feedBreakers(t, failed)
		x.setStatus(t, breakers, blog.CommentTrash)
		x.unreachable(x.checkPages(failed))
		x.setStatus(t, breakers, blog.CommentApproved)
	}
	x.unreachable(x.checkPages(x.adminPages(t)))
	x.report(t, lines, time.Since(began))
}

// newXSSSite starts a site for vectors, signed in as an administrator; sample are the vectors tried on every page,
// the others being left out of pages that show nothing the rest do not.
func newXSSSite(t *testing.T, vectors, sample []xssVector) *xssSite {
	t.Helper()
	s, _ := newCommentSite(t, map[string]string{"posts_per_page": "100", "feed_items": "100", "comments_per_page": "0"})
	x := &xssSite{site: s, vectors: vectors, sample: map[int]bool{}, byPost: map[int64]int{}, byPath: map[string]int{},
		comments: map[int64]xssPlace{}, terms: map[int64]xssPlace{}, checked: map[string]int{}, notes: map[string]int{}}
	for i, v := range vectors {
		x.sample[i] = slices.Contains(sample, v)
	}
	s.addUser(t, "mod@example.com", "Moderator", blog.RoleAdmin, xssPassword)
	x.admin = s.reader(t, "203.0.113.250")
	x.admin.signIn(t, "mod@example.com", xssPassword)
	return x
}

// xssClip cuts s to n runes, for fields with a limit; the site refuses longer text, which tests nothing.
func xssClip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// plant writes every vector into the site through the paths people use: categories through the store's rules
// (the admin screen for the sample), posts through post.Writer (the admin editor for the sample), comments through
// the public form, and one comment per vector straight into the store, as an import would, which tests the
// templates without the form's validation.
func (x *xssSite) plant(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	for k := 0; k*xssPerBatch < len(x.vectors); k++ {
		batch := blog.Term{Taxonomy: blog.Category, Name: fmt.Sprintf("Batch %d", k+1)}
		if err := x.store.CreateTerm(ctx, &batch); err != nil {
			t.Fatal(err)
		}
		x.batches = append(x.batches, batch)
	}
	token := csrf(t, x.admin.get(t, "/admin/categories/"))
	for i, v := range x.vectors {
		cat := x.addCategory(t, token, i)
		d := post.Draft{
			Title:       xssClip(v.text, blog.MaxTitleLen),
			Body:        fmt.Sprintf("Intro %d.\n\n%s\n\n<!--more-->\n\n%s", i, v.text, v.text),
			Excerpt:     xssClip(v.text, blog.MaxExcerptLen),
			Date:        start.Add(-time.Duration(i+1) * 2 * time.Hour),
			CategoryIDs: []int64{cat, x.batches[i/xssPerBatch].ID},
			Tags:        []string{xssClip(v.text, blog.MaxTermNameLen)},
		}
		if utf8.RuneCountInString(v.text) > blog.MaxTitleLen {
			x.note("title: vector cut to 300 characters")
		}
		p, err := x.writer.Create(ctx, d)
		if err != nil {
			x.note("tag: refused as is, planted after a prefix")
			d.Tags = []string{xssClip(fmt.Sprintf("t%d %s", i, v.text), blog.MaxTermNameLen)}
			if p, err = x.writer.Create(ctx, d); err != nil {
				t.Fatalf("vector %s: create post: %v", v.from, err)
			}
		}
		x.byPost[p.ID] = i
		x.byPath[x.path(t, p)] = i
		x.edit(t, i, p)
		if p, err = x.store.Post(ctx, p.ID); err != nil {
			t.Fatal(err)
		}
		x.posts = append(x.posts, p)
		for _, tag := range p.Tags {
			if _, known := x.terms[tag.ID]; !known {
				x.terms[tag.ID] = xssPlace{i, "tag name"}
			}
		}
	}

	ann, err := x.store.UserByEmail(ctx, "ann@example.com")
	if err != nil {
		t.Fatal(err)
	}
	for k := 0; k*xssPerDiscussion < len(x.vectors); k++ {
		date := start.Add(-72 * time.Hour)
		x.named = append(x.named, x.add(t, post.Draft{Title: fmt.Sprintf("Names and comments, %d", k+1), Body: "Discuss.", Date: date}))
		x.sites = append(x.sites, x.add(t, post.Draft{Title: fmt.Sprintf("Websites, %d", k+1), Body: "Discuss.", Date: date}))
		// The imported comments sit on a post imported from WordPress as the importer stores it, its body in
		// WordPress's format (HTML with automatic paragraphs and shortcodes) carrying this batch of vectors.
		var body []string
		for _, v := range x.vectors[k*xssPerDiscussion : min(len(x.vectors), (k+1)*xssPerDiscussion)] {
			body = append(body, v.text)
		}
		p := blog.Post{Type: blog.TypePost, Title: fmt.Sprintf("Imported comments, %d", k+1), Slug: fmt.Sprintf("imported-comments-%d", k+1),
			Status: blog.StatusPublish, Published: date, Updated: date, AuthorID: ann.ID, CommentsOpen: true,
			Body: strings.Join(body, "\n\n"), Format: blog.FormatWordPress}
		doc := markup.RenderBody(p.Format, p.Body)
		p.HTML, p.Summary = string(doc.HTML), string(doc.Summary)
		if err := x.store.CreatePost(ctx, &p, blog.PostTerms{}, false); err != nil {
			t.Fatal(err)
		}
		x.imported = append(x.imported, p)
	}
	for i := range x.vectors {
		x.comment(t, i)
	}
}

// addCategory makes a category named after vector i. A category name may not hold a slash, and needs a letter or
// digit and a slug of its own, so what the site refuses is tried again without slashes, then after a prefix. The
// sample goes through the admin screen, whose answers are checked too.
func (x *xssSite) addCategory(t *testing.T, token string, i int) int64 {
	t.Helper()
	v := x.vectors[i].text
	names := []string{v, strings.ReplaceAll(v, "/", ""), fmt.Sprintf("c%d %s", i, strings.ReplaceAll(v, "/", ""))}
	how := []string{"as is", "without its slashes", "without its slashes, after a prefix"}
	for k, name := range names {
		name = xssClip(name, blog.MaxTermNameLen)
		term := blog.Term{Taxonomy: blog.Category, Name: name}
		var err error
		if x.sample[i] {
			r := x.admin.post(t, "/admin/categories/", url.Values{"csrf": {token}, "name": {name}})
			x.inspect("admin: add a category (sample)", "POST /admin/categories/", i, "category name", r.header.Get("Content-Type"), r.body)
			if r.status != http.StatusSeeOther {
				continue
			}
			next := x.admin.get(t, r.header.Get("Location"))
			x.inspect("admin: add a category (sample)", r.header.Get("Location"), i, "category name in the notice", next.header.Get("Content-Type"), next.body)
			term = x.category(t, name)
		} else {
			err = x.store.CreateTerm(context.Background(), &term)
		}
		switch code := blog.ErrorCode(err); {
		case err == nil:
			x.terms[term.ID] = xssPlace{i, "category name"}
			x.note("category name: planted " + how[k])
			return term.ID
		case code != blog.EINVALID && code != blog.ECONFLICT:
			t.Fatalf("vector %s: create category: %v", x.vectors[i].from, err)
		}
	}
	t.Fatalf("vector %s: no category could be made of it", x.vectors[i].from)
	return 0
}

// category finds the category the admin screen just added under name.
func (x *xssSite) category(t *testing.T, name string) blog.Term {
	t.Helper()
	terms, _, err := x.store.Terms(context.Background(), blog.Category)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range terms {
		if _, known := x.terms[c.ID]; !known && c.Name == strings.TrimSpace(name) {
			return c
		}
	}
	t.Fatalf("category %q was added but is not in the store", name)
	return blog.Term{}
}

// edit saves post i again with one more line, so that it has a revision to compare: through the admin editor for
// the sample (whose pages are checked), through post.Writer for the others.
func (x *xssSite) edit(t *testing.T, i int, p blog.Post) {
	t.Helper()
	if !x.sample[i] {
		stored, err := x.store.Post(context.Background(), p.ID)
		if err != nil {
			t.Fatal(err)
		}
		d := post.DraftOf(stored, "")
		d.Body += "\n\nEdited."
		if _, err := x.writer.Update(context.Background(), p.ID, d); err != nil {
			t.Fatalf("vector %s: update post: %v", x.vectors[i].from, err)
		}
		return
	}
	const fields = "post title, body, excerpt, category, tag in the editor"
	r := x.admin.editPost(t, p.ID, map[string]string{}, "preview")
	x.inspect("admin: post editor (sample)", fmt.Sprintf("POST /admin/posts/%d/edit/ (preview)", p.ID), i, fields, r.header.Get("Content-Type"), r.body)
	r = x.admin.editPost(t, p.ID, map[string]string{"body": p.Body + "\n\nEdited."}, "save")
	x.inspect("admin: post editor (sample)", fmt.Sprintf("POST /admin/posts/%d/edit/ (save)", p.ID), i, fields, r.header.Get("Content-Type"), r.body)
	if r.status != http.StatusSeeOther {
		// The editor shows tags comma-separated, so a vector with a comma comes back as several tags, some of
		// which may be refused; the page that says so has been checked.
		x.note("editor: save refused (the editor splits tags at commas)")
		return
	}
	next := x.admin.get(t, r.header.Get("Location"))
	x.inspect("admin: post editor (sample)", r.header.Get("Location"), i, fields+"; post title in the notice", next.header.Get("Content-Type"), next.body)
}

// comment sends vector i through the public comment form as the name and text of one reader and the website of
// another (which is refused unless it is an http address, and then sent again inside one), and stores one comment
// with it in every field, as an import would. Every comment is held: a first comment waits for moderation. The
// sample is also previewed, and its commenter sees their held comment and edits it.
func (x *xssSite) comment(t *testing.T, i int) {
	t.Helper()
	v, k := x.vectors[i].text, i/xssPerDiscussion
	ip := func(n int) string { return fmt.Sprintf("10.%d.%d.%d", n, i/250, i%250+1) }
	email := func(k string) string { return fmt.Sprintf("%s%d@example.org", k, i) }
	name := xssClip(v, blog.MaxCommentNameLen)
	// send fills in the comment form as a browser would: every field the page's form has (its token, its hidden
	// ones), then the reader's, a while later.
	send := func(rd *reader, to blog.Post, fields map[string]string) response {
		page := rd.get(t, x.path(t, to))
		forms := find(page.doc, "form#commentform")
		if len(forms) != 1 {
			t.Fatalf("no comment form on %s (status %d)", x.path(t, to), page.status)
		}
		form := formFields(forms[0])
		for k, v := range fields {
			form.Set(k, v)
		}
		x.advance()
		return rd.post(t, "/comments/", form)
	}

	rd := x.reader(t, ip(1))
	if x.sample[i] {
		r := send(rd, x.named[k], map[string]string{"author": name, "email": email("name"), "url": v, "comment": v, "preview": "1"})
		x.inspect("comment: preview (sample)", "POST /comments/ (preview)", i, "comment name, website, body (previewed)", r.header.Get("Content-Type"), r.body)
	}
	r := send(rd, x.named[k], map[string]string{"author": name, "email": email("name"), "comment": v})
	x.inspect("comment: sent", "POST /comments/", i, "comment name and body", r.header.Get("Content-Type"), r.body)
	if id, ok := xssCommentID(r); ok {
		x.comments[id] = xssPlace{i, "comment name and body"}
		if x.sample[i] {
			for _, path := range []string{fmt.Sprintf("/comments/%d/", id), x.path(t, x.named[k]), fmt.Sprintf("/comments/%d/edit/", id)} {
				page := rd.get(t, path)
				x.inspect("comment: the commenter's own pages (sample)", path, i, "comment name and body", page.header.Get("Content-Type"), page.body)
			}
		}
	} else if errs := slices.Concat(texts(find(r.doc, ".form-error")), texts(find(r.doc, ".field-error"))); r.status == http.StatusUnprocessableEntity &&
		slices.ContainsFunc(errs, func(e string) bool { return strings.Contains(e, "characters that are not text") }) {
		// Control characters are refused at the door; the refusal page itself was inspected above, and the
		// vector still reaches the pages through the imported comment.
		x.note("comment name and body: refused for control characters")
	} else {
		x.fail(fmt.Sprintf("the comment form refused vector %s as a name and comment (%d %q), so they are not checked",
			x.vectors[i].from, r.status, errs))
	}

	accepted := false
	for try, site := range []string{v, "https://example.com/?" + v, "https://example.com/#" + v} {
		r := send(x.reader(t, ip(2+try)), x.sites[k], map[string]string{"author": fmt.Sprintf("Reader %d", i), "email": email(fmt.Sprintf("site%d-", try)),
			"url": xssClip(site, blog.MaxCommentURLLen), "comment": fmt.Sprintf("My website, take %d.", try)})
		x.inspect("comment: sent", "POST /comments/", i, "comment website", r.header.Get("Content-Type"), r.body)
		if id, ok := xssCommentID(r); ok {
			x.comments[id] = xssPlace{i, "comment website"}
			x.note([]string{"comment website: accepted as is", "comment website: accepted after https://example.com/?", "comment website: accepted after https://example.com/#"}[try])
			accepted = true
			break
		}
	}
	if !accepted {
		x.fail(fmt.Sprintf("the comment form refused vector %s as a website, even after https://example.com/, so it is not checked", x.vectors[i].from))
	}

	c := blog.Comment{PostID: x.imported[k].ID, AuthorName: name, AuthorEmail: email("stored"), AuthorURL: xssClip(v, blog.MaxCommentURLLen),
		AuthorIP: "192.0.2.1", Body: v, Format: blog.FormatWordPress, Status: blog.CommentPending, Created: x.clock.Now()}
	c.HTML = string(markup.RenderCommentBody(c.Format, c.Body))
	if err := x.store.CreateComment(context.Background(), &c); err != nil {
		t.Fatalf("vector %s: store the comment as is: %v", x.vectors[i].from, err)
	}
	x.comments[c.ID] = xssPlace{i, "comment name, website and body (WordPress format), stored as imported"}
}

// xssCommentID reads a new comment's ID from the redirect that accepts it.
func xssCommentID(r response) (int64, bool) {
	if r.status != http.StatusSeeOther {
		return 0, false
	}
	rest, ok := strings.CutPrefix(r.header.Get("Location"), "/comments/")
	id, err := strconv.ParseInt(strings.TrimSuffix(rest, "/"), 10, 64)
	return id, ok && err == nil
}

// heldPages are the admin pages that show comments waiting for moderation: moderators read raw spam.
func (x *xssSite) heldPages(t *testing.T) []xssPage {
	t.Helper()
	counts, err := x.store.CommentCounts(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	pages := []xssPage{{kind: "admin: dashboard", path: "/admin/", rd: x.admin, vector: -1}}
	for n := 1; n <= xssPageCount(counts[blog.CommentPending], 20); n++ {
		pages = append(pages, xssPage{kind: "admin: comment queue, pending", path: fmt.Sprintf("/admin/comments/?status=pending&page=%d", n), rd: x.admin, vector: -1})
	}
	return pages
}

// approveAll approves every planted comment, so that the public pages and feeds show them.
func (x *xssSite) approveAll(t *testing.T) {
	t.Helper()
	ids := make([]int64, 0, len(x.comments))
	for id := range x.comments {
		ids = append(ids, id)
	}
	x.setStatus(t, ids, blog.CommentApproved)
}

func (x *xssSite) setStatus(t *testing.T, ids []int64, st blog.CommentStatus) {
	t.Helper()
	if len(ids) == 0 {
		return
	}
	if err := x.store.SetCommentStatus(context.Background(), ids, st); err != nil {
		t.Fatal(err)
	}
}

// feedBreakers finds the comments whose website the feed writer refuses, which makes every feed that carries one
// fail as a whole (a 500 for the site's comment feeds and the post's), and fails the test for each; failed are the
// pages that did not answer.
func (x *xssSite) feedBreakers(t *testing.T, failed []xssPage) []int64 {
	t.Helper()
	var feeds []string
	for _, p := range failed {
		if strings.Contains(p.path, "/feed/") {
			feeds = append(feeds, p.path)
		}
	}
	if len(feeds) == 0 {
		return nil
	}
	var ids []int64
	examples := map[string][]string{} // by field
	for id, place := range x.comments {
		c, err := x.store.Comment(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		one := feed.Feed{Title: "t", Link: "https://example.com/", Self: "https://example.com/feed/", Items: []feed.Item{
			{ID: "https://example.com/c/1", Link: "https://example.com/c/1", Title: "t", AuthorURI: c.AuthorURL}}}
		if err := feed.WriteAtom(io.Discard, one); errors.Is(err, feed.ErrInvalid) {
			ids = append(ids, id)
			examples[place.field] = append(examples[place.field], fmt.Sprintf("comment %d, website %q (vector %s)", id, c.AuthorURL, x.vectors[place.vector].from))
		} else if err != nil {
			t.Fatal(err)
		}
	}
	slices.Sort(feeds)
	var b strings.Builder
	fmt.Fprintf(&b, "%d comments make every feed that carries them fail to build (500: the feed writer refuses an author URI that is not an absolute IRI, "+
		"and with it the whole feed); these feeds answered 500 until they were taken out: %s", len(ids), strings.Join(feeds, ", "))
	fields := slices.Sorted(maps.Keys(examples))
	for _, f := range fields {
		slices.Sort(examples[f])
		fmt.Fprintf(&b, "\n\t%d with the vector as %s, such as:", len(examples[f]), f)
		for _, e := range examples[f][:min(3, len(examples[f]))] {
			b.WriteString("\n\t\t" + e)
		}
	}
	x.fail(b.String())
	return ids
}

// xssPostFields are the fields of a post page that carry its vector.
const xssPostFields = "post title, body, excerpt, category, tag"

// publicPages are every page and feed a reader sees the vectors on: posts, archives of every kind and the feeds.
func (x *xssSite) publicPages(t *testing.T) []xssPage {
	t.Helper()
	var pages []xssPage
	add := func(kind, path string, vector int, fields string) {
		pages = append(pages, xssPage{kind: kind, path: path, vector: vector, fields: fields})
	}
	all := len(x.posts) + len(x.named) + len(x.sites) + len(x.imported)
	for page := 1; page <= xssPageCount(all, 100); page++ {
		add("home, author and date archives", xssPagePath("/", page), -1, "")
		add("home, author and date archives", xssPagePath("/author/ann-writer/", page), -1, "")
		add("home, author and date archives", xssPagePath("/2024/", page), -1, "")
	}
	dates := map[string]int{}
	for _, p := range x.posts {
		dates[p.Published.Format("/2006/01/02/")]++
		dates[p.Published.Format("/2006/01/")]++
	}
	for d, count := range dates {
		for page := 1; page <= xssPageCount(count, 100); page++ {
			add("home, author and date archives", xssPagePath(d, page), -1, "")
		}
	}
	for _, path := range []string{"/feed/", "/feed/atom/", "/comments/feed/", "/comments/feed/atom/", "/author/ann-writer/feed/", "/author/ann-writer/feed/atom/"} {
		add("feeds: site, comments, author", path, -1, "")
	}
	for _, b := range x.batches {
		add("feeds: batch categories (every post)", "/category/"+b.Path+"/feed/", -1, "")
		add("feeds: batch categories (every post)", "/category/"+b.Path+"/feed/atom/", -1, "")
	}
	for i, p := range x.posts {
		add("post", x.path(t, p), i, xssPostFields)
		for _, term := range p.Categories {
			if term.ID != x.batches[i/xssPerBatch].ID {
				add("category archive", "/category/"+term.Path+"/", i, "category name; "+xssPostFields)
			}
		}
		for _, term := range p.Tags {
			add("tag archive", "/tag/"+term.Slug+"/", x.terms[term.ID].vector, "tag name; "+xssPostFields)
		}
		if x.sample[i] {
			add("feeds: post comments (sample)", x.path(t, p)+"feed/", i, "post title")
		}
	}
	for k, p := range slices.Concat(x.named, x.sites, x.imported) {
		path, fields := x.path(t, p), ""
		if k >= len(x.named)+len(x.sites) {
			k -= len(x.named) + len(x.sites)
			fields = fmt.Sprintf("the body of a post imported from WordPress, vectors %d to %d", k*xssPerDiscussion+1, min(len(x.vectors), (k+1)*xssPerDiscussion))
		}
		add("post with comments", path, -1, fields)
		add("feeds: post comments", path+"feed/", -1, "")
		add("feeds: post comments", path+"feed/atom/", -1, "")
	}
	return pages
}

// adminPages are every admin page that shows the vectors, with every comment approved, and for the sample the
// admin pages that show what is in their URL.
func (x *xssSite) adminPages(t *testing.T) []xssPage {
	t.Helper()
	var pages []xssPage
	add := func(kind, path string, vector int, fields string) {
		pages = append(pages, xssPage{kind: kind, path: path, rd: x.admin, vector: vector, fields: fields})
	}
	add("admin: dashboard", "/admin/", -1, "")
	add("admin: category and tag lists", "/admin/categories/", -1, "")
	add("admin: category and tag lists", "/admin/tags/", -1, "")
	for n := 1; n <= xssPageCount(len(x.comments), 20); n++ {
		add("admin: comment queue, all", fmt.Sprintf("/admin/comments/?status=all&page=%d", n), -1, "")
	}
	for n := 1; n <= xssPageCount(len(x.posts)+len(x.named)+len(x.sites)+len(x.imported), 20); n++ {
		add("admin: post list", fmt.Sprintf("/admin/posts/?page=%d", n), -1, "")
	}
	for id, place := range x.comments {
		if strings.HasSuffix(place.field, "stored as imported") || x.sample[place.vector] {
			add("admin: comment editor", fmt.Sprintf("/admin/comments/%d/edit/", id), place.vector, place.field)
		}
	}
	for i, p := range x.posts {
		add("admin: post editor", fmt.Sprintf("/admin/posts/%d/edit/", p.ID), i, xssPostFields)
		add("admin: post revisions", fmt.Sprintf("/admin/posts/%d/revisions/", p.ID), i, xssPostFields)
	}
	for id, place := range x.terms {
		if !x.sample[place.vector] {
			continue
		}
		term, err := x.store.Term(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		add("admin: category and tag editors (sample)", fmt.Sprintf("/admin/%s/%d/edit/", map[blog.Taxonomy]string{blog.Category: "categories", blog.Tag: "tags"}[term.Taxonomy], id),
			place.vector, place.field)
	}
	token := csrf(t, x.admin.get(t, "/admin/posts/new/"))
	for i, v := range x.vectors {
		if !x.sample[i] {
			continue
		}
		q := url.QueryEscape(v.text)
		add("admin: notice and searches from the URL (sample)", "/admin/?done="+q, i, "the notice in the URL")
		add("admin: notice and searches from the URL (sample)", "/admin/comments/?q="+q, i, "the comment search in the URL")
		add("admin: notice and searches from the URL (sample)", "/admin/posts/?q="+q, i, "the post search in the URL")
		pages = append(pages,
			xssPage{kind: "admin: editor live preview (sample)", path: "/admin/posts/preview/", rd: x.admin, vector: i, fields: "post title and body",
				form: url.Values{"csrf": {token}, "title": {v.text}, "body": {v.text}}},
			xssPage{kind: "comment: live preview (sample)", path: "/comments/preview/", vector: i, fields: "comment body",
				form: url.Values{"comment": {v.text}}})
	}
	return pages
}

func xssPageCount(n, per int) int { return max(1, (n+per-1)/per) }

func xssPagePath(base string, page int) string {
	if page == 1 {
		return base
	}
	return fmt.Sprintf("%spage/%d/", base, page)
}

// checkPages fetches and checks pages, a few at a time, and returns those that did not answer 200.
func (x *xssSite) checkPages(pages []xssPage) (failed []xssPage) {
	work := make(chan xssPage)
	var wg sync.WaitGroup
	var mu sync.Mutex
	for range 8 {
		wg.Go(func() {
			for p := range work {
				if !x.checkPage(p) {
					mu.Lock()
					failed = append(failed, p)
					mu.Unlock()
				}
			}
		})
	}
	for _, p := range pages {
		work <- p
	}
	close(work)
	wg.Wait()
	return failed
}

// unreachable fails the test for pages that did not answer 200, which are therefore not checked.
func (x *xssSite) unreachable(pages []xssPage) {
	for _, p := range pages {
		method := "GET"
		if p.form != nil {
			method = "POST"
		}
		x.fail(fmt.Sprintf("%s %s did not answer 200, so it is not checked", method, p.path))
	}
}

// checkPage fetches one page and checks it; it reports whether the page answered 200 (errors other than a status
// are problems of their own).
func (x *xssSite) checkPage(p xssPage) bool {
	client, ip := x.client, "198.51.100.200"
	if p.rd != nil {
		client, ip = p.rd.client, p.rd.ip
	}
	method, body := "GET", io.Reader(nil)
	if p.form != nil {
		method, body = "POST", strings.NewReader(p.form.Encode())
	}
	req, err := http.NewRequest(method, x.srv.URL+p.path, body)
	if err != nil {
		x.fail(fmt.Sprintf("%s %s: %v", method, p.path, err))
		return true
	}
	req.Header.Set("X-Forwarded-For", ip)
	if p.form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := client.Do(req)
	if err != nil {
		x.fail(fmt.Sprintf("%s %s: %v", method, p.path, err))
		return true
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		x.fail(fmt.Sprintf("%s %s: %v", method, p.path, err))
		return true
	}
	if res.StatusCode != http.StatusOK {
		return false
	}
	x.inspect(p.kind, strings.TrimPrefix(method+" ", "GET ")+p.path, p.vector, p.fields, res.Header.Get("Content-Type"), string(b))
	return true
}

func (x *xssSite) fail(msg string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.problems = append(x.problems, msg)
}

// inspect checks one response: HTML is parsed as a browser would; a feed is parsed as XML and each HTML payload
// checked as a feed reader would render it.
func (x *xssSite) inspect(kind, page string, vector int, fields, contentType, body string) {
	x.mu.Lock()
	x.checked[kind]++
	x.mu.Unlock()
	switch {
	case strings.Contains(contentType, "xml"):
		payloads, problems, err := xssFeedPayloads(body)
		if err != nil {
			x.fail(fmt.Sprintf("%s: %v", page, err))
			return
		}
		for _, p := range problems {
			x.fail(fmt.Sprintf("%s: %s, item %s\n\t%s", page, p.where, p.item, x.describe(vector, fields, p.item)))
		}
		for _, pl := range payloads {
			doc, err := html.Parse(strings.NewReader(pl.html))
			if err != nil {
				x.fail(fmt.Sprintf("%s: parse %s of item %s: %v", page, pl.where, pl.item, err))
				continue
			}
			for _, p := range xssUnsafe(doc) {
				x.fail(fmt.Sprintf("%s: %s in the %s of item %s (feed readers render it)\n\t%s\n\tat: %s", page, p.what, pl.where, pl.item,
					x.describe(vector, fields, pl.item), xssExcerpt(p.node)))
			}
		}
	case strings.HasPrefix(contentType, "text/html"):
		doc, err := html.Parse(strings.NewReader(body))
		if err != nil {
			x.fail(fmt.Sprintf("%s: parse HTML: %v", page, err))
			return
		}
		for _, p := range xssUnsafe(doc) {
			x.fail(fmt.Sprintf("%s: %s\n\t%s\n\tat: %s", page, p.what, x.describeNode(vector, fields, p.node), xssExcerpt(p.node)))
		}
	case body != "":
		x.fail(fmt.Sprintf("%s: unexpected Content-Type %q", page, contentType))
	}
}

// describe names the vector and field behind a problem: the page's own, or, on a page that shows many, the one its
// item (a feed item's guid or id: /?p=N for a post, /comments/N/ for a comment) belongs to.
func (x *xssSite) describe(vector int, fields, item string) string {
	if u, err := url.Parse(item); vector < 0 && item != "" && err == nil {
		if id, err := strconv.ParseInt(u.Query().Get("p"), 10, 64); err == nil {
			if i, ok := x.byPost[id]; ok {
				vector, fields = i, "post title, body, excerpt, category, tag"
			}
		} else if id, err := strconv.ParseInt(strings.Trim(strings.TrimPrefix(u.Path, "/comments/"), "/"), 10, 64); err == nil {
			if place, ok := x.comments[id]; ok {
				vector, fields = place.vector, place.field
			}
		}
	}
	if vector < 0 && fields != "" {
		return "vector: one of those in " + fields + " (see the element)"
	}
	if vector < 0 {
		return "vector: one of those shown on the page (see the element)"
	}
	v := x.vectors[vector]
	return fmt.Sprintf("vector %s %q\n\tfield: %s", v.from, v.text, fields)
}

// describeNode is describe for an element of an HTML page: the comment, post or term it sits in says whose it is;
// elsewhere it is the page's own vector.
func (x *xssSite) describeNode(vector int, fields string, n *html.Node) string {
	number := func(id, prefix string) (int64, bool) {
		rest, ok := strings.CutPrefix(id, prefix)
		v, err := strconv.ParseInt(rest, 10, 64)
		return v, ok && err == nil
	}
	for a := n; a != nil; a = a.Parent {
		if a.Type != html.ElementNode {
			continue
		}
		id := attr(a, "id")
		for _, prefix := range []string{"comment-", "queue-", "reply-"} {
			if c, ok := number(id, prefix); ok {
				if place, ok := x.comments[c]; ok {
					return x.describe(place.vector, place.field, "")
				}
			}
		}
		if c, ok := number(id, "post-"); ok {
			if i, ok := x.byPost[c]; ok {
				return x.describe(i, "post title, category, tag (admin list)", "")
			}
		}
		if c, ok := number(id, "term-"); ok {
			if place, ok := x.terms[c]; ok {
				return x.describe(place.vector, place.field, "")
			}
		}
		if a.Data == "article" && vector < 0 {
			for _, link := range find(a, "a") {
				if i, ok := x.byPath[attr(link, "href")]; ok {
					return x.describe(i, "post title, body (summary), category, tag (archive)", "")
				}
			}
		}
	}
	return x.describe(vector, fields, "")
}

// xssExcerpt is the problem element as HTML, cut short.
func xssExcerpt(n *html.Node) string {
	var b strings.Builder
	if err := html.Render(&b, n); err != nil {
		return err.Error()
	}
	return xssClip(b.String(), 300)
}

// report fails the test with every problem found (the first 50 in full) and logs what was covered.
func (x *xssSite) report(t *testing.T, lines int, took time.Duration) {
	t.Helper()
	responses := 0
	kinds := make([]string, 0, len(x.checked))
	for k, n := range x.checked {
		responses += n
		kinds = append(kinds, fmt.Sprintf("%s: %d", k, n))
	}
	slices.Sort(kinds)
	notes := make([]string, 0, len(x.notes))
	for k, n := range x.notes {
		notes = append(notes, fmt.Sprintf("%s: %d", k, n))
	}
	slices.Sort(notes)
	sample := 0
	for _, in := range x.sample {
		if in {
			sample++
		}
	}
	t.Logf("%d vectors (%d lines; %d in the sample tried on every page); %d posts, %d comments, %d categories and tags; "+
		"%d responses checked in %v:\n\t%s\nwhat the site refused or changed:\n\t%s",
		len(x.vectors), lines, sample, len(x.posts), len(x.comments), len(x.terms), responses, took.Round(time.Millisecond),
		strings.Join(kinds, "\n\t"), strings.Join(notes, "\n\t"))
	for i, p := range x.problems {
		if i == 50 {
			t.Errorf("… and %d more problems", len(x.problems)-50)
			break
		}
		t.Errorf("%s", p)
	}
}
