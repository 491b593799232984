package comment_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/comment"
)

var t0 = time.Date(2024, 5, 17, 10, 0, 0, 0, time.UTC)

// c is an approved comment id, replying to parent (0: none), written id minutes after t0.
func c(id, parent int64) blog.Comment {
	return blog.Comment{ID: id, PostID: 1, ParentID: parent, AuthorName: fmt.Sprint("Reader ", id), Status: blog.CommentApproved,
		Created: t0.Add(time.Duration(id) * time.Minute)}
}

// held is c for a reader's own comment still awaiting moderation.
func held(id, parent int64) blog.Comment {
	x := c(id, parent)
	x.Status = blog.CommentPending
	return x
}

// outline draws a thread as lines "depth:id#number", indented by depth, in the order a page shows them.
func outline(nodes []*comment.Node) string {
	var b strings.Builder
	var walk func(ns []*comment.Node)
	walk = func(ns []*comment.Node) {
		for _, n := range ns {
			fmt.Fprintf(&b, "%s%d#%d\n", strings.Repeat("  ", n.Depth-1), n.Comment.ID, n.Number)
			walk(n.Children)
		}
	}
	walk(nodes)
	return b.String()
}

func TestBuild(t *testing.T) {
	tests := []struct {
		name        string
		comments    []blog.Comment
		depth       int
		newestFirst bool
		want        string
		approved    int
	}{
		{"empty", nil, 5, false, "", 0},
		{"flat", []blog.Comment{c(1, 0), c(2, 0), c(3, 0)}, 5, false, "1#1\n2#2\n3#3\n", 3},
		{"nested, numbered by time", []blog.Comment{c(1, 0), c(2, 0), c(3, 1), c(4, 3), c(5, 1), c(6, 2)}, 5, false, `
1#1
  3#3
    4#4
  5#5
2#2
  6#6
`, 6},
		{"held own comments are shown unnumbered", []blog.Comment{c(1, 0), held(2, 1), c(3, 0), held(4, 0), c(5, 2)}, 5, false, `
1#1
  2#0
    5#3
3#2
4#0
`, 3},
		// With depth 3, a reply to a comment at depth 3 goes under the depth-2 ancestor, after its siblings.
		{"max depth", []blog.Comment{c(1, 0), c(2, 1), c(3, 2), c(4, 3), c(5, 2), c(6, 4), c(7, 3), c(8, 0)}, 3, false, `
1#1
  2#2
    3#3
    4#4
    5#5
    6#6
    7#7
8#8
`, 8},
		{"depth 1: no nesting", []blog.Comment{c(1, 0), c(2, 1), c(3, 2)}, 1, false, "1#1\n2#2\n3#3\n", 3},
		{"depth 0 means 1", []blog.Comment{c(1, 0), c(2, 1)}, 0, false, "1#1\n2#2\n", 2},
		{"orphan replies go to the top level", []blog.Comment{c(1, 0), c(3, 2), c(4, 3), c(5, 99)}, 5, false, `
1#1
3#2
  4#3
5#4
`, 4},
		{"newest first reverses only the top level", []blog.Comment{c(1, 0), c(2, 1), c(3, 0), c(4, 1), c(5, 0)}, 5, true, `
5#5
3#3
1#1
  2#2
  4#4
`, 5},
	}
	for _, tt := range tests {
		th := comment.Build(tt.comments, tt.depth, tt.newestFirst)
		if diff := cmp.Diff(strings.TrimPrefix(tt.want, "\n"), outline(th.Roots)); diff != "" {
			t.Errorf("%s: Build() (-want +got):\n%s", tt.name, diff)
		}
		if th.Approved != tt.approved {
			t.Errorf("%s: Build().Approved = %d; want %d", tt.name, th.Approved, tt.approved)
		}
	}
}

// TestBuildSelfParent: a comment naming itself as its parent (imported or damaged data: the foreign key allows it) is
// shown at the top level, like any reply whose parent is not in the thread, rather than lost in a cycle.
func TestBuildSelfParent(t *testing.T) {
	th := comment.Build([]blog.Comment{c(1, 0), c(2, 2), c(3, 2)}, 5, false)
	if got, want := outline(th.Roots), "1#1\n2#2\n  3#3\n"; got != want {
		t.Errorf("Build() = %q; want %q", got, want)
	}
}

