package markup

import (
	"html"
	"path"
	"regexp"
	"strconv"
	"strings"
)

// This file is WordPress's shortcode API (wp-includes/shortcodes.php) for a
// fixed set of shortcodes, and the handlers Salon gives them. A shortcode is
// recognised only when its name is in the set, as in WordPress, so "[sic]"
// and other bracketed text, and shortcodes of plugins Salon does not know,
// stay exactly as written.

// shortcode is one use of a shortcode in a body.
type shortcode struct {
	name    string
	attrs   map[string]string // named attributes, names lowercased
	args    []string          // positional attributes, in order
	content string            // between the opening and closing tags; "" without a closing tag
}

// shortcodeFunc renders a shortcode. expand expands the shortcodes of the
// same set in a string, for handlers that allow shortcodes in their content.
// A handler that returns ok false leaves the shortcode as written.
type shortcodeFunc func(sc shortcode, expand func(string) string) (out string, ok bool)

type shortcodeSet map[string]shortcodeFunc

var (
	// wpEmbedShortcodes run before paragraphs are made, as
	// WP_Embed::run_shortcode does for [embed]; [youtube] and [vimeo]
	// (WordPress.com and Jetpack) are embeds too.
	wpEmbedShortcodes = shortcodeSet{
		"embed":   embedShortcode,
		"youtube": youtubeShortcode,
		"vimeo":   vimeoShortcode,
	}

	// wpShortcodes are WordPress's own, run after paragraphs are made.
	//
	// [gallery] and [playlist] list a post's attachments. Attachments are
	// not imported as files, so there is nothing to show, and they render
	// to nothing: a reader is better served by no gallery than by
	// "[gallery ids=…]" or by an empty frame. The importer, which sees the
	// attachments, is the place to warn about them.
	wpShortcodes = shortcodeSet{
		"caption":    captionShortcode,
		"wp_caption": captionShortcode,
		"gallery":    dropShortcode,
		"playlist":   dropShortcode,
		"audio":      audioShortcode,
		"video":      videoShortcode,
	}
)

// registeredShortcode reports whether shortcodeUnautop should take name for
// a shortcode: one of wpShortcodes, or [embed], which WordPress registers
// although WP_Embed has expanded it before paragraphs are made. [youtube]
// and [vimeo] are expanded then too, so one still in the text is text.
func registeredShortcode(name string) bool {
	return wpShortcodes[name] != nil || name == "embed"
}

// doShortcodes is WordPress's do_shortcode for the shortcodes in set, except
// that, unlike WordPress, it expands none inside <pre> or <code>. Brackets
// inside HTML tags and comments are never part of a shortcode; WordPress
// expands shortcodes in attribute values, which Salon does not.
func doShortcodes(content string, set shortcodeSet) string {
	if !mentionsShortcode(content, set) {
		return content
	}
	content = maskBrackets(content)
	content = expandShortcodes(content, set)
	return strings.NewReplacer("&#91;", "[", "&#93;", "]").Replace(content)
}

// mentionsShortcode is do_shortcode's quick check: some "[" is followed by
// the name of a shortcode in set.
func mentionsShortcode(s string, set shortcodeSet) bool {
	for i := strings.IndexByte(s, '['); i >= 0; {
		j := i + 1
		for j < len(s) && s[j] > ' ' && strings.IndexByte("<>&/[]=", s[j]) < 0 {
			j++
		}
		if set[s[i+1:j]] != nil {
			return true
		}
		k := strings.IndexByte(s[i+1:], '[')
		if k < 0 {
			break
		}
		i += 1 + k
	}
	return false
}

