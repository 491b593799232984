package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alexedwards/argon2id"
	"github.com/google/go-cmp/cmp"
	"golang.org/x/net/html"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/post"
	"github.com/salon-blog/salon/internal/store"
	"github.com/salon-blog/salon/internal/web"
)

const staffPassword = "correct horse"

// staffNames are the people of the site-admin tests, one a role. Ann, the administrator newSite creates, is given a
// password so that she can sign in.
var staffNames = map[blog.Role][2]string{
	blog.RoleAdmin:       {"ann@example.com", "Ann Writer"},
	blog.RoleEditor:      {"ed@example.com", "Ed Editor"},
	blog.RoleAuthor:      {"ari@example.com", "Ari Author"},
	blog.RoleContributor: {"cy@example.com", "Cy Contributor"},
}

// staff are a site's signed-in users, one a role, each in a browser of their own.
type staff struct {
	readers map[blog.Role]*reader
	users   map[blog.Role]blog.User
}

func newStaff(t *testing.T, s *site) staff {
	t.Helper()
	st := staff{readers: map[blog.Role]*reader{}, users: map[blog.Role]blog.User{}}
	for i, role := range blog.Roles {
		email, name := staffNames[role][0], staffNames[role][1]
		var u blog.User
		if role == blog.RoleAdmin {
			u = s.setPassword(t, email, staffPassword)
		} else {
			u = s.addUser(t, email, name, role, staffPassword)
		}
		rd := s.reader(t, fmt.Sprintf("198.51.100.%d", 10+i))
		rd.signIn(t, email, staffPassword)
		st.readers[role], st.users[role] = rd, u
	}
	return st
}

func (s *site) setPassword(t *testing.T, email, password string) blog.User {
	t.Helper()
	u, err := s.store.UserByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	hash, err := argon2id.CreateHash(password, cheapParams)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.store.SetPassword(context.Background(), u.ID, hash); err != nil {
		t.Fatal(err)
	}
	return u
}

// send posts a form with the page's form token, as a browser would.
func (rd *reader) send(t *testing.T, path string, form url.Values) response {
	t.Helper()
	f := url.Values{"csrf": {csrf(t, rd.get(t, "/admin/"))}}
	for k, v := range form {
		f[k] = v
	}
	return rd.post(t, path, f)
}

// formValues reads a page's form as a browser would submit it: inputs with their values, checked boxes and radios
// only, textareas and selects.
func formValues(doc *html.Node, action string) url.Values {
	v := url.Values{}
	for _, form := range find(doc, "form") {
		if attr(form, "action") != action {
			continue
		}
		for _, in := range find(form, "input") {
			switch attr(in, "type") {
			case "checkbox", "radio":
				if hasAttr(in, "checked") {
					v.Add(attr(in, "name"), attr(in, "value"))
				}
			case "submit":
			default:
				v.Add(attr(in, "name"), attr(in, "value"))
			}
		}
		for _, ta := range find(form, "textarea") {
			value := ""
			if ta.FirstChild != nil {
				value = ta.FirstChild.Data
			}
			v.Add(attr(ta, "name"), value)
		}
		for _, sel := range find(form, "select") {
			for _, o := range find(sel, "option") {
				if hasAttr(o, "selected") {
					v.Add(attr(sel, "name"), attr(o, "value"))
				}
			}
		}
	}
	return v
}

func hasAttr(n *html.Node, name string) bool {
	for _, a := range n.Attr {
		if a.Key == name {
			return true
		}
	}
	return false
}

// fieldError is the message shown beside a setting or field, found by the id of its wrapper.
func fieldError(doc *html.Node, id string) string {
	return strings.Join(texts(find(doc, "#"+id+" .field-error")), " ")
}

func idOf(t *testing.T, s *site, tax blog.Taxonomy, slug string) string {
	t.Helper()
	term, err := s.store.TermBySlug(context.Background(), tax, slug)
	if err != nil {
		t.Fatal(err)
	}
	return strconv.FormatInt(term.ID, 10)
}

