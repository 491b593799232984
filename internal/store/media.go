package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/media"
)

const mediaColumns = `id, path, name, mime_type, size, width, height, alt, caption, COALESCE(uploader_id, 0), uploaded_at`

func scanMedia(row interface{ Scan(...any) error }) (media.Item, error) {
	var it media.Item
	err := row.Scan(&it.ID, &it.Path, &it.Name, &it.Type, &it.Size, &it.Width, &it.Height, &it.Alt, &it.Caption, &it.Uploader, &it.Uploaded)
	it.Uploaded = it.Uploaded.UTC()
	return it, err
}

// CreateMedia records an uploaded file and its variants, and sets its ID and Uploaded time. A path recorded
// already is a blog.ECONFLICT, to which media.Staged.Save answers with the next free name.
func (s *Store) CreateMedia(ctx context.Context, it *media.Item) error {
	it.Uploaded = s.now()
	uploader := sql.NullInt64{Int64: it.Uploader, Valid: it.Uploader != 0}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO media (path, name, mime_type, size, width, height, alt, caption, uploader_id, uploaded_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
			it.Path, it.Name, it.Type, it.Size, it.Width, it.Height, it.Alt, it.Caption, uploader, it.Uploaded).Scan(&it.ID)
		if isUniqueViolation(err) {
			return blog.Errorf(blog.ECONFLICT, "a media file %s exists already", it.Path)
		}
		if err != nil {
			return fmt.Errorf("record media %s: %w", it.Path, err)
		}
		for _, v := range it.Variants {
			_, err := tx.ExecContext(ctx, `INSERT INTO media_variants (media_id, width, height, path, size) VALUES ($1, $2, $3, $4, $5)`,
				it.ID, v.Width, v.Height, v.Path, v.Size)
			if isUniqueViolation(err) {
				return blog.Errorf(blog.ECONFLICT, "a media file %s exists already", v.Path)
			}
			if err != nil {
				return fmt.Errorf("record media %s: %w", v.Path, err)
			}
		}
		return nil
	})
}

// Media returns one uploaded file with its variants.
func (s *Store) Media(ctx context.Context, id int64) (media.Item, error) {
	return mediaByID(ctx, s.read, id)
}

func mediaByID(ctx context.Context, q querier, id int64) (media.Item, error) {
	it, err := scanMedia(q.QueryRowContext(ctx, `SELECT `+mediaColumns+` FROM media WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return it, blog.Errorf(blog.ENOTFOUND, "there is no media file %d", id)
	}
	if err != nil {
		return it, fmt.Errorf("find media %d: %w", id, err)
	}
	items := []media.Item{it}
	if err := addVariants(ctx, q, items); err != nil {
		return it, err
	}
	return items[0], nil
}

// MediaList returns a page of the media library, newest first, and how many files match the filter.
func (s *Store) MediaList(ctx context.Context, f media.Filter) ([]media.Item, int, error) {
	where, args := "", []any{}
	if f.Search != "" {
		args = append(args, "%"+likeEscaper.Replace(strings.ToLower(f.Search))+"%")
		match := func(col string) string { return "lower(" + col + `) LIKE $1 ESCAPE '\'` }
		where = " WHERE " + match("path") + " OR " + match("name") + " OR " + match("alt") + " OR " + match("caption")
	}
	var total int
	if err := s.read.QueryRowContext(ctx, `SELECT count(*) FROM media`+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count media: %w", err)
	}
	limit := ""
	if f.Limit > 0 {
		limit = fmt.Sprintf(" LIMIT %d OFFSET %d", f.Limit, max(f.Offset, 0))
	}
	rows, err := s.read.QueryContext(ctx, `SELECT `+mediaColumns+` FROM media`+where+` ORDER BY uploaded_at DESC, id DESC`+limit, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("list media: %w", err)
	}
	defer rows.Close()
	var items []media.Item
	for rows.Next() {
		it, err := scanMedia(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("list media: %w", err)
		}
		items = append(items, it)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("list media: %w", err)
	}
	if err := addVariants(ctx, s.read, items); err != nil {
		return nil, 0, err
	}
	return items, total, nil
}

// addVariants loads the variants of the items in one query, narrowest first.
func addVariants(ctx context.Context, q querier, items []media.Item) error {
	if len(items) == 0 {
		return nil
	}
	index := map[int64]int{}
	ids := make([]any, len(items))
	for i, it := range items {
		index[it.ID], ids[i] = i, it.ID
	}
	rows, err := q.QueryContext(ctx, `SELECT media_id, width, height, path, size FROM media_variants WHERE media_id IN (`+
		placeholders(1, len(ids))+`) ORDER BY media_id, width`, ids...)
	if err != nil {
		return fmt.Errorf("list media variants: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var v media.Variant
		if err := rows.Scan(&id, &v.Width, &v.Height, &v.Path, &v.Size); err != nil {
			return fmt.Errorf("list media variants: %w", err)
		}
		items[index[id]].Variants = append(items[index[id]].Variants, v)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("list media variants: %w", err)
	}
	return nil
}

// UpdateMedia changes a file's alt text and caption.
func (s *Store) UpdateMedia(ctx context.Context, id int64, alt, caption string) error {
	res, err := s.write.ExecContext(ctx, `UPDATE media SET alt = $1, caption = $2 WHERE id = $3`, alt, caption, id)
	if err != nil {
		return fmt.Errorf("update media %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("update media %d: %w", id, err)
	} else if n == 0 {
		return blog.Errorf(blog.ENOTFOUND, "there is no media file %d", id)
	}
	return nil
}

// DeleteMedia forgets a file and its variants and returns what it forgot, so that the caller removes the files.
func (s *Store) DeleteMedia(ctx context.Context, id int64) (media.Item, error) {
	var it media.Item
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if it, err = mediaByID(ctx, tx, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM media_variants WHERE media_id = $1`, id); err != nil {
			return fmt.Errorf("delete media %d: %w", id, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM media WHERE id = $1`, id); err != nil {
			return fmt.Errorf("delete media %d: %w", id, err)
		}
		return nil
	})
	return it, err
}
