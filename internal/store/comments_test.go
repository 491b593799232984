package store_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/store"
)

// commentsFixture is a site with an author and two posts, for the comment tests.
type commentsFixture struct {
	s            *store.Store
	author       blog.User
	first, other blog.Post
}

func newCommentsFixture(t *testing.T) *commentsFixture {
	t.Helper()
	s := newStore(t)
	s.Now = func() time.Time { return t0 }
	f := &commentsFixture{s: s, author: createUser(t, s, "Ann", blog.RoleAdmin)}
	f.first = newPost(f.author.ID, "First post", t0.Add(-48*time.Hour))
	createPost(t, s, &f.first, blog.PostTerms{})
	f.other = newPost(f.author.ID, "Other post", t0.Add(-24*time.Hour))
	createPost(t, s, &f.other, blog.PostTerms{})
	return f
}

// add stores a comment by name on post, written minutes after t0, and returns it with its ID.
func (f *commentsFixture) add(t *testing.T, post blog.Post, parent int64, name string, status blog.CommentStatus, minutes int) blog.Comment {
	t.Helper()
	slug := blog.Slugify(name)
	c := blog.Comment{
		PostID: post.ID, ParentID: parent, AuthorName: name, AuthorEmail: slug + "@example.com",
		AuthorURL: "https://" + slug + ".example.org", AuthorIP: fmt.Sprintf("192.0.2.%d", len(name)),
		UserAgent: "Test/1.0", Body: "Words of " + name + ".", HTML: "<p>Words of " + name + ".</p>\n",
		Status: status, Moderation: "test", Created: t0.Add(time.Duration(minutes) * time.Minute),
	}
	if err := f.s.CreateComment(t.Context(), &c); err != nil {
		t.Fatalf("CreateComment(%s) error: %v", name, err)
	}
	return c
}

// commentCount is the post's stored count of approved comments.
func (f *commentsFixture) commentCount(t *testing.T, id int64) int {
	t.Helper()
	p, err := f.s.Post(t.Context(), id)
	if err != nil {
		t.Fatalf("Post(%d) error: %v", id, err)
	}
	return p.CommentCount
}

func commentIDs(cs []blog.Comment) []int64 {
	ids := []int64{}
	for _, c := range cs {
		ids = append(ids, c.ID)
	}
	return ids
}

func contextIDs(cs []blog.CommentInContext) []int64 {
	ids := []int64{}
	for _, c := range cs {
		ids = append(ids, c.ID)
	}
	return ids
}

func TestCreateComment(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		f := newCommentsFixture(t)
		ctx := t.Context()
		held := f.add(t, f.first, 0, "Held", blog.CommentPending, 1)
		if held.ID == 0 {
			t.Fatal("CreateComment left ID 0")
		}
		if n := f.commentCount(t, f.first.ID); n != 0 {
			t.Errorf("comment_count after a pending comment = %d; want 0", n)
		}
		ok := f.add(t, f.first, held.ID, "Approved One", blog.CommentApproved, 2)
		if ok.ID <= held.ID {
			t.Errorf("second comment's ID = %d; want more than %d", ok.ID, held.ID)
		}
		f.add(t, f.first, 0, "Spammer", blog.CommentSpam, 3)
		if n := f.commentCount(t, f.first.ID); n != 1 {
			t.Errorf("comment_count after one approved comment = %d; want 1", n)
		}
		if n := f.commentCount(t, f.other.ID); n != 0 {
			t.Errorf("comment_count of the other post = %d; want 0", n)
		}

		got, err := f.s.Comment(ctx, ok.ID)
		if err != nil {
			t.Fatalf("Comment(%d) error: %v", ok.ID, err)
		}
		if diff := cmp.Diff(ok, got); diff != "" {
			t.Errorf("Comment(%d) differs from what was stored (-want +got):\n%s", ok.ID, diff)
		}
		if got.ParentID != held.ID || got.Created.Location() != time.UTC || !got.Created.Equal(t0.Add(2*time.Minute)) {
			t.Errorf("Comment(%d) = parent %d, created %v; want parent %d, created %v UTC", ok.ID, got.ParentID, got.Created, held.ID, t0.Add(2*time.Minute))
		}
		_, err = f.s.Comment(ctx, 999)
		wantCode(t, "Comment(999)", err, blog.ENOTFOUND)

		bad := blog.Comment{PostID: 999, AuthorName: "X", AuthorEmail: "x@example.com", Body: "x", Status: blog.CommentApproved, Created: t0}
		if err := f.s.CreateComment(ctx, &bad); err == nil {
			t.Error("CreateComment on a missing post succeeded")
		}
	})
}