func TestPages(t *testing.T) {
	var cs []blog.Comment
	for id := int64(1); id <= 7; id++ {
		cs = append(cs, c(id, 0))
	}
	cs = append(cs, c(8, 3), c(9, 8), c(10, 7))
	th := comment.Build(cs, 5, false)
	tests := []struct {
		perPage, pages int
		page           map[int]string
	}{
		{0, 1, map[int]string{1: "1 2 3 4 5 6 7", 2: "1 2 3 4 5 6 7"}}, // no paging: every page is the whole thread
		{3, 3, map[int]string{0: "", 1: "1 2 3", 2: "4 5 6", 3: "7", 4: "", -1: ""}},
		{7, 1, map[int]string{1: "1 2 3 4 5 6 7", 2: ""}},
		{10, 1, map[int]string{1: "1 2 3 4 5 6 7"}},
	}
	for _, tt := range tests {
		if got := th.Pages(tt.perPage); got != tt.pages {
			t.Errorf("Pages(%d) = %d; want %d", tt.perPage, got, tt.pages)
		}
		for n, want := range tt.page {
			var ids []string
			for _, r := range th.Page(n, tt.perPage) {
				ids = append(ids, fmt.Sprint(r.Comment.ID))
			}
			if got := strings.Join(ids, " "); got != want {
				t.Errorf("Page(%d, %d) = %q; want %q", n, tt.perPage, got, want)
			}
		}
	}
	// Numbers and replies travel with their page.
	if got, want := outline(th.Page(3, 3)), "7#7\n  10#10\n"; got != want {
		t.Errorf("outline(Page(3, 3)) = %q; want %q", got, want)
	}
	if got, want := outline(th.Page(1, 3)), "1#1\n2#2\n3#3\n  8#8\n    9#9\n"; got != want {
		t.Errorf("outline(Page(1, 3)) = %q; want %q", got, want)
	}

	for _, tt := range []struct {
		id            int64
		perPage, want int
	}{
		{1, 3, 1}, {3, 3, 1}, {9, 3, 1}, {4, 3, 2}, {7, 3, 3}, {10, 3, 3}, {10, 0, 1}, {99, 3, 0}, {99, 0, 0},
	} {
		if got := th.PageOf(tt.id, tt.perPage); got != tt.want {
			t.Errorf("PageOf(%d, %d) = %d; want %d", tt.id, tt.perPage, got, tt.want)
		}
	}

	// Newest first, the last comments come first, and with them the pages of their replies.
	nf := comment.Build(cs, 5, true)
	for _, tt := range []struct {
		id   int64
		want int
	}{{7, 1}, {10, 1}, {5, 1}, {4, 2}, {9, 2}, {1, 3}} {
		if got := nf.PageOf(tt.id, 3); got != tt.want {
			t.Errorf("newest first: PageOf(%d, 3) = %d; want %d", tt.id, got, tt.want)
		}
	}
	if got, want := outline(nf.Page(3, 3)), "1#1\n"; got != want {
		t.Errorf("newest first: outline(Page(3, 3)) = %q; want %q", got, want)
	}

	empty := comment.Build(nil, 5, false)
	if empty.Pages(10) != 1 || empty.Page(1, 10) != nil || empty.PageOf(1, 10) != 0 {
		t.Errorf("empty thread: Pages = %d, Page(1) = %v, PageOf(1) = %d; want 1, nil, 0", empty.Pages(10), empty.Page(1, 10), empty.PageOf(1, 10))
	}
}

func TestFind(t *testing.T) {
	th := comment.Build([]blog.Comment{c(1, 0), c(2, 1), held(3, 2), c(4, 3)}, 2, false)
	for _, tt := range []struct {
		id           int64
		number, dept int
	}{{1, 1, 1}, {2, 2, 2}, {3, 0, 2}, {4, 3, 2}} {
		n := th.Find(tt.id)
		if n == nil {
			t.Errorf("Find(%d) = nil", tt.id)
			continue
		}
		if n.Comment.ID != tt.id || n.Number != tt.number || n.Depth != tt.dept {
			t.Errorf("Find(%d) = comment %d, number %d, depth %d; want number %d, depth %d", tt.id, n.Comment.ID, n.Number, n.Depth, tt.number, tt.dept)
		}
	}
	if n := th.Find(99); n != nil {
		t.Errorf("Find(99) = %+v; want nil", n)
	}
}

