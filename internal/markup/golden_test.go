package markup

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata from the current output")

// TestGolden renders each testdata/NAME.md and compares the body with
// NAME.golden.html and the summary with NAME.summary.golden.html, which
// exists only for posts that have a more marker.
func TestGolden(t *testing.T) {
	posts, err := filepath.Glob(filepath.Join("testdata", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	if len(posts) == 0 {
		t.Fatal("no testdata/*.md")
	}
	for _, post := range posts {
		base := strings.TrimSuffix(post, ".md")
		t.Run(filepath.Base(base), func(t *testing.T) {
			src, err := os.ReadFile(post)
			if err != nil {
				t.Fatal(err)
			}
			d := RenderPost(string(src))
			assertGolden(t, base+".golden.html", string(d.HTML))
			assertGolden(t, base+".summary.golden.html", string(d.Summary))
		})
	}
}

// TestRenderConcurrently renders the golden posts from several goroutines at
// once; under -race it shows that the shared renderers hold no state.
func TestRenderConcurrently(t *testing.T) {
	posts, err := filepath.Glob(filepath.Join("testdata", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, post := range posts {
		src, err := os.ReadFile(post)
		if err != nil {
			t.Fatal(err)
		}
		want := RenderPost(string(src))
		wantComment := RenderComment(string(src))
		for i := range 4 {
			t.Run(fmt.Sprintf("%s/%d", filepath.Base(post), i), func(t *testing.T) {
				t.Parallel()
				if diff := cmp.Diff(want, RenderPost(string(src))); diff != "" {
					t.Errorf("RenderPost(%s) differs when run concurrently (-first +now):\n%s", post, diff)
				}
				if diff := cmp.Diff(wantComment, RenderComment(string(src))); diff != "" {
					t.Errorf("RenderComment(%s) differs when run concurrently (-first +now):\n%s", post, diff)
				}
			})
		}
	}
}

// assertGolden compares got with the file at path; an absent file stands for
// empty output, so that posts without a summary need no empty file.
func assertGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		var err error
		if got == "" {
			err = os.Remove(path)
			if errors.Is(err, fs.ErrNotExist) {
				err = nil
			}
		} else {
			err = os.WriteFile(path, []byte(got), 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s mismatch (-want +got), rerun with -update if the change is intended:\n%s", path, diff)
	}
}
