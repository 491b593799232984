package web

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/salon-blog/salon/internal/blog"
)

// siteAdminStore is what the site-management screens need from storage: users, terms, settings, the dashboard.
type siteAdminStore interface {
	Terms(ctx context.Context, taxonomy blog.Taxonomy) ([]blog.Term, map[int64]int, error)
	Term(ctx context.Context, id int64) (blog.Term, error)
	CreateTerm(ctx context.Context, t *blog.Term) error
	UpdateTerm(ctx context.Context, t blog.Term) error
	DeleteTerm(ctx context.Context, id int64) error
	Users(ctx context.Context) ([]blog.User, error)
	UserByID(ctx context.Context, id int64) (blog.User, error)
	UserPostCounts(ctx context.Context) (map[int64]int, error)
	CreateUser(ctx context.Context, u *blog.User) error
	EditUser(ctx context.Context, u blog.User) error
	DeleteUser(ctx context.Context, id, heir int64) error
	SetSetting(ctx context.Context, key, value string) error
}

// siteAdminRoutes registers the dashboard and the screens for categories, tags, users and settings.
func (s *Server) siteAdminRoutes(mux *http.ServeMux) {
	mux.Handle("GET /admin/{$}", s.admin(s.dashboard))
	for _, tax := range []blog.Taxonomy{blog.Category, blog.Tag} {
		base := termsBase(tax)
		mux.Handle("GET "+base+"{$}", s.termManager(tax, s.termList))
		mux.Handle("POST "+base+"{$}", s.termManager(tax, s.addTerm))
		mux.Handle("GET "+base+"{id}/edit/{$}", s.termManager(tax, s.editTerm))
		mux.Handle("POST "+base+"{id}/edit/{$}", s.termManager(tax, s.editTerm))
		mux.Handle("POST "+base+"{id}/delete/{$}", s.termManager(tax, s.deleteTerm))
	}
	mux.Handle("GET /admin/users/{$}", s.adminsOnly(usersAndSettings, s.userList))
	mux.Handle("GET /admin/users/new/{$}", s.adminsOnly(usersAndSettings, s.newUser))
	mux.Handle("POST /admin/users/new/{$}", s.adminsOnly(usersAndSettings, s.newUser))
	mux.Handle("GET /admin/users/{id}/edit/{$}", s.adminsOnly(usersAndSettings, s.editUser))
	mux.Handle("POST /admin/users/{id}/edit/{$}", s.adminsOnly(usersAndSettings, s.editUser))
	mux.Handle("GET /admin/users/{id}/delete/{$}", s.adminsOnly(usersAndSettings, s.deleteUser))
	mux.Handle("POST /admin/users/{id}/delete/{$}", s.adminsOnly(usersAndSettings, s.deleteUser))
	mux.Handle("GET /admin/settings/{$}", s.adminsOnly(usersAndSettings, s.siteSettings))
	mux.Handle("POST /admin/settings/{$}", s.adminsOnly(usersAndSettings, s.siteSettings))
}

const usersAndSettings = "manage users and settings"

// adminsOnly wraps a handler that only administrators may use; what says what it does, for the refusal ("only
// administrators manage users and settings").
func (s *Server) adminsOnly(what string, h func(http.ResponseWriter, *http.Request, *adminRequest) error) http.Handler {
	return s.admin(onlyAdmins(what, h))
}

// onlyAdmins refuses everyone but administrators, saying what only they may do.
func onlyAdmins(what string, h func(http.ResponseWriter, *http.Request, *adminRequest) error) func(http.ResponseWriter, *http.Request, *adminRequest) error {
	return func(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
		if a.user.Role != blog.RoleAdmin {
			return blog.Errorf(blog.EFORBIDDEN, "only administrators %s", what)
		}
		return h(w, r, a)
	}
}

// termManager wraps a handler for the categories or tags screen: editors and administrators only.
func (s *Server) termManager(tax blog.Taxonomy, h func(http.ResponseWriter, *http.Request, *adminRequest, blog.Taxonomy) error) http.Handler {
	return s.admin(func(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
		if a.user.Role != blog.RoleAdmin && a.user.Role != blog.RoleEditor {
			return blog.Errorf(blog.EFORBIDDEN, "only editors and administrators manage categories and tags")
		}
		return h(w, r, a, tax)
	})
}

