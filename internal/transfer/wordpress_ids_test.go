package transfer_test

import (
	"context"
	"testing"

	"github.com/salon-blog/salon/internal/blog"
)

// idsExport names its author and categories by the IDs WordPress gave them, which /?author=ID and /?cat=ID carry.
const idsExport = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>IDs</title>
<link>http://ids.example</link>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>http://ids.example</wp:base_site_url>
<wp:base_blog_url>http://ids.example</wp:base_blog_url>
<wp:author><wp:author_id>12</wp:author_id><wp:author_login>ann</wp:author_login><wp:author_email>ann@ids.example</wp:author_email><wp:author_display_name>Ann</wp:author_display_name></wp:author>
<wp:category><wp:term_id>31</wp:term_id><wp:category_nicename>news</wp:category_nicename><wp:category_parent></wp:category_parent><wp:cat_name>News</wp:cat_name></wp:category>
<wp:category><wp:term_id>32</wp:term_id><wp:category_nicename>local</wp:category_nicename><wp:category_parent>news</wp:category_parent><wp:cat_name>Local</wp:cat_name></wp:category>
<wp:tag><wp:term_id>33</wp:term_id><wp:tag_slug>go</wp:tag_slug><wp:tag_name>Go</wp:tag_name></wp:tag>
<wp:term><wp:term_id>34</wp:term_id><wp:term_taxonomy>category</wp:term_taxonomy><wp:term_slug>sport</wp:term_slug><wp:term_parent></wp:term_parent><wp:term_name>Sport</wp:term_name></wp:term>
<item>
<title>Post</title>
<link>http://ids.example/?p=7</link>
<dc:creator>ann</dc:creator>
<content:encoded><![CDATA[Body.]]></content:encoded>
<wp:post_id>7</wp:post_id>
<wp:post_date_gmt>2020-01-02 10:00:00</wp:post_date_gmt>
<wp:status>publish</wp:status>
<wp:post_type>post</wp:post_type>
<category domain="category" nicename="local"><![CDATA[Local]]></category>
</item>
</channel>
</rss>
`

// An import remembers the WordPress IDs of authors and categories, and a second import of the same file finds
// them again rather than adding any.
func TestImportRemembersWordPressIDs(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	path := writeFile(t, idsExport)
	for range 2 {
		if _, err := importFile(t, st, "wordpress", path); err != nil {
			t.Fatal(err)
		}
		ann, err := st.UserByEmail(ctx, "ann@ids.example")
		if err != nil {
			t.Fatal(err)
		}
		if id, err := st.ImportedAuthorID(ctx, 12); err != nil || id != ann.ID {
			t.Errorf("ImportedAuthorID(12) = %d, %v; want %d (ann)", id, err, ann.ID)
		}
		for wpID, slug := range map[int64]string{31: "news", 32: "local", 34: "sport"} {
			c, err := st.TermBySlug(ctx, blog.Category, slug)
			if err != nil {
				t.Fatal(err)
			}
			if id, err := st.ImportedCategoryID(ctx, wpID); err != nil || id != c.ID {
				t.Errorf("ImportedCategoryID(%d) = %d, %v; want %d (%s)", wpID, id, err, c.ID, slug)
			}
		}
		if id, err := st.ImportedCategoryID(ctx, 33); err != nil || id != 0 {
			t.Errorf("ImportedCategoryID(33) = %d, %v; want 0: 33 is a tag", id, err)
		}
	}
}
