-- +goose Up
-- Failed sign-ins, by account and by address, for slowing down and then refusing password guessing. Rows older
-- than a day are purged.
CREATE TABLE login_failures (
    key        TEXT      NOT NULL,
    failed_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_failures_by_key ON login_failures (key, failed_at);

-- One-time links: password resets (user_id set) and the first administrator's setup link (user_id NULL). Only a
-- hash of the token is kept.
CREATE TABLE one_time_links (
    token_hash TEXT      PRIMARY KEY,
    user_id    BIGINT    REFERENCES users (id) ON DELETE CASCADE,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ
);

-- +goose Down
DROP TABLE one_time_links;
DROP TABLE login_failures;
