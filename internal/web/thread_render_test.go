package web

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"text/template/parse"
	"time"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/comment"
	"github.com/salon-blog/salon/internal/post"
	"github.com/salon-blog/salon/internal/store"
)

// postTemplates parses the post page's templates as the server does.
func postTemplates(t testing.TB) *template.Template {
	t.Helper()
	a, err := loadAssets()
	if err != nil {
		t.Fatal(err)
	}
	v, err := loadViews(a)
	if err != nil {
		t.Fatal(err)
	}
	return v.pages["post"]
}

// sampleView is a comment view with every field set, for the tests to vary one at a time.
func sampleView() commentView {
	return commentView{
		ID: 42, Number: 7, Depth: 2, AuthorName: `Ann "A" <Writer>`, AuthorURL: "https://ann.example/?a=1&b=2",
		Avatar: "/avatar/0123456789abcdef0123.svg", Permalink: "/2024/06/10/post/comment-page-2/#comment-42",
		Date: dateView{ISO: "2024-06-10T12:01:00Z", Text: "June 10, 2024 at 12:01 pm"}, Timestamp: 1718020860,
		HTML: "<p>A <em>thought</em> &amp; more.</p>", Pending: false, ByPostAuthor: true,
		ReplyURL: "?replytocom=42#respond", EditURL: "/comments/42/edit/",
	}
}

// variants returns, for each field of commentView, the sample with that field changed.
func variants(t *testing.T) map[string]commentView {
	t.Helper()
	out := map[string]commentView{}
	typ := reflect.TypeFor[commentView]()
	for i := range typ.NumField() {
		v := sampleView()
		f := reflect.ValueOf(&v).Elem().Field(i)
		switch f.Kind() {
		case reflect.Int, reflect.Int64:
			f.SetInt(f.Int() + 1)
		case reflect.String:
			f.SetString(f.String() + "x")
		case reflect.Bool:
			f.SetBool(!f.Bool())
		case reflect.Struct: // dateView
			f.Field(1).SetString(f.Field(1).String() + "x")
		default:
			t.Fatalf("commentView.%s is a %s: the test does not know how to vary it", typ.Field(i).Name, f.Kind())
		}
		out[typ.Field(i).Name] = v
	}
	return out
}

// TestCommentMarkupShowsEveryField: each field of commentView changes the markup of "comment-self", so the view
// is no wider a memo key than it must be, and the memo serves exactly what the template writes.
func TestCommentMarkupShowsEveryField(t *testing.T) {
	tmpl := postTemplates(t)
	memo := newCommentMemo(1 << 20)
	direct := func(v commentView) string {
		var b bytes.Buffer
		if err := tmpl.ExecuteTemplate(&b, "comment-self", &v); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	base := sampleView()
	views := []commentView{base}
	for _, v := range variants(t) {
		views = append(views, v)
	}
	for pass := range 2 { // the second pass is served from the memo
		got, err := renderComments(tmpl, memo, views)
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range views {
			if want := direct(v); string(got[i]) != want {
				t.Errorf("pass %d: renderComments(%+v) = %q; want %q", pass, v, got[i], want)
			}
		}
	}
	for name, v := range variants(t) {
		if direct(v) == direct(base) {
			t.Errorf("changing commentView.%s does not change the comment's markup: drop it from the view", name)
		}
	}
}

// TestCommentSelfReadsOnlyItsView: "comment-self" calls no function but the template language's own, which read
// nothing but their arguments; its markup is then a function of its commentView alone, as the memo assumes.
func TestCommentSelfReadsOnlyItsView(t *testing.T) {
	src, err := templateFiles.ReadFile("templates/discussion.html")
	if err != nil {
		t.Fatal(err)
	}
	tree := parse.New("discussion.html")
	tree.Mode = parse.SkipFuncCheck
	trees := map[string]*parse.Tree{}
	if _, err := tree.Parse(string(src), "{{", "}}", trees); err != nil {
		t.Fatal(err)
	}
	self := trees["comment-self"]
	if self == nil {
		t.Fatal("discussion.html defines no comment-self")
	}
	pure := map[string]bool{"and": true, "or": true, "not": true, "eq": true, "ne": true, "lt": true, "le": true, "gt": true, "ge": true, "len": true, "index": true}
	var walk func(n parse.Node)
	walk = func(n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n != nil {
				for _, c := range n.Nodes {
					walk(c)
				}
			}
		case *parse.ActionNode:
			walk(n.Pipe)
		case *parse.PipeNode:
			for _, c := range n.Cmds {
				walk(c)
			}
		case *parse.CommandNode:
			for _, a := range n.Args {
				walk(a)
			}
		case *parse.IdentifierNode:
			if !pure[n.Ident] {
				t.Errorf("comment-self calls %s: its markup would depend on more than its commentView", n.Ident)
			}
		case *parse.IfNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.WithNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.RangeNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.TemplateNode:
			t.Errorf("comment-self includes template %q: keep it to its own markup", n.Name)
		}
	}
	walk(self.Root)
}

