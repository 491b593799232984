// Package markup owns Salon's two Markdown dialects and their HTML safety
// policies: posts and pages written by authors, and comments written by
// readers. It turns either into sanitized HTML, and turns HTML back into plain
// text for feeds, meta descriptions and excerpts.
//
// Every function is pure and safe for concurrent use. Rendering never fails:
// the output is always HTML that is safe to embed in a page as it is.
package markup

import (
	"bytes"
	"html"
	"html/template"
	"regexp"
	"sync"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	gmhtml "github.com/yuin/goldmark/renderer/html"
	gmtext "github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
	nethtml "golang.org/x/net/html"
)

// Document is a post or page body rendered to safe HTML.
type Document struct {
	HTML    template.HTML // the whole body, sanitized
	Summary template.HTML // sanitized HTML of the part before the <!--more--> marker; empty when there is no marker
}

// RenderPost renders an author's Markdown, which may contain raw HTML.
//
// A <!--more--> marker (or <!--more Any text-->, as WordPress writes it)
// counts only on a line of its own outside any list or blockquote; the first
// one splits off the Summary. The Summary is rendered from the same parse as
// the whole body, so reference links defined further down still resolve, but
// it carries no footnote list.
//
// Every heading, Markdown or raw HTML, gets an id unless it has one; level 2
// to 6 headings also get a self-link, <a class="anchor">, as their last
// child.
func RenderPost(markdown string) Document {
	p := posts()
	src := []byte(markdown)
	doc := p.md.Parser().Parse(gmtext.NewReader(src))
	d := Document{HTML: p.render(src, doc)}
	if marker := moreMarker(doc, src); marker != nil {
		for n := marker; n != nil; {
			next := n.NextSibling()
			doc.RemoveChild(doc, n)
			n = next
		}
		d.Summary = p.render(src, doc)
	}
	return d
}

// RenderComment renders a reader's comment: a small subset of Markdown in
// which a single newline is a line break, as in WordPress. Headings, thematic
// breaks and tables are not recognised, so "# x" stays a paragraph reading
// "# x"; an image becomes a link to the image. Raw HTML is limited to the tags
// WordPress allows in comments. Every link is absolute (http, https or
// mailto) and has rel="nofollow ugc noopener".
func RenderComment(text string) template.HTML {
	p := comments()
	src := []byte(text)
	return p.render(src, p.md.Parser().Parse(gmtext.NewReader(src)))
}

// pipeline is one dialect: Markdown to HTML, then the sanitizer, then tidy,
// which balances tags and hands fix the elements.
type pipeline struct {
	md     goldmark.Markdown
	policy *bluemonday.Policy
	fix    func(elements []*nethtml.Node)
}

func (p *pipeline) render(src []byte, doc ast.Node) template.HTML {
	var buf bytes.Buffer
	if err := p.md.Renderer().Render(&buf, src, doc); err != nil {
		// Rendering into a bytes.Buffer fails only on a bug in a node
		// renderer; escaped source keeps the text readable and safe.
		return escaped(src)
	}
	out, err := tidy(p.policy.SanitizeBytes(buf.Bytes()), p.fix)
	if err != nil {
		// Parsing and rendering in memory fail only on a bug in x/net/html.
		return escaped(src)
	}
	return out
}

func escaped(src []byte) template.HTML {
	return template.HTML("<p>" + html.EscapeString(string(src)) + "</p>")
}

// posts and comments are built once and never changed: goldmark and
// bluemonday objects are safe for concurrent use once configured.
var (
	posts = sync.OnceValue(func() *pipeline {
		return &pipeline{
			md: goldmark.New(
				goldmark.WithExtensions(
					// An align attribute rather than a style attribute,
					// because no style attribute survives the sanitizer.
					extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
					extension.Strikethrough,
					extension.Linkify,
					extension.TaskList,
					extension.Footnote,
					extension.Typographer,
				),
				goldmark.WithParserOptions(parser.WithAutoHeadingID()),
				// Raw HTML passes through here and is sanitized afterwards.
				goldmark.WithRendererOptions(gmhtml.WithUnsafe()),
			),
			policy: postPolicy(),
			fix:    fixPost,
		}
	})
	comments = sync.OnceValue(func() *pipeline {
		return &pipeline{
			md: goldmark.New(
				goldmark.WithParser(parser.NewParser(
					// CommonMark's block parsers less headings and
					// thematic breaks, which have no place in a comment.
					parser.WithBlockParsers(
						util.Prioritized(parser.NewListParser(), 300),
						util.Prioritized(parser.NewListItemParser(), 400),
						util.Prioritized(parser.NewCodeBlockParser(), 500),
						util.Prioritized(parser.NewFencedCodeBlockParser(), 700),
						util.Prioritized(parser.NewBlockquoteParser(), 800),
						util.Prioritized(parser.NewHTMLBlockParser(), 900),
						util.Prioritized(parser.NewParagraphParser(), 1000),
					),
					parser.WithInlineParsers(parser.DefaultInlineParsers()...),
					parser.WithParagraphTransformers(parser.DefaultParagraphTransformers()...),
				)),
				goldmark.WithExtensions(extension.Strikethrough, extension.Linkify, extension.Typographer),
				goldmark.WithRendererOptions(
					gmhtml.WithUnsafe(),
					gmhtml.WithHardWraps(),
					renderer.WithNodeRenderers(util.Prioritized(imageAsLink{}, 100)),
				),
			),
			policy: commentPolicy(),
			fix:    fixComment,
		}
	})
)

// moreRE matches WordPress's marker; WordPress also takes text after "more"
// as the "read more" label, which Salon does not use.
var moreRE = regexp.MustCompile(`^<!--more(?:\s[^\n]*?)?-->\s*$`)

// moreMarker returns the first top-level HTML block that is a more marker.
func moreMarker(doc ast.Node, src []byte) ast.Node {
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		b, ok := n.(*ast.HTMLBlock)
		if !ok || b.HTMLBlockType != ast.HTMLBlockType2 {
			continue
		}
		raw := b.Lines().Value(src)
		if b.HasClosure() {
			raw = append(raw, b.ClosureLine.Value(src)...)
		}
		if moreRE.Match(bytes.TrimSpace(raw)) {
			return n
		}
	}
	return nil
}

// imageAsLink renders a comment's image as a link to it, labelled with its
// alt text or else its URL, so that the reader's intent survives without
// letting readers embed images.
type imageAsLink struct{}

func (imageAsLink) RegisterFuncs(r renderer.NodeRendererFuncRegisterer) {
	r.Register(ast.KindImage, func(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
		n := node.(*ast.Image)
		if !entering {
			_, _ = w.WriteString("</a>")
			return ast.WalkContinue, nil
		}
		dest := util.EscapeHTML(util.URLEscape(n.Destination, true))
		_, _ = w.WriteString(`<a href="`)
		_, _ = w.Write(dest)
		_, _ = w.WriteString(`">`)
		if n.FirstChild() == nil {
			_, _ = w.Write(dest)
		}
		return ast.WalkContinue, nil
	})
}
