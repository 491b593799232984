package notify

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/salon-blog/salon/internal/blog"
)

// Token purposes. A token signed for one purpose is refused for another.
const (
	PurposeConfirm     = "confirm"     // confirms a subscription: ID is the subscription, Subject its address
	PurposeUnsubscribe = "unsubscribe" // ends a subscription: ID is the subscription, Subject its address
	PurposeManage      = "manage"      // lists and ends every subscription of Subject
	PurposeModerate    = "moderate"    // a moderation link: ID is the comment, Subject the action
)

// How long links in emails work.
const (
	ConfirmTTL     = 7 * 24 * time.Hour
	UnsubscribeTTL = 365 * 24 * time.Hour
	ManageTTL      = 30 * 24 * time.Hour
	ModerateTTL    = 14 * 24 * time.Hour
)

// Signer makes and checks the signed tokens in emailed links, so that a link needs no sign-in and cannot be forged
// or changed. The key is the site's (store.SiteKey), shared by every process.
type Signer struct {
	Key []byte
	Now func() time.Time
}

// Claim is what a valid token says.
type Claim struct {
	ID      int64
	Subject string
}

// Sign makes a token for purpose, valid for ttl.
func (s Signer) Sign(purpose string, id int64, subject string, ttl time.Duration) string {
	payload := strings.Join([]string{purpose, strconv.FormatInt(id, 10), strconv.FormatInt(s.Now().Add(ttl).Unix(), 10), subject}, "\n")
	enc := base64.RawURLEncoding.EncodeToString([]byte(payload))
	return enc + "." + base64.RawURLEncoding.EncodeToString(s.mac(enc))
}

func (s Signer) mac(enc string) []byte {
	m := hmac.New(sha256.New, s.Key)
	m.Write([]byte("salon-notify\n" + enc))
	return m.Sum(nil)[:18]
}

// Verify checks a token for purpose. A forged, altered or misused token and an expired one are EINVALID errors
// whose message a reader may be shown.
func (s Signer) Verify(token, purpose string) (Claim, error) {
	bad := blog.Errorf(blog.EINVALID, "This link is not valid: it may have been cut short when it was copied. Nothing was changed.")
	enc, sig, ok := strings.Cut(token, ".")
	if !ok {
		return Claim{}, bad
	}
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(got, s.mac(enc)) {
		return Claim{}, bad
	}
	raw, err := base64.RawURLEncoding.DecodeString(enc)
	if err != nil {
		return Claim{}, bad
	}
	parts := strings.SplitN(string(raw), "\n", 4)
	if len(parts) != 4 || parts[0] != purpose {
		return Claim{}, bad
	}
	id, err1 := strconv.ParseInt(parts[1], 10, 64)
	exp, err2 := strconv.ParseInt(parts[2], 10, 64)
	if err1 != nil || err2 != nil {
		return Claim{}, bad
	}
	if s.Now().Unix() > exp {
		return Claim{}, blog.Errorf(blog.EINVALID, "This link has expired. Nothing was changed.")
	}
	return Claim{ID: id, Subject: parts[3]}, nil
}
