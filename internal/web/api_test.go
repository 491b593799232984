package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/post"
	"github.com/salon-blog/salon/internal/store"
	"github.com/salon-blog/salon/internal/web"
)

// apiCaller calls the API as one client: with a bearer token, or with a browser's session cookie.
type apiCaller struct {
	s      *site
	client *http.Client
	header []string // name, value pairs sent with every request
}

// apiResult is one answer, its body decoded as JSON.
type apiResult struct {
	status int
	header http.Header
	body   string
	json   any
}

// tokenFor makes an API token for u through the store and returns its secret.
func (s *site) tokenFor(t *testing.T, u blog.User, name string) string {
	t.Helper()
	_, secret, err := s.store.CreateToken(context.Background(), u.ID, name)
	if err != nil {
		t.Fatal(err)
	}
	return secret
}

// withToken is a client that authenticates with a new token of u's.
func (s *site) withToken(t *testing.T, u blog.User) *apiCaller {
	t.Helper()
	return &apiCaller{s: s, client: s.client, header: []string{"Authorization", "Bearer " + s.tokenFor(t, u, "test "+u.Email)}}
}

// sessionAPI is a client that uses rd's session cookie, sending the CSRF token when csrf is set.
func (rd *reader) sessionAPI(t *testing.T, csrf bool) *apiCaller {
	t.Helper()
	c := &apiCaller{s: rd.s, client: rd.client}
	if csrf {
		me := c.call(t, "GET", "/api/me", nil)
		c.header = []string{"X-CSRF-Token", me.str(t, "csrf_token")}
	}
	return c
}

// call sends one request; a body that is a string is sent as it is, anything else as JSON.
func (c *apiCaller) call(t *testing.T, method, path string, body any, header ...string) apiResult {
	t.Helper()
	var rb io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rb = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rb = strings.NewReader(string(j))
	}
	req, err := http.NewRequest(method, c.s.srv.URL+path, rb)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for _, h := range [][]string{c.header, header} {
		for i := 0; i+1 < len(h); i += 2 {
			req.Header.Set(h[i], h[i+1])
		}
	}
	res, err := c.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	r := apiResult{status: res.StatusCode, header: res.Header, body: string(b)}
	if len(b) > 0 {
		if err := json.Unmarshal(b, &r.json); err != nil {
			t.Fatalf("%s %s = %d with a body that is not JSON: %v\n%s", method, path, res.StatusCode, err, b)
		}
		if ct := res.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
			t.Errorf("%s %s Content-Type = %q; want application/json; charset=utf-8", method, path, ct)
		}
	}
	return r
}

// get walks a dotted path ("items.0.author.name") into the decoded body; absent is nil.
func (r apiResult) get(path string) any {
	v := r.json
	for _, part := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[part]
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

func (r apiResult) has(path string) bool {
	i := strings.LastIndex(path, ".")
	parent, key := r.json, path
	if i >= 0 {
		parent, key = r.get(path[:i]), path[i+1:]
	}
	m, ok := parent.(map[string]any)
	if !ok {
		return false
	}
	_, ok = m[key]
	return ok
}

func (r apiResult) str(t *testing.T, path string) string {
	t.Helper()
	s, ok := r.get(path).(string)
	if !ok {
		t.Fatalf("%s is %v, not a string, in:\n%s", path, r.get(path), r.body)
	}
	return s
}

func (r apiResult) num(t *testing.T, path string) int64 {
	t.Helper()
	n, ok := r.get(path).(float64)
	if !ok {
		t.Fatalf("%s is %v, not a number, in:\n%s", path, r.get(path), r.body)
	}
	return int64(n)
}

// object is a copy of the body, an object, to change and send back.
func (r apiResult) object(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(r.body), &m); err != nil {
		t.Fatalf("not an object: %v\n%s", err, r.body)
	}
	return m
}

func (r apiResult) len(path string) int {
	l, _ := r.get(path).([]any)
	return len(l)
}

// want fails the test unless the answer has the status; for an error status, it also checks the error's shape.
func (r apiResult) want(t *testing.T, what string, status int) apiResult {
	t.Helper()
	if r.status != status {
		t.Fatalf("%s = %d; want %d\n%s", what, r.status, status, r.body)
	}
	if status >= 400 {
		code, _ := r.get("error.code").(string)
		msg, _ := r.get("error.message").(string)
		if code == "" || msg == "" {
			t.Errorf("%s: error body lacks error.code or error.message:\n%s", what, r.body)
		}
	}
	return r
}

// wantError checks an error's status and code, and that its message says what it should.
func (r apiResult) wantError(t *testing.T, what string, status int, code, message string) {
	t.Helper()
	r.want(t, what, status)
	if got := r.get("error.code"); got != code {
		t.Errorf("%s: error.code = %v; want %q", what, got, code)
	}
	if got, _ := r.get("error.message").(string); !strings.Contains(got, message) {
		t.Errorf("%s: error.message = %q; want it to contain %q", what, got, message)
	}
}

// apiSite is a site with one user of each role and one published post by the administrator, Ann.
type apiSite struct {
	*site
	post                                       blog.Post
	ann, bob, author, contributor              blog.User
	asAdmin, asEditor, asAuthor, asContributor *apiCaller
}

func newAPISite(t *testing.T) *apiSite {
	t.Helper()
	s, p := newCommentSite(t, nil)
	a := &apiSite{site: s, post: p}
	var err error
	if a.ann, err = s.store.UserByEmail(context.Background(), "ann@example.com"); err != nil {
		t.Fatal(err)
	}
	if a.bob, err = s.store.UserByEmail(context.Background(), "bob@example.com"); err != nil {
		t.Fatal(err)
	}
	a.author = s.addUser(t, "ari@example.com", "Ari Author", blog.RoleAuthor, "correct horse")
	a.contributor = s.addUser(t, "cy@example.com", "Cy Contributor", blog.RoleContributor, "correct horse")
	a.asAdmin, a.asEditor, a.asAuthor, a.asContributor = s.withToken(t, a.ann), s.withToken(t, a.bob), s.withToken(t, a.author), s.withToken(t, a.contributor)
	return a
}