// Every screen refuses the roles that may not use it, on GET and on POST, and every POST needs the form token.
func TestSiteAdminRoles(t *testing.T) {
	s := newSite(t, nil, nil)
	st := newStaff(t, s)
	s.add(t, post.Draft{Title: "Filed", Body: "x", Categories: []string{"Politics"}, Tags: []string{"Go"}, Date: start.Add(-time.Hour)})
	cat, tag := idOf(t, s, blog.Category, "politics"), idOf(t, s, blog.Tag, "go")
	ari := strconv.FormatInt(st.users[blog.RoleAuthor].ID, 10)
	editors := []blog.Role{blog.RoleAdmin, blog.RoleEditor}
	admins := []blog.Role{blog.RoleAdmin}
	tests := []struct {
		method, path string
		form         url.Values
		allowed      []blog.Role
	}{
		{"GET", "/admin/", nil, blog.Roles},
		{"GET", "/admin/categories/", nil, editors},
		{"POST", "/admin/categories/", url.Values{"name": {"Forbidden"}}, editors},
		{"GET", "/admin/categories/" + cat + "/edit/", nil, editors},
		{"POST", "/admin/categories/" + cat + "/edit/", url.Values{"name": {"Forbidden"}, "slug": {"forbidden"}}, editors},
		{"POST", "/admin/categories/" + cat + "/delete/", nil, editors},
		{"GET", "/admin/tags/", nil, editors},
		{"POST", "/admin/tags/", url.Values{"name": {"Forbidden"}}, editors},
		{"GET", "/admin/tags/" + tag + "/edit/", nil, editors},
		{"POST", "/admin/tags/" + tag + "/edit/", url.Values{"name": {"Forbidden"}}, editors},
		{"POST", "/admin/tags/" + tag + "/delete/", nil, editors},
		{"GET", "/admin/users/", nil, admins},
		{"GET", "/admin/users/new/", nil, admins},
		{"POST", "/admin/users/new/", url.Values{"name": {"Mallory"}, "email": {"mallory@example.com"}, "role": {"admin"},
			"password": {"long enough pass"}, "password2": {"long enough pass"}}, admins},
		{"GET", "/admin/users/" + ari + "/edit/", nil, admins},
		{"POST", "/admin/users/" + ari + "/edit/", url.Values{"name": {"Ari"}, "email": {"ari@example.com"}, "role": {"admin"}}, admins},
		{"GET", "/admin/users/" + ari + "/delete/", nil, admins},
		{"POST", "/admin/users/" + ari + "/delete/", url.Values{"heir": {"1"}}, admins},
		{"GET", "/admin/settings/", nil, admins},
		{"POST", "/admin/settings/", url.Values{"title": {"Hacked"}}, admins},
	}
	signedOut := s.reader(t, "198.51.100.99")
	for _, tt := range tests {
		for _, role := range blog.Roles {
			allowed := false
			for _, r := range tt.allowed {
				allowed = allowed || r == role
			}
			rd := st.readers[role]
			if tt.method == "GET" {
				r := rd.get(t, tt.path)
				if want := map[bool]int{true: 200, false: 403}[allowed]; r.status != want {
					t.Errorf("GET %s as %s = %d; want %d", tt.path, role, r.status, want)
				}
				continue
			}
			// A forged request (no form token) is refused whoever sends it; a real one is refused by role.
			if r := rd.post(t, tt.path, tt.form); r.status != http.StatusForbidden {
				t.Errorf("POST %s as %s without the form token = %d; want 403", tt.path, role, r.status)
			}
			if !allowed {
				if r := rd.send(t, tt.path, tt.form); r.status != http.StatusForbidden {
					t.Errorf("POST %s as %s = %d; want 403", tt.path, role, r.status)
				}
			}
		}
		if tt.method == "GET" {
			if r := signedOut.get(t, tt.path); r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/admin/signin/") {
				t.Errorf("signed-out GET %s = %d %q; want a redirect to sign in", tt.path, r.status, r.header.Get("Location"))
			}
		} else if r := signedOut.post(t, tt.path, tt.form); r.status != http.StatusForbidden {
			t.Errorf("signed-out POST %s = %d; want 403", tt.path, r.status)
		}
	}
	// Nothing the refused requests asked for happened.
	ctx := context.Background()
	if settings, err := s.store.Settings(ctx); err != nil || settings.Title == "Hacked" {
		t.Errorf("settings title = %q, %v; a refused POST changed it", settings.Title, err)
	}
	for _, tax := range []blog.Taxonomy{blog.Category, blog.Tag} {
		terms, _, err := s.store.Terms(ctx, tax)
		if err != nil || len(terms) != 1 || terms[0].Name == "Forbidden" {
			t.Errorf("%s terms after refused requests = %+v, %v; want the one, unchanged", tax, terms, err)
		}
	}
	if u, err := s.store.UserByID(ctx, st.users[blog.RoleAuthor].ID); err != nil || u.Role != blog.RoleAuthor {
		t.Errorf("Ari after refused requests = %v, %v; want an author still", u.Role, err)
	}
	if _, err := s.store.UserByEmail(ctx, "mallory@example.com"); blog.ErrorCode(err) != blog.ENOTFOUND {
		t.Errorf("a refused request added a user: %v", err)
	}
}

