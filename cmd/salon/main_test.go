package main_test

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestFreshSite is the README's first journey, on the real binary: serve a fresh data directory, add a user and a
// post from the shell while it runs, read the post at its permalink and in both feeds, then stop with SIGTERM.
func TestFreshSite(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir := t.TempDir()
	bin := build(t)
	data := filepath.Join(dir, "data")

	serve := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data", data, "--log-format", "text")
	logs, err := serve.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { serve.Process.Kill() })
	log := watchLog(logs)
	var base string
	select {
	case base = <-log.url:
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not announce its address")
	}

	salon := func(stdin string, args ...string) string {
		t.Helper()
		cmd := exec.Command(bin, append(args, "--data", data)...)
		cmd.Stdin = strings.NewReader(stdin)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("salon %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	if !strings.Contains(log.snapshot(), "/admin/setup/") {
		t.Errorf("a fresh site's serve printed no setup link:\n%s", log.snapshot())
	}
	salon("a long enough password\n", "user", "add", "--email", "writer@example.com", "--name", "Writer", "--role", "admin", "--password-stdin")
	body := filepath.Join(dir, "post.md")
	if err := os.WriteFile(body, []byte("First words, *published*.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	path := strings.TrimSpace(salon("", "post", "add", "--title", "First words", "--file", body))
	if !regexp.MustCompile(`^/\d{4}/\d{2}/\d{2}/first-words/$`).MatchString(path) {
		t.Fatalf("post add printed %q; want a /YYYY/MM/DD/first-words/ path", path)
	}

	for _, u := range []string{path, "/feed/", "/feed/atom/"} {
		status, page := fetch(t, base+u)
		if status != 200 || !strings.Contains(page, "First words") {
			t.Errorf("GET %s = %d, and the post is not in it:\n%s", u, status, page)
		}
	}

	if err := serve.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case all := <-log.done:
		if !strings.Contains(all, "msg=stopped") {
			t.Errorf("no clean shutdown in the log:\n%s", all)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop after SIGTERM")
	}
	if err := serve.Wait(); err != nil {
		t.Errorf("serve exited with %v after SIGTERM; want 0", err)
	}
}

// build compiles the salon binary once for the tests of this package.
func build(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "salon-bin-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "salon")
		if out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput(); err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

// logWatcher reads serve's log as it is written, so that the test can wait for a line and read the whole log at
// the end.
type logWatcher struct {
	url   chan string
	done  chan string // the whole log, once serve closes it
	mu    sync.Mutex
	sofar strings.Builder
}

// snapshot is what has been logged so far.
func (w *logWatcher) snapshot() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.sofar.String()
}

func watchLog(logs io.Reader) *logWatcher {
	w := &logWatcher{url: make(chan string, 1), done: make(chan string, 1)}
	go func() {
		var all strings.Builder
		re := regexp.MustCompile(`url=(http://\S+)/`)
		sc := bufio.NewScanner(logs)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				w.url <- m[1]
			}
			all.WriteString(sc.Text() + "\n")
			w.mu.Lock()
			w.sofar.WriteString(sc.Text() + "\n")
			w.mu.Unlock()
		}
		w.done <- all.String()
	}()
	return w
}

func fetch(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, string(b)
}
