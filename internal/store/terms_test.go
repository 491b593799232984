package store_test

import (
	"fmt"
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

// termsByPath lists a taxonomy's terms as "path (posts)", the way the admin screen shows them.
func termsByPath(t *testing.T, s *store.Store, tax blog.Taxonomy) []string {
	t.Helper()
	terms, counts, err := s.Terms(t.Context(), tax)
	if err != nil {
		t.Fatalf("Terms(%s) error: %v", tax, err)
	}
	var out []string
	for _, term := range terms {
		out = append(out, fmt.Sprintf("%s (%d)", term.Path, counts[term.ID]))
	}
	return out
}

func termID(t *testing.T, s *store.Store, tax blog.Taxonomy, slug string) int64 {
	t.Helper()
	term, err := s.TermBySlug(t.Context(), tax, slug)
	if err != nil {
		t.Fatalf("TermBySlug(%s, %q) error: %v", tax, slug, err)
	}
	return term.ID
}

func TestTermsWithCounts(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		s := newStore(t)
		ann := createUser(t, s, "Ann", blog.RoleAuthor)
		fileUnder(t, s, ann.ID, "One", [][]string{{"Arts", "Music"}, {"Arts-and-Crafts"}}, []string{"Go", "Web"})
		fileUnder(t, s, ann.ID, "Two", [][]string{{"Arts"}}, []string{"go"})
		if err := s.CreateTerm(t.Context(), &blog.Term{Taxonomy: blog.Tag, Name: "Unused"}); err != nil {
			t.Fatal(err)
		}
		// Children follow their parent, even when a sibling's slug sorts between them as text.
		if diff := cmp.Diff([]string{"arts (1)", "arts/music (1)", "arts-and-crafts (1)"}, termsByPath(t, s, blog.Category)); diff != "" {
			t.Errorf("Terms(category) mismatch (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"go (2)", "unused (0)", "web (1)"}, termsByPath(t, s, blog.Tag)); diff != "" {
			t.Errorf("Terms(tag) mismatch (-want +got):\n%s", diff)
		}
	})
}

func TestCreateTerm(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		s := newStore(t)
		ctx := t.Context()
		arts := blog.Term{Taxonomy: blog.Category, Name: " Arts "}
		if err := s.CreateTerm(ctx, &arts); err != nil {
			t.Fatalf("CreateTerm(Arts) error: %v", err)
		}
		if arts.ID == 0 || arts.Name != "Arts" || arts.Slug != "arts" || arts.Path != "arts" {
			t.Errorf("CreateTerm(Arts) = %+v; want an ID, the name trimmed and the slug made from it", arts)
		}
		music := blog.Term{Taxonomy: blog.Category, Name: "Music", Slug: "sound", ParentID: arts.ID}
		if err := s.CreateTerm(ctx, &music); err != nil {
			t.Fatalf("CreateTerm(Music) error: %v", err)
		}
		if music.Path != "arts/sound" {
			t.Errorf("CreateTerm(Music under Arts, slug sound).Path = %q; want arts/sound", music.Path)
		}
		// A name taken elsewhere in the tree gets a free slug; a typed slug must be free and valid.
		local := blog.Term{Taxonomy: blog.Category, Name: "Arts", ParentID: music.ID}
		if err := s.CreateTerm(ctx, &local); err != nil || local.Slug != "arts-2" {
			t.Errorf("CreateTerm(Arts under Music) = %+v, %v; want slug arts-2", local, err)
		}
		for _, tt := range []struct {
			term blog.Term
			code string
		}{
			{blog.Term{Taxonomy: blog.Category, Name: "ARTS"}, blog.ECONFLICT},                // the same name at the same place
			{blog.Term{Taxonomy: blog.Category, Name: "Other", Slug: "arts"}, blog.ECONFLICT}, // a slug in use
			{blog.Term{Taxonomy: blog.Category, Name: "Other", Slug: "Not A Slug"}, blog.EINVALID},
			{blog.Term{Taxonomy: blog.Category, Name: "Other", Slug: "admin"}, blog.EINVALID},
			{blog.Term{Taxonomy: blog.Category, Name: "A/B"}, blog.EINVALID},
			{blog.Term{Taxonomy: blog.Category, Name: "  "}, blog.EINVALID},
			{blog.Term{Taxonomy: blog.Category, Name: "!!!"}, blog.EINVALID},
			{blog.Term{Taxonomy: blog.Category, Name: "Orphan", ParentID: 999}, blog.EINVALID},
			{blog.Term{Taxonomy: blog.Tag, Name: ""}, blog.EINVALID},
			{blog.Term{Taxonomy: blog.Tag, Name: "Child", ParentID: arts.ID}, blog.EINVALID},
			{blog.Term{Taxonomy: "colour", Name: "Red"}, blog.EINVALID},
		} {
			term := tt.term
			wantCode(t, fmt.Sprintf("CreateTerm(%+v)", tt.term), s.CreateTerm(ctx, &term), tt.code)
		}
		// The same name as a category is fine for a tag: they are different taxonomies.
		if err := s.CreateTerm(ctx, &blog.Term{Taxonomy: blog.Tag, Name: "Arts"}); err != nil {
			t.Errorf("CreateTerm(tag Arts) error: %v", err)
		}
	})
}

