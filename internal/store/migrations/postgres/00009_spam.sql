-- +goose Up
-- The network a comment came from (an IPv4 /24 or IPv6 /64, such as 198.51.100.0/24), written on insert, so that
-- rate limits count a whole network in one indexed query, across every server process.
ALTER TABLE comments ADD COLUMN author_net TEXT NOT NULL DEFAULT '';
CREATE INDEX comments_by_net ON comments (author_net, created_at);

-- What the spam classifier learned from this comment: '' nothing, 'spam' or 'ham'. Training follows moderators'
-- decisions and undoes an earlier one exactly once.
ALTER TABLE comments ADD COLUMN spam_label TEXT NOT NULL DEFAULT '' CHECK (spam_label IN ('', 'spam', 'ham'));

-- The site's learned spam classifier: one row, the model as one base64 blob (spam.Model.MarshalBinary). version
-- goes up with every change, so that a process checks cheaply whether its copy is stale. trained_spam and
-- trained_ham count this site's own moderators' decisions (the starting model's corpus is not counted).
CREATE TABLE spam_model (
    id           BIGINT PRIMARY KEY CHECK (id = 1),
    model        TEXT    NOT NULL,
    version      BIGINT  NOT NULL,
    trained_spam BIGINT  NOT NULL DEFAULT 0,
    trained_ham  BIGINT  NOT NULL DEFAULT 0,
    updated_at   TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE spam_model;
ALTER TABLE comments DROP COLUMN spam_label;
DROP INDEX comments_by_net;
ALTER TABLE comments DROP COLUMN author_net;
