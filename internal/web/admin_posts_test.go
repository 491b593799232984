package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"golang.org/x/net/html"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/post"
	"github.com/salon-blog/salon/internal/web"
)

const postsPassword = "correct horse"

// postsSite is a site whose readers each have their own address, with one user of every role besides the
// administrator (ann, who cannot sign in) and the editor (bob) that every site has.
type postsSite struct {
	*site
	editor, author, author2, contributor blog.User
	browsers                             int
}

func newPostsSite(t *testing.T, settings map[string]string) *postsSite {
	t.Helper()
	proxies, err := web.ParseProxies("127.0.0.1,::1")
	if err != nil {
		t.Fatal(err)
	}
	s := &postsSite{site: newSite(t, settings, proxies)}
	s.editor = s.addUser(t, "editor@example.com", "Eve Editor", blog.RoleEditor, postsPassword)
	s.author = s.addUser(t, "author@example.com", "Ari Author", blog.RoleAuthor, postsPassword)
	s.author2 = s.addUser(t, "author2@example.com", "Oli Author", blog.RoleAuthor, postsPassword)
	s.contributor = s.addUser(t, "contrib@example.com", "Cy Contributor", blog.RoleContributor, postsPassword)
	return s
}

// as signs a new browser in as u.
func (s *postsSite) as(t *testing.T, u blog.User) *reader {
	t.Helper()
	s.browsers++
	rd := s.reader(t, fmt.Sprintf("198.51.100.%d", 10+s.browsers))
	rd.signIn(t, u.Email, postsPassword)
	return rd
}

// storedPost reads a post straight from the store.
func (s *postsSite) storedPost(t *testing.T, id int64) blog.Post {
	t.Helper()
	p, err := s.store.Post(context.Background(), id)
	if err != nil {
		t.Fatalf("Post(%d): %v", id, err)
	}
	return p
}

// editorForm reads the editor's form as a browser would submit it, without a button.
func editorForm(t *testing.T, r response) url.Values {
	t.Helper()
	forms := find(r.doc, "form#editor")
	if len(forms) != 1 {
		t.Fatalf("no editor form on the page (status %d):\n%s", r.status, r.body)
	}
	return formFields(forms[0])
}

func formFields(form *html.Node) url.Values {
	v := url.Values{}
	for _, n := range find(form, "input") {
		name := attr(n, "name")
		switch attr(n, "type") {
		case "checkbox", "radio":
			if postsHasAttr(n, "checked") {
				v.Add(name, attr(n, "value"))
			}
		case "submit", "button":
		default:
			v.Add(name, attr(n, "value"))
		}
	}
	for _, n := range find(form, "textarea") {
		val := ""
		if n.FirstChild != nil {
			val = n.FirstChild.Data
		}
		v.Add(attr(n, "name"), val)
	}
	for _, n := range find(form, "select") {
		opts := find(n, "option")
		for i, o := range opts {
			if postsHasAttr(o, "selected") || (i == len(opts)-1 && v.Get(attr(n, "name")) == "") {
				v.Set(attr(n, "name"), attr(o, "value"))
				break
			}
		}
		if len(opts) > 0 && v.Get(attr(n, "name")) == "" {
			v.Set(attr(n, "name"), attr(opts[0], "value"))
		}
	}
	return v
}

func postsHasAttr(n *html.Node, name string) bool {
	for _, a := range n.Attr {
		if a.Key == name {
			return true
		}
	}
	return false
}

// fieldError is the message shown beside a field of the editor.
func editorError(r response, name string) string {
	if es := find(r.doc, "#"+name+"-error"); len(es) > 0 {
		return text(es[0])
	}
	return ""
}

// idFromLocation reads the post ID from a redirect to its editor.
func idFromLocation(t *testing.T, r response) int64 {
	t.Helper()
	loc := r.header.Get("Location")
	rest, ok := strings.CutPrefix(loc, "/admin/posts/")
	id, err := strconv.ParseInt(strings.SplitN(rest, "/", 2)[0], 10, 64)
	if r.status != http.StatusSeeOther || !ok || err != nil {
		t.Fatalf("want a redirect to a post's editor; got %d %q\n%s", r.status, loc, r.body)
	}
	return id
}

// write opens the editor for a new post as rd, fills it and presses the button.
func (rd *reader) writePost(t *testing.T, fields map[string]string, action string) response {
	t.Helper()
	page := rd.get(t, "/admin/posts/new/")
	form := editorForm(t, page)
	for k, v := range fields {
		form.Set(k, v)
	}
	form.Set("action", action)
	return rd.post(t, "/admin/posts/new/", form)
}

// edit opens a post's editor as rd, changes fields and presses the button.
func (rd *reader) editPost(t *testing.T, id int64, fields map[string]string, action string) response {
	t.Helper()
	page := rd.get(t, fmt.Sprintf("/admin/posts/%d/edit/", id))
	if page.status != http.StatusOK {
		t.Fatalf("open the editor of post %d = %d", id, page.status)
	}
	form := editorForm(t, page)
	for k, v := range fields {
		form.Set(k, v)
	}
	form.Set("action", action)
	return rd.post(t, fmt.Sprintf("/admin/posts/%d/edit/", id), form)
}

