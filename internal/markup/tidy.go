package markup

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// tidy parses sanitized HTML as the inside of a page's body, hands fix every
// element in document order, and renders the tree back. The round trip
// closes whatever the input left open: an unclosed <a> or <div> in a post or
// a comment would otherwise swallow the rest of the page.
func tidy(sanitized []byte, fix func(elements []*html.Node)) (template.HTML, error) {
	nodes, err := parseBody(bytes.NewReader(sanitized))
	if err != nil {
		return "", err
	}
	var elements []*html.Node
	for _, n := range nodes {
		if n.Type == html.ElementNode {
			elements = append(elements, n)
		}
		for d := range n.Descendants() {
			if d.Type == html.ElementNode {
				elements = append(elements, d)
			}
		}
	}
	fix(elements)
	var buf bytes.Buffer
	for _, n := range nodes {
		if err := html.Render(&buf, n); err != nil {
			return "", err
		}
	}
	return template.HTML(buf.String()), nil
}

func parseBody(r io.Reader) ([]*html.Node, error) {
	return html.ParseFragment(r, &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body})
}

func fixPost(elements []*html.Node) {
	ids := make(map[string]bool)
	for _, n := range elements {
		if id := attr(n, "id"); id != "" {
			ids[id] = true
		}
	}
	for _, n := range elements {
		dropUnsafeURLs(n, true)
		switch n.DataAtom {
		case atom.A:
			// Without noopener the opened page could navigate this one
			// through window.opener.
			if attr(n, "target") == "_blank" && !hasToken(attr(n, "rel"), "noopener") {
				setAttr(n, "rel", strings.TrimSpace(attr(n, "rel")+" noopener"))
			}
		case atom.H1:
			ensureID(n, ids)
		case atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
			ensureID(n, ids)
			addAnchor(n)
		case atom.Audio, atom.Video:
			// Autoplay is not allowed, so without controls nothing could
			// play.
			if !hasAttr(n, "controls") {
				n.Attr = append(n.Attr, html.Attribute{Key: "controls"})
			}
		}
	}
}

func fixComment(elements []*html.Node) {
	for _, n := range elements {
		dropUnsafeURLs(n, false)
		if n.DataAtom == atom.A && hasAttr(n, "href") {
			// ugc and nofollow tell search engines not to credit the link
			// to the site; noopener is for browsers that do not yet imply
			// it.
			setAttr(n, "rel", "nofollow ugc noopener")
		}
	}
}

// ensureID gives a heading written in raw HTML, as imported WordPress posts
// are, the id goldmark would have given it had it been Markdown, unless it
// has one. ids holds the ids in use and gains the new one.
func ensureID(h *html.Node, ids map[string]bool) {
	if hasAttr(h, "id") {
		return
	}
	var text strings.Builder
	writeText(&text, h)
	var slug []byte
	for _, c := range []byte(strings.TrimSpace(text.String())) {
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
			slug = append(slug, c)
		case 'A' <= c && c <= 'Z':
			slug = append(slug, c+'a'-'A')
		case c == ' ' || c == '\t' || c == '\n' || c == '-' || c == '_':
			slug = append(slug, '-')
		}
	}
	if len(slug) == 0 {
		slug = []byte("heading")
	}
	id := string(slug)
	for i := 1; ids[id]; i++ {
		id = fmt.Sprintf("%s-%d", slug, i)
	}
	ids[id] = true
	setAttr(h, "id", id)
}

// addAnchor appends a self-link to a heading, which must have an id. Its
// accessible name repeats the heading, so a list of a page's links stays
// meaningful.
func addAnchor(h *html.Node) {
	id := attr(h, "id")
	var label strings.Builder
	writeText(&label, h)
	a := &html.Node{Type: html.ElementNode, Data: "a", DataAtom: atom.A, Attr: []html.Attribute{
		{Key: "class", Val: "anchor"},
		{Key: "href", Val: "#" + id},
		{Key: "aria-label", Val: "Permalink: " + strings.Join(strings.Fields(label.String()), " ")},
	}}
	a.AppendChild(&html.Node{Type: html.TextNode, Data: "#"})
	h.AppendChild(&html.Node{Type: html.TextNode, Data: " "})
	h.AppendChild(a)
}

// dropUnsafeURLs removes URL attributes whose scheme is not http, https or
// mailto. bluemonday checks href and src on most elements, but not srcset,
// poster or source's src, so every URL attribute is checked here alike.
func dropUnsafeURLs(n *html.Node, relative bool) {
	kept := n.Attr[:0]
	for _, a := range n.Attr {
		ok := true
		switch a.Key {
		case "href", "src", "cite", "poster":
			ok = safeURL(a.Val, relative)
		case "srcset":
			ok = safeSrcset(a.Val, relative)
		}
		if ok {
			kept = append(kept, a)
		}
	}
	n.Attr = kept
}

// safeURL reports whether a browser would read u as an http, https or mailto
// URL, or, when relative is true, as a URL without a scheme. It strips what
// browsers strip (surrounding spaces and control characters, and tabs and
// newlines anywhere) before looking for the scheme.
func safeURL(u string, relative bool) bool {
	u = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, u)
	u = strings.TrimFunc(u, func(r rune) bool { return r <= ' ' })
	i := strings.IndexAny(u, ":/?#")
	if i < 0 || u[i] != ':' {
		return relative
	}
	switch strings.ToLower(u[:i]) {
	case "http", "https", "mailto":
		return true
	}
	return false
}

// safeSrcset reports whether every candidate URL in a srcset is safe.
// Splitting at every comma finds each place a browser may start a URL, and
// some that are only inside a URL, which only makes the check stricter.
func safeSrcset(v string, relative bool) bool {
	for candidate := range strings.SplitSeq(v, ",") {
		if f := strings.Fields(candidate); len(f) > 0 && !safeURL(f[0], relative) {
			return false
		}
	}
	return true
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return true
		}
	}
	return false
}

func setAttr(n *html.Node, key, val string) {
	for i, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			n.Attr[i].Val = val
			return
		}
	}
	n.Attr = append(n.Attr, html.Attribute{Key: key, Val: val})
}

func hasToken(list, token string) bool {
	for _, t := range strings.Fields(list) {
		if strings.EqualFold(t, token) {
			return true
		}
	}
	return false
}
