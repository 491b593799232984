package web

import (
	"bytes"
	"html/template"
	"net/http"
	"strconv"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/feed"
	"github.com/salon-blog/salon/internal/markup"
)

// writeFeed answers an archive's /feed/ or /feed/atom/ with its newest posts in full.
func (s *Server) writeFeed(w http.ResponseWriter, r *http.Request, req *request, l listing, posts []blog.Post) error {
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
	var buf bytes.Buffer
	var err error
	if req.route.feed == feedAtom {
		f.Self = req.base + l.path + "feed/atom/"
		f.ID = f.Self
		err = feed.WriteAtom(&buf, f)
		w.Header().Set("Content-Type", feed.AtomContentType)
	} else {
		f.Self = req.base + l.path + "feed/"
		err = feed.WriteRSS(&buf, f)
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
		Content:      p.HTML,
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
