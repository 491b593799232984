package store_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/store"
)

// fileUnder creates a post filed under the given category paths and tags, and returns it as stored.
func fileUnder(t *testing.T, s *store.Store, author int64, title string, cats [][]string, tags []string) blog.Post {
	t.Helper()
	p := newPost(author, title, t0)
	createPost(t, s, &p, blog.PostTerms{Categories: cats, Tags: tags})
	got, err := s.Post(t.Context(), p.ID)
	if err != nil {
		t.Fatalf("Post(%d) error: %v", p.ID, err)
	}
	return got
}

func TestCategories(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		s := newStore(t)
		ctx := t.Context()
		if cats, err := s.Categories(ctx); err != nil || len(cats) != 0 {
			t.Fatalf("Categories() on an empty store = %v, %v; want none", cats, err)
		}
		ann := createUser(t, s, "Ann", blog.RoleAuthor)
		fileUnder(t, s, ann.ID, "One", [][]string{{"Politics", "Elections"}}, []string{"Go"})
		fileUnder(t, s, ann.ID, "Two", [][]string{{"Arts"}, {"Politics", "Local"}}, nil)
		sport := fileUnder(t, s, ann.ID, "Three", [][]string{{"Sport", "Local"}, {"Arts", "Music", "Jazz"}}, nil)

		cats, err := s.Categories(ctx)
		if err != nil {
			t.Fatalf("Categories() error: %v", err)
		}
		// Slugs are unique per taxonomy, so Sport's Local is local-2; a path joins the slugs.
		want := []string{"arts", "arts/music", "arts/music/jazz", "politics", "politics/elections", "politics/local", "sport", "sport/local-2"}
		if diff := cmp.Diff(want, termPaths(cats)); diff != "" {
			t.Errorf("Categories() paths mismatch (-want +got):\n%s", diff)
		}
		byPath := map[string]blog.Term{}
		for _, c := range cats {
			byPath[c.Path] = c
			if c.Taxonomy != blog.Category || c.ID == 0 {
				t.Errorf("Categories() has %+v; want a category with an ID", c)
			}
		}
		for child, parent := range map[string]string{"arts/music/jazz": "arts/music", "sport/local-2": "sport", "politics/local": "politics", "arts": ""} {
			if got, want := byPath[child].ParentID, byPath[parent].ID; got != want {
				t.Errorf("category %q ParentID = %d; want %d (%q)", child, got, want, parent)
			}
		}
		if diff := cmp.Diff([]string{"arts/music/jazz", "sport/local-2"}, termPaths(sport.Categories)); diff != "" {
			t.Errorf("Post().Categories mismatch (-want +got):\n%s", diff)
		}
		if got, want := blog.TermPath(&sport.Categories[0]), "/category/arts/music/jazz/"; got != want {
			t.Errorf("TermPath(jazz) = %q; want %q", got, want)
		}

		// A category archive lists its descendants' posts.
		ids := blog.DescendantIDs(cats, byPath["politics"].ID)
		posts, _, err := s.Posts(ctx, blog.PostFilter{CategoryIDs: ids})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"two", "one"}, slugs(posts)); diff != "" {
			t.Errorf("Posts(politics and below) mismatch (-want +got):\n%s", diff)
		}
	})
}

