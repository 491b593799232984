-- +goose Up
-- A category's or tag's earlier slugs, so that its old archive URLs answer with a redirect after a rename.
CREATE TABLE term_old_slugs (
    taxonomy TEXT    NOT NULL CHECK (taxonomy IN ('category', 'tag')),
    slug     TEXT    NOT NULL,
    term_id  BIGINT  NOT NULL REFERENCES terms (id) ON DELETE CASCADE,
    PRIMARY KEY (taxonomy, slug)
);
CREATE INDEX term_old_slugs_by_term ON term_old_slugs (term_id);

-- +goose Down
DROP TABLE term_old_slugs;
