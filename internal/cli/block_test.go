package cli_test

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestBlockCommands(t *testing.T) {
	data, _ := newSite(t)
	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--email", "Troll@Example.com", "--reason", "insults"}, 0, "Block 1: comments from the email troll@example.com are refused until removed."},
		{[]string{"--network", "198.51.100.7", "--expires", "30d"}, 0, "Block 2: comments from the network 198.51.100.0/24 are refused until "},
		{[]string{"--domain", "spam.example", "--expires", "2999-01-01T00:00:00Z"}, 0, "refused until 2999-01-01 00:00:00 UTC"},
		{[]string{"--ip", "192.0.2.1"}, 0, "Block 4: comments from the ip 192.0.2.1"},
		{[]string{"--email", "troll@example.com"}, 1, "already blocked"},
		{[]string{"--email", "a@example.com", "--ip", "192.0.2.1"}, 1, "exactly one of"},
		{[]string{"--ip", "192.0.2.1/24"}, 1, "is not an IP address"},
		{[]string{"--domain", "d.example", "--expires", "2001-01-01T00:00:00Z"}, 1, "is in the past"},
		{[]string{"--domain", "d.example", "--expires", "soon"}, 1, "give a number of days"},
	} {
		r := run(t, "", nil, append([]string{"block", "add", data}, tt.args...)...)
		if r.code != tt.code || !strings.Contains(r.stdout+r.stderr, tt.want) {
			t.Errorf("block add %v = %d %q %q; want %d and %q", tt.args, r.code, r.stdout, r.stderr, tt.code, tt.want)
		}
	}
	r := run(t, "", nil, "block", "list", data, "--json")
	var blocks []struct {
		ID      int64   `json:"id"`
		Kind    string  `json:"kind"`
		Value   string  `json:"value"`
		Reason  string  `json:"reason"`
		Expires *string `json:"expires"`
		Active  bool    `json:"active"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &blocks); err != nil || len(blocks) != 4 {
		t.Fatalf("block list --json = %q, %v; want 4 blocks", r.stdout, err)
	}
	if b := blocks[3]; b.ID != 1 || b.Kind != "email" || b.Reason != "insults" || b.Expires != nil || !b.Active {
		t.Errorf("the first block = %+v", b)
	}
	if r := run(t, "", nil, "block", "list", data); !strings.Contains(r.stdout, "198.51.100.0/24") || !strings.Contains(r.stdout, "insults") {
		t.Errorf("block list:\n%s", r.stdout)
	}
	if r := run(t, "", nil, "block", "remove", "1", data); r.code != 0 || r.stdout != "Removed block 1.\n" {
		t.Errorf("block remove 1 = %+v", r)
	}
	if r := run(t, "", nil, "block", "remove", "1", data); r.code != 1 || !strings.Contains(r.stderr, "there is no block 1") {
		t.Errorf("block remove 1 again = %+v", r)
	}
}
