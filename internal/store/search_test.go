package store_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/store"
)

// searchFixture is a small site to search: posts in every state a reader may or may not see.
func searchFixture(t testing.TB, s *store.Store) map[string]*blog.Post {
	t.Helper()
	ann := createUser(t, s, "Ann Lee", blog.RoleAuthor)
	posts := map[string]*blog.Post{}
	add := func(title, html string, hours int, edit func(p *blog.Post)) {
		p := newPost(ann.ID, title, t0.Add(time.Duration(hours)*time.Hour))
		p.HTML = html
		if edit != nil {
			edit(&p)
		}
		createPost(t, s, &p, blog.PostTerms{})
		posts[p.Slug] = &p
	}
	add("Election night", "<p>The count went on until <em>dawn</em>.</p>", -5, nil)
	add("Gardening notes", "<p>Tomatoes after the election, and the well-known café on Main Street.</p>", -4, nil)
	add("Budget debate", "<p>Nothing about voting here; C++ &amp; Go, 100% sure. Привет, 世界.</p>", -3, nil)
	add("About", "<p>Who writes here: an election watcher.</p>", -6, func(p *blog.Post) { p.Type = blog.TypePage })
	add("Election draft", "<p>Unfinished election piece.</p>", -2, func(p *blog.Post) { p.Status = blog.StatusDraft })
	add("Private election", "<p>Election notes for me.</p>", -2, func(p *blog.Post) { p.Status = blog.StatusPrivate })
	add("Scheduled election", "<p>Election results tomorrow.</p>", 5, func(p *blog.Post) { p.Status = blog.StatusFuture })
	add("Trashed election", "<p>Election, thrown away.</p>", -1, nil)
	if err := s.TrashPost(t.Context(), posts["trashed-election"].ID); err != nil {
		t.Fatalf("TrashPost error: %v", err)
	}
	return posts
}

func TestSearchPosts(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		s := newStore(t)
		searchFixture(t, s)
		public := blog.PostFilter{PublicAt: t0}
		// want is what is found, in any order but for first, which leads when set: the two engines rank matches in
		// the text alike only roughly, but both put a word in the title first.
		tests := []struct {
			name  string
			query string
			f     blog.PostFilter
			want  []string
			first string
		}{
			{"word in titles and texts", "election", public, []string{"about", "election-night", "gardening-notes"}, "election-night"},
			{"any case", "ELECTION", public, []string{"about", "election-night", "gardening-notes"}, "election-night"},
			{"every word", "election tomatoes", public, []string{"gardening-notes"}, ""},
			{"in the text only", "dawn", public, []string{"election-night"}, ""},
			{"no match", "referendum", public, nil, ""},
			{"a word and a missing one", "election referendum", public, nil, ""},
			{"phrase", `"went on until"`, public, []string{"election-night"}, ""},
			{"phrase out of order", `"until went"`, public, nil, ""},
			{"excluded word", "election -tomatoes", public, []string{"about", "election-night"}, "election-night"},
			{"excluded phrase", `election -"count went"`, public, []string{"about", "gardening-notes"}, ""},
			{"exclusions alone find nothing", "-tomatoes", public, nil, ""},
			{"hyphenated word", "well-known", public, []string{"gardening-notes"}, ""},
			{"non-Latin", "привет", public, []string{"budget-debate"}, ""},
			{"CJK word", "世界", public, []string{"budget-debate"}, ""},
			{"operators are words", "voting AND nothing", public, nil, ""},
			{"punctuation around words", `(voting) "nothing`, public, []string{"budget-debate"}, ""},
			{"posts only", "election", blog.PostFilter{PublicAt: t0, Type: blog.TypePost}, []string{"election-night", "gardening-notes"}, "election-night"},
			{"what is public later", "election", blog.PostFilter{PublicAt: t0.Add(6 * time.Hour)},
				[]string{"about", "election-night", "gardening-notes", "scheduled-election"}, ""},
			{"empty query", "", public, nil, ""},
			{"only punctuation", `!!! ... "" -`, public, nil, ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, total, err := s.SearchPosts(t.Context(), tt.query, tt.f)
				if err != nil {
					t.Fatalf("SearchPosts(%q) error: %v", tt.query, err)
				}
				found := slugs(got)
				if diff := cmp.Diff(tt.want, found, cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" || total != len(tt.want) {
					t.Errorf("SearchPosts(%q) = %v, total %d; want %v (-want +got):\n%s", tt.query, found, total, tt.want, diff)
				}
				if tt.first != "" && (len(found) == 0 || found[0] != tt.first) {
					t.Errorf("SearchPosts(%q) = %v; want %s first", tt.query, found, tt.first)
				}
			})
		}

		// Pages follow the order of the whole list, without repeats or gaps, each with the total.
		all, _, err := s.SearchPosts(t.Context(), "election", public)
		if err != nil {
			t.Fatal(err)
		}
		var paged []string
		for offset := 0; offset < 4; offset += 2 {
			page, total, err := s.SearchPosts(t.Context(), "election", blog.PostFilter{PublicAt: t0, Limit: 2, Offset: offset})
			if err != nil {
				t.Fatal(err)
			}
			if total != 3 {
				t.Errorf("SearchPosts(%q) at offset %d: total %d; want 3", "election", offset, total)
			}
			paged = append(paged, slugs(page)...)
		}
		if !cmp.Equal(paged, slugs(all)) {
			t.Errorf("SearchPosts(%q) by pages of 2 = %v; want %v", "election", paged, slugs(all))
		}
		page, total, err := s.SearchPosts(t.Context(), "election", blog.PostFilter{PublicAt: t0, Limit: 2, Offset: 4})
		if err != nil || page != nil || total != 3 {
			t.Errorf("SearchPosts(%q) past the last page = %v, %d, %v; want none, 3, nil", "election", slugs(page), total, err)
		}
	})
}

