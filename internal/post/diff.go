package post

import "strings"

// Op is what a line of a diff does.
type Op int

// Diff operations.
const (
	Same   Op = iota // in both texts
	Delete           // only in the old text
	Insert           // only in the new text
)

// Line is one line of a diff.
type Line struct {
	Op   Op
	Text string
}

// maxDiffCells bounds the work of a diff: the lines that differ between the common start and end of both texts,
// multiplied. Beyond it (a thousand lines rewritten against a thousand), the middle is shown as deleted and then
// inserted, which is still exact, only less fine.
const maxDiffCells = 1 << 20

// LineDiff compares two texts line by line and returns the lines of both in order, each marked Same, Delete or
// Insert: a shortest edit script (a longest common subsequence of lines), deletions before insertions where lines
// were replaced. Line ends are \n; a \r\n is read as \n.
func LineDiff(old, new string) []Line {
	a, b := splitLines(old), splitLines(new)
	var out []Line
	start := 0
	for start < len(a) && start < len(b) && a[start] == b[start] {
		out = append(out, Line{Same, a[start]})
		start++
	}
	endA, endB := len(a), len(b)
	for endA > start && endB > start && a[endA-1] == b[endB-1] {
		endA, endB = endA-1, endB-1
	}
	out = append(out, middleDiff(a[start:endA], b[start:endB])...)
	for i := endA; i < len(a); i++ {
		out = append(out, Line{Same, a[i]})
	}
	return out
}

// middleDiff diffs what lies between the common start and end, by dynamic programming over the longest common
// subsequence of the suffixes.
func middleDiff(a, b []string) []Line {
	n, m := len(a), len(b)
	if n*m > maxDiffCells || n == 0 || m == 0 {
		out := make([]Line, 0, n+m)
		for _, l := range a {
			out = append(out, Line{Delete, l})
		}
		for _, l := range b {
			out = append(out, Line{Insert, l})
		}
		return out
	}
	// lcs[i*(m+1)+j] is the length of the longest common subsequence of a[i:] and b[j:].
	lcs := make([]int32, (n+1)*(m+1))
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i*(m+1)+j] = lcs[(i+1)*(m+1)+j+1] + 1
			} else {
				lcs[i*(m+1)+j] = max(lcs[(i+1)*(m+1)+j], lcs[i*(m+1)+j+1])
			}
		}
	}
	out := make([]Line, 0, n+m)
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case a[i] == b[j]:
			out = append(out, Line{Same, a[i]})
			i, j = i+1, j+1
		case lcs[(i+1)*(m+1)+j] >= lcs[i*(m+1)+j+1]:
			out = append(out, Line{Delete, a[i]})
			i++
		default:
			out = append(out, Line{Insert, b[j]})
			j++
		}
	}
	for ; i < n; i++ {
		out = append(out, Line{Delete, a[i]})
	}
	for ; j < m; j++ {
		out = append(out, Line{Insert, b[j]})
	}
	return out
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}