func TestTermBySlug(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		s := newStore(t)
		ctx := t.Context()
		ann := createUser(t, s, "Ann", blog.RoleAuthor)
		fileUnder(t, s, ann.ID, "One", [][]string{{"Arts", "Music", "Jazz"}}, []string{"Go", "Web Design"})
		music, err := s.TermBySlug(ctx, blog.Category, "music")
		if err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			tax  blog.Taxonomy
			slug string
			want blog.Term
		}{
			{blog.Category, "jazz", blog.Term{Taxonomy: blog.Category, Name: "Jazz", Slug: "jazz", ParentID: music.ID, Path: "arts/music/jazz"}},
			{blog.Category, "music", blog.Term{Taxonomy: blog.Category, Name: "Music", Slug: "music", ParentID: music.ParentID, Path: "arts/music"}},
			{blog.Category, "arts", blog.Term{Taxonomy: blog.Category, Name: "Arts", Slug: "arts", Path: "arts"}},
			{blog.Tag, "go", blog.Term{Taxonomy: blog.Tag, Name: "Go", Slug: "go", Path: "go"}},
			{blog.Tag, "web-design", blog.Term{Taxonomy: blog.Tag, Name: "Web Design", Slug: "web-design", Path: "web-design"}},
		}
		for _, tt := range tests {
			got, err := s.TermBySlug(ctx, tt.tax, tt.slug)
			if err != nil {
				t.Errorf("TermBySlug(%s, %q) error: %v", tt.tax, tt.slug, err)
				continue
			}
			if got.ID == 0 {
				t.Errorf("TermBySlug(%s, %q).ID = 0", tt.tax, tt.slug)
			}
			tt.want.ID = got.ID
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("TermBySlug(%s, %q) mismatch (-want +got):\n%s", tt.tax, tt.slug, diff)
			}
		}
		for _, tt := range []struct {
			tax  blog.Taxonomy
			slug string
		}{
			{blog.Category, "nothing"},
			{blog.Tag, "nothing"},
			{blog.Tag, "jazz"},            // a category, not a tag
			{blog.Category, "go"},         // a tag, not a category
			{blog.Category, "arts/music"}, // a path, not a slug
		} {
			_, err := s.TermBySlug(ctx, tt.tax, tt.slug)
			if code := blog.ErrorCode(err); code != blog.ENOTFOUND {
				t.Errorf("TermBySlug(%s, %q) = %v (code %q); want %q", tt.tax, tt.slug, err, code, blog.ENOTFOUND)
			}
		}
	})
}

// TestTermsReused: naming a term again, in any letter case, files the post under the existing term.
func TestTermsReused(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		s, db := newStoreDB(t)
		ann := createUser(t, s, "Ann", blog.RoleAuthor)
		one := fileUnder(t, s, ann.ID, "One", [][]string{{"Politics", "Elections"}}, []string{"Go"})
		two := fileUnder(t, s, ann.ID, "Two", [][]string{{"politics", "ELECTIONS"}, {"POLITICS"}}, []string{"go", "GO"})
		if got, want := count(t, db, "terms"), 3; got != want {
			t.Errorf("terms after filing under the same names in other cases = %d; want %d", got, want)
		}
		if one.Tags[0].ID != two.Tags[0].ID {
			t.Errorf("tag IDs = %d and %d; want one tag", one.Tags[0].ID, two.Tags[0].ID)
		}
		if two.Tags[0].Name != "Go" || len(two.Tags) != 1 {
			t.Errorf("Post(two).Tags = %v; want [Go], under the first name given", termNames(two.Tags))
		}
		if diff := cmp.Diff([]string{"politics/elections", "politics"}, termPaths(two.Categories)); diff != "" {
			t.Errorf("Post(two).Categories mismatch (-want +got):\n%s", diff)
		}
	})
}

// TestTermsReusedBeyondASCII: "case-insensitively" must hold for every letter, and two names with one slug are one
// tag, as blog.ParseTags says.
func TestTermsReusedBeyondASCII(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		s := newStore(t)
		ann := createUser(t, s, "Ann", blog.RoleAuthor)
		for _, names := range [][2]string{{"Été", "été"}, {"Œuvre", "œuvre"}, {"Go", "Go!"}, {"Café", "Cafe"}} {
			one := fileUnder(t, s, ann.ID, "One "+names[0], nil, []string{names[0]})
			two := fileUnder(t, s, ann.ID, "Two "+names[1], nil, []string{names[1]})
			if one.Tags[0].ID != two.Tags[0].ID {
				t.Errorf("tags %q and %q = %q and %q; want one tag", names[0], names[1], one.Tags[0].Slug, two.Tags[0].Slug)
			}
		}
	})
}
