package web_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/salon-blog/salon/internal/blog"
)

// xssSample picks the vectors most likely to run in a browser if one got through: every polyglot, then those that
// run on their own through an event handler (SVG and image onload/onerror, autofocus onfocus, details ontoggle),
// then script URLs.
func xssSample(vectors []xssVector) []xssVector {
	events := regexp.MustCompile(`(?i)<(svg|img|body|details|input|iframe|video|audio|marquee|object)\b.*\bon(load|error|toggle|focus|start|begin)\s*=`)
	urls := regexp.MustCompile(`(?i)(href|src|action|data)\s*=\s*["']?\s*(javascript|data:text/html)`)
	var out []xssVector
	take := func(limit int, match func(xssVector) bool) {
		n := 0
		for _, v := range vectors {
			if n < limit && match(v) && !slices.Contains(out, v) {
				out, n = append(out, v), n+1
			}
		}
	}
	take(16, func(v xssVector) bool { return strings.Contains(v.from, "XSS_Polyglots") })
	take(10, func(v xssVector) bool { return events.MatchString(v.text) })
	take(4, func(v xssVector) bool { return urls.MatchString(v.text) })
	return out
}

// xssDialogs records every alert, confirm and prompt a page opens, and dismisses it so the page goes on.
type xssDialogs struct {
	mu     sync.Mutex
	opened []string
	errs   []error
}

// xssWatchDialogs listens for dialogs in ctx's tab and turns its Content Security Policy off: CSP would block an
// injected handler or script URL, and the test is whether the markup is safe without it, CSP being the second wall.
func xssWatchDialogs(t *testing.T, ctx context.Context) *xssDialogs {
	t.Helper()
	d := &xssDialogs{}
	chromedp.ListenTarget(ctx, func(ev any) {
		e, ok := ev.(*page.EventJavascriptDialogOpening)
		if !ok {
			return
		}
		d.mu.Lock()
		if e.Type != page.DialogTypeBeforeunload {
			d.opened = append(d.opened, fmt.Sprintf("%s(%q)", e.Type, e.Message))
		}
		d.mu.Unlock()
		go func() {
			if err := chromedp.Run(ctx, page.HandleJavaScriptDialog(false)); err != nil && !errors.Is(err, context.Canceled) {
				d.mu.Lock()
				d.errs = append(d.errs, err)
				d.mu.Unlock()
			}
		}()
	})
	run(t, ctx, "turn CSP off", page.SetBypassCSP(true))
	return d
}

// take returns the dialogs opened since the last call.
func (d *xssDialogs) take() ([]string, []error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	opened, errs := d.opened, d.errs
	d.opened, d.errs = nil, nil
	return opened, errs
}

// xssPoke is what a curious reader does to a page, done to every element at once: every event an injected handler
// could wait for, except click and submit, which would leave the page; and a click on every link whose URL the
// browser reads as javascript:.
const xssPoke = `(() => {
	const events = ["mouseover", "mouseenter", "mousemove", "mousedown", "mouseup", "mouseout", "mouseleave",
		"pointerover", "pointerenter", "pointerdown", "pointerup", "focus", "focusin", "blur", "focusout",
		"keydown", "keyup", "keypress", "input", "change", "select", "scroll", "wheel", "toggle", "load", "error",
		"animationstart", "animationend", "transitionend", "copy", "cut", "paste", "drag", "dragstart", "drop",
		"contextmenu", "dblclick", "play", "canplay", "loadstart", "begin"];
	const all = [...document.querySelectorAll("*")];
	for (const el of all) for (const type of events) el.dispatchEvent(new Event(type));
	for (const a of document.querySelectorAll("a[href], area[href]")) {
		if (a.protocol === "javascript:") a.click();
	}
	return all.length;
})()`

