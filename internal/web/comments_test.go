package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/net/html"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/comment"
	"github.com/salon-blog/salon/internal/post"
	"github.com/salon-blog/salon/internal/store"
	"github.com/salon-blog/salon/internal/web"
)

// reader is one browser: its own cookie jar and address.
type reader struct {
	s      *site
	client *http.Client
	ip     string
}

func (s *site) reader(t testing.TB, ip string) *reader {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return &reader{s: s, client: c, ip: ip}
}

// newCommentSite is a site whose proxy (the test itself) reports each reader's address, with one open post.
func newCommentSite(t testing.TB, settings map[string]string) (*site, blog.Post) {
	t.Helper()
	proxies, err := web.ParseProxies("127.0.0.1,::1")
	if err != nil {
		t.Fatal(err)
	}
	s := newSite(t, settings, proxies)
	p := s.add(t, post.Draft{Title: "The debate", Body: "Discuss.", Date: start.Add(-48 * time.Hour)})
	return s, p
}

func (rd *reader) get(t *testing.T, path string) response {
	t.Helper()
	return get(t, rd.client, rd.s.srv.URL+path, "X-Forwarded-For", rd.ip)
}

// typingTime is how long a test reader takes to fill the comment form: past the default minimum.
const typingTime = 3 * time.Second

// comment opens the post, fills its form as a browser would (taking typingTime on the site's clock), submits it
// and follows the redirect to the comment, as a browser would. fields may replace the form's hidden fields.
func (rd *reader) comment(t *testing.T, postID int64, fields map[string]string) (response, response) {
	t.Helper()
	form := url.Values{"comment_post_ID": {strconv.FormatInt(postID, 10)}, "comment_parent": {"0"}}
	if p, err := rd.s.store.Post(context.Background(), postID); err == nil {
		page := rd.get(t, rd.s.path(t, p))
		if page.doc != nil {
			if tok := fieldValue(page.doc, "salon_form"); tok != "<missing>" {
				form.Set("salon_form", tok)
			}
		}
	}
	rd.s.clock.advance(typingTime)
	for k, v := range fields {
		form.Set(k, v)
	}
	return rd.postComment(t, form)
}

// postComment sends a filled comment form, and follows the redirect to the comment.
func (rd *reader) postComment(t *testing.T, form url.Values, header ...string) (response, response) {
	t.Helper()
	req, err := http.NewRequest("POST", rd.s.srv.URL+"/comments/", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", rd.ip)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := rd.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	first := readResponse(t, res)
	if first.status != http.StatusSeeOther {
		return first, response{}
	}
	loc := first.header.Get("Location")
	second := rd.get(t, loc)
	if second.status == http.StatusFound {
		second = rd.get(t, second.header.Get("Location"))
	}
	return first, second
}

func readResponse(t *testing.T, res *http.Response) response {
	t.Helper()
	defer res.Body.Close()
	var b strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := res.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	r := response{status: res.StatusCode, header: res.Header, body: b.String()}
	if strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		doc, err := html.Parse(strings.NewReader(r.body))
		if err != nil {
			t.Fatal(err)
		}
		r.doc = doc
	}
	return r
}

// advance moves the site's clock past the flood interval.
func (s *site) advance() { s.clock.advance(20 * time.Second) }

func fieldValue(doc *html.Node, name string) string {
	for _, n := range find(doc, "input") {
		if attr(n, "name") == name {
			return attr(n, "value")
		}
	}
	for _, n := range find(doc, "textarea") {
		if attr(n, "name") == name {
			if n.FirstChild == nil {
				return ""
			}
			return n.FirstChild.Data
		}
	}
	return "<missing>"
}

func commentAuthors(doc *html.Node) []string {
	return texts(find(doc, "p.comment-author"))
}

func TestLeaveAReplyForm(t *testing.T) {
	s, p := newCommentSite(t, nil)
	r := s.reader(t, "198.51.100.1").get(t, s.path(t, p))
	checks := map[string]string{
		"#reply-title":                          "Leave a Reply Cancel reply",
		"#comments-title":                       "No comments yet",
		"p.comment-notes":                       "Your email address will not be published. Required fields are marked *",
		"label[for=author]":                     "Name *",
		"label[for=email]":                      "Email *",
		"label[for=url]":                        "Website",
		"label[for=comment]":                    "Comment *",
		"label[for=wp-comment-cookies-consent]": "Save my name, email, and website in this browser for the next time I comment.",
	}
	for sel, want := range checks {
		if got := texts(find(r.doc, sel)); len(got) != 1 || got[0] != want {
			t.Errorf("%s = %q; want %q", sel, got, want)
		}
	}
	for _, name := range []string{"author", "email", "url", "comment", "comment_parent", "comment_post_ID"} {
		if fieldValue(r.doc, name) == "<missing>" {
			t.Errorf("the form has no field named %q", name)
		}
	}
	if got := fieldValue(r.doc, "comment_post_ID"); got != strconv.FormatInt(p.ID, 10) {
		t.Errorf("comment_post_ID = %q", got)
	}
	if len(find(r.doc, "form#commentform")) != 1 || attr(find(r.doc, "form#commentform")[0], "method") != "post" {
		t.Error("no POST form #commentform")
	}
}

