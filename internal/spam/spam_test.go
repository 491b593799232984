package spam

import (
	"bytes"
	"fmt"
	"slices"
	"sync"
	"testing"
)

// toy returns a model trained on a few comments of each class.
func toy() *Model {
	m := New()
	for _, c := range []Comment{
		{Text: "check out my channel and subscribe", Name: "Promo King", Email: "p@spam.example"},
		{Text: "subscribe to my channel for free gift cards http://cards.example"},
		{Text: "check out my new video http://tube.example please subscribe", Name: "Promo", Email: "q@spam.example"},
		{Text: "free money http://cards.example http://cards.example/2 http://cards.example/3"},
	} {
		m.Train(c, true)
	}
	for _, c := range []Comment{
		{Text: "I love this song", Name: "Ann", Email: "ann@mail.example"},
		{Text: "this song reminds me of my childhood"},
		{Text: "best video ever, I love it"},
		{Text: "thanks for the song, my favourite"},
	} {
		m.Train(c, false)
	}
	return m
}

func TestScore(t *testing.T) {
	m := toy()
	for _, tt := range []struct {
		name    string
		m       *Model
		in      Comment
		atLeast float64
		under   float64
		reasons []string
		links   int
	}{
		{"no training", New(), Comment{Text: "subscribe"}, 0.5, 0.5000001, []string{noTraining}, 0},
		{"zero Model", &Model{}, Comment{Text: "subscribe"}, 0.5, 0.5000001, []string{noTraining}, 0},
		{"one class only", oneClass(), Comment{Text: "subscribe"}, 0.5, 0.5000001, []string{oneSided}, 0},
		{"spam", m, Comment{Text: "Check out my channel, subscribe! http://cards.example"}, SpamAt, 1.1,
			[]string{`"subscribe"`, `"check out"`, `"my channel"`, "link to cards.example"}, 1},
		{"ham", m, Comment{Text: "I love this song"}, 0, HoldAt, nil, 0},
		{"spammy author", m, Comment{Text: "hello", Name: "promo", Email: "x@SPAM.example"}, 0.5, 1.1,
			[]string{`name "promo"`, "email at spam.example"}, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v := tt.m.Score(tt.in)
			if v.Spam < tt.atLeast || v.Spam >= tt.under || !slices.Equal(v.Reasons, tt.reasons) || v.Links != tt.links {
				t.Errorf("Score(%+v) = %+v; want Spam in [%v, %v), Reasons %q, Links %d",
					tt.in, v, tt.atLeast, tt.under, tt.reasons, tt.links)
			}
		})
	}
}

func oneClass() *Model {
	m := New()
	m.Train(Comment{Text: "subscribe"}, true)
	return m
}

func TestScoreIgnoresUnseenTokens(t *testing.T) {
	m := toy()
	base := m.Score(Comment{Text: "song"}).Spam
	for _, text := range []string{"song zzyzx", "song qwertyuiop asdfgh", "song \xff\xfe", "song 漢字"} {
		if got := m.Score(Comment{Text: text}).Spam; got != base {
			t.Errorf("Score(%q) = %v; want %v, as for \"song\" alone", text, got, base)
		}
	}
}

func TestReasonsDoNotRepeatWords(t *testing.T) {
	for _, tt := range []struct {
		clues []clue
		want  []string
	}{
		{[]clue{{"check", 3}, {"check out", 5}, {"out", 2}, {"subscribe", 4}},
			[]string{`"check out"`, `"subscribe"`}},
		{[]clue{{"channel", 6}, {"my channel", 5}, {"my", 1}}, []string{`"channel"`, `"my"`}},
		{[]clue{{"url-host:x.example", 9}, {"a", 8}, {"b", 7}, {"c", 6}, {"d", 5}},
			[]string{"link to x.example", `"a"`, `"b"`, `"c"`}},
		{nil, nil},
	} {
		if got := reasons(slices.Clone(tt.clues)); !slices.Equal(got, tt.want) {
			t.Errorf("reasons(%v) = %q; want %q", tt.clues, got, tt.want)
		}
	}
}

