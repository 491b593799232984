package main

import (
	"context"
	"io"
	"net/url"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestSmoke runs the whole benchmark on a tiny site for a moment: Salon builds and starts, every scenario gets
// answers, and the comments the mixed run posted are all in the database. It checks that the harness works, never
// how fast anything is.
func TestSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs salon: skipped with -short")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	bin, err := buildSalon(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name        string
		share, rate float64
	}{{"a share of requests", 0.2, 0}, {"a steady rate", 0, 4}} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := config{Posts: 10, Comments: 5, Duration: 500 * time.Millisecond, Conns: 4, WriteShare: tc.share,
				CommentRate: tc.rate, Salon: bin, Starts: 1, Progress: io.Discard}
			rep, err := benchmark(ctx, cfg, t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			want := []string{scenarioFileServer, scenarioPost, scenarioHome, scenarioFeed, scenario404, scenarioMixedRead,
				scenarioMixedPost, scenarioPostAfter}
			var got []string
			for _, f := range rep.Figures {
				got = append(got, f.Scenario)
				if f.Requests == 0 || f.Errors > 0 {
					t.Errorf("%s: %d requests, %d errors (%v %v); want some requests and no errors", f.Scenario, f.Requests, f.Errors, f.Failures, f.Examples)
				}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("scenarios (-want +got):\n%s", diff)
			}
			if !rep.Check.OK || rep.Check.Accepted == 0 {
				t.Errorf("comment check: %+v; want every accepted comment stored and approved", rep.Check)
			}
			// At a steady rate, posts fall due by the clock from the end of the first typing to the end of the
			// window: no more than that many, whatever the reads did.
			if tc.rate > 0 {
				typing, err := time.ParseDuration(rep.Typing)
				if err != nil {
					t.Fatal(err)
				}
				window := max(cfg.Warmup, typing) + cfg.Duration - typing
				if most := int(tc.rate*window.Seconds()) + 1; rep.Check.Submitted > most {
					t.Errorf("%d comments posted at %g a second over %s; want at most %d", rep.Check.Submitted, tc.rate, window, most)
				}
			}
			t.Logf("%d comments posted in %s of typing and %s measured", rep.Check.Submitted, rep.Typing, cfg.Duration)
			if len(rep.ColdStarts) != 1 || rep.ColdStarts[0].Page <= 0 {
				t.Errorf("cold starts = %v; want one measured", rep.ColdStarts)
			}
		})
	}
}

func TestParseCommentForm(t *testing.T) {
	const page = `<html><body>
<form role="search" action="/"><input name="s" type="search"></form>
<ol><li><a class="comment-reply-link" href="?replytocom=7#respond" data-comment-id="7">Reply</a></li></ol>
<form action="/comments/" method="post" id="commentform">
  <textarea id="comment" name="comment"></textarea>
  <input id="author" name="author" type="text" value="">
  <input id="email" name="email" type="email" value="">
  <input id="url" name="url" type="url" value="">
  <p hidden><input name="website_confirm" type="text" value="" tabindex="-1" autocomplete="off"></p>
  <textarea name="body_extra" hidden></textarea>
  <input name="wp-comment-cookies-consent" type="checkbox" value="yes">
  <input name="subscribe" type="checkbox" value="on" checked>
  <input type="hidden" name="comment_post_ID" value="12">
  <input type="hidden" name="comment_parent" value="0">
  <input type="hidden" name="form_token" value="abc.123">
  <button type="submit" name="submit" id="submit">Post Comment</button>
  <button type="submit" name="preview" value="1">Preview</button>
</form>
</body></html>`
	f, err := parseCommentForm([]byte(page))
	if err != nil {
		t.Fatal(err)
	}
	want := url.Values{
		"comment": {""}, "author": {""}, "email": {""}, "url": {""}, "website_confirm": {""}, "body_extra": {""},
		"subscribe": {"on"}, "comment_post_ID": {"12"}, "comment_parent": {"0"}, "form_token": {"abc.123"}, "submit": {""},
	}
	if diff := cmp.Diff(want, f.values); diff != "" {
		t.Errorf("form values (-want +got):\n%s", diff)
	}
	if f.action != "/comments/" {
		t.Errorf("action = %q; want /comments/", f.action)
	}
	if diff := cmp.Diff([]string{"7"}, f.replyTo); diff != "" {
		t.Errorf("reply links (-want +got):\n%s", diff)
	}
	if _, err := parseCommentForm([]byte(`<form action="/"><input name="s"></form>`)); err == nil {
		t.Error("a page without a comment form: no error; want one")
	}
}

func TestCommentID(t *testing.T) {
	for _, tc := range []struct {
		location string
		id       int64
		ok       bool
	}{
		{"/comments/42/", 42, true},
		{"http://127.0.0.1:8080/comments/7/", 7, true},
		{"/2024/05/17/post/#comments", 0, false},
		{"/comments/x/", 0, false},
	} {
		id, ok := commentID(tc.location)
		if id != tc.id || ok != tc.ok {
			t.Errorf("commentID(%q) = %d, %v; want %d, %v", tc.location, id, ok, tc.id, tc.ok)
		}
	}
}