// bigThread is n approved comments a minute apart in which every third replies to a random earlier comment,
// deterministically.
func bigThread(n int) []blog.Comment {
	rng := rand.New(rand.NewPCG(3, 2024))
	cs := make([]blog.Comment, 0, n)
	for id := int64(1); id <= int64(n); id++ {
		var parent int64
		if id%3 == 0 {
			parent = rng.Int64N(id-1) + 1
		} else if id%3 == 1 && id > 1 {
			parent = id - 1 // and chains, so that the thread is deep enough to reach the limit
		}
		cs = append(cs, c(id, parent))
	}
	return cs
}

func TestBuild500Deep(t *testing.T) {
	const n, maxDepth = 500, 5
	cs := bigThread(n)
	th := comment.Build(cs, maxDepth, false)

	parentOf := map[int64]int64{}
	for _, x := range cs {
		parentOf[x.ID] = x.ParentID
	}
	// wantDepth is the depth each comment should get, computed from its parent's in the order written.
	wantDepth := map[int64]int{}
	// shownUnder is the comment a reply is shown under: its parent, or the parent's nearest ancestor above the
	// last level.
	shownUnder := func(id int64) int64 {
		p := parentOf[id]
		for p != 0 && wantDepth[p] >= maxDepth {
			p = parentOf[p]
		}
		return p
	}
	for _, x := range cs {
		if p := shownUnder(x.ID); p != 0 {
			wantDepth[x.ID] = wantDepth[p] + 1
		} else {
			wantDepth[x.ID] = 1
		}
	}

	seen := 0
	capped := 0
	var walk func(parent *comment.Node, nodes []*comment.Node)
	walk = func(parent *comment.Node, nodes []*comment.Node) {
		var prev time.Time
		for _, nd := range nodes {
			seen++
			id := nd.Comment.ID
			if nd.Depth < 1 || nd.Depth > maxDepth || nd.Depth != wantDepth[id] {
				t.Errorf("comment %d at depth %d; want %d (at most %d)", id, nd.Depth, wantDepth[id], maxDepth)
			}
			if nd.Number != int(id) {
				t.Errorf("comment %d numbered %d; want %d, its place in time", id, nd.Number, id)
			}
			if th.Find(id) != nd {
				t.Errorf("Find(%d) is not the node in the tree", id)
			}
			if nd.Comment.Created.Before(prev) {
				t.Errorf("comment %d is shown before an earlier sibling", id)
			}
			prev = nd.Comment.Created
			switch {
			case parent == nil:
				if parentOf[id] != 0 {
					t.Errorf("reply %d (to %d) is at the top level", id, parentOf[id])
				}
			case parent.Comment.ID == parentOf[id]:
				if parent.Depth >= maxDepth {
					t.Errorf("comment %d is under %d at the last level", id, parent.Comment.ID)
				}
			default:
				// Its parent is at the last level, so it sits beside it, under the parent's parent at depth 4.
				capped++
				p := parentOf[id]
				if wantDepth[p] != maxDepth || parent.Comment.ID != shownUnder(id) || parent.Depth != maxDepth-1 {
					t.Errorf("comment %d (reply to %d at depth %d) is under %d at depth %d; want under %d at depth %d",
						id, p, wantDepth[p], parent.Comment.ID, parent.Depth, shownUnder(id), maxDepth-1)
				}
			}
			walk(nd, nd.Children)
		}
	}
	walk(nil, th.Roots)
	if seen != n || th.Approved != n {
		t.Errorf("the tree has %d nodes and counts %d approved; want %d", seen, th.Approved, n)
	}
	if capped == 0 {
		t.Error("no reply went past the depth limit: the test thread is not deep enough")
	}
	t.Logf("%d top-level comments; %d replies attached at the last level", len(th.Roots), capped)
}

func BenchmarkBuild500(b *testing.B) {
	cs := bigThread(500)
	b.ReportAllocs()
	for b.Loop() {
		comment.Build(cs, 5, false)
	}
}
