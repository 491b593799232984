package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/net/html"
)

// commentForm is the post page's comment form as a browser would submit it before the reader types: every
// hidden input with its value, every other text field empty (a honeypot stays empty), checkboxes as checked.
type commentForm struct {
	action string
	values url.Values
	// replyTo are the comments the page offers a Reply link for.
	replyTo []string
}

// parseCommentForm finds the form that has a textarea named comment, and the page's reply links. Only that form's
// own markup is tokenized, and the reply links are found by a plain search: a post with a thousand comments is a
// megabyte, and tokenizing it whole for every draft made the load generator, not salon, the mixed run's limit.
func parseCommentForm(page []byte) (commentForm, error) {
	replyTo := replyLinks(page)
	region := page
	if i := bytes.Index(page, []byte(`name="comment"`)); i >= 0 {
		if start := bytes.LastIndex(page[:i], []byte("<form")); start >= 0 {
			region = page[start:]
			if end := bytes.Index(region, []byte("</form>")); end >= 0 {
				region = region[:end+len("</form>")]
			}
		}
	}
	z := html.NewTokenizer(bytes.NewReader(region))
	var cur *commentForm
	var found *commentForm
	var hasComment bool
	var textarea string // name of the textarea being read
	var text strings.Builder
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			if !errors.Is(z.Err(), io.EOF) {
				return commentForm{}, z.Err()
			}
			if found == nil {
				return commentForm{}, errors.New("the page has no form with a comment textarea")
			}
			found.replyTo = replyTo
			return *found, nil
		case html.TextToken:
			if textarea != "" {
				text.Write(z.Text())
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "form":
				if cur != nil && hasComment && found == nil {
					found = cur
				}
				cur, hasComment = nil, false
			case "textarea":
				if cur != nil && textarea != "" {
					cur.values.Add(textarea, text.String())
				}
				textarea = ""
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			attrs := attributes(z)
			switch string(name) {
			case "form":
				cur = &commentForm{action: attrs["action"], values: url.Values{}}
			case "textarea":
				if cur != nil {
					textarea = attrs["name"]
					text.Reset()
					if textarea == "comment" {
						hasComment = true
					}
				}
			case "input":
				if cur == nil || attrs["name"] == "" {
					break
				}
				_, checked := attrs["checked"]
				switch strings.ToLower(attrs["type"]) {
				case "hidden":
					cur.values.Add(attrs["name"], attrs["value"])
				case "checkbox", "radio":
					if checked {
						cur.values.Add(attrs["name"], cmpOr(attrs["value"], "on"))
					}
				case "submit", "button", "image", "reset", "file":
				default: // text, email, url and the like: sent as typed, empty unless the reader fills it
					cur.values.Add(attrs["name"], "")
				}
			case "button":
				// The button the reader presses: the form's submit button, not Preview.
				if cur != nil && attrs["name"] != "" && attrs["name"] != "preview" && strings.ToLower(cmpOr(attrs["type"], "submit")) == "submit" &&
					!cur.values.Has(attrs["name"]) {
					cur.values.Set(attrs["name"], attrs["value"])
				}
			}
		}
	}
}

// replyLinks returns the comment IDs of the page's Reply links: the data-comment-id of each link whose class
// names comment-reply-link.
func replyLinks(page []byte) []string {
	var ids []string
	attr := []byte(`data-comment-id="`)
	for rest := page; ; {
		i := bytes.Index(rest, attr)
		if i < 0 {
			return ids
		}
		tag := rest[:i]
		if open := bytes.LastIndex(tag, []byte("<a ")); open >= 0 && bytes.Contains(tag[open:], []byte("comment-reply-link")) {
			value := rest[i+len(attr):]
			if end := bytes.IndexByte(value, '"'); end > 0 {
				ids = append(ids, string(value[:end]))
			}
		}
		rest = rest[i+len(attr):]
	}
}

func attributes(z *html.Tokenizer) map[string]string {
	m := map[string]string{}
	for {
		k, v, more := z.TagAttr()
		if len(k) > 0 {
			m[string(k)] = string(v)
		}
		if !more {
			return m
		}
	}
}

func cmpOr(s, or string) string {
	if s == "" {
		return or
	}
	return s
}

// commenters numbers the readers who post comments, so that each has an address, an email and a text of their own:
// Salon refuses a second comment from the same email or address within 15 s, the same text twice, and many comments
// from one address or one /24 network.
type commenters struct {
	n   atomic.Int64
	run string // tells this run's comments from another's
}

// drafts are the comments readers are typing: each the form of a page a reader read, and when they will have
// finished typing it. Salon refuses a form sent sooner after its page was shown than a person could fill it in.
type drafts struct {
	typing time.Duration
	limit  int // drafts under way at most; 0 for no limit
	mu     sync.Mutex
	queue  []draft // in the order they were started, so in the order they are ready
}

