package feed_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// This file holds an independent checker for the RFC 4287 and RSS 2.0 rules
// that matter to readers, calibrated against the W3C Feed Validator's own test
// suite, and runs it on everything the package writes.

const (
	nsAtom    = "http://www.w3.org/2005/Atom"
	nsThr     = "http://purl.org/syndication/thread/1.0"
	nsContent = "http://purl.org/rss/1.0/modules/content/"
	nsDC      = "http://purl.org/dc/elements/1.1/"
	nsWfw     = "http://wellformedweb.org/CommentAPI/"
	nsSlash   = "http://purl.org/rss/1.0/modules/slash/"
)

// problem is one broken rule, named with the Feed Validator's message code and
// parameters so the checker's verdicts can be compared with its test suite.
// Codes the validator does not have (Salon's own rules) are marked as such
// where they are raised.
type problem struct {
	Code, Element, Parent, Attr string
}

func (p problem) String() string {
	var params []string
	for _, kv := range [][2]string{{"element", p.Element}, {"parent", p.Parent}, {"attr", p.Attr}} {
		if kv[1] != "" {
			params = append(params, kv[0]+":"+kv[1])
		}
	}
	if params == nil {
		return p.Code
	}
	return p.Code + "{" + strings.Join(params, ",") + "}"
}

// matches reports whether p is the problem want describes; parameters want
// leaves empty match anything.
func (p problem) matches(want problem) bool {
	return p.Code == want.Code &&
		(want.Element == "" || p.Element == want.Element) &&
		(want.Parent == "" || p.Parent == want.Parent) &&
		(want.Attr == "" || p.Attr == want.Attr)
}

// node is a generic element tree with namespaces resolved.
type node struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Text    string     `xml:",chardata"`
	Kids    []node     `xml:",any"`
}

func parseTree(data []byte) (node, error) {
	var n node
	err := xml.Unmarshal(data, &n)
	return n, err
}

func (n node) all(space, local string) []node {
	var out []node
	for _, k := range n.Kids {
		if k.XMLName.Space == space && k.XMLName.Local == local {
			out = append(out, k)
		}
	}
	return out
}

func (n node) attr(space, local string) (string, bool) {
	for _, a := range n.Attrs {
		if a.Name.Space == space && a.Name.Local == local {
			return a.Value, true
		}
	}
	return "", false
}

// problems runs the spec checker that fits the document's root element.
func problems(root node) []problem {
	switch root.XMLName {
	case xml.Name{Space: nsAtom, Local: "feed"}:
		return atomProblems(root)
	case xml.Name{Local: "rss"}:
		return rssProblems(root)
	}
	return []problem{{Code: "NotAFeed", Element: root.XMLName.Local}} // Salon's code
}

