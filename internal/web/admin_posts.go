package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/markup"
	"github.com/salon-blog/salon/internal/post"
)

// postAdminStore is what the posts and pages list, the editor, autosave and revisions need from storage.
type postAdminStore interface {
	post.Store
	Users(ctx context.Context) ([]blog.User, error)
	PostCounts(ctx context.Context, f blog.PostFilter) (map[string]int, error)
	Revisions(ctx context.Context, postID int64) ([]blog.Revision, error)
	Autosave(ctx context.Context, postID, userID int64) (blog.Revision, error)
}

// postAdminRoutes registers the posts and pages list, the editor, autosave and revisions. Every route is for
// signed-in users; each handler checks what the user's role allows on the post at hand (see post.MayEdit).
func (s *Server) postAdminRoutes(mux *http.ServeMux) {
	mux.Handle("GET /admin/posts/{$}", s.admin(s.postList))
	mux.Handle("POST /admin/posts/{$}", s.admin(s.postBulk))
	mux.Handle("GET /admin/posts/new/{$}", s.admin(s.newPost))
	mux.Handle("POST /admin/posts/new/{$}", s.admin(s.newPost))
	mux.Handle("POST /admin/posts/new/autosave/{$}", s.admin(s.autosaveNew))
	mux.Handle("POST /admin/posts/preview/{$}", s.admin(s.previewPost))
	mux.Handle("GET /admin/posts/{id}/edit/{$}", s.admin(s.editPost))
	mux.Handle("POST /admin/posts/{id}/edit/{$}", s.admin(s.editPost))
	mux.Handle("POST /admin/posts/{id}/autosave/{$}", s.admin(s.autosave))
	mux.Handle("GET /admin/posts/{id}/revisions/{$}", s.admin(s.revisions))
	mux.Handle("POST /admin/posts/{id}/revisions/{$}", s.admin(s.restoreRevision))
	mux.Handle("GET /admin/posts/{id}/view/{$}", s.admin(s.viewPost))
}

// writer is the writing workflow on the site's clock, in the whole seconds the store keeps.
func (s *Server) writer() *post.Writer {
	return &post.Writer{Store: s.store, Now: func() time.Time { return s.now().UTC().Truncate(time.Second) }}
}

// ---- The list ----

const postsPerPage = 20

// postListPage is the posts (or pages) list: status tabs, filters, a page of rows, bulk actions.
type postListPage struct {
	adminPage
	Type        string // post or page
	Nouns       string // "Posts" or "Pages"
	Status      string // the tab: "" (all), a status, or "trash"
	Tabs        []queueTab
	Search      string
	Author      string
	Authors     []option // empty for roles that see their own posts only
	Category    string
	Categories  []option
	Tag         string
	Month       string
	Sort        string
	Order       string
	SortLinks   map[string]string // column → URL that sorts by it (or reverses it)
	Rows        []postRow
	Total       int
	Pages       []pageLink
	Newer       string
	Older       string
	Return      string
	Trash       bool
	BulkActions []rowAction
	NewURL      string
	FilterError string
}

type option struct {
	Value, Label string
	Selected     bool
}

type postRow struct {
	ID         int64
	Title      string
	EditURL    string
	ViewURL    string
	Author     string
	Categories []string
	Tags       []string
	Status     string // its label
	StatusCode string // for the class: draft, pending, future, publish, private, trash
	DateLabel  string // Published, Scheduled, Last modified
	Date       dateView
	Comments   int
	Sticky     bool
	CanEdit    bool
	Trashed    bool
}

// statusLabels are the statuses as the list shows them, in the order of its tabs.
var statusLabels = []struct {
	Status blog.Status
	Label  string
}{
	{blog.StatusPublish, "Published"}, {blog.StatusFuture, "Scheduled"}, {blog.StatusDraft, "Draft"},
	{blog.StatusPending, "Pending"}, {blog.StatusPrivate, "Private"},
}

func postStatusLabel(st blog.Status) string {
	for _, l := range statusLabels {
		if l.Status == st {
			return l.Label
		}
	}
	return string(st)
}

func (s *Server) postList(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	q := r.URL.Query()
	typ := blog.TypePost
	if q.Get("type") == string(blog.TypePage) {
		typ = blog.TypePage
	}
	v := &postListPage{Type: string(typ), Nouns: "Posts", Status: q.Get("status"), Search: strings.TrimSpace(q.Get("q")),
		Author: q.Get("author"), Category: q.Get("category"), Tag: strings.TrimSpace(q.Get("tag")), Month: q.Get("month"),
		Sort: q.Get("orderby"), Order: q.Get("order"), Return: r.URL.RequestURI(), NewURL: "/admin/posts/new/"}
	if typ == blog.TypePage {
		v.Nouns, v.NewURL = "Pages", "/admin/posts/new/?type=page"
	}
	base, err := s.adminBase(r, a, v.Nouns)
	if err != nil {
		return err
	}
	v.adminPage = base

	scope := blog.PostFilter{Type: typ}
	if !post.ListScope(a.user, &scope) {
		return errNotFound
	}
	f := scope
	visible := true
	switch v.Status {
	case "":
	case "trash":
		f.Trash, v.Trash = true, true
	default:
		st, err := blog.ParseStatus(v.Status)
		if err != nil {
			return err
		}
		f.Statuses = []blog.Status{st}
		visible = post.ListScope(a.user, &f)
	}
	if f.Sort, err = blog.ParsePostSort(v.Sort); err != nil {
		return err
	}
	f.Ascending = v.Order == "asc"
	if f.Sort == blog.SortByTitle && v.Order == "" {
		f.Ascending = true // A to Z unless asked otherwise
	}
	f.Search = v.Search
	if err := s.listFilters(r.Context(), a, v, &f); err != nil {
		return err
	}
	page, err := strconv.Atoi(q.Get("page"))
	if err != nil || page < 1 {
		page = 1
	}
	f.Limit, f.Offset = postsPerPage, (page-1)*postsPerPage
	var posts []blog.Post
	if visible && v.FilterError == "" {
		if posts, v.Total, err = s.store.Posts(r.Context(), f); err != nil {
			return err
		}
	}
	counts, err := s.store.PostCounts(r.Context(), scope)
	if err != nil {
		return err
	}
	s.listTabs(v, scope, counts)
	v.listPages(page)
	v.sortLinks(f)

	if v.Trash {
		v.BulkActions = []rowAction{{"restore", "Restore"}, {"delete", "Delete permanently"}}
	} else {
		if a.user.Role.CanPublish() {
			v.BulkActions = append(v.BulkActions, rowAction{"publish", "Publish"})
		}
		v.BulkActions = append(v.BulkActions, rowAction{"draft", "Move to drafts"}, rowAction{"trash", "Move to trash"})
	}
	for i := range posts {
		v.Rows = append(v.Rows, s.postRow(a, &posts[i]))
	}
	return s.views.render(w, http.StatusOK, "admin/posts", v)
}

