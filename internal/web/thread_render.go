package web

import (
	"bytes"
	"fmt"
	"html/template"
	"sync"
	"unsafe"

	"github.com/salon-blog/salon/internal/comment"
)

// Rendering a long thread is mostly html/template escaping every field of every comment. Yet a comment's markup
// changes only when one of the fields it shows does, so the server keeps each comment's own markup (the
// "comment-self" template, everything but its replies) keyed by the whole commentView it was made from, and
// renders again only what it has not seen. The key is every input of that markup, compared in full (a Go map
// key, not a digest): a cached fragment is always exactly what the template would write, and an edit, a
// moderation decision, a new number or a closed edit window is a new key, shown at once.

// commentMemoBytes bounds the memory of the rendered-comment memo, keys and markup together. A comment of a few
// lines counts about 2 KB (more than it takes on the heap), so the memo holds 2,000 to 4,000 comments: the
// threads being read.
const commentMemoBytes = 8 << 20

// commentNode is a comment in the rendered thread, for the "comment" template: its own markup and its replies.
type commentNode struct {
	Self     template.HTML
	Children []commentNode
}

// commentMemo maps a comment's view to its rendered markup, bounded in bytes. It keeps two generations: new
// entries go into the young one, and when that reaches half the budget the old one is dropped and the young one
// becomes old. An entry found in the old generation moves back to the young one, so that the comments pages keep
// showing survive, and the memo never holds more than its budget. Safe for concurrent use.
type commentMemo struct {
	genBytes int // the budget of one generation

	mu         sync.RWMutex
	young, old map[commentView]template.HTML
	youngBytes int
	rotations  int // how many times the old generation was dropped, for tests
}

func newCommentMemo(maxBytes int) *commentMemo {
	return &commentMemo{genBytes: maxBytes / 2, young: map[commentView]template.HTML{}, old: map[commentView]template.HTML{}}
}

// commentEntryOverhead approximates what one entry costs beyond its strings' bytes: the key and value, stored in
// the map's slots, which a growing map keeps up to half empty, and a string header per field for its allocation.
const commentEntryOverhead = 2*int(unsafe.Sizeof(commentView{})+unsafe.Sizeof(template.HTML(""))) + 16*10

// entryBytes is what an entry costs the memo.
func entryBytes(v *commentView, html template.HTML) int {
	return commentEntryOverhead + len(v.AuthorName) + len(v.AuthorURL) + len(v.Avatar) + len(v.Permalink) +
		len(v.Date.ISO) + len(v.Date.Text) + len(v.HTML) + len(v.ReplyURL) + len(v.EditURL) + len(html)
}

// lookup fills out[i] with the markup of views[i] when the memo has it, and returns the indexes it lacks and
// those it found only in the old generation.
func (m *commentMemo) lookup(views []commentView, out []template.HTML) (missing, old []int) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	for i := range views {
		if h, ok := m.young[views[i]]; ok {
			out[i] = h
		} else if h, ok := m.old[views[i]]; ok {
			out[i] = h
			old = append(old, i)
		} else {
			missing = append(missing, i)
		}
	}
	return missing, old
}

// add keeps out[i] as the markup of views[i] for each i of the index lists.
func (m *commentMemo) add(views []commentView, out []template.HTML, lists ...[]int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, list := range lists {
		for _, i := range list {
			m.put(&views[i], out[i])
		}
	}
}

func (m *commentMemo) put(v *commentView, html template.HTML) {
	size := entryBytes(v, html)
	if size > m.genBytes {
		return // one enormous comment must not push out everything else
	}
	if _, ok := m.young[*v]; ok {
		return
	}
	if m.youngBytes+size > m.genBytes {
		m.old, m.young, m.youngBytes = m.young, make(map[commentView]template.HTML, len(m.young)), 0
		m.rotations++
	}
	m.young[*v] = html
	m.youngBytes += size
}

// size returns the entries and the bytes the memo holds (an entry in both generations counts twice).
func (m *commentMemo) size() (entries, bytes int) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	for _, gen := range []map[commentView]template.HTML{m.young, m.old} {
		for v, h := range gen {
			entries++
			bytes += entryBytes(&v, h)
		}
	}
	return entries, bytes
}

// renderComments returns the markup of each view, from the memo or else from the "comment-self" template of t.
func renderComments(t *template.Template, memo *commentMemo, views []commentView) ([]template.HTML, error) {
	out := make([]template.HTML, len(views))
	missing, old := memo.lookup(views, out)
	if len(missing) > 0 {
		self := t.Lookup("comment-self")
		if self == nil {
			return nil, fmt.Errorf("render comments: no comment-self template")
		}
		var buf bytes.Buffer
		for _, i := range missing {
			buf.Reset()
			if err := self.Execute(&buf, &views[i]); err != nil {
				return nil, fmt.Errorf("render comment %d: %w", views[i].ID, err)
			}
			out[i] = template.HTML(buf.String())
		}
	}
	if len(missing) > 0 || len(old) > 0 {
		memo.add(views, out, missing, old)
	}
	return out, nil
}

// threadNodes lays the rendered comments out as the thread nests them. selves holds the markup of the comments of
// roots and their replies in depth-first order, as commentViews lists their views.
func threadNodes(roots []*comment.Node, selves []template.HTML) []commentNode {
	var next int
	var build func(nodes []*comment.Node) []commentNode
	build = func(nodes []*comment.Node) []commentNode {
		out := make([]commentNode, len(nodes))
		for i, n := range nodes {
			out[i].Self = selves[next]
			next++
			if len(n.Children) > 0 {
				out[i].Children = build(n.Children)
			}
		}
		return out
	}
	return build(roots)
}
