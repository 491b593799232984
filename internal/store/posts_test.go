package store_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/store"
)

// newPost returns a valid published post by author, with a slug made from its title.
func newPost(author int64, title string, published time.Time) blog.Post {
	return blog.Post{
		Type:         blog.TypePost,
		Title:        title,
		Slug:         blog.SlugFor(title),
		Body:         "Text of " + title + ".",
		Format:       blog.FormatMarkdown,
		HTML:         "<p>Text of " + title + ".</p>\n",
		Status:       blog.StatusPublish,
		Published:    published,
		Updated:      published,
		AuthorID:     author,
		CommentsOpen: true,
	}
}

// createPost stores p with autoSlug set, failing the test on error.
func createPost(t testing.TB, s *store.Store, p *blog.Post, terms blog.PostTerms) {
	t.Helper()
	if err := s.CreatePost(t.Context(), p, terms, true); err != nil {
		t.Fatalf("CreatePost(%q) error: %v", p.Title, err)
	}
}

func termNames(terms []blog.Term) []string {
	var names []string
	for _, t := range terms {
		names = append(names, t.Name)
	}
	return names
}

func termPaths(terms []blog.Term) []string {
	var paths []string
	for _, t := range terms {
		paths = append(paths, t.Path)
	}
	return paths
}

func slugs(posts []blog.Post) []string {
	var s []string
	for _, p := range posts {
		s = append(s, p.Slug)
	}
	return s
}

func TestCreatePostRoundTrip(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		s := newStore(t)
		ctx := t.Context()
		ann := createUser(t, s, "Ann Lee", blog.RoleAuthor)
		tags, err := blog.ParseTags([]string{"Go", "go ", "Blogging"})
		if err != nil {
			t.Fatal(err)
		}
		cest := time.FixedZone("CEST", 2*3600)
		in := blog.Post{
			Type:         blog.TypePost,
			Title:        "Elections, in Go",
			Slug:         "elections-in-go",
			Body:         "Before.\n\n<!--more-->\n\nAfter.",
			HTML:         "<p>Before.</p>\n<p>After.</p>\n",
			Summary:      "<p>Before.</p>\n",
			Excerpt:      "A short excerpt, with “quotes” and émojis 🎉.",
			Status:       blog.StatusPublish,
			Published:    time.Date(2024, 5, 17, 12, 0, 0, 900_000_000, cest),
			Updated:      time.Date(2024, 5, 18, 9, 30, 15, 123_456_789, time.UTC),
			AuthorID:     ann.ID,
			CommentsOpen: true,
			Sticky:       true,
		}
		p := in
		terms := blog.PostTerms{Categories: [][]string{{"Politics", "Elections"}, {"Politics"}}, Tags: tags}
		if err := s.CreatePost(ctx, &p, terms, false); err != nil {
			t.Fatalf("CreatePost() error: %v", err)
		}
		if p.ID == 0 || p.Revision == 0 {
			t.Fatalf("CreatePost() left ID = %d, Revision = %d; want both set", p.ID, p.Revision)
		}
		politics, err := s.TermBySlug(ctx, blog.Category, "politics")
		if err != nil {
			t.Fatalf("TermBySlug(category, politics) error: %v", err)
		}

		want := in
		want.ID, want.Revision, want.Format = p.ID, p.Revision, blog.FormatMarkdown // no format stored means Markdown
		want.Published = time.Date(2024, 5, 17, 10, 0, 0, 0, time.UTC)
		want.Updated = time.Date(2024, 5, 18, 9, 30, 15, 0, time.UTC)
		want.Author = blog.Author{Name: "Ann Lee", Slug: "ann-lee"}
		want.Categories = []blog.Term{ // sorted by name
			{Taxonomy: blog.Category, Name: "Elections", Slug: "elections", ParentID: politics.ID, Path: "politics/elections"},
			{Taxonomy: blog.Category, Name: "Politics", Slug: "politics", Path: "politics"},
		}
		want.Tags = []blog.Term{
			{Taxonomy: blog.Tag, Name: "Blogging", Slug: "blogging", Path: "blogging"},
			{Taxonomy: blog.Tag, Name: "Go", Slug: "go", Path: "go"},
		}
		ignoreIDs := cmpopts.IgnoreFields(blog.Term{}, "ID")

		got, err := s.Post(ctx, p.ID)
		if err != nil {
			t.Fatalf("Post(%d) error: %v", p.ID, err)
		}
		if diff := cmp.Diff(want, got, ignoreIDs); diff != "" {
			t.Errorf("Post(%d) mismatch (-want +got):\n%s", p.ID, diff)
		}
		for name, tm := range map[string]time.Time{"Published": got.Published, "Updated": got.Updated} {
			if tm.Location() != time.UTC || tm.Nanosecond() != 0 {
				t.Errorf("Post().%s = %s; want UTC, whole seconds", name, tm.Format(time.RFC3339Nano))
			}
		}
		if got.Categories[1].ID != politics.ID {
			t.Errorf("Post().Categories[1].ID = %d; want %d (politics)", got.Categories[1].ID, politics.ID)
		}

		bySlug, moved, err := s.PostBySlug(ctx, "elections-in-go")
		if err != nil || moved {
			t.Fatalf("PostBySlug(%q) = moved %v, %v; want found, not moved", "elections-in-go", moved, err)
		}
		if diff := cmp.Diff(want, bySlug, ignoreIDs); diff != "" {
			t.Errorf("PostBySlug() mismatch (-want +got):\n%s", diff)
		}
	})
}