func TestAPIAuthentication(t *testing.T) {
	a := newAPISite(t)
	anonymous := &apiCaller{s: a.site, client: a.client}
	r := anonymous.call(t, "GET", "/api/me", nil)
	r.wantError(t, "GET /api/me without credentials", http.StatusUnauthorized, "unauthorized", "API token")
	if got := r.header.Get("WWW-Authenticate"); !strings.HasPrefix(got, "Bearer") {
		t.Errorf("401 WWW-Authenticate = %q; want Bearer", got)
	}
	for _, auth := range []string{"Basic YW5uOng=", "Bearer", "Bearer salon_" + strings.Repeat("0", 64), "Bearer not-a-token", "salon_abc"} {
		anonymous.call(t, "GET", "/api/posts", nil, "Authorization", auth).want(t, "Authorization: "+auth, http.StatusUnauthorized)
	}
	anonymous.call(t, "POST", "/api/posts", map[string]any{"title": "x"}).want(t, "POST without credentials", http.StatusUnauthorized)

	me := a.asAuthor.call(t, "GET", "/api/me", nil).want(t, "GET /api/me with a token", http.StatusOK)
	want := map[string]any{"id": float64(a.author.ID), "name": "Ari Author", "slug": "ari-author", "email": "ari@example.com", "role": "author", "auth": "token"}
	if diff := cmp.Diff(want, me.json); diff != "" {
		t.Errorf("GET /api/me (-want +got):\n%s", diff)
	}
	if cc := me.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control = %q; want no-store", cc)
	}
	// Lower-case "bearer" is the same scheme.
	token := strings.TrimPrefix(a.asAuthor.header[1], "Bearer ")
	anonymous.call(t, "GET", "/api/me", nil, "Authorization", "bearer "+token).want(t, "lower-case bearer", http.StatusOK)

	// A token acts with its user's role: an author's token cannot list users.
	a.asAuthor.call(t, "GET", "/api/users", nil).wantError(t, "author's token on /api/users", http.StatusForbidden, "forbidden", "only administrators")

	// A bearer token needs no CSRF header, even for writes.
	a.asAuthor.call(t, "POST", "/api/posts", map[string]any{"title": "By token"}).want(t, "POST with a token", http.StatusCreated)

	// Revoked: refused at once.
	tokens := a.asAuthor.call(t, "GET", "/api/tokens", nil).want(t, "GET /api/tokens", http.StatusOK)
	id := tokens.num(t, "items.0.id")
	a.asAuthor.call(t, "DELETE", fmt.Sprintf("/api/tokens/%d", id), nil).want(t, "revoke own token", http.StatusOK)
	a.asAuthor.call(t, "GET", "/api/me", nil).wantError(t, "revoked token", http.StatusUnauthorized, "unauthorized", "not valid")
}

// With the session cookie, a write needs the X-CSRF-Token header, so a forged cross-site request cannot act.
func TestAPISessionNeedsCSRFHeader(t *testing.T) {
	a := newAPISite(t)
	rd := a.reader(t, "198.51.100.7")
	rd.signIn(t, "ari@example.com", "correct horse")
	bare := rd.sessionAPI(t, false)
	me := bare.call(t, "GET", "/api/me", nil).want(t, "GET /api/me with a session", http.StatusOK)
	if me.str(t, "auth") != "session" || len(me.str(t, "csrf_token")) < 40 {
		t.Errorf("GET /api/me with a session = %s; want auth session and a csrf_token", me.body)
	}
	bare.call(t, "GET", "/api/posts", nil).want(t, "GET with a session and no CSRF header", http.StatusOK)
	for _, method := range []string{"POST", "PUT", "PATCH", "DELETE"} {
		path := "/api/posts"
		if method != "POST" {
			path = fmt.Sprintf("/api/posts/%d", a.post.ID)
		}
		bare.call(t, method, path, map[string]any{"title": "Forged"}).wantError(t, method+" with a session and no CSRF header", http.StatusForbidden, "forbidden", "X-CSRF-Token")
		bare.call(t, method, path, map[string]any{"title": "Forged"}, "X-CSRF-Token", "wrong").want(t, method+" with a wrong CSRF header", http.StatusForbidden)
	}
	// What a forged cross-site form sends: the cookie, a form body, no header.
	r := rd.post(t, "/api/posts", url.Values{"title": {"Forged"}})
	if r.status != http.StatusForbidden {
		t.Errorf("cross-site form POST to /api/posts = %d; want 403", r.status)
	}
	// Another session's token does not fit.
	other := a.reader(t, "198.51.100.8")
	a.addUser(t, "dee@example.com", "Dee", blog.RoleEditor, "correct horse")
	other.signIn(t, "dee@example.com", "correct horse")
	otherToken := other.sessionAPI(t, true).header[1]
	bare.call(t, "POST", "/api/posts", map[string]any{"title": "x"}, "X-CSRF-Token", otherToken).want(t, "POST with another session's CSRF token", http.StatusForbidden)

	good := rd.sessionAPI(t, true)
	created := good.call(t, "POST", "/api/posts", map[string]any{"title": "From the browser"}).want(t, "POST with session and CSRF header", http.StatusCreated)
	if created.num(t, "author.id") != a.author.ID {
		t.Errorf("the post's author = %v; want the signed-in user", created.get("author"))
	}
	if posts, _, _ := a.store.Posts(context.Background(), blog.PostFilter{}); len(posts) != 2 {
		t.Errorf("%d posts stored; want 2 (the forged requests stored nothing)", len(posts))
	}
}

