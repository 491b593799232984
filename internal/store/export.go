package store

import (
	"context"
	"fmt"

	"github.com/salon-blog/salon/internal/blog"
)

// exportBatch is how many posts are read at a time for an export: enough to keep queries few, few enough that a
// site with a million comments streams out in small memory.
const exportBatch = 200

// EachPost calls fn for every post and page, trashed or not, in ID order, with its categories, tags and all its
// comments whatever their status (oldest first). It reads a batch of posts and their comments in two queries.
func (s *Store) EachPost(ctx context.Context, fn func(p blog.Post, comments []blog.Comment) error) error {
	var after int64
	for {
		posts, err := s.queryPosts(ctx, `SELECT `+postColumns+postFrom+` WHERE p.id > $1 ORDER BY p.id LIMIT $2`, after, exportBatch)
		if err != nil {
			return fmt.Errorf("export posts: %w", err)
		}
		if len(posts) == 0 {
			return nil
		}
		if err := s.loadTerms(ctx, posts); err != nil {
			return err
		}
		last := posts[len(posts)-1].ID
		comments, err := s.queryComments(ctx, `SELECT `+commentColumns+` FROM comments c
			WHERE c.post_id > $1 AND c.post_id <= $2 ORDER BY c.post_id, c.created_at, c.id`, after, last)
		if err != nil {
			return err
		}
		byPost := map[int64][]blog.Comment{}
		for _, c := range comments {
			byPost[c.PostID] = append(byPost[c.PostID], c)
		}
		for _, p := range posts {
			if err := fn(p, byPost[p.ID]); err != nil {
				return err
			}
		}
		after = last
	}
}
