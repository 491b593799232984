package wxr_test

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/salon-blog/salon/internal/wxr"
)

// generate writes an export of n posts, each with about size bytes of content and three comments, one a reply.
func generate(w io.Writer, n, size int) error {
	wr, err := wxr.NewWriter(w, wxr.Site{Title: "Generated", Link: "https://example.com", BaseSiteURL: "https://example.com", BaseBlogURL: "https://example.com"})
	if err != nil {
		return err
	}
	if err := wr.Author(wxr.Author{ID: 1, Login: "admin", Email: "admin@example.com", DisplayName: "Admin"}); err != nil {
		return err
	}
	if err := wr.Category(wxr.Category{ID: 1, Nicename: "general", Name: "General"}); err != nil {
		return err
	}
	const para = "<!-- wp:paragraph -->\n<p>Lorem ipsum dolor sit amet, <em>consectetur</em> adipiscing elit.</p>\n<!-- /wp:paragraph -->\n\n"
	content := strings.Repeat(para, size/len(para)+1)[:size]
	day := time.Date(2015, 1, 1, 9, 0, 0, 0, time.UTC)
	for i := range n {
		id := int64(i + 1)
		at := day.Add(time.Duration(i) * time.Hour)
		comment := func(cid, parent int64, text string) wxr.Comment {
			return wxr.Comment{
				ID: cid, Author: "Reader", AuthorEmail: "reader@example.org", AuthorIP: "192.0.2.7",
				Date: at.Add(time.Minute), DateGMT: at.Add(time.Minute), Content: text, Approved: "1", Type: "comment", Parent: parent,
			}
		}
		it := wxr.Item{
			ID: id, Title: fmt.Sprintf("Post %d", id), Link: fmt.Sprintf("https://example.com/?p=%d", id),
			GUID: fmt.Sprintf("https://example.com/?p=%d", id), Creator: "admin", Content: content,
			PostName: fmt.Sprintf("post-%d", id), Type: "post", Status: "publish", CommentStatus: "open", PingStatus: "open",
			Date: at, DateGMT: at,
			Terms: []wxr.ItemTerm{{Domain: "category", Nicename: "general", Name: "General"}},
			Meta:  []wxr.Meta{{Key: "_edit_last", Value: "1"}},
			Comments: []wxr.Comment{
				comment(3*id, 0, "First!"),
				comment(3*id+1, 3*id, "A reply, with <a href=\"https://example.org\">a link</a>."),
				comment(3*id+2, 0, "Thanks for writing this."),
			},
		}
		if err := wr.Item(it); err != nil {
			return err
		}
	}
	return wr.Close()
}

func BenchmarkReader(b *testing.B) {
	var buf bytes.Buffer
	if err := generate(&buf, 1000, 2000); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(buf.Len()))
	b.ReportAllocs()
	for b.Loop() {
		r := wxr.NewReader(bytes.NewReader(buf.Bytes()))
		n := 0
		for {
			_, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != 1003 {
			b.Fatalf("read %d records; want 1003", n)
		}
	}
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// TestReaderMemoryIsBounded streams a generated export of about 50 MB through a pipe and checks, after collecting
// garbage at several points, that the heap in use stays far below the size of the file: the Reader keeps one record.
func TestReaderMemoryIsBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 50 MB")
	}
	const (
		items = 5000
		size  = 10 << 10
		limit = 16 << 20 // a Reader that kept the records it returned would pass it after 16 MB
	)
	pr, pw := io.Pipe()
	done := make(chan struct{})
	go func() {
		defer close(done)
		pw.CloseWithError(generate(pw, items, size))
	}()
	defer func() {
		pr.Close() // stops the writer if the test ends early
		<-done
	}()

	in := &countingReader{r: pr}
	r := wxr.NewReader(in)
	var peak uint64
	var ms runtime.MemStats
	n := 0
	for {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if it, ok := rec.(*wxr.Item); ok {
			n++
			if len(it.Content) != size || len(it.Comments) != 3 {
				t.Fatalf("item %d: %d bytes of content, %d comments", it.ID, len(it.Content), len(it.Comments))
			}
			if n%1000 == 0 {
				runtime.GC()
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapInuse)
				if ms.HeapInuse > limit {
					t.Fatalf("after %d items (%d MB read), %d MB of heap in use; want under %d MB", n, in.n>>20, ms.HeapInuse>>20, limit>>20)
				}
			}
		}
	}
	if n != items || in.n < 50<<20 {
		t.Fatalf("read %d items and %d MB; want %d items and at least 50 MB", n, in.n>>20, items)
	}
	t.Logf("read %d MB; heap in use peaked at %.1f MB", in.n>>20, float64(peak)/(1<<20))
}
