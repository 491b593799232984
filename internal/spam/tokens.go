package spam

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on what one comment contributes, so that a huge comment costs no more than a long one and cannot swamp
// the model when it is trained.
const (
	// maxTextBytes caps the text read: Salon's comments are at most 64 KiB anyway.
	maxTextBytes = 64 << 10
	// maxTokens caps the tokens taken from the text, counted before duplicates are dropped. Text beyond it is
	// not read.
	maxTokens = 1000
	// maxNameWords caps the words taken from the author's name.
	maxNameWords = 16
	// maxWordRunes cuts longer words: runs of letters such as "aaaaaaaa…" or base64 say all they have to say in
	// their first runes.
	maxWordRunes = 32
)

// Token prefixes name the field a token came from, so that "gmail" in the text and in the email domain are
// different evidence. Words and phrases of the text have no prefix.
const (
	prefixName    = "name:"
	prefixDomain  = "domain:"   // the email address's domain
	prefixWebsite = "website:"  // the host of the author's website
	prefixHost    = "url-host:" // the host of a link in the text
	prefixLinks   = "links:"    // how many links the text has: 0, 1, 2 or 3+
)

// tokens returns the distinct features of c, in order of first appearance, and the number of links in its text.
// Text is lowercased with Unicode's rules and split on anything that is not a letter, digit or mark; each link in it
// becomes its host, with "www." dropped; consecutive words also make a two-word phrase. Invalid UTF-8 splits words
// like punctuation does.
func tokens(c Comment) ([]string, int) {
	t := tokenizer{seen: make(map[string]bool, 64), out: make([]string, 0, 64)}
	text := c.Text
	if len(text) > maxTextBytes {
		text = text[:maxTextBytes]
	}
	t.addText(fold(text))
	t.add(prefixLinks + linkBucket(t.links))
	name := words(fold(c.Name), maxWordRunes)
	for _, w := range name[:min(len(name), maxNameWords)] {
		t.add(prefixName + w)
	}
	if i := strings.LastIndexByte(c.Email, '@'); i >= 0 {
		if d := strings.Trim(strings.ToLower(fold(c.Email[i+1:])), ". "); d != "" && utf8.ValidString(d) {
			t.add(prefixDomain + d)
		}
	}
	website := strings.TrimSpace(fold(c.Website))
	if i := strings.Index(website, "://"); i >= 0 {
		website = website[i+3:]
	}
	if h, ok := hostOf(website, false); ok {
		t.add(prefixWebsite + h)
	}
	return t.out, t.links
}

// fold undoes two disguises that leave text readable to people but not to a tokenizer: invisible format
// characters inside words ("vi\u200bagra", or the U+FEFF YouTube appends) are dropped, and fullwidth forms
// ("ｗｗｗ．ｅｂａｙ．ｃｏｍ") become their ASCII letters and punctuation.
func fold(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case unicode.Is(unicode.Cf, r):
			return -1
		case r >= '\uFF01' && r <= '\uFF5E':
			return r - 0xFEE0
		case r == '\u3000': // ideographic space
			return ' '
		}
		return r
	}, s)
}

func linkBucket(n int) string {
	if n >= 3 {
		return "3+"
	}
	return strconv.Itoa(n)
}

// tokenizer collects distinct tokens.
type tokenizer struct {
	out   []string
	seen  map[string]bool
	n     int // tokens offered, duplicates included
	links int
	prev  string // the previous word of the text, for phrases; "" at the start and after a link
}

// full reports whether the text has given maxTokens tokens.
func (t *tokenizer) full() bool { return t.n >= maxTokens }

func (t *tokenizer) add(tok string) {
	t.n++
	if !t.seen[tok] {
		t.seen[tok] = true
		t.out = append(t.out, tok)
	}
}

// addText adds the words, phrases and link hosts of s. It reads s one whitespace-separated chunk at a time, so that
// a link is recognised whole before its punctuation splits it into words.
func (t *tokenizer) addText(s string) {
	for len(s) > 0 && !t.full() {
		s = strings.TrimLeftFunc(s, unicode.IsSpace)
		end := strings.IndexFunc(s, unicode.IsSpace)
		if end < 0 {
			end = len(s)
		}
		chunk := s[:end]
		s = s[end:]
		if start, host, ok := findLink(chunk); ok {
			t.addWords(chunk[:start])
			t.links++
			t.add(prefixHost + host)
			t.prev = ""
			continue
		}
		t.addWords(chunk)
	}
}

