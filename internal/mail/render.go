package mail

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	texttemplate "text/template"
)

//go:embed templates
var templates embed.FS

// Notice is what every Salon email says: a heading, a few lines, the comments concerned, the actions a recipient
// may take, and, for readers' subscriptions, how to stop them. Texts are plain; CommentItem.HTML must already be
// sanitized (it is the comment as the site shows it).
type Notice struct {
	SiteName    string
	SiteURL     string
	Subject     string
	Heading     string
	Lines       []string
	Comments    []CommentItem
	Actions     []Link
	Unsubscribe string // a visible unsubscribe link; also the List-Unsubscribe header
	Manage      string // the page listing every subscription of the address
	Footer      string
}

// CommentItem is one comment in an email.
type CommentItem struct {
	Author string
	When   string
	Text   string            // the comment as plain text
	HTML   htmltemplate.HTML // the comment as sanitized HTML
	Link   string
}

// Link is a labelled address.
type Link struct {
	Label string
	URL   string
}

// Renderer turns notices into messages with the embedded templates, parsed once.
type Renderer struct {
	text *texttemplate.Template
	html *htmltemplate.Template
}

// NewRenderer parses the templates; a broken template fails here.
func NewRenderer() (*Renderer, error) {
	t, err := texttemplate.ParseFS(templates, "templates/notice.txt")
	if err != nil {
		return nil, fmt.Errorf("mail: parse text template: %w", err)
	}
	h, err := htmltemplate.ParseFS(templates, "templates/notice.html")
	if err != nil {
		return nil, fmt.Errorf("mail: parse HTML template: %w", err)
	}
	r := &Renderer{text: t, html: h}
	if _, err := r.Render("x@example.com", Notice{Comments: []CommentItem{{}}, Actions: []Link{{}}, Unsubscribe: "u", Manage: "m"}); err != nil {
		return nil, err
	}
	return r, nil
}

// Render builds the message of a notice for one recipient.
func (r *Renderer) Render(to string, n Notice) (Message, error) {
	var tb, hb bytes.Buffer
	if err := r.text.Execute(&tb, n); err != nil {
		return Message{}, fmt.Errorf("mail: render text: %w", err)
	}
	if err := r.html.Execute(&hb, n); err != nil {
		return Message{}, fmt.Errorf("mail: render HTML: %w", err)
	}
	return Message{To: to, Subject: n.Subject, Text: tb.String(), HTML: hb.String(), Unsubscribe: n.Unsubscribe}, nil
}
