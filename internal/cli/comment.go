package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/store"
)

// commentCommands are the subcommands of salon comment.
func commentCommands() []command {
	return []command{
		{name: "list", summary: "list comments, newest first", run: commentList},
		{name: "approve", summary: "publish comments", run: commentAction("approve", blog.CommentApproved, nil, func(noun, _ string) string {
			return "Approved " + noun + "."
		})},
		{name: "unapprove", summary: "hold published comments for moderation again", run: commentAction("unapprove", blog.CommentPending, nil, func(noun, _ string) string {
			return "Unapproved " + noun + ": pending again."
		})},
		{name: "spam", summary: "mark comments as spam", run: commentAction("spam", blog.CommentSpam, nil, func(noun, _ string) string {
			return "Marked " + noun + " as spam."
		})},
		{name: "trash", summary: "move comments to the trash", run: commentAction("trash", blog.CommentTrash, nil, func(noun, _ string) string {
			return "Moved " + noun + " to the trash."
		})},
		// Restoring puts a comment back in the queue rather than where it was, because the previous status is not
		// stored; and only from the trash or spam, so that a slip of the verb never unpublishes an approved comment.
		{name: "restore", summary: "put comments from the trash or spam back in the moderation queue", run: commentAction("restore", blog.CommentPending, []blog.CommentStatus{blog.CommentTrash, blog.CommentSpam},
			func(noun, it string) string {
				return "Restored " + noun + " to pending: approve " + it + " to publish " + it + "."
			})},
	}
}

// commentJSON is the stable shape of `salon comment list --json`. It is for moderators' scripts, so unlike anything
// public it carries the commenter's email and IP address.
type commentJSON struct {
	ID         int64     `json:"id"`
	PostID     int64     `json:"post_id"`
	ParentID   int64     `json:"parent_id"`
	Status     string    `json:"status"`
	Author     string    `json:"author"`
	Email      string    `json:"email"`
	URL        string    `json:"url"`
	IP         string    `json:"ip"`
	Date       time.Time `json:"date"`
	Content    string    `json:"content"`
	Moderation string    `json:"moderation"`
	PostTitle  string    `json:"post_title"`
	PostPath   string    `json:"post_path"`
}

// excerptLen is how many characters of a comment the table shows.
const excerptLen = 60

func commentList(ctx context.Context, env Env, args []string) (err error) {
	fs := flagSet(env, "comment list", usage{})
	db := databaseFlags(fs, env)
	asJSON := fs.Bool("json", false, "print one JSON array")
	status := fs.String("status", "", "only comments with this status: `"+choices(blog.CommentStatuses...)+"`")
	postID := fs.Int64("post", 0, "only comments on the post with this `ID`")
	if err := parse(env, fs, args, 0); err != nil {
		return err
	}
	f := blog.CommentFilter{PostID: *postID, NewestFirst: true}
	if *status != "" {
		s, err := blog.ParseCommentStatus(*status)
		if err != nil {
			return err
		}
		f.Status = s
	}
	if *postID < 0 {
		return blog.Errorf(blog.EINVALID, "--post %d is not a post ID: run `salon post list` to see them", *postID)
	}
	st, err := db.open(ctx)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, st.Close()) }()
	if f.PostID != 0 {
		if _, err := st.Post(ctx, f.PostID); err != nil {
			return err
		}
	}
	settings, err := st.Settings(ctx)
	if err != nil {
		return err
	}
	comments, _, err := st.Comments(ctx, f)
	if err != nil {
		return err
	}
	if *asJSON {
		out := make([]commentJSON, 0, len(comments))
		for i := range comments {
			c := &comments[i]
			out = append(out, commentJSON{
				ID: c.ID, PostID: c.PostID, ParentID: c.ParentID, Status: string(c.Status), Author: c.AuthorName,
				Email: c.AuthorEmail, URL: c.AuthorURL, IP: c.AuthorIP, Date: c.Created.UTC(), Content: c.Body,
				Moderation: c.Moderation, PostTitle: c.Post.Title, PostPath: settings.PostPath(&c.Post),
			})
		}
		return writeJSON(env, out)
	}
	loc := settings.Location()
	rows := make([][]string, 0, len(comments))
	for i := range comments {
		c := &comments[i]
		rows = append(rows, []string{fmt.Sprint(c.ID), string(c.Status), fmt.Sprint(c.PostID),
			c.Created.In(loc).Format("2006-01-02 15:04"), oneLine(c.AuthorName, 40), oneLine(c.AuthorEmail, 100),
			oneLine(c.Body, excerptLen)})
	}
	table(env.Stdout, []string{"ID", "STATUS", "POST", "DATE", "AUTHOR", "EMAIL", "EXCERPT"}, rows)
	return nil
}