func TestEditorWritesAndUpdates(t *testing.T) {
	s := newPostsSite(t, map[string]string{"timezone": "Europe/Paris"})
	ari := s.as(t, s.author)
	page := ari.get(t, "/admin/posts/new/")
	if page.status != http.StatusOK || len(find(page.doc, "textarea#body")) != 1 {
		t.Fatalf("new post editor = %d", page.status)
	}
	if got := texts(find(page.doc, ".editor-actions button")); strings.Join(got, "|") != "Save draft|Publish|Preview" {
		t.Errorf("an author's buttons = %q", got)
	}
	if scripts := find(page.doc, "script"); len(scripts) != 1 || !strings.Contains(attr(scripts[0], "src"), "/static/admin-editor.") {
		t.Error("the editor does not load its script")
	}
	r := ari.writePost(t, map[string]string{"title": "Hello, editor", "body": "First *words*.\n\nSecond paragraph.", "tags": "go, writing",
		"new_category": "News/World", "excerpt": "A short one.", "comments_open": "1"}, "publish")
	id := idFromLocation(t, r)
	if !strings.Contains(r.header.Get("Location"), "done=") {
		t.Errorf("no notice after saving: %q", r.header.Get("Location"))
	}
	p := s.storedPost(t, id)
	if p.Status != blog.StatusPublish || p.AuthorID != s.author.ID || p.Slug != "hello-editor" || len(p.Tags) != 2 || len(p.Categories) != 1 ||
		p.Categories[0].Path != "news/world" || p.Excerpt != "A short one." || !p.CommentsOpen || !p.Published.Equal(start) {
		t.Fatalf("published post = %+v", p)
	}
	public := s.get(t, s.path(t, p))
	if public.status != http.StatusOK || !strings.Contains(public.body, "<em>words</em>") {
		t.Fatalf("public page = %d", public.status)
	}

	// The editor shows the post as saved; an update keeps what was not changed.
	edit := ari.get(t, fmt.Sprintf("/admin/posts/%d/edit/", id))
	form := editorForm(t, edit)
	if form.Get("title") != "Hello, editor" || form.Get("body") != p.Body || form.Get("tags") != "go, writing" || len(form["category"]) != 1 ||
		form.Get("date") != "2024-06-10T14:00" || form.Get("status") != "publish" || form.Get("base") != strconv.FormatInt(p.Revision, 10) {
		t.Errorf("editor form = %v", form)
	}
	if got := text(find(edit.doc, "#word-count")[0]); got != "4" {
		t.Errorf("word count = %q; want 4", got)
	}
	if got := attr(find(edit.doc, "#view-link")[0], "href"); got != s.path(t, p) {
		t.Errorf("view link = %q", got)
	}
	if got := texts(find(edit.doc, ".editor-actions button")); strings.Join(got, "|") != "Update|Preview" {
		t.Errorf("a published post's buttons = %q", got)
	}
	s.clock.advance(time.Hour)
	r = ari.editPost(t, id, map[string]string{"title": "Hello again"}, "save")
	if idFromLocation(t, r) != id {
		t.Fatal("update went elsewhere")
	}
	up := s.storedPost(t, id)
	if up.Title != "Hello again" || up.Slug != "hello-editor" || !up.Published.Equal(start) || len(up.Tags) != 2 || len(up.Categories) != 1 || up.Revision == p.Revision {
		t.Errorf("updated post = %+v", up)
	}

	// A page has no categories, tags or sticky flag.
	pg := ari.get(t, "/admin/posts/new/?type=page")
	if len(find(pg.doc, "#tags")) != 0 || len(find(pg.doc, "#new_category")) != 0 || attr(find(pg.doc, "input[name=type]")[0], "value") != "page" {
		t.Error("the page editor shows post fields")
	}
	r = ari.writePost(t, map[string]string{"title": "About", "body": "Me.", "type": "page"}, "publish")
	if p := s.storedPost(t, idFromLocation(t, r)); p.Type != blog.TypePage || s.get(t, "/about/").status != http.StatusOK {
		t.Errorf("page = %+v", p)
	}
}

func TestEditorKeepsInputOnErrors(t *testing.T) {
	s := newPostsSite(t, nil)
	eve := s.as(t, s.editor)
	typed := map[string]string{"title": "Café <b>&</b> “quotes”", "body": "\nLine one\r\n  indented\n\n", "slug": "Not A Slug!",
		"excerpt": "Kept excerpt", "tags": "a, b", "new_category": "Good/ /Bad", "date": "tomorrow-ish"}
	r := eve.writePost(t, typed, "publish")
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("invalid post = %d; want 422", r.status)
	}
	if got := editorError(r, "date"); !strings.Contains(got, "not a date") {
		t.Errorf("date error = %q", got)
	}
	// The date is checked first; fix it and the next errors show beside their fields.
	form := editorForm(t, r)
	for k, v := range typed {
		want := strings.ReplaceAll(v, "\r\n", "\n")
		if k == "slug" {
			want = strings.TrimSpace(want)
		}
		if form.Get(k) != want {
			t.Errorf("field %s = %q; want %q as typed", k, form.Get(k), want)
		}
	}
	form.Set("date", "")
	form.Set("action", "publish")
	r = eve.post(t, "/admin/posts/new/", form)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(editorError(r, "slug"), "not a valid slug") ||
		!strings.Contains(editorError(r, "categories"), "empty") || len(find(r.doc, "p.form-error")) == 0 {
		t.Fatalf("second try = %d, slug error %q, categories error %q", r.status, editorError(r, "slug"), editorError(r, "categories"))
	}
	again := editorForm(t, r)
	for k := range typed {
		if k != "date" && again.Get(k) != form.Get(k) {
			t.Errorf("field %s = %q after the second refusal; want %q", k, again.Get(k), form.Get(k))
		}
	}
	if posts, _, _ := s.store.Posts(context.Background(), blog.PostFilter{}); len(posts) != 0 {
		t.Errorf("a refused post was stored: %d posts", len(posts))
	}
	// A title is needed to publish, not to save a draft.
	r = eve.writePost(t, map[string]string{"title": "", "body": "Body first."}, "publish")
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(editorError(r, "title"), "title is required") {
		t.Errorf("untitled publish = %d %q", r.status, editorError(r, "title"))
	}
	r = eve.writePost(t, map[string]string{"title": "", "body": "Body first."}, "draft")
	if p := s.storedPost(t, idFromLocation(t, r)); p.Status != blog.StatusDraft || p.Title != "" {
		t.Errorf("untitled draft = %+v", p)
	}
	list := eve.get(t, "/admin/posts/")
	if got := texts(find(list.doc, ".row-title")); len(got) != 1 || got[0] != "(no title)" {
		t.Errorf("list titles = %q", got)
	}
}

