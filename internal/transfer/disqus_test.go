package transfer_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/disqus"
	"github.com/salon-blog/salon/internal/store"
	"github.com/salon-blog/salon/internal/wxr"
)

// readDisqus reads a whole (small) export with the disqus package, whose own tests check it against an
// independent parse of the same files.
func readDisqus(t *testing.T, path string) (threads []*disqus.Thread, posts []*disqus.Post) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := disqus.NewReader(f)
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return threads, posts
		}
		if err != nil {
			t.Fatal(err)
		}
		switch rec := rec.(type) {
		case *disqus.Thread:
			threads = append(threads, rec)
		case *disqus.Post:
			posts = append(posts, rec)
		}
	}
}

// A real Disqus export of a WordPress blog: the blog comes first (a WXR with a post for each thread the Disqus
// plugin made, under the WordPress ID its identifier carries), then its comments. Every comment lands on its post
// with its status and its parent; threads of pages that are not posts are reported with their comment counts.
func TestImportDisqusAfterWordPress(t *testing.T) {
	path := fixture(t, "disqus/kkdai-evanlin_20210517.xml")
	threads, posts := readDisqus(t, path)
	st := newStore(t)
	var wxrFile bytes.Buffer
	w, err := wxr.NewWriter(&wxrFile, wxr.Site{Title: "Evan Lin", Link: "http://www.evanlin.com", BaseSiteURL: "http://www.evanlin.com"})
	if err != nil {
		t.Fatal(err)
	}
	matched := map[string]bool{}
	for _, th := range threads {
		id, ok := th.WordPressID()
		if !ok || matched[th.ID] {
			continue
		}
		u, _ := url.Parse(th.Link)
		slug := strings.Trim(u.Path, "/")
		if i := strings.LastIndex(slug, "/"); i >= 0 {
			slug = slug[i+1:]
		}
		if slug == "" {
			continue
		}
		matched[th.ID] = true
		when := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(id) * time.Minute)
		if err := w.Item(wxr.Item{ID: id, Title: "Post " + slug, Link: th.Link, Creator: "evan", Content: "Text.", PostName: slug,
			Type: "post", Status: "publish", CommentStatus: "open", Date: when, DateGMT: when}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	blogPath := filepath.Join(t.TempDir(), "blog.xml")
	if err := os.WriteFile(blogPath, wxrFile.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := importFile(t, st, "wordpress", blogPath); err != nil {
		t.Fatal(err)
	}

	rep, err := importFile(t, st, "disqus", path)
	if err != nil {
		t.Fatal(err)
	}
	want := map[blog.CommentStatus]int{}
	wantReplies, unmatched := 0, 0
	for _, p := range posts {
		if !matched[p.ThreadID] {
			unmatched++
			continue
		}
		switch {
		case p.Spam:
			want[blog.CommentSpam]++
		case p.Deleted:
			want[blog.CommentTrash]++
		default:
			want[blog.CommentApproved]++
		}
		if p.ParentID != "" {
			wantReplies++
		}
	}
	got := map[blog.CommentStatus]int{}
	gotReplies := 0
	for _, c := range takeSnapshot(t, st).Comments {
		got[blog.CommentStatus(c.Status)]++
		if c.Parent != "" {
			gotReplies++
		}
	}
	if len(got) == 0 || want[blog.CommentApproved] == 0 {
		t.Fatalf("no comments matched: the test's blog is wrong")
	}
	for status, n := range want {
		if got[status] != n {
			t.Errorf("%d %s comments imported; want %d", got[status], status, n)
		}
	}
	if gotReplies != wantReplies {
		t.Errorf("%d replies imported; want %d", gotReplies, wantReplies)
	}
	reported := 0
	for _, u := range rep.Unmatched {
		reported += u.Comments
	}
	if reported != unmatched || rep.Comments+reported != len(posts) {
		t.Errorf("report: %d imported + %d unmatched; want %d + %d = %d", rep.Comments, reported, len(posts)-unmatched, unmatched, len(posts))
	}
	again, err := importFile(t, st, "disqus", path)
	if err != nil {
		t.Fatal(err)
	}
	if again.Comments != 0 || again.Skipped != rep.Comments {
		t.Errorf("second import: %d added, %d skipped; want 0 and %d", again.Comments, again.Skipped, rep.Comments)
	}
}

// Threads match posts by the slug at the end of their address too; a thread of the home page and a post whose
// thread is missing from the file are reported, not dropped silently.
func TestImportDisqusReportsUnmatched(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	p := addRedactedPost(t, st)
	rep, err := importFile(t, st, "disqus", fixture(t, "disqus/isso-disqus.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Comments != 1 {
		t.Errorf("imported %d comments; want the 1 on the redacted post", rep.Comments)
	}
	byLink := map[string]int{}
	for _, u := range rep.Unmatched {
		byLink[u.Link] = u.Comments
	}
	if byLink["http://example.org/"] != 4 || byLink["(thread 1337, not in the file)"] != 1 {
		t.Errorf("unmatched = %+v; want the home page's 4 comments and the orphan", rep.Unmatched)
	}
	got, err := st.Post(ctx, p.ID)
	if err != nil || got.CommentCount != 1 {
		t.Errorf("the post has %d comments, %v; want 1", got.CommentCount, err)
	}
}

func TestImportDisqusRefusesBadFiles(t *testing.T) {
	st := newStore(t)
	addRedactedPost(t, st)
	for name, body := range map[string]string{
		"not disqus":     `<?xml version="1.0"?><rss><channel/></rss>`,
		"truncated":      `<?xml version="1.0"?><disqus xmlns:dsq="http://disqus.com/disqus-internals"><thread dsq:id="1"><link>http://x/a/</link>`,
		"missing parent": `<?xml version="1.0"?><disqus xmlns:dsq="http://disqus.com/disqus-internals"><thread dsq:id="1"><link>http://x/redacted/</link></thread>` + "\n" + `<post dsq:id="2"><message>m</message><thread dsq:id="1"/><parent dsq:id="99"/></post></disqus>`,
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "d.xml")
			if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
				t.Fatal(err)
			}
			before, _ := st.Counts(context.Background())
			_, err := importFile(t, st, "disqus", path)
			if blog.ErrorCode(err) != blog.EINVALID || !strings.Contains(blog.ErrorMessage(err), "line ") {
				t.Errorf("error = %v; want one naming the line", err)
			}
			after, _ := st.Counts(context.Background())
			if before.String() != after.String() {
				t.Errorf("counts changed: %v → %v", before, after)
			}
		})
	}
}

// addRedactedPost adds the post that isso's Disqus fixture's thread 7 (…/2013/02/12/redacted/index.html) matches.
func addRedactedPost(t *testing.T, st *store.Store) blog.Post {
	t.Helper()
	ctx := context.Background()
	u := blog.User{Email: "a@example.com", Name: "A", Slug: "a", Role: blog.RoleAdmin}
	if err := st.CreateUser(ctx, &u); err != nil {
		t.Fatal(err)
	}
	p := blog.Post{Type: blog.TypePost, Title: "Redacted", Slug: "redacted", Body: "x", HTML: "<p>x</p>", Status: blog.StatusPublish,
		Published: time.Now(), Updated: time.Now(), AuthorID: u.ID, CommentsOpen: true}
	if err := st.CreatePost(ctx, &p, blog.PostTerms{}, false); err != nil {
		t.Fatal(err)
	}
	return p
}