// atomProblems checks the RFC 4287 rules for a feed document.
func atomProblems(feed node) []problem {
	var ps []problem
	count := func(n node, parent string, min int, names ...string) {
		for _, name := range names {
			switch c := len(n.all(nsAtom, name)); {
			case c < min:
				ps = append(ps, problem{Code: "MissingElement", Element: name, Parent: parent})
			case c > 1:
				ps = append(ps, problem{Code: "DuplicateElement", Element: name, Parent: parent})
			}
		}
	}
	ids := func(n node, parent string) {
		for _, id := range n.all(nsAtom, "id") {
			if !isAbsIRI(id.Text) {
				ps = append(ps, problem{Code: "InvalidFullLink", Element: "id", Parent: parent})
			}
		}
	}
	dates := func(n node, parent string, names ...string) {
		for _, name := range names {
			for _, d := range n.all(nsAtom, name) {
				if !isRFC3339(d.Text) {
					ps = append(ps, problem{Code: "InvalidRFC3339Date", Element: name, Parent: parent})
				}
			}
		}
	}
	persons := func(n node) {
		for _, role := range []string{"author", "contributor"} {
			for _, p := range n.all(nsAtom, role) {
				count(p, role, 1, "name")
				count(p, role, 0, "uri", "email")
			}
		}
	}
	links := func(n node, parent string) {
		seen := map[[2]string]bool{}
		for _, l := range n.all(nsAtom, "link") {
			if _, ok := l.attr("", "href"); !ok {
				ps = append(ps, problem{Code: "MissingAttribute", Element: "link", Parent: parent, Attr: "href"})
			}
			if rel, _ := l.attr("", "rel"); rel == "" || rel == "alternate" {
				typ, _ := l.attr("", "type")
				lang, _ := l.attr("", "hreflang")
				if seen[[2]string{typ, lang}] {
					ps = append(ps, problem{Code: "DuplicateAtomLink", Element: "link", Parent: parent})
				}
				seen[[2]string{typ, lang}] = true
			}
			if c, ok := l.attr(nsThr, "count"); ok && !isCount(c) {
				ps = append(ps, problem{Code: "InvalidInteger", Element: "thr:count"})
			}
		}
	}

	count(feed, "feed", 1, "id", "title", "updated")
	count(feed, "feed", 0, "subtitle", "generator", "icon", "logo", "rights")
	ids(feed, "feed")
	dates(feed, "feed", "updated")
	persons(feed)
	links(feed, "feed")
	feedAuthor := len(feed.all(nsAtom, "author")) > 0
	for _, e := range feed.all(nsAtom, "entry") {
		count(e, "entry", 1, "id", "title", "updated")
		count(e, "entry", 0, "published", "summary", "content", "source", "rights")
		ids(e, "entry")
		dates(e, "entry", "updated", "published")
		persons(e)
		links(e, "entry")
		// RFC 4287 4.1.1: an entry without its own author inherits the
		// feed's, or its source's.
		sourceAuthor := slices.ContainsFunc(e.all(nsAtom, "source"), func(s node) bool { return len(s.all(nsAtom, "author")) > 0 })
		if len(e.all(nsAtom, "author")) == 0 && !feedAuthor && !sourceAuthor {
			ps = append(ps, problem{Code: "MissingElement", Element: "author", Parent: "entry"})
		}
		if len(e.all(nsAtom, "content")) == 0 && !hasLink(e, "alternate", "") {
			ps = append(ps, problem{Code: "MissingContentOrAlternate", Element: "entry", Parent: "feed"})
		}
		for _, r := range e.all(nsThr, "in-reply-to") {
			if ref, ok := r.attr("", "ref"); !ok {
				ps = append(ps, problem{Code: "MissingAttribute", Element: "thr:in-reply-to", Attr: "ref"})
			} else if !isAbsIRI(ref) {
				ps = append(ps, problem{Code: "InvalidFullLink", Element: "ref"})
			}
		}
	}
	return ps
}

// hasLink reports whether n has an atom:link with the given rel (an absent
// rel means "alternate") and, unless typ is empty, the given type.
func hasLink(n node, rel, typ string) bool {
	return slices.ContainsFunc(n.all(nsAtom, "link"), func(l node) bool {
		r, _ := l.attr("", "rel")
		t, _ := l.attr("", "type")
		return (r == rel || r == "" && rel == "alternate") && (typ == "" || t == typ)
	})
}