func TestCommentJourney(t *testing.T) {
	s, p := newCommentSite(t, map[string]string{"comment_previously_approved": "off"})
	path := s.path(t, p)
	mobius := s.reader(t, "198.51.100.1")
	first, page := mobius.comment(t, p.ID, map[string]string{
		"author": "Mobius", "email": "mobius@example.com", "url": "https://mobius.example",
		"comment": "First paragraph.\n\nSecond *paragraph*.\n\n> A quote.",
	})
	if first.status != http.StatusSeeOther || !strings.HasPrefix(first.header.Get("Location"), "/comments/") {
		t.Fatalf("submit = %d %q; want 303 to /comments/ID/", first.status, first.header.Get("Location"))
	}
	if got := commentAuthors(page.doc); !cmp.Equal(got, []string{"1. Mobius says"}) {
		t.Errorf("thread authors = %q", got)
	}
	li := find(page.doc, "li.comment")[0]
	id := strings.TrimPrefix(attr(li, "id"), "comment-")
	if got := text(find(li, ".comment-content")[0]); got != "First paragraph. Second paragraph. A quote." {
		t.Errorf("comment body = %q", got)
	}
	if n := len(find(li, "blockquote")) + len(find(li, "em")); n != 2 {
		t.Errorf("quote and emphasis not kept: %d", n)
	}
	if a := find(li, "a.url"); len(a) != 1 || attr(a[0], "href") != "https://mobius.example" || attr(a[0], "rel") != "ugc nofollow" {
		t.Errorf("author link = %v", a)
	}
	if got := attr(find(li, ".comment-date a")[0], "href"); got != path+"#comment-"+id {
		t.Errorf("permalink = %q; want %q", got, path+"#comment-"+id)
	}
	if got := texts(find(page.doc, "#comments-title")); got[0] != "One comment" {
		t.Errorf("heading = %q", got)
	}

	s.advance()
	jrk := s.reader(t, "198.51.100.2")
	_, page = jrk.comment(t, p.ID, map[string]string{"author": "jrkrideau", "email": "jrk@example.com", "comment": "A reply.", "comment_parent": id})
	if got := commentAuthors(page.doc); !cmp.Equal(got, []string{"1. Mobius says", "2. jrkrideau says"}) {
		t.Errorf("thread after reply = %q", got)
	}
	reply := find(page.doc, "ol.children li.comment")
	if len(reply) != 1 || !hasClass(reply[0], "depth-2") {
		t.Fatalf("the reply is not nested under its parent")
	}
	s.advance()
	_, page = mobius.comment(t, p.ID, map[string]string{"author": "Mobius", "email": "mobius@example.com", "comment": "Third, at the top level."})
	if got := commentAuthors(page.doc); !cmp.Equal(got, []string{"1. Mobius says", "2. jrkrideau says", "3. Mobius says"}) {
		t.Errorf("numbering = %q", got)
	}
	home := s.get(t, "/")
	if got := texts(find(home.doc, "span.comment-count")); got[0] != "3 comments" {
		t.Errorf("home page count = %q", got)
	}
}

// Reply without JavaScript: the Reply link opens the form for that comment.
func TestReplyWithoutJavaScript(t *testing.T) {
	s, p := newCommentSite(t, map[string]string{"comment_previously_approved": "off"})
	rd := s.reader(t, "198.51.100.1")
	_, page := rd.comment(t, p.ID, map[string]string{"author": "Mobius", "email": "m@example.com", "comment": "Top."})
	link := find(page.doc, "a.comment-reply-link")[0]
	href := attr(link, "href")
	r := rd.get(t, s.path(t, p)+strings.TrimSuffix(href, "#respond"))
	if got := texts(find(r.doc, "#reply-title")); got[0] != "Leave a Reply to Mobius Cancel reply" {
		t.Errorf("reply form title = %q", got)
	}
	if got := fieldValue(r.doc, "comment_parent"); got != attr(link, "data-comment-id") {
		t.Errorf("comment_parent = %q; want %q", got, attr(link, "data-comment-id"))
	}
	if len(find(r.doc, "meta[name=robots]")) != 1 {
		t.Error("the reply page is indexable")
	}
}

