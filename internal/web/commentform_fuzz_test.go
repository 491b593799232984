package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"

	"github.com/salon-blog/salon/internal/blog"
)

// FuzzCommentForm posts the comment form through the real handler, as a browser would (with a valid form token),
// with any name, email, website and text. Whatever is sent, the site answers with an accepted comment or a clear
// refusal (never a 500), and what it stores is valid UTF-8 without control characters, and renders on the post page
// without any element or attribute that runs script.
func FuzzCommentForm(f *testing.F) {
	f.Add("Alice", "alice@example.com", "example.com", "A plain comment.")
	f.Add("Ann\x00", "a@example.com", "", "NUL in the name")
	f.Add("Bob", "bob@example.com", "", "NUL\x00in the text")
	f.Add("\xff\xfe", "c@example.com", "", "\xc3\x28 invalid UTF-8")
	f.Add("\u200b\u200d", "d@example.com", "", "\u200b")
	f.Add("Eve\u202egnp.exe", "e@example.com", "", "bidi \u202e override in the text")
	f.Add("<script>alert(1)</script>", "x@example.com", "javascript:alert(1)", "<img src=x onerror=alert(1)>")
	f.Add("Mallory", "m@example.com", "https://example.com/\"><script>", "[link](javascript:alert(1)) <a href=\"data:text/html,x\">x</a>")
	s, p := newCommentSite(f, map[string]string{"comment_previously_approved": "off", "comment_min_seconds": "0"})
	rd := s.reader(f, "192.0.2.99")
	f.Fuzz(func(t *testing.T, name, email, website, body string) {
		s.clock.advance(10 * time.Minute) // past every rate limit and the flood interval
		form := rd.formOf(t, p)
		form.Set("author", name)
		form.Set("email", email)
		form.Set("url", website)
		form.Set("comment", body)
		first, _ := rd.postComment(t, form)
		switch first.status {
		case http.StatusSeeOther:
		case http.StatusUnprocessableEntity, http.StatusBadRequest:
			if first.doc == nil || len(find(first.doc, ".form-error")) == 0 && !strings.Contains(first.body, "field-error") {
				t.Fatalf("refused with %d but no message:\n%s", first.status, first.body)
			}
			return
		default:
			t.Fatalf("submit = %d; want 303, 400 or 422\n%s", first.status, first.body)
		}
		stored, _, err := s.store.Comments(context.Background(), blog.CommentFilter{Limit: 1, NewestFirst: true})
		if err != nil || len(stored) != 1 {
			t.Fatalf("the accepted comment is not stored: %v", err)
		}
		c := stored[0].Comment
		for field, v := range map[string]string{"name": c.AuthorName, "email": c.AuthorEmail, "url": c.AuthorURL, "body": c.Body, "html": c.HTML} {
			if !utf8.ValidString(v) || strings.ContainsAny(v, "\x00\x1b") {
				t.Errorf("stored %s %q is not clean text", field, v)
			}
		}
		if strings.ContainsAny(c.AuthorName, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069") {
			t.Errorf("stored name %q holds bidirectional overrides", c.AuthorName)
		}
		// The author sees their own held comment on the post page: render it and look for script.
		page := rd.get(t, s.path(t, p))
		if page.status != http.StatusOK {
			t.Fatalf("post page = %d", page.status)
		}
		var walk func(n *html.Node)
		walk = func(n *html.Node) {
			if n.Type == html.ElementNode {
				if n.Data == "script" && !strings.HasPrefix(attr(n, "src"), "/static/") || n.Data == "iframe" || n.Data == "object" {
					t.Errorf("the page holds a <%s>", n.Data)
				}
				for _, a := range n.Attr {
					v := strings.ToLower(strings.TrimSpace(a.Val))
					if strings.HasPrefix(a.Key, "on") || ((a.Key == "href" || a.Key == "src") && (strings.HasPrefix(v, "javascript:") || strings.HasPrefix(v, "data:text"))) {
						t.Errorf("the page holds %s=%q on <%s>", a.Key, a.Val, n.Data)
					}
				}
			}
			for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
				walk(ch)
			}
		}
		walk(page.doc)
	})
}