// rssProblems checks the RSS 2.0 rules for a document.
func rssProblems(rss node) []problem {
	var ps []problem
	if v, _ := rss.attr("", "version"); v == "" {
		ps = append(ps, problem{Code: "MissingAttribute", Element: "rss", Attr: "version"})
	}
	channels := rss.all("", "channel")
	if len(channels) != 1 {
		return append(ps, problem{Code: "MissingElement", Element: "channel"})
	}
	ch := channels[0]
	for _, req := range []struct{ code, name string }{
		{"MissingTitle", "title"}, {"MissingLink", "link"}, {"MissingDescription", "description"},
	} {
		if len(ch.all("", req.name)) == 0 {
			ps = append(ps, problem{Code: req.code, Element: req.name, Parent: "channel"})
		}
	}
	dates := func(n node, parent string, names ...string) {
		for _, name := range names {
			for _, d := range n.all("", name) {
				if !isRFC822(d.Text) {
					ps = append(ps, problem{Code: "InvalidRFC2822Date", Element: name, Parent: parent})
				}
			}
		}
	}
	dates(ch, "channel", "pubDate", "lastBuildDate")
	for _, it := range ch.all("", "item") {
		if len(it.all("", "title")) == 0 && len(it.all("", "description")) == 0 {
			ps = append(ps, problem{Code: "ItemMustContainTitleOrDescription"})
		}
		dates(it, "item", "pubDate")
		for _, g := range it.all("", "guid") {
			perma, ok := g.attr("", "isPermaLink")
			if ok && perma != "true" && perma != "false" {
				ps = append(ps, problem{Code: "InvalidBooleanAttribute", Element: "guid", Attr: "isPermaLink"})
			}
			if perma == "false" {
				continue
			}
			switch {
			case strings.HasPrefix(g.Text, "http://") || strings.HasPrefix(g.Text, "https://"):
			case isAbsIRI(g.Text):
				ps = append(ps, problem{Code: "InvalidPermalink", Element: "guid", Parent: "item"})
			default:
				ps = append(ps, problem{Code: "InvalidHttpGUID", Element: "guid", Parent: "item"})
			}
		}
		if len(it.all(nsWfw, "commentRSS")) > 0 {
			ps = append(ps, problem{Code: "CommentRSS"}) // the spelling is commentRss
		}
		for _, c := range it.all(nsSlash, "comments") {
			if !isCount(c.Text) {
				ps = append(ps, problem{Code: "InvalidInteger", Element: "slash:comments"})
			}
		}
	}
	return ps
}

// policyProblems checks the rules Salon holds its own documents to beyond the
// specs: a self link, RFC 1123 dates with a numeric zone, explicit
// isPermaLink, every module namespace declared on the root, and an author
// and text/html alternate link on every Atom entry.
func policyProblems(root node) []problem {
	var ps []problem
	declared := func(prefix, ns string) {
		if v, _ := root.attr("xmlns", prefix); v != ns {
			ps = append(ps, problem{Code: "MissingNamespace", Element: prefix})
		}
	}
	if root.XMLName.Space == nsAtom {
		declared("thr", nsThr)
		if !hasLink(root, "self", "application/atom+xml") {
			ps = append(ps, problem{Code: "MissingSelf"})
		}
		for _, e := range root.all(nsAtom, "entry") {
			if len(e.all(nsAtom, "author")) == 0 {
				ps = append(ps, problem{Code: "SalonEntryAuthor"})
			}
			if !hasLink(e, "alternate", "text/html") {
				ps = append(ps, problem{Code: "SalonAlternateHTML"})
			}
		}
		return ps
	}
	for _, decl := range [][2]string{{"atom", nsAtom}, {"content", nsContent}, {"dc", nsDC}, {"slash", nsSlash}, {"wfw", nsWfw}} {
		declared(decl[0], decl[1])
	}
	ch := root.all("", "channel")
	if len(ch) != 1 {
		return ps
	}
	if !hasLink(ch[0], "self", "application/rss+xml") {
		ps = append(ps, problem{Code: "MissingSelf"})
	}
	rfc1123z := func(n node, name string) {
		for _, d := range n.all("", name) {
			if t, err := time.Parse(time.RFC1123Z, d.Text); err != nil || t.Format(time.RFC1123Z) != d.Text {
				ps = append(ps, problem{Code: "SalonRFC1123Z", Element: name})
			}
		}
	}
	rfc1123z(ch[0], "lastBuildDate")
	for _, it := range ch[0].all("", "item") {
		rfc1123z(it, "pubDate")
		for _, g := range it.all("", "guid") {
			if _, ok := g.attr("", "isPermaLink"); !ok {
				ps = append(ps, problem{Code: "SalonImplicitPermaLink"})
			}
		}
	}
	return ps
}

