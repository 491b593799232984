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
	"slices"
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

// command is one entry of salon's command table. A command with subcommands and no run of its own is a group
// (salon post): it runs the subcommand its first argument names. Settings has both: it shows the settings unless
// a subcommand (set) is named.
type command struct {
	name        string
	summary     string // one line for the list of commands
	run         func(ctx context.Context, env Env, args []string) error
	subcommands []command
}

func commands() []command {
	return []command{
		{name: "serve", summary: "run the site", run: serve},
		{name: "migrate", summary: "apply database migrations", run: migrate},
		{name: "user", summary: "add and list users (user add, user list)", subcommands: []command{
			{name: "add", summary: "add a user; the password is read from standard input", run: userAdd},
			{name: "list", summary: "list users", run: userList},
			{name: "reset-link", summary: "print a one-time link with which a user sets a new password", run: userResetLink},
		}},
		{name: "post", summary: "add, edit and list posts and pages (post add, post edit, post list)", subcommands: []command{
			{name: "add", summary: "add a post or a page and print its address", run: postAdd},
			{name: "edit", summary: "change the fields of a post or a page whose flags are given", run: postEdit},
			{name: "list", summary: "list posts and pages", run: postList},
		}},
		{name: "copy", summary: "copy a whole site between databases (SQLite and PostgreSQL)", run: copySite},
		{name: "settings", summary: "show and change site settings (settings, settings set KEY VALUE)", run: settings, subcommands: settingsCommands()},
		{name: "comment", summary: "list and moderate comments (comment list, comment approve|unapprove|spam|trash|restore ID…)", subcommands: commentCommands()},
		{name: "token", summary: "create, list and revoke API tokens (token create --user EMAIL --name N)", subcommands: []command{
			{name: "create", summary: "create an API token that acts as a user, and print it once", run: tokenCreate},
			{name: "list", summary: "list API tokens", run: tokenList},
			{name: "revoke", summary: "revoke an API token", run: tokenRevoke},
		}},
		{name: "import", summary: "bring in a WordPress or Disqus export (import wordpress FILE.xml, import disqus FILE.xml)", subcommands: []command{
			{name: "wordpress", summary: "bring in a WordPress export (WXR 1.0–1.2): authors, posts, pages, comments", run: importFrom("wordpress")},
			{name: "disqus", summary: "bring in a Disqus export's comments, matched to posts", run: importFrom("disqus")},
		}},
		{name: "export", summary: "write the site out as a WordPress export (export wordpress > FILE.xml)", subcommands: []command{
			{name: "wordpress", summary: "write the whole site as a WordPress export (WXR 1.2)", run: exportWordPress},
		}},
		{name: "block", summary: "refuse comments by email, IP, network or domain (block add, block list, block remove ID)", subcommands: []command{
			{name: "add", summary: "refuse comments from an email address, IP address, network or domain", run: blockAdd},
			{name: "list", summary: "list blocks, expired ones too", run: blockList},
			{name: "remove", summary: "remove a block", run: blockRemove},
		}},
		{name: "privacy", summary: "answer a commenter's privacy request (privacy export --email E, privacy erase --email E)", subcommands: []command{
			{name: "export", summary: "print everything held about an email address, as JSON", run: privacyExport},
			{name: "erase", summary: "erase an email address from the site, anonymising or deleting its comments", run: privacyErase},
		}},
	}
}

// Run runs the command line args and returns the process's exit status.
func Run(ctx context.Context, args []string, env Env) int {
	if len(args) == 0 {
		printHelp(env.Stdout)
		return exitUsage
	}
	if args[0] == "help" || isHelpFlag(args[0]) {
		return report(env, help(ctx, env, args[1:]))
	}
	c, ok := findCommand(commands(), args[0])
	if !ok {
		fmt.Fprintf(env.Stderr, "salon: %q is not a command; run `salon help` for the list\n", args[0])
		return exitUsage
	}
	return report(env, c.dispatch(ctx, env, "salon "+c.name, args[1:]))
}

// isHelpFlag reports whether arg asks for help, as the flag package reads -h and --help.
func isHelpFlag(arg string) bool {
	switch arg {
	case "-h", "--h", "-help", "--help":
		return true
	}
	return false
}

