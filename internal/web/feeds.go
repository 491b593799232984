package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/feed"
	"github.com/salon-blog/salon/internal/markup"
)

// writeFeed answers an archive's /feed/ or /feed/atom/ with its newest posts in full.
func (s *Server) writeFeed(w http.ResponseWriter, req *request, l listing, posts []blog.Post) error {
	st := req.settings
	f := feed.Feed{
		Title:     st.Title,
		Subtitle:  st.Tagline,
		Link:      req.base + l.path,
		Language:  st.Language,
		Generator: "Salon",
	}
	if l.feedTitle != "" {
		f.Title = st.Title + " » " + l.feedTitle
	}
	for i := range posts {
		f.Items = append(f.Items, postItem(req, &posts[i]))
	}
	return s.sendFeed(w, req, f, l.path)
}

// sendFeed writes f as RSS or Atom, whichever the route asked for; path is the page the feed follows.
func (s *Server) sendFeed(w http.ResponseWriter, req *request, f feed.Feed, path string) error {
	buf := pageBuffer()
	defer releaseBuffer(buf)
	var err error
	if req.route.feed == feedAtom {
		f.Self = req.base + path + "feed/atom/"
		f.ID = f.Self
		err = feed.WriteAtom(buf, f)
		w.Header().Set("Content-Type", feed.AtomContentType)
	} else {
		f.Self = req.base + path + "feed/"
		err = feed.WriteRSS(buf, f)
		w.Header().Set("Content-Type", feed.RSSContentType)
	}
	if err != nil {
		return err
	}
	_, err = buf.WriteTo(w)
	return err
}

// postItem is a post as a feed carries it. Its ID is the /?p=N address, which never changes even when the slug,
// date or permalink style does, so feed readers never show a post twice.
func postItem(req *request, p *blog.Post) feed.Item {
	link := req.base + req.settings.PostPath(p)
	it := feed.Item{
		ID:           req.base + "/?p=" + strconv.FormatInt(p.ID, 10),
		Title:        p.Title,
		Link:         link,
		Author:       p.Author.Name,
		AuthorURI:    req.base + blog.AuthorPath(p.Author.Slug),
		Published:    p.Published.In(req.loc),
		Updated:      p.Updated.In(req.loc),
		Summary:      p.Excerpt,
		Content:      string(markup.Absolute(template.HTML(p.HTML), link)),
		CommentsURL:  link + "#comments",
		CommentCount: p.CommentCount,
	}
	if it.Summary == "" {
		it.Summary = markup.Excerpt(template.HTML(p.HTML), 55)
	}
	if it.Updated.Before(it.Published) {
		it.Updated = it.Published
	}
	for _, t := range p.Categories {
		it.Categories = append(it.Categories, feed.Category{Term: t.Slug, Label: t.Name, Scheme: req.base + "/category/"})
	}
	for _, t := range p.Tags {
		it.Categories = append(it.Categories, feed.Category{Term: t.Slug, Label: t.Name, Scheme: req.base + "/tag/"})
	}
	return it
}

// postCommentsFeed is a post's approved comments, newest first: /YYYY/MM/DD/slug/feed/ and …/feed/atom/.
func (s *Server) postCommentsFeed(w http.ResponseWriter, r *http.Request, req *request, p *blog.Post) error {
	comments, _, err := s.store.Comments(r.Context(), blog.CommentFilter{
		PostID: p.ID, Status: blog.CommentApproved, NewestFirst: true, Limit: req.settings.FeedItems,
	})
	if err != nil {
		return err
	}
	path := req.settings.PostPath(p)
	f := feed.Feed{
		Title:    "Comments on: " + p.Title,
		Subtitle: req.settings.Tagline,
		Link:     req.base + path,
		Language: req.settings.Language, Generator: "Salon",
	}
	for i := range comments {
		it := commentItem(req, &comments[i])
		it.Title = "By: " + comments[i].AuthorName
		f.Items = append(f.Items, it)
	}
	return s.sendFeed(w, req, f, path)
}

// siteCommentsFeed is the site's latest approved comments on public posts: /comments/feed/ and /comments/feed/atom/.
func (s *Server) siteCommentsFeed(w http.ResponseWriter, r *http.Request, req *request) error {
	comments, _, err := s.store.Comments(r.Context(), blog.CommentFilter{
		Status: blog.CommentApproved, PublicAt: req.now, NewestFirst: true, Limit: req.settings.FeedItems,
	})
	if err != nil {
		return err
	}
	f := feed.Feed{
		Title:    "Comments for " + req.settings.Title,
		Subtitle: req.settings.Tagline,
		Link:     req.base + "/",
		Language: req.settings.Language, Generator: "Salon",
	}
	for i := range comments {
		f.Items = append(f.Items, commentItem(req, &comments[i]))
	}
	return s.sendFeed(w, req, f, "/comments/")
}

// commentItem is a comment as a feed carries it. Its link goes through /comments/ID/, which finds the comment's
// page in its thread; the author's email is never part of it.
func commentItem(req *request, c *blog.CommentInContext) feed.Item {
	link := req.base + "/comments/" + strconv.FormatInt(c.ID, 10) + "/"
	it := feed.Item{
		ID:        link,
		Title:     "Comment on " + c.Post.Title + " by " + c.AuthorName,
		Link:      link,
		Author:    c.AuthorName,
		AuthorURI: webAddress(c.AuthorURL),
		Published: c.Created.In(req.loc),
		Updated:   c.Updated.In(req.loc),
		Summary:   markup.Excerpt(template.HTML(c.HTML), 55),
		Content:   string(markup.Absolute(template.HTML(c.HTML), req.base+req.settings.PostPath(&c.Post))),
		InReplyTo: &feed.Reply{Ref: req.base + "/?p=" + strconv.FormatInt(c.PostID, 10), Href: req.base + req.settings.PostPath(&c.Post)},
	}
	if c.ParentID != 0 {
		parent := req.base + "/comments/" + strconv.FormatInt(c.ParentID, 10) + "/"
		it.InReplyTo = &feed.Reply{Ref: parent, Href: parent}
	}
	return it
}

// webAddress is a commenter's website when it is an absolute http or https address, else "": feeds carry it as a
// link readers' software follows, and one odd website must neither break a whole feed nor smuggle a script URL in.
func webAddress(s string) string {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.ContainsAny(s, " <>\"{}|\\^`") {
		return ""
	}
	return u.String()
}
