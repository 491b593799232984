-- +goose Up
-- Uploaded files. path is where the file lives within the media folder ("2024/06/harbour.jpg"), and so its URL
-- under /media/; width and height are as displayed, 0 for a PDF.
CREATE TABLE media (
    id          INTEGER PRIMARY KEY,
    path        TEXT      NOT NULL UNIQUE,
    name        TEXT      NOT NULL,
    mime_type   TEXT      NOT NULL CHECK (mime_type IN ('image/jpeg', 'image/png', 'image/gif', 'image/webp', 'application/pdf')),
    size        INTEGER   NOT NULL,
    width       INTEGER   NOT NULL DEFAULT 0,
    height      INTEGER   NOT NULL DEFAULT 0,
    alt         TEXT      NOT NULL DEFAULT '',
    caption     TEXT      NOT NULL DEFAULT '',
    uploader_id INTEGER   REFERENCES users (id) ON DELETE SET NULL,
    uploaded_at TIMESTAMP NOT NULL
);
CREATE INDEX media_by_date ON media (uploaded_at, id);

-- An image's resized copies, for srcset.
CREATE TABLE media_variants (
    media_id INTEGER NOT NULL REFERENCES media (id) ON DELETE CASCADE,
    width    INTEGER NOT NULL,
    height   INTEGER NOT NULL,
    path     TEXT    NOT NULL UNIQUE,
    size     INTEGER NOT NULL,
    PRIMARY KEY (media_id, width)
);

-- +goose Down
DROP TABLE media_variants;
DROP TABLE media;
