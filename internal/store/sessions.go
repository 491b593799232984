package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/salon-blog/salon/internal/blog"
)

// CreateSession stores a signed-in session under the hash of its token.
func (s *Store) CreateSession(ctx context.Context, tokenHash string, userID int64, expires time.Time) error {
	_, err := s.write.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
		tokenHash, userID, s.now(), dbTime(expires))
	if err != nil {
		return fmt.Errorf("create session for user %d: %w", userID, err)
	}
	return nil
}

// SessionUser returns the user a live session belongs to; an unknown or expired session is ENOTFOUND.
func (s *Store) SessionUser(ctx context.Context, tokenHash string) (blog.User, error) {
	u, err := scanUser(s.read.QueryRowContext(ctx, `SELECT `+userColumnsOf("u")+` FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.token_hash = $1 AND s.expires_at > $2`, tokenHash, s.now()))
	if errors.Is(err, sql.ErrNoRows) {
		return u, blog.Errorf(blog.ENOTFOUND, "the session has expired; please sign in again")
	}
	if err != nil {
		return u, fmt.Errorf("find session: %w", err)
	}
	return u, nil
}

// DeleteSession signs one session out.
func (s *Store) DeleteSession(ctx context.Context, tokenHash string) error {
	if _, err := s.write.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, tokenHash); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// DeleteUserSessions signs a user out everywhere.
func (s *Store) DeleteUserSessions(ctx context.Context, userID int64) error {
	if _, err := s.write.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID); err != nil {
		return fmt.Errorf("delete sessions of user %d: %w", userID, err)
	}
	return nil
}

// SiteKey returns the named secret, creating a random 256-bit one on first use. Every process of a site shares it
// through the database, so a cookie signed by one is accepted by the others.
func (s *Store) SiteKey(ctx context.Context, name string) ([]byte, error) {
	var value string
	err := s.read.QueryRowContext(ctx, `SELECT value FROM site_keys WHERE name = $1`, name).Scan(&value)
	if errors.Is(err, sql.ErrNoRows) {
		fresh := make([]byte, 32)
		if _, err := rand.Read(fresh); err != nil {
			return nil, fmt.Errorf("make site key %s: %w", name, err)
		}
		if _, err := s.write.ExecContext(ctx, `INSERT INTO site_keys (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`,
			name, hex.EncodeToString(fresh)); err != nil {
			return nil, fmt.Errorf("store site key %s: %w", name, err)
		}
		err = s.write.QueryRowContext(ctx, `SELECT value FROM site_keys WHERE name = $1`, name).Scan(&value)
	}
	if err != nil {
		return nil, fmt.Errorf("read site key %s: %w", name, err)
	}
	key, err := hex.DecodeString(value)
	if err != nil {
		return nil, fmt.Errorf("site key %s is damaged: %w", name, err)
	}
	return key, nil
}
