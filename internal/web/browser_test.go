package web_test

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/salon-blog/salon/internal/blog"
)

// person starts a headless Chromium of its own (its own profile, so its own cookies), with or without JavaScript.
// Without Chromium the tests skip, except in CI, where .ci/run installs it and a skip would hide a broken journey.
func person(t *testing.T, javascript bool) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("chromium is not installed; .ci/run should have installed it")
		}
		t.Skip("chromium is not installed (apt-get install -y chromium)")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.UserDataDir(profileDir(t)), chromedp.WindowSize(1200, 900),
	}
	alloc, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	t.Cleanup(cancelCtx)
	if err := chromedp.Run(ctx, emulation.SetScriptExecutionDisabled(!javascript)); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	timeout, cancelTimeout := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(cancelTimeout)
	return timeout
}

func run(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action) {
	t.Helper()
	if err := chromedp.Run(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func textOf(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	var s string
	run(t, ctx, "read "+sel, chromedp.Text(sel, &s, chromedp.ByQuery))
	return strings.Join(strings.Fields(s), " ")
}

// TestBrowserCommentJourney: a reader comments and replies with JavaScript on and with it off, and a moderator
// approves what was held, all in a real browser.
func TestBrowserCommentJourney(t *testing.T) {
	s, p := newCommentSite(t, nil) // first-time commenters are held
	s.addUser(t, "mod@example.com", "Moderator", blog.RoleEditor, "correct horse")
	postURL := s.srv.URL + s.path(t, p)

	// 1. A reader without JavaScript leaves a comment; it waits for moderation and they are told so.
	noJS := person(t, false)
	run(t, noJS, "comment without JavaScript",
		chromedp.Navigate(postURL),
		chromedp.SendKeys("#author", "Mobius", chromedp.ByQuery),
		chromedp.SendKeys("#email", "mobius@example.com", chromedp.ByQuery),
		chromedp.SendKeys("#comment", "Posted with *JavaScript off*.", chromedp.ByQuery),
		peopleTakeTime(s),
		chromedp.Click("#submit", chromedp.ByQuery),
		chromedp.WaitVisible(".comment-awaiting-moderation", chromedp.ByQuery),
	)
	if got := textOf(t, noJS, "li.comment .comment-author"); got != "Mobius says" {
		t.Errorf("held comment author line = %q", got)
	}
	s.clock.advance(time.Minute)

	// 2. A reader with JavaScript comments too.
	withJS := person(t, true)
	run(t, withJS, "comment with JavaScript",
		chromedp.Navigate(postURL),
		chromedp.SendKeys("#author", "jrkrideau", chromedp.ByQuery),
		chromedp.SendKeys("#email", "jrk@example.com", chromedp.ByQuery),
		chromedp.SendKeys("#comment", "Posted with JavaScript on.", chromedp.ByQuery),
		peopleTakeTime(s),
		chromedp.Click("#submit", chromedp.ByQuery),
		chromedp.WaitVisible(".comment-awaiting-moderation", chromedp.ByQuery),
	)
	s.clock.advance(time.Minute)

	// 3. The moderator signs in and approves both from the queue.
	mod := person(t, true)
	run(t, mod, "sign in",
		chromedp.Navigate(s.srv.URL+"/admin/comments/"),
		chromedp.WaitVisible("#password", chromedp.ByQuery),
		chromedp.SendKeys("#email", "mod@example.com", chromedp.ByQuery),
		chromedp.SendKeys("#password", "correct horse", chromedp.ByQuery),
		chromedp.Submit("#password", chromedp.ByQuery),
		chromedp.WaitVisible("table.queue", chromedp.ByQuery),
	)
	// Approve the first row, wait for the queue to come back without it, then the next: the notice of the first
	// approval is still on screen when the second is clicked, so it cannot tell the pages apart.
	for range 2 {
		var row string
		run(t, mod, "find a held comment", chromedp.AttributeValue("table.queue tbody tr", "id", &row, nil, chromedp.ByQuery))
		run(t, mod, "approve", chromedp.Click("#"+row+` button[value="approve"]`, chromedp.ByQuery),
			chromedp.WaitNotPresent("#"+row, chromedp.ByQuery))
	}
	var left int
	run(t, mod, "count pending", chromedp.Evaluate(`document.querySelectorAll("table.queue tbody tr").length`, &left))
	if left != 0 {
		t.Errorf("%d comments still pending after approving both", left)
	}

	// 4. With JavaScript, Reply moves the form under the comment; the reply nests under it.
	var firstID string
	run(t, withJS, "reply with JavaScript",
		chromedp.Navigate(postURL),
		chromedp.WaitVisible("li.comment", chromedp.ByQuery),
		chromedp.AttributeValue("li.comment", "id", &firstID, nil, chromedp.ByQuery),
		chromedp.Click("li.comment .comment-reply-link", chromedp.ByQuery),
	)
	var formParent string
	run(t, withJS, "where the form is", chromedp.Evaluate(`document.getElementById("respond").closest("li.comment")?.id ?? ""`, &formParent))
	if formParent != firstID {
		t.Errorf("after Reply the form is under %q; want %q", formParent, firstID)
	}
	if got := textOf(t, withJS, "#reply-title"); !strings.HasPrefix(got, "Leave a Reply to Mobius") {
		t.Errorf("reply title = %q", got)
	}
	run(t, withJS, "send the reply",
		chromedp.SendKeys("#author", "jrkrideau", chromedp.ByQuery),
		chromedp.SendKeys("#email", "jrk@example.com", chromedp.ByQuery),
		chromedp.SendKeys("#comment", "A reply, with JavaScript.", chromedp.ByQuery),
		peopleTakeTime(s),
		chromedp.Click("#submit", chromedp.ByQuery),
		chromedp.WaitVisible("ol.children li.comment", chromedp.ByQuery),
	)
	if got := textOf(t, withJS, "ol.children li.comment .comment-content"); got != "A reply, with JavaScript." {
		t.Errorf("nested reply = %q", got)
	}
	s.clock.advance(time.Minute)

	// 5. Without JavaScript, Reply opens the form for that comment; the reply nests too.
	run(t, noJS, "reply without JavaScript",
		chromedp.Navigate(postURL),
		chromedp.Click("#"+firstID+" > article .comment-reply-link", chromedp.ByQuery),
		chromedp.WaitVisible("#reply-title", chromedp.ByQuery),
	)
	if got := textOf(t, noJS, "#reply-title"); !strings.HasPrefix(got, "Leave a Reply to Mobius") {
		t.Errorf("reply title without JavaScript = %q", got)
	}
	run(t, noJS, "send the reply without JavaScript",
		chromedp.SendKeys("#author", "Mobius", chromedp.ByQuery),
		chromedp.SendKeys("#email", "mobius@example.com", chromedp.ByQuery),
		chromedp.SendKeys("#comment", "A reply, without JavaScript.", chromedp.ByQuery),
		peopleTakeTime(s),
		chromedp.Click("#submit", chromedp.ByQuery),
		chromedp.WaitVisible(`li.comment.depth-2 + li.comment.depth-2, ol.children li.comment:nth-child(2)`, chromedp.ByQuery),
	)
	var replies []string
	run(t, noJS, "read the replies", chromedp.Evaluate(`[...document.querySelectorAll("#`+firstID+` > ol.children > li .comment-content")].map(e => e.textContent.trim())`, &replies))
	if len(replies) != 2 || replies[1] != "A reply, without JavaScript." {
		t.Errorf("replies under the first comment = %q", replies)
	}
}

// profileDir is a Chromium profile folder for one test. Chromium may still be writing to it as it exits, so removal
// is retried for a while instead of failing the test as t.TempDir would.
func profileDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "salon-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for range 20 {
			if os.RemoveAll(dir) == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	return dir
}

// peopleTakeTime moves the site's clock as long as a person takes to fill the comment form, which a browser driven
// by a test does at once: the form refuses a comment sent sooner than comment_min_seconds after it was shown.
func peopleTakeTime(s *site) chromedp.Action {
	return chromedp.ActionFunc(func(context.Context) error {
		s.clock.advance(typingTime)
		return nil
	})
}
