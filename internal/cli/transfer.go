package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/store"
	"github.com/salon-blog/salon/internal/transfer"
)

// importFrom makes the subcommand that brings in an export of kind: wordpress or disqus.
func importFrom(kind string) func(context.Context, Env, []string) error {
	return func(ctx context.Context, env Env, args []string) error { return importFile(ctx, env, args, kind) }
}

// transfers is a store's imports and exports.
func transfers(st *store.Store) transfer.Site[*store.ImportTx] {
	return transfer.Site[*store.ImportTx]{Begin: st.Import, Source: st}
}

func importFile(ctx context.Context, env Env, args []string, kind string) (err error) {
	fs := flagSet(env, "import "+kind, usage{trail: "FILE.xml"})
	db := databaseFlags(fs, env)
	quiet := fs.Bool("quiet", false, "print no progress bar, only the summary")
	file, err := fileArgument(env, fs, args, "the export file")
	if err != nil {
		return err
	}
	f, err := os.Open(file)
	if err != nil {
		return blog.Errorf(blog.EINVALID, "cannot open %s: %s", file, plainOSError(err))
	}
	defer f.Close()
	var size int64
	if fi, err := f.Stat(); err == nil {
		size = fi.Size()
	}
	st, err := db.open(ctx)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, st.Close()) }()
	run := transfers(st).ImportWordPress
	if kind == "disqus" {
		run = transfers(st).ImportDisqus
	}
	bar := progressBar{w: env.Stderr, on: !*quiet && isTerminal(env.Stderr)}
	rep, err := run(ctx, f, size, bar.show)
	bar.done()
	if err != nil {
		if blog.ErrorCode(err) == blog.EINVALID {
			return blog.Errorf(blog.EINVALID, "%s: %s; nothing was imported", file, blog.ErrorMessage(err))
		}
		return fmt.Errorf("import %s: %w", file, err)
	}
	printReport(env.Stdout, &rep)
	return nil
}

// fileArgument reads a command line with one file name, before or after the flags.
func fileArgument(env Env, fs *flag.FlagSet, args []string, what string) (string, error) {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		return args[0], parse(env, fs, args[1:], 0)
	}
	if err := parse(env, fs, args, 1); err != nil {
		return "", err
	}
	if fs.NArg() == 0 {
		fmt.Fprintf(env.Stderr, "%s: name %s\n", fs.Name(), what)
		fs.Usage()
		return "", errUsage
	}
	return fs.Arg(0), nil
}

func printReport(w io.Writer, rep *transfer.Report) {
	fmt.Fprintf(w, "Imported from %s: %s.\n", rep.Source, rep.Counts())
	for _, note := range rep.Notes() {
		fmt.Fprintln(w, note)
	}
	if rep.Permalink != "" {
		fmt.Fprintf(w, "Post addresses follow the export's style: permalink is now %q.\n", rep.Permalink)
	}
	if rep.TimeZone != "" {
		fmt.Fprintf(w, "Dates follow the export's clock: timezone is now %s.\n", rep.TimeZone)
	}
	for _, u := range rep.Unmatched {
		fmt.Fprintf(w, "No post matches the Disqus thread %s %q: %s.\n", u.Link, u.Title, u.CommentsNotImported())
	}
}

func exportWordPress(ctx context.Context, env Env, args []string) (err error) {
	fs := flagSet(env, "export wordpress", usage{trail: "> FILE.xml"})
	db := databaseFlags(fs, env)
	site := fs.String("site", "", "the site's address for the links in the file, an http or https `URL` (default: the url setting, else "+exportAddress+")")
	if err := parse(env, fs, args, 0); err != nil {
		return err
	}
	siteURL, err := siteURLFlag("--site", *site)
	if err != nil {
		return err
	}
	st, err := db.open(ctx)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, st.Close()) }()
	addr, err := linkAddress(ctx, env, st, "--site", siteURL, exportAddress)
	if err != nil {
		return err
	}
	return transfers(st).ExportWordPress(ctx, env.Stdout, addr)
}

// exportAddress is the site address an export assumes when neither --site nor the url setting gives one. It differs
// from serveAddress only because exports were always written with it; it is kept so that their links do not change.
const exportAddress = "http://localhost:8080"

// progressBar draws an import's progress on a terminal, on one line that it rewrites.
type progressBar struct {
	w     io.Writer
	on    bool
	drawn bool
}

func (b *progressBar) show(p transfer.Progress) {
	if !b.on {
		return
	}
	const width = 30
	filled := 0
	percent := ""
	if p.Size > 0 {
		filled = int(min(p.Read, p.Size) * width / p.Size)
		percent = fmt.Sprintf("%3d%% ", min(p.Read, p.Size)*100/p.Size)
	}
	rate := ""
	if secs := time.Since(p.Started).Seconds(); secs > 0 {
		rate = fmt.Sprintf(" · %.1f MB/s", float64(p.Read)/secs/1e6)
	}
	fmt.Fprintf(b.w, "\r%s[%s%s] %s%s ", percent, strings.Repeat("#", filled), strings.Repeat("-", width-filled), p.Counts(), rate)
	b.drawn = true
}

func (b *progressBar) done() {
	if b.drawn {
		fmt.Fprintln(b.w)
	}
}

// isTerminal reports whether w is a terminal, where a progress bar that rewrites its line makes sense.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
