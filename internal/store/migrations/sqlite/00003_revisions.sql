-- +goose Up
-- The trash: a trashed post keeps its status, so that restoring it brings back exactly what it was.
ALTER TABLE posts ADD COLUMN trashed_at TIMESTAMP;

-- Every save of a post keeps its text, so that any earlier version can be compared and restored. The latest
-- revision's id is the version an editor starts from: a save from an older one is refused as a conflict.
CREATE TABLE post_revisions (
    id         INTEGER PRIMARY KEY,
    post_id    INTEGER   NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    user_id    INTEGER   REFERENCES users (id) ON DELETE SET NULL,
    title      TEXT      NOT NULL,
    body       TEXT      NOT NULL,
    excerpt    TEXT      NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX post_revisions_by_post ON post_revisions (post_id, id);

-- What the editor saved on its own while someone typed: one per post and user, replaced each time, dropped when
-- that user saves. It never changes the post itself.
CREATE TABLE post_autosaves (
    post_id    INTEGER   NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    user_id    INTEGER   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title      TEXT      NOT NULL,
    body       TEXT      NOT NULL,
    excerpt    TEXT      NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (post_id, user_id)
);

-- Posts written before revisions existed start with their current text as revision one.
INSERT INTO post_revisions (post_id, user_id, title, body, excerpt, created_at)
SELECT id, author_id, title, body, excerpt, updated_at FROM posts ORDER BY id;

-- +goose Down
DROP TABLE post_autosaves;
DROP TABLE post_revisions;
ALTER TABLE posts DROP COLUMN trashed_at;