func TestDashboard(t *testing.T) {
	s := newSite(t, nil, nil)
	st := newStaff(t, s)
	ctx := context.Background()
	ari, cy := st.users[blog.RoleAuthor], st.users[blog.RoleContributor]
	s.add(t, post.Draft{Title: "Ann's draft", Status: blog.StatusDraft, Body: "x"})
	s.add(t, post.Draft{Title: "Ari's draft", Status: blog.StatusDraft, Body: "x", AuthorEmail: ari.Email})
	s.add(t, post.Draft{Title: "Cy's submission", Status: blog.StatusPending, Body: "x", AuthorEmail: cy.Email})
	s.add(t, post.Draft{Title: "Ari's scheduled", Status: blog.StatusFuture, Body: "x", AuthorEmail: ari.Email, Date: start.Add(48 * time.Hour)})
	s.add(t, post.Draft{Title: "Ann's scheduled", Status: blog.StatusFuture, Body: "x", Date: start.Add(24 * time.Hour)})
	s.add(t, post.Draft{Title: "Gone live", Status: blog.StatusFuture, Body: "x", Date: start.Add(time.Hour)}) // its time comes below
	annPost := s.add(t, post.Draft{Title: "The debate", Body: "x", Date: start.Add(-48 * time.Hour)})
	ariPost := s.add(t, post.Draft{Title: "Ari's essay", Body: "x", AuthorEmail: ari.Email, Date: start.Add(-48 * time.Hour)})
	for i, c := range []struct {
		post   int64
		author string
		status blog.CommentStatus
	}{{annPost.ID, "Reader One", blog.CommentApproved}, {ariPost.ID, "Reader Two", blog.CommentApproved}, {annPost.ID, "Spammer", blog.CommentPending}} {
		when := start.Add(time.Duration(i-10) * time.Minute)
		cm := blog.Comment{PostID: c.post, AuthorName: c.author, AuthorEmail: "r@example.org", Body: "Said " + c.author + ".",
			HTML: "<p>Said.</p>", Status: c.status, Created: when, Updated: when}
		if err := s.store.CreateComment(ctx, &cm); err != nil {
			t.Fatal(err)
		}
	}

	s.clock.advance(2 * time.Hour)
	// Editors and administrators see everyone's, with their authors; scheduled posts soonest first, with when they go live.
	allDrafts := []string{"Cy's submission pending review Cy Contributor · saved June 10, 2024 at 12:00 pm",
		"Ari's draft Ari Author · saved June 10, 2024 at 12:00 pm", "Ann's draft Ann Writer · saved June 10, 2024 at 12:00 pm"}
	allScheduled := []string{"Ann's scheduled Ann Writer · goes live June 11, 2024 at 12:00 pm", "Ari's scheduled Ari Author · goes live June 12, 2024 at 12:00 pm"}
	tests := []struct {
		role      blog.Role
		drafts    []string
		scheduled []string
		awaiting  string // "" when the moderation box is hidden
		comments  []string
	}{
		{blog.RoleAdmin, allDrafts, allScheduled, "1 comment awaiting moderation", []string{"Reader Two on Ari's essay", "Reader One on The debate"}},
		{blog.RoleEditor, allDrafts, allScheduled, "1 comment awaiting moderation", []string{"Reader Two on Ari's essay", "Reader One on The debate"}},
		{blog.RoleAuthor, []string{"Ari's draft saved June 10, 2024 at 12:00 pm"}, []string{"Ari's scheduled goes live June 12, 2024 at 12:00 pm"},
			"No comment is waiting.", []string{"Reader Two on Ari's essay"}},
		{blog.RoleContributor, []string{"Cy's submission pending review saved June 10, 2024 at 12:00 pm"}, []string{}, "", nil},
	}
	for _, tt := range tests {
		r := st.readers[tt.role].get(t, "/admin/")
		if r.status != 200 {
			t.Fatalf("dashboard as %s = %d", tt.role, r.status)
		}
		if diff := cmp.Diff(tt.drafts, texts(find(r.doc, "section[aria-labelledby=drafts-heading] li"))); diff != "" {
			t.Errorf("drafts as %s (-want +got):\n%s", tt.role, diff)
		}
		if diff := cmp.Diff(tt.scheduled, texts(find(r.doc, "section[aria-labelledby=scheduled-heading] li"))); diff != "" {
			t.Errorf("scheduled as %s (-want +got):\n%s", tt.role, diff)
		}
		if got := strings.TrimSpace(text(first(r.doc, ".awaiting"))); got != tt.awaiting {
			t.Errorf("awaiting moderation as %s = %q; want %q", tt.role, got, tt.awaiting)
		}
		var comments []string
		for _, li := range find(r.doc, ".recent-comments li") {
			comments = append(comments, text(first(li, "strong"))+" on "+text(first(li, "a")))
		}
		if diff := cmp.Diff(tt.comments, comments); diff != "" {
			t.Errorf("recent comments as %s (-want +got):\n%s", tt.role, diff)
		}
		if got := attr(first(r.doc, ".dashboard-write a"), "href"); got != "/admin/posts/new/" {
			t.Errorf("Write a new post as %s links to %q", tt.role, got)
		}
	}
	r := st.readers[blog.RoleAdmin].get(t, "/admin/")
	if got := attr(first(r.doc, ".awaiting a"), "href"); got != "/admin/comments/?status=pending" {
		t.Errorf("the awaiting-moderation link goes to %q", got)
	}
}

func first(n *html.Node, selector string) *html.Node {
	if all := find(n, selector); len(all) > 0 {
		return all[0]
	}
	return &html.Node{Type: html.ElementNode}
}

// callCounter counts the store calls a page makes, to prove the dashboard asks a fixed number of questions.
type callCounter struct {
	*store.Store
	calls atomic.Int32
}

func (c *callCounter) Posts(ctx context.Context, f blog.PostFilter) ([]blog.Post, int, error) {
	c.calls.Add(1)
	return c.Store.Posts(ctx, f)
}

func (c *callCounter) Comments(ctx context.Context, f blog.CommentFilter) ([]blog.CommentInContext, int, error) {
	c.calls.Add(1)
	return c.Store.Comments(ctx, f)
}

func (c *callCounter) Post(ctx context.Context, id int64) (blog.Post, error) {
	c.calls.Add(1)
	return c.Store.Post(ctx, id)
}

func (c *callCounter) UserByID(ctx context.Context, id int64) (blog.User, error) {
	c.calls.Add(1)
	return c.Store.UserByID(ctx, id)
}

func TestDashboardFixedQueries(t *testing.T) {
	s := newSite(t, nil, nil)
	counter := &callCounter{Store: s.store}
	counted := *s
	counted.srv = startSiteWith(t, web.Config{Store: counter, Now: s.clock.Now, PasswordParams: cheapParams})
	s.setPassword(t, "ann@example.com", staffPassword)
	rd := counted.reader(t, "198.51.100.1")
	rd.signIn(t, "ann@example.com", staffPassword)
	calls := func() int32 {
		counter.calls.Store(0)
		if r := rd.get(t, "/admin/"); r.status != 200 {
			t.Fatalf("dashboard = %d", r.status)
		}
		return counter.calls.Load()
	}
	few := calls()
	for i := range 12 {
		p := s.add(t, post.Draft{Title: fmt.Sprintf("Post %d", i), Body: "x", Date: start.Add(-time.Hour)})
		s.add(t, post.Draft{Title: fmt.Sprintf("Draft %d", i), Status: blog.StatusDraft, Body: "x"})
		s.add(t, post.Draft{Title: fmt.Sprintf("Later %d", i), Status: blog.StatusFuture, Body: "x", Date: start.Add(time.Hour)})
		cm := blog.Comment{PostID: p.ID, AuthorName: "R", AuthorEmail: "r@example.org", Body: "Hi.", HTML: "<p>Hi.</p>", Status: blog.CommentApproved, Created: start, Updated: start}
		if err := s.store.CreateComment(context.Background(), &cm); err != nil {
			t.Fatal(err)
		}
	}
	if many := calls(); many != few {
		t.Errorf("the dashboard made %d store calls on an empty site and %d on a full one; want the same", few, many)
	}
}

