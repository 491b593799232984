package markup

import (
	"cmp"
	"html"
	"html/template"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// This file renders bodies stored by WordPress the way WordPress's
// the_content and comment_text filters show them, then sanitizes them with
// the post or comment policy. The WordPress functions ported here (wpautop,
// make_clickable, WP_Embed::autoembed, do_blocks, get_the_content's more and
// nextpage handling) keep WordPress's names in their comments so that they
// can be compared with wp-includes. Their PCRE patterns are rewritten for
// RE2: lookarounds and backreferences become code, \s becomes wpSpace
// (PCRE's \s includes the vertical tab, Go's does not), and \x80-\xff,
// which PCRE matches byte by byte, becomes any non-ASCII rune.

// RenderWordPress renders a post or page body as WordPress stores it: HTML
// in which blank lines mean paragraphs, with shortcodes and block-editor
// comments. The result follows the same contract as RenderPost: HTML is the
// whole body sanitized with the post policy, and Summary is the part before
// the first <!--more--> (or <!--more label-->) marker, empty when there is
// none.
//
// A post split into pages with <!--nextpage--> renders as one page. In a
// post marked <!--noteaser-->, HTML leaves out the part before the more
// marker, as WordPress does on the post's own page; it is still the
// Summary.
//
// Block posts (any "<!-- wp:" in the body) are not given paragraphs,
// as in WordPress; their block comments are removed, and dynamic blocks,
// whose HTML WordPress generates from its database (latest posts, archives,
// search, …), render to nothing. Shortcodes are expanded as described at
// wpShortcodes; unknown ones stay as written, and none inside <pre> or
// <code> is expanded. A URL alone on its line, where WordPress would embed
// a third-party player, becomes a link in <p class="embed">: Salon serves no
// third-party frames.
//
// Bytes that are not UTF-8 are read as U+FFFD, as a browser would show them.
func RenderWordPress(body string) Document {
	body = strings.ToValidUTF8(body, "\uFFFD")
	p := posts()
	var full, teaser strings.Builder
	found := false
	pages := wpPages(body)
	for i, page := range pages {
		if found {
			full.WriteString(wpContent(page))
			continue
		}
		m := wpMoreRE.FindStringIndex(page)
		if m == nil {
			s := wpContent(page)
			full.WriteString(s)
			teaser.WriteString(s)
			continue
		}
		found = true
		marker := page[m[0]:m[1]]
		if strings.Contains(page, "<!-- wp:more ") {
			// The core/more block's delimiters would be left unbalanced
			// by the split.
			page = wpMoreBlockRE.ReplaceAllString(page, "")
		}
		before, after, _ := strings.Cut(page, marker)
		// Later markers and the noteaser flag would each leave an empty
		// paragraph behind once the sanitizer drops comments.
		after = strings.ReplaceAll(wpMoreRE.ReplaceAllString(after, ""), "<!--noteaser-->", "")
		before = strings.ReplaceAll(before, "<!--noteaser-->", "")
		teaser.WriteString(wpContent(before))
		if i == 0 && strings.Contains(body, "<!--noteaser-->") {
			full.WriteString(wpContent(after))
		} else {
			full.WriteString(wpContent(before + after))
		}
	}
	d := Document{HTML: p.sanitize(full.String())}
	if found {
		d.Summary = p.sanitize(teaser.String())
	}
	return d
}

// RenderWordPressComment renders a comment body as WordPress stores it, as
// WordPress's comment_text filter does: bare URLs and e-mail addresses
// become links (make_clickable), blank lines become paragraphs and single
// newlines line breaks (wpautop). The comment policy then keeps only the
// tags WordPress allows in comments, and every link gets
// rel="nofollow ugc noopener". Shortcodes are not expanded in comments, as
// in WordPress. Bytes that are not UTF-8 are read as U+FFFD.
func RenderWordPressComment(body string) template.HTML {
	body = strings.ToValidUTF8(body, "\uFFFD")
	return comments().sanitize(wpautop(makeClickable(body), true))
}

// sanitize runs HTML that did not come from goldmark through the rest of the
// pipeline: the policy, then tidy.
func (p *pipeline) sanitize(s string) template.HTML {
	if s == "" {
		return ""
	}
	out, err := tidy(p.policy.SanitizeBytes([]byte(s)), p.fix)
	if err != nil {
		// Parsing and rendering in memory fail only on a bug in x/net/html.
		return escaped([]byte(s))
	}
	return out
}

var (
	// wpMoreRE is get_the_content's pattern; "." does not cross lines.
	wpMoreRE      = regexp.MustCompile(`<!--more(.*?)-->`)
	wpMoreBlockRE = regexp.MustCompile(`<!-- /?wp:more(.*?) -->`)
)

// wpPages splits a post at its <!--nextpage--> markers as WordPress's
// generate_postdata does, newlines around the markers and core/nextpage
// block delimiters included.
func wpPages(content string) []string {
	if !strings.Contains(content, "<!--nextpage-->") {
		return []string{content}
	}
	for _, r := range [...][2]string{
		{"\n<!--nextpage-->\n", "<!--nextpage-->"},
		{"\n<!--nextpage-->", "<!--nextpage-->"},
		{"<!--nextpage-->\n", "<!--nextpage-->"},
		{"<!-- wp:nextpage -->", ""},
		{"<!-- /wp:nextpage -->", ""},
	} {
		content = strings.ReplaceAll(content, r[0], r[1])
	}
	content = strings.TrimPrefix(content, "<!--nextpage-->")
	return strings.Split(content, "<!--nextpage-->")
}

// wpContent applies WordPress's the_content filters that change markup, in
// WordPress's order: WP_Embed::run_shortcode and autoembed (priority 8),
// do_blocks (9), wpautop and shortcode_unautop (10), do_shortcode (11).
// wptexturize, convert_smilies, capital_P_dangit and the image attribute
// filters are left out on purpose: Salon keeps text as it was typed.
func wpContent(s string) string {
	s = doShortcodes(s, wpEmbedShortcodes)
	s = autoembed(s)
	if hasBlocks(s) {
		s = doBlocks(s)
	} else {
		s = wpautop(s, true)
	}
	s = shortcodeUnautop(s)
	return keepLayoutClasses(doShortcodes(s, wpShortcodes))
}

// wpClassAttr finds class attributes as WordPress's editors write them (double quotes).
var wpClassAttr = regexp.MustCompile(`(?i)(\sclass=")([^"]*)(")`)

// keepLayoutClasses narrows every class attribute to the layout classes WordPress content carries (alignment,
// image size, captions, embeds), which the post policy admits and the theme styles; any other class would make the
// policy drop the attribute, and with it an image's alignment.
func keepLayoutClasses(s string) string {
	matches := wpClassAttr.FindAllStringSubmatchIndex(s, -1)
	if matches == nil {
		return s
	}
	var b strings.Builder
	last := 0
	for _, m := range matches { // m: whole attribute, then ` class="`, the classes, `"`
		b.WriteString(s[last:m[0]])
		last = m[1]
		var kept []string
		for _, c := range strings.Fields(s[m[4]:m[5]]) {
			if layoutClass.MatchString(c) {
				kept = append(kept, c)
			}
		}
		if len(kept) > 0 {
			b.WriteString(s[m[2]:m[3]] + strings.Join(kept, " ") + s[m[6]:m[7]])
		}
	}
	b.WriteString(s[last:])
	return b.String()
}

// wpSpace is PCRE's \s without the UTF-8 flag.
const wpSpace = `[\t\n\v\f\r ]`

func isWPSpace(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\v', '\f', '\r':
		return true
	}
	return false
}