func TestPostRoles(t *testing.T) {
	s := newPostsSite(t, nil)
	theirs := s.add(t, post.Draft{Title: "Oli's post", Body: "x", AuthorEmail: s.author2.Email, Date: start.Add(-time.Hour)})
	ctx := context.Background()

	// A contributor writes drafts and submits them for review; publishing is refused, even with a forged form.
	cy := s.as(t, s.contributor)
	page := cy.get(t, "/admin/posts/new/")
	if got := texts(find(page.doc, ".editor-actions button")); strings.Join(got, "|") != "Save draft|Submit for review|Preview" {
		t.Errorf("a contributor's buttons = %q", got)
	}
	if got := texts(find(page.doc, "select#status option")); strings.Join(got, "|") != "Draft|Pending review" {
		t.Errorf("a contributor's statuses = %q", got)
	}
	for _, forged := range []map[string]string{{"action": "publish"}, {"action": "save", "status": "publish"}, {"action": "save", "status": "private"},
		{"action": "save", "status": "future", "date": "2030-01-01T10:00"}} {
		form := editorForm(t, page)
		form.Set("title", "Forged")
		for k, v := range forged {
			form.Set(k, v)
		}
		if r := cy.post(t, "/admin/posts/new/", form); r.status != http.StatusForbidden {
			t.Errorf("contributor posting %v = %d; want 403", forged, r.status)
		}
	}
	r := cy.writePost(t, map[string]string{"title": "Cy's draft", "body": "Please review."}, "pending")
	own := idFromLocation(t, r)
	if p := s.storedPost(t, own); p.Status != blog.StatusPending || p.AuthorID != s.contributor.ID {
		t.Fatalf("submitted for review: %+v", p)
	}
	if r := cy.editPost(t, own, map[string]string{"action": "publish"}, "publish"); r.status != http.StatusForbidden {
		t.Errorf("contributor publishing their pending post = %d; want 403", r.status)
	}
	if r := cy.get(t, fmt.Sprintf("/admin/posts/%d/edit/", theirs.ID)); r.status != http.StatusForbidden {
		t.Errorf("contributor opening another's post = %d; want 403", r.status)
	}
	list := cy.get(t, "/admin/posts/")
	token := csrf(t, list)
	if got := texts(find(list.doc, ".row-title")); len(got) != 1 || got[0] != "Cy's draft" {
		t.Errorf("a contributor's list = %q; want their own draft only", got)
	}
	if got := texts(find(list.doc, "#bulk-action option")); strings.Contains(strings.Join(got, "|"), "Publish") {
		t.Errorf("a contributor is offered %q", got)
	}
	if r := cy.get(t, "/admin/posts/?status=publish"); len(find(r.doc, ".row-title")) != 0 {
		t.Error("a contributor sees published posts")
	}
	for _, action := range []string{"publish", "trash"} {
		if r := cy.post(t, "/admin/posts/", url.Values{"csrf": {token}, "action": {action}, "id": {strconv.FormatInt(theirs.ID, 10)}}); r.status != http.StatusForbidden {
			t.Errorf("contributor bulk %s on another's post = %d; want 403", action, r.status)
		}
	}
	if r := cy.post(t, "/admin/posts/", url.Values{"csrf": {token}, "action": {"publish"}, "id": {strconv.FormatInt(own, 10)}}); r.status != http.StatusForbidden {
		t.Errorf("contributor bulk-publishing their own = %d; want 403", r.status)
	}
	if p := s.storedPost(t, own); p.Status != blog.StatusPending {
		t.Errorf("after refusals the contributor's post is %s", p.Status)
	}

	// An author publishes and trashes their own posts only.
	ari := s.as(t, s.author)
	r = ari.writePost(t, map[string]string{"title": "Ari's", "body": "x"}, "publish")
	mine := idFromLocation(t, r)
	list = ari.get(t, "/admin/posts/")
	token = csrf(t, list)
	if got := texts(find(list.doc, ".row-title")); len(got) != 1 || got[0] != "Ari's" {
		t.Errorf("an author's list = %q", got)
	}
	if r := ari.get(t, fmt.Sprintf("/admin/posts/%d/edit/", theirs.ID)); r.status != http.StatusForbidden {
		t.Errorf("author opening another's post = %d; want 403", r.status)
	}
	form := editorForm(t, ari.get(t, fmt.Sprintf("/admin/posts/%d/edit/", mine)))
	form.Set("title", "Stolen")
	form.Set("action", "save")
	if r := ari.post(t, fmt.Sprintf("/admin/posts/%d/edit/", theirs.ID), form); r.status != http.StatusForbidden {
		t.Errorf("author saving over another's post = %d; want 403", r.status)
	}
	for _, action := range []string{"trash", "draft", "publish"} {
		if r := ari.post(t, "/admin/posts/", url.Values{"csrf": {token}, "action": {action}, "id": {strconv.FormatInt(theirs.ID, 10)}}); r.status != http.StatusForbidden {
			t.Errorf("author bulk %s on another's post = %d; want 403", action, r.status)
		}
	}
	if r := ari.post(t, "/admin/posts/", url.Values{"csrf": {token}, "action": {"trash"}, "id": {strconv.FormatInt(mine, 10)}}); r.status != http.StatusSeeOther {
		t.Errorf("author trashing their own = %d", r.status)
	}
	if r := ari.post(t, fmt.Sprintf("/admin/posts/%d/autosave/", theirs.ID), url.Values{"csrf": {token}, "title": {"x"}, "body": {"y"}}); r.status != http.StatusForbidden {
		t.Errorf("author autosaving another's post = %d; want 403", r.status)
	}
	if r := ari.get(t, fmt.Sprintf("/admin/posts/%d/revisions/", theirs.ID)); r.status != http.StatusForbidden {
		t.Errorf("author reading another's revisions = %d; want 403", r.status)
	}
	if got := s.storedPost(t, theirs.ID); got.Title != "Oli's post" || got.InTrash() || got.Status != blog.StatusPublish {
		t.Errorf("another's post after the author's attempts: %+v", got)
	}

	// An editor changes everything: publishes the contributor's post, edits another author's.
	eve := s.as(t, s.editor)
	list = eve.get(t, "/admin/posts/")
	if got := len(find(list.doc, ".row-title")); got != 2 {
		t.Errorf("the editor's list has %d posts; want 2 (the trashed one is in the trash)", got)
	}
	r = eve.post(t, "/admin/posts/", url.Values{"csrf": {csrf(t, list)}, "action": {"publish"}, "id": {strconv.FormatInt(own, 10)}, "return": {"/admin/posts/?status=pending"}})
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/admin/posts/?") {
		t.Fatalf("editor publishing = %d %q", r.status, r.header.Get("Location"))
	}
	if p := s.storedPost(t, own); p.Status != blog.StatusPublish || !p.IsPublic(s.clock.Now()) {
		t.Errorf("the contributor's post after the editor published it: %s", p.Status)
	}
	if r := eve.editPost(t, theirs.ID, map[string]string{"body": "Edited by Eve."}, "save"); r.status != http.StatusSeeOther {
		t.Errorf("editor editing an author's post = %d", r.status)
	}
	if p, _ := s.store.Post(ctx, theirs.ID); p.AuthorID != s.author2.ID || p.Body != "Edited by Eve." {
		t.Errorf("after the editor's edit: author %d body %q", p.AuthorID, p.Body)
	}
	// Now published, the contributor's post is out of their reach.
	if r := cy.get(t, fmt.Sprintf("/admin/posts/%d/edit/", own)); r.status != http.StatusForbidden {
		t.Errorf("contributor opening their published post = %d; want 403", r.status)
	}
}

