package blog

import (
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// CommentStatus is where a comment stands in moderation, with WordPress's meanings.
type CommentStatus string

// Comment statuses.
const (
	CommentPending  CommentStatus = "pending"  // held for a moderator; shown only to its own author
	CommentApproved CommentStatus = "approved" // public
	CommentSpam     CommentStatus = "spam"     // kept for review and learning, purged after a while
	CommentTrash    CommentStatus = "trash"    // removed, recoverable for 30 days
)

// CommentStatuses lists every status, in the order the moderation queue shows its tabs.
var CommentStatuses = []CommentStatus{CommentPending, CommentApproved, CommentSpam, CommentTrash}

// ParseCommentStatus validates a status given by a user.
func ParseCommentStatus(s string) (CommentStatus, error) {
	for _, st := range CommentStatuses {
		if string(st) == s {
			return st, nil
		}
	}
	return "", Errorf(EINVALID, "%q is not a comment status: use pending, approved, spam or trash", s)
}

// Comment is a reader's comment on a post. AuthorEmail and AuthorIP are private: no public page, feed or export
// meant for readers may show them.
type Comment struct {
	ID          int64
	PostID      int64
	ParentID    int64 // 0 for a top-level comment
	AuthorName  string
	AuthorEmail string
	AuthorURL   string
	AuthorIP    string
	UserAgent   string
	UserID      int64  // set when a signed-in user wrote it
	Body        string // what the reader typed
	Format      Format // what Body is written in; "" means Markdown
	HTML        string // Body rendered and sanitized
	Status      CommentStatus
	Created     time.Time
	Updated     time.Time
	// Moderation explains the status the comment was given when it arrived: which rule held it, and why.
	Moderation string
}

// Limits on comment fields, as WordPress has them.
const (
	MaxCommentNameLen  = 245
	MaxCommentEmailLen = 100
	MaxCommentURLLen   = 200
	MaxCommentLen      = 65525
)

// FieldErrors maps a form field's name to what is wrong with it. An empty map means the input is acceptable.
type FieldErrors map[string]string

// Error lists the messages, the whole form's first (the key "form": comments closed, posting too fast).
func (fe FieldErrors) Error() string {
	var parts []string
	for _, f := range []string{"form", "author", "email", "url", "comment", "comment_parent"} {
		if m, ok := fe[f]; ok {
			parts = append(parts, m)
		}
	}
	return strings.Join(parts, " ")
}

// CommentInput is what a reader submits through the form, before anything is decided about it.
type CommentInput struct {
	PostID   int64
	ParentID int64
	Name     string
	Email    string
	URL      string
	Body     string
}

// Normalize trims the fields the way they will be stored.
func (in *CommentInput) Normalize() {
	in.Name = strings.TrimSpace(in.Name)
	in.Email = NormalizeEmail(in.Email)
	in.URL = strings.TrimSpace(in.URL)
	in.Body = strings.TrimSpace(strings.ReplaceAll(in.Body, "\r\n", "\n"))
	if in.URL != "" && !strings.Contains(in.URL, "://") && !strings.HasPrefix(in.URL, "//") && strings.Contains(in.URL, ".") {
		in.URL = "https://" + in.URL // readers type "example.com"; WordPress accepts it too
	}
}

// Validate checks each field and says, per field, what is wrong, so the form can show each message next to its box.
func (in *CommentInput) Validate() FieldErrors {
	fe := FieldErrors{}
	switch {
	case in.Name == "":
		fe["author"] = "Please enter your name."
	case utf8.RuneCountInString(in.Name) > MaxCommentNameLen:
		fe["author"] = "Your name is too long: at most 245 characters."
	case !utf8.ValidString(in.Name) || strings.IndexFunc(in.Name, notInName) >= 0:
		fe["author"] = "Your name contains characters that are not text."
	case strings.TrimFunc(in.Name, invisible) == "":
		fe["author"] = "Please enter your name."
	}
	switch {
	case in.Email == "":
		fe["email"] = "Please enter your email address. It will not be published."
	case len(in.Email) > MaxCommentEmailLen:
		fe["email"] = "Your email address is too long: at most 100 characters."
	case ValidateEmail(in.Email) != nil:
		fe["email"] = "Please enter a valid email address, such as name@example.com."
	}
	if in.URL != "" {
		u, err := url.Parse(in.URL)
		switch {
		case len(in.URL) > MaxCommentURLLen:
			fe["url"] = "The website address is too long: at most 200 characters."
		case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil:
			fe["url"] = "The website must be an http:// or https:// address."
		}
	}
	switch {
	case in.Body == "":
		fe["comment"] = "Please type your comment."
	case utf8.RuneCountInString(in.Body) > MaxCommentLen:
		fe["comment"] = "Your comment is too long: at most 65,525 characters."
	case !utf8.ValidString(in.Body) || strings.IndexFunc(in.Body, notInText) >= 0:
		fe["comment"] = "Your comment contains characters that are not text."
	case strings.TrimFunc(in.Body, invisible) == "":
		fe["comment"] = "Please type your comment."
	}
	return fe
}

// notInText is a control character other than tab and newline: NUL (which PostgreSQL refuses to store), escapes
// and the like have no place in a comment.
func notInText(r rune) bool {
	return (r < 0x20 && r != '\t' && r != '\n') || (r >= 0x7f && r < 0xa0)
}

// notInName is what a name may not hold: control characters (tab and newline too), and the bidirectional
// embedding, override and isolate marks, with which a name could reverse the text shown after it. Right-to-left
// names need none of them.
func notInName(r rune) bool {
	return r < 0x20 || (r >= 0x7f && r < 0xa0) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}

// invisible is a space or a character that shows nothing (zero-width spaces and joiners, marks), of which a name or
// a comment may not consist alone.
func invisible(r rune) bool {
	return unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) || r == 0x3164 || r == 0x115f || r == 0x1160 || r == 0xffa0
}

// CommentFilter selects comments for the moderation queue, the CLI and the comment feeds. Zero fields do not filter.
type CommentFilter struct {
	Status       CommentStatus
	PostID       int64
	PublicAt     time.Time // when set, only comments on posts readers may see at that instant
	PostAuthorID int64     // only comments on this user's posts (an author's view of the queue)
	Search       string    // in the name, email, website, IP or text
	NewestFirst  bool
	Limit        int
	Offset       int
}

// CommentInContext is a comment with what a list of comments from many posts needs to show of its post.
type CommentInContext struct {
	Comment
	Post Post // ID, Type, Title, Slug, Status, Published, AuthorID, CommentsOpen and Trashed only
	// The comment it replies to, for the moderator's context; empty for a top-level comment.
	ParentAuthor string
	ParentBody   string
}
