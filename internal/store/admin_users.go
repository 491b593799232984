package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/salon-blog/salon/internal/blog"
)

// usersLock is the PostgreSQL advisory lock key under which transactions change roles or delete users, so that two
// administrators demoting each other at once cannot both pass the last-administrator check.
const usersLock = 0x5a4c_0002

// lockUsers serializes changes to who is an administrator. SQLite has one writer at a time already.
func (s *Store) lockUsers(ctx context.Context, tx *sql.Tx) error {
	if s.engine != enginePostgres {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, usersLock); err != nil {
		return fmt.Errorf("lock users: %w", err)
	}
	return nil
}

// UserPostCounts returns how many posts and pages each user has written, whatever their status, by user ID; users
// without any are absent.
func (s *Store) UserPostCounts(ctx context.Context) (map[int64]int, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT author_id, count(*) FROM posts GROUP BY author_id`)
	if err != nil {
		return nil, fmt.Errorf("count posts by author: %w", err)
	}
	defer rows.Close()
	counts := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("count posts by author: %w", err)
		}
		counts[id] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count posts by author: %w", err)
	}
	return counts, nil
}

// EditUser saves an administrator's changes to a user's name, email and role; the slug (the author URL) and the
// password stay. An email another user has is a conflict. Demoting the last administrator is refused (ECONFLICT),
// so that a site always has one. A change of role signs the user out everywhere in the same transaction, so that
// no open session keeps powers the user lost.
func (s *Store) EditUser(ctx context.Context, u blog.User) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.lockUsers(ctx, tx); err != nil {
			return err
		}
		old, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, u.ID))
		if errors.Is(err, sql.ErrNoRows) {
			return blog.Errorf(blog.ENOTFOUND, "there is no user %d", u.ID)
		}
		if err != nil {
			return fmt.Errorf("edit user %d: %w", u.ID, err)
		}
		u.Slug = old.Slug
		if err := u.Validate(); err != nil {
			return err
		}
		var taken bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE email = $1 AND id <> $2)`, u.Email, u.ID).Scan(&taken); err != nil {
			return fmt.Errorf("edit user %d: %w", u.ID, err)
		}
		if taken {
			return blog.Errorf(blog.ECONFLICT, "another user has the email %s", u.Email)
		}
		if old.Role == blog.RoleAdmin && u.Role != blog.RoleAdmin {
			if err := keepAnAdmin(ctx, tx, old, "made "+articled(u.Role)); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `UPDATE users SET name = $1, email = $2, role = $3 WHERE id = $4`, u.Name, u.Email, u.Role, u.ID)
		if isUniqueViolation(err) {
			return blog.Errorf(blog.ECONFLICT, "another user has the email %s", u.Email)
		}
		if err != nil {
			return fmt.Errorf("edit user %d: %w", u.ID, err)
		}
		if old.Role != u.Role {
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, u.ID); err != nil {
				return fmt.Errorf("edit user %d: sign out: %w", u.ID, err)
			}
		}
		return nil
	})
}

// DeleteUser deletes a user and gives all their posts and pages to heir, who must be another user. Their sessions
// go with them; their comments stay, no longer linked to an account. Deleting the last administrator is refused
// (ECONFLICT).
func (s *Store) DeleteUser(ctx context.Context, id, heir int64) error {
	if heir == id {
		return blog.Errorf(blog.EINVALID, "choose another user to give the posts to")
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.lockUsers(ctx, tx); err != nil {
			return err
		}
		u, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return blog.Errorf(blog.ENOTFOUND, "there is no user %d", id)
		}
		if err != nil {
			return fmt.Errorf("delete user %d: %w", id, err)
		}
		var heirExists bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE id = $1)`, heir).Scan(&heirExists); err != nil {
			return fmt.Errorf("delete user %d: %w", id, err)
		}
		if !heirExists {
			return blog.Errorf(blog.EINVALID, "choose another user to give the posts to")
		}
		if u.Role == blog.RoleAdmin {
			if err := keepAnAdmin(ctx, tx, u, "deleted"); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE posts SET author_id = $1 WHERE author_id = $2`, heir, id); err != nil {
			return fmt.Errorf("delete user %d: give their posts to user %d: %w", id, heir, err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE media SET uploader_id = $1 WHERE uploader_id = $2`, heir, id); err != nil {
			return fmt.Errorf("delete user %d: give their media to user %d: %w", id, heir, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM users WHERE id = $1`, id); err != nil {
			return fmt.Errorf("delete user %d: %w", id, err)
		}
		return nil
	})
}

// keepAnAdmin refuses to take the administrator role from u when no other user has it.
func keepAnAdmin(ctx context.Context, tx *sql.Tx, u blog.User, what string) error {
	var others int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE role = $1 AND id <> $2`, blog.RoleAdmin, u.ID).Scan(&others); err != nil {
		return fmt.Errorf("count administrators: %w", err)
	}
	if others == 0 {
		return blog.Errorf(blog.ECONFLICT, "%s is the site's only administrator and cannot be %s: make another user an administrator first", u.Name, what)
	}
	return nil
}

// articled is a role with its article: "an editor", "a contributor".
func articled(r blog.Role) string {
	switch r {
	case blog.RoleAdmin, blog.RoleEditor, blog.RoleAuthor:
		return "an " + string(r)
	}
	return "a " + string(r)
}
