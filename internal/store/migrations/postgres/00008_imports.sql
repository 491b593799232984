-- +goose Up
-- Bodies imported from WordPress keep its HTML and are rendered as WordPress renders them.
ALTER TABLE posts ADD COLUMN format TEXT NOT NULL DEFAULT 'markdown' CHECK (format IN ('markdown', 'wordpress'));
ALTER TABLE comments ADD COLUMN format TEXT NOT NULL DEFAULT 'markdown' CHECK (format IN ('markdown', 'wordpress'));

-- What each import brought in, keyed by where it came from (a WordPress site's address, a Disqus forum) and the ID
-- it had there: a second import of the same file recognises its own work, and /?p=ID finds a moved post.
CREATE TABLE imported (
    source      TEXT    NOT NULL,
    kind        TEXT    NOT NULL CHECK (kind IN ('user', 'term', 'post', 'comment', 'thread')),
    external_id TEXT    NOT NULL,
    local_id    BIGINT  NOT NULL,
    PRIMARY KEY (source, kind, external_id)
);
CREATE INDEX imported_by_local ON imported (kind, local_id);

-- Paths a post was published under elsewhere that differ from its permalink here; they answer with a redirect.
CREATE TABLE post_old_paths (
    path    TEXT    PRIMARY KEY,
    post_id BIGINT  NOT NULL REFERENCES posts (id) ON DELETE CASCADE
);
CREATE INDEX post_old_paths_by_post ON post_old_paths (post_id);

-- +goose Down
DROP TABLE post_old_paths;
DROP TABLE imported;
ALTER TABLE comments DROP COLUMN format;
ALTER TABLE posts DROP COLUMN format;