func TestPostFormsNeedTheToken(t *testing.T) {
	s := newPostsSite(t, nil)
	p := s.add(t, post.Draft{Title: "Target", Body: "Original.", Date: start.Add(-time.Hour)})
	eve := s.as(t, s.editor)
	id := strconv.FormatInt(p.ID, 10)
	fields := url.Values{"title": {"Forged"}, "body": {"Forged."}, "status": {"draft"}, "action": {"save"}, "id": {id}, "rev": {strconv.FormatInt(p.Revision, 10)}}
	for _, path := range []string{"/admin/posts/", "/admin/posts/new/", "/admin/posts/new/autosave/", "/admin/posts/preview/",
		"/admin/posts/" + id + "/edit/", "/admin/posts/" + id + "/autosave/", "/admin/posts/" + id + "/revisions/"} {
		for _, token := range []string{"", "forged-token"} {
			form := url.Values{}
			for k, v := range fields {
				form[k] = v
			}
			if token != "" {
				form.Set("csrf", token)
			}
			if r := eve.post(t, path, form); r.status != http.StatusForbidden {
				t.Errorf("POST %s with token %q = %d; want 403", path, token, r.status)
			}
		}
		// Signed out, too.
		if r := s.reader(t, "198.51.100.99").post(t, path, fields); r.status != http.StatusForbidden {
			t.Errorf("signed-out POST %s = %d; want 403", path, r.status)
		}
	}
	if got := s.storedPost(t, p.ID); got.Title != "Target" || got.Status != blog.StatusPublish {
		t.Errorf("after forged requests: %+v", got)
	}
	if posts, _, _ := s.store.Posts(context.Background(), blog.PostFilter{}); len(posts) != 1 {
		t.Errorf("forged requests created posts: %d", len(posts))
	}
	if _, err := s.store.Autosave(context.Background(), p.ID, s.editor.ID); blog.ErrorCode(err) != blog.ENOTFOUND {
		t.Errorf("a forged autosave was kept: %v", err)
	}
}

func TestPostListFiltersSortsAndPages(t *testing.T) {
	s := newPostsSite(t, map[string]string{"timezone": "America/New_York"})
	ctx := context.Background()
	// 23 posts by Ari in May and June (site time), 2 by Oli, a draft, a pending post and a page.
	for i := range 23 {
		d := post.Draft{Title: fmt.Sprintf("Post %02d", i), Body: "x", AuthorEmail: s.author.Email, Date: start.Add(-time.Duration(i) * 48 * time.Hour)}
		if i%2 == 0 {
			d.Categories = []string{"Travel/Europe"}
		}
		if i%3 == 0 {
			d.Tags = []string{"Photos"}
		}
		s.add(t, d)
	}
	s.add(t, post.Draft{Title: "Zebra crossing", Body: "x", AuthorEmail: s.author2.Email, Date: start.Add(-time.Hour), Categories: []string{"Travel"}})
	s.add(t, post.Draft{Title: "aardvark notes", Body: "x", AuthorEmail: s.author2.Email, Date: start.Add(-2 * time.Hour)})
	s.add(t, post.Draft{Title: "Unfinished", Body: "x", Status: blog.StatusDraft})
	s.add(t, post.Draft{Title: "For review", Body: "x", Status: blog.StatusPending, AuthorEmail: s.contributor.Email})
	s.add(t, post.Draft{Title: "About", Body: "x", Type: blog.TypePage})
	europe, err := s.store.TermBySlug(ctx, blog.Category, "europe")
	if err != nil {
		t.Fatal(err)
	}
	travel, err := s.store.TermBySlug(ctx, blog.Category, "travel")
	if err != nil {
		t.Fatal(err)
	}

	eve := s.as(t, s.editor)
	titles := func(path string) []string {
		t.Helper()
		r := eve.get(t, path)
		if r.status != http.StatusOK {
			t.Fatalf("GET %s = %d", path, r.status)
		}
		return texts(find(r.doc, ".row-title"))
	}
	first := eve.get(t, "/admin/posts/")
	if got := texts(find(first.doc, "nav.tabs a")); strings.Join(got, "|") != "All (27)|Published (25)|Scheduled (0)|Draft (1)|Pending (1)|Private (0)|Trash (0)" {
		t.Errorf("tabs = %q", got)
	}
	if rows := find(first.doc, "tbody tr"); len(rows) != 20 {
		t.Errorf("first page has %d rows; want 20", len(rows))
	}
	if got := texts(find(first.doc, "nav.pager a")); strings.Join(got, "|") != "2|Next →" {
		t.Errorf("pager = %q", got)
	}
	row := text(find(first.doc, "tbody tr")[0])
	for _, want := range []string{"For review", "Cy Contributor", "Pending", "Last modified", "June 10, 2024 at 8:00 am"} {
		if !strings.Contains(row, want) {
			t.Errorf("first row %q lacks %q", row, want)
		}
	}
	if got := titles("/admin/posts/?page=2"); len(got) != 7 {
		t.Errorf("page 2 = %d rows; want 7", len(got))
	}
	if got := titles("/admin/posts/?type=page"); strings.Join(got, "|") != "About" {
		t.Errorf("pages list = %q", got)
	}
	tests := []struct {
		query string
		want  []string // the first titles, in order
		count int
	}{
		{"status=draft", []string{"Unfinished"}, 1},
		{"status=pending", []string{"For review"}, 1},
		{"author=" + strconv.FormatInt(s.author2.ID, 10), []string{"Zebra crossing", "aardvark notes"}, 2},
		{"category=" + strconv.FormatInt(europe.ID, 10), []string{"Post 00", "Post 02"}, 12},
		{"category=" + strconv.FormatInt(travel.ID, 10), []string{"Post 00", "Zebra crossing", "Post 02"}, 13}, // with its subcategories
		{"tag=photos", []string{"Post 00", "Post 03"}, 8},
		{"month=2024-05", []string{"Post 05", "Post 06"}, 16}, // May 31 back to May 1, 8 am (site time)
		{"q=ZEBRA", []string{"Zebra crossing"}, 1},
		{"orderby=title&order=asc", []string{"aardvark notes", "For review", "Post 00"}, 20},
		{"orderby=title&order=desc", []string{"Zebra crossing", "Unfinished", "Post 22"}, 20},
		{"orderby=date&order=asc", []string{"Post 22", "Post 21"}, 20},
		{"tag=nothing-like-it", nil, 0},
		{"status=publish&q=post 1&orderby=title&order=asc", []string{"Post 10", "Post 11"}, 10},
	}
	for _, tt := range tests {
		got := titles("/admin/posts/?" + strings.ReplaceAll(tt.query, " ", "+"))
		if len(got) != tt.count || (len(tt.want) > 0 && strings.Join(got[:len(tt.want)], "|") != strings.Join(tt.want, "|")) {
			t.Errorf("?%s = %d rows %q; want %d starting %q", tt.query, len(got), got, tt.count, tt.want)
		}
	}
	if r := eve.get(t, "/admin/posts/?tag=nothing-like-it"); !strings.Contains(r.body, "There is no tag") {
		t.Error("an unknown tag is not explained")
	}
	// The sort links keep the filters.
	r := eve.get(t, "/admin/posts/?tag=photos")
	if href := attr(find(r.doc, "th.title a")[0], "href"); !strings.Contains(href, "tag=photos") || !strings.Contains(href, "orderby=title") {
		t.Errorf("title sort link = %q", href)
	}

	// Bulk: trash three, which leave the site; restore one; delete one for good.
	all, _, _ := s.store.Posts(ctx, blog.PostFilter{Search: "Post 0"})
	ids := []string{strconv.FormatInt(all[0].ID, 10), strconv.FormatInt(all[1].ID, 10), strconv.FormatInt(all[2].ID, 10)}
	r = eve.post(t, "/admin/posts/", url.Values{"csrf": {csrf(t, first)}, "action": {"trash"}, "id": ids, "return": {"/admin/posts/?q=Post"}})
	if r.status != http.StatusSeeOther || !strings.Contains(r.header.Get("Location"), "q=Post") {
		t.Fatalf("bulk trash = %d %q", r.status, r.header.Get("Location"))
	}
	if done := eve.get(t, r.header.Get("Location")); !strings.Contains(text(find(done.doc, ".notice")[0]), "Moved to the trash: 3 items.") {
		t.Errorf("notice = %q", texts(find(done.doc, ".notice")))
	}
	trash := eve.get(t, "/admin/posts/?status=trash")
	if got := texts(find(trash.doc, ".row-title")); len(got) != 3 {
		t.Errorf("trash = %q", got)
	}
	if got := texts(find(trash.doc, "#bulk-action option")); strings.Join(got, "|") != "Restore|Delete permanently" {
		t.Errorf("trash bulk actions = %q", got)
	}
	if got := titles("/admin/posts/?status=publish"); len(got) != 20 {
		t.Errorf("published tab after trashing = %d", len(got))
	}
	if r := s.get(t, s.path(t, all[0])); r.status != http.StatusNotFound {
		t.Errorf("trashed post publicly = %d; want 404", r.status)
	}
	eve.post(t, "/admin/posts/", url.Values{"csrf": {csrf(t, trash)}, "action": {"restore"}, "id": {ids[0]}})
	if r := s.get(t, s.path(t, all[0])); r.status != http.StatusOK {
		t.Errorf("restored post publicly = %d; want 200", r.status)
	}
	if r := eve.post(t, "/admin/posts/", url.Values{"csrf": {csrf(t, trash)}, "action": {"delete"}, "id": {ids[0]}}); !strings.Contains(r.header.Get("Location"), "Not+changed") {
		t.Errorf("deleting a post out of the trash: %q", r.header.Get("Location"))
	}
	eve.post(t, "/admin/posts/", url.Values{"csrf": {csrf(t, trash)}, "action": {"delete"}, "id": {ids[1]}})
	if _, err := s.store.Post(ctx, all[1].ID); blog.ErrorCode(err) != blog.ENOTFOUND {
		t.Errorf("deleted post: %v", err)
	}
	if got := texts(find(eve.get(t, "/admin/posts/?status=trash").doc, ".row-title")); len(got) != 1 {
		t.Errorf("trash after restore and delete = %q", got)
	}
	if r := eve.post(t, "/admin/posts/", url.Values{"csrf": {csrf(t, trash)}, "action": {"explode"}, "id": {ids[2]}}); r.status != http.StatusBadRequest {
		t.Errorf("unknown bulk action = %d; want 400", r.status)
	}
}