// TestCreateCommentTimes: times are stored as the store stores every instant (UTC, whole seconds), whatever the
// caller's zone, so that the thread's order and the flood rule compare them correctly.
func TestCreateCommentTimes(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		f := newCommentsFixture(t)
		paris := time.FixedZone("Paris", 2*60*60)
		c := blog.Comment{PostID: f.first.ID, AuthorName: "Zoe", AuthorEmail: "zoe@example.com", Body: "x", HTML: "x",
			Status: blog.CommentApproved, Created: t0.In(paris).Add(900 * time.Millisecond)}
		if err := f.s.CreateComment(t.Context(), &c); err != nil {
			t.Fatal(err)
		}
		got, err := f.s.Comment(t.Context(), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !got.Created.Equal(t0) || got.Created.Location() != time.UTC || !got.Updated.Equal(t0) {
			t.Errorf("Created, Updated = %v, %v; want %v in UTC", got.Created, got.Updated, t0)
		}
		last, err := f.s.LastCommentTime(t.Context(), "zoe@example.com", "")
		if err != nil || !last.Equal(t0) {
			t.Errorf("LastCommentTime = %v, %v; want %v", last, err, t0)
		}
	})
}

func TestThread(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		f := newCommentsFixture(t)
		ctx := t.Context()
		// Written out of ID order, so that the order must come from the time.
		late := f.add(t, f.first, 0, "Late", blog.CommentApproved, 30)
		early := f.add(t, f.first, 0, "Early", blog.CommentApproved, 10)
		mine := f.add(t, f.first, early.ID, "Mine", blog.CommentPending, 20)
		theirs := f.add(t, f.first, 0, "Theirs", blog.CommentPending, 21)
		spam := f.add(t, f.first, 0, "Spam", blog.CommentSpam, 22)
		trash := f.add(t, f.first, 0, "Trash", blog.CommentTrash, 23)
		elsewhere := f.add(t, f.other, 0, "Elsewhere", blog.CommentApproved, 24)
		elsewherePending := f.add(t, f.other, 0, "Elsewhere Pending", blog.CommentPending, 25)

		tests := []struct {
			name string
			own  []int64
			want []int64
		}{
			{"a stranger", nil, []int64{early.ID, late.ID}},
			{"the author of a held comment", []int64{mine.ID}, []int64{early.ID, mine.ID, late.ID}},
			// A filter's spam verdict is not shown to its author: their comment looks held, like any other.
			{"the author of a comment sent to spam", []int64{spam.ID}, []int64{early.ID, spam.ID, late.ID}},
			// Own IDs come from a cookie: a reader may name anything, but sees only their held comments on this post.
			{"a reader naming others' comments", []int64{mine.ID, trash.ID, elsewhere.ID, elsewherePending.ID, 9999},
				[]int64{early.ID, mine.ID, late.ID}},
			{"a reader naming an approved comment", []int64{late.ID}, []int64{early.ID, late.ID}},
		}
		for _, tt := range tests {
			got, err := f.s.Thread(ctx, f.first.ID, tt.own)
			if err != nil {
				t.Fatalf("%s: Thread() error: %v", tt.name, err)
			}
			if diff := cmp.Diff(tt.want, commentIDs(got)); diff != "" {
				t.Errorf("%s: Thread(%d, %v) IDs (-want +got):\n%s", tt.name, f.first.ID, tt.own, diff)
			}
		}
		if got, err := f.s.Thread(ctx, f.first.ID, nil); err != nil || slices.Contains(commentIDs(got), theirs.ID) {
			t.Errorf("Thread() without own IDs = %v, %v; want no pending comment", commentIDs(got), err)
		}

		got, err := f.s.Thread(ctx, f.first.ID, []int64{mine.ID})
		if err != nil {
			t.Fatal(err)
		}
		if got[1].ParentID != early.ID || got[1].Status != blog.CommentPending || got[1].AuthorEmail != "mine@example.com" {
			t.Errorf("Thread() own comment = %+v; want the full pending reply to %d", got[1], early.ID)
		}
		if got, err := f.s.Thread(ctx, 999, nil); err != nil || len(got) != 0 {
			t.Errorf("Thread(999) = %v, %v; want no comments", got, err)
		}
	})
}

