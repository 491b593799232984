-- +goose Up
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT      NOT NULL UNIQUE,
    name          TEXT      NOT NULL,
    slug          TEXT      NOT NULL UNIQUE,
    role          TEXT      NOT NULL CHECK (role IN ('admin', 'editor', 'author', 'contributor')),
    password_hash TEXT      NOT NULL,
    created_at    TIMESTAMP NOT NULL
);

CREATE TABLE posts (
    id            INTEGER PRIMARY KEY,
    type          TEXT      NOT NULL CHECK (type IN ('post', 'page')),
    title         TEXT      NOT NULL,
    slug          TEXT      NOT NULL UNIQUE,
    body          TEXT      NOT NULL,
    html          TEXT      NOT NULL,
    summary       TEXT      NOT NULL DEFAULT '',
    excerpt       TEXT      NOT NULL DEFAULT '',
    status        TEXT      NOT NULL CHECK (status IN ('draft', 'pending', 'future', 'publish', 'private')),
    published_at  TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    author_id     INTEGER   NOT NULL REFERENCES users (id),
    comments_open BOOLEAN   NOT NULL DEFAULT TRUE,
    comment_count INTEGER   NOT NULL DEFAULT 0,
    sticky        BOOLEAN   NOT NULL DEFAULT FALSE
);
CREATE INDEX posts_by_date ON posts (type, status, published_at);
CREATE INDEX posts_by_author ON posts (author_id, published_at);

-- A post's earlier slugs, so that its old URLs answer with a redirect after a rename.
CREATE TABLE post_old_slugs (
    slug    TEXT    PRIMARY KEY,
    post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE
);

CREATE TABLE terms (
    id        INTEGER PRIMARY KEY,
    taxonomy  TEXT    NOT NULL CHECK (taxonomy IN ('category', 'tag')),
    name      TEXT    NOT NULL,
    slug      TEXT    NOT NULL,
    parent_id INTEGER REFERENCES terms (id),
    UNIQUE (taxonomy, slug)
);

CREATE TABLE post_terms (
    post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    term_id INTEGER NOT NULL REFERENCES terms (id) ON DELETE CASCADE,
    PRIMARY KEY (post_id, term_id)
);
CREATE INDEX post_terms_by_term ON post_terms (term_id, post_id);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- +goose Down
DROP TABLE settings;
DROP TABLE post_terms;
DROP TABLE terms;
DROP TABLE post_old_slugs;
DROP TABLE posts;
DROP TABLE users;