func TestCreatePostDraftDefaults(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		s := newStore(t)
		ann := createUser(t, s, "Ann", blog.RoleAuthor)
		p := newPost(ann.ID, "Notes", t0)
		p.Status, p.CommentsOpen, p.HTML = blog.StatusDraft, false, ""
		createPost(t, s, &p, blog.PostTerms{})
		got, err := s.Post(t.Context(), p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != blog.StatusDraft || got.CommentsOpen || got.Sticky || got.CommentCount != 0 || got.Categories != nil || got.Tags != nil {
			t.Errorf("Post() = %+v; want a draft with comments closed, not sticky, no terms", got)
		}
	})
}

func TestCreatePostAutoSlug(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		s := newStore(t)
		ann := createUser(t, s, "Ann", blog.RoleAuthor)
		var got []string
		for range 3 {
			p := newPost(ann.ID, "Hello", t0)
			createPost(t, s, &p, blog.PostTerms{})
			got = append(got, p.Slug)
		}
		if diff := cmp.Diff([]string{"hello", "hello-2", "hello-3"}, got); diff != "" {
			t.Errorf("slugs of three posts titled Hello mismatch (-want +got):\n%s", diff)
		}
		for _, slug := range got {
			if p, _, err := s.PostBySlug(t.Context(), slug); err != nil || p.Slug != slug {
				t.Errorf("PostBySlug(%q) = %q, %v; want it found", slug, p.Slug, err)
			}
		}
	})
}

// TestCreatePostConflict: without autoSlug a taken slug is refused, and the refused post leaves nothing behind —
// neither a post nor the terms it named.
func TestCreatePostConflict(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		s, db := newStoreDB(t)
		ctx := t.Context()
		ann := createUser(t, s, "Ann", blog.RoleAuthor)
		first := newPost(ann.ID, "Hello", t0)
		createPost(t, s, &first, blog.PostTerms{Categories: [][]string{{"Politics"}}, Tags: []string{"Go"}})

		before := map[string]int{}
		for _, table := range tables {
			before[table] = count(t, db, table)
		}
		dup := newPost(ann.ID, "Hello again", t0.Add(time.Hour))
		dup.Slug = "hello"
		err := s.CreatePost(ctx, &dup, blog.PostTerms{Categories: [][]string{{"Politics", "Elections"}, {"Fresh"}}, Tags: []string{"Go", "New tag"}}, false)
		wantCode(t, "CreatePost(taken slug, no autoSlug)", err, blog.ECONFLICT)
		if dup.ID != 0 || dup.Slug != "hello" {
			t.Errorf("a refused CreatePost left ID = %d, Slug = %q; want 0, %q", dup.ID, dup.Slug, "hello")
		}
		for _, table := range tables {
			if n := count(t, db, table); n != before[table] {
				t.Errorf("rows in %s after a refused CreatePost = %d; want %d", table, n, before[table])
			}
		}
		for _, term := range []struct {
			tax  blog.Taxonomy
			slug string
		}{{blog.Category, "elections"}, {blog.Category, "fresh"}, {blog.Tag, "new-tag"}} {
			_, err := s.TermBySlug(ctx, term.tax, term.slug)
			wantCode(t, fmt.Sprintf("TermBySlug(%s, %q)", term.tax, term.slug), err, blog.ENOTFOUND)
		}
		got, _, err := s.PostBySlug(ctx, "hello")
		if err != nil || got.ID != first.ID || got.Title != "Hello" {
			t.Errorf("PostBySlug(%q) = post %d %q, %v; want the first post, untouched", "hello", got.ID, got.Title, err)
		}
	})
}

func TestCreatePostUnknownAuthor(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		s, db := newStoreDB(t)
		p := newPost(999, "Orphan", t0)
		if err := s.CreatePost(t.Context(), &p, blog.PostTerms{Tags: []string{"Go"}}, true); err == nil {
			t.Fatalf("CreatePost(author 999) = nil; want an error")
		}
		for _, table := range []string{"posts", "terms", "post_terms"} {
			if n := count(t, db, table); n != 0 {
				t.Errorf("rows in %s after a failed CreatePost = %d; want 0", table, n)
			}
		}
	})
}

func TestPostNotFound(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		s := newStore(t)
		ctx := t.Context()
		_, err := s.Post(ctx, 1)
		wantCode(t, "Post(1)", err, blog.ENOTFOUND)
		_, moved, err := s.PostBySlug(ctx, "nothing")
		wantCode(t, "PostBySlug(nothing)", err, blog.ENOTFOUND)
		if moved {
			t.Errorf("PostBySlug(nothing) moved = true; want false")
		}
	})
}

// lookup asserts what PostBySlug answers for slug.
func lookup(t *testing.T, s *store.Store, slug string, wantID int64, wantMoved bool) {
	t.Helper()
	p, moved, err := s.PostBySlug(t.Context(), slug)
	if err != nil {
		t.Fatalf("PostBySlug(%q) error: %v", slug, err)
	}
	if p.ID != wantID || moved != wantMoved {
		t.Errorf("PostBySlug(%q) = post %d, moved %v; want post %d, moved %v", slug, p.ID, moved, wantID, wantMoved)
	}
}

