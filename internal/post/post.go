// Package post owns the writing workflow: it turns what a writer submits (a Draft) into a stored, rendered post,
// deciding its slug, status and author by the site's rules and refusing what the writer's role does not allow. It
// keeps every save as a revision, refuses a save made from an outdated revision, and keeps autosaves apart from the
// post. The CLI and the admin area both write through it.
package post

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/markup"
)

// Store is the storage the workflow needs.
type Store interface {
	CreatePost(ctx context.Context, p *blog.Post, terms blog.PostTerms, autoSlug bool) error
	EditPost(ctx context.Context, p *blog.Post, terms blog.PostTerms, e blog.Edit) error
	Post(ctx context.Context, id int64) (blog.Post, error)
	TrashPost(ctx context.Context, id int64) error
	RestorePost(ctx context.Context, id int64) error
	DeletePost(ctx context.Context, id int64) error
	Revision(ctx context.Context, postID, id int64) (blog.Revision, error)
	SaveAutosave(ctx context.Context, a blog.Revision) error
	DeleteAutosave(ctx context.Context, postID, userID int64) error
	UserByEmail(ctx context.Context, email string) (blog.User, error)
	UserByID(ctx context.Context, id int64) (blog.User, error)
	FirstAdmin(ctx context.Context) (blog.User, error)
}

// Draft is a post as a writer submits it. Zero values take defaults: type post, status publish, date now, the
// slug made from the title, and the site's first administrator as author (or By, when set).
type Draft struct {
	Type           blog.Type
	Title          string
	Body           string // Markdown
	Excerpt        string
	Slug           string
	Status         blog.Status
	Date           time.Time
	Categories     []string // paths such as "Politics/Elections", created when missing
	CategoryIDs    []int64  // existing categories
	Tags           []string
	AuthorEmail    string
	AuthorID       int64 // when set, the author, whatever AuthorEmail says
	CommentsClosed bool
	Sticky         bool
	// By is the signed-in user who saves. When set, their role decides what they may do (see MayEdit and
	// MayGive) and a refusal is blog.EFORBIDDEN; the zero User is the site's operator (the CLI), who may do all.
	By blog.User
	// Base is the revision the writer started from (blog.Post.Revision when they opened it): when set, a save
	// is refused with blog.ErrPostChanged if someone saved the post since.
	Base int64
}

// FieldErrors is a draft refused for reasons the writer can fix, each keyed by the form field it concerns
// (FormField for the draft as a whole). It unwraps to a blog.EINVALID error, so callers that do not show forms
// treat it as any invalid input.
type FieldErrors map[string]string

// FormField keys a FieldErrors message about the whole draft rather than one field.
const FormField = "form"

// fieldOrder is the order FieldErrors.Error lists its messages in: the editor's, top to bottom.
var fieldOrder = []string{FormField, "title", "body", "slug", "excerpt", "categories", "tags", "date", "status", "author"}

func (fe FieldErrors) Error() string {
	var parts []string
	for _, f := range fieldOrder {
		if m, ok := fe[f]; ok {
			parts = append(parts, m)
		}
	}
	return strings.Join(parts, " ")
}

// Unwrap makes FieldErrors an invalid-input error to blog.ErrorCode and blog.ErrorMessage.
func (fe FieldErrors) Unwrap() error { return blog.Errorf(blog.EINVALID, "%s", fe.Error()) }

// Writer saves drafts.
type Writer struct {
	Store Store
	Now   func() time.Time
}

// Create validates, renders and stores a new post, with its first revision. Nothing is stored when any part is
// wrong.
func (w *Writer) Create(ctx context.Context, d Draft) (blog.Post, error) {
	if d.By.ID != 0 {
		if d.AuthorID == 0 && d.AuthorEmail == "" {
			d.AuthorID = d.By.ID
		}
		if d.AuthorID != d.By.ID && !mayEditOthers(d.By) {
			return blog.Post{}, blog.Errorf(blog.EFORBIDDEN, "you may write posts under your own name only")
		}
		if err := mayGive(d.By, orPublish(d.Status)); err != nil {
			return blog.Post{}, err
		}
	}
	p, terms, err := w.prepare(ctx, d, blog.FormatMarkdown)
	if err != nil {
		return p, err
	}
	if err := w.Store.CreatePost(ctx, &p, terms, d.Slug == ""); err != nil {
		return p, slugError(err)
	}
	return p, nil
}