var (
	iriRE     = regexp.MustCompile("^[A-Za-z][A-Za-z0-9+.-]*:[^\\s<>\"{}|\\\\^`]+$")
	rfc3339RE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$`)
	rfc822RE  = regexp.MustCompile(`^(?:(Mon|Tue|Wed|Thu|Fri|Sat|Sun),\s*)?(\d{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}|\d{2}) (\d{2}):(\d{2})(?::(\d{2}))? ([+-]\d{4}|UT|GMT|[ECMP][SD]T|[A-IK-Z])$`)
)

// isAbsIRI reports whether s is an absolute IRI: scheme, colon, and no
// characters that RFC 3987 excludes.
func isAbsIRI(s string) bool { return iriRE.MatchString(s) }

// isRFC3339 reports whether s is an RFC 3339 date-time with the upper-case
// T and Z RFC 4287 section 3.3 requires, naming a real instant.
func isRFC3339(s string) bool {
	_, err := time.Parse(time.RFC3339, s)
	return rfc3339RE.MatchString(s) && err == nil
}

// isRFC822 reports whether s is an RFC 822 date-time as RSS 2.0 defines it
// (RFC 2822's obsolete zone names allowed, two- or four-digit year), naming a
// real day whose weekday, if given, is right.
func isRFC822(s string) bool {
	m := rfc822RE.FindStringSubmatch(s)
	if m == nil {
		return false
	}
	day, _ := strconv.Atoi(m[2])
	year, _ := strconv.Atoi(m[4])
	if len(m[4]) == 2 {
		year += 1900
		if year < 1950 {
			year += 100
		}
	}
	hour, _ := strconv.Atoi(m[5])
	minute, _ := strconv.Atoi(m[6])
	sec, _ := strconv.Atoi(m[7])
	if hour > 23 || minute > 59 || sec > 60 {
		return false
	}
	if z := m[8]; z[0] == '+' || z[0] == '-' {
		if zm, _ := strconv.Atoi(z[3:]); zm > 59 {
			return false
		}
	}
	month := time.Month(strings.Index("JanFebMarAprMayJunJulAugSepOctNovDec", m[3])/3 + 1)
	date := time.Date(year, month, day, 0, 0, 0, 0, time.UTC)
	if date.Day() != day { // time.Date rolled 31 Jun over to 1 Jul
		return false
	}
	return m[1] == "" || m[1] == date.Weekday().String()[:3]
}

// isCount reports whether s is a non-negative decimal integer.
func isCount(s string) bool {
	n, err := strconv.Atoi(s)
	return err == nil && n >= 0 && strconv.Itoa(n) == s
}

// wellFormed reports the first well-formedness error in data: the decoder
// rejects characters XML forbids, bad nesting and undefined entities, and
// the loop adds the single root element the decoder does not insist on.
func wellFormed(data []byte) error {
	d := xml.NewDecoder(bytes.NewReader(data))
	depth, roots := 0, 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				roots++
			}
			depth++
		case xml.EndElement:
			depth--
		case xml.CharData:
			if depth == 0 && len(bytes.TrimSpace(t)) > 0 {
				return fmt.Errorf("text %q outside the root element", t)
			}
		}
	}
	if roots != 1 {
		return fmt.Errorf("%d root elements, want 1", roots)
	}
	return nil
}

// undeclaredPrefixes lists the namespace prefixes data uses without an
// xmlns:prefix declaration in scope; encoding/xml would quietly take such a
// prefix for a namespace name.
func undeclaredPrefixes(data []byte) ([]string, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	scopes := []map[string]bool{{"xml": true, "xmlns": true}}
	var missing []string
	inScope := func(prefix string) bool {
		return prefix == "" || slices.ContainsFunc(scopes, func(s map[string]bool) bool { return s[prefix] })
	}
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			return missing, nil
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			scope := map[string]bool{}
			for _, a := range t.Attr {
				if a.Name.Space == "xmlns" {
					scope[a.Name.Local] = true
				}
			}
			scopes = append(scopes, scope)
			if !inScope(t.Name.Space) {
				missing = append(missing, t.Name.Space+":"+t.Name.Local)
			}
			for _, a := range t.Attr {
				if !inScope(a.Name.Space) {
					missing = append(missing, a.Name.Space+":"+a.Name.Local)
				}
			}
		case xml.EndElement:
			scopes = scopes[:len(scopes)-1]
		}
	}
}

// checkOutput fails t unless data, a document this package wrote, is
// well-formed UTF-8 XML that passes the spec and Salon checks.
func checkOutput(t *testing.T, data []byte) {
	t.Helper()
	if !bytes.HasPrefix(data, []byte(`<?xml version="1.0" encoding="UTF-8"?>`+"\n")) {
		t.Errorf("output does not start with the UTF-8 XML declaration: %.60q", data)
	}
	if err := wellFormed(data); err != nil {
		t.Fatalf("output is not well-formed XML: %v\n%s", err, data)
	}
	if missing, err := undeclaredPrefixes(data); err != nil || missing != nil {
		t.Errorf("undeclaredPrefixes = %q, %v; want none", missing, err)
	}
	root, err := parseTree(data)
	if err != nil {
		t.Fatalf("parseTree: %v", err)
	}
	if ps := problems(root); ps != nil {
		t.Errorf("spec problems: %v\n%s", ps, data)
	}
	if ps := policyProblems(root); ps != nil {
		t.Errorf("Salon policy problems: %v\n%s", ps, data)
	}
}

func TestOutputIsValid(t *testing.T) {
	for _, format := range formats {
		for _, tc := range fixtures(format.name) {
			t.Run(tc.name+"."+format.name, func(t *testing.T) {
				var buf bytes.Buffer
				if err := format.write(&buf, tc.feed); err != nil {
					t.Fatalf("write: %v", err)
				}
				checkOutput(t, buf.Bytes())
			})
		}
	}
}

// TestCheckerRules shows each rule firing on a small document, so a rule
// that silently stopped working would be noticed.
func TestCheckerRules(t *testing.T) {
	const atomHead = `<feed xmlns="http://www.w3.org/2005/Atom" xmlns:thr="http://purl.org/syndication/thread/1.0">` +
		`<link rel="self" type="application/atom+xml" href="https://e.org/f"/>`
	const okEntry = `<entry><id>https://e.org/1</id><title>t</title><updated>2024-01-02T03:04:05+01:00</updated>` +
		`<author><name>a</name></author><link rel="alternate" type="text/html" href="https://e.org/1"/></entry>`
	const rssHead = `<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"` +
		` xmlns:atom="http://www.w3.org/2005/Atom" xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:slash="http://purl.org/rss/1.0/modules/slash/">` +
		`<channel><title>t</title><link>https://e.org/</link><description>d</description>` +
		`<atom:link rel="self" type="application/rss+xml" href="https://e.org/f"/>`
	tests := []struct {
		name, doc string
		want      []problem // spec and policy problems, in order
	}{
		{"atom ok", atomHead + `<id>https://e.org/</id><title>t</title><updated>2024-01-02T03:04:05Z</updated>` + okEntry + `</feed>`, nil},
		{"atom no id, two titles", atomHead + `<title>t</title><title>u</title><updated>2024-01-02T03:04:05Z</updated></feed>`,
			[]problem{{Code: "MissingElement", Element: "id", Parent: "feed"}, {Code: "DuplicateElement", Element: "title", Parent: "feed"}}},
		{"atom relative id", atomHead + `<id>/f</id><title>t</title><updated>2024-01-02T03:04:05Z</updated></feed>`,
			[]problem{{Code: "InvalidFullLink", Element: "id", Parent: "feed"}}},
		{"atom RFC 822 date", atomHead + `<id>https://e.org/</id><title>t</title><updated>Tue, 02 Jan 2024 03:04:05 +0000</updated></feed>`,
			[]problem{{Code: "InvalidRFC3339Date", Element: "updated", Parent: "feed"}}},
		{"atom entry without author or alternate", atomHead + `<id>https://e.org/</id><title>t</title><updated>2024-01-02T03:04:05Z</updated>` +
			`<entry><id>https://e.org/1</id><title>t</title><updated>2024-01-02T03:04:05Z</updated><content>c</content></entry></feed>`,
			[]problem{{Code: "MissingElement", Element: "author", Parent: "entry"}, {Code: "SalonEntryAuthor"}, {Code: "SalonAlternateHTML"}}},
		{"atom without self", `<feed xmlns="http://www.w3.org/2005/Atom" xmlns:thr="http://purl.org/syndication/thread/1.0"><id>https://e.org/</id><title>t</title><updated>2024-01-02T03:04:05Z</updated></feed>`,
			[]problem{{Code: "MissingSelf"}}},
		{"rss ok", rssHead + `<lastBuildDate>Tue, 02 Jan 2024 03:04:05 +0100</lastBuildDate><item><title>t</title><guid isPermaLink="false">tag:e.org,2024:1</guid></item></channel></rss>`, nil},
		{"rss item without title or description", rssHead + `<item><link>https://e.org/1</link></item></channel></rss>`,
			[]problem{{Code: "ItemMustContainTitleOrDescription"}}},
		{"rss zone name", rssHead + `<item><title>t</title><pubDate>Tue, 02 Jan 2024 03:04:05 GMT</pubDate></item></channel></rss>`,
			[]problem{{Code: "SalonRFC1123Z", Element: "pubDate"}}},
		{"rss wrong weekday", rssHead + `<item><title>t</title><pubDate>Mon, 02 Jan 2024 03:04:05 +0000</pubDate></item></channel></rss>`,
			[]problem{{Code: "InvalidRFC2822Date", Element: "pubDate", Parent: "item"}, {Code: "SalonRFC1123Z", Element: "pubDate"}}},
		{"rss implicit permalink tag guid", rssHead + `<item><title>t</title><guid>tag:e.org,2024:1</guid></item></channel></rss>`,
			[]problem{{Code: "InvalidPermalink", Element: "guid", Parent: "item"}, {Code: "SalonImplicitPermaLink"}}},
		{"rss without self or namespaces", `<rss version="2.0"><channel><title>t</title><link>https://e.org/</link><description>d</description></channel></rss>`,
			[]problem{{Code: "MissingNamespace", Element: "atom"}, {Code: "MissingNamespace", Element: "content"}, {Code: "MissingNamespace", Element: "dc"},
				{Code: "MissingNamespace", Element: "slash"}, {Code: "MissingNamespace", Element: "wfw"}, {Code: "MissingSelf"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root, err := parseTree([]byte(tc.doc))
			if err != nil {
				t.Fatal(err)
			}
			got := append(problems(root), policyProblems(root)...)
			if !slices.Equal(got, tc.want) {
				t.Errorf("check(%s) = %v; want %v", tc.name, got, tc.want)
			}
		})
	}
}

func TestUndeclaredPrefixes(t *testing.T) {
	doc := `<rss xmlns:dc="http://purl.org/dc/elements/1.1/" xml:lang="en"><dc:creator/><content:encoded x:y="1"/>` +
		`<a xmlns:content="http://purl.org/rss/1.0/modules/content/"><content:encoded/></a><content:encoded/></rss>`
	got, err := undeclaredPrefixes([]byte(doc))
	want := []string{"content:encoded", "x:y", "content:encoded"}
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("undeclaredPrefixes(%q) = %q, %v; want %q", doc, got, err, want)
	}
}