// TestThreadFields: each comment of a thread carries what a thread shows, equal to the stored comment (its time to
// the second, in UTC), and leaves the rest zero.
func TestThreadFields(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		f := newCommentsFixture(t)
		parent := f.add(t, f.first, 0, "Parent", blog.CommentApproved, 10)
		reply := blog.Comment{PostID: f.first.ID, ParentID: parent.ID, AuthorName: "Ann", AuthorEmail: "ann@example.com", UserID: f.author.ID,
			Body: "Thanks.", HTML: "<p>Thanks.</p>\n", Status: blog.CommentApproved, Created: t0.Add(11 * time.Minute)}
		if err := f.s.CreateComment(t.Context(), &reply); err != nil {
			t.Fatal(err)
		}
		got, err := f.s.Thread(t.Context(), f.first.ID, nil)
		if err != nil {
			t.Fatal(err)
		}
		for i, c := range []blog.Comment{parent, reply} {
			stored, err := f.s.Comment(t.Context(), c.ID)
			if err != nil {
				t.Fatal(err)
			}
			want := blog.Comment{ID: stored.ID, PostID: stored.PostID, ParentID: stored.ParentID, AuthorName: stored.AuthorName,
				AuthorEmail: stored.AuthorEmail, AuthorURL: stored.AuthorURL, UserID: stored.UserID, HTML: stored.HTML,
				Status: stored.Status, Created: stored.Created}
			if diff := cmp.Diff(want, got[i]); diff != "" {
				t.Errorf("Thread() comment %d (-want +got):\n%s", c.ID, diff)
			}
			if got[i].Created.Location() != time.UTC || !got[i].Created.Equal(t0.Add(time.Duration(10+i)*time.Minute)) {
				t.Errorf("Thread() comment %d written %v; want %v in UTC", c.ID, got[i].Created, t0.Add(time.Duration(10+i)*time.Minute))
			}
		}
	})
}

// TestThreadSameSecond: comments written in the same second keep the order they were stored in.
func TestThreadSameSecond(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		f := newCommentsFixture(t)
		var want []int64
		for i := range 5 {
			want = append(want, f.add(t, f.first, 0, fmt.Sprintf("Reader %d", i), blog.CommentApproved, 0).ID)
		}
		got, err := f.s.Thread(t.Context(), f.first.ID, nil)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, commentIDs(got)); diff != "" {
			t.Errorf("Thread() with equal times (-want +got):\n%s", diff)
		}
	})
}

