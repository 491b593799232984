package main_test

import (
	"context"
	"database/sql"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/salon-blog/salon/internal/mail/mailpittest"
)

// TestTwoProcessesMailOnce runs two `salon serve` processes with email on one PostgreSQL database, both working
// the job queue, and checks that every email goes out exactly once: one confirmation per subscriber, one moderation
// request per held comment, and each approved comment once to every subscriber (never to its own author).
func TestTwoProcessesMailOnce(t *testing.T) {
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
	mp := mailpittest.Start(t, 0)
	bin := build(t)
	dsn = freshSchema(t, dsn)
	dir := t.TempDir()
	salon := func(stdin string, args ...string) string {
		t.Helper()
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
	salon("", "settings", "set", "comment_min_seconds", "0")
	salon("", "settings", "set", "notify_digest_minutes", "0")

	smtp := []string{"--smtp-host", "127.0.0.1", "--smtp-port", strconv.Itoa(mp.SMTPPort), "--smtp-tls", "none",
		"--mail-from", "Salon <blog@example.com>", "--job-retry-wait", "1s",
		// The test is the readers' proxy, so that each reader has an address of their own (and no flood limit).
		"--trusted-proxies", "127.0.0.1"}
	procs := []*serveProcess{startServe(t, bin, dsn, dir, "a", smtp...), startServe(t, bin, dsn, dir, "b", smtp...)}

	// Four readers comment, alternately through A and B, asking for every comment: each comment is held (a first
	// comment), each reader gets one confirmation, and follows it on the other process.
	var readers []string
	for i := range 4 {
		email := "reader" + strconv.Itoa(i) + "@example.org"
		readers = append(readers, email)
		c := client(t)
		p := procs[i%2]
		postNumber, token := commentForm(t, c, p.url+path)
		form := url.Values{"comment_post_ID": {postNumber}, "salon_form": {token}, "comment_parent": {"0"},
			"author": {"Reader " + strconv.Itoa(i)}, "email": {email}, "comment": {"Remark number " + strconv.Itoa(i) + "."},
			"subscribe": {"yes"}, "subscribe_mode": {"all"}}
		if res := postFrom(t, c, p.url+"/comments/", form, "198.51.100."+strconv.Itoa(i+1)); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("comment through %s = %d", p.name, res.StatusCode)
		}
		conf := mp.WaitFor(t, email, 1)[0]
		link := regexp.MustCompile(`Confirm my subscription: http://[^/]+(/\S+)`).FindStringSubmatch(conf.Text)
		if link == nil {
			t.Fatalf("no confirmation link:\n%s", conf.Text)
		}
		if status, page := get(t, client(t), procs[(i+1)%2].url+link[1]); status != http.StatusOK || !strings.Contains(page, "Subscription confirmed") {
			t.Fatalf("confirmation through the other process = %d", status)
		}
	}

	// The moderator approves the four through B, one by one.
	mod := client(t)
	if res := post(t, mod, procs[0].url+"/admin/signin/", url.Values{"email": {"mod@example.com"}, "password": {"moderator password"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in = %d", res.StatusCode)
	}
	for range 4 {
		_, queue := get(t, mod, procs[1].url+"/admin/comments/")
		csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(queue)
		id := regexp.MustCompile(`id="queue-(\d+)"`).FindStringSubmatch(queue)
		if csrf == nil || id == nil {
			t.Fatal("no form token or held comment on B's queue")
		}
		if res := post(t, mod, procs[1].url+"/admin/comments/", url.Values{"csrf": {csrf[1]}, "action": {"approve"}, "id": {id[1]}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("approve through B = %d", res.StatusCode)
		}
	}

	// Wait until the queue is done, then count.
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for deadline := time.Now().Add(90 * time.Second); ; {
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM river_job WHERE state NOT IN ('completed', 'discarded', 'cancelled')`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d jobs still unfinished", n)
		}
		time.Sleep(100 * time.Millisecond)
	}
	for i, email := range readers {
		msgs := mp.To(t, email)
		var confirmations int
		var told strings.Builder
		for _, m := range msgs {
			if strings.Contains(m.Subject, "Confirm") {
				confirmations++
			} else {
				told.WriteString(m.Text)
			}
		}
		if confirmations != 1 {
			t.Errorf("%s received %d confirmations; want 1", email, confirmations)
		}
		for j := range readers {
			want := 1
			if j == i {
				want = 0
			}
			if n := strings.Count(told.String(), "Remark number "+strconv.Itoa(j)+"."); n != want {
				t.Errorf("%s was told of reader %d's comment %d times; want %d", email, j, n, want)
			}
		}
	}
	var moderate, newComment int
	for _, m := range mp.To(t, "mod@example.com") {
		switch {
		case strings.Contains(m.Subject, "Please moderate"):
			moderate++
		case strings.Contains(m.Subject, "New comment"):
			newComment++
		}
	}
	if moderate != 4 || newComment != 4 {
		t.Errorf("the moderator received %d moderation requests and %d new-comment emails; want 4 and 4", moderate, newComment)
	}
}

// postFrom sends a form as a reader at ip behind the proxy.
func postFrom(t *testing.T, c *http.Client, u string, form url.Values, ip string) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), "POST", u, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", ip)
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res
}
