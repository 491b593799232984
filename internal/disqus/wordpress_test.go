package disqus_test

import (
	"bytes"
	"regexp"
	"testing"

	"github.com/salon-blog/salon/internal/disqus"
)

func TestWordPressID(t *testing.T) {
	tests := []struct {
		ident string
		id    int64
		ok    bool
	}{
		{"123 http://example.com/?p=123", 123, true},
		{"7 https://blog.example/?page_id=7", 7, true},
		{"997 HTTP://WWW.EVANLIN.COM/?p=997", 997, true},
		{"9223372036854775807 http://example.com/?p=9223372036854775807", 9223372036854775807, true},
		{"", 0, false},
		{"123", 0, false},
		{"123 ", 0, false},
		{"some-id", 0, false},
		{"http://localhost:1313/post/test1/", 0, false},
		{"abc http://example.com/?p=1", 0, false},
		{"+12 http://example.com/?p=12", 0, false},
		{"-5 http://example.com/?p=-5", 0, false},
		{"0 http://example.com/?p=0", 0, false},
		{"9223372036854775808 http://example.com/", 0, false},
		{"١٢٣ http://example.com/?p=123", 0, false},
		{" 123 http://example.com/?p=123", 0, false},
		{"123  http://example.com/?p=123", 0, false},
		{"123\thttp://example.com/?p=123", 0, false},
		{"123 http://example.com/?p=123 extra", 0, false},
		{"123 /?p=123", 0, false},
		{"123 ftp://example.com/?p=123", 0, false},
		{"123 http:///?p=123", 0, false},
	}
	for _, tt := range tests {
		th := &disqus.Thread{Ident: tt.ident}
		if id, ok := th.WordPressID(); id != tt.id || ok != tt.ok {
			t.Errorf("WordPressID(%q) = %d, %t; want %d, %t", tt.ident, id, ok, tt.id, tt.ok)
		}
	}
}

// TestWordPressIDFixture checks WordPressID against every identifier in a real export whose blog once ran on
// WordPress, with a regular expression as the independent reading.
func TestWordPressIDFixture(t *testing.T) {
	b := fixture(t, "kkdai-evanlin_20210517.xml")
	recs, err := readAll(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	wordpress := regexp.MustCompile(`^[1-9][0-9]* https?://[^\s/]+/\S*$`)
	matched := 0
	for _, rec := range recs {
		th, ok := rec.(*disqus.Thread)
		if !ok {
			continue
		}
		_, got := th.WordPressID()
		if want := wordpress.MatchString(th.Ident); got != want {
			t.Errorf("thread %s: WordPressID(%q) reports %t; want %t", th.ID, th.Ident, got, want)
		}
		if got {
			matched++
		}
	}
	if matched != 554 { // grep -cE '<id>[0-9]+ https?://' on the file
		t.Errorf("%d threads have a WordPress identifier; want 554", matched)
	}
}
