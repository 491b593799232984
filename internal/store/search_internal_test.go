package store

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseSearch(t *testing.T) {
	tests := []struct {
		query string
		want  []searchTerm
		fts   string
		pg    string
	}{
		{"election", []searchTerm{{text: "election"}}, `("election")`, `(phraseto_tsquery('simple', $1))`},
		{"  two   words ", []searchTerm{{text: "two"}, {text: "words"}}, `("two" "words")`,
			`(phraseto_tsquery('simple', $1) && phraseto_tsquery('simple', $2))`},
		{`"a  phrase" word`, []searchTerm{{text: "a phrase"}, {text: "word"}}, `("a phrase" "word")`, ""},
		{`word -not -"not this"`, []searchTerm{{text: "word"}, {text: "not", not: true}, {text: "not this", not: true}},
			`("word") NOT "not" NOT "not this"`,
			`(phraseto_tsquery('simple', $1) && !!phraseto_tsquery('simple', $2) && !!phraseto_tsquery('simple', $3))`},
		{`"unclosed phrase`, []searchTerm{{text: "unclosed phrase"}}, `("unclosed phrase")`, ""},
		{`a"b`, []searchTerm{{text: "a"}, {text: "b"}}, `("a" "b")`, ""},
		{"well-known c++ x-", []searchTerm{{text: "well-known"}, {text: "c++"}, {text: "x-"}}, `("well-known" "c++" "x-")`, ""},
		{"AND OR NOT NEAR(a)", []searchTerm{{text: "AND"}, {text: "OR"}, {text: "NOT"}, {text: "NEAR(a)"}}, `("AND" "OR" "NOT" "NEAR(a)")`, ""},
		{"title:x* ^y", []searchTerm{{text: "title:x*"}, {text: "^y"}}, `("title:x*" "^y")`, ""},
		{`!!! & | -- "" " "`, nil, "", ""},
		{"a\x00b\tc\xffd", []searchTerm{{text: "a"}, {text: "b"}, {text: "c"}, {text: "d"}}, `("a" "b" "c" "d")`, ""},
		{"Привет 世界", []searchTerm{{text: "Привет"}, {text: "世界"}}, `("Привет" "世界")`, ""},
		{"--x", []searchTerm{{text: "-x", not: true}}, "", ""},
	}
	for _, tt := range tests {
		got := parseSearch(tt.query)
		if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(searchTerm{})); diff != "" {
			t.Errorf("parseSearch(%q) (-want +got):\n%s", tt.query, diff)
			continue
		}
		if tt.fts != "" {
			if fts := ftsMatch(got); fts != tt.fts {
				t.Errorf("ftsMatch(parseSearch(%q)) = %q; want %q", tt.query, fts, tt.fts)
			}
		}
		if tt.pg != "" {
			n := 0
			arg := func(any) string { n++; return fmt.Sprintf("$%d", n) }
			if pg := tsQuery(got, arg); pg != tt.pg {
				t.Errorf("tsQuery(parseSearch(%q)) = %q; want %q", tt.query, pg, tt.pg)
			}
		}
	}
}

func TestParseSearchBounds(t *testing.T) {
	terms := parseSearch(strings.Repeat("word ", 100))
	if len(terms) != maxSearchTerms {
		t.Errorf("parseSearch(100 words) = %d terms; want %d", len(terms), maxSearchTerms)
	}
	long := parseSearch(strings.Repeat("é", 1000))
	if len(long) != 1 || len([]rune(long[0].text)) != MaxSearchRunes {
		t.Errorf("parseSearch(1,000 runes) = %d terms of %d runes; want one of %d", len(long), len([]rune(long[0].text)), MaxSearchRunes)
	}
}