func TestComments(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		f := newCommentsFixture(t)
		ctx := t.Context()
		a := f.add(t, f.first, 0, "Alice", blog.CommentApproved, 1)
		b := f.add(t, f.first, a.ID, "Bob", blog.CommentPending, 2)
		c := f.add(t, f.other, 0, "Carol", blog.CommentSpam, 3)
		d := f.add(t, f.other, 0, "Dave", blog.CommentPending, 4)
		e := f.add(t, f.first, 0, "Eve", blog.CommentTrash, 5)
		// One with distinctive text, URL and IP, for the search.
		special := blog.Comment{PostID: f.other.ID, AuthorName: "Zed", AuthorEmail: "zed@mail.test", AuthorURL: "https://zed.example.net",
			AuthorIP: "2001:db8::7", Body: "I agree about the PELICANS.", HTML: "<p>x</p>", Status: blog.CommentApproved,
			Created: t0.Add(6 * time.Minute)}
		if err := f.s.CreateComment(ctx, &special); err != nil {
			t.Fatal(err)
		}
		z := special

		tests := []struct {
			name   string
			filter blog.CommentFilter
			want   []int64
			total  int
		}{
			{"all, oldest first", blog.CommentFilter{}, []int64{a.ID, b.ID, c.ID, d.ID, e.ID, z.ID}, 6},
			{"all, newest first", blog.CommentFilter{NewestFirst: true}, []int64{z.ID, e.ID, d.ID, c.ID, b.ID, a.ID}, 6},
			{"pending", blog.CommentFilter{Status: blog.CommentPending}, []int64{b.ID, d.ID}, 2},
			{"approved", blog.CommentFilter{Status: blog.CommentApproved}, []int64{a.ID, z.ID}, 2},
			{"spam", blog.CommentFilter{Status: blog.CommentSpam}, []int64{c.ID}, 1},
			{"trash", blog.CommentFilter{Status: blog.CommentTrash}, []int64{e.ID}, 1},
			{"post", blog.CommentFilter{PostID: f.first.ID}, []int64{a.ID, b.ID, e.ID}, 3},
			{"post and status", blog.CommentFilter{PostID: f.other.ID, Status: blog.CommentPending}, []int64{d.ID}, 1},
			{"unknown post", blog.CommentFilter{PostID: 999}, []int64{}, 0},
			{"search by name", blog.CommentFilter{Search: "caRol"}, []int64{c.ID}, 1},
			{"search by email", blog.CommentFilter{Search: "@mail.test"}, []int64{z.ID}, 1},
			{"search by website", blog.CommentFilter{Search: "zed.example.net"}, []int64{z.ID}, 1},
			{"search by text", blog.CommentFilter{Search: "pelicans"}, []int64{z.ID}, 1},
			{"search by IP", blog.CommentFilter{Search: "2001:db8"}, []int64{z.ID}, 1},
			{"search matching several", blog.CommentFilter{Search: "words of"}, []int64{a.ID, b.ID, c.ID, d.ID, e.ID}, 5},
			{"search and status", blog.CommentFilter{Search: "words of", Status: blog.CommentPending, NewestFirst: true}, []int64{d.ID, b.ID}, 2},
			{"search finding nothing", blog.CommentFilter{Search: "nobody"}, []int64{}, 0},
			{"first page", blog.CommentFilter{NewestFirst: true, Limit: 4}, []int64{z.ID, e.ID, d.ID, c.ID}, 6},
			{"second page", blog.CommentFilter{NewestFirst: true, Limit: 4, Offset: 4}, []int64{b.ID, a.ID}, 6},
			{"past the end", blog.CommentFilter{Limit: 4, Offset: 8}, []int64{}, 6},
			{"negative offset", blog.CommentFilter{Limit: 2, Offset: -3}, []int64{a.ID, b.ID}, 6},
		}
		for _, tt := range tests {
			got, total, err := f.s.Comments(ctx, tt.filter)
			if err != nil {
				t.Fatalf("%s: Comments(%+v) error: %v", tt.name, tt.filter, err)
			}
			if diff := cmp.Diff(tt.want, contextIDs(got)); diff != "" {
				t.Errorf("%s: Comments(%+v) IDs (-want +got):\n%s", tt.name, tt.filter, diff)
			}
			if total != tt.total {
				t.Errorf("%s: Comments(%+v) total = %d; want %d", tt.name, tt.filter, total, tt.total)
			}
		}

		// Each comment carries what a list needs of its post, and the comment itself in full.
		got, _, err := f.s.Comments(ctx, blog.CommentFilter{Search: "pelicans"})
		if err != nil || len(got) != 1 {
			t.Fatalf("Comments(pelicans) = %v, %v", got, err)
		}
		wantPost := blog.Post{ID: f.other.ID, Type: blog.TypePost, Title: "Other post", Slug: f.other.Slug,
			Status: blog.StatusPublish, Published: t0.Add(-24 * time.Hour), AuthorID: f.author.ID, CommentsOpen: true}
		if diff := cmp.Diff(wantPost, got[0].Post); diff != "" {
			t.Errorf("Comments() post context (-want +got):\n%s", diff)
		}
		if got[0].Post.Published.Location() != time.UTC {
			t.Errorf("Comments() post date is in %v; want UTC", got[0].Post.Published.Location())
		}
		if diff := cmp.Diff(special, got[0].Comment); diff != "" {
			t.Errorf("Comments() comment (-want +got):\n%s", diff)
		}
		if got[0].ParentAuthor != "" || got[0].ParentBody != "" {
			t.Errorf("Comments() top-level comment has parent context %q, %q; want none", got[0].ParentAuthor, got[0].ParentBody)
		}
		// A reply carries what it replies to, for the moderator.
		got, _, err = f.s.Comments(ctx, blog.CommentFilter{Status: blog.CommentPending, PostID: f.first.ID})
		if err != nil || len(got) != 1 || got[0].ID != b.ID {
			t.Fatalf("Comments(pending on first) = %v, %v; want comment %d", contextIDs(got), err, b.ID)
		}
		if got[0].ParentAuthor != "Alice" || got[0].ParentBody != "Words of Alice." {
			t.Errorf("Comments() reply's parent context = %q, %q; want %q, %q", got[0].ParentAuthor, got[0].ParentBody, "Alice", "Words of Alice.")
		}
	})
}

