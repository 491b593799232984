package store_test

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/store"
)

var tokenShape = regexp.MustCompile(`^salon_[0-9a-f]{64}$`)

func TestTokens(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		s, db := newStoreDB(t)
		ctx := t.Context()
		now := t0
		s.Now = func() time.Time { return now }
		ann := createUser(t, s, "Ann", blog.RoleAdmin)
		bob := createUser(t, s, "Bob", blog.RoleAuthor)

		deploy, secret, err := s.CreateToken(ctx, ann.ID, "  deploy script ")
		if err != nil {
			t.Fatalf("CreateToken error: %v", err)
		}
		if !tokenShape.MatchString(secret) {
			t.Errorf("CreateToken secret = %q; want salon_ and 64 hex digits", secret)
		}
		want := store.Token{ID: deploy.ID, UserID: ann.ID, UserName: "Ann", UserEmail: "ann@example.com", Name: "deploy script", Created: t0}
		if diff := cmp.Diff(want, deploy); diff != "" {
			t.Errorf("CreateToken (-want +got):\n%s", diff)
		}
		// Only the SHA-256 of the secret is stored.
		var stored string
		if err := db.QueryRowContext(ctx, "SELECT token_hash FROM api_tokens WHERE id = $1", deploy.ID).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256([]byte(secret))
		if stored != hex.EncodeToString(sum[:]) || strings.Contains(stored, strings.TrimPrefix(secret, "salon_")) {
			t.Errorf("stored token_hash = %q; want the SHA-256 of the secret", stored)
		}

		_, other, err := s.CreateToken(ctx, ann.ID, "laptop")
		if err != nil || other == secret {
			t.Fatalf("second CreateToken = %q, %v; want a different secret", other, err)
		}
		if _, _, err := s.CreateToken(ctx, bob.ID, "deploy script"); err != nil {
			t.Errorf("another user's token with the same name: %v", err)
		}

		u, err := s.TokenUser(ctx, secret)
		if err != nil || u.ID != ann.ID || u.Role != blog.RoleAdmin || u.Email != ann.Email {
			t.Fatalf("TokenUser = %+v, %v; want Ann", u, err)
		}
		got, err := s.Token(ctx, deploy.ID)
		if err != nil || !got.LastUsed.Equal(t0) || !got.Revoked.IsZero() {
			t.Errorf("after use Token = %+v, %v; want last used at t0, live", got, err)
		}
		// Use within a minute is not written again; later use is.
		now = t0.Add(30 * time.Second)
		if _, err := s.TokenUser(ctx, secret); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Token(ctx, deploy.ID); !got.LastUsed.Equal(t0) {
			t.Errorf("last used after a second use 30s later = %v; want t0 still", got.LastUsed)
		}
		now = t0.Add(2 * time.Minute)
		if _, err := s.TokenUser(ctx, secret); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Token(ctx, deploy.ID); !got.LastUsed.Equal(now) {
			t.Errorf("last used after a use 2 minutes later = %v; want %v", got.LastUsed, now)
		}

		for _, bad := range []string{"", "salon_", "salon_" + strings.Repeat("0", 64), strings.TrimPrefix(secret, "salon_"), secret + "x", strings.ToUpper(secret)} {
			_, err := s.TokenUser(ctx, bad)
			wantCode(t, "TokenUser("+bad+")", err, blog.ENOTFOUND)
		}

		mine, err := s.Tokens(ctx, ann.ID)
		if err != nil || len(mine) != 2 || mine[0].Name != "deploy script" || mine[1].Name != "laptop" {
			t.Errorf("Tokens(ann) = %+v, %v; want deploy script and laptop, oldest first", mine, err)
		}
		all, err := s.Tokens(ctx, 0)
		if err != nil || len(all) != 3 || all[2].UserEmail != bob.Email {
			t.Errorf("Tokens(0) = %+v, %v; want all three", all, err)
		}

		now = t0.Add(time.Hour)
		if err := s.RevokeToken(ctx, deploy.ID); err != nil {
			t.Fatalf("RevokeToken error: %v", err)
		}
		_, err = s.TokenUser(ctx, secret)
		wantCode(t, "TokenUser(revoked)", err, blog.ENOTFOUND)
		now = t0.Add(2 * time.Hour)
		if err := s.RevokeToken(ctx, deploy.ID); err != nil {
			t.Errorf("revoking a revoked token: %v; want nil", err)
		}
		if got, _ := s.Token(ctx, deploy.ID); !got.Revoked.Equal(t0.Add(time.Hour)) {
			t.Errorf("revoked at = %v; want the first revocation, t0+1h", got.Revoked)
		}
		if _, err := s.TokenUser(ctx, other); err != nil {
			t.Errorf("revoking one token stopped another: %v", err)
		}
		// A revoked token's name is free again.
		if _, _, err := s.CreateToken(ctx, ann.ID, "deploy script"); err != nil {
			t.Errorf("reusing a revoked token's name: %v", err)
		}

		wantCode(t, "RevokeToken(99)", s.RevokeToken(ctx, 99), blog.ENOTFOUND)
		_, err = s.Token(ctx, 99)
		wantCode(t, "Token(99)", err, blog.ENOTFOUND)
	})
}

func TestCreateTokenRefusals(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		s, db := newStoreDB(t)
		ctx := t.Context()
		ann := createUser(t, s, "Ann", blog.RoleAdmin)
		if _, _, err := s.CreateToken(ctx, ann.ID, "ci"); err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct {
			user int64
			name string
			code string
		}{
			{ann.ID, "", blog.EINVALID},
			{ann.ID, "   ", blog.EINVALID},
			{ann.ID, strings.Repeat("n", store.MaxTokenNameLen+1), blog.EINVALID},
			{ann.ID, "bad \xff", blog.EINVALID},
			{ann.ID, "ci", blog.ECONFLICT},
			{ann.ID, " ci ", blog.ECONFLICT},
			{999, "ci", blog.ENOTFOUND},
		} {
			_, secret, err := s.CreateToken(ctx, tt.user, tt.name)
			wantCode(t, "CreateToken("+tt.name+")", err, tt.code)
			if secret != "" {
				t.Errorf("refused CreateToken(%q) returned a secret", tt.name)
			}
		}
		if n := count(t, db, "api_tokens"); n != 1 {
			t.Errorf("api_tokens = %d rows after refusals; want 1", n)
		}
		if _, _, err := s.CreateToken(ctx, ann.ID, strings.Repeat("é", store.MaxTokenNameLen)); err != nil {
			t.Errorf("a name of exactly %d characters: %v", store.MaxTokenNameLen, err)
		}
	})
}

// A token acts with its user's role as it is now, not as it was when the token was made.
func TestTokenActsWithCurrentRole(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		s, db := newStoreDB(t)
		ctx := t.Context()
		bob := createUser(t, s, "Bob", blog.RoleEditor)
		_, secret, err := s.CreateToken(ctx, bob.ID, "script")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, "UPDATE users SET role = 'contributor' WHERE id = $1", bob.ID); err != nil {
			t.Fatal(err)
		}
		if u, err := s.TokenUser(ctx, secret); err != nil || u.Role != blog.RoleContributor {
			t.Errorf("TokenUser after a role change = %s, %v; want contributor", u.Role, err)
		}
	})
}