func TestAPIPosts(t *testing.T) {
	a := newAPISite(t)
	r := a.asEditor.call(t, "POST", "/api/posts", map[string]any{
		"title": "Election night", "body": "Results *tonight*.", "status": "publish", "date": "2024-06-01T20:00:00+02:00",
		"excerpt": "What happened.", "categories": []string{"Politics/Elections"}, "tags": []string{"Vote", "news"},
		"comments_open": false, "sticky": true,
	}).want(t, "POST /api/posts", http.StatusCreated)
	id := r.num(t, "id")
	if loc := r.header.Get("Location"); loc != fmt.Sprintf("/api/posts/%d", id) {
		t.Errorf("Location = %q", loc)
	}
	want := map[string]any{
		"id": float64(id), "title": "Election night", "slug": "election-night", "status": "publish", "type": "post",
		"date": "2024-06-01T18:00:00Z", "modified": start.Format(time.RFC3339),
		"author": map[string]any{"id": float64(a.bob.ID), "name": "Bob Editor", "slug": "bob-editor"},
		"path":   "/2024/06/01/election-night/", "url": a.srv.URL + "/2024/06/01/election-night/",
		"categories": []any{"Politics/Elections"}, "tags": []any{"Vote", "news"}, "comment_count": float64(0),
		"comments_open": false, "sticky": true, "excerpt": "What happened.", "body": "Results *tonight*.",
		"html": "<p>Results <em>tonight</em>.</p>\n", "trashed": nil, "revision": r.get("revision"),
	}
	if diff := cmp.Diff(want, r.json); diff != "" {
		t.Errorf("POST /api/posts answer (-want +got):\n%s", diff)
	}
	if got := a.get(t, "/2024/06/01/election-night/"); got.status != http.StatusOK {
		t.Errorf("the published post's page = %d", got.status)
	}
	// Without a status, a new post is a draft.
	draft := a.asEditor.call(t, "POST", "/api/posts", map[string]any{"title": "Notes", "type": "page"}).want(t, "POST a page without status", http.StatusCreated)
	if draft.get("status") != "draft" || draft.get("type") != "page" || draft.get("path") != "/notes/" {
		t.Errorf("page without status: %s", draft.body)
	}

	got := a.asEditor.call(t, "GET", fmt.Sprintf("/api/posts/%d", id), nil).want(t, "GET /api/posts/{id}", http.StatusOK)
	if diff := cmp.Diff(want, got.json); diff != "" {
		t.Errorf("GET /api/posts/%d (-want +got):\n%s", id, diff)
	}

	// Lists: filters, pagination, and no bodies.
	list := func(query string, wantTitles ...string) {
		t.Helper()
		r := a.asEditor.call(t, "GET", "/api/posts"+query, nil).want(t, "GET /api/posts"+query, http.StatusOK)
		var titles []string
		for i := range r.len("items") {
			titles = append(titles, r.str(t, fmt.Sprintf("items.%d.title", i)))
			if r.has(fmt.Sprintf("items.%d.body", i)) || r.has(fmt.Sprintf("items.%d.html", i)) {
				t.Errorf("list %s carries bodies", query)
			}
		}
		if diff := cmp.Diff(wantTitles, titles); diff != "" {
			t.Errorf("GET /api/posts%s titles (-want +got):\n%s", query, diff)
		}
	}
	list("", "Notes", "The debate", "Election night")
	list("?status=draft", "Notes")
	list("?status=publish,future", "The debate", "Election night")
	list("?sort=title&order=asc", "Election night", "Notes", "The debate")
	list("?search=NIGHT", "Election night")
	list("?type=page", "Notes")
	list("?author=bob-editor", "Notes", "Election night")
	list(fmt.Sprintf("?author=%d", a.ann.ID), "The debate")
	list("?category=politics", "Election night")
	list("?category=Politics/Elections", "Election night")
	list("?tag=vote", "Election night")
	list("?per_page=1&page=2", "The debate")
	list("?per_page=2&page=3")
	page := a.asEditor.call(t, "GET", "/api/posts?per_page=2", nil)
	if page.num(t, "total") != 3 || page.num(t, "page") != 1 || page.num(t, "per_page") != 2 || page.len("items") != 2 {
		t.Errorf("paging: %s", page.body)
	}
	for q, msg := range map[string]string{
		"?per_page=101": "per_page", "?page=0": "page", "?status=live": `"live" is not a post status`, "?type=note": "not a post type",
		"?sort=author": "not an order", "?order=up": "asc or desc",
		"?author=nobody": "no such user", "?category=nowhere": "no such category", "?tag=nothing": "no such tag",
	} {
		a.asEditor.call(t, "GET", "/api/posts"+q, nil).wantError(t, "GET /api/posts"+q, http.StatusBadRequest, "invalid", msg)
	}

	// PATCH changes only the fields given.
	a.clock.advance(time.Minute)
	p := a.asEditor.call(t, "PATCH", fmt.Sprintf("/api/posts/%d", id), map[string]any{"title": "Election night, updated"}).want(t, "PATCH title", http.StatusOK)
	for k, v := range map[string]any{"title": "Election night, updated", "slug": "election-night", "body": "Results *tonight*.",
		"categories": []any{"Politics/Elections"}, "tags": []any{"Vote", "news"}, "sticky": true, "comments_open": false,
		"date": "2024-06-01T18:00:00Z", "modified": start.Add(time.Minute).Format(time.RFC3339)} {
		if diff := cmp.Diff(v, p.get(k)); diff != "" {
			t.Errorf("after PATCH, %s (-want +got):\n%s", k, diff)
		}
	}
	a.asEditor.call(t, "PATCH", fmt.Sprintf("/api/posts/%d", id), map[string]any{"date": "yesterday"}).wantError(t, "PATCH bad date", http.StatusBadRequest, "invalid", "RFC 3339")
	r = a.asEditor.call(t, "PATCH", fmt.Sprintf("/api/posts/%d", id), map[string]any{"title": " "})
	r.wantError(t, "PATCH empty title", http.StatusUnprocessableEntity, "invalid", "title is required")
	if r.get("error.fields.title") == nil {
		t.Errorf("PATCH empty title: no field error for title:\n%s", r.body)
	}
	a.asEditor.call(t, "GET", "/api/posts/999", nil).wantError(t, "GET unknown post", http.StatusNotFound, "not_found", "no post 999")
	a.asEditor.call(t, "PATCH", "/api/posts/999", map[string]any{"title": "x"}).want(t, "PATCH unknown post", http.StatusNotFound)
	a.asEditor.call(t, "GET", "/api/posts/abc", nil).want(t, "GET /api/posts/abc", http.StatusNotFound)
}

// Two editors save the same post: the second is told it changed, and nothing of either is lost.
func TestAPIOptimisticLocking(t *testing.T) {
	a := newAPISite(t)
	path := fmt.Sprintf("/api/posts/%d", a.post.ID)
	mine := a.asAdmin.call(t, "GET", path, nil).want(t, "admin reads", http.StatusOK)
	theirs := a.asEditor.call(t, "GET", path, nil).want(t, "editor reads", http.StatusOK)

	// PUT needs the whole post and the version it replaces.
	a.asAdmin.call(t, "PUT", path, map[string]any{"title": "Only a title"}).wantError(t, "PUT with one field", http.StatusBadRequest, "invalid", "missing: body, status, type, date")
	partial := mine.object(t)
	delete(partial, "modified")
	delete(partial, "revision")
	a.asAdmin.call(t, "PUT", path, partial).wantError(t, "PUT without a version", http.StatusBadRequest, "invalid", "missing: updated")

	a.clock.advance(time.Minute)
	edit := theirs.object(t) // the whole object as read, modified and revision included
	edit["body"] = "Bob's rewrite."
	saved := a.asEditor.call(t, "PUT", path, edit).want(t, "first PUT", http.StatusOK)
	if saved.get("body") != "Bob's rewrite." || saved.get("modified") == theirs.get("modified") || saved.get("revision") == theirs.get("revision") {
		t.Fatalf("first PUT: %s", saved.body)
	}

	a.clock.advance(time.Minute)
	stale := mine.object(t)
	stale["body"] = "Ann's rewrite."
	a.asAdmin.call(t, "PUT", path, stale).wantError(t, "PUT of a stale copy", http.StatusConflict, "conflict", "Someone else saved this post")
	delete(stale, "revision")
	a.asAdmin.call(t, "PUT", path, stale).wantError(t, "PUT of a stale copy by its modified time", http.StatusConflict, "conflict", "has changed since you read it")
	a.asAdmin.call(t, "PATCH", path, map[string]any{"body": "Ann's patch.", "updated": mine.get("modified")}).want(t, "PATCH of a stale copy", http.StatusConflict)
	a.asAdmin.call(t, "PATCH", path, map[string]any{"body": "Ann's patch.", "revision": mine.get("revision")}).want(t, "PATCH of a stale revision", http.StatusConflict)
	if now := a.asAdmin.call(t, "GET", path, nil); now.get("body") != "Bob's rewrite." {
		t.Errorf("after the refused saves the body is %v; want Bob's rewrite kept", now.get("body"))
	}

	// Two saves within one second have the same modified time: the revision still tells them apart.
	x := a.asEditor.call(t, "PATCH", path, map[string]any{"body": "Bob again.", "revision": saved.get("revision")}).want(t, "PATCH of the current revision", http.StatusOK)
	again := a.asEditor.call(t, "PATCH", path, map[string]any{"body": "Bob once more.", "revision": x.get("revision")}).want(t, "PATCH of the current revision", http.StatusOK)
	if again.get("modified") != x.get("modified") {
		t.Fatalf("the clock moved: %v, %v", again.get("modified"), x.get("modified"))
	}
	a.asAdmin.call(t, "PATCH", path, map[string]any{"body": "Ann.", "revision": x.get("revision")}).want(t, "PATCH of a revision saved over in the same second", http.StatusConflict)
	if now := a.asAdmin.call(t, "GET", path, nil); now.get("body") != "Bob once more." {
		t.Errorf("the body is %v; want Bob's last save kept", now.get("body"))
	}

	// With the current version, Ann's save goes through; a PATCH without a version is not checked.
	stale["updated"] = again.get("modified")
	a.asAdmin.call(t, "PUT", path, stale).want(t, "PUT of the current copy", http.StatusOK)
	a.asAdmin.call(t, "PATCH", path, map[string]any{"sticky": true}).want(t, "PATCH without a version", http.StatusOK)
	a.asAdmin.call(t, "PATCH", path, map[string]any{"updated": "last week"}).wantError(t, "PATCH with a bad updated", http.StatusBadRequest, "invalid", "RFC 3339")
}

