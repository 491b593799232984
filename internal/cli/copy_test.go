package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCopy(t *testing.T) {
	data, dir := newSite(t)
	body := writeFile(t, dir, "p.md", []byte("Moved *intact*."))
	if r := run(t, "", nil, "post", "add", data, "--title", "Moving day", "--file", body, "--tags", "move"); r.code != 0 {
		t.Fatal(r)
	}
	from := filepath.Join(strings.TrimPrefix(data, "--data="), "salon.db")
	targets := []string{filepath.Join(dir, "copy.db")}
	if dsn := os.Getenv("SALON_TEST_POSTGRES"); dsn != "" {
		targets = append(targets, dsn)
	}
	for _, to := range targets {
		r := run(t, "", nil, "copy", "--from", from, "--to", to, "--replace")
		if r.code != 0 || !strings.Contains(r.stdout, "the row counts match") || !strings.Contains(r.stdout, "1 users, 1 posts") {
			t.Fatalf("copy to %s = %+v", to, r)
		}
		if r := run(t, "", nil, "copy", "--from", from, "--to", to); r.code != 1 || !strings.Contains(r.stderr, "the target database is not empty") {
			t.Errorf("copy into a non-empty target = %+v; want a refusal", r)
		}
		if r := run(t, "", nil, "post", "list", "--db", to, "--json"); !strings.Contains(r.stdout, `"title": "Moving day"`) || !strings.Contains(r.stdout, `"move"`) {
			t.Errorf("the copy at %s lacks the post:\n%s", to, r.stdout)
		}
	}
	for _, args := range [][]string{{"copy", "--from", from}, {"copy", "--from", from, "--to", from}} {
		if r := run(t, "", nil, args...); r.code != 1 {
			t.Errorf("salon %s = %+v; want a refusal", strings.Join(args, " "), r)
		}
	}
}
