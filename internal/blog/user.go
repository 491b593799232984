package blog

import (
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// Role is what a user may do, as in WordPress.
type Role string

// Roles, from most to least powerful.
const (
	RoleAdmin       Role = "admin"       // everything, including users and settings
	RoleEditor      Role = "editor"      // all posts and all comments
	RoleAuthor      Role = "author"      // publishes own posts and moderates comments on them
	RoleContributor Role = "contributor" // writes drafts and submits them for review; never publishes
)

// Roles lists every role, most powerful first.
var Roles = []Role{RoleAdmin, RoleEditor, RoleAuthor, RoleContributor}

// ParseRole validates a role name given by a user.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles {
		if string(r) == s {
			return r, nil
		}
	}
	return "", Errorf(EINVALID, "%q is not a role: use admin, editor, author or contributor", s)
}

// CanPublish reports whether the role may make a post public.
func (r Role) CanPublish() bool { return r != RoleContributor }

// User is someone who signs in: a writer, an editor or an administrator. Readers who comment are not users.
type User struct {
	ID           int64
	Email        string
	Name         string
	Slug         string // the author archive's URL segment: /author/{slug}/
	Role         Role
	PasswordHash string // argon2id, in its standard encoded form
	Created      time.Time
}

// Limits on user fields.
const (
	MaxEmailLen    = 100
	MaxNameLen     = 100
	MinPasswordLen = 8
)

// NormalizeEmail trims an address and lowers its case, so that one person has one account.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// ValidateEmail reports whether s is a single plain address (no display name, no angle brackets).
func ValidateEmail(s string) error {
	if s == "" {
		return Errorf(EINVALID, "an email address is required")
	}
	if len(s) > MaxEmailLen {
		return Errorf(EINVALID, "the email address is longer than %d characters", MaxEmailLen)
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || !strings.Contains(s[strings.LastIndexByte(s, '@')+1:], ".") {
		return Errorf(EINVALID, "%q is not a valid email address", s)
	}
	return nil
}

// Validate checks a user before it is stored. The password is checked separately, since only its hash is kept.
func (u *User) Validate() error {
	if err := ValidateEmail(u.Email); err != nil {
		return err
	}
	if strings.TrimSpace(u.Name) == "" {
		return Errorf(EINVALID, "a name is required")
	}
	if utf8.RuneCountInString(u.Name) > MaxNameLen {
		return Errorf(EINVALID, "the name is longer than %d characters", MaxNameLen)
	}
	if _, err := ParseRole(string(u.Role)); err != nil {
		return err
	}
	if u.Slug == "" {
		return Errorf(EINVALID, "the name %q has no letters or digits to make an author URL from", u.Name)
	}
	return nil
}

// ValidatePassword enforces the minimum a password must meet.
func ValidatePassword(p string) error {
	if utf8.RuneCountInString(p) < MinPasswordLen {
		return Errorf(EINVALID, "the password must be at least %d characters long", MinPasswordLen)
	}
	return nil
}
