package markup

import (
	"html/template"
	"net/url"
	"strings"

	"golang.org/x/net/html"
)

// Absolute rewrites the relative links and image sources of rendered HTML against the address of the page it
// comes from. Feed readers show content away from the site, where "/media/…" or "#fn:1" would lead nowhere.
// HTML that is not safe already is not made so here: it takes what the renderers produced.
func Absolute(h template.HTML, page string) template.HTML {
	base, err := url.Parse(page)
	if err != nil || !base.IsAbs() {
		return h
	}
	resolve := func(v string) string {
		u, err := url.Parse(strings.TrimSpace(v))
		if err != nil {
			return v
		}
		return base.ResolveReference(u).String()
	}
	out, err := tidy([]byte(h), func(elements []*html.Node) {
		for _, n := range elements {
			for i, a := range n.Attr {
				switch a.Key {
				case "href", "src", "poster", "cite":
					n.Attr[i].Val = resolve(a.Val)
				case "srcset":
					candidates := strings.Split(a.Val, ",")
					for j, c := range candidates {
						fields := strings.Fields(c)
						if len(fields) > 0 {
							fields[0] = resolve(fields[0])
							candidates[j] = strings.Join(fields, " ")
						}
					}
					n.Attr[i].Val = strings.Join(candidates, ", ")
				}
			}
		}
	})
	if err != nil {
		return h
	}
	return out
}
