-- +goose Up
-- Site search (SearchPosts, internal/store/search.go): every post's title and text as a tsvector, under a GIN
-- index, kept in step with posts by the triggers below, whichever process (or command, or hand-written SQL) writes
-- a post. It holds drafts and trashed posts too: whether a reader may see a post depends on the clock, so the
-- query decides, with the same condition as every public list. Derived state: `salon copy` leaves it out (the
-- copy's inserts index the target's posts).
--
-- It is a table of its own rather than a generated column of posts: a post's row is written again at every
-- approved comment (its count), and the page cache's trigger reads the whole row as JSON at each write
-- (cache_posts_update), which a stored tsvector the size of the text would double. An expression index would
-- spare the row but not the ranking, which would parse the text of every match again.
--
-- The 'simple' configuration: words as written, lower-cased, without stemming or stop words, since a site may be
-- in any language (SQLite's index does the same). Its parser drops HTML tags and entities, so the text is the
-- HTML as it is. The title weighs A, the text D: ts_rank counts a word in the title ten times one in the text.
CREATE TABLE post_search (
    post_id  BIGINT   PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE,
    document tsvector NOT NULL
);
CREATE INDEX post_search_document ON post_search USING gin (document);

-- +goose StatementBegin
CREATE FUNCTION post_search_index() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO post_search (post_id, document)
    VALUES (NEW.id, setweight(to_tsvector('simple', NEW.title), 'A') || setweight(to_tsvector('simple', NEW.html), 'D'))
    ON CONFLICT (post_id) DO UPDATE SET document = excluded.document;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER post_search_insert AFTER INSERT ON posts FOR EACH ROW EXECUTE FUNCTION post_search_index();
-- Only a change of the indexed text: a comment count or a status changing leaves the index alone.
CREATE TRIGGER post_search_update AFTER UPDATE OF title, html ON posts FOR EACH ROW
    WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.html IS DISTINCT FROM NEW.html)
    EXECUTE FUNCTION post_search_index();

-- The posts written before this migration.
INSERT INTO post_search (post_id, document)
SELECT id, setweight(to_tsvector('simple', title), 'A') || setweight(to_tsvector('simple', html), 'D') FROM posts;

-- +goose Down
DROP TRIGGER post_search_update ON posts;
DROP TRIGGER post_search_insert ON posts;
DROP FUNCTION post_search_index();
DROP TABLE post_search;
