package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/salon-blog/salon/internal/blog"
)

// Hooks run inside the store's own transactions, so that what they queue (River jobs) commits or rolls back with
// the change that caused it. A nil hook is skipped. They are set once, before the store is shared.
type Hooks struct {
	// CommentChanged runs when a comment is stored (status is its first status) and when a moderator moves it
	// to another status; it is not called when the status stays the same.
	CommentChanged func(ctx context.Context, tx *sql.Tx, commentID int64, status blog.CommentStatus) error
	// PostScheduled runs when a post is stored whose publication lies in the future.
	PostScheduled func(ctx context.Context, tx *sql.Tx, postID int64, at time.Time) error
}

// forUpdate locks the rows a SELECT reads until the transaction ends. SQLite has one writer at a time and needs no
// row locks (its write transactions start IMMEDIATE).
func (s *Store) forUpdate() string {
	if s.engine == enginePostgres {
		return " FOR UPDATE"
	}
	return ""
}

// Subscribe records a reader's subscription to a post's discussion. An address that has confirmed a subscription
// before is trusted at once; otherwise the subscription waits for confirmation and confirm runs in the same
// transaction (to queue the confirmation email). Subscribing again changes the mode and, while still unconfirmed,
// sends a new confirmation. sub.Active says which it is.
func (s *Store) Subscribe(ctx context.Context, sub *blog.Subscription, confirm func(ctx context.Context, tx *sql.Tx, id int64) error) error {
	sub.Email, sub.Created = blog.NormalizeEmail(sub.Email), s.now()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var known int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM subscriptions WHERE email = $1 AND status = 'active'`, sub.Email).Scan(&known); err != nil {
			return fmt.Errorf("subscribe %s: %w", sub.Email, err)
		}
		var status string
		err := tx.QueryRowContext(ctx, `SELECT id, status FROM subscriptions WHERE post_id = $1 AND email = $2`, sub.PostID, sub.Email).Scan(&sub.ID, &status)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			status = map[bool]string{true: "active", false: "pending"}[known > 0]
			var confirmed sql.NullTime
			if known > 0 {
				confirmed = sql.NullTime{Time: sub.Created, Valid: true}
			}
			err = tx.QueryRowContext(ctx, `INSERT INTO subscriptions (post_id, email, mode, status, created_at, confirmed_at)
				VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, sub.PostID, sub.Email, sub.Mode, status, sub.Created, confirmed).Scan(&sub.ID)
		case err == nil:
			_, err = tx.ExecContext(ctx, `UPDATE subscriptions SET mode = $1 WHERE id = $2`, sub.Mode, sub.ID)
		}
		if err != nil {
			return fmt.Errorf("subscribe %s to post %d: %w", sub.Email, sub.PostID, err)
		}
		sub.Active = status == "active"
		if !sub.Active && confirm != nil {
			return confirm(ctx, tx, sub.ID)
		}
		return nil
	})
}

const subscriptionColumns = `s.id, s.post_id, p.title, s.email, s.mode, s.status = 'active', s.created_at`

func scanSubscription(row interface{ Scan(...any) error }) (blog.Subscription, error) {
	var sub blog.Subscription
	err := row.Scan(&sub.ID, &sub.PostID, &sub.PostTitle, &sub.Email, &sub.Mode, &sub.Active, &sub.Created)
	return sub, err
}

