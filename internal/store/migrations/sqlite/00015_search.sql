-- +goose Up
-- Site search (SearchPosts, internal/store/search.go): a full-text index of every post's title and HTML, kept in
-- step with posts by the triggers below, whichever process (or command, or hand-written SQL) writes a post. It
-- holds drafts and trashed posts too: whether a reader may see a post depends on the clock, so the query decides,
-- with the same condition as every public list. It is an external-content table: the text stays in posts alone,
-- and the index is read back from there ('rebuild'), so it is derived state that `salon copy` leaves out.
--
-- Tokens are Unicode letters and digits, case-folded; diacritics are kept ("cafe" does not find "café") because
-- PostgreSQL's 'simple' configuration keeps them, and a site must search alike on either engine. Tags' names and
-- attributes are indexed with the text (SQLite has no way to strip them in a trigger); PostgreSQL's parser drops
-- them. WordPress's own search reads the raw HTML too.
CREATE VIRTUAL TABLE post_search USING fts5 (
    title, html,
    content = 'posts', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 0'
);
-- +goose StatementBegin
CREATE TRIGGER post_search_insert AFTER INSERT ON posts BEGIN
    INSERT INTO post_search (rowid, title, html) VALUES (NEW.id, NEW.title, NEW.html);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER post_search_delete AFTER DELETE ON posts BEGIN
    INSERT INTO post_search (post_search, rowid, title, html) VALUES ('delete', OLD.id, OLD.title, OLD.html);
END;
-- +goose StatementEnd
-- Only a change of the indexed text: a comment count or a status changing leaves the index alone. An external
-- content table forgets a row by being told the text it indexed, which OLD still holds here.
-- +goose StatementBegin
CREATE TRIGGER post_search_update AFTER UPDATE OF title, html ON posts
    WHEN OLD.title IS NOT NEW.title OR OLD.html IS NOT NEW.html
BEGIN
    INSERT INTO post_search (post_search, rowid, title, html) VALUES ('delete', OLD.id, OLD.title, OLD.html);
    INSERT INTO post_search (rowid, title, html) VALUES (NEW.id, NEW.title, NEW.html);
END;
-- +goose StatementEnd
-- The posts written before this migration.
INSERT INTO post_search (post_search) VALUES ('rebuild');

-- +goose Down
DROP TRIGGER post_search_update;
DROP TRIGGER post_search_delete;
DROP TRIGGER post_search_insert;
DROP TABLE post_search;
