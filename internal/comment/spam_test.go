package comment_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/comment"
)

const channelSpam = "Check out my channel and subscribe! Free iPhone giveaway http://bit.ly/free"

// TestClassifier: the starting model only holds what it would send to spam until the site's moderators have
// trained enough of their own decisions; their training (through the store's status changes, as the queue and
// the CLI make them) changes later scores, in this process and in another one sharing the database.
func TestClassifier(t *testing.T) {
	s := newSite(t)
	s.rules.TrustApproved = false
	s.w.Spam = &comment.Classifier{Store: s.st}
	other := &comment.Workflow{Store: s.st, Now: func() time.Time { return s.now }, Spam: &comment.Classifier{Store: s.st}}

	submit := func(w *comment.Workflow, name, body string) blog.Comment {
		t.Helper()
		sub := s.submission()
		sub.Input.Name, sub.Input.Email, sub.Input.Body, sub.IP = name, strings.ToLower(name)+"@example.com", body, ""
		c, err := w.Submit(t.Context(), sub, s.rules)
		if err != nil {
			t.Fatalf("Submit(%q) error: %v", body, err)
		}
		s.now = s.now.Add(comment.FloodInterval + time.Second)
		return c
	}
	c := submit(s.w, "Spammer", channelSpam)
	if c.Status != blog.CommentPending || !strings.HasPrefix(c.Moderation, "held: over 99% spam") ||
		!strings.Contains(c.Moderation, "spam once this site's moderators have trained 50 of each kind") {
		t.Errorf("untrained site: %s %q; want held, saying it would be spam later", c.Status, c.Moderation)
	}
	if c := submit(s.w, "Reader", "Lovely photos! We visited the same village in 2019."); c.Status != blog.CommentApproved ||
		c.Moderation != "approved: no rule held it; classifier: under 1% spam" {
		t.Errorf("ordinary comment: %s %q; want approved by the rules, with the classifier's view recorded", c.Status, c.Moderation)
	}

	// The moderators train 50 of each kind: a campaign about "zorblax" (a word the starting model never saw) as
	// spam, and ordinary comments as not spam.
	// Held comments, as a site that holds every comment has: approving a held one teaches "not spam".
	var spamIDs, hamIDs []int64
	s.rules.HoldAll = true
	for i := range comment.OwnDecisionsForSpam {
		spamIDs = append(spamIDs, submit(s.w, fmt.Sprintf("Bot%d", i), fmt.Sprintf("Buy zorblax tablets number %d now", i)).ID)
		hamIDs = append(hamIDs, submit(s.w, fmt.Sprintf("Person%d", i), fmt.Sprintf("An ordinary remark about the post, number %d.", i)).ID)
	}
	s.rules.HoldAll = false
	before := submit(other, "Probe", "zorblax zorblax tablets") // scored before training, by another process
	if err := s.st.SetCommentStatus(t.Context(), spamIDs, blog.CommentSpam); err != nil {
		t.Fatal(err)
	}
	if err := s.st.SetCommentStatus(t.Context(), hamIDs, blog.CommentApproved); err != nil {
		t.Fatal(err)
	}
	after := submit(other, "Probe2", "zorblax tablets, cheap")
	if before.Status == blog.CommentSpam || after.Status != blog.CommentSpam || !strings.Contains(after.Moderation, "zorblax") {
		t.Errorf("before training: %s %q; after: %s %q; want spam after, with the word", before.Status, before.Moderation,
			after.Status, after.Moderation)
	}
	if c := submit(s.w, "Spammer2", channelSpam+" today"); c.Status != blog.CommentSpam || !strings.HasPrefix(c.Moderation, "spam: over 99% spam") {
		t.Errorf("trained site: %s %q; want spam", c.Status, c.Moderation)
	}

	// The rules still apply, and the stricter outcome wins.
	s.rules.DisallowedWords = []string{"lovely"}
	if c := submit(s.w, "Reader3", "Lovely, thank you."); c.Status != blog.CommentSpam || !strings.Contains(c.Moderation, "disallowed word") {
		t.Errorf("disallowed word: %s %q", c.Status, c.Moderation)
	}
	// A moderator of the post is not judged.
	sub := s.submission()
	sub.User, sub.Input.Body = &s.admin, "zorblax tablets, as a joke"
	if c, err := s.w.Submit(t.Context(), sub, s.rules); err != nil || c.Status != blog.CommentApproved {
		t.Errorf("moderator's comment: %s %q, %v", c.Status, c.Moderation, err)
	}
}