// Update replaces post id with d and records a revision. A changed slug leaves the old URL redirecting to the new
// one. An empty slug keeps the post's slug, except on a post never published, whose slug follows its title until
// it is published, as does a slug that was made from the title before.
func (w *Writer) Update(ctx context.Context, id int64, d Draft) (blog.Post, error) {
	old, err := w.Store.Post(ctx, id)
	if err != nil {
		return old, err
	}
	if err := w.mayChange(d.By, &old); err != nil {
		return old, err
	}
	if d.By.ID != 0 {
		if d.AuthorID == 0 && d.AuthorEmail == "" {
			d.AuthorID = old.AuthorID
		}
		if d.AuthorID != old.AuthorID && !mayEditOthers(d.By) {
			return old, blog.Errorf(blog.EFORBIDDEN, "only editors and administrators may give a post another author")
		}
		if err := mayGive(d.By, orPublish(d.Status)); err != nil {
			return old, err
		}
	}
	autoSlug := false
	if unpublished(old.Status) && (d.Slug == "" || (d.Slug == old.Slug && slugFromTitle(old.Slug, old.Title))) {
		d.Slug, autoSlug = blog.SlugFor(d.Title), true
	} else if d.Slug == "" {
		d.Slug = old.Slug
	}
	p, terms, err := w.prepare(ctx, d, old.Format)
	if err != nil {
		return p, err
	}
	p.ID = id
	p.CommentCount = old.CommentCount
	if err := w.Store.EditPost(ctx, &p, terms, blog.Edit{By: d.By.ID, Base: d.Base, AutoSlug: autoSlug}); err != nil {
		return p, slugError(err)
	}
	return p, nil
}

// SetStatus moves post id to status st, leaving its text and terms as they are, and records a revision. A draft or
// pending post that is published takes the current time as its date unless it was dated in the future, in which
// case it is scheduled.
func (w *Writer) SetStatus(ctx context.Context, id int64, st blog.Status, by blog.User) (blog.Post, error) {
	old, err := w.Store.Post(ctx, id)
	if err != nil {
		return old, err
	}
	if err := w.mayChange(by, &old); err != nil {
		return old, err
	}
	if err := mayGive(by, st); err != nil {
		return old, err
	}
	now := w.Now()
	p := old
	p.Status, p.Updated = st, now
	if unpublished(old.Status) && !unpublished(st) && !old.Published.After(now) {
		p.Published = now
	}
	if err := scheduleStatus(&p, now); err != nil {
		return old, FieldErrors{FormField: fmt.Sprintf("%q: %s", old.Title, blog.ErrorMessage(err))}
	}
	if err := p.Validate(); err != nil {
		return old, FieldErrors{FormField: fmt.Sprintf("%q cannot be saved so: %s", titleOf(&old), blog.ErrorMessage(err))}
	}
	if err := w.Store.EditPost(ctx, &p, blog.TermsOf(&old), blog.Edit{By: by.ID}); err != nil {
		return old, err
	}
	return p, nil
}

// RestoreRevision makes revision revID of post id its current text (title, body and excerpt), as a new revision:
// nothing is lost, the text it replaces stays among the revisions. base is the revision the writer saw, as in
// Draft.Base.
func (w *Writer) RestoreRevision(ctx context.Context, id, revID int64, by blog.User, base int64) (blog.Post, error) {
	old, err := w.Store.Post(ctx, id)
	if err != nil {
		return old, err
	}
	if err := w.mayChange(by, &old); err != nil {
		return old, err
	}
	rev, err := w.Store.Revision(ctx, id, revID)
	if err != nil {
		return old, err
	}
	p := old
	p.Title, p.Body, p.Excerpt, p.Updated = rev.Title, rev.Body, rev.Excerpt, w.Now()
	if err := p.Validate(); err != nil {
		return old, FieldErrors{FormField: "This revision cannot be restored as it is: " + blog.ErrorMessage(err)}
	}
	doc := markup.RenderBody(p.Format, p.Body)
	p.HTML, p.Summary = string(doc.HTML), string(doc.Summary)
	if err := w.Store.EditPost(ctx, &p, blog.TermsOf(&old), blog.Edit{By: by.ID, Base: base}); err != nil {
		return old, err
	}
	return p, nil
}

// Autosave keeps d's title, body and excerpt as d.By's autosave of post id, without changing the post: what the
// editor saves on its own while someone types. An autosave equal to the post is dropped instead, since it has
// nothing to restore. It reports whether an autosave was kept.
func (w *Writer) Autosave(ctx context.Context, id int64, d Draft) (bool, error) {
	if d.By.ID == 0 {
		return false, blog.Errorf(blog.EINVALID, "an autosave belongs to a signed-in user")
	}
	old, err := w.Store.Post(ctx, id)
	if err != nil {
		return false, err
	}
	if err := w.mayChange(d.By, &old); err != nil {
		return false, err
	}
	if fe := validateText(d.Title, d.Body, d.Excerpt); len(fe) > 0 {
		return false, fe
	}
	if d.Title == old.Title && d.Body == old.Body && d.Excerpt == old.Excerpt {
		return false, w.Store.DeleteAutosave(ctx, id, d.By.ID)
	}
	return true, w.Store.SaveAutosave(ctx, blog.Revision{PostID: id, UserID: d.By.ID, Title: d.Title, Body: d.Body, Excerpt: d.Excerpt,
		Created: w.Now()})
}

