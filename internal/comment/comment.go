// Package comment owns the discussion workflow: a reader's submission passes validation and the thread's rules
// (open, parent, duplicate, flood), gets its moderation decision and is stored; approved comments are built into the
// numbered, nested thread a post page shows.
package comment

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"slices"
	"strings"
	"time"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/markup"
	"github.com/salon-blog/salon/internal/moderation"
)

// FloodInterval is how long a commenter must wait between two comments.
const FloodInterval = 15 * time.Second

// Store is the storage the workflow needs.
type Store interface {
	CreateComment(ctx context.Context, c *blog.Comment) error
	Comment(ctx context.Context, id int64) (blog.Comment, error)
	UpdateComment(ctx context.Context, c *blog.Comment) error
	SetCommentStatus(ctx context.Context, ids []int64, status blog.CommentStatus) error
	HasApprovedComment(ctx context.Context, email string) (bool, error)
	LastCommentTime(ctx context.Context, email, ip string) (time.Time, error)
	IsDuplicateComment(ctx context.Context, postID int64, email, body string) (bool, error)
}

// Workflow takes comments in.
type Workflow struct {
	Store Store
	Now   func() time.Time
	// Spam scores each comment the rules do not trust or send to spam; nil leaves the classifier out.
	Spam *Classifier
}

// Submission is one reader's comment with what is known of where it came from.
type Submission struct {
	Input     blog.CommentInput
	Post      blog.Post
	IP        string
	UserAgent string
	// User is the signed-in writer submitting it, if any; a writer who may moderate the post is trusted.
	User *blog.User
	// Trap is what a program typed into the form's honeypot field, a box no person sees: such a comment is
	// stored as spam, and the sender is not told.
	Trap string
	// Checks are the notes of the checks the comment passed before it got here (the form token, rate limits),
	// recorded after the decision in the comment's moderation text.
	Checks []string
}

// FormError is the key of FieldErrors for a problem with the whole form rather than one field.
const FormError = "form"

// IsOpen reports whether the post takes new comments now, and if not, says why in words for the reader.
func IsOpen(p *blog.Post, d blog.Discussion, now time.Time) (bool, string) {
	switch {
	case !p.IsPublic(now):
		return false, "Comments are closed."
	case !d.Enabled:
		return false, "Comments are closed on this site."
	case !p.CommentsOpen:
		return false, "Comments are closed."
	case d.CloseAfterDays > 0 && now.Sub(p.Published) > time.Duration(d.CloseAfterDays)*24*time.Hour:
		return false, "Comments are closed: this post is more than " + blog.CountOf(d.CloseAfterDays, "day") + " old."
	}
	return true, ""
}

// Submit validates and stores a new comment. A refusal is a blog.FieldErrors naming the fields to fix (or
// FormError); the comment is then not stored.
func (w *Workflow) Submit(ctx context.Context, sub Submission, d blog.Discussion) (blog.Comment, error) {
	now := w.Now()
	in, err := checkInput(sub, d, now)
	if err != nil {
		return blog.Comment{}, err
	}
	if err := w.checkParent(ctx, &in); err != nil {
		return blog.Comment{}, err
	}
	if dup, err := w.Store.IsDuplicateComment(ctx, in.PostID, in.Email, in.Body); err != nil {
		return blog.Comment{}, err
	} else if dup {
		return blog.Comment{}, blog.FieldErrors{"comment": "You have already posted this comment here."}
	}
	if sub.User == nil {
		last, err := w.Store.LastCommentTime(ctx, in.Email, sub.IP)
		if err != nil {
			return blog.Comment{}, err
		}
		if !last.IsZero() && now.Sub(last) < FloodInterval {
			return blog.Comment{}, blog.FieldErrors{FormError: "You are posting comments too quickly. Please wait a few seconds and send it again."}
		}
	}
	html := markup.RenderComment(in.Body)
	approved, err := w.Store.HasApprovedComment(ctx, in.Email)
	if err != nil {
		return blog.Comment{}, err
	}
	decision := moderation.Decide(moderation.Input{
		Name: in.Name, Email: in.Email, URL: in.URL, IP: sub.IP, Body: in.Body, Links: countLinks(html),
		Trusted: sub.User != nil && mayModerate(sub.User, &sub.Post), PreviouslyApproved: approved, Rules: d,
	})
	if w.Spam != nil && decision.Status != blog.CommentSpam && !(sub.User != nil && mayModerate(sub.User, &sub.Post)) {
		cls, verdict, err := w.Spam.judge(ctx, in)
		if err != nil {
			return blog.Comment{}, err
		}
		if decided := stricter(decision, cls); decided.Status != decision.Status {
			decision = decided
		} else {
			// The rules decided; the classifier's view still belongs in the audit trail.
			sub.Checks = append(sub.Checks, "classifier: "+verdict)
		}
	}
	if sub.Trap != "" {
		decision = moderation.Decision{Status: blog.CommentSpam, Reasons: []string{
			fmt.Sprintf("spam: filled in the hidden form field that people do not see (%q)", truncate(sub.Trap, 40))}}
	}
	c := blog.Comment{
		PostID: sub.Post.ID, ParentID: in.ParentID, AuthorName: in.Name, AuthorEmail: in.Email, AuthorURL: in.URL,
		AuthorIP: sub.IP, UserAgent: truncate(sub.UserAgent, 255), Body: in.Body, Format: blog.FormatMarkdown, HTML: string(html),
		Status: decision.Status, Moderation: explain(decision.Reasons, sub.Checks), Created: now,
	}
	if sub.User != nil {
		c.UserID = sub.User.ID
	}
	if err := w.Store.CreateComment(ctx, &c); err != nil {
		return blog.Comment{}, err
	}
	return c, nil
}

