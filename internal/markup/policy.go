package markup

import (
	"regexp"

	"github.com/microcosm-cc/bluemonday"
)

var (
	// headingID admits goldmark's generated ids and hand-written ones.
	headingID = regexp.MustCompile(`^[\p{L}\p{N}_:.-]+$`)
	// Footnote ids are the only other ids, so that authors cannot give
	// arbitrary elements ids that clobber names the site's scripts use.
	footnoteRefID = regexp.MustCompile(`^fnref\d*:\d+$`)
	footnoteID    = regexp.MustCompile(`^fn:\d+$`)
	// Classes are allowed only where goldmark emits them, so that authors
	// cannot borrow the theme's classes to dress content up as site chrome.
	footnoteLinkClass = regexp.MustCompile(`^footnote-(?:ref|backref)$`)
	footnoteLinkRole  = regexp.MustCompile(`^doc-(?:noteref|backlink)$`)
	codeClass         = regexp.MustCompile(`^language-[\p{L}\p{N}_+#.-]+$`)

	lang       = regexp.MustCompile(`^[a-zA-Z]{2,8}(?:-[a-zA-Z0-9]{1,8})*$`)
	relTokens  = regexp.MustCompile(`^[a-zA-Z-]+(?:\s+[a-zA-Z-]+)*$`)
	mimeType   = regexp.MustCompile(`^[a-z]+/[a-z0-9.+-]+(?:\s*;\s*codecs="?[a-zA-Z0-9., +-]*"?)?$`)
	mediaSizes = regexp.MustCompile(`^[a-zA-Z0-9\s(),.:%/*+-]+$`)
)

// postPolicy is for authors, trusted with links and media but not with
// script, style, frames, forms, or attributes that can run code. Their links
// are followed (no nofollow). It is bluemonday's UGC policy without
// nofollow, narrowed where that policy admits ids and classes anywhere, and
// widened for figures, media and goldmark's footnote and task list markup.
//
// Attributes holding URLs that bluemonday does not check (srcset, poster,
// source src) are checked by fixPost.
// layoutToken is one class WordPress content uses for layout, which the theme styles: alignment, image sizes,
// captions and embeds. They place content within the post and cannot make it look like site chrome.
const layoutToken = `(?:align(?:left|right|center|none|wide|full)|size-(?:thumbnail|medium|medium_large|large|full)|wp-image-[0-9]+|wp-caption(?:-text)?|embed|has-text-align-(?:left|center|right))`

var (
	layoutClass   = regexp.MustCompile(`^` + layoutToken + `$`)
	layoutClasses = regexp.MustCompile(`^` + layoutToken + `(?: ` + layoutToken + `)*$`) // a class attribute of them only
)

func postPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(true)
	p.AllowURLSchemes("http", "https", "mailto")

	p.AllowAttrs("title").Globally()
	p.AllowAttrs("lang").Matching(lang).Globally()
	p.AllowAttrs("dir").Matching(bluemonday.Direction).Globally()

	p.AllowElements(
		"p", "br", "hr", "div", "span", "section", "article", "aside", "header", "footer",
		"figure", "figcaption", "details", "summary", "address", "pre", "wbr",
		"em", "strong", "b", "i", "u", "s", "strike", "mark", "small", "sub", "sup",
		"abbr", "dfn", "cite", "code", "kbd", "samp", "var", "bdi", "bdo", "ruby", "rt", "rp",
		"q", "del", "ins", "time", "ul", "ol", "li", "dl", "dt", "dd",
		"h1", "h2", "h3", "h4", "h5", "h6",
		"table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td", "colgroup", "col",
	)
	p.AllowAttrs("id").Matching(headingID).OnElements("h1", "h2", "h3", "h4", "h5", "h6")
	p.AllowAttrs("id").Matching(footnoteRefID).OnElements("sup")
	p.AllowAttrs("id").Matching(footnoteID).OnElements("li")
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^footnotes$`)).OnElements("div")
	p.AllowAttrs("role").Matching(regexp.MustCompile(`^doc-endnotes$`)).OnElements("div")
	p.AllowAttrs("class").Matching(codeClass).OnElements("code")
	p.AllowAttrs("class").Matching(layoutClasses).OnElements("img", "figure", "figcaption", "p")
	p.AllowAttrs("open").Matching(regexp.MustCompile(`(?i)^(?:|open)$`)).OnElements("details")

	p.AllowAttrs("cite").OnElements("blockquote", "q", "del", "ins")
	p.AllowAttrs("datetime").Matching(bluemonday.ISO8601).OnElements("del", "ins", "time")

	p.AllowAttrs("start").Matching(bluemonday.Integer).OnElements("ol")
	p.AllowAttrs("reversed").OnElements("ol")
	p.AllowAttrs("type").Matching(bluemonday.ListType).OnElements("ol")
	p.AllowAttrs("value").Matching(bluemonday.Integer).OnElements("li")

	p.AllowAttrs("align").Matching(regexp.MustCompile(`(?i)^(?:left|center|right)$`)).OnElements("th", "td")
	p.AllowAttrs("colspan", "rowspan").Matching(bluemonday.Integer).OnElements("th", "td")
	p.AllowAttrs("scope").Matching(regexp.MustCompile(`(?i)^(?:row|col)(?:group)?$`)).OnElements("th")
	p.AllowAttrs("span").Matching(bluemonday.Integer).OnElements("col", "colgroup")

	p.AllowAttrs("href").OnElements("a")
	p.AllowAttrs("rel").Matching(relTokens).OnElements("a")
	p.AllowAttrs("target").Matching(regexp.MustCompile(`^_blank$`)).OnElements("a")
	p.AllowAttrs("class").Matching(footnoteLinkClass).OnElements("a")
	p.AllowAttrs("role").Matching(footnoteLinkRole).OnElements("a")

	p.AllowAttrs("src", "srcset", "alt").OnElements("img")
	p.AllowAttrs("sizes").Matching(mediaSizes).OnElements("img")
	p.AllowAttrs("width", "height").Matching(bluemonday.Integer).OnElements("img", "video")
	p.AllowAttrs("loading").Matching(regexp.MustCompile(`^(?:lazy|eager)$`)).OnElements("img")

	// Autoplay is left out: a post should not start making noise.
	p.AllowAttrs("src", "controls", "loop", "muted").OnElements("audio", "video")
	p.AllowAttrs("preload").Matching(regexp.MustCompile(`^(?:none|metadata|auto)$`)).OnElements("audio", "video")
	p.AllowAttrs("poster", "playsinline").OnElements("video")
	p.AllowAttrs("src").OnElements("source", "track")
	p.AllowAttrs("type").Matching(mimeType).OnElements("source")
	p.AllowAttrs("kind").Matching(regexp.MustCompile(`^(?:subtitles|captions|descriptions|chapters)$`)).OnElements("track")
	p.AllowAttrs("srclang").Matching(lang).OnElements("track")
	p.AllowAttrs("label").OnElements("track")
	p.AllowAttrs("default").OnElements("track")

	// Task list items; a checkbox outside a form can submit nothing.
	p.AllowAttrs("type").Matching(regexp.MustCompile(`^checkbox$`)).OnElements("input")
	p.AllowAttrs("checked", "disabled").OnElements("input")
	return p
}

// commentPolicy is for readers: the elements and attributes WordPress allows
// in comments, plus what the comment dialect itself produces. Links must be
// absolute; fixComment adds their rel.
func commentPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(false)
	p.AllowURLSchemes("http", "https", "mailto")

	p.AllowAttrs("href", "title").OnElements("a")
	p.AllowAttrs("title").OnElements("abbr")
	p.AllowAttrs("cite").OnElements("blockquote", "q")
	p.AllowAttrs("datetime").Matching(bluemonday.ISO8601).OnElements("del")
	p.AllowAttrs("start").Matching(bluemonday.Integer).OnElements("ol")
	p.AllowElements(
		"abbr", "b", "blockquote", "cite", "code", "del", "em", "i", "q", "s", "strike", "strong",
		"p", "br", "pre", "ul", "ol", "li",
	)
	return p
}
