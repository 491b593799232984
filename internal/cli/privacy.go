package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/store"
)

// The answers to a commenter's privacy request, for an administrator to run: everything held about an email
// address, as JSON, and its erasure.
//
// A commenter asking for themselves, by a link sent to their address to prove it is theirs, needs the site to send
// email; that is not built here. When internal/mail can send, a public form would mail a signed, short-lived link
// (as signer.sign does for cookies) whose page calls the same store methods: PersonalData and ErasePersonalData.

func privacyCmd(ctx context.Context, env Env, args []string) error {
	return subcommand(env, "privacy", args, map[string]func(context.Context, Env, []string) error{
		"export": privacyExport,
		"erase":  privacyErase,
	})(ctx)
}

// privacyJSON is the stable shape of `salon privacy export`.
type privacyJSON struct {
	Email         string                `json:"email"`
	Exported      time.Time             `json:"exported"`
	Comments      []privacyComment      `json:"comments"`
	Subscriptions []privacySubscription `json:"subscriptions"`
	Account       *privacyAccount       `json:"account"`
	Notes         []string              `json:"notes"`
}

type privacyComment struct {
	ID        int64     `json:"id"`
	PostID    int64     `json:"post_id"`
	PostTitle string    `json:"post_title"`
	PostURL   string    `json:"post_url"`
	URL       string    `json:"url"` // the comment's own link, which answers only while it is approved
	ParentID  int64     `json:"parent_id,omitempty"`
	Status    string    `json:"status"`
	Created   time.Time `json:"created"`
	Updated   time.Time `json:"updated"`
	Name      string    `json:"name"`
	Email     string    `json:"email"`
	Website   string    `json:"website"`
	IP        string    `json:"ip"` // "" once erased after the site's comment_ip_days
	UserAgent string    `json:"user_agent"`
	Text      string    `json:"text"`
}

type privacySubscription struct {
	ID        int64     `json:"id"`
	PostID    int64     `json:"post_id"`
	PostTitle string    `json:"post_title"`
	Mode      string    `json:"mode"`
	Confirmed bool      `json:"confirmed"`
	Created   time.Time `json:"created"`
}

type privacyAccount struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Role string `json:"role"`
}

func privacyExport(ctx context.Context, env Env, args []string) (err error) {
	fs := flagSet(env, "privacy export", "privacy export --email E > FILE.json")
	db := databaseFlags(fs, env)
	email := fs.String("email", "", "the commenter's email address")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	if blog.ValidateEmail(blog.NormalizeEmail(*email)) != nil {
		return blog.Errorf(blog.EINVALID, "--email is required: the address whose data to export, such as name@example.com")
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
	data, err := st.PersonalData(ctx, *email)
	if err != nil {
		return err
	}
	out := privacyJSON{Email: data.Email, Exported: time.Now().UTC().Truncate(time.Second),
		Comments: []privacyComment{}, Subscriptions: []privacySubscription{}, Notes: []string{
			fmt.Sprintf("IP addresses are kept %d days after a comment is sent, then erased.", settings.Discussion.IPRetentionDays),
			"Email addresses are never published. Names, websites and comment texts of approved comments are public.",
		}}
	for _, c := range data.Comments {
		postURL := settings.URL + settings.PostPath(&c.Post)
		out.Comments = append(out.Comments, privacyComment{ID: c.ID, PostID: c.PostID, PostTitle: c.Post.Title, PostURL: postURL,
			URL: fmt.Sprintf("%s/comments/%d/", settings.URL, c.ID), ParentID: c.ParentID, Status: string(c.Status),
			Created: c.Created, Updated: c.Updated, Name: c.AuthorName, Email: c.AuthorEmail, Website: c.AuthorURL,
			IP: c.AuthorIP, UserAgent: c.UserAgent, Text: c.Body})
	}
	for _, s := range data.Subscriptions {
		out.Subscriptions = append(out.Subscriptions, privacySubscription{ID: s.ID, PostID: s.PostID, PostTitle: s.PostTitle,
			Mode: string(s.Mode), Confirmed: s.Active, Created: s.Created})
	}
	if u := data.User; u != nil {
		out.Account = &privacyAccount{ID: u.ID, Name: u.Name, Role: string(u.Role)}
	}
	if err := writeJSON(env, out); err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "Exported %d comments and %d subscriptions of %s.\n", len(out.Comments), len(out.Subscriptions), data.Email)
	return nil
}

func privacyErase(ctx context.Context, env Env, args []string) (err error) {
	fs := flagSet(env, "privacy erase", "privacy erase --email E [--delete-comments]\n\n"+
		"Erases an email address from the site, at once and for good. Its comments stay, anonymised: the name becomes\n"+
		"\""+store.AnonymousName+"\", and the email, website, IP address and user agent are erased; the text and the thread stay.\n"+
		"With --delete-comments the comments are deleted instead (replies to them stay, as top-level comments).\n"+
		"Subscriptions to discussions and pending notification emails of the address are deleted either way.\n"+
		"A user account with the address is not touched: manage writers with `salon user`.\n"+
		"Run `salon privacy export --email E` first if the person asked for a copy.")
	db := databaseFlags(fs, env)
	email := fs.String("email", "", "the commenter's email address")
	deleteComments := fs.Bool("delete-comments", false, "delete the comments instead of anonymising them (their text goes too)")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	if blog.ValidateEmail(blog.NormalizeEmail(*email)) != nil {
		return blog.Errorf(blog.EINVALID, "--email is required: the address to erase, such as name@example.com")
	}
	st, err := db.open(ctx)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, st.Close()) }()
	e, err := st.ErasePersonalData(ctx, *email, *deleteComments)
	if err != nil {
		return err
	}
	done := "anonymised"
	if e.Deleted {
		done = "deleted"
	}
	fmt.Fprintf(env.Stdout, "Erased %s: %d comments %s, %d subscriptions deleted.\n", blog.NormalizeEmail(*email), e.Comments, done, e.Subscriptions)
	return nil
}