// wpHTMLSplit splits s into text and elements as wp_html_split does: the
// result alternates text and element, starting and ending with text, which
// may be empty. An element is a comment up to its "-->", a CDATA section up
// to its "]]>", or anything else from "<" to the next ">"; any of them runs
// to the end of s when unterminated.
func wpHTMLSplit(s string) []string {
	var parts []string
	last := 0
	for i := 0; i < len(s); {
		j := strings.IndexByte(s[i:], '<')
		if j < 0 {
			break
		}
		start := i + j
		end := len(s)
		switch rest := s[start+1:]; {
		case strings.HasPrefix(rest, "!--"):
			if k := strings.Index(s[start+2:], "-->"); k >= 0 {
				end = start + 2 + k + 3
			}
		case strings.HasPrefix(rest, "![CDATA["):
			if k := strings.Index(s[start+9:], "]]>"); k >= 0 {
				end = start + 9 + k + 3
			}
		default:
			if k := strings.IndexByte(rest, '>'); k >= 0 {
				end = start + 1 + k + 1
			}
		}
		parts = append(parts, s[last:start], s[start:end])
		last, i = end, end
	}
	return append(parts, s[last:])
}

// replaceInHTMLTags is wp_replace_in_html_tags for one pair: it replaces old
// with new inside elements only, never in text.
func replaceInHTMLTags(s, old, new string) string {
	if !strings.Contains(s, old) {
		return s
	}
	parts := wpHTMLSplit(s)
	for i := 1; i < len(parts); i += 2 {
		parts[i] = strings.ReplaceAll(parts[i], old, new)
	}
	return strings.Join(parts, "")
}

// replaceMatches is preg_replace_callback for callbacks that need the
// submatch indexes of each non-overlapping match of re in s.
func replaceMatches(re *regexp.Regexp, s string, f func(m []int) string) string {
	ms := re.FindAllStringSubmatchIndex(s, -1)
	if ms == nil {
		return s
	}
	var b strings.Builder
	last := 0
	for _, m := range ms {
		b.WriteString(s[last:m[0]])
		b.WriteString(f(m))
		last = m[1]
	}
	b.WriteString(s[last:])
	return b.String()
}

// protected lists the byte ranges of s that are text inside <pre> or <code>
// elements, in order; an unclosed one runs to the end of s.
func protected(s string) [][2]int {
	var ranges [][2]int
	depth, at := 0, 0
	for i, part := range wpHTMLSplit(s) {
		if i%2 == 1 {
			if name, closing := tagName(part); name == "pre" || name == "code" {
				if !closing {
					depth++
				} else if depth > 0 {
					depth--
				}
			}
		} else if depth > 0 && part != "" {
			ranges = append(ranges, [2]int{at, at + len(part)})
		}
		at += len(part)
	}
	return ranges
}

