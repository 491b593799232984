package comment

import (
	"slices"

	"github.com/salon-blog/salon/internal/blog"
)

// Node is one comment in a thread.
type Node struct {
	Comment  blog.Comment
	Number   int // 1, 2, 3… in the order approved comments were written; 0 for a reader's own held comment
	Depth    int // 1 for top-level comments
	Children []*Node
}

// Thread is a post's comments as a tree: top-level comments in the site's order, replies under their parents,
// oldest first. Numbers follow the order of writing, so they do not change when replies arrive or pages split.
type Thread struct {
	Roots []*Node
	// Approved counts the approved comments (a reader's own held ones are in the tree but not counted).
	Approved int
	nodes    []Node        // every comment's node, in the order given to Build
	index    map[int64]int // comment ID → its node in nodes
	rootOf   []int         // node → index of its top-level comment in Roots
}

// Build makes the thread from a post's comments, oldest first. Replies nest up to maxDepth levels; a reply to a
// comment at the last level is shown at that level, after its parent's other replies. A reply whose parent is not
// in the list (trashed, or still held) is shown at the top level rather than lost.
func Build(comments []blog.Comment, maxDepth int, newestFirst bool) *Thread {
	maxDepth = max(maxDepth, 1)
	t := &Thread{nodes: make([]Node, len(comments)), index: make(map[int64]int, len(comments)), rootOf: make([]int, len(comments))}
	parents := make([]int, len(comments)) // node → its parent's node, -1 for a top-level comment
	for i := range comments {
		n := &t.nodes[i]
		n.Comment, n.Depth = comments[i], 1
		c := &n.Comment
		if c.Status == blog.CommentApproved {
			t.Approved++
			n.Number = t.Approved
		}
		t.index[c.ID] = i
		parent := -1
		if c.ParentID != c.ID { // a comment cannot answer itself; only a damaged import could say so
			if p, ok := t.index[c.ParentID]; ok {
				parent = p
			}
		}
		for parent >= 0 && t.nodes[parent].Depth >= maxDepth {
			parent = parents[parent]
		}
		parents[i] = parent
		if parent < 0 {
			t.Roots = append(t.Roots, n)
			continue
		}
		n.Depth = t.nodes[parent].Depth + 1
		t.nodes[parent].Children = append(t.nodes[parent].Children, n)
	}
	if newestFirst {
		slices.Reverse(t.Roots)
	}
	for i, r := range t.Roots {
		t.markRoot(r, i)
	}
	return t
}

func (t *Thread) markRoot(n *Node, i int) {
	t.rootOf[t.index[n.Comment.ID]] = i
	for _, c := range n.Children {
		t.markRoot(c, i)
	}
}

// Pages is how many pages the thread has with perPage top-level comments a page (0: one page).
func (t *Thread) Pages(perPage int) int {
	if perPage <= 0 || len(t.Roots) == 0 {
		return 1
	}
	return (len(t.Roots) + perPage - 1) / perPage
}

// Page returns the top-level comments on page n (from 1), each with all its replies.
func (t *Thread) Page(n, perPage int) []*Node {
	if perPage <= 0 {
		return t.Roots
	}
	from := (n - 1) * perPage
	if from < 0 || from >= len(t.Roots) {
		return nil
	}
	return t.Roots[from:min(from+perPage, len(t.Roots))]
}

// PageOf returns the page a comment is on, or 0 when it is not in the thread.
func (t *Thread) PageOf(id int64, perPage int) int {
	n, ok := t.index[id]
	if !ok {
		return 0
	}
	if perPage <= 0 {
		return 1
	}
	return t.rootOf[n]/perPage + 1
}

// Len returns the number of comments in the thread, on every page.
func (t *Thread) Len() int { return len(t.nodes) }

// Find returns the node of a comment in the thread, or nil.
func (t *Thread) Find(id int64) *Node {
	n, ok := t.index[id]
	if !ok {
		return nil
	}
	return &t.nodes[n]
}
