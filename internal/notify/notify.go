// Package notify decides who hears about what by email, and does it through the job queue: moderators and post
// authors about new and held comments (with signed approve and spam links), readers about the discussions they
// subscribed to (after confirming their address, at most one email per thread in the digest window), and the
// moment a scheduled post goes live. Every email is a job: it survives restarts, is retried with backoff while the
// SMTP server fails, and ends in the admin area's failed-jobs list after its last attempt.
package notify

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/mail"
	"github.com/salon-blog/salon/internal/markup"
)

// Store is the storage notifications need.
type Store interface {
	Settings(ctx context.Context) (blog.Settings, error)
	Comment(ctx context.Context, id int64) (blog.Comment, error)
	Post(ctx context.Context, id int64) (blog.Post, error)
	Users(ctx context.Context) ([]blog.User, error)
	UserByID(ctx context.Context, id int64) (blog.User, error)
	Subscription(ctx context.Context, id int64) (blog.Subscription, error)
	SubscriptionFor(ctx context.Context, email string, postID int64) (blog.Subscription, error)
	QueueForSubscribers(ctx context.Context, commentID int64, window time.Duration, enqueue func(ctx context.Context, tx *sql.Tx, email string, postID int64, at time.Time) error) ([]string, error)
	PendingNotifications(ctx context.Context, email string, postID int64) ([]blog.Comment, error)
	FinishNotification(ctx context.Context, email string, postID int64, sent []int64, window time.Duration, enqueue func(ctx context.Context, tx *sql.Tx, email string, postID int64, at time.Time) error) error
	RecordPublication(ctx context.Context, postID int64, at time.Time) (bool, error)
}

// Queue inserts jobs.
type Queue interface {
	InsertTx(ctx context.Context, tx *sql.Tx, args river.JobArgs, opts *river.InsertOpts) error
	Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error
}

// Notifier sends Salon's notifications.
type Notifier struct {
	Store Store
	// Queue is set after the queue is made (the queue needs the workers first, see Register).
	Queue Queue
	// Mail is nil when no SMTP server is configured: then nothing is queued and the admin area says so.
	Mail     mail.Sender
	Renderer *mail.Renderer
	Signer   Signer
	// BaseURL makes links absolute when the site's url setting is empty (the address serve listens on).
	BaseURL string
	Logger  *slog.Logger
	// Window, when not zero, replaces the notify_digest_minutes setting (tests).
	Window time.Duration
}

// Enabled reports whether mail is configured.
func (n *Notifier) Enabled() bool { return n != nil && n.Mail != nil }

// Job kinds and their arguments.

// CommentArgs: a comment was stored or moderated; the job decides who hears of it.
type CommentArgs struct {
	CommentID int64              `json:"comment_id"`
	Status    blog.CommentStatus `json:"status"`
}

func (CommentArgs) Kind() string { return "comment_changed" }

// StaffArgs: one email to a post's author or a moderator about one comment.
type StaffArgs struct {
	CommentID int64 `json:"comment_id"`
	UserID    int64 `json:"user_id"`
	Held      bool  `json:"held"`
}

func (StaffArgs) Kind() string { return "staff_mail" }

// ThreadArgs: the next email of a subscriber's thread, with every comment that waits for it.
type ThreadArgs struct {
	Email  string `json:"email"`
	PostID int64  `json:"post_id"`
}

func (ThreadArgs) Kind() string { return "thread_mail" }

// ConfirmArgs: the email asking a reader to confirm a subscription.
type ConfirmArgs struct {
	SubscriptionID int64 `json:"subscription_id"`
}

func (ConfirmArgs) Kind() string { return "confirm_mail" }

// PublishArgs: a scheduled post's moment.
type PublishArgs struct {
	PostID int64     `json:"post_id"`
	At     time.Time `json:"at"`
}

func (PublishArgs) Kind() string { return "post_published" }

// unique makes a job that is inserted once for the same arguments, whatever became of the first.
var unique = &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}

// Register adds the notification workers.
func Register(w *river.Workers, n *Notifier) {
	river.AddWorker(w, river.WorkFunc(n.commentChanged))
	river.AddWorker(w, river.WorkFunc(n.staffMail))
	river.AddWorker(w, river.WorkFunc(n.threadMail))
	river.AddWorker(w, river.WorkFunc(n.confirmMail))
	river.AddWorker(w, river.WorkFunc(n.published))
}

