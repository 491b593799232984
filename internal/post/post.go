// Package post owns the writing workflow: it turns what a writer submits (a Draft) into a stored, rendered post,
// deciding its slug, status and author by the site's rules. The CLI and the admin area both write through it.
package post

import (
	"context"
	"fmt"
	"time"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/markup"
)

// Store is the storage the workflow needs.
type Store interface {
	CreatePost(ctx context.Context, p *blog.Post, terms blog.PostTerms, autoSlug bool) error
	UpdatePost(ctx context.Context, p *blog.Post, terms blog.PostTerms) error
	Post(ctx context.Context, id int64) (blog.Post, error)
	UserByEmail(ctx context.Context, email string) (blog.User, error)
	FirstAdmin(ctx context.Context) (blog.User, error)
}

// Draft is a post as a writer submits it. Zero values take defaults: type post, status publish, date now, the
// slug made from the title, and the site's first administrator as author.
type Draft struct {
	Type           blog.Type
	Title          string
	Body           string // Markdown
	Excerpt        string
	Slug           string
	Status         blog.Status
	Date           time.Time
	Categories     []string // paths such as "Politics/Elections"
	Tags           []string
	AuthorEmail    string
	CommentsClosed bool
	Sticky         bool
}

// Writer saves drafts.
type Writer struct {
	Store Store
	Now   func() time.Time
}

// Create validates, renders and stores a new post. Nothing is stored when any part is wrong.
func (w *Writer) Create(ctx context.Context, d Draft) (blog.Post, error) {
	p, terms, err := w.prepare(ctx, d)
	if err != nil {
		return p, err
	}
	if err := w.Store.CreatePost(ctx, &p, terms, d.Slug == ""); err != nil {
		return p, err
	}
	return p, nil
}

// Update replaces post id with d. A changed slug leaves the old URL redirecting to the new one.
func (w *Writer) Update(ctx context.Context, id int64, d Draft) (blog.Post, error) {
	old, err := w.Store.Post(ctx, id)
	if err != nil {
		return old, err
	}
	if d.Slug == "" {
		d.Slug = old.Slug
	}
	p, terms, err := w.prepare(ctx, d)
	if err != nil {
		return p, err
	}
	p.ID = id
	p.CommentCount = old.CommentCount
	if err := w.Store.UpdatePost(ctx, &p, terms); err != nil {
		return p, err
	}
	return p, nil
}

// DraftOf is the draft that would recreate p: the starting point for an edit.
func DraftOf(p blog.Post, authorEmail string) Draft {
	d := Draft{
		Type: p.Type, Title: p.Title, Body: p.Body, Excerpt: p.Excerpt, Slug: p.Slug, Status: p.Status,
		Date: p.Published, AuthorEmail: authorEmail, CommentsClosed: !p.CommentsOpen, Sticky: p.Sticky,
	}
	for _, c := range p.Categories {
		d.Categories = append(d.Categories, c.Path)
	}
	for _, t := range p.Tags {
		d.Tags = append(d.Tags, t.Name)
	}
	return d
}

func (w *Writer) prepare(ctx context.Context, d Draft) (blog.Post, blog.PostTerms, error) {
	now := w.Now()
	p := blog.Post{
		Type: d.Type, Title: d.Title, Body: d.Body, Excerpt: d.Excerpt, Slug: d.Slug, Status: d.Status,
		Published: d.Date, Updated: now, CommentsOpen: !d.CommentsClosed, Sticky: d.Sticky,
	}
	if p.Type == "" {
		p.Type = blog.TypePost
	}
	if p.Slug == "" {
		p.Slug = blog.SlugFor(p.Title)
	}
	if p.Status == "" {
		p.Status = blog.StatusPublish
	}
	if err := scheduleStatus(&p, now); err != nil {
		return p, blog.PostTerms{}, err
	}
	author, err := w.author(ctx, d.AuthorEmail)
	if err != nil {
		return p, blog.PostTerms{}, err
	}
	if (p.Status == blog.StatusPublish || p.Status == blog.StatusFuture) && !author.Role.CanPublish() {
		return p, blog.PostTerms{}, blog.Errorf(blog.EINVALID, "%s is a contributor and cannot publish: use --status draft or pending", author.Email)
	}
	p.AuthorID = author.ID
	p.Author = blog.Author{Name: author.Name, Slug: author.Slug}

	var terms blog.PostTerms
	for _, c := range d.Categories {
		path, err := blog.ParseCategoryPath(c)
		if err != nil {
			return p, terms, err
		}
		terms.Categories = append(terms.Categories, path)
	}
	if terms.Tags, err = blog.ParseTags(d.Tags); err != nil {
		return p, terms, err
	}
	if err := p.Validate(); err != nil {
		return p, terms, err
	}
	doc := markup.RenderPost(p.Body)
	p.HTML, p.Summary = string(doc.HTML), string(doc.Summary)
	return p, terms, nil
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

func (w *Writer) author(ctx context.Context, email string) (blog.User, error) {
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
