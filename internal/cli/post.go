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
	"unicode/utf8"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/post"
	"github.com/salon-blog/salon/internal/store"
)

// postFlags are the flags post add and post edit share.
type postFlags struct {
	title, file, status, date, tags, author, slug, excerpt, typ, comments *string
	categories                                                            *[]string
	sticky                                                                *bool
}

// definePostFlags defines the flags post add and post edit share. Add gives a flag that is not given its default;
// edit leaves the field as it is, so with editing set the help names no default and says what a flag replaces.
func definePostFlags(fs *flag.FlagSet, editing bool) postFlags {
	// addOnly is the default of a flag for add, and nothing for edit.
	addOnly := func(def string) string {
		if editing {
			return ""
		}
		return def
	}
	// either is the end of a flag's description: for add or for edit.
	either := func(add, edit string) string {
		if editing {
			return edit
		}
		return add
	}
	f := postFlags{
		title:    fs.String("title", "", "the post's `TITLE`"),
		file:     fs.String("file", "", "Markdown `FILE` with the body (- for standard input)"),
		status:   fs.String("status", addOnly("publish"), "the status: `"+choices(blog.Statuses...)+"` (future needs a --date to come)"),
		date:     fs.String("date", "", "publish date, an `RFC3339` time such as 2024-05-17T09:30:00+02:00"+either(" (default: now)", "")),
		tags:     fs.String("tags", "", "comma-separated `TAGS`"+either("", ", which replace the post's tags")),
		author:   fs.String("author", "", "the author's `EMAIL`"+either(" (default: the first administrator)", "")),
		slug:     fs.String("slug", "", "URL `SLUG`"+either(" (default: made from the title)", "; the old URL redirects to the new one")),
		excerpt:  fs.String("excerpt", "", "`TEXT` of a short summary for feeds and search engines, in plain text"),
		typ:      fs.String("type", addOnly("post"), "`"+choices(blog.TypePost, blog.TypePage)+"`: a page stands alone, such as About"),
		comments: fs.String("comments", addOnly("open"), "whether readers may comment: `open|closed`"),
		sticky:   fs.Bool("sticky", false, "keep the post at the top of the home page"+either("", " (--sticky=false to stop)")),
	}
	var cats []string
	f.categories = &cats
	fs.Func("category", "`CATEGORY`, with / between levels (Politics/Elections); repeat for several"+either("", ", which replace the post's categories"), func(s string) error {
		cats = append(cats, s)
		return nil
	})
	return f
}

// apply copies the flags that were given on the command line onto d; with all set, every flag counts.
func (f postFlags) apply(env Env, fs *flag.FlagSet, d *post.Draft, all bool) error {
	given := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { given[fl.Name] = true })
	set := func(name string) bool { return all || given[name] }
	if set("title") {
		d.Title = strings.TrimSpace(*f.title)
	}
	if given["file"] {
		body, err := readBody(env, *f.file)
		if err != nil {
			return err
		}
		d.Body = body
	}
	if set("status") {
		st, err := blog.ParseStatus(*f.status)
		if err != nil {
			return err
		}
		d.Status = st
	}
	if given["date"] {
		t, err := time.Parse(time.RFC3339, *f.date)
		if err != nil {
			return blog.Errorf(blog.EINVALID, "--date %q is not an RFC 3339 date such as 2024-05-17T09:30:00+02:00", *f.date)
		}
		d.Date = t
	}
	if set("tags") {
		d.Tags = strings.Split(*f.tags, ",")
	}
	if set("category") {
		d.Categories, d.CategoryIDs = *f.categories, nil
	}
	if set("author") {
		d.AuthorEmail = *f.author
	}
	if given["slug"] {
		if err := blog.ValidateSlug(*f.slug); err != nil {
			return err
		}
		d.Slug = *f.slug
	}
	if set("excerpt") {
		d.Excerpt = strings.TrimSpace(*f.excerpt)
	}
	if set("type") {
		t, err := blog.ParseType(*f.typ)
		if err != nil {
			return err
		}
		d.Type = t
	}
	if set("comments") {
		switch *f.comments {
		case "open", "closed":
			d.CommentsClosed = *f.comments == "closed"
		default:
			return blog.Errorf(blog.EINVALID, "--comments %q: use open or closed", *f.comments)
		}
	}
	if set("sticky") {
		d.Sticky = *f.sticky
	}
	return nil
}

// readBody reads a post body and insists on UTF-8 text, so that a binary or Latin-1 file is refused by name
// instead of being published as mojibake.
func readBody(env Env, path string) (string, error) {
	var b []byte
	var err error
	if path == "-" {
		b, err = io.ReadAll(io.LimitReader(env.Stdin, blog.MaxBodyLen+1))
	} else {
		b, err = os.ReadFile(path)
	}
	if err != nil {
		return "", blog.Errorf(blog.EINVALID, "cannot read the post file %s: %s", path, plainOSError(err))
	}
	if !utf8.Valid(b) {
		return "", blog.Errorf(blog.EINVALID, "the post file %s is not UTF-8 text; convert it first (for example: iconv -f latin1 -t utf-8)", path)
	}
	return strings.TrimPrefix(string(b), "\uFEFF"), nil
}

func newWriter(st *store.Store) *post.Writer {
	return &post.Writer{Store: st, Now: st.Now}
}