func TestVerdictString(t *testing.T) {
	for _, tt := range []struct {
		in   Verdict
		want string
	}{
		{Verdict{Spam: 0.5, Reasons: []string{noTraining}}, "50% spam — no training yet"},
		{Verdict{Spam: 0.93, Reasons: []string{`"subscribe"`, `"check out"`}, Links: 4},
			`93% spam — words: "subscribe", "check out"; 4 links`},
		{Verdict{Spam: 0.9991, Reasons: []string{"link to bit.ly", `"free"`, `name "promo"`}, Links: 1},
			`over 99% spam — words: "free"; link to bit.ly; name "promo"; 1 link`},
		{Verdict{Spam: 1}, "over 99% spam"},
		{Verdict{Spam: 0.004}, "under 1% spam"},
		{Verdict{Spam: 0.2, Links: 2}, "20% spam — 2 links"},
	} {
		if got := tt.in.String(); got != tt.want {
			t.Errorf("%+v.String() = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestUntrainUndoesTrain(t *testing.T) {
	c := Comment{Text: "a brand new comment with words http://new.example", Name: "Zed", Email: "z@new.example"}
	for _, isSpam := range []bool{true, false} {
		t.Run(fmt.Sprint("spam=", isSpam), func(t *testing.T) {
			m := toy()
			before := marshal(t, m)
			m.Train(c, isSpam)
			m.Untrain(c, isSpam)
			if after := marshal(t, m); !bytes.Equal(after, before) {
				t.Errorf("Train then Untrain changed the model")
			}
		})
	}
}

func TestMoveFromSpamToHam(t *testing.T) {
	c := Comment{Text: "check out my song, I love this song"}
	moved, direct := toy(), toy()
	moved.Train(c, true)
	moved.Untrain(c, true)
	moved.Train(c, false)
	direct.Train(c, false)
	if !bytes.Equal(marshal(t, moved), marshal(t, direct)) {
		t.Errorf("training as spam, untraining and training as ham differs from training as ham")
	}
	if got, want := moved.Score(c), direct.Score(c); got.Spam != want.Spam {
		t.Errorf("moved model scores %v; want %v", got.Spam, want.Spam)
	}
}

func TestUntrainNeverTrained(t *testing.T) {
	m := New()
	m.Untrain(Comment{Text: "never seen"}, true)
	m.Train(Comment{Text: "seen"}, false)
	m.Untrain(Comment{Text: "seen unseen"}, true)
	want := New()
	want.Train(Comment{Text: "seen"}, false)
	if !bytes.Equal(marshal(t, m), marshal(t, want)) {
		t.Errorf("untraining what was never trained changed what was")
	}
	if v := m.Score(Comment{Text: "seen"}); v.Spam != 0.5 || !slices.Equal(v.Reasons, []string{oneSided}) {
		t.Errorf("Score after untraining = %+v; want 0.5, %q", v, oneSided)
	}
}

// TestConcurrentUse is meant for go test -race: readers score and marshal while writers train and untrain.
func TestConcurrentUse(t *testing.T) {
	m := toy()
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			for j := range 200 {
				c := Comment{Text: fmt.Sprintf("comment %d from %d http://%d.example", j, i, j)}
				m.Train(c, j%2 == 0)
				if j%3 == 0 {
					m.Untrain(c, j%2 == 0)
				}
			}
		})
		wg.Go(func() {
			for j := range 200 {
				if v := m.Score(Comment{Text: fmt.Sprintf("comment %d check out my channel", j)}); v.Spam < 0 || v.Spam > 1 {
					t.Errorf("Score = %v; want a probability", v.Spam)
				}
				if j%50 == 0 {
					if _, err := m.MarshalBinary(); err != nil {
						t.Error(err)
					}
				}
			}
		})
	}
	wg.Wait()
}

func marshal(t *testing.T, m *Model) []byte {
	t.Helper()
	b, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func BenchmarkScore(b *testing.B) {
	m := Starting()
	c := Comment{
		Text: "Hey guys, check out my new channel! I make covers of popular songs and I would really appreciate " +
			"it if you could subscribe and leave a like. http://www.youtube.com/user/example Thanks!",
		Name:  "Cover Star",
		Email: "cover@mail.example",
	}
	b.ReportAllocs()
	for b.Loop() {
		m.Score(c)
	}
}
