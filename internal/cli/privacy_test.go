package cli_test

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestPrivacyExportAndErase(t *testing.T) {
	data := newDiscussion(t)
	r := run(t, "", nil, "privacy", "export", data, "--email", "Alice@Example.com")
	var export struct {
		Email    string `json:"email"`
		Comments []struct {
			ID        int64  `json:"id"`
			PostTitle string `json:"post_title"`
			PostURL   string `json:"post_url"`
			Status    string `json:"status"`
			Website   string `json:"website"`
			IP        string `json:"ip"`
			Text      string `json:"text"`
		} `json:"comments"`
		Subscriptions []any `json:"subscriptions"`
		Account       any   `json:"account"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &export); err != nil || r.code != 0 {
		t.Fatalf("privacy export = %d %q %q, %v", r.code, r.stdout, r.stderr, err)
	}
	if len(export.Comments) != 1 || export.Email != "alice@example.com" || export.Subscriptions == nil || export.Account != nil {
		t.Fatalf("export = %+v", export)
	}
	if want := "Exported 1 comment and 0 subscriptions of alice@example.com.\n"; !strings.Contains(r.stderr, want) {
		t.Errorf("privacy export says %q; want %q", r.stderr, want)
	}
	c := export.Comments[0]
	if c.PostTitle != "First post" || c.PostURL != "/2024/05/17/first-post/" || c.Status != "pending" || c.IP != "192.0.2.1" ||
		c.Website != "https://example.com" || c.Text != aliceSays {
		t.Errorf("exported comment = %+v", c)
	}
	if r := run(t, "", nil, "privacy", "export", data, "--email", "ann@example.com"); !strings.Contains(r.stdout, `"role": "admin"`) {
		t.Errorf("an administrator's export does not name the account:\n%s", r.stdout)
	}

	if r := run(t, "", nil, "privacy", "erase", data); r.code != 1 || !strings.Contains(r.stderr, "--email is required") {
		t.Errorf("privacy erase without --email = %+v", r)
	}
	r = run(t, "", nil, "privacy", "erase", data, "--email", "alice@example.com")
	if r.code != 0 || r.stdout != "Erased alice@example.com: 1 comment anonymised, 0 subscriptions deleted.\n" {
		t.Fatalf("privacy erase = %+v", r)
	}
	r = run(t, "", nil, "comment", "list", data, "--json")
	if strings.Contains(r.stdout, "alice@example.com") || strings.Contains(r.stdout, "192.0.2.1\"") || !strings.Contains(r.stdout, "Anonymous") ||
		!strings.Contains(r.stdout, "Hello from Alice.") {
		t.Errorf("after erasure, comment list shows:\n%s", r.stdout)
	}
	r = run(t, "", nil, "privacy", "erase", data, "--email", "bob@example.com", "--delete-comments")
	if r.code != 0 || r.stdout != "Erased bob@example.com: 1 comment deleted, 0 subscriptions deleted.\n" {
		t.Fatalf("privacy erase --delete-comments = %+v", r)
	}
	if r := run(t, "", nil, "comment", "list", data); strings.Contains(r.stdout, "Bob here") {
		t.Errorf("the deleted comment is still listed:\n%s", r.stdout)
	}
	if r := run(t, "", nil, "privacy", "erase", "-h"); !strings.Contains(r.stdout, "anonymised") || !strings.Contains(r.stdout, "--delete-comments") {
		t.Errorf("privacy erase -h does not explain itself:\n%s", r.stdout)
	}
}