// Trash moves post id to the trash, where readers never see it.
func (w *Writer) Trash(ctx context.Context, id int64, by blog.User) error {
	return w.trashAction(ctx, id, by, w.Store.TrashPost)
}

// Restore takes post id out of the trash, with the status it had.
func (w *Writer) Restore(ctx context.Context, id int64, by blog.User) error {
	return w.trashAction(ctx, id, by, w.Store.RestorePost)
}

// Delete deletes post id, which must be in the trash, for good.
func (w *Writer) Delete(ctx context.Context, id int64, by blog.User) error {
	return w.trashAction(ctx, id, by, w.Store.DeletePost)
}

func (w *Writer) trashAction(ctx context.Context, id int64, by blog.User, act func(context.Context, int64) error) error {
	p, err := w.Store.Post(ctx, id)
	if err != nil {
		return err
	}
	if !MayEdit(by, &p) {
		return forbidden(by, &p)
	}
	return act(ctx, id)
}

// mayChange refuses a change by a user whose role does not allow it, and any change to a post in the trash.
func (w *Writer) mayChange(by blog.User, p *blog.Post) error {
	if !MayEdit(by, p) {
		return forbidden(by, p)
	}
	if p.InTrash() {
		return FieldErrors{FormField: "This post is in the trash: restore it before changing it."}
	}
	return nil
}

// DraftOf is the draft that would recreate p: the starting point for an edit.
func DraftOf(p blog.Post, authorEmail string) Draft {
	d := Draft{
		Type: p.Type, Title: p.Title, Body: p.Body, Excerpt: p.Excerpt, Slug: p.Slug, Status: p.Status,
		Date: p.Published, AuthorEmail: authorEmail, CommentsClosed: !p.CommentsOpen, Sticky: p.Sticky,
	}
	// Categories by ID, not by path: a category whose slug got a suffix (news-2) would not be found again by
	// name and would be created twice.
	for _, c := range p.Categories {
		d.CategoryIDs = append(d.CategoryIDs, c.ID)
	}
	for _, t := range p.Tags {
		d.Tags = append(d.Tags, t.Name)
	}
	return d
}

// WordCount counts the words of a Markdown body as a writer would: runs of letters and digits.
func WordCount(body string) int {
	return len(wordPattern.FindAllStringIndex(body, -1))
}

var wordPattern = regexp.MustCompile(`[\p{L}\p{N}]+(?:['’.-][\p{L}\p{N}]+)*`)

// prepare checks a draft and renders it in format: Markdown for new posts, whatever an edited post was written in.
func (w *Writer) prepare(ctx context.Context, d Draft, format blog.Format) (blog.Post, blog.PostTerms, error) {
	now := w.Now()
	p := blog.Post{
		Type: d.Type, Title: d.Title, Body: d.Body, Excerpt: d.Excerpt, Slug: d.Slug, Status: d.Status,
		Published: d.Date, Updated: now, CommentsOpen: !d.CommentsClosed, Sticky: d.Sticky, Format: format,
	}
	if p.Type == "" {
		p.Type = blog.TypePost
	}
	if p.Slug == "" {
		p.Slug = blog.SlugFor(p.Title)
	}
	p.Status = orPublish(p.Status)
	fe := validateText(p.Title, p.Body, p.Excerpt)
	if strings.TrimSpace(p.Title) == "" && p.Status != blog.StatusDraft && fe["title"] == "" {
		fe["title"] = "Please give it a title: a title is required, except on a draft."
	}
	if err := blog.ValidateSlug(p.Slug); err != nil {
		fe["slug"] = blog.ErrorMessage(err)
	}
	if err := scheduleStatus(&p, now); err != nil {
		fe["date"] = blog.ErrorMessage(err)
	}
	author, err := w.author(ctx, d.AuthorID, d.AuthorEmail)
	if blog.ErrorCode(err) == blog.EINVALID {
		fe["author"] = blog.ErrorMessage(err)
	} else if err != nil {
		return p, blog.PostTerms{}, err
	}
	if author.ID != 0 && (p.Status == blog.StatusPublish || p.Status == blog.StatusFuture) && !author.Role.CanPublish() {
		fe["status"] = fmt.Sprintf("%s is a contributor and cannot publish: use --status draft or pending", author.Email)
	}
	p.AuthorID = author.ID
	p.Author = blog.Author{Name: author.Name, Slug: author.Slug}

	terms := blog.PostTerms{CategoryIDs: d.CategoryIDs}
	for _, c := range d.Categories {
		path, err := blog.ParseCategoryPath(c)
		if err != nil {
			fe["categories"] = blog.ErrorMessage(err)
			break
		}
		terms.Categories = append(terms.Categories, path)
	}
	if terms.Tags, err = blog.ParseTags(d.Tags); err != nil {
		fe["tags"] = blog.ErrorMessage(err)
	}
	if len(fe) > 0 {
		return p, terms, fe
	}
	if err := p.Validate(); err != nil {
		return p, terms, FieldErrors{FormField: blog.ErrorMessage(err)}
	}
	doc := markup.RenderBody(p.Format, p.Body)
	p.HTML, p.Summary = string(doc.HTML), string(doc.Summary)
	return p, terms, nil
}

