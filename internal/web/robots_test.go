package web_test

import (
	"slices"
	"strings"
	"testing"
)

// /robots.txt keeps crawlers out of the admin area and the API, and nowhere readers go: reply forms are kept out
// of search engines by their noindex, which a crawler barred by robots.txt would never read.
func TestRobotsTxt(t *testing.T) {
	s := newSite(t, nil, nil)
	posts := seed(t, s)
	r := s.get(t, "/robots.txt")
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/plain") {
		t.Fatalf("GET /robots.txt = %d %q; want 200 text/plain", r.status, r.header.Get("Content-Type"))
	}
	var agents, disallowed []string
	for _, line := range strings.Split(r.body, "\n") {
		field, value, _ := strings.Cut(line, ":")
		value = strings.TrimSpace(value)
		switch strings.ToLower(field) {
		case "user-agent":
			agents = append(agents, value)
		case "disallow":
			disallowed = append(disallowed, value)
		case "sitemap":
			t.Errorf("robots.txt names a sitemap (%q), which Salon does not make", value)
		}
	}
	if len(agents) != 1 || agents[0] != "*" {
		t.Errorf("robots.txt user agents = %q; want [*]", agents)
	}
	for _, want := range []string{"/admin/", "/api/"} {
		if !slices.Contains(disallowed, want) {
			t.Errorf("robots.txt disallows %q; want %s among them", disallowed, want)
		}
	}
	hello := s.path(t, posts["hello"])
	for _, path := range []string{"/", hello, hello + "?replytocom=1", hello + "comment-page-2/", "/feed/",
		"/category/politics/", "/tag/go/", "/author/ann-writer/", "/2024/05/", "/about/", "/privacy-policy/"} {
		for _, prefix := range disallowed {
			if prefix != "" && strings.HasPrefix(path, prefix) {
				t.Errorf("robots.txt rule Disallow: %s keeps crawlers off %s", prefix, path)
			}
		}
	}
	if r := s.get(t, hello+"?replytocom=1"); len(find(r.doc, "meta[name=robots]")) != 1 {
		t.Errorf("GET %s?replytocom=1 has no robots meta: a reply form is indexable", hello)
	}
}
