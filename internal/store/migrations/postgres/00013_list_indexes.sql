-- +goose Up
-- The lists readers see (the home page, the feeds, the archives) read their page of IDs from one of these in the
-- list's order and stop after the page, instead of reading and sorting every post. They hold only the posts that
-- may be public (out of the trash, published or scheduled); a query uses them when its WHERE contains this
-- condition word for word, which publicPost (internal/store/posts.go) writes. Each holds every column such a list
-- or its count reads, so that neither touches the posts' rows (SQLite needs trashed_at listed for that).
CREATE INDEX posts_public_by_date ON posts (type, published_at, id, status, trashed_at)
    WHERE trashed_at IS NULL AND status IN ('publish', 'future');
-- The home page: sticky posts first.
CREATE INDEX posts_public_sticky ON posts (type, sticky, published_at, id, status, trashed_at)
    WHERE trashed_at IS NULL AND status IN ('publish', 'future');
-- An author's archive.
CREATE INDEX posts_public_by_author ON posts (author_id, type, published_at, id, status, trashed_at)
    WHERE trashed_at IS NULL AND status IN ('publish', 'future');

-- +goose Down
DROP INDEX posts_public_by_author;
DROP INDEX posts_public_sticky;
DROP INDEX posts_public_by_date;
