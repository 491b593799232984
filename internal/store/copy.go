package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/salon-blog/salon/internal/blog"
)

// table is how a table is copied between engines: its columns with the Go type each is read into, and which
// column, if any, refers to the same table (written in a second pass, so that rows can arrive in any order).
type table struct {
	name     string
	columns  []string
	kinds    string // one letter a column: i int64, n nullable int64, s string, t time, T nullable time, b bool
	selfRef  string
	identity bool // has an id column whose PostgreSQL sequence must follow the copied ids
}

// siteTables lists every table of a site, parents before children. Short-lived security state (failed sign-ins,
// one-time links) is not copied: a reset link can be asked for again.
var siteTables = []table{
	{name: "users", columns: []string{"id", "email", "name", "slug", "role", "password_hash", "created_at"}, kinds: "issssst", identity: true},
	{name: "posts", columns: []string{"id", "type", "title", "slug", "body", "format", "html", "summary", "excerpt", "status", "published_at",
		"updated_at", "author_id", "comments_open", "comment_count", "sticky", "trashed_at"}, kinds: "isssssssssttibibT", identity: true},
	{name: "post_revisions", columns: []string{"id", "post_id", "user_id", "title", "body", "excerpt", "created_at"}, kinds: "iinssst", identity: true},
	{name: "post_autosaves", columns: []string{"post_id", "user_id", "title", "body", "excerpt", "created_at"}, kinds: "iissst"},
	{name: "post_old_slugs", columns: []string{"slug", "post_id"}, kinds: "si"},
	{name: "terms", columns: []string{"id", "taxonomy", "name", "slug", "parent_id"}, kinds: "isssn", selfRef: "parent_id", identity: true},
	{name: "term_old_slugs", columns: []string{"taxonomy", "slug", "term_id"}, kinds: "ssi"},
	{name: "post_terms", columns: []string{"post_id", "term_id"}, kinds: "ii"},
	{name: "settings", columns: []string{"key", "value"}, kinds: "ss"},
	{name: "comments", columns: []string{"id", "post_id", "parent_id", "author_name", "author_email", "author_url", "author_ip",
		"user_agent", "user_id", "body", "format", "html", "status", "moderation", "created_at", "updated_at", "status_at",
		"author_net", "spam_label"}, kinds: "iinsssssnsssssttt" + "ss", selfRef: "parent_id", identity: true},
	{name: "sessions", columns: []string{"token_hash", "user_id", "created_at", "expires_at"}, kinds: "sitt"},
	{name: "api_tokens", columns: []string{"id", "user_id", "name", "token_hash", "created_at", "last_used_at", "revoked_at"}, kinds: "iisstTT", identity: true},
	{name: "site_keys", columns: []string{"name", "value"}, kinds: "ss"},
	{name: "media", columns: []string{"id", "path", "name", "mime_type", "size", "width", "height", "alt", "caption", "uploader_id", "uploaded_at"},
		kinds: "isssiiissnt", identity: true},
	{name: "imported", columns: []string{"source", "kind", "external_id", "local_id"}, kinds: "sssi"},
	{name: "post_old_paths", columns: []string{"path", "post_id"}, kinds: "si"},
	{name: "media_variants", columns: []string{"media_id", "width", "height", "path", "size"}, kinds: "iiisi"},
	{name: "subscriptions", columns: []string{"id", "post_id", "email", "mode", "status", "created_at", "confirmed_at"}, kinds: "iissstT", identity: true},
	{name: "notify_threads", columns: []string{"email", "post_id", "last_sent_at", "queued"}, kinds: "siTb"},
	{name: "notify_pending", columns: []string{"email", "post_id", "comment_id", "created_at"}, kinds: "siit"},
	{name: "post_publications", columns: []string{"post_id", "published_at", "recorded_at"}, kinds: "itt"},
	{name: "spam_model", columns: []string{"id", "model", "version", "trained_spam", "trained_ham", "updated_at"}, kinds: "isiiit"},
	{name: "blocks", columns: []string{"id", "kind", "value", "reason", "created_by", "created_at", "expires_at"}, kinds: "isssstT", identity: true},
}

// Counts is the number of rows in each table of a site.
type Counts map[string]int

// Counts counts the rows of every table of the site.
func (s *Store) Counts(ctx context.Context) (Counts, error) {
	c := Counts{}
	for _, t := range siteTables {
		var n int
		if err := s.read.QueryRowContext(ctx, `SELECT count(*) FROM `+t.name).Scan(&n); err != nil {
			return nil, fmt.Errorf("count %s: %w", t.name, err)
		}
		c[t.name] = n
	}
	return c, nil
}

