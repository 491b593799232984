package blog_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/salon-blog/salon/internal/blog"
)

func TestParseCategoryPath(t *testing.T) {
	tests := []struct {
		in   string
		want []string // nil: an error
	}{
		{"Politics", []string{"Politics"}},
		{"A/B", []string{"A", "B"}},
		{" Politics / Elections ", []string{"Politics", "Elections"}},
		{"Arts/Music/Jazz", []string{"Arts", "Music", "Jazz"}},
		{"Café/Société", []string{"Café", "Société"}},
		{"", nil},
		{"/", nil},
		{"A//B", nil},
		{"A/", nil},
		{"/A", nil},
		{"A/ /B", nil},
		{"A/!!!", nil},
		{strings.Repeat("a", 201), nil},
	}
	for _, tt := range tests {
		got, err := blog.ParseCategoryPath(tt.in)
		if tt.want == nil {
			if err == nil || blog.ErrorCode(err) != blog.EINVALID {
				t.Errorf("ParseCategoryPath(%q) = %q, %v; want an %s error", tt.in, got, err, blog.EINVALID)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseCategoryPath(%q) error: %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseCategoryPath(%q) mismatch (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestParseTags(t *testing.T) {
	tests := []struct {
		in      []string
		want    []string
		wantErr bool
	}{
		{nil, nil, false},
		{[]string{"Go", "go ", "Blogging"}, []string{"Go", "Blogging"}, false},
		{[]string{"", "  ", "Go"}, []string{"Go"}, false},
		{[]string{"Café", "cafe", "CAFÉ"}, []string{"Café"}, false},
		{[]string{"Go!", "go"}, []string{"Go!"}, false},
		{[]string{" Rust ", "Go"}, []string{"Rust", "Go"}, false},
		{[]string{"Go", "!!!"}, nil, true},
		{[]string{"Caf\xe9"}, nil, true},
		{[]string{strings.Repeat("a", 201)}, nil, true},
	}
	for _, tt := range tests {
		got, err := blog.ParseTags(tt.in)
		if tt.wantErr {
			if err == nil || blog.ErrorCode(err) != blog.EINVALID {
				t.Errorf("ParseTags(%q) = %q, %v; want an %s error", tt.in, got, err, blog.EINVALID)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseTags(%q) error: %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseTags(%q) mismatch (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestDescendantIDs(t *testing.T) {
	// 1 Politics ─┬─ 2 Elections ── 4 Local
	//             └─ 3 Europe
	// 5 Sport ── 6 Football
	cats := []blog.Term{
		{ID: 4, ParentID: 2},
		{ID: 1},
		{ID: 6, ParentID: 5},
		{ID: 2, ParentID: 1},
		{ID: 3, ParentID: 1},
		{ID: 5},
	}
	tests := []struct {
		root int64
		want []int64
	}{
		{1, []int64{1, 2, 3, 4}},
		{2, []int64{2, 4}},
		{4, []int64{4}},
		{5, []int64{5, 6}},
		{99, []int64{99}},
	}
	for _, tt := range tests {
		got := blog.DescendantIDs(cats, tt.root)
		if got[0] != tt.root {
			t.Errorf("DescendantIDs(cats, %d)[0] = %d; want the root first", tt.root, got[0])
		}
		slices.Sort(got)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("DescendantIDs(cats, %d) mismatch (-want +got):\n%s", tt.root, diff)
		}
	}
	if got := blog.DescendantIDs(nil, 7); !slices.Equal(got, []int64{7}) {
		t.Errorf("DescendantIDs(nil, 7) = %v; want [7]", got)
	}
	// A cycle can only come from editing the database by hand; it must still end.
	cycle := []blog.Term{{ID: 1, ParentID: 2}, {ID: 2, ParentID: 1}, {ID: 3, ParentID: 2}}
	got := blog.DescendantIDs(cycle, 1)
	slices.Sort(got)
	if !slices.Equal(got, []int64{1, 2, 3}) {
		t.Errorf("DescendantIDs(cycle, 1) = %v; want [1 2 3]", got)
	}
}
