package markup

import (
	"bufio"
	"errors"
	"html/template"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// xssDir holds the shared XSS payload lists, one payload a line.
const xssDir = "../../../shared/testdata/xss"

func TestXSSPayloads(t *testing.T) {
	if _, err := os.Stat(xssDir); errors.Is(err, fs.ErrNotExist) {
		t.Skipf("skipping: %s is absent; it is shared/testdata/xss, checked out beside the main repository", xssDir)
	}
	files, err := filepath.Glob(filepath.Join(xssDir, "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no *.txt payload lists in %s", xssDir)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			f, err := os.Open(file)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			sc := bufio.NewScanner(f)
			for line := 1; sc.Scan(); line++ {
				payload := sc.Text()
				// The payload alone, as a link or image destination, and on
				// both sides of a more marker, so the Summary is tried too.
				for _, in := range []string{
					payload,
					"[x](" + payload + ")",
					"![x](" + payload + ")",
					"Intro\n\n" + payload + "\n<!--more-->\n" + payload,
				} {
					assertSafe(t, in, RenderPost(in), RenderComment(in))
				}
			}
			if err := sc.Err(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestUnsafeParts keeps the safety check itself honest: it must flag what it
// is meant to flag.
func TestUnsafeParts(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{`<p>fine <a href="https://example.com/">link</a></p>`, nil},
		{`<script>x</script>`, []string{"element <script>"}},
		{`<svg><a xlink:href="javascript:x">y</a></svg>`, []string{"element <svg>", "xlink:href=javascript:x"}},
		{`<img src=" jav&#x09;ascript:x" onerror=y style="z">`, []string{"src= jav\tascript:x", "attribute onerror", "attribute style"}},
		{`<img srcset="a.png 1x, data:text/html,x 2x">`, []string{"srcset=a.png 1x, data:text/html,x 2x"}},
		{`a<!-- note -->b`, []string{"comment <!-- note -->"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, unsafeParts(t, tt.in)); diff != "" {
			t.Errorf("unsafeParts(%q) mismatch (-want +got):\n%s", tt.in, diff)
		}
	}
}

func FuzzRenderPost(f *testing.F) {
	f.Fuzz(func(t *testing.T, in string) {
		d := RenderPost(in)
		assertSafe(t, in, d, "")
		PlainText(d.HTML)
		Excerpt(d.Summary, 55)
	})
}

func FuzzRenderComment(f *testing.F) {
	f.Fuzz(func(t *testing.T, in string) {
		c := RenderComment(in)
		assertSafe(t, in, Document{}, c)
		Excerpt(c, 55)
	})
}

func assertSafe(t *testing.T, in string, d Document, comment template.HTML) {
	t.Helper()
	for name, out := range map[string]template.HTML{"RenderPost": d.HTML, "RenderPost summary": d.Summary, "RenderComment": comment} {
		for _, p := range unsafeParts(t, string(out)) {
			t.Errorf("%s(%q) has %s in %q", name, in, p, out)
		}
	}
}

// unsafeParts parses out as a browser would inside a page's body and lists
// what could run script, restyle the page, submit data, or leak a comment.
func unsafeParts(t *testing.T, out string) []string {
	t.Helper()
	nodes, err := html.ParseFragment(strings.NewReader(out), &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body})
	if err != nil {
		t.Fatalf("parse %q: %v", out, err)
	}
	var found []string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.CommentNode:
			found = append(found, "comment <!--"+n.Data+"-->")
		case html.ElementNode:
			switch strings.ToLower(n.Data) {
			case "script", "style", "iframe", "object", "embed", "svg", "math", "form",
				"frame", "frameset", "applet", "base", "link", "meta":
				found = append(found, "element <"+n.Data+">")
			}
			for _, a := range n.Attr {
				key := strings.ToLower(a.Key)
				if a.Namespace != "" {
					key = a.Namespace + ":" + key
				}
				switch {
				case strings.HasPrefix(key, "on"), key == "style":
					found = append(found, "attribute "+key)
				case key == "srcset":
					for c := range strings.SplitSeq(a.Val, ",") {
						if dangerousURL(c) {
							found = append(found, key+"="+a.Val)
						}
					}
				case isURLAttribute(key) && dangerousURL(a.Val):
					found = append(found, key+"="+a.Val)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	return found
}

func isURLAttribute(key string) bool {
	switch key {
	case "href", "src", "action", "formaction", "xlink:href", "background",
		"poster", "cite", "data", "codebase", "dynsrc", "lowsrc":
		return true
	}
	return false
}

// dangerousURL reports whether v, read the lenient way browsers read URLs,
// has a scheme that runs script or carries a document.
func dangerousURL(v string) bool {
	v = strings.ToLower(strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return -1
		}
		return r
	}, v))
	for _, scheme := range []string{"javascript:", "vbscript:", "data:", "livescript:", "mocha:"} {
		if strings.HasPrefix(v, scheme) {
			return true
		}
	}
	return false
}
