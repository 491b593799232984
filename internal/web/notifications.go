package web

import (
	"context"
	"database/sql"
	"net/http"
	"net/url"
	"strconv"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/notify"
)

// subscriptionStore is what the readers' subscription pages need from storage.
type subscriptionStore interface {
	Subscribe(ctx context.Context, sub *blog.Subscription, confirm func(ctx context.Context, tx *sql.Tx, id int64) error) error
	Subscription(ctx context.Context, id int64) (blog.Subscription, error)
	ConfirmSubscription(ctx context.Context, id int64) error
	SubscriptionsByEmail(ctx context.Context, email string) ([]blog.Subscription, error)
	Unsubscribe(ctx context.Context, email string, id int64) (int, error)
}

// Notifications is the email side of the site; a nil Notifier means mail is off.
type Notifications struct {
	Notifier      *notify.Notifier
	Subscriptions subscriptionStore
	// Describe is the SMTP settings in words, for the settings screen.
	Describe string
}

func (s *Server) mailOn() bool { return s.notify.Notifier.Enabled() && s.notify.Subscriptions != nil }

// notifyRoutes registers the readers' confirm, unsubscribe and subscriptions pages (signed links, no sign-in), the
// moderation links of moderators' emails (sign-in required), the test email and the failed-jobs screen.
func (s *Server) notifyRoutes(mux *http.ServeMux) {
	mux.Handle("GET /notifications/confirm/{$}", s.page(s.confirmSubscription))
	mux.Handle("GET /notifications/unsubscribe/{$}", s.page(s.unsubscribeLink))
	mux.Handle("POST /notifications/unsubscribe/{$}", s.page(s.unsubscribeOneClick))
	mux.Handle("GET /notifications/{$}", s.page(s.subscriptionList))
	mux.Handle("POST /notifications/{$}", s.page(s.cancelSubscriptions))
	mux.Handle("GET /admin/comments/{id}/email/{$}", s.moderation(s.emailModeration))
	mux.Handle("POST /admin/settings/test-email/{$}", s.adminsOnly(usersAndSettings, s.testEmail))
	mux.Handle("GET /admin/jobs/{$}", s.adminsOnly("see the background jobs", s.jobList))
	mux.Handle("POST /admin/jobs/{id}/retry/{$}", s.adminsOnly("see the background jobs", s.retryJob))
}

// noticePage is a reader-facing page about their subscriptions.
type noticePage struct {
	basePage
	Heading       string
	Message       string
	Token         string // the manage token, for the cancel forms
	Subscriptions []blog.Subscription
	ManageURL     string
}

func (s *Server) renderNotice(w http.ResponseWriter, r *http.Request, status int, page *noticePage) error {
	return s.renderTokenPage(w, r, status, "notice", page.Heading, &page.basePage, page)
}

// renderTokenPage shows a page whose address may hold a token (an unsubscribe, a privacy request): it is never
// stored by a cache, never indexed, and its address is never passed on as a Referer. base is page's basePage.
func (s *Server) renderTokenPage(w http.ResponseWriter, r *http.Request, status int, name, heading string, base *basePage, page any) error {
	req, err := s.newRequest(r, route{})
	if err != nil {
		return err
	}
	if err := s.fillBase(r.Context(), req, base, r.URL.Path); err != nil {
		return err
	}
	base.Head.Title = heading + " – " + req.settings.Title
	base.Head.NoIndex = true
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	return s.views.render(w, status, name, page)
}

// linkRefused shows a forged, altered or expired link's page: nothing changed.
func (s *Server) linkRefused(w http.ResponseWriter, r *http.Request, err error) error {
	if blog.ErrorCode(err) != blog.EINVALID {
		return err
	}
	return s.renderNotice(w, r, http.StatusBadRequest, &noticePage{Heading: "This link does not work", Message: blog.ErrorMessage(err)})
}

// linkSigner checks (and makes) the signed links of emails, with the site's "notify" key as the notifier does.
func (s *Server) linkSigner() notify.Signer {
	return notify.Signer{Key: s.notifyKey, Now: s.now}
}

