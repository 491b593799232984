package cli

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/salon-blog/salon/internal/blog"
)

// tokenCreate prints the new token alone on standard output, so that a script can capture it, and says on
// standard error that it will not be shown again.
func tokenCreate(ctx context.Context, env Env, args []string) (err error) {
	fs := flagSet(env, "token create", usage{required: []string{"user", "name"}})
	db := databaseFlags(fs, env)
	email := fs.String("user", "", "the `EMAIL` of the user the token acts as, with their role")
	name := fs.String("name", "", "the token's `NAME`: what it is for, such as \"deploy script\"")
	if err := parse(env, fs, args, 0); err != nil {
		return err
	}
	if *email == "" {
		return blog.Errorf(blog.EINVALID, "--user is required: the email of the user the token acts as")
	}
	st, err := db.open(ctx)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, st.Close()) }()
	u, err := st.UserByEmail(ctx, blog.NormalizeEmail(*email))
	if err != nil {
		return err
	}
	t, secret, err := st.CreateToken(ctx, u.ID, *name)
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, secret)
	fmt.Fprintf(env.Stderr, "Created API token %d, %q, for %s (%s). Copy it now: it will not be shown again.\n", t.ID, t.Name, u.Email, u.Role)
	return nil
}

// tokenJSON is the stable shape of `salon token list --json`. It never holds a token's secret, which is not kept.
type tokenJSON struct {
	ID       int64      `json:"id"`
	Name     string     `json:"name"`
	UserID   int64      `json:"user_id"`
	User     string     `json:"user"` // the user's email
	Created  time.Time  `json:"created"`
	LastUsed *time.Time `json:"last_used"`
	Revoked  *time.Time `json:"revoked"`
}

func tokenList(ctx context.Context, env Env, args []string) (err error) {
	fs := flagSet(env, "token list", usage{})
	db := databaseFlags(fs, env)
	email := fs.String("user", "", "only the tokens of the user with this `EMAIL`")
	asJSON := fs.Bool("json", false, "print one JSON array")
	if err := parse(env, fs, args, 0); err != nil {
		return err
	}
	st, err := db.open(ctx)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, st.Close()) }()
	var of int64
	if *email != "" {
		u, err := st.UserByEmail(ctx, blog.NormalizeEmail(*email))
		if err != nil {
			return err
		}
		of = u.ID
	}
	tokens, err := st.Tokens(ctx, of)
	if err != nil {
		return err
	}
	if *asJSON {
		out := make([]tokenJSON, 0, len(tokens))
		for _, t := range tokens {
			j := tokenJSON{ID: t.ID, Name: t.Name, UserID: t.UserID, User: t.UserEmail, Created: t.Created}
			if !t.LastUsed.IsZero() {
				j.LastUsed = &t.LastUsed
			}
			if !t.Revoked.IsZero() {
				j.Revoked = &t.Revoked
			}
			out = append(out, j)
		}
		return writeJSON(env, out)
	}
	rows := make([][]string, 0, len(tokens))
	for _, t := range tokens {
		used, status := "never", "active"
		if !t.LastUsed.IsZero() {
			used = t.LastUsed.Format(time.DateTime)
		}
		if !t.Revoked.IsZero() {
			status = "revoked " + t.Revoked.Format(time.DateTime)
		}
		rows = append(rows, []string{strconv.FormatInt(t.ID, 10), t.UserEmail, t.Name, t.Created.Format(time.DateTime), used, status})
	}
	table(env.Stdout, []string{"ID", "USER", "NAME", "CREATED (UTC)", "LAST USED (UTC)", "STATUS"}, rows)
	return nil
}

func tokenRevoke(ctx context.Context, env Env, args []string) (err error) {
	fs := flagSet(env, "token revoke", usage{lead: "ID"})
	db := databaseFlags(fs, env)
	id, err := leadingID(env, fs, args, "token", "salon token revoke 3")
	if err != nil {
		return err
	}
	st, err := db.open(ctx)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, st.Close()) }()
	t, err := st.Token(ctx, id)
	if err != nil {
		return err
	}
	if err := st.RevokeToken(ctx, id); err != nil {
		return err
	}
	if !t.Revoked.IsZero() {
		fmt.Fprintf(env.Stdout, "API token %d, %q, of %s was already revoked on %s.\n", t.ID, t.Name, t.UserEmail, t.Revoked.Format(time.DateTime+" UTC"))
		return nil
	}
	fmt.Fprintf(env.Stdout, "Revoked API token %d, %q, of %s: it no longer works.\n", t.ID, t.Name, t.UserEmail)
	return nil
}