func findCommand(cmds []command, name string) (command, bool) {
	for _, c := range cmds {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// dispatch runs c with the arguments after its name; path is the command line that named it ("salon post").
func (c command) dispatch(ctx context.Context, env Env, path string, args []string) error {
	if len(args) > 0 {
		if sub, ok := findCommand(c.subcommands, args[0]); ok {
			return sub.dispatch(ctx, env, path+" "+sub.name, args[1:])
		}
	}
	if c.run != nil {
		return c.run(ctx, env, args)
	}
	switch {
	case len(args) == 0:
		printGroupUsage(env.Stderr, path, c.subcommands)
		return errUsage
	case isHelpFlag(args[0]):
		printGroupUsage(env.Stdout, path, c.subcommands)
		return nil
	}
	fmt.Fprintf(env.Stderr, "%s: %q is not a subcommand; use %s\n", path, args[0], strings.Join(commandNames(c.subcommands), " or "))
	return errUsage
}

// help prints the help of the command that words name, as that command's -h does: `salon help post add` is
// `salon post add -h`, and `salon help post` is `salon post -h`.
func help(ctx context.Context, env Env, words []string) error {
	if len(words) == 0 {
		printHelp(env.Stdout)
		return nil
	}
	c, ok := findCommand(commands(), words[0])
	if !ok {
		fmt.Fprintf(env.Stderr, "salon help: %q is not a command; run `salon help` for the list\n", words[0])
		return errUsage
	}
	path := "salon " + c.name
	for _, word := range words[1:] {
		sub, ok := findCommand(c.subcommands, word)
		if !ok {
			if len(c.subcommands) == 0 {
				fmt.Fprintf(env.Stderr, "salon help: %s has no subcommands\n", path)
			} else {
				fmt.Fprintf(env.Stderr, "salon help: %q is not a subcommand of %s; use %s\n", word, path, strings.Join(commandNames(c.subcommands), " or "))
			}
			return errUsage
		}
		c, path = sub, path+" "+sub.name
	}
	if c.run == nil {
		printGroupUsage(env.Stdout, path, c.subcommands)
		return nil
	}
	return c.run(ctx, env, []string{"-h"})
}

// commandNames are the names of cmds in alphabetical order, the order in which usage lists them.
func commandNames(cmds []command) []string {
	names := make([]string, len(cmds))
	for i, c := range cmds {
		names[i] = c.name
	}
	slices.Sort(names)
	return names
}

// printGroupUsage is a group's help: its subcommands, one line each.
func printGroupUsage(w io.Writer, path string, subcommands []command) {
	fmt.Fprintf(w, "Usage: %s %s\n", path, strings.Join(commandNames(subcommands), "|"))
	printCommands(w, path, subcommands)
}

// printCommands lists the subcommands of the command path, one line each, in alphabetical order.
func printCommands(w io.Writer, path string, subcommands []command) {
	sorted := slices.SortedFunc(slices.Values(subcommands), func(a, b command) int { return strings.Compare(a.name, b.name) })
	width := 0
	for _, c := range sorted {
		width = max(width, len(c.name))
	}
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range sorted {
		fmt.Fprintf(w, "  %-*s  %s\n", width, c.name, c.summary)
	}
	fmt.Fprintf(w, "\nRun `%s COMMAND -h` for a command's flags.\n", path)
}

func printHelp(w io.Writer) {
	fmt.Fprintln(w, "Salon: a blog whose reader discussion is first-class.")
	fmt.Fprintln(w, "\nUsage: salon COMMAND [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
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

// usage is what a subcommand's usage line says besides its flags. The flags themselves are listed from the flag
// set (see synopsis), so that the line cannot fall behind them; a flag names its value with a back-quoted word in
// its description, as the flag package reads it (flag.UnquoteUsage).
type usage struct {
	lead     string    // arguments before the flags, such as "ID"
	required []string  // flags that must be given, shown without brackets, in this order
	oneOf    []string  // flags of which exactly one must be given
	trail    string    // arguments after the flags, such as "FILE.xml", or "> FILE.xml" for output to redirect
	about    string    // paragraphs printed under the usage line
	commands []command // subcommands of a command that also runs without one (settings)
}

// flagSet makes a subcommand's flag set. Its usage goes to standard output when asked for (-h) and to standard
// error under a mistake; see parseFlags.
func flagSet(env Env, name string, u usage) *flag.FlagSet {
	fs := flag.NewFlagSet("salon "+name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "Usage: %s\n", synopsis(fs, u))
		if u.about != "" {
			fmt.Fprintf(w, "\n%s\n", u.about)
		}
		fmt.Fprintln(w, "\nFlags:")
		fs.PrintDefaults()
		if len(u.commands) > 0 {
			printCommands(w, fs.Name(), u.commands)
		}
	}
	return fs
}

// synopsis is a subcommand's usage line: the leading arguments, the required flags, the flags of which one is
// required, the optional flags in brackets (the database flags every command shares last), then the trailing
// arguments.
func synopsis(fs *flag.FlagSet, u usage) string {
	words := []string{fs.Name()}
	if u.lead != "" {
		words = append(words, u.lead)
	}
	shown := map[string]bool{}
	flagWord := func(name string) string {
		shown[name] = true
		value, _ := flag.UnquoteUsage(fs.Lookup(name))
		if value == "" { // a boolean flag
			return "--" + name
		}
		return "--" + name + " " + value
	}
	for _, name := range u.required {
		words = append(words, flagWord(name))
	}
	if len(u.oneOf) > 0 {
		alternatives := make([]string, len(u.oneOf))
		for i, name := range u.oneOf {
			alternatives[i] = flagWord(name)
		}
		words = append(words, "("+strings.Join(alternatives, " | ")+")")
	}
	var optional, shared []string
	fs.VisitAll(func(fl *flag.Flag) {
		switch {
		case shown[fl.Name]:
		case isDatabaseFlag(fl.Name):
			shared = append(shared, "["+flagWord(fl.Name)+"]")
		default:
			optional = append(optional, "["+flagWord(fl.Name)+"]")
		}
	})
	words = append(append(words, optional...), shared...)
	if u.trail != "" {
		words = append(words, u.trail)
	}
	return strings.Join(words, " ")
}

// choices is how a usage line writes a flag's possible values: "post|page".
func choices[T ~string](values ...T) string {
	words := make([]string, len(values))
	for i, v := range values {
		words[i] = string(v)
	}
	return strings.Join(words, "|")
}

// parse parses flags and refuses stray arguments unless the command takes up to maxArgs of them.
func parse(env Env, fs *flag.FlagSet, args []string, maxArgs int) error {
	if err := parseFlags(env, fs, args); err != nil {
		return err
	}
	if fs.NArg() > maxArgs {
		fmt.Fprintf(fs.Output(), "%s: unexpected argument %q (flags go before arguments)\n", fs.Name(), fs.Arg(maxArgs))
		fs.Usage()
		return errUsage
	}
	return nil
}

// parseFlags parses the flags at the head of args. Help asked for, with -h or --help among the flags or among the
// arguments after them (where the flag package stops reading), prints the usage on standard output and returns
// flag.ErrHelp; a mistake prints what is wrong and the usage on standard error and returns errUsage.
func parseFlags(env Env, fs *flag.FlagSet, args []string) error {
	printUsage := fs.Usage
	fs.Usage = func() {} // printed below, on the output that suits the outcome
	err := fs.Parse(args)
	fs.Usage = printUsage
	switch {
	case errors.Is(err, flag.ErrHelp) || err == nil && helpAmongArguments(args, fs.Args()):
		out := fs.Output()
		fs.SetOutput(env.Stdout)
		fs.Usage()
		fs.SetOutput(out)
		return flag.ErrHelp
	case err != nil:
		fs.Usage()
		return errUsage
	}
	return nil
}

// helpAmongArguments reports whether the arguments left after the flags, rest, ask for help: "post edit 3 extra -h"
// does, "settings set tagline -- -h" does not, since "--" ends the flags.
func helpAmongArguments(args, rest []string) bool {
	if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
		return false
	}
	for _, arg := range rest {
		if arg == "--" {
			return false
		}
		if isHelpFlag(arg) {
			return true
		}
	}
	return false
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
		data: envString(fs, env, "data", "SALON_DATA", "./salon-data", "data directory (`DIR`): the SQLite database and media live here"),
		db:   envString(fs, env, "db", "SALON_DB", "", "database `URL` or SQLite file (default: salon.db in the data directory)"),
	}
}

// isDatabaseFlag reports whether name is one of the flags databaseFlags defines.
func isDatabaseFlag(name string) bool {
	return name == "data" || name == "db"
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
// --title T"), as people type it. Help asked for anywhere wins over a missing or wrong ID.
func leadingID(env Env, fs *flag.FlagSet, args []string, noun, example string) (int64, error) {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		if err := parseFlags(env, fs, args); err != nil {
			return 0, err
		}
		fmt.Fprintf(env.Stderr, "%s: the %s's ID comes first, as in: %s\n", fs.Name(), noun, example)
		return 0, errUsage
	}
	if err := parse(env, fs, args[1:], 0); err != nil {
		return 0, err
	}
	id, err := strconv.ParseInt(args[0], 10, 64)
	if err != nil || id <= 0 {
		return 0, blog.Errorf(blog.EINVALID, "%q is not a %s ID: run `salon %s list` to see them", args[0], noun, noun)
	}
	return id, nil
}
