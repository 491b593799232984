package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/salon-blog/salon/internal/cli"
)

type result struct {
	code           int
	stdout, stderr string
}

// run runs one salon command line in-process, with environment variables given as "KEY=value" in env.
func run(t *testing.T, stdin string, env []string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	vars := map[string]string{}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		vars[k] = v
	}
	code := cli.Run(context.Background(), args, cli.Env{
		Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut,
		Getenv: func(k string) string { return vars[k] },
	})
	return result{code, out.String(), errOut.String()}
}

func writeFile(t *testing.T, dir, name string, body []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, body, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// newSite makes a data directory with one administrator and returns the --data flag for it.
func newSite(t *testing.T) (dataFlag, dir string) {
	t.Helper()
	dir = t.TempDir()
	data := "--data=" + filepath.Join(dir, "data")
	if r := run(t, "correct horse battery\n", nil, "user", "add", data, "--email", "Ann@Example.com", "--name", "Ann Writer", "--role", "admin", "--password-stdin"); r.code != 0 {
		t.Fatalf("user add: %+v", r)
	}
	return data, dir
}

func TestUserAddAndList(t *testing.T) {
	data, _ := newSite(t)
	r := run(t, "another password\n", nil, "user", "add", data, "--email", "bob@example.com", "--name", "Bob", "--role", "contributor", "--password-stdin")
	if r.code != 0 || !strings.Contains(r.stdout, "Bob <bob@example.com> as contributor") {
		t.Fatalf("user add: %+v", r)
	}
	r = run(t, "", nil, "user", "list", data, "--json")
	var users []struct {
		ID    int64  `json:"id"`
		Email string `json:"email"`
		Name  string `json:"name"`
		Slug  string `json:"slug"`
		Role  string `json:"role"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &users); err != nil {
		t.Fatalf("user list --json is not a JSON array: %v\n%s", err, r.stdout)
	}
	want := []string{"1 ann@example.com Ann Writer ann-writer admin", "2 bob@example.com Bob bob contributor"}
	var got []string
	for _, u := range users {
		got = append(got, strings.Join([]string{string(rune('0' + u.ID)), u.Email, u.Name, u.Slug, u.Role}, " "))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("user list --json (-want +got):\n%s", diff)
	}
	if strings.Contains(r.stdout, "argon2") || strings.Contains(r.stdout, "password") {
		t.Error("user list shows password hashes")
	}
	table := run(t, "", nil, "user", "list", data)
	if !strings.HasPrefix(table.stdout, "ID  EMAIL") || !strings.Contains(table.stdout, "bob@example.com") {
		t.Errorf("user list table:\n%s", table.stdout)
	}
}

func TestPostAddListEdit(t *testing.T) {
	data, dir := newSite(t)
	body := writeFile(t, dir, "post.md", []byte("Hello *world*.\n"))
	r := run(t, "", nil, "post", "add", data, "--title", "Hello, World", "--file", body, "--date", "2024-05-17T09:30:00+02:00",
		"--category", "Politics/Elections", "--tags", "go, blogging")
	if r.code != 0 || r.stdout != "/2024/05/17/hello-world/\n" {
		t.Fatalf("post add = %+v; want the path /2024/05/17/hello-world/", r)
	}
	r = run(t, "Page body\n", nil, "post", "add", data, "--title", "About", "--type", "page", "--file", "-")
	if r.code != 0 || r.stdout != "/about/\n" {
		t.Fatalf("post add page = %+v", r)
	}
	r = run(t, "", nil, "post", "add", data, "--title", "Hello, World", "--file", body, "--status", "draft")
	if r.code != 0 || !strings.HasSuffix(r.stdout, "/hello-world-2/\n") {
		t.Fatalf("second post with the same title = %+v; want slug hello-world-2", r)
	}

	r = run(t, "", nil, "post", "list", data, "--json")
	var posts []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &posts); err != nil {
		t.Fatalf("post list --json: %v\n%s", err, r.stdout)
	}
	if len(posts) != 3 {
		t.Fatalf("post list --json has %d posts; want 3", len(posts))
	}
	hello := posts[2]
	for k, want := range map[string]any{
		"id": 1.0, "type": "post", "title": "Hello, World", "slug": "hello-world", "status": "publish",
		"date": "2024-05-17T07:30:00Z", "author": "Ann Writer", "path": "/2024/05/17/hello-world/",
		"categories": []any{"politics/elections"}, "tags": []any{"blogging", "go"}, "comment_count": 0.0, "sticky": false,
	} {
		if diff := cmp.Diff(want, hello[k]); diff != "" {
			t.Errorf("post list --json field %q (-want +got):\n%s", k, diff)
		}
	}
	if r := run(t, "", nil, "post", "list", data, "--status", "draft"); strings.Count(r.stdout, "\n") != 2 {
		t.Errorf("post list --status draft:\n%s", r.stdout)
	}

	r = run(t, "", nil, "post", "edit", "1", data, "--slug", "hello-again", "--title", "Hello again")
	if r.code != 0 || r.stdout != "/2024/05/17/hello-again/\n" {
		t.Fatalf("post edit = %+v", r)
	}
	r = run(t, "", nil, "post", "list", data, "--json")
	if !strings.Contains(r.stdout, `"title": "Hello again"`) || !strings.Contains(r.stdout, `"politics/elections"`) {
		t.Errorf("post edit lost or did not apply fields:\n%s", r.stdout)
	}
}

// A contributor may write drafts but not publish.
func TestContributorCannotPublish(t *testing.T) {
	data, dir := newSite(t)
	run(t, "secret password\n", nil, "user", "add", data, "--email", "c@example.com", "--name", "Cora", "--role", "contributor", "--password-stdin")
	body := writeFile(t, dir, "p.md", []byte("x"))
	r := run(t, "", nil, "post", "add", data, "--title", "Mine", "--file", body, "--author", "c@example.com")
	if r.code != 1 || !strings.Contains(r.stderr, "cannot publish") {
		t.Errorf("contributor publishing = %+v", r)
	}
	if r := run(t, "", nil, "post", "add", data, "--title", "Mine", "--file", body, "--author", "c@example.com", "--status", "pending"); r.code != 0 {
		t.Errorf("contributor submitting for review = %+v", r)
	}
}

// Bad input gets one clear sentence and a non-zero exit, and writes nothing.
func TestBadInput(t *testing.T) {
	data, dir := newSite(t)
	body := writeFile(t, dir, "post.md", []byte("Body"))
	latin1 := writeFile(t, dir, "latin1.md", []byte("Caf\xe9 cr\xe8me"))
	notDB := writeFile(t, dir, "corrupt.db", bytes.Repeat([]byte("this is not a database "), 400))
	aFile := writeFile(t, dir, "plain-file", []byte("x"))
	tests := []struct {
		name  string
		stdin string
		args  []string
		code  int
		want  string
	}{
		{"no command", "", nil, 2, ""},
		{"unknown command", "", []string{"frobnicate"}, 2, `"frobnicate" is not a command`},
		{"unknown flag", "", []string{"serve", "--port", "80"}, 2, "flag provided but not defined: -port"},
		{"stray argument", "", []string{"user", "list", data, "extra"}, 2, `unexpected argument "extra"`},
		{"unknown user verb", "", []string{"user", "delete"}, 2, `"delete" is not a subcommand`},
		{"bad role", "pw12345678\n", []string{"user", "add", data, "--email", "x@example.com", "--name", "X", "--role", "king", "--password-stdin"}, 1, `"king" is not a role`},
		{"missing role", "pw12345678\n", []string{"user", "add", data, "--email", "x@example.com", "--name", "X", "--password-stdin"}, 1, "--role is required"},
		{"bad email", "pw12345678\n", []string{"user", "add", data, "--email", "not-an-email", "--name", "X", "--role", "author", "--password-stdin"}, 1, `"not-an-email" is not a valid email address`},
		{"duplicate email", "pw12345678\n", []string{"user", "add", data, "--email", "ANN@example.com", "--name", "X", "--role", "author", "--password-stdin"}, 1, "a user with the email ann@example.com exists already"},
		{"no password", "", []string{"user", "add", data, "--email", "x@example.com", "--name", "X", "--role", "author"}, 1, "--password-stdin"},
		{"short password", "short\n", []string{"user", "add", data, "--email", "x@example.com", "--name", "X", "--role", "author", "--password-stdin"}, 1, "at least 8 characters"},
		{"post without file", "", []string{"post", "add", data, "--title", "T"}, 1, "--file is required"},
		{"missing file", "", []string{"post", "add", data, "--title", "T", "--file", filepath.Join(dir, "nope.md")}, 1, "cannot read the post file"},
		{"not UTF-8", "", []string{"post", "add", data, "--title", "T", "--file", latin1}, 1, "is not UTF-8 text"},
		{"bad date", "", []string{"post", "add", data, "--title", "T", "--file", body, "--date", "17/05/2024"}, 1, `--date "17/05/2024" is not an RFC 3339 date`},
		{"bad status", "", []string{"post", "add", data, "--title", "T", "--file", body, "--status", "live"}, 1, `"live" is not a post status`},
		{"bad slug", "", []string{"post", "add", data, "--title", "T", "--file", body, "--slug", "Hello World"}, 1, `"Hello World" is not a valid slug`},
		{"reserved slug", "", []string{"post", "add", data, "--title", "T", "--file", body, "--slug", "feed"}, 1, "Salon uses that URL itself"},
		{"empty title", "", []string{"post", "add", data, "--title", " ", "--file", body}, 1, "a title is required"},
		{"unknown author", "", []string{"post", "add", data, "--title", "T", "--file", body, "--author", "who@example.com"}, 1, "no user with the email who@example.com"},
		{"future without date", "", []string{"post", "add", data, "--title", "T", "--file", body, "--status", "future"}, 1, "needs a date in the future"},
		{"bad tag", "", []string{"post", "add", data, "--title", "T", "--file", body, "--tags", "ok,!!!"}, 1, `tag "!!!"`},
		{"bad category", "", []string{"post", "add", data, "--title", "T", "--file", body, "--category", "A//B"}, 1, `category "A//B"`},
		{"edit unknown post", "", []string{"post", "edit", "99", data, "--title", "T"}, 1, "there is no post 99"},
		{"edit without id", "", []string{"post", "edit", "--title", "T"}, 2, "the post's ID comes first"},
		{"corrupt database", "", []string{"post", "list", "--db", notDB}, 1, "is not a SQLite database, or it is corrupt"},
		{"data dir is a file", "", []string{"post", "list", "--data", aFile}, 1, "cannot create the data directory"},
		{"database folder missing", "", []string{"post", "list", "--db", filepath.Join(dir, "no", "such", "x.db")}, 1, "does not exist"},
		{"unknown setting", "", []string{"settings", "set", data, "colour", "red"}, 1, `"colour" is not a setting`},
		{"bad setting", "", []string{"settings", "set", data, "timezone", "Mars/Olympus"}, 1, `"Mars/Olympus" is not a time zone`},
		{"bad log format", "", []string{"serve", data, "--log-format", "xml"}, 1, "use text or json"},
		{"bad proxies", "", []string{"serve", data, "--trusted-proxies", "10.0.0.0/8,bogus"}, 1, `"bogus" is not an address`},
	}
	for _, tt := range tests {
		r := run(t, tt.stdin, nil, tt.args...)
		if r.code != tt.code || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("%s: exit %d, stderr %q; want exit %d and %q", tt.name, r.code, r.stderr, tt.code, tt.want)
		}
		if tt.code == 1 && strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
			t.Errorf("%s: error is more than one line: %q", tt.name, r.stderr)
		}
	}
	// Nothing was half-written: the site still has only its administrator and no posts.
	if r := run(t, "", nil, "post", "list", data, "--json"); strings.TrimSpace(r.stdout) != "[]" {
		t.Errorf("failed commands left posts behind: %s", r.stdout)
	}
	if r := run(t, "", nil, "user", "list", data, "--json"); strings.Count(r.stdout, `"email"`) != 1 {
		t.Errorf("failed commands left users behind: %s", r.stdout)
	}
}

func TestDuplicateSlug(t *testing.T) {
	data, dir := newSite(t)
	body := writeFile(t, dir, "post.md", []byte("Body"))
	if r := run(t, "", nil, "post", "add", data, "--title", "One", "--file", body, "--slug", "same"); r.code != 0 {
		t.Fatal(r)
	}
	r := run(t, "", nil, "post", "add", data, "--title", "Two", "--file", body, "--slug", "same", "--tags", "new-tag", "--category", "New")
	if r.code != 1 || !strings.Contains(r.stderr, `the slug "same" is already used by post 1`) {
		t.Errorf("duplicate slug = %+v", r)
	}
	if r := run(t, "", nil, "post", "list", data, "--json"); strings.Count(r.stdout, `"id"`) != 1 {
		t.Errorf("a refused post was stored: %s", r.stdout)
	}
}

func TestEnvironmentVariables(t *testing.T) {
	dir := t.TempDir()
	env := []string{"SALON_DATA=" + filepath.Join(dir, "from-env")}
	if r := run(t, "pw12345678\n", env, "user", "add", "--email", "e@example.com", "--name", "E", "--role", "admin", "--password-stdin"); r.code != 0 {
		t.Fatal(r)
	}
	if _, err := os.Stat(filepath.Join(dir, "from-env", "salon.db")); err != nil {
		t.Errorf("SALON_DATA was not used: %v", err)
	}
	db := filepath.Join(dir, "other.db")
	if r := run(t, "pw12345678\n", []string{"SALON_DB=" + db}, "user", "add", "--email", "e@example.com", "--name", "E", "--role", "admin", "--password-stdin"); r.code != 0 {
		t.Fatal(r)
	}
	if _, err := os.Stat(db); err != nil {
		t.Errorf("SALON_DB was not used: %v", err)
	}
}

func TestSettingsAndMigrate(t *testing.T) {
	data, _ := newSite(t)
	if r := run(t, "", nil, "migrate", data); r.code != 0 || r.stdout != "The database is up to date.\n" {
		t.Errorf("migrate on a migrated database = %+v", r)
	}
	fresh := "--data=" + filepath.Join(t.TempDir(), "fresh")
	if r := run(t, "", nil, "migrate", fresh); r.code != 0 || !strings.HasPrefix(r.stdout, "Applied migration 00001.") {
		t.Errorf("migrate on an empty database = %+v", r)
	}
	if r := run(t, "", nil, "settings", "set", data, "permalink", "name"); r.code != 0 {
		t.Fatal(r)
	}
	r := run(t, "", nil, "settings", data, "--json")
	var s map[string]string
	if err := json.Unmarshal([]byte(r.stdout), &s); err != nil {
		t.Fatal(err)
	}
	if s["permalink"] != "name" || s["title"] != "My Salon" || s["posts_per_page"] != "10" {
		t.Errorf("settings --json = %v", s)
	}
}

func TestUserResetLink(t *testing.T) {
	data, _ := newSite(t)
	r := run(t, "", nil, "user", "reset-link", data, "ann@example.com")
	if r.code != 0 || !regexp.MustCompile(`^http://127\.0\.0\.1:8080/admin/reset/[A-Za-z0-9_-]{43}/\n`).MatchString(r.stdout) {
		t.Errorf("reset-link = %+v", r)
	}
	if r := run(t, "", nil, "user", "reset-link", data, "--base", "https://blog.example/", "ann@example.com"); !strings.HasPrefix(r.stdout, "https://blog.example/admin/reset/") {
		t.Errorf("reset-link --base = %q", r.stdout)
	}
	if r := run(t, "", nil, "user", "reset-link", data, "nobody@example.com"); r.code != 1 || !strings.Contains(r.stderr, "no user with the email nobody@example.com") {
		t.Errorf("reset-link for an unknown user = %+v", r)
	}
}

// post edit without a field to change is refused, and leaves the post as it was (modified time included).
func TestPostEditNothingToChange(t *testing.T) {
	data, dir := newSite(t)
	body := writeFile(t, dir, "post.md", []byte("Body"))
	if r := run(t, "", nil, "post", "add", data, "--title", "Kept", "--file", body); r.code != 0 {
		t.Fatal(r)
	}
	before := run(t, "", nil, "post", "list", data, "--json").stdout
	for _, args := range [][]string{
		{"post", "edit", "1", data},
		{"post", "edit", "1", "--db", filepath.Join(dir, "data", "salon.db")},
	} {
		r := run(t, "", nil, args...)
		if want := "salon: nothing to change: give at least one flag (see salon post edit -h)\n"; r.code != 1 || r.stderr != want || r.stdout != "" {
			t.Errorf("salon %s = %+v; want exit 1 and %q", strings.Join(args, " "), r, want)
		}
	}
	if diff := cmp.Diff(before, run(t, "", nil, "post", "list", data, "--json").stdout); diff != "" {
		t.Errorf("a refused edit changed the post (-before +after):\n%s", diff)
	}
}

// --base and --site take only an absolute http or https address; without them or the url setting, the address
// assumed is named on stderr.
func TestSiteAddressFlags(t *testing.T) {
	data, _ := newSite(t)
	for _, tt := range []struct {
		flag, value string
	}{
		{"--site", "notaurl"},
		{"--site", "example.com"},
		{"--site", "/blog"},
		{"--site", "https://"},
		{"--site", "ftp://example.com"},
		{"--base", "notaurl"},
		{"--base", "127.0.0.1:8080"},
		{"--base", "mailto:ann@example.com"},
	} {
		args := []string{"export", "wordpress", data, tt.flag, tt.value}
		if tt.flag == "--base" {
			args = []string{"user", "reset-link", data, tt.flag, tt.value, "ann@example.com"}
		}
		r := run(t, "", nil, args...)
		want := "salon: " + tt.flag + " " + `"` + tt.value + `" is not a site address: give an absolute http or https URL such as https://example.com` + "\n"
		if r.code != 1 || r.stdout != "" || r.stderr != want {
			t.Errorf("salon %s = exit %d, stdout %q, stderr %q; want exit 1 and %q", strings.Join(args, " "), r.code, r.stdout, r.stderr, want)
		}
	}

	for _, tt := range []struct {
		name    string
		url     string // the url setting
		args    []string
		link    string // in stdout
		warning string // on stderr, "" for none
	}{
		{"reset-link, nothing set", "", []string{"user", "reset-link", data, "ann@example.com"}, "http://127.0.0.1:8080/admin/reset/",
			"salon: warning: the site's url setting is empty, so links use http://127.0.0.1:8080; give --base URL, or set it with: salon settings set url https://…\n"},
		{"reset-link --base", "", []string{"user", "reset-link", data, "--base", "https://blog.example/", "ann@example.com"}, "https://blog.example/admin/reset/", ""},
		{"export, nothing set", "", []string{"export", "wordpress", data}, "<link>http://localhost:8080</link>",
			"salon: warning: the site's url setting is empty, so links use http://localhost:8080; give --site URL, or set it with: salon settings set url https://…\n"},
		{"export --site", "", []string{"export", "wordpress", data, "--site", "https://moved.example/blog/"}, "<link>https://moved.example/blog</link>", ""},
		{"reset-link, url set", "https://set.example", []string{"user", "reset-link", data, "ann@example.com"}, "https://set.example/admin/reset/", ""},
		{"export, url set", "https://set.example", []string{"export", "wordpress", data}, "<link>https://set.example</link>", ""},
	} {
		if r := run(t, "", nil, "settings", "set", data, "url", tt.url); r.code != 0 {
			t.Fatal(r)
		}
		r := run(t, "", nil, tt.args...)
		if r.code != 0 || !strings.Contains(r.stdout, tt.link) || r.stderr != tt.warning {
			t.Errorf("%s: exit %d, stderr %q, stdout:\n%s\nwant exit 0, %q in stdout and stderr %q", tt.name, r.code, r.stderr, r.stdout, tt.link, tt.warning)
		}
	}
}
