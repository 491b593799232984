package post_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/salon-blog/salon/internal/post"
)

// render writes a diff as "  same", "- deleted", "+ inserted" lines.
func render(lines []post.Line) string {
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(map[post.Op]string{post.Same: "  ", post.Delete: "- ", post.Insert: "+ "}[l.Op] + l.Text + "\n")
	}
	return b.String()
}

func TestLineDiff(t *testing.T) {
	tests := []struct {
		name, old, new, want string
	}{
		{"both empty", "", "", ""},
		{"same", "a\nb\n", "a\nb", "  a\n  b\n"},
		{"from nothing", "", "a\nb", "+ a\n+ b\n"},
		{"to nothing", "a\nb", "", "- a\n- b\n"},
		{"one line changed", "a\nb\nc", "a\nB\nc", "  a\n- b\n+ B\n  c\n"},
		{"insert in the middle", "a\nc", "a\nb\nc", "  a\n+ b\n  c\n"},
		{"delete at the start", "x\na\nb", "a\nb", "- x\n  a\n  b\n"},
		{"moved line", "a\nb\nc\nd", "b\nc\na\nd", "- a\n  b\n  c\n+ a\n  d\n"},
		{"CRLF is LF", "a\r\nb\r\n", "a\nb\n", "  a\n  b\n"},
		{"repeated lines", "x\nx\nx", "x\ny\nx", "  x\n- x\n+ y\n  x\n"},
		{"blank lines kept", "a\n\nb", "a\n\n\nb", "  a\n  \n+ \n  b\n"},
	}
	for _, tt := range tests {
		got := render(post.LineDiff(tt.old, tt.new))
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: LineDiff(%q, %q) (-want +got):\n%s", tt.name, tt.old, tt.new, diff)
		}
	}
}

// Every diff, read one way, gives back the old text, and read the other way the new one; and it is minimal for
// texts whose longest common subsequence is known.
func TestLineDiffRebuildsBothTexts(t *testing.T) {
	texts := []string{"", "a", "a\nb\nc", "c\nb\na", "a\nb\na\nb", "one\ntwo\nthree\nfour\nfive", "two\nfour\nsix\none"}
	for _, old := range texts {
		for _, new := range texts {
			var a, b []string
			for _, l := range post.LineDiff(old, new) {
				if l.Op != post.Insert {
					a = append(a, l.Text)
				}
				if l.Op != post.Delete {
					b = append(b, l.Text)
				}
			}
			if strings.Join(a, "\n") != old || strings.Join(b, "\n") != new {
				t.Errorf("LineDiff(%q, %q) rebuilds %q and %q", old, new, strings.Join(a, "\n"), strings.Join(b, "\n"))
			}
		}
	}
}

func TestLineDiffLargeTexts(t *testing.T) {
	var old, new strings.Builder
	for i := range 3000 {
		old.WriteString("old line " + strings.Repeat("x", i%7) + "\n")
		new.WriteString("new line " + strings.Repeat("y", i%5) + "\n")
	}
	lines := post.LineDiff("same start\n"+old.String()+"same end", "same start\n"+new.String()+"same end")
	if len(lines) != 6002 || lines[0].Op != post.Same || lines[len(lines)-1].Op != post.Same || lines[1].Op != post.Delete || lines[3001].Op != post.Insert {
		t.Errorf("a large rewrite: %d lines, first %v, last %v", len(lines), lines[0], lines[len(lines)-1])
	}
}

func TestWordCount(t *testing.T) {
	for body, want := range map[string]int{
		"":                                0,
		"Hello, world!":                   2,
		"# Title\n\nIt's a *fine* day.":   5,
		"Ça va? Très bien — merci.":       5,
		"[a link](https://example.com/x)": 5, // a, link, https, example.com, x
		"well-known 3.14 e-mail":          3,
	} {
		if got := post.WordCount(body); got != want {
			t.Errorf("WordCount(%q) = %d; want %d", body, got, want)
		}
	}
}