// pathID reads the {id} of an admin URL; anything but a number names nothing.
func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errNotFound
	}
	return id, nil
}

// ---- Dashboard ----

// dashboardPage is the admin home: what waits for the signed-in user.
type dashboardPage struct {
	adminPage
	AllPosts       bool // editors and administrators see everyone's drafts and schedule; others their own
	CanModerate    bool
	Drafts         []dashboardPost
	DraftCount     int
	Scheduled      []dashboardPost
	ScheduledCount int
	Comments       []dashboardComment
}

type dashboardPost struct {
	Title   string
	EditURL string
	Status  string
	Type    string
	Author  string
	Date    dateView
}

type dashboardComment struct {
	Author    string
	Excerpt   string
	Date      dateView
	Link      string
	PostTitle string
	PostURL   string
}

// dashboardItems is how many drafts, scheduled posts and recent comments the dashboard lists.
const dashboardItems = 5

// dashboard reads a fixed number of queries whatever the site holds: one count and one page each of drafts,
// scheduled posts and recent comments.
func (s *Server) dashboard(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	base, err := s.adminBase(r, a, "Dashboard")
	if err != nil {
		return err
	}
	all := a.user.Role == blog.RoleAdmin || a.user.Role == blog.RoleEditor
	v := &dashboardPage{adminPage: base, AllPosts: all, CanModerate: a.user.Role != blog.RoleContributor}
	var own int64
	if !all {
		own = a.user.ID
	}
	drafts, n, err := s.store.Posts(r.Context(), blog.PostFilter{Statuses: []blog.Status{blog.StatusDraft, blog.StatusPending},
		AuthorID: own, Sort: blog.SortByModified, Limit: dashboardItems})
	if err != nil {
		return err
	}
	v.DraftCount = n
	for i := range drafts {
		v.Drafts = append(v.Drafts, newDashboardPost(&drafts[i], a))
	}
	scheduled, n, err := s.store.Posts(r.Context(), blog.PostFilter{Statuses: []blog.Status{blog.StatusFuture}, From: a.now,
		AuthorID: own, Ascending: true, Limit: dashboardItems})
	if err != nil {
		return err
	}
	v.ScheduledCount = n
	for i := range scheduled {
		v.Scheduled = append(v.Scheduled, newDashboardPost(&scheduled[i], a))
	}
	// Authors and contributors see the comments on their own posts; moderators all of them.
	onPostsOf := ownPostsOnly(a.user)
	if a.user.Role == blog.RoleContributor {
		onPostsOf = a.user.ID
	}
	comments, _, err := s.store.Comments(r.Context(), blog.CommentFilter{Status: blog.CommentApproved, PostAuthorID: onPostsOf,
		NewestFirst: true, Limit: dashboardItems})
	if err != nil {
		return err
	}
	for i := range comments {
		c := &comments[i]
		v.Comments = append(v.Comments, dashboardComment{Author: c.AuthorName, Excerpt: clipText(c.Body, 120), Date: newDateView(c.Created, a.loc, a.settings.DateFormat),
			Link: "/comments/" + strconv.FormatInt(c.ID, 10) + "/", PostTitle: postTitle(c.Post.Title), PostURL: a.settings.PostPath(&c.Post)})
	}
	return s.views.render(w, http.StatusOK, "admin/dashboard", v)
}

// newDashboardPost shows a scheduled post with the time it goes live, and a draft with the time it was last saved.
func newDashboardPost(p *blog.Post, a *adminRequest) dashboardPost {
	d := dashboardPost{Title: postTitle(p.Title), EditURL: fmt.Sprintf("/admin/posts/%d/edit/", p.ID), Status: string(p.Status),
		Type: string(p.Type), Author: p.Author.Name}
	if p.Status == blog.StatusFuture {
		d.Date = newDateView(p.Published, a.loc, a.settings.DateFormat)
	} else {
		d.Date = newDateView(p.Updated, a.loc, a.settings.DateFormat)
	}
	return d
}

// postTitle is a title as a list shows it: drafts may have none yet.
func postTitle(t string) string {
	if strings.TrimSpace(t) == "" {
		return "(no title)"
	}
	return t
}

// ---- Categories and tags ----

