// Package moderation decides what happens to a new comment under the site's discussion rules: published at once,
// held for a moderator, or sent to spam. Decide is a pure function; each rule that fires leaves a reason, which is
// stored on the comment so that a moderator can read why it was treated as it was.
package moderation

import (
	"fmt"
	"strings"

	"github.com/salon-blog/salon/internal/blog"
)

// Input is everything the rules look at.
type Input struct {
	Name, Email, URL, IP string
	Body                 string // as typed
	Links                int    // links in the rendered comment
	// Trusted is set for a signed-in writer commenting on a post they may moderate: the rules do not apply.
	Trusted bool
	// PreviouslyApproved is set when this email address has an approved comment already.
	PreviouslyApproved bool
	Rules              blog.Discussion
}

// Decision is the status a new comment gets and why.
type Decision struct {
	Status  blog.CommentStatus
	Reasons []string
}

// Explain joins the reasons into the one line stored with the comment.
func (d Decision) Explain() string { return strings.Join(d.Reasons, "; ") }

// Decide applies the rules in WordPress's order: disallowed words send to spam before anything else; then any of
// "hold everything", too many links, a moderation word, or a first-time commenter (when only returning commenters
// are trusted) holds the comment; otherwise it is approved.
func Decide(in Input) Decision {
	if in.Trusted {
		return Decision{Status: blog.CommentApproved, Reasons: []string{"approved: written by a moderator of this post"}}
	}
	fields := []string{in.Name, in.Email, in.URL, in.IP, in.Body}
	if w, ok := findWord(in.Rules.DisallowedWords, fields); ok {
		return Decision{Status: blog.CommentSpam, Reasons: []string{fmt.Sprintf("spam: contains the disallowed word %q", w)}}
	}
	var held []string
	if in.Rules.HoldAll {
		held = append(held, "held: every comment is moderated")
	}
	if in.Rules.MaxLinks > 0 && in.Links >= in.Rules.MaxLinks {
		held = append(held, fmt.Sprintf("held: %d links (comments with %d or more are held)", in.Links, in.Rules.MaxLinks))
	}
	if w, ok := findWord(in.Rules.ModerationWords, fields); ok {
		held = append(held, fmt.Sprintf("held: contains the moderation word %q", w))
	}
	if in.Rules.TrustApproved && !in.PreviouslyApproved {
		held = append(held, "held: first comment from this email address")
	}
	if len(held) > 0 {
		return Decision{Status: blog.CommentPending, Reasons: held}
	}
	if in.Rules.TrustApproved {
		return Decision{Status: blog.CommentApproved, Reasons: []string{"approved: this email address has an approved comment"}}
	}
	return Decision{Status: blog.CommentApproved, Reasons: []string{"approved: no rule held it"}}
}

// findWord reports the first word of the list found, case-insensitively, inside any field: WordPress matches inside
// words too, so "press" catches "wordpress", which is what moderators who list URL fragments rely on.
func findWord(words, fields []string) (string, bool) {
	for _, w := range words {
		lw := strings.ToLower(w)
		for _, f := range fields {
			if lw != "" && strings.Contains(strings.ToLower(f), lw) {
				return w, true
			}
		}
	}
	return "", false
}
