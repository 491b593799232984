package web_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// BenchmarkCommentSubmit posts the comment form, as a reader does, each time from an address, a name and a text
// of its own, on a post with the default moderation rules: what a comment costs the server from its POST to the
// redirect.
func BenchmarkCommentSubmit(b *testing.B) {
	s, p := newCommentSite(b, map[string]string{"comment_previously_approved": "off"})
	res, err := s.client.Get(s.srv.URL + s.path(b, p))
	if err != nil {
		b.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := regexp.MustCompile(`name="salon_form" value="([^"]+)"`).FindSubmatch(page)
	if m == nil {
		b.Fatal("the post page has no form token")
	}
	token := string(m[1])
	s.clock.advance(typingTime)
	i := 0
	for b.Loop() {
		i++
		form := url.Values{"comment_post_ID": {strconv.FormatInt(p.ID, 10)}, "comment_parent": {"0"}, "salon_form": {token},
			"author": {fmt.Sprintf("Reader %d", i)}, "email": {fmt.Sprintf("reader%d@example.org", i)},
			"comment": {fmt.Sprintf("I read this twice, and point %d still strikes me as the one that matters most.", i)}}
		req, err := http.NewRequest("POST", s.srv.URL+"/comments/", strings.NewReader(form.Encode()))
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", s.srv.URL)
		req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.1", i>>8&255, i&255))
		res, err := s.client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			b.Fatalf("comment %d: POST = %d", i, res.StatusCode)
		}
	}
}
