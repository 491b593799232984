package web

import (
	"net/http/httptest"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseRoute(t *testing.T) {
	tests := []struct {
		path string
		want route
		ok   bool
	}{
		{"/", route{kind: routeHome, page: 1}, true},
		{"/page/3/", route{kind: routeHome, page: 3}, true},
		{"/page/1/", route{kind: routeHome, page: 1, explicitFirstPage: true}, true},
		{"/page/0/", route{}, false},
		{"/page/03/", route{}, false},
		{"/page/x/", route{}, false},
		{"/feed/", route{kind: routeHome, page: 1, feed: feedRSS}, true},
		{"/feed/atom/", route{kind: routeHome, page: 1, feed: feedAtom}, true},
		{"/feed/rss2/", route{kind: routeHome, page: 1, feed: feedRSS}, true},
		{"/feed/json/", route{}, false},
		{"/2024/05/17/hello-world/", route{kind: routeSlug, slug: "hello-world", year: 2024, month: 5, day: 17, page: 1}, true},
		{"/2024/05/hello-world/", route{kind: routeSlug, slug: "hello-world", year: 2024, month: 5, page: 1}, true},
		{"/hello-world/", route{kind: routeSlug, slug: "hello-world", page: 1}, true},
		{"/2024/hello-world/", route{}, false},
		{"/2024/05/17/hello-world/feed/", route{kind: routeSlug, slug: "hello-world", year: 2024, month: 5, day: 17, page: 1, feed: feedRSS}, true},
		{"/hello-world/page/2/", route{}, false},
		{"/2024/", route{kind: routeDate, year: 2024, page: 1}, true},
		{"/2024/05/", route{kind: routeDate, year: 2024, month: 5, page: 1}, true},
		{"/2024/05/17/", route{kind: routeDate, year: 2024, month: 5, day: 17, page: 1}, true},
		{"/2024/05/page/2/", route{kind: routeDate, year: 2024, month: 5, page: 2}, true},
		{"/2024/13/", route{kind: routeSlug, slug: "13", year: 2024, page: 1}, false},
		{"/2024/05/32/", route{kind: routeSlug, slug: "32", year: 2024, month: 5, page: 1}, true},
		{"/category/politics/", route{kind: routeCategory, categoryPath: []string{"politics"}, page: 1}, true},
		{"/category/politics/elections/page/2/", route{kind: routeCategory, categoryPath: []string{"politics", "elections"}, page: 2}, true},
		{"/category/politics/feed/atom/", route{kind: routeCategory, categoryPath: []string{"politics"}, page: 1, feed: feedAtom}, true},
		{"/category/", route{kind: routeSlug, slug: "category", page: 1}, true},
		{"/tag/go/", route{kind: routeTag, slug: "go", page: 1}, true},
		{"/tag/go/extra/", route{}, false},
		{"/author/ann/feed/", route{kind: routeAuthor, slug: "ann", page: 1, feed: feedRSS}, true},
		{"/a/b/c/d/", route{}, false},
		{"/2024/05/17/hello-world/comment-page-3/", route{kind: routeSlug, slug: "hello-world", year: 2024, month: 5, day: 17, page: 1, commentPage: 3}, true},
		{"/hello-world/comment-page-2/", route{kind: routeSlug, slug: "hello-world", page: 1, commentPage: 2}, true},
		{"/comment-page-2/", route{kind: routeSlug, slug: "comment-page-2", page: 1}, true},
		{"/2024/comment-page-2/", route{}, false},
		{"/tag/go/comment-page-2/", route{}, false},
		{"/hello-world/comment-page-0/", route{}, false},
		{"/comments/feed/", route{kind: routeComments, page: 1, feed: feedRSS}, true},
		{"/comments/feed/atom/", route{kind: routeComments, page: 1, feed: feedAtom}, true},
		{"/comments/", route{kind: routeSlug, slug: "comments", page: 1}, true},
	}
	for _, tt := range tests {
		got, ok := parseRoute(tt.path)
		if ok != tt.ok {
			t.Errorf("parseRoute(%q) ok = %v; want %v", tt.path, ok, tt.ok)
			continue
		}
		if !ok {
			continue
		}
		if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(route{})); diff != "" {
			t.Errorf("parseRoute(%q) mismatch (-want +got):\n%s", tt.path, diff)
		}
	}
}

func TestProxiesIdentify(t *testing.T) {
	proxies, err := ParseProxies("10.0.0.0/8, 192.0.2.1, 2001:db8::/32")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		remote     string
		xff        []string
		proto      string
		wantIP     string
		wantSecure bool
	}{
		{"direct reader", "198.51.100.7:5000", nil, "", "198.51.100.7", false},
		{"untrusted peer cannot forge", "198.51.100.7:5000", []string{"1.2.3.4"}, "https", "198.51.100.7", false},
		{"trusted proxy", "10.1.2.3:5000", []string{"203.0.113.9"}, "https", "203.0.113.9", true},
		{"chain of trusted proxies", "10.1.2.3:5000", []string{"203.0.113.9, 192.0.2.1"}, "http", "203.0.113.9", false},
		{"spoofed left end ignored", "10.1.2.3:5000", []string{"6.6.6.6, 203.0.113.9"}, "", "203.0.113.9", false},
		{"several headers", "10.1.2.3:5000", []string{"6.6.6.6", "203.0.113.9"}, "", "203.0.113.9", false},
		{"garbage stops the walk", "10.1.2.3:5000", []string{"203.0.113.9, nonsense"}, "", "10.1.2.3", false},
		{"ipv6 proxy", "[2001:db8::1]:443", []string{"2001:db8:1::5, 2a00::9"}, "https", "2a00::9", true},
		{"ipv4-mapped proxy", "[::ffff:10.0.0.1]:80", []string{"203.0.113.9"}, "", "203.0.113.9", false},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tt.remote
		for _, v := range tt.xff {
			r.Header.Add("X-Forwarded-For", v)
		}
		if tt.proto != "" {
			r.Header.Set("X-Forwarded-Proto", tt.proto)
		}
		c := proxies.identify(r)
		if c.IP != netip.MustParseAddr(tt.wantIP) || c.Secure != tt.wantSecure {
			t.Errorf("%s: identify = %v secure=%v; want %v secure=%v", tt.name, c.IP, c.Secure, tt.wantIP, tt.wantSecure)
		}
	}
	if _, err := ParseProxies("10.0.0.0/8,not-an-ip"); err == nil {
		t.Error(`ParseProxies("10.0.0.0/8,not-an-ip") = nil error; want an error`)
	}
}
