package web

import (
	"strconv"
	"strings"
)

// routeKind is what a public URL shows.
type routeKind int

const (
	routeHome routeKind = iota
	routeSlug           // a post or page, found by its slug
	routeCategory
	routeTag
	routeAuthor
	routeDate
	routeComments // the site's latest comments; only as a feed
)

type feedKind int

const (
	feedNone feedKind = iota
	feedRSS
	feedAtom
)

// route is a parsed public URL. WordPress's URL space is irregular (/2024/05/17/ is an archive, /2024/05/slug/ a
// post), so it is parsed by hand rather than by ServeMux patterns.
type route struct {
	kind              routeKind
	slug              string   // routeSlug, routeTag, routeAuthor
	categoryPath      []string // routeCategory
	year, month, day  int      // routeDate (month and day may be 0), or the date a post URL carries
	page              int      // 1 when the URL has no /page/N/
	commentPage       int      // routeSlug: the page of comments, 0 when the URL has no /comment-page-N/
	feed              feedKind
	explicitFirstPage bool // the URL said /page/1/, which redirects to the archive itself
}

// parseRoute parses a path such as /category/politics/page/2/. ok is false for paths that cannot be a public URL.
func parseRoute(path string) (r route, ok bool) {
	segs := strings.FieldsFunc(path, func(c rune) bool { return c == '/' })
	r.page = 1
	if n := len(segs); n >= 1 && segs[n-1] == "feed" {
		r.feed, segs = feedRSS, segs[:n-1]
	} else if n >= 2 && segs[n-2] == "feed" {
		switch segs[n-1] {
		case "atom":
			r.feed = feedAtom
		case "rss2", "rss":
			r.feed = feedRSS
		default:
			return r, false
		}
		segs = segs[:n-2]
	}
	if n := len(segs); r.feed == feedNone && n >= 2 && strings.HasPrefix(segs[n-1], "comment-page-") {
		p, err := strconv.Atoi(strings.TrimPrefix(segs[n-1], "comment-page-"))
		if err != nil || p < 1 || p > 1_000_000 {
			return r, false
		}
		r.commentPage, segs = p, segs[:n-1]
	}
	if n := len(segs); r.feed == feedNone && r.commentPage == 0 && n >= 2 && segs[n-2] == "page" {
		p, err := strconv.Atoi(segs[n-1])
		if err != nil || p < 1 || p > 1_000_000 || strconv.Itoa(p) != segs[n-1] {
			return r, false
		}
		r.page, r.explicitFirstPage, segs = p, p == 1, segs[:n-2]
	}
	switch {
	case len(segs) == 0 && r.commentPage == 0:
		r.kind = routeHome
		return r, true
	case len(segs) == 1 && segs[0] == "comments" && r.feed != feedNone:
		r.kind = routeComments
		return r, true
	case r.commentPage != 0 && (segs[0] == "category" || segs[0] == "tag" || segs[0] == "author"):
		return r, false
	case segs[0] == "category" && len(segs) >= 2:
		r.kind, r.categoryPath = routeCategory, segs[1:]
		return r, true
	case segs[0] == "tag" && len(segs) == 2:
		r.kind, r.slug = routeTag, segs[1]
		return r, true
	case segs[0] == "author" && len(segs) == 2:
		r.kind, r.slug = routeAuthor, segs[1]
		return r, true
	}
	// Date archives and dated post URLs: YYYY[/MM[/DD]][/slug].
	nums := 0
	for nums < len(segs) && nums < 3 && isDatePart(segs[nums], nums) {
		nums++
	}
	rest := segs[nums:]
	if nums > 0 {
		r.year, _ = strconv.Atoi(segs[0])
	}
	if nums > 1 {
		r.month, _ = strconv.Atoi(segs[1])
	}
	if nums > 2 {
		r.day, _ = strconv.Atoi(segs[2])
	}
	switch {
	case len(rest) == 0 && r.commentPage == 0:
		r.kind = routeDate
		return r, true
	case len(rest) == 1 && nums != 1 && r.page == 1:
		r.kind, r.slug = routeSlug, rest[0]
		return r, true
	}
	return r, false
}

// isDatePart reports whether s can be the i-th part of a date path: a four-digit year, then a two-digit month and
// day in range.
func isDatePart(s string, i int) bool {
	n, err := strconv.Atoi(s)
	if err != nil {
		return false
	}
	switch i {
	case 0:
		return len(s) == 4 && n >= 1000
	case 1:
		return len(s) == 2 && n >= 1 && n <= 12
	default:
		return len(s) == 2 && n >= 1 && n <= 31
	}
}

// hasFileExtension reports whether the last segment of path names a file (robots.txt, wp-login.php), which no post
// or archive can be: slugs have no dots.
func hasFileExtension(path string) bool {
	return strings.Contains(path[strings.LastIndex(path, "/")+1:], ".")
}