// inRanges reports whether i is in one of ranges, which are in order and do
// not overlap.
func inRanges(ranges [][2]int, i int) bool {
	k, _ := slices.BinarySearchFunc(ranges, i, func(r [2]int, i int) int { return cmp.Compare(r[1], i+1) })
	return k < len(ranges) && ranges[k][0] <= i
}

// tagName returns the lowercased name of the tag an element opens or closes,
// or "" for a comment, CDATA section or stray "<".
func tagName(element string) (name string, closing bool) {
	s := strings.TrimPrefix(element, "<")
	if strings.HasPrefix(s, "/") {
		closing = true
		s = s[1:]
	}
	end := 0
	for end < len(s) && (isASCIILetter(s[end]) || ('0' <= s[end] && s[end] <= '9')) {
		end++
	}
	if end == 0 || !isASCIILetter(s[0]) {
		return "", false
	}
	return strings.ToLower(s[:end]), closing
}

func isASCIILetter(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// --- Embeds ---

var (
	// autoembed's patterns: a URL alone on its line, and a URL alone in a
	// paragraph.
	wpEmbedLineRE      = regexp.MustCompile(`(?im)^(` + wpSpace + `*)(https?://[^\t\n\v\f\r <>"]+)(` + wpSpace + `*)$`)
	wpEmbedParagraphRE = regexp.MustCompile(`(?i)(<p(?: [^>]*)?>` + wpSpace + `*)(https?://[^\t\n\v\f\r <>"]+)(` + wpSpace + `*</p>)`)
)

// autoembed is WP_Embed::autoembed: a URL alone on its line or in its
// paragraph is embedded. Unlike WordPress it skips URLs in <pre> and <code>,
// and it makes every URL a link, where WordPress embeds a player for the
// sites it knows and leaves other URLs as text.
func autoembed(s string) string {
	if !strings.Contains(s, "://") {
		return s
	}
	const lineBreak = "<!-- wp-line-break -->"
	s = replaceInHTMLTags(s, "\n", lineBreak)
	skip := protected(s)
	s = replaceMatches(wpEmbedLineRE, s, func(m []int) string {
		if inRanges(skip, m[4]) {
			return s[m[0]:m[1]]
		}
		return s[m[2]:m[3]] + embedLink(s[m[4]:m[5]]) + s[m[6]:m[7]]
	})
	skip = protected(s)
	s = replaceMatches(wpEmbedParagraphRE, s, func(m []int) string {
		if inRanges(skip, m[4]) {
			return s[m[0]:m[1]]
		}
		return embedLink(s[m[4]:m[5]])
	})
	return strings.ReplaceAll(s, lineBreak, "\n")
}

// embedLink renders what would have been an embedded player: a paragraph
// holding a link to it. url is HTML text, so its entities are decoded first.
func embedLink(url string) string {
	raw := html.UnescapeString(strings.TrimSpace(url))
	u := html.EscapeString(raw)
	if !safeURL(raw, false) {
		return `<p class="embed">` + u + `</p>`
	}
	return `<p class="embed"><a href="` + u + `">` + u + `</a></p>`
}

// --- Blocks ---

// hasBlocks is WordPress's has_blocks for a string.
func hasBlocks(s string) bool {
	return strings.Contains(s, "<!-- wp:")
}

// dynamicBlocks are the core blocks whose HTML WordPress generates when the
// page is shown, from its database or the request, ignoring any saved HTML.
// Salon has neither, so they render to nothing.
var dynamicBlocks = map[string]bool{
	"archives": true, "avatar": true, "block": true, "calendar": true, "categories": true,
	"comment-author-avatar": true, "comment-author-name": true, "comment-content": true,
	"comment-date": true, "comment-edit-link": true, "comment-reply-link": true,
	"comment-template": true, "comments": true, "comments-pagination": true,
	"comments-pagination-next": true, "comments-pagination-numbers": true,
	"comments-pagination-previous": true, "comments-title": true, "footnotes": true,
	"home-link": true, "latest-comments": true, "latest-posts": true, "legacy-widget": true,
	"loginout": true, "navigation": true, "navigation-link": true, "navigation-submenu": true,
	"page-list": true, "page-list-item": true, "pattern": true, "post-author": true,
	"post-author-biography": true, "post-author-name": true, "post-comments-form": true,
	"post-content": true, "post-date": true, "post-excerpt": true, "post-featured-image": true,
	"post-navigation-link": true, "post-template": true, "post-terms": true, "post-title": true,
	"query": true, "query-no-results": true, "query-pagination": true,
	"query-pagination-next": true, "query-pagination-numbers": true,
	"query-pagination-previous": true, "query-title": true, "read-more": true, "rss": true,
	"search": true, "site-logo": true, "site-tagline": true, "site-title": true,
	"social-link": true, "tag-cloud": true, "template-part": true, "term-description": true,
}

// blockDelimiter is one block comment: <!-- wp:name {attrs} -->,
// <!-- /wp:name --> or the void <!-- wp:name /-->.
type blockDelimiter struct {
	name         string // with its namespace, "core/" when the comment names none
	closer, void bool
	start, end   int
}

// parseBlockDelimiter parses the block comment starting at s[i], which is
// "<!--", as WP_Block_Parser's pattern does:
//
//	<!--\s+(/)?wp:([a-z][a-z0-9_-]*/)?([a-z][a-z0-9_-]*)\s+({…}\s+)?(/)?-->
//
// where the attributes end at the first "}" followed by \s+/?-->. ends
// remembers the last such "}" looked for, {from, at}, at -1 when there was
// none after from, so that a body full of unterminated attributes is
// scanned once.
func parseBlockDelimiter(s string, i int, ends *[2]int) (blockDelimiter, bool) {
	d := blockDelimiter{start: i}
	j := i + len("<!--")
	k := j
	for k < len(s) && isWPSpace(s[k]) {
		k++
	}
	if k == j {
		return d, false
	}
	if k < len(s) && s[k] == '/' {
		d.closer = true
		k++
	}
	if !strings.HasPrefix(s[k:], "wp:") {
		return d, false
	}
	k += len("wp:")
	ident := func(at int) int {
		if at >= len(s) || s[at] < 'a' || s[at] > 'z' {
			return at
		}
		at++
		for at < len(s) && ('a' <= s[at] && s[at] <= 'z' || '0' <= s[at] && s[at] <= '9' || s[at] == '_' || s[at] == '-') {
			at++
		}
		return at
	}
	e := ident(k)
	if e == k {
		return d, false
	}
	d.name = "core/" + s[k:e]
	if e+1 < len(s) && s[e] == '/' {
		if e2 := ident(e + 1); e2 > e+1 {
			d.name = s[k:e2]
			e = e2
		}
	}
	k = e
	for e < len(s) && isWPSpace(s[e]) {
		e++
	}
	if e == k {
		return d, false
	}
	if e < len(s) && s[e] == '{' {
		// The attributes run to the first "}" that the comment's end
		// follows.
		if c := *ends; c[0] < 0 || e+1 < c[0] || (c[1] >= 0 && e+1 > c[1]) {
			*ends = [2]int{e + 1, -1}
			for c := e + 1; c < len(s); c++ {
				if s[c] == '}' {
					if _, ok := delimiterEnd(s, c+1, true); ok {
						ends[1] = c
						break
					}
				}
			}
		}
		if ends[1] < 0 {
			return d, false
		}
		end, _ := delimiterEnd(s, ends[1]+1, true)
		d.void = s[end-4] == '/'
		d.end = end
		return d, true
	}
	end, ok := delimiterEnd(s, e, false)
	if !ok {
		return d, false
	}
	d.void = s[end-4] == '/'
	d.end = end
	return d, true
}

// delimiterEnd matches \s+/?--> (or /?--> when spaced is false) at s[i] and
// returns where the match ends; the block is void when s[end-4] is "/".
func delimiterEnd(s string, i int, spaced bool) (int, bool) {
	k := i
	for k < len(s) && isWPSpace(s[k]) {
		k++
	}
	if spaced && k == i {
		return 0, false
	}
	if k < len(s) && s[k] == '/' {
		k++
	}
	if !strings.HasPrefix(s[k:], "-->") {
		return 0, false
	}
	return k + 3, true
}

// doBlocks is do_blocks for a post that has blocks: block comments are
// removed and each block is replaced by its saved HTML, except that dynamic
// blocks give nothing, a void block (which has no saved HTML) gives nothing,
// and a core/shortcode block's HTML gets paragraphs, as its render callback
// does. Like WP_Block_Parser, a closer ends the innermost open block whatever
// it names, and a block left open runs to the end of the post.
func doBlocks(s string) string {
	type open struct {
		name string
		at   int // where its HTML starts in out
	}
	var (
		out   []byte
		stack []open
		last  int
		ends  = [2]int{-1, -1}
	)
	closeBlock := func(b open) {
		switch name, core := strings.CutPrefix(b.name, "core/"); {
		case core && dynamicBlocks[name]:
			out = out[:b.at]
		case core && name == "shortcode":
			inner := wpautop(string(out[b.at:]), true)
			out = append(out[:b.at], inner...)
		}
	}
	for i := 0; ; {
		j := strings.Index(s[i:], "<!--")
		if j < 0 {
			break
		}
		i += j
		d, ok := parseBlockDelimiter(s, i, &ends)
		if !ok {
			i += len("<!--")
			continue
		}
		out = append(out, s[last:i]...)
		last, i = d.end, d.end
		switch {
		case d.void:
		case d.closer:
			if n := len(stack); n > 0 {
				closeBlock(stack[n-1])
				stack = stack[:n-1]
			}
		default:
			stack = append(stack, open{name: d.name, at: len(out)})
		}
	}
	out = append(out, s[last:]...)
	for n := len(stack); n > 0; n-- {
		closeBlock(stack[n-1])
	}
	return string(out)
}

// --- wpautop ---

// wpBlockNames is wpautop's $allblocks, in its order:
//
//	(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|map|area|blockquote|address|style|p|h[1-6]|hr|fieldset|legend|section|article|aside|hgroup|header|footer|nav|figure|figcaption|details|menu|summary)
//
// WordPress 6.8 took math out of it (ticket 13340): MathML is phrasing
// content. wpautop's six patterns built on the list are scanners here,
// blockTags and the functions after it, as Go's regexp runs them an order
// of magnitude slower; TestAutopScannersMatchPatterns holds them to the
// patterns.
var wpBlockNames = []string{
	"table", "thead", "tfoot", "caption", "col", "colgroup", "tbody", "tr", "td", "th", "div", "dl", "dd", "dt",
	"ul", "ol", "li", "pre", "form", "map", "area", "blockquote", "address", "style", "p",
	"h1", "h2", "h3", "h4", "h5", "h6", "hr", "fieldset", "legend", "section", "article", "aside", "hgroup",
	"header", "footer", "nav", "figure", "figcaption", "details", "menu", "summary",
}

var (
	autopBrBr            = regexp.MustCompile(`<br` + wpSpace + `*/?>` + wpSpace + `*<br` + wpSpace + `*/?>`)
	autopHr              = regexp.MustCompile(`(<hr` + wpSpace + `*?/?>)`)
	autopOptionOpen      = regexp.MustCompile(wpSpace + `*<option`)
	autopOptionClose     = regexp.MustCompile(`</option>` + wpSpace + `*`)
	autopObjectOpen      = regexp.MustCompile(`(<object[^>]*>)` + wpSpace + `*`)
	autopObjectClose     = regexp.MustCompile(wpSpace + `*</object>`)
	autopParamEmbed      = regexp.MustCompile(wpSpace + `*(</?(?:param|embed)[^>]*>)` + wpSpace + `*`)
	autopMediaOpen       = regexp.MustCompile(`([<\[](?:audio|video)[^>\]]*[>\]])` + wpSpace + `*`)
	autopMediaClose      = regexp.MustCompile(wpSpace + `*([<\[]/(?:audio|video)[>\]])`)
	autopSourceTrack     = regexp.MustCompile(wpSpace + `*(<(?:source|track)[^>]*>)` + wpSpace + `*`)
	autopFigcaptionOpen  = regexp.MustCompile(wpSpace + `*(<figcaption[^>]*>)`)
	autopFigcaptionClose = regexp.MustCompile(`</figcaption>` + wpSpace + `*`)
	autopManyNewlines    = regexp.MustCompile(`\n\n+`)
	autopParagraphs      = regexp.MustCompile(`\n` + wpSpace + `*\n`)
	autopEmptyP          = regexp.MustCompile(`<p>` + wpSpace + `*</p>`)
	autopUnclosedP       = regexp.MustCompile(`<p>([^<]+)</(div|address|form)>`)
	autopWrappedLi       = regexp.MustCompile(`<p>(<li.+?)</p>`)
	autopBlockquote      = regexp.MustCompile(`(?i)<p><blockquote([^>]*)>`)
	autopBrBeforeBlock   = regexp.MustCompile(`<br />(` + wpSpace + `*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)`)
	autopLastNewline     = regexp.MustCompile(`\n</p>(\n?)$`)
)

// wpautop is WordPress's wpautop (wp-includes/formatting.php, WordPress
// 6.8): double line breaks become paragraphs and, when br is true, single
// ones <br />, except around and inside block-level elements, inside <pre>
// and in <script>, <style>, <svg> and <math>.
func wpautop(text string, br bool) string {
	if strings.Trim(text, " \t\n\r\x00\x0B") == "" {
		return ""
	}
	text += "\n"

	// Pre tags are set aside as placeholders and put back at the end.
	var preNames, preTags []string
	if strings.Contains(text, "<pre") {
		parts := strings.Split(text, "</pre>")
		lastPart := parts[len(parts)-1]
		var b strings.Builder
		for _, part := range parts[:len(parts)-1] {
			start := strings.Index(part, "<pre")
			if start < 0 {
				// Malformed HTML: WordPress drops the stray </pre>.
				b.WriteString(part)
				continue
			}
			name := "<pre wp-pre-tag-" + strconv.Itoa(len(preNames)) + "></pre>"
			preNames = append(preNames, name)
			preTags = append(preTags, part[start:]+"</pre>")
			b.WriteString(part[:start])
			b.WriteString(name)
		}
		b.WriteString(lastPart)
		text = b.String()
	}

	// Each pattern is tried only when the text holds a literal it needs.
	if strings.Contains(text, "<br") {
		text = autopBrBr.ReplaceAllString(text, "\n\n")
	}
	text = blockTagBreaks(text)
	if strings.Contains(text, "<hr") {
		text = autopHr.ReplaceAllString(text, "$1\n\n")
	}
	text = strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n")
	text = replaceInHTMLTags(text, "\n", " <!-- wpnl --> ")

	if strings.Contains(text, "<option") {
		text = autopOptionOpen.ReplaceAllString(text, "<option")
		text = autopOptionClose.ReplaceAllString(text, "</option>")
	}
	if strings.Contains(text, "</object>") {
		text = autopObjectOpen.ReplaceAllString(text, "$1")
		text = autopObjectClose.ReplaceAllString(text, "</object>")
		text = autopParamEmbed.ReplaceAllString(text, "$1")
	}
	if strings.Contains(text, "<source") || strings.Contains(text, "<track") {
		text = autopMediaOpen.ReplaceAllString(text, "$1")
		text = autopMediaClose.ReplaceAllString(text, "$1")
		text = autopSourceTrack.ReplaceAllString(text, "$1")
	}
	if strings.Contains(text, "<figcaption") {
		text = autopFigcaptionOpen.ReplaceAllString(text, "$1")
		text = autopFigcaptionClose.ReplaceAllString(text, "</figcaption>")
	}

	if strings.Contains(text, "\n\n\n") {
		text = autopManyNewlines.ReplaceAllString(text, "\n\n")
	}
	var b strings.Builder
	for _, p := range autopParagraphs.Split(text, -1) {
		if p == "" {
			continue
		}
		b.WriteString("<p>")
		b.WriteString(strings.Trim(p, "\n"))
		b.WriteString("</p>\n")
	}
	text = b.String()

	text = autopEmptyP.ReplaceAllString(text, "")
	if strings.Contains(text, "</div>") || strings.Contains(text, "</address>") || strings.Contains(text, "</form>") {
		text = autopUnclosedP.ReplaceAllString(text, "<p>$1</p></$2>")
	}
	text = unwrapBlockTags(text)
	if strings.Contains(text, "<p><li") {
		text = autopWrappedLi.ReplaceAllString(text, "$1")
	}
	text = autopBlockquote.ReplaceAllString(text, "<blockquote$1><p>")
	text = strings.ReplaceAll(text, "</blockquote></p>", "</p></blockquote>")
	text = dropPBeforeBlockTags(text)
	text = dropAfterBlockTags(text, "</p>")

	if br {
		text = preserveNewlines(text)
		text = strings.ReplaceAll(strings.ReplaceAll(text, "<br>", "<br />"), "<br/>", "<br />")
		text = newlinesToBr(text)
		text = strings.ReplaceAll(text, "<WPPreserveNewline />", "\n")
	}

	text = dropAfterBlockTags(text, "<br />")
	if strings.Contains(text, "<br />") {
		text = autopBrBeforeBlock.ReplaceAllString(text, "$1")
	}
	text = autopLastNewline.ReplaceAllString(text, "</p>$1")

	if len(preNames) > 0 {
		// One pass for all placeholders, where WordPress's str_replace
		// makes one per placeholder; they differ only for a <pre> whose
		// text is itself a placeholder.
		pairs := make([]string, 0, 2*len(preNames))
		for i, name := range preNames {
			pairs = append(pairs, name, preTags[i])
		}
		text = strings.NewReplacer(pairs...).Replace(text)
	}
	if strings.Contains(text, "<!-- wpnl -->") {
		text = strings.ReplaceAll(strings.ReplaceAll(text, " <!-- wpnl --> ", "\n"), "<!-- wpnl -->", "\n")
	}
	return text
}

// blockNameLen returns the length of the block name s starts with when the
// byte after it is one of next, or 0.
func blockNameLen(s, next string) int {
	for _, name := range wpBlockNames {
		if strings.HasPrefix(s, name) && len(s) > len(name) && strings.IndexByte(next, s[len(name)]) >= 0 {
			return len(name)
		}
	}
	return 0
}

// blockTagEnd matches </?ALLBLOCKS[^>]*> at s[i] and returns where it ends,
// or -1. Any block name will do as the start of the tag's name, so
// <param> and <track> count, as in WordPress.
func blockTagEnd(s string, i int) int {
	if i >= len(s) || s[i] != '<' {
		return -1
	}
	j := i + 1
	if j < len(s) && s[j] == '/' {
		j++
	}
	for _, name := range wpBlockNames {
		if strings.HasPrefix(s[j:], name) {
			if k := strings.IndexByte(s[j:], '>'); k >= 0 {
				return j + k + 1
			}
			return -1
		}
	}
	return -1
}

func skipWPSpace(s string, i int) int {
	for i < len(s) && isWPSpace(s[i]) {
		i++
	}
	return i
}

// blockTagBreaks is wpautop's
//
//	preg_replace('!(<' . $allblocks . '[\s/>])!', "\n\n$1", …)
//	preg_replace('!(</' . $allblocks . '>)!', "$1\n\n", …)
//
// in one pass: no match of either can hold the start of another.
func blockTagBreaks(s string) string {
	var b strings.Builder
	last := 0
	for i := strings.IndexByte(s, '<'); i >= 0; {
		if i+1 < len(s) && s[i+1] == '/' {
			if n := blockNameLen(s[i+2:], ">"); n > 0 {
				end := i + 2 + n + 1
				b.WriteString(s[last:end])
				b.WriteString("\n\n")
				last = end
			}
		} else if n := blockNameLen(s[i+1:], "\t\n\v\f\r />"); n > 0 {
			b.WriteString(s[last:i])
			b.WriteString("\n\n")
			last = i
		}
		k := strings.IndexByte(s[i+1:], '<')
		if k < 0 {
			break
		}
		i += 1 + k
	}
	if b.Len() == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// unwrapBlockTags is wpautop's
//
//	preg_replace('!<p>\s*(</?' . $allblocks . '[^>]*>)\s*</p>!', '$1', …)
func unwrapBlockTags(s string) string { return dropPAroundBlockTags(s, true) }

// dropPBeforeBlockTags is wpautop's
//
//	preg_replace('!<p>\s*(</?' . $allblocks . '[^>]*>)!', '$1', …)
func dropPBeforeBlockTags(s string) string { return dropPAroundBlockTags(s, false) }

// dropPAroundBlockTags removes a <p> (and the spaces after it) that opens right before a block tag; with closed,
// only where a </p> follows the block tag, which goes too.
func dropPAroundBlockTags(s string, closed bool) string {
	var b strings.Builder
	last := 0
	for i := 0; ; {
		j := strings.Index(s[i:], "<p>")
		if j < 0 {
			break
		}
		i += j
		k := skipWPSpace(s, i+len("<p>"))
		if e := blockTagEnd(s, k); e >= 0 {
			if !closed {
				b.WriteString(s[last:i])
				last, i = k, e
				continue
			}
			if m := skipWPSpace(s, e); strings.HasPrefix(s[m:], "</p>") {
				b.WriteString(s[last:i])
				b.WriteString(s[k:e])
				last, i = m+len("</p>"), m+len("</p>")
				continue
			}
		}
		i++
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// dropAfterBlockTags is wpautop's
//
//	preg_replace('!(</?' . $allblocks . '[^>]*>)\s*</p>!', '$1', …)
//	preg_replace('!(</?' . $allblocks . '[^>]*>)\s*<br />!', '$1', …)
//
// for after "</p>" or "<br />".
func dropAfterBlockTags(s, after string) string {
	var b strings.Builder
	last := 0
	for i := strings.IndexByte(s, '<'); i >= 0; {
		next := i + 1
		if e := blockTagEnd(s, i); e >= 0 {
			if m := skipWPSpace(s, e); strings.HasPrefix(s[m:], after) {
				b.WriteString(s[last:e])
				last, next = m+len(after), m+len(after)
			}
		}
		k := strings.IndexByte(s[next:], '<')
		if k < 0 {
			break
		}
		i = next + k
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// preserveNewlines is wpautop's
//
//	preg_replace_callback('/<(script|style|svg|math).*?<\/\\1>/s', …)
//
// which hides the newlines of those elements from newlinesToBr.
func preserveNewlines(s string) string {
	names := [...]string{"script", "style", "svg", "math"}
	var noCloser [len(names)]bool // no closing tag after the last place looked
	var b strings.Builder
	last := 0
	for i := 0; ; {
		j := strings.IndexByte(s[i:], '<')
		if j < 0 {
			break
		}
		i += j
		n := -1
		for k, name := range names {
			if strings.HasPrefix(s[i+1:], name) {
				n = k
				break
			}
		}
		if n < 0 || noCloser[n] {
			i++
			continue
		}
		from := i + 1 + len(names[n])
		k := strings.Index(s[from:], "</"+names[n]+">")
		if k < 0 {
			noCloser[n] = true
			i++
			continue
		}
		end := from + k + len("</>") + len(names[n])
		b.WriteString(s[last:i])
		b.WriteString(strings.ReplaceAll(s[i:end], "\n", "<WPPreserveNewline />"))
		last, i = end, end
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// newlinesToBr is wpautop's
//
//	preg_replace('|(?<!<br />)\s*\n|', "<br />\n", …)
//
// Within a run of whitespace that holds a newline, the match runs from the
// run's start to its last newline, or from its second byte when "<br />"
// comes right before the run.
func newlinesToBr(s string) string {
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); {
		if !isWPSpace(s[i]) {
			i++
			continue
		}
		start, end, lastNL := i, i, -1
		for end < len(s) && isWPSpace(s[end]) {
			if s[end] == '\n' {
				lastNL = end
			}
			end++
		}
		i = end
		if strings.HasSuffix(s[:start], "<br />") {
			start++
		}
		if lastNL < start {
			continue
		}
		b.WriteString(s[last:start])
		b.WriteString("<br />\n")
		last = lastNL + 1
	}
	b.WriteString(s[last:])
	return b.String()
}

// --- make_clickable ---

var (
	clickableTag       = regexp.MustCompile(`<[^<>]+>`)
	clickableCodeOpen  = regexp.MustCompile(`(?i)^<(?:code|pre|script|style)[\t\n\v\f\r >]`)
	clickableSchemeTag = regexp.MustCompile(`^<` + wpSpace + `*\w{1,20}://`)
	clickableWeb       = regexp.MustCompile(`(?is)([\t\n\v\f\r >])((www|ftp)\.[\w#$%&~/.\-;:=,?@\[\]+\x{80}-\x{10FFFF}]+)`)
	clickableEmail     = regexp.MustCompile(`(?i)([\t\n\v\f\r >])([.0-9a-z_+-]+)@(([0-9a-z-]+\.)+[0-9a-z]{2,})`)
	clickableNested    = regexp.MustCompile(`(?i)(<a([ \r\n\t]+[^>]+?>|>))<a [^>]+?>([^>]+?)</a></a>`)
)

// makeClickable is WordPress's make_clickable: URLs, www. and ftp. hosts and
// e-mail addresses in text, outside tags and outside <code>, <pre>,
// <script> and <style>, become links. WordPress splits text longer than
// 10,000 bytes into chunks at whitespace before matching, to bound PCRE's
// backtracking; the scanner here needs no such split, and the results differ
// only for words over 2,000 bytes, which are never linked either way.
func makeClickable(text string) string {
	var r strings.Builder
	nested := 0
	last := 0
	piece := func(p string) {
		lower := strings.ToLower(p)
		if clickableCodeOpen.MatchString(p) {
			nested++
		} else if nested > 0 && (lower == "</code>" || lower == "</pre>" || lower == "</script>" || lower == "</style>") {
			nested--
		}
		if nested > 0 || p == "" || (p[0] == '<' && !clickableSchemeTag.MatchString(p)) {
			r.WriteString(p)
			return
		}
		ret := " " + p + " "
		ret = linkURLs(ret)
		ret = replaceMatches(clickableWeb, ret, func(m []int) string {
			dest := "http://" + ret[m[4]:m[5]]
			trail := ""
			if c := dest[len(dest)-1]; strings.IndexByte(".,;:)", c) >= 0 {
				trail, dest = dest[len(dest)-1:], dest[:len(dest)-1]
			}
			return ret[m[2]:m[3]] + clickableLink(dest) + trail
		})
		ret = clickableEmail.ReplaceAllString(ret, `$1<a href="mailto:$2@$3">$2@$3</a>`)
		r.WriteString(ret[1 : len(ret)-1])
	}
	for _, m := range clickableTag.FindAllStringIndex(text, -1) {
		piece(text[last:m[0]])
		piece(text[m[0]:m[1]])
		last = m[1]
	}
	piece(text[last:])
	return clickableNested.ReplaceAllString(r.String(), "$1$3</a>")
}

// linkURLs applies make_clickable's $url_clickable pattern to s, which is
// padded with a space at both ends:
//
//	([\s(<.,;:!?])                             # 1: leading space or punctuation
//	(                                          # 2: URL
//	  [\w]{1,20}+://                           #    scheme
//	  (?=\S{1,2000}\s)                         #    under about 2,000 bytes
//	  [\w\x80-\xff#%\~/@\[\]*(+=&$-]*+         #    non-punctuation
//	  (?:['.,;:!?)][\w\x80-\xff#%\~/@\[\]*(+=&$-]++)*  # punctuation only inside
//	)
//	(\)?)                                      # 3: closing parenthesis
func linkURLs(s string) string {
	var b strings.Builder
	last := 0
	// spaceAt is the first whitespace at or after spaceFrom.
	spaceFrom, spaceAt := -1, -1
	for i := 0; i+1 < len(s); i++ {
		if strings.IndexByte(" \t\n\v\f\r(<.,;:!?", s[i]) < 0 {
			continue
		}
		j := i + 1
		k := j
		for k < len(s) && k-j < 20 && isWordByte(s[k]) {
			k++
		}
		if k == j || !strings.HasPrefix(s[k:], "://") {
			continue
		}
		u := k + len("://")
		if u < spaceFrom || u > spaceAt {
			spaceFrom, spaceAt = u, u
			for spaceAt < len(s) && !isWPSpace(s[spaceAt]) {
				spaceAt++
			}
		}
		if spaceAt == u || spaceAt-u > 2000 || spaceAt == len(s) {
			continue
		}
		e := u
		for e < len(s) && isURLByte(s[e]) {
			e++
		}
		for e+1 < len(s) && strings.IndexByte("'.,;:!?)", s[e]) >= 0 && isURLByte(s[e+1]) {
			e++
			for e < len(s) && isURLByte(s[e]) {
				e++
			}
		}
		url, suffix := s[j:e], ""
		if e < len(s) && s[e] == ')' {
			suffix = ")"
			e++
		}
		b.WriteString(s[last:j])
		b.WriteString(clickableURL(url, suffix, s[j:e]))
		last, i = e, e-1
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// clickableURL is _make_url_clickable_cb: it keeps a closing parenthesis in
// the URL only when the URL opened one. original is the whole match after
// the leading character, returned when the URL is not one to link.
func clickableURL(url, suffix, original string) string {
	if suffix == ")" && strings.Index(url, "(") > 0 {
		url += suffix
		suffix = ""
	}
	for strings.Count(url, "(") < strings.Count(url, ")") {
		k := strings.LastIndexByte(url, ')')
		suffix = url[k:] + suffix
		url = url[:k]
	}
	if !wpAllowedScheme(url) {
		return original
	}
	return clickableLink(url) + suffix
}

// clickableLink renders a link to url, which is HTML text, with url as its
// text, as make_clickable's callbacks do.
func clickableLink(url string) string {
	u := html.EscapeString(html.UnescapeString(url))
	return `<a href="` + u + `" rel="nofollow">` + u + `</a>`
}

// wpAllowedScheme reports whether url starts with a scheme in
// wp_allowed_protocols, which esc_url requires; the comment policy narrows
// them to http, https and mailto afterwards.
func wpAllowedScheme(url string) bool {
	scheme, _, ok := strings.Cut(url, ":")
	if !ok {
		return false
	}
	switch strings.ToLower(scheme) {
	case "http", "https", "ftp", "ftps", "mailto", "news", "irc", "irc6", "ircs", "gopher", "nntp", "feed",
		"telnet", "mms", "rtsp", "sms", "svn", "tel", "fax", "xmpp", "webcal", "urn":
		return true
	}
	return false
}

func isWordByte(c byte) bool {
	return isASCIILetter(c) || '0' <= c && c <= '9' || c == '_'
}

// isURLByte is make_clickable's non-punctuation URL character.
func isURLByte(c byte) bool {
	return isWordByte(c) || c >= 0x80 || strings.IndexByte("#%~/@[]*(+=&$-", c) >= 0
}
