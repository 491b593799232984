package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/salon-blog/salon/internal/blog"
)

// oldURLStore is what the addresses of a site's WordPress past need beyond the public pages: the categories and
// authors an import brought in, found by the IDs they had there.
type oldURLStore interface {
	ImportedCategoryID(ctx context.Context, wordPressID int64) (int64, error)
	ImportedAuthorID(ctx context.Context, wordPressID int64) (int64, error)
	Term(ctx context.Context, id int64) (blog.Term, error)
	UserByID(ctx context.Context, id int64) (blog.User, error)
}

// wordPressProgram answers the addresses of WordPress's own programs, which migrated writers' bookmarks and old
// links carry, with where the same thing is here. moved is false for any other address.
func wordPressProgram(w http.ResponseWriter, r *http.Request) (moved bool, err error) {
	path := r.URL.Path
	switch {
	case path == "/wp-login.php":
		// Its query (redirect_to, a reauth flag) means nothing here, so it is dropped.
		target := "/admin/signin/"
		if r.URL.Query().Get("action") == "lostpassword" {
			target = "/admin/forgot/"
		}
		http.Redirect(w, r, target, http.StatusMovedPermanently)
		return true, nil
	case path == "/wp-admin" || strings.HasPrefix(path, "/wp-admin/"):
		http.Redirect(w, r, "/admin/", http.StatusMovedPermanently)
		return true, nil
	case strings.HasPrefix(path, "/index.php/"):
		// "Almost pretty" permalinks (/index.php/2024/05/slug/), which WordPress made where the server could not
		// rewrite URLs: the rest of the path is the address here.
		return true, redirect(w, r, strings.TrimPrefix(path, "/index.php"))
	}
	return false, nil
}

// wordPressQuery answers the query addresses of a WordPress site without pretty permalinks (/?cat=5&paged=2,
// /?m=202611, /?p=12&cpage=2, /?feed=atom), which old links, bookmarks and feed readers carry, with a permanent
// redirect to the same page here, as WordPress's redirect_canonical does. What such a query names and this site
// does not have (an unknown ID, a feed it has no counterpart of) is not found. moved is false when the query names
// none of these (a search, a campaign tag): the home page is then what it asked for.
func (s *Server) wordPressQuery(w http.ResponseWriter, r *http.Request, req *request) (moved bool, err error) {
	q := r.URL.Query()
	ctx := r.Context()
	var base string // the archive's address, for the page or feed the query asks for to be added to
	switch {
	case q.Get("p") != "" || q.Get("page_id") != "":
		id := q.Get("p")
		if id == "" {
			id = q.Get("page_id")
		}
		tail, err := postTailOf(q)
		if err != nil {
			return false, err
		}
		return true, s.shortLink(w, r, req, id, tail)
	case q.Has("s"):
		return false, nil // a search, perhaps within an archive: the search's own to answer
	case q.Get("cat") != "":
		base, err = s.wordPressCategory(ctx, q.Get("cat"))
	case q.Get("tag") != "":
		var t blog.Term
		t, err = s.store.TermBySlug(ctx, blog.Tag, q.Get("tag"))
		base = blog.TermPath(&t)
	case q.Get("author") != "":
		base, err = s.wordPressAuthor(ctx, req, q.Get("author"))
	case q.Get("m") != "":
		base, err = wordPressDate(q.Get("m"))
	case q.Get("feed") != "": // the site's feeds; a feed has no pages, so ?paged= means nothing beside it
		target, ok := wordPressFeeds[q.Get("feed")]
		if !ok {
			return false, errNotFound
		}
		http.Redirect(w, r, target, http.StatusMovedPermanently)
		return true, nil
	case q.Get("paged") != "":
		base = "/"
	default:
		return false, nil
	}
	if err != nil {
		return false, err
	}
	rt, err := archiveTailOf(q)
	if err != nil {
		return false, err
	}
	http.Redirect(w, r, archivePath(base, rt), http.StatusMovedPermanently)
	return true, nil
}

// wordPressFeeds are the feeds WordPress answers at /?feed=NAME, as old subscriptions still ask for them.
var wordPressFeeds = map[string]string{
	"rss2": "/feed/", "rss": "/feed/", "atom": "/feed/atom/",
	"comments-rss2": "/comments/feed/", "comments-atom": "/comments/feed/atom/",
}

// archiveFeeds are the ?feed= names an archive's feed answers to.
var archiveFeeds = map[string]feedKind{"rss2": feedRSS, "rss": feedRSS, "atom": feedAtom}