// TestCommentsSearchIsLiteral: a search for text with SQL LIKE wildcards finds that text, not everything.
func TestCommentsSearchIsLiteral(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		f := newCommentsFixture(t)
		f.add(t, f.first, 0, "Alice", blog.CommentApproved, 1)
		pct := blog.Comment{PostID: f.first.ID, AuthorName: "Pat", AuthorEmail: "pat@example.com", Body: "Up 50% since May_2024.",
			HTML: "x", Status: blog.CommentApproved, Created: t0.Add(2 * time.Minute)}
		if err := f.s.CreateComment(t.Context(), &pct); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{"%", "_", "50%", "y_2"} {
			got, total, err := f.s.Comments(t.Context(), blog.CommentFilter{Search: q})
			if err != nil {
				t.Fatal(err)
			}
			if total != 1 || len(got) != 1 || got[0].ID != pct.ID {
				t.Errorf("Comments(Search: %q) = %v (total %d); want only comment %d", q, contextIDs(got), total, pct.ID)
			}
		}
	})
}

func TestCommentCounts(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		f := newCommentsFixture(t)
		counts, err := f.s.CommentCounts(t.Context(), 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(counts) != 0 {
			t.Errorf("CommentCounts() with no comments = %v; want empty", counts)
		}
		for i, st := range []blog.CommentStatus{blog.CommentPending, blog.CommentPending, blog.CommentPending,
			blog.CommentApproved, blog.CommentApproved, blog.CommentSpam} {
			post := f.first
			if i%2 == 1 {
				post = f.other
			}
			f.add(t, post, 0, fmt.Sprintf("Reader %d", i), st, i)
		}
		otto := createUser(t, f.s, "Otto", blog.RoleAuthor)
		ottos := newPost(otto.ID, "Otto's post", t0.Add(-time.Hour))
		createPost(t, f.s, &ottos, blog.PostTerms{})
		f.add(t, ottos, 0, "Reader 9", blog.CommentPending, 9)
		f.add(t, ottos, 0, "Reader 10", blog.CommentTrash, 10)

		for _, tt := range []struct {
			author int64
			want   map[blog.CommentStatus]int
		}{
			{0, map[blog.CommentStatus]int{blog.CommentPending: 4, blog.CommentApproved: 2, blog.CommentSpam: 1, blog.CommentTrash: 1}},
			{f.author.ID, map[blog.CommentStatus]int{blog.CommentPending: 3, blog.CommentApproved: 2, blog.CommentSpam: 1}},
			{otto.ID, map[blog.CommentStatus]int{blog.CommentPending: 1, blog.CommentTrash: 1}},
			{999, map[blog.CommentStatus]int{}},
		} {
			counts, err := f.s.CommentCounts(t.Context(), tt.author)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, counts); diff != "" {
				t.Errorf("CommentCounts(%d) (-want +got):\n%s", tt.author, diff)
			}
		}
	})
}