// CommentChanged is the store hook: in the transaction that stores or moderates a comment, it queues the job that
// tells whom it concerns. Only new held comments and newly approved ones concern anybody. It queues even while
// mail is off (the CLI does not know), and the job then does nothing.
func (n *Notifier) CommentChanged(ctx context.Context, tx *sql.Tx, id int64, status blog.CommentStatus) error {
	if status != blog.CommentApproved && status != blog.CommentPending {
		return nil
	}
	return n.Queue.InsertTx(ctx, tx, CommentArgs{CommentID: id, Status: status}, unique)
}

// PostScheduled is the store hook for a post whose publication lies ahead: a job at that moment records it.
// Readers see the post from that moment on whether or not the job has run (by query).
func (n *Notifier) PostScheduled(ctx context.Context, tx *sql.Tx, id int64, at time.Time) error {
	return n.Queue.InsertTx(ctx, tx, PublishArgs{PostID: id, At: at.UTC()}, &river.InsertOpts{ScheduledAt: at, UniqueOpts: river.UniqueOpts{ByArgs: true}})
}

// Subscribed is the Subscribe callback: in the transaction that records an unconfirmed subscription, it queues the
// confirmation email.
func (n *Notifier) Subscribed(ctx context.Context, tx *sql.Tx, id int64) error {
	return n.Queue.InsertTx(ctx, tx, ConfirmArgs{SubscriptionID: id}, nil)
}

func (n *Notifier) enqueueThread(ctx context.Context, tx *sql.Tx, email string, postID int64, at time.Time) error {
	return n.Queue.InsertTx(ctx, tx, ThreadArgs{Email: email, PostID: postID}, &river.InsertOpts{ScheduledAt: at})
}

func (n *Notifier) window(st blog.Settings) time.Duration {
	if n.Window != 0 {
		return n.Window
	}
	return time.Duration(st.Notify.DigestMinutes) * time.Minute
}

func (n *Notifier) commentChanged(ctx context.Context, job *river.Job[CommentArgs]) error {
	if !n.Enabled() {
		return nil
	}
	c, err := n.Store.Comment(ctx, job.Args.CommentID)
	if blog.ErrorCode(err) == blog.ENOTFOUND || (err == nil && c.Status != job.Args.Status) {
		return nil // deleted, or moderated again since: the later change has its own job
	}
	if err != nil {
		return err
	}
	st, err := n.Store.Settings(ctx)
	if err != nil {
		return err
	}
	p, err := n.Store.Post(ctx, c.PostID)
	if err != nil {
		return err
	}
	staff, err := n.staff(ctx, st, p, c, c.Status == blog.CommentPending)
	if err != nil {
		return err
	}
	for _, u := range staff {
		if err := n.Queue.Insert(ctx, StaffArgs{CommentID: c.ID, UserID: u.ID, Held: c.Status == blog.CommentPending}, unique); err != nil {
			return err
		}
	}
	if c.Status == blog.CommentApproved {
		if _, err := n.Store.QueueForSubscribers(ctx, c.ID, n.window(st), n.enqueueThread); err != nil {
			return err
		}
	}
	return nil
}

// staff is who hears of a comment: the post's author (when they may moderate it, for a held one) and, with the
// notify_moderators setting, every editor and administrator; never the comment's own writer.
func (n *Notifier) staff(ctx context.Context, st blog.Settings, p blog.Post, c blog.Comment, held bool) ([]blog.User, error) {
	users, err := n.Store.Users(ctx)
	if err != nil {
		return nil, err
	}
	var out []blog.User
	for _, u := range users {
		own := u.ID == p.AuthorID && !(held && u.Role == blog.RoleContributor)
		moderator := st.Notify.Moderators && (u.Role == blog.RoleAdmin || u.Role == blog.RoleEditor)
		self := u.ID == c.UserID || strings.EqualFold(u.Email, c.AuthorEmail)
		if (own || moderator) && !self {
			out = append(out, u)
		}
	}
	return out, nil
}

// site is what every email shows of the site.
type site struct {
	name, base string
	settings   blog.Settings
}

func (n *Notifier) site(ctx context.Context) (site, error) {
	st, err := n.Store.Settings(ctx)
	if err != nil {
		return site{}, err
	}
	base := strings.TrimRight(st.URL, "/")
	if base == "" {
		base = strings.TrimRight(n.BaseURL, "/")
	}
	return site{name: st.Title, base: base, settings: st}, nil
}

