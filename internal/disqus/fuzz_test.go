package disqus_test

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/salon-blog/salon/internal/disqus"
)

// FuzzReader checks that no input makes the Reader panic or loop, that every error is a *disqus.Error naming a line
// of the input and is returned again, and that records come in file order with a thread reference on every post.
func FuzzReader(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		lines := bytes.Count(data, []byte("\n")) + 1
		r := disqus.NewReader(bytes.NewReader(data))
		prev := 1
		for n := 0; ; n++ {
			if n > len(data) {
				t.Fatalf("%d records from %d bytes", n, len(data))
			}
			rec, err := r.Next()
			if err == io.EOF {
				if _, again := r.Next(); again != io.EOF {
					t.Fatalf("Next() after io.EOF = %v", again)
				}
				return
			}
			if err != nil {
				if rec != nil {
					t.Fatalf("Next() = %#v with error %v; want nil", rec, err)
				}
				var de *disqus.Error
				if !errors.As(err, &de) {
					t.Fatalf("Next() = %T %v; want *disqus.Error", err, err)
				}
				if de.Line < 1 || de.Line > lines {
					t.Fatalf("Next() = %v: line %d outside the input's %d lines", err, de.Line, lines)
				}
				if de.Err == nil || err.Error() == "" {
					t.Fatalf("Next() = %#v: no description", de)
				}
				if _, again := r.Next(); again != err {
					t.Fatalf("Next() after %v = %v; want the same error", err, again)
				}
				return
			}
			var line int
			switch rec := rec.(type) {
			case *disqus.Category:
				line = rec.Line
			case *disqus.Thread:
				line = rec.Line
			case *disqus.Post:
				line = rec.Line
				if rec.ThreadID == "" {
					t.Fatalf("post %q with no ThreadID", rec.ID)
				}
			default:
				t.Fatalf("Next() = %T", rec)
			}
			if line < prev || line > lines {
				t.Fatalf("record at line %d after line %d, in %d lines", line, prev, lines)
			}
			prev = line
		}
	})
}
