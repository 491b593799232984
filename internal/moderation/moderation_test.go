package moderation_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/moderation"
)

func TestDecide(t *testing.T) {
	defaults := blog.DefaultSettings().Discussion
	open := defaults
	open.TrustApproved = false
	words := open
	words.ModerationWords = []string{"Casino"}
	words.DisallowedWords = []string{"viagra", "10.6.6."}
	holdAll := open
	holdAll.HoldAll = true

	tests := []struct {
		name string
		in   moderation.Input
		want moderation.Decision
	}{
		{"defaults hold a first-time commenter", moderation.Input{Body: "Hi", Rules: defaults},
			moderation.Decision{blog.CommentPending, []string{"held: first comment from this email address"}}},
		{"defaults approve a returning commenter", moderation.Input{Body: "Hi", PreviouslyApproved: true, Rules: defaults},
			moderation.Decision{blog.CommentApproved, []string{"approved: this email address has an approved comment"}}},
		{"two links hold even a returning commenter", moderation.Input{Body: "x", Links: 2, PreviouslyApproved: true, Rules: defaults},
			moderation.Decision{blog.CommentPending, []string{"held: 2 links (comments with 2 or more are held)"}}},
		{"one link passes", moderation.Input{Body: "x", Links: 1, Rules: open},
			moderation.Decision{blog.CommentApproved, []string{"approved: no rule held it"}}},
		{"link rule off", moderation.Input{Body: "x", Links: 50, Rules: func() blog.Discussion { d := open; d.MaxLinks = 0; return d }()},
			moderation.Decision{blog.CommentApproved, []string{"approved: no rule held it"}}},
		{"moderation word in the body, any case", moderation.Input{Body: "best CASINO online", Rules: words},
			moderation.Decision{blog.CommentPending, []string{`held: contains the moderation word "Casino"`}}},
		{"moderation word in the website", moderation.Input{Body: "ok", URL: "https://casino.example", Rules: words},
			moderation.Decision{blog.CommentPending, []string{`held: contains the moderation word "Casino"`}}},
		{"disallowed word goes to spam", moderation.Input{Body: "cheap Viagra", Rules: words},
			moderation.Decision{blog.CommentSpam, []string{`spam: contains the disallowed word "viagra"`}}},
		{"disallowed IP fragment", moderation.Input{Body: "hello", IP: "10.6.6.7", Rules: words},
			moderation.Decision{blog.CommentSpam, []string{`spam: contains the disallowed word "10.6.6."`}}},
		{"spam wins over hold", moderation.Input{Body: "casino viagra", Links: 9, Rules: words},
			moderation.Decision{blog.CommentSpam, []string{`spam: contains the disallowed word "viagra"`}}},
		{"hold all, with every reason", moderation.Input{Body: "x", Links: 3, Rules: holdAll},
			moderation.Decision{blog.CommentPending, []string{"held: every comment is moderated", "held: 3 links (comments with 2 or more are held)"}}},
		{"trusted writers bypass the rules", moderation.Input{Body: "viagra", Trusted: true, Rules: words},
			moderation.Decision{blog.CommentApproved, []string{"approved: written by a moderator of this post"}}},
	}
	for _, tt := range tests {
		got := moderation.Decide(tt.in)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: Decide (-want +got):\n%s", tt.name, diff)
		}
	}
}