// TestCommentsByAuthorAndVisibility: an author's view of the queue, and the comment feeds' rule that comments on
// posts readers cannot see are not shown.
func TestCommentsByAuthorAndVisibility(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		f := newCommentsFixture(t)
		otto := createUser(t, f.s, "Otto", blog.RoleAuthor)
		ottos := newPost(otto.ID, "Otto's post", t0.Add(-time.Hour))
		createPost(t, f.s, &ottos, blog.PostTerms{})
		scheduled := newPost(f.author.ID, "Scheduled", t0.Add(time.Hour))
		scheduled.Status = blog.StatusFuture
		createPost(t, f.s, &scheduled, blog.PostTerms{})
		draft := newPost(f.author.ID, "Draft", t0.Add(-time.Hour))
		draft.Status = blog.StatusDraft
		createPost(t, f.s, &draft, blog.PostTerms{})

		a := f.add(t, f.first, 0, "Alice", blog.CommentApproved, 1)
		o := f.add(t, ottos, 0, "Olga", blog.CommentApproved, 2)
		sc := f.add(t, scheduled, 0, "Sid", blog.CommentApproved, 3)
		d := f.add(t, draft, 0, "Dora", blog.CommentApproved, 4)
		op := f.add(t, ottos, 0, "Oscar", blog.CommentPending, 5)

		for _, tt := range []struct {
			name   string
			filter blog.CommentFilter
			want   []int64
		}{
			{"everything", blog.CommentFilter{}, []int64{a.ID, o.ID, sc.ID, d.ID, op.ID}},
			{"on Otto's posts", blog.CommentFilter{PostAuthorID: otto.ID}, []int64{o.ID, op.ID}},
			{"on Otto's posts, approved", blog.CommentFilter{PostAuthorID: otto.ID, Status: blog.CommentApproved}, []int64{o.ID}},
			{"on Ann's posts", blog.CommentFilter{PostAuthorID: f.author.ID}, []int64{a.ID, sc.ID, d.ID}},
			{"public now", blog.CommentFilter{PublicAt: t0, Status: blog.CommentApproved}, []int64{a.ID, o.ID}},
			{"public once the scheduled post is out", blog.CommentFilter{PublicAt: t0.Add(time.Hour), Status: blog.CommentApproved},
				[]int64{a.ID, o.ID, sc.ID}},
		} {
			got, total, err := f.s.Comments(t.Context(), tt.filter)
			if err != nil {
				t.Fatalf("%s: Comments() error: %v", tt.name, err)
			}
			if diff := cmp.Diff(tt.want, contextIDs(got)); diff != "" || total != len(tt.want) {
				t.Errorf("%s: Comments(%+v) = %v (total %d); want %v", tt.name, tt.filter, contextIDs(got), total, tt.want)
			}
		}
	})
}

func TestSetCommentStatus(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		f := newCommentsFixture(t)
		ctx := t.Context()
		a := f.add(t, f.first, 0, "Alice", blog.CommentPending, 1)
		b := f.add(t, f.first, 0, "Bob", blog.CommentPending, 2)
		c := f.add(t, f.other, 0, "Carol", blog.CommentPending, 3)
		d := f.add(t, f.other, 0, "Dave", blog.CommentApproved, 4)
		counts := func() [2]int { return [2]int{f.commentCount(t, f.first.ID), f.commentCount(t, f.other.ID)} }
		status := func(id int64) blog.CommentStatus {
			t.Helper()
			c, err := f.s.Comment(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			return c.Status
		}

		steps := []struct {
			ids    []int64
			status blog.CommentStatus
			want   [2]int
		}{
			{[]int64{a.ID, b.ID, c.ID}, blog.CommentApproved, [2]int{2, 2}},
			{[]int64{b.ID, d.ID}, blog.CommentSpam, [2]int{1, 1}},
			{[]int64{a.ID}, blog.CommentTrash, [2]int{0, 1}},
			{[]int64{a.ID, d.ID}, blog.CommentPending, [2]int{0, 1}},
			{[]int64{a.ID, b.ID, d.ID}, blog.CommentApproved, [2]int{2, 2}},
			{[]int64{a.ID, a.ID}, blog.CommentApproved, [2]int{2, 2}}, // repeated and unchanged
			{nil, blog.CommentTrash, [2]int{2, 2}},
		}
		for _, s := range steps {
			if err := f.s.SetCommentStatus(ctx, s.ids, s.status); err != nil {
				t.Fatalf("SetCommentStatus(%v, %s) error: %v", s.ids, s.status, err)
			}
			for _, id := range s.ids {
				if got := status(id); got != s.status {
					t.Errorf("after SetCommentStatus(%v, %s), comment %d is %s", s.ids, s.status, id, got)
				}
			}
			if got := counts(); got != s.want {
				t.Errorf("after SetCommentStatus(%v, %s), comment counts = %v; want %v", s.ids, s.status, got, s.want)
			}
		}

		// An unknown ID anywhere in the list changes nothing, not even the comments before it.
		err := f.s.SetCommentStatus(ctx, []int64{a.ID, c.ID, 999, d.ID}, blog.CommentTrash)
		wantCode(t, "SetCommentStatus with an unknown ID", err, blog.ENOTFOUND)
		if msg := blog.ErrorMessage(err); msg != "there is no comment 999" {
			t.Errorf("SetCommentStatus with an unknown ID: message %q; want %q", msg, "there is no comment 999")
		}
		for _, id := range []int64{a.ID, b.ID, c.ID, d.ID} {
			if got := status(id); got != blog.CommentApproved {
				t.Errorf("after a failed SetCommentStatus, comment %d is %s; want approved", id, got)
			}
		}
		if got := counts(); got != [2]int{2, 2} {
			t.Errorf("after a failed SetCommentStatus, comment counts = %v; want [2 2]", got)
		}
	})
}

