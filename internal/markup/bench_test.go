package markup

import (
	"html/template"
	"os"
	"strings"
	"testing"
)

// BenchmarkRenderPost renders a post of about 2,000 words: the long golden
// post repeated until it is that long.
func BenchmarkRenderPost(b *testing.B) {
	part, err := os.ReadFile("testdata/long-post.md")
	if err != nil {
		b.Fatal(err)
	}
	var post strings.Builder
	for words := 0; words < 2000; words = len(strings.Fields(PlainText(RenderPost(post.String()).HTML))) {
		post.Write(part)
		post.WriteString("\n\n")
	}
	src := post.String()
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		RenderPost(src)
	}
}

func BenchmarkRenderComment(b *testing.B) {
	const comment = `Thanks for writing this up! I've been baking for about six months and the part about
the cold proof matched my experience exactly -- it's made weekend baking *so* much easier.

One question: do you adjust the hydration when you switch to more whole wheat? I tried
going to 30% and the dough got stiff. I followed [this guide](https://example.com/guide)
but it doesn't say.

> Every failed loaf is still toast.

My grandmother said the same thing, word for word. <b>Great post.</b>`
	b.SetBytes(int64(len(comment)))
	for b.Loop() {
		RenderComment(comment)
	}
}

// BenchmarkExcerpt takes a page's 30-word description from a post of about 2,000 words, as Excerpt does (from a
// prefix) and from the whole post, as it did before.
func BenchmarkExcerpt(b *testing.B) {
	part, err := os.ReadFile("testdata/long-post.md")
	if err != nil {
		b.Fatal(err)
	}
	h := RenderPost(strings.Repeat(string(part)+"\n\n", 6)).HTML
	for _, bm := range []struct {
		name    string
		excerpt func(template.HTML, int) string
	}{{"prefix", Excerpt}, {"whole", wholeExcerpt}} {
		b.Run(bm.name, func(b *testing.B) {
			for b.Loop() {
				bm.excerpt(h, 30)
			}
		})
	}
}