// Copy copies a whole site from one database to another (SQLite to PostgreSQL or back), keeping every ID, so that
// threads, permalinks, sessions and signed cookies survive the move. Both stores must be migrated. A target that
// holds any data is refused unless replace is set, in which case its data is deleted first. The copy is one
// transaction on the target: it lands whole or not at all. It ends by comparing the row counts of both sides.
func Copy(ctx context.Context, from, to *Store, replace bool) (_ Counts, err error) {
	existing, err := to.Counts(ctx)
	if err != nil {
		return nil, err
	}
	if n := existing.total(); n > 0 && !replace {
		return nil, blog.Errorf(blog.ECONFLICT, "the target database is not empty (%s); copy into an empty one, or pass --replace to overwrite it", existing)
	}
	src, err := from.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true, Isolation: from.snapshotIsolation()})
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", from.path, err)
	}
	defer func() { err = errors.Join(err, rollback(src)) }() // read-only: nothing to keep
	want := Counts{}
	err = to.inTx(ctx, func(dst *sql.Tx) error {
		for i := len(siteTables) - 1; i >= 0; i-- {
			if _, err := dst.ExecContext(ctx, `DELETE FROM `+siteTables[i].name); err != nil {
				return fmt.Errorf("empty %s: %w", siteTables[i].name, err)
			}
		}
		for _, t := range siteTables {
			n, err := copyTable(ctx, src, dst, t)
			if err != nil {
				return err
			}
			want[t.name] = n
			if t.identity && to.engine == enginePostgres {
				if _, err := dst.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('`+t.name+`', 'id'), COALESCE(max(id), 1), max(id) IS NOT NULL) FROM `+t.name); err != nil {
					return fmt.Errorf("reset the id sequence of %s: %w", t.name, err)
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	got, err := to.Counts(ctx)
	if err != nil {
		return nil, err
	}
	for _, t := range siteTables {
		if got[t.name] != want[t.name] {
			return got, fmt.Errorf("verify copy: %s has %d rows in the target, %d in the source", t.name, got[t.name], want[t.name])
		}
	}
	return got, nil
}

// snapshotIsolation is what lets a copy read one consistent state while the site keeps running: PostgreSQL needs
// REPEATABLE READ for that; a SQLite read transaction is a snapshot already.
func (s *Store) snapshotIsolation() sql.IsolationLevel {
	if s.engine == enginePostgres {
		return sql.LevelRepeatableRead
	}
	return sql.LevelDefault
}

func copyTable(ctx context.Context, src, dst *sql.Tx, t table) (int, error) {
	rows, err := src.QueryContext(ctx, `SELECT `+strings.Join(t.columns, ", ")+` FROM `+t.name)
	if err != nil {
		return 0, fmt.Errorf("read %s: %w", t.name, err)
	}
	defer rows.Close()
	insert := `INSERT INTO ` + t.name + ` (` + strings.Join(t.columns, ", ") + `) VALUES (` + placeholders(1, len(t.columns)) + `)`
	selfRef := -1
	type link struct{ id, ref any }
	var links []link
	n := 0
	for rows.Next() {
		values := make([]any, len(t.columns))
		for i, k := range t.kinds {
			values[i] = newValue(k)
			if t.columns[i] == t.selfRef {
				selfRef = i
			}
		}
		if err := rows.Scan(values...); err != nil {
			return n, fmt.Errorf("read %s: %w", t.name, err)
		}
		args := make([]any, len(values))
		for i, v := range values {
			args[i] = deref(v)
		}
		if selfRef >= 0 {
			if ref := args[selfRef].(sql.NullInt64); ref.Valid {
				links = append(links, link{id: args[0], ref: ref})
			}
			args[selfRef] = sql.NullInt64{}
		}
		if _, err := dst.ExecContext(ctx, insert, args...); err != nil {
			return n, fmt.Errorf("copy %s row %v: %w", t.name, args[0], err)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("read %s: %w", t.name, err)
	}
	for _, l := range links {
		if _, err := dst.ExecContext(ctx, `UPDATE `+t.name+` SET `+t.selfRef+` = $1 WHERE id = $2`, l.ref, l.id); err != nil {
			return n, fmt.Errorf("copy %s row %v: %w", t.name, l.id, err)
		}
	}
	return n, nil
}

func newValue(kind rune) any {
	switch kind {
	case 'i':
		return new(int64)
	case 'n':
		return new(sql.NullInt64)
	case 't':
		return new(time.Time)
	case 'T':
		return new(sql.NullTime)
	case 'b':
		return new(bool)
	}
	return new(string)
}

// deref reads the value a scan wrote, in the form the target stores (times in UTC whole seconds).
func deref(v any) any {
	x := reflect.ValueOf(v).Elem().Interface()
	if t, ok := x.(time.Time); ok {
		return dbTime(t)
	}
	if nt, ok := x.(sql.NullTime); ok && nt.Valid {
		return sql.NullTime{Time: dbTime(nt.Time), Valid: true}
	}
	return x
}

func (c Counts) total() int {
	n := 0
	for _, v := range c {
		n += v
	}
	return n
}

// String lists the non-empty tables, in the order they are copied.
func (c Counts) String() string {
	var parts []string
	for _, t := range siteTables {
		if c[t.name] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c[t.name], strings.ReplaceAll(t.name, "_", " ")))
		}
	}
	if len(parts) == 0 {
		return "empty"
	}
	return strings.Join(parts, ", ")
}
