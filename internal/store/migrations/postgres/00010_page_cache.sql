-- +goose Up
-- What the rendered-page cache checks before it serves a page again: one counter per scope, bumped by triggers
-- whenever something a reader can see changes, so that every process on the database notices every change,
-- whichever process (or command, or hand-written SQL) made it. Scopes:
--   'site'     posts and pages (but for their comment counts), terms, authors, settings: every page shows some;
--   'comments' any approved comment, and any post's comment count: listings, feeds, the site's comments feed;
--   'post:ID'  that post's approved comments and its comment count: its page and its comments feed.
-- Held, spam and trashed comments bump nothing, so a flood of held comments leaves the cache alone. A missing row
-- reads as 0; rows are never deleted, so a counter never comes back to a value it had. Derived state: `salon copy`
-- does not copy it (the copy's own writes bump the target's counters).
--
-- xact is the transaction that last bumped the row: a transaction bumps each scope once however many rows it
-- writes, so that an import does not pile up one row version per comment, and the row lock it takes is held
-- once. Transactions that bump the same scope queue on that row, as SQLite's writers queue on the file.
CREATE TABLE cache_versions (
    scope   TEXT   PRIMARY KEY,
    version BIGINT NOT NULL,
    xact    BIGINT NOT NULL
);

-- +goose StatementBegin
CREATE FUNCTION cache_bump(s TEXT) RETURNS void LANGUAGE sql AS $$
    INSERT INTO cache_versions (scope, version, xact) VALUES (s, 1, txid_current())
    ON CONFLICT (scope) DO UPDATE SET version = cache_versions.version + 1, xact = excluded.xact
    WHERE cache_versions.xact <> excluded.xact
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION cache_bump_site() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM cache_bump('site');
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION cache_bump_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM cache_bump('comments');
    PERFORM cache_bump('post:' || NEW.id);
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION cache_bump_comment() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM cache_bump('comments');
    IF TG_OP <> 'INSERT' THEN
        PERFORM cache_bump('post:' || OLD.post_id);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM cache_bump('post:' || NEW.post_id);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER cache_settings AFTER INSERT OR UPDATE OR DELETE ON settings FOR EACH STATEMENT EXECUTE FUNCTION cache_bump_site();
CREATE TRIGGER cache_terms AFTER INSERT OR UPDATE OR DELETE ON terms FOR EACH STATEMENT EXECUTE FUNCTION cache_bump_site();
CREATE TRIGGER cache_post_terms AFTER INSERT OR UPDATE OR DELETE ON post_terms FOR EACH STATEMENT EXECUTE FUNCTION cache_bump_site();
CREATE TRIGGER cache_users AFTER INSERT OR UPDATE OR DELETE ON users FOR EACH STATEMENT EXECUTE FUNCTION cache_bump_site();
CREATE TRIGGER cache_posts_rows AFTER INSERT OR DELETE ON posts FOR EACH STATEMENT EXECUTE FUNCTION cache_bump_site();
-- Every column but comment_count, whatever columns posts gains later: a recount that changes nothing bumps nothing.
CREATE TRIGGER cache_posts_update AFTER UPDATE ON posts FOR EACH ROW
    WHEN ((to_jsonb(OLD) - 'comment_count') IS DISTINCT FROM (to_jsonb(NEW) - 'comment_count'))
    EXECUTE FUNCTION cache_bump_site();
CREATE TRIGGER cache_posts_count AFTER UPDATE OF comment_count ON posts FOR EACH ROW
    WHEN (OLD.comment_count IS DISTINCT FROM NEW.comment_count) EXECUTE FUNCTION cache_bump_count();
CREATE TRIGGER cache_comments_insert AFTER INSERT ON comments FOR EACH ROW
    WHEN (NEW.status = 'approved') EXECUTE FUNCTION cache_bump_comment();
CREATE TRIGGER cache_comments_update AFTER UPDATE ON comments FOR EACH ROW
    WHEN (OLD.status = 'approved' OR NEW.status = 'approved') EXECUTE FUNCTION cache_bump_comment();
CREATE TRIGGER cache_comments_delete AFTER DELETE ON comments FOR EACH ROW
    WHEN (OLD.status = 'approved') EXECUTE FUNCTION cache_bump_comment();

-- +goose Down
DROP TRIGGER cache_comments_delete ON comments;
DROP TRIGGER cache_comments_update ON comments;
DROP TRIGGER cache_comments_insert ON comments;
DROP TRIGGER cache_posts_count ON posts;
DROP TRIGGER cache_posts_update ON posts;
DROP TRIGGER cache_posts_rows ON posts;
DROP TRIGGER cache_users ON users;
DROP TRIGGER cache_post_terms ON post_terms;
DROP TRIGGER cache_terms ON terms;
DROP TRIGGER cache_settings ON settings;
DROP FUNCTION cache_bump_comment();
DROP FUNCTION cache_bump_count();
DROP FUNCTION cache_bump_site();
DROP FUNCTION cache_bump(TEXT);
DROP TABLE cache_versions;
