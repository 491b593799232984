package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/privacy"
	"github.com/salon-blog/salon/internal/store"
)

// The answers to a commenter's privacy request, for an administrator to run: everything held about an email
// address, as JSON, and its erasure. A commenter can ask for themselves too, by a signed link mailed to the address
// (internal/privacy, internal/web/privacy_request.go): the same export document and the same store methods,
// PersonalData and ErasePersonalData.

func privacyExport(ctx context.Context, env Env, args []string) (err error) {
	fs := flagSet(env, "privacy export", usage{required: []string{"email"}, trail: "> FILE.json"})
	db := databaseFlags(fs, env)
	email := fs.String("email", "", "the commenter's `EMAIL` address")
	if err := parse(env, fs, args, 0); err != nil {
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
	out := privacy.Export(settings, data, time.Now())
	if err := writeJSON(env, out); err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "Exported %s and %s of %s.\n", blog.CountOf(len(out.Comments), "comment"),
		blog.CountOf(len(out.Subscriptions), "subscription"), data.Email)
	return nil
}

// privacyEraseAbout is privacy erase's help: what erasure keeps and what it removes.
const privacyEraseAbout = "Erases an email address from the site, at once and for good. Its comments stay, anonymised: the name becomes\n" +
	"\"" + store.AnonymousName + "\", and the email, website, IP address and user agent are erased; the text and the thread stay.\n" +
	"With --delete-comments the comments are deleted instead (replies to them stay, as top-level comments).\n" +
	"Subscriptions to discussions and pending notification emails of the address are deleted either way.\n" +
	"A user account with the address is not touched: manage writers with `salon user`.\n" +
	"Run `salon privacy export --email E` first if the person asked for a copy."

func privacyErase(ctx context.Context, env Env, args []string) (err error) {
	fs := flagSet(env, "privacy erase", usage{required: []string{"email"}, about: privacyEraseAbout})
	db := databaseFlags(fs, env)
	email := fs.String("email", "", "the commenter's `EMAIL` address")
	deleteComments := fs.Bool("delete-comments", false, "delete the comments instead of anonymising them (their text goes too)")
	if err := parse(env, fs, args, 0); err != nil {
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
	fmt.Fprintf(env.Stdout, "Erased %s: %s %s, %s deleted.\n", blog.NormalizeEmail(*email), blog.CountOf(int(e.Comments), "comment"), done,
		blog.CountOf(int(e.Subscriptions), "subscription"))
	return nil
}
