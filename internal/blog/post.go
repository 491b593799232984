package blog

import (
	"errors"
	"strings"
	"time"
	"unicode/utf8"
)

// Type tells posts, which appear in the home page, archives and feeds, from pages, which stand alone at /slug/.
type Type string

// Post types.
const (
	TypePost Type = "post"
	TypePage Type = "page"
)

// ParseType validates a post type given by a user.
func ParseType(s string) (Type, error) {
	switch Type(s) {
	case TypePost, TypePage:
		return Type(s), nil
	}
	return "", Errorf(EINVALID, "%q is not a post type: use post or page", s)
}

// Status is where a post stands in its life, with WordPress's names so that imports map one to one.
type Status string

// Statuses.
const (
	StatusDraft   Status = "draft"   // being written; only its writers see it
	StatusPending Status = "pending" // submitted for review by a contributor
	StatusFuture  Status = "future"  // scheduled: public from its Published time on
	StatusPublish Status = "publish" // public
	StatusPrivate Status = "private" // visible only to signed-in editors and its author
)

// Statuses lists every status.
var Statuses = []Status{StatusDraft, StatusPending, StatusFuture, StatusPublish, StatusPrivate}

// ParseStatus validates a status given by a user.
func ParseStatus(s string) (Status, error) {
	for _, st := range Statuses {
		if string(st) == s {
			return st, nil
		}
	}
	return "", Errorf(EINVALID, "%q is not a post status: use draft, pending, future, publish or private", s)
}

// Limits on post fields.
const (
	MaxTitleLen   = 300
	MaxExcerptLen = 2000
	MaxBodyLen    = 4 << 20 // 4 MiB of Markdown: a book chapter is far less
)

// Post is a post or a page. Body is the Markdown the author wrote; HTML and Summary are rendered from it when it is
// saved, so that reading a post never renders Markdown.
type Post struct {
	ID           int64
	Type         Type
	Title        string
	Slug         string
	Body         string
	Format       Format // what Body is written in; "" means Markdown
	HTML         string // sanitized HTML of the whole body
	Summary      string // sanitized HTML of the part before the "read more" marker; "" when there is none
	Excerpt      string // optional hand-written plain-text excerpt
	Status       Status
	Published    time.Time // when it was or will be published (UTC); for drafts, when it was created
	Updated      time.Time // last change (UTC)
	AuthorID     int64
	Author       Author
	Categories   []Term
	Tags         []Term
	CommentsOpen bool
	CommentCount int // approved comments
	Sticky       bool
	Trashed      time.Time // when it was moved to the trash (UTC); zero when it is not in the trash
	Revision     int64     // the ID of its latest revision: the version an edit starts from (see Edit.Base)
}

// InTrash reports whether the post is in the trash, where readers never see it and writers may restore it.
func (p *Post) InTrash() bool { return !p.Trashed.IsZero() }

// Author is what a page shows of a post's author: never the email.
type Author struct {
	Name string
	Slug string
}

// IsPublic reports whether readers may see the post at now: published, or scheduled for a moment that has come, and
// not in the trash. Scheduled posts go live by this rule alone, so a restart can never make one miss its time.
func (p *Post) IsPublic(now time.Time) bool {
	if p.InTrash() {
		return false
	}
	switch p.Status {
	case StatusPublish:
		return true
	case StatusFuture:
		return !p.Published.After(now)
	}
	return false
}

// Validate checks a post before it is stored. Only drafts may be untitled: an editor's autosave keeps a draft whose
// writer began with the body.
func (p *Post) Validate() error {
	if _, err := ParseType(string(p.Type)); err != nil {
		return err
	}
	if _, err := ParseStatus(string(p.Status)); err != nil {
		return err
	}
	if strings.TrimSpace(p.Title) == "" && p.Status != StatusDraft {
		return Errorf(EINVALID, "a title is required")
	}
	if utf8.RuneCountInString(p.Title) > MaxTitleLen {
		return Errorf(EINVALID, "the title is longer than %d characters", MaxTitleLen)
	}
	if err := ValidateSlug(p.Slug); err != nil {
		return err
	}
	if !utf8.ValidString(p.Body) || !utf8.ValidString(p.Title) || !utf8.ValidString(p.Excerpt) {
		return Errorf(EINVALID, "the text is not valid UTF-8")
	}
	if len(p.Body) > MaxBodyLen {
		return Errorf(EINVALID, "the body is larger than %d MiB", MaxBodyLen>>20)
	}
	if utf8.RuneCountInString(p.Excerpt) > MaxExcerptLen {
		return Errorf(EINVALID, "the excerpt is longer than %d characters", MaxExcerptLen)
	}
	if p.AuthorID == 0 {
		return Errorf(EINVALID, "a post needs an author")
	}
	if p.Published.IsZero() {
		return Errorf(EINVALID, "a post needs a date")
	}
	return nil
}

// SlugFor proposes a slug for a title when the writer gave none. The caller still makes it unique.
func SlugFor(title string) string {
	s := Slugify(title)
	switch {
	case s == "":
		return "untitled"
	case isReservedSlug(s):
		return s + "-2"
	}
	return s
}

// Revision is a post's text as one save left it: every save of a post records one, so that any earlier text can be
// compared and restored. An autosave is a revision too, kept apart: one per post and user, replaced by each autosave
// and dropped when that user saves the post.
type Revision struct {
	ID       int64 // 0 for an autosave
	PostID   int64
	Title    string
	Body     string
	Excerpt  string
	UserID   int64  // who saved it; 0 when that user has been deleted
	UserName string // their name, for the revisions list
	Created  time.Time
}

// Edit says who saves a post and which revision their edit started from.
type Edit struct {
	By       int64 // the user saving; 0 means the post's author
	Base     int64 // the latest revision when the writer opened the post; 0 skips the check
	AutoSlug bool  // the slug is a proposal, made from the title, that gets a numeric suffix if taken
}

// ErrPostChanged refuses a save whose Edit.Base is no longer the post's latest revision: someone saved the post
// after the writer opened it, and saving would silently replace their work.
var ErrPostChanged = &Error{Code: ECONFLICT, Message: "Someone else saved this post after you opened it."}

// IsPostChanged reports whether err is ErrPostChanged.
func IsPostChanged(err error) bool { return errors.Is(err, ErrPostChanged) }
