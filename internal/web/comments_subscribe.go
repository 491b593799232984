package web

import (
	"net/http"
	"strings"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/comment"
	"github.com/salon-blog/salon/internal/notify"
)

// The comment form's "Notify me of follow-up comments by email" fields.
const (
	subscribeField     = "subscribe"      // the checkbox
	subscribeModeField = "subscribe_mode" // "replies" or "all"
)

// noticeCookie carries the line a reader sees on the post page after posting: which one, never what they typed.
// It lives a few minutes and is cleared when shown.
const noticeCookie = "salon_notice"

var subscribeNotices = map[string]string{
	"subscribe-pending": "Check your inbox: we sent you an email with a link to confirm your subscription to this discussion. Nothing more is sent until you follow it.",
	"subscribe-active":  "You are subscribed to this discussion: new comments will come by email (check your inbox). Every email has a link to stop them.",
	"subscribe-failed":  "Your comment was posted, but the subscription could not be recorded. Please try again later.",
}

// subscribeRefusal checks, before the comment is stored, the address a subscription would send to. An address
// with no @ is left for the comment workflow to refuse with its own words.
func (s *Server) subscribeRefusal(r *http.Request, user *blog.User, form *formView) blog.FieldErrors {
	email := strings.TrimSpace(form.Email)
	if user != nil {
		email = user.Email
	}
	if !strings.Contains(email, "@") && user == nil {
		return nil
	}
	if err := notify.CheckAddress(email); err != nil {
		if user != nil {
			return blog.FieldErrors{comment.FormError: blog.ErrorMessage(err)}
		}
		return blog.FieldErrors{"email": blog.ErrorMessage(err)}
	}
	return nil
}

// subscribe records the subscription asked for with a stored comment: the first email to an address asks for
// confirmation (double opt-in, queued in the subscription's transaction). A comment that went to spam subscribes
// nobody, so that the form cannot be used to send mail to strangers. A failure leaves the comment posted and says so.
func (s *Server) subscribe(w http.ResponseWriter, r *http.Request, c blog.Comment, mode blog.SubscriptionMode, secure bool) {
	if !s.mailOn() || (c.Status != blog.CommentApproved && c.Status != blog.CommentPending) {
		return
	}
	sub := blog.Subscription{PostID: c.PostID, Email: c.AuthorEmail, Mode: mode}
	notice := "subscribe-pending"
	if err := s.notify.Subscriptions.Subscribe(r.Context(), &sub, s.notify.Notifier.Subscribed); err != nil {
		s.log.ErrorContext(r.Context(), "subscription from the comment form failed", "comment", c.ID, "err", err)
		notice = "subscribe-failed"
	} else if sub.Active {
		notice = "subscribe-active"
	}
	http.SetCookie(w, &http.Cookie{Name: noticeCookie, Value: notice, Path: "/", MaxAge: 600,
		HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode})
}

// takeNotice reads the after-posting line and clears it, so that it shows once.
func takeNotice(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(noticeCookie)
	if err != nil {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: noticeCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	return subscribeNotices[c.Value]
}
