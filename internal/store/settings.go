package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/salon-blog/salon/internal/blog"
)

// Settings returns the site's settings: the defaults, overlaid with what has been stored. A stored value that no
// longer passes validation (set by an older version, or edited by hand) is ignored in favour of the default.
func (s *Store) Settings(ctx context.Context) (blog.Settings, error) {
	return readSettings(ctx, s.read)
}

func readSettings(ctx context.Context, q querier) (blog.Settings, error) {
	st := blog.DefaultSettings()
	rows, err := q.QueryContext(ctx, `SELECT key, value FROM settings`)
	if err != nil {
		return st, fmt.Errorf("read settings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var key, value string
		if err := rows.Scan(&key, &value); err != nil {
			return st, fmt.Errorf("read settings: %w", err)
		}
		setting, err := blog.LookupSetting(key)
		if err != nil {
			continue // a key this version does not know
		}
		if err := setting.Set(&st, value); err != nil {
			continue // the default stands, as documented above
		}
	}
	if err := rows.Err(); err != nil {
		return st, fmt.Errorf("read settings: %w", err)
	}
	return st, nil
}

// SetSetting validates and stores one setting.
func (s *Store) SetSetting(ctx context.Context, key, value string) error {
	return writeSetting(ctx, s.write, key, value)
}

func writeSetting(ctx context.Context, db interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}, key, value string) error {
	setting, err := blog.LookupSetting(key)
	if err != nil {
		return err
	}
	st := blog.DefaultSettings()
	if err := setting.Set(&st, value); err != nil {
		return err
	}
	_, err = db.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, setting.Get(&st))
	if err != nil {
		return fmt.Errorf("set %s: %w", key, err)
	}
	return nil
}
