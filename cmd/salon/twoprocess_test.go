package main_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
)

// TestTwoProcessesOnePostgres runs two `salon serve` processes on one PostgreSQL database, as two machines behind
// a load balancer would, and checks they behave as one site: one migrates while the other waits, a comment
// approved through one is on the other's page at once, a sign-in on one is valid on the other, and a scheduled
// post goes live on both, once.
func TestTwoProcessesOnePostgres(t *testing.T) {
	dsn := os.Getenv("SALON_TEST_POSTGRES")
	if dsn == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("SALON_TEST_POSTGRES is not set: in CI this test must run")
		}
		t.Skip("SALON_TEST_POSTGRES is not set")
	}
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := build(t)
	dsn = freshSchema(t, dsn)
	dir := t.TempDir()

	// Both start at once on an empty database: exactly one applies the migrations.
	a, b := startServe(t, bin, dsn, dir, "a"), startServe(t, bin, dsn, dir, "b")
	salon := func(stdin string, args ...string) string {
		t.Helper()
		// Every command used here is two words (user add, settings set); the database flag follows them.
		cmd := exec.Command(bin, slices.Concat(args[:2], []string{"--db", dsn}, args[2:])...)
		cmd.Stdin = strings.NewReader(stdin)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("salon %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out))
	}
	salon("moderator password\n", "user", "add", "--email", "mod@example.com", "--name", "Moderator", "--role", "admin", "--password-stdin")
	body := filepath.Join(dir, "post.md")
	if err := os.WriteFile(body, []byte("Discuss."), 0o644); err != nil {
		t.Fatal(err)
	}
	path := salon("", "post", "add", "--title", "Shared thread", "--file", body)
	// The reader below answers at once; this test is about two processes, not about how fast people type.
	salon("", "settings", "set", "comment_min_seconds", "0")
	due := time.Now().Add(3 * time.Second).UTC().Truncate(time.Second)
	scheduled := salon("", "post", "add", "--title", "Scheduled piece", "--file", body, "--date", due.Format(time.RFC3339))

	migrated := 0
	for _, p := range []*serveProcess{a, b} {
		if strings.Contains(p.log(), "migrated the database") {
			migrated++
		}
	}
	if migrated != 1 {
		t.Errorf("%d processes migrated the database; want exactly 1\nA:\n%s\nB:\n%s", migrated, a.log(), b.log())
	}

	// A reader comments through A; a moderator signs in on A and approves through B's queue.
	reader := client(t)
	postNumber, token := commentForm(t, reader, a.url+path)
	form := url.Values{"comment_post_ID": {postNumber}, "salon_form": {token}, "comment_parent": {"0"},
		"author": {"Reader"}, "email": {"reader@example.org"}, "comment": {"Seen everywhere?"}}
	if res := post(t, reader, a.url+"/comments/", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("comment through A = %d", res.StatusCode)
	}
	mod := client(t)
	if res := post(t, mod, a.url+"/admin/signin/", url.Values{"email": {"mod@example.com"}, "password": {"moderator password"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in on A = %d", res.StatusCode)
	}
	// The session cookie is for the host, 127.0.0.1, so it goes to B as it would behind one domain.
	status, queue := get(t, mod, b.url+"/admin/comments/")
	if status != http.StatusOK || !strings.Contains(queue, "Seen everywhere?") {
		t.Fatalf("A's session on B: GET /admin/comments/ = %d; want the queue with the held comment", status)
	}
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(queue)
	id := regexp.MustCompile(`id="queue-(\d+)"`).FindStringSubmatch(queue)
	if csrf == nil || id == nil {
		t.Fatal("no form token or comment on B's queue")
	}
	if res := post(t, mod, b.url+"/admin/comments/", url.Values{"csrf": {csrf[1]}, "action": {"approve"}, "id": {id[1]}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve through B = %d", res.StatusCode)
	}
	approved := time.Now()
	for {
		if _, page := get(t, client(t), a.url+path); strings.Contains(page, "Seen everywhere?") {
			break
		}
		if time.Since(approved) > time.Second {
			t.Fatal("the comment approved through B is not on A's page within a second")
		}
		time.Sleep(20 * time.Millisecond)
	}

	// The scheduled post: hidden on both until its time, then live on both, and once in each feed.
	for _, p := range []*serveProcess{a, b} {
		if status, _ := get(t, client(t), p.url+scheduled); status != http.StatusNotFound && time.Now().Before(due) {
			t.Errorf("%s shows the scheduled post early: %d", p.name, status)
		}
	}
	time.Sleep(time.Until(due) + 100*time.Millisecond)
	for _, p := range []*serveProcess{a, b} {
		if status, _ := get(t, client(t), p.url+scheduled); status != http.StatusOK {
			t.Errorf("%s: the scheduled post = %d after its time; want 200", p.name, status)
		}
		_, feed := get(t, client(t), p.url+"/feed/")
		if n := strings.Count(feed, "<title>Scheduled piece</title>"); n != 1 {
			t.Errorf("%s: the feed has the scheduled post %d times; want once", p.name, n)
		}
	}
}

// freshSchema gives the test a schema of its own in the test database, dropped at the end.
func freshSchema(t *testing.T, dsn string) string {
	t.Helper()
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	schema := "twoproc_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			t.Error(err)
		}
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

type serveProcess struct {
	name string
	url  string
	cmd  *exec.Cmd
	logs *logWatcher
}

// log returns what the process has logged so far.
func (p *serveProcess) log() string { return p.logs.snapshot() }

func startServe(t *testing.T, bin, dsn, dir, name string, flags ...string) *serveProcess {
	t.Helper()
	cmd := exec.Command(bin, slices.Concat([]string{"serve", "--addr", "127.0.0.1:0", "--db", dsn, "--data", filepath.Join(dir, name)}, flags)...)
	logs, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &serveProcess{name: name, cmd: cmd, logs: watchLog(logs)}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
		}
	})
	select {
	case p.url = <-p.logs.url:
	case <-time.After(60 * time.Second):
		t.Fatalf("serve %s did not start:\n%s", name, p.log())
	}
	return p
}

func client(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func get(t *testing.T, c *http.Client, u string) (int, string) {
	t.Helper()
	res, err := c.Get(u)
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

func post(t *testing.T, c *http.Client, u string, form url.Values) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), "POST", u, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res
}

// postID reads the post's ID from its comment form.
// commentForm reads the post ID and the signed form token of the comment form at u.
func commentForm(t *testing.T, c *http.Client, u string) (postID, token string) {
	t.Helper()
	_, page := get(t, c, u)
	id := regexp.MustCompile(`name="comment_post_ID" value="(\d+)"`).FindStringSubmatch(page)
	tok := regexp.MustCompile(`name="salon_form" value="([^"]+)"`).FindStringSubmatch(page)
	if id == nil || tok == nil {
		t.Fatalf("no comment form at %s", u)
	}
	return id[1], tok[1]
}