// Subscription finds a subscription by ID.
func (s *Store) Subscription(ctx context.Context, id int64) (blog.Subscription, error) {
	sub, err := scanSubscription(s.read.QueryRowContext(ctx, `SELECT `+subscriptionColumns+`
		FROM subscriptions s JOIN posts p ON p.id = s.post_id WHERE s.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return sub, blog.Errorf(blog.ENOTFOUND, "this subscription no longer exists")
	}
	if err != nil {
		return sub, fmt.Errorf("subscription %d: %w", id, err)
	}
	return sub, nil
}

// ConfirmSubscription activates a subscription whose address was confirmed.
func (s *Store) ConfirmSubscription(ctx context.Context, id int64) error {
	res, err := s.write.ExecContext(ctx, `UPDATE subscriptions SET status = 'active', confirmed_at = $1
		WHERE id = $2 AND status = 'pending'`, s.now(), id)
	if err != nil {
		return fmt.Errorf("confirm subscription %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("confirm subscription %d: %w", id, err)
	} else if n == 0 {
		if _, err := s.Subscription(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

// SubscriptionsByEmail lists an address's subscriptions, newest first.
func (s *Store) SubscriptionsByEmail(ctx context.Context, email string) ([]blog.Subscription, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+subscriptionColumns+`
		FROM subscriptions s JOIN posts p ON p.id = s.post_id WHERE s.email = $1 ORDER BY s.id DESC`, blog.NormalizeEmail(email))
	if err != nil {
		return nil, fmt.Errorf("subscriptions of %s: %w", email, err)
	}
	defer rows.Close()
	var subs []blog.Subscription
	for rows.Next() {
		sub, err := scanSubscription(rows)
		if err != nil {
			return nil, fmt.Errorf("subscriptions of %s: %w", email, err)
		}
		subs = append(subs, sub)
	}
	return subs, rows.Err()
}

// Unsubscribe deletes an address's subscriptions: the one given by id, or every one when id is 0. Emails already
// waiting for the address are dropped with them. It reports how many subscriptions ended.
func (s *Store) Unsubscribe(ctx context.Context, email string, id int64) (int, error) {
	email = blog.NormalizeEmail(email)
	var n int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		q, args := `DELETE FROM subscriptions WHERE email = $1`, []any{email}
		pq, pargs := `DELETE FROM notify_pending WHERE email = $1`, []any{email}
		if id != 0 {
			q, args = q+` AND id = $2`, append(args, id)
			pq, pargs = pq+` AND post_id IN (SELECT post_id FROM subscriptions WHERE id = $2)`, append(pargs, id)
		}
		if _, err := tx.ExecContext(ctx, pq, pargs...); err != nil {
			return fmt.Errorf("unsubscribe %s: %w", email, err)
		}
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("unsubscribe %s: %w", email, err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}

// QueueForSubscribers hands an approved comment to the subscribers it concerns: those who asked for every comment
// on its post, and those who asked for replies when it answers one of their comments; never its own author. Each
// recipient's thread gets the comment in its waiting list, and, unless a job is queued for that thread already,
// enqueue queues (in the transaction) the job that sends the thread's next email at the end of its quiet window (now, if the last email is older than window). It
// returns the addresses concerned. A comment that is not approved concerns nobody.
func (s *Store) QueueForSubscribers(ctx context.Context, commentID int64, window time.Duration, enqueue func(ctx context.Context, tx *sql.Tx, email string, postID int64, at time.Time) error) ([]string, error) {
	var emails []string
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var (
			postID      int64
			author      string
			status      blog.CommentStatus
			parentEmail sql.NullString
		)
		err := tx.QueryRowContext(ctx, `SELECT c.post_id, c.author_email, c.status, p.author_email
			FROM comments c LEFT JOIN comments p ON p.id = c.parent_id WHERE c.id = $1`, commentID).Scan(&postID, &author, &status, &parentEmail)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && status != blog.CommentApproved) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("subscribers of comment %d: %w", commentID, err)
		}
		rows, err := tx.QueryContext(ctx, `SELECT email FROM subscriptions WHERE post_id = $1 AND status = 'active'
			AND lower(email) <> lower($2) AND (mode = 'all' OR lower(email) = lower($3)) ORDER BY email`, postID, author, parentEmail.String)
		if err != nil {
			return fmt.Errorf("subscribers of comment %d: %w", commentID, err)
		}
		for rows.Next() {
			var e string
			if err := rows.Scan(&e); err != nil {
				rows.Close()
				return fmt.Errorf("subscribers of comment %d: %w", commentID, err)
			}
			emails = append(emails, e)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("subscribers of comment %d: %w", commentID, err)
		}
		for _, e := range emails {
			if _, err := tx.ExecContext(ctx, `INSERT INTO notify_pending (email, post_id, comment_id, created_at)
				VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, e, postID, commentID, s.now()); err != nil {
				return fmt.Errorf("queue comment %d for %s: %w", commentID, e, err)
			}
			if err := s.scheduleThread(ctx, tx, e, postID, window, enqueue, false); err != nil {
				return err
			}
		}
		return nil
	})
	return emails, err
}

