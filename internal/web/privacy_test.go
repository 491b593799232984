package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/web"
)

// TestPrivacyPage: the public privacy page says what is kept, with the site's own numbers.
func TestPrivacyPage(t *testing.T) {
	s, _ := newCommentSite(t, nil)
	r := s.get(t, "/privacy-policy/")
	if r.status != http.StatusOK {
		t.Fatalf("GET /privacy-policy/ = %d", r.status)
	}
	for _, want := range []string{"erased after 30 days", "Your email address is never published", "drawn by this site", "salon_commenter"} {
		if !strings.Contains(text(r.doc), want) {
			t.Errorf("the privacy page does not say %q", want)
		}
	}
	for k, v := range map[string]string{"comment_ip_days": "7", "gravatar": "on", "comment_edit_minutes": "1"} {
		if err := s.store.SetSetting(context.Background(), k, v); err != nil {
			t.Fatal(err)
		}
	}
	r = s.get(t, "/privacy-policy/")
	for _, want := range []string{"erased after 7 days", "fetched from Gravatar", "edit one for 1 minute after"} {
		if !strings.Contains(text(r.doc), want) {
			t.Errorf("after the settings changed, the privacy page does not say %q", want)
		}
	}
}

// TestTooLargeBodies: a form over its limit answers 413 with a page in the site's look that says so, not a 400.
func TestTooLargeBodies(t *testing.T) {
	s, p := newCommentSite(t, nil)
	rd := s.reader(t, "192.0.2.60")
	huge := strings.Repeat("x", 300<<10)
	for _, tt := range []struct {
		name, path string
		form       url.Values
		status     int
	}{
		{"comment", "/comments/", url.Values{"comment_post_ID": {"1"}, "comment": {huge}}, http.StatusRequestEntityTooLarge},
		{"preview", "/comments/preview/", url.Values{"comment": {huge}}, http.StatusRequestEntityTooLarge},
		{"sign-in", "/admin/signin/", url.Values{"email": {"a@example.com"}, "password": {huge}}, http.StatusRequestEntityTooLarge},
		{"comment under the limit", "/comments/", url.Values{"comment_post_ID": {"1"}, "comment": {"short"}}, http.StatusBadRequest},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := rd.post(t, tt.path, tt.form)
			if r.status != tt.status {
				t.Fatalf("POST %s = %d; want %d", tt.path, r.status, tt.status)
			}
			if tt.status != http.StatusRequestEntityTooLarge {
				return
			}
			if h := find(r.doc, "h1"); len(h) == 0 || text(h[0]) != "Too large to send" {
				t.Errorf("the 413 page's heading = %q", texts(h))
			}
			if !strings.Contains(r.body, "nothing was saved") || len(find(r.doc, "link")) == 0 {
				t.Errorf("the 413 page is not the site's page:\n%s", r.body)
			}
		})
	}
	_ = p
}

// TestNoListingsAndPanics: /static/ lists nothing, paths that climb out are refused, and a panic in a handler
// becomes the site's 500 page while the server keeps answering.
func TestNoListingsAndPanics(t *testing.T) {
	s, _ := newCommentSite(t, nil)
	for _, path := range []string{"/static/", "/static/../", "/static/..%2Fgo.mod", "/static/%2e%2e/server.go", "/avatar/", "/media/"} {
		r := s.get(t, path)
		if r.status == http.StatusOK || strings.Contains(r.body, "<pre>") || strings.Contains(r.body, "package ") {
			t.Errorf("GET %s = %d:\n%.300s", path, r.status, r.body)
		}
	}
	// A panic in one page: the site's 500 page. A panic in what every page reads, the error page's too: a plain 500.
	for _, tt := range []struct {
		path, want string
		everywhere bool
	}{{"/a-post/", "<h1>Something went wrong</h1>", false}, {"/", "Something went wrong on our side", true}} {
		srv := startSite(t, panickingStore{everywhere: tt.everywhere}, nil, &clock{t: start})
		for range 2 {
			r := get(t, srv.Client(), srv.URL+tt.path)
			if r.status != http.StatusInternalServerError || !strings.Contains(r.body, tt.want) {
				t.Fatalf("GET %s with a panicking store = %d:\n%s", tt.path, r.status, r.body)
			}
		}
	}
}

// panickingStore has settings and panics on finding a post by slug; everywhere, it panics on listing posts too,
// which every page does for its menu.
type panickingStore struct {
	failingStore
	everywhere bool
}

func (panickingStore) Settings(context.Context) (blog.Settings, error) {
	return blog.DefaultSettings(), nil
}
func (panickingStore) CacheVersions(_ context.Context, scopes []string) ([]int64, error) {
	return make([]int64, len(scopes)), nil
}
func (panickingStore) PostBySlug(context.Context, string) (blog.Post, bool, error) {
	panic("a bug")
}
func (p panickingStore) Posts(context.Context, blog.PostFilter) ([]blog.Post, int, error) {
	if p.everywhere {
		panic("a bug everywhere")
	}
	return nil, 0, nil
}

var _ web.Store = panickingStore{}