// listFilters reads the author, category, tag and month filters into f, and fills the choices the form offers. A
// filter naming nothing shows an empty list with a message, not an error page.
func (s *Server) listFilters(ctx context.Context, a *adminRequest, v *postListPage, f *blog.PostFilter) error {
	if f.AuthorID == 0 { // editors and administrators: any author
		users, err := s.store.Users(ctx)
		if err != nil {
			return err
		}
		v.Authors = append(v.Authors, option{Value: "", Label: "All authors"})
		for _, u := range users {
			id := strconv.FormatInt(u.ID, 10)
			v.Authors = append(v.Authors, option{Value: id, Label: u.Name, Selected: id == v.Author})
		}
		if v.Author != "" {
			id, err := strconv.ParseInt(v.Author, 10, 64)
			if err != nil {
				v.FilterError = "There is no such author."
			}
			f.AuthorID = id
		}
	}
	cats, err := s.store.Categories(ctx)
	if err != nil {
		return err
	}
	v.Categories = append(v.Categories, option{Value: "", Label: "All categories"})
	for _, c := range cats {
		id := strconv.FormatInt(c.ID, 10)
		label := strings.Repeat("— ", strings.Count(c.Path, "/")) + c.Name
		v.Categories = append(v.Categories, option{Value: id, Label: label, Selected: id == v.Category})
		if id == v.Category {
			f.CategoryIDs = blog.DescendantIDs(cats, c.ID)
		}
	}
	if v.Category != "" && len(f.CategoryIDs) == 0 {
		v.FilterError = "There is no such category."
	}
	if v.Tag != "" {
		t, err := s.store.TermBySlug(ctx, blog.Tag, blog.Slugify(v.Tag))
		switch {
		case blog.ErrorCode(err) == blog.ENOTFOUND:
			v.FilterError = fmt.Sprintf("There is no tag %q.", v.Tag)
		case err != nil:
			return err
		}
		f.TagID = t.ID
	}
	if v.Month != "" {
		m, err := time.ParseInLocation("2006-01", v.Month, a.loc)
		if err != nil {
			v.FilterError = fmt.Sprintf("%q is not a month: use the form 2024-06.", v.Month)
		}
		f.From, f.Until = m, m.AddDate(0, 1, 0)
	}
	return nil
}

func (s *Server) listTabs(v *postListPage, scope blog.PostFilter, counts map[string]int) {
	tabURL := func(status string) string {
		u := url.Values{}
		if v.Type == string(blog.TypePage) {
			u.Set("type", v.Type)
		}
		if status != "" {
			u.Set("status", status)
		}
		if len(u) == 0 {
			return "/admin/posts/"
		}
		return "/admin/posts/?" + u.Encode()
	}
	all := 0
	for _, l := range statusLabels {
		all += counts[string(l.Status)]
	}
	v.Tabs = append(v.Tabs, queueTab{Label: "All", URL: tabURL(""), Count: all, Current: v.Status == ""})
	for _, l := range statusLabels {
		if len(scope.Statuses) > 0 && !slices.Contains(scope.Statuses, l.Status) {
			continue
		}
		v.Tabs = append(v.Tabs, queueTab{Label: l.Label, URL: tabURL(string(l.Status)), Count: counts[string(l.Status)], Current: v.Status == string(l.Status)})
	}
	v.Tabs = append(v.Tabs, queueTab{Label: "Trash", URL: tabURL("trash"), Count: counts["trash"], Current: v.Status == "trash"})
}

// listURL is the list as it is shown, with some parameters changed ("" removes one).
func (v *postListPage) listURL(change ...string) string {
	u := url.Values{}
	set := func(k, val string) {
		if val != "" {
			u.Set(k, val)
		}
	}
	set("type", map[bool]string{true: v.Type}[v.Type == string(blog.TypePage)])
	set("status", v.Status)
	set("q", v.Search)
	set("author", v.Author)
	set("category", v.Category)
	set("tag", v.Tag)
	set("month", v.Month)
	set("orderby", v.Sort)
	set("order", v.Order)
	for i := 0; i+1 < len(change); i += 2 {
		u.Del(change[i])
		set(change[i], change[i+1])
	}
	if len(u) == 0 {
		return "/admin/posts/"
	}
	return "/admin/posts/?" + u.Encode()
}