// TestSearchRanksNewestAmongEquals checks that posts matching alike are listed newest first.
func TestSearchRanksNewestAmongEquals(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		s := newStore(t)
		ann := createUser(t, s, "Ann Lee", blog.RoleAuthor)
		for i, title := range []string{"Weekly notes one", "Weekly notes two", "Weekly notes three"} {
			p := newPost(ann.ID, title, t0.Add(time.Duration(i-5)*time.Hour))
			p.HTML = "<p>Same words.</p>"
			createPost(t, s, &p, blog.PostTerms{})
		}
		got, _, err := s.SearchPosts(t.Context(), "same words", blog.PostFilter{PublicAt: t0})
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"weekly-notes-three", "weekly-notes-two", "weekly-notes-one"}; !cmp.Equal(slugs(got), want) {
			t.Errorf("SearchPosts(%q) = %v; want %v", "same words", slugs(got), want)
		}
	})
}

// TestSearchPostsFilled checks that what a search finds is read in full, as the lists read it.
func TestSearchPostsFilled(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		s := newStore(t)
		ann := createUser(t, s, "Ann Lee", blog.RoleAuthor)
		p := newPost(ann.ID, "Tagged election", t0.Add(-time.Hour))
		createPost(t, s, &p, blog.PostTerms{Tags: []string{"Politics"}, Categories: [][]string{{"News"}}})
		got, _, err := s.SearchPosts(t.Context(), "tagged", blog.PostFilter{PublicAt: t0})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].Author.Name != "Ann Lee" || got[0].HTML != p.HTML ||
			!cmp.Equal(termNames(got[0].Tags), []string{"Politics"}) || !cmp.Equal(termNames(got[0].Categories), []string{"News"}) {
			t.Errorf("SearchPosts(%q) = %+v; want the post with its author and terms", "tagged", got)
		}
	})
}

// TestSearchFollowsEdits checks that the index follows posts as they are written: an edit is found by its new words
// and no longer by its old ones, and a deleted post is gone; a comment count changing leaves it alone.
func TestSearchFollowsEdits(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		s := newStore(t)
		ctx := t.Context()
		posts := searchFixture(t, s)
		find := func(query string) []string {
			t.Helper()
			got, _, err := s.SearchPosts(ctx, query, blog.PostFilter{PublicAt: t0})
			if err != nil {
				t.Fatalf("SearchPosts(%q) error: %v", query, err)
			}
			return slugs(got)
		}
		p := posts["gardening-notes"]
		p.Title, p.HTML = "Orchard notes", "<p>Apples and pears.</p>"
		if err := s.UpdatePost(ctx, p, blog.PostTerms{}); err != nil {
			t.Fatalf("UpdatePost error: %v", err)
		}
		for _, tt := range []struct {
			query string
			want  []string
		}{
			{"orchard", []string{"gardening-notes"}},
			{"pears", []string{"gardening-notes"}},
			{"gardening", nil},
			{"tomatoes", nil},
			{"election", []string{"election-night", "about"}},
		} {
			if got := find(tt.query); !cmp.Equal(got, tt.want) {
				t.Errorf("after the edit, SearchPosts(%q) = %v; want %v", tt.query, got, tt.want)
			}
		}

		// A draft published is found; published then trashed, and deleted, it is not.
		draft := posts["election-draft"]
		draft.Status = blog.StatusPublish
		if err := s.UpdatePost(ctx, draft, blog.PostTerms{}); err != nil {
			t.Fatalf("UpdatePost error: %v", err)
		}
		if got := find("unfinished"); !cmp.Equal(got, []string{"election-draft"}) {
			t.Errorf("the draft published: SearchPosts(%q) = %v; want it", "unfinished", got)
		}
		night := posts["election-night"]
		if err := s.TrashPost(ctx, night.ID); err != nil {
			t.Fatal(err)
		}
		if got := find("dawn"); got != nil {
			t.Errorf("trashed: SearchPosts(%q) = %v; want none", "dawn", got)
		}
		if err := s.DeletePost(ctx, night.ID); err != nil {
			t.Fatal(err)
		}
		if got := find("dawn"); got != nil {
			t.Errorf("deleted: SearchPosts(%q) = %v; want none", "dawn", got)
		}
		// Restored trash and a post created after the deletion are indexed as any other.
		if err := s.RestorePost(ctx, posts["trashed-election"].ID); err != nil {
			t.Fatal(err)
		}
		if got := find("thrown"); !cmp.Equal(got, []string{"trashed-election"}) {
			t.Errorf("restored: SearchPosts(%q) = %v; want it", "thrown", got)
		}
	})
}