func TestTrashedPostLeavesThePublicSite(t *testing.T) {
	s := newPostsSite(t, nil)
	p := s.add(t, post.Draft{Title: "Soon gone", Body: "x", Categories: []string{"News"}, Tags: []string{"temp"}, Date: start.Add(-time.Hour)})
	paths := []string{s.path(t, p), "/category/news/", "/tag/temp/", "/2024/06/10/", "/author/ann-writer/"}
	for _, path := range paths {
		if r := s.get(t, path); r.status != http.StatusOK || !strings.Contains(r.body, "Soon gone") {
			t.Fatalf("GET %s before trashing = %d", path, r.status)
		}
	}
	eve := s.as(t, s.editor)
	token := csrf(t, eve.get(t, "/admin/posts/"))
	eve.post(t, "/admin/posts/", url.Values{"csrf": {token}, "action": {"trash"}, "id": {strconv.FormatInt(p.ID, 10)}})
	for _, path := range append(paths, "/", "/feed/", "/feed/atom/", "/?p="+strconv.FormatInt(p.ID, 10)) {
		r := s.get(t, path)
		if r.status == http.StatusOK && strings.Contains(r.body, "Soon gone") {
			t.Errorf("GET %s shows the trashed post", path)
		}
	}
	if r := s.get(t, s.path(t, p)); r.status != http.StatusNotFound {
		t.Errorf("trashed permalink = %d; want 404", r.status)
	}
	if r := eve.get(t, fmt.Sprintf("/admin/posts/%d/edit/", p.ID)); !strings.Contains(r.body, "in the trash") {
		t.Error("the editor of a trashed post does not say so")
	}
	if r := eve.editPost(t, p.ID, map[string]string{"title": "Edited in the trash"}, "save"); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "restore it") {
		t.Errorf("saving a trashed post = %d", r.status)
	}
	eve.post(t, "/admin/posts/", url.Values{"csrf": {token}, "action": {"restore"}, "id": {strconv.FormatInt(p.ID, 10)}})
	for _, path := range paths {
		if r := s.get(t, path); r.status != http.StatusOK || !strings.Contains(r.body, "Soon gone") {
			t.Errorf("GET %s after restoring = %d", path, r.status)
		}
	}
}

func TestScheduledPostGoesLiveOnTime(t *testing.T) {
	s := newPostsSite(t, map[string]string{"timezone": "Europe/Paris"})
	ari := s.as(t, s.author)
	// 14:00 in Paris is noon UTC, the clock's time: two hours ahead.
	page := ari.get(t, "/admin/posts/new/")
	r := ari.writePost(t, map[string]string{"title": "Later", "body": "On time.", "date": "2024-06-10T16:00"}, "publish")
	id := idFromLocation(t, r)
	if !strings.Contains(r.header.Get("Location"), "scheduled") {
		t.Errorf("notice = %q", r.header.Get("Location"))
	}
	_ = page
	p := s.storedPost(t, id)
	if p.Status != blog.StatusFuture || !p.Published.Equal(start.Add(2*time.Hour)) {
		t.Fatalf("scheduled post: %s %v", p.Status, p.Published)
	}
	edit := ari.get(t, fmt.Sprintf("/admin/posts/%d/edit/", id))
	if got := editorForm(t, edit).Get("date"); got != "2024-06-10T16:00" {
		t.Errorf("the editor shows the date %q", got)
	}
	list := ari.get(t, "/admin/posts/?status=future")
	if got := texts(find(list.doc, "td.date")); len(got) != 1 || !strings.Contains(got[0], "Scheduled") {
		t.Errorf("scheduled row = %q", got)
	}
	path := s.path(t, p)
	if r := s.get(t, path); r.status != http.StatusNotFound {
		t.Errorf("before its time = %d; want 404", r.status)
	}
	s.clock.advance(2*time.Hour - time.Second)
	if r := s.get(t, path); r.status != http.StatusNotFound {
		t.Errorf("a second before its time = %d; want 404", r.status)
	}
	s.clock.advance(time.Second)
	if r := s.get(t, path); r.status != http.StatusOK {
		t.Errorf("at its time = %d; want 200", r.status)
	}
	if r := s.get(t, "/"); !strings.Contains(r.body, "Later") {
		t.Error("the home page does not list it once live")
	}
	list = ari.get(t, "/admin/posts/")
	if got := texts(find(list.doc, "td.status")); len(got) != 1 || got[0] != "Published" {
		t.Errorf("once live, the list shows it as %q", got)
	}
}

