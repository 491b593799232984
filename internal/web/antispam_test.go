package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/post"
)

// formOf opens a post as rd and returns its comment form's fields, as a browser would send them.
func (rd *reader) formOf(t *testing.T, p blog.Post) url.Values {
	t.Helper()
	page := rd.get(t, rd.s.path(t, p))
	if page.status != http.StatusOK {
		t.Fatalf("GET %s = %d", rd.s.path(t, p), page.status)
	}
	form := url.Values{}
	for _, name := range []string{"comment_post_ID", "comment_parent", "salon_form", "contact_phone"} {
		v := fieldValue(page.doc, name)
		if v == "<missing>" {
			t.Fatalf("the comment form has no field %q", name)
		}
		form.Set(name, v)
	}
	return form
}

func TestCommentFormDefences(t *testing.T) {
	s, p := newCommentSite(t, map[string]string{"comment_previously_approved": "off"})
	other := s.add(t, post.Draft{Title: "Another post", Body: "Elsewhere.", Date: start.Add(-24 * time.Hour)})
	host := strings.TrimPrefix(s.srv.URL, "http://")
	tests := []struct {
		name   string
		change func(form url.Values) // what the sender does to the form shown
		wait   time.Duration         // between showing the form and sending it
		header []string
		status int
		want   string // in the page shown again (or the 403's text)
		spam   bool   // accepted-looking, but stored as spam
	}{
		{name: "a person", wait: 5 * time.Second, status: http.StatusSeeOther},
		{name: "same site Origin", wait: 5 * time.Second, header: []string{"Origin", s.srv.URL}, status: http.StatusSeeOther},
		{name: "same site Referer", wait: 5 * time.Second, header: []string{"Referer", s.srv.URL + "/2024/"}, status: http.StatusSeeOther},
		{name: "no token", wait: 5 * time.Second, change: func(f url.Values) { f.Del("salon_form") },
			status: http.StatusBadRequest, want: "could not be verified"},
		{name: "forged token", wait: 5 * time.Second, change: func(f url.Values) {
			f.Set("salon_form", strings.Replace(f.Get("salon_form"), "-", "-1", 1))
		}, status: http.StatusBadRequest, want: "could not be verified"},
		{name: "token for another post", wait: 5 * time.Second, change: func(f url.Values) {
			f.Set("comment_post_ID", strconv.FormatInt(other.ID, 10))
		}, status: http.StatusBadRequest, want: "could not be verified"},
		{name: "too fast", wait: time.Second, status: http.StatusUnprocessableEntity, want: "sent too quickly"},
		{name: "too old", wait: 25 * time.Hour, status: http.StatusBadRequest, want: "has expired"},
		{name: "just under a day", wait: 23 * time.Hour, status: http.StatusSeeOther},
		{name: "honeypot filled", wait: 5 * time.Second, change: func(f url.Values) { f.Set("contact_phone", "+1 555 0100") },
			status: http.StatusSeeOther, spam: true},
		{name: "cross-site Origin", wait: 5 * time.Second, header: []string{"Origin", "https://evil.example"},
			status: http.StatusForbidden, want: "only be sent from this site's own pages"},
		{name: "cross-site Referer", wait: 5 * time.Second, header: []string{"Referer", "https://evil.example/" + host},
			status: http.StatusForbidden, want: "only be sent from this site's own pages"},
		{name: "cross-site fetch metadata", wait: 5 * time.Second, header: []string{"Sec-Fetch-Site", "cross-site"},
			status: http.StatusForbidden, want: "only be sent from this site's own pages"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rd := s.reader(t, fmt.Sprintf("198.51.100.%d", i+1))
			form := rd.formOf(t, p)
			body := fmt.Sprintf("Comment %d, %s.", i, tt.name)
			form.Set("author", "Reader "+strconv.Itoa(i))
			form.Set("email", fmt.Sprintf("reader%d@example.com", i))
			form.Set("comment", body)
			if tt.change != nil {
				tt.change(form)
			}
			s.clock.advance(tt.wait)
			first, _ := rd.postComment(t, form, tt.header...)
			if first.status != tt.status {
				t.Fatalf("submit = %d; want %d\n%s", first.status, tt.status, first.body)
			}
			if tt.want != "" && !strings.Contains(first.body, tt.want) {
				t.Errorf("the answer does not say %q:\n%s", tt.want, first.body)
			}
			if tt.status != http.StatusSeeOther && tt.status != http.StatusForbidden {
				if got := fieldValue(first.doc, "comment"); got != body {
					t.Errorf("the comment box holds %q after the refusal; want %q", got, body)
				}
			}
			stored, _, err := s.store.Comments(context.Background(), blog.CommentFilter{Search: body})
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case tt.status != http.StatusSeeOther:
				if len(stored) != 0 {
					t.Errorf("a refused comment was stored: %+v", stored[0].Comment)
				}
			case len(stored) != 1:
				t.Fatalf("stored %d comments; want 1", len(stored))
			case tt.spam && (stored[0].Status != blog.CommentSpam || !strings.Contains(stored[0].Moderation, "hidden form field")):
				t.Errorf("honeypot comment = %s %q; want spam with the reason", stored[0].Status, stored[0].Moderation)
			case !tt.spam && stored[0].Status != blog.CommentApproved:
				t.Errorf("comment = %s %q; want approved", stored[0].Status, stored[0].Moderation)
			}
		})
	}
}

