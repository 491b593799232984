package web

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/alexedwards/argon2id"

	"github.com/salon-blog/salon/internal/blog"
)

// Sign-in throttling: after slowAfter failures within failureWindow (for one account or from one address), each
// further attempt waits a little longer; after refuseAfter, attempts are refused until the window has passed since
// the last failure. Counted in the database, so every process of a site sees the same counts.
const (
	failureWindow = 15 * time.Minute
	slowAfter     = 3
	refuseAfter   = 10
	resetLinkLife = 2 * time.Hour
	setupLinkLife = 24 * time.Hour
)

// authStore is what sign-in hardening, password resets, first-admin setup and the profile page need.
type authStore interface {
	RecordLoginFailure(ctx context.Context, keys ...string) error
	LoginFailures(ctx context.Context, key string, since time.Time) (int, time.Time, error)
	ClearLoginFailures(ctx context.Context, keys ...string) error
	CreateOneTimeLink(ctx context.Context, tokenHash string, userID int64, expires time.Time) error
	OneTimeLink(ctx context.Context, tokenHash string) (int64, error)
	ResetPassword(ctx context.Context, tokenHash, passwordHash string) (blog.User, error)
	SetPassword(ctx context.Context, userID int64, passwordHash string) error
	CreateFirstAdmin(ctx context.Context, tokenHash string, u *blog.User) error
	DeleteUserSessions(ctx context.Context, userID int64) error
}

func (s *Server) authRoutes(mux *http.ServeMux) {
	mux.Handle("GET /admin/forgot/{$}", s.page(s.forgotPassword))
	mux.Handle("GET /admin/reset/{token}/{$}", s.page(s.resetPassword))
	mux.Handle("POST /admin/reset/{token}/{$}", s.page(s.resetPassword))
	mux.Handle("GET /admin/setup/{token}/{$}", s.page(s.setup))
	mux.Handle("POST /admin/setup/{token}/{$}", s.page(s.setup))
	mux.Handle("GET /admin/profile/{$}", s.admin(s.profile))
	mux.Handle("POST /admin/profile/password/{$}", s.admin(s.changePassword))
	mux.Handle("POST /admin/profile/signout-all/{$}", s.admin(s.signOutEverywhere))
}

