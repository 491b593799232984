package web

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"time"

	"github.com/alexedwards/argon2id"

	"github.com/salon-blog/salon/internal/blog"
)

const (
	sessionCookie   = "salon_session"
	sessionLifetime = 14 * 24 * time.Hour
)

// hashToken is what the database keeps of a session token: enough to recognise it, useless to sign in with.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// startSession signs a user in on this browser.
func (s *Server) startSession(ctx context.Context, w http.ResponseWriter, r *http.Request, u blog.User) error {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return err
	}
	token := base64.RawURLEncoding.EncodeToString(raw)
	if err := s.store.CreateSession(ctx, hashToken(token), u.ID, s.now().Add(sessionLifetime)); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: token, Path: "/", MaxAge: int(sessionLifetime / time.Second),
		HttpOnly: true, Secure: clientOf(r).Secure, SameSite: http.SameSiteLaxMode,
	})
	return nil
}

// signedIn returns the user signed in on this browser, if any. Sessions live in the database, so every process of
// the site recognises them.
func (s *Server) signedIn(r *http.Request) (blog.User, string, bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return blog.User{}, "", false
	}
	hash := hashToken(c.Value)
	u, err := s.store.SessionUser(r.Context(), hash)
	if err != nil {
		if blog.ErrorCode(err) != blog.ENOTFOUND {
			s.log.WarnContext(r.Context(), "session lookup failed", "err", err)
		}
		return blog.User{}, "", false
	}
	return u, hash, true
}

func (s *Server) endSession(w http.ResponseWriter, r *http.Request, hash string) error {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: clientOf(r).Secure, SameSite: http.SameSiteLaxMode})
	return s.store.DeleteSession(r.Context(), hash)
}

// csrfToken ties a form to the session that rendered it, so that another site cannot make a signed-in moderator's
// browser act.
func (s *Server) csrfToken(sessionHash string) string {
	return s.signer.mac("csrf", sessionHash)
}

func (s *Server) checkCSRF(r *http.Request, sessionHash string) error {
	if !hmac.Equal([]byte(r.PostFormValue("csrf")), []byte(s.csrfToken(sessionHash))) {
		return blog.Errorf(blog.EFORBIDDEN, "this form has expired; go back, reload the page and try again")
	}
	return nil
}

// hashPassword hashes a new password with the site's argon2id costs, after checking it is acceptable.
func (s *Server) hashPassword(password string) (string, error) {
	if err := blog.ValidatePassword(password); err != nil {
		return "", err
	}
	return argon2id.CreateHash(password, s.passwords)
}