// validatorDir holds the W3C Feed Validator's test cases; see ../SOURCE.md
// there.
var validatorDir = filepath.Join("..", "..", "..", "shared", "testdata", "feeds", "feedvalidator-testcases")

// expectRE finds a test case's expectation, e.g. "Expect: !Error" or
// "Expect: MissingElement{element:id,parent:feed}".
var expectRE = regexp.MustCompile(`Expect:\s*(!?)(\w+)(?:\{([^}]*)\})?`)

// TestCheckerAgreesWithFeedValidator runs the spec checker on cases from the
// Feed Validator's suite: for cases it expects no error ("!Error") or a
// Valid… message, the checker must find nothing; for the others it must
// report the validator's message, with the same element and parent.
func TestCheckerAgreesWithFeedValidator(t *testing.T) {
	if _, err := os.Stat(validatorDir); errors.Is(err, fs.ErrNotExist) {
		t.Skipf("%s is missing", validatorDir)
	}
	paths := []string{
		// Valid Atom, RFC 4685 threading included.
		"atom/1.1/brief-noerror.xml",
		"atom/1.1/extensive-noerror.xml",
		"atom/3.3/updated-example2.xml",
		"atom/3.3/updated-example4.xml",
		"atom/4.1.1/author-at-entry-only.xml",
		"atom/4.1.1/author-at-feed-only.xml",
		"atom/4.1.1/zero-entries.xml",
		"atom/4.1.1/multiple-categories.xml",
		"atom/4.1.2/alternate-no-content.xml",
		"atom/4.1.2/content-no-alternate.xml",
		"atom/4.1.1/author-at-feed-and-entry.xml",
		"atom/4.1.2/link-same-rel-different-types.xml",
		"atom/4.1.3.1/type-html.xml",
		"ext/thr/example1.xml",
		"ext/thr/example2.xml",
		"ext/thr/example3.xml",
		"ext/thr/feed-replies.xml",
		// Invalid Atom.
		"atom/4.1.1/missing-id.xml",
		"atom/4.1.1/missing-titles.xml",
		"atom/4.1.1/missing-updated.xml",
		"atom/4.1.1/multiple-ids.xml",
		"atom/4.1.1/authorless-with-one-entry.xml",
		"atom/4.1.2/missing-id.xml",
		"atom/4.1.2/missing-title.xml",
		"atom/4.1.2/missing-updated.xml",
		"atom/4.1.2/multiple-contents.xml",
		"atom/4.1.2/no-content-or-alternate.xml",
		"atom/4.2.6/id-relative-uri.xml",
		"atom/must/feed_id_blank.xml",
		"atom/must/entry_author_name_missing.xml",
		"atom/must/entry_link_multiple.xml",
		"atom/3.3/lowercase-updated.xml",
		"atom/3.3/published_bad_day.xml",
		"atom/3.3/published_bad_day2.xml",
		"atom/3.3/published_date_only.xml",
		"atom/3.3/published_no_t.xml",
		"atom/3.3/published_no_timezone_colon.xml",
		"atom/must/feed_modified_hours_minutes.xml",
		"atom/4.2.15/updated-invalid-date.xml",
		"ext/thr/invalid-ref.xml",
		"ext/thr/invalid-count.xml",
		// Valid RSS 2.0, with the module namespaces Salon uses.
		"rss/must/rss20_spec_sample_noerror.xml",
		"rss20/introduction/rss-2.0-sample-noerror.xml",
		"rss20/introduction/rss-2.0-namespace-noerr.xml",
		"rss/should/rss20_with_atom_elements.xml",
		"rss/should/content_encoded_contains_unicode.xml",
		"rss/must/valid_slash_all.xml",
		"rss20/data-types-datetime/pubdate.xml",
		"rss20/data-types-datetime/pubdate_cst.xml",
		"rss20/data-types-datetime/pubdate_no_seconds.xml",
		"rss20/data-types-datetime/pubdate_no_weekday.xml",
		"rss20/data-types-datetime/pubdate_one_digit_day.xml",
		"rss20/data-types-datetime/pubdate_with_differential2.xml",
		"rss20/data-types-datetime/pubdate_z.xml",
		// Invalid RSS 2.0.
		"rss20/element-rss/missing_channel.xml",
		"rss20/element-rss/missing_version_attribute.xml",
		"rss20/element-channel/missing_channel_title.xml",
		"rss20/element-channel/missing_channel_link.xml",
		"rss20/element-channel/missing_channel_description.xml",
		"rss20/element-channel-item/invalid_item_no_title_or_description.xml",
		"rss20/data-types-datetime/invalid_pubdate.xml",
		"rss20/data-types-datetime/invalid_pubdate_day.xml",
		"rss20/data-types-datetime/invalid_pubdate_differential.xml",
		"rss20/data-types-datetime/invalid_pubdate_dow.xml",
		"rss20/element-channel-lastbuilddate/invalid_lastBuildDate.xml",
		"rss20/element-channel-item-guid/invalid_guid_blank.xml",
		"rss20/element-channel-item-guid/invalid_guid_value.xml",
		"rss20/element-channel-item-guid/invalid_guid_invalid_isPermalink.xml",
		"rss20/element-channel-item-guid/invalid_permalink_tag.xml",
		"ext/wfw/commentRSS.xml",
	}
	for _, path := range paths {
		t.Run(path, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(validatorDir, filepath.FromSlash(path)))
			if err != nil {
				t.Fatal(err)
			}
			m := expectRE.FindSubmatch(data)
			if m == nil {
				t.Fatalf("%s has no Expect line", path)
			}
			root, err := parseTree(data)
			if err != nil {
				t.Fatalf("parseTree: %v", err)
			}
			got := problems(root)
			want := problem{Code: string(m[2])}
			for _, kv := range strings.Split(string(m[3]), ",") {
				k, v, _ := strings.Cut(kv, ":")
				switch k {
				case "element":
					want.Element = v
				case "parent":
					want.Parent = v
				case "attr":
					want.Attr = v
				}
			}
			valid := string(m[1]) == "!" && want.Code == "Error" || strings.HasPrefix(want.Code, "Valid")
			switch {
			case valid && got != nil:
				t.Errorf("problems(%s) = %v; want none (Expect: %s)", path, got, m[0])
			case !valid && !slices.ContainsFunc(got, func(p problem) bool { return p.matches(want) }):
				t.Errorf("problems(%s) = %v; want %v among them", path, got, want)
			}
		})
	}
}

