package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/alexedwards/argon2id"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/store"
	"github.com/salon-blog/salon/internal/web"
)

func user(ctx context.Context, env Env, args []string) error {
	return subcommand(env, "user", args, map[string]func(context.Context, Env, []string) error{
		"add":        userAdd,
		"list":       userList,
		"reset-link": userResetLink,
	})(ctx)
}

// subcommand dispatches "salon NOUN VERB …" to the verb's function.
func subcommand(env Env, noun string, args []string, verbs map[string]func(context.Context, Env, []string) error) func(context.Context) error {
	return func(ctx context.Context) error {
		names := slices.Sorted(maps.Keys(verbs))
		if len(args) == 0 {
			fmt.Fprintf(env.Stderr, "Usage: salon %s %s\n", noun, strings.Join(names, "|"))
			return errUsage
		}
		run, ok := verbs[args[0]]
		if !ok {
			fmt.Fprintf(env.Stderr, "salon %s: %q is not a subcommand; use %s\n", noun, args[0], strings.Join(names, " or "))
			return errUsage
		}
		return run(ctx, env, args[1:])
	}
}

func userAdd(ctx context.Context, env Env, args []string) (err error) {
	fs := flagSet(env, "user add", "user add --email E --name N --role admin|editor|author|contributor --password-stdin")
	db := databaseFlags(fs, env)
	email := fs.String("email", "", "the user's email address, used to sign in")
	name := fs.String("name", "", "the name shown on their posts")
	role := fs.String("role", "", "admin, editor, author or contributor")
	passwordStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	if err := parse(fs, args, 0); err != nil {
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
	fs := flagSet(env, "user list", "user list [--json]")
	db := databaseFlags(fs, env)
	asJSON := fs.Bool("json", false, "print one JSON array")
	if err := parse(fs, args, 0); err != nil {
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
	fs := flagSet(env, "user reset-link", "user reset-link [--base URL] EMAIL")
	db := databaseFlags(fs, env)
	base := fs.String("base", "", "the site's address for the link (default: the url setting, else http://127.0.0.1:8080)")
	if err := parse(fs, args, 1); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(env.Stderr, "salon user reset-link: give the user's email, as in: salon user reset-link ann@example.com")
		return errUsage
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
	site, err := siteAddress(ctx, st, *base, "http://127.0.0.1:8080")
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

// siteAddress is where links printed by the CLI point: the flag, else the url setting, else the fallback (where
// `salon serve` listens).
func siteAddress(ctx context.Context, st *store.Store, flagValue, fallback string) (string, error) {
	if flagValue != "" {
		return strings.TrimRight(flagValue, "/"), nil
	}
	settings, err := st.Settings(ctx)
	if err != nil {
		return "", err
	}
	if settings.URL != "" {
		return settings.URL, nil
	}
	return fallback, nil
}