// addWords adds the words of s and the phrases they make with the words before them.
func (t *tokenizer) addWords(s string) {
	for _, w := range words(s, maxWordRunes) {
		if t.full() {
			return
		}
		t.add(w)
		if t.prev != "" && !t.full() {
			t.add(t.prev + " " + w)
		}
		t.prev = w
	}
}

// words splits s into lowercased words: runs of letters, digits and marks, cut to maxRunes. Han, Hiragana and
// Katakana, written without spaces, make one word per character (the phrases then pair them up).
func words(s string, maxRunes int) []string {
	var out []string
	var b strings.Builder
	n := 0
	flush := func() {
		if b.Len() > 0 {
			out = append(out, b.String())
			b.Reset()
			n = 0
		}
	}
	for _, r := range s {
		switch {
		case isIdeographic(r):
			flush()
			out = append(out, string(unicode.ToLower(r)))
		case unicode.IsLetter(r) || unicode.IsDigit(r) || (unicode.IsMark(r) && b.Len() > 0):
			if n < maxRunes {
				b.WriteRune(unicode.ToLower(r))
				n++
			}
		default: // punctuation, symbols, spaces, U+FEFF and utf8.RuneError from invalid bytes
			flush()
		}
	}
	flush()
	return out
}

func isIdeographic(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana)
}

// findLink reports where a link starts in chunk, a run of text without spaces, and the link's host. A link has a
// scheme (http:// or https://), starts with "www.", or is a bare domain such as "example.com/page" whose top-level
// domain is a common one (isCommonTLD): words joined by a period for want of a space ("fine.it was") are not links.
func findLink(chunk string) (start int, host string, ok bool) {
	if strings.IndexByte(chunk, '.') < 0 { // every host has one
		return 0, "", false
	}
	for _, scheme := range []string{"https://", "http://"} {
		if i := indexFold(chunk, scheme); i >= 0 {
			if h, ok := hostOf(chunk[i+len(scheme):], false); ok {
				return i, h, true
			}
		}
	}
	if i := indexFold(chunk, "www."); i >= 0 && (i == 0 || !isWordRune(lastRune(chunk[:i]))) {
		if h, ok := hostOf(chunk[i:], false); ok {
			return i, h, true
		}
	}
	trimmed := strings.TrimLeftFunc(chunk, func(r rune) bool { return !isWordRune(r) })
	if h, ok := hostOf(trimmed, true); ok {
		return len(chunk) - len(trimmed), h, true
	}
	return 0, "", false
}

// indexFold is strings.Index ignoring ASCII case, for an ASCII sub. It does not lowercase s, whose byte offsets
// would then change with some non-ASCII letters.
func indexFold(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if asciiEqualFold(s[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}

func asciiEqualFold(a, b string) bool {
	for i := range len(a) {
		if lowerASCII(a[i]) != lowerASCII(b[i]) {
			return false
		}
	}
	return true
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// hostOf returns the lowercased host at the start of s, a URL without its scheme, with "www." dropped. bare asks for
// the stricter test of a domain written without a scheme: it has no user before an "@", and its top-level domain is
// a common one.
func hostOf(s string, bare bool) (string, bool) {
	if i := strings.IndexAny(s, "/?#"); i >= 0 {
		s = s[:i]
	}
	if i := strings.LastIndexByte(s, '@'); i >= 0 && !bare {
		s = s[i+1:]
	}
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimRightFunc(s, func(r rune) bool { return !isWordRune(r) })
	s = strings.TrimPrefix(strings.ToLower(s), "www.")
	labels := strings.Split(s, ".")
	if len(labels) < 2 || !utf8.ValidString(s) {
		return "", false
	}
	for _, l := range labels {
		if l == "" || strings.IndexFunc(l, func(r rune) bool { return !isWordRune(r) && r != '-' }) >= 0 {
			return "", false
		}
	}
	if bare && !isCommonTLD(labels[len(labels)-1]) {
		return "", false
	}
	return s, true
}

// isCommonTLD reports whether a bare "name.tld" ending in tld is taken for a link. Country codes that are also
// short words or abbreviations people type after a missing space ("it", "me", "so", "at", "in", "is") are left out.
func isCommonTLD(tld string) bool {
	switch tld {
	case "com", "net", "org", "info", "biz", "io", "ly", "cc", "tk", "ru", "uk", "de", "xyz", "top", "club",
		"online", "site":
		return true
	}
	return false
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}
