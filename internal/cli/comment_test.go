package cli_test

import (
	"encoding/json"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/comment"
	"github.com/salon-blog/salon/internal/post"
	"github.com/salon-blog/salon/internal/store"
)

const aliceSays = "Hello from Alice.\nThis comment is long enough that the table cuts it off before its end, surely."

// newDiscussion is newSite with two posts and five comments, submitted through the comment workflow with a clock
// that moves 20 seconds between them:
//
//	1  Alice  on post 1  pending (a first comment)
//	2  Bob    on post 2  pending
//	3  Carol  on post 1  spam (a disallowed word)
//	4  Ann    on post 1  approved (the signed-in administrator)
//	5  Dave   on post 1  pending, a reply to 4
func newDiscussion(t *testing.T) (data string) {
	t.Helper()
	data, dir := newSite(t)
	ctx := t.Context()
	st, err := store.Open(ctx, filepath.Join(dir, "data", store.DefaultDatabaseFile))
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
	}()
	now := time.Date(2024, 5, 17, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	writer := &post.Writer{Store: st, Now: clock}
	var posts []blog.Post
	for _, title := range []string{"First post", "Second post"} {
		p, err := writer.Create(ctx, post.Draft{Title: title, Body: "Text.", Date: now.Add(-time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		posts = append(posts, p)
	}
	admin, err := st.UserByEmail(ctx, "ann@example.com")
	if err != nil {
		t.Fatal(err)
	}
	rules := blog.DefaultSettings().Discussion
	rules.DisallowedWords = []string{"casino"}
	w := &comment.Workflow{Store: st, Now: clock}
	for i, sub := range []comment.Submission{
		{Input: blog.CommentInput{Name: "Alice", Email: "alice@example.com", URL: "example.com", Body: aliceSays}, Post: posts[0], IP: "192.0.2.1"},
		{Input: blog.CommentInput{Name: "Bob", Email: "bob@example.com", Body: "Bob here."}, Post: posts[1], IP: "192.0.2.2"},
		{Input: blog.CommentInput{Name: "Carol", Email: "carol@example.com", Body: "Win at the casino!"}, Post: posts[0], IP: "192.0.2.3"},
		{Post: posts[0], Input: blog.CommentInput{Body: "Thanks, all."}, User: &admin},
		{Input: blog.CommentInput{ParentID: 4, Name: "Dave", Email: "dave@example.com", Body: "You're welcome."}, Post: posts[0], IP: "192.0.2.4"},
	} {
		sub.Input.PostID = sub.Post.ID
		c, err := w.Submit(ctx, sub, rules)
		if err != nil {
			t.Fatalf("submit comment %d: %v", i+1, err)
		}
		if c.ID != int64(i+1) {
			t.Fatalf("comment %d was stored as %d", i+1, c.ID)
		}
		now = now.Add(20 * time.Second)
	}
	return data
}

// statuses returns each comment's status, as `comment list --json` shows it.
func statuses(t *testing.T, data string) map[int64]string {
	t.Helper()
	r := run(t, "", nil, "comment", "list", data, "--json")
	var list []struct {
		ID     int64  `json:"id"`
		Status string `json:"status"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil {
		t.Fatalf("comment list --json: %v\n%+v", err, r)
	}
	m := map[int64]string{}
	for _, c := range list {
		m[c.ID] = c.Status
	}
	return m
}

// commentCounts returns each post's comment_count, as `post list --json` shows it.
func commentCounts(t *testing.T, data string) map[int64]int {
	t.Helper()
	r := run(t, "", nil, "post", "list", data, "--json")
	var list []struct {
		ID    int64 `json:"id"`
		Count int   `json:"comment_count"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil {
		t.Fatalf("post list --json: %v\n%+v", err, r)
	}
	m := map[int64]int{}
	for _, p := range list {
		m[p.ID] = p.Count
	}
	return m
}

// listedIDs runs `comment list` with args and returns the IDs in the table's first column.
func listedIDs(t *testing.T, data string, args ...string) string {
	t.Helper()
	r := run(t, "", nil, append([]string{"comment", "list", data}, args...)...)
	if r.code != 0 {
		t.Fatalf("comment list %v = %+v", args, r)
	}
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if got, want := strings.Fields(lines[0]), []string{"ID", "STATUS", "POST", "DATE", "AUTHOR", "EMAIL", "EXCERPT"}; !slices.Equal(got, want) {
		t.Errorf("comment list %v header = %q; want the columns %v", args, lines[0], want)
	}
	var ids []string
	for _, l := range lines[1:] {
		ids = append(ids, strings.Fields(l)[0])
	}
	return strings.Join(ids, " ")
}

func TestCommentList(t *testing.T) {
	data := newDiscussion(t)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{nil, "5 4 3 2 1"},
		{[]string{"--status", "pending"}, "5 2 1"},
		{[]string{"--status", "approved"}, "4"},
		{[]string{"--status", "spam"}, "3"},
		{[]string{"--status", "trash"}, ""},
		{[]string{"--post", "2"}, "2"},
		{[]string{"--post", "1", "--status", "pending"}, "5 1"},
	} {
		if got := listedIDs(t, data, tt.args...); got != tt.want {
			t.Errorf("comment list %v = IDs %q; want %q", tt.args, got, tt.want)
		}
	}

	r := run(t, "", nil, "comment", "list", data, "--status", "pending")
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("comment list --status pending has %d lines; want a header and 3 rows:\n%s", len(lines), r.stdout)
	}
	alice := lines[3]
	want := []string{"1", "pending", "1", "2024-05-17", "10:00", "Alice", "alice@example.com", "Hello", "from", "Alice.", "This"}
	if got := strings.Fields(alice); len(got) < len(want) || !slices.Equal(got[:len(want)], want) {
		t.Errorf("Alice's row = %q; want it to begin with %q", alice, want)
	}
	excerpt := alice[strings.Index(alice, "Hello"):]
	if n := utf8.RuneCountInString(excerpt); n > 60 || !strings.HasSuffix(excerpt, "…") || strings.Contains(excerpt, "surely") {
		t.Errorf("Alice's excerpt %q (%d characters); want at most 60, cut with an ellipsis", excerpt, n)
	}
}

// TestCommentListControlCharacters: a comment cannot write terminal escape sequences or extra lines into the
// moderator's table.
func TestCommentListControlCharacters(t *testing.T) {
	data, dir := newSite(t)
	ctx := t.Context()
	st, err := store.Open(ctx, filepath.Join(dir, "data", store.DefaultDatabaseFile))
	if err != nil {
		t.Fatal(err)
	}
	p, err := (&post.Writer{Store: st, Now: st.Now}).Create(ctx, post.Draft{Title: "P", Body: "x"})
	if err != nil {
		t.Fatal(err)
	}
	c := blog.Comment{PostID: p.ID, AuthorName: "Eve\x1b[2J\nFake row", AuthorEmail: "eve@example.com",
		Body: "Hi\x1b]0;owned\x07\r\n\tthere", HTML: "x", Status: blog.CommentPending, Created: st.Now()}
	if err := st.CreateComment(ctx, &c); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	r := run(t, "", nil, "comment", "list", data)
	if strings.ContainsAny(r.stdout, "\x1b\x07\r\t") || strings.Count(r.stdout, "\n") != 2 {
		t.Errorf("comment list printed control characters or extra lines: %q", r.stdout)
	}
	if !strings.Contains(r.stdout, "Eve [2J Fake row") || !strings.Contains(r.stdout, "Hi ]0;owned there") {
		t.Errorf("comment list = %q; want the text with its control characters as spaces", r.stdout)
	}
	// JSON is for scripts: it keeps the text exactly, escaped.
	r = run(t, "", nil, "comment", "list", data, "--json")
	if !strings.Contains(r.stdout, `"content": "Hi\u001b]0;owned\u0007\r\n\tthere"`) {
		t.Errorf("comment list --json = %s; want the raw content", r.stdout)
	}
}

func TestCommentListJSON(t *testing.T) {
	data := newDiscussion(t)
	r := run(t, "", nil, "comment", "list", data, "--json")
	var list []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil {
		t.Fatalf("comment list --json is not a JSON array: %v\n%s", err, r.stdout)
	}
	if len(list) != 5 {
		t.Fatalf("comment list --json has %d comments; want 5", len(list))
	}
	fields := []string{"author", "content", "date", "email", "id", "ip", "moderation", "parent_id", "post_id", "post_path",
		"post_title", "status", "url"}
	for _, c := range list {
		if got := slices.Sorted(maps.Keys(c)); !slices.Equal(got, fields) {
			t.Errorf("comment %v has the fields %v; want exactly %v", c["id"], got, fields)
		}
	}
	want := map[string]any{
		"id": 1.0, "post_id": 1.0, "parent_id": 0.0, "status": "pending", "author": "Alice", "email": "alice@example.com",
		"url": "https://example.com", "ip": "192.0.2.1", "date": "2024-05-17T10:00:00Z", "content": aliceSays,
		"moderation": "held: first comment from this email address", "post_title": "First post",
		"post_path": "/2024/05/17/first-post/",
	}
	if diff := cmp.Diff(want, list[4]); diff != "" {
		t.Errorf("comment list --json, comment 1 (-want +got):\n%s", diff)
	}
	for i, id := range []float64{5, 4, 3, 2, 1} {
		if list[i]["id"] != id {
			t.Errorf("comment list --json item %d is comment %v; want %v (newest first)", i, list[i]["id"], id)
		}
	}
	if dave := list[0]; dave["parent_id"] != 4.0 || dave["date"] != "2024-05-17T10:01:20Z" {
		t.Errorf("comment 5 = %v; want parent_id 4, date 2024-05-17T10:01:20Z", dave)
	}
	if ann := list[1]; ann["author"] != "Ann Writer" || ann["email"] != "ann@example.com" || ann["ip"] != "" || ann["status"] != "approved" {
		t.Errorf("comment 4 = %v; want the administrator's approved comment", ann)
	}
	if bob := list[3]; bob["post_title"] != "Second post" || bob["post_path"] != "/2024/05/17/second-post/" {
		t.Errorf("comment 2 = %v; want it on the second post", bob)
	}

	// The site's permalink setting shapes post_path.
	if r := run(t, "", nil, "settings", "set", data, "permalink", "name"); r.code != 0 {
		t.Fatal(r)
	}
	r = run(t, "", nil, "comment", "list", data, "--json", "--post", "2")
	if !strings.Contains(r.stdout, `"post_path": "/second-post/"`) {
		t.Errorf("comment list --json after permalink=name:\n%s", r.stdout)
	}
	if r := run(t, "", nil, "comment", "list", data, "--json", "--status", "trash"); r.code != 0 || r.stdout != "[]\n" {
		t.Errorf("comment list --json with nothing to list = %+v; want []", r)
	}
}

func TestCommentModerate(t *testing.T) {
	data := newDiscussion(t)
	steps := []struct {
		args     []string
		out      string
		statuses map[int64]string
		counts   map[int64]int
	}{
		{[]string{"approve", "1", "2"}, "Approved comments 1, 2.\n",
			map[int64]string{1: "approved", 2: "approved", 3: "spam", 4: "approved", 5: "pending"}, map[int64]int{1: 2, 2: 1}},
		{[]string{"unapprove", "2"}, "Unapproved comment 2: pending again.\n",
			map[int64]string{1: "approved", 2: "pending", 3: "spam", 4: "approved", 5: "pending"}, map[int64]int{1: 2, 2: 0}},
		{[]string{"spam", "1"}, "Marked comment 1 as spam.\n",
			map[int64]string{1: "spam", 2: "pending", 3: "spam", 4: "approved", 5: "pending"}, map[int64]int{1: 1, 2: 0}},
		{[]string{"trash", "4", "5", "4"}, "Moved comments 4, 5 to the trash.\n",
			map[int64]string{1: "spam", 2: "pending", 3: "spam", 4: "trash", 5: "trash"}, map[int64]int{1: 0, 2: 0}},
		{[]string{"restore", "4"}, "Restored comment 4 to pending: approve it to publish it.\n",
			map[int64]string{1: "spam", 2: "pending", 3: "spam", 4: "pending", 5: "trash"}, map[int64]int{1: 0, 2: 0}},
		{[]string{"restore", "1", "3", "5"}, "Restored comments 1, 3, 5 to pending: approve them to publish them.\n",
			map[int64]string{1: "pending", 2: "pending", 3: "pending", 4: "pending", 5: "pending"}, map[int64]int{1: 0, 2: 0}},
		// Flags may come after the IDs, and between them.
		{[]string{"approve", "4", data, "5"}, "Approved comments 4, 5.\n",
			map[int64]string{1: "pending", 2: "pending", 3: "pending", 4: "approved", 5: "approved"}, map[int64]int{1: 2, 2: 0}},
	}
	for _, s := range steps {
		r := run(t, "", nil, append([]string{"comment", s.args[0], data}, s.args[1:]...)...)
		if r.code != 0 || r.stdout != s.out || r.stderr != "" {
			t.Fatalf("comment %v = %+v; want %q", s.args, r, s.out)
		}
		if diff := cmp.Diff(s.statuses, statuses(t, data)); diff != "" {
			t.Errorf("after comment %v, statuses (-want +got):\n%s", s.args, diff)
		}
		if diff := cmp.Diff(s.counts, commentCounts(t, data)); diff != "" {
			t.Errorf("after comment %v, comment counts (-want +got):\n%s", s.args, diff)
		}
	}
	if r := run(t, "", nil, "comment", "list", data, "--json", "--status", "approved"); !strings.Contains(r.stdout, `"author": "Dave"`) {
		t.Errorf("an approved comment is not listed as approved:\n%s", r.stdout)
	}
}

// TestCommentModerateBadInput: every refusal is one sentence, and nothing changes.
func TestCommentModerateBadInput(t *testing.T) {
	data := newDiscussion(t)
	before, beforeCounts := statuses(t, data), commentCounts(t, data)
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"approve", data, "1", "x"}, 1, `"x" is not a comment ID`},
		{[]string{"approve", data, "0"}, 1, `"0" is not a comment ID`},
		{[]string{"trash", data, "1", "2.5"}, 1, `"2.5" is not a comment ID`},
		{[]string{"spam", data, "1", ""}, 1, `"" is not a comment ID`},
		{[]string{"spam", data, "99999999999999999999"}, 1, `"99999999999999999999" is not a comment ID`},
		{[]string{"approve", data, "1", "99", "2"}, 1, "there is no comment 99"},
		{[]string{"trash", data, "99"}, 1, "there is no comment 99"},
		{[]string{"restore", data, "3", "99"}, 1, "there is no comment 99"},
		{[]string{"restore", data, "3", "4"}, 1, "comment 4 is approved, not in the trash or spam: there is nothing to restore"},
		{[]string{"approve", data}, 2, "give the IDs of the comments"},
		{[]string{"approve", data, "-3"}, 2, "flag provided but not defined: -3"},
		{[]string{"approve", data, "--status", "approved", "1"}, 2, "flag provided but not defined: -status"},
		{[]string{"delete", data, "1"}, 2, `"delete" is not a subcommand`},
		{nil, 2, "Usage: salon comment approve|list|restore|spam|trash|unapprove"},
		{[]string{"list", data, "--status", "bogus"}, 1, `"bogus" is not a comment status`},
		{[]string{"list", data, "--post", "99"}, 1, "there is no post 99"},
		{[]string{"list", data, "--post", "-1"}, 1, "--post -1 is not a post ID"},
		{[]string{"list", data, "--post", "x"}, 2, `invalid value "x" for flag -post`},
		{[]string{"list", data, "extra"}, 2, `unexpected argument "extra"`},
	}
	for _, tt := range tests {
		r := run(t, "", nil, append([]string{"comment"}, tt.args...)...)
		if r.code != tt.code || !strings.Contains(r.stderr, tt.want) || r.stdout != "" {
			t.Errorf("comment %q: exit %d, stdout %q, stderr %q; want exit %d and %q", tt.args, r.code, r.stdout, r.stderr, tt.code, tt.want)
		}
		if tt.code == 1 && strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
			t.Errorf("comment %q: error is more than one line: %q", tt.args, r.stderr)
		}
	}
	if diff := cmp.Diff(before, statuses(t, data)); diff != "" {
		t.Errorf("refused commands changed statuses (-before +after):\n%s", diff)
	}
	if diff := cmp.Diff(beforeCounts, commentCounts(t, data)); diff != "" {
		t.Errorf("refused commands changed comment counts (-before +after):\n%s", diff)
	}
}

func TestCommentHelp(t *testing.T) {
	r := run(t, "", nil, "help")
	if !strings.Contains(r.stdout, "  comment   list and moderate comments") {
		t.Errorf("help does not list the comment command:\n%s", r.stdout)
	}
	r = run(t, "", nil, "comment", "approve", "-h")
	if r.code != 0 || !strings.Contains(r.stdout, "Usage: salon comment approve ID…") || !strings.Contains(r.stdout, "-data") {
		t.Errorf("comment approve -h = %+v", r)
	}
	r = run(t, "", nil, "comment", "list", "--help")
	if r.code != 0 || !strings.Contains(r.stdout, "--status pending|approved|spam|trash") {
		t.Errorf("comment list --help = %+v", r)
	}
}