// maskBrackets hides from the shortcode parser every bracket inside an
// element (tag, comment, CDATA) and inside <pre> and <code>, by writing it as
// the entity &#91; or &#93;, as do_shortcodes_in_html_tags does. Entities of
// those forms already in s are first rewritten as &#091; and &#093;, so that
// putting the brackets back touches only the masked ones.
func maskBrackets(s string) string {
	s = strings.NewReplacer("&#91;", "&#091;", "&#93;", "&#093;").Replace(s)
	mask := strings.NewReplacer("[", "&#91;", "]", "&#93;")
	parts := wpHTMLSplit(s)
	depth := 0
	for i, part := range parts {
		if i%2 == 1 {
			if name, closing := tagName(part); name == "pre" || name == "code" {
				if !closing {
					depth++
				} else if depth > 0 {
					depth--
				}
			}
		} else if depth == 0 {
			continue
		}
		parts[i] = mask.Replace(part)
	}
	return strings.Join(parts, "")
}

// expandShortcodes replaces each shortcode of set in s, scanning from the
// left as preg_replace_callback does with get_shortcode_regex:
//
//	\[(\[?)(name)(?![\w-])(attrs)(?:(/)\]|\](?:(content)\[/\2\])?)(\]?)
//
// where attrs runs to the first "]", and a "/" right before it makes the
// shortcode self-closing; otherwise the content runs to the first
// "[/name]", if there is one. "[[name]]" is the escaped, literal "[name]".
func expandShortcodes(s string, set shortcodeSet) string {
	sc := newShortcodeScanner(s)
	var b strings.Builder
	last := 0
	for i := 0; ; {
		j := strings.IndexByte(s[i:], '[')
		if j < 0 {
			break
		}
		i += j
		m, ok := sc.match(i, func(name string) bool { return set[name] != nil }, true)
		if !ok {
			i++
			continue
		}
		b.WriteString(s[last:i])
		switch {
		case m.escOpen && m.escClose:
			b.WriteString(s[m.start+1 : m.end-1])
		default:
			out, ok := set[m.name](m.shortcode(), func(c string) string { return expandShortcodes(c, set) })
			if !ok {
				out = s[m.start:m.end]
			} else {
				if m.escOpen {
					out = "[" + out
				}
				if m.escClose {
					out += "]"
				}
			}
			b.WriteString(out)
		}
		last, i = m.end, m.end
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

const wpSpacesEntity = "&nbsp;"

// shortcodeUnautop is WordPress's shortcode_unautop: a paragraph that holds
// nothing but one registered shortcode, and spaces, is replaced by the
// shortcode, so that block output such as a figure is not wrapped in <p>.
func shortcodeUnautop(s string) string {
	if !strings.Contains(s, "<p>") || !strings.Contains(s, "[") {
		return s
	}
	sc := newShortcodeScanner(s)
	var b strings.Builder
	last := 0
	for i := 0; ; {
		j := strings.Index(s[i:], "<p>")
		if j < 0 {
			break
		}
		i += j
		k := skipWPSpaces(s, i+len("<p>"))
		if k >= len(s) || s[k] != '[' {
			i += len("<p>")
			continue
		}
		end, matchEnd, ok := sc.unautop(k)
		if !ok {
			i += len("<p>")
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(s[k:end])
		last, i = matchEnd, matchEnd
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// skipWPSpaces skips what wp_spaces_regexp matches: spaces, tabs, newlines,
// no-break spaces and &nbsp;.
func skipWPSpaces(s string, i int) int {
	for i < len(s) {
		switch {
		case s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r':
			i++
		case strings.HasPrefix(s[i:], "\u00a0"):
			i += len("\u00a0")
		case strings.HasPrefix(s[i:], wpSpacesEntity):
			i += len(wpSpacesEntity)
		default:
			return i
		}
	}
	return i
}

// shortcodeScanner finds shortcodes in s. It remembers where it found the
// next "]" and each closing tag, so that scanning a long body full of
// unclosed shortcodes stays linear.
type shortcodeScanner struct {
	s       string
	bracket [2]int            // the first "]" at or after bracket[0] is at bracket[1]
	closers map[string][2]int // the same for each closing tag
}

func newShortcodeScanner(s string) *shortcodeScanner {
	return &shortcodeScanner{s: s, bracket: [2]int{-1, -1}, closers: make(map[string][2]int)}
}

// next returns the index of the first occurrence of sub in s at or after
// from, or -1; cache holds the last answer, or from -1 for none.
func (sc *shortcodeScanner) next(sub string, from int, cache *[2]int) int {
	if c := *cache; c[0] >= 0 && c[0] <= from && (c[1] < 0 || from <= c[1]) {
		return c[1]
	}
	at := strings.Index(sc.s[from:], sub)
	if at >= 0 {
		at += from
	}
	*cache = [2]int{from, at}
	return at
}

type shortcodeMatch struct {
	start, end        int
	openEnd           int  // where the opening tag ends
	closed            bool // a closing tag follows
	escOpen, escClose bool
	name, attrText    string
	content           string
}

func (m shortcodeMatch) shortcode() shortcode {
	attrs, args := parseShortcodeAttrs(m.attrText)
	return shortcode{name: m.name, attrs: attrs, args: args, content: m.content}
}

// match matches a shortcode whose name known accepts at s[i], which is "[".
// escapes allows the "[[name]]" form.
func (sc *shortcodeScanner) match(i int, known func(string) bool, escapes bool) (shortcodeMatch, bool) {
	s := sc.s
	m := shortcodeMatch{start: i}
	j := i + 1
	if escapes && j < len(s) && s[j] == '[' {
		// The pattern's optional second "[" leaves the name to start at
		// another "[", which no name does, when it is not taken.
		m.escOpen = true
		j++
	}
	k := j
	for k < len(s) && (isWordByte(s[k]) || s[k] == '-') {
		k++
	}
	m.name = s[j:k]
	if m.name == "" || !known(m.name) {
		return m, false
	}
	e := sc.next("]", k, &sc.bracket)
	if e < 0 {
		return m, false
	}
	end := e + 1
	m.openEnd = end
	if e > k && s[e-1] == '/' {
		m.attrText = s[k : e-1]
	} else {
		m.attrText = s[k:e]
		closer := "[/" + m.name + "]"
		c, ok := sc.closers[m.name]
		if !ok {
			c = [2]int{-1, -1}
		}
		at := sc.next(closer, end, &c)
		sc.closers[m.name] = c
		if at >= 0 {
			m.content = s[end:at]
			m.closed = true
			end = at + len(closer)
		}
	}
	if escapes && end < len(s) && s[end] == ']' {
		m.escClose = true
		end++
	}
	m.end = end
	return m, true
}

// unautop matches shortcode_unautop's pattern from the shortcode at s[k]:
// a registered shortcode, no escapes, then spaces and "</p>". It returns
// where the shortcode ends and where the "</p>" ends. As the pattern's
// content part is optional, a shortcode with a closing tag that is not
// followed by "</p>" is tried again as its opening tag alone.
func (sc *shortcodeScanner) unautop(k int) (end, matchEnd int, ok bool) {
	m, ok := sc.match(k, registeredShortcode, false)
	if !ok {
		return 0, 0, false
	}
	ends := []int{m.end}
	if m.closed {
		ends = append(ends, m.openEnd)
	}
	for _, end := range ends {
		p := skipWPSpaces(sc.s, end)
		if strings.HasPrefix(sc.s[p:], "</p>") {
			return end, p + len("</p>"), true
		}
	}
	return 0, 0, false
}

var (
	shortcodeAttrRE = regexp.MustCompile(
		`([\w-]+)` + wpSpace + `*=` + wpSpace + `*"([^"]*)"(?:` + wpSpace + `|$)|` +
			`([\w-]+)` + wpSpace + `*=` + wpSpace + `*'([^']*)'(?:` + wpSpace + `|$)|` +
			`([\w-]+)` + wpSpace + `*=` + wpSpace + `*([^\t\n\v\f\r '"]+)(?:` + wpSpace + `|$)|` +
			`"([^"]*)"(?:` + wpSpace + `|$)|` +
			`'([^']*)'(?:` + wpSpace + `|$)|` +
			`([^\t\n\v\f\r ]+)(?:` + wpSpace + `|$)`)
	shortcodeAttrSpaces = regexp.MustCompile(`[\x{00a0}\x{200b}]+`)
	// balancedTags rejects a value with an unclosed tag.
	balancedTags = regexp.MustCompile(`^[^<]*(?:<[^>]*>[^<]*)*$`)
)

// parseShortcodeAttrs is shortcode_parse_atts.
func parseShortcodeAttrs(text string) (attrs map[string]string, args []string) {
	text = shortcodeAttrSpaces.ReplaceAllString(text, " ")
	attrs = make(map[string]string)
	for _, m := range shortcodeAttrRE.FindAllStringSubmatchIndex(text, -1) {
		group := func(n int) (string, bool) {
			if m[2*n] < 0 {
				return "", false
			}
			return text[m[2*n]:m[2*n+1]], true
		}
		// PHP's empty() counts "0" as empty, so an attribute named 0 is
		// dropped, as in WordPress.
		named := func(n int) bool {
			name, _ := group(n)
			return name != "" && name != "0"
		}
		switch {
		case named(1):
			name, _ := group(1)
			v, _ := group(2)
			attrs[strings.ToLower(name)] = stripCSlashes(v)
		case named(3):
			name, _ := group(3)
			v, _ := group(4)
			attrs[strings.ToLower(name)] = stripCSlashes(v)
		case named(5):
			name, _ := group(5)
			v, _ := group(6)
			attrs[strings.ToLower(name)] = stripCSlashes(v)
		default:
			for _, n := range []int{7, 8, 9} {
				if v, ok := group(n); ok && (v != "" || n == 9) {
					args = append(args, stripCSlashes(v))
					break
				}
			}
		}
	}
	for k, v := range attrs {
		if strings.Contains(v, "<") && !balancedTags.MatchString(v) {
			attrs[k] = ""
		}
	}
	for i, v := range args {
		if strings.Contains(v, "<") && !balancedTags.MatchString(v) {
			args[i] = ""
		}
	}
	return attrs, args
}

// stripCSlashes is PHP's stripcslashes.
func stripCSlashes(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b []byte
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b = append(b, s[i])
			continue
		}
		i++
		switch c := s[i]; c {
		case 'n':
			b = append(b, '\n')
		case 't':
			b = append(b, '\t')
		case 'r':
			b = append(b, '\r')
		case 'a':
			b = append(b, '\a')
		case 'v':
			b = append(b, '\v')
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'x':
			v, n := 0, 0
			for ; n < 2 && i+1+n < len(s) && isHexDigit(s[i+1+n]); n++ {
				v = v*16 + hexValue(s[i+1+n])
			}
			if n == 0 {
				b = append(b, 'x')
				continue
			}
			b = append(b, byte(v))
			i += n
		default:
			if '0' <= c && c <= '7' {
				v, n := 0, 0
				for ; n < 3 && i+n < len(s) && '0' <= s[i+n] && s[i+n] <= '7'; n++ {
					v = v*8 + int(s[i+n]-'0')
				}
				b = append(b, byte(v))
				i += n - 1
				continue
			}
			b = append(b, c)
		}
	}
	return string(b)
}

func isHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func hexValue(c byte) int {
	switch {
	case c <= '9':
		return int(c - '0')
	case c >= 'a':
		return int(c-'a') + 10
	}
	return int(c-'A') + 10
}

// phpInt is PHP's (int) cast of a string: leading spaces, a sign and
// digits, anything after ignored; 0 when there are no digits.
func phpInt(s string) int {
	s = strings.TrimLeft(s, " \t\n\r\v\f")
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	n := 0
	for i := 0; i < len(s) && '0' <= s[i] && s[i] <= '9' && n < 1e9; i++ {
		n = n*10 + int(s[i]-'0')
	}
	if neg {
		return -n
	}
	return n
}

// attrValue decodes and escapes a shortcode attribute, which is HTML text,
// for an HTML attribute value.
func attrValue(v string) string {
	return html.EscapeString(html.UnescapeString(strings.TrimSpace(v)))
}

// --- Handlers ---

func dropShortcode(shortcode, func(string) string) (string, bool) {
	return "", true
}

// embedShortcode is [embed]URL[/embed], or [embed src="URL"].
func embedShortcode(sc shortcode, _ func(string) string) (string, bool) {
	url := sc.content
	if strings.TrimSpace(url) == "" {
		url = sc.attrs["src"]
	}
	if strings.TrimSpace(url) == "" {
		return "", true
	}
	return embedLink(url), true
}

var (
	youtubeID = regexp.MustCompile(`^[\w-]{11}$`)
	vimeoID   = regexp.MustCompile(`^\d+$`)
)

// youtubeShortcode is Jetpack's [youtube URL] and [youtube=URL], and
// [youtube ID].
func youtubeShortcode(sc shortcode, _ func(string) string) (string, bool) {
	return videoSiteShortcode(sc, youtubeID, "https://www.youtube.com/watch?v=")
}

// vimeoShortcode is Jetpack's [vimeo URL], [vimeo=URL] and [vimeo ID].
func vimeoShortcode(sc shortcode, _ func(string) string) (string, bool) {
	return videoSiteShortcode(sc, vimeoID, "https://vimeo.com/")
}

func videoSiteShortcode(sc shortcode, id *regexp.Regexp, base string) (string, bool) {
	arg := sc.attrs["url"]
	if len(sc.args) > 0 {
		arg = sc.args[0]
	}
	arg = strings.TrimPrefix(strings.TrimSpace(arg), "=")
	switch lower := strings.ToLower(arg); {
	case strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://"):
		return embedLink(arg), true
	case id.MatchString(arg):
		return embedLink(base + arg), true
	}
	return "", false
}

var captionImage = regexp.MustCompile(`(?is)((?:<a [^>]+>` + wpSpace + `*)?<img [^>]+>(?:` + wpSpace + `*</a>)?)(.*)`)

// captionShortcode is img_caption_shortcode with HTML5 captions:
//
//	[caption id="attachment_1" align="alignright" width="300"]<img …> Text[/caption]
//
// becomes <figure class="wp-caption alignright"><img …><figcaption
// class="wp-caption-text">Text</figcaption></figure>. The figure gets no id
// and no style="width: 300px", which the post policy would drop; the
// image's own width and height remain.
func captionShortcode(sc shortcode, expand func(string) string) (string, bool) {
	content := sc.content
	caption, ok := sc.attrs["caption"]
	if !ok {
		if m := captionImage.FindStringSubmatch(content); m != nil {
			content = m[1]
			caption = strings.Trim(m[2], " \t\n\r\x00\x0B")
		}
	}
	if phpInt(sc.attrs["width"]) < 1 || caption == "" || caption == "0" {
		return content, true
	}
	align, ok := sc.attrs["align"]
	if !ok {
		align = "alignnone"
	}
	class := strings.TrimSpace("wp-caption " + align + " " + sc.attrs["class"])
	return `<figure class="` + attrValue(class) + `">` + expand(content) +
		`<figcaption class="wp-caption-text">` + caption + `</figcaption></figure>`, true
}

// audioTypes and videoTypes are the file extensions WordPress's [audio] and
// [video] play, in WordPress's order, with their MIME types as
// wp_get_mime_types has them.
var (
	audioTypes = []mediaType{{"mp3", "audio/mpeg"}, {"ogg", "audio/ogg"}, {"flac", "audio/flac"}, {"m4a", "audio/mpeg"}, {"wav", "audio/wav"}}
	videoTypes = []mediaType{{"mp4", "video/mp4"}, {"m4v", "video/mp4"}, {"webm", "video/webm"}, {"ogv", "video/ogg"}, {"flv", "video/x-flv"}}
	// videoSites are the sites whose pages WordPress's [video] plays.
	videoSites = regexp.MustCompile(`(?i)^https?://(?:(?:www\.)?(?:youtube\.com/watch|youtu\.be/)|(?:.+\.)?vimeo\.com/)`)
)

type mediaType struct{ ext, mime string }

// audioShortcode is wp_audio_shortcode:
//
//	[audio src="x.mp3"] or [audio mp3="x.mp3" ogg="x.ogg"]
//
// becomes <audio controls preload="none" src="x.mp3"> with a link to the
// file inside for browsers that cannot play it, or <source> elements when
// there are several files. A src of another type becomes a link, as in
// WordPress. The WordPress.com form [audio URL|titles=…] is accepted too.
// Without a file WordPress plays the post's attached audio, which is not
// imported, so it renders nothing.
func audioShortcode(sc shortcode, _ func(string) string) (string, bool) {
	return mediaShortcode("audio", audioTypes, "none", sc), true
}

// videoShortcode is wp_video_shortcode, as audioShortcode is
// wp_audio_shortcode, with width, height and poster; a YouTube or Vimeo page
// becomes a link. Its content, usually <track> elements, is kept inside the
// <video>.
func videoShortcode(sc shortcode, _ func(string) string) (string, bool) {
	return mediaShortcode("video", videoTypes, "metadata", sc), true
}

func mediaShortcode(tag string, types []mediaType, preload string, sc shortcode) string {
	type source struct{ url, mime string }
	var sources []source
	if src := strings.TrimSpace(sc.attrs["src"]); src != "" {
		mime := mimeOf(src, types)
		if mime == "" {
			return `<a href="` + attrValue(src) + `">` + attrValue(src) + `</a>`
		}
		sources = append(sources, source{src, mime})
	}
	for _, t := range types {
		if u := strings.TrimSpace(sc.attrs[t.ext]); u != "" {
			if mime := mimeOf(u, types); mime != "" {
				sources = append(sources, source{u, mime})
			}
		}
	}
	if len(sources) == 0 && len(sc.args) > 0 {
		u, _, _ := strings.Cut(strings.TrimPrefix(sc.args[0], "="), "|")
		if u = strings.TrimSpace(u); u != "" {
			if mime := mimeOf(u, types); mime != "" {
				sources = append(sources, source{u, mime})
			} else {
				return `<a href="` + attrValue(u) + `">` + attrValue(u) + `</a>`
			}
		}
	}
	if len(sources) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("<" + tag + " controls")
	if p := strings.ToLower(sc.attrs["preload"]); p == "none" || p == "metadata" || p == "auto" {
		preload = p
	}
	b.WriteString(` preload="` + preload + `"`)
	if v, ok := sc.attrs["loop"]; ok && v != "" && v != "0" && !strings.EqualFold(v, "false") {
		b.WriteString(" loop")
	}
	if tag == "video" {
		for _, a := range []string{"width", "height"} {
			if n := phpInt(sc.attrs[a]); n > 0 {
				b.WriteString(" " + a + `="` + strconv.Itoa(n) + `"`)
			}
		}
		if p := strings.TrimSpace(sc.attrs["poster"]); p != "" {
			b.WriteString(` poster="` + attrValue(p) + `"`)
		}
	}
	first := attrValue(sources[0].url)
	if len(sources) == 1 {
		b.WriteString(` src="` + first + `">`)
	} else {
		b.WriteString(">")
		for _, s := range sources {
			b.WriteString(`<source type="` + s.mime + `" src="` + attrValue(s.url) + `">`)
		}
	}
	if tag == "video" {
		b.WriteString(strings.TrimSpace(strings.NewReplacer("\r\n", "", "\n", "", "\t", "").Replace(sc.content)))
	}
	b.WriteString(`<a href="` + first + `">` + first + `</a></` + tag + `>`)
	return b.String()
}

// mimeOf returns the MIME type of the media file at u, found from the
// extension of its path, or "" when it is not one of types. A YouTube or
// Vimeo page is never a media file.
func mimeOf(u string, types []mediaType) string {
	u = html.UnescapeString(u)
	if videoSites.MatchString(u) {
		return ""
	}
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	ext := strings.ToLower(strings.TrimPrefix(path.Ext(u), "."))
	for _, t := range types {
		if t.ext == ext {
			return t.mime
		}
	}
	return ""
}