func (v *postListPage) listPages(current int) {
	last := max((v.Total+postsPerPage-1)/postsPerPage, 1)
	if current > 1 {
		v.Newer = v.listURL("page", strconv.Itoa(current-1))
	}
	if current < last {
		v.Older = v.listURL("page", strconv.Itoa(current+1))
	}
	if last == 1 {
		return
	}
	for n := 1; n <= last; n++ {
		if n == 1 || n == last || (n >= current-2 && n <= current+2) {
			v.Pages = append(v.Pages, pageLink{Number: n, URL: v.listURL("page", strconv.Itoa(n)), Current: n == current})
		} else if len(v.Pages) > 0 && !v.Pages[len(v.Pages)-1].Gap {
			v.Pages = append(v.Pages, pageLink{Gap: true})
		}
	}
}

// sortLinks makes each sortable column's heading a link: to sort by it, or to reverse it when it is the order.
func (v *postListPage) sortLinks(f blog.PostFilter) {
	v.SortLinks = map[string]string{}
	for _, col := range []blog.PostSort{blog.SortByTitle, blog.SortByDate, blog.SortByModified} {
		order := "desc"
		if col == blog.SortByTitle {
			order = "asc"
		}
		if f.Sort == col {
			order = map[bool]string{true: "desc", false: "asc"}[f.Ascending]
		}
		v.SortLinks[string(col)] = v.listURL("orderby", string(col), "order", order, "page", "")
	}
}

func (s *Server) postRow(a *adminRequest, p *blog.Post) postRow {
	status := shownStatus(p, a.now)
	row := postRow{ID: p.ID, Title: titleOrPlaceholder(p.Title), Author: p.Author.Name, Status: postStatusLabel(status),
		StatusCode: string(status), Comments: p.CommentCount, Sticky: p.Sticky, CanEdit: post.MayEdit(a.user, p), Trashed: p.InTrash()}
	if row.CanEdit && !row.Trashed {
		row.EditURL = editURL(p.ID)
	}
	if p.IsPublic(a.now) {
		row.ViewURL = a.settings.PostPath(p)
	} else if row.CanEdit && !row.Trashed {
		row.ViewURL = viewURL(p.ID)
	}
	for _, c := range p.Categories {
		row.Categories = append(row.Categories, c.Name)
	}
	for _, t := range p.Tags {
		row.Tags = append(row.Tags, t.Name)
	}
	switch {
	case row.Trashed:
		row.Status, row.StatusCode = "Trash ("+row.Status+")", "trash"
		row.DateLabel, row.Date = "Trashed", s.adminDate(a, p.Trashed)
	case status == blog.StatusFuture:
		row.DateLabel, row.Date = "Scheduled", s.adminDate(a, p.Published)
	case p.Status == blog.StatusPublish || p.Status == blog.StatusPrivate:
		row.DateLabel, row.Date = "Published", s.adminDate(a, p.Published)
	default:
		row.DateLabel, row.Date = "Last modified", s.adminDate(a, p.Updated)
	}
	return row
}

// adminDate is a date in the site's zone and date format.
func (s *Server) adminDate(a *adminRequest, t time.Time) dateView {
	format := a.settings.DateFormat
	if format == "" {
		format = blog.DefaultDateFormat
	}
	t = t.In(a.loc)
	return dateView{ISO: t.Format(time.RFC3339), Text: t.Format(format)}
}

// shownStatus is the status a writer sees: a scheduled post whose time has come is published (it stays "future"
// in the store, since IsPublic alone makes it live).
func shownStatus(p *blog.Post, now time.Time) blog.Status {
	if p.Status == blog.StatusFuture && p.IsPublic(now) {
		return blog.StatusPublish
	}
	return p.Status
}

func titleOrPlaceholder(title string) string {
	if strings.TrimSpace(title) == "" {
		return "(no title)"
	}
	return title
}

// postURL is an admin page of post id: edit, view, revisions or autosave.
func postURL(id int64, page string) string {
	return "/admin/posts/" + strconv.FormatInt(id, 10) + "/" + page + "/"
}

func editURL(id int64) string      { return postURL(id, "edit") }
func viewURL(id int64) string      { return postURL(id, "view") }
func revisionsURL(id int64) string { return postURL(id, "revisions") }
func autosaveURL(id int64) string  { return postURL(id, "autosave") }

// bulkStatuses are the bulk actions that change a status.
var bulkStatuses = map[string]blog.Status{"publish": blog.StatusPublish, "draft": blog.StatusDraft}

