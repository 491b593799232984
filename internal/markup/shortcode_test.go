package markup

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// testShortcodes are the shortcodes WordPress registers in its own tests of
// the shortcode API, tests/phpunit/tests/shortcode.php in
// WordPress/wordpress-develop (GPL-2.0-or-later).
var testShortcodes = shortcodeSet{
	"footag": func(sc shortcode, _ func(string) string) (string, bool) {
		return "foo = " + sc.attrs["foo"], true
	},
	"bartag": func(sc shortcode, _ func(string) string) (string, bool) {
		foo, ok := sc.attrs["foo"]
		if !ok {
			foo = "no foo"
		}
		return "foo = " + foo, true
	},
	"baztag": func(sc shortcode, expand func(string) string) (string, bool) {
		return "content = " + expand(sc.content), true
	},
	// dumptag lists named attributes in name order, then positional ones;
	// PHP keeps them in the order written.
	"dumptag": func(sc shortcode, _ func(string) string) (string, bool) {
		var b strings.Builder
		for _, k := range slices.Sorted(maps.Keys(sc.attrs)) {
			fmt.Fprintf(&b, "%s = %s\n", k, sc.attrs[k])
		}
		for i, v := range sc.args {
			fmt.Fprintf(&b, "%d = %s\n", i, v)
		}
		return b.String(), true
	},
	"hyphen":         func(shortcode, func(string) string) (string, bool) { return "_shortcode_hyphen", true },
	"hyphen-foo":     func(shortcode, func(string) string) (string, bool) { return "_shortcode_hyphen_foo", true },
	"hyphen-foo-bar": func(shortcode, func(string) string) (string, bool) { return "_shortcode_hyphen_foo_bar", true },
}

