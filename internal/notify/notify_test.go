package notify_test

import (
	"context"
	"database/sql"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/riverqueue/river"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/jobs"
	"github.com/salon-blog/salon/internal/mail"
	"github.com/salon-blog/salon/internal/mail/mailpittest"
	"github.com/salon-blog/salon/internal/notify"
	"github.com/salon-blog/salon/internal/store"
)

// rig is a store, a notifier and a running queue, talking to a real SMTP server.
type rig struct {
	st    *store.Store
	n     *notify.Notifier
	queue *jobs.Queue
}

func newRig(t *testing.T, st *store.Store, smtpPort int) *rig {
	t.Helper()
	return newRigWith(t, st, smtpPort, 100*time.Millisecond)
}

// newRigWith is newRig with the wait before a failed job's second attempt. River runs a retry due within its
// scheduler's interval (5 seconds) at once, leaving the job available rather than retryable: only a longer wait
// makes a failing job show as retrying, as it does with the default --job-retry-wait.
func newRigWith(t *testing.T, st *store.Store, smtpPort int, backoff time.Duration) *rig {
	t.Helper()
	ctx := t.Context()
	sender, err := mail.NewSMTP(mail.Config{Host: "127.0.0.1", Port: smtpPort, TLS: mail.TLSNone, From: "Salon <blog@example.com>", Timeout: 5 * time.Second})
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
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	n := &notify.Notifier{Store: st, Mail: sender, Renderer: renderer, Signer: notify.Signer{Key: key, Now: time.Now},
		BaseURL: "http://blog.example", Logger: logger, Window: time.Hour}
	workers := river.NewWorkers()
	notify.Register(workers, n)
	db, err := st.QueueDB(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := jobs.Migrate(ctx, db, st.Engine()); err != nil {
		t.Fatal(err)
	}
	q, err := jobs.New(jobs.Config{DB: db, Engine: st.Engine(), Workers: workers, Logger: logger, Backoff: backoff,
		MaxBackoff: max(backoff, 500*time.Millisecond), MaxAttempts: 50, PollInterval: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	n.Queue = q
	st.Hooks = store.Hooks{CommentChanged: n.CommentChanged, PostScheduled: n.PostScheduled}
	if err := q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	r := &rig{st: st, n: n, queue: q}
	t.Cleanup(r.stop)
	return r
}

func (r *rig) stop() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	r.queue.Stop(ctx)
}

func openStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(t.Context(), filepath.Join(t.TempDir(), store.DefaultDatabaseFile))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	return st
}

func seed(t *testing.T, st *store.Store) (blog.User, blog.Post) {
	t.Helper()
	u := blog.User{Email: "writer@example.com", Name: "Writer", Slug: "writer", Role: blog.RoleAdmin, PasswordHash: "x"}
	if err := st.CreateUser(t.Context(), &u); err != nil {
		t.Fatal(err)
	}
	p := blog.Post{Type: blog.TypePost, Title: "On gardens", Slug: "on-gardens", Body: "b", HTML: "<p>b</p>", Status: blog.StatusPublish,
		Published: time.Now().Add(-time.Hour), Updated: time.Now(), AuthorID: u.ID, CommentsOpen: true}
	if err := st.CreatePost(t.Context(), &p, blog.PostTerms{}, false); err != nil {
		t.Fatal(err)
	}
	return u, p
}

func addComment(t *testing.T, st *store.Store, postID, parent int64, name, email, text string, status blog.CommentStatus) blog.Comment {
	t.Helper()
	c := blog.Comment{PostID: postID, ParentID: parent, AuthorName: name, AuthorEmail: email, AuthorIP: "192.0.2.1", Body: text,
		HTML: "<p>" + text + " <b>bold</b></p>", Status: status, Created: time.Now()}
	if err := st.CreateComment(t.Context(), &c); err != nil {
		t.Fatal(err)
	}
	return c
}

// linkIn finds the address starting with prefix in a message's text.
func linkIn(t *testing.T, text, prefix string) string {
	t.Helper()
	i := strings.Index(text, prefix)
	if i < 0 {
		t.Fatalf("no link %s… in:\n%s", prefix, text)
	}
	return strings.Fields(text[i:])[0]
}

func token(t *testing.T, link string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get("t")
}

func TestNotificationsReachTheRightPeople(t *testing.T) {
	mp := mailpittest.Start(t, 0)
	st := openStore(t)
	writer, p := seed(t, st)
	r := newRig(t, st, mp.SMTPPort)
	ctx := t.Context()

	// A held comment: the writer is asked to moderate it, with a signed approve link.
	held := addComment(t, st, p.ID, 0, "Ann", "ann@example.org", "First thoughts", blog.CommentPending)
	got := mp.WaitFor(t, writer.Email, 1)
	if !strings.Contains(got[0].Subject, "Please moderate") || !strings.Contains(got[0].Text, "First thoughts") || !strings.Contains(got[0].HTML, "<b>bold</b>") {
		t.Fatalf("moderation email = %q\n%s\n%s", got[0].Subject, got[0].Text, got[0].HTML)
	}
	approve := linkIn(t, got[0].Text, "http://blog.example/admin/comments/"+strconv.FormatInt(held.ID, 10)+"/email/?action=approve")
	if c, err := r.n.Signer.Verify(token(t, approve), notify.PurposeModerate); err != nil || c.ID != held.ID || c.Subject != "approve" {
		t.Fatalf("approve link %s: %+v, %v", approve, c, err)
	}

	// Ann subscribes to replies: a confirmation first (double opt-in), nothing else until she confirms.
	sub := blog.Subscription{PostID: p.ID, Email: "ann@example.org", Mode: blog.NotifyReplies}
	if err := st.Subscribe(ctx, &sub, r.n.Subscribed); err != nil {
		t.Fatal(err)
	}
	if sub.Active {
		t.Fatal("a first subscription is active before confirmation")
	}
	conf := mp.WaitFor(t, "ann@example.org", 1)[0]
	if !strings.Contains(conf.Subject, "Confirm") {
		t.Fatalf("confirmation subject %q", conf.Subject)
	}
	if h := conf.Headers["List-Unsubscribe-Post"]; len(h) != 1 || h[0] != "List-Unsubscribe=One-Click" {
		t.Errorf("List-Unsubscribe-Post = %q", h)
	}
	if h := conf.Headers["List-Unsubscribe"]; len(h) != 1 || !strings.HasPrefix(h[0], "<http://blog.example/notifications/unsubscribe/?t=") {
		t.Errorf("List-Unsubscribe = %q", h)
	}
	confirm := linkIn(t, conf.Text, "http://blog.example/notifications/confirm/")
	claim, err := r.n.Signer.Verify(token(t, confirm), notify.PurposeConfirm)
	if err != nil || claim.ID != sub.ID {
		t.Fatalf("confirm link: %+v %v", claim, err)
	}
	if _, err := r.n.Signer.Verify(token(t, confirm), notify.PurposeUnsubscribe); err == nil {
		t.Error("a confirm token works as an unsubscribe token")
	}
	if err := st.ConfirmSubscription(ctx, claim.ID); err != nil {
		t.Fatal(err)
	}

	// The moderator approves; a reply to Ann arrives at once (the thread's first email), her own comment does not.
	if err := st.SetCommentStatus(ctx, []int64{held.ID}, blog.CommentApproved); err != nil {
		t.Fatal(err)
	}
	addComment(t, st, p.ID, 0, "Bob", "bob@example.org", "Unrelated remark", blog.CommentApproved)
	addComment(t, st, p.ID, held.ID, "Cy", "cy@example.org", "A reply to Ann", blog.CommentApproved)
	msgs := mp.WaitFor(t, "ann@example.org", 2)
	if !strings.Contains(msgs[1].Text, "A reply to Ann") || strings.Contains(msgs[1].Text, "Unrelated remark") {
		t.Fatalf("reply email:\n%s", msgs[1].Text)
	}
	if !strings.Contains(msgs[1].Text, "Unsubscribe: http://blog.example/notifications/unsubscribe/?t=") ||
		!strings.Contains(msgs[1].Text, "All your subscriptions: http://blog.example/notifications/?t=") {
		t.Errorf("reply email lacks its unsubscribe and subscriptions links:\n%s", msgs[1].Text)
	}

	// Two more replies within the window wait for one digest, which goes when the window ends (here: forced).
	addComment(t, st, p.ID, held.ID, "Dee", "dee@example.org", "Second reply", blog.CommentApproved)
	addComment(t, st, p.ID, held.ID, "Eve", "eve@example.org", "Third reply", blog.CommentApproved)
	waitScheduled(t, st, r)
	digest := mp.WaitFor(t, "ann@example.org", 3)[2]
	if !strings.Contains(digest.Subject, "2 new comments") || !strings.Contains(digest.Text, "Second reply") || !strings.Contains(digest.Text, "Third reply") {
		t.Fatalf("digest %q:\n%s", digest.Subject, digest.Text)
	}
	if n := len(mp.To(t, "ann@example.org")); n != 3 {
		t.Errorf("Ann received %d emails; want 3", n)
	}
}

// waitScheduled waits until a thread email is scheduled for the end of its window and makes it run now, as if the
// window had passed.
func waitScheduled(t *testing.T, st *store.Store, r *rig) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		ids, err := r.queue.Scheduled(t.Context(), notify.ThreadArgs{}.Kind())
		if err != nil {
			t.Fatal(err)
		}
		if len(ids) > 0 {
			pending, err := st.PendingNotifications(t.Context(), "ann@example.org", ids[0].PostID)
			if err != nil {
				t.Fatal(err)
			}
			if len(pending) == 2 {
				if err := r.queue.Retry(t.Context(), ids[0].ID); err != nil {
					t.Fatal(err)
				}
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("no thread email was scheduled with both replies")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// An SMTP server that is down makes the email wait and retry; a restart in the middle changes nothing: the email
// arrives once, when the server is back.
func TestMailSurvivesSMTPOutageAndRestart(t *testing.T) {
	port := mailpittest.FreePort(t)
	st := openStore(t)
	writer, p := seed(t, st)
	// A wait beyond River's scheduler interval, so that the failed email is retryable (not at once available again)
	// while the process goes away: the second process must pick the retry up by itself.
	const retryWait = 6 * time.Second
	r := newRigWith(t, st, port, retryWait)
	addComment(t, st, p.ID, 0, "Ann", "ann@example.org", "Held while the server is down", blog.CommentPending)
	deadline := time.Now().Add(60 * time.Second)
	for {
		failed, err := r.queue.Failed(t.Context(), 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(failed) > 0 && failed[0].Kind == "staff_mail" && failed[0].State == "retryable" && len(failed[0].Errors) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the failing email is not listed as retrying: %+v", failed)
		}
		time.Sleep(50 * time.Millisecond)
	}
	r.stop() // the process goes away in the middle of the retries
	mp := mailpittest.Start(t, port)
	r2 := newRigWith(t, st, port, retryWait) // and a new one, with a new SMTP client, takes over the same database
	got := mp.WaitFor(t, writer.Email, 1)
	if !strings.Contains(got[0].Text, "Held while the server is down") {
		t.Fatalf("email:\n%s", got[0].Text)
	}
	// Once: wait until the queue holds no unfinished staff email, then count.
	for deadline := time.Now().Add(60 * time.Second); ; {
		failed, err := r2.queue.Failed(t.Context(), 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(failed) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("jobs still failing: %+v", failed)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if n := len(mp.To(t, writer.Email)); n != 1 {
		t.Errorf("the writer received %d emails; want 1", n)
	}
}

// postgresStores opens a schema of its own in $SALON_TEST_POSTGRES as two stores: two processes' pools.
func postgresStores(t *testing.T) (*store.Store, *store.Store) {
	t.Helper()
	dsn := os.Getenv("SALON_TEST_POSTGRES")
	if dsn == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("SALON_TEST_POSTGRES is not set: in CI this test must run")
		}
		t.Skip("SALON_TEST_POSTGRES is not set")
	}
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	schema := "notify_" + strconv.FormatInt(time.Now().UnixNano(), 36)
	if _, err := admin.ExecContext(t.Context(), "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	open := func() *store.Store {
		st, err := store.Open(t.Context(), u.String())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		if _, err := st.Migrate(t.Context()); err != nil {
			t.Fatal(err)
		}
		return st
	}
	return open(), open()
}

// unfinished counts the jobs not yet completed (or given up).
func unfinished(t *testing.T, st *store.Store) int {
	t.Helper()
	db, err := st.QueueDB(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.QueryRowContext(t.Context(), `SELECT count(*) FROM river_job WHERE state NOT IN ('completed', 'discarded', 'cancelled')`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Two processes on one PostgreSQL database, each working the queue: every notification is sent exactly once.
func TestTwoQueuesOnePostgresSendOnce(t *testing.T) {
	mp := mailpittest.Start(t, 0)
	a, b := postgresStores(t)
	writer, p := seed(t, a)
	ctx := t.Context()
	var readers []string
	for i := range 8 {
		email := "reader" + strconv.Itoa(i) + "@example.org"
		sub := blog.Subscription{PostID: p.ID, Email: email, Mode: blog.NotifyAll}
		if err := a.Subscribe(ctx, &sub, nil); err != nil {
			t.Fatal(err)
		}
		if err := a.ConfirmSubscription(ctx, sub.ID); err != nil {
			t.Fatal(err)
		}
		readers = append(readers, email)
	}
	newRig(t, a, mp.SMTPPort)
	newRig(t, b, mp.SMTPPort)

	// A comment held through A and approved through B; another approved at once through B.
	held := addComment(t, a, p.ID, 0, "Ann", "ann@example.org", "Held first", blog.CommentPending)
	mp.WaitFor(t, writer.Email, 1)
	if err := b.SetCommentStatus(ctx, []int64{held.ID}, blog.CommentApproved); err != nil {
		t.Fatal(err)
	}
	for _, e := range readers {
		mp.WaitFor(t, e, 1)
	}
	mp.WaitFor(t, writer.Email, 2)
	for deadline := time.Now().Add(60 * time.Second); unfinished(t, a) > 0; {
		if time.Now().After(deadline) {
			t.Fatalf("%d jobs still unfinished", unfinished(t, a))
		}
		time.Sleep(50 * time.Millisecond)
	}
	for _, e := range readers {
		if got := mp.To(t, e); len(got) != 1 || !strings.Contains(got[0].Text, "Held first") {
			t.Errorf("%s received %d emails; want exactly 1 about the approved comment", e, len(got))
		}
	}
	if got := mp.To(t, writer.Email); len(got) != 2 {
		t.Errorf("the writer received %d emails; want 2 (please moderate, then the new comment)", len(got))
	}
	if got := mp.To(t, "ann@example.org"); len(got) != 0 {
		t.Errorf("the comment's own author received %d emails", len(got))
	}
	db, err := a.QueueDB(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var workers int
	if err := db.QueryRowContext(ctx, `SELECT count(DISTINCT attempted_by[array_length(attempted_by, 1)]) FROM river_job`).Scan(&workers); err != nil {
		t.Fatal(err)
	}
	t.Logf("jobs were worked by %d of the 2 queues", workers)
}