func (s *Server) manageURL(email string) string {
	return "/notifications/?" + url.Values{"t": {s.linkSigner().Sign(notify.PurposeManage, 0, email, notify.ManageTTL)}}.Encode()
}

func (s *Server) confirmSubscription(w http.ResponseWriter, r *http.Request) error {
	if s.notify.Subscriptions == nil {
		return blog.Errorf(blog.ENOTFOUND, "no subscriptions here")
	}
	claim, err := s.linkSigner().Verify(r.URL.Query().Get("t"), notify.PurposeConfirm)
	if err != nil {
		return s.linkRefused(w, r, err)
	}
	if err := s.notify.Subscriptions.ConfirmSubscription(r.Context(), claim.ID); err != nil {
		if blog.ErrorCode(err) == blog.ENOTFOUND {
			return s.renderNotice(w, r, http.StatusNotFound, &noticePage{Heading: "Subscription not found",
				Message: "This subscription was cancelled since the email was sent. Nothing was changed."})
		}
		return err
	}
	sub, err := s.notify.Subscriptions.Subscription(r.Context(), claim.ID)
	if err != nil {
		return err
	}
	return s.renderNotice(w, r, http.StatusOK, &noticePage{Heading: "Subscription confirmed",
		Message:   "You will receive an email about new comments on “" + sub.PostTitle + "”. Every email has a link to stop them.",
		ManageURL: s.manageURL(sub.Email)})
}

// unsubscribe ends the subscription named by a token; ending one already gone is not an error.
func (s *Server) unsubscribe(r *http.Request) (notify.Claim, int, error) {
	if s.notify.Subscriptions == nil {
		return notify.Claim{}, 0, blog.Errorf(blog.ENOTFOUND, "no subscriptions here")
	}
	claim, err := s.linkSigner().Verify(r.URL.Query().Get("t"), notify.PurposeUnsubscribe)
	if err != nil {
		return claim, 0, err
	}
	n, err := s.notify.Subscriptions.Unsubscribe(r.Context(), claim.Subject, claim.ID)
	if err == nil {
		s.log.InfoContext(r.Context(), "unsubscribed", "subscription", claim.ID, "ended", n)
	}
	return claim, n, err
}

// unsubscribeLink is the visible link in every email.
func (s *Server) unsubscribeLink(w http.ResponseWriter, r *http.Request) error {
	claim, _, err := s.unsubscribe(r)
	if err != nil {
		return s.linkRefused(w, r, err)
	}
	return s.renderNotice(w, r, http.StatusOK, &noticePage{Heading: "You are unsubscribed",
		Message: "You will receive no more emails about this discussion.", ManageURL: s.manageURL(claim.Subject)})
}

// unsubscribeOneClick is RFC 8058's one-click unsubscribe: a mail program POSTs List-Unsubscribe=One-Click to the
// List-Unsubscribe address, without cookies or a page to read.
func (s *Server) unsubscribeOneClick(w http.ResponseWriter, r *http.Request) error {
	if _, _, err := s.unsubscribe(r); err != nil {
		if blog.ErrorCode(err) == blog.EINVALID {
			http.Error(w, blog.ErrorMessage(err), http.StatusBadRequest)
			return nil
		}
		return err
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("You are unsubscribed.\n"))
	return nil
}

func (s *Server) subscriptionList(w http.ResponseWriter, r *http.Request) error {
	if s.notify.Subscriptions == nil {
		return blog.Errorf(blog.ENOTFOUND, "no subscriptions here")
	}
	token := r.URL.Query().Get("t")
	claim, err := s.linkSigner().Verify(token, notify.PurposeManage)
	if err != nil {
		return s.linkRefused(w, r, err)
	}
	subs, err := s.notify.Subscriptions.SubscriptionsByEmail(r.Context(), claim.Subject)
	if err != nil {
		return err
	}
	page := &noticePage{Heading: "Your subscriptions", Token: token, Subscriptions: subs,
		Message: "The discussions " + claim.Subject + " receives email about."}
	if len(subs) == 0 {
		page.Message = "No email is sent to " + claim.Subject + " about any discussion."
	}
	if done := r.URL.Query().Get("done"); done != "" {
		page.Message = done + " " + page.Message
	}
	return s.renderNotice(w, r, http.StatusOK, page)
}

