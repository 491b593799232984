package markup

import (
	"html/template"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// PlainText returns all text of h with entities decoded and runs of
// whitespace collapsed to one space; block elements separate words. Heading
// self-links and footnote markers are left out: they are navigation, not
// text. The result is plain text, not HTML: escape it before writing it into
// a page (html/template does).
func PlainText(h template.HTML) string {
	return strings.Join(words(h), " ")
}

// Excerpt returns PlainText of h cut to its first n words, with "…" appended
// when words were cut off, in place of any comma, colon, semicolon or
// ellipsis that ended the last word kept; n < 1 gives "". A word is a run of
// non-space characters, so text in scripts that do not separate words with
// spaces is cut only at spaces.
func Excerpt(h template.HTML, n int) string {
	if n < 1 {
		return ""
	}
	w := firstWords(h, n+1)
	if len(w) <= n {
		return strings.Join(w, " ")
	}
	return strings.TrimRight(strings.Join(w[:n], " "), ",;:…") + "…"
}

// firstWords returns the first n words of PlainText(h), or all of them when it has fewer, parsing as little of h
// as gives them: pages and feeds show excerpts of long posts, whose whole parse cost a tenth of an uncached post
// page. A prefix of HTML parses to a prefix of the whole's words, but for its last (the cut may have split it) and
// for text the parser moves in front of a table it belongs to (foster parenting): so a prefix is trusted for the
// words before its last, and only when no table is open where it ends. That is counted from the tags, which is
// exact for HTML that has been through the parser and renderer, as posts and comments have: a "<" in their text
// or attributes is escaped. (HTML nested deeper than the parser allows has no words as a whole, yet its prefix
// may; rendered HTML never is.)
func firstWords(h template.HTML, n int) []string {
	for size := 512; size < len(h); size *= 4 {
		head := h[:size]
		if !tablesClosed(string(head)) {
			continue
		}
		if w := words(head); len(w) > n {
			return w[:n]
		}
	}
	w := words(h)
	return w[:min(n, len(w))]
}

// tablesClosed reports whether each <table> start tag in s is followed by its end tag in s.
func tablesClosed(s string) bool {
	open := 0
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			return open == 0
		}
		s = s[i+1:]
		end := strings.HasPrefix(s, "/")
		name := strings.TrimPrefix(s, "/")
		if len(name) < 5 || !strings.EqualFold(name[:5], "table") || len(name) > 5 && !strings.ContainsRune(" \t\n\f\r/>", rune(name[5])) {
			continue
		}
		switch {
		case !end:
			open++
		case open > 0:
			open--
		}
	}
}

func words(h template.HTML) []string {
	nodes, err := parseBody(strings.NewReader(string(h)))
	if err != nil {
		// A strings.Reader never fails; the parser refuses only elements nested deeper than it allows.
		return nil
	}
	var b strings.Builder
	for _, n := range nodes {
		writeText(&b, n)
	}
	return strings.Fields(b.String())
}

// writeText appends the text of n and its descendants to b, with a space
// around each element that is not phrasing content, so "<p>a</p><p>b</p>"
// reads "a b" and not "ab".
func writeText(b *strings.Builder, n *html.Node) {
	switch n.Type {
	case html.TextNode:
		b.WriteString(n.Data)
		return
	case html.ElementNode:
		if !hasText(n) {
			return
		}
	}
	block := n.Type == html.ElementNode && !isPhrasing(n.DataAtom)
	if block {
		b.WriteByte(' ')
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		writeText(b, c)
	}
	if block {
		b.WriteByte(' ')
	}
}

// hasText reports whether an element's content is text a reader would count
// as part of the prose.
func hasText(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Script, atom.Style, atom.Template, atom.Noscript:
		return false
	case atom.A:
		for c := range strings.FieldsSeq(attr(n, "class")) {
			switch c {
			case "anchor", "footnote-ref", "footnote-backref":
				return false
			}
		}
	}
	return true
}

// isPhrasing reports whether an element sits inside a line of text rather
// than starting a block of its own.
func isPhrasing(a atom.Atom) bool {
	switch a {
	case atom.A, atom.Abbr, atom.B, atom.Bdi, atom.Bdo, atom.Cite, atom.Code, atom.Data, atom.Del,
		atom.Dfn, atom.Em, atom.I, atom.Ins, atom.Kbd, atom.Mark, atom.Q, atom.S, atom.Samp, atom.Small,
		atom.Span, atom.Strike, atom.Strong, atom.Sub, atom.Sup, atom.Time, atom.U, atom.Var, atom.Wbr:
		return true
	}
	return false
}