// TestCommentMemoBounded: however many comments pass through, the memo stays within its budget, and what it
// keeps is right.
func TestCommentMemoBounded(t *testing.T) {
	tmpl := postTemplates(t)
	const budget = 64 << 10
	memo := newCommentMemo(budget)
	for round := range 50 {
		views := make([]commentView, 40)
		for i := range views {
			v := sampleView()
			v.ID = int64(round*100 + i)
			v.HTML = template.HTML(fmt.Sprintf("<p>%s %d</p>", strings.Repeat("words ", i), v.ID))
			views[i] = v
		}
		got, err := renderComments(tmpl, memo, views)
		if err != nil {
			t.Fatal(err)
		}
		for i := range views {
			if !strings.Contains(string(got[i]), fmt.Sprintf(`id="comment-%d"`, views[i].ID)) {
				t.Fatalf("round %d: comment %d rendered as %q", round, views[i].ID, got[i])
			}
		}
		if entries, bytes := memo.size(); bytes > budget {
			t.Fatalf("round %d: the memo holds %d entries in %d bytes; budget %d", round, entries, bytes, budget)
		}
	}
	if memo.rotations == 0 {
		t.Error("the memo never dropped a generation: the test did not fill it")
	}
	// A comment bigger than a generation is rendered but not kept.
	huge := sampleView()
	huge.HTML = template.HTML(strings.Repeat("x", budget))
	if got, err := renderComments(tmpl, memo, []commentView{huge}); err != nil || !strings.Contains(string(got[0]), string(huge.HTML)) {
		t.Fatalf("a huge comment rendered as %d bytes, %v", len(got[0]), err)
	}
	if _, bytes := memo.size(); bytes > budget {
		t.Errorf("after a huge comment the memo holds %d bytes; budget %d", bytes, budget)
	}
}

// TestCommentMemoKeepsWhatPagesShow: comments a page keeps showing survive generations of other comments passing
// through.
func TestCommentMemoKeepsWhatPagesShow(t *testing.T) {
	tmpl := postTemplates(t)
	memo := newCommentMemo(32 << 10)
	hot := []commentView{sampleView()}
	for round := range 200 {
		cold := sampleView()
		cold.ID = int64(1000 + round)
		if _, err := renderComments(tmpl, memo, append(hot, cold)); err != nil {
			t.Fatal(err)
		}
	}
	missing, _ := memo.lookup(hot, make([]template.HTML, 1))
	if memo.rotations == 0 || len(missing) != 0 {
		t.Errorf("after %d rotations the comment shown every time is missing: %v", memo.rotations, missing)
	}
}

func TestCommentMemoConcurrent(t *testing.T) {
	tmpl := postTemplates(t)
	memo := newCommentMemo(16 << 10)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				v := sampleView()
				v.ID = int64(i % 37)
				v.Number = g % 2
				got, err := renderComments(tmpl, memo, []commentView{v})
				if err != nil {
					t.Error(err)
					return
				}
				if !strings.Contains(string(got[0]), fmt.Sprintf(`id="comment-%d"`, v.ID)) {
					t.Errorf("comment %d rendered as %q", v.ID, got[0])
					return
				}
			}
		})
	}
	wg.Wait()
}

