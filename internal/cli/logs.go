package cli

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"sync"
	"time"
)

// logFlushInterval is how long a log line at most waits in serve's log buffer.
const logFlushInterval = 200 * time.Millisecond

// bufferedLog is serve's log output: lines collect in a buffer that is written out every logFlushInterval, when
// it fills, after each warning or error, and when serve stops. Writing each request's line on its own cost a
// system call per request, as much CPU as the rest of the log line; nginx buffers its access log the same way.
type bufferedLog struct {
	mu   sync.Mutex
	out  *bufio.Writer
	stop chan struct{}
	done chan struct{}
}

func newBufferedLog(w io.Writer, interval time.Duration) *bufferedLog {
	l := &bufferedLog{out: bufio.NewWriterSize(w, 64<<10), stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(l.done)
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			select {
			case <-tick.C:
				l.Flush()
			case <-l.stop:
				return
			}
		}
	}()
	return l
}

func (l *bufferedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.out.Write(p)
}

// Flush writes out what the buffer holds.
func (l *bufferedLog) Flush() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.out.Flush()
}

// Close stops the timer and writes out the rest.
func (l *bufferedLog) Close() error {
	close(l.stop)
	<-l.done
	return l.Flush()
}

// flushingHandler writes out the log buffer after each record at warning level or above, so that an error is on
// the screen at once, and before a crash could lose it.
type flushingHandler struct {
	slog.Handler
	log *bufferedLog
}

func (h flushingHandler) Handle(ctx context.Context, r slog.Record) error {
	err := h.Handler.Handle(ctx, r)
	if r.Level >= slog.LevelWarn {
		h.log.Flush()
	}
	return err
}

func (h flushingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return flushingHandler{h.Handler.WithAttrs(attrs), h.log}
}

func (h flushingHandler) WithGroup(name string) slog.Handler {
	return flushingHandler{h.Handler.WithGroup(name), h.log}
}
