package web

import (
	"context"
	"crypto/hmac"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/notify"
	"github.com/salon-blog/salon/internal/privacy"
	"github.com/salon-blog/salon/internal/store"
)

// A commenter's own privacy request. The form on the privacy page queues an email (privacy.LinkArgs) with a signed
// link bound to the address and valid for privacy.LinkTTL; the form answers alike whatever the address holds, and
// the job emails only an address under which the site holds something. The link's page shows what is held, offers
// the export that `salon privacy export` prints, and erases as `salon privacy erase` does, by a POST that carries the
// link's token and a confirmation token derived from it. Nothing but the link proves who asks, so every answer
// after it is about the link's address only.

// Paths of the request form and the link's pages (privacy.DataPath is the page the email links to).
const (
	privacyRequestPath = privacyPath + "request/"
	privacyExportPath  = privacy.DataPath + "export/"
	privacyErasePath   = privacy.DataPath + "erase/"
)

// privacyStore is what privacy requests read and change.
type privacyStore interface {
	PersonalData(ctx context.Context, email string) (store.PersonalData, error)
	ErasePersonalData(ctx context.Context, email string, deleteComments bool) (store.Erasure, error)
}

// privacyRates limit requests lightly, so that the form cannot flood someone's inbox: first per address (a keyed
// hash of it, so that the count keeps no address), then per network (the IPv4 /24 or IPv6 /64). They are counted in
// the table of sign-in failures under keys of their own, purged after a day like those, so every process shares
// them. A request counts whether or not the address holds anything.
var privacyRates = []struct {
	prefix string
	max    int
	window time.Duration
}{
	{prefix: "privacy-email:", max: 3, window: 24 * time.Hour},
	{prefix: "privacy-net:", max: 10, window: time.Hour},
}

const (
	privacyRequestLimit = 16 << 10
	privacyLinkTTL      = privacy.LinkTTL
	privacyEraseUse     = "privacy-erase"
	privacyRateUse      = "privacy-rate"
	privacyMailOff      = "This site does not send email, so it cannot check here that an address is yours. " +
		"Please write to the site's owner instead: they can export or erase everything kept under your address."
	privacySent = "If we hold anything for that address, we have sent a link to it. The link works for %d hours. " +
		"If no email arrives, the site keeps nothing under that address."
)

func (s *Server) privacyRequestRoutes(mux *http.ServeMux) {
	mux.Handle("POST "+privacyRequestPath+"{$}", s.page(s.requestPrivacyLink))
	mux.Handle("GET "+privacy.DataPath+"{$}", s.page(s.personalData))
	mux.Handle("GET "+privacyExportPath+"{$}", s.page(s.exportPersonalData))
	mux.Handle("POST "+privacyErasePath+"{$}", s.page(s.erasePersonalData))
}

// privacyRequestPage is every page of a privacy request: the answer to the form, the link's page, the erasure's
// confirmation, and a refused link.
type privacyRequestPage struct {
	basePage
	Heading string
	Message string
	// The link's page, when Email is set.
	Email         string
	Comments      []privacyCommentView
	Subscriptions []blog.Subscription
	Account       bool
	ExportURL     string
	EraseURL      string
	Token         string // the link's token, sent back with the erasure
	Confirm       string // derived from Token: the erasure's CSRF token
	Erased        bool
}

type privacyCommentView struct {
	PostTitle string
	URL       string // "" unless the comment is public
	Status    string
	When      string
	Excerpt   string
}

func (s *Server) privacyMailOn() bool {
	n := s.notify.Notifier
	return n.Enabled() && n.Queue != nil
}

func (s *Server) renderPrivacyRequest(w http.ResponseWriter, r *http.Request, status int, page *privacyRequestPage) error {
	return s.renderTokenPage(w, r, status, "privacy-request", page.Heading, &page.basePage, page)
}