// TestAvatars: the page's avatar maker gives each address the URL it always had.
func TestAvatars(t *testing.T) {
	key := []byte("a site key")
	s := &Server{signer: signer{key}}
	for _, gravatar := range []bool{false, true} {
		req := &request{}
		req.settings.Discussion.Gravatar = gravatar
		a := s.newAvatars(req)
		for _, email := range []string{"ann@example.org", " Ann@Example.org ", "", "ann@example.org", "bob@example.org"} {
			var want string
			if gravatar {
				sum := md5.Sum([]byte(strings.ToLower(strings.TrimSpace(email))))
				want = "https://www.gravatar.com/avatar/" + hex.EncodeToString(sum[:]) + "?s=80&d=identicon"
			} else {
				m := hmac.New(sha256.New, key)
				m.Write([]byte("avatar\x00" + email))
				want = "/avatar/" + hex.EncodeToString(m.Sum(nil)[:10]) + ".svg"
			}
			if got := a.url(email); got != want {
				t.Errorf("gravatar %v: url(%q) = %q; want %q", gravatar, email, got, want)
			}
		}
	}
}

// benchThread is a post with n approved comments, every third a reply to the one before it, on a server with
// the page cache off.
func benchThread(b *testing.B, n int) (*Server, string) {
	b.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(b.TempDir(), "salon.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	now := time.Date(2024, 6, 10, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	st.Now = clock
	ann := blog.User{Email: "ann@example.com", Name: "Ann Writer", Slug: "ann-writer", Role: blog.RoleAdmin, PasswordHash: "x"}
	if err := st.CreateUser(ctx, &ann); err != nil {
		b.Fatal(err)
	}
	p, err := (&post.Writer{Store: st, Now: clock}).Create(ctx, post.Draft{Title: "Viral", Body: strings.Repeat("A paragraph of the post. ", 100), Date: now.Add(-time.Hour)})
	if err != nil {
		b.Fatal(err)
	}
	var ids []int64
	for i := range n {
		c := blog.Comment{PostID: p.ID, AuthorName: fmt.Sprintf("Reader %d", i), AuthorEmail: fmt.Sprintf("r%d@example.org", i),
			Body: "A thought.", HTML: fmt.Sprintf("<p>Thought number %d, with a few more words to make it a paragraph.</p>", i),
			Status: blog.CommentApproved, Created: now.Add(-time.Duration(n-i) * time.Minute)}
		if i%3 == 2 {
			c.ParentID = ids[i-1]
		}
		if err := st.CreateComment(ctx, &c); err != nil {
			b.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	s, err := New(ctx, Config{Store: st, Now: clock})
	if err != nil {
		b.Fatal(err)
	}
	settings, err := st.Settings(ctx)
	if err != nil {
		b.Fatal(err)
	}
	return s, settings.PostPath(&p)
}

// BenchmarkThreadPage serves a post with 300 comments in process (no network, no client), page cache off: "warm"
// as readers get it, "changed" with the rendered thread dropped before every page, as after each new comment, and
// "cold" with the rendered-comment memo dropped too, as after a restart.
func BenchmarkThreadPage(b *testing.B) {
	s, path := benchThread(b, 300)
	h := s.Handler()
	for _, name := range []string{"warm", "changed", "cold"} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if name != "warm" {
					s.threads = newThreadCache(s.store, 0, threadCacheBytes)
				}
				if name == "cold" {
					s.renderedComments = newCommentMemo(commentMemoBytes)
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
				if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Thought number 299") {
					b.Fatalf("GET %s = %d", path, rec.Code)
				}
			}
		})
	}
}

// BenchmarkCommentViews is the per-page work besides the template: building the tree and every comment's view.
func BenchmarkCommentViews(b *testing.B) {
	comments := make([]blog.Comment, 300)
	for i := range comments {
		comments[i] = blog.Comment{ID: int64(i + 1), AuthorName: fmt.Sprintf("Reader %d", i), AuthorEmail: fmt.Sprintf("r%d@example.org", i),
			HTML: "<p>Thought.</p>", Status: blog.CommentApproved, Created: time.Date(2024, 6, 10, 12, i, 0, 0, time.UTC)}
		if i%3 == 2 {
			comments[i].ParentID = int64(i)
		}
	}
	s := &Server{signer: signer{[]byte("key")}}
	req := &request{loc: time.UTC, now: time.Date(2024, 6, 11, 0, 0, 0, 0, time.UTC)}
	req.settings.Discussion.ThreadDepth = 5
	p := &blog.Post{ID: 1, Slug: "post", Published: time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)}
	for b.Loop() {
		thread := comment.Build(comments, req.settings.Discussion.ThreadDepth, false)
		if views := s.commentViews(req, p, thread, thread.Roots, nil); len(views) != len(comments) {
			b.Fatalf("%d views of %d comments", len(views), len(comments))
		}
	}
}
