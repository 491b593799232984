package comment_test

import (
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/comment"
	"github.com/salon-blog/salon/internal/post"
	"github.com/salon-blog/salon/internal/store"
)

var _ comment.Store = (*store.Store)(nil)

// site is a real SQLite store with an administrator, an author and two published posts, and a workflow whose clock
// the test moves.
type site struct {
	st          *store.Store
	w           *comment.Workflow
	now         time.Time
	admin       blog.User
	author      blog.User
	post, other blog.Post
	rules       blog.Discussion
	parent      int64 // a comment the test replies to
}

func newSite(t *testing.T) *site {
	t.Helper()
	ctx := t.Context()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), store.DefaultDatabaseFile))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Error(err)
		}
	})
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	s := &site{st: st, now: t0, rules: blog.DefaultSettings().Discussion}
	st.Now = func() time.Time { return s.now }
	s.w = &comment.Workflow{Store: st, Now: func() time.Time { return s.now }}
	s.admin = s.user(t, "Ann Admin", blog.RoleAdmin)
	s.author = s.user(t, "Otto Author", blog.RoleAuthor)
	s.post = s.publish(t, "Discussed post", t0.Add(-24*time.Hour), false)
	s.other = s.publish(t, "Other post", t0.Add(-24*time.Hour), false)
	return s
}

func (s *site) user(t *testing.T, name string, role blog.Role) blog.User {
	t.Helper()
	slug := blog.Slugify(name)
	u := blog.User{Email: slug + "@example.com", Name: name, Slug: slug, Role: role, PasswordHash: "$argon2id$v=19$m=65536,t=1,p=2$c2FsdA$aGFzaA"}
	if err := s.st.CreateUser(t.Context(), &u); err != nil {
		t.Fatal(err)
	}
	return u
}

// publish writes a post by the administrator through the writing workflow.
func (s *site) publish(t *testing.T, title string, date time.Time, closed bool) blog.Post {
	t.Helper()
	w := &post.Writer{Store: s.st, Now: func() time.Time { return s.now }}
	p, err := w.Create(t.Context(), post.Draft{Title: title, Body: "Text of " + title + ".", Date: date, CommentsClosed: closed,
		AuthorEmail: s.admin.Email})
	if err != nil {
		t.Fatalf("create post %q: %v", title, err)
	}
	return p
}

// submission is a valid comment on the site's post from a first-time commenter.
func (s *site) submission() comment.Submission {
	return comment.Submission{
		Input: blog.CommentInput{PostID: s.post.ID, Name: "Rita Reader", Email: "rita@example.com", Body: "A thoughtful comment."},
		Post:  s.post, IP: "192.0.2.10", UserAgent: "Mozilla/5.0 (Test)",
	}
}

// submit submits sub and moves the clock past the flood interval.
func (s *site) submit(t *testing.T, sub comment.Submission) (blog.Comment, error) {
	t.Helper()
	c, err := s.w.Submit(t.Context(), sub, s.rules)
	s.now = s.now.Add(comment.FloodInterval + time.Second)
	return c, err
}

// mustSubmit submits a comment that must be accepted, with the given name, email and text.
func (s *site) mustSubmit(t *testing.T, p blog.Post, parent int64, name, email, body string) blog.Comment {
	t.Helper()
	sub := s.submission()
	sub.Post, sub.Input.PostID, sub.Input.ParentID = p, p.ID, parent
	sub.Input.Name, sub.Input.Email, sub.Input.Body, sub.IP = name, email, body, ""
	c, err := s.submit(t, sub)
	if err != nil {
		t.Fatalf("Submit(%s: %q) error: %v", name, body, err)
	}
	return c
}

func (s *site) approve(t *testing.T, ids ...int64) {
	t.Helper()
	if err := s.st.SetCommentStatus(t.Context(), ids, blog.CommentApproved); err != nil {
		t.Fatal(err)
	}
}

