package privacy

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/mail"
	"github.com/salon-blog/salon/internal/notify"
	"github.com/salon-blog/salon/internal/store"
)

// The emailed link of a self-service request: signed with the notify key (notify.Signer) for Purpose, with the
// normalized address as its subject, valid for LinkTTL. It opens DataPath.
const (
	Purpose  = "privacy"
	LinkTTL  = 24 * time.Hour
	DataPath = "/privacy-policy/data/"
)

// LinkArgs is the job that emails the link to Email. It is queued for every accepted request, whatever the address
// holds, so that the form answers alike and as fast for every address; the job sends nothing to an address under
// which the site holds nothing.
type LinkArgs struct {
	Email string `json:"email"`
}

func (LinkArgs) Kind() string { return "privacy_link_mail" }

// Store is what the link email needs.
type Store interface {
	Settings(ctx context.Context) (blog.Settings, error)
	PersonalData(ctx context.Context, email string) (store.PersonalData, error)
}

// Mailer sends the link emails through the notifier's mail server, templates and signer, read when each job runs
// (the notifier's BaseURL is set once serve listens).
type Mailer struct {
	Store    Store
	Notifier *notify.Notifier
}

// Register adds the link email's worker.
func Register(w *river.Workers, m *Mailer) {
	river.AddWorker(w, river.WorkFunc(m.linkMail))
}

// Link is the address of the data page for the address email, signed by signer.
func Link(base string, signer notify.Signer, email string) string {
	return strings.TrimRight(base, "/") + DataPath + "?" + url.Values{"t": {signer.Sign(Purpose, 0, blog.NormalizeEmail(email), LinkTTL)}}.Encode()
}

func (m *Mailer) linkMail(ctx context.Context, job *river.Job[LinkArgs]) error {
	n := m.Notifier
	if !n.Enabled() {
		return nil // mail was turned off since: the request page told the reader to write to the owner instead
	}
	data, err := m.Store.PersonalData(ctx, job.Args.Email)
	if err != nil {
		return err
	}
	if !Holds(data) {
		n.Logger.InfoContext(ctx, "privacy request for an address with no data: nothing sent")
		return nil
	}
	st, err := m.Store.Settings(ctx)
	if err != nil {
		return err
	}
	base := strings.TrimRight(st.URL, "/")
	if base == "" {
		base = strings.TrimRight(n.BaseURL, "/")
	}
	notice := mail.Notice{SiteName: st.Title, SiteURL: base,
		Subject: fmt.Sprintf("[%s] Your data on %s", st.Title, st.Title),
		Heading: "The data kept under your email address",
		Lines: []string{
			"Someone, probably you, asked " + st.Title + " for the data it keeps under this email address.",
			fmt.Sprintf("The link below shows it, lets you download it, and lets you erase it. It works for %d hours. "+
				"If you did not ask, ignore this email: nothing changes without the link.", int(LinkTTL/time.Hour)),
		},
		Actions: []mail.Link{{Label: "See, download or erase my data", URL: Link(base, n.Signer, data.Email)}},
		Footer:  "You receive this because of a request made on " + st.Title + "'s privacy page.",
	}
	msg, err := n.Renderer.Render(data.Email, notice)
	if err != nil {
		return err
	}
	if err := n.Mail.Send(ctx, msg); err != nil {
		n.Logger.WarnContext(ctx, "privacy link not sent; it will be retried", "error", err)
		return err
	}
	n.Logger.InfoContext(ctx, "privacy link sent")
	return nil
}
