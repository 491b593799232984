package store_test

import (
	"context"
	"testing"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/store"
)

// The WordPress IDs of categories and authors are found again by ID alone, and never by the keys the import
// remembers terms, users and posts by, even when those look like the same number.
func TestImportedCategoryAndAuthorIDs(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		ctx := t.Context()
		s := newStore(t)
		ann := createUser(t, s, "Ann", blog.RoleAdmin)
		bob := createUser(t, s, "Bob", blog.RoleAuthor)
		news := blog.Term{Taxonomy: blog.Category, Name: "News"}
		arts := blog.Term{Taxonomy: blog.Category, Name: "Arts"}
		for _, term := range []*blog.Term{&news, &arts} {
			if err := s.CreateTerm(ctx, term); err != nil {
				t.Fatalf("CreateTerm(%q) error: %v", term.Name, err)
			}
		}
		err := s.Import(ctx, func(tx *store.ImportTx) error {
			for _, step := range []func() error{
				func() error { return tx.RememberCategoryID(ctx, "https://old.example", 5, news.ID) },
				func() error { return tx.RememberAuthorID(ctx, "https://old.example", 2, ann.ID) },
				// A second site that used the same ID: the higher local ID answers.
				func() error { return tx.RememberCategoryID(ctx, "https://other.example", 5, arts.ID) },
				// The import's own keys: a category whose slug is "9", a user whose login is "8", post 7.
				func() error { return tx.Remember(ctx, "https://old.example", "term", "category:9", news.ID) },
				func() error { return tx.Remember(ctx, "https://old.example", "user", "8", bob.ID) },
				func() error { return tx.Remember(ctx, "https://old.example", "post", "7", 1) },
			} {
				if err := step(); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatalf("Import error: %v", err)
		}
		tests := []struct {
			name string
			find func(context.Context, int64) (int64, error)
			id   int64
			want int64
		}{
			{"ImportedCategoryID", s.ImportedCategoryID, 5, max(news.ID, arts.ID)},
			{"ImportedCategoryID", s.ImportedCategoryID, 9, 0},
			{"ImportedCategoryID", s.ImportedCategoryID, 2, 0},
			{"ImportedCategoryID", s.ImportedCategoryID, 7, 0},
			{"ImportedAuthorID", s.ImportedAuthorID, 2, ann.ID},
			{"ImportedAuthorID", s.ImportedAuthorID, 8, 0},
			{"ImportedAuthorID", s.ImportedAuthorID, 5, 0},
			{"ImportedAuthorID", s.ImportedAuthorID, 7, 0},
		}
		for _, tt := range tests {
			got, err := tt.find(ctx, tt.id)
			if err != nil || got != tt.want {
				t.Errorf("%s(%d) = %d, %v; want %d", tt.name, tt.id, got, err, tt.want)
			}
		}
	})
}
