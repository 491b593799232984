package post_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/post"
	"github.com/salon-blog/salon/internal/store"
)

var now = time.Date(2024, 6, 10, 12, 0, 0, 0, time.UTC)

func newWriter(t *testing.T, users ...blog.User) *post.Writer {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "salon.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		if err := st.CreateUser(ctx, &u); err != nil {
			t.Fatal(err)
		}
	}
	return &post.Writer{Store: st, Now: func() time.Time { return now }}
}

var (
	admin       = blog.User{Email: "ann@example.com", Name: "Ann", Slug: "ann", Role: blog.RoleAdmin, PasswordHash: "x"}
	contributor = blog.User{Email: "cora@example.com", Name: "Cora", Slug: "cora", Role: blog.RoleContributor, PasswordHash: "x"}
)

func TestCreateStatusAndDate(t *testing.T) {
	w := newWriter(t, admin, contributor)
	tests := []struct {
		name       string
		draft      post.Draft
		wantStatus blog.Status
		wantDate   time.Time
		wantErr    string
	}{
		{"defaults: published now", post.Draft{}, blog.StatusPublish, now, ""},
		{"published with a future date is scheduled", post.Draft{Date: now.Add(time.Hour)}, blog.StatusFuture, now.Add(time.Hour), ""},
		{"scheduled with a past date is published", post.Draft{Status: blog.StatusFuture, Date: now.Add(-time.Hour)}, blog.StatusPublish, now.Add(-time.Hour), ""},
		{"scheduled without a date", post.Draft{Status: blog.StatusFuture}, "", time.Time{}, "needs a date in the future"},
		{"draft is dated now", post.Draft{Status: blog.StatusDraft}, blog.StatusDraft, now, ""},
		{"contributor cannot publish", post.Draft{AuthorEmail: "cora@example.com"}, "", time.Time{}, "cannot publish"},
		{"contributor cannot schedule", post.Draft{AuthorEmail: "cora@example.com", Date: now.Add(time.Hour)}, "", time.Time{}, "cannot publish"},
		{"contributor submits for review", post.Draft{AuthorEmail: "CORA@example.com ", Status: blog.StatusPending}, blog.StatusPending, now, ""},
		{"unknown author", post.Draft{AuthorEmail: "who@example.com"}, "", time.Time{}, "no user with the email who@example.com"},
	}
	for i, tt := range tests {
		d := tt.draft
		d.Title, d.Body = "Post "+string(rune('A'+i)), "Body"
		p, err := w.Create(context.Background(), d)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(blog.ErrorMessage(err), tt.wantErr) || blog.ErrorCode(err) != blog.EINVALID {
				t.Errorf("%s: Create error = %v; want EINVALID %q", tt.name, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: Create: %v", tt.name, err)
			continue
		}
		if p.Status != tt.wantStatus || !p.Published.Equal(tt.wantDate) {
			t.Errorf("%s: status %s date %v; want %s %v", tt.name, p.Status, p.Published, tt.wantStatus, tt.wantDate)
		}
	}
}

func TestCreateRendersAndFiles(t *testing.T) {
	w := newWriter(t, admin)
	p, err := w.Create(context.Background(), post.Draft{
		Title: "Ça va? Oui!", Body: "Intro.\n\n<!--more-->\n\nRest <script>alert(1)</script>.",
		Categories: []string{"News/World"}, Tags: []string{"a", "A", " b "},
	})
	if err != nil {
		t.Fatal(err)
	}
	if p.Slug != "ca-va-oui" || p.AuthorID == 0 || p.Type != blog.TypePost || !p.CommentsOpen {
		t.Errorf("defaults: slug %q author %d type %q open %v", p.Slug, p.AuthorID, p.Type, p.CommentsOpen)
	}
	if !strings.Contains(p.HTML, "Rest") || strings.Contains(p.HTML, "<script") || !strings.Contains(p.Summary, "Intro.") || strings.Contains(p.Summary, "Rest") {
		t.Errorf("rendering: HTML %q, Summary %q", p.HTML, p.Summary)
	}
	stored, err := w.Store.Post(context.Background(), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	var terms []string
	for _, c := range stored.Categories {
		terms = append(terms, c.Path)
	}
	for _, tg := range stored.Tags {
		terms = append(terms, tg.Name)
	}
	if got := strings.Join(terms, ","); got != "news/world,a,b" {
		t.Errorf("terms = %q; want news/world,a,b", got)
	}
}

func TestCreateWithoutAdmin(t *testing.T) {
	w := newWriter(t)
	_, err := w.Create(context.Background(), post.Draft{Title: "T", Body: "B"})
	if err == nil || !strings.Contains(blog.ErrorMessage(err), "salon user add --role admin") {
		t.Errorf("Create on a site without users: %v; want advice to add an admin", err)
	}
}

func TestUpdate(t *testing.T) {
	w := newWriter(t, admin)
	ctx := context.Background()
	p, err := w.Create(ctx, post.Draft{Title: "Original", Body: "One", Tags: []string{"t"}})
	if err != nil {
		t.Fatal(err)
	}
	d := post.DraftOf(p, admin.Email)
	d.Title, d.Body = "Renamed", "Two"
	up, err := w.Update(ctx, p.ID, d)
	if err != nil {
		t.Fatal(err)
	}
	if up.Slug != "original" || up.Title != "Renamed" || !strings.Contains(up.HTML, "Two") || !up.Published.Equal(p.Published) {
		t.Errorf("Update = %+v; want the same slug and date, new title and body", up)
	}
	if _, err := w.Update(ctx, 999, d); blog.ErrorCode(err) != blog.ENOTFOUND {
		t.Errorf("Update(999) error = %v; want ENOTFOUND", err)
	}
}
