package web_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserWriterJourney is a writer's day in a real browser: sign in, upload an image, write a post that shows
// it, preview it, publish it, and find it on the public site with its responsive image.
func TestBrowserWriterJourney(t *testing.T) {
	m := newMediaSite(t, nil)
	photo, err := filepath.Abs("testdata/media/photo.jpg")
	if err != nil {
		t.Fatal(err)
	}
	ctx := person(t, true)
	base := m.srv.URL
	run(t, ctx, "sign in",
		chromedp.Navigate(base+"/admin/"),
		chromedp.WaitVisible("#password", chromedp.ByQuery),
		chromedp.SendKeys("#email", "admin@media.example", chromedp.ByQuery),
		chromedp.SendKeys("#password", mediaPassword, chromedp.ByQuery),
		chromedp.Submit("#password", chromedp.ByQuery),
		chromedp.WaitVisible("nav.admin-nav", chromedp.ByQuery),
	)
	var snippet string
	run(t, ctx, "upload an image",
		chromedp.Navigate(base+"/admin/media/"),
		chromedp.WaitVisible("#media-file", chromedp.ByQuery),
		chromedp.SetUploadFiles("#media-file", []string{photo}, chromedp.ByQuery),
		chromedp.SendKeys("#media-alt", "The harbour at dawn", chromedp.ByQuery),
		chromedp.Submit("#media-file", chromedp.ByQuery),
		chromedp.WaitVisible("textarea.snippet", chromedp.ByQuery),
		chromedp.Value("textarea.snippet", &snippet, chromedp.ByQuery),
	)
	if !strings.Contains(snippet, "srcset=") {
		t.Fatalf("the image snippet has no srcset: %q", snippet)
	}
	body := "Morning on the water.\n\n" + snippet + "\n\nThe boats went out at six."
	run(t, ctx, "write and preview",
		chromedp.Navigate(base+"/admin/posts/new/"),
		chromedp.WaitVisible("#title", chromedp.ByQuery),
		chromedp.SendKeys("#title", "Harbour at dawn", chromedp.ByQuery),
		chromedp.SetJavascriptAttribute("#body", "value", body, chromedp.ByQuery),
		chromedp.Click(`button[value="preview"]`, chromedp.ByQuery),
		chromedp.WaitVisible("#preview .post-content img", chromedp.ByQuery),
	)
	var alt string
	run(t, ctx, "read the preview", chromedp.AttributeValue("#preview .post-content img", "alt", &alt, nil, chromedp.ByQuery))
	if alt != "The harbour at dawn" {
		t.Errorf("preview image alt = %q", alt)
	}
	run(t, ctx, "publish",
		chromedp.Click(`button[data-publish]`, chromedp.ByQuery),
		chromedp.WaitVisible("p.notice", chromedp.ByQuery),
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible("h2.post-title a", chromedp.ByQuery),
		chromedp.Click("h2.post-title a", chromedp.ByQuery),
		chromedp.WaitVisible("article.post-full .post-content img", chromedp.ByQuery),
	)
	var title, srcset string
	run(t, ctx, "read the public post",
		chromedp.Text("h1.post-title", &title, chromedp.ByQuery),
		chromedp.AttributeValue("article.post-full .post-content img", "srcset", &srcset, nil, chromedp.ByQuery),
	)
	if title != "Harbour at dawn" || !strings.Contains(srcset, "300w") {
		t.Errorf("public post: title %q, srcset %q", title, srcset)
	}
	var loaded bool
	run(t, ctx, "the image loads", chromedp.Evaluate(`(() => { const i = document.querySelector("article.post-full .post-content img"); return i.complete && i.naturalWidth > 0 })()`, &loaded))
	if !loaded {
		t.Error("the published image does not load on the public page")
	}
}