func TestUpdatePostSlugs(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		s, db := newStoreDB(t)
		ctx := t.Context()
		ann := createUser(t, s, "Ann", blog.RoleAuthor)
		a := newPost(ann.ID, "First", t0)
		createPost(t, s, &a, blog.PostTerms{})

		update := func(p *blog.Post, slug string) {
			t.Helper()
			p.Slug = slug
			if err := s.UpdatePost(ctx, p, blog.PostTerms{}); err != nil {
				t.Fatalf("UpdatePost(slug %q) error: %v", slug, err)
			}
		}

		update(&a, "second")
		lookup(t, s, "first", a.ID, true)
		lookup(t, s, "second", a.ID, false)

		update(&a, "first") // back again: the old slug is current once more, and "second" now redirects
		lookup(t, s, "first", a.ID, false)
		lookup(t, s, "second", a.ID, true)
		if n := count(t, db, "post_old_slugs"); n != 1 {
			t.Errorf("old slugs after renaming back = %d; want 1 (second): the current slug must not stay listed as old", n)
		}

		update(&a, "third")
		lookup(t, s, "first", a.ID, true)
		lookup(t, s, "second", a.ID, true)
		lookup(t, s, "third", a.ID, false)

		// Another post may take a freed slug, even without autoSlug, and then wins over the redirect.
		b := newPost(ann.ID, "Another first", t0.Add(time.Hour))
		b.Slug = "first"
		if err := s.CreatePost(ctx, &b, blog.PostTerms{}, false); err != nil {
			t.Fatalf("CreatePost(freed slug %q) error: %v", "first", err)
		}
		lookup(t, s, "first", b.ID, false)
		lookup(t, s, "second", a.ID, true)

		// Renaming onto another post's slug is a conflict that changes nothing.
		a.Slug, a.Title = "first", "Changed"
		err := s.UpdatePost(ctx, &a, blog.PostTerms{})
		wantCode(t, "UpdatePost(slug of another post)", err, blog.ECONFLICT)
		got, err := s.Post(ctx, a.ID)
		if err != nil || got.Slug != "third" || got.Title != "First" {
			t.Errorf("after a refused UpdatePost, Post() = %q %q, %v; want %q %q", got.Slug, got.Title, err, "third", "First")
		}
		lookup(t, s, "first", b.ID, false)

		// When b leaves "first", its redirect points to b, not to a.
		update(&b, "another-first")
		lookup(t, s, "first", b.ID, true)
		lookup(t, s, "third", a.ID, false)
	})
}

func TestUpdatePost(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		s := newStore(t)
		ctx := t.Context()
		ann := createUser(t, s, "Ann", blog.RoleAuthor)
		bob := createUser(t, s, "Bob", blog.RoleAuthor)
		p := newPost(ann.ID, "Draft", t0)
		p.Status = blog.StatusDraft
		createPost(t, s, &p, blog.PostTerms{Categories: [][]string{{"Politics"}}, Tags: []string{"Go", "Rust"}})

		p.Title, p.Body, p.HTML, p.Summary, p.Excerpt = "Final", "New body", "<p>New body</p>", "<p>New</p>", "New excerpt"
		p.Status, p.Sticky, p.CommentsOpen, p.AuthorID = blog.StatusPublish, true, false, bob.ID
		p.Published = time.Date(2024, 6, 1, 8, 0, 0, 500_000_000, time.UTC)
		p.Updated = time.Date(2024, 6, 1, 9, 0, 0, 0, time.UTC)
		if err := s.UpdatePost(ctx, &p, blog.PostTerms{Categories: [][]string{{"Arts", "Music"}}, Tags: []string{"Rust", "Zig"}}); err != nil {
			t.Fatalf("UpdatePost() error: %v", err)
		}
		got, err := s.Post(ctx, p.ID)
		if err != nil {
			t.Fatalf("Post() error: %v", err)
		}
		want := p
		want.Published = time.Date(2024, 6, 1, 8, 0, 0, 0, time.UTC)
		want.Author = blog.Author{Name: "Bob", Slug: "bob"}
		want.Categories = got.Categories
		want.Tags = got.Tags
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Post() after UpdatePost mismatch (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"arts/music"}, termPaths(got.Categories)); diff != "" {
			t.Errorf("categories after UpdatePost mismatch (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"Rust", "Zig"}, termNames(got.Tags)); diff != "" {
			t.Errorf("tags after UpdatePost mismatch (-want +got):\n%s", diff)
		}
		lookup(t, s, "draft", p.ID, false) // the slug did not change: no redirect was made
	})
}

func TestUpdatePostNotFound(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		s, db := newStoreDB(t)
		ann := createUser(t, s, "Ann", blog.RoleAuthor)
		p := newPost(ann.ID, "Ghost", t0)
		p.ID = 42
		err := s.UpdatePost(t.Context(), &p, blog.PostTerms{Tags: []string{"Go"}})
		wantCode(t, "UpdatePost(missing id)", err, blog.ENOTFOUND)
		if n := count(t, db, "terms"); n != 0 {
			t.Errorf("terms after a refused UpdatePost = %d; want 0", n)
		}
	})
}

// postsFixture is a small site: eight posts and pages in every status, two authors, nested categories and tags.
type postsFixture struct {
	s          *store.Store
	ann, bob   blog.User
	byID       map[int64]blog.Post
	terms      map[string][2][]string // slug → category paths, tag names
	categories []blog.Term
}

