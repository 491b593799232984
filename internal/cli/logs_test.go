package cli

import (
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuilder is a terminal the test reads while the log's timer may write to it.
type lockedBuilder struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuilder) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuilder) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestBufferedLog: information waits in the buffer; a warning is written at once with what came before it; the
// rest is written when the log closes, and by the timer.
func TestBufferedLog(t *testing.T) {
	for _, format := range []string{"text", "json"} {
		t.Run(format, func(t *testing.T) {
			var out lockedBuilder
			logs := newBufferedLog(&out, time.Hour)
			logger, err := newLogger(logs, format, "info")
			if err != nil {
				t.Fatal(err)
			}
			logger = logger.With("process", 1) // a derived logger flushes too
			logger.Info("request one")
			if got := out.String(); got != "" {
				t.Fatalf("an information line was written before its time: %q", got)
			}
			logger.Warn("the database is slow")
			if got := out.String(); !strings.Contains(got, "request one") || !strings.Contains(got, "the database is slow") {
				t.Fatalf("after a warning the terminal shows %q; want both lines", got)
			}
			logger.Info("request two")
			if err := logs.Close(); err != nil {
				t.Fatal(err)
			}
			if got := out.String(); !strings.Contains(got, "request two") {
				t.Fatalf("after closing the terminal shows %q; want the last line", got)
			}
		})
	}

	var out lockedBuilder
	logs := newBufferedLog(&out, time.Millisecond)
	defer logs.Close()
	logs.Write([]byte("a line\n"))
	for out.String() == "" {
		time.Sleep(time.Millisecond) // the timer writes it; the test's own timeout bounds the wait
	}
}