// requestPrivacyLink is the privacy page's form: it checks the address and the rate limits and queues the email.
func (s *Server) requestPrivacyLink(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, privacyRequestLimit)
	if err := r.ParseForm(); err != nil {
		return bodyError(err, "the form could not be read")
	}
	if !s.privacyMailOn() {
		return s.renderPrivacyRequest(w, r, http.StatusOK, &privacyRequestPage{Heading: "Ask the site's owner", Message: privacyMailOff})
	}
	if crossSite(r) {
		return s.renderPrivacyRequest(w, r, http.StatusForbidden, &privacyRequestPage{Heading: "Request not sent",
			Message: "Requests can only be sent from this site's own privacy page. Open it on this site and ask there."})
	}
	email := blog.NormalizeEmail(r.PostFormValue("email"))
	if err := blog.ValidateEmail(email); err != nil || email == "" {
		return s.privacyFormError(w, r, email, "Please enter the email address you comment with, such as name@example.com.")
	}
	if err := notify.CheckAddress(email); err != nil {
		return s.privacyFormError(w, r, email, blog.ErrorMessage(err))
	}
	keys := []string{privacyRates[0].prefix + s.signer.mac(privacyRateUse, email)}
	if net := store.Network(ipString(clientOf(r))); net != "" {
		keys = append(keys, privacyRates[1].prefix+net)
	}
	now := s.now()
	for i, k := range keys {
		l := privacyRates[i]
		n, last, err := s.store.LoginFailures(r.Context(), k, now.Add(-l.window))
		if err != nil {
			return err
		}
		if n >= l.max {
			wait := max(last.Add(l.window).Sub(now), time.Minute)
			w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
			return s.renderPrivacyRequest(w, r, http.StatusTooManyRequests, &privacyRequestPage{Heading: "Too many requests",
				Message: "Too many requests were made for this address or from your network in a short time. Please try again later."})
		}
	}
	if err := s.store.RecordLoginFailure(r.Context(), keys...); err != nil {
		return err
	}
	if err := s.notify.Notifier.Queue.Insert(r.Context(), privacy.LinkArgs{Email: email}, nil); err != nil {
		return err
	}
	return s.renderPrivacyRequest(w, r, http.StatusOK, &privacyRequestPage{Heading: "Check your email",
		Message: fmt.Sprintf(privacySent, int(privacyLinkTTL/time.Hour))})
}

// privacyFormError shows the privacy page again with the form's error.
func (s *Server) privacyFormError(w http.ResponseWriter, r *http.Request, email, message string) error {
	page, err := s.privacyPolicyPage(r)
	if err != nil {
		return err
	}
	page.RequestEmail, page.RequestError = email, message
	return s.views.render(w, http.StatusBadRequest, "privacy", page)
}

// privacyClaim checks the link's token; a forged, altered or expired one gets its page, and ok false.
func (s *Server) privacyClaim(w http.ResponseWriter, r *http.Request, token string) (email string, ok bool, err error) {
	claim, err := s.linkSigner().Verify(token, privacy.Purpose)
	if err == nil && blog.ValidateEmail(claim.Subject) != nil {
		err = blog.Errorf(blog.EINVALID, "This link is not valid. Nothing was changed.")
	}
	if err != nil {
		if blog.ErrorCode(err) != blog.EINVALID {
			return "", false, err
		}
		return "", false, s.renderPrivacyRequest(w, r, http.StatusBadRequest, &privacyRequestPage{Heading: "This link does not work",
			Message: blog.ErrorMessage(err) + " You can ask for a new link on the privacy page."})
	}
	return claim.Subject, true, nil
}