func TestUpdateTerm(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		s := newStore(t)
		ctx := t.Context()
		ann := createUser(t, s, "Ann", blog.RoleAuthor)
		post := fileUnder(t, s, ann.ID, "One", [][]string{{"Politics", "Elections", "Local"}}, []string{"Go"})
		politics, elections, local := termID(t, s, blog.Category, "politics"), termID(t, s, blog.Category, "elections"), termID(t, s, blog.Category, "local")

		// Rename and re-slug: the old slug still finds the term, whose Slug says where it is now.
		if err := s.UpdateTerm(ctx, blog.Term{ID: politics, Taxonomy: blog.Category, Name: "Civic Life", Slug: "civics"}); err != nil {
			t.Fatalf("UpdateTerm(politics) error: %v", err)
		}
		got, err := s.TermBySlug(ctx, blog.Category, "politics")
		if err != nil || got.ID != politics || got.Slug != "civics" || got.Path != "civics" || got.Name != "Civic Life" {
			t.Errorf("TermBySlug(old slug politics) = %+v, %v; want the renamed category", got, err)
		}
		if p, err := s.Post(ctx, post.ID); err != nil || p.Categories[0].Path != "civics/elections/local" {
			t.Errorf("after renaming, the post's category = %v, %v; want civics/elections/local", termPaths(p.Categories), err)
		}

		// Move a category: its subtree follows; moving under itself or a descendant is refused.
		wantCode(t, "UpdateTerm(politics under local)", s.UpdateTerm(ctx, blog.Term{ID: politics, Taxonomy: blog.Category, Name: "Civic Life", Slug: "civics", ParentID: local}), blog.EINVALID)
		wantCode(t, "UpdateTerm(politics under itself)", s.UpdateTerm(ctx, blog.Term{ID: politics, Taxonomy: blog.Category, Name: "Civic Life", Slug: "civics", ParentID: politics}), blog.EINVALID)
		if err := s.UpdateTerm(ctx, blog.Term{ID: elections, Taxonomy: blog.Category, Name: "Elections", Slug: "elections"}); err != nil {
			t.Fatalf("UpdateTerm(elections to the top) error: %v", err)
		}
		if diff := cmp.Diff([]string{"civics (0)", "elections (0)", "elections/local (1)"}, termsByPath(t, s, blog.Category)); diff != "" {
			t.Errorf("after moving elections (-want +got):\n%s", diff)
		}

		// A slug in use is a conflict; an empty slug is made from the name.
		wantCode(t, "UpdateTerm(slug of another)", s.UpdateTerm(ctx, blog.Term{ID: local, Taxonomy: blog.Category, Name: "Local", Slug: "elections", ParentID: elections}), blog.ECONFLICT)
		wantCode(t, "UpdateTerm(tag into category)", s.UpdateTerm(ctx, blog.Term{ID: termID(t, s, blog.Tag, "go"), Taxonomy: blog.Category, Name: "Go"}), blog.EINVALID)
		wantCode(t, "UpdateTerm(nothing)", s.UpdateTerm(ctx, blog.Term{ID: 999, Taxonomy: blog.Tag, Name: "Go"}), blog.ENOTFOUND)
		if err := s.UpdateTerm(ctx, blog.Term{ID: termID(t, s, blog.Tag, "go"), Taxonomy: blog.Tag, Name: "Golang"}); err != nil {
			t.Fatal(err)
		}
		if got, err := s.TermBySlug(ctx, blog.Tag, "go"); err != nil || got.Slug != "golang" {
			t.Errorf("TermBySlug(tag go) after renaming to Golang = %+v, %v; want slug golang", got, err)
		}

		// A new term may take a slug that an old one gave up; it then wins over the redirect.
		pol := blog.Term{Taxonomy: blog.Category, Name: "Politics"}
		if err := s.CreateTerm(ctx, &pol); err != nil || pol.Slug != "politics" {
			t.Fatalf("CreateTerm(Politics) = %+v, %v", pol, err)
		}
		if got, err := s.TermBySlug(ctx, blog.Category, "politics"); err != nil || got.ID != pol.ID {
			t.Errorf("TermBySlug(politics) = %+v, %v; want the new category", got, err)
		}
		// Going back to an old slug drops it from the old ones.
		if err := s.UpdateTerm(ctx, blog.Term{ID: termID(t, s, blog.Tag, "golang"), Taxonomy: blog.Tag, Name: "Go", Slug: "go"}); err != nil {
			t.Fatal(err)
		}
		for _, slug := range []string{"go", "golang"} {
			if got, err := s.TermBySlug(ctx, blog.Tag, slug); err != nil || got.Slug != "go" {
				t.Errorf("TermBySlug(tag %s) = %+v, %v; want slug go", slug, got, err)
			}
		}
	})
}

