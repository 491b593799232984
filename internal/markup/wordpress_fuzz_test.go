package markup

import (
	"testing"
	"unicode/utf8"
)

// FuzzRenderWordPress checks that rendering never panics and that what it
// returns is UTF-8 with nothing that could run script; the seeds in
// testdata/fuzz/FuzzRenderWordPress cover paragraphs, blocks, shortcodes,
// embeds and markers.
func FuzzRenderWordPress(f *testing.F) {
	f.Add("Hello\nworld\n\n<pre>a\n\nb</pre>")
	f.Add(`[caption width="300" align="alignright"]<img src="a.jpg"> Caption[/caption]`)
	f.Add("<!-- wp:paragraph -->\n<p>a</p>\n<!-- /wp:paragraph -->\n<!-- wp:latest-posts {\"a\":1} /-->")
	f.Fuzz(func(t *testing.T, in string) {
		d := RenderWordPress(in)
		c := RenderWordPressComment(in)
		for name, out := range map[string]string{"RenderWordPress": string(d.HTML), "RenderWordPress summary": string(d.Summary), "RenderWordPressComment": string(c)} {
			if !utf8.ValidString(out) {
				t.Errorf("%s(%q) = %q, which is not UTF-8", name, in, out)
			}
		}
		assertWordPressSafe(t, in)
		PlainText(d.HTML)
		Excerpt(d.Summary, 55)
	})
}