// oneLine shows text a reader typed on one line of a terminal: control characters (newlines, tabs, and the escape
// sequences a hostile commenter could use to rewrite the moderator's screen) become spaces, runs of spaces one
// space, and text longer than n characters ends with an ellipsis.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s)), " ")
	if r := []rune(s); len(r) > n {
		return strings.TrimRight(string(r[:n-1]), " ") + "…"
	}
	return s
}

// commentAction makes the verb that moves comments to status. With from set, every comment must have one of those
// statuses first. done says what was done, given "comment 3" or "comments 3, 4" and "it" or "them".
func commentAction(verb string, status blog.CommentStatus, from []blog.CommentStatus, done func(noun, it string) string) func(context.Context, Env, []string) error {
	return func(ctx context.Context, env Env, args []string) (err error) {
		fs := flagSet(env, "comment "+verb, usage{lead: "ID…"})
		db := databaseFlags(fs, env)
		words, err := parseInterspersed(env, fs, args)
		if err != nil {
			return err
		}
		if len(words) == 0 {
			fmt.Fprintf(env.Stderr, "salon comment %s: give the IDs of the comments, as in: salon comment %s 12 13\n", verb, verb)
			return errUsage
		}
		ids, err := commentIDs(words)
		if err != nil {
			return err
		}
		st, err := db.open(ctx)
		if err != nil {
			return err
		}
		defer func() { err = errors.Join(err, st.Close()) }()
		if from != nil {
			if err := checkStatuses(ctx, st, ids, from); err != nil {
				return err
			}
		}
		if err := st.SetCommentStatus(ctx, ids, status); err != nil {
			return err
		}
		it := "it"
		if len(ids) > 1 {
			it = "them"
		}
		fmt.Fprintln(env.Stdout, done(commentNoun(ids), it))
		return nil
	}
}

// parseInterspersed parses flags given before, between or after the arguments, and returns the arguments.
func parseInterspersed(env Env, fs *flag.FlagSet, args []string) ([]string, error) {
	var words []string
	for {
		if err := parseFlags(env, fs, args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return words, nil
		}
		words = append(words, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// commentIDs validates every ID before anything is done, and drops repeats.
func commentIDs(words []string) ([]int64, error) {
	ids := make([]int64, 0, len(words))
	seen := map[int64]bool{}
	for _, w := range words {
		id, err := strconv.ParseInt(w, 10, 64)
		if err != nil || id <= 0 {
			return nil, blog.Errorf(blog.EINVALID, "%q is not a comment ID: run `salon comment list` to see them", w)
		}
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids, nil
}

func checkStatuses(ctx context.Context, st *store.Store, ids []int64, from []blog.CommentStatus) error {
	for _, id := range ids {
		c, err := st.Comment(ctx, id)
		if err != nil {
			return err
		}
		ok := false
		for _, s := range from {
			ok = ok || c.Status == s
		}
		if !ok {
			return blog.Errorf(blog.EINVALID, "comment %d is %s, not in the trash or spam: there is nothing to restore", id, c.Status)
		}
	}
	return nil
}

// commentNoun is "comment 3" or "comments 3, 4".
func commentNoun(ids []int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.FormatInt(id, 10)
	}
	if len(ids) == 1 {
		return "comment " + s[0]
	}
	return "comments " + strings.Join(s, ", ")
}