func (s *Server) personalData(w http.ResponseWriter, r *http.Request) error {
	token := r.URL.Query().Get("t")
	email, ok, err := s.privacyClaim(w, r, token)
	if !ok {
		return err
	}
	data, err := s.store.PersonalData(r.Context(), email)
	if err != nil {
		return err
	}
	settings, err := s.store.Settings(r.Context())
	if err != nil {
		return err
	}
	page := &privacyRequestPage{Heading: "Your data", Email: email, Subscriptions: data.Subscriptions, Account: data.User != nil,
		Token: token, Confirm: s.signer.mac(privacyEraseUse, token),
		ExportURL: privacyExportPath + "?" + url.Values{"t": {token}}.Encode(), EraseURL: privacyErasePath}
	for _, c := range data.Comments {
		v := privacyCommentView{PostTitle: c.Post.Title, Status: string(c.Status),
			When: c.Created.In(settings.Location()).Format("2 January 2006, 15:04"), Excerpt: excerpt(c.Body, 140)}
		if c.Status == blog.CommentApproved {
			v.URL = fmt.Sprintf("/comments/%d/", c.ID)
		}
		page.Comments = append(page.Comments, v)
	}
	if !privacy.Holds(data) {
		page.Message = "This site keeps nothing under " + email + "."
	}
	return s.renderPrivacyRequest(w, r, http.StatusOK, page)
}

// exportPersonalData is the download: the document `salon privacy export` prints.
func (s *Server) exportPersonalData(w http.ResponseWriter, r *http.Request) error {
	email, ok, err := s.privacyClaim(w, r, r.URL.Query().Get("t"))
	if !ok {
		return err
	}
	data, err := s.store.PersonalData(r.Context(), email)
	if err != nil {
		return err
	}
	settings, err := s.store.Settings(r.Context())
	if err != nil {
		return err
	}
	body, err := json.MarshalIndent(privacy.Export(settings, data, s.now()), "", "  ")
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="personal-data.json"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	_, err = w.Write(append(body, '\n'))
	return err
}

// erasePersonalData erases the link's address, when the form carries the link's token and the confirmation derived
// from it (so that only the link's page, not another site and not a mail program following links, can erase).
func (s *Server) erasePersonalData(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, privacyRequestLimit)
	if err := r.ParseForm(); err != nil {
		return bodyError(err, "the form could not be read")
	}
	token := r.PostFormValue("t")
	email, ok, err := s.privacyClaim(w, r, token)
	if !ok {
		return err
	}
	if crossSite(r) || !hmac.Equal([]byte(r.PostFormValue("confirm")), []byte(s.signer.mac(privacyEraseUse, token))) {
		return s.renderPrivacyRequest(w, r, http.StatusBadRequest, &privacyRequestPage{Heading: "Nothing was erased",
			Message: "This form could not be verified. Please open the link from your email again and use the button on its page."})
	}
	deleteComments := r.PostFormValue("delete_comments") != ""
	e, err := s.store.ErasePersonalData(r.Context(), email, deleteComments)
	if err != nil {
		return err
	}
	s.log.InfoContext(r.Context(), "personal data erased at the commenter's request", "comments", e.Comments, "deleted", e.Deleted,
		"subscriptions", e.Subscriptions)
	done := fmt.Sprintf("Comments anonymised: %d. They now show the name “%s”; their email address, website, IP address "+
		"and browser name are gone.", e.Comments, store.AnonymousName)
	if e.Deleted {
		done = fmt.Sprintf("Comments deleted: %d.", e.Comments)
	}
	done += fmt.Sprintf(" Subscriptions to discussions cancelled: %d.", e.Subscriptions)
	left, err := s.store.PersonalData(r.Context(), email)
	if err != nil {
		return err
	}
	if left.User != nil {
		done += " The user account with this address is not changed: its owner manages it with the site's administrator."
	}
	return s.renderPrivacyRequest(w, r, http.StatusOK, &privacyRequestPage{Heading: "Your data is erased", Erased: true, Message: done})
}

// excerpt is the start of text, at most n runes, cut at a space when it is long.
func excerpt(text string, n int) string {
	text = strings.Join(strings.Fields(text), " ")
	r := []rune(text)
	if len(r) <= n {
		return text
	}
	cut := string(r[:n])
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return cut + "…"
}
