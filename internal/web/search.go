package web

import (
	"context"
	"net/http"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/store"
)

// searchStore is what the site's search asks of the database.
type searchStore interface {
	// SearchPosts finds what f selects that matches a reader's words, most relevant first, with the number found.
	SearchPosts(ctx context.Context, query string, f blog.PostFilter) ([]blog.Post, int, error)
}

// searchSlots is how many searches run at once: half the cores. A search for a word nearly every post has ranks
// every match (half a second at 100,000 posts), and a few of those at once must not take every core, or every render
// slot, from readers of posts.
func searchSlots() int { return max(1, runtime.GOMAXPROCS(0)/2) }

// searchPage is a search's results: the list page (its posts, its pager), with the query.
type searchPage struct {
	listPage
	Query string // as the reader typed it; "" when the search box was sent empty
	Found string // how many were found ("3 results"), when any were
}

// search answers WordPress's search addresses, /?s=QUERY and /page/N/?s=QUERY, which old links, themes and
// browsers' search shortcuts use: the published posts and pages that have the query's words (see
// store.SearchPosts), most relevant first, in pages like the archives'. An empty query shows the search form with
// a hint. Results pages are kept out of search engines (noindex): they are made of other pages, for any words at
// all.
//
// They are not cached. cacheKey turns away any request with a query parameter that is not a harmless one, and s is
// not one, so each search is rendered for its reader, within the render slots like any page the cache does not
// answer, and at most searchSlots of them at once. That is deliberate: a reader's words make a page seldom asked for again, and keeping them would let
// anyone push the pages readers do ask for out of the cache with made-up queries, one entry each. What one search
// may cost is bounded by the query's length and number of terms (store.MaxSearchRunes).
func (s *Server) search(w http.ResponseWriter, r *http.Request, req *request) error {
	q := r.URL.Query()
	query := strings.TrimSpace(strings.ToValidUTF8(q.Get("s"), "\uFFFD"))
	if utf8.RuneCountInString(query) > store.MaxSearchRunes {
		query = string([]rune(query)[:store.MaxSearchRunes])
	}
	if paged := q.Get("paged"); paged != "" {
		// WordPress's own paging of a search, in sites without pretty permalinks: the same page, at its address here.
		n, err := strconv.Atoi(paged)
		if err != nil || n < 1 || n > 1_000_000 {
			return errNotFound
		}
		http.Redirect(w, r, searchPath(blog.PagedPath("/", n), query), http.StatusMovedPermanently)
		return nil
	}
	page := &searchPage{Query: query}
	page.Heading = "Search"
	var posts []blog.Post
	total, perPage := 0, req.settings.PostsPerPage
	if query != "" {
		page.Heading = "Search results for “" + query + "”"
		select {
		case s.searchSlots <- struct{}{}:
		case <-r.Context().Done():
			return r.Context().Err()
		}
		var err error
		posts, total, err = s.store.SearchPosts(r.Context(), query,
			blog.PostFilter{PublicAt: req.now, Limit: perPage, Offset: (req.route.page - 1) * perPage})
		<-s.searchSlots
		if err != nil {
			return err
		}
	}
	lastPage := pageCount(total, perPage)
	if req.route.page > lastPage {
		return errNotFound
	}
	page.Pager = newPager("/", req.route.page, lastPage)
	page.Pager.Ranked = true
	page.Pager.Newer, page.Pager.Older = searchPath(page.Pager.Newer, query), searchPath(page.Pager.Older, query)
	for i := range page.Pager.Pages {
		page.Pager.Pages[i].URL = searchPath(page.Pager.Pages[i].URL, query)
	}
	if err := s.fillBase(r.Context(), req, &page.basePage, "/"); err != nil {
		return err
	}
	page.Site.Search = query
	page.Head.Title = page.Heading + " – " + req.settings.Title
	page.Head.Title = pagedTitle(page.Head.Title, req.route.page)
	page.Head.Canonical = "" // a search has no address of its own to point engines at: it is noindex
	page.Head.NoIndex = true
	if total > 0 {
		page.Found = blog.CountOf(total, "result")
	}
	for i := range posts {
		page.Posts = append(page.Posts, s.postView(req, &posts[i], true))
	}
	return s.views.render(w, http.StatusOK, "search", page)
}

// searchPath is the address of a page of the search for query at path (/ or /page/N/); "" stays "" (no such page).
func searchPath(path, query string) string {
	if path == "" {
		return ""
	}
	return path + "?s=" + url.QueryEscape(query)
}