// termsBase is the admin URL of a taxonomy's screen.
func termsBase(tax blog.Taxonomy) string {
	if tax == blog.Category {
		return "/admin/categories/"
	}
	return "/admin/tags/"
}

// termsPage lists a taxonomy's terms with the form that adds one.
type termsPage struct {
	adminPage
	termNames
	Terms   []termRow
	Parents []termOption // categories only
	Form    termForm
}

// termNames are the words and URLs a terms page uses for its taxonomy.
type termNames struct {
	Taxonomy string // category or tag
	Noun     string // Category or Tag
	Plural   string // categories or tags
	Base     string // the screen's URL
}

func newTermNames(tax blog.Taxonomy) termNames {
	if tax == blog.Category {
		return termNames{Taxonomy: "category", Noun: "Category", Plural: "categories", Base: termsBase(tax)}
	}
	return termNames{Taxonomy: "tag", Noun: "Tag", Plural: "tags", Base: termsBase(tax)}
}

type termRow struct {
	ID      int64
	Name    string
	Slug    string
	Path    string
	Depth   int
	Indent  string // a dash a level, as WordPress shows the tree
	URL     string // the public archive
	EditURL string
	Posts   int
}

type termOption struct {
	ID       int64
	Label    string
	Selected bool
}

// termForm is what the add or edit form shows: the values typed, and why they were refused.
type termForm struct {
	Name     string
	Slug     string
	ParentID int64
	Error    string
}

func (s *Server) termList(w http.ResponseWriter, r *http.Request, a *adminRequest, tax blog.Taxonomy) error {
	return s.renderTermList(w, r, a, tax, termForm{}, http.StatusOK)
}

func (s *Server) renderTermList(w http.ResponseWriter, r *http.Request, a *adminRequest, tax blog.Taxonomy, form termForm, status int) error {
	names := newTermNames(tax)
	terms, counts, err := s.store.Terms(r.Context(), tax)
	if err != nil {
		return err
	}
	base, err := s.adminBase(r, a, strings.ToUpper(names.Plural[:1])+names.Plural[1:])
	if err != nil {
		return err
	}
	v := &termsPage{adminPage: base, termNames: names, Form: form}
	for _, t := range terms {
		v.Terms = append(v.Terms, termRow{ID: t.ID, Name: t.Name, Slug: t.Slug, Path: t.Path, Depth: strings.Count(t.Path, "/"),
			Indent: strings.Repeat("— ", strings.Count(t.Path, "/")), URL: blog.TermPath(&t), EditURL: names.Base + strconv.FormatInt(t.ID, 10) + "/edit/", Posts: counts[t.ID]})
	}
	if tax == blog.Category {
		v.Parents = parentOptions(terms, 0, form.ParentID)
	}
	return s.views.render(w, status, "admin/terms", v)
}

// parentOptions are the categories a category may be placed under: any but itself and its descendants.
func parentOptions(cats []blog.Term, self, selected int64) []termOption {
	var excluded []int64
	if self != 0 {
		excluded = blog.DescendantIDs(cats, self)
	}
	var opts []termOption
	for _, c := range cats {
		if slices.Contains(excluded, c.ID) {
			continue
		}
		opts = append(opts, termOption{ID: c.ID, Label: strings.Repeat("— ", strings.Count(c.Path, "/")) + c.Name, Selected: c.ID == selected})
	}
	return opts
}

// termFromForm reads the add and edit forms. A parent that is not a number is refused here; whether it exists is
// the store's to say.
func termFromForm(r *http.Request, tax blog.Taxonomy) (blog.Term, termForm, error) {
	f := termForm{Name: r.PostFormValue("name"), Slug: strings.TrimSpace(r.PostFormValue("slug"))}
	if p := r.PostFormValue("parent"); tax == blog.Category && p != "" {
		id, err := strconv.ParseInt(p, 10, 64)
		if err != nil || id < 0 {
			return blog.Term{}, f, blog.Errorf(blog.EINVALID, "%q is not a category", p)
		}
		f.ParentID = id
	}
	return blog.Term{Taxonomy: tax, Name: f.Name, Slug: f.Slug, ParentID: f.ParentID}, f, nil
}