// TestTooFastKeepsItsToken: a person refused for sending too fast sends the same form again a moment later and
// it goes through: the form shown again keeps the time it was first shown.
func TestTooFastKeepsItsToken(t *testing.T) {
	s, p := newCommentSite(t, map[string]string{"comment_previously_approved": "off"})
	rd := s.reader(t, "198.51.100.7")
	form := rd.formOf(t, p)
	form.Set("author", "Quick")
	form.Set("email", "quick@example.com")
	form.Set("comment", "Typed fast.")
	first, _ := rd.postComment(t, form)
	if first.status != http.StatusUnprocessableEntity {
		t.Fatalf("submit at once = %d; want 422", first.status)
	}
	again := rd.formFromPage(first)
	s.clock.advance(2 * time.Second)
	if first, _ := rd.postComment(t, again); first.status != http.StatusSeeOther {
		t.Fatalf("submit again 2s later = %d; want 303\n%s", first.status, first.body)
	}
}

// formFromPage is the comment form of a page shown again, as the browser would send it.
func (rd *reader) formFromPage(page response) url.Values {
	form := url.Values{}
	for _, name := range []string{"comment_post_ID", "comment_parent", "salon_form", "author", "email", "url", "comment"} {
		if v := fieldValue(page.doc, name); v != "<missing>" {
			form.Set(name, v)
		}
	}
	return form
}

// TestCommentRateLimits: a burst from one address or one network is refused with 429, the reader's text kept and
// the time to wait given; the same comment goes through once that time has passed.
func TestCommentRateLimits(t *testing.T) {
	tests := []struct {
		name    string
		ips     func(i int) string // the address of the i-th comment of the burst
		burst   int                // comments accepted before the refusal
		between time.Duration      // extra wait between them, beyond the reader's typing time
	}{
		{name: "one IPv4 network, 15 a minute", ips: func(i int) string { return fmt.Sprintf("203.0.113.%d", i+1) }, burst: 15},
		{name: "one IPv6 /64, 15 a minute", ips: func(i int) string { return fmt.Sprintf("2001:db8:1:2::%x", i+1) }, burst: 15},
		{name: "one address, 30 an hour", ips: func(int) string { return "192.0.2.50" }, burst: 30, between: 20 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, p := newCommentSite(t, map[string]string{"comment_previously_approved": "off"})
			// Neighbours in other networks are not counted.
			for i, ip := range []string{"203.0.114.1", "2001:db8:1:3::1"} {
				if first, _ := s.reader(t, ip).comment(t, p.ID, map[string]string{"author": "Neighbour", "email": fmt.Sprintf("n%d@example.com", i),
					"comment": "From next door " + ip}); first.status != http.StatusSeeOther {
					t.Fatalf("neighbour %s = %d", ip, first.status)
				}
			}
			for i := range tt.burst {
				rd := s.reader(t, tt.ips(i))
				first, _ := rd.comment(t, p.ID, map[string]string{"author": "Burst", "email": fmt.Sprintf("b%d@example.com", i),
					"comment": fmt.Sprintf("Comment number %d.", i)})
				if first.status != http.StatusSeeOther {
					t.Fatalf("comment %d of the burst = %d; want 303\n%s", i, first.status, first.body)
				}
				s.clock.advance(tt.between)
			}
			rd := s.reader(t, tt.ips(tt.burst))
			fields := map[string]string{"author": "Burst", "email": "last@example.com", "comment": "One too many."}
			first, _ := rd.comment(t, p.ID, fields)
			if first.status != http.StatusTooManyRequests {
				t.Fatalf("comment after the burst = %d; want 429", first.status)
			}
			if got := fieldValue(first.doc, "comment"); got != "One too many." {
				t.Errorf("the comment box holds %q after the refusal", got)
			}
			wait, err := strconv.Atoi(first.header.Get("Retry-After"))
			if err != nil || wait < 1 {
				t.Fatalf("Retry-After = %q", first.header.Get("Retry-After"))
			}
			if msg := texts(find(first.doc, "p.form-error")); len(msg) != 1 || !strings.Contains(msg[0], "Please try again in") {
				t.Errorf("form error = %q", msg)
			}
			s.clock.advance(time.Duration(wait-1) * time.Second)
			if again, _ := rd.postComment(t, rd.formFromPage(first)); again.status != http.StatusTooManyRequests {
				t.Errorf("a second before Retry-After = %d; want 429", again.status)
			}
			s.clock.advance(time.Second)
			if again, _ := rd.postComment(t, rd.formFromPage(first)); again.status != http.StatusSeeOther {
				t.Errorf("at Retry-After = %d; want 303\n%s", again.status, again.body)
			}
		})
	}
}

// TestClassifierThroughTheForm: the site's classifier holds a spammy comment sent through the real form, with its
// verdict recorded for the moderator, and lets an ordinary one through.
func TestClassifierThroughTheForm(t *testing.T) {
	s, p := newCommentSite(t, map[string]string{"comment_previously_approved": "off"})
	for i, tt := range []struct {
		body   string
		status blog.CommentStatus
		why    string
	}{
		{"Check out my channel and subscribe! Free iPhone giveaway http://bit.ly/free", blog.CommentPending, `held: over 99% spam — words: "check out"`},
		{"Lovely photos! We visited the same village in 2019.", blog.CommentApproved, "approved: no rule held it"},
	} {
		s.advance()
		rd := s.reader(t, fmt.Sprintf("198.51.100.%d", i+1))
		if first, _ := rd.comment(t, p.ID, map[string]string{"author": "R", "email": fmt.Sprintf("r%d@example.org", i), "comment": tt.body}); first.status != http.StatusSeeOther {
			t.Fatalf("%q: status %d", tt.body, first.status)
		}
		cs, _, err := s.store.Comments(context.Background(), blog.CommentFilter{Search: tt.body})
		if err != nil || len(cs) != 1 || cs[0].Status != tt.status || !strings.HasPrefix(cs[0].Moderation, tt.why) {
			t.Errorf("%q: stored %v; want %s, %q", tt.body, cs, tt.status, tt.why)
		}
	}
}
