package web

import (
	"io"
	"net/http"
)

// robotsPath is where crawlers read the site's rules.
const robotsPath = "/robots.txt"

// robotsTxt keeps crawlers out of what is no reader's page: the admin area and the API behind it, both signed in.
// Reply forms (?replytocom=) and the pages shown to one person (editing a comment, email subscriptions) say
// noindex in the page instead: a crawler kept out by robots.txt never reads that, and may list an address it finds
// links to anyway. Salon makes no sitemap, so the file names none.
const robotsTxt = "User-agent: *\nDisallow: /admin/\nDisallow: /api/\n"

// robots serves /robots.txt. Without it the address would be an unknown page, and every crawler would fetch the
// site's 404 page before each visit.
func (s *Server) robots(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, err := io.WriteString(w, robotsTxt)
	return err
}
