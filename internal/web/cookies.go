package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// signer signs cookie values with the site's key, so that a reader cannot claim comments that are not theirs.
type signer struct{ key []byte }

func (s signer) mac(purpose, value string) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(purpose + "\x00" + value))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func (s signer) sign(purpose, value string) string { return value + "." + s.mac(purpose, value) }

func (s signer) verify(purpose, signed string) (string, bool) {
	i := strings.LastIndexByte(signed, '.')
	if i < 0 {
		return "", false
	}
	value, sig := signed[:i], signed[i+1:]
	return value, hmac.Equal([]byte(sig), []byte(s.mac(purpose, value)))
}

// ownComment is a comment this browser wrote: it may see it while held and edit it for a while.
type ownComment struct {
	ID      int64
	Created time.Time
}

const (
	mineCookie    = "salon_mine"
	mineMax       = 20                  // the newest comments a browser remembers as its own
	mineLifetime  = 30 * 24 * time.Hour // how long a held comment stays visible to its author
	commenterName = "salon_commenter"   // name, email and website, kept only when the reader asks
)

// ownComments reads the browser's own comments from its signed cookie; a forged or damaged cookie counts as none.
func (s signer) ownComments(r *http.Request, now time.Time) []ownComment {
	c, err := r.Cookie(mineCookie)
	if err != nil {
		return nil
	}
	value, ok := s.verify(mineCookie, c.Value)
	if !ok {
		return nil
	}
	var out []ownComment
	for _, entry := range strings.Split(value, "~") {
		idText, createdText, _ := strings.Cut(entry, "-")
		id, err1 := strconv.ParseInt(idText, 10, 64)
		created, err2 := strconv.ParseInt(createdText, 10, 64)
		if err1 != nil || err2 != nil {
			continue
		}
		if t := time.Unix(created, 0).UTC(); now.Sub(t) < mineLifetime {
			out = append(out, ownComment{ID: id, Created: t})
		}
	}
	return out
}

// addOwnComment remembers a new comment as this browser's.
func (s signer) addOwnComment(w http.ResponseWriter, r *http.Request, c ownComment, secure bool) {
	own := append(s.ownComments(r, c.Created), c)
	if len(own) > mineMax {
		own = own[len(own)-mineMax:]
	}
	parts := make([]string, len(own))
	for i, o := range own {
		parts[i] = strconv.FormatInt(o.ID, 10) + "-" + strconv.FormatInt(o.Created.Unix(), 10)
	}
	http.SetCookie(w, &http.Cookie{
		Name: mineCookie, Value: s.sign(mineCookie, strings.Join(parts, "~")), Path: "/",
		MaxAge: int(mineLifetime / time.Second), HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode,
	})
}

// commenter is what the "Save my name, email, and website" box keeps.
type commenter struct{ Name, Email, URL string }

func readCommenter(r *http.Request) commenter {
	c, err := r.Cookie(commenterName)
	if err != nil {
		return commenter{}
	}
	q, err := url.ParseQuery(c.Value)
	if err != nil {
		return commenter{}
	}
	return commenter{Name: q.Get("n"), Email: q.Get("e"), URL: q.Get("u")}
}

// rememberCommenter keeps the reader's details for a year when they ticked the box, and forgets them otherwise:
// no cookie is set for a reader who did not ask.
func rememberCommenter(w http.ResponseWriter, r *http.Request, c commenter, remember, secure bool) {
	if !remember {
		if _, err := r.Cookie(commenterName); err == nil {
			http.SetCookie(w, &http.Cookie{Name: commenterName, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode})
		}
		return
	}
	v := url.Values{"n": {c.Name}, "e": {c.Email}, "u": {c.URL}}
	http.SetCookie(w, &http.Cookie{
		Name: commenterName, Value: v.Encode(), Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode,
	})
}