// formError turns a refusal the user can act on into the form's message and status; any other error is returned.
func formError(err error) (string, int, error) {
	switch blog.ErrorCode(err) {
	case blog.EINVALID:
		return blog.ErrorMessage(err), http.StatusUnprocessableEntity, nil
	case blog.ECONFLICT:
		return blog.ErrorMessage(err), http.StatusConflict, nil
	}
	return "", 0, err
}

func (s *Server) addTerm(w http.ResponseWriter, r *http.Request, a *adminRequest, tax blog.Taxonomy) error {
	t, form, err := termFromForm(r, tax)
	if err == nil {
		err = s.store.CreateTerm(r.Context(), &t)
	}
	if err != nil {
		msg, status, err := formError(err)
		if err != nil {
			return err
		}
		form.Error = msg
		return s.renderTermList(w, r, a, tax, form, status)
	}
	s.log.InfoContext(r.Context(), "term added", "user", a.user.ID, "taxonomy", tax, "term", t.ID)
	http.Redirect(w, r, s.withNotice(termsBase(tax), fmt.Sprintf("Added the %s “%s”.", tax, t.Name)), http.StatusSeeOther)
	return nil
}

// termEditPage changes one category or tag, or deletes it.
type termEditPage struct {
	adminPage
	termNames
	ID       int64
	URL      string // its public archive, as it is now
	Posts    int
	Children int
	Parents  []termOption
	Form     termForm
}

func (s *Server) editTerm(w http.ResponseWriter, r *http.Request, a *adminRequest, tax blog.Taxonomy) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	terms, counts, err := s.store.Terms(r.Context(), tax)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(terms, func(t blog.Term) bool { return t.ID == id })
	if i < 0 {
		return errNotFound
	}
	current := terms[i]
	names := newTermNames(tax)
	form, status := termForm{Name: current.Name, Slug: current.Slug, ParentID: current.ParentID}, http.StatusOK
	if r.Method == http.MethodPost {
		var t blog.Term
		t, form, err = termFromForm(r, tax)
		if err == nil {
			t.ID = id
			err = s.store.UpdateTerm(r.Context(), t)
		}
		if err == nil {
			s.log.InfoContext(r.Context(), "term changed", "user", a.user.ID, "taxonomy", tax, "term", id)
			http.Redirect(w, r, s.withNotice(names.Base, fmt.Sprintf("Saved the %s “%s”.", tax, strings.TrimSpace(t.Name))), http.StatusSeeOther)
			return nil
		}
		if form.Error, status, err = formError(err); err != nil {
			return err
		}
	}
	base, err := s.adminBase(r, a, "Edit "+string(tax))
	if err != nil {
		return err
	}
	v := &termEditPage{adminPage: base, termNames: names, ID: id, URL: blog.TermPath(&current), Posts: counts[id], Form: form}
	if tax == blog.Category {
		v.Parents = parentOptions(terms, id, form.ParentID)
		for _, t := range terms {
			if t.ParentID == id {
				v.Children++
			}
		}
	}
	return s.views.render(w, status, "admin/term-edit", v)
}

func (s *Server) deleteTerm(w http.ResponseWriter, r *http.Request, a *adminRequest, tax blog.Taxonomy) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	t, err := s.store.Term(r.Context(), id)
	if err != nil {
		return err
	}
	if t.Taxonomy != tax {
		return errNotFound
	}
	if err := s.store.DeleteTerm(r.Context(), id); err != nil {
		return err
	}
	s.log.InfoContext(r.Context(), "term deleted", "user", a.user.ID, "taxonomy", tax, "term", id)
	http.Redirect(w, r, s.withNotice(termsBase(tax), fmt.Sprintf("Deleted the %s “%s”.", tax, t.Name)), http.StatusSeeOther)
	return nil
}

// ---- Users ----

type usersPage struct {
	adminPage
	Users []userRow
}

type userRow struct {
	ID        int64
	Name      string
	Email     string
	Role      string
	AuthorURL string
	Posts     int
	You       bool
}

func (s *Server) userList(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	users, err := s.store.Users(r.Context())
	if err != nil {
		return err
	}
	counts, err := s.store.UserPostCounts(r.Context())
	if err != nil {
		return err
	}
	base, err := s.adminBase(r, a, "Users")
	if err != nil {
		return err
	}
	v := &usersPage{adminPage: base}
	for _, u := range users {
		v.Users = append(v.Users, userRow{ID: u.ID, Name: u.Name, Email: u.Email, Role: string(u.Role), AuthorURL: blog.AuthorPath(u.Slug),
			Posts: counts[u.ID], You: u.ID == a.user.ID})
	}
	return s.views.render(w, http.StatusOK, "admin/users", v)
}