func TestAPIPostRoles(t *testing.T) {
	a := newAPISite(t)
	ctx := context.Background()
	ownDraft := a.add(t, post.Draft{Title: "Cy's draft", Body: "x", Status: blog.StatusDraft, AuthorEmail: a.contributor.Email})
	cyPublished := a.add(t, post.Draft{Title: "Cy's published", Body: "x", Status: blog.StatusPending, AuthorEmail: a.contributor.Email, Date: start.Add(-time.Hour)})
	if _, err := a.site.writer.SetStatus(ctx, cyPublished.ID, blog.StatusPublish, a.bob); err != nil { // an editor published it
		t.Fatal(err)
	}
	ariDraft := a.add(t, post.Draft{Title: "Ari's draft", Body: "x", Status: blog.StatusDraft, AuthorEmail: a.author.Email})
	annDraft := a.add(t, post.Draft{Title: "Ann's draft", Body: "x", Status: blog.StatusDraft})
	path := func(p blog.Post) string { return fmt.Sprintf("/api/posts/%d", p.ID) }

	// Contributors write drafts and submit them; they never publish.
	for _, st := range []string{"publish", "future", "private"} {
		a.asContributor.call(t, "POST", "/api/posts", map[string]any{"title": "Mine", "status": st, "date": start.Add(time.Hour).Format(time.RFC3339)}).
			wantError(t, "contributor creating a "+st+" post", http.StatusForbidden, "forbidden", "contributors cannot publish")
	}
	a.asContributor.call(t, "POST", "/api/posts", map[string]any{"title": "Mine"}).want(t, "contributor creating a draft", http.StatusCreated)
	a.asContributor.call(t, "PATCH", path(ownDraft), map[string]any{"status": "publish"}).want(t, "contributor publishing own draft", http.StatusForbidden)
	a.asContributor.call(t, "PATCH", path(ownDraft), map[string]any{"status": "pending"}).want(t, "contributor submitting for review", http.StatusOK)
	a.asContributor.call(t, "PATCH", path(cyPublished), map[string]any{"title": "Changed"}).wantError(t, "contributor editing own published post", http.StatusForbidden, "forbidden", "only until they are")
	a.asContributor.call(t, "PATCH", path(ariDraft), map[string]any{"title": "Changed"}).want(t, "contributor editing another's draft", http.StatusForbidden)
	a.asContributor.call(t, "GET", path(ariDraft), nil).want(t, "contributor reading another's draft", http.StatusForbidden)
	a.asContributor.call(t, "GET", path(cyPublished), nil).want(t, "contributor reading own published post", http.StatusOK)
	a.asContributor.call(t, "GET", path(a.post), nil).want(t, "contributor reading a published post", http.StatusOK)
	a.asContributor.call(t, "DELETE", path(a.post), nil).want(t, "contributor trashing another's post", http.StatusForbidden)
	a.asContributor.call(t, "POST", "/api/posts", map[string]any{"title": "As Ann", "author": map[string]any{"id": a.ann.ID}}).want(t, "contributor sending the read-only author (ignored)", http.StatusCreated)
	a.asContributor.call(t, "POST", "/api/posts", map[string]any{"title": "As Ann", "author_id": a.ann.ID}).want(t, "contributor writing as another author", http.StatusForbidden)
	a.asAuthor.call(t, "PATCH", path(ownDraft), map[string]any{"author_id": a.author.ID}).want(t, "author taking a contributor's post", http.StatusForbidden)
	byAri := a.asEditor.call(t, "POST", "/api/posts", map[string]any{"title": "Ghost-written", "author_id": a.author.ID}).want(t, "editor writing as an author", http.StatusCreated)
	if byAri.get("author.id") != float64(a.author.ID) {
		t.Errorf("author_id given by an editor: author = %v", byAri.get("author"))
	}
	a.asEditor.call(t, "POST", "/api/posts", map[string]any{"title": "Nobody's", "author_id": 99}).want(t, "an unknown author", http.StatusUnprocessableEntity)

	// Authors publish their own posts, and only edit their own.
	a.clock.advance(time.Hour)
	published := a.asAuthor.call(t, "PATCH", path(ariDraft), map[string]any{"status": "publish"}).want(t, "author publishing own draft", http.StatusOK)
	if published.get("date") != start.Add(time.Hour).Format(time.RFC3339) {
		t.Errorf("a draft published without a date is dated %v; want now, %s", published.get("date"), start.Add(time.Hour).Format(time.RFC3339))
	}
	a.asAuthor.call(t, "PATCH", path(annDraft), map[string]any{"title": "Mine now"}).wantError(t, "author editing another's draft", http.StatusForbidden, "forbidden", "your own posts only")
	a.asAuthor.call(t, "PATCH", path(a.post), map[string]any{"title": "Mine now"}).want(t, "author editing another's published post", http.StatusForbidden)
	a.asAuthor.call(t, "PUT", path(a.post), a.asAuthor.call(t, "GET", path(a.post), nil).object(t)).want(t, "author putting another's published post", http.StatusForbidden)
	a.asAuthor.call(t, "GET", path(annDraft), nil).want(t, "author reading another's draft", http.StatusForbidden)

	// Editors and administrators edit everyone's.
	a.asEditor.call(t, "PATCH", path(annDraft), map[string]any{"title": "Edited by Bob"}).want(t, "editor editing another's draft", http.StatusOK)
	a.asAdmin.call(t, "PATCH", path(ariDraft), map[string]any{"sticky": true}).want(t, "admin editing an author's post", http.StatusOK)
	if p, _ := a.store.Post(ctx, annDraft.ID); p.Title != "Edited by Bob" || p.AuthorID != a.ann.ID {
		t.Errorf("after the editor's edit: %q by %d; want the title changed and the author kept", p.Title, p.AuthorID)
	}

	// Lists, as in the admin area: contributors see their own drafts and pending posts, authors their own posts.
	titles := func(c *apiCaller, query string) []string {
		t.Helper()
		r := c.call(t, "GET", "/api/posts"+query, nil).want(t, "GET /api/posts"+query, http.StatusOK)
		var out []string
		for i := range r.len("items") {
			out = append(out, r.str(t, fmt.Sprintf("items.%d.title", i)))
		}
		if int64(len(out)) != r.num(t, "total") {
			t.Errorf("GET /api/posts%s: total %d for %d items", query, r.num(t, "total"), len(out))
		}
		slices.Sort(out)
		return out
	}
	for _, tt := range []struct {
		who   *apiCaller
		query string
		want  []string
	}{
		{a.asContributor, "", []string{"As Ann", "Cy's draft", "Mine"}},
		{a.asContributor, "?status=publish", nil},
		{a.asContributor, fmt.Sprintf("?author=%d", a.ann.ID), nil},
		{a.asAuthor, "", []string{"Ari's draft", "Ghost-written"}},
		{a.asAuthor, "?author=ann-writer", nil},
		{a.asEditor, "", []string{"Ari's draft", "As Ann", "Cy's draft", "Cy's published", "Edited by Bob", "Ghost-written", "Mine", "The debate"}},
		{a.asEditor, "?author=cy-contributor&status=draft,pending", []string{"As Ann", "Cy's draft", "Mine"}},
	} {
		if diff := cmp.Diff(tt.want, titles(tt.who, tt.query)); diff != "" {
			t.Errorf("GET /api/posts%s as %s (-want +got):\n%s", tt.query, tt.who.header[1][:20], diff)
		}
	}

	// The trash: DELETE moves a post there, restore takes it back, DELETE with force=true ends it.
	r := a.asAuthor.call(t, "DELETE", path(ariDraft), nil).want(t, "author trashing own post", http.StatusOK)
	if r.get("trashed") == nil {
		t.Errorf("after DELETE, trashed = nil: %s", r.body)
	}
	if got := titles(a.asAuthor, ""); len(got) != 1 {
		t.Errorf("a trashed post is still listed: %q", got)
	}
	if diff := cmp.Diff([]string{"Ari's draft"}, titles(a.asAuthor, "?status=trash")); diff != "" {
		t.Errorf("the trash (-want +got):\n%s", diff)
	}
	a.asAuthor.call(t, "PATCH", path(ariDraft), map[string]any{"title": "x"}).wantError(t, "editing a trashed post", http.StatusUnprocessableEntity, "invalid", "in the trash")
	r = a.asAuthor.call(t, "POST", path(ariDraft)+"/restore", nil).want(t, "restore", http.StatusOK)
	if r.get("trashed") != nil || r.get("status") != "publish" {
		t.Errorf("after restore: %s", r.body)
	}
	a.asAuthor.call(t, "DELETE", path(ariDraft)+"?force=true", nil).wantError(t, "deleting a post out of the trash", http.StatusBadRequest, "invalid", "not in the trash")
	a.asAuthor.call(t, "DELETE", path(ariDraft), nil).want(t, "trash again", http.StatusOK)
	if r := a.asAuthor.call(t, "DELETE", path(ariDraft)+"?force=true", nil); r.status != http.StatusNoContent || r.body != "" {
		t.Errorf("DELETE ?force=true = %d %q; want 204 and no body", r.status, r.body)
	}
	a.asAuthor.call(t, "GET", path(ariDraft), nil).want(t, "a deleted post", http.StatusNotFound)
}

