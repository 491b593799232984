package spam

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTokens(t *testing.T) {
	for _, tt := range []struct {
		name  string
		in    Comment
		want  []string
		links int
	}{
		{"empty", Comment{}, []string{"links:0"}, 0},
		{"words and phrases", Comment{Text: "Check out my channel!"},
			[]string{"check", "out", "check out", "my", "out my", "channel", "my channel", "links:0"}, 0},
		{"repeats counted once", Comment{Text: "spam spam spam"}, []string{"spam", "spam spam", "links:0"}, 0},
		{"unicode lowercase", Comment{Text: "ÉCOLE Straße ΑΘΗΝΑ"},
			[]string{"école", "straße", "école straße", "αθηνα", "straße αθηνα", "links:0"}, 0},
		{"split on punctuation and symbols", Comment{Text: "don't—stop;now 😀 ok"},
			[]string{"don", "t", "don t", "stop", "t stop", "now", "stop now", "ok", "now ok", "links:0"}, 0},
		{"combining marks stay in the word", Comment{Text: "cafe\u0301 au"},
			[]string{"cafe\u0301", "au", "cafe\u0301 au", "links:0"}, 0},
		{"invalid UTF-8 splits words", Comment{Text: "good\xffbye"},
			[]string{"good", "bye", "good bye", "links:0"}, 0},
		{"invisible characters dropped", Comment{Text: "vi\u200bagra\uFEFF"}, []string{"viagra", "links:0"}, 0},
		{"fullwidth folded", Comment{Text: "ＦＲＥＥ ｗｗｗ．ｅｂａｙ．ｃｏｍ"},
			[]string{"free", "url-host:ebay.com", "links:1"}, 1},
		{"ideographs one by one", Comment{Text: "垃圾邮件"},
			[]string{"垃", "圾", "垃 圾", "邮", "圾 邮", "件", "邮 件", "links:0"}, 0},
		{"link with scheme", Comment{Text: "see HTTPS://www.Example.com/a/b?c=d."},
			[]string{"see", "url-host:example.com", "links:1"}, 1},
		{"link inside a chunk", Comment{Text: `href="http://bit.ly/x">`},
			[]string{"href", "url-host:bit.ly", "links:1"}, 1},
		{"link with port and user", Comment{Text: "http://me:pw@shop.example:8080/"},
			[]string{"url-host:shop.example", "links:1"}, 1},
		{"www link", Comment{Text: "go to www.spam.example now"},
			[]string{"go", "to", "go to", "url-host:spam.example", "now", "links:1"}, 1},
		{"bare domain with a common TLD", Comment{Text: "visit (cheap-pills.com/buy)"},
			[]string{"visit", "url-host:cheap-pills.com", "links:1"}, 1},
		{"bare words with a period are not links", Comment{Text: "fine.it was e.g. v1.2"},
			[]string{"fine", "it", "fine it", "was", "it was", "e", "was e", "g", "e g", "v1", "g v1", "2", "v1 2",
				"links:0"}, 0},
		{"email in text is not a link", Comment{Text: "me@mail.com"}, []string{"me", "mail", "me mail", "com",
			"mail com", "links:0"}, 0},
		{"no phrase across a link", Comment{Text: "a http://x.example b"},
			[]string{"a", "url-host:x.example", "b", "links:1"}, 1},
		{"link buckets", Comment{Text: "a.com b.com c.com d.com"},
			[]string{"url-host:a.com", "url-host:b.com", "url-host:c.com", "url-host:d.com", "links:3+"}, 4},
		{"fields", Comment{Name: "Cheap Pills", Email: "Bob@Mail.RU", Website: "https://WWW.Pills.Example/x"},
			[]string{"links:0", "name:cheap", "name:pills", "domain:mail.ru", "website:pills.example"}, 0},
		{"website without scheme", Comment{Website: "blog.example.org"},
			[]string{"links:0", "website:blog.example.org"}, 0},
		{"malformed fields ignored", Comment{Email: "nobody", Website: "not a site"}, []string{"links:0"}, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, links := tokens(tt.in)
			if !slices.Equal(got, tt.want) || links != tt.links {
				t.Errorf("tokens(%+v) = %q, %d links; want %q, %d links", tt.in, got, links, tt.want, tt.links)
			}
		})
	}
}

func TestTokensLimits(t *testing.T) {
	for _, tt := range []struct {
		name string
		in   Comment
		max  int // at most this many tokens
	}{
		// Each word gives itself and a phrase, so the text stops after maxTokens/2 distinct words.
		{"many words", Comment{Text: manyWords(100000)}, maxTokens + 1},
		{"huge text without spaces", Comment{Text: strings.Repeat("ab.", 1<<20)}, maxTokens + 1},
		{"long name", Comment{Name: manyWords(1000)}, maxNameWords + 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := tokens(tt.in)
			if len(got) > tt.max {
				t.Errorf("tokens gave %d tokens; want at most %d", len(got), tt.max)
			}
		})
	}
	got, _ := tokens(Comment{Text: strings.Repeat("a", 1000)})
	if want := strings.Repeat("a", maxWordRunes); got[0] != want {
		t.Errorf("a long word gave %q; want it cut to %q", got[0], want)
	}
}

// manyWords returns n distinct words.
func manyWords(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString("w")
		for j := i; j > 0; j /= 26 {
			b.WriteByte(byte('a' + j%26))
		}
		b.WriteByte(' ')
	}
	return b.String()
}

func FuzzTokens(f *testing.F) {
	for _, s := range []string{"", "Check out http://x.example!", "\xff\xfe", "ｗｗｗ．ａ．ｃｏｍ", "İstanbul www.", "a@b.com"} {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, text, field string) {
		toks, links := tokens(Comment{Text: text, Name: field, Email: field, Website: field})
		if links < 0 || len(toks) > maxTokens+maxNameWords+3 {
			t.Fatalf("tokens gave %d tokens, %d links", len(toks), links)
		}
		seen := make(map[string]bool)
		for _, tok := range toks {
			if tok == "" || !utf8.ValidString(tok) || seen[tok] {
				t.Fatalf("tokens gave %q: empty, invalid or repeated", tok)
			}
			seen[tok] = true
		}
	})
}
