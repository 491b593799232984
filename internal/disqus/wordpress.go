package disqus

import (
	"net/url"
	"strconv"
	"strings"
)

// WordPressID returns the WordPress post ID in t.Ident when WordPress's Disqus plugin wrote it. The plugin's
// identifier is the post ID, one space and the post's GUID, an absolute http or https address, as in
// "123 http://example.com/?p=123"; any other Ident, including a bare number, reports false.
//
// The number is the one the plugin wrote when the thread was made. Old versions of the plugin wrote the ?p= of the
// GUID instead of the ID when the two differed (a post imported from another WordPress), so a caller matching posts
// should also try the GUID's ?p=, or Thread.ID against the post's "dsq_thread_id" meta value.
func (t *Thread) WordPressID() (int64, bool) {
	num, guid, ok := strings.Cut(t.Ident, " ")
	if !ok || num == "" || strings.TrimLeft(num, "0123456789") != "" {
		return 0, false
	}
	id, err := strconv.ParseInt(num, 10, 64)
	if err != nil || id <= 0 {
		return 0, false
	}
	if strings.ContainsAny(guid, " \t\r\n") {
		return 0, false
	}
	u, err := url.Parse(guid)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return 0, false
	}
	return id, true
}