func TestUpdateComment(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		f := newCommentsFixture(t)
		ctx := t.Context()
		c := f.add(t, f.first, 0, "Alice", blog.CommentApproved, 1)
		f.s.Now = func() time.Time { return t0.Add(5 * time.Minute) }
		edited := c
		edited.AuthorName, edited.AuthorEmail, edited.AuthorURL = "Alice B.", "alice.b@example.com", "https://b.example"
		edited.Body, edited.HTML = "Edited.", "<p>Edited.</p>\n"
		// Fields that an edit may not change.
		edited.Status, edited.PostID, edited.AuthorIP, edited.Created = blog.CommentSpam, f.other.ID, "203.0.113.9", t0
		if err := f.s.UpdateComment(ctx, &edited); err != nil {
			t.Fatalf("UpdateComment() error: %v", err)
		}
		got, err := f.s.Comment(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := c
		want.AuthorName, want.AuthorEmail, want.AuthorURL = edited.AuthorName, edited.AuthorEmail, edited.AuthorURL
		want.Body, want.HTML, want.Updated = edited.Body, edited.HTML, t0.Add(5*time.Minute)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Comment() after UpdateComment (-want +got):\n%s", diff)
		}
		if n := f.commentCount(t, f.first.ID); n != 1 {
			t.Errorf("comment_count after an edit = %d; want 1", n)
		}

		missing := blog.Comment{ID: 999, AuthorName: "X", AuthorEmail: "x@example.com", Body: "x"}
		wantCode(t, "UpdateComment(999)", f.s.UpdateComment(ctx, &missing), blog.ENOTFOUND)
	})
}

func TestHasApprovedComment(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		f := newCommentsFixture(t)
		ctx := t.Context()
		f.add(t, f.first, 0, "Pending Pat", blog.CommentPending, 1)
		f.add(t, f.first, 0, "Spam Sam", blog.CommentSpam, 2)
		trash := f.add(t, f.first, 0, "Trash Tom", blog.CommentApproved, 3)
		if err := f.s.SetCommentStatus(ctx, []int64{trash.ID}, blog.CommentTrash); err != nil {
			t.Fatal(err)
		}
		f.add(t, f.other, 0, "Olga", blog.CommentApproved, 4)
		for email, want := range map[string]bool{
			"pending-pat@example.com": false,
			"spam-sam@example.com":    false,
			"trash-tom@example.com":   false,
			"olga@example.com":        true, // on any post
			"nobody@example.com":      false,
			"":                        false,
		} {
			if got, err := f.s.HasApprovedComment(ctx, email); err != nil || got != want {
				t.Errorf("HasApprovedComment(%q) = %v, %v; want %v", email, got, err, want)
			}
		}
	})
}

