-- +goose Up
-- WordPress's /?p=ID, /?cat=ID and /?author=ID find what an import brought in by the ID it had, from whichever
-- site: without this index, every such request read all of its kind's rows, one per imported post, comment or term.
CREATE INDEX imported_by_external ON imported (kind, external_id, local_id);

-- +goose Down
DROP INDEX imported_by_external;