// postBulk applies one action to the selected posts (a row's button sends one ID, the bulk form several). Every
// post is checked against the user's role before any is changed, so a refused request changes nothing.
func (s *Server) postBulk(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	action := r.PostFormValue("action")
	back := localPath(r.PostFormValue("return"), "/admin/posts/")
	status, setsStatus := bulkStatuses[action]
	if !setsStatus && action != "trash" && action != "restore" && action != "delete" {
		return blog.Errorf(blog.EINVALID, "choose an action: publish, move to drafts, move to trash, restore or delete permanently")
	}
	var ids []int64
	for _, v := range r.PostForm["id"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return blog.Errorf(blog.EINVALID, "%q is not a post", v)
		}
		p, err := s.store.Post(r.Context(), id)
		if err != nil {
			return err
		}
		if !post.MayEdit(a.user, &p) || (setsStatus && !post.MayGive(a.user, status)) {
			return blog.Errorf(blog.EFORBIDDEN, "you may not %s %q", action, titleOrPlaceholder(p.Title))
		}
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		http.Redirect(w, r, s.withNotice(back, "Select the posts to apply the action to."), http.StatusSeeOther)
		return nil
	}
	wr := s.writer()
	var refused []string
	done := 0
	for _, id := range ids {
		var err error
		switch action {
		case "trash":
			err = wr.Trash(r.Context(), id, a.user)
		case "restore":
			err = wr.Restore(r.Context(), id, a.user)
		case "delete":
			err = wr.Delete(r.Context(), id, a.user)
		default:
			_, err = wr.SetStatus(r.Context(), id, status, a.user)
		}
		var fe post.FieldErrors
		switch {
		case errors.As(err, &fe) || blog.ErrorCode(err) == blog.EINVALID:
			refused = append(refused, blog.ErrorMessage(err))
			continue
		case err != nil:
			return err
		}
		done++
	}
	s.log.InfoContext(r.Context(), "posts changed", "user", a.user.ID, "action", action, "posts", ids)
	notice := fmt.Sprintf("%s: %s.", bulkDone[action], blog.CountOf(done, "item"))
	if len(refused) > 0 {
		notice += " Not changed: " + strings.Join(refused, " ")
	}
	http.Redirect(w, r, s.withNotice(back, notice), http.StatusSeeOther)
	return nil
}

var bulkDone = map[string]string{"publish": "Published", "draft": "Moved to drafts", "trash": "Moved to the trash",
	"restore": "Restored", "delete": "Deleted permanently"}

// ---- The editor ----

// editorPage is the editor of a new or existing post or page.
type editorPage struct {
	adminPage
	ID           int64 // 0 for a new post
	Type         string
	Format       blog.Format // what the body is written in: Markdown, or WordPress's HTML for imported posts
	Noun         string      // "post" or "page"
	Action       string      // where the form posts
	AutosaveURL  string
	Form         editorForm
	Errors       post.FieldErrors
	Conflict     *conflictView
	Autosave     *autosaveView
	Categories   []categoryChoice
	Statuses     []option
	StoredState  string // the post's stored status, "" for a new post
	Published    bool   // stored as published, scheduled or private: the save button reads Update
	CanPublish   bool
	SaveLabel    string
	PublishLabel string // Publish, or Schedule when the date lies ahead
	WordCount    int
	ViewURL      string
	ViewLabel    string
	Revisions    string // the revisions page, "" for a new post
	Preview      *previewView
	TimeZone     string
	Trashed      bool
}

// editorForm is what the form holds, exactly as typed.
type editorForm struct {
	Title, Body, Slug, Excerpt, NewCategory, Tags, Date, Status string
	CategoryIDs                                                 []int64
	CommentsOpen, Sticky                                        bool
	Base                                                        int64
}

type categoryChoice struct {
	ID      int64
	Label   string
	Depth   int
	Checked bool
}

type conflictView struct {
	By        string
	When      dateView
	DiffURL   string
	Revisions string
}

type autosaveView struct {
	When     dateView
	Older    bool // older than the post's current text
	Restore  string
	Restored bool // the form shows it now
}

type previewView struct {
	Title  string
	HTML   template.HTML
	IsPage bool
}

func (s *Server) newPost(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	typ := blog.TypePost
	if r.FormValue("type") == string(blog.TypePage) {
		typ = blog.TypePage
	}
	v := &editorPage{Type: string(typ), Action: "/admin/posts/new/", AutosaveURL: "/admin/posts/new/autosave/"}
	form := editorForm{CommentsOpen: typ == blog.TypePost && a.settings.Discussion.Enabled, Status: string(blog.StatusDraft)}
	if r.Method == http.MethodGet {
		return s.renderEditor(w, r, a, v, nil, form, http.StatusOK)
	}
	form = readEditorForm(r)
	d, err := s.draftFromForm(r, a, form, typ)
	if err != nil {
		return err
	}
	if r.PostFormValue("action") == "preview" {
		v.Preview = &previewView{Title: form.Title, HTML: markup.RenderPost(form.Body).HTML, IsPage: typ == blog.TypePage}
		return s.renderEditor(w, r, a, v, nil, form, http.StatusOK)
	}
	if v.Errors = dateError(form, a); v.Errors != nil {
		return s.renderEditor(w, r, a, v, nil, form, http.StatusUnprocessableEntity)
	}
	p, err := s.writer().Create(r.Context(), d)
	if fe := refusal(err); fe != nil {
		v.Errors = fe
		return s.renderEditor(w, r, a, v, nil, form, http.StatusUnprocessableEntity)
	}
	if err != nil {
		return err
	}
	s.log.InfoContext(r.Context(), "post created", "user", a.user.ID, "post", p.ID, "status", p.Status)
	http.Redirect(w, r, s.withNotice(editURL(p.ID), savedNotice(&p, a)), http.StatusSeeOther)
	return nil
}

