package web

import (
	"net/http"
	"time"
)

// privacyPath is the public page that says what the site keeps about readers and commenters, with the numbers
// of the site's own settings. It is not /privacy/, which a writer's own page may already use.
const privacyPath = "/privacy-policy/"

// privacyPage is that page, with the form of a commenter's own privacy request (privacy_request.go).
type privacyPage struct {
	basePage
	IPDays          int
	TrashDays       int
	EditMinutes     int
	Gravatar        bool
	OwnCommentsDays int
	RememberDays    int
	SessionDays     int
	Moderated       bool // comment_moderation or first comments held: an email address lets moderators recognise a commenter
	MailOn          bool // the request form is offered; else requests go to the site's owner
	LinkHours       int
	RequestPath     string
	RequestEmail    string
	RequestError    string
}

func (s *Server) privacyPolicy(w http.ResponseWriter, r *http.Request) error {
	page, err := s.privacyPolicyPage(r)
	if err != nil {
		return err
	}
	return s.views.render(w, http.StatusOK, "privacy", page)
}

func (s *Server) privacyPolicyPage(r *http.Request) (*privacyPage, error) {
	req, err := s.newRequest(r, route{})
	if err != nil {
		return nil, err
	}
	d := req.settings.Discussion
	page := &privacyPage{IPDays: d.IPRetentionDays, TrashDays: d.TrashRetentionDays, EditMinutes: d.EditWindowMinutes,
		Gravatar: d.Gravatar, OwnCommentsDays: int(mineLifetime / (24 * time.Hour)), RememberDays: 365,
		SessionDays: int(sessionLifetime / (24 * time.Hour)), Moderated: d.HoldAll || d.TrustApproved,
		MailOn: s.privacyMailOn(), LinkHours: int(privacyLinkTTL / time.Hour), RequestPath: privacyRequestPath}
	if err := s.fillBase(r.Context(), req, &page.basePage, privacyPath); err != nil {
		return nil, err
	}
	page.Head.Title = "Privacy – " + req.settings.Title
	return page, nil
}