func TestAPIRequestValidation(t *testing.T) {
	a := newAPISite(t)
	for _, tt := range []struct {
		name, body, contentType string
		status                  int
		message, field          string
	}{
		{"no body", "", "application/json", 400, "needs a JSON body", ""},
		{"not JSON", "{title: x}", "application/json", 400, "not valid JSON", ""},
		{"two values", `{"title": "a"} {"title": "b"}`, "application/json", 400, "more than one JSON value", ""},
		{"unknown field", `{"title": "a", "colour": "red"}`, "application/json", 400, `"colour" is not a field`, ""},
		{"wrong type", `{"title": 3}`, "application/json", 400, "title must be a string", ""},
		{"array", `[1]`, "application/json", 400, "must be a JSON object", ""},
		{"form", "title=x", "application/x-www-form-urlencoded", 400, "Content-Type: application/json", ""},
		{"bad status", `{"title": "a", "status": "live"}`, "application/json", 400, `"live" is not a post status`, ""},
		{"bad type", `{"title": "a", "type": "note"}`, "application/json", 400, `"note" is not a post type`, ""},
		{"bad date", `{"title": "a", "date": "17/05/2024"}`, "application/json", 400, "RFC 3339", ""},
		{"bad slug", `{"title": "a", "slug": "Hello World"}`, "application/json", 422, "not a valid slug", "slug"},
		{"bad tag", `{"title": "a", "tags": ["!!!"]}`, "application/json", 422, `tag "!!!"`, "tags"},
		{"bad category", `{"title": "a", "categories": ["A//B"]}`, "application/json", 422, `category "A//B"`, "categories"},
		{"published without title", `{"body": "text", "status": "publish"}`, "application/json", 422, "title is required", "title"},
		{"future without date", `{"title": "a", "status": "future"}`, "application/json", 422, "needs a date in the future", "date"},
		{"taken slug", `{"title": "a", "slug": "the-debate"}`, "application/json", 422, `"the-debate" is already used`, "slug"},
		{"title too long", `{"title": "` + strings.Repeat("t", blog.MaxTitleLen+1) + `"}`, "application/json", 422, "longer than", "title"},
	} {
		r := a.asEditor.call(t, "POST", "/api/posts", tt.body, "Content-Type", tt.contentType)
		r.wantError(t, tt.name, tt.status, "invalid", tt.message)
		if tt.field != "" && r.get("error.fields."+tt.field) == nil {
			t.Errorf("%s: no field error for %s:\n%s", tt.name, tt.field, r.body)
		}
	}
	if posts, _, _ := a.store.Posts(context.Background(), blog.PostFilter{}); len(posts) != 1 {
		t.Errorf("refused requests stored %d posts", len(posts)-1)
	}
	big := `{"title": "big", "body": "` + strings.Repeat("x", blog.MaxBodyLen+2<<20) + `"}`
	a.asEditor.call(t, "POST", "/api/posts", big).wantError(t, "a body over the limit", http.StatusRequestEntityTooLarge, "too_large", "larger than")
}

func TestAPIErrorsAndRouting(t *testing.T) {
	a := newAPISite(t)
	a.asAdmin.call(t, "GET", "/api/nothing", nil).wantError(t, "unknown endpoint", http.StatusNotFound, "not_found", "no API endpoint")
	r := a.asAdmin.call(t, "DELETE", "/api/comments", nil)
	r.wantError(t, "DELETE /api/comments", http.StatusMethodNotAllowed, "method_not_allowed", "takes GET")
	if allow := r.header.Get("Allow"); allow != "GET" {
		t.Errorf("Allow = %q; want GET", allow)
	}
	if allow := a.asAdmin.call(t, "GET", "/api/comments/3/approve", nil).header.Get("Allow"); allow != "POST" {
		t.Errorf("GET on an action: Allow = %q; want POST", allow)
	}

	// A fault of ours: a 500 in the same shape, saying nothing of SQL.
	ctx := context.Background()
	_, secret, err := a.store.CreateToken(ctx, a.ann.ID, "broken")
	if err != nil {
		t.Fatal(err)
	}
	srv := startSiteWith(t, web.Config{Store: brokenPosts{a.store}, Now: a.clock.Now})
	c := &apiCaller{s: &site{srv: srv}, client: srv.Client(), header: []string{"Authorization", "Bearer " + secret}}
	r = c.call(t, "GET", "/api/posts", nil)
	r.wantError(t, "GET /api/posts with a failing database", http.StatusInternalServerError, "internal", "went wrong")
	if strings.Contains(r.body, "SQL") || strings.Contains(r.body, "posts p") || strings.Contains(r.body, "goroutine") {
		t.Errorf("the 500 reveals internals:\n%s", r.body)
	}
}

