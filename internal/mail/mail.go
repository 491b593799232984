// Package mail sends Salon's email: it owns the SMTP settings, the connection to the server (through go-mail), and
// the one message layout every notification uses, rendered from embedded templates as a plain-text part and an
// HTML part. It knows nothing of who gets what (package notify decides that).
package mail

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/salon-blog/salon/internal/blog"
)

// TLS modes for the connection to the SMTP server.
const (
	TLSNone     = "none"     // plain text, for a relay on the same machine or a test server
	TLSStartTLS = "starttls" // upgrade the connection with STARTTLS, refusing a server that does not offer it
	TLSImplicit = "tls"      // TLS from the first byte (SMTPS, usually port 465)
)

// Config is how to reach the SMTP server. Without a Host, mail is off.
type Config struct {
	Host     string
	Port     int // 0: 25 for none, 587 for starttls, 465 for tls
	Username string
	Password string
	TLS      string // TLSNone, TLSStartTLS or TLSImplicit
	From     string // the sender address, "Name <address>" or a bare address
	// Timeout bounds one delivery (connecting, talking, sending); zero means 30 seconds.
	Timeout time.Duration
}

// Enabled reports whether mail is configured.
func (c Config) Enabled() bool { return c.Host != "" }

// Check validates the settings, naming the flag to fix.
func (c Config) Check() error {
	if !c.Enabled() {
		return nil
	}
	switch c.TLS {
	case TLSNone, TLSStartTLS, TLSImplicit:
	default:
		return blog.Errorf(blog.EINVALID, "--smtp-tls %q: use none, starttls or tls", c.TLS)
	}
	if c.Port < 0 || c.Port > 65535 {
		return blog.Errorf(blog.EINVALID, "--smtp-port %d is not a port number", c.Port)
	}
	if c.From == "" {
		return blog.Errorf(blog.EINVALID, "--mail-from is required when --smtp-host is set: the address emails come from")
	}
	if err := gomail.NewMsg().From(c.From); err != nil {
		return blog.Errorf(blog.EINVALID, "--mail-from %q is not an email address", c.From)
	}
	return nil
}

// Message is one email ready to send.
type Message struct {
	To      string
	Subject string
	Text    string
	HTML    string
	// Unsubscribe, when set, is the address of a one-click unsubscribe (RFC 8058): it becomes the
	// List-Unsubscribe header, with List-Unsubscribe-Post saying that a POST there unsubscribes.
	Unsubscribe string
}

// Sender delivers messages.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// SMTP delivers messages to an SMTP server, one connection per message.
type SMTP struct {
	cfg Config
}

// NewSMTP checks the settings and returns a sender; it does not connect.
func NewSMTP(cfg Config) (*SMTP, error) {
	if !cfg.Enabled() {
		return nil, errors.New("mail: no SMTP host configured")
	}
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 30 * time.Second
	}
	return &SMTP{cfg: cfg}, nil
}

// Send delivers m. A refusal or an unreachable server is an error worth retrying later.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	msg, err := s.build(m)
	if err != nil {
		return err
	}
	c, err := s.client()
	if err != nil {
		return err
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("mail: send to %s via %s: %w", m.To, s.cfg.Host, err)
	}
	return nil
}

func (s *SMTP) build(m Message) (*gomail.Msg, error) {
	msg := gomail.NewMsg()
	if err := msg.From(s.cfg.From); err != nil {
		return nil, fmt.Errorf("mail: sender %q: %w", s.cfg.From, err)
	}
	if err := msg.To(m.To); err != nil {
		return nil, blog.Errorf(blog.EINVALID, "%q is not an email address", m.To)
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	msg.SetMessageID()
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	if m.Unsubscribe != "" {
		msg.SetGenHeaderPreformatted(gomail.Header("List-Unsubscribe"), "<"+m.Unsubscribe+">")
		msg.SetGenHeaderPreformatted(gomail.Header("List-Unsubscribe-Post"), "List-Unsubscribe=One-Click")
	}
	msg.SetGenHeaderPreformatted(gomail.Header("Auto-Submitted"), "auto-generated")
	return msg, nil
}

func (s *SMTP) client() (*gomail.Client, error) {
	opts := []gomail.Option{gomail.WithTimeout(s.cfg.Timeout)}
	port := s.cfg.Port
	switch s.cfg.TLS {
	case TLSNone:
		opts, port = append(opts, gomail.WithTLSPolicy(gomail.NoTLS)), or(port, 25)
	case TLSStartTLS:
		opts, port = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory)), or(port, 587)
	case TLSImplicit:
		opts, port = append(opts, gomail.WithSSL()), or(port, 465)
	}
	opts = append(opts, gomail.WithPort(port))
	if s.cfg.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover), gomail.WithUsername(s.cfg.Username), gomail.WithPassword(s.cfg.Password))
	}
	c, err := gomail.NewClient(s.cfg.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("mail: %w", err)
	}
	return c, nil
}

func or(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

// Describe is the settings in words for the admin area, never with the password.
func (c Config) Describe() string {
	if !c.Enabled() {
		return "off"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s port %d (%s), from %s", c.Host, c.Port, c.TLS, c.From)
	if c.Username != "" {
		fmt.Fprintf(&b, ", signing in as %s", c.Username)
	}
	return b.String()
}