func (s *site) stored(t *testing.T) int {
	t.Helper()
	_, total, err := s.st.Comments(t.Context(), blog.CommentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return total
}

func TestSubmit(t *testing.T) {
	long := func(r string, n int) string { return strings.Repeat(r, n) }
	tests := []struct {
		name  string
		setup func(t *testing.T, s *site) // prior comments and changes to the site
		edit  func(s *site, sub *comment.Submission)
		// Either the fields refused, each with a part of its message…
		refused map[string]string
		// …or the status and moderation reason of the stored comment, and what else to check of it.
		status blog.CommentStatus
		why    string
		count  int // approved comments on the post afterwards
		check  func(t *testing.T, s *site, c blog.Comment)
	}{
		{name: "a first comment is held by default", status: blog.CommentPending, why: "held: first comment from this email address",
			check: func(t *testing.T, s *site, c blog.Comment) {
				want := blog.Comment{ID: c.ID, PostID: s.post.ID, AuthorName: "Rita Reader", AuthorEmail: "rita@example.com",
					AuthorIP: "192.0.2.10", UserAgent: "Mozilla/5.0 (Test)", Body: "A thoughtful comment.",
					Format: blog.FormatMarkdown, HTML: "<p>A thoughtful comment.</p>\n", Status: blog.CommentPending,
					Moderation: "held: first comment from this email address", Created: s.now, Updated: s.now}
				if diff := cmp.Diff(want, c); diff != "" {
					t.Errorf("Submit() (-want +got):\n%s", diff)
				}
			}},

		// Each field.
		{name: "everything missing", edit: func(s *site, sub *comment.Submission) { sub.Input = blog.CommentInput{PostID: s.post.ID} },
			refused: map[string]string{"author": "Please enter your name.", "email": "It will not be published.", "comment": "Please type your comment."}},
		{name: "blank fields", edit: func(s *site, sub *comment.Submission) {
			sub.Input.Name, sub.Input.Email, sub.Input.Body = " \t", " ", "\r\n \n"
		}, refused: map[string]string{"author": "enter your name", "email": "enter your email", "comment": "type your comment"}},
		{name: "invalid email", edit: func(s *site, sub *comment.Submission) { sub.Input.Email = "rita@" },
			refused: map[string]string{"email": "valid email address"}},
		{name: "email with a display name", edit: func(s *site, sub *comment.Submission) { sub.Input.Email = "Rita <rita@example.com>" },
			refused: map[string]string{"email": "valid email address"}},
		{name: "website not http", edit: func(s *site, sub *comment.Submission) { sub.Input.URL = "ftp://files.example.com" },
			refused: map[string]string{"url": "http:// or https://"}},
		{name: "javascript: website", edit: func(s *site, sub *comment.Submission) { sub.Input.URL = "javascript:alert(1)" },
			refused: map[string]string{"url": "http:// or https://"}},
		{name: "javascript: website with a dot", edit: func(s *site, sub *comment.Submission) { sub.Input.URL = "javascript:alert(document.cookie)" },
			refused: map[string]string{"url": "http:// or https://"}},
		{name: "data: website", edit: func(s *site, sub *comment.Submission) { sub.Input.URL = "data:text/html,<script>x</script>" },
			refused: map[string]string{"url": "http:// or https://"}},
		{name: "website with a password", edit: func(s *site, sub *comment.Submission) { sub.Input.URL = "https://user:pw@example.com" },
			refused: map[string]string{"url": "http:// or https://"}},
		{name: "website without a host", edit: func(s *site, sub *comment.Submission) { sub.Input.URL = "https://" },
			refused: map[string]string{"url": "http:// or https://"}},
		{name: "a bare domain becomes https", edit: func(s *site, sub *comment.Submission) { sub.Input.URL = " example.com " },
			status: blog.CommentPending, check: func(t *testing.T, s *site, c blog.Comment) {
				if c.AuthorURL != "https://example.com" {
					t.Errorf("AuthorURL = %q; want %q", c.AuthorURL, "https://example.com")
				}
			}},
		{name: "fields are trimmed and the email lowercased", edit: func(s *site, sub *comment.Submission) {
			sub.Input.Name, sub.Input.Email, sub.Input.URL, sub.Input.Body = "  Rita  ", " Rita@Example.COM ", "http://rita.example/", "\n Line one\r\nLine two \n"
		}, status: blog.CommentPending, check: func(t *testing.T, s *site, c blog.Comment) {
			got := []string{c.AuthorName, c.AuthorEmail, c.AuthorURL, c.Body}
			want := []string{"Rita", "rita@example.com", "http://rita.example/", "Line one\nLine two"}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("stored name, email, url, body (-want +got):\n%s", diff)
			}
		}},
		{name: "name of 245 characters", edit: func(s *site, sub *comment.Submission) { sub.Input.Name = long("é", 245) }, status: blog.CommentPending},
		{name: "name of 246 characters", edit: func(s *site, sub *comment.Submission) { sub.Input.Name = long("é", 246) },
			refused: map[string]string{"author": "at most 245 characters"}},
		{name: "email of 101 characters", edit: func(s *site, sub *comment.Submission) { sub.Input.Email = long("r", 89) + "@example.com" },
			refused: map[string]string{"email": "at most 100 characters"}},
		{name: "email of 100 characters", edit: func(s *site, sub *comment.Submission) { sub.Input.Email = long("r", 88) + "@example.com" },
			status: blog.CommentPending},
		{name: "website of 201 characters", edit: func(s *site, sub *comment.Submission) { sub.Input.URL = "https://example.com/" + long("a", 181) },
			refused: map[string]string{"url": "at most 200 characters"}},
		{name: "website of 200 characters", edit: func(s *site, sub *comment.Submission) { sub.Input.URL = "https://example.com/" + long("a", 180) },
			status: blog.CommentPending},
		{name: "comment of 65,526 characters", edit: func(s *site, sub *comment.Submission) { sub.Input.Body = long("ü", 65526) },
			refused: map[string]string{"comment": "at most 65,525 characters"}},
		{name: "comment of 65,525 characters", edit: func(s *site, sub *comment.Submission) { sub.Input.Body = long("ü", 65525) },
			status: blog.CommentPending},
		{name: "several fields wrong at once", edit: func(s *site, sub *comment.Submission) {
			sub.Input.Name, sub.Input.Email, sub.Input.URL, sub.Input.Body = "", "x", "javascript:void(0)", long("a", 65526)
		}, refused: map[string]string{"author": "name", "email": "valid", "url": "http", "comment": "too long"}},

		// Whether the thread is open.
		{name: "comments closed on the post", setup: func(t *testing.T, s *site) { s.post = s.publish(t, "Closed", t0.Add(-time.Hour), true) },
			refused: map[string]string{comment.FormError: "Comments are closed."}},
		{name: "comments switched off for the site", setup: func(t *testing.T, s *site) { s.rules.Enabled = false },
			refused: map[string]string{comment.FormError: "closed on this site"}},
		{name: "post older than close_comments_days_old", setup: func(t *testing.T, s *site) {
			s.rules.CloseAfterDays = 30
			s.post = s.publish(t, "Old", t0.Add(-31*24*time.Hour), false)
		}, refused: map[string]string{comment.FormError: "more than 30 days old"}},
		{name: "post younger than close_comments_days_old", setup: func(t *testing.T, s *site) {
			s.rules.CloseAfterDays = 30
			s.post = s.publish(t, "Recent", t0.Add(-29*24*time.Hour), false)
		}, status: blog.CommentPending},
		{name: "post older than one day", setup: func(t *testing.T, s *site) { s.rules.CloseAfterDays = 1 },
			edit:    func(s *site, sub *comment.Submission) { sub.Post.Published = t0.Add(-25 * time.Hour) },
			refused: map[string]string{comment.FormError: "more than 1 day old"}},
		{name: "draft post", edit: func(s *site, sub *comment.Submission) { sub.Post.Status = blog.StatusDraft },
			refused: map[string]string{comment.FormError: "Comments are closed."}},
		{name: "scheduled post not yet live", edit: func(s *site, sub *comment.Submission) {
			sub.Post.Status, sub.Post.Published = blog.StatusFuture, s.now.Add(time.Hour)
		}, refused: map[string]string{comment.FormError: "Comments are closed."}},
		{name: "a closed post refuses even a signed-in administrator", setup: func(t *testing.T, s *site) {
			s.post = s.publish(t, "Closed", t0.Add(-time.Hour), true)
		}, edit: func(s *site, sub *comment.Submission) { sub.User = &s.admin },
			refused: map[string]string{comment.FormError: "Comments are closed."}},

		// Replies.
		{name: "reply to an approved comment", edit: func(s *site, sub *comment.Submission) { sub.Input.ParentID = s.parent },
			setup:  withApprovedComment,
			status: blog.CommentPending, count: 1, check: func(t *testing.T, s *site, c blog.Comment) {
				if c.ParentID != s.parent {
					t.Errorf("ParentID = %d; want %d", c.ParentID, s.parent)
				}
			}},
		{name: "reply to a held comment", setup: func(t *testing.T, s *site) {
			s.parent = s.mustSubmit(t, s.post, 0, "Held Harry", "harry@example.com", "Held.").ID
		}, edit: func(s *site, sub *comment.Submission) { sub.Input.ParentID = s.parent },
			refused: map[string]string{comment.FormError: "not available any more"}},
		{name: "reply to a comment on another post", setup: func(t *testing.T, s *site) {
			c := s.mustSubmit(t, s.other, 0, "Elsewhere", "else@example.com", "Elsewhere.")
			s.approve(t, c.ID)
			s.parent = c.ID
		}, edit: func(s *site, sub *comment.Submission) { sub.Input.ParentID = s.parent },
			refused: map[string]string{comment.FormError: "not available any more"}},
		{name: "reply to a missing comment", edit: func(s *site, sub *comment.Submission) { sub.Input.ParentID = 999 },
			refused: map[string]string{comment.FormError: "not available any more"}},
		{name: "reply to a trashed comment", setup: func(t *testing.T, s *site) {
			withApprovedComment(t, s)
			if err := s.st.SetCommentStatus(t.Context(), []int64{s.parent}, blog.CommentTrash); err != nil {
				t.Fatal(err)
			}
		}, edit: func(s *site, sub *comment.Submission) { sub.Input.ParentID = s.parent },
			refused: map[string]string{comment.FormError: "not available any more"}},

		// Duplicates and floods.
		{name: "the same comment twice", setup: func(t *testing.T, s *site) {
			s.mustSubmit(t, s.post, 0, "Rita", "rita@example.com", "A thoughtful comment.")
		}, edit: func(s *site, sub *comment.Submission) { sub.Input.Email = "RITA@example.com" },
			refused: map[string]string{"comment": "already posted this comment"}},
		{name: "the same comment again after it was trashed", setup: func(t *testing.T, s *site) {
			c := s.mustSubmit(t, s.post, 0, "Rita", "rita@example.com", "A thoughtful comment.")
			if err := s.st.SetCommentStatus(t.Context(), []int64{c.ID}, blog.CommentTrash); err != nil {
				t.Fatal(err)
			}
		}, status: blog.CommentPending},
		{name: "the same text on another post", setup: func(t *testing.T, s *site) {
			s.mustSubmit(t, s.other, 0, "Rita", "rita@example.com", "A thoughtful comment.")
		}, status: blog.CommentPending},
		{name: "a second comment within 15 seconds by email", setup: func(t *testing.T, s *site) {
			s.mustSubmit(t, s.other, 0, "Rita", "rita@example.com", "Earlier.")
			s.now = s.now.Add(-comment.FloodInterval - time.Second + 14*time.Second) // 14 s after it
		}, refused: map[string]string{comment.FormError: "too quickly"}},
		{name: "a second comment within 15 seconds by IP", setup: func(t *testing.T, s *site) {
			sub := s.submission()
			sub.Input.Email, sub.Input.Body = "other@example.com", "Earlier."
			if _, err := s.submit(t, sub); err != nil {
				t.Fatal(err)
			}
			s.now = s.now.Add(-comment.FloodInterval - time.Second + 1*time.Second)
		}, refused: map[string]string{comment.FormError: "too quickly"}},
		{name: "a second comment 15 seconds later", setup: func(t *testing.T, s *site) {
			s.mustSubmit(t, s.other, 0, "Rita", "rita@example.com", "Earlier.")
			s.now = s.now.Add(-time.Second) // exactly FloodInterval after it
		}, status: blog.CommentPending},
		{name: "someone else at the same moment", setup: func(t *testing.T, s *site) {
			s.mustSubmit(t, s.post, 0, "Sam", "sam@example.com", "Same moment.")
			s.now = s.now.Add(-comment.FloodInterval - time.Second)
		}, status: blog.CommentPending},

		// Moderation.
		{name: "a commenter with an approved comment is approved", setup: func(t *testing.T, s *site) {
			c := s.mustSubmit(t, s.other, 0, "Rita", "rita@example.com", "Earlier.")
			s.approve(t, c.ID)
		}, status: blog.CommentApproved, why: "approved: this email address has an approved comment",
			count: 1},
		{name: "a commenter whose earlier comment is still held is held", setup: func(t *testing.T, s *site) {
			s.mustSubmit(t, s.other, 0, "Rita", "rita@example.com", "Earlier.")
		}, status: blog.CommentPending, why: "held: first comment from this email address"},
		{name: "two links are held", setup: withTrustedRita,
			edit: func(s *site, sub *comment.Submission) {
				sub.Input.Body = "See [one](https://one.example) and https://two.example for more."
			}, status: blog.CommentPending, why: "held: 2 links (comments with 2 or more are held)"},
		{name: "one link is not", setup: withTrustedRita,
			edit:   func(s *site, sub *comment.Submission) { sub.Input.Body = "See [one](https://one.example)." },
			status: blog.CommentApproved, count: 1},
		{name: "a moderation word holds", setup: func(t *testing.T, s *site) {
			withTrustedRita(t, s)
			s.rules.ModerationWords = []string{"Casino"}
		}, edit: func(s *site, sub *comment.Submission) { sub.Input.Body = "Visit my CASINO." },
			status: blog.CommentPending, why: `held: contains the moderation word "Casino"`},
		{name: "a disallowed word sends to spam", setup: func(t *testing.T, s *site) {
			withTrustedRita(t, s)
			s.rules.DisallowedWords = []string{"pills"}
		}, edit: func(s *site, sub *comment.Submission) { sub.Input.URL = "https://cheap-pills.example" },
			status: blog.CommentSpam, why: `spam: contains the disallowed word "pills"`},
		{name: "hold all holds a trusted commenter", setup: func(t *testing.T, s *site) {
			withTrustedRita(t, s)
			s.rules.HoldAll = true
		}, status: blog.CommentPending, why: "held: every comment is moderated"},
		{name: "without the trust rule a first comment is approved", setup: func(t *testing.T, s *site) { s.rules.TrustApproved = false },
			status: blog.CommentApproved, why: "approved: no rule held it",
			count: 1},

		// Signed-in writers.
		{name: "a signed-in administrator is approved under their own name", setup: func(t *testing.T, s *site) {
			s.rules.HoldAll = true
			s.rules.ModerationWords = []string{"thoughtful"}
			s.mustSubmit(t, s.other, 0, "Ann", s.admin.Email, "Just now.") // no flood rule for writers
			s.now = s.now.Add(-comment.FloodInterval)
		}, edit: func(s *site, sub *comment.Submission) {
			sub.User = &s.admin
			sub.Input.Name, sub.Input.Email = "Someone Else", "someone@example.com"
		}, status: blog.CommentApproved, why: "approved: written by a moderator of this post",
			count: 1, check: func(t *testing.T, s *site, c blog.Comment) {
				if c.AuthorName != s.admin.Name || c.AuthorEmail != s.admin.Email || c.UserID != s.admin.ID {
					t.Errorf("comment by %q <%s> (user %d); want %q <%s> (user %d)", c.AuthorName, c.AuthorEmail, c.UserID,
						s.admin.Name, s.admin.Email, s.admin.ID)
				}
			}},
		{name: "a signed-in author on another's post follows the rules", edit: func(s *site, sub *comment.Submission) { sub.User = &s.author },
			status: blog.CommentPending, why: "held: first comment from this email address",
			check: func(t *testing.T, s *site, c blog.Comment) {
				if c.AuthorName != s.author.Name || c.UserID != s.author.ID {
					t.Errorf("comment by %q (user %d); want %q (user %d)", c.AuthorName, c.UserID, s.author.Name, s.author.ID)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newSite(t)
			if tt.setup != nil {
				tt.setup(t, s)
			}
			before := s.stored(t)
			sub := s.submission()
			if tt.edit != nil {
				tt.edit(s, &sub)
			}
			c, err := s.w.Submit(t.Context(), sub, s.rules)
			if tt.refused != nil {
				fe, ok := comment.IsRefusal(err)
				if !ok {
					t.Fatalf("Submit() = %+v, %v; want refused fields %v", c, err, tt.refused)
				}
				if got, want := slices.Sorted(maps.Keys(fe)), slices.Sorted(maps.Keys(tt.refused)); !slices.Equal(got, want) {
					t.Errorf("Submit() refused %v; want %v", fe, want)
				}
				for k, part := range tt.refused {
					if !strings.Contains(fe[k], part) {
						t.Errorf("Submit() message for %q = %q; want it to contain %q", k, fe[k], part)
					}
				}
				if n := s.stored(t); n != before {
					t.Errorf("a refused comment was stored: %d comments; want %d", n, before)
				}
				return
			}
			if err != nil {
				t.Fatalf("Submit() error: %v", err)
			}
			if c.ID == 0 || c.Status != tt.status {
				t.Errorf("Submit() = comment %d, %s; want a stored, %s comment", c.ID, c.Status, tt.status)
			}
			if tt.why != "" && c.Moderation != tt.why {
				t.Errorf("Submit() moderation = %q; want %q", c.Moderation, tt.why)
			}
			if tt.check != nil {
				tt.check(t, s, c)
			}
			got, err := s.st.Comment(t.Context(), c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(c, got); diff != "" {
				t.Errorf("stored comment differs from the one returned (-returned +stored):\n%s", diff)
			}
			p, err := s.st.Post(t.Context(), c.PostID)
			if err != nil {
				t.Fatal(err)
			}
			if p.CommentCount != tt.count {
				t.Errorf("post comment_count = %d; want %d", p.CommentCount, tt.count)
			}
		})
	}
}

// withApprovedComment stores an approved comment on the post and remembers it as the parent to reply to.
func withApprovedComment(t *testing.T, s *site) {
	t.Helper()
	c := s.mustSubmit(t, s.post, 0, "Pat", "pat@example.com", "First!")
	s.approve(t, c.ID)
	s.parent = c.ID
}

// withTrustedRita gives Rita an approved comment on the other post, so that only the other rules may hold her.
func withTrustedRita(t *testing.T, s *site) {
	t.Helper()
	c := s.mustSubmit(t, s.other, 0, "Rita", "rita@example.com", "Earlier.")
	s.approve(t, c.ID)
}

// TestSubmitModerationSequence: the trust rule over a commenter's life, with the clock moving as on a real site.
func TestSubmitModerationSequence(t *testing.T) {
	s := newSite(t)
	first := s.mustSubmit(t, s.post, 0, "Rita", "rita@example.com", "One.")
	second := s.mustSubmit(t, s.post, 0, "Rita", "rita@example.com", "Two.")
	if first.Status != blog.CommentPending || second.Status != blog.CommentPending {
		t.Fatalf("before any approval: %s, %s; want pending, pending", first.Status, second.Status)
	}
	s.approve(t, first.ID)
	third := s.mustSubmit(t, s.post, first.ID, "Rita", "rita@example.com", "Three.")
	if third.Status != blog.CommentApproved {
		t.Errorf("after an approval: %s; want approved", third.Status)
	}
	if err := s.st.SetCommentStatus(t.Context(), []int64{first.ID, third.ID}, blog.CommentSpam); err != nil {
		t.Fatal(err)
	}
	fourth := s.mustSubmit(t, s.post, 0, "Rita", "rita@example.com", "Four.")
	if fourth.Status != blog.CommentPending {
		t.Errorf("after her approved comments went to spam: %s; want pending", fourth.Status)
	}
}

// TestSubmitInputPostID: the post a comment goes on is sub.Post, and every rule must judge it against that post,
// whatever Input.PostID says.
func TestSubmitInputPostID(t *testing.T) {
	s := newSite(t)
	elsewhere := s.mustSubmit(t, s.other, 0, "Pat", "pat@example.com", "On the other post.")
	s.approve(t, elsewhere.ID)
	mine := s.mustSubmit(t, s.post, 0, "Rita", "rita@example.com", "A thoughtful comment.")

	reply := s.submission()
	reply.Input.PostID, reply.Input.ParentID, reply.Input.Body = s.other.ID, elsewhere.ID, "A reply."
	if c, err := s.submit(t, reply); err == nil {
		t.Errorf("a reply to comment %d (post %d) was stored on post %d as comment %d; want it refused", elsewhere.ID, s.other.ID, c.PostID, c.ID)
	}
	dup := s.submission()
	dup.Input.PostID, dup.Input.Body = 0, mine.Body
	if c, err := s.submit(t, dup); err == nil {
		t.Errorf("a duplicate with Input.PostID 0 was stored as comment %d", c.ID)
	}
}

func TestEdit(t *testing.T) {
	s := newSite(t)
	ctx := t.Context()
	c := s.mustSubmit(t, s.post, 0, "Rita", "rita@example.com", "First *draft*.")
	s.approve(t, c.ID)
	s.now = s.now.Add(2 * time.Minute)

	got, err := s.w.Edit(ctx, c.ID, blog.CommentInput{Name: " Rita R. ", Email: "Rita@Example.com", URL: "rita.example", Body: "Second **draft**.\r\nWith a [link](https://example.com)."})
	if err != nil {
		t.Fatalf("Edit() error: %v", err)
	}
	stored, err := s.st.Comment(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(got, stored); diff != "" {
		t.Errorf("Edit() returned something else than it stored (-returned +stored):\n%s", diff)
	}
	if stored.Status != blog.CommentApproved || stored.Moderation != c.Moderation || !stored.Created.Equal(c.Created) || stored.PostID != c.PostID {
		t.Errorf("Edit() changed status, moderation, date or post: %+v", stored)
	}
	if stored.AuthorName != "Rita R." || stored.AuthorEmail != "rita@example.com" || stored.AuthorURL != "https://rita.example" {
		t.Errorf("Edit() stored %q <%s> %s; want %q <%s> %s", stored.AuthorName, stored.AuthorEmail, stored.AuthorURL,
			"Rita R.", "rita@example.com", "https://rita.example")
	}
	if stored.Body != "Second **draft**.\nWith a [link](https://example.com)." {
		t.Errorf("Edit() body = %q", stored.Body)
	}
	for _, part := range []string{"<strong>draft</strong>", `href="https://example.com"`, "<br"} {
		if !strings.Contains(stored.HTML, part) {
			t.Errorf("Edit() HTML = %q; want it to contain %q", stored.HTML, part)
		}
	}
	if strings.Contains(stored.HTML, "<em>") {
		t.Errorf("Edit() HTML = %q still has the old text", stored.HTML)
	}
	if !stored.Updated.Equal(s.now) {
		t.Errorf("Edit() Updated = %v; want %v", stored.Updated, s.now)
	}
	if p, err := s.st.Post(ctx, s.post.ID); err != nil || p.CommentCount != 1 {
		t.Errorf("comment_count after an edit = %d, %v; want 1", p.CommentCount, err)
	}

	// A held comment stays held.
	held := s.mustSubmit(t, s.post, 0, "Sam", "sam@example.com", "Held.")
	if e, err := s.w.Edit(ctx, held.ID, blog.CommentInput{Name: "Sam", Email: "sam@example.com", Body: "Still held."}); err != nil || e.Status != blog.CommentPending {
		t.Errorf("Edit() of a held comment = %s, %v; want pending", e.Status, err)
	}

	_, err = s.w.Edit(ctx, c.ID, blog.CommentInput{Name: "Rita", Email: "rita@example.com", URL: "javascript:alert(1)", Body: ""})
	fe, ok := comment.IsRefusal(err)
	if !ok || fe["url"] == "" || fe["comment"] == "" || len(fe) != 2 {
		t.Errorf("Edit() with bad fields = %v; want url and comment refused", err)
	}
	if after, _ := s.st.Comment(ctx, c.ID); after.Body != stored.Body {
		t.Errorf("a refused edit changed the body to %q", after.Body)
	}
	_, err = s.w.Edit(ctx, 999, blog.CommentInput{Name: "X", Email: "x@example.com", Body: "x"})
	if blog.ErrorCode(err) != blog.ENOTFOUND {
		t.Errorf("Edit(999) = %v; want ENOTFOUND", err)
	}
}

func TestPreview(t *testing.T) {
	tests := []struct {
		in         string
		want, deny []string
	}{
		{"**bold** and *em*", []string{"<strong>bold</strong>", "<em>em</em>"}, nil},
		{"line one\r\nline two", []string{"line one<br", "line two"}, []string{"\r"}},
		{"> quoted\n\nreply", []string{"<blockquote>", "<p>reply</p>"}, nil},
		{"[site](https://example.com)", []string{`href="https://example.com"`, "nofollow", "ugc"}, nil},
		{"<script>alert(1)</script><b onclick=\"x()\">b</b>", []string{"<b>b</b>"}, []string{"<script", "onclick"}},
		{"[x](javascript:alert(1))", nil, []string{"javascript:"}},
		{"# not a heading", []string{"# not a heading"}, []string{"<h1"}},
		{"  \n  ", nil, []string{"<p>"}},
	}
	for _, tt := range tests {
		got := string(comment.Preview(tt.in))
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("Preview(%q) = %q; want it to contain %q", tt.in, got, w)
			}
		}
		for _, d := range tt.deny {
			if strings.Contains(got, d) {
				t.Errorf("Preview(%q) = %q; must not contain %q", tt.in, got, d)
			}
		}
	}
}