func TestDoShortcodes(t *testing.T) {
	tests := []struct{ in, want string }{
		// test_not_a_tag, test_tag_hyphen_not_tag (ticket 17657),
		// test_tag_underscore_not_tag, test_tag_not_tag
		{"[not-a-shortcode-tag]", "[not-a-shortcode-tag]"},
		{"[dumptag-notreal]", "[dumptag-notreal]"},
		{"[dumptag_notreal]", "[dumptag_notreal]"},
		{"[dumptagnotreal]", "[dumptagnotreal]"},
		// test_tag_hyphen (ticket 17657)
		{"[hyphen]", "_shortcode_hyphen"},
		{"[hyphen-foo]", "_shortcode_hyphen_foo"},
		{"[hyphen-foo-bar]", "_shortcode_hyphen_foo_bar"},
		{"[hyphen-baz]", "[hyphen-baz]"},
		{"[hyphen-foo-bar-baz]", "[hyphen-foo-bar-baz]"},
		// test_footag_default, test_footag_val
		{"[footag]", "foo = "},
		{`[footag foo="x8Wq"]`, "foo = x8Wq"},
		// test_nested_tags: the "/]" that ends the URL makes dumptag
		// self-closing.
		{`[baztag][dumptag abc="foo" def=123 https://wordpress.org/][/baztag]`, "content = abc = foo\ndef = 123\n0 = https://wordpress.org\n"},
		// test_tag_escaped (ticket 6518)
		{`[[footag]] [[bartag foo="bar"]]`, `[footag] [bartag foo="bar"]`},
		{`[[footag /]] [[bartag foo="bar" /]]`, `[footag /] [bartag foo="bar" /]`},
		{`[[baztag foo="bar"]the content[/baztag]]`, `[baztag foo="bar"]the content[/baztag]`},
		{`[[[footag]]] [[[bartag foo="bar"]]]`, `[[footag]] [[bartag foo="bar"]]`},
		// test_tag_not_escaped
		{`[[footag] [bartag foo="bar"]]`, `[foo =  foo = bar]`},
		{`[[footag /] [bartag foo="bar" /]]`, `[foo =  foo = bar]`},
		{`[[baztag foo="bar"]the content[/baztag]`, `[content = the content`},
		{`[[not-a-tag]]`, `[[not-a-tag]]`},
		{`[[[footag] [bartag foo="bar"]]]`, `[[foo =  foo = bar]]`},
		// test_unnamed_attribute (ticket 34939)
		{"[dumptag=https://wordpress.org/]", "0 = =https://wordpress.org\n"},
		// test_escaping: brackets in comments and tags are not shortcodes.
		// (WordPress expands shortcodes in some attribute values; Salon
		// does not.)
		{"<!--[if lt IE 7]>", "<!--[if lt IE 7]>"},
		{`1 <a noise="[footag]"> 2 <a noise=" [footag] " >`, `1 <a noise="[footag]"> 2 <a noise=" [footag] " >`},
		{`<div style="selector:url([[footag]])">`, `<div style="selector:url([[footag]])">`},
		// Not from WordPress's tests: <pre> and <code>, brackets in tags
		// inside content, entities, and the quick check.
		{"<pre>[footag]</pre>[footag]<code>\n[footag]</code>", "<pre>[footag]</pre>foo = <code>\n[footag]</code>"},
		{`[baztag]<img alt="[footag]"> [footag foo=1][/baztag]`, `content = <img alt="[footag]"> foo = 1`},
		{"&#91;footag&#93; [footag]", "&#091;footag&#093; foo = "},
		{"&#91;footag&#93;", "&#91;footag&#93;"},
		{"[footag", "[footag"},
	}
	for _, tt := range tests {
		if got := doShortcodes(tt.in, testShortcodes); got != tt.want {
			t.Errorf("doShortcodes(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseShortcodeAttrs(t *testing.T) {
	// From test_attr_hyphen (ticket 9405), test_two_atts, the
	// test_positional_* tests, test_utf8_whitespace_* (ticket 6562),
	// test_empty_single_quote_attribute (ticket 37304) and
	// data_shortcode_parse_atts (ticket 47863).
	tests := []struct {
		in    string
		attrs map[string]string
		args  []string
	}{
		{"", map[string]string{}, nil},
		{"\t", map[string]string{}, nil},
		{`""`, map[string]string{}, nil},
		{`''`, map[string]string{}, nil},
		{
			` foo="foo" foo-bar="foo-bar" foo-bar-="foo-bar-" -foo-bar="-foo-bar" -foo-bar-="-foo-bar-" foo-bar-baz="foo-bar-baz" -foo-bar-baz="-foo-bar-baz" foo--bar="foo--bar" `,
			map[string]string{
				"foo": "foo", "foo-bar": "foo-bar", "foo-bar-": "foo-bar-", "-foo-bar": "-foo-bar", "-foo-bar-": "-foo-bar-",
				"foo-bar-baz": "foo-bar-baz", "-foo-bar-baz": "-foo-bar-baz", "foo--bar": "foo--bar",
			},
			nil,
		},
		{` foo="asdf" bar="bing" `, map[string]string{"foo": "asdf", "bar": "bing"}, nil},
		{" 123", map[string]string{}, []string{"123"}},
		{" http://www.youtube.com/watch?v=eBGIQ7ZuuiU", map[string]string{}, []string{"http://www.youtube.com/watch?v=eBGIQ7ZuuiU"}},
		{` "something in quotes" "something else"`, map[string]string{}, []string{"something in quotes", "something else"}},
		{` 123 https://wordpress.org/ 0 "foo" bar`, map[string]string{}, []string{"123", "https://wordpress.org/", "0", "foo", "bar"}},
		{` 123 url=https://wordpress.org/ foo bar="baz"`, map[string]string{"url": "https://wordpress.org/", "bar": "baz"}, []string{"123", "foo"}},
		{" foo=\"bar\" \u00a0baz=\"123\"", map[string]string{"foo": "bar", "baz": "123"}, nil},
		{" foo=\"bar\" \u200babc=\"def\"", map[string]string{"foo": "bar", "abc": "def"}, nil},
		{` a="foo" b='bar' c=baz foo 'bar' "baz" `, map[string]string{"a": "foo", "b": "bar", "c": "baz"}, []string{"foo", "bar", "baz"}},
		{` 'something in quotes' "something else" 123 foo bar='baz' example="test" `, map[string]string{"bar": "baz", "example": "test"}, []string{"something in quotes", "something else", "123", "foo"}},
		{`title="unittest" link="https://unit.test/"`, map[string]string{"title": "unittest", "link": "https://unit.test/"}, nil},
		// Not from WordPress's tests: names are lowercased, C escapes are
		// undone, and a value with an unclosed tag is emptied.
		{`ID="1" t="a\tb\x41\101\q" u="<b>x</b>" v="<b x"`, map[string]string{"id": "1", "t": "a\tbAAq", "u": "<b>x</b>", "v": ""}, nil},
	}
	for _, tt := range tests {
		attrs, args := parseShortcodeAttrs(tt.in)
		if diff := cmp.Diff(tt.attrs, attrs); diff != "" {
			t.Errorf("parseShortcodeAttrs(%q) attributes mismatch (-want +got):\n%s", tt.in, diff)
		}
		if diff := cmp.Diff(tt.args, args); diff != "" {
			t.Errorf("parseShortcodeAttrs(%q) positional attributes mismatch (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestShortcodeUnautop(t *testing.T) {
	tests := []struct{ in, want string }{
		// test_spaces_around_shortcodes (ticket 22692)
		{`<p>[gallery ids="37,15,11"]</p>`, `[gallery ids="37,15,11"]`},
		{`<p> [gallery ids="37,15,11"] </p>`, `[gallery ids="37,15,11"]`},
		{"<p> \u00a0[gallery ids=\"37,15,11\"] \u00a0</p>", `[gallery ids="37,15,11"]`},
		{`<p> &nbsp;[gallery ids="37,15,11"] &nbsp;</p>`, `[gallery ids="37,15,11"]`},
		// test_shortcode_unautop (ticket 14050), with a registered tag.
		{wpautop("[gallery]\n", true), "[gallery]\n"},
		// Not from WordPress's tests.
		{`<p>[caption width="1"]<img src="a"> x[/caption]</p>`, `[caption width="1"]<img src="a"> x[/caption]`},
		{`<p>[caption width="1"]</p><p>x[/caption]</p>`, `[caption width="1"]</p><p>x[/caption]`},
		{`<p>[gallery] and text</p>`, `<p>[gallery] and text</p>`},
		{`<p>[[gallery]]</p>`, `<p>[[gallery]]</p>`},
		{`<p>[unknown]</p>`, `<p>[unknown]</p>`},
		{`<p>[gallery/]</p><p>[audio src="a.mp3" /]</p>`, `[gallery/][audio src="a.mp3" /]`},
	}
	for _, tt := range tests {
		if got := shortcodeUnautop(tt.in); got != tt.want {
			t.Errorf("shortcodeUnautop(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

// TestWordPressShortcodes renders each of Salon's shortcodes through
// RenderWordPress, so the expected output is what survives the post policy.
func TestWordPressShortcodes(t *testing.T) {
	const mp3 = "https://example.com/a.mp3"
	tests := []struct {
		name, in, want string
	}{
		{
			name: "caption",
			in:   `[caption id="attachment_1" align="alignright" width="300"]<a href="https://example.com/big.jpg"><img src="https://example.com/a.jpg" alt="A" width="300" height="200" /></a> Caption <em>text</em>[/caption]`,
			// The post policy drops the classes (see the report on policy.go).
			want: `<figure class="wp-caption alignright"><a href="https://example.com/big.jpg"><img src="https://example.com/a.jpg" alt="A" width="300" height="200"/></a><figcaption class="wp-caption-text">Caption <em>text</em></figcaption></figure>` + "\n",
		},
		{
			name: "old-style caption attribute",
			in:   `[caption caption="Old style" width="100"]<img src="a.jpg">[/caption]`,
			want: `<figure class="wp-caption alignnone"><img src="a.jpg"/><figcaption class="wp-caption-text">Old style</figcaption></figure>` + "\n",
		},
		{
			name: "caption without width is the bare image",
			in:   `[caption]<img src="a.jpg"> text[/caption]`,
			want: `<img src="a.jpg"/>` + "\n",
		},
		{
			name: "gallery and playlist render nothing",
			in:   "Photos:\n\n[gallery ids=\"1,2,3\" columns=\"2\"]\n\n[playlist ids=\"4\"]\n\nThe end.",
			want: "<p>Photos:</p>\n\n\n<p>The end.</p>\n",
		},
		{
			name: "embed",
			in:   "[embed width=\"500\"]https://vimeo.com/1234[/embed]",
			want: `<p class="embed"><a href="https://vimeo.com/1234">https://vimeo.com/1234</a></p>` + "\n",
		},
		{
			name: "embed of a bad URL is text",
			in:   "[embed]javascript:alert(1)[/embed]",
			want: "<p class=\"embed\">javascript:alert(1)</p>\n",
		},
		{
			name: "youtube, WordPress.com forms",
			in:   "[youtube=https://www.youtube.com/watch?v=SQEQr7c0-dw&amp;w=640]\n\n[youtube https://youtu.be/SQEQr7c0-dw]\n\n[youtube SQEQr7c0-dw]\n\n[vimeo 1234]",
			want: `<p class="embed"><a href="https://www.youtube.com/watch?v=SQEQr7c0-dw&amp;w=640">https://www.youtube.com/watch?v=SQEQr7c0-dw&amp;w=640</a></p>` + "\n" +
				`<p class="embed"><a href="https://youtu.be/SQEQr7c0-dw">https://youtu.be/SQEQr7c0-dw</a></p>` + "\n" +
				`<p class="embed"><a href="https://www.youtube.com/watch?v=SQEQr7c0-dw">https://www.youtube.com/watch?v=SQEQr7c0-dw</a></p>` + "\n" +
				`<p class="embed"><a href="https://vimeo.com/1234">https://vimeo.com/1234</a></p>` + "\n",
		},
		{
			name: "youtube without a URL stays as written",
			in:   "[youtube nothing here]",
			want: "<p>[youtube nothing here]</p>\n",
		},
		{
			name: "audio src",
			in:   `[audio src="` + mp3 + `" loop="on"]`,
			want: `<audio controls="" preload="none" loop="" src="` + mp3 + `"><a href="` + mp3 + `">` + mp3 + `</a></audio>` + "\n",
		},
		{
			name: "audio, WordPress.com positional form",
			in:   "[audio " + mp3 + "|titles=Song]",
			want: `<audio controls="" preload="none" src="` + mp3 + `"><a href="` + mp3 + `">` + mp3 + `</a></audio>` + "\n",
		},
		{
			name: "audio in several formats",
			in:   `[audio mp3="` + mp3 + `" ogg="https://example.com/a.ogg"]`,
			want: `<audio controls="" preload="none"><source type="audio/mpeg" src="` + mp3 + `"/><source type="audio/ogg" src="https://example.com/a.ogg"/><a href="` + mp3 + `">` + mp3 + `</a></audio>` + "\n",
		},
		{
			name: "audio of another type is a link",
			in:   `[audio src="https://example.com/a.txt"]`,
			want: `<a href="https://example.com/a.txt">https://example.com/a.txt</a>` + "\n",
		},
		{
			name: "audio without a file renders nothing",
			in:   `[audio]`,
			want: "\n",
		},
		{
			name: "video with tracks",
			in:   "[video mp4=\"https://example.com/v.mp4\" width=\"640\" height=\"360\" poster=\"https://example.com/p.jpg\"]\n<track kind=\"captions\" src=\"https://example.com/v.vtt\" srclang=\"en\">\n[/video]",
			want: `<video controls="" preload="metadata" width="640" height="360" poster="https://example.com/p.jpg" src="https://example.com/v.mp4"><track kind="captions" src="https://example.com/v.vtt" srclang="en"/><a href="https://example.com/v.mp4">https://example.com/v.mp4</a></video>` + "\n",
		},
		{
			name: "video of a YouTube page is a link",
			in:   `[video src="https://www.youtube.com/watch?v=SQEQr7c0-dw"]`,
			want: `<a href="https://www.youtube.com/watch?v=SQEQr7c0-dw">https://www.youtube.com/watch?v=SQEQr7c0-dw</a>` + "\n",
		},
		{
			name: "unknown shortcodes stay as written",
			in:   `Use [contact-form-7 id="12" title="Contact"] or [sic].`,
			want: "<p>Use [contact-form-7 id=&#34;12&#34; title=&#34;Contact&#34;] or [sic].</p>\n",
		},
		{
			name: "escaped shortcodes are literal",
			in:   `Write [[gallery]] or [[caption width="1"]x[/caption]].`,
			want: `<p>Write [gallery] or [caption width=&#34;1&#34;]x[/caption].</p>` + "\n",
		},
		{
			// As in WordPress, a caption expands shortcodes in its image
			// part only, and one without an image is left unexpanded.
			name: "nested: known inside unknown, and in a caption",
			in: "[box][audio src=\"" + mp3 + "\"][/box]\n\n" +
				"[caption width=\"10\"]<a href=\"big.jpg\" title=\"[audio src=x.mp3]\"><img src=\"a.jpg\"></a> Listen: [audio src=\"" + mp3 + "\"][/caption]\n\n" +
				"[caption width=\"10\"][audio src=\"" + mp3 + "\"] Listen[/caption]",
			want: `<p>[box]<audio controls="" preload="none" src="` + mp3 + `"><a href="` + mp3 + `">` + mp3 + `</a></audio>[/box]</p>` + "\n" +
				`<figure class="wp-caption alignnone"><a href="big.jpg" title="[audio src=x.mp3]"><img src="a.jpg"/></a><figcaption class="wp-caption-text">Listen: [audio src=&#34;` + mp3 + `&#34;]</figcaption></figure>` + "\n" +
				`[audio src=&#34;` + mp3 + `&#34;] Listen` + "\n",
		},
		{
			name: "never in pre or code",
			in:   "<pre>[gallery]\n[embed]https://example.com/[/embed]\n[audio src=\"" + mp3 + "\"]</pre>\n\nUse <code>[audio src=\"x.mp3\"]</code>.",
			want: "<pre>[gallery]\n[embed]https://example.com/[/embed]\n[audio src=&#34;" + mp3 + "&#34;]</pre>\n<p>Use <code>[audio src=&#34;x.mp3&#34;]</code>.</p>\n",
		},
		{
			name: "shortcode block",
			in:   "<!-- wp:shortcode -->\n[audio src=\"" + mp3 + "\"]\n<!-- /wp:shortcode -->",
			want: `<audio controls="" preload="none" src="` + mp3 + `"><a href="` + mp3 + `">` + mp3 + `</a></audio>` + "\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(RenderWordPress(tt.in).HTML); got != tt.want {
				t.Errorf("RenderWordPress(%q) = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
}