// throttle decides whether a sign-in attempt may proceed: it waits when there were several recent failures, and
// refuses with a sentence saying how long to wait when there were many.
func (s *Server) throttle(ctx context.Context, keys ...string) error {
	worst, last := 0, time.Time{}
	for _, k := range keys {
		n, at, err := s.store.LoginFailures(ctx, k, s.now().Add(-failureWindow))
		if err != nil {
			return err
		}
		if n > worst {
			worst, last = n, at
		}
	}
	if worst >= refuseAfter {
		wait := max(last.Add(failureWindow).Sub(s.now()), time.Minute)
		return blog.Errorf(blog.ETOOMANY, "Too many failed sign-ins for this account or from this address. Please try again in %d minutes.", int(math.Ceil(wait.Minutes())))
	}
	if worst >= slowAfter && s.signInDelay > 0 {
		select {
		case <-time.After(time.Duration(worst-slowAfter+1) * s.signInDelay):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

func failureKeys(email string, r *http.Request) []string {
	return []string{"email:" + email, "ip:" + ipString(clientOf(r))}
}

// newLinkToken makes the secret of a one-time link.
func newLinkToken() (string, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(raw), nil
}

// PasswordResetLink creates a one-time link with which the user sets a new password, valid for two hours.
func PasswordResetLink(ctx context.Context, st interface {
	CreateOneTimeLink(ctx context.Context, tokenHash string, userID int64, expires time.Time) error
}, base string, userID int64, now time.Time) (string, error) {
	token, err := newLinkToken()
	if err != nil {
		return "", err
	}
	if err := st.CreateOneTimeLink(ctx, hashToken(token), userID, now.Add(resetLinkLife)); err != nil {
		return "", err
	}
	return base + "/admin/reset/" + token + "/", nil
}

// SetupLink creates the one-time link that creates a new site's first administrator, valid for a day.
func SetupLink(ctx context.Context, st interface {
	CreateOneTimeLink(ctx context.Context, tokenHash string, userID int64, expires time.Time) error
}, base string, now time.Time) (string, error) {
	token, err := newLinkToken()
	if err != nil {
		return "", err
	}
	if err := st.CreateOneTimeLink(ctx, hashToken(token), 0, now.Add(setupLinkLife)); err != nil {
		return "", err
	}
	return base + "/admin/setup/" + token + "/", nil
}

// accountPage is the forgotten-password, reset, setup and profile pages: a title, a message, and maybe a form.
type accountPage struct {
	adminPage
	Form    string // "reset", "setup", "password", "expired" (a reset link that no longer works) or "" for a message only
	Message string
	Name    string
	Email   string
	Errors  map[string]string
	Done    bool
}

func (s *Server) accountBase(r *http.Request, title string) (adminPage, error) {
	st, err := s.store.Settings(r.Context())
	if err != nil {
		return adminPage{}, err
	}
	return adminPage{SiteTitle: st.Title, Title: title}, nil
}

func (s *Server) forgotPassword(w http.ResponseWriter, r *http.Request) error {
	base, err := s.accountBase(r, "Forgotten password")
	if err != nil {
		return err
	}
	return s.views.render(w, http.StatusOK, "admin/account", &accountPage{adminPage: base,
		Message: "Email is not set up on this site yet, so reset links cannot be sent by mail. Ask an administrator for a reset link; on the server, `salon user reset-link YOUR-EMAIL` prints one."})
}

// newPassword reads and checks the "password" and "password2" fields.
func newPassword(r *http.Request) (string, map[string]string) {
	p, again := r.PostFormValue("password"), r.PostFormValue("password2")
	switch {
	case blog.ValidatePassword(p) != nil:
		return "", map[string]string{"password": blog.ErrorMessage(blog.ValidatePassword(p))}
	case p != again:
		return "", map[string]string{"password2": "The two passwords are not the same."}
	}
	return p, nil
}

func (s *Server) resetPassword(w http.ResponseWriter, r *http.Request) error {
	token := r.PathValue("token")
	base, err := s.accountBase(r, "Choose a new password")
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer") // the token is in the URL
	if _, err := s.store.OneTimeLink(r.Context(), hashToken(token)); blog.ErrorCode(err) == blog.ENOTFOUND {
		// A link used once, or too old: say so, and where to get another, rather than "mistyped".
		base.Title = "This link no longer works"
		return s.views.render(w, http.StatusNotFound, "admin/account", &accountPage{adminPage: base, Form: "expired",
			Message: "This password reset link has been used already or has expired: a link works once, for " +
				strconv.Itoa(int(resetLinkLife.Hours())) + " hours."})
	} else if err != nil {
		return err
	}
	page := &accountPage{adminPage: base, Form: "reset"}
	if r.Method == http.MethodPost {
		r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
		if err := r.ParseForm(); err != nil {
			return bodyError(err, "the form could not be read")
		}
		password, problems := newPassword(r)
		if problems != nil {
			page.Errors = problems
			return s.views.render(w, http.StatusUnprocessableEntity, "admin/account", page)
		}
		hash, err := s.hashPassword(password)
		if err != nil {
			return err
		}
		u, err := s.store.ResetPassword(r.Context(), hashToken(token), hash)
		if err != nil {
			return err
		}
		if err := s.store.ClearLoginFailures(r.Context(), "email:"+u.Email); err != nil {
			return err
		}
		if err := s.startSession(r.Context(), w, r, u); err != nil {
			return err
		}
		http.Redirect(w, r, s.withNotice("/admin/", "Your new password is set."), http.StatusSeeOther)
		return nil
	}
	return s.views.render(w, http.StatusOK, "admin/account", page)
}

func (s *Server) setup(w http.ResponseWriter, r *http.Request) error {
	token := r.PathValue("token")
	base, err := s.accountBase(r, "Create the first administrator")
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	if userID, err := s.store.OneTimeLink(r.Context(), hashToken(token)); err != nil || userID != 0 {
		return blog.Errorf(blog.ENOTFOUND, "this setup link has expired or has been used already")
	}
	page := &accountPage{adminPage: base, Form: "setup"}
	if r.Method != http.MethodPost {
		return s.views.render(w, http.StatusOK, "admin/account", page)
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		return bodyError(err, "the form could not be read")
	}
	u := blog.User{Name: r.PostFormValue("name"), Email: blog.NormalizeEmail(r.PostFormValue("email")), Role: blog.RoleAdmin}
	u.Slug = blog.Slugify(u.Name)
	page.Name, page.Email = u.Name, r.PostFormValue("email")
	password, problems := newPassword(r)
	if err := u.Validate(); err != nil {
		problems = map[string]string{"email": blog.ErrorMessage(err)}
	}
	if problems != nil {
		page.Errors = problems
		return s.views.render(w, http.StatusUnprocessableEntity, "admin/account", page)
	}
	if u.PasswordHash, err = s.hashPassword(password); err != nil {
		return err
	}
	if err := s.store.CreateFirstAdmin(r.Context(), hashToken(token), &u); err != nil {
		return err
	}
	if err := s.startSession(r.Context(), w, r, u); err != nil {
		return err
	}
	s.log.InfoContext(r.Context(), "first administrator created", "user", u.ID)
	http.Redirect(w, r, s.withNotice("/admin/", "Welcome. Your site is ready."), http.StatusSeeOther)
	return nil
}

func (s *Server) profile(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	base, err := s.adminBase(r, a, "Your profile")
	if err != nil {
		return err
	}
	return s.views.render(w, http.StatusOK, "admin/account", &accountPage{adminPage: base, Form: "password", Name: a.user.Name, Email: a.user.Email})
}

// changePassword needs the current password, so that a session left open on a shared computer cannot take the
// account over. Other sessions are signed out; this one stays.
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	base, err := s.adminBase(r, a, "Your profile")
	if err != nil {
		return err
	}
	page := &accountPage{adminPage: base, Form: "password", Name: a.user.Name, Email: a.user.Email}
	ok, err := argon2id.ComparePasswordAndHash(r.PostFormValue("current"), a.user.PasswordHash)
	if err != nil || !ok {
		page.Errors = map[string]string{"current": "That is not your current password."}
		return s.views.render(w, http.StatusUnprocessableEntity, "admin/account", page)
	}
	password, problems := newPassword(r)
	if problems != nil {
		page.Errors = problems
		return s.views.render(w, http.StatusUnprocessableEntity, "admin/account", page)
	}
	hash, err := s.hashPassword(password)
	if err != nil {
		return err
	}
	if err := s.store.SetPassword(r.Context(), a.user.ID, hash); err != nil {
		return err
	}
	a.user.PasswordHash = hash
	if err := s.startSession(r.Context(), w, r, a.user); err != nil {
		return err
	}
	http.Redirect(w, r, s.withNotice("/admin/profile/", "Your password is changed; your other sessions are signed out."), http.StatusSeeOther)
	return nil
}

func (s *Server) signOutEverywhere(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	if err := s.store.DeleteUserSessions(r.Context(), a.user.ID); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: clientOf(r).Secure, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/admin/signin/", http.StatusSeeOther)
	return nil
}