// TestSearchIndexesExistingPosts checks that migration 15 indexes the posts written before it.
func TestSearchIndexesExistingPosts(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		s, raw := newStoreDB(t)
		ctx := t.Context()
		searchFixture(t, s)
		if err := store.MigrateDownToForTest(s, ctx, 14); err != nil {
			t.Fatalf("MigrateDownTo(14) error: %v", err)
		}
		if _, err := raw.ExecContext(ctx, `UPDATE posts SET title = 'Harvest notes' WHERE slug = 'gardening-notes'`); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Migrate(ctx); err != nil {
			t.Fatalf("Migrate() error: %v", err)
		}
		got, _, err := s.SearchPosts(ctx, "harvest", blog.PostFilter{PublicAt: t0})
		if err != nil {
			t.Fatal(err)
		}
		if !cmp.Equal(slugs(got), []string{"gardening-notes"}) {
			t.Errorf("SearchPosts(%q) = %v; want the post written before the migration", "harvest", slugs(got))
		}
	})
}

// FuzzSearchPosts checks that no query is an error, on SQLite and, when SALON_TEST_POSTGRES is set, on
// PostgreSQL: whatever a reader types is words to find, never the index's syntax. Its corpus of odd queries is in
// testdata/fuzz/FuzzSearchPosts.
func FuzzSearchPosts(f *testing.F) {
	for _, q := range []string{"election", `"went on`, "a AND b OR NOT c", "NEAR(a b)", "title:x", "x*", "^x", "-", `""`,
		"'", `\`, "(", "!!x & y | z", "x:*", "<->", "a\x00b", "\xff\xfe", "日本語", strings.Repeat("word ", 100)} {
		f.Add(q)
	}
	type engine struct {
		name string
		s    *store.Store
	}
	sqlite := newStore(f)
	searchFixture(f, sqlite)
	engines := []engine{{"sqlite", sqlite}}
	if postgresDSN != "" {
		dsn, _ := postgresSchema(f)
		pg, err := store.Open(f.Context(), dsn)
		if err != nil {
			f.Fatal(err)
		}
		f.Cleanup(func() { pg.Close() })
		if _, err := pg.Migrate(f.Context()); err != nil {
			f.Fatal(err)
		}
		searchFixture(f, pg)
		engines = append(engines, engine{"postgres", pg})
	}
	f.Fuzz(func(t *testing.T, q string) {
		for _, e := range engines {
			posts, total, err := e.s.SearchPosts(t.Context(), q, blog.PostFilter{PublicAt: t0, Limit: 2})
			if err != nil {
				t.Fatalf("%s: SearchPosts(%q) error: %v", e.name, q, err)
			}
			if len(posts) > 2 || total < len(posts) {
				t.Fatalf("%s: SearchPosts(%q) = %d posts, total %d", e.name, q, len(posts), total)
			}
		}
	})
}

// BenchmarkSearchPosts searches 100,000 posts (seedPosts: every one has the same paragraph, and a title and a
// sentence of its own) for a rare word, a rare word beside a common one, and the worst case, a word every post has.
func BenchmarkSearchPosts(b *testing.B) {
	engines := []string{"sqlite"}
	if postgresDSN != "" {
		engines = append(engines, "postgres")
	}
	for _, engine := range engines {
		b.Run(engine, func(b *testing.B) {
			s := newStore(b)
			ctx := b.Context()
			authors := []blog.User{createUser(b, s, "Ann", blog.RoleAuthor), createUser(b, s, "Bob", blog.RoleAuthor)}
			seedPosts(b, s, authors, 100_000)
			// The statistics a running site has (autovacuum gathers them): without them, PostgreSQL guesses that
			// one post is public and hashes all of them rather than look up the few the index found.
			if _, err := store.ExecForTest(s, ctx, "ANALYZE"); err != nil {
				b.Fatal(err)
			}
			for _, bench := range []struct{ name, query string }{
				{"rare", "4242"},
				{"rare-and-common", "paragraph 4242"},
				{"phrase", `"post 4242"`},
				{"every-post", "paragraph"},
			} {
				b.Run(bench.name, func(b *testing.B) {
					for b.Loop() {
						posts, total, err := s.SearchPosts(ctx, bench.query, blog.PostFilter{PublicAt: t0, Limit: 10})
						if err != nil || len(posts) == 0 || total == 0 {
							b.Fatalf("SearchPosts(%q) = %d posts of %d, %v; want some", bench.query, len(posts), total, err)
						}
					}
				})
			}
		})
	}
}