func (s site) link(path string, q url.Values) string {
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	return s.base + path
}

func (s site) item(c blog.Comment) mail.CommentItem {
	return mail.CommentItem{Author: c.AuthorName, When: c.Created.In(s.settings.Location()).Format("2 January 2006, 15:04"),
		// c.HTML was sanitized when the comment was stored (markup.RenderComment).
		Text: markup.PlainText(template.HTML(c.HTML)), HTML: template.HTML(c.HTML), Link: s.link("/comments/"+strconv.FormatInt(c.ID, 10)+"/", nil)}
}

func (n *Notifier) send(ctx context.Context, to string, notice mail.Notice) error {
	m, err := n.Renderer.Render(to, notice)
	if err != nil {
		return err
	}
	if err := n.Mail.Send(ctx, m); err != nil {
		n.Logger.WarnContext(ctx, "email not sent; it will be retried", "to", to, "subject", notice.Subject, "error", err)
		return err
	}
	n.Logger.InfoContext(ctx, "email sent", "to", to, "subject", notice.Subject)
	return nil
}

func (n *Notifier) staffMail(ctx context.Context, job *river.Job[StaffArgs]) error {
	if !n.Enabled() {
		return nil
	}
	c, err := n.Store.Comment(ctx, job.Args.CommentID)
	if blog.ErrorCode(err) == blog.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	if job.Args.Held && c.Status != blog.CommentPending {
		return nil // already moderated: nothing to ask
	}
	u, err := n.Store.UserByID(ctx, job.Args.UserID)
	if blog.ErrorCode(err) == blog.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	p, err := n.Store.Post(ctx, c.PostID)
	if err != nil {
		return err
	}
	s, err := n.site(ctx)
	if err != nil {
		return err
	}
	action := func(label, act string) mail.Link {
		t := n.Signer.Sign(PurposeModerate, c.ID, act, ModerateTTL)
		return mail.Link{Label: label, URL: s.link("/admin/comments/"+strconv.FormatInt(c.ID, 10)+"/email/", url.Values{"action": {act}, "t": {t}})}
	}
	notice := mail.Notice{SiteName: s.name, SiteURL: s.base, Comments: []mail.CommentItem{s.item(c)},
		Footer: "You receive this because you write or moderate on " + s.name + " (signing in is needed to act)."}
	if job.Args.Held {
		notice.Subject = fmt.Sprintf("[%s] Please moderate: a comment on “%s”", s.name, p.Title)
		notice.Heading = fmt.Sprintf("A comment on “%s” is waiting for approval", p.Title)
		notice.Lines = []string{c.Moderation}
		notice.Actions = []mail.Link{action("Approve", "approve"), action("Spam", "spam"), {Label: "Moderation queue", URL: s.link("/admin/comments/", nil)}}
	} else {
		notice.Subject = fmt.Sprintf("[%s] New comment on “%s”", s.name, p.Title)
		notice.Heading = fmt.Sprintf("%s commented on “%s”", c.AuthorName, p.Title)
		notice.Actions = []mail.Link{action("Spam", "spam"), {Label: "Moderation queue", URL: s.link("/admin/comments/", nil)}}
	}
	return n.send(ctx, u.Email, notice)
}

func (n *Notifier) unsubscribeLinks(s site, sub blog.Subscription) (unsubscribe, manage string) {
	return s.link("/notifications/unsubscribe/", url.Values{"t": {n.Signer.Sign(PurposeUnsubscribe, sub.ID, sub.Email, UnsubscribeTTL)}}),
		s.link("/notifications/", url.Values{"t": {n.Signer.Sign(PurposeManage, 0, sub.Email, ManageTTL)}})
}

