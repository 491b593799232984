package blog

import (
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
func Slugify(s string) string {
	var b strings.Builder
	hyphen, afterLatin := false, false
	for _, r := range norm.NFKD.String(s) {
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