// userFormPage adds a user (New) or edits one.
type userFormPage struct {
	adminPage
	New    bool
	ID     int64
	Name   string
	Email  string
	Role   string
	Roles  []roleOption
	Posts  int
	You    bool
	Errors map[string]string
	Error  string
}

type roleOption struct {
	Value    string
	Label    string
	Help     string
	Selected bool
}

func roleOptions(selected string) []roleOption {
	help := map[blog.Role]string{
		blog.RoleAdmin:       "everything, including users and settings",
		blog.RoleEditor:      "all posts, comments, categories and tags",
		blog.RoleAuthor:      "publishes their own posts and moderates comments on them",
		blog.RoleContributor: "writes drafts and submits them for review",
	}
	opts := make([]roleOption, 0, len(blog.Roles))
	for _, r := range blog.Roles {
		opts = append(opts, roleOption{Value: string(r), Label: strings.ToUpper(string(r)[:1]) + string(r)[1:], Help: help[r], Selected: string(r) == selected})
	}
	return opts
}

// userFromForm reads the name, email and role fields, and says what is wrong with each. User.Validate stays the one
// place that knows the rules: once the email and role pass, anything it still refuses is about the name.
func userFromForm(r *http.Request) (blog.User, map[string]string) {
	u := blog.User{Email: blog.NormalizeEmail(r.PostFormValue("email")), Name: strings.TrimSpace(r.PostFormValue("name")),
		Role: blog.Role(r.PostFormValue("role"))}
	u.Slug = blog.Slugify(u.Name)
	errs := map[string]string{}
	if err := blog.ValidateEmail(u.Email); err != nil {
		errs["email"] = blog.ErrorMessage(err)
	}
	if _, err := blog.ParseRole(string(u.Role)); err != nil {
		errs["role"] = "Choose a role."
	}
	if len(errs) == 0 {
		if err := u.Validate(); err != nil {
			errs["name"] = blog.ErrorMessage(err)
		}
	} else if u.Name == "" {
		errs["name"] = "a name is required"
	}
	return u, errs
}

func (s *Server) newUser(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	base, err := s.adminBase(r, a, "Add a user")
	if err != nil {
		return err
	}
	v := &userFormPage{adminPage: base, New: true, Role: string(blog.RoleAuthor)}
	status := http.StatusOK
	if r.Method == http.MethodPost {
		u, errs := userFromForm(r)
		v.Name, v.Email, v.Role, v.Errors = r.PostFormValue("name"), r.PostFormValue("email"), r.PostFormValue("role"), errs
		password := r.PostFormValue("password")
		if err := blog.ValidatePassword(password); err != nil {
			errs["password"] = blog.ErrorMessage(err)
		} else if password != r.PostFormValue("password2") {
			errs["password2"] = "the two passwords are not the same"
		}
		if len(errs) == 0 {
			if u.PasswordHash, err = s.hashPassword(password); err != nil {
				return fmt.Errorf("hash password: %w", err)
			}
			err = s.store.CreateUser(r.Context(), &u)
			if err == nil {
				s.log.InfoContext(r.Context(), "user added", "by", a.user.ID, "user", u.ID, "role", u.Role)
				http.Redirect(w, r, s.withNotice("/admin/users/", fmt.Sprintf("Added %s as %s.", u.Name, articled(u.Role))), http.StatusSeeOther)
				return nil
			}
			msg, code, err := formError(err)
			if err != nil {
				return err
			}
			errs["email"], status = msg, code // the only conflict a new user can meet
		} else {
			status = http.StatusUnprocessableEntity
		}
	}
	v.Roles = roleOptions(v.Role)
	return s.views.render(w, status, "admin/user-edit", v)
}