func (n *Notifier) threadMail(ctx context.Context, job *river.Job[ThreadArgs]) error {
	if !n.Enabled() {
		return errors.New("email is off: this thread's email waits until salon serve runs with --smtp-host")
	}
	email, postID := job.Args.Email, job.Args.PostID
	s, err := n.site(ctx)
	if err != nil {
		return err
	}
	window := n.window(s.settings)
	sub, err := n.Store.SubscriptionFor(ctx, email, postID)
	if blog.ErrorCode(err) == blog.ENOTFOUND || (err == nil && !sub.Active) {
		return n.Store.FinishNotification(ctx, email, postID, nil, window, n.enqueueThread)
	}
	if err != nil {
		return err
	}
	comments, err := n.Store.PendingNotifications(ctx, email, postID)
	if err != nil {
		return err
	}
	if len(comments) == 0 {
		return n.Store.FinishNotification(ctx, email, postID, nil, window, n.enqueueThread)
	}
	notice := mail.Notice{SiteName: s.name, SiteURL: s.base}
	notice.Unsubscribe, notice.Manage = n.unsubscribeLinks(s, sub)
	ids := make([]int64, len(comments))
	for i, c := range comments {
		ids[i] = c.ID
		notice.Comments = append(notice.Comments, s.item(c))
	}
	if len(comments) == 1 {
		notice.Subject = fmt.Sprintf("[%s] New comment on “%s”", s.name, sub.PostTitle)
		notice.Heading = fmt.Sprintf("%s commented on “%s”", comments[0].AuthorName, sub.PostTitle)
	} else {
		notice.Subject = fmt.Sprintf("[%s] %d new comments on “%s”", s.name, len(comments), sub.PostTitle)
		notice.Heading = fmt.Sprintf("%d new comments on “%s”", len(comments), sub.PostTitle)
	}
	if sub.Mode == blog.NotifyReplies {
		notice.Footer = "You asked to hear about replies to your comments on this post."
	} else {
		notice.Footer = "You asked to hear about every comment on this post."
	}
	if err := n.send(ctx, email, notice); err != nil {
		return err
	}
	return n.Store.FinishNotification(ctx, email, postID, ids, window, n.enqueueThread)
}

func (n *Notifier) confirmMail(ctx context.Context, job *river.Job[ConfirmArgs]) error {
	if !n.Enabled() {
		return nil
	}
	sub, err := n.Store.Subscription(ctx, job.Args.SubscriptionID)
	if blog.ErrorCode(err) == blog.ENOTFOUND || (err == nil && sub.Active) {
		return nil
	}
	if err != nil {
		return err
	}
	s, err := n.site(ctx)
	if err != nil {
		return err
	}
	what := "replies to your comments"
	if sub.Mode == blog.NotifyAll {
		what = "every new comment"
	}
	notice := mail.Notice{SiteName: s.name, SiteURL: s.base,
		Subject: fmt.Sprintf("[%s] Confirm your subscription to “%s”", s.name, sub.PostTitle),
		Heading: "Please confirm your subscription",
		Lines: []string{fmt.Sprintf("Someone, probably you, asked to receive an email about %s on “%s”.", what, sub.PostTitle),
			"Nothing will be sent until you confirm. If you did not ask for this, ignore this email."},
		Actions: []mail.Link{{Label: "Confirm my subscription", URL: s.link("/notifications/confirm/", url.Values{"t": {n.Signer.Sign(PurposeConfirm, sub.ID, sub.Email, ConfirmTTL)}})}},
	}
	notice.Unsubscribe, notice.Manage = n.unsubscribeLinks(s, sub)
	return n.send(ctx, sub.Email, notice)
}

func (n *Notifier) published(ctx context.Context, job *river.Job[PublishArgs]) error {
	p, err := n.Store.Post(ctx, job.Args.PostID)
	if blog.ErrorCode(err) == blog.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	if !p.Published.Equal(job.Args.At) || !p.IsPublic(time.Now()) {
		return nil // rescheduled or unpublished since; a later save queued its own job
	}
	recorded, err := n.Store.RecordPublication(ctx, p.ID, p.Published)
	if err != nil {
		return err
	}
	if recorded {
		n.Logger.InfoContext(ctx, "scheduled post published", "post", p.ID, "title", p.Title)
	}
	return nil
}

// SendTest sends the admin area's test email, at once, and returns the SMTP server's answer as the error.
func (n *Notifier) SendTest(ctx context.Context, to string) error {
	if !n.Enabled() {
		return blog.Errorf(blog.EINVALID, "email is off: start salon serve with --smtp-host and --mail-from")
	}
	s, err := n.site(ctx)
	if err != nil {
		return err
	}
	m, err := n.Renderer.Render(to, mail.Notice{SiteName: s.name, SiteURL: s.base, Subject: fmt.Sprintf("[%s] Test email", s.name),
		Heading: "Email works", Lines: []string{"This test was sent from " + s.name + "'s settings. Notifications will reach readers and writers."}})
	if err != nil {
		return err
	}
	return n.Mail.Send(ctx, m)
}
