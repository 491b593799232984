package transfer

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/wxr"
)

// Source is what an export reads: the whole site. The store implements it.
type Source interface {
	Settings(ctx context.Context) (blog.Settings, error)
	Users(ctx context.Context) ([]blog.User, error)
	Categories(ctx context.Context) ([]blog.Term, error)
	Terms(ctx context.Context, taxonomy blog.Taxonomy) ([]blog.Term, map[int64]int, error)
	EachPost(ctx context.Context, fn func(p blog.Post, comments []blog.Comment) error) error
}

// ExportWordPress writes the whole site as a WXR 1.2 file that WordPress's importer accepts: authors, categories
// with their parents, tags, posts and pages in every status (trashed ones as "trash"), and every comment with its
// thread and status. Bodies go out as HTML, which is what WordPress stores; a Markdown body also travels as meta
// (MetaMarkdown), so that importing the file into Salon again restores the Markdown. site is the address links are
// written under, such as https://example.com.
func ExportWordPress(ctx context.Context, src Source, out io.Writer, site string) error {
	st, err := src.Settings(ctx)
	if err != nil {
		return err
	}
	site = strings.TrimRight(site, "/")
	w, err := wxr.NewWriter(out, wxr.Site{Title: st.Title, Link: site, Description: st.Tagline, Language: st.Language,
		BaseSiteURL: site, BaseBlogURL: site, Version: "1.2"})
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	users, err := src.Users(ctx)
	if err != nil {
		return err
	}
	logins := make(map[int64]string, len(users))
	for _, u := range users {
		logins[u.ID] = u.Slug
		if err := w.Author(wxr.Author{ID: u.ID, Login: u.Slug, Email: u.Email, DisplayName: u.Name}); err != nil {
			return fmt.Errorf("export author %s: %w", u.Slug, err)
		}
	}
	cats, err := src.Categories(ctx) // sorted by path: every parent comes before its children, as WordPress needs
	if err != nil {
		return err
	}
	slugs := make(map[int64]string, len(cats))
	for _, c := range cats {
		slugs[c.ID] = c.Slug
	}
	for _, c := range cats {
		if err := w.Category(wxr.Category{ID: c.ID, Nicename: c.Slug, Parent: slugs[c.ParentID], Name: c.Name}); err != nil {
			return fmt.Errorf("export category %s: %w", c.Slug, err)
		}
	}
	tags, _, err := src.Terms(ctx, blog.Tag)
	if err != nil {
		return err
	}
	for _, t := range tags {
		if err := w.Tag(wxr.Tag{ID: t.ID, Slug: t.Slug, Name: t.Name}); err != nil {
			return fmt.Errorf("export tag %s: %w", t.Slug, err)
		}
	}
	err = src.EachPost(ctx, func(p blog.Post, comments []blog.Comment) error {
		if err := w.Item(exportItem(&st, site, logins, &p, comments)); err != nil {
			return fmt.Errorf("export post %d: %w", p.ID, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return w.Close()
}

// exportStatuses maps Salon's comment statuses onto wp:comment_approved.
var exportStatuses = map[blog.CommentStatus]string{
	blog.CommentApproved: "1", blog.CommentPending: "0", blog.CommentSpam: "spam", blog.CommentTrash: "trash",
}

func exportItem(st *blog.Settings, site string, logins map[int64]string, p *blog.Post, comments []blog.Comment) wxr.Item {
	loc := st.Location()
	it := wxr.Item{
		ID: p.ID, Title: wpHTML(p.Title), Link: site + st.PostPath(p), GUID: fmt.Sprintf("%s/?p=%d", site, p.ID), Creator: logins[p.AuthorID],
		Excerpt: p.Excerpt, PostName: p.Slug, Type: string(p.Type), Status: string(p.Status), CommentStatus: "closed",
		PingStatus: "closed", Date: wallClock(p.Published, loc), DateGMT: p.Published, Sticky: p.Sticky,
	}
	if p.CommentsOpen {
		it.CommentStatus = "open"
	}
	if p.InTrash() {
		it.Status = "trash"
	}
	it.Content, it.Meta = exportBody(p.Format, p.Body, p.HTML)
	for _, c := range p.Categories {
		it.Terms = append(it.Terms, wxr.ItemTerm{Domain: "category", Nicename: c.Slug, Name: c.Name})
	}
	for _, t := range p.Tags {
		it.Terms = append(it.Terms, wxr.ItemTerm{Domain: "post_tag", Nicename: t.Slug, Name: t.Name})
	}
	for _, c := range comments {
		wc := wxr.Comment{
			ID: c.ID, Author: wpHTML(c.AuthorName), AuthorEmail: c.AuthorEmail, AuthorURL: c.AuthorURL, AuthorIP: c.AuthorIP,
			Date: wallClock(c.Created, loc), DateGMT: c.Created, Approved: exportStatuses[c.Status], Type: "comment",
			Parent: c.ParentID, UserID: c.UserID,
		}
		wc.Content, wc.Meta = exportBody(c.Format, c.Body, c.HTML)
		it.Comments = append(it.Comments, wc)
	}
	return it
}

// wpEscaper escapes what WordPress's _wp_specialchars escapes in the fields its filters store escaped.
var wpEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// wpHTML is plain text as WordPress stores a comment's author or a post's title, escaped, so that WordPress shows it
// as Salon did and an import into Salon (see wpText) gets the same text back: "Tom & Jerry" goes out as
// "Tom &amp; Jerry", and a name that holds "&amp;" itself as "&amp;amp;".
func wpHTML(s string) string {
	return wpEscaper.Replace(s)
}

// exportBody is a body as WordPress stores it, with the Markdown it was written in as meta.
func exportBody(f blog.Format, body, html string) (string, []wxr.Meta) {
	if f == blog.FormatWordPress {
		return body, nil
	}
	return html, []wxr.Meta{{Key: MetaMarkdown, Value: body}}
}

// wallClock is t as the site's clock showed it, written as if it were UTC: WordPress's wp:post_date holds the
// local time with no zone.
func wallClock(t time.Time, loc *time.Location) time.Time {
	l := t.In(loc)
	return time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), 0, time.UTC)
}