func (s *Server) editPost(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	p, err := s.editablePost(r, a)
	if err != nil {
		return err
	}
	v := &editorPage{ID: p.ID, Type: string(p.Type), Action: editURL(p.ID), AutosaveURL: autosaveURL(p.ID)}
	if r.Method == http.MethodGet {
		form := formOfPost(&p, a)
		if auto, err := s.store.Autosave(r.Context(), p.ID, a.user.ID); err == nil {
			if auto.Title != p.Title || auto.Body != p.Body || auto.Excerpt != p.Excerpt {
				v.Autosave = &autosaveView{When: s.adminDate(a, auto.Created), Older: auto.Created.Before(p.Updated),
					Restore: editURL(p.ID) + "?restore=autosave"}
				if r.URL.Query().Get("restore") == "autosave" {
					form.Title, form.Body, form.Excerpt = auto.Title, auto.Body, auto.Excerpt
					v.Autosave.Restored = true
				}
			}
		} else if blog.ErrorCode(err) != blog.ENOTFOUND {
			return err
		}
		return s.renderEditor(w, r, a, v, &p, form, http.StatusOK)
	}
	form := readEditorForm(r)
	d, err := s.draftFromForm(r, a, form, p.Type)
	if err != nil {
		return err
	}
	if r.PostFormValue("action") == "preview" {
		v.Preview = &previewView{Title: form.Title, HTML: markup.RenderBody(p.Format, form.Body).HTML, IsPage: p.Type == blog.TypePage}
		return s.renderEditor(w, r, a, v, &p, form, http.StatusOK)
	}
	if v.Errors = dateError(form, a); v.Errors != nil {
		return s.renderEditor(w, r, a, v, &p, form, http.StatusUnprocessableEntity)
	}
	if !d.Date.IsZero() && form.Date == localDate(p.Published, a.loc) {
		d.Date = p.Published // the form shows minutes: keep the seconds it did not show
	}
	saved, err := s.writer().Update(r.Context(), p.ID, d)
	switch fe := refusal(err); {
	case fe != nil:
		v.Errors = fe
		return s.renderEditor(w, r, a, v, &p, form, http.StatusUnprocessableEntity)
	case blog.IsPostChanged(err):
		return s.conflict(w, r, a, v, form)
	case err != nil:
		return err
	}
	s.log.InfoContext(r.Context(), "post saved", "user", a.user.ID, "post", p.ID, "status", saved.Status)
	http.Redirect(w, r, s.withNotice(editURL(p.ID), savedNotice(&saved, a)), http.StatusSeeOther)
	return nil
}

// conflict answers a save refused because someone saved the post after the writer opened it. The writer's text
// is kept twice: in the form shown again, and as their autosave, which the revisions page compares with what the
// other person saved. The form now starts from the current revision, so saving it again is a deliberate choice.
func (s *Server) conflict(w http.ResponseWriter, r *http.Request, a *adminRequest, v *editorPage, form editorForm) error {
	current, err := s.store.Post(r.Context(), v.ID)
	if err != nil {
		return err
	}
	kept, err := s.writer().Autosave(r.Context(), v.ID, post.Draft{By: a.user, Title: form.Title, Body: form.Body, Excerpt: form.Excerpt})
	if err != nil {
		return err
	}
	revs, err := s.store.Revisions(r.Context(), v.ID)
	if err != nil {
		return err
	}
	c := &conflictView{DiffURL: revisionsURL(v.ID), Revisions: revisionsURL(v.ID), When: s.adminDate(a, current.Updated)}
	if kept {
		c.DiffURL += "?rev=autosave"
	}
	if len(revs) > 0 {
		c.By, c.When = revs[0].UserName, s.adminDate(a, revs[0].Created)
	}
	v.Conflict = c
	form.Base = current.Revision
	s.log.InfoContext(r.Context(), "edit conflict", "user", a.user.ID, "post", v.ID)
	return s.renderEditor(w, r, a, v, &current, form, http.StatusConflict)
}

// refusal is a save refused for input the writer can fix: the field errors, or any other invalid input (a category
// deleted meanwhile) as a message about the whole form, so that the editor comes back with everything typed.
// Other errors (forbidden, conflicts, faults) give nil.
func refusal(err error) post.FieldErrors {
	var fe post.FieldErrors
	switch {
	case errors.As(err, &fe):
		return fe
	case blog.ErrorCode(err) == blog.EINVALID:
		return post.FieldErrors{post.FormField: blog.ErrorMessage(err)}
	}
	return nil
}

// editablePost is the post named in the URL, when the user may edit it; 403 otherwise, 404 when there is none.
func (s *Server) editablePost(r *http.Request, a *adminRequest) (blog.Post, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return blog.Post{}, errNotFound
	}
	p, err := s.store.Post(r.Context(), id)
	if err != nil {
		return p, err
	}
	if !post.MayEdit(a.user, &p) {
		return p, blog.Errorf(blog.EFORBIDDEN, "you may not edit this post")
	}
	return p, nil
}

// readEditorForm reads the editor's fields as typed.
func readEditorForm(r *http.Request) editorForm {
	f := editorForm{
		Title: r.PostFormValue("title"), Body: strings.ReplaceAll(r.PostFormValue("body"), "\r\n", "\n"),
		Slug: strings.TrimSpace(r.PostFormValue("slug")), Excerpt: strings.ReplaceAll(r.PostFormValue("excerpt"), "\r\n", "\n"),
		NewCategory: r.PostFormValue("new_category"), Tags: r.PostFormValue("tags"), Date: strings.TrimSpace(r.PostFormValue("date")),
		Status: r.PostFormValue("status"), CommentsOpen: r.PostFormValue("comments_open") != "", Sticky: r.PostFormValue("sticky") != "",
	}
	f.Base, _ = strconv.ParseInt(r.PostFormValue("base"), 10, 64) // a missing or garbled base skips the check, as for the CLI
	for _, v := range r.PostForm["category"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			f.CategoryIDs = append(f.CategoryIDs, id)
		}
	}
	return f
}