func newPostsFixture(t *testing.T) *postsFixture {
	t.Helper()
	s := newStore(t)
	f := &postsFixture{s: s, byID: map[int64]blog.Post{}, terms: map[string][2][]string{}}
	f.ann = createUser(t, s, "Ann", blog.RoleAuthor)
	f.bob = createUser(t, s, "Bob", blog.RoleAuthor)
	for _, p := range []struct {
		slug   string
		typ    blog.Type
		status blog.Status
		at     time.Duration
		author int64
		sticky bool
		cats   [][]string
		tags   []string
		// what the store returns for the post's terms
		paths, tagNames []string
	}{
		{"politics-old", blog.TypePost, blog.StatusPublish, -3 * time.Hour, f.ann.ID, false, [][]string{{"Politics"}}, []string{"Go"}, []string{"politics"}, []string{"Go"}},
		{"elections", blog.TypePost, blog.StatusPublish, -2 * time.Hour, f.bob.ID, false, [][]string{{"Politics", "Elections"}}, []string{"Rust", "Go"}, []string{"politics/elections"}, []string{"Go", "Rust"}},
		{"scheduled", blog.TypePost, blog.StatusFuture, time.Hour, f.ann.ID, false, [][]string{{"Politics"}}, nil, []string{"politics"}, nil},
		{"draft", blog.TypePost, blog.StatusDraft, -time.Hour, f.ann.ID, false, nil, nil, nil, nil},
		{"pending", blog.TypePost, blog.StatusPending, -30 * time.Minute, f.bob.ID, false, nil, nil, nil, nil},
		{"private", blog.TypePost, blog.StatusPrivate, -4 * time.Hour, f.ann.ID, false, nil, nil, nil, nil},
		{"about", blog.TypePage, blog.StatusPublish, -5 * time.Hour, f.ann.ID, false, nil, nil, nil, nil},
		{"pinned", blog.TypePost, blog.StatusPublish, -6 * time.Hour, f.ann.ID, true, [][]string{{"Sport"}}, []string{"Rust"}, []string{"sport"}, []string{"Rust"}},
	} {
		post := newPost(p.author, p.slug, t0.Add(p.at))
		post.Type, post.Status, post.Sticky = p.typ, p.status, p.sticky
		createPost(t, s, &post, blog.PostTerms{Categories: p.cats, Tags: p.tags})
		f.byID[post.ID] = post
		f.terms[p.slug] = [2][]string{p.paths, p.tagNames}
	}
	var err error
	if f.categories, err = s.Categories(t.Context()); err != nil {
		t.Fatalf("Categories() error: %v", err)
	}
	return f
}

func (f *postsFixture) category(t *testing.T, path string) int64 {
	t.Helper()
	for _, c := range f.categories {
		if c.Path == path {
			return c.ID
		}
	}
	t.Fatalf("no category %q", path)
	return 0
}

func (f *postsFixture) tag(t *testing.T, slug string) int64 {
	t.Helper()
	tag, err := f.s.TermBySlug(t.Context(), blog.Tag, slug)
	if err != nil {
		t.Fatalf("TermBySlug(tag, %q) error: %v", slug, err)
	}
	return tag.ID
}

