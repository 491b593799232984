package comment

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/moderation"
	"github.com/salon-blog/salon/internal/spam"
)

// OwnDecisionsForSpam is how many of its own moderators' decisions of each kind (spam, not spam) a site's model
// must have learned before the classifier may send a comment to spam on its own authority. Until then a score at
// or above spam.SpamAt only holds the comment: the starting model learned from YouTube comments, and it scores some
// ordinary blog comments (thanks, a link to code) as near-certain spam (docs/spam.md, Caveats).
const OwnDecisionsForSpam = 50

// SpamStore is where the site's learned model is kept.
type SpamStore interface {
	SpamModelVersion(ctx context.Context) (int64, error)
	// SpamModel returns the model, its version, and the fewer of the site's own spam and not-spam decisions it
	// has learned.
	SpamModel(ctx context.Context) (m *spam.Model, version int64, trainedEach int, err error)
}

// Classifier scores new comments with the site's learned model. It keeps the model in memory and loads it again
// when its stored version changed, which is how a process sees training done by another one. Safe for
// concurrent use.
type Classifier struct {
	Store SpamStore

	mu          sync.Mutex
	model       *spam.Model
	version     int64
	trainedEach int
}

// current returns the model, up to date with the store.
func (c *Classifier) current(ctx context.Context) (*spam.Model, int, error) {
	v, err := c.Store.SpamModelVersion(ctx)
	if err != nil {
		return nil, 0, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.model != nil && v == c.version {
		return c.model, c.trainedEach, nil
	}
	m, version, each, err := c.Store.SpamModel(ctx)
	if err != nil {
		return nil, 0, err
	}
	c.model, c.version, c.trainedEach = m, version, each
	return m, each, nil
}

// judge is the classifier's decision on a comment: approved (it passes, and says nothing), held or spam, with the
// verdict as the reason.
func (c *Classifier) judge(ctx context.Context, in blog.CommentInput) (moderation.Decision, string, error) {
	m, each, err := c.current(ctx)
	if err != nil {
		return moderation.Decision{}, "", err
	}
	v := m.Score(spam.Comment{Text: in.Body, Name: in.Name, Email: in.Email, Website: in.URL})
	switch {
	case v.Spam >= spam.SpamAt && each >= OwnDecisionsForSpam:
		return moderation.Decision{Status: blog.CommentSpam, Reasons: []string{"spam: " + v.String()}}, v.String(), nil
	case v.Spam >= spam.SpamAt:
		return moderation.Decision{Status: blog.CommentPending, Reasons: []string{fmt.Sprintf(
			"held: %s (spam once this site's moderators have trained %d of each kind)", v, OwnDecisionsForSpam)}}, v.String(), nil
	case v.Spam >= spam.HoldAt:
		return moderation.Decision{Status: blog.CommentPending, Reasons: []string{"held: " + v.String()}}, v.String(), nil
	}
	return moderation.Decision{Status: blog.CommentApproved}, v.String(), nil
}

// stricter combines the rules' decision with the classifier's: the stricter status wins. When the classifier's
// is stricter its verdict comes first, followed by the rules' reasons if they held the comment too; otherwise the
// rules' decision stands as it is (the classifier's verdict is recorded only when it changed the outcome).
func stricter(rules, cls moderation.Decision) moderation.Decision {
	rank := map[blog.CommentStatus]int{blog.CommentApproved: 0, blog.CommentPending: 1, blog.CommentSpam: 2}
	if rank[cls.Status] <= rank[rules.Status] {
		return rules
	}
	out := moderation.Decision{Status: cls.Status, Reasons: slices.Clone(cls.Reasons)}
	if rules.Status != blog.CommentApproved {
		out.Reasons = append(out.Reasons, rules.Reasons...)
	}
	return out
}
