package cli

import (
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/post"
	"github.com/salon-blog/salon/internal/store"
)

// TestPurgeErasesOldAddresses: the hourly maintenance erases the IP address of comments older than comment_ip_days,
// and only those, on the clock it is given.
func TestPurgeErasesOldAddresses(t *testing.T) {
	ctx := t.Context()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), store.DefaultDatabaseFile))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := st.SetSetting(ctx, "comment_ip_days", "7"); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateUser(ctx, &blog.User{Email: "ann@example.com", Name: "Ann", Slug: "ann", Role: blog.RoleAdmin, PasswordHash: "x"}); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2024, 5, 17, 10, 0, 0, 0, time.UTC)
	st.Now = func() time.Time { return now }
	p, err := (&post.Writer{Store: st, Now: st.Now}).Create(ctx, post.Draft{Title: "A post", Body: "Text.", Date: now.Add(-30 * 24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, age := range []time.Duration{8 * 24 * time.Hour, 6 * 24 * time.Hour} {
		c := blog.Comment{PostID: p.ID, AuthorName: "R", AuthorEmail: "r@example.com", AuthorIP: "198.51.100.9", Body: "x", HTML: "x",
			Status: blog.CommentApproved, Created: now.Add(-age)}
		if err := st.CreateComment(ctx, &c); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	purgeExpired(ctx, st, now, slog.New(slog.DiscardHandler))
	for i, want := range []string{"", "198.51.100.9"} {
		c, err := st.Comment(ctx, ids[i])
		if err != nil || c.AuthorIP != want {
			t.Errorf("comment %d after maintenance: IP %q, %v; want %q", ids[i], c.AuthorIP, err, want)
		}
	}
	// Two days later the second one is past the retention too.
	purgeExpired(ctx, st, now.Add(2*24*time.Hour), slog.New(slog.DiscardHandler))
	if c, _ := st.Comment(ctx, ids[1]); c.AuthorIP != "" {
		t.Errorf("comment %d keeps its IP %q past the retention", ids[1], c.AuthorIP)
	}
}
