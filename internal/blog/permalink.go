package blog

import (
	"fmt"
	"strings"
)

// PostPath is the path a post or page is published under, in the site's permalink style and time zone.
func (s *Settings) PostPath(p *Post) string {
	if p.Type == TypePage {
		return "/" + p.Slug + "/"
	}
	d := p.Published.In(s.Location())
	switch s.Permalink {
	case PermalinkPlain:
		return "/" + p.Slug + "/"
	case PermalinkMonth:
		return fmt.Sprintf("/%04d/%02d/%s/", d.Year(), d.Month(), p.Slug)
	}
	return fmt.Sprintf("/%04d/%02d/%02d/%s/", d.Year(), d.Month(), d.Day(), p.Slug)
}

// TermPath is the archive page of a category or tag.
func TermPath(t *Term) string {
	if t.Taxonomy == Category {
		return "/category/" + t.Path + "/"
	}
	return "/tag/" + t.Slug + "/"
}

// AuthorPath is an author's archive page.
func AuthorPath(slug string) string { return "/author/" + slug + "/" }

// PagedPath appends WordPress's /page/N/ to an archive path; page 1 is the archive itself.
func PagedPath(base string, page int) string {
	if page <= 1 {
		return base
	}
	return fmt.Sprintf("%s/page/%d/", strings.TrimSuffix(base, "/"), page)
}
