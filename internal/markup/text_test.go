package markup

import (
	"html/template"
	"testing"
)

func TestPlainText(t *testing.T) {
	tests := []struct {
		in   template.HTML
		want string
	}{
		{"", ""},
		{"<p>Fish &amp; chips&nbsp;&mdash; &#8220;fresh&#8221;</p>", "Fish & chips — “fresh”"},
		{"<p>one</p><p>two<br>three</p><ul><li>four</li><li>five</li></ul>", "one two three four five"},
		{"<p>in<em>line</em> <a href=\"/\">link</a>s\n\t stay   joined</p>", "inline links stay joined"},
		{"<h2 id=\"a\">Title <a class=\"anchor\" href=\"#a\" aria-label=\"Permalink: Title\">#</a></h2>", "Title"},
		{"<p>Claim.<sup id=\"fnref:1\"><a class=\"footnote-ref\" href=\"#fn:1\">1</a></sup></p>" +
			"<div class=\"footnotes\"><hr><ol><li id=\"fn:1\"><p>Note.&#160;<a class=\"footnote-backref\" href=\"#fnref:1\">↩︎</a></p></li></ol></div>",
			"Claim. Note."},
		{"<p>a<!-- hidden -->b</p><script>var x = 1;</script><style>p{}</style>", "ab"},
		{"<table><tr><th>k</th><td>v</td></tr></table>", "k v"},
	}
	for _, tt := range tests {
		if got := PlainText(tt.in); got != tt.want {
			t.Errorf("PlainText(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestExcerpt(t *testing.T) {
	tests := []struct {
		in    template.HTML
		words int
		want  string
	}{
		{"<p>one two three</p>", 3, "one two three"},
		{"<p>one two three</p>", 5, "one two three"},
		{"<p>one two</p><p>three four</p>", 3, "one two three…"},
		{"<p>one &amp; two</p>", 2, "one &…"},
		{"<p>one, two</p>", 1, "one…"},
		{"<p>one… two</p>", 1, "one…"},
		{"<p>one</p>", 0, ""},
		{"<p>one</p>", -1, ""},
		{"", 55, ""},
	}
	for _, tt := range tests {
		if got := Excerpt(tt.in, tt.words); got != tt.want {
			t.Errorf("Excerpt(%q, %d) = %q; want %q", tt.in, tt.words, got, tt.want)
		}
	}
}

// TestExcerptOfPost covers the way feeds use Excerpt: on a rendered post,
// where typography, anchors and footnote marks must come out clean.
func TestExcerptOfPost(t *testing.T) {
	d := RenderPost("## It's \"here\"\n\nThe *first* words[^1] of a post... and more.\n\n[^1]: A note.")
	const want = "It’s “here” The first words of a post…"
	if got := Excerpt(d.HTML, 8); got != want {
		t.Errorf("Excerpt(%q, 8) = %q; want %q", d.HTML, got, want)
	}
}