func TestPostsFilter(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		f := newPostsFixture(t)
		politics := blog.DescendantIDs(f.categories, f.category(t, "politics"))
		all := []string{"scheduled", "pending", "draft", "elections", "politics-old", "private", "about", "pinned"}
		tests := []struct {
			name      string
			filter    blog.PostFilter
			want      []string
			wantTotal int // when it differs from len(want)
		}{
			{"everything", blog.PostFilter{}, all, 0},
			{"pages", blog.PostFilter{Type: blog.TypePage}, []string{"about"}, 0},
			{"posts", blog.PostFilter{Type: blog.TypePost}, []string{"scheduled", "pending", "draft", "elections", "politics-old", "private", "pinned"}, 0},
			{"public now", blog.PostFilter{Type: blog.TypePost, PublicAt: t0}, []string{"elections", "politics-old", "pinned"}, 0},
			{"public a second before the scheduled time", blog.PostFilter{Type: blog.TypePost, PublicAt: t0.Add(time.Hour - time.Second)}, []string{"elections", "politics-old", "pinned"}, 0},
			{"public at the scheduled time", blog.PostFilter{Type: blog.TypePost, PublicAt: t0.Add(time.Hour)}, []string{"scheduled", "elections", "politics-old", "pinned"}, 0},
			{"public just after, in another zone", blog.PostFilter{Type: blog.TypePost, PublicAt: t0.Add(time.Hour + 500*time.Millisecond).In(time.FixedZone("UTC-10", -10*3600))}, []string{"scheduled", "elections", "politics-old", "pinned"}, 0},
			{"public pages", blog.PostFilter{Type: blog.TypePage, PublicAt: t0}, []string{"about"}, 0},
			{"public, much later", blog.PostFilter{PublicAt: t0.AddDate(1, 0, 0)}, []string{"scheduled", "elections", "politics-old", "about", "pinned"}, 0},
			{"drafts and pending", blog.PostFilter{Statuses: []blog.Status{blog.StatusDraft, blog.StatusPending}}, []string{"pending", "draft"}, 0},
			{"private", blog.PostFilter{Statuses: []blog.Status{blog.StatusPrivate}}, []string{"private"}, 0},
			{"future and public now", blog.PostFilter{Statuses: []blog.Status{blog.StatusFuture}, PublicAt: t0}, nil, 0},
			{"category with its children", blog.PostFilter{CategoryIDs: politics}, []string{"scheduled", "elections", "politics-old"}, 0},
			{"category alone", blog.PostFilter{CategoryIDs: []int64{f.category(t, "politics")}}, []string{"scheduled", "politics-old"}, 0},
			{"child category", blog.PostFilter{CategoryIDs: []int64{f.category(t, "politics/elections")}}, []string{"elections"}, 0},
			{"public category archive", blog.PostFilter{Type: blog.TypePost, PublicAt: t0, CategoryIDs: politics}, []string{"elections", "politics-old"}, 0},
			{"tag go", blog.PostFilter{TagID: f.tag(t, "go")}, []string{"elections", "politics-old"}, 0},
			{"tag rust", blog.PostFilter{TagID: f.tag(t, "rust")}, []string{"elections", "pinned"}, 0},
			{"author bob", blog.PostFilter{AuthorID: f.bob.ID}, []string{"pending", "elections"}, 0},
			{"author bob, public", blog.PostFilter{AuthorID: f.bob.ID, PublicAt: t0}, []string{"elections"}, 0},
			{"from inclusive, until exclusive", blog.PostFilter{From: t0.Add(-3 * time.Hour), Until: t0.Add(-2 * time.Hour)}, []string{"politics-old"}, 0},
			{"until a second later", blog.PostFilter{From: t0.Add(-3 * time.Hour), Until: t0.Add(-2*time.Hour + time.Second)}, []string{"elections", "politics-old"}, 0},
			{"from a second later", blog.PostFilter{From: t0.Add(-3*time.Hour + time.Second), Until: t0.Add(-2*time.Hour + time.Second)}, []string{"elections"}, 0},
			{"from only", blog.PostFilter{From: t0.Add(-time.Hour)}, []string{"scheduled", "pending", "draft"}, 0},
			{"until only", blog.PostFilter{Until: t0.Add(-5 * time.Hour)}, []string{"pinned"}, 0},
			{"bounds given in another zone", blog.PostFilter{From: time.Date(2024, 5, 17, 15, 0, 0, 0, time.FixedZone("UTC+6", 6*3600)), Until: time.Date(2024, 5, 17, 16, 0, 0, 0, time.FixedZone("UTC+6", 6*3600))}, []string{"pending", "draft"}, 0},
			{"sticky first", blog.PostFilter{Type: blog.TypePost, PublicAt: t0, StickyFirst: true}, []string{"pinned", "elections", "politics-old"}, 0},
			{"sticky first, all", blog.PostFilter{StickyFirst: true}, append([]string{"pinned"}, all[:7]...), 0},
			{"first page", blog.PostFilter{Limit: 3}, all[:3], len(all)},
			{"second page", blog.PostFilter{Limit: 3, Offset: 3}, all[3:6], len(all)},
			{"last page", blog.PostFilter{Limit: 3, Offset: 6}, all[6:], len(all)},
			{"past the end", blog.PostFilter{Limit: 3, Offset: 8}, nil, len(all)},
			{"negative offset", blog.PostFilter{Limit: 2, Offset: -4}, all[:2], len(all)},
			{"public, second page", blog.PostFilter{Type: blog.TypePost, PublicAt: t0, Limit: 2, Offset: 2}, []string{"pinned"}, 3},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				posts, total, err := f.s.Posts(t.Context(), tt.filter)
				if err != nil {
					t.Fatalf("Posts(%+v) error: %v", tt.filter, err)
				}
				if diff := cmp.Diff(tt.want, slugs(posts)); diff != "" {
					t.Errorf("Posts(%+v) mismatch (-want +got):\n%s", tt.filter, diff)
				}
				wantTotal := tt.wantTotal
				if wantTotal == 0 {
					wantTotal = len(tt.want)
				}
				if total != wantTotal {
					t.Errorf("Posts(%+v) total = %d; want %d", tt.filter, total, wantTotal)
				}
				for _, p := range posts {
					wantTerms := f.terms[p.Slug]
					if diff := cmp.Diff(wantTerms[0], termPaths(p.Categories)); diff != "" {
						t.Errorf("Posts() post %q categories mismatch (-want +got):\n%s", p.Slug, diff)
					}
					if diff := cmp.Diff(wantTerms[1], termNames(p.Tags)); diff != "" {
						t.Errorf("Posts() post %q tags mismatch (-want +got):\n%s", p.Slug, diff)
					}
					if want := f.byID[p.ID]; !p.Published.Equal(want.Published) || p.AuthorID != want.AuthorID || p.Author.Name == "" {
						t.Errorf("Posts() post %q = %v by %d (%q); want %v by %d", p.Slug, p.Published, p.AuthorID, p.Author.Name, want.Published, want.AuthorID)
					}
				}
			})
		}
	})
}

// TestPostsOrderSameDate: posts with one date come newest-created first, so pages never shuffle.
func TestPostsOrderSameDate(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		s := newStore(t)
		ann := createUser(t, s, "Ann", blog.RoleAuthor)
		for _, title := range []string{"A", "B", "C"} {
			p := newPost(ann.ID, title, t0)
			createPost(t, s, &p, blog.PostTerms{})
		}
		later := newPost(ann.ID, "Later", t0.Add(time.Second))
		createPost(t, s, &later, blog.PostTerms{})
		earlier := newPost(ann.ID, "Earlier", t0.Add(-time.Second))
		createPost(t, s, &earlier, blog.PostTerms{})

		want := []string{"later", "c", "b", "a", "earlier"}
		posts, _, err := s.Posts(t.Context(), blog.PostFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, slugs(posts)); diff != "" {
			t.Errorf("Posts() mismatch (-want +got):\n%s", diff)
		}
		for _, limit := range []int{1, 2, 3} {
			var got []string
			for offset := 0; offset < len(want); offset += limit {
				posts, _, err := s.Posts(t.Context(), blog.PostFilter{Limit: limit, Offset: offset})
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, slugs(posts)...)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Posts() in pages of %d mismatch (-want +got):\n%s", limit, diff)
			}
		}
	})
}

