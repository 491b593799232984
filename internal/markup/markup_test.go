package markup

import (
	"html/template"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRenderPost(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Document
	}{
		{
			name: "typographer",
			in:   `"Hello," she said -- it's 1990--2000... or 'so'---maybe.`,
			want: Document{HTML: "<p>“Hello,” she said – it’s 1990–2000… or ‘so’—maybe.</p>\n"},
		},
		{
			name: "no typography in code",
			in:   "`\"x\" -- y...`",
			want: Document{HTML: "<p><code>&#34;x&#34; -- y...</code></p>\n"},
		},
		{
			name: "table with alignment",
			in:   "| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |",
			want: Document{HTML: "<table>\n<thead>\n<tr>\n" +
				"<th align=\"left\">a</th>\n<th align=\"center\">b</th>\n<th align=\"right\">c</th>\n" +
				"</tr>\n</thead>\n<tbody>\n<tr>\n" +
				"<td align=\"left\">1</td>\n<td align=\"center\">2</td>\n<td align=\"right\">3</td>\n" +
				"</tr>\n</tbody>\n</table>\n"},
		},
		{
			name: "footnotes",
			in:   "Claim.[^src]\n\n[^src]: Source.",
			want: Document{HTML: "<p>Claim.<sup id=\"fnref:1\"><a class=\"footnote-ref\" href=\"#fn:1\" role=\"doc-noteref\">1</a></sup></p>\n" +
				"<div class=\"footnotes\" role=\"doc-endnotes\">\n<hr/>\n<ol>\n<li id=\"fn:1\">\n" +
				"<p>Source.\u00a0<a class=\"footnote-backref\" href=\"#fnref:1\" role=\"doc-backlink\">↩︎</a></p>\n" +
				"</li>\n</ol>\n</div>\n"},
		},
		{
			name: "heading ids and anchors",
			in:   "# Title\n\n## Hello *World*\n\n### Hello World\n\n#### Hello World",
			want: Document{HTML: "<h1 id=\"title\">Title</h1>\n" +
				"<h2 id=\"hello-world\">Hello <em>World</em> <a class=\"anchor\" href=\"#hello-world\" aria-label=\"Permalink: Hello World\">#</a></h2>\n" +
				"<h3 id=\"hello-world-1\">Hello World <a class=\"anchor\" href=\"#hello-world-1\" aria-label=\"Permalink: Hello World\">#</a></h3>\n" +
				"<h4 id=\"hello-world-2\">Hello World <a class=\"anchor\" href=\"#hello-world-2\" aria-label=\"Permalink: Hello World\">#</a></h4>\n"},
		},
		{
			name: "raw heading keeps its id",
			in:   `<h2 id="custom">Custom</h2>`,
			want: Document{HTML: "<h2 id=\"custom\">Custom <a class=\"anchor\" href=\"#custom\" aria-label=\"Permalink: Custom\">#</a></h2>"},
		},
		{
			name: "raw headings get unused ids",
			in:   "<h2>Intro</h2>\n\n## Intro\n\n<h3>Intro!</h3>\n<h1>Über</h1>",
			want: Document{HTML: "<h2 id=\"intro-1\">Intro <a class=\"anchor\" href=\"#intro-1\" aria-label=\"Permalink: Intro\">#</a></h2>\n" +
				"<h2 id=\"intro\">Intro <a class=\"anchor\" href=\"#intro\" aria-label=\"Permalink: Intro\">#</a></h2>\n" +
				"<h3 id=\"intro-2\">Intro! <a class=\"anchor\" href=\"#intro-2\" aria-label=\"Permalink: Intro!\">#</a></h3>\n" +
				"<h1 id=\"ber\">Über</h1>"},
		},
		{
			name: "more marker",
			in:   "Intro.\n\n<!--more-->\n\nRest.",
			want: Document{HTML: "<p>Intro.</p>\n\n<p>Rest.</p>\n", Summary: "<p>Intro.</p>\n"},
		},
		{
			name: "more marker with text and no blank lines",
			in:   "Intro.\n<!--more Keep reading-->\nRest.",
			want: Document{HTML: "<p>Intro.</p>\n\n<p>Rest.</p>\n", Summary: "<p>Intro.</p>\n"},
		},
		{
			name: "first more marker wins",
			in:   "One.\n\n<!--more-->\n\nTwo.\n\n<!--more-->\n\nThree.",
			want: Document{HTML: "<p>One.</p>\n\n<p>Two.</p>\n\n<p>Three.</p>\n", Summary: "<p>One.</p>\n"},
		},
		{
			name: "more marker in code is text",
			in:   "```\n<!--more-->\n```\n\n`<!--more-->`",
			want: Document{HTML: "<pre><code>&lt;!--more--&gt;\n</code></pre>\n<p><code>&lt;!--more--&gt;</code></p>\n"},
		},
		{
			name: "more marker inside a line is dropped",
			in:   "One <!--more--> two.",
			want: Document{HTML: "<p>One  two.</p>\n"},
		},
		{
			name: "summary keeps references defined later and drops footnotes",
			in:   "See [the docs][d].[^1]\n\n<!--more-->\n\n[d]: https://example.com/docs\n[^1]: Note.",
			want: Document{
				HTML: "<p>See <a href=\"https://example.com/docs\">the docs</a>.<sup id=\"fnref:1\"><a class=\"footnote-ref\" href=\"#fn:1\" role=\"doc-noteref\">1</a></sup></p>\n\n" +
					"<div class=\"footnotes\" role=\"doc-endnotes\">\n<hr/>\n<ol>\n<li id=\"fn:1\">\n" +
					"<p>Note.\u00a0<a class=\"footnote-backref\" href=\"#fnref:1\" role=\"doc-backlink\">↩︎</a></p>\n" +
					"</li>\n</ol>\n</div>\n",
				Summary: "<p>See <a href=\"https://example.com/docs\">the docs</a>.<sup id=\"fnref:1\"><a class=\"footnote-ref\" href=\"#fn:1\" role=\"doc-noteref\">1</a></sup></p>\n",
			},
		},
		{
			name: "summary is balanced",
			in:   "<div class=\"note\"><b>\n\nIntro.\n\n<!--more-->\n\nRest.\n\n</b>\n</div>",
			want: Document{
				HTML:    "<div><b>\n<p>Intro.</p>\n\n<p>Rest.</p>\n</b>\n</div>",
				Summary: "<div><b>\n<p>Intro.</p>\n</b></div>",
			},
		},
		{
			name: "html comments never leak",
			in:   "a <!-- inline --> b\n\n<!-- block\nspanning lines -->\n\n<!--more-->",
			want: Document{HTML: "<p>a  b</p>\n\n", Summary: "<p>a  b</p>\n\n"},
		},
		{
			name: "raw html allowed",
			in: "<figure>\n" +
				`<img src="/a.jpg" srcset="/a.jpg 1x, https://cdn.example.com/a@2x.jpg 2x" sizes="(max-width: 600px) 100vw, 600px" alt="A “view”: sea" width="600" height="400" loading="lazy">` + "\n" +
				"<figcaption>The <em>sea</em>.</figcaption>\n</figure>\n\n" +
				`<details><summary>More</summary><kbd>Ctrl</kbd>+<kbd>C</kbd> <mark>hi</mark> H<sub>2</sub>O</details>`,
			want: Document{HTML: "<figure>\n" +
				`<img src="/a.jpg" srcset="/a.jpg 1x, https://cdn.example.com/a@2x.jpg 2x" sizes="(max-width: 600px) 100vw, 600px" alt="A “view”: sea" width="600" height="400" loading="lazy"/>` + "\n" +
				"<figcaption>The <em>sea</em>.</figcaption>\n</figure>\n" +
				`<details><summary>More</summary><kbd>Ctrl</kbd>+<kbd>C</kbd> <mark>hi</mark> H<sub>2</sub>O</details>`},
		},
		{
			name: "media keeps controls",
			in:   `<video src="/v.mp4" poster="/p.jpg" width="640" autoplay><source src="/v.webm" type="video/webm"><track src="/v.vtt" kind="captions" srclang="en" label="English"></video>`,
			want: Document{HTML: `<p><video src="/v.mp4" poster="/p.jpg" width="640" controls=""><source src="/v.webm" type="video/webm"/><track src="/v.vtt" kind="captions" srclang="en" label="English"/></video></p>` + "\n"},
		},
		{
			name: "raw html stripped",
			in: `<p style="color:red" onclick="x()" class="site-header">Hi<script>alert(1)</script></p>` + "\n" +
				`<iframe src="https://www.youtube.com/embed/x"></iframe><form action="/x"><input type="text" name="q"></form>` + "\n" +
				`<style>body{display:none}</style><object data="x.swf"></object><svg><circle r="1"/></svg>`,
			want: Document{HTML: "<p>Hi</p>\n\n"},
		},
		{
			name: "unsafe urls dropped",
			in: `<a href="javascript:alert(1)">a</a> <a href=" JaVa&#x09;Script:alert(1)">b</a> <a href="vbscript:x">c</a> ` +
				`<img src="data:image/png;base64,AAAA" alt="d"> <img src="/ok.png" srcset="/ok.png 1x, javascript:x 2x"> ` +
				`<video poster="javascript:x"><source src="data:video/mp4,x"></video>` + "\n\n" +
				`[e](javascript:alert(1)) ![f](data:image/png;base64,AAAA)`,
			want: Document{HTML: "<p>a b c <img alt=\"d\"/> <img src=\"/ok.png\"/> <video controls=\"\"><source/></video></p>\n" +
				"<p>e <img alt=\"f\"/></p>\n"},
		},
		{
			name: "author links followed, new windows opened without opener",
			// Parsing sorts the attributes of formatting elements such as <a>.
			in:   `[a](https://example.com) <a href="https://example.org" target="_blank">b</a> <a href="/c" target="_blank" rel="me">c</a> <a href="#d" target="_top">d</a>`,
			want: Document{HTML: `<p><a href="https://example.com">a</a> <a href="https://example.org" target="_blank" rel="noopener">b</a> <a href="/c" rel="me noopener" target="_blank">c</a> <a href="#d">d</a></p>` + "\n"},
		},
		{
			name: "gfm",
			in:   "~~gone~~ www.example.com <https://example.org>\n\n- [x] done\n- [ ] todo",
			want: Document{HTML: "<p><del>gone</del> <a href=\"http://www.example.com\">www.example.com</a> <a href=\"https://example.org\">https://example.org</a></p>\n" +
				"<ul>\n<li><input checked=\"\" disabled=\"\" type=\"checkbox\"/> done</li>\n<li><input disabled=\"\" type=\"checkbox\"/> todo</li>\n</ul>\n"},
		},
		{
			name: "code block language class",
			in:   "```go\nfmt.Println(\"<hi>\")\n```",
			want: Document{HTML: "<pre><code class=\"language-go\">fmt.Println(&#34;&lt;hi&gt;&#34;)\n</code></pre>\n"},
		},
		{
			name: "empty",
			in:   "",
			want: Document{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := RenderPost(tt.in)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("RenderPost(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestRenderComment(t *testing.T) {
	const rel = `rel="nofollow ugc noopener"`
	tests := []struct {
		name string
		in   string
		want template.HTML
	}{
		{
			name: "inline markdown",
			in:   "*em* **strong** `code` ~~del~~ \"quoted\"",
			want: "<p><em>em</em> <strong>strong</strong> <code>code</code> <del>del</del> “quoted”</p>\n",
		},
		{
			name: "newlines become br, blank lines paragraphs",
			in:   "one\ntwo\n\nthree",
			want: "<p>one<br/>\ntwo</p>\n<p>three</p>\n",
		},
		{
			name: "no headings or rules",
			in:   "# Not a heading\n\nAlso not\n===\n\n---",
			want: "<p># Not a heading</p>\n<p>Also not<br/>\n===</p>\n<p>—</p>\n",
		},
		{
			name: "blocks",
			in:   "> quoted\n\n- a\n- b\n\n1. c\n\n```js\nalert(1)\n```",
			want: "<blockquote>\n<p>quoted</p>\n</blockquote>\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n<ol>\n<li>c</li>\n</ol>\n<pre><code>alert(1)\n</code></pre>\n",
		},
		{
			name: "wordpress tags",
			in: "<blockquote cite=\"https://example.com/q\">d</blockquote>\n\n" +
				`<a href="https://example.com" title="t">a</a> <abbr title="x">b</abbr> <b>c</b> <cite>e</cite> <code>f</code> <del datetime="2024-01-02">g</del> <em>h</em> <i>i</i> <q cite="https://example.com/q">j</q> <s>k</s> <strike>l</strike> <strong>m</strong>`,
			want: "<blockquote cite=\"https://example.com/q\">d</blockquote>\n" +
				`<p><a href="https://example.com" title="t" ` + rel + `>a</a> <abbr title="x">b</abbr> <b>c</b> <cite>e</cite> <code>f</code> <del datetime="2024-01-02">g</del> <em>h</em> <i>i</i> <q cite="https://example.com/q">j</q> <s>k</s> <strike>l</strike> <strong>m</strong></p>` + "\n",
		},
		{
			name: "other tags stripped",
			// A line opening with a block tag is a raw HTML block, so no <p>.
			in:   `<h1>a</h1> <span style="x">b</span> <img src="https://example.com/x.png" onerror="alert(1)"> <table><tr><td>c</td></tr></table> <u>d</u><script>alert(1)</script><!-- e -->`,
			want: "a b  c d",
		},
		{
			name: "attributes outside the list stripped",
			in:   `<b class="x" id="y" onclick="z">a</b> <a href="https://example.com" target="_blank" rel="follow" id="y">b</a>`,
			want: `<p><b>a</b> <a href="https://example.com" ` + rel + `>b</a></p>` + "\n",
		},
		{
			name: "links",
			in:   "[a](https://example.com) <https://example.org> www.example.net me@example.com [b](mailto:b@example.com)",
			want: `<p><a href="https://example.com" ` + rel + `>a</a> <a href="https://example.org" ` + rel + `>https://example.org</a> ` +
				`<a href="http://www.example.net" ` + rel + `>www.example.net</a> <a href="mailto:me@example.com" ` + rel + `>me@example.com</a> ` +
				`<a href="mailto:b@example.com" ` + rel + `>b</a></p>` + "\n",
		},
		{
			name: "only absolute http, https and mailto links",
			in:   "[a](/relative) [b](#frag) [c](javascript:alert(1)) [d](data:text/html,x) <a href=\"vbscript:x\">e</a> [f](ftp://example.com)",
			want: "<p>a b c d e f</p>\n",
		},
		{
			name: "images become links",
			in:   "![a *cat*](https://example.com/cat.png) ![](https://example.com/dog.png) ![x](javascript:alert(1))",
			want: `<p><a href="https://example.com/cat.png" ` + rel + `>a <em>cat</em></a> ` +
				`<a href="https://example.com/dog.png" ` + rel + `>https://example.com/dog.png</a> x</p>` + "\n",
		},
		{
			name: "unclosed tags closed",
			in:   "<b>bold <a href=\"https://example.com\">link",
			// As in a browser, formatting left open is reopened after the
			// paragraph; the tags are closed before the comment ends.
			want: `<p><b>bold <a href="https://example.com" ` + rel + `>link</a></b></p><b><a href="https://example.com" ` + rel + ">\n</a></b>",
		},
		{
			name: "empty",
			in:   "",
			want: "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := RenderComment(tt.in)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("RenderComment(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}
