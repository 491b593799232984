package cli_test

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/store"
)

// tokenUser asks the site's database whose token secret is.
func tokenUser(t *testing.T, dir, secret string) (blog.User, error) {
	t.Helper()
	st, err := store.Open(t.Context(), filepath.Join(dir, "data", store.DefaultDatabaseFile))
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := st.Close(); err != nil {
			t.Error(err)
		}
	}()
	return st.TokenUser(t.Context(), secret)
}

func TestTokenCreateListRevoke(t *testing.T) {
	data, dir := newSite(t)
	run(t, "another password\n", nil, "user", "add", data, "--email", "bob@example.com", "--name", "Bob", "--role", "author", "--password-stdin")

	r := run(t, "", nil, "token", "create", data, "--user", "ANN@example.com", "--name", "deploy script")
	if r.code != 0 || !regexp.MustCompile(`^salon_[0-9a-f]{64}\n$`).MatchString(r.stdout) {
		t.Fatalf("token create = %+v; want the token alone on stdout", r)
	}
	if !strings.Contains(r.stderr, "it will not be shown again") || !strings.Contains(r.stderr, `"deploy script"`) || !strings.Contains(r.stderr, "ann@example.com") {
		t.Errorf("token create stderr = %q; want it to say the token will not be shown again", r.stderr)
	}
	secret := strings.TrimSpace(r.stdout)
	if u, err := tokenUser(t, dir, secret); err != nil || u.Email != "ann@example.com" || u.Role != blog.RoleAdmin {
		t.Errorf("the token's user = %+v, %v; want Ann, admin", u, err)
	}
	if r := run(t, "", nil, "token", "create", data, "--user", "bob@example.com", "--name", "phone"); r.code != 0 {
		t.Fatalf("second token create = %+v", r)
	}

	list := run(t, "", nil, "token", "list", data)
	if list.code != 0 || !strings.HasPrefix(list.stdout, "ID  USER") || !strings.Contains(list.stdout, "deploy script") ||
		!strings.Contains(list.stdout, "bob@example.com") || strings.Contains(list.stdout, "salon_") {
		t.Errorf("token list = %+v", list)
	}
	r = run(t, "", nil, "token", "list", data, "--json", "--user", "bob@example.com")
	var tokens []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &tokens); err != nil {
		t.Fatalf("token list --json: %v\n%s", err, r.stdout)
	}
	if len(tokens) != 1 || tokens[0]["name"] != "phone" || tokens[0]["user"] != "bob@example.com" || tokens[0]["id"] != 2.0 ||
		tokens[0]["revoked"] != nil || tokens[0]["last_used"] != nil || tokens[0]["created"] == nil {
		t.Errorf("token list --json --user bob = %s", r.stdout)
	}

	r = run(t, "", nil, "token", "revoke", "1", data)
	if r.code != 0 || !strings.Contains(r.stdout, `Revoked API token 1, "deploy script", of ann@example.com`) {
		t.Errorf("token revoke = %+v", r)
	}
	if _, err := tokenUser(t, dir, secret); blog.ErrorCode(err) != blog.ENOTFOUND {
		t.Errorf("a revoked token still works: %v", err)
	}
	if r := run(t, "", nil, "token", "revoke", "1", data); r.code != 0 || !strings.Contains(r.stdout, "already revoked") {
		t.Errorf("revoking twice = %+v", r)
	}
	r = run(t, "", nil, "token", "list", data, "--json")
	if err := json.Unmarshal([]byte(r.stdout), &tokens); err != nil || len(tokens) != 2 || tokens[0]["revoked"] == nil || tokens[1]["revoked"] != nil {
		t.Errorf("token list --json after revoking = %s", r.stdout)
	}
	if table := run(t, "", nil, "token", "list", data); !strings.Contains(table.stdout, "revoked ") {
		t.Errorf("token list does not show the revocation:\n%s", table.stdout)
	}
}

func TestTokenBadInput(t *testing.T) {
	data, _ := newSite(t)
	if r := run(t, "", nil, "token", "create", data, "--user", "ann@example.com", "--name", "ci"); r.code != 0 {
		t.Fatal(r)
	}
	for _, tt := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no verb", []string{"token"}, 2, "Usage: salon token create|list|revoke"},
		{"unknown verb", []string{"token", "delete"}, 2, `"delete" is not a subcommand`},
		{"no user", []string{"token", "create", data, "--name", "x"}, 1, "--user is required"},
		{"unknown user", []string{"token", "create", data, "--user", "who@example.com", "--name", "x"}, 1, "no user with the email who@example.com"},
		{"no name", []string{"token", "create", data, "--user", "ann@example.com"}, 1, "a token needs a name"},
		{"long name", []string{"token", "create", data, "--user", "ann@example.com", "--name", strings.Repeat("n", 101)}, 1, "longer than 100 characters"},
		{"same name", []string{"token", "create", data, "--user", "ann@example.com", "--name", "ci"}, 1, `already has a token named "ci"`},
		{"stray argument", []string{"token", "create", data, "--user", "ann@example.com", "--name", "x", "extra"}, 2, `unexpected argument "extra"`},
		{"list unknown user", []string{"token", "list", data, "--user", "who@example.com"}, 1, "no user with the email"},
		{"revoke without ID", []string{"token", "revoke", data}, 2, "the token's ID comes first"},
		{"revoke not an ID", []string{"token", "revoke", "ci", data}, 1, `"ci" is not a token ID`},
		{"revoke unknown", []string{"token", "revoke", "99", data}, 1, "there is no API token 99"},
	} {
		r := run(t, "", nil, tt.args...)
		if r.code != tt.code || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("%s: exit %d, stderr %q; want exit %d and %q", tt.name, r.code, r.stderr, tt.code, tt.want)
		}
		if r.stdout != "" {
			t.Errorf("%s: printed %q on stdout", tt.name, r.stdout)
		}
	}
	r := run(t, "", nil, "token", "list", data, "--json")
	var tokens []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &tokens); err != nil || len(tokens) != 1 {
		t.Errorf("refused commands left tokens behind: %s", r.stdout)
	}
	if help := run(t, "", nil, "help"); !strings.Contains(help.stdout, "token     create, list and revoke API tokens") {
		t.Errorf("help does not list token:\n%s", help.stdout)
	}
}