// autosave posts what the editor's script would, as a beacon does: the form's fields, urlencoded.
func (rd *reader) autosavePost(t *testing.T, path string, form url.Values) (response, map[string]any) {
	t.Helper()
	r := rd.post(t, path, form)
	var reply map[string]any
	if r.status == http.StatusOK {
		if err := json.Unmarshal([]byte(r.body), &reply); err != nil {
			t.Fatalf("autosave reply %q: %v", r.body, err)
		}
	}
	return r, reply
}

func TestEditorAutosave(t *testing.T) {
	s := newPostsSite(t, nil)
	ari := s.as(t, s.author)
	r := ari.writePost(t, map[string]string{"title": "Live post", "body": "The public text."}, "publish")
	id := idFromLocation(t, r)
	p := s.storedPost(t, id)
	// The post as readers see it; the page around it carries a comment form stamped with the time it was shown.
	publicText := func() string {
		t.Helper()
		articles := find(s.get(t, s.path(t, p)).doc, "article")
		if len(articles) == 0 {
			t.Fatal("the public page has no article")
		}
		return text(articles[0])
	}
	publicBefore := publicText()
	if !strings.Contains(publicBefore, "The public text.") {
		t.Fatalf("the public post reads %q", publicBefore)
	}

	// An autosave of a published post leaves the public post alone.
	form := editorForm(t, ari.get(t, fmt.Sprintf("/admin/posts/%d/edit/", id)))
	form.Set("body", "The public text, with half a new sentence")
	s.clock.advance(time.Minute)
	res, reply := ari.autosavePost(t, fmt.Sprintf("/admin/posts/%d/autosave/", id), form)
	if res.status != http.StatusOK || reply["saved"] != true || !strings.HasPrefix(res.header.Get("Content-Type"), "application/json") {
		t.Fatalf("autosave = %d %v", res.status, reply)
	}
	if got := publicText(); got != publicBefore {
		t.Error("an autosave changed the public post")
	}
	if now := s.storedPost(t, id); now.Body != "The public text." || now.Revision != p.Revision || !now.Updated.Equal(p.Updated) {
		t.Errorf("an autosave changed the stored post: %+v", now)
	}

	// Opening the editor again offers the autosave; restoring it fills the form without saving.
	edit := ari.get(t, fmt.Sprintf("/admin/posts/%d/edit/", id))
	notice := find(edit.doc, ".autosave-notice button")
	if len(notice) != 1 || !strings.Contains(text(notice[0]), "Restore the autosaved version from June 10, 2024 at 12:01 pm") {
		t.Fatalf("autosave notice = %q", texts(find(edit.doc, ".autosave-notice")))
	}
	if got := editorForm(t, edit).Get("body"); got != "The public text." {
		t.Errorf("the editor opens with %q; want the saved text until restored", got)
	}
	restoreForm := find(edit.doc, ".autosave-notice form")[0]
	restoreURL := attr(restoreForm, "action") + "?" + formFields(restoreForm).Encode()
	restored := ari.get(t, restoreURL)
	if got := editorForm(t, restored).Get("body"); got != "The public text, with half a new sentence" {
		t.Errorf("restored editor body = %q", got)
	}
	if s.storedPost(t, id).Body != "The public text." {
		t.Error("restoring an autosave into the editor saved it")
	}
	// Saving drops the autosave.
	r = ari.post(t, fmt.Sprintf("/admin/posts/%d/edit/", id), func() url.Values { f := editorForm(t, restored); f.Set("action", "save"); return f }())
	if r.status != http.StatusSeeOther || s.storedPost(t, id).Body != "The public text, with half a new sentence" {
		t.Fatalf("saving the restored autosave = %d", r.status)
	}
	if edit := ari.get(t, fmt.Sprintf("/admin/posts/%d/edit/", id)); len(find(edit.doc, ".autosave-notice")) != 0 {
		t.Error("the autosave is still offered after saving")
	}

	// A new post's first autosave creates a draft and tells the script where the post now lives.
	newForm := editorForm(t, ari.get(t, "/admin/posts/new/"))
	if res, reply := ari.autosavePost(t, "/admin/posts/new/autosave/", newForm); res.status != http.StatusOK || reply["saved"] != false {
		t.Errorf("an empty new post's autosave = %d %v; want nothing saved", res.status, reply)
	}
	newForm.Set("body", "Typed before any title.")
	res, reply = ari.autosavePost(t, "/admin/posts/new/autosave/", newForm)
	if res.status != http.StatusOK || reply["id"] == nil {
		t.Fatalf("new post autosave = %d %v", res.status, reply)
	}
	newID := int64(reply["id"].(float64))
	if reply["edit"] != fmt.Sprintf("/admin/posts/%d/edit/", newID) || reply["autosave"] != fmt.Sprintf("/admin/posts/%d/autosave/", newID) {
		t.Errorf("new post autosave reply = %v", reply)
	}
	draft := s.storedPost(t, newID)
	if draft.Status != blog.StatusDraft || draft.Body != "Typed before any title." || draft.AuthorID != s.author.ID || draft.Revision != int64(reply["base"].(float64)) {
		t.Errorf("the autosaved draft = %+v", draft)
	}
	// The next autosave goes to that post; then the form, switched to it, saves with the base it was given.
	newForm.Set("title", "Now titled")
	newForm.Set("base", strconv.FormatInt(draft.Revision, 10))
	if res, _ := ari.autosavePost(t, reply["autosave"].(string), newForm); res.status != http.StatusOK {
		t.Errorf("second autosave = %d", res.status)
	}
	newForm.Set("action", "publish")
	if r := ari.post(t, reply["edit"].(string), newForm); r.status != http.StatusSeeOther {
		t.Fatalf("publishing the autosaved draft = %d\n%s", r.status, r.body)
	}
	if p := s.storedPost(t, newID); p.Title != "Now titled" || p.Slug != "now-titled" || p.Status != blog.StatusPublish {
		t.Errorf("published autosaved draft = %+v", p)
	}
	if posts, _, _ := s.store.Posts(context.Background(), blog.PostFilter{AuthorID: s.author.ID}); len(posts) != 2 {
		t.Errorf("autosaves made %d posts; want 2", len(posts))
	}
}

