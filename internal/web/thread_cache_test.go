package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/post"
	"github.com/salon-blog/salon/internal/store"
	"github.com/salon-blog/salon/internal/web"
)

// TestThreadCache: with the page cache off, a post's thread is read and rendered once for readers who wrote none
// of it, and again as soon as anything it shows changes, in this process or another; a reader with comments of
// their own gets a thread of their own.
func TestThreadCache(t *testing.T) {
	s := newCachedSite(t, web.PageCache{})
	p := s.add(t, post.Draft{Title: "Threaded", Body: "Body.", Date: start.Add(-time.Hour)})
	s.addComments(t, p, 30, blog.CommentApproved)
	held := s.addComments(t, p, 1, blog.CommentPending)
	path := s.path(t, p)
	s.get(t, "/") // the site's settings are read and kept
	first, rendering := s.queriesOf(t, path)
	again, served := s.queriesOf(t, path)
	// The thread costs two statements when rendered (the versions, then the thread) and one when kept (the
	// versions); the post four when read (the versions before and after it, the post, its terms) and one when kept.
	if served != rendering-4 {
		t.Errorf("a page whose thread and post are kept ran %d statements, one reading them %d; want four fewer", served, rendering)
	}
	if again.body != first.body {
		t.Error("the kept thread differs from the one rendered")
	}
	if strings.Contains(first.body, "<!--thread ") {
		t.Error("the thread's marker reached the page")
	}
	if n := strings.Count(first.body, `class="comment depth-`); n != 30 || strings.Contains(first.body, "awaiting moderation") {
		t.Fatalf("the page shows %d comments; want the 30 approved ones", n)
	}

	elsewhere, err := store.Open(context.Background(), s.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { elsewhere.Close() })
	ctx := context.Background()
	if err := elsewhere.SetCommentStatus(ctx, held, blog.CommentApproved); err != nil {
		t.Fatal(err)
	}
	if r := s.get(t, path); strings.Count(r.body, `class="comment depth-`) != 31 || !strings.Contains(r.body, "31 comments") {
		t.Error("a comment approved by another process is missing from the thread")
	}
	if err := elsewhere.SetSetting(ctx, "date_format", "2006-01-02"); err != nil {
		t.Fatal(err)
	}
	if r := s.get(t, path); strings.Contains(r.body, " at ") || !strings.Contains(r.body, start.Format("2006-01-02")) {
		t.Error("the thread's dates kept the old format after the setting changed")
	}
	if _, n := s.queriesOf(t, path); n != served {
		t.Errorf("the thread rendered again was not kept: %d statements, want %d", n, served)
	}

	// A reader who writes a comment that is held sees it in their thread; the others do not.
	reader := s.reader(t, "198.51.100.7")
	_, page := reader.comment(t, p.ID, map[string]string{"author": "Hal", "email": "hal@example.org", "comment": "Mine, held for now."})
	if !strings.Contains(page.body, "Mine, held for now.") {
		t.Fatal("the commenter does not see their held comment")
	}
	if r := s.get(t, path); strings.Contains(r.body, "Mine, held for now.") {
		t.Error("a reader's held comment reached the kept thread")
	}
	if r := reader.get(t, path); !strings.Contains(r.body, "Mine, held for now.") {
		t.Error("the commenter got the kept thread, without their held comment")
	}
}