func TestDeleteTerm(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		s, db := newStoreDB(t)
		ctx := t.Context()
		ann := createUser(t, s, "Ann", blog.RoleAuthor)
		post := fileUnder(t, s, ann.ID, "One", [][]string{{"Arts", "Music", "Jazz"}, {"Arts", "Film"}}, []string{"Go"})
		music := termID(t, s, blog.Category, "music")
		if err := s.UpdateTerm(ctx, blog.Term{ID: music, Taxonomy: blog.Category, Name: "Music", Slug: "sound", ParentID: termID(t, s, blog.Category, "arts")}); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteTerm(ctx, music); err != nil {
			t.Fatalf("DeleteTerm(music) error: %v", err)
		}
		// Jazz moves up to Arts; the post stays, filed under what is left.
		if diff := cmp.Diff([]string{"arts (0)", "arts/film (1)", "arts/jazz (1)"}, termsByPath(t, s, blog.Category)); diff != "" {
			t.Errorf("after deleting music (-want +got):\n%s", diff)
		}
		p, err := s.Post(ctx, post.ID)
		if err != nil {
			t.Fatalf("Post(%d) after deleting a category: %v", post.ID, err)
		}
		if diff := cmp.Diff([]string{"arts/film", "arts/jazz"}, termPaths(p.Categories)); diff != "" {
			t.Errorf("the post's categories (-want +got):\n%s", diff)
		}
		for _, slug := range []string{"music", "sound"} {
			_, err := s.TermBySlug(ctx, blog.Category, slug)
			wantCode(t, "TermBySlug("+slug+") after deleting it", err, blog.ENOTFOUND)
		}
		if n := count(t, db, "term_old_slugs"); n != 0 {
			t.Errorf("term_old_slugs has %d rows after deleting the term; want 0", n)
		}
		if err := s.DeleteTerm(ctx, termID(t, s, blog.Tag, "go")); err != nil {
			t.Fatal(err)
		}
		if p, err := s.Post(ctx, post.ID); err != nil || len(p.Tags) != 0 {
			t.Errorf("the post's tags after deleting Go = %v, %v; want none", termNames(p.Tags), err)
		}
		wantCode(t, "DeleteTerm(999)", s.DeleteTerm(ctx, 999), blog.ENOTFOUND)
	})
}