// xssVisit loads a page, pokes it and waits for timers, and fails if a dialog opened.
func xssVisit(t *testing.T, ctx context.Context, d *xssDialogs, url, shows string) {
	t.Helper()
	var elements int
	run(t, ctx, "load "+url,
		chromedp.Navigate(url),
		chromedp.Evaluate(xssPoke, &elements),
		chromedp.Sleep(150*time.Millisecond),
	)
	opened, errs := d.take()
	for _, err := range errs {
		t.Errorf("%s: dismiss a dialog: %v", url, err)
	}
	if len(opened) > 0 {
		t.Errorf("%s opened %s\n\tthe page shows %s", url, strings.Join(opened, ", "), shows)
	}
	if elements < 10 {
		t.Errorf("%s has %d elements: not the page expected", url, elements)
	}
}

// xssBrowser starts a headless Chromium of its own (its own profile, so its own cookies) with JavaScript on. Unlike
// person, it gives the test five minutes, and it resolves no host but the test's own: many vectors load images and
// scripts from ha.ckers.org and the like, which would only make the pages wait for the network.
func xssBrowser(t *testing.T) context.Context {
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
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
	}
	alloc, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	timeout, cancelTimeout := context.WithTimeout(alloc, 5*time.Minute)
	t.Cleanup(cancelTimeout)
	ctx, cancelCtx := chromedp.NewContext(timeout)
	t.Cleanup(cancelCtx)
	run(t, ctx, "start chromium")
	return ctx
}

// TestXSSBrowser loads the pages that show the most dangerous vectors in headless Chromium, with CSP turned off, as
// a reader and as a moderator, pokes every element, and fails if any alert, confirm or prompt opens.
func TestXSSBrowser(t *testing.T) {
	vectors, _ := xssVectors(t)
	sample := xssSample(vectors)
	if len(sample) < 25 {
		t.Fatalf("only %d vectors sampled", len(sample))
	}
	began := time.Now()
	x := newXSSSite(t, sample, sample)
	x.plant(t)
	reader, mod := xssBrowser(t), xssBrowser(t)
	readerDialogs, modDialogs := xssWatchDialogs(t, reader), xssWatchDialogs(t, mod)
	run(t, mod, "sign in",
		chromedp.Navigate(x.srv.URL+"/admin/signin/"),
		chromedp.WaitVisible("#password", chromedp.ByQuery),
		chromedp.SendKeys("#email", "mod@example.com", chromedp.ByQuery),
		chromedp.SendKeys("#password", xssPassword, chromedp.ByQuery),
		chromedp.Submit("#password", chromedp.ByQuery),
		chromedp.WaitVisible(".admin-nav", chromedp.ByQuery),
	)
	all := fmt.Sprintf("the %d sampled vectors", len(sample))
	pages := 0
	queue := func(status string) {
		counts, err := x.store.CommentCounts(context.Background(), 0)
		if err != nil {
			t.Fatal(err)
		}
		n := counts[blog.CommentStatus(status)]
		if status == "all" {
			n = len(x.comments)
		}
		for p := 1; p <= xssPageCount(n, 20); p++ {
			xssVisit(t, mod, modDialogs, fmt.Sprintf("%s/admin/comments/?status=%s&page=%d", x.srv.URL, status, p), all)
			pages++
		}
	}
	queue(string(blog.CommentPending))
	x.approveAll(t)
	queue("all")
	for _, path := range []string{"/admin/", "/admin/posts/", "/admin/posts/?page=2", "/admin/categories/", "/admin/tags/"} {
		xssVisit(t, mod, modDialogs, x.srv.URL+path, all)
		pages++
	}
	for i, p := range x.posts {
		xssVisit(t, reader, readerDialogs, x.srv.URL+x.path(t, p),
			fmt.Sprintf("vector %s %q as post title, body, excerpt, category, tag", sample[i].from, sample[i].text))
		pages++
	}
	xssVisit(t, reader, readerDialogs, x.srv.URL+"/", all)
	for _, p := range slices.Concat(x.named, x.sites, x.imported) {
		xssVisit(t, reader, readerDialogs, x.srv.URL+x.path(t, p), all+" as comment names, bodies and websites (and the imported post's body)")
	}
	pages += 1 + len(x.named) + len(x.sites) + len(x.imported)
	t.Logf("%d vectors, %d page loads in %v", len(sample), pages, time.Since(began).Round(time.Millisecond))
}
