package blog_test

import (
	"strings"
	"testing"
	"time"

	"github.com/salon-blog/salon/internal/blog"
)

func TestParseType(t *testing.T) {
	for _, s := range []string{"post", "page"} {
		if got, err := blog.ParseType(s); err != nil || string(got) != s {
			t.Errorf("ParseType(%q) = %q, %v; want %q, nil", s, got, err, s)
		}
	}
	for _, s := range []string{"", "Post", "posts", "attachment"} {
		got, err := blog.ParseType(s)
		if err == nil || got != "" || blog.ErrorCode(err) != blog.EINVALID {
			t.Errorf("ParseType(%q) = %q, %v; want an %s error", s, got, err, blog.EINVALID)
		}
	}
}

func TestParseStatus(t *testing.T) {
	for _, st := range blog.Statuses {
		if got, err := blog.ParseStatus(string(st)); err != nil || got != st {
			t.Errorf("ParseStatus(%q) = %q, %v; want %q, nil", st, got, err, st)
		}
	}
	for _, s := range []string{"", "published", "Publish", "trash", "inherit"} {
		got, err := blog.ParseStatus(s)
		if err == nil || got != "" || blog.ErrorCode(err) != blog.EINVALID {
			t.Errorf("ParseStatus(%q) = %q, %v; want an %s error", s, got, err, blog.EINVALID)
		}
	}
}

func validPost() blog.Post {
	return blog.Post{
		Type:      blog.TypePost,
		Title:     "Hello",
		Slug:      "hello",
		Body:      "Some *text*.",
		Status:    blog.StatusDraft,
		Published: time.Date(2024, 5, 17, 10, 0, 0, 0, time.UTC),
		Updated:   time.Date(2024, 5, 17, 10, 0, 0, 0, time.UTC),
		AuthorID:  1,
	}
}

func TestPostValidate(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(*blog.Post)
		wantErr string // a word of the message; "" for valid
	}{
		{"valid", func(*blog.Post) {}, ""},
		{"page", func(p *blog.Post) { p.Type = blog.TypePage }, ""},
		{"title of 300 runes", func(p *blog.Post) { p.Title = strings.Repeat("é", 300) }, ""},
		{"excerpt of 2000 runes", func(p *blog.Post) { p.Excerpt = strings.Repeat("é", 2000) }, ""},
		{"body of 4 MiB", func(p *blog.Post) { p.Body = strings.Repeat("a", blog.MaxBodyLen) }, ""},
		{"no type", func(p *blog.Post) { p.Type = "" }, "not a post type"},
		{"bad type", func(p *blog.Post) { p.Type = "attachment" }, "not a post type"},
		{"no status", func(p *blog.Post) { p.Status = "" }, "not a post status"},
		{"bad status", func(p *blog.Post) { p.Status = "trash" }, "not a post status"},
		{"untitled draft", func(p *blog.Post) { p.Title = "" }, ""},
		{"no title", func(p *blog.Post) { p.Title, p.Status = "", blog.StatusPending }, "title is required"},
		{"blank title", func(p *blog.Post) { p.Title, p.Status = " \t\n", blog.StatusPublish }, "title is required"},
		{"title too long", func(p *blog.Post) { p.Title = strings.Repeat("é", 301) }, "longer than 300"},
		{"no slug", func(p *blog.Post) { p.Slug = "" }, "slug is empty"},
		{"non-canonical slug", func(p *blog.Post) { p.Slug = "Hello" }, "not a valid slug"},
		{"reserved slug", func(p *blog.Post) { p.Slug = "feed" }, "cannot be used"},
		{"digits-only slug", func(p *blog.Post) { p.Slug = "2024" }, "cannot be used"},
		{"title not UTF-8", func(p *blog.Post) { p.Title = "Caf\xe9" }, "UTF-8"},
		{"body not UTF-8", func(p *blog.Post) { p.Body = "Caf\xe9" }, "UTF-8"},
		{"excerpt not UTF-8", func(p *blog.Post) { p.Excerpt = "Caf\xe9" }, "UTF-8"},
		{"body too large", func(p *blog.Post) { p.Body = strings.Repeat("a", blog.MaxBodyLen+1) }, "larger than 4 MiB"},
		{"excerpt too long", func(p *blog.Post) { p.Excerpt = strings.Repeat("é", 2001) }, "longer than 2000"},
		{"no author", func(p *blog.Post) { p.AuthorID = 0 }, "author"},
		{"no date", func(p *blog.Post) { p.Published = time.Time{} }, "date"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := validPost()
			tt.edit(&p)
			checkErr(t, "Post.Validate()", p.Validate(), tt.wantErr)
		})
	}
}

func TestPostIsPublic(t *testing.T) {
	now := time.Date(2024, 5, 17, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		status    blog.Status
		published time.Time
		want      bool
	}{
		{blog.StatusPublish, now.Add(-time.Hour), true},
		{blog.StatusPublish, now.Add(time.Hour), true}, // a published post with a date ahead is still public
		{blog.StatusFuture, now.Add(time.Second), false},
		{blog.StatusFuture, now.Add(time.Nanosecond), false},
		{blog.StatusFuture, now, true},
		{blog.StatusFuture, now.Add(-time.Second), true},
		{blog.StatusFuture, now.In(time.FixedZone("UTC+2", 2*3600)), true}, // the same instant in another zone
		{blog.StatusDraft, now.Add(-time.Hour), false},
		{blog.StatusPending, now.Add(-time.Hour), false},
		{blog.StatusPrivate, now.Add(-time.Hour), false},
	}
	for _, tt := range tests {
		p := blog.Post{Status: tt.status, Published: tt.published}
		if got := p.IsPublic(now); got != tt.want {
			t.Errorf("Post{%s, %s}.IsPublic(%s) = %v; want %v", tt.status, tt.published.Format(time.RFC3339Nano), now.Format(time.RFC3339), got, tt.want)
		}
		p.Trashed = now.Add(-time.Hour)
		if p.IsPublic(now) {
			t.Errorf("Post{%s, %s} in the trash is public", tt.status, tt.published.Format(time.RFC3339Nano))
		}
	}
}