// editUser changes a user's name, email and role. A change of role signs them out everywhere (the store does so in
// the same transaction), and the last administrator keeps the role.
func (s *Server) editUser(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	old, err := s.store.UserByID(r.Context(), id)
	if err != nil {
		return err
	}
	counts, err := s.store.UserPostCounts(r.Context())
	if err != nil {
		return err
	}
	base, err := s.adminBase(r, a, "Edit "+old.Name)
	if err != nil {
		return err
	}
	v := &userFormPage{adminPage: base, ID: id, Name: old.Name, Email: old.Email, Role: string(old.Role), Posts: counts[id], You: id == a.user.ID}
	status := http.StatusOK
	if r.Method == http.MethodPost {
		u, errs := userFromForm(r)
		v.Name, v.Email, v.Role, v.Errors = r.PostFormValue("name"), r.PostFormValue("email"), r.PostFormValue("role"), errs
		status = http.StatusUnprocessableEntity
		if len(errs) == 0 {
			u.ID = id
			err := s.store.EditUser(r.Context(), u)
			if err == nil {
				s.log.InfoContext(r.Context(), "user changed", "by", a.user.ID, "user", id, "role", u.Role)
				notice := fmt.Sprintf("Saved %s.", u.Name)
				if u.Role != old.Role {
					notice = fmt.Sprintf("Saved %s, now %s, and signed them out everywhere.", u.Name, articled(u.Role))
				}
				http.Redirect(w, r, s.withNotice("/admin/users/", notice), http.StatusSeeOther)
				return nil
			}
			if v.Error, status, err = formError(err); err != nil {
				return err
			}
		}
	}
	v.Roles = roleOptions(v.Role)
	return s.views.render(w, status, "admin/user-edit", v)
}

// userDeletePage confirms a deletion and asks who gets the user's posts.
type userDeletePage struct {
	adminPage
	ID    int64
	Name  string
	Email string
	Posts int
	You   bool
	Heirs []termOption
	Error string
}

func (s *Server) deleteUser(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	users, err := s.store.Users(r.Context())
	if err != nil {
		return err
	}
	i := slices.IndexFunc(users, func(u blog.User) bool { return u.ID == id })
	if i < 0 {
		return errNotFound
	}
	victim := users[i]
	counts, err := s.store.UserPostCounts(r.Context())
	if err != nil {
		return err
	}
	var heir int64
	status, msg := http.StatusOK, ""
	if r.Method == http.MethodPost {
		j := -1
		if heir, err = strconv.ParseInt(r.PostFormValue("heir"), 10, 64); err == nil {
			j = slices.IndexFunc(users, func(u blog.User) bool { return u.ID == heir })
		}
		if j < 0 || heir == id {
			status, msg = http.StatusUnprocessableEntity, "Choose who will own their posts and pages."
		} else if err := s.store.DeleteUser(r.Context(), id, heir); err != nil {
			if msg, status, err = formError(err); err != nil {
				return err
			}
		} else {
			s.log.InfoContext(r.Context(), "user deleted", "by", a.user.ID, "user", id, "heir", heir)
			if id == a.user.ID {
				http.Redirect(w, r, "/admin/signin/", http.StatusSeeOther)
				return nil
			}
			http.Redirect(w, r, s.withNotice("/admin/users/", fmt.Sprintf("Deleted %s; their posts now belong to %s.", victim.Name, users[j].Name)), http.StatusSeeOther)
			return nil
		}
	}
	base, err := s.adminBase(r, a, "Delete user")
	if err != nil {
		return err
	}
	v := &userDeletePage{adminPage: base, ID: id, Name: victim.Name, Email: victim.Email, Posts: counts[id], You: id == a.user.ID, Error: msg}
	for _, u := range users {
		if u.ID != id {
			v.Heirs = append(v.Heirs, termOption{ID: u.ID, Label: fmt.Sprintf("%s (%s, %s)", u.Name, u.Email, u.Role), Selected: u.ID == heir})
		}
	}
	return s.views.render(w, status, "admin/user-delete", v)
}

// articled is a role with its article: "an editor", "a contributor".
func articled(r blog.Role) string {
	switch r {
	case blog.RoleAdmin, blog.RoleEditor, blog.RoleAuthor:
		return "an " + string(r)
	}
	return "a " + string(r)
}

// ---- Settings ----

// settingsPage is one form for every setting, grouped as WordPress's settings screens are.
type settingsPage struct {
	adminPage
	Groups []settingsGroup
	Failed bool
	Mail   mailStatus
}

