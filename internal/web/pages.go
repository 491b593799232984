package web

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/markup"
)

// request is what every public handler works from: the parsed route, the site settings and the time.
type request struct {
	route    route
	settings blog.Settings
	loc      *time.Location
	now      time.Time
	base     string // absolute URL of the site, without a trailing slash
}

func (s *Server) newRequest(r *http.Request, rt route) (*request, error) {
	st, loc, err := s.requestSettings(r)
	if err != nil {
		return nil, err
	}
	return &request{route: rt, settings: st, loc: loc, now: s.now().UTC(), base: baseURL(r, st)}, nil
}

// baseURL is the site's configured address, or else the one the reader used.
func baseURL(r *http.Request, st blog.Settings) string {
	if st.URL != "" {
		return st.URL
	}
	scheme := "http"
	if clientOf(r).Secure {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// public serves every reader-facing URL that is not a fixed route: the home page, posts, pages, archives and feeds.
func (s *Server) public(w http.ResponseWriter, r *http.Request) error {
	if r.URL.Path == robotsPath {
		return s.robots(w, r)
	}
	if moved, err := wordPressProgram(w, r); moved || err != nil {
		return err
	}
	err := s.route(w, r)
	if blog.ErrorCode(err) == blog.ENOTFOUND {
		if moved, oldErr := s.oldPath(w, r); moved || oldErr != nil {
			return oldErr
		}
	}
	return err
}

// oldPathSuffixes are what may follow a post's address: its feeds and comment pages, kept across a redirect.
var oldPathSuffixes = regexp.MustCompile(`(?:feed/(?:atom/|rss2?/)?|comment-page-[0-9]+/)$`)

// oldPath redirects an address a post had on another site (kept by an import) to its address here, with any feed
// or comment page the reader asked for.
func (s *Server) oldPath(w http.ResponseWriter, r *http.Request) (bool, error) {
	path := r.URL.Path
	if !strings.HasSuffix(path, "/") && !hasFileExtension(path) {
		path += "/"
	}
	suffix := oldPathSuffixes.FindString(path)
	p, err := s.store.PostByOldPath(r.Context(), strings.TrimSuffix(path, suffix))
	if blog.ErrorCode(err) == blog.ENOTFOUND {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	req, err := s.newRequest(r, route{})
	if err != nil {
		return false, err
	}
	if !p.IsPublic(req.now) {
		return false, nil
	}
	http.Redirect(w, r, req.settings.PostPath(&p)+suffix, http.StatusMovedPermanently)
	return true, nil
}

func (s *Server) route(w http.ResponseWriter, r *http.Request) error {
	path := r.URL.Path
	if path == "/index.php" {
		path = "/" // WordPress's front controller, in links from before pretty permalinks (/index.php?p=12)
	}
	rt, ok := parseRoute(path)
	if !ok {
		return errNotFound
	}
	if !strings.HasSuffix(path, "/") || rt.explicitFirstPage {
		if hasFileExtension(path) {
			return errNotFound // /favicon.ico is no page: a slash added would only lead to the same 404, a redirect later
		}
		target := path + "/"
		if rt.explicitFirstPage {
			target = strings.TrimSuffix(strings.TrimSuffix(path, "/"), "/page/1") + "/"
		}
		return redirect(w, r, target)
	}
	req, err := s.newRequest(r, rt)
	if err != nil {
		return err
	}
	switch rt.kind {
	case routeSlug:
		return s.single(w, r, req)
	case routeHome:
		if moved, err := s.wordPressQuery(w, r, req); moved || err != nil {
			return err
		}
		if path != r.URL.Path {
			return redirect(w, r, path) // /index.php?s=…: the home page's own address, with the query
		}
		if r.URL.Query().Has("s") && rt.feed == feedNone {
			return s.search(w, r, req)
		}
		return s.listing(w, r, req, listing{path: "/", filter: blog.PostFilter{StickyFirst: true}})
	case routeCategory:
		return s.category(w, r, req)
	case routeTag:
		t, err := s.store.TermBySlug(r.Context(), blog.Tag, rt.slug)
		if err != nil {
			return err
		}
		if t.Slug != rt.slug {
			return redirect(w, r, archivePath(blog.TermPath(&t), req.route))
		}
		return s.listing(w, r, req, listing{path: blog.TermPath(&t), heading: "Tag: " + t.Name, feedTitle: "tag " + t.Name,
			filter: blog.PostFilter{TagID: t.ID}})
	case routeAuthor:
		u, err := s.store.UserBySlug(r.Context(), rt.slug)
		if err != nil {
			return err
		}
		return s.listing(w, r, req, listing{path: blog.AuthorPath(u.Slug), heading: "Posts by " + u.Name, feedTitle: "posts by " + u.Name,
			filter: blog.PostFilter{AuthorID: u.ID}})
	case routeDate:
		return s.dateArchive(w, r, req)
	case routeComments:
		return s.siteCommentsFeed(w, r, req)
	}
	return errNotFound
}

func (s *Server) category(w http.ResponseWriter, r *http.Request, req *request) error {
	path := req.route.categoryPath
	t, err := s.store.TermBySlug(r.Context(), blog.Category, path[len(path)-1])
	if err != nil {
		return err
	}
	if strings.Join(path, "/") != t.Path {
		return redirect(w, r, archivePath(blog.TermPath(&t), req.route))
	}
	cats, err := s.store.Categories(r.Context())
	if err != nil {
		return err
	}
	return s.listing(w, r, req, listing{path: blog.TermPath(&t), heading: "Category: " + t.Name, feedTitle: "category " + t.Name,
		filter: blog.PostFilter{CategoryIDs: blog.DescendantIDs(cats, t.ID)}})
}

// archivePath rebuilds the URL of an archive at its canonical base, keeping the page or feed the reader asked for.
func archivePath(base string, rt route) string {
	switch rt.feed {
	case feedRSS:
		return base + "feed/"
	case feedAtom:
		return base + "feed/atom/"
	}
	return blog.PagedPath(base, rt.page)
}

func (s *Server) dateArchive(w http.ResponseWriter, r *http.Request, req *request) error {
	rt := req.route
	month, day := max(rt.month, 1), max(rt.day, 1)
	from := time.Date(rt.year, time.Month(month), day, 0, 0, 0, 0, req.loc)
	if from.Day() != day { // February 30th and the like
		return errNotFound
	}
	var until time.Time
	var heading, path string
	switch {
	case rt.day != 0:
		until = from.AddDate(0, 0, 1)
		heading, path = from.Format("January 2, 2006"), from.Format("/2006/01/02/")
	case rt.month != 0:
		until = from.AddDate(0, 1, 0)
		heading, path = from.Format("January 2006"), from.Format("/2006/01/")
	default:
		until = from.AddDate(1, 0, 0)
		heading, path = from.Format("2006"), from.Format("/2006/")
	}
	return s.listing(w, r, req, listing{path: path, heading: "Archives: " + heading, feedTitle: heading, notFoundWhenEmpty: true,
		filter: blog.PostFilter{From: from, Until: until}})
}

// listing is one kind of post list: its canonical path, its heading, and which posts it shows.
type listing struct {
	path              string
	heading           string
	feedTitle         string // names the archive in its feed's title; "" for the site feed
	filter            blog.PostFilter
	notFoundWhenEmpty bool
}

func (s *Server) listing(w http.ResponseWriter, r *http.Request, req *request, l listing) error {
	f := l.filter
	f.Type, f.PublicAt = blog.TypePost, req.now
	if req.route.feed != feedNone {
		f.Limit, f.StickyFirst = req.settings.FeedItems, false // feeds are chronological
		posts, err := s.store.PostList(r.Context(), f)
		if err != nil {
			return err
		}
		return s.writeFeed(w, req, l, posts)
	}
	perPage := req.settings.PostsPerPage
	f.Limit, f.Offset = perPage, (req.route.page-1)*perPage
	posts, total, err := s.store.Posts(r.Context(), f)
	if err != nil {
		return err
	}
	lastPage := pageCount(total, perPage)
	if req.route.page > lastPage || (total == 0 && l.notFoundWhenEmpty) {
		return errNotFound
	}
	page := &listPage{Heading: l.heading, Pager: newPager(l.path, req.route.page, lastPage)}
	if err := s.fillBase(r.Context(), req, &page.basePage, blog.PagedPath(l.path, req.route.page)); err != nil {
		return err
	}
	page.Site.Front = l.heading == ""
	if l.heading != "" {
		page.Head.Title = l.heading + " – " + req.settings.Title
		page.Head.Feeds = append(page.Head.Feeds,
			feedLink{Title: req.settings.Title + " » " + l.feedTitle + " (RSS)", URL: req.base + l.path + "feed/"},
			feedLink{Title: req.settings.Title + " » " + l.feedTitle + " (Atom)", Atom: true, URL: req.base + l.path + "feed/atom/"})
	}
	page.Head.Title = pagedTitle(page.Head.Title, req.route.page)
	for i := range posts {
		page.Posts = append(page.Posts, s.postView(req, &posts[i], true))
	}
	return s.views.render(w, http.StatusOK, "list", page)
}

// pageCount is how many pages of perPage a list of total takes: at least one, on which an empty list says so.
func pageCount(total, perPage int) int { return max((total+perPage-1)/perPage, 1) }

// pagedTitle is a list's title on its page n: "Politics – My Blog – Page 2" from the second page on.
func pagedTitle(title string, n int) string {
	if n > 1 {
		return fmt.Sprintf("%s – Page %d", title, n)
	}
	return title
}

func newPager(base string, current, last int) pager {
	p := pager{}
	if current > 1 {
		p.Newer = blog.PagedPath(base, current-1)
	}
	if current < last {
		p.Older = blog.PagedPath(base, current+1)
	}
	if last == 1 {
		return p
	}
	// Show the first, the last, and two either side of the current page, with gaps between.
	for n := 1; n <= last; n++ {
		if n == 1 || n == last || (n >= current-2 && n <= current+2) {
			p.Pages = append(p.Pages, pageLink{Number: n, URL: blog.PagedPath(base, n), Current: n == current})
		} else if len(p.Pages) > 0 && !p.Pages[len(p.Pages)-1].Gap {
			p.Pages = append(p.Pages, pageLink{Gap: true})
		}
	}
	return p
}

func (s *Server) single(w http.ResponseWriter, r *http.Request, req *request) error {
	p, _, err := s.postBySlug(r, req.route.slug)
	if err != nil {
		return err
	}
	if !p.IsPublic(req.now) {
		return errNotFound
	}
	pageShowsPost(r.Context(), p.ID)
	if req.route.feed != feedNone {
		if p.Type == blog.TypePage {
			return errNotFound
		}
		return s.postCommentsFeed(w, r, req, &p)
	}
	canonical := commentPagePath(req.settings.PostPath(&p), req.route.commentPage)
	if r.URL.Path != canonical {
		return redirect(w, r, canonical)
	}
	return s.renderPost(w, r, req, &p, nil, http.StatusOK)
}

// renderPost shows a post or page; form is a comment submission shown again (nil for a plain visit).
func (s *Server) renderPost(w http.ResponseWriter, r *http.Request, req *request, p *blog.Post, form *formView, status int) error {
	canonical := req.settings.PostPath(p)
	page := &postPage{Post: s.postView(req, p, false)}
	if p.Type == blog.TypePost {
		d, err := s.discussion(r, req, p, form)
		if errors.Is(err, errNoCommentPage) && form == nil {
			// The post is there, and its comments: the reader lands on them rather than on "not found". Not for
			// good (302): the page may come to exist.
			http.Redirect(w, r, canonical+"#comments", http.StatusFound)
			return nil
		}
		if err != nil {
			return err
		}
		if c, ok := w.(*capture); ok {
			d.Thread = c.spliceThread(d)
		}
		page.Discussion = d
		if form == nil {
			d.Notice = takeNotice(w, r)
		}
	}
	if err := s.fillBase(r.Context(), req, &page.basePage, commentPagePath(canonical, req.route.commentPage)); err != nil {
		return err
	}
	page.Head.Title = p.Title + " – " + req.settings.Title
	page.Head.Description = p.Excerpt
	if page.Head.Description == "" {
		page.Head.Description = markup.Excerpt(template.HTML(p.HTML), 30)
	}
	if p.Type == blog.TypePost {
		page.Head.Feeds = append(page.Head.Feeds,
			feedLink{Title: req.settings.Title + " » " + p.Title + " comments (RSS)", URL: req.base + canonical + "feed/"},
			feedLink{Title: req.settings.Title + " » " + p.Title + " comments (Atom)", Atom: true, URL: req.base + canonical + "feed/atom/"})
	}
	// A reply form is the same page again: keep it out of search engines, as WordPress does.
	page.Head.NoIndex = r.URL.Query().Has("replytocom") || form != nil
	return s.views.render(w, status, "post", page)
}

// shortLink answers /?p=ID (and /?page_id=ID), the address feeds use as a post's permanent ID, with a redirect to
// the post's permalink, or to the comment page or feed of it that tail asks for.
func (s *Server) shortLink(w http.ResponseWriter, r *http.Request, req *request, idText string, tail postTail) error {
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil || id <= 0 {
		return errNotFound
	}
	// A post imported from WordPress answers to the ID it had there, which its old links and feeds carry.
	if imported, err := s.store.ImportedPostID(r.Context(), id); err != nil {
		return err
	} else if imported != 0 {
		id = imported
	}
	p, err := s.store.Post(r.Context(), id)
	if err != nil {
		return err
	}
	if !p.IsPublic(req.now) {
		return errNotFound
	}
	target, ok := tail.path(&p, req.settings.PostPath(&p))
	if !ok {
		return errNotFound
	}
	http.Redirect(w, r, target, http.StatusMovedPermanently)
	return nil
}

// fillBase fills what every page shows: the site header, its pages menu and its feeds.
func (s *Server) fillBase(ctx context.Context, req *request, b *basePage, path string) error {
	st := req.settings
	pages, _, err := s.store.Posts(ctx, blog.PostFilter{Type: blog.TypePage, PublicAt: req.now, Limit: 20})
	if err != nil {
		return err
	}
	slices.Reverse(pages) // oldest first: "About" was usually written first
	b.Site = siteView{Title: st.Title, Tagline: st.Tagline, Language: st.Language, Home: "/"}
	for i := range pages {
		b.Site.Pages = append(b.Site.Pages, link{Name: pages[i].Title, URL: st.PostPath(&pages[i])})
	}
	b.Head = headView{
		Title:       st.Title,
		Description: st.Tagline,
		Canonical:   req.base + path,
		Feeds: []feedLink{
			{Title: st.Title + " (RSS)", URL: req.base + "/feed/"},
			{Title: st.Title + " (Atom)", Atom: true, URL: req.base + "/feed/atom/"},
		},
	}
	return nil
}

func (s *Server) postView(req *request, p *blog.Post, inList bool) postView {
	v := postView{
		Title:        p.Title,
		URL:          req.settings.PostPath(p),
		IsPage:       p.Type == blog.TypePage,
		Sticky:       p.Sticky,
		Published:    newDateView(p.Published, req.loc, req.settings.DateFormat),
		Updated:      newDateView(p.Updated, req.loc, req.settings.DateFormat),
		WasUpdated:   p.Updated.Sub(p.Published) > time.Hour,
		Author:       link{Name: p.Author.Name, URL: blog.AuthorPath(p.Author.Slug)},
		HTML:         template.HTML(p.HTML),
		CommentCount: p.CommentCount,
		CommentsOpen: p.CommentsOpen,
	}
	if inList {
		v.Summary = template.HTML(p.Summary)
	}
	for i := range p.Categories {
		v.Categories = append(v.Categories, link{Name: p.Categories[i].Name, URL: blog.TermPath(&p.Categories[i])})
	}
	for i := range p.Tags {
		v.Tags = append(v.Tags, link{Name: p.Tags[i].Name, URL: blog.TermPath(&p.Tags[i])})
	}
	switch p.CommentCount {
	case 0:
		v.CommentsLabel = "No comments"
	case 1:
		v.CommentsLabel = "1 comment"
	default:
		v.CommentsLabel = fmt.Sprintf("%d comments", p.CommentCount)
	}
	return v
}

// renderError shows the site's error page. It reads the settings for the site's look; when even that fails (the
// database is down), it falls back to a plain page rather than failing twice.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, status int, detail string) {
	page := &errorPage{Status: status, Admin: strings.HasPrefix(r.URL.Path, "/admin/")}
	switch status {
	case http.StatusNotFound:
		page.Heading, page.Message = "Page not found", "Nothing lives at this address. It may have moved, or the link may be mistyped."
	case http.StatusServiceUnavailable:
		page.Heading, page.Message = "Back in a moment", "The site cannot reach its database just now. Please try again shortly."
		w.Header().Set("Retry-After", "5")
	case http.StatusBadRequest:
		page.Heading, page.Message = "Bad request", "The address or the form could not be understood."
	case http.StatusRequestEntityTooLarge:
		page.Heading, page.Message = "Too large to send", "What you sent is larger than this site accepts, so nothing was saved. "+
			"Go back (your browser usually keeps what you typed), make it shorter, and send it again."
	case http.StatusForbidden:
		page.Heading, page.Message = "Not allowed", "This is not open to you."
	case http.StatusConflict:
		page.Heading, page.Message = "Changed meanwhile", "What you sent no longer matches what is stored."
	case http.StatusTooManyRequests:
		page.Heading, page.Message = "Too many at once", "Please wait a moment and try again."
	default:
		page.Heading, page.Message = "Something went wrong", "The page could not be shown because of a fault on our side. It has been logged; please try again in a moment."
	}
	switch status {
	case http.StatusBadRequest, http.StatusForbidden, http.StatusConflict, http.StatusTooManyRequests:
		if detail != "" { // the reason, which says what to do; the others' own words say it better
			page.Message = asSentence(detail)
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	req, err := s.newRequest(r, route{})
	if err == nil {
		err = s.fillBase(r.Context(), req, &page.basePage, r.URL.Path)
	}
	if err == nil {
		page.Head.Title = page.Heading + " – " + req.settings.Title
		page.Head.NoIndex = true
		err = s.views.render(w, status, "error", page)
	}
	if err != nil {
		s.log.ErrorContext(r.Context(), "render error page", "status", status, "err", err)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(status)
		fmt.Fprintf(w, "%s\n\n%s\n", page.Heading, page.Message)
	}
}

// asSentence makes an error's message, written in lower case to be wrapped by others, a sentence of its own.
func asSentence(msg string) string {
	r, size := utf8.DecodeRuneInString(msg)
	msg = string(unicode.ToUpper(r)) + msg[size:]
	if !strings.HasSuffix(msg, ".") && !strings.HasSuffix(msg, "?") && !strings.HasSuffix(msg, "!") {
		msg += "."
	}
	return msg
}

// redirect answers with a permanent redirect to target on this site, keeping the query string.
func redirect(w http.ResponseWriter, r *http.Request, target string) error {
	target = "/" + strings.TrimLeft(target, "/\\") // never "//host": that would leave the site
	if r.URL.RawQuery != "" {
		target += "?" + r.URL.RawQuery
	}
	http.Redirect(w, r, target, http.StatusMovedPermanently)
	return nil
}