// draftFromForm turns the form into a draft by the signed-in user, with the status its button asks for. A status
// the role may not give is refused here with 403, before anything else: a contributor's forged "publish" never
// reaches the workflow (which refuses it too). A date that cannot be read is left out (see dateError).
func (s *Server) draftFromForm(r *http.Request, a *adminRequest, f editorForm, typ blog.Type) (post.Draft, error) {
	d := post.Draft{Type: typ, Title: f.Title, Body: f.Body, Excerpt: f.Excerpt, Slug: f.Slug, CategoryIDs: f.CategoryIDs,
		CommentsClosed: !f.CommentsOpen, Sticky: f.Sticky && typ == blog.TypePost, By: a.user, Base: f.Base}
	for _, c := range strings.Split(f.NewCategory, ",") {
		if c = strings.TrimSpace(c); c != "" {
			d.Categories = append(d.Categories, c)
		}
	}
	d.Tags = strings.Split(f.Tags, ",")
	var status blog.Status
	switch action := r.PostFormValue("action"); action {
	case "draft":
		status = blog.StatusDraft
	case "pending":
		status = blog.StatusPending
	case "publish":
		status = blog.StatusPublish
	case "save", "":
		st, err := blog.ParseStatus(f.Status)
		if err != nil {
			return d, err
		}
		status = st
	case "preview":
		return d, nil
	default:
		return d, blog.Errorf(blog.EINVALID, "%q is not something the editor does", action)
	}
	if status == blog.StatusFuture {
		status = blog.StatusPublish // the date decides whether it is scheduled
	}
	if !post.MayGive(a.user, status) {
		return d, blog.Errorf(blog.EFORBIDDEN, "contributors cannot publish: save a draft or submit it for review")
	}
	d.Status = status
	if t, err := parseLocalDate(f.Date, a.loc); err == nil {
		d.Date = t
	}
	return d, nil
}

// dateError is the message beside a date field that cannot be read; nil when the date is empty or readable.
func dateError(f editorForm, a *adminRequest) post.FieldErrors {
	if f.Date == "" {
		return nil
	}
	if _, err := parseLocalDate(f.Date, a.loc); err != nil {
		return post.FieldErrors{"date": blog.ErrorMessage(err)}
	}
	return nil
}

// localDate is t as a datetime-local field shows it, in the site's zone.
func localDate(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format("2006-01-02T15:04")
}

