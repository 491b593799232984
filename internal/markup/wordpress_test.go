package markup

import (
	"encoding/xml"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// autopCases are WordPress's own tests of wpautop, from
// tests/phpunit/tests/formatting/Functions_WpAutop_Test.php in
// WordPress/wordpress-develop (GPL-2.0-or-later). trim is true where the
// PHP test compares trim(wpautop(…)).
var autopCases = []struct {
	name      string
	in, want  string
	trim      bool
	withoutBr bool
}{
	{
		name: "test_first_post (ticket 11008), with fewer list items",
		in: `
Welcome to WordPress!  This post contains important information.  After you read it, you can make it private to hide it from visitors but still have the information handy for future reference.

First things first:
<ul>
<li><a href="%1$s" title="Subscribe to the WordPress mailing list for Release Notifications">Subscribe to the WordPress mailing list for release notifications</a></li>
</ul>
As a subscriber, you will receive an email every time an update is available (and only then).  This will make it easier to keep your site up to date, and secure from evildoers.
When a new version is released, <a href="%2$s" title="If you are already logged in, this will take you directly to the Dashboard">log in to the Dashboard</a> and follow the instructions.
Upgrading is a couple of clicks!

Then you can start enjoying the WordPress experience:
<ul>
<li>Edit your personal information at <a href="%3$s" title="Edit settings like your password, your display name and your contact information">Users &#8250; Profile</a></li>
<li>Start publishing at <a href="%4$s" title="Create a new post">Posts &#8250; Add New</a> and at <a href="%5$s" title="Create a new page">Pages &#8250; Add New</a></li>
</ul>
To keep this post for reference, <a href="%11$s" title="Click to edit the content and settings of this post">click to edit it</a>, go to the Publish box and change its Visibility from Public to Private.

Thank you for selecting WordPress.  We wish you happy publishing!

PS.  Not yet subscribed for update notifications?  <a href="%1$s" title="Subscribe to the WordPress mailing list for Release Notifications">Do it now!</a>
`,
		want: `<p>Welcome to WordPress!  This post contains important information.  After you read it, you can make it private to hide it from visitors but still have the information handy for future reference.</p>
<p>First things first:</p>
<ul>
<li><a href="%1$s" title="Subscribe to the WordPress mailing list for Release Notifications">Subscribe to the WordPress mailing list for release notifications</a></li>
</ul>
<p>As a subscriber, you will receive an email every time an update is available (and only then).  This will make it easier to keep your site up to date, and secure from evildoers.<br />
When a new version is released, <a href="%2$s" title="If you are already logged in, this will take you directly to the Dashboard">log in to the Dashboard</a> and follow the instructions.<br />
Upgrading is a couple of clicks!</p>
<p>Then you can start enjoying the WordPress experience:</p>
<ul>
<li>Edit your personal information at <a href="%3$s" title="Edit settings like your password, your display name and your contact information">Users &#8250; Profile</a></li>
<li>Start publishing at <a href="%4$s" title="Create a new post">Posts &#8250; Add New</a> and at <a href="%5$s" title="Create a new page">Pages &#8250; Add New</a></li>
</ul>
<p>To keep this post for reference, <a href="%11$s" title="Click to edit the content and settings of this post">click to edit it</a>, go to the Publish box and change its Visibility from Public to Private.</p>
<p>Thank you for selecting WordPress.  We wish you happy publishing!</p>
<p>PS.  Not yet subscribed for update notifications?  <a href="%1$s" title="Subscribe to the WordPress mailing list for Release Notifications">Do it now!</a></p>
`,
	},
	// test_skip_pre_elements (ticket 19855) uses sizzle.js, which is not
	// copied here; a short escaped script with a blank line stands in.
	{
		name: "test_skip_pre_elements: pre alone",
		in:   "<pre>var a = 1;\n\nif (a &lt; 2) {\n\treturn &quot;b&quot;;\n}</pre>",
		want: "<pre>var a = 1;\n\nif (a &lt; 2) {\n\treturn &quot;b&quot;;\n}</pre>",
		trim: true,
	},
	{
		name: "test_skip_pre_elements: text around pre",
		in:   "Look at this code\n\n<pre>var a = 1;\n\nb();</pre>\n\nIsn't that cool?",
		want: "<p>Look at this code</p>\n<pre>var a = 1;\n\nb();</pre>\n<p>Isn't that cool?</p>",
		trim: true,
	},
	{
		name: "test_skip_pre_elements: breaks in pre kept",
		in:   "Look at this code\n\n<pre>Line1<br />Line2<br>Line3<br/>Line4\nActual Line 2\nActual Line 3</pre>\n\nCool, huh?",
		want: "<p>Look at this code</p>\n<pre>Line1<br />Line2<br>Line3<br/>Line4\nActual Line 2\nActual Line 3</pre>\n<p>Cool, huh?</p>",
		trim: true,
	},
	{
		name: "test_skip_input_elements (ticket 16456)",
		in:   `Username: <input type="text" id="username" name="username" /><br />Password: <input type="password" id="password1" name="password1" />`,
		want: `<p>Username: <input type="text" id="username" name="username" /><br />Password: <input type="password" id="password1" name="password1" /></p>`,
		trim: true,
	},
	{
		name: "test_wrap_inline_math_elements (ticket 13340)",
		in:   `<math><mrow><msup><mi>a</mi><mn>2</mn></msup><mo>+</mo><msup><mi>b</mi><mn>2</mn></msup><mo>=</mo><msup><mi>c</mi><mn>2</mn></msup></mrow></math>`,
		want: `<p><math><mrow><msup><mi>a</mi><mn>2</mn></msup><mo>+</mo><msup><mi>b</mi><mn>2</mn></msup><mo>=</mo><msup><mi>c</mi><mn>2</mn></msup></mrow></math></p>`,
		trim: true,
	},
	{
		name: "test_skip_block_math_elements (ticket 13340), shortened",
		in:   "<math display=\"block\">\n\t<mtable>\n\t\t<mtr>\n\t\t\t<mtd><mi>a</mi></mtd>\n\t\t</mtr>\n\t</mtable>\n</math>",
		want: "<p><math display=\"block\">\n\t<mtable>\n\t\t<mtr>\n\t\t\t<mtd><mi>a</mi></mtd>\n\t\t</mtr>\n\t</mtable>\n</math></p>",
		trim: true,
	},
	{
		name: "test_source_track_elements (ticket 26864): one per line",
		in: "Paragraph one.\n\n" +
			"<video class=\"wp-video-shortcode\" id=\"video-0-1\" width=\"640\" height=\"360\" preload=\"metadata\" controls=\"controls\">\n" +
			"\t\t\t\t<source type=\"video/mp4\" src=\"http://domain.tld/wp-content/uploads/2013/12/xyz.mp4\" />\n" +
			"\t\t\t\t<!-- WebM/VP8 for Firefox4, Opera, and Chrome -->\n" +
			"\t\t\t\t<source type=\"video/webm\" src=\"myvideo.webm\" />\n" +
			"\t\t\t\t<!-- Ogg/Vorbis for older Firefox and Opera versions -->\n" +
			"\t\t\t\t<source type=\"video/ogg\" src=\"myvideo.ogv\" />\n" +
			"\t\t\t\t<!-- Optional: Add subtitles for each language -->\n" +
			"\t\t\t\t<track kind=\"subtitles\" src=\"subtitles.srt\" srclang=\"en\" />\n" +
			"\t\t\t\t<!-- Optional: Add chapters -->\n" +
			"\t\t\t\t<track kind=\"chapters\" src=\"chapters.srt\" srclang=\"en\" />\n" +
			"\t\t\t\t<a href=\"http://domain.tld/wp-content/uploads/2013/12/xyz.mp4\">http://domain.tld/wp-content/uploads/2013/12/xyz.mp4</a>\n" +
			"\t\t\t</video>" +
			"\n\nParagraph two.",
		want: sourceTrackWant,
		trim: true,
	},
	{
		name: "test_source_track_elements (ticket 26864): blank lines between",
		in: "Paragraph one.\n\n" +
			"<video class=\"wp-video-shortcode\" id=\"video-0-1\" width=\"640\" height=\"360\" preload=\"metadata\" controls=\"controls\">\n\n" +
			"\t\t\t<source type=\"video/mp4\" src=\"http://domain.tld/wp-content/uploads/2013/12/xyz.mp4\" />\n\n" +
			"\t\t\t<!-- WebM/VP8 for Firefox4, Opera, and Chrome -->\n" +
			"\t\t\t<source type=\"video/webm\" src=\"myvideo.webm\" />\n\n" +
			"\t\t\t<!-- Ogg/Vorbis for older Firefox and Opera versions -->\n" +
			"\t\t\t<source type=\"video/ogg\" src=\"myvideo.ogv\" />\n\n" +
			"\t\t\t<!-- Optional: Add subtitles for each language -->\n" +
			"\t\t\t<track kind=\"subtitles\" src=\"subtitles.srt\" srclang=\"en\" />\n\n" +
			"\t\t\t<!-- Optional: Add chapters -->\n" +
			"\t\t\t<track kind=\"chapters\" src=\"chapters.srt\" srclang=\"en\" />\n\n" +
			"\t\t\t<a href=\"http://domain.tld/wp-content/uploads/2013/12/xyz.mp4\">http://domain.tld/wp-content/uploads/2013/12/xyz.mp4</a>\n\n" +
			"\t\t\t</video>" +
			"\n\nParagraph two.",
		want: sourceTrackWant,
		trim: true,
	},
	{
		name: "test_source_track_elements (ticket 26864): shortcode",
		in: "Paragraph one.\n\n" +
			"[video width=\"720\" height=\"480\" mp4=\"http://domain.tld/wp-content/uploads/2013/12/xyz.mp4\"]\n" +
			"\t\t\t<!-- WebM/VP8 for Firefox4, Opera, and Chrome -->\n" +
			"\t\t\t<source type=\"video/webm\" src=\"myvideo.webm\" />\n" +
			"\t\t\t<!-- Ogg/Vorbis for older Firefox and Opera versions -->\n" +
			"\t\t\t<source type=\"video/ogg\" src=\"myvideo.ogv\" />\n" +
			"\t\t\t<!-- Optional: Add subtitles for each language -->\n" +
			"\t\t\t<track kind=\"subtitles\" src=\"subtitles.srt\" srclang=\"en\" />\n" +
			"\t\t\t<!-- Optional: Add chapters -->\n" +
			"\t\t\t<track kind=\"chapters\" src=\"chapters.srt\" srclang=\"en\" />\n" +
			"\t\t\t[/video]" +
			"\n\nParagraph two.",
		want: "<p>Paragraph one.</p>\n" +
			`<p>[video width="720" height="480" mp4="http://domain.tld/wp-content/uploads/2013/12/xyz.mp4"]` +
			`<!-- WebM/VP8 for Firefox4, Opera, and Chrome --><source type="video/webm" src="myvideo.webm" />` +
			`<!-- Ogg/Vorbis for older Firefox and Opera versions --><source type="video/ogg" src="myvideo.ogv" />` +
			`<!-- Optional: Add subtitles for each language --><track kind="subtitles" src="subtitles.srt" srclang="en" />` +
			`<!-- Optional: Add chapters --><track kind="chapters" src="chapters.srt" srclang="en" />` +
			"[/video]</p>\n" +
			"<p>Paragraph two.</p>",
		trim: true,
	},
	{
		name: "test_param_embed_elements (ticket 26864): object",
		in: "\nParagraph one.\n\n" +
			"<object width=\"400\" height=\"224\" classid=\"clsid:d27cdb6e-ae6d-11cf-96b8-444553540000\" codebase=\"http://download.macromedia.com/pub/shockwave/cabs/flash/swflash.cab#version=6,0,40,0\">\n" +
			"\t<param name=\"src\" value=\"http://domain.tld/wp-content/uploads/2013/12/xyz.swf\" />\n" +
			"\t<param name=\"allowfullscreen\" value=\"true\" />\n" +
			"\t<param name=\"allowscriptaccess\" value=\"always\" />\n" +
			"\t<param name=\"overstretch\" value=\"true\" />\n" +
			"\t<param name=\"flashvars\" value=\"isDynamicSeeking=true\" />\n\n" +
			"\t<embed width=\"400\" height=\"224\" type=\"application/x-shockwave-flash\" src=\"http://domain.tld/wp-content/uploads/2013/12/xyz.swf\" wmode=\"direct\" seamlesstabbing=\"true\" allowfullscreen=\"true\" overstretch=\"true\" flashvars=\"isDynamicSeeking=true\" />\n" +
			"</object>\n\nParagraph two.",
		want: "<p>Paragraph one.</p>\n" +
			`<p><object width="400" height="224" classid="clsid:d27cdb6e-ae6d-11cf-96b8-444553540000" codebase="http://download.macromedia.com/pub/shockwave/cabs/flash/swflash.cab#version=6,0,40,0">` +
			`<param name="src" value="http://domain.tld/wp-content/uploads/2013/12/xyz.swf" />` +
			`<param name="allowfullscreen" value="true" />` +
			`<param name="allowscriptaccess" value="always" />` +
			`<param name="overstretch" value="true" />` +
			`<param name="flashvars" value="isDynamicSeeking=true" />` +
			`<embed width="400" height="224" type="application/x-shockwave-flash" src="http://domain.tld/wp-content/uploads/2013/12/xyz.swf" wmode="direct" seamlesstabbing="true" allowfullscreen="true" overstretch="true" flashvars="isDynamicSeeking=true" />` +
			"</object></p>\n" +
			"<p>Paragraph two.</p>",
		trim: true,
	},
	{
		name: "test_param_embed_elements (ticket 26864): object in div",
		in: "\nParagraph one.\n\n" +
			"<div class=\"video-player\" id=\"x-video-0\">\n" +
			"<object classid=\"clsid:D27CDB6E-AE6D-11cf-96B8-444553540000\" width=\"640\" height=\"360\" id=\"video-0\" standby=\"Standby text\">\n" +
			"  <param name=\"movie\" value=\"http://domain.tld/wp-content/uploads/2013/12/xyz.swf\" />\n" +
			"  <param name=\"quality\" value=\"best\" />\n\n" +
			"  <param name=\"seamlesstabbing\" value=\"true\" />\n" +
			"  <param name=\"allowfullscreen\" value=\"true\" />\n" +
			"  <param name=\"allowscriptaccess\" value=\"always\" />\n" +
			"  <param name=\"overstretch\" value=\"true\" />\n\n" +
			"  <!--[if !IE]--><object type=\"application/x-shockwave-flash\" data=\"http://domain.tld/wp-content/uploads/2013/12/xyz.swf\" width=\"640\" height=\"360\" standby=\"Standby text\">\n" +
			"    <param name=\"quality\" value=\"best\" />\n\n" +
			"    <param name=\"seamlesstabbing\" value=\"true\" />\n" +
			"    <param name=\"allowfullscreen\" value=\"true\" />\n" +
			"    <param name=\"allowscriptaccess\" value=\"always\" />\n" +
			"    <param name=\"overstretch\" value=\"true\" />\n" +
			"  </object><!--<![endif]-->\n" +
			"</object></div>\n\nParagraph two.",
		want: "<p>Paragraph one.</p>\n" +
			"<div class=\"video-player\" id=\"x-video-0\">\n" +
			`<object classid="clsid:D27CDB6E-AE6D-11cf-96B8-444553540000" width="640" height="360" id="video-0" standby="Standby text">` +
			`<param name="movie" value="http://domain.tld/wp-content/uploads/2013/12/xyz.swf" />` +
			`<param name="quality" value="best" />` +
			`<param name="seamlesstabbing" value="true" />` +
			`<param name="allowfullscreen" value="true" />` +
			`<param name="allowscriptaccess" value="always" />` +
			`<param name="overstretch" value="true" />` +
			`<!--[if !IE]--><object type="application/x-shockwave-flash" data="http://domain.tld/wp-content/uploads/2013/12/xyz.swf" width="640" height="360" standby="Standby text">` +
			`<param name="quality" value="best" />` +
			`<param name="seamlesstabbing" value="true" />` +
			`<param name="allowfullscreen" value="true" />` +
			`<param name="allowscriptaccess" value="always" />` +
			`<param name="overstretch" value="true" /></object><!--<![endif]-->` +
			"</object></div>\n" +
			"<p>Paragraph two.</p>",
		trim: true,
	},
	{
		name: "test_skip_select_option_elements (ticket 22230)",
		in:   `Country: <select id="state" name="state"><option value="1">Alabama</option><option value="2">Alaska</option><option value="3">Arizona</option><option value="4">Arkansas</option><option value="5">California</option></select>`,
		want: `<p>Country: <select id="state" name="state"><option value="1">Alabama</option><option value="2">Alaska</option><option value="3">Arizona</option><option value="4">Arkansas</option><option value="5">California</option></select></p>`,
		trim: true,
	},
	{
		name: "test_that_wpautop_does_not_wrap_blockquotes_but_does_autop_their_contents (ticket 27268)",
		in:   "<blockquote>foo</blockquote>",
		want: "<blockquote><p>foo</p></blockquote>",
		trim: true,
	},
	{
		name: "test_element_sanity (ticket 33106): newline in a tag",
		in:   "Hello <a\nhref='world'>",
		want: "<p>Hello <a\nhref='world'></p>\n",
	},
	{
		name: "test_element_sanity (ticket 33106): newline in a comment",
		in:   "Hello <!-- a\nhref='world' -->",
		want: "<p>Hello <!-- a\nhref='world' --></p>\n",
	},
	{
		name: "test_element_sanity (ticket 33106): object in a comment",
		in:   "Hello <!-- <object>\n<param>\n<param>\n<embed>\n</embed>\n</object>\n -->",
		want: "<p>Hello <!-- <object>\n<param>\n<param>\n<embed>\n</embed>\n</object>\n --></p>\n",
	},
	{
		name: "test_element_sanity (ticket 33106): self-closing params in a comment",
		in:   "Hello <!-- <object>\n<param/>\n<param/>\n<embed>\n</embed>\n</object>\n -->",
		want: "<p>Hello <!-- <object>\n<param/>\n<param/>\n<embed>\n</embed>\n</object>\n --></p>\n",
	},
	{
		name: "test_element_sanity (ticket 33106): CDATA",
		in:   "Hello <![CDATA[ a\nhttps://youtu.be/jgz0uSaOZbE\n ]]>",
		want: "<p>Hello <![CDATA[ a\nhttps://youtu.be/jgz0uSaOZbE\n ]]></p>\n",
	},
	{
		name: "test_element_sanity (ticket 33106): comment in CDATA",
		in:   "Hello <![CDATA[ <!-- a\nhttps://youtu.be/jgz0uSaOZbE\n a\n9 ]]> -->",
		want: "<p>Hello <![CDATA[ <!-- a\nhttps://youtu.be/jgz0uSaOZbE\n a\n9 ]]> --></p>\n",
	},
	{
		name: "test_element_sanity (ticket 33106): comment closed in CDATA",
		in:   "Hello <![CDATA[ <!-- a\nhttps://youtu.be/jgz0uSaOZbE\n a\n9 --> a\n9 ]]>",
		want: "<p>Hello <![CDATA[ <!-- a\nhttps://youtu.be/jgz0uSaOZbE\n a\n9 --> a\n9 ]]></p>\n",
	},
	{
		name: "test_that_wpautop_skips_line_breaks_after_br (ticket 33377)",
		in:   "\nline 1<br>\nline 2<br/>\nline 3<br />\nline 4\nline 5\n",
		want: "<p>line 1<br />\nline 2<br />\nline 3<br />\nline 4<br />\nline 5</p>",
		trim: true,
	},
	{
		name: "test_that_wpautop_adds_a_paragraph_after_multiple_br (ticket 33377)",
		in:   "\nline 1<br>\n<br/>\nline 2<br/>\n<br />\n",
		want: "<p>line 1</p>\n<p>line 2</p>",
		trim: true,
	},
	{
		name: "test_that_text_before_blocks_is_wrapped_in_a_paragraph (ticket 4857)",
		in:   "a<div>b</div>",
		want: "<p>a</p>\n<div>b</div>",
		trim: true,
	},
	{
		name: "test_that_wpautop_does_not_add_extra_closing_p_in_figure (ticket 39307): one line",
		in:   `<figure><img src="example.jpg" /><figcaption>Caption</figcaption></figure>`,
		want: `<figure><img src="example.jpg" /><figcaption>Caption</figcaption></figure>`,
		trim: true,
	},
	{
		name: "test_that_wpautop_does_not_add_extra_closing_p_in_figure (ticket 39307): lines",
		in:   "<figure>\n<img src=\"example.jpg\" />\n<figcaption>Caption</figcaption>\n</figure>",
		want: "<figure>\n<img src=\"example.jpg\" /><figcaption>Caption</figcaption></figure>",
		trim: true,
	},
	{
		name: "test_the_hr_is_not_wrapped_in_a_paragraph (ticket 14674)",
		in:   "paragraph1<hr>paragraph2",
		want: "<p>paragraph1</p>\n<hr>\n<p>paragraph2</p>",
		trim: true,
	},
	{
		name: "test_that_wpautop_ignores_inline_svgs (ticket 9437)",
		in:   "<svg xmlns=\"http://www.w3.org/2000/svg\">\n\t\t\t\t<circle cx=\"50\" cy=\"50\" r=\"30\" fill=\"blue\">\n\t\t\t\t\t<animateTransform attributeName=\"transform\" type=\"scale\" to=\"1.5\" dur=\"2s\" fill=\"freeze\"/>\n\t\t\t\t</circle>\n\t\t\t</svg>",
		want: "<p><svg xmlns=\"http://www.w3.org/2000/svg\">\n\t\t\t\t<circle cx=\"50\" cy=\"50\" r=\"30\" fill=\"blue\">\n\t\t\t\t\t<animateTransform attributeName=\"transform\" type=\"scale\" to=\"1.5\" dur=\"2s\" fill=\"freeze\"/>\n\t\t\t\t</circle>\n\t\t\t</svg></p>",
		trim: true,
	},
	{
		name: "test_that_wpautop_ignores_inline_scripts (ticket 9437)",
		in:   "<script type=\"text/javascript\">\n\t\t\t\tvar dummy = 1;\n\t\t\t</script>",
		want: "<p><script type=\"text/javascript\">\n\t\t\t\tvar dummy = 1;\n\t\t\t</script></p>",
		trim: true,
	},
	// Cases not from WordPress's tests, for the parts of the port written
	// as code rather than as a regular expression.
	{
		name: "empty",
		in:   " \n\t\n",
		want: "",
	},
	{
		name:      "without br, single newlines stay",
		in:        "a\nb\n\nc",
		want:      "<p>a\nb</p>\n<p>c</p>\n",
		withoutBr: true,
	},
	{
		name: "lookbehind: a space between <br /> and the newline",
		in:   "a<br /> \nb",
		want: "<p>a<br /> <br />\nb</p>\n",
	},
	{
		name: "CRLF",
		in:   "a\r\nb\r\n\r\nc",
		want: "<p>a<br />\nb</p>\n<p>c</p>\n",
	},
	{
		name: "stray </pre> after a pre is dropped, as in WordPress",
		in:   "<pre>x</pre>a</pre>b",
		want: "<pre>x</pre>\n<p>ab</p>\n",
	},
	{
		name: "unclosed script keeps the newline rule",
		in:   "<script>a\nb",
		want: "<p><script>a<br />\nb</p>\n",
	},
	{
		name: "block comments alone in paragraphs are left to the caller",
		in:   "<!-- wp:paragraph -->\n<p>a</p>\n<!-- /wp:paragraph -->",
		want: "<p><!-- wp:paragraph --></p>\n<p>a</p>\n<p><!-- /wp:paragraph --></p>\n",
	},
}

const sourceTrackWant = "<p>Paragraph one.</p>\n" +
	`<p><video class="wp-video-shortcode" id="video-0-1" width="640" height="360" preload="metadata" controls="controls">` +
	`<source type="video/mp4" src="http://domain.tld/wp-content/uploads/2013/12/xyz.mp4" />` +
	`<!-- WebM/VP8 for Firefox4, Opera, and Chrome -->` +
	`<source type="video/webm" src="myvideo.webm" />` +
	`<!-- Ogg/Vorbis for older Firefox and Opera versions -->` +
	`<source type="video/ogg" src="myvideo.ogv" />` +
	`<!-- Optional: Add subtitles for each language -->` +
	`<track kind="subtitles" src="subtitles.srt" srclang="en" />` +
	`<!-- Optional: Add chapters -->` +
	`<track kind="chapters" src="chapters.srt" srclang="en" />` +
	`<a href="http://domain.tld/wp-content/uploads/2013/12/xyz.mp4">` +
	"http://domain.tld/wp-content/uploads/2013/12/xyz.mp4</a></video></p>\n" +
	"<p>Paragraph two.</p>"

func TestWPAutop(t *testing.T) {
	for _, tt := range autopCases {
		t.Run(tt.name, func(t *testing.T) {
			got := wpautop(tt.in, !tt.withoutBr)
			if tt.trim {
				got = strings.TrimSpace(got)
			}
			if got != tt.want {
				t.Errorf("wpautop(%q) = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
}

// Also from Functions_WpAutop_Test.php: test_that_wpautop_treats_block_level_elements_as_blocks
// and test_that_wpautop_treats_inline_elements_as_inline (ticket 27268).
func TestWPAutopBlockAndInlineElements(t *testing.T) {
	blocks := []string{
		"table", "thead", "tfoot", "caption", "col", "colgroup", "tbody", "tr", "td", "th", "div", "dl", "dd",
		"dt", "ul", "ol", "li", "pre", "form", "map", "area", "address", "style", "p", "h1", "h2", "h3", "h4",
		"h5", "h6", "fieldset", "legend", "section", "article", "aside", "hgroup", "header", "footer", "nav",
		"figure", "details", "menu", "summary",
	}
	var content, empty, withAttr, emptyWant []string
	for _, b := range blocks {
		content = append(content, "<"+b+">foo</"+b+">")
		empty = append(empty, "<"+b+"/>")
		withAttr = append(withAttr, "<"+b+" attr='value'>foo</"+b+">")
	}
	emptyWant = empty
	for _, tt := range []struct{ in, want string }{
		{strings.Join(content, "\n\n"), strings.Join(content, "\n")},
		{strings.Join(content, ""), strings.Join(content, "\n")},
		{strings.Join(empty, ""), strings.Join(emptyWant, "\n")},
		{strings.Join(withAttr, ""), strings.Join(withAttr, "\n")},
	} {
		if got := strings.TrimSpace(wpautop(tt.in, true)); got != tt.want {
			t.Errorf("wpautop(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}

	inlines := []string{
		"a", "em", "strong", "small", "s", "cite", "q", "dfn", "abbr", "data", "time", "code", "var", "samp",
		"kbd", "sub", "sup", "i", "b", "u", "mark", "span", "del", "ins", "noscript", "select",
	}
	var in, want []string
	for _, e := range inlines {
		in = append(in, "<"+e+">foo</"+e+">")
		want = append(want, "<p><"+e+">foo</"+e+"></p>")
	}
	if got := strings.TrimSpace(wpautop(strings.Join(in, "\n\n"), true)); got != strings.Join(want, "\n") {
		t.Errorf("wpautop(inline elements) = %q; want %q", got, strings.Join(want, "\n"))
	}
}

// wpAllBlocks is wpautop's $allblocks as a pattern, for
// TestAutopScannersMatchPatterns.
const wpAllBlocks = `(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|map|area|blockquote|address|style|p|h[1-6]|hr|fieldset|legend|section|article|aside|hgroup|header|footer|nav|figure|figcaption|details|menu|summary)`

// TestAutopScannersMatchPatterns checks each scanner that stands in for one
// of wpautop's patterns against the pattern itself, translated to RE2, on
// the test inputs and on random strings of the fragments that matter to
// them.
func TestAutopScannersMatchPatterns(t *testing.T) {
	re := func(p string) *regexp.Regexp { return regexp.MustCompile(p) }
	blockOpen := re(`(<` + wpAllBlocks + `[\t\n\v\f\r />])`)
	blockClose := re(`(</` + wpAllBlocks + `>)`)
	wrapped := re(`<p>` + wpSpace + `*(</?` + wpAllBlocks + `[^>]*>)` + wpSpace + `*</p>`)
	pBefore := re(`<p>` + wpSpace + `*(</?` + wpAllBlocks + `[^>]*>)`)
	pAfter := re(`(</?` + wpAllBlocks + `[^>]*>)` + wpSpace + `*</p>`)
	brAfter := re(`(</?` + wpAllBlocks + `[^>]*>)` + wpSpace + `*<br />`)
	scanners := []struct {
		name    string
		scanner func(string) string
		pattern func(string) string
	}{
		{"blockTagBreaks", blockTagBreaks, func(s string) string {
			return blockClose.ReplaceAllString(blockOpen.ReplaceAllString(s, "\n\n$1"), "$1\n\n")
		}},
		{"unwrapBlockTags", unwrapBlockTags, func(s string) string { return wrapped.ReplaceAllString(s, "$1") }},
		{"dropPBeforeBlockTags", dropPBeforeBlockTags, func(s string) string { return pBefore.ReplaceAllString(s, "$1") }},
		{"dropAfterBlockTags </p>", func(s string) string { return dropAfterBlockTags(s, "</p>") }, func(s string) string { return pAfter.ReplaceAllString(s, "$1") }},
		{"dropAfterBlockTags <br />", func(s string) string { return dropAfterBlockTags(s, "<br />") }, func(s string) string { return brAfter.ReplaceAllString(s, "$1") }},
	}
	var inputs []string
	for _, c := range autopCases {
		inputs = append(inputs, c.in, c.want)
	}
	fragments := []string{
		"<p>", "</p>", "<p", "<p ", "<div>", "</div>", "<div/>", "<pre>", "<param>", "<col", "group>", "<colgroup>",
		"<h1>", "<h7>", "</h6>", "<br />", "<br/>", "<hr>", "<blockquote class='a'>", "<span>", "<tr", "<track>",
		"<", ">", "/", " ", "\n", "\t", "\v", "x", "</", "<<", "<!-- c -->",
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		var b strings.Builder
		for range rng.IntN(12) {
			b.WriteString(fragments[rng.IntN(len(fragments))])
		}
		inputs = append(inputs, b.String())
	}
	for _, sc := range scanners {
		for _, in := range inputs {
			if got, want := sc.scanner(in), sc.pattern(in); got != want {
				t.Errorf("%s(%q) = %q; the pattern gives %q", sc.name, in, got, want)
			}
		}
	}
}

func TestWPHTMLSplit(t *testing.T) {
	// From tests/phpunit/tests/formatting/Functions_WpHtmlSplit_Test.php,
	// and the unterminated forms.
	tests := []struct {
		in   string
		want []string
	}{
		{"abcd <html> efgh", []string{"abcd ", "<html>", " efgh"}},
		{"abcd <!-- <html> --> efgh", []string{"abcd ", "<!-- <html> -->", " efgh"}},
		{"abcd <![CDATA[ <html> ]]> efgh", []string{"abcd ", "<![CDATA[ <html> ]]>", " efgh"}},
		{"<!-->x", []string{"", "<!-->", "x"}},
		{"<!--->x", []string{"", "<!--->", "x"}},
		{"a <!-- open", []string{"a ", "<!-- open", ""}},
		{"a < b", []string{"a ", "< b", ""}},
		{"", []string{""}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, wpHTMLSplit(tt.in)); diff != "" {
			t.Errorf("wpHTMLSplit(%q) mismatch (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestDoBlocks(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{
			name: "static blocks keep their HTML",
			in:   "<!-- wp:paragraph {\"className\":\"x\"} -->\n<p class=\"x\">a</p>\n<!-- /wp:paragraph -->",
			want: "\n<p class=\"x\">a</p>\n",
		},
		{
			name: "void and dynamic blocks give nothing",
			in:   "a<!-- wp:latest-posts {\"postsToShow\":3} /-->b<!-- wp:archives -->saved<!-- /wp:archives -->c<!-- wp:spacer /-->d<!-- wp:calendar /-->e<!-- wp:search\n/-->f",
			want: "abcdef",
		},
		{
			name: "nested blocks, dynamic inside static",
			in:   "<!-- wp:group --><div><!-- wp:search {\"label\":\"Search\"} /--><!-- wp:query {} --><ul><li>x</li></ul><!-- /wp:query --></div><!-- /wp:group -->",
			want: "<div></div>",
		},
		{
			name: "namespaced blocks are static unless core",
			in:   "<!-- wp:core-embed/youtube {\"url\":\"u\"} --><figure>u</figure><!-- /wp:core-embed/youtube --><!-- wp:jetpack/search --><p>j</p><!-- /wp:jetpack/search --><!-- wp:core/rss {} /-->",
			want: "<figure>u</figure><p>j</p>",
		},
		{
			name: "shortcode block gets paragraphs",
			in:   "<!-- wp:shortcode -->\n[gallery]\nsecond line\n<!-- /wp:shortcode -->",
			want: "<p>[gallery]<br />\nsecond line</p>\n",
		},
		{
			name: "a closer ends the innermost block whatever it names",
			in:   "<!-- wp:group --><div><!-- wp:latest-comments -->x<!-- /wp:group -->y</div><!-- /wp:latest-comments -->",
			want: "<div>y</div>",
		},
		{
			name: "a stray closer is dropped",
			in:   "a<!-- /wp:paragraph -->b",
			want: "ab",
		},
		{
			name: "an unclosed dynamic block runs to the end",
			in:   "a<!-- wp:calendar -->b",
			want: "a",
		},
		{
			name: "attributes holding braces and -->-like text",
			in:   "<!-- wp:html {\"a\":{\"b\":\"}}\"},\"c\":\"--> x\"} -->h<!-- /wp:html -->",
			want: "h",
		},
		{
			name: "not delimiters",
			in:   "<!--wp:x --><!-- wp:x--><!-- wp:X --><!-- note -->",
			want: "<!--wp:x --><!-- wp:x--><!-- wp:X --><!-- note -->",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := doBlocks(tt.in); got != tt.want {
				t.Errorf("doBlocks(%q) = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestRenderWordPress(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Document
	}{
		{
			name: "paragraphs and line breaks",
			in:   "First line\nsecond line\n\nNew paragraph with \"quotes\" -- as typed :-)",
			want: Document{HTML: "<p>First line<br/>\nsecond line</p>\n<p>New paragraph with &#34;quotes&#34; -- as typed :-)</p>\n"},
		},
		{
			name: "raw headings get ids and anchors, as in RenderPost",
			in:   "<h2>Day one</h2>\nText",
			want: Document{HTML: "<h2 id=\"day-one\">Day one <a class=\"anchor\" href=\"#day-one\" aria-label=\"Permalink: Day one\">#</a></h2>\n<p>Text</p>\n"},
		},
		{
			name: "more marker",
			in:   "Intro.\n\n<!--more-->\n\nRest.",
			want: Document{HTML: "<p>Intro.</p>\n<p>Rest.</p>\n", Summary: "<p>Intro.</p>\n"},
		},
		{
			name: "more marker with a label, inline",
			in:   "Intro <!--more Keep reading-->rest.",
			want: Document{HTML: "<p>Intro rest.</p>\n", Summary: "<p>Intro </p>\n"},
		},
		{
			name: "only the first more marker splits",
			in:   "One.\n\n<!--more-->\n\nTwo.\n\n<!--more-->\n\nThree.",
			want: Document{HTML: "<p>One.</p>\n<p>Two.</p>\n<p>Three.</p>\n", Summary: "<p>One.</p>\n"},
		},
		{
			name: "noteaser leaves the teaser out of the body",
			in:   "Teaser.\n<!--more--><!--noteaser-->\n\nBody.",
			want: Document{HTML: "<p>Body.</p>\n", Summary: "<p>Teaser.</p>\n"},
		},
		{
			name: "more block",
			in:   "<!-- wp:paragraph -->\n<p>Before.</p>\n<!-- /wp:paragraph -->\n\n<!-- wp:more -->\n<!--more-->\n<!-- /wp:more -->\n\n<!-- wp:paragraph -->\n<p>After.</p>\n<!-- /wp:paragraph -->",
			want: Document{
				HTML:    "\n<p>Before.</p>\n\n\n\n\n\n\n\n<p>After.</p>\n",
				Summary: "\n<p>Before.</p>\n\n\n\n",
			},
		},
		{
			name: "pages render as one",
			in:   "Page 1\n\n<!--nextpage-->\n\nPage 2\n<!-- wp:nextpage --><!--nextpage--><!-- /wp:nextpage -->Page 3",
			want: Document{HTML: "<p>Page 1</p>\n<p>Page 2</p>\n<p>Page 3</p>\n"},
		},
		{
			name: "blank lines around nextpage",
			in:   "One\n\n<!--nextpage-->\n\nTwo",
			want: Document{HTML: "<p>One</p>\n<p>Two</p>\n"},
		},
		{
			name: "a page with blocks gets no paragraphs, a page without does",
			in:   "Classic\nlines<!--nextpage--><!-- wp:html -->Block\nlines<!-- /wp:html -->",
			want: Document{HTML: "<p>Classic<br/>\nlines</p>\nBlock\nlines"},
		},
		{
			name: "more marker on the second page",
			in:   "One<!--nextpage-->Two<!--more-->Three",
			want: Document{HTML: "<p>One</p>\n<p>TwoThree</p>\n", Summary: "<p>One</p>\n<p>Two</p>\n"},
		},
		{
			name: "block comments make no empty paragraphs",
			in:   "<!-- wp:paragraph -->\n<p>A</p>\n<!-- /wp:paragraph -->\n\n<!-- wp:latest-posts {\"x\":1} /-->\n\n<!-- wp:paragraph -->\n<p>B</p>\n<!-- /wp:paragraph -->",
			want: Document{HTML: "\n<p>A</p>\n\n\n\n\n\n<p>B</p>\n"},
		},
		{
			name: "a URL alone on its line becomes an embed link",
			in:   "Watch:\n\nhttps://www.youtube.com/watch?v=SQEQr7c0-dw&amp;t=1\n\nor not.",
			want: Document{HTML: "<p>Watch:</p>\n<p class=\"embed\"><a href=\"https://www.youtube.com/watch?v=SQEQr7c0-dw&amp;t=1\">https://www.youtube.com/watch?v=SQEQr7c0-dw&amp;t=1</a></p>\n<p>or not.</p>\n"},
		},
		{
			name: "a URL alone in a block paragraph becomes an embed link",
			in:   "<!-- wp:paragraph -->\n<p>https://example.com/a</p>\n<!-- /wp:paragraph -->",
			want: Document{HTML: "\n<p class=\"embed\"><a href=\"https://example.com/a\">https://example.com/a</a></p>\n"},
		},
		{
			name: "a URL inside a sentence or in pre is left alone",
			in:   "See https://example.com/ here.\n\n<pre>\nhttps://example.com/\n</pre>",
			want: Document{HTML: "<p>See https://example.com/ here.</p>\n<pre>https://example.com/\n</pre>\n"},
		},
		{
			// wpautop put the script in a paragraph of its own.
			name: "script, style and event handlers are removed",
			in:   "<p onclick=\"x()\" style=\"color:red\">a</p><script>alert(1)</script><style>p{}</style>",
			want: Document{HTML: "<p>a</p>\n<p></p>\n\n"},
		},
		{
			name: "empty",
			in:   "",
			want: Document{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, RenderWordPress(tt.in)); diff != "" {
				t.Errorf("RenderWordPress(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

// makeClickableCases are from WordPress's
// tests/phpunit/tests/formatting/MakeClickable.php (GPL-2.0-or-later).
// WordPress writes & in a URL as &#038; where html.EscapeString writes
// &amp;, the same character.
var makeClickableCases = []struct{ in, want string }{
	// test_mailto_xss
	{`testzzz@"STYLE="behavior:url('#default#time2')"onBegin="alert('refresh-XSS')"`, `testzzz@"STYLE="behavior:url('#default#time2')"onBegin="alert('refresh-XSS')"`},
	// test_valid_mailto
	{"foo.bar@example.com", `<a href="mailto:foo.bar@example.com">foo.bar@example.com</a>`},
	{"Foo.Bar@a.b.c.d.example.com", `<a href="mailto:Foo.Bar@a.b.c.d.example.com">Foo.Bar@a.b.c.d.example.com</a>`},
	{"0@example.com", `<a href="mailto:0@example.com">0@example.com</a>`},
	// test_invalid_mailto
	{"foo@", "foo@"},
	{"foo@@example.com", "foo@@example.com"},
	{"@example.com", "@example.com"},
	{"foo @example.com", "foo @example.com"},
	{"foo@example", "foo@example"},
	// test_strip_trailing_with_protocol
	{"http://wordpress.org/hello.html", `<a href="http://wordpress.org/hello.html" rel="nofollow">http://wordpress.org/hello.html</a>`},
	{"There was a spoon named http://wordpress.org. Alice!", `There was a spoon named <a href="http://wordpress.org" rel="nofollow">http://wordpress.org</a>. Alice!`},
	{"There was a spoon named http://wordpress.org: said Alice.", `There was a spoon named <a href="http://wordpress.org" rel="nofollow">http://wordpress.org</a>: said Alice.`},
	{"There was a spoon named (http://wordpress.org) said Alice.", `There was a spoon named (<a href="http://wordpress.org" rel="nofollow">http://wordpress.org</a>) said Alice.`},
	{"There was a spoon named (http://wordpress.org)x", `There was a spoon named (<a href="http://wordpress.org" rel="nofollow">http://wordpress.org</a>)x`},
	// test_strip_trailing_without_protocol
	{"www.wordpress.org", `<a href="http://www.wordpress.org" rel="nofollow">http://www.wordpress.org</a>`},
	{"There was a spoon named www.wordpress.org, said Alice.", `There was a spoon named <a href="http://www.wordpress.org" rel="nofollow">http://www.wordpress.org</a>, said Alice.`},
	{"There was a spoon named www.wordpress.org)", `There was a spoon named <a href="http://www.wordpress.org" rel="nofollow">http://www.wordpress.org</a>)`},
	// test_iri (ticket 4570)
	{"http://www.詹姆斯.com/", `<a href="http://www.詹姆斯.com/" rel="nofollow">http://www.詹姆斯.com/</a>`},
	{"http://example.com/?a=баба&b=дядо", `<a href="http://example.com/?a=баба&amp;b=дядо" rel="nofollow">http://example.com/?a=баба&amp;b=дядо</a>`},
	// test_brackets_in_urls (ticket 10990)
	{"(http://en.wikipedia.org/wiki/PC_Tools_(Central_Point_Software))", `(<a href="http://en.wikipedia.org/wiki/PC_Tools_(Central_Point_Software)" rel="nofollow">http://en.wikipedia.org/wiki/PC_Tools_(Central_Point_Software)</a>)`},
	{"blah blah blah http://en.wikipedia.org/wiki/PC_Tools_(Central_Point_Software)) blah blah", `blah blah blah <a href="http://en.wikipedia.org/wiki/PC_Tools_(Central_Point_Software)" rel="nofollow">http://en.wikipedia.org/wiki/PC_Tools_(Central_Point_Software)</a>) blah blah`},
	{"blah blah http://en.wikipedia.org/wiki/PC_Tools_(Central_Point_Software).)moreurl blah blah", `blah blah <a href="http://en.wikipedia.org/wiki/PC_Tools_(Central_Point_Software)" rel="nofollow">http://en.wikipedia.org/wiki/PC_Tools_(Central_Point_Software)</a>.)moreurl blah blah`},
	// test_real_world_examples (ticket 11211)
	{"Some text followed by a bracketed link with a trailing elipsis (http://example.com)...", `Some text followed by a bracketed link with a trailing elipsis (<a href="http://example.com" rel="nofollow">http://example.com</a>)...`},
	// test_twitter_hash_bang (ticket 14993)
	{"This is a really good tweet http://twitter.com/#!/wordpress/status/25907440233!", `This is a really good tweet <a href="http://twitter.com/#!/wordpress/status/25907440233" rel="nofollow">http://twitter.com/#!/wordpress/status/25907440233</a>!`},
	// test_wrapped_in_angles
	{"URL wrapped in angle brackets <http://example.com/>", `URL wrapped in angle brackets <<a href="http://example.com/" rel="nofollow">http://example.com/</a>>`},
	{"URL wrapped in angle brackets with padding < http://example.com/ >", `URL wrapped in angle brackets with padding < <a href="http://example.com/" rel="nofollow">http://example.com/</a> >`},
	{"mailto wrapped in angle brackets <foo@example.com>", "mailto wrapped in angle brackets <foo@example.com>"},
	// test_preceded_by_punctuation
	{"Exclamation mark then URL!http://example.com/", `Exclamation mark then URL!<a href="http://example.com/" rel="nofollow">http://example.com/</a>`},
	// test_dont_break_attributes
	{`<a href="http://example.com/example.gif" title="Image from http://example.com">Look at this image!</a>`, `<a href="http://example.com/example.gif" title="Image from http://example.com">Look at this image!</a>`},
	// Not from WordPress's tests.
	{"<code>http://example.com</code> <pre>www.example.com</pre>", "<code>http://example.com</code> <pre>www.example.com</pre>"},
	{"javascript://example.com/%0Aalert(1)", "javascript://example.com/%0Aalert(1)"},
	{`<a href="http://example.com">www.example.com</a>`, `<a href="http://example.com">http://www.example.com</a>`},
}

func TestMakeClickable(t *testing.T) {
	for _, tt := range makeClickableCases {
		if got := makeClickable(tt.in); got != tt.want {
			t.Errorf("makeClickable(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestRenderWordPressComment(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want template.HTML
	}{
		{
			name: "paragraphs, line breaks and links",
			in:   "Great post!\nSee http://example.com/a and www.example.org.\n\nMail me@example.com",
			want: "<p>Great post!<br/>\nSee <a href=\"http://example.com/a\" rel=\"nofollow ugc noopener\">http://example.com/a</a> and " +
				"<a href=\"http://www.example.org\" rel=\"nofollow ugc noopener\">http://www.example.org</a>.</p>\n" +
				"<p>Mail <a href=\"mailto:me@example.com\" rel=\"nofollow ugc noopener\">me@example.com</a></p>\n",
		},
		{
			name: "only comment tags survive",
			in:   "<h2>Title</h2>\n<strong>ok</strong> <img src=\"http://example.com/x.png\"> <span style=\"x\">s</span>\n<blockquote cite=\"http://example.com/\">q</blockquote>",
			want: "Title\n<p><strong>ok</strong>  s</p>\n<blockquote cite=\"http://example.com/\"><p>q</p></blockquote>\n",
		},
		{
			name: "relative links are dropped",
			in:   `<a href="/local">here</a> and <a href="javascript:alert(1)">there</a>`,
			want: "<p>here and there</p>\n",
		},
		{
			name: "shortcodes are text",
			in:   "[gallery] [caption width=\"1\"]x[/caption]",
			want: "<p>[gallery] [caption width=&#34;1&#34;]x[/caption]</p>\n",
		},
		{
			name: "WordPress-exported multi-line comment (isso fixture)",
			in:   "When you have a comment with multiple lines:\nWordPress exports it like this.",
			want: "<p>When you have a comment with multiple lines:<br/>\nWordPress exports it like this.</p>\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := RenderWordPressComment(tt.in); got != tt.want {
				t.Errorf("RenderWordPressComment(%q) = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestWordPressGolden renders each testdata/wordpress/NAME.in.html and
// compares the body with NAME.golden.html and the summary with
// NAME.summary.golden.html. Inputs named comment-*.in.html are rendered
// as comments. SOURCE.md says where each input comes from.
func TestWordPressGolden(t *testing.T) {
	inputs, err := filepath.Glob(filepath.Join("testdata", "wordpress", "*.in.html"))
	if err != nil {
		t.Fatal(err)
	}
	if len(inputs) == 0 {
		t.Fatal("no testdata/wordpress/*.in.html")
	}
	for _, in := range inputs {
		base := strings.TrimSuffix(in, ".in.html")
		t.Run(filepath.Base(base), func(t *testing.T) {
			src, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			if strings.HasPrefix(filepath.Base(base), "comment-") {
				assertGolden(t, base+".golden.html", string(RenderWordPressComment(string(src))))
				return
			}
			d := RenderWordPress(string(src))
			assertGolden(t, base+".golden.html", string(d.HTML))
			assertGolden(t, base+".summary.golden.html", string(d.Summary))
		})
	}
}

// wxrDir holds the shared WordPress export samples.
const wxrDir = "../../../shared/testdata/wxr"

// TestWordPressGoldenInputsMatchExports checks that each golden input is,
// byte for byte, the body of the item SOURCE.md names in the shared WXR
// files, read here with encoding/xml alone.
func TestWordPressGoldenInputsMatchExports(t *testing.T) {
	if _, err := os.Stat(wxrDir); errors.Is(err, fs.ErrNotExist) {
		t.Skipf("skipping: %s is absent; it is shared/testdata/wxr, checked out beside the main repository", wxrDir)
	}
	for _, g := range goldenSources {
		t.Run(g.input, func(t *testing.T) {
			want, err := os.ReadFile(filepath.Join("testdata", "wordpress", g.input))
			if err != nil {
				t.Fatal(err)
			}
			got, err := wxrBody(filepath.Join(wxrDir, g.export), g.title, g.comment)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("%s differs from %q in %s; copy it again", g.input, g.title, g.export)
			}
		})
	}
}

// goldenSources says which export item each golden input was copied from:
// the body of the item with that title, or its comment-th comment (from 1).
var goldenSources = []struct {
	input, export, title string
	comment              int
}{
	{"html-tags-and-formatting.in.html", "wptt-themeunittestdata.wordpress.xml", "Markup: HTML Tags and Formatting", 0},
	{"image-alignment.in.html", "wptt-themeunittestdata.wordpress.xml", "Markup: Image Alignment", 0},
	{"post-format-gallery.in.html", "wptt-themeunittestdata.wordpress.xml", "Post Format: Gallery", 0},
	{"post-format-gallery-tiled.in.html", "wptt-themeunittestdata.wordpress.xml", "Post Format: Gallery (Tiled)", 0},
	{"post-format-audio.in.html", "wptt-themeunittestdata.wordpress.xml", "Post Format: Audio", 0},
	{"post-format-video-youtube.in.html", "wptt-themeunittestdata.wordpress.xml", "Post Format: Video (YouTube)", 0},
	{"post-format-image-caption.in.html", "wptt-themeunittestdata.wordpress.xml", "Post Format: Image (Caption)", 0},
	{"template-more-tag.in.html", "wptt-themeunittestdata.wordpress.xml", "Template: More Tag", 0},
	{"nested-and-mixed-lists.in.html", "wptt-themeunittestdata.wordpress.xml", "Edge Case: Nested And Mixed Lists", 0},
	{"block-category-widgets.in.html", "wptt-themeunittestdata.wordpress.xml", "Block category: Widgets", 0},
	{"block-category-embeds.in.html", "wptt-themeunittestdata.wordpress.xml", "Block category: Embeds", 0},
	{"block-paragraph.in.html", "wptt-64-block-test-data.xml", "Paragraph", 0},
	{"block-more.in.html", "wptt-64-block-test-data.xml", "More", 0},
	{"block-shortcode.in.html", "wptt-64-block-test-data.xml", "Shortcode", 0},
	{"block-classic.in.html", "wptt-64-block-test-data.xml", "Classic", 0},
	{"block-footnotes.in.html", "wptt-64-block-test-data.xml", "Footnotes", 0},
	{"comment-html-tags.in.html", "wptt-themeunittestdata.wordpress.xml", "Template: Comments", 1},
	{"comment-anonymous.in.html", "wptt-themeunittestdata.wordpress.xml", "Template: Comments", 2},
	{"comment-image.in.html", "wptt-themeunittestdata.wordpress.xml", "Template: Comments", 16},
}

// wxrBody returns the content of the first item titled title in the WXR
// file at path, or of its n-th comment when n > 0.
func wxrBody(path, title string, n int) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	var doc struct {
		Items []struct {
			Title    string `xml:"title"`
			Content  string `xml:"http://purl.org/rss/1.0/modules/content/ encoded"`
			Comments []struct {
				Content string `xml:"comment_content"`
			} `xml:"comment"`
		} `xml:"channel>item"`
	}
	if err := xml.NewDecoder(f).Decode(&doc); err != nil {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	for _, it := range doc.Items {
		if it.Title != title {
			continue
		}
		if n == 0 {
			return it.Content, nil
		}
		if n > len(it.Comments) {
			return "", fmt.Errorf("%q in %s has %d comments, not %d", title, path, len(it.Comments), n)
		}
		return it.Comments[n-1].Content, nil
	}
	return "", fmt.Errorf("no item %q in %s", title, path)
}

func TestWordPressXSSPayloads(t *testing.T) {
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
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			for payload := range strings.Lines(string(src)) {
				payload = strings.TrimRight(payload, "\r\n")
				// The payload alone, in each place a shortcode or block
				// puts author text into markup, and on both sides of a
				// more marker.
				for _, in := range []string{
					payload,
					"[caption width=\"300\" align=\"" + payload + "\"]<img src=\"a.png\"> " + payload + "[/caption]",
					"[audio src=\"" + payload + "\"] [video mp4=\"" + payload + ".mp4\" poster=\"" + payload + "\"]" + payload + "[/video]",
					"[embed]" + payload + "[/embed]\n[youtube=" + payload + "]",
					"<!-- wp:html -->" + payload + "<!-- /wp:html -->",
					"Intro\n\n" + payload + "\n<!--more-->\n" + payload,
				} {
					assertWordPressSafe(t, in)
				}
			}
		})
	}
}

func assertWordPressSafe(t *testing.T, in string) {
	t.Helper()
	d := RenderWordPress(in)
	for name, out := range map[string]template.HTML{
		"RenderWordPress":         d.HTML,
		"RenderWordPress summary": d.Summary,
		"RenderWordPressComment":  RenderWordPressComment(in),
	} {
		for _, p := range unsafeParts(t, string(out)) {
			t.Errorf("%s(%q) has %s in %q", name, in, p, out)
		}
	}
}

// TestRenderWordPressConcurrently renders the golden inputs from several
// goroutines at once; under -race it shows that the renderers hold no
// state.
func TestRenderWordPressConcurrently(t *testing.T) {
	inputs, err := filepath.Glob(filepath.Join("testdata", "wordpress", "*.in.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range inputs {
		src, err := os.ReadFile(in)
		if err != nil {
			t.Fatal(err)
		}
		want, wantComment := RenderWordPress(string(src)), RenderWordPressComment(string(src))
		for i := range 4 {
			t.Run(fmt.Sprintf("%s/%d", filepath.Base(in), i), func(t *testing.T) {
				t.Parallel()
				if diff := cmp.Diff(want, RenderWordPress(string(src))); diff != "" {
					t.Errorf("RenderWordPress(%s) differs when run concurrently (-first +now):\n%s", in, diff)
				}
				if got := RenderWordPressComment(string(src)); got != wantComment {
					t.Errorf("RenderWordPressComment(%s) differs when run concurrently", in)
				}
			})
		}
	}
}

// BenchmarkRenderWordPress renders "Markup: HTML Tags and Formatting" from
// the theme unit test data, about 1,000 words of classic-editor HTML,
// repeated until it is about 4,000 words long.
func BenchmarkRenderWordPress(b *testing.B) {
	part, err := os.ReadFile("testdata/wordpress/html-tags-and-formatting.in.html")
	if err != nil {
		b.Fatal(err)
	}
	var post strings.Builder
	for words := 0; words < 4000; words = len(strings.Fields(PlainText(RenderWordPress(post.String()).HTML))) {
		post.Write(part)
		post.WriteString("\n\n")
	}
	src := post.String()
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		RenderWordPress(src)
	}
}

func BenchmarkRenderWordPressComment(b *testing.B) {
	part, err := os.ReadFile("testdata/wordpress/comment-html-tags.in.html")
	if err != nil {
		b.Fatal(err)
	}
	src := string(part)
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		RenderWordPressComment(src)
	}
}

// Alignment survives: WordPress's layout classes are kept, any other class is dropped, and a class attribute of
// only other classes goes entirely.
func TestRenderWordPressKeepsLayoutClasses(t *testing.T) {
	tests := []struct{ in, want string }{
		{`<img class="alignright size-full wp-image-5 shiny" src="/a.jpg" alt="a">`, `<p><img class="alignright size-full wp-image-5" src="/a.jpg" alt="a"/></p>`},
		{`<img class="site-header" src="/a.jpg" alt="a">`, `<p><img src="/a.jpg" alt="a"/></p>`},
		{`<p class="has-text-align-center">Centred</p>`, `<p class="has-text-align-center">Centred</p>`},
		{`[caption id="attachment_1" align="aligncenter" width="300"]<img src="/b.jpg" alt="b"> Words[/caption]`, `class="wp-caption aligncenter"`},
	}
	for _, tt := range tests {
		got := string(RenderWordPress(tt.in).HTML)
		if !strings.Contains(got, tt.want) {
			t.Errorf("RenderWordPress(%q) = %q; want it to contain %q", tt.in, got, tt.want)
		}
	}
}