// brokenPosts is a store whose post listing fails as a broken database would.
type brokenPosts struct{ *store.Store }

func (brokenPosts) Posts(context.Context, blog.PostFilter) ([]blog.Post, int, error) {
	return nil, 0, errSQL
}

// apiDiscussion is newAPISite with comments from readers on Ann's post and on one of Ari's:
// 1 Ann's post, pending; 2 Ari's post, pending; 3 Ann's post, approved.
func apiDiscussion(t *testing.T) (*apiSite, blog.Post) {
	t.Helper()
	a := newAPISite(t)
	own := a.add(t, post.Draft{Title: "Ari's post", Body: "x", AuthorEmail: a.author.Email, Date: start.Add(-48 * time.Hour)})
	a.reader(t, "198.51.100.1").comment(t, a.post.ID, map[string]string{"author": "Reader One", "email": "one@example.org", "url": "https://one.example", "comment": "On Ann's post."})
	a.advance()
	a.reader(t, "198.51.100.2").comment(t, own.ID, map[string]string{"author": "Reader Two", "email": "two@example.org", "comment": "On Ari's post."})
	a.advance()
	a.reader(t, "198.51.100.3").comment(t, a.post.ID, map[string]string{"author": "Reader Three", "email": "three@example.org", "comment": "Approved one."})
	if err := a.store.SetCommentStatus(context.Background(), []int64{3}, blog.CommentApproved); err != nil {
		t.Fatal(err)
	}
	return a, own
}

func TestAPIComments(t *testing.T) {
	a, own := apiDiscussion(t)
	list := a.asEditor.call(t, "GET", "/api/comments", nil).want(t, "GET /api/comments", http.StatusOK)
	if list.num(t, "total") != 3 || list.len("items") != 3 {
		t.Fatalf("GET /api/comments: %s", list.body)
	}
	first := list.get("items.2").(map[string]any) // oldest last
	for k, v := range map[string]any{"id": 1.0, "post_id": float64(a.post.ID), "parent_id": 0.0, "status": "pending", "author_name": "Reader One",
		"author_email": "one@example.org", "author_url": "https://one.example", "author_ip": "198.51.100.1", "body": "On Ann's post.",
		"html": "<p>On Ann’s post.</p>\n", "path": "/comments/1/",
		"post": map[string]any{"id": float64(a.post.ID), "title": "The debate", "path": a.path(t, a.post)}} {
		if diff := cmp.Diff(v, first[k]); diff != "" {
			t.Errorf("comment 1 %s (-want +got):\n%s", k, diff)
		}
	}
	// Every layer the comment passed is on record after the rule that held it: the form, the limits, the classifier.
	if m, _ := first["moderation"].(string); !strings.HasPrefix(m, "held: first comment from this email address; form: signed for this post, sent ") ||
		!strings.Contains(m, "; not blocked; within the rate limits") || !strings.Contains(m, "; classifier: ") {
		t.Errorf("comment 1 moderation = %q; want the rule that held it, then each layer it passed", m)
	}
	count := func(query string) int64 {
		t.Helper()
		return a.asEditor.call(t, "GET", "/api/comments"+query, nil).want(t, "GET /api/comments"+query, http.StatusOK).num(t, "total")
	}
	for q, n := range map[string]int64{"?status=pending": 2, "?status=approved": 1, "?status=all": 3, fmt.Sprintf("?post=%d", own.ID): 1, "?search=two@example": 1, "?search=nothing": 0} {
		if got := count(q); got != n {
			t.Errorf("GET /api/comments%s total = %d; want %d", q, got, n)
		}
	}
	a.asEditor.call(t, "GET", "/api/comments?status=hidden", nil).wantError(t, "bad status", http.StatusBadRequest, "invalid", "not a comment status")

	// Actions, one by one and in bulk.
	r := a.asEditor.call(t, "POST", "/api/comments/1/approve", nil).want(t, "approve", http.StatusOK)
	if r.get("status") != "approved" {
		t.Errorf("after approve: %s", r.body)
	}
	for action, status := range map[string]string{"spam": "spam", "notspam": "pending", "trash": "trash", "restore": "pending", "unapprove": "pending"} {
		if r := a.asEditor.call(t, "POST", "/api/comments/1/"+action, nil).want(t, action, http.StatusOK); r.get("status") != status {
			t.Errorf("after %s the status is %v; want %s", action, r.get("status"), status)
		}
	}
	a.asEditor.call(t, "POST", "/api/comments/1/delete", nil).wantError(t, "unknown action", http.StatusNotFound, "not_found", "not a moderation action")
	a.asEditor.call(t, "POST", "/api/comments/99/approve", nil).want(t, "approve unknown", http.StatusNotFound)
	a.asEditor.call(t, "POST", "/api/comments/moderate", map[string]any{"action": "spam", "ids": []int64{1, 2}}).want(t, "bulk spam", http.StatusOK)
	if got := count("?status=spam"); got != 2 {
		t.Errorf("after bulk spam: %d in spam", got)
	}
	a.asEditor.call(t, "POST", "/api/comments/moderate", map[string]any{"action": "approve", "ids": []int64{1, 99}}).want(t, "bulk with an unknown comment", http.StatusNotFound)
	if got := count("?status=spam"); got != 2 {
		t.Errorf("a refused bulk action changed comments: %d in spam", got)
	}
	a.asEditor.call(t, "POST", "/api/comments/moderate", map[string]any{"action": "explode", "ids": []int64{1}}).want(t, "bulk unknown action", http.StatusBadRequest)

	// Edit: fields given change; a bad one is refused field by field.
	r = a.asEditor.call(t, "PATCH", "/api/comments/1", map[string]any{"body": "Edited *text*.", "status": "approved"}).want(t, "PATCH comment", http.StatusOK)
	if r.get("body") != "Edited *text*." || r.get("html") != "<p>Edited <em>text</em>.</p>\n" || r.get("status") != "approved" || r.get("author_name") != "Reader One" {
		t.Errorf("after PATCH: %s", r.body)
	}
	r = a.asEditor.call(t, "PATCH", "/api/comments/1", map[string]any{"author_email": "not an address", "author_url": "ftp://x"})
	r.wantError(t, "PATCH comment with bad fields", http.StatusUnprocessableEntity, "invalid", "valid email address")
	if r.get("error.fields.author_email") == nil || r.get("error.fields.author_url") == nil {
		t.Errorf("field errors: %s", r.body)
	}
	a.asEditor.call(t, "PATCH", "/api/comments/1", map[string]any{"status": "gone"}).want(t, "PATCH bad status", http.StatusBadRequest)

	// Reply: the moderator's comment, approved, and approving what it answers.
	r = a.asEditor.call(t, "POST", "/api/comments/2/reply", map[string]any{"comment": "Thanks, Two."}).want(t, "reply", http.StatusCreated)
	if r.get("parent_id") != 2.0 || r.get("status") != "approved" || r.get("author_name") != "Bob Editor" || r.get("user_id") != float64(a.bob.ID) {
		t.Errorf("reply: %s", r.body)
	}
	if c, _ := a.store.Comment(context.Background(), 2); c.Status != blog.CommentApproved {
		t.Errorf("the comment replied to is %s; want approved", c.Status)
	}
	a.asEditor.call(t, "POST", "/api/comments/2/reply", map[string]any{"comment": "  "}).wantError(t, "empty reply", http.StatusBadRequest, "invalid", "type your reply")
	a.asEditor.call(t, "POST", "/api/comments/2/reply", map[string]any{"comment": "Thanks, Two."}).wantError(t, "duplicate reply", http.StatusUnprocessableEntity, "invalid", "already posted")
}

