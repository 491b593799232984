-- +goose Up
CREATE TABLE comments (
    id           INTEGER PRIMARY KEY,
    post_id      INTEGER   NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    parent_id    INTEGER   REFERENCES comments (id) ON DELETE SET NULL,
    author_name  TEXT      NOT NULL,
    author_email TEXT      NOT NULL,
    author_url   TEXT      NOT NULL DEFAULT '',
    author_ip    TEXT      NOT NULL DEFAULT '',
    user_agent   TEXT      NOT NULL DEFAULT '',
    user_id      INTEGER   REFERENCES users (id) ON DELETE SET NULL,
    body         TEXT      NOT NULL,
    html         TEXT      NOT NULL,
    status       TEXT      NOT NULL CHECK (status IN ('pending', 'approved', 'spam', 'trash')),
    moderation   TEXT      NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    status_at    TIMESTAMP NOT NULL
);
-- The thread of a post in one range scan; the queue by status; a commenter's history for the trust and flood rules.
CREATE INDEX comments_thread ON comments (post_id, status, created_at);
CREATE INDEX comments_queue ON comments (status, created_at);
CREATE INDEX comments_by_email ON comments (author_email, created_at);
CREATE INDEX comments_by_ip ON comments (author_ip, created_at);

-- Signed-in sessions. Only a hash of the token is kept, so a copy of the database signs nobody in.
CREATE TABLE sessions (
    token_hash TEXT      PRIMARY KEY,
    user_id    INTEGER   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

-- Secrets the site signs cookies and tokens with, created on first use.
CREATE TABLE site_keys (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- +goose Down
DROP TABLE site_keys;
DROP TABLE sessions;
DROP TABLE comments;
