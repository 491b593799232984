package notify

import (
	"strings"

	"github.com/salon-blog/salon/internal/blog"
)

// CheckAddress refuses, before anything is sent, an address that could only bounce: its domain must be a host name
// of at least two labels, letters, digits and inner hyphens each, ending in an alphabetic top-level domain. The
// message is for the reader, next to the email field.
func CheckAddress(email string) error {
	bad := blog.Errorf(blog.EINVALID, "This email address cannot receive mail: check the part after the @.")
	at := strings.LastIndexByte(email, '@')
	if at <= 0 || at == len(email)-1 {
		return bad
	}
	domain := strings.TrimSuffix(strings.ToLower(email[at+1:]), ".")
	labels := strings.Split(domain, ".")
	if len(domain) > 253 || len(labels) < 2 {
		return bad
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return bad
		}
		for _, r := range l {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
				return bad
			}
		}
	}
	tld := labels[len(labels)-1]
	if len(tld) < 2 || !strings.HasPrefix(tld, "xn--") && strings.ContainsAny(tld, "0123456789-") {
		return bad
	}
	return nil
}
