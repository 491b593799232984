package disqus_test

import (
	"bufio"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/salon-blog/salon/internal/disqus"
)

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// writeExport writes an export of at least size bytes to w, one element at a time, and returns what it wrote.
func writeExport(w io.Writer, size int64) (counts, int64, error) {
	cw := &countingWriter{w: w}
	bw := bufio.NewWriter(cw)
	c := counts{Categories: 1}
	message := strings.Repeat("<p>查Go的資料逛到這裡 &amp; a comment long enough to weigh something.</p>", 6)
	fmt.Fprint(bw, head+"<category dsq:id=\"1\"><forum>big</forum><title>General</title></category>\n")
	for thread := 1; cw.n < size; thread++ {
		fmt.Fprintf(bw, "<thread dsq:id=\"t%d\">\n<id>%d http://example.com/?p=%d</id>\n<forum>big</forum>\n"+
			"<link>http://example.com/%d/</link>\n<title>Post %d</title>\n<createdAt>2015-06-24T07:58:00Z</createdAt>\n"+
			"<author><name>Author</name><email>a@example.com</email></author>\n<isClosed>false</isClosed>\n<isDeleted>false</isDeleted>\n</thread>\n",
			thread, thread, thread, thread, thread)
		c.Threads++
		for i := range 10 {
			parent := ""
			if i%3 == 2 {
				parent = fmt.Sprintf("<parent dsq:id=\"p%d-%d\"/>\n", thread, i-1)
				c.Replies++
			}
			deleted, spam := i == 4, i == 7
			if deleted {
				c.Deleted++
			}
			if spam {
				c.Spam++
			}
			fmt.Fprintf(bw, "<post dsq:id=\"p%d-%d\">\n<id/>\n<message><![CDATA[%s]]></message>\n"+
				"<createdAt>2015-07-29T05:21:17Z</createdAt>\n<isDeleted>%t</isDeleted>\n<isSpam>%t</isSpam>\n"+
				"<author>\n<email>r%d@example.com</email>\n<name>Reader %d</name>\n<isAnonymous>false</isAnonymous>\n<username>reader%d</username>\n</author>\n"+
				"<ipAddress>192.0.2.1</ipAddress>\n<thread dsq:id=\"t%d\"/>\n%s</post>\n",
				thread, i, message, deleted, spam, i, i, i, thread, parent)
			c.Posts++
		}
		if err := bw.Flush(); err != nil { // a failed write (the reader gave up) ends the export
			return c, cw.n, err
		}
	}
	fmt.Fprint(bw, "</disqus>\n")
	return c, cw.n, bw.Flush()
}

// TestStreamBoundedMemory reads a 30 MB export from a pipe and checks that the live heap stays far below the size of
// the file: the Reader must hold one record at a time, not the document. The limit is well under what keeping every
// post would take (the messages alone are over 20 MB) and well over the 1 MB or so a streaming read uses.
func TestStreamBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("writes and reads 30 MB")
	}
	const (
		size  = 30 << 20
		limit = 16 << 20
	)
	type result struct {
		c   counts
		n   int64
		err error
	}
	pr, pw := io.Pipe()
	defer pr.Close()
	done := make(chan result, 1)
	go func() {
		c, n, err := writeExport(pw, size)
		pw.CloseWithError(err)
		done <- result{c, n, err}
	}()

	var got counts
	var peak uint64
	var ms runtime.MemStats
	r := disqus.NewReader(pr)
	for n := 0; ; n++ {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("record %d: %v", n, err)
		}
		got = addCount(t, got, rec)
		if n%5000 == 0 {
			runtime.GC()
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
		}
	}
	res := <-done
	if res.err != nil {
		t.Fatalf("writing the export: %v", res.err)
	}
	if res.n < size {
		t.Fatalf("wrote %d bytes; want at least %d", res.n, size)
	}
	if diff := cmp.Diff(res.c, got); diff != "" {
		t.Errorf("counts (-written +read):\n%s", diff)
	}
	t.Logf("%d bytes, %d posts; peak HeapInuse after GC %.1f MB", res.n, got.Posts, float64(peak)/(1<<20))
	if peak >= limit {
		t.Errorf("peak HeapInuse after GC = %d bytes; want under %d", peak, limit)
	}
}

func addCount(t *testing.T, c counts, rec any) counts {
	t.Helper()
	d := readerCounts(t, []any{rec})
	c.Categories += d.Categories
	c.Threads += d.Threads
	c.Posts += d.Posts
	c.Replies += d.Replies
	c.Deleted += d.Deleted
	c.Spam += d.Spam
	return c
}
