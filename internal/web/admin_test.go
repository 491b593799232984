package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/alexedwards/argon2id"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/post"
)

// cheapParams keep the tests fast: the parameters are the smallest argon2id allows, not what Salon uses.
var cheapParams = &argon2id.Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}

func (s *site) addUser(t *testing.T, email, name string, role blog.Role, password string) blog.User {
	t.Helper()
	hash, err := argon2id.CreateHash(password, cheapParams)
	if err != nil {
		t.Fatal(err)
	}
	u := blog.User{Email: email, Name: name, Slug: blog.Slugify(name), Role: role, PasswordHash: hash}
	if err := s.store.CreateUser(context.Background(), &u); err != nil {
		t.Fatal(err)
	}
	return u
}

func (rd *reader) post(t *testing.T, path string, form url.Values) response {
	t.Helper()
	req, err := http.NewRequest("POST", rd.s.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", rd.ip)
	res, err := rd.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return readResponse(t, res)
}

func (rd *reader) signIn(t *testing.T, email, password string) {
	t.Helper()
	r := rd.post(t, "/admin/signin/", url.Values{"email": {email}, "password": {password}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/admin/" {
		t.Fatalf("sign in as %s = %d %q", email, r.status, r.header.Get("Location"))
	}
}

// csrf reads the form token from an admin page.
func csrf(t *testing.T, r response) string {
	t.Helper()
	for _, n := range find(r.doc, "input") {
		if attr(n, "name") == "csrf" {
			return attr(n, "value")
		}
	}
	t.Fatalf("no csrf token on the page:\n%s", r.body)
	return ""
}

func TestSignIn(t *testing.T) {
	s, _ := newCommentSite(t, nil)
	s.addUser(t, "mod@example.com", "Moderator", blog.RoleEditor, "correct horse")
	rd := s.reader(t, "198.51.100.1")
	if r := rd.get(t, "/admin/comments/"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/admin/signin/?next=") {
		t.Errorf("signed-out GET /admin/comments/ = %d %q; want a redirect to sign in", r.status, r.header.Get("Location"))
	}
	if r := rd.post(t, "/admin/comments/", url.Values{"action": {"approve"}, "id": {"1"}}); r.status != http.StatusForbidden {
		t.Errorf("signed-out POST = %d; want 403", r.status)
	}
	for _, tt := range []struct{ email, password string }{{"mod@example.com", "wrong password"}, {"nobody@example.com", "correct horse"}} {
		r := rd.post(t, "/admin/signin/", url.Values{"email": {tt.email}, "password": {tt.password}})
		if r.status != http.StatusUnauthorized || !strings.Contains(r.body, "The email address or the password is not right.") || fieldValue(r.doc, "email") != tt.email {
			t.Errorf("sign in with %s/%s = %d", tt.email, tt.password, r.status)
		}
	}
	r := rd.post(t, "/admin/signin/", url.Values{"email": {"MOD@example.com "}, "password": {"correct horse"}, "next": {"/admin/comments/?status=spam"}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/admin/comments/?status=spam" {
		t.Fatalf("sign in = %d %q", r.status, r.header.Get("Location"))
	}
	u, _ := url.Parse(s.srv.URL)
	for _, c := range rd.client.Jar.Cookies(u) {
		if c.Name == "salon_session" && (len(c.Value) < 40) {
			t.Errorf("session token %q is too short", c.Value)
		}
	}
	dash := rd.get(t, "/admin/")
	if dash.status != 200 || !strings.Contains(dash.body, "Moderator") {
		t.Fatalf("dashboard = %d", dash.status)
	}
	if r := rd.post(t, "/admin/signin/", url.Values{"email": {"mod@example.com"}, "password": {"correct horse"}, "next": {"//evil.example/"}}); r.header.Get("Location") != "/admin/" {
		t.Errorf("sign-in redirect to another site: %q", r.header.Get("Location"))
	}
	if r := rd.post(t, "/admin/signout/", url.Values{}); r.status != http.StatusForbidden {
		t.Errorf("sign out without the form token = %d; want 403", r.status)
	}
	token := csrf(t, rd.get(t, "/admin/"))
	rd.post(t, "/admin/signout/", url.Values{"csrf": {token}})
	if r := rd.get(t, "/admin/"); r.status != http.StatusSeeOther {
		t.Errorf("after sign-out GET /admin/ = %d; want a redirect to sign in", r.status)
	}
	// A form sent from a page opened before signing out says what happened and how to keep what was typed.
	if r := rd.post(t, "/admin/settings/", url.Values{"csrf": {token}, "title": {"Changed"}}); r.status != http.StatusForbidden ||
		!strings.Contains(strings.Join(texts(find(r.doc, ".error-page p")), " "), "You are not signed in") {
		t.Errorf("a form sent after sign-out = %d saying %q; want 403 saying the reader is signed out", r.status, texts(find(r.doc, ".error-page p")))
	}
}

func TestModerationQueue(t *testing.T) {
	s, p := newCommentSite(t, nil) // first comments are held
	s.addUser(t, "mod@example.com", "Moderator", blog.RoleEditor, "correct horse")
	ann := s.reader(t, "198.51.100.1")
	ann.comment(t, p.ID, map[string]string{"author": "Ann", "email": "ann@example.org", "url": "https://ann.example", "comment": "Please approve me."})
	s.advance()
	bo := s.reader(t, "198.51.100.2")
	bo.comment(t, p.ID, map[string]string{"author": "Bo", "email": "bo@example.org", "comment": "Me too."})

	mod := s.reader(t, "198.51.100.3")
	mod.signIn(t, "mod@example.com", "correct horse")
	q := mod.get(t, "/admin/comments/")
	rows := find(q.doc, "tbody tr")
	if len(rows) != 2 {
		t.Fatalf("the pending tab lists %d comments; want 2", len(rows))
	}
	first := text(rows[1])
	for _, want := range []string{"Ann", "ann@example.org", "https://ann.example", "198.51.100.1", "Please approve me.", "The debate", "held: first comment"} {
		if !strings.Contains(first, want) {
			t.Errorf("queue row %q lacks %q", first, want)
		}
	}
	if got := texts(find(q.doc, "nav.tabs a")); got[0] != "Pending (2)" {
		t.Errorf("tabs = %q", got)
	}
	if got := texts(find(q.doc, ".admin-nav .count")); len(got) != 1 || got[0] != "2" {
		t.Errorf("pending count in the menu = %q", got)
	}
	token := csrf(t, q)
	ids := []string{strings.TrimPrefix(attr(rows[0], "id"), "queue-"), strings.TrimPrefix(attr(rows[1], "id"), "queue-")}

	if r := mod.post(t, "/admin/comments/", url.Values{"action": {"approve"}, "id": {ids[1]}}); r.status != http.StatusForbidden {
		t.Errorf("approve without the form token = %d; want 403", r.status)
	}
	r := mod.post(t, "/admin/comments/", url.Values{"csrf": {token}, "action": {"approve"}, "id": {ids[1]}, "return": {"/admin/comments/"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("approve = %d %s", r.status, r.body)
	}
	page := s.get(t, s.path(t, p))
	if got := commentAuthors(page.doc); len(got) != 1 || got[0] != "1. Ann says" {
		t.Errorf("after approval the post shows %q", got)
	}

	// A refused reply approves nothing, and comes back with the reason and its text.
	for _, tt := range []struct{ reply, reason string }{
		{"   ", "Please type your comment."},
		{strings.Repeat("long ", blog.MaxCommentLen/5+1), "too long"},
	} {
		r := mod.post(t, "/admin/comments/"+ids[0]+"/reply/", url.Values{"csrf": {token}, "comment": {tt.reply}})
		if msg := texts(find(r.doc, "p.form-error")); r.status != http.StatusUnprocessableEntity || len(msg) != 1 || !strings.Contains(msg[0], tt.reason) ||
			fieldValue(r.doc, "comment") != tt.reply {
			t.Errorf("reply %.10q… = %d saying %q; want 422 saying %q with the text kept", tt.reply, r.status, msg, tt.reason)
		}
		if c, _ := s.store.Comment(context.Background(), mustID(t, ids[0])); c.Status != blog.CommentPending {
			t.Errorf("a refused reply left the comment it answers %s; want it still pending", c.Status)
		}
	}

	// Reply as the moderator: approved at once, approving the comment it answers.
	r = mod.post(t, "/admin/comments/"+ids[0]+"/reply/", url.Values{"csrf": {token}, "comment": {"Thanks, Bo."}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("reply = %d %s", r.status, r.body)
	}
	page = s.get(t, s.path(t, p))
	if got := commentAuthors(page.doc); len(got) != 3 || got[2] != "3. Moderator says" {
		t.Errorf("after the reply the post shows %q", got)
	}

	// Bulk: both of the readers' comments to spam, then one back. A selected comment deleted meanwhile does not
	// stop the others; a selection of none says so.
	r = mod.post(t, "/admin/comments/", url.Values{"csrf": {token}, "action": {"spam"}, "id": append(ids, "999999")})
	if counts, _ := s.store.CommentCounts(context.Background(), 0); counts[blog.CommentSpam] != 2 {
		t.Errorf("after bulk spam: %v", counts)
	}
	if got := r.header.Get("Location"); !strings.Contains(got, url.QueryEscape("Marked as spam: 2 comments. 1 other no longer existed.")) {
		t.Errorf("bulk spam with a comment gone redirects to %q; want the count of both", got)
	}
	if r := mod.post(t, "/admin/comments/", url.Values{"csrf": {token}, "action": {"trash"}}); !strings.Contains(r.header.Get("Location"), "select+the+comments") {
		t.Errorf("an action on no comments redirects to %q; want a notice asking for a selection", r.header.Get("Location"))
	}
	// The notice is the site's own: shown after the redirect, not when another text is put in the address.
	notice := mod.get(t, r.header.Get("Location"))
	if got := texts(find(notice.doc, "p.notice")); len(got) != 1 || got[0] != "Marked as spam: 2 comments. 1 other no longer existed." {
		t.Errorf("after bulk spam the queue shows %q", got)
	}
	forged, _ := url.Parse(r.header.Get("Location"))
	fq := forged.Query()
	fq.Set("done", "Your session has expired. Sign in again at evil.example")
	forged.RawQuery = fq.Encode()
	if got := texts(find(mod.get(t, forged.String()).doc, "p.notice")); len(got) != 0 {
		t.Errorf("a notice written into the address is shown: %q", got)
	}
	spam := mod.get(t, "/admin/comments/?status=spam")
	if len(find(spam.doc, "tbody tr")) != 2 {
		t.Error("the spam tab does not list both")
	}

	// Edit a comment's text and status.
	edit := mod.get(t, "/admin/comments/"+ids[1]+"/edit/")
	if edit.status != 200 || fieldValue(edit.doc, "comment") != "Please approve me." {
		t.Fatalf("edit form = %d", edit.status)
	}
	r = mod.post(t, "/admin/comments/"+ids[1]+"/edit/", url.Values{"csrf": {token}, "author": {"Ann"}, "email": {"ann@example.org"},
		"comment": {"Edited by a moderator."}, "status": {"approved"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("save edit = %d", r.status)
	}
	if page := s.get(t, s.path(t, p)); !strings.Contains(page.body, "Edited by a moderator.") {
		t.Error("the edit is not on the post")
	}
}

// Every role is refused what it may not do, on the server.
func TestModerationRoles(t *testing.T) {
	s, p := newCommentSite(t, nil)
	author := s.addUser(t, "author@example.com", "Ari Author", blog.RoleAuthor, "correct horse")
	s.addUser(t, "contrib@example.com", "Cy Contributor", blog.RoleContributor, "correct horse")
	own := s.add(t, post.Draft{Title: "Ari's post", Body: "x", AuthorEmail: author.Email, Date: start.Add(-48 * time.Hour)})
	s.reader(t, "198.51.100.1").comment(t, p.ID, map[string]string{"author": "A", "email": "a@example.org", "comment": "On the admin's post."})
	s.advance()
	s.reader(t, "198.51.100.2").comment(t, own.ID, map[string]string{"author": "B", "email": "b@example.org", "comment": "On Ari's post."})
	held, _, err := s.store.Comments(context.Background(), blog.CommentFilter{Status: blog.CommentPending})
	if err != nil || len(held) != 2 {
		t.Fatalf("held = %d, %v", len(held), err)
	}
	idOf := map[int64]string{}
	for _, c := range held {
		idOf[c.PostID] = strconv.FormatInt(c.ID, 10)
	}

	contrib := s.reader(t, "198.51.100.5")
	contrib.signIn(t, "contrib@example.com", "correct horse")
	if r := contrib.get(t, "/admin/comments/"); r.status != http.StatusForbidden ||
		texts(find(r.doc, ".error-page p"))[0] != "Contributors cannot moderate comments." {
		t.Errorf("contributor opening the queue = %d saying %q; want 403 saying why", r.status, texts(find(r.doc, ".error-page p")))
	} else if len(find(r.doc, `.error-page a[href="/admin/"]`)) != 1 {
		t.Error("the admin area's 403 page does not lead back to the dashboard")
	}

	ari := s.reader(t, "198.51.100.6")
	ari.signIn(t, "author@example.com", "correct horse")
	q := ari.get(t, "/admin/comments/")
	if rows := find(q.doc, "tbody tr"); len(rows) != 1 || !strings.Contains(text(rows[0]), "On Ari") {
		t.Errorf("an author's queue shows other posts' comments: %d rows\n%s", len(rows), q.body)
	}
	token := csrf(t, q)
	if r := ari.post(t, "/admin/comments/", url.Values{"csrf": {token}, "action": {"approve"}, "id": {idOf[p.ID]}}); r.status != http.StatusForbidden {
		t.Errorf("author approving a comment on someone else's post = %d; want 403", r.status)
	}
	if r := ari.post(t, "/admin/comments/", url.Values{"csrf": {token}, "action": {"approve"}, "id": {idOf[own.ID]}}); r.status != http.StatusSeeOther {
		t.Errorf("author approving a comment on their own post = %d; want 303", r.status)
	}
	// The author's reply on their own post carries the Author badge.
	ari.post(t, "/admin/comments/"+idOf[own.ID]+"/reply/", url.Values{"csrf": {token}, "comment": {"Author here."}})
	page := s.get(t, s.path(t, own))
	if got := texts(find(page.doc, "li.bypostauthor .author-badge")); len(got) != 1 || got[0] != "Author" {
		t.Errorf("author badge = %q", got)
	}
}

func mustID(t *testing.T, s string) int64 {
	t.Helper()
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestQueueOffersNoReplyOnClosedThreads: the queue does not offer a reply the post would refuse, and says why.
func TestQueueOffersNoReplyOnClosedThreads(t *testing.T) {
	s, p := newCommentSite(t, nil) // first comments are held
	s.addUser(t, "mod@example.com", "Moderator", blog.RoleEditor, "correct horse")
	s.reader(t, "198.51.100.1").comment(t, p.ID, map[string]string{"author": "Ann", "email": "ann@example.org", "comment": "Held for now."})
	mod := s.reader(t, "198.51.100.9")
	mod.signIn(t, "mod@example.com", "correct horse")
	if q := mod.get(t, "/admin/comments/"); len(find(q.doc, "details.reply-box")) != 1 || len(find(q.doc, "p.replies-closed")) != 0 {
		t.Fatalf("an open thread's comment: %d reply boxes, %d notes; want the box", len(find(q.doc, "details.reply-box")), len(find(q.doc, "p.replies-closed")))
	}
	d := post.DraftOf(p, "ann@example.com")
	d.CommentsClosed = true
	if _, err := s.writer.Update(context.Background(), p.ID, d); err != nil {
		t.Fatal(err)
	}
	q := mod.get(t, "/admin/comments/")
	if notes := texts(find(q.doc, "p.replies-closed")); len(find(q.doc, "details.reply-box")) != 0 || len(notes) != 1 || !strings.Contains(notes[0], "Comments are closed.") {
		t.Errorf("a closed thread's comment: %d reply boxes, notes %q; want none and the reason", len(find(q.doc, "details.reply-box")), notes)
	}
}
