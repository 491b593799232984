package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/salon-blog/salon/internal/blog"
)

const userColumns = `id, email, name, slug, role, password_hash, created_at`

// userColumnsOf is userColumns qualified by a table alias, for joins.
func userColumnsOf(alias string) string {
	return alias + ".id, " + alias + ".email, " + alias + ".name, " + alias + ".slug, " + alias + ".role, " +
		alias + ".password_hash, " + alias + ".created_at"
}

func scanUser(row interface{ Scan(...any) error }) (blog.User, error) {
	var u blog.User
	err := row.Scan(&u.ID, &u.Email, &u.Name, &u.Slug, &u.Role, &u.PasswordHash, &u.Created)
	u.Created = u.Created.UTC()
	return u, err
}

// CreateUser stores a new user and sets its ID and Created time. An email already in use is a conflict; a slug
// already in use gets a numeric suffix, since two writers may share a name.
func (s *Store) CreateUser(ctx context.Context, u *blog.User) error {
	u.Created = s.now()
	proposal := u.Slug
	return s.inNamingTx(ctx, func(tx *sql.Tx) error {
		var exists bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE email = $1)`, u.Email).Scan(&exists); err != nil {
			return fmt.Errorf("create user %s: %w", u.Email, err)
		}
		if exists {
			return blog.Errorf(blog.ECONFLICT, "a user with the email %s exists already", u.Email)
		}
		slug, err := freeSlug(ctx, tx, `SELECT EXISTS (SELECT 1 FROM users WHERE slug = $1)`, proposal)
		if err != nil {
			return fmt.Errorf("create user %s: %w", u.Email, err)
		}
		u.Slug = slug
		err = tx.QueryRowContext(ctx, `INSERT INTO users (email, name, slug, role, password_hash, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			u.Email, u.Name, u.Slug, u.Role, u.PasswordHash, u.Created).Scan(&u.ID)
		if isUniqueViolation(err) && errorMentions(err, "email") { // another process added the same user meanwhile
			return blog.Errorf(blog.ECONFLICT, "a user with the email %s exists already", u.Email)
		}
		if err != nil {
			return fmt.Errorf("create user %s: %w", u.Email, err)
		}
		return nil
	})
}

// freeSlug returns want, or want-2, want-3, … whichever the exists query (one $1 parameter) says is unused.
func freeSlug(ctx context.Context, tx *sql.Tx, exists, want string) (string, error) {
	for n := 1; ; n++ {
		candidate := want
		if n > 1 {
			candidate = want + "-" + strconv.Itoa(n)
		}
		var taken bool
		if err := tx.QueryRowContext(ctx, exists, candidate).Scan(&taken); err != nil {
			return "", fmt.Errorf("check slug %q: %w", candidate, err)
		}
		if !taken {
			return candidate, nil
		}
	}
}

// Users lists every user, oldest first.
func (s *Store) Users(ctx context.Context) ([]blog.User, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var users []blog.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("list users: %w", err)
		}
		users = append(users, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return users, nil
}

// UserByEmail finds a user by their (normalized) email.
func (s *Store) UserByEmail(ctx context.Context, email string) (blog.User, error) {
	return s.userWhere(ctx, "email = $1", email, "with the email "+email)
}

// UserBySlug finds the author of an author archive.
func (s *Store) UserBySlug(ctx context.Context, slug string) (blog.User, error) {
	return s.userWhere(ctx, "slug = $1", slug, "at /author/"+slug+"/")
}

// FirstAdmin returns the oldest administrator: the author of posts added without naming one.
func (s *Store) FirstAdmin(ctx context.Context) (blog.User, error) {
	return s.userWhere(ctx, "role = $1", string(blog.RoleAdmin), "with the admin role")
}

func (s *Store) userWhere(ctx context.Context, cond string, arg any, what string) (blog.User, error) {
	u, err := scanUser(s.read.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE `+cond+` ORDER BY id LIMIT 1`, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return u, blog.Errorf(blog.ENOTFOUND, "there is no user %s", what)
	}
	if err != nil {
		return u, fmt.Errorf("find user %s: %w", what, err)
	}
	return u, nil
}

// UserByID finds a user by ID.
func (s *Store) UserByID(ctx context.Context, id int64) (blog.User, error) {
	return s.userWhere(ctx, "id = $1", id, fmt.Sprint(id))
}