// Check refuses, as Submit would, a submission whose post takes no comments or whose fields are unacceptable: the
// rules that read nothing stored. A moderator's reply is checked with them before the comment it answers is approved.
func (w *Workflow) Check(sub Submission, d blog.Discussion) error {
	_, err := checkInput(sub, d, w.Now())
	return err
}

// checkInput returns the submission's input as it would be stored, or the refusal of Check.
func checkInput(sub Submission, d blog.Discussion, now time.Time) (blog.CommentInput, error) {
	in := sub.Input
	in.PostID = sub.Post.ID
	in.Normalize()
	if sub.User != nil {
		in.Name, in.Email = sub.User.Name, sub.User.Email
	}
	if open, why := IsOpen(&sub.Post, d, now); !open {
		return in, blog.FieldErrors{FormError: why}
	}
	if fe := in.Validate(); len(fe) > 0 {
		return in, fe
	}
	return in, nil
}

// checkParent refuses a reply to a comment that is not public on the same post.
func (w *Workflow) checkParent(ctx context.Context, in *blog.CommentInput) error {
	if in.ParentID == 0 {
		return nil
	}
	parent, err := w.Store.Comment(ctx, in.ParentID)
	if blog.ErrorCode(err) == blog.ENOTFOUND || (err == nil && (parent.PostID != in.PostID || parent.Status != blog.CommentApproved)) {
		return blog.FieldErrors{FormError: "The comment you are replying to is not available any more. Your reply can still be posted as a new comment."}
	}
	return err
}

// mayModerate reports whether a signed-in user moderates comments on the post: editors and admins everywhere,
// authors on their own posts.
func mayModerate(u *blog.User, p *blog.Post) bool {
	switch u.Role {
	case blog.RoleAdmin, blog.RoleEditor:
		return true
	case blog.RoleAuthor:
		return u.ID == p.AuthorID
	}
	return false
}

// Edit replaces a comment's text, as its author may do for a short while after posting. The comment keeps its
// status: an approved comment stays approved (the edit window is too short to abuse).
func (w *Workflow) Edit(ctx context.Context, id int64, in blog.CommentInput) (blog.Comment, error) {
	c, err := w.Store.Comment(ctx, id)
	if err != nil {
		return c, err
	}
	in.Normalize()
	if fe := in.Validate(); len(fe) > 0 {
		return c, fe
	}
	c.AuthorName, c.AuthorEmail, c.AuthorURL, c.Body = in.Name, in.Email, in.URL, in.Body
	c.HTML = string(markup.RenderCommentBody(c.Format, in.Body))
	if err := w.Store.UpdateComment(ctx, &c); err != nil {
		return c, err
	}
	return c, nil
}

// Preview renders comment text as it will appear, without storing anything.
func Preview(text string) template.HTML {
	return markup.RenderComment(strings.TrimSpace(strings.ReplaceAll(text, "\r\n", "\n")))
}

// explain is the moderation text stored with a comment: the reasons for its status first, then the notes of the
// checks it passed, so that a moderator reads why it is where it is and what it went through.
func explain(reasons, checks []string) string {
	lines := slices.Clone(reasons)
	for _, c := range checks {
		if c != "" {
			lines = append(lines, c)
		}
	}
	return strings.Join(lines, "; ")
}

func countLinks(h template.HTML) int { return strings.Count(string(h), "<a ") }

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}

// IsRefusal reports whether err is the reader's to fix (field errors) rather than a fault.
func IsRefusal(err error) (blog.FieldErrors, bool) {
	var fe blog.FieldErrors
	ok := errors.As(err, &fe)
	return fe, ok
}
