package blog_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/salon-blog/salon/internal/blog"
)

func TestSlugify(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"Hello, World!", "hello-world"},
		{"Café Société", "cafe-societe"},
		{"Crème brûlée à la carte", "creme-brulee-a-la-carte"},
		{"  --Hello -- World--  ", "hello-world"},
		{"Go 1.26: what's new?", "go-1-26-what-s-new"},
		{"a/b\\c_d.e", "a-b-c-d-e"},
		{"İstanbul", "istanbul"},
		{"Straße", "straße"},
		{"x²", "x2"},
		{"Привет, мир!", "привет-мир"},
		{"中文 标题", "中文-标题"},
		{"Ελληνικά", "ελληνικά"},
		{"🎉 Party 🎉", "party"},
		{"2024", "2024"},
		{"", ""},
		{"   ", ""},
		{"!!!", ""},
		{"🎉", ""},
		// Titles from WordPress are HTML: tags go, entities are read as the characters they stand for.
		{"Web post <em>with</em> & ampersand", "web-post-with-ampersand"},
		{"Markup: Title <em>With</em> <b>Mark<sup>up</sup></b>", "markup-title-with-markup"},
		{`<a href="/x" title="a > b">Link</a> text`, "link-text"},
		{"<!-- note -->Commented", "commented"},
		{"Caf&eacute; &amp; Cr&#232;me", "cafe-creme"},
		{"What&#8217;s new", "what-s-new"},
		{"&lt;em&gt; is emphasis", "em-is-emphasis"},
		{"1 < 2 > 0", "1-2-0"},
		{"I <3 Go", "i-3-go"},
		{"a <b", "a-b"},
		{"x<", "x"},
	}
	for _, tt := range tests {
		if got := blog.Slugify(tt.in); got != tt.want {
			t.Errorf("Slugify(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

// TestSlugifyMaxLen: MaxSlugLen "bounds a slug", so no title may give a longer one.
func TestSlugifyMaxLen(t *testing.T) {
	for _, title := range []string{
		strings.Repeat("word ", 100),    // 4+5k bytes: a hyphen falls at byte 199
		strings.Repeat("a", 199) + " b", // 201
		strings.Repeat("a", 199) + "中",  // 202
		strings.Repeat("a", 201),
	} {
		got := blog.Slugify(title)
		if len(got) > blog.MaxSlugLen || strings.HasSuffix(got, "-") {
			t.Errorf("Slugify(%q) = %q (%d bytes); want at most %d bytes, no trailing hyphen", title, got, len(got), blog.MaxSlugLen)
		}
	}
}

func TestSlugifyLongTitle(t *testing.T) {
	title := strings.Repeat("é中 ", 200)
	got := blog.Slugify(title)
	if !utf8.ValidString(got) || strings.HasSuffix(got, "-") || len(got) > blog.MaxSlugLen+utf8.UTFMax {
		t.Errorf("Slugify(%q) = %q (%d bytes); want valid UTF-8, about %d bytes, no trailing hyphen", title, got, len(got), blog.MaxSlugLen)
	}
	if err := blog.ValidateSlug(got); err != nil {
		t.Errorf("ValidateSlug(Slugify(long title)) = %v; want nil", err)
	}
}

// TestSlugifyIsIdempotent checks every code point: a slug made by Slugify must pass through it unchanged, or
// ValidateSlug would refuse the slugs Salon proposes.
func TestSlugifyIsIdempotent(t *testing.T) {
	if testing.Short() {
		t.Skip("walks every code point")
	}
	for r := rune(0); r <= utf8.MaxRune; r++ {
		s := blog.Slugify(string(r) + " x")
		if again := blog.Slugify(s); again != s {
			t.Errorf("Slugify(Slugify(%q)) = %q; want %q", string(r)+" x", again, s)
		}
	}
}

// TestSlugifyKeepsLetters covers scripts whose letters carry marks that are part of the letter, not accents to fold.
// Folding them changes the word, and for Korean the slug comes out decomposed, so that the slug a user types
// (composed, as keyboards produce it) is refused by ValidateSlug.
func TestSlugifyKeepsLetters(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"Чайковский", "чайковский"}, // got "чаиковскии": й is not и
		{"がっこう", "がっこう"},             // got "かっこう" (school becomes cuckoo)
		{"한국어", "한국어"},               // got the same word as conjoining jamo (NFD), which ValidateSlug("한국어") refuses
		{"हिन्दी", "हिन्दी"},         // got "ह-नद": vowel signs (Mc) become hyphens
	}
	for _, tt := range tests {
		if got := blog.Slugify(tt.in); got != tt.want {
			t.Errorf("Slugify(%q) = %q (% x); want %q (% x)", tt.in, got, got, tt.want, tt.want)
		}
		if err := blog.ValidateSlug(tt.want); err != nil {
			t.Errorf("ValidateSlug(%q) = %v; want nil", tt.want, err)
		}
	}
}

func TestValidateSlug(t *testing.T) {
	tests := []struct {
		slug string
		ok   bool
	}{
		{"hello-world", true},
		{"cafe-societe", true},
		{"привет-мир", true},
		{"中文-标题", true},
		{"2024-review", true},
		{"feed-2", true},
		{"pages", true},
		{"", false},
		{"Hello", false},
		{"hello world", false},
		{"hello--world", false},
		{"-hello", false},
		{"hello-", false},
		{"café", false},
		{"hello/world", false},
		{"feed", false},
		{"page", false},
		{"category", false},
		{"tag", false},
		{"author", false},
		{"admin", false},
		{"static", false},
		{"comments", false},
		{"healthz", false},
		{"wp-admin", false},
		{"wp-login-php", false},
		{"2024", false},
		{"05", false},
	}
	for _, tt := range tests {
		err := blog.ValidateSlug(tt.slug)
		switch {
		case tt.ok && err != nil:
			t.Errorf("ValidateSlug(%q) = %v; want nil", tt.slug, err)
		case !tt.ok && err == nil:
			t.Errorf("ValidateSlug(%q) = nil; want an error", tt.slug)
		case !tt.ok && blog.ErrorCode(err) != blog.EINVALID:
			t.Errorf("ValidateSlug(%q) code = %q; want %q", tt.slug, blog.ErrorCode(err), blog.EINVALID)
		}
	}
}

func TestValidateSlugSuggestsCanonicalForm(t *testing.T) {
	err := blog.ValidateSlug("Hello World")
	if msg := blog.ErrorMessage(err); !strings.Contains(msg, `"hello-world"`) {
		t.Errorf("ValidateSlug(%q) = %q; want it to suggest %q", "Hello World", msg, "hello-world")
	}
}

func TestSlugFor(t *testing.T) {
	tests := []struct {
		title, want string
	}{
		{"Hello, World!", "hello-world"},
		{"Café Société", "cafe-societe"},
		{"", "untitled"},
		{"???", "untitled"},
		{"Feed", "feed-2"},
		{"Page", "page-2"},
		{"Category", "category-2"},
		{"2024", "2024-2"},
		{"2024 in review", "2024-in-review"},
	}
	for _, tt := range tests {
		got := blog.SlugFor(tt.title)
		if got != tt.want {
			t.Errorf("SlugFor(%q) = %q; want %q", tt.title, got, tt.want)
		}
		if err := blog.ValidateSlug(got); err != nil {
			t.Errorf("ValidateSlug(SlugFor(%q)) = %v; want nil", tt.title, err)
		}
	}
}