// TestPolicyOnValidatorSamples shows Salon's own rules going beyond the specs
// on samples the validator accepts: RSS without a self link or with zone
// names, which readers handle less reliably.
func TestPolicyOnValidatorSamples(t *testing.T) {
	if _, err := os.Stat(validatorDir); errors.Is(err, fs.ErrNotExist) {
		t.Skipf("%s is missing", validatorDir)
	}
	tests := []struct {
		path string
		want problem
	}{
		{"rss20/namespace-elements-atom-link/noself.xml", problem{Code: "MissingSelf"}},
		{"rss/must/rss20_spec_sample_noerror.xml", problem{Code: "SalonRFC1123Z", Element: "lastBuildDate"}},
		{"rss20/data-types-datetime/pubdate_with_differential2.xml", problem{Code: "MissingNamespace", Element: "dc"}},
		{"atom/1.1/brief-noerror.xml", problem{Code: "MissingSelf"}},
	}
	for _, tc := range tests {
		data, err := os.ReadFile(filepath.Join(validatorDir, filepath.FromSlash(tc.path)))
		if err != nil {
			t.Fatal(err)
		}
		root, err := parseTree(data)
		if err != nil {
			t.Fatalf("parseTree(%s): %v", tc.path, err)
		}
		if got := policyProblems(root); !slices.Contains(got, tc.want) {
			t.Errorf("policyProblems(%s) = %v; want %v among them", tc.path, got, tc.want)
		}
	}
}