func postAdd(ctx context.Context, env Env, args []string) (err error) {
	fs := flagSet(env, "post add", usage{required: []string{"title", "file"}})
	db := databaseFlags(fs, env)
	pf := definePostFlags(fs, false)
	if err := parse(env, fs, args, 0); err != nil {
		return err
	}
	if *pf.file == "" {
		return blog.Errorf(blog.EINVALID, "--file is required: the Markdown file with the post's body (- for standard input)")
	}
	var d post.Draft
	if err := pf.apply(env, fs, &d, true); err != nil {
		return err
	}
	st, err := db.open(ctx)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, st.Close()) }()
	p, err := newWriter(st).Create(ctx, d)
	if err != nil {
		return err
	}
	return printPath(ctx, env, st, &p)
}

func printPath(ctx context.Context, env Env, st *store.Store, p *blog.Post) error {
	settings, err := st.Settings(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, settings.PostPath(p))
	return nil
}

func postEdit(ctx context.Context, env Env, args []string) (err error) {
	fs := flagSet(env, "post edit", usage{lead: "ID", about: "Changes the fields whose flags are given; the others stay as they are."})
	db := databaseFlags(fs, env)
	pf := definePostFlags(fs, true)
	id, err := leadingID(env, fs, args, "post", `salon post edit 12 --title "New title"`)
	if err != nil {
		return err
	}
	// An edit that changes nothing would still mark the post modified (feeds and caches show it as updated), and a
	// command line without a flag is more likely a mistake than a wish to touch the post.
	if !postFlagGiven(fs) {
		return blog.Errorf(blog.EINVALID, "nothing to change: give at least one flag (see salon post edit -h)")
	}
	st, err := db.open(ctx)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, st.Close()) }()
	old, err := st.Post(ctx, id)
	if err != nil {
		return err
	}
	author, err := st.UserByID(ctx, old.AuthorID)
	if err != nil {
		return err
	}
	d := post.DraftOf(old, author.Email)
	if err := pf.apply(env, fs, &d, false); err != nil {
		return err
	}
	p, err := newWriter(st).Update(ctx, id, d)
	if err != nil {
		return err
	}
	return printPath(ctx, env, st, &p)
}

// postFlagGiven reports whether a flag other than the database's was given, that is a field to change.
func postFlagGiven(fs *flag.FlagSet) bool {
	given := false
	fs.Visit(func(fl *flag.Flag) { given = given || !isDatabaseFlag(fl.Name) })
	return given
}

// postJSON is the stable shape of `salon post list --json`.
type postJSON struct {
	ID         int64     `json:"id"`
	Type       string    `json:"type"`
	Title      string    `json:"title"`
	Slug       string    `json:"slug"`
	Status     string    `json:"status"`
	Date       time.Time `json:"date"`
	Modified   time.Time `json:"modified"`
	Author     string    `json:"author"`
	Path       string    `json:"path"`
	Categories []string  `json:"categories"`
	Tags       []string  `json:"tags"`
	Comments   int       `json:"comment_count"`
	Sticky     bool      `json:"sticky"`
}

func postList(ctx context.Context, env Env, args []string) (err error) {
	fs := flagSet(env, "post list", usage{})
	db := databaseFlags(fs, env)
	asJSON := fs.Bool("json", false, "print one JSON array")
	status := fs.String("status", "", "only posts with this status: `"+choices(blog.Statuses...)+"`")
	typ := fs.String("type", "", "only posts or only pages: `"+choices(blog.TypePost, blog.TypePage)+"`")
	if err := parse(env, fs, args, 0); err != nil {
		return err
	}
	var f blog.PostFilter
	if *status != "" {
		s, err := blog.ParseStatus(*status)
		if err != nil {
			return err
		}
		f.Statuses = []blog.Status{s}
	}
	if *typ != "" {
		t, err := blog.ParseType(*typ)
		if err != nil {
			return err
		}
		f.Type = t
	}
	st, err := db.open(ctx)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, st.Close()) }()
	settings, err := st.Settings(ctx)
	if err != nil {
		return err
	}
	posts, _, err := st.Posts(ctx, f)
	if err != nil {
		return err
	}
	if *asJSON {
		out := make([]postJSON, 0, len(posts))
		for i := range posts {
			p := &posts[i]
			j := postJSON{ID: p.ID, Type: string(p.Type), Title: p.Title, Slug: p.Slug, Status: string(p.Status),
				Date: p.Published, Modified: p.Updated, Author: p.Author.Name, Path: settings.PostPath(p),
				Categories: []string{}, Tags: []string{}, Comments: p.CommentCount, Sticky: p.Sticky}
			for _, c := range p.Categories {
				j.Categories = append(j.Categories, c.Path)
			}
			for _, t := range p.Tags {
				j.Tags = append(j.Tags, t.Name)
			}
			out = append(out, j)
		}
		return writeJSON(env, out)
	}
	loc := settings.Location()
	rows := make([][]string, 0, len(posts))
	for i := range posts {
		p := &posts[i]
		rows = append(rows, []string{fmt.Sprint(p.ID), string(p.Type), string(p.Status), p.Published.In(loc).Format("2006-01-02 15:04"), p.Title, settings.PostPath(p)})
	}
	table(env.Stdout, []string{"ID", "TYPE", "STATUS", "DATE", "TITLE", "PATH"}, rows)
	return nil
}
