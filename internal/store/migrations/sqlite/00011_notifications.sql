-- +goose Up
-- Readers who asked to hear about a post's discussion by email. A subscription is pending until its address is
-- confirmed by the link in a first email (double opt-in); mode is 'replies' (answers to the reader's own comments)
-- or 'all' (every approved comment on the post).
CREATE TABLE subscriptions (
    id           INTEGER PRIMARY KEY,
    post_id      INTEGER    NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    email        TEXT      NOT NULL,
    mode         TEXT      NOT NULL CHECK (mode IN ('replies', 'all')),
    status       TEXT      NOT NULL CHECK (status IN ('pending', 'active')),
    created_at   TIMESTAMP NOT NULL,
    confirmed_at TIMESTAMP,
    UNIQUE (post_id, email)
);
CREATE INDEX subscriptions_by_email ON subscriptions (email);

-- One row per recipient and thread (post): when the last email went out, and whether a digest job is queued. The
-- row is locked while deciding, so that a comment that arrives while a digest is being sent is never lost.
CREATE TABLE notify_threads (
    email        TEXT      NOT NULL,
    post_id      INTEGER    NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    last_sent_at TIMESTAMP,
    queued       BOOLEAN   NOT NULL DEFAULT FALSE,
    PRIMARY KEY (email, post_id)
);

-- Approved comments waiting to go to a subscriber in the next email of their thread.
CREATE TABLE notify_pending (
    email      TEXT      NOT NULL,
    post_id    INTEGER    NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    comment_id INTEGER    NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (email, comment_id)
);
CREATE INDEX notify_pending_by_thread ON notify_pending (email, post_id);

-- Scheduled posts whose moment came, as the publication job recorded it.
CREATE TABLE post_publications (
    post_id      INTEGER    PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE,
    published_at TIMESTAMP NOT NULL,
    recorded_at  TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE post_publications;
DROP TABLE notify_pending;
DROP TABLE notify_threads;
DROP TABLE subscriptions;
