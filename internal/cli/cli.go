// Package cli implements the salon command's subcommands, one file each. Every subcommand reads its flags, with an
// environment variable behind each one, opens the database it is pointed at, and reports failures in one sentence
// with a non-zero exit status.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/store"
)

// Env is the process's surroundings, passed in so that tests run commands in-process.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
}

// Exit statuses.
const (
	exitOK    = 0
	exitError = 1 // the command failed: bad input, a conflict, a database problem
	exitUsage = 2 // the command line itself is wrong
)

type command struct {
	name  string
	usage string
	run   func(ctx context.Context, env Env, args []string) error
}

func commands() []command {
	return []command{
		{"serve", "run the site", serve},
		{"migrate", "apply database migrations", migrate},
		{"user", "add and list users (user add, user list)", user},
		{"post", "add, edit and list posts and pages (post add, post edit, post list)", postCmd},
		{"copy", "copy a whole site between databases (SQLite and PostgreSQL)", copySite},
		{"settings", "show and change site settings (settings, settings set KEY VALUE)", settings},
		{"comment", "list and moderate comments (comment list, comment approve|unapprove|spam|trash|restore ID…)", commentCmd},
		{"token", "create, list and revoke API tokens (token create --user EMAIL --name N)", tokenCmd},
		{"import", "bring in a WordPress or Disqus export (import wordpress FILE.xml, import disqus FILE.xml)", importCmd},
		{"export", "write the site out as a WordPress export (export wordpress > FILE.xml)", exportCmd},
		{"block", "refuse comments by email, IP, network or domain (block add, block list, block remove ID)", blockCmd},
		{"privacy", "answer a commenter's privacy request (privacy export --email E, privacy erase --email E)", privacyCmd},
	}
}

// Run runs the command line args and returns the process's exit status.
func Run(ctx context.Context, args []string, env Env) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		printHelp(env.Stdout)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return report(env, c.run(ctx, env, args[1:]))
		}
	}
	fmt.Fprintf(env.Stderr, "salon: %q is not a command; run `salon help` for the list\n", args[0])
	return exitUsage
}

func printHelp(w io.Writer) {
	fmt.Fprintln(w, "Salon: a blog whose reader discussion is first-class.")
	fmt.Fprintln(w, "\nUsage: salon COMMAND [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.usage)
	}
	fmt.Fprintln(w, "\nRun `salon COMMAND -h` for a command's flags. Every flag can also be set by an environment variable, shown in its help.")
}

// errUsage marks a command-line mistake whose explanation has already been printed by the flag package.
var errUsage = errors.New("usage")

func report(env Env, err error) int {
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.Is(err, errUsage):
		return exitUsage
	}
	var e *blog.Error
	if errors.As(err, &e) {
		fmt.Fprintf(env.Stderr, "salon: %s\n", e.Message)
	} else {
		fmt.Fprintf(env.Stderr, "salon: %v\n", err)
	}
	return exitError
}

// flagSet makes a subcommand's flag set, printing its errors and usage to stderr.
func flagSet(env Env, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet("salon "+name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(env.Stderr, "Usage: salon %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses flags and refuses stray arguments unless the command takes some.
func parse(fs *flag.FlagSet, args []string, maxArgs int) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if fs.NArg() > maxArgs {
		fmt.Fprintf(fs.Output(), "%s: unexpected argument %q (flags go before arguments)\n", fs.Name(), fs.Arg(maxArgs))
		fs.Usage()
		return errUsage
	}
	return nil
}

// envString defines a string flag whose default comes from an environment variable when that is set.
func envString(fs *flag.FlagSet, env Env, name, variable, def, usage string) *string {
	if v := env.Getenv(variable); v != "" {
		def = v
	}
	return fs.String(name, def, usage+" ($"+variable+")")
}

// database holds the --data and --db flags every command shares.
type database struct {
	data *string
	db   *string
}

func databaseFlags(fs *flag.FlagSet, env Env) database {
	return database{
		data: envString(fs, env, "data", "SALON_DATA", "./salon-data", "data directory: the SQLite database and media live here"),
		db:   envString(fs, env, "db", "SALON_DB", "", "database URL or SQLite file (default: salon.db in the data directory)"),
	}
}

// open opens and migrates the database, creating the data directory on first use.
func (d database) open(ctx context.Context) (*store.Store, error) {
	st, err := d.connect(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := st.Migrate(ctx); err != nil {
		return nil, errors.Join(err, st.Close())
	}
	if err := attachQueue(ctx, st); err != nil {
		return nil, errors.Join(err, st.Close())
	}
	return st, nil
}

// connect opens the database without migrating it.
func (d database) connect(ctx context.Context) (*store.Store, error) {
	dsn := *d.db
	if dsn == "" {
		if err := ensureDataDir(*d.data); err != nil {
			return nil, err
		}
		dsn = filepath.Join(*d.data, store.DefaultDatabaseFile)
	}
	return store.Open(ctx, dsn)
}

// ensureDataDir creates the data directory and proves it writable, so that a permissions problem is named at once
// rather than surfacing as an obscure database error.
func ensureDataDir(dir string) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return blog.Errorf(blog.EINVALID, "cannot create the data directory %s: %s", dir, plainOSError(err))
	}
	f, err := os.CreateTemp(dir, ".write-test-*")
	if err != nil {
		return blog.Errorf(blog.EINVALID, "the data directory %s is not writable: %s", dir, plainOSError(err))
	}
	name := f.Name()
	return errors.Join(f.Close(), os.Remove(name))
}

// plainOSError drops the operation and path from an OS error, which the caller's sentence already names.
func plainOSError(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// table writes aligned columns for people; --json output is for scripts.
func table(w io.Writer, header []string, rows [][]string) {
	widths := make([]int, len(header))
	for _, r := range append([][]string{header}, rows...) {
		for i, c := range r {
			widths[i] = max(widths[i], len([]rune(c)))
		}
	}
	for _, r := range append([][]string{header}, rows...) {
		var b strings.Builder
		for i, c := range r {
			if i == len(r)-1 {
				b.WriteString(c)
				break
			}
			b.WriteString(c + strings.Repeat(" ", widths[i]-len([]rune(c))+2))
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}

// leadingID parses the command line of a command that takes an ID first and flags after it ("post edit 12
// --title T"), as people type it.
func leadingID(env Env, fs *flag.FlagSet, args []string, noun, example string) (int64, error) {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fmt.Fprintf(env.Stderr, "%s: the %s's ID comes first, as in: %s\n", fs.Name(), noun, example)
		return 0, errUsage
	}
	id, err := strconv.ParseInt(args[0], 10, 64)
	if err != nil || id <= 0 {
		return 0, blog.Errorf(blog.EINVALID, "%q is not a %s ID: run `salon %s list` to see them", args[0], noun, noun)
	}
	return id, parse(fs, args[1:], 0)
}