// TestPostsOrderTimePrecision: dates are compared as stored, so they must all be stored alike: UTC, whole seconds.
// A post at 10:00:00.900 sorts as 10:00:00, and a post dated in another zone sorts by its instant.
func TestPostsOrderTimePrecision(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		s := newStore(t)
		ctx := t.Context()
		ann := createUser(t, s, "Ann", blog.RoleAuthor)
		for _, p := range []struct {
			title string
			at    time.Time
		}{
			{"fraction", t0.Add(900 * time.Millisecond)},
			{"whole", t0},
			{"just before", t0.Add(-time.Millisecond)},                                    // 09:59:59.999 → 09:59:59
			{"paris", time.Date(2024, 5, 17, 11, 30, 0, 0, time.FixedZone("CEST", 7200))}, // 09:30 UTC
			{"utc", time.Date(2024, 5, 17, 9, 45, 0, 0, time.UTC)},
			{"new york", time.Date(2024, 5, 17, 5, 50, 0, 0, time.FixedZone("EDT", -4*3600))}, // 09:50 UTC
		} {
			post := newPost(ann.ID, p.title, p.at)
			createPost(t, s, &post, blog.PostTerms{})
		}
		posts, _, err := s.Posts(ctx, blog.PostFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"whole", "fraction", "just-before", "new-york", "utc", "paris"}, slugs(posts)); diff != "" {
			t.Errorf("Posts() order mismatch (-want +got):\n%s", diff)
		}
		frac, _, err := s.PostBySlug(ctx, "fraction")
		if err != nil {
			t.Fatal(err)
		}
		if !frac.Published.Equal(t0) || frac.Published.Location() != time.UTC {
			t.Errorf("Published of a post dated %s = %s; want %s", t0.Add(900*time.Millisecond).Format(time.RFC3339Nano), frac.Published.Format(time.RFC3339Nano), t0.Format(time.RFC3339Nano))
		}
		posts, _, err = s.Posts(ctx, blog.PostFilter{From: t0, Until: t0.Add(time.Second)})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"whole", "fraction"}, slugs(posts)); diff != "" {
			t.Errorf("Posts(From 10:00:00, Until 10:00:01) mismatch (-want +got):\n%s", diff)
		}
	})
}

// TestCreatePostConcurrent: writers queue for SQLite's single write lock instead of failing, and autoSlug stays
// unique under contention.
func TestCreatePostConcurrent(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		s := newStore(t)
		ctx := t.Context()
		ann := createUser(t, s, "Ann", blog.RoleAuthor)
		const n = 20
		errs := make([]error, n)
		got := make([]string, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Go(func() {
				p := newPost(ann.ID, "Same title", t0)
				<-start
				errs[i] = s.CreatePost(ctx, &p, blog.PostTerms{Categories: [][]string{{"News"}}, Tags: []string{"Go"}}, true)
				got[i] = p.Slug
			})
		}
		close(start)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("CreatePost #%d error: %v", i, err)
			}
		}
		want := []string{"same-title"}
		for i := 2; i <= n; i++ {
			want = append(want, fmt.Sprintf("same-title-%d", i))
		}
		if diff := cmp.Diff(want, got, cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
			t.Errorf("slugs of %d concurrent posts mismatch (-want +got):\n%s", n, diff)
		}
		posts, total, err := s.Posts(ctx, blog.PostFilter{})
		if err != nil || total != n {
			t.Fatalf("Posts() total = %d, %v; want %d", total, err, n)
		}
		for _, p := range posts {
			if len(p.Categories) != 1 || len(p.Tags) != 1 {
				t.Errorf("post %q terms = %v, %v; want one category and one tag", p.Slug, termPaths(p.Categories), termNames(p.Tags))
			}
		}
		if cats, err := s.Categories(ctx); err != nil || len(cats) != 1 {
			t.Errorf("Categories() = %v, %v; want one, News, shared by every post", cats, err)
		}
	})
}

