package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/alexedwards/argon2id"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/store"
	"github.com/salon-blog/salon/internal/web"
)

func userAdd(ctx context.Context, env Env, args []string) (err error) {
	fs := flagSet(env, "user add", usage{required: []string{"email", "name", "role", "password-stdin"}})
	db := databaseFlags(fs, env)
	email := fs.String("email", "", "the user's `EMAIL` address, used to sign in")
	name := fs.String("name", "", "the `NAME` shown on their posts")
	role := fs.String("role", "", "the user's role: `admin|editor|author|contributor`")
	passwordStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	if err := parse(env, fs, args, 0); err != nil {
		return err
	}
	u := blog.User{Email: blog.NormalizeEmail(*email), Name: strings.TrimSpace(*name), Role: blog.Role(*role)}
	u.Slug = blog.Slugify(u.Name)
	if *role == "" {
		return blog.Errorf(blog.EINVALID, "--role is required: admin, editor, author or contributor")
	}
	if err := u.Validate(); err != nil {
		return err
	}
	if !*passwordStdin {
		return blog.Errorf(blog.EINVALID, "a password is required: pipe it in with --password-stdin")
	}
	password, err := readPassword(env)
	if err != nil {
		return err
	}
	if u.PasswordHash, err = argon2id.CreateHash(password, argon2id.DefaultParams); err != nil {
		return fmt.Errorf("hash password: %w", err)
	}
	st, err := db.open(ctx)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, st.Close()) }()
	if err := st.CreateUser(ctx, &u); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Added %s <%s> as %s (user %d).\n", u.Name, u.Email, u.Role, u.ID)
	return nil
}

// readPassword reads the first line of stdin, without its line ending.
func readPassword(env Env) (string, error) {
	line, err := bufio.NewReader(env.Stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", blog.Errorf(blog.EINVALID, "no password on standard input")
	}
	password := strings.TrimRight(line, "\r\n")
	return password, blog.ValidatePassword(password)
}

// userJSON is the stable shape of `salon user list --json`.
type userJSON struct {
	ID      int64     `json:"id"`
	Email   string    `json:"email"`
	Name    string    `json:"name"`
	Slug    string    `json:"slug"`
	Role    string    `json:"role"`
	Created time.Time `json:"created"`
}

func userList(ctx context.Context, env Env, args []string) (err error) {
	fs := flagSet(env, "user list", usage{})
	db := databaseFlags(fs, env)
	asJSON := fs.Bool("json", false, "print one JSON array")
	if err := parse(env, fs, args, 0); err != nil {
		return err
	}
	st, err := db.open(ctx)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, st.Close()) }()
	users, err := st.Users(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		out := make([]userJSON, 0, len(users))
		for _, u := range users {
			out = append(out, userJSON{ID: u.ID, Email: u.Email, Name: u.Name, Slug: u.Slug, Role: string(u.Role), Created: u.Created})
		}
		return writeJSON(env, out)
	}
	rows := make([][]string, 0, len(users))
	for _, u := range users {
		rows = append(rows, []string{fmt.Sprint(u.ID), u.Email, u.Name, string(u.Role), u.Created.Format(time.DateTime)})
	}
	table(env.Stdout, []string{"ID", "EMAIL", "NAME", "ROLE", "CREATED (UTC)"}, rows)
	return nil
}

func writeJSON(env Env, v any) error {
	enc := json.NewEncoder(env.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// userResetLink prints a one-time link with which a user sets a new password: the way back in for someone locked
// out while the site cannot send email, and for an administrator helping them.
func userResetLink(ctx context.Context, env Env, args []string) (err error) {
	fs := flagSet(env, "user reset-link", usage{trail: "EMAIL"})
	db := databaseFlags(fs, env)
	base := fs.String("base", "", "the site's address for the link, an http or https `URL` (default: the url setting, else "+serveAddress+")")
	if err := parse(env, fs, args, 1); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(env.Stderr, "salon user reset-link: give the user's email, as in: salon user reset-link ann@example.com")
		return errUsage
	}
	baseURL, err := siteURLFlag("--base", *base)
	if err != nil {
		return err
	}
	st, err := db.open(ctx)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, st.Close()) }()
	u, err := st.UserByEmail(ctx, blog.NormalizeEmail(fs.Arg(0)))
	if err != nil {
		return err
	}
	site, err := linkAddress(ctx, env, st, "--base", baseURL, serveAddress)
	if err != nil {
		return err
	}
	link, err := web.PasswordResetLink(ctx, st, site, u.ID, time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%s\nThis link lets %s set a new password once, within two hours.\n", link, u.Email)
	return nil
}

// serveAddress is where `salon serve` listens by default, and so where links point when nothing else says.
const serveAddress = "http://127.0.0.1:8080"

// siteURLFlag reads a --base or --site flag as the url setting reads its value, so that the flag accepts what
// the setting does: an absolute http or https address (scheme and host), returned without a trailing slash. Links
// made from anything else do not work. An empty value stays empty: the flag was not given.
func siteURLFlag(flagName, value string) (string, error) {
	if value == "" {
		return "", nil
	}
	setting, err := blog.LookupSetting("url")
	if err != nil {
		return "", fmt.Errorf("check %s: %w", flagName, err)
	}
	var parsed blog.Settings
	if err := setting.Set(&parsed, value); err != nil {
		return "", blog.Errorf(blog.EINVALID, "%s %q is not a site address: give an absolute http or https URL such as https://example.com", flagName, value)
	}
	return parsed.URL, nil
}

// linkAddress is siteAddress for a command that prints or writes links: when neither the flag nor the url setting
// gives the site's address, it says on standard error which address it assumed and how to give the real one, since
// links to the wrong address fail only later, in a reader's hands.
func linkAddress(ctx context.Context, env Env, st *store.Store, flagName, flagValue, fallback string) (string, error) {
	addr, assumed, err := siteAddress(ctx, st, flagValue, fallback)
	if err != nil {
		return "", err
	}
	if assumed {
		fmt.Fprintf(env.Stderr, "salon: warning: the site's url setting is empty, so links use %s; give %s URL, or set it with: salon settings set url https://…\n", addr, flagName)
	}
	return addr, nil
}

// siteAddress is where links made by the CLI point: the flag (as siteURLFlag returns it), else the url setting,
// else the fallback, in which case assumed is true.
func siteAddress(ctx context.Context, st *store.Store, flagValue, fallback string) (addr string, assumed bool, err error) {
	if flagValue != "" {
		return flagValue, false, nil
	}
	settings, err := st.Settings(ctx)
	if err != nil {
		return "", false, err
	}
	if settings.URL != "" {
		return settings.URL, false, nil
	}
	return fallback, true, nil
}
