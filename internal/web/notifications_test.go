package web_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"golang.org/x/net/html"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/jobs"
	"github.com/salon-blog/salon/internal/mail"
	"github.com/salon-blog/salon/internal/mail/mailpittest"
	"github.com/salon-blog/salon/internal/notify"
	"github.com/salon-blog/salon/internal/post"
	"github.com/salon-blog/salon/internal/store"
	"github.com/salon-blog/salon/internal/web"
)

// notifySite is a comment site whose email goes through a real job queue to an SMTP server on smtpPort (mailpit,
// or a closed port), with emailed links pointing at the test server.
type notifySite struct {
	*site
	post  blog.Post
	queue *jobs.Queue
}

// newNotifySite starts it with retryWait before a failed email's second attempt, a moderator
// (mod@example.com, "correct horse") and no digest window.
func newNotifySite(t *testing.T, smtpPort int, retryWait time.Duration) *notifySite {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "salon.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: start}
	st.Now = clk.Now
	key, err := st.SiteKey(ctx, "notify")
	if err != nil {
		t.Fatal(err)
	}
	sender, err := mail.NewSMTP(mail.Config{Host: "127.0.0.1", Port: smtpPort, TLS: mail.TLSNone, From: "Salon <blog@example.com>", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	renderer, err := mail.NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	n := &notify.Notifier{Store: st, Mail: sender, Renderer: renderer, Signer: notify.Signer{Key: key, Now: clk.Now},
		Logger: slog.New(slog.DiscardHandler)}
	workers := river.NewWorkers()
	notify.Register(workers, n)
	db, err := st.QueueDB(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := jobs.Migrate(ctx, db, st.Engine()); err != nil {
		t.Fatal(err)
	}
	q, err := jobs.New(jobs.Config{DB: db, Engine: st.Engine(), Workers: workers, Backoff: retryWait, MaxBackoff: retryWait,
		MaxAttempts: 5, PollInterval: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	n.Queue = q
	st.Hooks = store.Hooks{CommentChanged: n.CommentChanged, PostScheduled: n.PostScheduled}
	proxies, err := web.ParseProxies("127.0.0.1,::1")
	if err != nil {
		t.Fatal(err)
	}
	srv := startSiteWith(t, web.Config{Store: st, Proxies: proxies, Now: clk.Now, PasswordParams: cheapParams, Jobs: q,
		Notify: web.Notifications{Notifier: n, Subscriptions: st, Describe: "mailpit"}})
	n.BaseURL = srv.URL
	if err := q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		q.Stop(ctx)
	})
	s := &site{clock: clk, srv: srv, store: st, writer: &post.Writer{Store: st, Now: st.Now}, client: noRedirects(srv)}
	if err := st.SetSetting(ctx, "notify_digest_minutes", "0"); err != nil {
		t.Fatal(err)
	}
	s.addUser(t, "writer@example.com", "Wanda Writer", blog.RoleAdmin, "writer's passphrase")
	s.addUser(t, "mod@example.com", "Moderator", blog.RoleEditor, "correct horse")
	p := s.add(t, post.Draft{Title: "The debate", Body: "Discuss.", Date: start.Add(-48 * time.Hour)})
	return &notifySite{site: s, post: p, queue: q}
}

// pathOf is the path and query of an emailed link to the test server.
func (s *notifySite) pathOf(t *testing.T, link string) string {
	t.Helper()
	if !strings.HasPrefix(link, s.srv.URL+"/") {
		t.Fatalf("link %q does not lead to the site %s", link, s.srv.URL)
	}
	return strings.TrimPrefix(link, s.srv.URL)
}

// waitEmail waits (generously) for a message to address whose subject and text contain the given words.
func waitEmail(t *testing.T, mp *mailpittest.Server, address, subject, text string) mailpittest.Message {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		for _, m := range mp.To(t, address) {
			if strings.Contains(m.Subject, subject) && strings.Contains(m.Text, text) {
				return m
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s received no email %q with %q", address, subject, text)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// emailLink finds the link labelled label ("Confirm my subscription", "Unsubscribe", "Approve", …) in an email's text.
func emailLink(t *testing.T, m mailpittest.Message, label string) string {
	t.Helper()
	match := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(label) + `: (\S+)`).FindStringSubmatch(m.Text)
	if match == nil {
		t.Fatalf("no %q link in %q:\n%s", label, m.Subject, m.Text)
	}
	return match[1]
}

// isChecked reports whether the input with id is checked.
func isChecked(doc *html.Node, id string) bool {
	for _, n := range find(doc, "input#"+id) {
		for _, a := range n.Attr {
			if a.Key == "checked" {
				return true
			}
		}
	}
	return false
}

func (s *notifySite) subscriptions(t *testing.T, email string) []blog.Subscription {
	t.Helper()
	subs, err := s.store.SubscriptionsByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return subs
}

func commentIDOf(t *testing.T, first response) int64 {
	t.Helper()
	id, err := strconv.ParseInt(strings.Trim(strings.TrimPrefix(first.header.Get("Location"), "/comments/"), "/"), 10, 64)
	if err != nil {
		t.Fatalf("submit = %d %q; want a redirect to the comment", first.status, first.header.Get("Location"))
	}
	return id
}

// approveByEmail follows the Approve link of the moderator's email about the comment with text, signed in as mod.
func (s *notifySite) approveByEmail(t *testing.T, mp *mailpittest.Server, mod *reader, text string) {
	t.Helper()
	m := waitEmail(t, mp, "mod@example.com", "Please moderate", text)
	r := mod.get(t, s.pathOf(t, emailLink(t, m, "Approve")))
	if r.status != http.StatusSeeOther || !strings.Contains(r.header.Get("Location"), "Approved") {
		t.Fatalf("approve link = %d %q", r.status, r.header.Get("Location"))
	}
}

func TestSubscriptionJourney(t *testing.T) {
	mp := mailpittest.Start(t, 0)
	s := newNotifySite(t, mp.SMTPPort, time.Hour)
	p := s.post

	// The form offers the subscription, with its two choices.
	ann := s.reader(t, "198.51.100.1")
	page := ann.get(t, s.path(t, p))
	if got := texts(find(page.doc, "label[for=subscribe]")); len(got) != 1 || got[0] != "Notify me of follow-up comments by email" {
		t.Fatalf("subscribe label = %q", got)
	}
	for _, id := range []string{"subscribe-replies", "subscribe-all"} {
		if len(find(page.doc, "input#"+id)) != 1 {
			t.Errorf("no radio button #%s", id)
		}
	}

	// A bounce-looking address is refused on the email field, with everything typed kept, and nothing is stored.
	first, _ := ann.comment(t, p.ID, map[string]string{"author": "Ann", "email": "ann@example", "comment": "Keep this text.",
		"subscribe": "yes", "subscribe_mode": "all"})
	if first.status != http.StatusUnprocessableEntity {
		t.Fatalf("a bounce-looking address = %d; want 422", first.status)
	}
	if got := texts(find(first.doc, "#email-error")); len(got) != 1 || !strings.Contains(got[0], "cannot receive mail") {
		t.Errorf("email error = %q", got)
	}
	if got := fieldValue(first.doc, "comment"); got != "Keep this text." {
		t.Errorf("the comment box holds %q after the refusal", got)
	}
	if !isChecked(first.doc, "subscribe") || !isChecked(first.doc, "subscribe-all") {
		t.Error("the subscription choice was not kept")
	}
	for _, status := range []blog.CommentStatus{blog.CommentPending, blog.CommentApproved, blog.CommentSpam} {
		if _, n, err := s.store.Comments(context.Background(), blog.CommentFilter{Status: status}); err != nil || n != 0 {
			t.Errorf("%d %s comments stored after the refusal (%v)", n, status, err)
		}
	}

	// Ann subscribes to replies with her (held, first) comment: she is told to check her inbox, once.
	s.advance()
	first, after := ann.comment(t, p.ID, map[string]string{"author": "Ann", "email": "ann@example.org", "comment": "First thoughts from Ann.",
		"subscribe": "yes", "subscribe_mode": "replies"})
	annComment := commentIDOf(t, first)
	if got := texts(find(after.doc, "p.comment-notice")); len(got) != 1 || !strings.Contains(got[0], "Check your inbox") {
		t.Fatalf("notice after posting = %q", got)
	}
	if got := texts(find(ann.get(t, s.path(t, p)).doc, "p.comment-notice")); len(got) != 0 {
		t.Errorf("the notice shows again: %q", got)
	}
	if subs := s.subscriptions(t, "ann@example.org"); len(subs) != 1 || subs[0].Active || subs[0].Mode != blog.NotifyReplies {
		t.Fatalf("Ann's subscriptions = %+v; want one unconfirmed, for replies", subs)
	}

	// One confirmation email; its link confirms.
	conf := waitEmail(t, mp, "ann@example.org", "Confirm your subscription", "")
	r := ann.get(t, s.pathOf(t, emailLink(t, conf, "Confirm my subscription")))
	if r.status != http.StatusOK || !strings.Contains(strings.Join(texts(find(r.doc, "h1")), ""), "Subscription confirmed") {
		t.Fatalf("confirm = %d %q", r.status, texts(find(r.doc, "h1")))
	}
	if subs := s.subscriptions(t, "ann@example.org"); len(subs) != 1 || !subs[0].Active {
		t.Fatalf("after confirming, Ann's subscriptions = %+v", subs)
	}

	// Cy wants every comment; Eve (confirmed before, through the store) every comment too.
	s.advance()
	cy := s.reader(t, "198.51.100.3")
	cy.comment(t, p.ID, map[string]string{"author": "Cy", "email": "cy@example.org", "comment": "Cy was here.", "subscribe": "yes", "subscribe_mode": "all"})
	cyConf := waitEmail(t, mp, "cy@example.org", "Confirm your subscription", "every new comment")
	if r := cy.get(t, s.pathOf(t, emailLink(t, cyConf, "Confirm my subscription"))); r.status != http.StatusOK {
		t.Fatalf("Cy's confirmation = %d", r.status)
	}
	eve := blog.Subscription{PostID: p.ID, Email: "eve@example.org", Mode: blog.NotifyAll}
	if err := s.store.Subscribe(context.Background(), &eve, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.store.ConfirmSubscription(context.Background(), eve.ID); err != nil {
		t.Fatal(err)
	}

	// The moderator's emailed Approve link needs a sign-in, then approves.
	mod := s.reader(t, "198.51.100.9")
	approve := emailLink(t, waitEmail(t, mp, "mod@example.com", "Please moderate", "First thoughts from Ann."), "Approve")
	r = mod.get(t, s.pathOf(t, approve))
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/admin/signin/") {
		t.Fatalf("approve link without a session = %d %q; want the sign-in page", r.status, r.header.Get("Location"))
	}
	if c, _ := s.store.Comment(context.Background(), annComment); c.Status != blog.CommentPending {
		t.Fatalf("the comment is %s before sign-in", c.Status)
	}
	signin := mod.post(t, "/admin/signin/", url.Values{"email": {"mod@example.com"}, "password": {"correct horse"}, "next": {s.pathOf(t, approve)}})
	if signin.status != http.StatusSeeOther || signin.header.Get("Location") != s.pathOf(t, approve) {
		t.Fatalf("sign-in = %d %q; want back to the approve link", signin.status, signin.header.Get("Location"))
	}
	r = mod.get(t, signin.header.Get("Location"))
	if r.status != http.StatusSeeOther || !strings.Contains(r.header.Get("Location"), "Approved") {
		t.Fatalf("approve link after sign-in = %d %q", r.status, r.header.Get("Location"))
	}
	if c, _ := s.store.Comment(context.Background(), annComment); c.Status != blog.CommentApproved {
		t.Fatalf("the comment is %s after the approve link", c.Status)
	}
	// A forged approve link changes nothing.
	forged := regexp.MustCompile(`t=[^&]+`).ReplaceAllString(s.pathOf(t, approve), "t=forged.token")
	if r := mod.get(t, forged); r.status != http.StatusSeeOther || !strings.Contains(r.header.Get("Location"), "not+valid") {
		t.Errorf("forged approve link = %d %q", r.status, r.header.Get("Location"))
	}

	// Bob replies to Ann; once a moderator approves the reply, Ann (replies), Cy and Eve (all) get an email.
	s.advance()
	bob := s.reader(t, "198.51.100.2")
	bob.comment(t, p.ID, map[string]string{"author": "Bob", "email": "bob@example.org", "comment": "Bob answers Ann.",
		"comment_parent": strconv.FormatInt(annComment, 10)})
	s.approveByEmail(t, mp, mod, "Bob answers Ann.")
	reply := waitEmail(t, mp, "ann@example.org", "New comment", "Bob answers Ann.")
	// (Cy and Eve may get Ann's comment in the same email: a thread's email gathers what waits for it.)
	cyReply := waitEmail(t, mp, "cy@example.org", "", "Bob answers Ann.")
	waitEmail(t, mp, "eve@example.org", "", "Bob answers Ann.")
	if n := len(mp.To(t, "ann@example.org")); n != 2 {
		t.Errorf("Ann received %d emails; want the confirmation and the reply", n)
	}

	// Ann unsubscribes with the link in the email (a page), Cy with his mail program's one-click POST (RFC 8058).
	r = ann.get(t, s.pathOf(t, emailLink(t, reply, "Unsubscribe")))
	if r.status != http.StatusOK || !strings.Contains(strings.Join(texts(find(r.doc, "h1")), ""), "You are unsubscribed") {
		t.Fatalf("unsubscribe page = %d %q", r.status, texts(find(r.doc, "h1")))
	}
	if subs := s.subscriptions(t, "ann@example.org"); len(subs) != 0 {
		t.Errorf("after unsubscribing, Ann's subscriptions = %+v", subs)
	}
	if h := cyReply.Headers["List-Unsubscribe-Post"]; len(h) != 1 || h[0] != "List-Unsubscribe=One-Click" {
		t.Fatalf("List-Unsubscribe-Post = %q", h)
	}
	oneClick := strings.Trim(cyReply.Headers["List-Unsubscribe"][0], "<>")
	res, err := http.Post(oneClick, "application/x-www-form-urlencoded", strings.NewReader("List-Unsubscribe=One-Click"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Body.Close(); res.StatusCode != http.StatusOK {
		t.Fatalf("one-click unsubscribe = %s", res.Status)
	}
	if subs := s.subscriptions(t, "cy@example.org"); len(subs) != 0 {
		t.Errorf("after the one-click unsubscribe, Cy's subscriptions = %+v", subs)
	}
	cyBefore := len(mp.To(t, "cy@example.org"))

	// Another approved comment: Eve hears of it, Ann and Cy no more.
	s.advance()
	bob.comment(t, p.ID, map[string]string{"author": "Bob", "email": "bob@example.org", "comment": "Bob again, to Ann.",
		"comment_parent": strconv.FormatInt(annComment, 10)})
	eveMail := waitEmail(t, mp, "eve@example.org", "", "Bob again, to Ann.")
	if n := len(mp.To(t, "ann@example.org")); n != 2 {
		t.Errorf("Ann received %d emails after unsubscribing; want still 2", n)
	}
	if n := len(mp.To(t, "cy@example.org")); n != cyBefore {
		t.Errorf("Cy received %d emails after unsubscribing; want still %d", n, cyBefore)
	}

	// Eve's subscriptions page lists the discussion and cancels it.
	manage := s.pathOf(t, emailLink(t, eveMail, "All your subscriptions"))
	list := s.get(t, manage)
	if got := texts(find(list.doc, "ul.subscriptions li")); len(got) != 1 || !strings.Contains(got[0], "The debate: all comments") {
		t.Fatalf("subscriptions page lists %q", got)
	}
	token, _ := url.ParseQuery(strings.SplitN(manage, "?", 2)[1])
	cancel := s.reader(t, "198.51.100.5").post(t, "/notifications/", url.Values{"t": {token.Get("t")}, "id": {strconv.FormatInt(eve.ID, 10)}})
	if cancel.status != http.StatusSeeOther {
		t.Fatalf("cancel = %d", cancel.status)
	}
	after = s.get(t, cancel.header.Get("Location"))
	if msg := strings.Join(texts(find(after.doc, "p.message")), ""); !strings.Contains(msg, "Cancelled 1 subscription.") || !strings.Contains(msg, "No email is sent") {
		t.Errorf("after cancelling: %q", msg)
	}
	if subs := s.subscriptions(t, "eve@example.org"); len(subs) != 0 {
		t.Errorf("Eve's subscriptions = %+v after cancelling", subs)
	}
}

// Forged, altered, misused and expired links show a page that says so, and change nothing.
func TestEmailedLinksRefused(t *testing.T) {
	mp := mailpittest.Start(t, 0)
	s := newNotifySite(t, mp.SMTPPort, time.Hour)
	rd := s.reader(t, "198.51.100.1")
	rd.comment(t, s.post.ID, map[string]string{"author": "Ann", "email": "ann@example.org", "comment": "Hello.", "subscribe": "yes"})
	conf := waitEmail(t, mp, "ann@example.org", "Confirm your subscription", "")
	confirm, unsubscribe := s.pathOf(t, emailLink(t, conf, "Confirm my subscription")), s.pathOf(t, emailLink(t, conf, "Unsubscribe"))
	altered := func(path string) string {
		i := strings.Index(path, "t=") + 2
		b := []byte(path)
		b[i+3] ^= 1 // one letter of the signed payload
		return string(b)
	}
	check := func(name, path, want string) {
		t.Helper()
		r := rd.get(t, path)
		h1, msg := strings.Join(texts(find(r.doc, "h1")), ""), strings.Join(texts(find(r.doc, "p.message")), "")
		if r.status != http.StatusBadRequest || h1 != "This link does not work" || !strings.Contains(msg, want) || !strings.Contains(msg, "Nothing was changed") {
			t.Errorf("%s: %d %q %q", name, r.status, h1, msg)
		}
		if subs := s.subscriptions(t, "ann@example.org"); len(subs) != 1 || subs[0].Active {
			t.Fatalf("%s changed the subscription: %+v", name, subs)
		}
	}
	check("forged confirm", "/notifications/confirm/?t=forged.token", "not valid")
	check("altered confirm", altered(confirm), "not valid")
	check("altered unsubscribe", altered(unsubscribe), "not valid")
	check("unsubscribe token used to confirm", "/notifications/confirm/?"+strings.SplitN(unsubscribe, "?", 2)[1], "not valid")
	check("forged subscriptions page", "/notifications/?t=forged", "not valid")
	if res, err := http.Post(s.srv.URL+altered(unsubscribe), "application/x-www-form-urlencoded", strings.NewReader("List-Unsubscribe=One-Click")); err != nil {
		t.Fatal(err)
	} else if res.Body.Close(); res.StatusCode != http.StatusBadRequest {
		t.Errorf("altered one-click unsubscribe = %s", res.Status)
	}
	s.clock.advance(notify.ConfirmTTL + time.Hour)
	check("expired confirm", confirm, "expired")
}

// A failing email is listed in the admin area with its error; Retry runs it again now; the test email goes out.
func TestFailedJobsAndTestEmail(t *testing.T) {
	port := mailpittest.FreePort(t) // nothing listens there yet
	s := newNotifySite(t, port, time.Hour)
	rd := s.reader(t, "198.51.100.1")
	rd.comment(t, s.post.ID, map[string]string{"author": "Ann", "email": "ann@example.org", "comment": "Hello.", "subscribe": "yes"})

	admin := s.reader(t, "198.51.100.9")
	admin.signIn(t, "writer@example.com", "writer's passphrase")
	var page response
	var row string
	deadline := time.Now().Add(60 * time.Second)
	for {
		page = admin.get(t, "/admin/jobs/")
		if rows := find(page.doc, "tr.job"); len(rows) > 0 {
			for _, r := range rows {
				if strings.Contains(text(r), "confirm_mail") {
					row = attr(r, "id")
				}
			}
			if row != "" {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no failed confirm_mail job listed:\n%s", page.body)
		}
		time.Sleep(100 * time.Millisecond)
	}
	got := text(find(page.doc, "tr#"+row)[0])
	for _, want := range []string{"confirm_mail", "retrying", "1 of 5", "connection refused"} {
		if !strings.Contains(got, want) {
			t.Errorf("job row %q lacks %q", got, want)
		}
	}

	// The server comes back; Retry sends the email now rather than in an hour.
	mp := mailpittest.Start(t, port)
	id := strings.TrimPrefix(row, "job-")
	r := admin.post(t, "/admin/jobs/"+id+"/retry/", url.Values{"csrf": {csrf(t, page)}})
	if r.status != http.StatusSeeOther || !strings.Contains(r.header.Get("Location"), "will+run+again") {
		t.Fatalf("retry = %d %q", r.status, r.header.Get("Location"))
	}
	waitEmail(t, mp, "ann@example.org", "Confirm your subscription", "")
	for deadline := time.Now().Add(60 * time.Second); ; {
		page = admin.get(t, "/admin/jobs/")
		if len(find(page.doc, "tr#"+row)) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s still listed after it succeeded", id)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if n := len(mp.To(t, "ann@example.org")); n != 1 {
		t.Errorf("Ann received %d confirmations; want 1", n)
	}

	// The settings screen's test email.
	settings := admin.get(t, "/admin/settings/")
	r = admin.post(t, "/admin/settings/test-email/", url.Values{"csrf": {csrf(t, settings)}})
	if r.status != http.StatusSeeOther || !strings.Contains(r.header.Get("Location"), "test+email+was+sent") {
		t.Fatalf("test email = %d %q", r.status, r.header.Get("Location"))
	}
	if m := waitEmail(t, mp, "writer@example.com", "Test email", "Email works"); m.From.Address != "blog@example.com" {
		t.Errorf("test email from %q", m.From.Address)
	}
}

// Without mail the form offers no subscription, and a forged "subscribe" field posts the comment alone.
func TestSubscribeOfferedOnlyWithMail(t *testing.T) {
	s, p := newCommentSite(t, nil)
	rd := s.reader(t, "198.51.100.1")
	if got := find(rd.get(t, s.path(t, p)).doc, "input#subscribe"); len(got) != 0 {
		t.Fatal("the form offers email notifications while mail is off")
	}
	first, page := rd.comment(t, p.ID, map[string]string{"author": "Ann", "email": "ann@example.org", "comment": "Hello.", "subscribe": "yes"})
	if first.status != http.StatusSeeOther {
		t.Fatalf("submit = %d; want 303", first.status)
	}
	if got := texts(find(page.doc, "p.comment-notice")); len(got) != 0 {
		t.Errorf("notice = %q", got)
	}
	if subs := (&notifySite{site: s}).subscriptions(t, "ann@example.org"); len(subs) != 0 {
		t.Errorf("subscriptions = %+v", subs)
	}
}