func TestTermsScreen(t *testing.T) {
	s := newSite(t, nil, nil)
	st := newStaff(t, s)
	ed := st.readers[blog.RoleEditor]
	hello := s.add(t, post.Draft{Title: "Hello", Body: "x", Date: start.Add(-time.Hour), Categories: []string{"Politics/Elections"}, Tags: []string{"Go"}})
	s.add(t, post.Draft{Title: "Second", Body: "x", Date: start.Add(-2 * time.Hour), Categories: []string{"Politics"}, Tags: []string{"Go"}})

	rows := func(path string) []string {
		t.Helper()
		r := ed.get(t, path)
		if r.status != 200 {
			t.Fatalf("GET %s = %d", path, r.status)
		}
		var out []string
		for _, tr := range find(r.doc, "tbody tr") {
			cells := find(tr, "td")
			out = append(out, text(first(cells[0], "a"))+" "+text(cells[1])+" "+text(cells[2]))
		}
		return out
	}
	if diff := cmp.Diff([]string{"Politics politics 1", "Elections politics/elections 1"}, rows("/admin/categories/")); diff != "" {
		t.Errorf("categories (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"Go go 2"}, rows("/admin/tags/")); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}

	// Add: under a parent, with a slug made from the name or typed.
	elections := idOf(t, s, blog.Category, "elections")
	if r := ed.send(t, "/admin/categories/", url.Values{"name": {"Local"}, "parent": {elections}}); r.status != http.StatusSeeOther ||
		!strings.Contains(r.header.Get("Location"), "done=") {
		t.Fatalf("add Local = %d %q", r.status, r.header.Get("Location"))
	}
	if r := ed.send(t, "/admin/tags/", url.Values{"name": {"Web Design"}, "slug": {"webdesign"}}); r.status != http.StatusSeeOther {
		t.Fatalf("add tag = %d", r.status)
	}
	if diff := cmp.Diff([]string{"Politics politics 1", "Elections politics/elections 1", "Local politics/elections/local 0"}, rows("/admin/categories/")); diff != "" {
		t.Errorf("categories after adding Local (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"Go go 2", "Web Design webdesign 0"}, rows("/admin/tags/")); diff != "" {
		t.Errorf("tags after adding one (-want +got):\n%s", diff)
	}

	// Refused: the form comes back with what was typed and why.
	for _, tt := range []struct {
		form   url.Values
		status int
		msg    string
	}{
		{url.Values{"name": {"Sport"}, "slug": {"Not OK"}}, 422, "is not a valid slug"},
		{url.Values{"name": {"politics"}}, 409, "already a category named"},
		{url.Values{"name": {"Sport"}, "slug": {"politics"}}, 409, "already used by the category"},
		{url.Values{"name": {""}}, 422, "the name is empty"},
		{url.Values{"name": {"A/B"}}, 422, "slash"},
		{url.Values{"name": {"Sport"}, "parent": {"999"}}, 422, "does not exist"},
	} {
		r := ed.send(t, "/admin/categories/", tt.form)
		if r.status != tt.status || !strings.Contains(text(first(r.doc, ".form-error")), tt.msg) {
			t.Errorf("add %v = %d %q; want %d and %q", tt.form, r.status, text(first(r.doc, ".form-error")), tt.status, tt.msg)
		}
		if got := fieldValue(r.doc, "name"); got != tt.form.Get("name") {
			t.Errorf("add %v: the name field shows %q; want it kept", tt.form, got)
		}
		if got := fieldValue(r.doc, "slug"); got != tt.form.Get("slug") {
			t.Errorf("add %v: the slug field shows %q; want it kept", tt.form, got)
		}
	}

	// Rename and re-slug a category: old archive URLs redirect, post pages link to the new ones.
	politics := idOf(t, s, blog.Category, "politics")
	edit := ed.get(t, "/admin/categories/"+politics+"/edit/")
	if edit.status != 200 || fieldValue(edit.doc, "name") != "Politics" || fieldValue(edit.doc, "slug") != "politics" {
		t.Fatalf("edit form = %d name %q", edit.status, fieldValue(edit.doc, "name"))
	}
	if got := texts(find(edit.doc, "#parent option")); !cmp.Equal(got, []string{"None"}) {
		t.Errorf("parents offered for Politics = %q; want none of its own subcategories", got)
	}
	if r := ed.send(t, "/admin/categories/"+politics+"/edit/", url.Values{"name": {"Civic Life"}, "slug": {"civics"}, "parent": {"0"}}); r.status != http.StatusSeeOther {
		t.Fatalf("save Politics = %d %s", r.status, text(first(r.doc, ".form-error")))
	}
	for old, want := range map[string]string{
		"/category/politics/":           "/category/civics/",
		"/category/politics/elections/": "/category/civics/elections/",
		"/category/politics/feed/":      "/category/civics/feed/",
	} {
		if r := s.get(t, old); r.status != http.StatusMovedPermanently || r.header.Get("Location") != want {
			t.Errorf("GET %s = %d %q; want 301 to %s", old, r.status, r.header.Get("Location"), want)
		}
	}
	if r := s.get(t, "/category/civics/"); r.status != 200 || text(first(r.doc, "h1")) != "Category: Civic Life" {
		t.Errorf("GET /category/civics/ = %d %q", r.status, text(first(r.doc, "h1")))
	}
	page := s.get(t, s.path(t, hello))
	if got := attr(first(page.doc, ".categories a"), "href"); got != "/category/civics/elections/" {
		t.Errorf("the post links its category at %q; want /category/civics/elections/", got)
	}

	// A category cannot move under its own descendant; it can move elsewhere.
	local := idOf(t, s, blog.Category, "local")
	r := ed.send(t, "/admin/categories/"+politics+"/edit/", url.Values{"name": {"Civic Life"}, "slug": {"civics"}, "parent": {local}})
	if r.status != 422 || !strings.Contains(text(first(r.doc, ".form-error")), "under itself or one of its subcategories") {
		t.Errorf("move Politics under Local = %d %q", r.status, text(first(r.doc, ".form-error")))
	}
	if r := ed.send(t, "/admin/categories/"+local+"/edit/", url.Values{"name": {"Local"}, "slug": {"local"}, "parent": {politics}}); r.status != http.StatusSeeOther {
		t.Errorf("move Local under Civic Life = %d", r.status)
	}
	if r := s.get(t, "/category/civics/elections/local/"); r.status != http.StatusMovedPermanently || r.header.Get("Location") != "/category/civics/local/" {
		t.Errorf("Local's old URL = %d %q", r.status, r.header.Get("Location"))
	}

	// Rename a tag: the post shows it under its new name and URL, and the old URL still finds it.
	goTag := idOf(t, s, blog.Tag, "go")
	if r := ed.send(t, "/admin/tags/"+goTag+"/edit/", url.Values{"name": {"Golang"}, "slug": {"golang"}}); r.status != http.StatusSeeOther {
		t.Fatalf("rename tag = %d", r.status)
	}
	page = s.get(t, s.path(t, hello))
	if a := first(page.doc, ".tags a"); attr(a, "href") != "/tag/golang/" || text(a) != "Golang" {
		t.Errorf("the post's tag = %q at %q; want Golang at /tag/golang/", text(a), attr(a, "href"))
	}
	if r := s.get(t, "/tag/go/"); !(r.status == http.StatusMovedPermanently && r.header.Get("Location") == "/tag/golang/") &&
		!(r.status == 200 && attr(first(r.doc, "link[rel=canonical]"), "href") == s.srv.URL+"/tag/golang/") {
		t.Errorf("GET /tag/go/ after the rename = %d %q; want it to lead to /tag/golang/", r.status, r.header.Get("Location"))
	}

	// Delete a category: its posts stay, its children move up.
	if r := ed.send(t, "/admin/categories/"+elections+"/delete/", nil); r.status != http.StatusSeeOther {
		t.Fatalf("delete Elections = %d", r.status)
	}
	if diff := cmp.Diff([]string{"Civic Life civics 1", "Local civics/local 0"}, rows("/admin/categories/")); diff != "" {
		t.Errorf("categories after deleting Elections (-want +got):\n%s", diff)
	}
	if r := s.get(t, s.path(t, hello)); r.status != 200 || len(find(r.doc, ".categories a")) != 0 {
		t.Errorf("the post after deleting its category = %d, categories %q", r.status, texts(find(r.doc, ".categories a")))
	}
	if r := s.get(t, "/category/civics/elections/"); r.status != 404 {
		t.Errorf("a deleted category's archive = %d; want 404", r.status)
	}

	// IDs that name nothing, or a term of the other taxonomy.
	for _, path := range []string{"/admin/categories/999/edit/", "/admin/categories/x/edit/", "/admin/tags/" + politics + "/edit/"} {
		if r := ed.get(t, path); r.status != 404 {
			t.Errorf("GET %s = %d; want 404", path, r.status)
		}
	}
	if r := ed.send(t, "/admin/tags/"+politics+"/delete/", nil); r.status != 404 {
		t.Errorf("delete a category through the tags screen = %d; want 404", r.status)
	}
}

func TestUsersScreen(t *testing.T) {
	s := newSite(t, nil, nil)
	st := newStaff(t, s)
	admin, ariReader := st.readers[blog.RoleAdmin], st.readers[blog.RoleAuthor]
	ann, ari, ed := st.users[blog.RoleAdmin], st.users[blog.RoleAuthor], st.users[blog.RoleEditor]
	essay := s.add(t, post.Draft{Title: "Ari's essay", Body: "x", AuthorEmail: ari.Email, Date: start.Add(-time.Hour)})
	s.add(t, post.Draft{Title: "Ari's draft", Status: blog.StatusDraft, Body: "x", AuthorEmail: ari.Email})

	list := admin.get(t, "/admin/users/")
	var rows []string
	for _, tr := range find(list.doc, "tbody tr") {
		cells := find(tr, "td")
		rows = append(rows, fmt.Sprintf("%s|%s|%s|%s", text(first(cells[0], "a")), text(cells[1]), text(cells[2]), text(cells[3])))
	}
	want := []string{"Ann Writer|ann@example.com|admin|0", "Bob Editor|bob@example.com|editor|0", "Ed Editor|ed@example.com|editor|0",
		"Ari Author|ari@example.com|author|2", "Cy Contributor|cy@example.com|contributor|0"}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("users (-want +got):\n%s", diff)
	}

	// Adding a user: every field is checked, and what was typed is kept (never the passwords).
	for _, tt := range []struct {
		form   url.Values
		status int
		field  string
		msg    string
	}{
		{url.Values{"name": {"Dee"}, "email": {"dee@example.com"}, "role": {"author"}, "password": {"long enough"}, "password2": {"long enougj"}}, 422, "password2", "not the same"},
		{url.Values{"name": {"Dee"}, "email": {"dee@example.com"}, "role": {"author"}, "password": {"short"}, "password2": {"short"}}, 422, "password", "at least 8"},
		{url.Values{"name": {"Dee"}, "email": {"not an email"}, "role": {"author"}, "password": {"long enough"}, "password2": {"long enough"}}, 422, "email", "not a valid email"},
		{url.Values{"name": {"Dee"}, "email": {"dee@example.com"}, "role": {"owner"}, "password": {"long enough"}, "password2": {"long enough"}}, 422, "role", "Choose a role"},
		{url.Values{"name": {"!!!"}, "email": {"dee@example.com"}, "role": {"author"}, "password": {"long enough"}, "password2": {"long enough"}}, 422, "name", "no letters or digits"},
		{url.Values{"name": {"Dee"}, "email": {"ARI@example.com"}, "role": {"author"}, "password": {"long enough"}, "password2": {"long enough"}}, 409, "email", "exists already"},
	} {
		r := admin.send(t, "/admin/users/new/", tt.form)
		if r.status != tt.status || !strings.Contains(text(first(r.doc, "#"+tt.field+"-error")), tt.msg) {
			t.Errorf("add user %v = %d, %s error %q; want %d and %q", tt.form, r.status, tt.field, text(first(r.doc, "#"+tt.field+"-error")), tt.status, tt.msg)
		}
		if fieldValue(r.doc, "name") != tt.form.Get("name") || fieldValue(r.doc, "email") != tt.form.Get("email") || fieldValue(r.doc, "password") != "" {
			t.Errorf("add user %v: the form shows name %q, email %q, password %q; want them kept, the password not",
				tt.form, fieldValue(r.doc, "name"), fieldValue(r.doc, "email"), fieldValue(r.doc, "password"))
		}
	}
	r := admin.send(t, "/admin/users/new/", url.Values{"name": {"Dee Dee"}, "email": {" Dee@Example.com "}, "role": {"editor"},
		"password": {"a fine password"}, "password2": {"a fine password"}})
	if r.status != http.StatusSeeOther || !strings.Contains(r.header.Get("Location"), "done=") {
		t.Fatalf("add Dee = %d %q", r.status, r.header.Get("Location"))
	}
	dee := s.reader(t, "198.51.100.50")
	dee.signIn(t, "dee@example.com", "a fine password")
	if r := dee.get(t, "/admin/categories/"); r.status != 200 {
		t.Errorf("Dee, an editor, on the categories screen = %d", r.status)
	}

	// Editing name and email keeps the user signed in; changing the role signs them out everywhere.
	ariID := strconv.FormatInt(ari.ID, 10)
	if f := formValues(admin.get(t, "/admin/users/"+ariID+"/edit/").doc, "/admin/users/"+ariID+"/edit/"); f.Get("role") != "author" || f.Get("email") != ari.Email {
		t.Errorf("Ari's edit form = %v", f)
	}
	if r := admin.send(t, "/admin/users/"+ariID+"/edit/", url.Values{"name": {"Ari Lee"}, "email": {"ari.lee@example.com"}, "role": {"author"}}); r.status != http.StatusSeeOther {
		t.Fatalf("rename Ari = %d", r.status)
	}
	if r := ariReader.get(t, "/admin/"); r.status != 200 {
		t.Errorf("after a rename Ari's dashboard = %d; want him still signed in", r.status)
	}
	if r := admin.send(t, "/admin/users/"+ariID+"/edit/", url.Values{"name": {"Ari Lee"}, "email": {"ari.lee@example.com"}, "role": {"contributor"}}); r.status != http.StatusSeeOther {
		t.Fatalf("make Ari a contributor = %d", r.status)
	}
	if r := ariReader.get(t, "/admin/"); r.status != http.StatusSeeOther {
		t.Errorf("after a change of role Ari's dashboard = %d; want him signed out", r.status)
	}
	if u, err := s.store.UserByID(context.Background(), ari.ID); err != nil || u.Name != "Ari Lee" || u.Email != "ari.lee@example.com" || u.Role != blog.RoleContributor {
		t.Errorf("Ari = %+v, %v", u, err)
	}
	r = admin.send(t, "/admin/users/"+ariID+"/edit/", url.Values{"name": {"Ari Lee"}, "email": {"ann@example.com"}, "role": {"contributor"}})
	if r.status != http.StatusConflict || !strings.Contains(text(first(r.doc, ".form-error")), "another user has the email") {
		t.Errorf("give Ari Ann's email = %d %q", r.status, text(first(r.doc, ".form-error")))
	}

	// The last administrator can be neither demoted nor deleted, and is told why.
	annID := strconv.FormatInt(ann.ID, 10)
	r = admin.send(t, "/admin/users/"+annID+"/edit/", url.Values{"name": {"Ann Writer"}, "email": {"ann@example.com"}, "role": {"editor"}})
	if r.status != http.StatusConflict || !strings.Contains(text(first(r.doc, ".form-error")), "only administrator") {
		t.Errorf("demote the last admin = %d %q", r.status, text(first(r.doc, ".form-error")))
	}
	if f := formValues(r.doc, "/admin/users/"+annID+"/edit/"); f.Get("role") != "editor" {
		t.Errorf("after a refusal the form shows role %q; want what was chosen kept", f.Get("role"))
	}
	r = admin.send(t, "/admin/users/"+annID+"/delete/", url.Values{"heir": {strconv.FormatInt(ed.ID, 10)}})
	if r.status != http.StatusConflict || !strings.Contains(text(first(r.doc, ".form-error")), "only administrator") {
		t.Errorf("delete the last admin = %d %q", r.status, text(first(r.doc, ".form-error")))
	}
	if u, err := s.store.UserByID(context.Background(), ann.ID); err != nil || u.Role != blog.RoleAdmin {
		t.Errorf("Ann after the refusals = %v, %v; want an admin still", u.Role, err)
	}
	if r := admin.get(t, "/admin/"); r.status != 200 {
		t.Errorf("a refused demotion signed Ann out: %d", r.status)
	}

	// Deleting a user: who gets their posts is a required choice; the posts stay, under the heir.
	del := admin.get(t, "/admin/users/"+ariID+"/delete/")
	if got := texts(find(del.doc, "#heir option")); len(got) != 6 || strings.Contains(strings.Join(got, ","), "Ari") {
		t.Errorf("heirs offered = %q; want every other user", got)
	}
	if r := admin.send(t, "/admin/users/"+ariID+"/delete/", nil); r.status != 422 || !strings.Contains(text(first(r.doc, ".form-error")), "Choose who") {
		t.Errorf("delete Ari without an heir = %d %q", r.status, text(first(r.doc, ".form-error")))
	}
	if r := admin.send(t, "/admin/users/"+ariID+"/delete/", url.Values{"heir": {ariID}}); r.status != 422 {
		t.Errorf("delete Ari giving his posts to himself = %d; want 422", r.status)
	}
	r = admin.send(t, "/admin/users/"+ariID+"/delete/", url.Values{"heir": {strconv.FormatInt(ed.ID, 10)}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("delete Ari = %d %s", r.status, text(first(r.doc, ".form-error")))
	}
	if p, err := s.store.Post(context.Background(), essay.ID); err != nil || p.AuthorID != ed.ID {
		t.Errorf("Ari's essay after deleting him = author %d, %v; want Ed", p.AuthorID, err)
	}
	if r := s.get(t, s.path(t, essay)); r.status != 200 || text(first(r.doc, ".byline a")) != "Ed Editor" {
		t.Errorf("Ari's essay on the site = %d by %q; want it by Ed", r.status, text(first(r.doc, ".byline a")))
	}
	if r := admin.get(t, "/admin/users/"+ariID+"/edit/"); r.status != 404 {
		t.Errorf("a deleted user's edit page = %d; want 404", r.status)
	}

	// With a second administrator, Ann may step down; she is signed out, as anyone whose role changes.
	if r := admin.send(t, "/admin/users/"+strconv.FormatInt(ed.ID, 10)+"/edit/", url.Values{"name": {"Ed Editor"}, "email": {"ed@example.com"}, "role": {"admin"}}); r.status != http.StatusSeeOther {
		t.Fatalf("make Ed an admin = %d", r.status)
	}
	if r := admin.send(t, "/admin/users/"+annID+"/edit/", url.Values{"name": {"Ann Writer"}, "email": {"ann@example.com"}, "role": {"editor"}}); r.status != http.StatusSeeOther {
		t.Fatalf("Ann steps down = %d %s", r.status, text(first(r.doc, ".form-error")))
	}
	if r := admin.get(t, "/admin/users/"); r.status != http.StatusSeeOther {
		t.Errorf("after stepping down Ann's next request = %d; want a redirect to sign in", r.status)
	}
}

func TestSettingsScreen(t *testing.T) {
	s := newSite(t, map[string]string{"title": "The Salon", "moderation_keys": "casino"}, nil)
	st := newStaff(t, s)
	admin := st.readers[blog.RoleAdmin]
	hello := s.add(t, post.Draft{Title: "Hello", Body: "x", Date: time.Date(2024, 5, 17, 9, 30, 0, 0, time.UTC)})
	ctx := context.Background()

	page := admin.get(t, "/admin/settings/")
	if page.status != 200 {
		t.Fatalf("settings = %d", page.status)
	}
	// Every setting is on the form, with an input that suits it.
	wantTag := map[string]string{"moderation_keys": "textarea", "disallowed_keys": "textarea"}
	wantType := map[string]string{"comments_enabled": "checkbox", "comment_moderation": "checkbox", "comment_previously_approved": "checkbox",
		"gravatar": "checkbox", "permalink": "radio", "date_format": "radio", "comment_order": "radio", "posts_per_page": "number",
		"feed_items": "number", "comment_max_links": "number", "trash_days": "number", "url": "url", "title": "text", "timezone": "text"}
	for _, k := range blog.SettingKeys {
		var found *html.Node
		for _, tag := range []string{"input", "textarea"} {
			for _, n := range find(page.doc, tag) {
				if attr(n, "name") == k.Key && found == nil {
					found = n
				}
			}
		}
		if found == nil {
			t.Errorf("setting %q is not on the form", k.Key)
			continue
		}
		if want, ok := wantTag[k.Key]; ok && found.Data != want {
			t.Errorf("setting %q is a <%s>; want <%s>", k.Key, found.Data, want)
		}
		if want, ok := wantType[k.Key]; ok && attr(found, "type") != want {
			t.Errorf("setting %q is an input of type %q; want %q", k.Key, attr(found, "type"), want)
		}
	}
	form := formValues(page.doc, "/admin/settings/")
	if form.Get("title") != "The Salon" || form.Get("date_format") != blog.DefaultDateFormat || form.Get("permalink") != "day" ||
		form.Get("comments_enabled") != "on" || form.Has("comment_moderation") || form.Get("moderation_keys") != "casino" {
		t.Errorf("the form shows the current settings wrongly: %v", form)
	}
	examples := texts(find(page.doc, "#setting-permalink .example"))
	if len(examples) != 3 || examples[2] != s.srv.URL+"/sample-post/" || !strings.HasSuffix(examples[0], "/2024/06/10/sample-post/") {
		t.Errorf("permalink examples = %q", examples)
	}
	if got := texts(find(page.doc, "#setting-date_format label")); len(got) != len(blog.DateFormats) || got[0] != "June 10, 2024 at 12:00 pm" || got[5] != "2024-06-10" {
		t.Errorf("date format choices = %q", got)
	}

	// Wrong values: nothing is saved, the form keeps every value, and each message stands beside its field.
	bad := formValues(page.doc, "/admin/settings/")
	bad.Set("title", " ")
	bad.Set("tagline", "Kept even though the form was refused")
	bad.Set("posts_per_page", "0")
	bad.Set("timezone", "Mars/Olympus")
	bad.Set("date_format", "Y-m-d")
	bad.Del("comments_enabled")
	bad.Set("disallowed_keys", "spam\r\nmore spam")
	r := admin.post(t, "/admin/settings/", bad)
	if r.status != http.StatusUnprocessableEntity || len(find(r.doc, ".form-error")) == 0 {
		t.Fatalf("save wrong settings = %d", r.status)
	}
	for key, msg := range map[string]string{"title": "1 to 200 characters", "posts_per_page": "Must be a whole number from 1 to 100.",
		"timezone": "not a time zone", "date_format": "not one of the date formats"} {
		if got := fieldError(r.doc, "setting-"+key); !strings.Contains(got, msg) || strings.HasPrefix(strings.ToLower(got), key+" ") || got[:1] != strings.ToUpper(got[:1]) {
			t.Errorf("the message beside %s = %q; want a sentence saying %q, without the setting's key", key, got, msg)
		}
	}
	// Every setting has a label of its own, not its key.
	for _, k := range blog.SettingKeys {
		if label := texts(find(page.doc, "#setting-"+k.Key+" label")); len(label) == 0 || (strings.Contains(k.Key, "_") && strings.Contains(label[0], k.Key)) {
			t.Errorf("setting %s is labelled %q", k.Key, label)
		}
	}
	if got := fieldError(r.doc, "setting-tagline"); got != "" {
		t.Errorf("a message beside the tagline, which was fine: %q", got)
	}
	kept := formValues(r.doc, "/admin/settings/")
	for _, key := range []string{"title", "tagline", "posts_per_page", "timezone", "disallowed_keys"} {
		if got, want := kept.Get(key), strings.ReplaceAll(bad.Get(key), "\r\n", "\n"); got != want {
			t.Errorf("after a refusal %s shows %q; want %q, as typed", key, got, want)
		}
	}
	if kept.Has("comments_enabled") {
		t.Error("after a refusal comments_enabled is checked again; want it as the user left it")
	}
	if got, err := s.store.Settings(ctx); err != nil || got.Tagline != blog.DefaultSettings().Tagline || !got.Discussion.Enabled {
		t.Errorf("a refused form saved something: %+v, %v", got, err)
	}

	// A good form is saved, every setting through the store's rules.
	good := formValues(page.doc, "/admin/settings/")
	good.Set("title", "Salon Two")
	good.Set("timezone", "Europe/Paris")
	good.Set("date_format", "2006-01-02 15:04")
	good.Set("permalink", "name")
	good.Set("posts_per_page", " 25 ")
	good.Set("moderation_keys", "casino\r\n\r\n  pills  ")
	good.Set("comment_moderation", "on")
	good.Del("comments_enabled")
	good.Set("comment_order", "newest")
	r = admin.post(t, "/admin/settings/", good)
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/admin/settings/?done=") {
		t.Fatalf("save settings = %d %q", r.status, r.header.Get("Location"))
	}
	if notice := text(first(admin.get(t, r.header.Get("Location")).doc, ".notice")); notice != "Settings saved." {
		t.Errorf("notice = %q", notice)
	}
	got, err := s.store.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wantSettings := blog.DefaultSettings()
	wantSettings.Title, wantSettings.TimeZone, wantSettings.DateFormat, wantSettings.Permalink, wantSettings.PostsPerPage =
		"Salon Two", "Europe/Paris", "2006-01-02 15:04", blog.PermalinkPlain, 25
	wantSettings.Discussion.ModerationWords, wantSettings.Discussion.HoldAll, wantSettings.Discussion.Enabled, wantSettings.Discussion.NewestFirst =
		[]string{"casino", "pills"}, true, false, true
	if diff := cmp.Diff(wantSettings, got); diff != "" {
		t.Errorf("saved settings (-want +got):\n%s", diff)
	}

	// The public site follows: title, permalink, and dates in the new zone and format.
	public := s.get(t, "/hello/")
	if public.status != 200 || !strings.Contains(text(first(public.doc, "title")), "Salon Two") {
		t.Fatalf("GET /hello/ = %d %q", public.status, text(first(public.doc, "title")))
	}
	if got := text(first(public.doc, ".posted-on time")); got != "2024-05-17 11:30" {
		t.Errorf("the post's date = %q; want 2024-05-17 11:30 (Paris, the chosen format)", got)
	}
	if r := s.get(t, "/2024/05/17/hello/"); r.status != http.StatusMovedPermanently || r.header.Get("Location") != s.path(t, hello) {
		t.Errorf("the old permalink = %d %q", r.status, r.header.Get("Location"))
	}
}

// The default date format shows dates exactly as Salon always did.
func TestDefaultDateFormatUnchanged(t *testing.T) {
	s := newSite(t, nil, nil)
	p := s.add(t, post.Draft{Title: "Hello", Body: "x", Date: time.Date(2024, 5, 17, 21, 5, 0, 0, time.UTC)})
	if got := text(first(s.get(t, s.path(t, p)).doc, ".posted-on time")); got != "May 17, 2024 at 9:05 pm" {
		t.Errorf("the post's date = %q; want May 17, 2024 at 9:05 pm", got)
	}
}
