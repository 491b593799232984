-- +goose Up
-- The rate limits read a network's newest comments with the address each came from, in one query
-- (RecentNetworkComments): the index holds the address too, so that the query never touches the comments' rows.
CREATE INDEX comments_sent_by_net ON comments (author_net, created_at, author_ip);
DROP INDEX comments_by_net;

-- +goose Down
CREATE INDEX comments_by_net ON comments (author_net, created_at);
DROP INDEX comments_sent_by_net;