type settingsGroup struct {
	Title  string
	Fields []settingField
}

// settingField is one setting's input: Kind is text, url, number, timezone, checkbox, textarea or radio.
type settingField struct {
	Key     string
	Label   string
	Help    string
	Kind    string
	Value   string
	Checked bool
	Options []settingOption
	Error   string
}

type settingOption struct {
	Value   string
	Label   string
	Example string
	Checked bool
}

// settingInput is how the form asks for one setting.
type settingInput struct {
	group string
	label string
	kind  string
	help  string // "" shows the setting's own help
}

// settingGroups orders the form's sections; a setting not in settingInputs lands in the last, as a text box, so
// that a new setting is never missing from the form.
var settingGroups = []string{"General", "Reading", "Permalinks", "Discussion", "Email notifications", "Other"}

var settingInputs = map[string]settingInput{
	"notify_moderators":           {"Email notifications", "Email editors and administrators", "checkbox", "About new and held comments on every post; off, only each post's author hears of its comments."},
	"notify_digest_minutes":       {"Email notifications", "Minutes between emails to a subscriber", "number", "At most one email per thread in this time; comments that come meanwhile arrive together in the next one."},
	"title":                       {"General", "Site title", "text", "The site's name, at the top of every page and in feeds."},
	"tagline":                     {"General", "Tagline", "text", "In a few words, what the site is about."},
	"url":                         {"General", "Site address (URL)", "url", "Such as https://example.com. Leave it empty to use the address each visitor asked for."},
	"language":                    {"General", "Language", "text", "A language tag such as en or fr-CA."},
	"timezone":                    {"General", "Time zone", "timezone", ""},
	"date_format":                 {"General", "Date format", "radio", "How posts and comments show their dates."},
	"posts_per_page":              {"Reading", "Posts per page", "number", "On the home page and in archives (1 to 100)."},
	"feed_items":                  {"Reading", "Posts in each feed", "number", "1 to 100."},
	"permalink":                   {"Permalinks", "Post URLs", "radio", "Old URLs keep working after a change: they redirect."},
	"comments_enabled":            {"Discussion", "Allow people to comment on posts", "checkbox", "Off closes every thread."},
	"comment_moderation":          {"Discussion", "Hold every comment for moderation", "checkbox", "No comment appears before a moderator approves it."},
	"comment_previously_approved": {"Discussion", "Approve at once a commenter who has an approved comment", "checkbox", "Known by their email address."},
	"comment_max_links":           {"Discussion", "Hold a comment with this many links or more", "number", "0: never hold for links."},
	"moderation_keys":             {"Discussion", "Hold comments containing", "textarea", "Words or phrases, one per line, in the name, email, website, address or text."},
	"disallowed_keys":             {"Discussion", "Send to spam comments containing", "textarea", "Words or phrases, one per line."},
	"close_comments_days_old":     {"Discussion", "Close comments on posts older than this many days", "number", "0: never."},
	"thread_comments_depth":       {"Discussion", "Nest replies this many levels deep", "number", "1: no nesting; at most 10."},
	"comments_per_page":           {"Discussion", "Top-level comments per page", "number", "0: all comments on one page."},
	"comment_order":               {"Discussion", "Show comments", "radio", ""},
	"gravatar":                    {"Discussion", "Show Gravatar images", "checkbox", "Sends a hash of each commenter's email to Gravatar; off shows local avatars."},
	"comment_edit_minutes":        {"Discussion", "Minutes a commenter may edit or delete their comment", "number", "0 to 1440."},
	"trash_days":                  {"Discussion", "Days before trashed and spam comments are deleted", "number", "1 to 3650."},
	"comment_min_seconds":         {"Discussion", "Seconds a reader must spend on the form before sending it", "number", "Faster is taken for a robot and refused with a request to wait. 0: never refuse; at most 3600."},
	"comment_ip_days":             {"Discussion", "Days commenters' IP addresses are kept", "number", "Then they are erased, as the privacy page says. 1 to 3650."},
}

// settingError words a setting's refusal for the form, under the setting's own label: the store's message names
// the key ("posts_per_page must be …"), which the form does not show.
func settingError(key, msg string) string {
	return asSentence(strings.TrimPrefix(msg, key+" "))
}