// full reports whether no more drafts are to be started now.
func (d *drafts) full() bool {
	if d.limit == 0 {
		return false
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.queue) >= d.limit
}

type draft struct {
	form  commentForm
	ready time.Time
}

func (d *drafts) start(f commentForm, now time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.queue = append(d.queue, draft{f, now.Add(d.typing)})
}

// next takes the draft that has been ready longest, if any is.
func (d *drafts) next(now time.Time) (commentForm, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.queue) == 0 || d.queue[0].ready.After(now) {
		return commentForm{}, false
	}
	f := d.queue[0].form
	d.queue = d.queue[1:]
	return f, true
}

// comment posts a comment as a new reader would, from the form of the page they read, replying to a comment one
// time in three, with no redirect followed. A 303 to the comment's address is success; any other answer is a
// failure.
func (w *worker) comment(ctx context.Context, kind, pageURL string, form commentForm, who *commenters) {
	n := who.n.Add(1)
	v := url.Values{}
	for k, vs := range form.values {
		v[k] = append([]string(nil), vs...)
	}
	v.Set("author", fmt.Sprintf("Bench Reader %d", n))
	v.Set("email", fmt.Sprintf("bench-%s-%d@example.org", who.run, n))
	if v.Has("url") && n%4 == 0 {
		v.Set("url", fmt.Sprintf("https://reader-%d.example.net/", n))
	}
	// The email and address are the reader's own, so the same text from two readers is no duplicate.
	v.Set("comment", commentText(w.rng))
	if len(form.replyTo) > 0 && n%3 == 0 {
		v.Set("comment_parent", form.replyTo[w.rng.IntN(len(form.replyTo))])
	}
	base, err := url.Parse(pageURL)
	if err != nil {
		w.series(kind).fail("bad page URL", err.Error())
		return
	}
	action, err := base.Parse(form.action)
	if err != nil {
		w.series(kind).fail("bad form action", err.Error())
		return
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, action.String(), strings.NewReader(v.Encode()))
	if err != nil {
		w.series(kind).fail("bad request", err.Error())
		return
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", "salon-bench/1 (commenter)")
	req.Header.Set("Origin", base.Scheme+"://"+base.Host)
	req.Header.Set("Referer", pageURL)
	// Each commenter has a network (/24) of their own.
	req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d", n>>8&255, n&255, 1+n>>16&127))
	start := time.Now()
	resp, err := w.client.Do(req)
	var body []byte
	if err == nil {
		body, err = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	took := time.Since(start)
	// Every accepted comment is kept, inside the window or not, since the final count includes them all.
	if err == nil && resp.StatusCode == http.StatusSeeOther {
		if id, ok := commentID(resp.Header.Get("Location")); ok {
			w.posted = append(w.posted, id)
		}
	}
	if !w.counts() {
		return
	}
	s := w.series(kind)
	switch {
	case err != nil && ctx.Err() != nil:
	case err != nil:
		s.fail("transport error", err.Error())
	case resp.StatusCode != http.StatusSeeOther:
		s.fail(fmt.Sprintf("status %d", resp.StatusCode), fmt.Sprintf("POST %s: %s: %s", action, resp.Status, formError(body)))
	default:
		if _, ok := commentID(resp.Header.Get("Location")); !ok {
			s.fail("unexpected redirect", "303 to "+resp.Header.Get("Location"))
			return
		}
		s.latencies = append(s.latencies, took)
		s.bytes += int64(len(body))
	}
}

// commentID reads the comment's ID from the redirect an accepted comment gets: /comments/ID/.
func commentID(location string) (int64, bool) {
	u, err := url.Parse(location)
	if err != nil {
		return 0, false
	}
	rest, ok := strings.CutPrefix(u.Path, "/comments/")
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(strings.TrimSuffix(rest, "/"), 10, 64)
	return id, err == nil && id > 0
}

// formError is the reason a refused comment's page gives, or the start of the body.
func formError(body []byte) string {
	for _, marker := range [][]byte{[]byte(`class="form-error"`), []byte(`class="field-error"`)} {
		if i := bytes.Index(body, marker); i >= 0 {
			rest := body[i+len(marker):]
			if j := bytes.IndexByte(rest, '>'); j >= 0 {
				rest = rest[j+1:]
			}
			if k := bytes.IndexByte(rest, '<'); k >= 0 {
				rest = rest[:k]
			}
			return html.UnescapeString(strings.TrimSpace(string(rest)))
		}
	}
	s := strings.Join(strings.Fields(string(body)), " ")
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	return s
}
