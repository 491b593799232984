package feed_test

import (
	"bytes"
	"errors"
	"html"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/salon-blog/salon/internal/feed"
)

// xmlText is the text a writer should keep of s: every character XML 1.0's
// Char production allows, and nothing else (invalid UTF-8, including encoded
// surrogates, dropped byte by byte).
func xmlText(s string) string {
	var b []byte
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		legal := r == '\t' || r == '\n' || r == '\r' ||
			0x20 <= r && r <= 0xD7FF || 0xE000 <= r && r <= 0xFFFD || 0x10000 <= r && r <= 0x10FFFF
		if legal && !(r == utf8.RuneError && n == 1) {
			b = append(b, s[i:i+n]...)
		}
		i += n
	}
	return string(b)
}

// FuzzWriteFeed feeds arbitrary text into the fields that carry user text and
// checks that both formats either refuse it as ErrInvalid, writing nothing,
// or produce a valid document that reads back to the cleaned text.
func FuzzWriteFeed(f *testing.F) {
	f.Fuzz(func(t *testing.T, feedTitle, title, author, summary, content string) {
		in := feed.Feed{
			Title: feedTitle, Link: "https://salon.example/", Self: "https://salon.example/feed",
			Items: []feed.Item{{
				ID: "https://salon.example/1", IDIsPermalink: true, Link: "https://salon.example/1",
				Title: title, Author: author, Summary: summary, Content: content,
				Published:   time.Date(2024, 6, 1, 9, 30, 0, 0, cest),
				CommentsURL: "https://salon.example/1#comments", CommentCount: 2,
			}},
		}
		feedTitle, title, author, summary, content = xmlText(feedTitle), xmlText(title), xmlText(author), xmlText(summary), xmlText(content)
		invalid := feedTitle == "" || title == "" && summary == "" && content == ""

		for _, format := range formats {
			var buf bytes.Buffer
			err := format.write(&buf, in)
			if invalid {
				if !errors.Is(err, feed.ErrInvalid) || buf.Len() != 0 {
					t.Fatalf("%s: write = %v with %d bytes; want ErrInvalid and nothing written", format.name, err, buf.Len())
				}
				continue
			}
			if err != nil {
				t.Fatalf("%s: write: %v", format.name, err)
			}
			checkOutput(t, buf.Bytes())

			want := []string{feedTitle, title, author, summary, content}
			var got []string
			if format.name == "rss" {
				r := parseRSS(t, buf.Bytes())
				it := r.Channel.Items[0]
				got = []string{r.Channel.Title, it.Title, it.Creator, html.UnescapeString(it.Description), it.Content}
				if title == "" && summary == "" {
					got[3] = "" // the description stands in for the missing title
					if it.Description != content {
						t.Errorf("rss: description = %q; want the content %q", it.Description, content)
					}
				}
			} else {
				a := parseAtom(t, buf.Bytes())
				e := a.Entries[0]
				got = []string{a.Title, e.Title, e.Authors[0].Name, "", ""}
				if e.Summary != nil {
					got[3] = e.Summary.Text
				}
				if e.Content != nil {
					got[4] = e.Content.Text
				}
				if author == "" {
					want[2] = feedTitle
				}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s: text read back (-want +got):\n%s", format.name, diff)
			}
		}
	})
}
