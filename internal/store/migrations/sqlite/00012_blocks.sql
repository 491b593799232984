-- +goose Up
-- Commenters a moderator refused: by email address, IP address, network (a CIDR such as 198.51.100.0/24) or
-- domain (of the email address or the website, subdomains included). value is stored in its canonical form
-- (lower case; the address or network as net/netip prints it), so that a submission is checked with equality.
-- A block with an expires_at in the past no longer applies; it stays listed until removed.
CREATE TABLE blocks (
    id         INTEGER PRIMARY KEY,
    kind       TEXT      NOT NULL CHECK (kind IN ('email', 'ip', 'network', 'domain')),
    value      TEXT      NOT NULL,
    reason     TEXT      NOT NULL DEFAULT '',
    created_by TEXT      NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP,
    UNIQUE (kind, value)
);

-- The hourly erasure of old comments' addresses looks for comments older than the retention that still have one.
CREATE INDEX comments_with_ip ON comments (created_at) WHERE author_ip <> '' OR author_net <> '';

-- +goose Down
DROP INDEX comments_with_ip;
DROP TABLE blocks;
