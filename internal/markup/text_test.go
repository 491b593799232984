package markup

import (
	"html/template"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"
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

// wholeExcerpt is Excerpt as it was before it read prefixes: from every word of h.
func wholeExcerpt(h template.HTML, n int) string {
	if n < 1 {
		return ""
	}
	w := words(h)
	if len(w) <= n {
		return strings.Join(w, " ")
	}
	return strings.TrimRight(strings.Join(w[:n], " "), ",;:…") + "…"
}

// TestExcerptOfLongPosts: reading a prefix gives the excerpt of the whole, whichever word count, on long rendered
// posts, on prose cut inside a tag, an entity or a character, and where a table would move text forward.
func TestExcerptOfLongPosts(t *testing.T) {
	var inputs []template.HTML
	files, err := filepath.Glob("testdata/*.golden.html")
	if err != nil {
		t.Fatal(err)
	}
	more, _ := filepath.Glob("testdata/wordpress/*.golden.html")
	for _, f := range append(files, more...) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, template.HTML(strings.Repeat(string(b), 40)))
	}
	para := `<p>Words, &amp; entities, <em>emphasis</em> and “quotes” <a class="anchor" href="#x">#</a> é</p>`
	for pad := range len(para) { // the prefix ends at every place inside the paragraph
		inputs = append(inputs, template.HTML(strings.Repeat("x", pad)+strings.Repeat(para, 200)))
	}
	// A table whose stray text the parser moves in front of it, past where a prefix would stop.
	inputs = append(inputs, template.HTML("<table><tr><td>"+strings.Repeat("cell ", 600)+"</td></tr>moved forward</table>"))
	for _, h := range inputs {
		all := words(h)
		for _, n := range []int{1, 2, 30, 55, 56, 300, 2000} {
			if got, want := Excerpt(h, n), wholeExcerpt(h, n); got != want {
				t.Errorf("Excerpt(%.60q…, %d) = %.80q; the whole post gives %.80q", h, n, got, want)
			}
			if got := firstWords(h, n); !slices.Equal(got, all[:min(n, len(all))]) {
				t.Errorf("firstWords(%.60q…, %d) ends %q; the whole post's words end %q", h, n, got[len(got)-1], all[min(n, len(all))-1])
			}
		}
	}
}

// FuzzExcerpt checks that Excerpt, reading a prefix, agrees with the excerpt of the whole text, on HTML that has
// been through the parser and renderer as every stored post and comment has.
func FuzzExcerpt(f *testing.F) {
	f.Add("<p>one two</p><p>three</p>", 2048, 2)
	f.Add("<table><tr><td>a</td></tr>b</table>", 500, 1)
	f.Add("<p>a&amp;b</p>", 509, 1)
	f.Fuzz(func(t *testing.T, s string, pad, n int) {
		raw := strings.Repeat(" ", min(max(pad, 0), 9000)) + s + strings.Repeat(s, 3000/max(len(s), 1))
		h, err := tidy([]byte(raw), func([]*html.Node) {})
		if err != nil {
			return // nested too deep to parse, which no stored post or comment is
		}
		n = min(max(n, -1), 400)
		if got, want := Excerpt(h, n), wholeExcerpt(h, n); got != want {
			t.Errorf("Excerpt(%q, %d) = %q; the whole text gives %q", h, n, got, want)
		}
	})
}