// TestPostsPublicListPages: a public list holds only what readers may see (no drafts, pending, private, trashed or
// pages, nor a post scheduled for later, but a scheduled post whose moment came), sticky posts first when asked,
// then newest first with the newest-created first among posts of one date; and reading it in pages of any size
// gives the same posts in the same order, each page with the same total.
func TestPostsPublicListPages(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		s := newStore(t)
		ctx := t.Context()
		ann := createUser(t, s, "Ann", blog.RoleAuthor)
		for _, p := range []struct {
			slug    string
			typ     blog.Type
			status  blog.Status
			at      time.Duration
			sticky  bool
			trashed bool
		}{
			{"old", blog.TypePost, blog.StatusPublish, -48 * time.Hour, false, false},
			{"old-sticky", blog.TypePost, blog.StatusPublish, -47 * time.Hour, true, false},
			{"tie-1", blog.TypePost, blog.StatusPublish, -24 * time.Hour, false, false},
			{"tie-2", blog.TypePost, blog.StatusPublish, -24 * time.Hour, false, false},
			{"tie-sticky", blog.TypePost, blog.StatusPublish, -24 * time.Hour, true, false},
			{"tie-3", blog.TypePost, blog.StatusPublish, -24 * time.Hour, false, false},
			{"came", blog.TypePost, blog.StatusFuture, -time.Hour, false, false},
			{"now", blog.TypePost, blog.StatusFuture, 0, false, false},
			{"later", blog.TypePost, blog.StatusFuture, time.Second, false, false},
			{"later-sticky", blog.TypePost, blog.StatusFuture, time.Hour, true, false},
			{"draft", blog.TypePost, blog.StatusDraft, -2 * time.Hour, false, false},
			{"pending", blog.TypePost, blog.StatusPending, -3 * time.Hour, false, false},
			{"private", blog.TypePost, blog.StatusPrivate, -4 * time.Hour, true, false},
			{"trashed", blog.TypePost, blog.StatusPublish, -5 * time.Hour, false, true},
			{"trashed-sticky", blog.TypePost, blog.StatusPublish, -5 * time.Hour, true, true},
			{"page", blog.TypePage, blog.StatusPublish, -6 * time.Hour, false, false},
			{"newest", blog.TypePost, blog.StatusPublish, -30 * time.Minute, false, false},
		} {
			post := newPost(ann.ID, p.slug, t0.Add(p.at))
			post.Type, post.Status, post.Sticky = p.typ, p.status, p.sticky
			createPost(t, s, &post, blog.PostTerms{})
			if p.trashed {
				if err := s.TrashPost(ctx, post.ID); err != nil {
					t.Fatalf("TrashPost(%q) error: %v", p.slug, err)
				}
			}
		}
		for _, tt := range []struct {
			name   string
			filter blog.PostFilter
			want   []string
		}{
			{"by date", blog.PostFilter{Type: blog.TypePost, PublicAt: t0},
				[]string{"now", "newest", "came", "tie-3", "tie-sticky", "tie-2", "tie-1", "old-sticky", "old"}},
			{"sticky first", blog.PostFilter{Type: blog.TypePost, PublicAt: t0, StickyFirst: true},
				[]string{"tie-sticky", "old-sticky", "now", "newest", "came", "tie-3", "tie-2", "tie-1", "old"}},
			{"a day earlier", blog.PostFilter{Type: blog.TypePost, PublicAt: t0.Add(-24 * time.Hour), StickyFirst: true},
				[]string{"tie-sticky", "old-sticky", "newest", "tie-3", "tie-2", "tie-1", "old"}},
			{"ascending", blog.PostFilter{Type: blog.TypePost, PublicAt: t0, Ascending: true},
				[]string{"old", "old-sticky", "tie-1", "tie-2", "tie-sticky", "tie-3", "came", "newest", "now"}},
		} {
			t.Run(tt.name, func(t *testing.T) {
				whole, total, err := s.Posts(ctx, tt.filter)
				if err != nil {
					t.Fatalf("Posts(%+v) error: %v", tt.filter, err)
				}
				if diff := cmp.Diff(tt.want, slugs(whole)); diff != "" {
					t.Errorf("Posts(%+v) mismatch (-want +got):\n%s", tt.filter, diff)
				}
				if total != len(tt.want) {
					t.Errorf("Posts(%+v) total = %d; want %d", tt.filter, total, len(tt.want))
				}
				for limit := 1; limit <= len(tt.want)+1; limit++ {
					var got []string
					for offset := 0; offset <= len(tt.want); offset += limit {
						f := tt.filter
						f.Limit, f.Offset = limit, offset
						page, total, err := s.Posts(ctx, f)
						if err != nil {
							t.Fatalf("Posts(%+v) error: %v", f, err)
						}
						if total != len(tt.want) {
							t.Errorf("Posts(%+v) total = %d; want %d", f, total, len(tt.want))
						}
						list, err := s.PostList(ctx, f)
						if err != nil {
							t.Fatalf("PostList(%+v) error: %v", f, err)
						}
						if diff := cmp.Diff(slugs(page), slugs(list)); diff != "" {
							t.Errorf("PostList(%+v) differs from Posts (-Posts +PostList):\n%s", f, diff)
						}
						got = append(got, slugs(page)...)
					}
					if diff := cmp.Diff(tt.want, got); diff != "" {
						t.Errorf("Posts(%+v) in pages of %d mismatch (-want +got):\n%s", tt.filter, limit, diff)
					}
				}
			})
		}
	})
}

// BenchmarkPostLists measures the lists readers ask for most, with their terms and totals, at 10, 1,000 and
// 100,000 posts: the home page (sticky first), the site feed (by date only), a category archive (an eighth of the
// posts) and an author archive (half of them), each the first page of ten, and the home page's fifth page; and the
// feed's page without its total (PostList). A page read from an index in its order costs about the same at every
// size; counting the total still reads every matching entry of an index. It runs on SQLite, and on PostgreSQL too when
// SALON_TEST_POSTGRES is set. Seeding 100,000 posts takes about a minute on SQLite and three on PostgreSQL.
func BenchmarkPostLists(b *testing.B) {
	engines := []string{"sqlite"}
	if postgresDSN != "" {
		engines = append(engines, "postgres")
	}
	for _, engine := range engines {
		b.Run(engine, func(b *testing.B) {
			for _, n := range []int{10, 1000, 100_000} {
				b.Run(fmt.Sprintf("posts=%d", n), func(b *testing.B) {
					benchmarkPostLists(b, n)
				})
			}
		})
	}
}

func benchmarkPostLists(b *testing.B, n int) {
	s := newStore(b)
	ctx := b.Context()
	authors := []blog.User{createUser(b, s, "Ann", blog.RoleAuthor), createUser(b, s, "Bob", blog.RoleAuthor)}
	category, stickies := seedPosts(b, s, authors, n)
	for _, bench := range []struct {
		name    string
		filter  blog.PostFilter
		noTotal bool // PostList instead of Posts
	}{
		{"home", blog.PostFilter{StickyFirst: true}, false},
		{"home-page-5", blog.PostFilter{StickyFirst: true, Offset: 40}, false},
		{"feed", blog.PostFilter{}, false},
		{"feed-without-total", blog.PostFilter{}, true},
		{"category", blog.PostFilter{CategoryIDs: []int64{category}}, false},
		{"author", blog.PostFilter{AuthorID: authors[1].ID}, false},
	} {
		f := bench.filter
		f.Type, f.PublicAt, f.Limit = blog.TypePost, t0, 10
		b.Run(bench.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if bench.noTotal {
					if posts, err := s.PostList(ctx, f); err != nil || len(posts) == 0 {
						b.Fatalf("PostList(%+v) = %d posts, %v; want some", f, len(posts), err)
					}
					continue
				}
				posts, total, err := s.Posts(ctx, f)
				if err != nil || total == 0 || (f.Offset < total && len(posts) == 0) {
					b.Fatalf("Posts(%+v) = %d posts of %d, %v; want some", f, len(posts), total, err)
				}
				if f.StickyFirst && f.Offset == 0 && len(posts) > 1 && (!posts[0].Sticky || (stickies > 1 && !posts[1].Sticky)) {
					b.Fatalf("Posts(%+v) begins with %q and %q; want the sticky posts first", f, posts[0].Slug, posts[1].Slug)
				}
			}
		})
	}
}