// A refused comment comes back with a message beside the field and every character still in the form.
func TestRefusedCommentKeepsEverything(t *testing.T) {
	s, p := newCommentSite(t, nil)
	typed := "Line one <b>bold</b> & \"quotes\"\n\nLine two — ünïcödé 🎉"
	long := func(n int) string { return strings.Repeat("x", n) }
	tests := []struct {
		name   string
		fields map[string]string
		field  string // where the message is shown; "" for the form
		want   string
	}{
		{"missing name", map[string]string{"email": "a@example.com", "comment": typed}, "author", "Please enter your name."},
		{"missing email", map[string]string{"author": "Ann", "comment": typed}, "email", "Please enter your email address."},
		{"invalid email", map[string]string{"author": "Ann", "email": "ann@", "comment": typed}, "email", "valid email address"},
		{"website not http", map[string]string{"author": "Ann", "email": "a@example.com", "url": "javascript:alert(1)", "comment": typed}, "url", "http:// or https://"},
		{"missing comment", map[string]string{"author": "Ann", "email": "a@example.com", "comment": "  "}, "comment", "Please type your comment."},
		{"long name", map[string]string{"author": long(246), "email": "a@example.com", "comment": typed}, "author", "at most 245"},
		{"long email", map[string]string{"author": "Ann", "email": long(95) + "@example.com", "comment": typed}, "email", "at most 100"},
		{"long website", map[string]string{"author": "Ann", "email": "a@example.com", "url": "https://example.com/" + long(190), "comment": typed}, "url", "at most 200"},
		{"long comment", map[string]string{"author": "Ann", "email": "a@example.com", "comment": long(65526)}, "comment", "at most 65,525"},
		{"bad parent", map[string]string{"author": "Ann", "email": "a@example.com", "comment": typed, "comment_parent": "999"}, "", "not available any more"},
	}
	for _, tt := range tests {
		rd := s.reader(t, "198.51.100.9")
		r, _ := rd.comment(t, p.ID, tt.fields)
		if r.status != http.StatusUnprocessableEntity {
			t.Errorf("%s: status %d; want 422", tt.name, r.status)
			continue
		}
		sel := "p.form-error"
		if tt.field != "" {
			sel = "#" + tt.field + "-error"
		}
		if got := texts(find(r.doc, sel)); len(got) == 0 || !strings.Contains(strings.Join(got, " "), tt.want) {
			t.Errorf("%s: %s = %q; want %q", tt.name, sel, got, tt.want)
		}
		for _, f := range []string{"author", "email", "url", "comment"} {
			if got, want := fieldValue(r.doc, f), tt.fields[f]; got != want && !(f == "comment" && strings.TrimSpace(want) == "" && got == "") {
				t.Errorf("%s: field %s = %q; want what was typed, %q", tt.name, f, clip(got), clip(want))
			}
		}
		if tt.field != "" {
			if n := find(r.doc, "#"+tt.field); len(n) != 1 || attr(n[0], "aria-invalid") != "true" {
				t.Errorf("%s: #%s not marked invalid", tt.name, tt.field)
			}
		}
	}
	if c, _, err := s.store.Comments(context.Background(), blog.CommentFilter{}); err != nil || len(c) != 0 {
		t.Errorf("refused comments were stored: %d, %v", len(c), err)
	}
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

func TestThreadRules(t *testing.T) {
	s, p := newCommentSite(t, map[string]string{"comment_previously_approved": "off"})
	ann := s.reader(t, "198.51.100.1")
	fields := map[string]string{"author": "Ann", "email": "ann@example.org", "comment": "Same words."}
	if r, _ := ann.comment(t, p.ID, fields); r.status != 303 {
		t.Fatalf("first comment = %d", r.status)
	}
	// The same person again within 15 seconds, from another address: flood.
	other := s.reader(t, "198.51.100.2")
	r, _ := other.comment(t, p.ID, map[string]string{"author": "Ann", "email": "ann@example.org", "comment": "Quick follow-up."})
	if r.status != 422 || !strings.Contains(text(find(r.doc, "p.form-error")[0]), "too quickly") {
		t.Errorf("flood by email = %d", r.status)
	}
	// Another person from the same address within 15 seconds: flood.
	r, _ = ann.comment(t, p.ID, map[string]string{"author": "Bo", "email": "bo@example.org", "comment": "Me too."})
	if r.status != 422 {
		t.Errorf("flood by IP = %d", r.status)
	}
	s.advance()
	r, _ = ann.comment(t, p.ID, fields)
	if r.status != 422 || !strings.Contains(text(find(r.doc, "#comment-error")[0]), "already posted") {
		t.Errorf("duplicate = %d", r.status)
	}

	ctx := context.Background()
	d := post.DraftOf(p, "ann@example.com")
	d.CommentsClosed = true
	if _, err := s.writer.Update(ctx, p.ID, d); err != nil {
		t.Fatal(err)
	}
	s.advance()
	r, _ = ann.comment(t, p.ID, map[string]string{"author": "Ann", "email": "ann@example.org", "comment": "Closed?"})
	if r.status != 422 || !strings.Contains(r.body, "Comments are closed.") || fieldValue(r.doc, "comment") != "Closed?" {
		t.Errorf("closed post = %d", r.status)
	}
	page := ann.get(t, s.path(t, p))
	if len(find(page.doc, "form#commentform")) != 0 || len(find(page.doc, "p.comments-closed")) != 1 {
		t.Error("a closed post still shows the form")
	}
	if len(find(page.doc, "li.comment")) == 0 || len(find(page.doc, "a.comment-reply-link")) != 0 {
		t.Errorf("a closed post shows %d comments with %d Reply links; want its comments without any",
			len(find(page.doc, "li.comment")), len(find(page.doc, "a.comment-reply-link")))
	}
}

func TestModerationHoldsAndShowsOnlyToAuthor(t *testing.T) {
	s, p := newCommentSite(t, nil) // defaults: first-time commenters are held
	path := s.path(t, p)
	ann := s.reader(t, "198.51.100.1")
	_, page := ann.comment(t, p.ID, map[string]string{"author": "Ann", "email": "ann@example.org", "comment": "Held, please."})
	if got := texts(find(page.doc, "p.comment-awaiting-moderation")); len(got) != 1 || got[0] != "Your comment is awaiting moderation." {
		t.Fatalf("the author does not see their held comment: %q", got)
	}
	if got := texts(find(page.doc, "#comments-title")); got[0] != "No comments yet" {
		t.Errorf("held comment counted: %q", got)
	}
	stranger := s.reader(t, "198.51.100.2")
	if r := stranger.get(t, path); strings.Contains(r.body, "Held, please.") {
		t.Error("another reader sees a held comment")
	}
	if r := s.get(t, path+"feed/"); strings.Contains(r.body, "Held, please.") {
		t.Error("the comment feed shows a held comment")
	}
	held, _, err := s.store.Comments(context.Background(), blog.CommentFilter{Status: blog.CommentPending})
	if err != nil || len(held) != 1 || !strings.Contains(held[0].Moderation, "first comment") {
		t.Fatalf("held comments = %+v, %v", held, err)
	}
	if err := s.store.SetCommentStatus(context.Background(), []int64{held[0].ID}, blog.CommentApproved); err != nil {
		t.Fatal(err)
	}
	if r := stranger.get(t, path); !strings.Contains(r.body, "Held, please.") || strings.Contains(r.body, "awaiting moderation") {
		t.Error("an approved comment is not shown to everyone")
	}
	s.advance()
	_, page = ann.comment(t, p.ID, map[string]string{"author": "Ann", "email": "ann@example.org", "comment": "Trusted now."})
	if strings.Contains(page.body, "awaiting moderation") {
		t.Error("a commenter with an approved comment was held again")
	}
}

func TestModerationWordsAndLinks(t *testing.T) {
	s, p := newCommentSite(t, map[string]string{"comment_previously_approved": "off", "moderation_keys": "casino", "disallowed_keys": "viagra"})
	tests := []struct {
		body string
		want blog.CommentStatus
	}{
		{"Plain words.", blog.CommentApproved},
		{"The same point, with one source: https://a.example", blog.CommentApproved},
		{"Two links: https://a.example and https://b.example", blog.CommentPending},
		{"Try the Casino!", blog.CommentPending},
		{"Buy viagra", blog.CommentSpam},
	}
	for i, tt := range tests {
		s.advance()
		rd := s.reader(t, fmt.Sprintf("198.51.100.%d", i+1))
		first, page := rd.comment(t, p.ID, map[string]string{"author": "R", "email": fmt.Sprintf("r%d@example.org", i), "comment": tt.body})
		if first.status != 303 {
			t.Fatalf("%q: status %d", tt.body, first.status)
		}
		cs, _, err := s.store.Comments(context.Background(), blog.CommentFilter{Search: tt.body})
		if err != nil || len(cs) != 1 || cs[0].Status != tt.want {
			t.Errorf("%q: stored %+v; want status %s", tt.body, cs, tt.want)
		}
		// Even spam looks held to its author: a false positive reassures, a spammer learns nothing.
		if tt.want != blog.CommentApproved && !strings.Contains(page.body, "awaiting moderation") {
			t.Errorf("%q: the author is not told it awaits moderation", tt.body)
		}
	}
}

func TestRememberCommenter(t *testing.T) {
	s, p := newCommentSite(t, nil)
	rd := s.reader(t, "198.51.100.1")
	rd.comment(t, p.ID, map[string]string{"author": "Ann", "email": "ann@example.org", "url": "https://ann.example", "comment": "Hi", "wp-comment-cookies-consent": "yes"})
	r := rd.get(t, s.path(t, p))
	if fieldValue(r.doc, "author") != "Ann" || fieldValue(r.doc, "email") != "ann@example.org" || fieldValue(r.doc, "url") != "https://ann.example" {
		t.Errorf("remembered fields = %q %q %q", fieldValue(r.doc, "author"), fieldValue(r.doc, "email"), fieldValue(r.doc, "url"))
	}
	forgetful := s.reader(t, "198.51.100.2")
	s.advance()
	forgetful.comment(t, p.ID, map[string]string{"author": "Bo", "email": "bo@example.org", "comment": "Hi"})
	u, err := url.Parse(s.srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range forgetful.client.Jar.Cookies(u) {
		if c.Name == "salon_commenter" {
			t.Error("a commenter cookie was set without the box ticked")
		}
	}
}

func TestEditOwnComment(t *testing.T) {
	s, p := newCommentSite(t, map[string]string{"comment_previously_approved": "off"})
	ann := s.reader(t, "198.51.100.1")
	_, page := ann.comment(t, p.ID, map[string]string{"author": "Ann", "email": "ann@example.org", "comment": "Tpyo here."})
	edit := find(page.doc, "a.comment-edit-link")
	if len(edit) != 1 {
		t.Fatal("no edit link on one's own fresh comment")
	}
	editPath := attr(edit[0], "href")
	if r := ann.get(t, editPath); !strings.Contains(text(find(r.doc, ".comment-edit p")[0]), "for 10 minutes after posting") {
		t.Errorf("the edit page says %q; want the site's edit window", text(find(r.doc, ".comment-edit p")[0]))
	}
	if r := s.reader(t, "198.51.100.2").get(t, editPath); r.status != http.StatusForbidden {
		t.Errorf("another browser editing = %d; want 403", r.status)
	}
	form := url.Values{"author": {"Ann"}, "email": {"ann@example.org"}, "comment": {"Typo fixed."}}
	req, _ := http.NewRequest("POST", s.srv.URL+editPath, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := ann.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 303 {
		t.Fatalf("edit = %d", res.StatusCode)
	}
	if r := s.get(t, s.path(t, p)); !strings.Contains(r.body, "Typo fixed.") || strings.Contains(r.body, "Tpyo") {
		t.Error("the edit is not shown")
	}
	s.clock.advance(11 * time.Minute)
	if r := ann.get(t, editPath); r.status != http.StatusForbidden || !strings.Contains(r.body, "The time to edit this comment has passed.") {
		t.Errorf("editing after the window = %d; want 403 saying why", r.status)
	}
	// Changes sent after the window are refused, and what was typed stays on the page.
	late := ann.post(t, editPath, url.Values{"author": {"Ann"}, "email": {"ann@example.org"}, "comment": {"A long rewrite, sent too late."}})
	if late.status != http.StatusForbidden || fieldValue(late.doc, "comment") != "A long rewrite, sent too late." ||
		len(find(late.doc, "p.form-error")) != 1 || len(find(late.doc, ".comment-edit button")) != 0 {
		t.Errorf("a late edit = %d, box %q, %d errors, %d buttons; want 403 with the text kept, the reason, no buttons",
			late.status, fieldValue(late.doc, "comment"), len(find(late.doc, "p.form-error")), len(find(late.doc, ".comment-edit button")))
	}
	if r := s.get(t, s.path(t, p)); strings.Contains(r.body, "sent too late") {
		t.Error("a late edit was saved")
	}
	lateDelete := ann.post(t, editPath, url.Values{"delete": {"1"}, "comment": {"Typo fixed."}})
	if msg := texts(find(lateDelete.doc, "p.form-error")); lateDelete.status != http.StatusForbidden || len(msg) != 1 || !strings.Contains(msg[0], "time to delete") {
		t.Errorf("a late delete = %d saying %q; want 403 saying the time to delete has passed", lateDelete.status, msg)
	}
	if r := s.get(t, s.path(t, p)); !strings.Contains(r.body, "Typo fixed.") {
		t.Error("a late delete removed the comment")
	}
	if r := ann.get(t, s.path(t, p)); len(find(r.doc, "a.comment-edit-link")) != 0 {
		t.Error("the edit link outlives the window")
	}
}

func TestDeleteOwnComment(t *testing.T) {
	s, p := newCommentSite(t, map[string]string{"comment_previously_approved": "off"})
	ann := s.reader(t, "198.51.100.1")
	_, page := ann.comment(t, p.ID, map[string]string{"author": "Ann", "email": "ann@example.org", "comment": "Regrettable."})
	editPath := attr(find(page.doc, "a.comment-edit-link")[0], "href")
	req, _ := http.NewRequest("POST", s.srv.URL+editPath, strings.NewReader("delete=1"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := ann.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if r := s.get(t, s.path(t, p)); strings.Contains(r.body, "Regrettable.") {
		t.Error("a deleted comment is still shown")
	}
	trash, _, _ := s.store.Comments(context.Background(), blog.CommentFilter{Status: blog.CommentTrash})
	if len(trash) != 1 {
		t.Errorf("a deleted comment should wait in the trash, recoverable; trash has %d", len(trash))
	}
}

func TestPreviewWithoutJavaScript(t *testing.T) {
	s, p := newCommentSite(t, nil)
	r, _ := s.reader(t, "198.51.100.1").comment(t, p.ID, map[string]string{"author": "Ann", "email": "ann@example.org", "comment": "Some **bold** words", "preview": "1"})
	if r.status != 200 {
		t.Fatalf("preview = %d", r.status)
	}
	prev := find(r.doc, "div.comment-preview")
	if len(prev) != 1 || len(find(prev[0], "strong")) != 1 || fieldValue(r.doc, "comment") != "Some **bold** words" {
		t.Errorf("preview not shown with the text kept")
	}
	if c, _, _ := s.store.Comments(context.Background(), blog.CommentFilter{}); len(c) != 0 {
		t.Error("a preview stored a comment")
	}
}

// Emails are never published: not in any page, feed or attribute.
func TestEmailsNeverPublished(t *testing.T) {
	s, p := newCommentSite(t, map[string]string{"comment_previously_approved": "off", "url": "https://blog.example"})
	emails := []string{"secret.one@private.example", "Secret.Two@Private.Example"}
	for i, e := range emails {
		s.advance()
		s.reader(t, fmt.Sprintf("198.51.100.%d", i+1)).comment(t, p.ID, map[string]string{"author": "Person " + strconv.Itoa(i), "email": e, "comment": "Hello.", "wp-comment-cookies-consent": "yes"})
	}
	cs, _, _ := s.store.Comments(context.Background(), blog.CommentFilter{})
	var paths []string
	for _, c := range cs {
		paths = append(paths, "/comments/"+strconv.FormatInt(c.ID, 10)+"/")
	}
	path := s.path(t, p)
	paths = append(paths, "/", path, path+"feed/", path+"feed/atom/", "/comments/feed/", "/comments/feed/atom/", "/feed/", "/feed/atom/", "/2024/", "/author/ann-writer/")
	for _, u := range paths {
		r := s.get(t, u)
		if r.status == 302 {
			r = s.get(t, strings.SplitN(r.header.Get("Location"), "#", 2)[0])
		}
		body := strings.ToLower(r.body)
		for _, e := range emails {
			if strings.Contains(body, strings.ToLower(e)) || strings.Contains(body, url.QueryEscape(strings.ToLower(e))) {
				t.Errorf("GET %s publishes %s", u, e)
			}
		}
		if r.status != 200 {
			t.Errorf("GET %s = %d", u, r.status)
		}
	}
}

func TestCommentFeeds(t *testing.T) {
	s, p := newCommentSite(t, map[string]string{"comment_previously_approved": "off", "url": "https://blog.example"})
	rd := s.reader(t, "198.51.100.1")
	rd.comment(t, p.ID, map[string]string{"author": "Mobius", "email": "m@example.org", "comment": "First."})
	s.advance()
	hidden := s.add(t, post.Draft{Title: "Private", Status: blog.StatusPrivate, Body: "x"})
	if err := s.store.CreateComment(context.Background(), &blog.Comment{PostID: hidden.ID, AuthorName: "X", AuthorEmail: "x@example.org",
		Body: "On a private post.", HTML: "<p>On a private post.</p>", Status: blog.CommentApproved, Created: s.clock.Now()}); err != nil {
		t.Fatal(err)
	}
	path := s.path(t, p)
	for _, tt := range []struct{ url, golden string }{
		{path + "feed/", "post-comments.rss.xml"},
		{path + "feed/atom/", "post-comments.atom.xml"},
		{"/comments/feed/", "site-comments.rss.xml"},
		{"/comments/feed/atom/", "site-comments.atom.xml"},
	} {
		r := s.get(t, tt.url)
		if r.status != 200 {
			t.Fatalf("GET %s = %d", tt.url, r.status)
		}
		if strings.Contains(r.body, "private post") {
			t.Errorf("GET %s shows a comment on a private post", tt.url)
		}
		golden(t, tt.golden, r.body)
	}
}

func TestCommentPagination(t *testing.T) {
	s, p := newCommentSite(t, map[string]string{"comment_previously_approved": "off", "comments_per_page": "2"})
	var ids []int64
	for i := range 5 {
		s.advance()
		first, _ := s.reader(t, fmt.Sprintf("198.51.100.%d", i+1)).comment(t, p.ID, map[string]string{
			"author": fmt.Sprintf("C%d", i+1), "email": fmt.Sprintf("c%d@example.org", i), "comment": fmt.Sprintf("Comment %d", i+1)})
		id, err := strconv.ParseInt(strings.Trim(strings.TrimPrefix(first.header.Get("Location"), "/comments/"), "/"), 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	path := s.path(t, p)
	for page, want := range map[int][]string{1: {"1. C1 says", "2. C2 says"}, 2: {"3. C3 says", "4. C4 says"}, 3: {"5. C5 says"}} {
		u := path
		if page > 1 {
			u = fmt.Sprintf("%scomment-page-%d/", path, page)
		}
		r := s.get(t, u)
		if got := commentAuthors(r.doc); !cmp.Equal(got, want) {
			t.Errorf("comment page %d = %q; want %q", page, got, want)
		}
	}
	r := s.get(t, fmt.Sprintf("/comments/%d/", ids[4]))
	if loc := r.header.Get("Location"); r.status != 302 || loc != path+"comment-page-3/#comment-"+strconv.FormatInt(ids[4], 10) {
		t.Errorf("permalink of comment 5 = %d %q; want page 3", r.status, loc)
	}
	// A page past the last (an old link, or one comments will fill): the post's comments, not "not found".
	if r := s.get(t, path+"comment-page-4/"); r.status != http.StatusFound || r.header.Get("Location") != path+"#comments" {
		t.Errorf("comment page 4 = %d %q; want a temporary redirect to the post's comments", r.status, r.header.Get("Location"))
	}
	if err := s.store.SetSetting(context.Background(), "comments_per_page", "0"); err != nil {
		t.Fatal(err)
	}
	if r := s.get(t, path+"comment-page-2/"); r.status != http.StatusFound || r.header.Get("Location") != path+"#comments" {
		t.Errorf("comment page 2 of a thread no longer paged = %d %q; want a temporary redirect to the post's comments", r.status, r.header.Get("Location"))
	}
}

// countingStore counts the calls a page makes, to prove the thread is read in one round trip.
type countingStore struct {
	*store.Store
	threads, comments atomic.Int32
}

func (c *countingStore) Thread(ctx context.Context, postID int64, own []int64) ([]blog.Comment, error) {
	c.threads.Add(1)
	return c.Store.Thread(ctx, postID, own)
}

func (c *countingStore) Comment(ctx context.Context, id int64) (blog.Comment, error) {
	c.comments.Add(1)
	return c.Store.Comment(ctx, id)
}

func TestLargeThread(t *testing.T) {
	s, p := newCommentSite(t, map[string]string{"thread_comments_depth": "5"})
	ctx := context.Background()
	var ids []int64
	depth := map[int64]int{}
	for i := range 500 {
		c := blog.Comment{PostID: p.ID, AuthorName: fmt.Sprintf("Reader %d", i), AuthorEmail: fmt.Sprintf("r%d@example.org", i),
			Body: "x", HTML: fmt.Sprintf("<p>Comment body %d</p>", i), Status: blog.CommentApproved, Created: start.Add(time.Duration(i) * time.Second)}
		if i%10 != 0 {
			c.ParentID = ids[len(ids)-1] // chains of ten replies, deeper than the limit
		}
		if err := s.store.CreateComment(ctx, &c); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
		depth[c.ID] = 1
		if c.ParentID != 0 {
			depth[c.ID] = min(depth[c.ParentID]+1, 5)
		}
	}
	counting := &countingStore{Store: s.store}
	srv := startSite(t, counting, nil, s.clock)
	r := get(t, srv.Client(), srv.URL+s.path(t, p))
	lis := find(r.doc, "li.comment")
	if len(lis) != 500 {
		t.Fatalf("the page shows %d comments; want 500", len(lis))
	}
	if counting.threads.Load() != 1 || counting.comments.Load() != 0 {
		t.Errorf("the page read the thread %d times and single comments %d times; want 1 and 0", counting.threads.Load(), counting.comments.Load())
	}
	maxDepth := 0
	for _, li := range lis {
		id, _ := strconv.ParseInt(strings.TrimPrefix(attr(li, "id"), "comment-"), 10, 64)
		if !hasClass(li, fmt.Sprintf("depth-%d", depth[id])) {
			t.Errorf("comment %d has class %q; want depth-%d", id, attr(li, "class"), depth[id])
		}
		for d := 1; d <= 6; d++ {
			if hasClass(li, fmt.Sprintf("depth-%d", d)) {
				maxDepth = max(maxDepth, d)
			}
		}
	}
	if maxDepth != 5 {
		t.Errorf("deepest level %d; want 5", maxDepth)
	}
	numbers := texts(find(r.doc, "span.comment-number"))
	seen := map[string]bool{}
	for _, n := range numbers {
		seen[n] = true
	}
	if len(numbers) != 500 || !seen["1."] || !seen["500."] {
		t.Errorf("numbers: %d distinct of %d", len(seen), len(numbers))
	}
}

// TestThreadGolden pins the thread's markup: numbering, nesting, author links, dates, the awaiting-moderation
// notice, the Author badge and the form. Avatar URLs carry a keyed hash that differs per site and are masked.
func TestThreadGolden(t *testing.T) {
	s, p := newCommentSite(t, map[string]string{"url": "https://blog.example"})
	ctx := context.Background()
	add := func(parent int64, name, url, body string, status blog.CommentStatus, userID int64, minutes int) int64 {
		c := blog.Comment{PostID: p.ID, ParentID: parent, AuthorName: name, AuthorEmail: strings.ToLower(name) + "@example.org", AuthorURL: url,
			Body: body, HTML: string(comment.Preview(body)), Status: status, UserID: userID, Created: start.Add(time.Duration(minutes) * time.Minute)}
		if err := s.store.CreateComment(ctx, &c); err != nil {
			t.Fatal(err)
		}
		return c.ID
	}
	first := add(0, "Mobius", "https://mobius.example", "First paragraph.\n\nSecond, with a [link](https://example.com) & <em>markup</em>.", blog.CommentApproved, 0, 1)
	reply := add(first, "jrkrideau", "", "> First paragraph.\n\nI disagree.", blog.CommentApproved, 0, 2)
	add(reply, "Ann Writer", "", "The author answers.", blog.CommentApproved, p.AuthorID, 3)
	add(0, "Spammy", "", "Held for review.", blog.CommentPending, 0, 4)
	add(0, "Third", "", "<script>alert(1)</script>Plain.", blog.CommentApproved, 0, 5)

	r := s.get(t, s.path(t, p))
	section := find(r.doc, "section#comments")
	if len(section) != 1 {
		t.Fatal("no comments section")
	}
	var b strings.Builder
	if err := html.Render(&b, section[0]); err != nil {
		t.Fatal(err)
	}
	got := regexp.MustCompile(`/avatar/[0-9a-f]+\.svg`).ReplaceAllString(b.String(), "/avatar/HASH.svg")
	got = regexp.MustCompile(`name="salon_form" value="[^"]+"`).ReplaceAllString(got, `name="salon_form" value="TOKEN"`)
	golden(t, "thread.golden.html", got+"\n")
}

// TestThreadShowsChangesAtOnce: the page keeps each comment's rendered markup (thread_render.go), yet an edit to
// its author or text, a moderation decision, a closing edit window, a new reply and a changed setting all show on
// the very next page, to everyone they concern.
func TestThreadShowsChangesAtOnce(t *testing.T) {
	s, p := newCommentSite(t, nil) // a first-time commenter is held
	ctx := context.Background()
	path := s.path(t, p)
	stranger := s.reader(t, "198.51.100.2")
	first := blog.Comment{PostID: p.ID, AuthorName: "Mobius", AuthorEmail: "mobius@example.org", Body: "Original words.",
		HTML: "<p>Original words.</p>", Status: blog.CommentApproved, Created: start.Add(-time.Hour)}
	if err := s.store.CreateComment(ctx, &first); err != nil {
		t.Fatal(err)
	}
	comment := func(r response, id int64) *html.Node {
		t.Helper()
		li := find(r.doc, "li#comment-"+strconv.FormatInt(id, 10))
		if len(li) != 1 {
			return nil
		}
		return li[0]
	}
	if li := comment(stranger.get(t, path), first.ID); li == nil || !strings.Contains(text(li), "Original words.") {
		t.Fatal("the first comment is not shown")
	}

	// Edited by a moderator: name, link and text.
	first.AuthorName, first.AuthorURL, first.Body, first.HTML = "Möbius", "https://mobius.example", "Better words.", "<p>Better words.</p>"
	if err := s.store.UpdateComment(ctx, &first); err != nil {
		t.Fatal(err)
	}
	li := comment(stranger.get(t, path), first.ID)
	if li == nil || !strings.Contains(text(li), "Better words.") || strings.Contains(text(li), "Original") {
		t.Fatalf("after an edit the comment shows %q", text(li))
	}
	if a := find(li, "a.url"); len(a) != 1 || text(a[0]) != "Möbius" || attr(a[0], "href") != "https://mobius.example" {
		t.Errorf("after an edit the author link is %v", texts(a))
	}

	// A held comment: its author sees it awaiting moderation with an edit link and no reply link; others do not
	// see it. Once approved, everyone sees it plainly.
	ann := s.reader(t, "198.51.100.1")
	_, page := ann.comment(t, p.ID, map[string]string{"author": "Ann", "email": "ann@example.org", "comment": "Held, please."})
	held, _, err := s.store.Comments(ctx, blog.CommentFilter{Status: blog.CommentPending})
	if err != nil || len(held) != 1 {
		t.Fatalf("held comments = %v, %v", held, err)
	}
	id := held[0].ID
	mine := comment(page, id)
	if mine == nil || len(find(mine, "p.comment-awaiting-moderation")) != 1 || len(find(mine, "a.comment-edit-link")) != 1 ||
		len(find(mine, "a.comment-reply-link")) != 0 || !hasClass(mine, "pending") {
		t.Fatalf("the author's held comment is shown as %q", text(mine))
	}
	if comment(stranger.get(t, path), id) != nil {
		t.Error("a stranger sees a held comment")
	}
	s.clock.advance(11 * time.Minute) // past the edit window
	if mine := comment(ann.get(t, path), id); mine == nil || len(find(mine, "a.comment-edit-link")) != 0 {
		t.Error("the edit link outlives the edit window")
	}
	if err := s.store.SetCommentStatus(ctx, []int64{id}, blog.CommentApproved); err != nil {
		t.Fatal(err)
	}
	for who, rd := range map[string]*reader{"author": ann, "stranger": stranger} {
		li := comment(rd.get(t, path), id)
		if li == nil || len(find(li, "p.comment-awaiting-moderation")) != 0 || len(find(li, "a.comment-reply-link")) != 1 ||
			hasClass(li, "pending") || texts(find(li, "span.comment-number"))[0] != "2." {
			t.Errorf("the %s sees the approved comment as %q", who, text(li))
		}
	}
	// Unapproved again, it is gone for the stranger and held again for its author.
	if err := s.store.SetCommentStatus(ctx, []int64{id}, blog.CommentPending); err != nil {
		t.Fatal(err)
	}
	if comment(stranger.get(t, path), id) != nil {
		t.Error("an unapproved comment is still shown to a stranger")
	}
	if mine := comment(ann.get(t, path), id); mine == nil || len(find(mine, "p.comment-awaiting-moderation")) != 1 {
		t.Error("an unapproved comment is not shown to its author as awaiting moderation")
	}

	// A setting that every comment shows: the date format.
	if err := s.store.SetSetting(ctx, "date_format", "2006-01-02"); err != nil {
		t.Fatal(err)
	}
	if li := comment(stranger.get(t, path), first.ID); li == nil || texts(find(li, "time"))[0] != start.Add(-time.Hour).Format("2006-01-02") {
		t.Errorf("after a new date format the comment's date is %q", texts(find(li, "time")))
	}
}
