package transfer_test

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/salon-blog/salon/internal/wxr"
)

// BenchmarkImportWordPress imports a generated export of 10,000 posts and 200,000 comments (a third of them
// replies) into a fresh SQLite site, and reports the rate, the peak Go heap during the import and the process's
// peak resident memory. Run it with:
//
//	go test ./internal/transfer -run '^$' -bench ImportWordPress -benchtime 1x
func BenchmarkImportWordPress(b *testing.B) {
	const posts, commentsPerPost = 10_000, 20
	path := filepath.Join(b.TempDir(), "big.xml")
	writeBigExport(b, path, posts, commentsPerPost)
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(fi.Size())
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		st := newStore(b)
		peak := watchHeap()
		b.StartTimer()
		rep, err := importFile(b, st, "wordpress", path)
		b.StopTimer()
		heap := peak()
		if err != nil {
			b.Fatal(err)
		}
		if rep.Posts != posts || rep.Comments != posts*commentsPerPost {
			b.Fatalf("imported %d posts and %d comments; want %d and %d", rep.Posts, rep.Comments, posts, posts*commentsPerPost)
		}
		b.ReportMetric(float64(heap)/(1<<20), "peak-heap-MB")
		b.ReportMetric(float64(peakRSS())/(1<<10), "peak-RSS-MB")
		b.StartTimer()
	}
}

// watchHeap samples the heap in use until the returned function is called, which returns the largest sample.
func watchHeap() func() uint64 {
	var peak uint64
	var mu sync.Mutex
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			mu.Lock()
			peak = max(peak, m.HeapInuse)
			mu.Unlock()
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 {
		close(stop)
		<-done
		mu.Lock()
		defer mu.Unlock()
		return peak
	}
}

// peakRSS is the process's peak resident set size in KiB (Linux's VmHWM), 0 elsewhere.
func peakRSS() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return n
		}
	}
	return 0
}

func writeBigExport(b *testing.B, path string, posts, commentsPerPost int) {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	w, err := wxr.NewWriter(bw, wxr.Site{Title: "Big", Link: "https://big.example", BaseSiteURL: "https://big.example"})
	if err != nil {
		b.Fatal(err)
	}
	if err := w.Author(wxr.Author{ID: 1, Login: "writer", Email: "writer@big.example", DisplayName: "Writer"}); err != nil {
		b.Fatal(err)
	}
	start := time.Date(2010, 1, 1, 12, 0, 0, 0, time.UTC)
	var cid int64
	for i := range posts {
		when := start.Add(time.Duration(i) * 6 * time.Hour)
		slug := fmt.Sprintf("post-number-%d", i+1)
		it := wxr.Item{ID: int64(i + 1), Title: fmt.Sprintf("Post number %d", i+1), Creator: "writer", PostName: slug,
			Link:    fmt.Sprintf("https://big.example/%04d/%02d/%02d/%s/", when.Year(), when.Month(), when.Day(), slug),
			Content: "A first paragraph with <em>some</em> markup and a <a href=\"https://example.org/\">link</a>.\n\nA second paragraph.\nWith a line break.",
			Type:    "post", Status: "publish", CommentStatus: "open", Date: when, DateGMT: when,
			Terms: []wxr.ItemTerm{{Domain: "category", Nicename: "politics", Name: "Politics"}}}
		for j := range commentsPerPost {
			cid++
			c := wxr.Comment{ID: cid, Author: fmt.Sprintf("Reader %d", j), AuthorEmail: fmt.Sprintf("reader%d@example.com", j),
				AuthorIP: "192.0.2.1", Date: when.Add(time.Duration(j+1) * time.Minute), Approved: "1", Type: "comment",
				Content: "I agree with this, mostly.\n\nBut not <strong>entirely</strong>."}
			c.DateGMT = c.Date
			if j%3 == 2 {
				c.Parent = cid - 1
			}
			it.Comments = append(it.Comments, c)
		}
		if err := w.Item(it); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	if err := bw.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
}
