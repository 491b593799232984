package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/salon-blog/salon/internal/blog"
)

// Token is a named API token, as lists show it: never its secret, which exists only in the answer to CreateToken.
type Token struct {
	ID        int64
	UserID    int64
	UserName  string
	UserEmail string
	Name      string
	Created   time.Time
	LastUsed  time.Time // zero: never used
	Revoked   time.Time // zero: live
}

// TokenPrefix starts every API token, so that a token pasted into the wrong place is recognisable (and secret
// scanners can find one committed by mistake).
const TokenPrefix = "salon_"

// MaxTokenNameLen bounds a token's name.
const MaxTokenNameLen = 100

// tokenUseResolution is how stale last_used_at may get: recording every request would make each API call a write.
const tokenUseResolution = time.Minute

// hashAPIToken is what the database keeps of a token: enough to recognise it, useless to authenticate with.
func hashAPIToken(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

const tokenColumns = `t.id, t.user_id, u.name, u.email, t.name, t.created_at, t.last_used_at, t.revoked_at`

func scanToken(row interface{ Scan(...any) error }) (Token, error) {
	var t Token
	var used, revoked sql.NullTime
	err := row.Scan(&t.ID, &t.UserID, &t.UserName, &t.UserEmail, &t.Name, &t.Created, &used, &revoked)
	t.Created = t.Created.UTC()
	if used.Valid {
		t.LastUsed = used.Time.UTC()
	}
	if revoked.Valid {
		t.Revoked = revoked.Time.UTC()
	}
	return t, err
}

// CreateToken makes a new API token for a user and returns it with its secret: "salon_" and 64 hex digits from 32
// random bytes. Only a hash of the secret is stored, so this is the one chance to show it. A user's live tokens
// have distinct names (a conflict otherwise), so that a list says which is which.
func (s *Store) CreateToken(ctx context.Context, userID int64, name string) (Token, string, error) {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return Token{}, "", blog.Errorf(blog.EINVALID, "a token needs a name that says where it is used, such as \"deploy script\"")
	case !utf8.ValidString(name):
		return Token{}, "", blog.Errorf(blog.EINVALID, "the token's name is not valid UTF-8")
	case utf8.RuneCountInString(name) > MaxTokenNameLen:
		return Token{}, "", blog.Errorf(blog.EINVALID, "the token's name is longer than %d characters", MaxTokenNameLen)
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return Token{}, "", fmt.Errorf("make API token: %w", err)
	}
	secret := TokenPrefix + hex.EncodeToString(raw)
	t := Token{UserID: userID, Name: name, Created: s.now()}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT name, email FROM users WHERE id = $1`, userID).Scan(&t.UserName, &t.UserEmail)
		if errors.Is(err, sql.ErrNoRows) {
			return blog.Errorf(blog.ENOTFOUND, "there is no user %d", userID)
		}
		if err != nil {
			return fmt.Errorf("create API token for user %d: %w", userID, err)
		}
		var taken bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM api_tokens WHERE user_id = $1 AND name = $2 AND revoked_at IS NULL)`,
			userID, name).Scan(&taken); err != nil {
			return fmt.Errorf("create API token for user %d: %w", userID, err)
		}
		if taken {
			return blog.Errorf(blog.ECONFLICT, "%s already has a token named %q: choose another name, or revoke that one first", t.UserEmail, name)
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
			userID, name, hashAPIToken(secret), t.Created).Scan(&t.ID)
		if err != nil {
			return fmt.Errorf("create API token for user %d: %w", userID, err)
		}
		return nil
	})
	if err != nil {
		return Token{}, "", err
	}
	return t, secret, nil
}

// TokenUser returns the user a live token belongs to, with their current role, and notes that the token was used.
// A malformed, unknown or revoked token is ENOTFOUND, with one message for all three.
func (s *Store) TokenUser(ctx context.Context, secret string) (blog.User, error) {
	invalid := blog.Errorf(blog.ENOTFOUND, "the API token is not valid: it may have been revoked")
	if !strings.HasPrefix(secret, TokenPrefix) {
		return blog.User{}, invalid
	}
	var id int64
	var used sql.NullTime
	u, err := scanUser(scanAlso{s.read.QueryRowContext(ctx, `SELECT `+userColumnsOf("u")+`, t.id, t.last_used_at
		FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1 AND t.revoked_at IS NULL`, hashAPIToken(secret)), []any{&id, &used}})
	if errors.Is(err, sql.ErrNoRows) {
		return blog.User{}, invalid
	}
	if err != nil {
		return blog.User{}, fmt.Errorf("find API token: %w", err)
	}
	now := s.now()
	if !used.Valid || now.Sub(used.Time) >= tokenUseResolution {
		if _, err := s.write.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2`, now, id); err != nil {
			return blog.User{}, fmt.Errorf("note use of API token %d: %w", id, err)
		}
	}
	return u, nil
}

// scanAlso scans a row into a user's columns followed by extra destinations.
type scanAlso struct {
	row   *sql.Row
	extra []any
}

func (r scanAlso) Scan(dest ...any) error { return r.row.Scan(append(dest, r.extra...)...) }

// Tokens lists API tokens, live and revoked, oldest first: one user's, or with userID 0 everyone's.
func (s *Store) Tokens(ctx context.Context, userID int64) ([]Token, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+tokenColumns+` FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE $1 = 0 OR t.user_id = $1 ORDER BY t.id`, userID)
	if err != nil {
		return nil, fmt.Errorf("list API tokens: %w", err)
	}
	defer rows.Close()
	var out []Token
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, fmt.Errorf("list API tokens: %w", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list API tokens: %w", err)
	}
	return out, nil
}

// Token finds an API token by ID, live or revoked.
func (s *Store) Token(ctx context.Context, id int64) (Token, error) {
	t, err := scanToken(s.read.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return t, blog.Errorf(blog.ENOTFOUND, "there is no API token %d", id)
	}
	if err != nil {
		return t, fmt.Errorf("find API token %d: %w", id, err)
	}
	return t, nil
}

// RevokeToken stops a token from working at once, in every process of the site. Revoking a revoked token changes
// nothing (it keeps the time it was first revoked); an unknown ID is ENOTFOUND.
func (s *Store) RevokeToken(ctx context.Context, id int64) error {
	res, err := s.write.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2`, s.now(), id)
	if err != nil {
		return fmt.Errorf("revoke API token %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("revoke API token %d: %w", id, err)
	}
	if n == 0 {
		return blog.Errorf(blog.ENOTFOUND, "there is no API token %d", id)
	}
	return nil
}
