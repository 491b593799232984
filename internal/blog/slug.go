package blog

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// MaxSlugLen bounds a slug, as WordPress's post_name column does.
const MaxSlugLen = 200

// Slugify makes a URL segment from a title: lower case, accents folded ("Café" → "cafe"), letters and digits of any
// script kept, everything else collapsed into single hyphens. It returns "" when nothing usable is left.
func Slugify(s string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range norm.NFKD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(unicode.ToLower(r))
		default:
			hyphen = true
		}
		if b.Len() >= MaxSlugLen {
			break
		}
	}
	return strings.Trim(b.String(), "-")
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
	case "admin", "author", "category", "comments", "feed", "healthz", "page", "static", "tag", "wp-admin", "wp-content", "wp-json", "wp-login-php":
		return true
	}
	for _, r := range s {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}
