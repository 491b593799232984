package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/salon-blog/salon/internal/blog"
)

// Bounds of a reader's query: what a search box is for fits well within them, and they keep one request from
// asking the index for hundreds of terms.
const (
	MaxSearchRunes = 200
	maxSearchTerms = 12
)

// searchTerm is one thing a reader's query asks for: a word, or a phrase written in double quotes; with not, one
// written with a minus in front ("-word"), which the posts found must not have.
type searchTerm struct {
	text string
	not  bool
}

// parseSearch reads a reader's query as WordPress's search box does: words, "quoted phrases", and -excluded
// words or phrases. Anything else is text: a term is passed to the engine's own tokenizer as a quoted string (see
// ftsMatch and tsQuery), never as its query syntax, so that punctuation, operators (AND, *, :, !, |) and unbalanced
// quotes find words rather than fail. A term without a letter or digit finds nothing and is dropped, as are
// invalid UTF-8 and control characters. The query is cut to MaxSearchRunes and its first maxSearchTerms terms.
func parseSearch(q string) []searchTerm {
	q = strings.ToValidUTF8(q, " ")
	if utf8.RuneCountInString(q) > MaxSearchRunes {
		q = string([]rune(q)[:MaxSearchRunes])
	}
	q = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, q)
	var terms []searchTerm
	for len(q) > 0 && len(terms) < maxSearchTerms {
		q = strings.TrimLeftFunc(q, unicode.IsSpace)
		var t searchTerm
		if rest, ok := strings.CutPrefix(q, "-"); ok {
			t.not, q = true, rest
		}
		if rest, ok := strings.CutPrefix(q, `"`); ok {
			// A phrase runs to the closing quote, or to the end when there is none.
			t.text, q, _ = strings.Cut(rest, `"`)
		} else {
			end := strings.IndexFunc(q, func(r rune) bool { return unicode.IsSpace(r) || r == '"' })
			if end < 0 {
				end = len(q)
			}
			t.text, q = q[:end], q[end:]
		}
		t.text = strings.Join(strings.Fields(t.text), " ")
		if strings.IndexFunc(t.text, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0 {
			terms = append(terms, t)
		}
	}
	return terms
}

// hasPositive reports whether terms ask for anything: a query of exclusions alone would list every post but a
// few, which is no search, and no index can answer it.
func hasPositive(terms []searchTerm) bool {
	return slices.ContainsFunc(terms, func(t searchTerm) bool { return !t.not })
}

// ftsMatch writes terms as an SQLite FTS5 query: each term a string in double quotes (a phrase of the tokens
// FTS5's tokenizer finds in it), the wanted ones all required, the excluded ones taken away with NOT.
func ftsMatch(terms []searchTerm) string {
	quote := func(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
	var want, not []string
	for _, t := range terms {
		if t.not {
			not = append(not, quote(t.text))
		} else {
			want = append(want, quote(t.text))
		}
	}
	q := "(" + strings.Join(want, " ") + ")"
	for _, n := range not {
		q += " NOT " + n
	}
	return q
}

// tsQuery writes terms as a PostgreSQL tsquery expression whose texts are the arguments from arg:
// phraseto_tsquery parses each with the same parser as the documents and never fails on what it is given (a text
// without words is an empty query, which && leaves out).
func tsQuery(terms []searchTerm, arg func(any) string) string {
	var parts []string
	for _, t := range terms {
		part := "phraseto_tsquery('simple', " + arg(t.text) + ")"
		if t.not {
			part = "!!" + part
		}
		parts = append(parts, part)
	}
	return "(" + strings.Join(parts, " && ") + ")"
}

// SearchPosts finds the posts (and pages) f selects whose title or text has every word and phrase of a reader's
// query (see parseSearch) and none of the excluded ones, most relevant first, with the number found. f selects as
// it does for Posts (f.PublicAt: only what readers may see), but for its order and Search, which do not apply. A
// query with nothing to look for finds nothing; no query is an error.
//
// The order is by relevance, as WordPress's search is: a reader looking for a subject wants the post about it
// before a newer one that mentions it in passing, so a word in the title counts ten times one in the text (FTS5's
// bm25 on SQLite, ts_rank on PostgreSQL; the two weigh the text differently, so their orders may differ between
// posts of equal standing). Ties, and posts that match alike, go newest first. Ranking costs no more than a date
// order would: either reads every match from the index before the first page is known.
func (s *Store) SearchPosts(ctx context.Context, query string, f blog.PostFilter) ([]blog.Post, int, error) {
	terms := parseSearch(query)
	if !hasPositive(terms) {
		return nil, 0, nil
	}
	f.Search = ""
	where, args := postConditions(f, true)
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	// The matches are ranked by the index alone, then joined to their posts: FTS5's bm25 can only be read in a
	// query of the index itself.
	var matches string
	if s.engine == enginePostgres {
		// The rank is of the wanted terms alone: ts_rank counts an excluded one against the posts that lack it.
		// Normalization 1 divides by the log of the post's length: a long post is not first for its length alone.
		wanted := slices.DeleteFunc(slices.Clone(terms), func(t searchTerm) bool { return t.not })
		matches = `SELECT post_id AS id, ts_rank(document, ` + tsQuery(wanted, arg) + `, 1) AS score FROM post_search
			WHERE document @@ ` + tsQuery(terms, arg)
	} else {
		// bm25 is lower for a better match; 10 and 1 are the weights of the title and the text.
		matches = `SELECT rowid AS id, -bm25(post_search, 10.0, 1.0) AS score FROM post_search WHERE post_search MATCH ` +
			arg(ftsMatch(terms))
	}
	from := ` FROM m JOIN posts p ON p.id = m.id`
	order := " ORDER BY m.score DESC, p.published_at DESC, p.id DESC"
	page := ""
	if f.Limit > 0 {
		page = fmt.Sprintf(" LIMIT %d OFFSET %d", f.Limit, max(f.Offset, 0))
	}
	with := `WITH m AS MATERIALIZED (` + matches + `) `
	// The total comes with the page: ranking has read every match already, so counting them costs nothing more.
	rows, err := s.read.QueryContext(ctx, with+`SELECT p.id, count(*) OVER ()`+from+where+order+page, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("search posts for %q: %w", query, err)
	}
	var ids []any
	total := 0
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id, &total); err != nil {
			rows.Close()
			return nil, 0, fmt.Errorf("search posts for %q: %w", query, err)
		}
		ids = append(ids, id)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, 0, fmt.Errorf("search posts for %q: %w", query, err)
	}
	if len(ids) == 0 {
		if f.Offset > 0 { // past the last page: the page cannot tell the total
			if err := s.read.QueryRowContext(ctx, with+`SELECT count(*)`+from+where, args...).Scan(&total); err != nil {
				return nil, 0, fmt.Errorf("count posts found for %q: %w", query, err)
			}
		}
		return nil, total, nil
	}
	found, err := s.queryPosts(ctx, `SELECT `+postColumns+postFrom+` WHERE p.id IN (`+placeholders(1, len(ids))+`)`, ids...)
	if err != nil {
		return nil, 0, fmt.Errorf("search posts for %q: %w", query, err)
	}
	// In the order found; a post deleted between the two reads is left out.
	byID := make(map[int64]blog.Post, len(found))
	for _, p := range found {
		byID[p.ID] = p
	}
	posts := make([]blog.Post, 0, len(ids))
	for _, id := range ids {
		if p, ok := byID[id.(int64)]; ok {
			posts = append(posts, p)
		}
	}
	return posts, total, s.loadTerms(ctx, posts)
}