// scheduleThread locks a recipient's thread row and queues its next email unless one is queued already (or, when
// requeue is set, because the caller is that queued job finishing and more comments have come meanwhile).
func (s *Store) scheduleThread(ctx context.Context, tx *sql.Tx, email string, postID int64, window time.Duration, enqueue func(ctx context.Context, tx *sql.Tx, email string, postID int64, at time.Time) error, finishing bool) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO notify_threads (email, post_id, queued) VALUES ($1, $2, FALSE)
		ON CONFLICT DO NOTHING`, email, postID); err != nil {
		return fmt.Errorf("thread of %s on post %d: %w", email, postID, err)
	}
	var (
		last   sql.NullTime
		queued bool
	)
	if err := tx.QueryRowContext(ctx, `SELECT last_sent_at, queued FROM notify_threads WHERE email = $1 AND post_id = $2`+s.forUpdate(),
		email, postID).Scan(&last, &queued); err != nil {
		return fmt.Errorf("thread of %s on post %d: %w", email, postID, err)
	}
	if finishing {
		if _, err := tx.ExecContext(ctx, `UPDATE notify_threads SET last_sent_at = $1, queued = FALSE WHERE email = $2 AND post_id = $3`,
			s.now(), email, postID); err != nil {
			return fmt.Errorf("thread of %s on post %d: %w", email, postID, err)
		}
		last, queued = sql.NullTime{Time: s.now(), Valid: true}, false
		var waiting int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM notify_pending WHERE email = $1 AND post_id = $2`, email, postID).Scan(&waiting); err != nil {
			return fmt.Errorf("thread of %s on post %d: %w", email, postID, err)
		}
		if waiting == 0 {
			return nil
		}
	}
	if queued {
		return nil
	}
	at := s.now()
	if last.Valid && last.Time.Add(window).After(at) {
		at = last.Time.Add(window)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE notify_threads SET queued = TRUE WHERE email = $1 AND post_id = $2`, email, postID); err != nil {
		return fmt.Errorf("thread of %s on post %d: %w", email, postID, err)
	}
	return enqueue(ctx, tx, email, postID, at)
}

// PendingNotifications lists the comments waiting to go to email about a post, oldest first. Comments no longer
// approved (a moderator changed their mind) are left out.
func (s *Store) PendingNotifications(ctx context.Context, email string, postID int64) ([]blog.Comment, error) {
	return s.queryComments(ctx, `SELECT `+commentColumns+` FROM comments c JOIN notify_pending n ON n.comment_id = c.id
		WHERE n.email = $1 AND n.post_id = $2 AND c.status = 'approved' ORDER BY c.id`, email, postID)
}

// FinishNotification records that the thread's email with the given comments went out: they leave the waiting
// list, the quiet window starts now, and if more comments came meanwhile the next email is queued for the end of
// the window.
func (s *Store) FinishNotification(ctx context.Context, email string, postID int64, sent []int64, window time.Duration, enqueue func(ctx context.Context, tx *sql.Tx, email string, postID int64, at time.Time) error) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		// Lock the thread first, as QueueForSubscribers does, so that a comment queued meanwhile is seen.
		if _, err := tx.ExecContext(ctx, `UPDATE notify_threads SET queued = queued WHERE email = $1 AND post_id = $2`, email, postID); err != nil {
			return fmt.Errorf("finish notification of %s: %w", email, err)
		}
		for _, id := range sent {
			if _, err := tx.ExecContext(ctx, `DELETE FROM notify_pending WHERE email = $1 AND comment_id = $2`, email, id); err != nil {
				return fmt.Errorf("finish notification of %s: %w", email, err)
			}
		}
		// Comments that stopped being approved are dropped too: they will not be sent.
		if _, err := tx.ExecContext(ctx, `DELETE FROM notify_pending WHERE email = $1 AND post_id = $2
			AND comment_id IN (SELECT id FROM comments WHERE status <> 'approved')`, email, postID); err != nil {
			return fmt.Errorf("finish notification of %s: %w", email, err)
		}
		return s.scheduleThread(ctx, tx, email, postID, window, enqueue, true)
	})
}

// RecordPublication notes that a scheduled post's moment came; recording it again changes nothing. It reports
// whether this call recorded it.
func (s *Store) RecordPublication(ctx context.Context, postID int64, at time.Time) (bool, error) {
	res, err := s.write.ExecContext(ctx, `INSERT INTO post_publications (post_id, published_at, recorded_at) VALUES ($1, $2, $3)
		ON CONFLICT (post_id) DO NOTHING`, postID, dbTime(at), s.now())
	if err != nil {
		return false, fmt.Errorf("record publication of post %d: %w", postID, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// schedulePost runs the PostScheduled hook for a post stored with a publication in the future.
func (s *Store) schedulePost(ctx context.Context, tx *sql.Tx, p *blog.Post) error {
	if s.Hooks.PostScheduled == nil || p.ID == 0 || (p.Status != blog.StatusFuture && p.Status != blog.StatusPublish) || !p.Published.After(s.now()) {
		return nil
	}
	return s.Hooks.PostScheduled(ctx, tx, p.ID, p.Published)
}

// commentChanged runs the CommentChanged hook.
func (s *Store) commentChanged(ctx context.Context, tx *sql.Tx, id int64, status blog.CommentStatus) error {
	if s.Hooks.CommentChanged == nil {
		return nil
	}
	return s.Hooks.CommentChanged(ctx, tx, id, status)
}

// SubscriptionFor finds an address's subscription to a post.
func (s *Store) SubscriptionFor(ctx context.Context, email string, postID int64) (blog.Subscription, error) {
	sub, err := scanSubscription(s.read.QueryRowContext(ctx, `SELECT `+subscriptionColumns+`
		FROM subscriptions s JOIN posts p ON p.id = s.post_id WHERE s.email = $1 AND s.post_id = $2`, blog.NormalizeEmail(email), postID))
	if errors.Is(err, sql.ErrNoRows) {
		return sub, blog.Errorf(blog.ENOTFOUND, "this subscription no longer exists")
	}
	if err != nil {
		return sub, fmt.Errorf("subscription of %s to post %d: %w", email, postID, err)
	}
	return sub, nil
}