// validateText checks the text fields of a draft, keyed by field: limits and UTF-8.
func validateText(title, body, excerpt string) FieldErrors {
	fe := FieldErrors{}
	switch {
	case !utf8.ValidString(title):
		fe["title"] = "The title is not valid UTF-8 text."
	case utf8.RuneCountInString(title) > blog.MaxTitleLen:
		fe["title"] = fmt.Sprintf("The title is longer than %d characters.", blog.MaxTitleLen)
	}
	switch {
	case !utf8.ValidString(body):
		fe["body"] = "The text is not valid UTF-8."
	case len(body) > blog.MaxBodyLen:
		fe["body"] = fmt.Sprintf("The text is larger than %d MiB.", blog.MaxBodyLen>>20)
	}
	switch {
	case !utf8.ValidString(excerpt):
		fe["excerpt"] = "The excerpt is not valid UTF-8 text."
	case utf8.RuneCountInString(excerpt) > blog.MaxExcerptLen:
		fe["excerpt"] = fmt.Sprintf("The excerpt is longer than %d characters.", blog.MaxExcerptLen)
	}
	return fe
}

// slugError turns a taken slug into a message beside the slug field.
func slugError(err error) error {
	if blog.ErrorCode(err) == blog.ECONFLICT && !blog.IsPostChanged(err) {
		return FieldErrors{"slug": blog.ErrorMessage(err)}
	}
	return err
}

// orPublish is a draft's status, publish when none is given.
func orPublish(st blog.Status) blog.Status {
	if st == "" {
		return blog.StatusPublish
	}
	return st
}

func unpublished(st blog.Status) bool { return st == blog.StatusDraft || st == blog.StatusPending }

// slugFromTitle reports whether slug is what the title made, perhaps with a numeric suffix that kept it unique.
func slugFromTitle(slug, title string) bool {
	base := blog.SlugFor(title)
	if slug == base {
		return true
	}
	rest, ok := strings.CutPrefix(slug, base+"-")
	return ok && rest != "" && strings.Trim(rest, "0123456789") == ""
}

func titleOf(p *blog.Post) string {
	if strings.TrimSpace(p.Title) == "" {
		return "(no title)"
	}
	return p.Title
}

// scheduleStatus reconciles status and date as WordPress does: a published post dated in the future is scheduled,
// and a scheduled post dated in the past is published. A post without a date is dated now.
func scheduleStatus(p *blog.Post, now time.Time) error {
	if p.Published.IsZero() {
		if p.Status == blog.StatusFuture {
			return blog.Errorf(blog.EINVALID, "a scheduled post needs a date in the future")
		}
		p.Published = now
	}
	switch {
	case p.Status == blog.StatusPublish && p.Published.After(now):
		p.Status = blog.StatusFuture
	case p.Status == blog.StatusFuture && !p.Published.After(now):
		p.Status = blog.StatusPublish
	}
	return nil
}

// author is the user with the ID, else with the email, else the first administrator.
func (w *Writer) author(ctx context.Context, id int64, email string) (blog.User, error) {
	if id != 0 {
		u, err := w.Store.UserByID(ctx, id)
		if blog.ErrorCode(err) == blog.ENOTFOUND {
			return u, blog.Errorf(blog.EINVALID, "there is no user %d to be the author", id)
		}
		return u, err
	}
	if email == "" {
		u, err := w.Store.FirstAdmin(ctx)
		if blog.ErrorCode(err) == blog.ENOTFOUND {
			return u, blog.Errorf(blog.EINVALID, "there is no administrator to be the author: create one with `salon user add --role admin`, or name an author")
		}
		return u, err
	}
	u, err := w.Store.UserByEmail(ctx, blog.NormalizeEmail(email))
	if blog.ErrorCode(err) == blog.ENOTFOUND {
		return u, blog.Errorf(blog.EINVALID, "there is no user with the email %s to be the author", email)
	}
	if err != nil {
		return u, fmt.Errorf("find author %s: %w", email, err)
	}
	return u, nil
}