func TestLastCommentTime(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		f := newCommentsFixture(t)
		ctx := t.Context()
		add := func(email, ip string, minutes int, status blog.CommentStatus) {
			t.Helper()
			c := blog.Comment{PostID: f.first.ID, AuthorName: "R", AuthorEmail: email, AuthorIP: ip, Body: fmt.Sprint(minutes),
				HTML: "x", Status: status, Created: t0.Add(time.Duration(minutes) * time.Minute)}
			if err := f.s.CreateComment(ctx, &c); err != nil {
				t.Fatal(err)
			}
		}
		add("ann@example.com", "192.0.2.1", 1, blog.CommentApproved)
		add("ann@example.com", "192.0.2.2", 5, blog.CommentSpam) // spam counts: flooding is flooding
		add("bob@example.com", "192.0.2.1", 7, blog.CommentPending)
		add("cid@example.com", "", 9, blog.CommentApproved)
		add("dan@example.com", "", 11, blog.CommentApproved)

		at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
		tests := []struct {
			email, ip string
			want      time.Time
		}{
			{"ann@example.com", "", at(5)},
			{"ann@example.com", "198.51.100.1", at(5)},
			{"someone@example.com", "192.0.2.1", at(7)}, // by IP only
			{"ann@example.com", "192.0.2.1", at(7)},     // the later of the two
			{"bob@example.com", "203.0.113.5", at(7)},   // by email only
			{"cid@example.com", "", at(9)},              // an empty IP matches by email only…
			{"new@example.com", "", time.Time{}},        // …and never matches other comments without an IP
			{"new@example.com", "203.0.113.5", time.Time{}},
		}
		for _, tt := range tests {
			got, err := f.s.LastCommentTime(ctx, tt.email, tt.ip)
			if err != nil {
				t.Fatalf("LastCommentTime(%q, %q) error: %v", tt.email, tt.ip, err)
			}
			if !got.Equal(tt.want) || (!got.IsZero() && got.Location() != time.UTC) {
				t.Errorf("LastCommentTime(%q, %q) = %v; want %v (UTC)", tt.email, tt.ip, got, tt.want)
			}
		}
	})
}

func TestIsDuplicateComment(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		f := newCommentsFixture(t)
		ctx := t.Context()
		a := f.add(t, f.first, 0, "Alice", blog.CommentPending, 1)
		s := f.add(t, f.first, 0, "Sam", blog.CommentSpam, 2)
		tr := f.add(t, f.first, 0, "Tess", blog.CommentTrash, 3)
		tests := []struct {
			name        string
			post        int64
			email, body string
			want        bool
		}{
			{"same person, post and text", f.first.ID, a.AuthorEmail, a.Body, true},
			{"in spam", f.first.ID, s.AuthorEmail, s.Body, true},
			{"in the trash", f.first.ID, tr.AuthorEmail, tr.Body, false},
			{"on another post", f.other.ID, a.AuthorEmail, a.Body, false},
			{"another person", f.first.ID, "bob@example.com", a.Body, false},
			{"other text", f.first.ID, a.AuthorEmail, a.Body + " Again.", false},
		}
		for _, tt := range tests {
			if got, err := f.s.IsDuplicateComment(ctx, tt.post, tt.email, tt.body); err != nil || got != tt.want {
				t.Errorf("%s: IsDuplicateComment() = %v, %v; want %v", tt.name, got, err, tt.want)
			}
		}
	})
}

func TestPurgeComments(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		f := newCommentsFixture(t)
		ctx := t.Context()
		month := 31 * 24 * 60
		old := f.add(t, f.first, 0, "Old", blog.CommentTrash, 1)
		spam := f.add(t, f.first, 0, "Spam", blog.CommentSpam, 2)
		kept := f.add(t, f.first, 0, "Kept", blog.CommentApproved, 3)
		fresh := f.add(t, f.first, 0, "Fresh", blog.CommentTrash, month)
		n, err := f.s.PurgeComments(ctx, blog.CommentTrash, t0.Add(30*24*time.Hour))
		if err != nil || n != 1 {
			t.Fatalf("PurgeComments(trash) = %d, %v; want 1", n, err)
		}
		if _, err := f.s.Comment(ctx, old.ID); blog.ErrorCode(err) != blog.ENOTFOUND {
			t.Errorf("old trash survived: %v", err)
		}
		for _, c := range []blog.Comment{spam, kept, fresh} {
			if _, err := f.s.Comment(ctx, c.ID); err != nil {
				t.Errorf("comment %s was purged: %v", c.AuthorName, err)
			}
		}
		if _, err := f.s.PurgeComments(ctx, blog.CommentApproved, t0); blog.ErrorCode(err) != blog.EINVALID {
			t.Errorf("purging approved comments = %v; want EINVALID", err)
		}
	})
}
