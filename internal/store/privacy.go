package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/salon-blog/salon/internal/blog"
)

// What Salon keeps about commenters, and how it lets go of it: the comment addresses erased after the site's
// retention, and everything held about one email address exported or erased on request.

// EraseCommentAddresses blanks the IP address and network of every comment sent before before, and returns how many
// comments it changed. Rate limits count only the last hour's comments, and the moderation queue shows an address
// only while it is kept, so nothing else needs them later.
func (s *Store) EraseCommentAddresses(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.write.ExecContext(ctx, `UPDATE comments SET author_ip = '', author_net = ''
		WHERE created_at < $1 AND (author_ip <> '' OR author_net <> '')`, dbTime(before))
	if err != nil {
		return 0, fmt.Errorf("erase comment addresses: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("erase comment addresses: %w", err)
	}
	return n, nil
}

// PersonalComment is one comment written with an address, with the post it is on.
type PersonalComment struct {
	blog.Comment
	Post blog.Post // ID, Type, Title, Slug, Status and Published only
}

// PersonalData is everything the site holds under one email address.
type PersonalData struct {
	Email         string
	Comments      []PersonalComment // oldest first
	Subscriptions []blog.Subscription
	// User is the account with this email, if there is one (writers are not erased through privacy requests).
	User *blog.User
}

// PersonalData gathers what the site holds about email: its comments with their posts, its subscriptions to
// discussions, and whether a user account has that address.
func (s *Store) PersonalData(ctx context.Context, email string) (PersonalData, error) {
	email = blog.NormalizeEmail(email)
	out := PersonalData{Email: email}
	rows, err := s.read.QueryContext(ctx, `SELECT `+commentColumns+`, p.id, p.type, p.title, p.slug, p.status, p.published_at
		FROM comments c JOIN posts p ON p.id = c.post_id WHERE lower(c.author_email) = $1 ORDER BY c.created_at, c.id`, email)
	if err != nil {
		return out, fmt.Errorf("personal data of %s: comments: %w", email, err)
	}
	defer rows.Close()
	for rows.Next() {
		var pc PersonalComment
		p := &pc.Post
		pc.Comment, err = scanComment(rows, &p.ID, &p.Type, &p.Title, &p.Slug, &p.Status, &p.Published)
		if err != nil {
			return out, fmt.Errorf("personal data of %s: comments: %w", email, err)
		}
		p.Published = p.Published.UTC()
		out.Comments = append(out.Comments, pc)
	}
	if err := rows.Err(); err != nil {
		return out, fmt.Errorf("personal data of %s: comments: %w", email, err)
	}
	subs, err := s.read.QueryContext(ctx, `SELECT s.id, s.post_id, p.title, s.email, s.mode, s.status = 'active', s.created_at
		FROM subscriptions s JOIN posts p ON p.id = s.post_id WHERE lower(s.email) = $1 ORDER BY s.id`, email)
	if err != nil {
		return out, fmt.Errorf("personal data of %s: subscriptions: %w", email, err)
	}
	defer subs.Close()
	for subs.Next() {
		var sub blog.Subscription
		if err := subs.Scan(&sub.ID, &sub.PostID, &sub.PostTitle, &sub.Email, &sub.Mode, &sub.Active, &sub.Created); err != nil {
			return out, fmt.Errorf("personal data of %s: subscriptions: %w", email, err)
		}
		sub.Created = sub.Created.UTC()
		out.Subscriptions = append(out.Subscriptions, sub)
	}
	if err := subs.Err(); err != nil {
		return out, fmt.Errorf("personal data of %s: subscriptions: %w", email, err)
	}
	if u, err := s.UserByEmail(ctx, email); err == nil {
		out.User = &u
	} else if blog.ErrorCode(err) != blog.ENOTFOUND {
		return out, err
	}
	return out, nil
}

// Erasure says what ErasePersonalData changed.
type Erasure struct {
	Comments      int64 // anonymised, or deleted when Deleted
	Deleted       bool
	Subscriptions int64
}

// AnonymousName is the name an erased commenter's comments keep.
const AnonymousName = "Anonymous"

// ErasePersonalData removes an email address from the site in one transaction: its comments are anonymised (name
// "Anonymous"; email, website, IP address, network and user agent erased; the text kept), or deleted with
// deleteComments (replies to them stay, as top-level comments); its subscriptions and pending notifications are
// deleted. The spam classifier's counts learned from those comments are not undone, and the comments are no longer
// labelled as learned, so that a later moderation does not unlearn words it never learned from the new text.
// A user account with the address is left alone: accounts are managed with `salon user`.
func (s *Store) ErasePersonalData(ctx context.Context, email string, deleteComments bool) (Erasure, error) {
	email = blog.NormalizeEmail(email)
	e := Erasure{Deleted: deleteComments}
	if email == "" {
		return e, blog.Errorf(blog.EINVALID, "an email address is required")
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var postIDs []int64
		rows, err := tx.QueryContext(ctx, `SELECT DISTINCT post_id FROM comments WHERE lower(author_email) = $1`, email)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			postIDs = append(postIDs, id)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		var res sql.Result
		if deleteComments {
			res, err = tx.ExecContext(ctx, `DELETE FROM comments WHERE lower(author_email) = $1`, email)
		} else {
			res, err = tx.ExecContext(ctx, `UPDATE comments SET author_name = $2, author_email = '', author_url = '',
				author_ip = '', author_net = '', user_agent = '', spam_label = '' WHERE lower(author_email) = $1`, email, AnonymousName)
		}
		if err != nil {
			return err
		}
		if e.Comments, err = res.RowsAffected(); err != nil {
			return err
		}
		for _, id := range postIDs {
			if err := recountComments(ctx, tx, id); err != nil {
				return err
			}
		}
		for _, table := range []string{"notify_pending", "notify_threads"} {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE lower(email) = $1`, email); err != nil {
				return err
			}
		}
		if res, err = tx.ExecContext(ctx, `DELETE FROM subscriptions WHERE lower(email) = $1`, email); err != nil {
			return err
		}
		e.Subscriptions, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return e, fmt.Errorf("erase personal data of %s: %w", email, err)
	}
	return e, nil
}
