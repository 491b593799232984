package web_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/jobs"
	"github.com/salon-blog/salon/internal/mail"
	"github.com/salon-blog/salon/internal/mail/mailpittest"
	"github.com/salon-blog/salon/internal/notify"
	"github.com/salon-blog/salon/internal/post"
	"github.com/salon-blog/salon/internal/privacy"
	"github.com/salon-blog/salon/internal/store"
	"github.com/salon-blog/salon/internal/web"
)

// newMailSite is a comment site whose email goes, through a running job queue, to a real SMTP server (mailpit).
func newMailSite(t *testing.T) (*site, *mailpittest.Server) {
	t.Helper()
	mp := mailpittest.Start(t, 0)
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
	sender, err := mail.NewSMTP(mail.Config{Host: "127.0.0.1", Port: mp.SMTPPort, TLS: mail.TLSNone, From: "Salon <blog@example.com>", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	renderer, err := mail.NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	key, err := st.SiteKey(ctx, "notify")
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.DiscardHandler)
	n := &notify.Notifier{Store: st, Mail: sender, Renderer: renderer, Signer: notify.Signer{Key: key, Now: clk.Now}, Logger: logger}
	workers := river.NewWorkers()
	privacy.Register(workers, &privacy.Mailer{Store: st, Notifier: n})
	db, err := st.QueueDB(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := jobs.Migrate(ctx, db, st.Engine()); err != nil {
		t.Fatal(err)
	}
	q, err := jobs.New(jobs.Config{DB: db, Engine: st.Engine(), Workers: workers, Logger: logger, Backoff: 100 * time.Millisecond,
		MaxBackoff: 500 * time.Millisecond, PollInterval: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	n.Queue = q
	if err := q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		q.Stop(ctx)
	})
	proxies, err := web.ParseProxies("127.0.0.1,::1")
	if err != nil {
		t.Fatal(err)
	}
	srv := startSiteWith(t, web.Config{Store: st, Proxies: proxies, Now: clk.Now, PasswordParams: cheapParams,
		Notify: web.Notifications{Notifier: n, Subscriptions: st}, Jobs: q})
	n.BaseURL = srv.URL
	return &site{clock: clk, srv: srv, store: st, writer: &post.Writer{Store: st, Now: st.Now}, client: noRedirects(srv)}, mp
}

func (s *site) approvedComment(t *testing.T, postID int64, name, email, text string) blog.Comment {
	t.Helper()
	c := blog.Comment{PostID: postID, AuthorName: name, AuthorEmail: email, AuthorIP: "192.0.2.7", AuthorURL: "https://" + strings.ToLower(name) + ".example",
		Body: text, HTML: "<p>" + text + "</p>", Status: blog.CommentApproved, Created: s.clock.Now()}
	if err := s.store.CreateComment(context.Background(), &c); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestPrivacyRequest: a commenter asks on the privacy page, gets one email with a signed link, sees and downloads
// their data (and nobody else's), and erases it; the post then no longer shows their name. A forged, altered or
// expired link changes nothing, an address with no data gets no email, and requests are rate-limited.
func TestPrivacyRequest(t *testing.T) {
	s, mp := newMailSite(t)
	u := blog.User{Email: "ann@example.com", Name: "Ann Writer", Slug: "ann-writer", Role: blog.RoleAdmin, PasswordHash: "x"}
	if err := s.store.CreateUser(context.Background(), &u); err != nil {
		t.Fatal(err)
	}
	p := s.add(t, post.Draft{Title: "The debate", Body: "Discuss.", Date: start.Add(-48 * time.Hour)})
	s.approvedComment(t, p.ID, "Alice", "alice@example.org", "Alice thinks gardens matter.")
	s.approvedComment(t, p.ID, "Bob", "bob@example.org", "Bob prefers parks.")
	rd := s.reader(t, "198.51.100.9")

	page := rd.get(t, "/privacy-policy/")
	if len(find(page.doc, "#your-data form")) != 1 {
		t.Fatalf("the privacy page has no request form:\n%s", page.body)
	}
	ask := func(email string) response {
		t.Helper()
		return rd.post(t, "/privacy-policy/request/", url.Values{"email": {email}})
	}
	// An address with nothing first, then Alice's: the answers are the same.
	nobody, alice := ask("nobody@example.org"), ask("Alice@Example.org")
	if nobody.status != http.StatusOK || alice.status != http.StatusOK {
		t.Fatalf("requests = %d, %d:\n%s", nobody.status, alice.status, alice.body)
	}
	if got, want := text(find(nobody.doc, "main")[0]), text(find(alice.doc, "main")[0]); got != want || !strings.Contains(got, "If we hold anything for that address, we have sent a link to it") {
		t.Errorf("answer for an unknown address = %q\nfor a commenter = %q", got, want)
	}
	if bad := ask("not an address"); bad.status != http.StatusBadRequest || !strings.Contains(bad.body, "Please enter the email address") {
		t.Errorf("an invalid address = %d:\n%s", bad.status, bad.body)
	}

	msgs := mp.WaitFor(t, "alice@example.org", 1)
	time.Sleep(500 * time.Millisecond) // the unknown address's job ran first; give a stray email time to arrive
	if all := mp.Messages(t); len(all) != 1 || len(mp.To(t, "alice@example.org")) != 1 {
		t.Fatalf("%d emails sent; want exactly one, to alice@example.org: %+v", len(all), all)
	}
	i := strings.Index(msgs[0].Text, s.srv.URL+privacy.DataPath+"?t=")
	if i < 0 {
		t.Fatalf("no link in the email:\n%s", msgs[0].Text)
	}
	link := strings.TrimPrefix(strings.Fields(msgs[0].Text[i:])[0], s.srv.URL)
	token, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}

	data := rd.get(t, link)
	if data.status != http.StatusOK || !strings.Contains(data.body, "Alice thinks gardens matter.") || strings.Contains(data.body, "Bob prefers parks") {
		t.Fatalf("GET %s = %d:\n%s", link, data.status, data.body)
	}
	if data.header.Get("Cache-Control") != "no-store" || data.header.Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("the data page's headers = %v", data.header)
	}
	var exportLink string
	for _, a := range find(data.doc, "a") {
		if strings.HasPrefix(attr(a, "href"), "/privacy-policy/data/export/") {
			exportLink = attr(a, "href")
		}
	}
	if exportLink == "" {
		t.Fatalf("no download link:\n%s", data.body)
	}
	export := rd.get(t, exportLink)
	var doc privacy.Document
	if err := json.Unmarshal([]byte(export.body), &doc); err != nil || export.status != http.StatusOK {
		t.Fatalf("export = %d %v:\n%s", export.status, err, export.body)
	}
	if !strings.HasPrefix(export.header.Get("Content-Disposition"), "attachment") {
		t.Errorf("Content-Disposition = %q", export.header.Get("Content-Disposition"))
	}
	if doc.Email != "alice@example.org" || len(doc.Comments) != 1 || doc.Comments[0].Text != "Alice thinks gardens matter." ||
		doc.Comments[0].IP != "192.0.2.7" || doc.Comments[0].PostTitle != "The debate" || strings.Contains(export.body, "Bob") {
		t.Errorf("export = %+v", doc)
	}

	// Forged and altered links change nothing.
	q := token.Query().Get("t")
	forged := []string{"", "x", q[:len(q)-2] + "AA", notify.Signer{Key: []byte("another site"), Now: s.clock.Now}.Sign(privacy.Purpose, 0, "alice@example.org", time.Hour),
		notify.Signer{Key: mustKey(t, s), Now: s.clock.Now}.Sign(notify.PurposeManage, 0, "alice@example.org", time.Hour)}
	for _, f := range forged {
		r := rd.get(t, privacy.DataPath+"?"+url.Values{"t": {f}}.Encode())
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, "This link does not work") {
			t.Errorf("GET with token %q = %d:\n%.400s", f, r.status, r.body)
		}
		r = rd.post(t, "/privacy-policy/data/erase/", url.Values{"t": {f}, "confirm": {fieldValue(data.doc, "confirm")}})
		if r.status != http.StatusBadRequest {
			t.Errorf("POST erase with token %q = %d", f, r.status)
		}
	}
	// The link alone, without the page's confirmation, erases nothing either.
	if r := rd.post(t, "/privacy-policy/data/erase/", url.Values{"t": {q}, "confirm": {"guess"}}); r.status != http.StatusBadRequest || !strings.Contains(r.body, "Nothing was erased") {
		t.Errorf("erase without the confirmation = %d:\n%.400s", r.status, r.body)
	}
	if r := rd.get(t, s.path(t, p)); !strings.Contains(r.body, "Alice thinks") || !strings.Contains(text(r.doc), "Alice") {
		t.Fatalf("Alice's comment changed before the erasure:\n%s", r.body)
	}

	erase := url.Values{"t": {fieldValue(data.doc, "t")}, "confirm": {fieldValue(data.doc, "confirm")}}
	done := rd.post(t, attr(find(data.doc, "form")[0], "action"), erase)
	if done.status != http.StatusOK || !strings.Contains(done.body, "Your data is erased") || !strings.Contains(done.body, "Comments anonymised: 1.") {
		t.Fatalf("erase = %d:\n%s", done.status, done.body)
	}
	thread := rd.get(t, s.path(t, p))
	names := texts(find(thread.doc, ".comment-author"))
	if !strings.Contains(thread.body, "Alice thinks gardens matter.") || strings.Contains(strings.Join(names, " "), "Alice") ||
		!strings.Contains(strings.Join(names, " "), store.AnonymousName) || !strings.Contains(strings.Join(names, " "), "Bob") {
		t.Errorf("after the erasure, the comment authors are %q", names)
	}
	if left, err := s.store.PersonalData(context.Background(), "alice@example.org"); err != nil || privacy.Holds(left) {
		t.Errorf("after the erasure the store holds %+v, %v", left, err)
	}

	// Bob asks too, and has his comments deleted rather than anonymised.
	if r := ask("bob@example.org"); r.status != http.StatusOK {
		t.Fatalf("Bob's request = %d", r.status)
	}
	bobMail := mp.WaitFor(t, "bob@example.org", 1)[0].Text
	bobLink := strings.TrimPrefix(strings.Fields(bobMail[strings.Index(bobMail, s.srv.URL+privacy.DataPath):])[0], s.srv.URL)
	bobPage := rd.get(t, bobLink)
	erase = url.Values{"t": {fieldValue(bobPage.doc, "t")}, "confirm": {fieldValue(bobPage.doc, "confirm")}, "delete_comments": {"1"}}
	if r := rd.post(t, "/privacy-policy/data/erase/", erase); r.status != http.StatusOK || !strings.Contains(r.body, "Comments deleted: 1.") {
		t.Fatalf("Bob's erasure = %d:\n%s", r.status, r.body)
	}
	if r := rd.get(t, s.path(t, p)); strings.Contains(r.body, "Bob prefers parks") || !strings.Contains(r.body, "Alice thinks gardens matter.") {
		t.Errorf("after Bob's erasure with deletion the thread is:\n%s", r.body)
	}

	// Rate limits: Alice asked once; two more go through (and send nothing: nothing is held), the fourth is refused.
	for n, want := range []int{http.StatusOK, http.StatusOK, http.StatusTooManyRequests} {
		if r := ask("alice@example.org"); r.status != want {
			t.Errorf("request %d for the same address = %d; want %d", n+2, r.status, want)
		}
	}
	other := s.reader(t, "203.0.113.5")
	for n := range 10 {
		r := other.post(t, "/privacy-policy/request/", url.Values{"email": {"someone" + string(rune('a'+n)) + "@example.org"}})
		if r.status != http.StatusOK {
			t.Fatalf("request %d from one network = %d", n+1, r.status)
		}
	}
	if r := other.post(t, "/privacy-policy/request/", url.Values{"email": {"late@example.org"}}); r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" {
		t.Errorf("the 11th request from one network in an hour = %d", r.status)
	}

	// A link expires after a day.
	s.clock.advance(privacy.LinkTTL + time.Minute)
	if r := rd.get(t, link); r.status != http.StatusBadRequest || !strings.Contains(r.body, "expired") {
		t.Errorf("an expired link = %d:\n%.400s", r.status, r.body)
	}
}

func mustKey(t *testing.T, s *site) []byte {
	t.Helper()
	key, err := s.store.SiteKey(context.Background(), "notify")
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// TestPrivacyRequestWithoutMail: a site that sends no email offers no form and sends requests to its owner.
func TestPrivacyRequestWithoutMail(t *testing.T) {
	s, _ := newCommentSite(t, nil)
	page := s.get(t, "/privacy-policy/")
	if len(find(page.doc, "#your-data form")) != 0 || !strings.Contains(text(page.doc), "write to the site's owner") {
		t.Errorf("the privacy page without email:\n%s", page.body)
	}
	r := s.reader(t, "192.0.2.80").post(t, "/privacy-policy/request/", url.Values{"email": {"a@example.org"}})
	if r.status != http.StatusOK || !strings.Contains(text(r.doc), "write to the site's owner") {
		t.Errorf("a request without email = %d:\n%s", r.status, r.body)
	}
}
