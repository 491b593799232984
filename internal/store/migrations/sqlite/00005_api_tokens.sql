-- +goose Up
-- Named API tokens. Only a SHA-256 hash of each token is kept, so a copy of the database lets nobody in. A token
-- acts with its user's current role; revoking keeps the row, so that lists still say which token was used when.
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT      NOT NULL,
    token_hash   TEXT      NOT NULL UNIQUE,
    created_at   TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at   TIMESTAMP
);
CREATE INDEX api_tokens_by_user ON api_tokens (user_id, id);

-- +goose Down
DROP TABLE api_tokens;
