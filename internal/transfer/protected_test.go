package transfer_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/store"
)

// protectedExport is an export of one item, of the type, status and password given.
func protectedExport(typ, status, password string) string {
	return fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>Locked</title>
<link>http://locked.example</link>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>http://locked.example</wp:base_site_url>
<item>
<title>Diary</title>
<link>http://locked.example/?p=7</link>
<dc:creator>ann</dc:creator>
<content:encoded><![CDATA[Secret rendezvous at the lighthouse.]]></content:encoded>
<wp:post_id>7</wp:post_id>
<wp:post_date_gmt>2020-01-02 10:00:00</wp:post_date_gmt>
<wp:post_name>diary</wp:post_name>
<wp:status>%s</wp:status>
<wp:post_type>%s</wp:post_type>
<wp:post_password>%s</wp:post_password>
</item>
</channel>
</rss>
`, status, typ, password)
}

// Salon has no post passwords: a post WordPress kept behind one is imported as private, so that readers and the
// search see nothing of it until someone publishes it again, and the report says so.
func TestImportMakesProtectedPostsPrivate(t *testing.T) {
	tests := []struct {
		name                  string
		typ, status, password string
		wantStatus            blog.Status
		wantPosts, wantPages  int // Report.ProtectedPosts and ProtectedPages
		wantNote              string
	}{
		{"published post", "post", "publish", "enter", blog.StatusPrivate, 1, 0,
			"1 password-protected post was imported as private: Salon has no post passwords; publish it again when it may be public."},
		{"scheduled post", "post", "future", "enter", blog.StatusPrivate, 1, 0,
			"1 password-protected post was imported as private: Salon has no post passwords; publish it again when it may be public."},
		{"published page", "page", "publish", "enter", blog.StatusPrivate, 0, 1,
			"1 password-protected page was imported as private: Salon has no post passwords; publish it again when it may be public."},
		{"a password of spaces", "post", "publish", " ", blog.StatusPrivate, 1, 0,
			"1 password-protected post was imported as private: Salon has no post passwords; publish it again when it may be public."},
		{"draft", "post", "draft", "enter", blog.StatusDraft, 0, 0, ""},
		{"private already", "post", "private", "enter", blog.StatusPrivate, 0, 0, ""},
		{"no password", "post", "publish", "", blog.StatusPublish, 0, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := newStore(t)
			rep, err := importFile(t, st, "wordpress", writeFile(t, protectedExport(tt.typ, tt.status, tt.password)))
			if err != nil {
				t.Fatal(err)
			}
			p := postBySlug(t, st, "diary")
			if p.Status != tt.wantStatus {
				t.Errorf("imported %s %q with password %q as %q; want %q", tt.typ, tt.status, tt.password, p.Status, tt.wantStatus)
			}
			if rep.ProtectedPosts != tt.wantPosts || rep.ProtectedPages != tt.wantPages {
				t.Errorf("Report.ProtectedPosts, ProtectedPages = %d, %d; want %d, %d", rep.ProtectedPosts, rep.ProtectedPages, tt.wantPosts, tt.wantPages)
			}
			if got := slices.Contains(rep.Notes(), tt.wantNote); tt.wantNote != "" && !got {
				t.Errorf("Report.Notes() = %q; want it to hold %q", rep.Notes(), tt.wantNote)
			}
			found, _, err := st.SearchPosts(context.Background(), "lighthouse", blog.PostFilter{PublicAt: time.Now()})
			if err != nil {
				t.Fatal(err)
			}
			if public := tt.wantStatus == blog.StatusPublish; (len(found) > 0) != public {
				t.Errorf("a reader's search finds %d posts; want the post found only when it is public (%v)", len(found), public)
			}
		})
	}
}

// The theme unit test data's "Template: Password Protected" post, and its comment, stay out of readers' sight.
func TestImportMakesThemeUnitTestProtectedPostPrivate(t *testing.T) {
	st := newStore(t)
	rep, err := importFile(t, st, "wordpress", fixture(t, "wxr/wptt-themeunittestdata.wordpress.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if rep.ProtectedPosts != 1 || rep.ProtectedPages != 0 {
		t.Errorf("Report.ProtectedPosts, ProtectedPages = %d, %d; want 1, 0", rep.ProtectedPosts, rep.ProtectedPages)
	}
	if p := postBySlug(t, st, "template-password-protected"); p.Status != blog.StatusPrivate {
		t.Errorf("the password-protected post is %q; want private", p.Status)
	}
	found, _, err := st.SearchPosts(context.Background(), "pingbacks trackbacks visible", blog.PostFilter{PublicAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range found {
		t.Errorf("a reader's search finds %q", p.Title)
	}
}

// Importing a file again leaves a post the site has as it is: a protected post someone published since stays
// published, and the report counts nothing as made private.
func TestReimportLeavesProtectedPostAlone(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	path := writeFile(t, protectedExport("post", "publish", "enter"))
	if _, err := importFile(t, st, "wordpress", path); err != nil {
		t.Fatal(err)
	}
	p := postBySlug(t, st, "diary")
	p.Status = blog.StatusPublish
	if err := st.UpdatePost(ctx, &p, blog.PostTerms{}); err != nil {
		t.Fatal(err)
	}
	rep, err := importFile(t, st, "wordpress", path)
	if err != nil {
		t.Fatal(err)
	}
	if rep.ProtectedPosts != 0 || rep.Skipped != 1 || len(rep.Notes()) != 1 {
		t.Errorf("second import: ProtectedPosts %d, Skipped %d, Notes %q; want 0, 1 and only the skip", rep.ProtectedPosts, rep.Skipped, rep.Notes())
	}
	if again := postBySlug(t, st, "diary"); again.Status != blog.StatusPublish {
		t.Errorf("after the second import the post is %q; want it still published", again.Status)
	}
}

func postBySlug(t *testing.T, st *store.Store, slug string) blog.Post {
	t.Helper()
	p, _, err := st.PostBySlug(context.Background(), slug)
	if err != nil {
		t.Fatalf("post %q: %v", slug, err)
	}
	return p
}