// cancelSubscriptions ends one subscription (id) or all of them, for the address of the manage token.
func (s *Server) cancelSubscriptions(w http.ResponseWriter, r *http.Request) error {
	if s.notify.Subscriptions == nil {
		return blog.Errorf(blog.ENOTFOUND, "no subscriptions here")
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		return blog.Errorf(blog.EINVALID, "the form could not be read")
	}
	token := r.PostFormValue("t")
	claim, err := s.linkSigner().Verify(token, notify.PurposeManage)
	if err != nil {
		return s.linkRefused(w, r, err)
	}
	var id int64
	if v := r.PostFormValue("id"); v != "" {
		if id, err = strconv.ParseInt(v, 10, 64); err != nil || id <= 0 {
			return blog.Errorf(blog.EINVALID, "%q is not a subscription", v)
		}
	}
	n, err := s.notify.Subscriptions.Unsubscribe(r.Context(), claim.Subject, id)
	if err != nil {
		return err
	}
	done := "Cancelled " + strconv.Itoa(n) + " subscription" + map[bool]string{true: ".", false: "s."}[n == 1]
	http.Redirect(w, r, "/notifications/?"+url.Values{"t": {token}, "done": {done}}.Encode(), http.StatusSeeOther)
	return nil
}

// emailModeration is the approve or spam link of a moderator's email: the signed link says which comment and
// which action, the session says who (and so what they may moderate).
func (s *Server) emailModeration(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return blog.Errorf(blog.ENOTFOUND, "there is no comment %q", r.PathValue("id"))
	}
	claim, err := s.linkSigner().Verify(r.URL.Query().Get("t"), notify.PurposeModerate)
	if err == nil && (claim.ID != id || claim.Subject != r.URL.Query().Get("action")) {
		err = blog.Errorf(blog.EINVALID, "This link is not valid. Nothing was changed.")
	}
	if err != nil {
		if blog.ErrorCode(err) == blog.EINVALID {
			http.Redirect(w, r, s.withNotice("/admin/comments/", blog.ErrorMessage(err)), http.StatusSeeOther)
			return nil
		}
		return err
	}
	status, ok := moderationActions[claim.Subject]
	if !ok || (claim.Subject != "approve" && claim.Subject != "spam") {
		return blog.Errorf(blog.EINVALID, "unknown action")
	}
	if err := s.mayModerateComment(r, a, id); err != nil {
		return err
	}
	if err := s.store.SetCommentStatus(r.Context(), []int64{id}, status); err != nil {
		return err
	}
	s.log.InfoContext(r.Context(), "moderated from an email", "user", a.user.ID, "action", claim.Subject, "comment", id)
	http.Redirect(w, r, s.withNotice("/admin/comments/", actionDone(claim.Subject)+": comment "+strconv.FormatInt(id, 10)+"."), http.StatusSeeOther)
	return nil
}

func (s *Server) testEmail(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	if !s.mailOn() {
		http.Redirect(w, r, s.withNotice("/admin/settings/", "Email is off: start salon serve with --smtp-host and --mail-from."), http.StatusSeeOther)
		return nil
	}
	notice := "A test email was sent to " + a.user.Email + "."
	if err := s.notify.Notifier.SendTest(r.Context(), a.user.Email); err != nil {
		s.log.WarnContext(r.Context(), "test email failed", "err", err)
		notice = "The test email could not be sent: " + err.Error()
	}
	http.Redirect(w, r, s.withNotice("/admin/settings/", notice), http.StatusSeeOther)
	return nil
}

// mailStatus is the settings screen's line about email.
type mailStatus struct {
	On       bool
	Describe string
}

func (s *Server) mailStatus() mailStatus {
	return mailStatus{On: s.mailOn(), Describe: s.notify.Describe}
}
