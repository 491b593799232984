package store_test

import (
	"bytes"
	"testing"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/spam"
)

// TestSpamTraining: moderators' status changes train the stored model, each comment counting once as its latest
// decision, and the result is the model trained directly on those decisions.
func TestSpamTraining(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		f := newCommentsFixture(t)
		a := f.add(t, f.first, 0, "Alpha", blog.CommentPending, 1)
		b := f.add(t, f.first, 0, "Bravo", blog.CommentApproved, 2)
		c := f.add(t, f.first, 0, "Charlie", blog.CommentPending, 3)
		asSpam := func(c blog.Comment) spam.Comment {
			return spam.Comment{Text: c.Body, Name: c.AuthorName, Email: c.AuthorEmail, Website: c.AuthorURL}
		}
		version := func() int64 {
			t.Helper()
			v, err := f.s.SpamModelVersion(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		set := func(status blog.CommentStatus, ids ...int64) {
			t.Helper()
			if err := f.s.SetCommentStatus(t.Context(), ids, status); err != nil {
				t.Fatal(err)
			}
		}
		if v := version(); v != 0 {
			t.Fatalf("new site's model version = %d; want 0", v)
		}
		set(blog.CommentTrash, c.ID) // teaches nothing
		if v := version(); v != 0 {
			t.Errorf("trashing trained the model: version %d", v)
		}
		set(blog.CommentSpam, a.ID, b.ID)     // a: held → spam; b: approved → spam
		set(blog.CommentApproved, a.ID)       // a: changed mind, spam → not spam
		set(blog.CommentApproved, b.ID, b.ID) // b: spam → not spam, once only
		set(blog.CommentSpam, b.ID)           // b: spam again
		set(blog.CommentPending, b.ID)        // teaches nothing
		v1 := version()
		set(blog.CommentApproved, c.ID) // restored from trash: teaches nothing
		if v := version(); v != v1 {
			t.Errorf("restoring from trash trained the model")
		}

		want := spam.Starting()
		want.Train(asSpam(a), false)
		want.Train(asSpam(b), true)
		wantBytes, err := want.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		m, _, each, err := f.s.SpamModel(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		got, err := m.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, wantBytes) {
			t.Error("the stored model is not the starting model trained on a as ham and b as spam")
		}
		if each != 1 {
			t.Errorf("trainedEach = %d; want 1", each)
		}
	})
}
