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
	w := words(h)
	if len(w) <= n {
		return strings.Join(w, " ")
	}
	return strings.TrimRight(strings.Join(w[:n], " "), ",;:…") + "…"
}

func words(h template.HTML) []string {
	nodes, err := parseBody(strings.NewReader(string(h)))
	if err != nil {
		// A strings.Reader never fails, so neither does parsing it.
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