func TestRevisionsDiffAndRestore(t *testing.T) {
	s := newPostsSite(t, nil)
	eve := s.as(t, s.editor)
	r := eve.writePost(t, map[string]string{"title": "Versions", "body": "one\ntwo\nthree"}, "publish")
	id := idFromLocation(t, r)
	s.clock.advance(time.Minute)
	eve.editPost(t, id, map[string]string{"body": "one\n2\nthree\nfour"}, "save")
	s.clock.advance(time.Minute)
	eve.editPost(t, id, map[string]string{"title": "Versions, final", "body": "one\n2\nthree\nfour\nfive"}, "save")

	page := eve.get(t, fmt.Sprintf("/admin/posts/%d/revisions/", id))
	items := find(page.doc, ".revision-list li")
	if len(items) != 3 || !strings.Contains(text(items[0]), "(current)") || !strings.Contains(text(items[2]), "Eve Editor") {
		t.Fatalf("revisions = %q", texts(items))
	}
	// By default: what the last save changed.
	if got := texts(find(page.doc, "pre.diff ins")); strings.Join(got, "|") != "+Versions, final|+five" {
		t.Errorf("default diff insertions = %q", got)
	}
	first := attr(find(items[2], "a")[0], "href")
	cmp := eve.get(t, first)
	if got := texts(find(cmp.doc, "pre.diff del")); strings.Join(got, "|") != "−Versions|−two" {
		t.Errorf("first revision's deletions = %q", got)
	}
	if got := texts(find(cmp.doc, "pre.diff ins")); strings.Join(got, "|") != "+Versions, final|+2|+four|+five" {
		t.Errorf("first revision's insertions = %q", got)
	}
	restore := find(cmp.doc, "form.restore")
	if len(restore) != 1 {
		t.Fatal("no restore button")
	}
	form := formFields(restore[0])
	r = eve.post(t, attr(restore[0], "action"), form)
	if r.status != http.StatusSeeOther || idFromLocation(t, r) != id {
		t.Fatalf("restore = %d", r.status)
	}
	p := s.storedPost(t, id)
	if p.Title != "Versions" || p.Body != "one\ntwo\nthree" || !strings.Contains(p.HTML, "two") {
		t.Errorf("restored post = %q %q", p.Title, p.Body)
	}
	page = eve.get(t, fmt.Sprintf("/admin/posts/%d/revisions/", id))
	if items := find(page.doc, ".revision-list li"); len(items) != 4 {
		t.Errorf("after restoring: %d revisions; want 4 (nothing lost)", len(items))
	}
	// The same form again is outdated now: refused, nothing restored twice.
	if r := eve.post(t, attr(restore[0], "action"), form); !strings.Contains(r.header.Get("Location"), "Nothing+was+restored") {
		t.Errorf("outdated restore = %d %q", r.status, r.header.Get("Location"))
	}
	if r := eve.get(t, fmt.Sprintf("/admin/posts/%d/revisions/?rev=99999", id)); r.status != http.StatusNotFound {
		t.Errorf("unknown revision = %d; want 404", r.status)
	}
}

