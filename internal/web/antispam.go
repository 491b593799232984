package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// The comment form's defences that need no JavaScript and no third party, checked before the comment workflow
// sees a submission: a signed token saying which post's form it is and when it was shown, a honeypot field that no
// person sees, and a same-site check on the Origin or Referer header. Rate limits are in antispam_rate.go.

const (
	// formTokenField carries "postID-unixtime" signed with the site key. It is the same for every reader of a
	// page rendered in the same second, so a cached page still works, for formTokenMaxAge.
	formTokenField = "salon_form"
	// honeypotField is a text box hidden from people (CSS, aria-hidden, out of the tab order, no autofill) with a
	// name that a form-filling program finds worth filling.
	honeypotField   = "contact_phone"
	formTokenMaxAge = 24 * time.Hour
	formTokenUse    = "comment-form"
)

// formToken is the value of the form's hidden token field for a form on post postID shown at shown.
func (s signer) formToken(postID int64, shown time.Time) string {
	return s.sign(formTokenUse, strconv.FormatInt(postID, 10)+"-"+strconv.FormatInt(shown.Unix(), 10))
}

// formCheck is what the token says about a submission.
type formCheck struct {
	// Refusal is the message shown above the form when the submission is refused; "" lets it through.
	Refusal string
	// Status is the HTTP status of a refusal.
	Status int
	// KeepToken is set when the same token becomes good by waiting (sent too fast), so the form shown again keeps
	// it; otherwise the form gets a new one.
	KeepToken bool
	// Note says, for a token that passed, what the check saw: the moderator's audit trail.
	Note string
}

// checkFormToken checks a submitted token against the post it was sent for and the time now. min is the least time
// a person takes to fill the form.
func (s signer) checkFormToken(token string, postID int64, now time.Time, min time.Duration) formCheck {
	const again = "Please send your comment again: nothing you typed has been lost."
	forged := formCheck{Status: http.StatusBadRequest,
		Refusal: "This comment form could not be verified (it may come from an old copy of the page). " + again}
	if token == "" {
		return forged
	}
	value, ok := s.verify(formTokenUse, token)
	if !ok {
		return forged
	}
	idText, shownText, _ := strings.Cut(value, "-")
	id, err1 := strconv.ParseInt(idText, 10, 64)
	unix, err2 := strconv.ParseInt(shownText, 10, 64)
	if err1 != nil || err2 != nil || id != postID {
		return forged
	}
	age := now.Sub(time.Unix(unix, 0))
	switch {
	case age > formTokenMaxAge:
		return formCheck{Status: http.StatusBadRequest,
			Refusal: "This comment form has expired: the page was opened more than " + strconv.Itoa(int(formTokenMaxAge/time.Hour)) + " hours ago. " + again}
	case age < min:
		return formCheck{Status: http.StatusUnprocessableEntity, KeepToken: true,
			Refusal: "Your comment was sent too quickly after the page was opened. Please wait a moment and send it again: nothing you typed has been lost."}
	}
	return formCheck{Note: fmt.Sprintf("form: signed for this post, sent %s after it was shown", age.Round(time.Second))}
}

// crossSite reports whether a POST was sent from another site's page: its Origin header, or failing that its
// Referer, names another host than the one asked. A request with neither (privacy tools strip them) passes, unless
// the browser says with Sec-Fetch-Site that it is cross-site.
func crossSite(r *http.Request) bool {
	if o := r.Header.Get("Origin"); o != "" && o != "null" {
		return !sameHost(o, r.Host)
	}
	if ref := r.Header.Get("Referer"); ref != "" {
		return !sameHost(ref, r.Host)
	}
	return r.Header.Get("Sec-Fetch-Site") == "cross-site"
}

func sameHost(rawURL, host string) bool {
	u, err := url.Parse(rawURL)
	return err == nil && u.Host != "" && strings.EqualFold(u.Host, host)
}

// crossSiteRefusal explains a refused cross-site POST in plain words.
const crossSiteRefusal = "Comments can only be sent from this site's own pages. The form you used is on another site, " +
	"so your comment was not accepted. Open the post on this site and comment there."
