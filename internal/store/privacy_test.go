package store_test

import (
	"testing"
	"time"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/store"
)

func TestEraseCommentAddresses(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		f := newCommentsFixture(t)
		ctx := t.Context()
		old := f.add(t, f.first, 0, "Old", blog.CommentApproved, -31*24*60)
		recent := f.add(t, f.first, 0, "Recent", blog.CommentApproved, -29*24*60)
		n, err := f.s.EraseCommentAddresses(ctx, t0.Add(-30*24*time.Hour))
		if err != nil || n != 1 {
			t.Fatalf("EraseCommentAddresses = %d, %v; want 1", n, err)
		}
		if c, _ := f.s.Comment(ctx, old.ID); c.AuthorIP != "" {
			t.Errorf("the old comment keeps its address %q", c.AuthorIP)
		}
		if c, _ := f.s.Comment(ctx, recent.ID); c.AuthorIP == "" {
			t.Errorf("the recent comment lost its address")
		}
		// The network column goes too: the old comment no longer counts for its network.
		sent, err := f.s.RecentNetworkComments(ctx, old.AuthorIP, t0.Add(-40*24*time.Hour), 10)
		if err != nil || len(sent) != 1 {
			t.Errorf("RecentNetworkComments = %v, %v; want only the recent comment", sent, err)
		}
		if n, err := f.s.EraseCommentAddresses(ctx, t0.Add(-30*24*time.Hour)); err != nil || n != 0 {
			t.Errorf("a second erasure changed %d comments, %v; want 0", n, err)
		}
	})
}

func TestPersonalDataAndErasure(t *testing.T) {
	for _, deleteComments := range []bool{false, true} {
		t.Run(map[bool]string{false: "anonymise", true: "delete"}[deleteComments], func(t *testing.T) {
			forEachEngine(t, func(t *testing.T) {
				f := newCommentsFixture(t)
				ctx := t.Context()
				mine := f.add(t, f.first, 0, "Zed", blog.CommentApproved, 1)
				reply := f.add(t, f.first, mine.ID, "Yan", blog.CommentApproved, 2)
				f.add(t, f.other, 0, "Zed", blog.CommentPending, 3)
				data, err := f.s.PersonalData(ctx, "ZED@example.com")
				if err != nil {
					t.Fatal(err)
				}
				if len(data.Comments) != 2 || data.Comments[0].Post.Title != "First post" || data.Comments[0].AuthorIP == "" || data.User != nil {
					t.Fatalf("PersonalData = %+v; want two comments with their post and address, no account", data)
				}
				e, err := f.s.ErasePersonalData(ctx, "zed@example.com", deleteComments)
				if err != nil || e.Comments != 2 {
					t.Fatalf("ErasePersonalData = %+v, %v; want 2 comments", e, err)
				}
				if data, _ := f.s.PersonalData(ctx, "zed@example.com"); len(data.Comments) != 0 {
					t.Errorf("after erasure, the address still has %d comments", len(data.Comments))
				}
				c, err := f.s.Comment(ctx, mine.ID)
				switch {
				case deleteComments && blog.ErrorCode(err) != blog.ENOTFOUND:
					t.Errorf("deleted comment: %+v, %v", c, err)
				case !deleteComments && (c.AuthorName != store.AnonymousName || c.AuthorEmail != "" || c.AuthorURL != "" ||
					c.AuthorIP != "" || c.UserAgent != "" || c.Body != mine.Body):
					t.Errorf("anonymised comment = %+v; want Anonymous with nothing but the text", c)
				}
				if r, err := f.s.Comment(ctx, reply.ID); err != nil || r.AuthorName != "Yan" {
					t.Errorf("the reply = %+v, %v; want it kept", r, err)
				}
				wantCount := 2
				if deleteComments {
					wantCount = 1
				}
				if got := f.commentCount(t, f.first.ID); got != wantCount {
					t.Errorf("comment count = %d; want %d", got, wantCount)
				}
			})
		})
	}
}