// Commenters' emails and addresses reach only those who may moderate the comment; roles are refused as in the queue.
func TestAPICommentRolesAndPrivacy(t *testing.T) {
	a, own := apiDiscussion(t)
	_ = own
	a.asContributor.call(t, "GET", "/api/comments", nil).wantError(t, "contributor listing comments", http.StatusForbidden, "forbidden", "contributors cannot moderate")
	a.asContributor.call(t, "POST", "/api/comments/2/approve", nil).want(t, "contributor approving", http.StatusForbidden)
	a.asContributor.call(t, "POST", "/api/comments/2/reply", map[string]any{"comment": "Hi"}).want(t, "contributor replying from the queue", http.StatusForbidden)

	// The author sees comments on their own posts only, in full.
	mine := a.asAuthor.call(t, "GET", "/api/comments", nil).want(t, "author listing comments", http.StatusOK)
	if mine.num(t, "total") != 1 || mine.get("items.0.author_email") != "two@example.org" || mine.get("items.0.author_ip") != "198.51.100.2" {
		t.Errorf("author's list: %s", mine.body)
	}
	a.asAuthor.call(t, "POST", "/api/comments/1/approve", nil).wantError(t, "author approving on another's post", http.StatusForbidden, "forbidden", "own posts only")
	a.asAuthor.call(t, "PATCH", "/api/comments/1", map[string]any{"body": "x"}).want(t, "author editing on another's post", http.StatusForbidden)
	a.asAuthor.call(t, "POST", "/api/comments/moderate", map[string]any{"action": "approve", "ids": []int64{2, 1}}).want(t, "author's bulk action including another's post", http.StatusForbidden)
	if c, _ := a.store.Comment(context.Background(), 2); c.Status != blog.CommentPending {
		t.Errorf("a refused bulk action changed comment 2 to %s", c.Status)
	}
	a.asAuthor.call(t, "POST", "/api/comments/2/approve", nil).want(t, "author approving on own post", http.StatusOK)

	// An approved comment on a public post is public: others may read it, without the private fields.
	for _, c := range []*apiCaller{a.asAuthor, a.asContributor} {
		r := c.call(t, "GET", "/api/comments/3", nil).want(t, "reading an approved comment on another's post", http.StatusOK)
		for _, private := range []string{"author_email", "author_ip", "user_agent", "moderation"} {
			if r.has(private) {
				t.Errorf("a non-moderator sees %s: %s", private, r.body)
			}
		}
		if strings.Contains(r.body, "three@example.org") || strings.Contains(r.body, "198.51.100.3") {
			t.Errorf("a non-moderator sees the commenter's email or IP: %s", r.body)
		}
		c.call(t, "GET", "/api/comments/1", nil).want(t, "reading a pending comment on another's post", http.StatusForbidden)
	}
	full := a.asEditor.call(t, "GET", "/api/comments/3", nil).want(t, "editor reading a comment", http.StatusOK)
	if full.get("author_email") != "three@example.org" || full.get("author_ip") != "198.51.100.3" {
		t.Errorf("the editor does not see the private fields: %s", full.body)
	}
	// A user's email is theirs and the administrators': GET /api/users is for administrators only.
	for _, c := range []*apiCaller{a.asEditor, a.asAuthor, a.asContributor} {
		c.call(t, "GET", "/api/users", nil).want(t, "non-admin listing users", http.StatusForbidden)
	}
}

func TestAPIUsersAndMe(t *testing.T) {
	a := newAPISite(t)
	r := a.asAdmin.call(t, "GET", "/api/users", nil).want(t, "GET /api/users", http.StatusOK)
	if r.num(t, "total") != 4 || r.get("items.2.email") != "ari@example.com" || r.get("items.2.role") != "author" || r.get("items.2.created") != start.Format(time.RFC3339) {
		t.Errorf("GET /api/users: %s", r.body)
	}
	if strings.Contains(r.body, "argon2") || strings.Contains(strings.ToLower(r.body), "password") {
		t.Errorf("GET /api/users shows password hashes:\n%s", r.body)
	}
	if r := a.asAdmin.call(t, "GET", "/api/users?per_page=3&page=2", nil); r.len("items") != 1 || r.get("items.0.name") != "Cy Contributor" {
		t.Errorf("second page of users: %s", r.body)
	}
	me := a.asContributor.call(t, "GET", "/api/me", nil).want(t, "GET /api/me", http.StatusOK)
	if me.get("role") != "contributor" || me.has("csrf_token") || strings.Contains(me.body, "argon2") {
		t.Errorf("GET /api/me: %s", me.body)
	}
	cats := a.asContributor.call(t, "GET", "/api/categories", nil).want(t, "GET /api/categories", http.StatusOK)
	if cats.num(t, "total") != 0 {
		t.Errorf("categories on a new site: %s", cats.body)
	}
}

func TestAPISettings(t *testing.T) {
	a := newAPISite(t)
	r := a.asAdmin.call(t, "GET", "/api/settings", nil).want(t, "GET /api/settings", http.StatusOK)
	if r.get("title") != "My Salon" || r.get("posts_per_page") != "10" || r.get("comments_enabled") != "on" {
		t.Errorf("GET /api/settings: %s", r.body)
	}
	a.asEditor.call(t, "GET", "/api/settings", nil).wantError(t, "editor reading settings", http.StatusForbidden, "forbidden", "only administrators")
	a.asEditor.call(t, "PATCH", "/api/settings", map[string]any{"title": "Mine"}).want(t, "editor changing settings", http.StatusForbidden)

	r = a.asAdmin.call(t, "PATCH", "/api/settings", map[string]any{"title": "New title", "posts_per_page": 5, "comment_moderation": true,
		"disallowed_keys": []string{"casino", "free money"}, "timezone": "Europe/Paris"}).want(t, "PATCH /api/settings", http.StatusOK)
	for k, v := range map[string]string{"title": "New title", "posts_per_page": "5", "comment_moderation": "on", "disallowed_keys": "casino\nfree money", "timezone": "Europe/Paris"} {
		if r.get(k) != v {
			t.Errorf("after PATCH, %s = %v; want %q", k, r.get(k), v)
		}
	}
	before := a.asAdmin.call(t, "GET", "/api/settings", nil)

	// One bad value refuses all, naming each bad key.
	r = a.asAdmin.call(t, "PATCH", "/api/settings", map[string]any{"title": "Half applied?", "posts_per_page": 1000, "colour": "red", "timezone": "Mars/Olympus", "tagline": 3.5})
	r.wantError(t, "PATCH with bad settings", http.StatusUnprocessableEntity, "invalid", "posts_per_page must be a whole number from 1 to 100")
	for _, k := range []string{"posts_per_page", "colour", "timezone", "tagline"} {
		if r.get("error.fields."+k) == nil {
			t.Errorf("no field error for %s: %s", k, r.body)
		}
	}
	if r.get("error.fields.title") != nil {
		t.Errorf("a good value is reported as bad: %s", r.body)
	}
	if diff := cmp.Diff(before.json, a.asAdmin.call(t, "GET", "/api/settings", nil).json); diff != "" {
		t.Errorf("a refused PATCH changed settings (-before +after):\n%s", diff)
	}
	a.asAdmin.call(t, "PATCH", "/api/settings", map[string]any{}).want(t, "PATCH with no settings", http.StatusBadRequest)
	a.asAdmin.call(t, "PATCH", "/api/settings", `["title"]`).want(t, "PATCH with an array", http.StatusBadRequest)
}

