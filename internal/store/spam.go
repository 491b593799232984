package store

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/spam"
)

// SpamModelVersion is the version of the site's learned spam model, which goes up with every training: a process
// that holds a copy compares it to know whether to load the model again. 0 means the site has not trained yet.
func (s *Store) SpamModelVersion(ctx context.Context) (int64, error) {
	var v int64
	err := s.read.QueryRowContext(ctx, `SELECT version FROM spam_model WHERE id = 1`).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("spam model version: %w", err)
	}
	return v, nil
}

// SpamModel loads the site's learned spam model with its version, and trainedEach: the fewer of this site's own
// spam and not-spam decisions it has learned. A site that has not trained yet gets spam.Starting at version 0.
func (s *Store) SpamModel(ctx context.Context) (m *spam.Model, version int64, trainedEach int, err error) {
	var blob string
	var nSpam, nHam int
	err = s.read.QueryRowContext(ctx, `SELECT model, version, trained_spam, trained_ham FROM spam_model WHERE id = 1`).
		Scan(&blob, &version, &nSpam, &nHam)
	if errors.Is(err, sql.ErrNoRows) {
		return spam.Starting(), 0, 0, nil
	}
	if err != nil {
		return nil, 0, 0, fmt.Errorf("load spam model: %w", err)
	}
	m, err = decodeSpamModel(blob)
	if err != nil {
		return nil, 0, 0, err
	}
	return m, version, min(nSpam, nHam), nil
}

func decodeSpamModel(blob string) (*spam.Model, error) {
	data, err := base64.StdEncoding.DecodeString(blob)
	if err != nil {
		return nil, fmt.Errorf("load spam model: %w", err)
	}
	m := spam.New()
	if err := m.UnmarshalBinary(data); err != nil {
		return nil, fmt.Errorf("load spam model: %w", err)
	}
	return m, nil
}

// spamLabel is what the model learned from one comment: "", "spam" or "ham".
type spamLabel string

// trainOnStatus makes the model learn a moderator's decision on one comment, inside SetCommentStatus's
// transaction: marking spam trains spam; approving a held or spam comment trains not-spam; a comment learned the
// other way before is unlearned first, so each comment counts once, as its latest decision. Other moves (trash,
// back to held, restoring from trash) teach nothing. tm is loaded on first use and saved by its caller.
func (s *Store) trainOnStatus(ctx context.Context, tx *sql.Tx, tm *trainingModel, id int64, from blog.CommentStatus,
	label spamLabel, to blog.CommentStatus, c spam.Comment) error {
	var want spamLabel
	switch {
	case to == blog.CommentSpam:
		want = "spam"
	case to == blog.CommentApproved && (from == blog.CommentPending || from == blog.CommentSpam):
		want = "ham"
	default:
		return nil
	}
	if want == label {
		return nil
	}
	if err := tm.load(ctx, tx, s); err != nil {
		return err
	}
	if label != "" {
		tm.model.Untrain(c, label == "spam")
		tm.count(label, -1)
	}
	tm.model.Train(c, want == "spam")
	tm.count(want, +1)
	if _, err := tx.ExecContext(ctx, `UPDATE comments SET spam_label = $1 WHERE id = $2`, string(want), id); err != nil {
		return fmt.Errorf("label comment %d %s: %w", id, want, err)
	}
	return nil
}

// trainingModel is the spam model being trained in one transaction.
type trainingModel struct {
	model       *spam.Model
	nSpam, nHam int
}

func (tm *trainingModel) count(l spamLabel, d int) {
	if l == "spam" {
		tm.nSpam = max(tm.nSpam+d, 0)
	} else {
		tm.nHam = max(tm.nHam+d, 0)
	}
}

// load reads the model for update: the row is written first (the starting model when there is none, then the
// version bumped), which locks it on PostgreSQL until the transaction ends, so that two processes training at once
// do not lose each other's work. SQLite has one writer at a time already.
func (tm *trainingModel) load(ctx context.Context, tx *sql.Tx, s *Store) error {
	if tm.model != nil {
		return nil
	}
	start, err := spam.Starting().MarshalBinary()
	if err != nil {
		return fmt.Errorf("train spam model: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO spam_model (id, model, version, trained_spam, trained_ham, updated_at)
		VALUES (1, $1, 0, 0, 0, $2) ON CONFLICT (id) DO NOTHING`, base64.StdEncoding.EncodeToString(start), s.now()); err != nil {
		return fmt.Errorf("train spam model: %w", err)
	}
	var blob string
	err = tx.QueryRowContext(ctx, `UPDATE spam_model SET version = version + 1, updated_at = $1 WHERE id = 1
		RETURNING model, trained_spam, trained_ham`, s.now()).Scan(&blob, &tm.nSpam, &tm.nHam)
	if err != nil {
		return fmt.Errorf("train spam model: %w", err)
	}
	tm.model, err = decodeSpamModel(blob)
	return err
}

// save writes the trained model back, if anything was trained.
func (tm *trainingModel) save(ctx context.Context, tx *sql.Tx) error {
	if tm.model == nil {
		return nil
	}
	data, err := tm.model.MarshalBinary()
	if err != nil {
		return fmt.Errorf("save spam model: %w", err)
	}
	_, err = tx.ExecContext(ctx, `UPDATE spam_model SET model = $1, trained_spam = $2, trained_ham = $3 WHERE id = 1`,
		base64.StdEncoding.EncodeToString(data), tm.nSpam, tm.nHam)
	if err != nil {
		return fmt.Errorf("save spam model: %w", err)
	}
	return nil
}