// archiveTailOf reads which page (?paged=N) or feed (?feed=NAME) of an archive a query asks for, as a route for
// archivePath; a feed takes the place of the pages, as in the archive's own addresses.
func archiveTailOf(q url.Values) (route, error) {
	rt := route{page: 1}
	if name := q.Get("feed"); name != "" {
		kind, ok := archiveFeeds[name]
		if !ok {
			return rt, errNotFound
		}
		rt.feed = kind
	}
	if paged := q.Get("paged"); paged != "" {
		n, err := pageNumber(paged)
		if err != nil {
			return rt, err
		}
		rt.page = n
	}
	return rt, nil
}

// postTail is what of a post a query asks for beyond the post itself: its comments' feed (?feed=rss2) or a page of
// its comments (?cpage=2).
type postTail struct {
	feed        feedKind
	commentPage int
}

func postTailOf(q url.Values) (postTail, error) {
	var tail postTail
	if name := q.Get("feed"); name != "" {
		// On a post, every feed WordPress has is the post's comments, in the format the name says.
		kind, ok := archiveFeeds[strings.TrimPrefix(name, "comments-")]
		if !ok {
			return tail, errNotFound
		}
		tail.feed = kind
		return tail, nil
	}
	if cpage := q.Get("cpage"); cpage != "" {
		n, err := pageNumber(cpage)
		if err != nil {
			return tail, err
		}
		tail.commentPage = n
	}
	return tail, nil
}

// path is the address of what t asks for of the post at base; ok is false when the post has no such thing (a
// page has no comments, so no comments' feed).
func (t postTail) path(p *blog.Post, base string) (string, bool) {
	switch {
	case p.Type == blog.TypePage && t.feed != feedNone:
		return "", false
	case p.Type == blog.TypePage: // WordPress pages could take comments; here they cannot, so the page is all there is
		return base, true
	}
	switch t.feed {
	case feedRSS:
		return base + "feed/", true
	case feedAtom:
		return base + "feed/atom/", true
	}
	return commentPagePath(base, t.commentPage), true
}

// pageNumber reads a page number of a query, within the bounds of the /page/N/ addresses.
func pageNumber(text string) (int, error) {
	n, err := strconv.Atoi(text)
	if err != nil || n < 1 || n > 1_000_000 {
		return 0, errNotFound
	}
	return n, nil
}

// wordPressID reads the ID a WordPress query names.
func wordPressID(text string) (int64, error) {
	id, err := strconv.ParseInt(text, 10, 64)
	if err != nil || id <= 0 {
		return 0, errNotFound
	}
	return id, nil
}

// wordPressCategory is the archive of the category WordPress knew by idText. Only an import knows that ID: a
// category made here never had a WordPress address, and its ID here is no WordPress ID.
func (s *Server) wordPressCategory(ctx context.Context, idText string) (string, error) {
	wpID, err := wordPressID(idText)
	if err != nil {
		return "", err
	}
	id, err := s.store.ImportedCategoryID(ctx, wpID)
	if err != nil {
		return "", err
	}
	if id == 0 {
		return "", errNotFound
	}
	t, err := s.store.Term(ctx, id)
	if err != nil {
		return "", err
	}
	if t.Taxonomy != blog.Category {
		return "", errNotFound
	}
	return blog.TermPath(&t), nil
}

// wordPressAuthor is the archive of the author WordPress knew by idText, for an author with a post readers can
// see. As WordPress does, an ID whose user wrote nothing public is not found: the redirect would tell anyone who
// counts through IDs the names of every account, administrators' included.
func (s *Server) wordPressAuthor(ctx context.Context, req *request, idText string) (string, error) {
	wpID, err := wordPressID(idText)
	if err != nil {
		return "", err
	}
	id, err := s.store.ImportedAuthorID(ctx, wpID)
	if err != nil {
		return "", err
	}
	if id == 0 {
		return "", errNotFound
	}
	u, err := s.store.UserByID(ctx, id)
	if err != nil {
		return "", err
	}
	_, n, err := s.store.Posts(ctx, blog.PostFilter{Type: blog.TypePost, AuthorID: u.ID, PublicAt: req.now, Limit: 1})
	if err != nil {
		return "", err
	}
	if n == 0 {
		return "", errNotFound
	}
	return blog.AuthorPath(u.Slug), nil
}

// wordPressDate is the date archive WordPress's ?m=YYYY[MM[DD]] names.
func wordPressDate(m string) (string, error) {
	if (len(m) != 4 && len(m) != 6 && len(m) != 8) || strings.Trim(m, "0123456789") != "" {
		return "", errNotFound
	}
	parts := []string{m[:4]}
	for i := 4; i < len(m); i += 2 {
		parts = append(parts, m[i:i+2])
	}
	for i, part := range parts {
		if !isDatePart(part, i) {
			return "", errNotFound
		}
	}
	return "/" + strings.Join(parts, "/") + "/", nil
}
