package post_test

import (
	"context"
	"errors"
	"fmt"
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

var (
	editor = blog.User{Email: "ed@example.com", Name: "Ed", Slug: "ed", Role: blog.RoleEditor, PasswordHash: "x"}
	author = blog.User{Email: "ari@example.com", Name: "Ari", Slug: "ari", Role: blog.RoleAuthor, PasswordHash: "x"}
	other  = blog.User{Email: "oli@example.com", Name: "Oli", Slug: "oli", Role: blog.RoleAuthor, PasswordHash: "x"}
)

// signedIn reads back the users of a writer's store with their IDs.
func signedIn(t *testing.T, w *post.Writer, emails ...string) []blog.User {
	t.Helper()
	var us []blog.User
	for _, e := range emails {
		u, err := w.Store.UserByEmail(context.Background(), e)
		if err != nil {
			t.Fatal(err)
		}
		us = append(us, u)
	}
	return us
}

func TestRolesOnTheServer(t *testing.T) {
	w := newWriter(t, admin, contributor, editor, author, other)
	ctx := context.Background()
	us := signedIn(t, w, contributor.Email, editor.Email, author.Email, other.Email)
	cora, ed, ari, oli := us[0], us[1], us[2], us[3]

	// A contributor writes drafts and submits them, under their own name only, and never publishes.
	draft, err := w.Create(ctx, post.Draft{Title: "Cora's", Body: "x", Status: blog.StatusDraft, By: cora})
	if err != nil || draft.AuthorID != cora.ID {
		t.Fatalf("contributor's draft = %+v, %v", draft, err)
	}
	for _, st := range []blog.Status{blog.StatusPublish, blog.StatusPrivate, blog.StatusFuture, ""} {
		if _, err := w.Create(ctx, post.Draft{Title: "No", Body: "x", Status: st, By: cora}); blog.ErrorCode(err) != blog.EFORBIDDEN {
			t.Errorf("contributor creating with status %q = %v; want EFORBIDDEN", st, err)
		}
		if _, err := w.SetStatus(ctx, draft.ID, orPublish(st), cora); blog.ErrorCode(err) != blog.EFORBIDDEN {
			t.Errorf("contributor setting status %q = %v; want EFORBIDDEN", st, err)
		}
	}
	if _, err := w.Create(ctx, post.Draft{Title: "Ghost", Body: "x", Status: blog.StatusDraft, AuthorID: ari.ID, By: cora}); blog.ErrorCode(err) != blog.EFORBIDDEN {
		t.Errorf("contributor writing under another name = %v; want EFORBIDDEN", err)
	}
	d := post.Draft{Title: "Cora's", Body: "y", Status: blog.StatusPending, By: cora, Base: draft.Revision}
	pending, err := w.Update(ctx, draft.ID, d)
	if err != nil || pending.Status != blog.StatusPending {
		t.Fatalf("contributor submitting for review = %+v, %v", pending, err)
	}
	// An editor publishes it; from then on the contributor may not change it.
	if _, err := w.SetStatus(ctx, draft.ID, blog.StatusPublish, ed); err != nil {
		t.Fatalf("editor publishing = %v", err)
	}
	d.Base = 0
	if _, err := w.Update(ctx, draft.ID, d); blog.ErrorCode(err) != blog.EFORBIDDEN {
		t.Errorf("contributor changing their published post = %v; want EFORBIDDEN", err)
	}
	if err := w.Trash(ctx, draft.ID, cora); blog.ErrorCode(err) != blog.EFORBIDDEN {
		t.Errorf("contributor trashing their published post = %v; want EFORBIDDEN", err)
	}

	// An author publishes and trashes their own posts, and nobody else's.
	own, err := w.Create(ctx, post.Draft{Title: "Ari's", Body: "x", By: ari})
	if err != nil || own.Status != blog.StatusPublish {
		t.Fatalf("author publishing = %+v, %v", own, err)
	}
	if _, err := w.Update(ctx, own.ID, post.Draft{Title: "Oli was here", Body: "x", By: oli}); blog.ErrorCode(err) != blog.EFORBIDDEN {
		t.Errorf("author editing another's post = %v; want EFORBIDDEN", err)
	}
	if err := w.Trash(ctx, own.ID, oli); blog.ErrorCode(err) != blog.EFORBIDDEN {
		t.Errorf("author trashing another's post = %v; want EFORBIDDEN", err)
	}
	if _, err := w.Update(ctx, own.ID, post.Draft{Title: "Ari's", Body: "x", AuthorID: oli.ID, By: ari}); blog.ErrorCode(err) != blog.EFORBIDDEN {
		t.Errorf("author giving their post away = %v; want EFORBIDDEN", err)
	}
	if err := w.Trash(ctx, own.ID, ari); err != nil {
		t.Errorf("author trashing their own post = %v", err)
	}
	if _, err := w.Update(ctx, own.ID, post.Draft{Title: "Ari's", Body: "z", By: ari}); !isField(err, post.FormField, "trash") {
		t.Errorf("editing a trashed post = %v; want a message about the trash", err)
	}
	if err := w.Restore(ctx, own.ID, ed); err != nil {
		t.Errorf("editor restoring = %v", err)
	}
	if err := w.Delete(ctx, own.ID, ari); blog.ErrorCode(err) != blog.EINVALID {
		t.Errorf("deleting a post out of the trash = %v; want EINVALID", err)
	}

	// ListScope: what each role's list may show.
	for _, tt := range []struct {
		u        blog.User
		asked    []blog.Status
		ok       bool
		author   int64
		statuses []blog.Status
	}{
		{ed, nil, true, 0, nil},
		{ari, []blog.Status{blog.StatusPublish}, true, ari.ID, []blog.Status{blog.StatusPublish}},
		{cora, nil, true, cora.ID, []blog.Status{blog.StatusDraft, blog.StatusPending}},
		{cora, []blog.Status{blog.StatusPublish}, false, cora.ID, nil},
	} {
		f := blog.PostFilter{Statuses: tt.asked}
		ok := post.ListScope(tt.u, &f)
		if ok != tt.ok || f.AuthorID != tt.author || fmt.Sprint(f.Statuses) != fmt.Sprint(tt.statuses) {
			t.Errorf("ListScope(%s, %v) = %v, author %d, statuses %v", tt.u.Role, tt.asked, ok, f.AuthorID, f.Statuses)
		}
	}
}

func orPublish(st blog.Status) blog.Status {
	if st == "" {
		return blog.StatusPublish
	}
	return st
}

func isField(err error, field, word string) bool {
	var fe post.FieldErrors
	return errors.As(err, &fe) && strings.Contains(fe[field], word)
}

func TestConcurrentEditsLoseNothing(t *testing.T) {
	w := newWriter(t, admin, editor)
	ctx := context.Background()
	us := signedIn(t, w, admin.Email, editor.Email)
	ann, ed := us[0], us[1]
	p, err := w.Create(ctx, post.Draft{Title: "Shared", Body: "v1", By: ann})
	if err != nil {
		t.Fatal(err)
	}
	opened := p.Revision // both open the editor now
	if _, err := w.Update(ctx, p.ID, post.Draft{Title: "Shared", Body: "Ann's v2", By: ann, Base: opened}); err != nil {
		t.Fatalf("first save: %v", err)
	}
	_, err = w.Update(ctx, p.ID, post.Draft{Title: "Shared", Body: "Ed's v2", By: ed, Base: opened})
	if !blog.IsPostChanged(err) {
		t.Fatalf("second save from the same revision = %v; want ErrPostChanged", err)
	}
	if now, _ := w.Store.Post(ctx, p.ID); now.Body != "Ann's v2" {
		t.Errorf("the refused save changed the post: %q", now.Body)
	}
	// Restoring a revision is a save too: from an outdated revision it is refused; from the current one, it makes a
	// new revision and keeps the replaced text.
	if _, err := w.RestoreRevision(ctx, p.ID, opened, ed, opened); !blog.IsPostChanged(err) {
		t.Errorf("restore from an outdated revision = %v; want ErrPostChanged", err)
	}
	cur, _ := w.Store.Post(ctx, p.ID)
	restored, err := w.RestoreRevision(ctx, p.ID, opened, ed, cur.Revision)
	if err != nil || restored.Body != "v1" || restored.Revision <= cur.Revision || !strings.Contains(restored.HTML, "v1") {
		t.Fatalf("restore = %+v, %v", restored, err)
	}
	if rev, err := w.Store.Revision(ctx, p.ID, cur.Revision); err != nil || rev.Body != "Ann's v2" {
		t.Errorf("the replaced text is not kept: %+v, %v", rev, err)
	}
}

func TestAutosaveNeverChangesThePost(t *testing.T) {
	w := newWriter(t, admin, contributor)
	ctx := context.Background()
	us := signedIn(t, w, admin.Email, contributor.Email)
	ann, cora := us[0], us[1]
	p, err := w.Create(ctx, post.Draft{Title: "Live", Body: "public text", By: ann})
	if err != nil {
		t.Fatal(err)
	}
	kept, err := w.Autosave(ctx, p.ID, post.Draft{Title: "Live", Body: "half-typed", By: ann})
	if err != nil || !kept {
		t.Fatalf("Autosave = %v, %v", kept, err)
	}
	if now, _ := w.Store.Post(ctx, p.ID); now.Body != "public text" || now.Revision != p.Revision {
		t.Errorf("an autosave changed the post: %q, revision %d", now.Body, now.Revision)
	}
	if kept, err := w.Autosave(ctx, p.ID, post.Draft{Title: "Live", Body: "public text", By: ann}); err != nil || kept {
		t.Errorf("an autosave equal to the post = %v, %v; want dropped", kept, err)
	}
	if _, err := w.Autosave(ctx, p.ID, post.Draft{Title: "Live", Body: "mine now", By: cora}); blog.ErrorCode(err) != blog.EFORBIDDEN {
		t.Errorf("a contributor autosaving another's post = %v; want EFORBIDDEN", err)
	}
	if _, err := w.Autosave(ctx, p.ID, post.Draft{Body: strings.Repeat("x", blog.MaxBodyLen+1), By: ann}); !isField(err, "body", "larger") {
		t.Errorf("an oversized autosave = %v; want a body error", err)
	}
}

func TestDraftsFloat(t *testing.T) {
	w := newWriter(t, admin)
	ctx := context.Background()
	ann := signedIn(t, w, admin.Email)[0]
	// An untitled draft is allowed (autosave creates one), and its slug follows the title until it is published.
	p, err := w.Create(ctx, post.Draft{Body: "Started with the body.", Status: blog.StatusDraft, By: ann})
	if err != nil || p.Slug != "untitled" {
		t.Fatalf("untitled draft = %+v, %v", p, err)
	}
	if _, err := w.Create(ctx, post.Draft{Body: "x", Status: blog.StatusPending, By: ann}); !isField(err, "title", "title is required") {
		t.Errorf("untitled pending post = %v; want a title error", err)
	}
	p, err = w.Update(ctx, p.ID, post.Draft{Title: "A real title", Body: "More.", Slug: "untitled", Status: blog.StatusDraft, By: ann})
	if err != nil || p.Slug != "a-real-title" {
		t.Fatalf("titled draft = %+v, %v", p, err)
	}
	// Published a day later, the draft takes the day it is published.
	w.Now = func() time.Time { return now.Add(24 * time.Hour) }
	pub, err := w.SetStatus(ctx, p.ID, blog.StatusPublish, ann)
	if err != nil || pub.Status != blog.StatusPublish || !pub.Published.Equal(now.Add(24*time.Hour)) {
		t.Fatalf("publishing a draft = %s %v, %v; want published now", pub.Status, pub.Published, err)
	}
	// Once published, the slug stays when the title changes.
	pub, err = w.Update(ctx, p.ID, post.Draft{Title: "Retitled", Body: "More.", Slug: "a-real-title", By: ann})
	if err != nil || pub.Slug != "a-real-title" {
		t.Errorf("retitled published post = %+v, %v", pub, err)
	}
	// A slug taken by another post is a message beside the slug field.
	other, err := w.Create(ctx, post.Draft{Title: "Other", Body: "x", By: ann})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Update(ctx, other.ID, post.Draft{Title: "Other", Body: "x", Slug: "a-real-title", By: ann}); !isField(err, "slug", "already used") {
		t.Errorf("a taken slug = %v; want a slug error", err)
	}
}

// An edit keeps a post's categories as they are, even one whose slug got a suffix (news-2), instead of creating
// it again by name.
func TestUpdateKeepsSuffixedCategory(t *testing.T) {
	w := newWriter(t, admin)
	ctx := context.Background()
	if _, err := w.Create(ctx, post.Draft{Title: "One", Body: "x", Categories: []string{"Politics/News"}}); err != nil {
		t.Fatal(err)
	}
	p, err := w.Create(ctx, post.Draft{Title: "Two", Body: "x", Categories: []string{"Sports/News"}})
	if err != nil {
		t.Fatal(err)
	}
	if p, err = w.Store.Post(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	d := post.DraftOf(p, admin.Email)
	d.Title = "Two, edited"
	if _, err := w.Update(ctx, p.ID, d); err != nil {
		t.Fatal(err)
	}
	cats, err := w.Store.(*store.Store).Categories(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(cats) != 4 {
		t.Errorf("after the edit there are %d categories; want 4 (Politics, News, Sports, News)", len(cats))
	}
	again, err := w.Store.Post(ctx, p.ID)
	if err != nil || len(again.Categories) != 1 || again.Categories[0].Path != "sports/news-2" {
		t.Errorf("the edited post's categories = %+v, %v", again.Categories, err)
	}
}