func TestTwoEditorsSavingTheSamePost(t *testing.T) {
	s := newPostsSite(t, nil)
	p := s.add(t, post.Draft{Title: "Shared", Body: "Original text.", Date: start.Add(-time.Hour)})
	eve := s.as(t, s.editor)
	bob := s.as(t, s.addUser(t, "second@example.com", "Sam Second", blog.RoleEditor, postsPassword))
	path := fmt.Sprintf("/admin/posts/%d/edit/", p.ID)
	evesForm := editorForm(t, eve.get(t, path))
	samsForm := editorForm(t, bob.get(t, path))

	evesForm.Set("body", "Eve's version.")
	evesForm.Set("action", "save")
	if r := eve.post(t, path, evesForm); r.status != http.StatusSeeOther {
		t.Fatalf("Eve's save = %d", r.status)
	}
	s.clock.advance(time.Minute)
	samsForm.Set("body", "Sam's version, typed for an hour.")
	samsForm.Set("title", "Shared, by Sam")
	samsForm.Set("action", "save")
	r := bob.post(t, path, samsForm)
	if r.status != http.StatusConflict {
		t.Fatalf("Sam's save from an outdated form = %d; want 409", r.status)
	}
	alert := text(find(r.doc, ".conflict")[0])
	if !strings.Contains(alert, "Eve Editor saved this post") || !strings.Contains(alert, "exactly as you left it") {
		t.Errorf("conflict message = %q", alert)
	}
	kept := editorForm(t, r)
	if kept.Get("body") != "Sam's version, typed for an hour." || kept.Get("title") != "Shared, by Sam" {
		t.Errorf("Sam's text in the form = %q %q", kept.Get("title"), kept.Get("body"))
	}
	if got := s.storedPost(t, p.ID).Body; got != "Eve's version." {
		t.Errorf("after the refused save the post says %q", got)
	}
	// The diff link compares Sam's text (kept as his autosave) with Eve's.
	diffLink := find(r.doc, ".conflict a")[0]
	diff := bob.get(t, attr(diffLink, "href"))
	if pres := find(diff.doc, "pre.diff"); diff.status != http.StatusOK || len(pres) != 2 ||
		strings.Join(texts(find(pres[1], "del")), "|") != "−Sam's version, typed for an hour." || strings.Join(texts(find(pres[1], "ins")), "|") != "+Eve's version." {
		t.Errorf("conflict diff = %d\n%s", diff.status, diff.body)
	}
	// Saving the form he got back is a deliberate choice, and goes through; Eve's version stays among the revisions.
	kept.Set("action", "save")
	if r := bob.post(t, path, kept); r.status != http.StatusSeeOther {
		t.Fatalf("Sam's second save = %d", r.status)
	}
	if got := s.storedPost(t, p.ID).Body; got != "Sam's version, typed for an hour." {
		t.Errorf("after Sam's second save: %q", got)
	}
	revs, err := s.store.Revisions(context.Background(), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, rev := range revs {
		full, err := s.store.Revision(context.Background(), p.ID, rev.ID)
		found = found || (err == nil && full.Body == "Eve's version.")
	}
	if !found || len(revs) != 3 {
		t.Errorf("Eve's version is not among the %d revisions", len(revs))
	}
}

func TestEditorPreview(t *testing.T) {
	s := newPostsSite(t, nil)
	eve := s.as(t, s.editor)
	page := eve.get(t, "/admin/posts/new/")
	token := csrf(t, page)
	// The script's endpoint renders the public article markup.
	r := eve.post(t, "/admin/posts/preview/", url.Values{"csrf": {token}, "title": {"Pre <view>"}, "body": {"Some **bold**.\n\n<script>alert(1)</script>"}})
	if r.status != http.StatusOK {
		t.Fatalf("preview = %d", r.status)
	}
	if got := find(r.doc, "article.post-full .post-content strong"); len(got) != 1 || strings.Contains(r.body, "<script>") {
		t.Errorf("preview HTML:\n%s", r.body)
	}
	if got := texts(find(r.doc, "article h1.post-title")); len(got) != 1 || got[0] != "Pre <view>" {
		t.Errorf("preview title = %q", got)
	}
	// The same markup as the public page, class for class.
	p := s.add(t, post.Draft{Title: "Same", Body: "Some **bold**.", Date: start.Add(-time.Hour)})
	public := s.get(t, s.path(t, p))
	pub := find(public.doc, "article.post-full")[0]
	prev := find(eve.post(t, "/admin/posts/preview/", url.Values{"csrf": {token}, "title": {"Same"}, "body": {"Some **bold**."}}).doc, "article.post-full")[0]
	if attr(pub, "class") != attr(prev, "class") || text(find(pub, ".post-content")[0]) != text(find(prev, ".post-content")[0]) {
		t.Errorf("preview %q %q differs from the public page %q %q", attr(prev, "class"), text(prev), attr(pub, "class"), text(pub))
	}

	// Without the script, the Preview button shows the editor again with the preview, saving nothing.
	r = eve.writePost(t, map[string]string{"title": "Not yet", "body": "# Heading\n\nText."}, "preview")
	if r.status != http.StatusOK || len(find(r.doc, "section#preview article.post-full .post-content h1")) != 1 {
		t.Errorf("no-script preview = %d\n%s", r.status, r.body)
	}
	if len(find(r.doc, "section#preview")) != 1 || postsHasAttr(find(r.doc, "section#preview")[0], "hidden") {
		t.Error("the preview is hidden")
	}
	if editorForm(t, r).Get("body") != "# Heading\n\nText." {
		t.Error("the preview lost the text")
	}
	if posts, _, _ := s.store.Posts(context.Background(), blog.PostFilter{}); len(posts) != 1 {
		t.Errorf("previewing stored a post: %d posts", len(posts))
	}

	// A saved draft can be viewed as the public page will show it, by those who may edit it.
	r = eve.writePost(t, map[string]string{"title": "Draft to view", "body": "Draft *text*."}, "draft")
	id := idFromLocation(t, r)
	view := eve.get(t, fmt.Sprintf("/admin/posts/%d/view/", id))
	if view.status != http.StatusOK || len(find(view.doc, "article.post-full .post-content em")) != 1 {
		t.Errorf("view of a draft = %d", view.status)
	}
	if r := s.get(t, s.path(t, s.storedPost(t, id))); r.status != http.StatusNotFound {
		t.Errorf("the draft publicly = %d; want 404", r.status)
	}
	if r := s.as(t, s.author).get(t, fmt.Sprintf("/admin/posts/%d/view/", id)); r.status != http.StatusForbidden {
		t.Errorf("another author viewing the draft = %d; want 403", r.status)
	}
}

// TestBrowserEditor: in a real browser, the editor's script autosaves a new post (which becomes a draft whose
// address the page takes), counts words, previews with a key, and saves with Ctrl+S.
func TestBrowserEditor(t *testing.T) {
	s := newPostsSite(t, nil)
	ctx := person(t, true)
	run(t, ctx, "sign in",
		chromedp.Navigate(s.srv.URL+"/admin/posts/new/"),
		chromedp.WaitVisible("#password", chromedp.ByQuery),
		chromedp.SendKeys("#email", s.author.Email, chromedp.ByQuery),
		chromedp.SendKeys("#password", postsPassword, chromedp.ByQuery),
		chromedp.Submit("#password", chromedp.ByQuery),
		chromedp.WaitVisible("textarea#body", chromedp.ByQuery),
	)
	run(t, ctx, "type",
		chromedp.SendKeys("#title", "Typed in a browser", chromedp.ByQuery),
		chromedp.SendKeys("#body", "Some **bold** words here.", chromedp.ByQuery),
	)
	if got := textOf(t, ctx, "#word-count"); got != "4" {
		t.Errorf("live word count = %q; want 4", got)
	}
	run(t, ctx, "wait for the autosave", chromedp.WaitVisible(`//span[@id="autosave-status"][starts-with(., "Autosaved")]`))
	var location string
	run(t, ctx, "read the address", chromedp.Location(&location))
	posts, _, err := s.store.Posts(context.Background(), blog.PostFilter{})
	if err != nil || len(posts) != 1 || posts[0].Status != blog.StatusDraft || posts[0].Body != "Some **bold** words here." {
		t.Fatalf("after the autosave the site has %+v, %v", posts, err)
	}
	if want := fmt.Sprintf("%s/admin/posts/%d/edit/", s.srv.URL, posts[0].ID); location != want {
		t.Errorf("after the first autosave the address is %q; want %q", location, want)
	}

	run(t, ctx, "preview with Ctrl+Shift+P",
		chromedp.KeyEvent("P", chromedp.KeyModifiers(input.ModifierCtrl|input.ModifierShift)),
		chromedp.WaitVisible("#preview article.post-full .post-content strong", chromedp.ByQuery),
	)
	if got := textOf(t, ctx, "#preview .post-title"); got != "Typed in a browser" {
		t.Errorf("preview title = %q", got)
	}
	run(t, ctx, "save with Ctrl+S",
		chromedp.SendKeys("#body", " More.", chromedp.ByQuery),
		chromedp.KeyEvent("s", chromedp.KeyModifiers(input.ModifierCtrl)),
		chromedp.WaitVisible("p.notice", chromedp.ByQuery),
	)
	if got := textOf(t, ctx, "p.notice"); got != "Draft saved." {
		t.Errorf("notice after Ctrl+S = %q", got)
	}
	if p := s.storedPost(t, posts[0].ID); p.Body != "Some **bold** words here. More." || p.Status != blog.StatusDraft {
		t.Errorf("after Ctrl+S: %q %s", p.Body, p.Status)
	}
	if all, _, _ := s.store.Posts(context.Background(), blog.PostFilter{}); len(all) != 1 {
		t.Errorf("the browser made %d posts; want 1", len(all))
	}
}