// siteSettings shows the settings form and saves it. Every value is checked before any is saved, by the same rules
// the store applies, so that a refused form changes nothing; then each changed setting is saved through the store.
func (s *Server) siteSettings(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	values, errs := map[string]string{}, map[string]string{}
	status := http.StatusOK
	if r.Method == http.MethodPost {
		next := a.settings
		for _, k := range blog.SettingKeys {
			v, sent := k.Get(&a.settings), r.PostForm.Has(k.Key)
			if settingKind(k.Key) == "checkbox" {
				v = map[bool]string{true: "on", false: "off"}[sent]
			} else if sent {
				v = r.PostFormValue(k.Key)
			}
			values[k.Key] = v
			if err := k.Set(&next, v); err != nil {
				if blog.ErrorCode(err) != blog.EINVALID {
					return err
				}
				errs[k.Key] = settingError(k.Key, blog.ErrorMessage(err))
			}
		}
		if len(errs) == 0 {
			var changed []string
			for _, k := range blog.SettingKeys {
				if v := k.Get(&next); v != k.Get(&a.settings) {
					if err := s.store.SetSetting(r.Context(), k.Key, v); err != nil {
						return err
					}
					changed = append(changed, k.Key)
				}
			}
			s.log.InfoContext(r.Context(), "settings saved", "user", a.user.ID, "changed", changed)
			http.Redirect(w, r, s.withNotice("/admin/settings/", "Settings saved."), http.StatusSeeOther)
			return nil
		}
		status = http.StatusUnprocessableEntity
	}
	base, err := s.adminBase(r, a, "Settings")
	if err != nil {
		return err
	}
	v := &settingsPage{adminPage: base, Failed: len(errs) > 0, Mail: s.mailStatus()}
	groups := map[string][]settingField{}
	for _, k := range blog.SettingKeys {
		value, ok := values[k.Key]
		if !ok {
			value = k.Get(&a.settings)
		}
		in, known := settingInputs[k.Key]
		if !known {
			in = settingInput{group: "Other", label: k.Key, kind: "text"}
		}
		f := settingField{Key: k.Key, Label: in.label, Help: in.help, Kind: in.kind, Value: value, Checked: value == "on", Error: errs[k.Key]}
		if f.Help == "" {
			f.Help = k.Help
		}
		switch k.Key {
		case "timezone":
			f.Help = fmt.Sprintf("An IANA time zone name such as Europe/Paris or America/New_York. It is now %s in %s.",
				a.now.In(a.loc).Format("15:04"), a.settings.TimeZone)
		case "date_format", "permalink", "comment_order":
			f.Options = s.settingOptions(k.Key, value, a)
		}
		groups[in.group] = append(groups[in.group], f)
	}
	for _, g := range settingGroups {
		if len(groups[g]) > 0 {
			v.Groups = append(v.Groups, settingsGroup{Title: g, Fields: groups[g]})
		}
	}
	return s.views.render(w, status, "admin/settings", v)
}

func settingKind(key string) string {
	if in, ok := settingInputs[key]; ok {
		return in.kind
	}
	return "text"
}

// settingOptions are the choices of a setting shown as radio buttons, each with an example of what it gives.
func (s *Server) settingOptions(key, value string, a *adminRequest) []settingOption {
	var opts []settingOption
	switch key {
	case "date_format":
		now := a.now.In(a.loc)
		for _, layout := range blog.DateFormats {
			opts = append(opts, settingOption{Value: layout, Label: now.Format(layout)})
		}
	case "permalink":
		sample := blog.Post{Type: blog.TypePost, Slug: "sample-post", Published: a.now}
		for _, o := range []struct {
			style blog.PermalinkStyle
			label string
		}{{blog.PermalinkDay, "Day and name"}, {blog.PermalinkMonth, "Month and name"}, {blog.PermalinkPlain, "Post name"}} {
			st := a.settings
			st.Permalink = o.style
			opts = append(opts, settingOption{Value: string(o.style), Label: o.label, Example: a.base + st.PostPath(&sample)})
		}
	case "comment_order":
		opts = []settingOption{{Value: "oldest", Label: "Oldest first"}, {Value: "newest", Label: "Newest first"}}
	}
	for i := range opts {
		opts[i].Checked = opts[i].Value == value
	}
	return opts
}
