package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/salon-blog/salon/internal/blog"
)

// RecordLoginFailure notes a failed sign-in under each key (an account and an address).
func (s *Store) RecordLoginFailure(ctx context.Context, keys ...string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		for _, k := range keys {
			if _, err := tx.ExecContext(ctx, `INSERT INTO login_failures (key, failed_at) VALUES ($1, $2)`, k, s.now()); err != nil {
				return fmt.Errorf("record failed sign-in: %w", err)
			}
		}
		return nil
	})
}

// LoginFailures counts the failed sign-ins under key since the given time, and returns the latest.
func (s *Store) LoginFailures(ctx context.Context, key string, since time.Time) (int, time.Time, error) {
	var n int
	err := s.read.QueryRowContext(ctx, `SELECT count(*) FROM login_failures WHERE key = $1 AND failed_at >= $2`, key, dbTime(since)).Scan(&n)
	if err != nil || n == 0 {
		return n, time.Time{}, wrapErr("count failed sign-ins", err)
	}
	var last time.Time
	err = s.read.QueryRowContext(ctx, `SELECT failed_at FROM login_failures WHERE key = $1 ORDER BY failed_at DESC LIMIT 1`, key).Scan(&last)
	return n, last.UTC(), wrapErr("count failed sign-ins", err)
}

// ClearLoginFailures forgets the failures under the keys after a successful sign-in.
func (s *Store) ClearLoginFailures(ctx context.Context, keys ...string) error {
	for _, k := range keys {
		if _, err := s.write.ExecContext(ctx, `DELETE FROM login_failures WHERE key = $1`, k); err != nil {
			return fmt.Errorf("clear failed sign-ins: %w", err)
		}
	}
	return nil
}

// PurgeLoginFailures deletes failures older than before.
func (s *Store) PurgeLoginFailures(ctx context.Context, before time.Time) error {
	_, err := s.write.ExecContext(ctx, `DELETE FROM login_failures WHERE failed_at < $1`, dbTime(before))
	return wrapErr("purge failed sign-ins", err)
}

// CreateOneTimeLink stores the hash of a one-time link's token: a password reset for userID, or, with userID 0, the
// link that creates the first administrator.
func (s *Store) CreateOneTimeLink(ctx context.Context, tokenHash string, userID int64, expires time.Time) error {
	_, err := s.write.ExecContext(ctx, `INSERT INTO one_time_links (token_hash, user_id, expires_at) VALUES ($1, $2, $3)`,
		tokenHash, nullID(userID), dbTime(expires))
	return wrapErr("create one-time link", err)
}

// OneTimeLink returns the user a live, unused link is for (0 for a setup link); a used, expired or unknown link is
// ENOTFOUND.
func (s *Store) OneTimeLink(ctx context.Context, tokenHash string) (int64, error) {
	var userID sql.NullInt64
	err := s.read.QueryRowContext(ctx, `SELECT user_id FROM one_time_links WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2`,
		tokenHash, s.now()).Scan(&userID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, blog.Errorf(blog.ENOTFOUND, "this link has expired or has been used already; ask for a new one")
	}
	return userID.Int64, wrapErr("find one-time link", err)
}

// ResetPassword uses a password-reset link: it sets the new hash, marks the link used and signs the user out
// everywhere, in one transaction, so a link works once.
func (s *Store) ResetPassword(ctx context.Context, tokenHash, passwordHash string) (blog.User, error) {
	var u blog.User
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var userID int64
		err := tx.QueryRowContext(ctx, `UPDATE one_time_links SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL
			AND expires_at > $1 AND user_id IS NOT NULL RETURNING user_id`, s.now(), tokenHash).Scan(&userID)
		if errors.Is(err, sql.ErrNoRows) {
			return blog.Errorf(blog.ENOTFOUND, "this link has expired or has been used already; ask for a new one")
		}
		if err != nil {
			return fmt.Errorf("use password reset: %w", err)
		}
		if err := setPassword(ctx, tx, userID, passwordHash); err != nil {
			return err
		}
		u, err = scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, userID))
		return wrapErr("reset password", err)
	})
	return u, err
}

// SetPassword changes a user's password and signs them out everywhere.
func (s *Store) SetPassword(ctx context.Context, userID int64, passwordHash string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error { return setPassword(ctx, tx, userID, passwordHash) })
}

func setPassword(ctx context.Context, tx *sql.Tx, userID int64, passwordHash string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1 WHERE id = $2`, passwordHash, userID); err != nil {
		return fmt.Errorf("set password of user %d: %w", userID, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID); err != nil {
		return fmt.Errorf("sign out user %d: %w", userID, err)
	}
	return nil
}

// CreateFirstAdmin uses the setup link to create the site's first administrator. It refuses once any user exists,
// so a leaked setup link is worthless after setup.
func (s *Store) CreateFirstAdmin(ctx context.Context, tokenHash string, u *blog.User) error {
	u.Role, u.Created = blog.RoleAdmin, s.now()
	return s.inNamingTx(ctx, func(tx *sql.Tx) error {
		var users int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&users); err != nil {
			return fmt.Errorf("count users: %w", err)
		}
		res, err := tx.ExecContext(ctx, `UPDATE one_time_links SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL
			AND expires_at > $1 AND user_id IS NULL`, s.now(), tokenHash)
		if err != nil {
			return fmt.Errorf("use setup link: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 || users > 0 {
			return blog.Errorf(blog.ENOTFOUND, "this setup link has expired or has been used already")
		}
		return tx.QueryRowContext(ctx, `INSERT INTO users (email, name, slug, role, password_hash, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, u.Email, u.Name, u.Slug, u.Role, u.PasswordHash, u.Created).Scan(&u.ID)
	})
}

// CountUsers says how many users the site has; none means it still needs its first administrator.
func (s *Store) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := s.read.QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&n)
	return n, wrapErr("count users", err)
}

// wrapErr adds context to an error, and leaves nil alone.
func wrapErr(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", what, err)
}