func TestAPITokens(t *testing.T) {
	a := newAPISite(t)
	r := a.asAuthor.call(t, "POST", "/api/tokens", map[string]any{"name": "phone"}).want(t, "POST /api/tokens", http.StatusCreated)
	secret := r.str(t, "token")
	if !strings.HasPrefix(secret, "salon_") || r.get("user.id") != float64(a.author.ID) || r.get("revoked") != nil || !r.has("last_used") {
		t.Errorf("POST /api/tokens: %s", r.body)
	}
	phone := &apiCaller{s: a.site, client: a.client, header: []string{"Authorization", "Bearer " + secret}}
	phone.call(t, "GET", "/api/me", nil).want(t, "the new token", http.StatusOK)
	a.asAuthor.call(t, "POST", "/api/tokens", map[string]any{"name": "phone"}).wantError(t, "a second token named phone", http.StatusConflict, "conflict", "already has a token named")
	a.asAuthor.call(t, "POST", "/api/tokens", map[string]any{"name": ""}).want(t, "a token without a name", http.StatusBadRequest)

	list := a.asAuthor.call(t, "GET", "/api/tokens", nil).want(t, "GET /api/tokens", http.StatusOK)
	if list.num(t, "total") != 2 || strings.Contains(list.body, "salon_") || list.get("items.1.last_used") == nil {
		t.Errorf("GET /api/tokens: %s", list.body)
	}
	if all := a.asAdmin.call(t, "GET", "/api/tokens", nil); all.num(t, "total") != 5 {
		t.Errorf("an administrator sees %d tokens; want all 5", all.num(t, "total"))
	}
	id := r.num(t, "id")
	a.asContributor.call(t, "DELETE", fmt.Sprintf("/api/tokens/%d", id), nil).want(t, "revoking another user's token", http.StatusNotFound)
	phone.call(t, "GET", "/api/me", nil).want(t, "the token after a refused revocation", http.StatusOK)
	a.asAdmin.call(t, "DELETE", fmt.Sprintf("/api/tokens/%d", id), nil).want(t, "an administrator revoking a user's token", http.StatusOK)
	phone.call(t, "GET", "/api/me", nil).want(t, "the revoked token", http.StatusUnauthorized)
}

func TestTokenPage(t *testing.T) {
	a := newAPISite(t)
	ari := a.reader(t, "198.51.100.9")
	ari.signIn(t, "ari@example.com", "correct horse")
	page := ari.get(t, "/admin/tokens/")
	if page.status != http.StatusOK || len(find(page.doc, "tbody tr")) != 1 || len(find(page.doc, "input.token-secret")) != 0 {
		t.Fatalf("token page = %d, %d rows:\n%s", page.status, len(find(page.doc, "tbody tr")), page.body)
	}
	token := csrf(t, page)
	if r := ari.post(t, "/admin/tokens/", url.Values{"name": {"laptop"}}); r.status != http.StatusForbidden {
		t.Errorf("creating a token without the form token = %d; want 403", r.status)
	}
	created := ari.post(t, "/admin/tokens/", url.Values{"csrf": {token}, "name": {"laptop"}})
	secrets := find(created.doc, "input.token-secret")
	if created.status != http.StatusOK || len(secrets) != 1 || !strings.Contains(created.body, "it will not be shown again") {
		t.Fatalf("create token = %d:\n%s", created.status, created.body)
	}
	secret := attr(secrets[0], "value")
	laptop := &apiCaller{s: a.site, client: a.client, header: []string{"Authorization", "Bearer " + secret}}
	if me := laptop.call(t, "GET", "/api/me", nil).want(t, "the token from the page", http.StatusOK); me.get("email") != "ari@example.com" {
		t.Errorf("the page's token is %v's", me.get("email"))
	}
	again := ari.get(t, "/admin/tokens/")
	if strings.Contains(again.body, secret) || len(find(again.doc, "tbody tr")) != 2 {
		t.Errorf("the token list shows the secret again, or lacks the token:\n%s", again.body)
	}
	if r := ari.post(t, "/admin/tokens/", url.Values{"csrf": {token}, "name": {"  "}}); r.status != http.StatusUnprocessableEntity || len(find(r.doc, ".form-error")) != 1 {
		t.Errorf("a token without a name = %d", r.status)
	}

	// Revoking: one's own, and not another user's; administrators revoke anyone's and see everyone's.
	rows := find(again.doc, "tbody tr")
	id := strings.TrimPrefix(attr(rows[len(rows)-1], "id"), "token-")
	annToken, err := a.store.Tokens(context.Background(), a.ann.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r := ari.post(t, fmt.Sprintf("/admin/tokens/%d/revoke/", annToken[0].ID), url.Values{"csrf": {token}}); r.status != http.StatusNotFound {
		t.Errorf("revoking another user's token = %d; want 404", r.status)
	}
	if r := ari.post(t, "/admin/tokens/"+id+"/revoke/", url.Values{}); r.status != http.StatusForbidden {
		t.Errorf("revoking without the form token = %d; want 403", r.status)
	}
	r := ari.post(t, "/admin/tokens/"+id+"/revoke/", url.Values{"csrf": {token}})
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/admin/tokens/") {
		t.Fatalf("revoke = %d %q", r.status, r.header.Get("Location"))
	}
	laptop.call(t, "GET", "/api/me", nil).want(t, "the revoked token", http.StatusUnauthorized)
	if after := ari.get(t, r.header.Get("Location")); !strings.Contains(text(find(after.doc, "#token-"+id)[0]), "Revoked") || !strings.Contains(after.body, "no longer works") {
		t.Errorf("after revoking, the list does not say so:\n%s", after.body)
	}

	admin := a.reader(t, "198.51.100.10")
	a.addUser(t, "root@example.com", "Root", blog.RoleAdmin, "correct horse")
	admin.signIn(t, "root@example.com", "correct horse")
	all := admin.get(t, "/admin/tokens/")
	if n := len(find(all.doc, "tbody tr")); n != 5 || !strings.Contains(all.body, "Ari Author") {
		t.Errorf("an administrator's token page lists %d tokens; want all 5, with their users", n)
	}
	if r := admin.post(t, fmt.Sprintf("/admin/tokens/%d/revoke/", annToken[0].ID), url.Values{"csrf": {csrf(t, all)}}); r.status != http.StatusSeeOther {
		t.Errorf("an administrator revoking another's token = %d", r.status)
	}
	if r := a.get(t, "/admin/tokens/"); r.status != http.StatusSeeOther {
		t.Errorf("signed-out token page = %d; want a redirect to sign in", r.status)
	}
}