func parseLocalDate(s string, loc *time.Location) (time.Time, error) {
	if s == "" {
		return time.Time{}, blog.Errorf(blog.EINVALID, "no date")
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, blog.Errorf(blog.EINVALID, "%q is not a date and time: use the form 2024-06-10T14:30", s)
}

// formOfPost is the form for a stored post. A draft's date is left empty (it is published when published) unless
// it lies ahead, which is a schedule the writer chose.
func formOfPost(p *blog.Post, a *adminRequest) editorForm {
	f := editorForm{Title: p.Title, Body: p.Body, Slug: p.Slug, Excerpt: p.Excerpt, Status: string(p.Status),
		CommentsOpen: p.CommentsOpen, Sticky: p.Sticky, Base: p.Revision}
	if p.Status == blog.StatusFuture {
		f.Status = string(blog.StatusPublish)
	}
	if !(p.Status == blog.StatusDraft || p.Status == blog.StatusPending) || p.Published.After(a.now) {
		f.Date = localDate(p.Published, a.loc)
	}
	for _, c := range p.Categories {
		f.CategoryIDs = append(f.CategoryIDs, c.ID)
	}
	var tags []string
	for _, t := range p.Tags {
		tags = append(tags, t.Name)
	}
	f.Tags = strings.Join(tags, ", ")
	return f
}

// renderEditor shows the editor with form as typed; p is the stored post (nil for a new one).
func (s *Server) renderEditor(w http.ResponseWriter, r *http.Request, a *adminRequest, v *editorPage, p *blog.Post, form editorForm, status int) error {
	v.Noun = "post"
	if v.Type == string(blog.TypePage) {
		v.Noun = "page"
	}
	title := "New " + v.Noun
	if p != nil {
		title = "Edit " + v.Noun
		v.Format = p.Format
		v.StoredState = string(shownStatus(p, a.now))
		v.Published = !(p.Status == blog.StatusDraft || p.Status == blog.StatusPending)
		v.Revisions = revisionsURL(p.ID)
		v.Trashed = p.InTrash()
		switch {
		case p.IsPublic(a.now):
			v.ViewURL, v.ViewLabel = a.settings.PostPath(p), "View "+v.Noun
		default:
			v.ViewURL, v.ViewLabel = viewURL(p.ID), "Preview the saved "+v.Noun
		}
	}
	base, err := s.adminBase(r, a, title)
	if err != nil {
		return err
	}
	v.adminPage = base
	if p != nil && r.Method == http.MethodGet && v.Notice == "" && v.Trashed {
		v.Notice = "This " + v.Noun + " is in the trash: restore it from the list to change it."
	}
	v.Form = form
	v.CanPublish = a.user.Role.CanPublish()
	v.WordCount = post.WordCount(form.Body)
	v.TimeZone = a.loc.String()
	cats, err := s.store.Categories(r.Context())
	if err != nil {
		return err
	}
	for _, c := range cats {
		v.Categories = append(v.Categories, categoryChoice{ID: c.ID, Label: c.Name, Depth: strings.Count(c.Path, "/"),
			Checked: slices.Contains(form.CategoryIDs, c.ID)})
	}
	offer := []blog.Status{blog.StatusDraft, blog.StatusPending}
	if v.CanPublish {
		offer = append(offer, blog.StatusPublish, blog.StatusPrivate)
	}
	for _, st := range offer {
		label := postStatusLabel(st)
		if st == blog.StatusPending {
			label = "Pending review"
		}
		v.Statuses = append(v.Statuses, option{Value: string(st), Label: label, Selected: string(st) == form.Status})
	}
	v.PublishLabel = "Publish"
	if t, err := parseLocalDate(form.Date, a.loc); err == nil && t.After(a.now) {
		v.PublishLabel = "Schedule"
	}
	switch blog.Status(form.Status) {
	case blog.StatusDraft, "":
		v.SaveLabel = "Save draft"
	case blog.StatusPending:
		v.SaveLabel = "Save as pending"
	default:
		v.SaveLabel = "Update"
		if !v.Published {
			v.SaveLabel = "Save and publish"
		}
	}
	return s.views.render(w, status, "admin/post-edit", v)
}

func savedNotice(p *blog.Post, a *adminRequest) string {
	noun := "Post"
	if p.Type == blog.TypePage {
		noun = "Page"
	}
	switch p.Status {
	case blog.StatusDraft:
		return "Draft saved."
	case blog.StatusPending:
		return "Submitted for review: an editor will publish it."
	case blog.StatusFuture:
		return noun + " scheduled for " + p.Published.In(a.loc).Format("January 2, 2006 at 3:04 pm") + "."
	case blog.StatusPrivate:
		return noun + " saved as private."
	}
	return noun + " published."
}

// ---- Preview, autosave ----

// previewPost renders a body as the public page will, for the editor's preview pane: the same article markup and
// classes as templates/post.html, inside which the public style sheet applies.
func (s *Server) previewPost(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	v := previewView{Title: r.PostFormValue("title"), HTML: markup.RenderBody(blog.Format(r.PostFormValue("format")), r.PostFormValue("body")).HTML,
		IsPage: r.PostFormValue("type") == string(blog.TypePage)}
	var buf bytes.Buffer
	if err := s.views.pages["admin/post-edit"].ExecuteTemplate(&buf, "post-preview", v); err != nil {
		return fmt.Errorf("render preview: %w", err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, err := buf.WriteTo(w)
	return err
}

// autosaveReply is what the editor's script learns from an autosave.
type autosaveReply struct {
	Saved     bool   `json:"saved"`
	Time      string `json:"time"`
	ID        int64  `json:"id,omitempty"`
	Edit      string `json:"edit,omitempty"`
	Autosave  string `json:"autosave,omitempty"`
	Revisions string `json:"revisions,omitempty"`
	Base      int64  `json:"base,omitempty"`
}

// autosave keeps what the editor holds as the user's autosave of the post, never changing the post itself.
func (s *Server) autosave(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	p, err := s.editablePost(r, a)
	if err != nil {
		return err
	}
	f := readEditorForm(r)
	saved, err := s.writer().Autosave(r.Context(), p.ID, post.Draft{By: a.user, Title: f.Title, Body: f.Body, Excerpt: f.Excerpt})
	if err != nil {
		return err
	}
	return writeJSON(w, autosaveReply{Saved: saved, Time: s.now().In(a.loc).Format("3:04:05 pm")})
}

// autosaveNew is a new post's first autosave: it creates the post as a draft holding the text typed so far (its
// other fields stay in the form until it is saved), so that the next autosaves have a post to belong to.
func (s *Server) autosaveNew(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	f := readEditorForm(r)
	if strings.TrimSpace(f.Title) == "" && strings.TrimSpace(f.Body) == "" && strings.TrimSpace(f.Excerpt) == "" {
		return writeJSON(w, autosaveReply{})
	}
	typ := blog.TypePost
	if r.PostFormValue("type") == string(blog.TypePage) {
		typ = blog.TypePage
	}
	p, err := s.writer().Create(r.Context(), post.Draft{Type: typ, Title: f.Title, Body: f.Body, Excerpt: f.Excerpt,
		Status: blog.StatusDraft, By: a.user, CommentsClosed: !f.CommentsOpen})
	if err != nil {
		return err
	}
	s.log.InfoContext(r.Context(), "draft created by autosave", "user", a.user.ID, "post", p.ID)
	return writeJSON(w, autosaveReply{Saved: true, Time: s.now().In(a.loc).Format("3:04:05 pm"), ID: p.ID, Edit: editURL(p.ID),
		Autosave: autosaveURL(p.ID), Revisions: revisionsURL(p.ID), Base: p.Revision})
}

func writeJSON(w http.ResponseWriter, v any) error {
	w.Header().Set("Content-Type", "application/json")
	return json.NewEncoder(w).Encode(v)
}

// viewPost shows a saved post exactly as the public page will, whatever its status, to those who may edit it.
func (s *Server) viewPost(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	p, err := s.editablePost(r, a)
	if err != nil {
		return err
	}
	page := &postPage{Post: s.postView(a.request, &p, false)}
	if err := s.fillBase(r.Context(), a.request, &page.basePage, r.URL.Path); err != nil {
		return err
	}
	page.Head.Title = p.Title + " (preview) – " + a.settings.Title
	page.Head.NoIndex = true
	return s.views.render(w, http.StatusOK, "post", page)
}

// ---- Revisions ----

// revisionsPage lists a post's revisions and compares one of them (or the user's autosave) with the current text.
type revisionsPage struct {
	adminPage
	PostID    int64
	PostTitle string
	EditURL   string
	Base      int64
	Revisions []revisionRow
	Compare   *comparison
}

type revisionRow struct {
	ID       int64
	Title    string
	By       string
	When     dateView
	URL      string
	Current  bool
	Selected bool
}

type comparison struct {
	Label       string // "Revision of June 8 by Ann" or "Your autosave of …"
	Autosave    bool
	RevisionID  int64
	RestoreURL  string // for the autosave: the editor with it loaded
	Same        bool
	TitleDiff   []diffLine
	ExcerptDiff []diffLine
	BodyDiff    []diffLine
}

type diffLine struct {
	Op   string // same, del, ins, gap
	Text string
}

// diffContext is how many unchanged lines are shown around each change.
const diffContext = 3

func (s *Server) revisions(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	p, err := s.editablePost(r, a)
	if err != nil {
		return err
	}
	revs, err := s.store.Revisions(r.Context(), p.ID)
	if err != nil {
		return err
	}
	base, err := s.adminBase(r, a, "Revisions")
	if err != nil {
		return err
	}
	v := &revisionsPage{adminPage: base, PostID: p.ID, PostTitle: titleOrPlaceholder(p.Title), EditURL: editURL(p.ID), Base: p.Revision}
	want := r.URL.Query().Get("rev")
	var old blog.Revision
	switch {
	case want == "autosave":
		if old, err = s.store.Autosave(r.Context(), p.ID, a.user.ID); err != nil {
			return err
		}
		v.Compare = &comparison{Label: "Your autosave of " + s.adminDate(a, old.Created).Text, Autosave: true,
			RestoreURL: editURL(p.ID) + "?restore=autosave"}
	case want != "":
		id, err := strconv.ParseInt(want, 10, 64)
		if err != nil {
			return errNotFound
		}
		if old, err = s.store.Revision(r.Context(), p.ID, id); err != nil {
			return err
		}
	case len(revs) > 1:
		if old, err = s.store.Revision(r.Context(), p.ID, revs[1].ID); err != nil {
			return err
		}
	case len(revs) == 1:
		if old, err = s.store.Revision(r.Context(), p.ID, revs[0].ID); err != nil {
			return err
		}
	}
	if v.Compare == nil && old.ID != 0 {
		v.Compare = &comparison{Label: "Revision of " + s.adminDate(a, old.Created).Text + byWhom(old.UserName), RevisionID: old.ID}
	}
	if c := v.Compare; c != nil {
		c.TitleDiff = showDiff(post.LineDiff(old.Title, p.Title), diffContext)
		c.ExcerptDiff = showDiff(post.LineDiff(old.Excerpt, p.Excerpt), diffContext)
		c.BodyDiff = showDiff(post.LineDiff(old.Body, p.Body), diffContext)
		c.Same = old.Title == p.Title && old.Excerpt == p.Excerpt && old.Body == p.Body
	}
	for i, rev := range revs {
		v.Revisions = append(v.Revisions, revisionRow{ID: rev.ID, Title: titleOrPlaceholder(rev.Title), By: rev.UserName,
			When: s.adminDate(a, rev.Created), URL: revisionsURL(p.ID) + "?rev=" + strconv.FormatInt(rev.ID, 10), Current: i == 0,
			Selected: v.Compare != nil && !v.Compare.Autosave && rev.ID == old.ID})
	}
	return s.views.render(w, http.StatusOK, "admin/post-revisions", v)
}

func byWhom(name string) string {
	if name == "" {
		return ""
	}
	return " by " + name
}

// showDiff keeps the changed lines of a diff and context lines around them, replacing longer unchanged runs by a
// gap line. A diff without changes is empty.
func showDiff(lines []post.Line, context int) []diffLine {
	changed := false
	for _, l := range lines {
		changed = changed || l.Op != post.Same
	}
	if !changed {
		return nil
	}
	near := make([]bool, len(lines))
	for i, l := range lines {
		if l.Op == post.Same {
			continue
		}
		for j := max(i-context, 0); j <= min(i+context, len(lines)-1); j++ {
			near[j] = true
		}
	}
	var out []diffLine
	for i, l := range lines {
		if !near[i] {
			if len(out) == 0 || out[len(out)-1].Op != "gap" {
				out = append(out, diffLine{Op: "gap"})
			}
			continue
		}
		op := map[post.Op]string{post.Same: "same", post.Delete: "del", post.Insert: "ins"}[l.Op]
		out = append(out, diffLine{Op: op, Text: l.Text})
	}
	return out
}

// restoreRevision makes an earlier revision the post's text, as a new revision.
func (s *Server) restoreRevision(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	p, err := s.editablePost(r, a)
	if err != nil {
		return err
	}
	rev, err := strconv.ParseInt(r.PostFormValue("rev"), 10, 64)
	if err != nil {
		return blog.Errorf(blog.EINVALID, "choose the revision to restore")
	}
	base, _ := strconv.ParseInt(r.PostFormValue("base"), 10, 64) // missing: no check, as for the CLI
	_, err = s.writer().RestoreRevision(r.Context(), p.ID, rev, a.user, base)
	var fe post.FieldErrors
	switch {
	case blog.IsPostChanged(err):
		http.Redirect(w, r, s.withNotice(revisionsURL(p.ID)+"?rev="+strconv.FormatInt(rev, 10),
			"Nothing was restored: someone saved the post meanwhile. Compare again, then restore."), http.StatusSeeOther)
		return nil
	case errors.As(err, &fe):
		http.Redirect(w, r, s.withNotice(revisionsURL(p.ID), fe.Error()), http.StatusSeeOther)
		return nil
	case err != nil:
		return err
	}
	s.log.InfoContext(r.Context(), "revision restored", "user", a.user.ID, "post", p.ID, "revision", rev)
	http.Redirect(w, r, s.withNotice(editURL(p.ID), "Revision restored. The text it replaced is kept among the revisions."), http.StatusSeeOther)
	return nil
}
