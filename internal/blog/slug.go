package blog

import (
	"html"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// MaxSlugLen bounds a slug, as WordPress's post_name column does.
const MaxSlugLen = 200

// Slugify makes a URL segment from a title: lower case, accents on Latin letters folded ("Café" → "cafe"),
// letters, digits and marks of every other script kept as written ("Чайковский", "हिन्दी"), everything else
// collapsed into single hyphens, at most MaxSlugLen bytes. It returns "" when nothing usable is left.
//
// HTML tags are dropped and entities decoded first, as WordPress's sanitize_title does, because titles imported
// from WordPress are HTML: "Web post <em>with</em> &amp; ampersand" gives "web-post-with-ampersand", not a slug
// with "em" in it.
func Slugify(s string) string {
	var b strings.Builder
	hyphen, afterLatin := false, false
	for _, r := range norm.NFKD.String(html.UnescapeString(stripTags(s))) {
		switch {
		case unicode.Is(unicode.M, r):
			if !afterLatin && b.Len() > 0 && !hyphen {
				b.WriteRune(r) // a vowel sign or diacritic that is part of the letter in its script
			}
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen, afterLatin = false, unicode.Is(unicode.Latin, r)
			b.WriteRune(unicode.ToLower(r))
		default:
			hyphen, afterLatin = true, false
		}
	}
	return truncateSlug(norm.NFC.String(b.String()))
}

// stripTags drops from s what a browser would read as tags or comments: a "<" followed by a letter, "/", "!" or
// "?", through the ">" that ends it, skipping any ">" in a quoted attribute value. Any other "<" is text, as in
// "1 < 2" or "I <3 Go", and so is a "<" that nothing closes, so that a title is never cut short.
func stripTags(s string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 || i+1 == len(s) {
			b.WriteString(s)
			return b.String()
		}
		end := -1
		if c := s[i+1]; c == '/' || c == '!' || c == '?' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' {
			end = tagEnd(s[i+1:])
		}
		if end < 0 {
			b.WriteString(s[:i+1])
			s = s[i+1:]
			continue
		}
		b.WriteString(s[:i])
		s = s[i+1+end+1:]
	}
}

// tagEnd returns the index in s, the rest of a tag after its "<", of the ">" that ends it, or -1 if none does.
func tagEnd(s string) int {
	var quote byte
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return i
		}
	}
	return -1
}

// truncateSlug cuts a slug to MaxSlugLen bytes on a rune boundary, without a trailing hyphen.
func truncateSlug(s string) string {
	if len(s) > MaxSlugLen {
		cut := MaxSlugLen
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut]
	}
	return strings.Trim(s, "-")
}

// ValidateSlug checks a slug a user typed: it must already be in the form Slugify produces, so that what the user
// asked for is exactly the URL they get.
func ValidateSlug(s string) error {
	if s == "" {
		return Errorf(EINVALID, "the slug is empty")
	}
	if Slugify(s) != s {
		return Errorf(EINVALID, "%q is not a valid slug: use lower-case letters, digits and single hyphens, such as %q", s, Slugify(s))
	}
	if isReservedSlug(s) {
		return Errorf(EINVALID, "%q cannot be used as a slug: Salon uses that URL itself", s)
	}
	return nil
}

// isReservedSlug reports slugs that would shadow one of the site's own URLs under the /slug/ permalink style, or
// that look like a date archive.
func isReservedSlug(s string) bool {
	switch s {
	case "admin", "api", "author", "avatar", "category", "comments", "feed", "healthz", "media", "page", "static", "tag", "wp-admin", "wp-content", "wp-json", "wp-login-php":
		return true
	}
	for _, r := range s {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}
