package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
)

// WordPress's query addresses name a category and an author by ID (/?cat=5, /?author=2). An import cannot keep
// those IDs as it keeps posts' (a term or user here may already have one, and terms and users are matched by slug
// and login), so it remembers them in imported beside its own keys. These keys begin with "id:", as none of the
// import's own can: theirs for terms are "category:slug" and "tag:slug", for users WordPress logins, which hold no
// colon.
const (
	categoryIDKey = "id:category:"
	authorIDKey   = "id:"
)

// RememberCategoryID records that the category WordPress knew under wordPressID at source is categoryID here.
func (it *ImportTx) RememberCategoryID(ctx context.Context, source string, wordPressID, categoryID int64) error {
	return it.Remember(ctx, source, "term", categoryIDKey+strconv.FormatInt(wordPressID, 10), categoryID)
}

// RememberAuthorID records that the user WordPress knew under wordPressID at source is userID here.
func (it *ImportTx) RememberAuthorID(ctx context.Context, source string, wordPressID, userID int64) error {
	return it.Remember(ctx, source, "user", authorIDKey+strconv.FormatInt(wordPressID, 10), userID)
}

// ImportedCategoryID is the local ID of the category an import brought in under the ID it had on its old site
// (WordPress's /?cat=ID), or 0. When imports from several sites carried that ID, the highest local ID answers, as
// for posts: an old link does not say which site it was to.
func (s *Store) ImportedCategoryID(ctx context.Context, wordPressID int64) (int64, error) {
	return s.importedID(ctx, "term", categoryIDKey+strconv.FormatInt(wordPressID, 10))
}

// ImportedAuthorID is the local ID of the user an import brought in under the ID they had on their old site
// (WordPress's /?author=ID), or 0. When imports from several sites carried that ID, the highest local ID answers,
// as for posts.
func (s *Store) ImportedAuthorID(ctx context.Context, wordPressID int64) (int64, error) {
	return s.importedID(ctx, "user", authorIDKey+strconv.FormatInt(wordPressID, 10))
}

func (s *Store) importedID(ctx context.Context, kind, key string) (int64, error) {
	var id int64
	err := s.read.QueryRowContext(ctx, `SELECT local_id FROM imported WHERE kind = $1 AND external_id = $2
		ORDER BY local_id DESC LIMIT 1`, kind, key).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("find imported %s %s: %w", kind, key, err)
	}
	return id, nil
}
