package transfer_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/salon-blog/salon/internal/transfer"
)

func TestReportWords(t *testing.T) {
	tests := []struct {
		name       string
		rep        transfer.Report
		wantCounts string
		wantNotes  []string
	}{
		{"nothing", transfer.Report{}, "0 posts, 0 pages, 0 comments, 0 categories, 0 tags, 0 authors", nil},
		{"one of each", transfer.Report{Posts: 1, Pages: 1, Comments: 1, Categories: 1, Tags: 1, Users: 1, Skipped: 1, Redirects: 1,
			Ignored: map[string]int{"attachment": 1}, ProtectedPosts: 1},
			"1 post, 1 page, 1 comment, 1 category, 1 tag, 1 author",
			[]string{
				"1 password-protected post was imported as private: Salon has no post passwords; publish it again when it may be public.",
				"Skipped 1 post or comment brought in by an earlier import.",
				"1 old address redirects to its post's address here.",
				"Left out 1 attachment record (Salon has no place for them).",
			}},
		{"several", transfer.Report{Posts: 3, Pages: 2, Comments: 5, Categories: 4, Tags: 6, Users: 2, Skipped: 7, Redirects: 3,
			Ignored: map[string]int{"nav_menu_item": 70, "attachment": 37}, ProtectedPosts: 2, ProtectedPages: 1},
			"3 posts, 2 pages, 5 comments, 4 categories, 6 tags, 2 authors",
			[]string{
				"2 password-protected posts and 1 password-protected page were imported as private: Salon has no post passwords; publish them again when they may be public.",
				"Skipped 7 posts and comments brought in by an earlier import.",
				"3 old addresses redirect to their posts' addresses here.",
				"Left out 37 attachment records (Salon has no place for them).",
				"Left out 70 nav_menu_item records (Salon has no place for them).",
			}},
		{"protected pages only", transfer.Report{Pages: 2, ProtectedPages: 2},
			"0 posts, 2 pages, 0 comments, 0 categories, 0 tags, 0 authors",
			[]string{"2 password-protected pages were imported as private: Salon has no post passwords; publish them again when they may be public."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.rep.Counts(); got != tt.wantCounts {
				t.Errorf("Counts() = %q; want %q", got, tt.wantCounts)
			}
			if diff := cmp.Diff(tt.wantNotes, tt.rep.Notes()); diff != "" {
				t.Errorf("Notes() (-want +got):\n%s", diff)
			}
		})
	}
}

func TestProgressAndUnmatchedWords(t *testing.T) {
	tests := []struct{ got, want string }{
		{transfer.Progress{Records: 1, Comments: 1}.Counts(), "1 post or thread · 1 comment"},
		{transfer.Progress{Records: 0, Comments: 0}.Counts(), "0 posts and threads · 0 comments"},
		{transfer.Progress{Records: 50, Comments: 2}.Counts(), "50 posts and threads · 2 comments"},
		{transfer.Unmatched{Comments: 1}.CommentsNotImported(), "its comment was not imported"},
		{transfer.Unmatched{Comments: 4}.CommentsNotImported(), "its 4 comments were not imported"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q; want %q", tt.got, tt.want)
		}
	}
}