// seedPosts adds n posts in one import, an hour apart going back from t0, plus three scheduled after t0: mostly
// published, some drafts, pending and private, some scheduled posts whose moment has come, two sticky posts deep in
// the list, each in one of eight categories with two of forty tags, by the authors in turn. It returns the first
// category and the number of sticky posts.
func seedPosts(b *testing.B, s *store.Store, authors []blog.User, n int) (category int64, stickies int) {
	b.Helper()
	ctx := b.Context()
	body := strings.Repeat("A paragraph of a post, long enough to look like one. ", 12)
	sticky := map[int]bool{n / 2: true, n - 1: true}
	err := s.Import(ctx, func(tx *store.ImportTx) error {
		var cats, tags []int64
		for i := range 48 {
			t := blog.Term{Taxonomy: blog.Category, Name: fmt.Sprintf("Category %d", i)}
			if i >= 8 {
				t = blog.Term{Taxonomy: blog.Tag, Name: fmt.Sprintf("Tag %d", i-8)}
			}
			if err := tx.AddTerm(ctx, &t); err != nil {
				return err
			}
			if i < 8 {
				cats = append(cats, t.ID)
			} else {
				tags = append(tags, t.ID)
			}
		}
		category = cats[0]
		for i := -3; i < n; i++ {
			p := newPost(authors[(i+3)%len(authors)].ID, fmt.Sprintf("Post %d", i+3), t0.Add(-time.Duration(i)*time.Hour))
			p.Body, p.HTML = body+p.Body, "<p>"+body+"</p>\n"+p.HTML
			switch {
			case i < 0:
				p.Status = blog.StatusFuture
			case i%50 == 7:
				p.Status = blog.StatusDraft
			case i%50 == 17:
				p.Status = blog.StatusPending
			case i%50 == 27:
				p.Status = blog.StatusPrivate
			case i%50 == 37:
				p.Status = blog.StatusFuture // its moment has come: public
			}
			if i >= 0 && sticky[i] && p.Status == blog.StatusPublish {
				p.Sticky = true
				stickies++
			}
			j := i + 3
			if err := tx.AddPost(ctx, &p, []int64{cats[j%len(cats)], tags[j%len(tags)], tags[(j/len(tags)+j+1)%len(tags)]}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatalf("seed %d posts: %v", n, err)
	}
	return category, stickies
}

// Many readers at once list posts in a subcategory, which needs the category index: none may wait for a connection
// that another holds while it waits too (the read pool once deadlocked this way under load).
func TestPostsInSubcategoriesUnderConcurrency(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		s := newStore(t)
		author := createUser(t, s, "Ann", blog.RoleAdmin)
		for i := range 5 {
			p := newPost(author.ID, fmt.Sprintf("Nested %d", i), t0.Add(-time.Duration(i)*time.Hour))
			createPost(t, s, &p, blog.PostTerms{Categories: [][]string{{"Politics", "Elections"}}})
		}
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		defer cancel()
		errs := make(chan error, 64)
		for range cap(errs) {
			go func() {
				posts, _, err := s.Posts(ctx, blog.PostFilter{Limit: 10})
				if err == nil && (len(posts) != 5 || len(posts[0].Categories) != 1 || posts[0].Categories[0].Path != "politics/elections") {
					err = fmt.Errorf("posts = %d, categories %+v", len(posts), posts[0].Categories)
				}
				errs <- err
			}()
		}
		for range cap(errs) {
			if err := <-errs; err != nil {
				t.Fatalf("concurrent Posts: %v", err)
			}
		}
	})
}

// TestPublicListTotals: a public list's total is kept between changes, yet shows at once a change made by anyone
// (here a bare statement, as another process would make), and a scheduled post once its time has come.
func TestPublicListTotals(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		s, db := newStoreDB(t)
		ctx := t.Context()
		ann := createUser(t, s, "Ann", blog.RoleAuthor)
		for i := range 5 {
			p := newPost(ann.ID, fmt.Sprintf("Post %d", i), t0.Add(-time.Duration(i+1)*time.Hour))
			createPost(t, s, &p, blog.PostTerms{})
		}
		later := newPost(ann.ID, "Later", t0.Add(time.Hour))
		later.Status = blog.StatusFuture
		createPost(t, s, &later, blog.PostTerms{})
		total := func(now time.Time) int {
			t.Helper()
			posts, n, err := s.Posts(ctx, blog.PostFilter{Type: blog.TypePost, PublicAt: now, StickyFirst: true, Limit: 2})
			if err != nil || len(posts) != 2 {
				t.Fatalf("Posts() = %d posts, %v", len(posts), err)
			}
			return n
		}
		if n := total(t0); n != 5 {
			t.Fatalf("total = %d; want 5", n)
		}
		if _, err := db.ExecContext(ctx, `UPDATE posts SET status = 'draft' WHERE slug = 'post-0'`); err != nil {
			t.Fatal(err)
		}
		if n := total(t0); n != 4 {
			t.Errorf("after a post went back to draft elsewhere, total = %d; want 4", n)
		}
		if n := total(t0.Add(time.Hour + time.Second)); n != 5 {
			t.Errorf("once the scheduled post's time has come, total = %d; want 5", n)
		}
	})
}
