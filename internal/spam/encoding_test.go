package spam

import (
	"bytes"
	"encoding"
	"errors"
	"slices"
	"testing"
)

var (
	_ encoding.BinaryMarshaler   = (*Model)(nil)
	_ encoding.BinaryUnmarshaler = (*Model)(nil)
)

func TestMarshalRoundTrip(t *testing.T) {
	for _, tt := range []struct {
		name string
		m    *Model
	}{
		{"empty", New()},
		{"toy", toy()},
		{"starting", Starting()},
	} {
		t.Run(tt.name, func(t *testing.T) {
			blob := marshal(t, tt.m)
			var got Model
			if err := got.UnmarshalBinary(blob); err != nil {
				t.Fatalf("UnmarshalBinary: %v", err)
			}
			if again := marshal(t, &got); !bytes.Equal(again, blob) {
				t.Errorf("marshalling the decoded model gives other bytes")
			}
			for _, e := range loadVideos(t, testVideos) {
				if a, b := tt.m.Score(e.comment), got.Score(e.comment); a.Spam != b.Spam || !slices.Equal(a.Reasons, b.Reasons) {
					t.Fatalf("Score(%q): %v before, %v after the round trip", e.comment.Text, a, b)
				}
			}
		})
	}
}

func TestUnmarshalRejects(t *testing.T) {
	good := marshal(t, toy())
	header := []byte(magic + "\x01")
	for _, tt := range []struct {
		name string
		in   []byte
	}{
		{"nothing", nil},
		{"other data", []byte("PK\x03\x04 a zip file")},
		{"future version", append([]byte(magic), 2, 0, 0, 0)},
		{"header only", []byte(magic)},
		{"empty token", append(slices.Clone(header), 1, 1, 1, 0, 0, 1, 0)},
		{"cut short", good[:len(good)-1]},
		{"trailing bytes", append(slices.Clone(good), 0)},
		{"tokens out of order", append(slices.Clone(header), 1, 1, 2, 0, 1, 'b', 1, 0, 0, 1, 'a', 1, 0)},
		{"a token twice", append(slices.Clone(header), 1, 1, 2, 0, 1, 'a', 1, 0, 1, 0, 0, 1)},
		{"shared prefix too long", append(slices.Clone(header), 1, 1, 1, 3, 1, 'a', 1, 0)},
		{"token without counts", append(slices.Clone(header), 1, 1, 1, 0, 1, 'a', 0, 0)},
		{"invalid UTF-8 token", append(slices.Clone(header), 1, 1, 1, 0, 1, 0xff, 1, 0)},
		{"count too big", append(slices.Clone(header), 0x80, 0x80, 0x80, 0x80, 0x10, 1, 0)},
		{"huge token count", append(slices.Clone(header), 1, 1, 0xff, 0xff, 0xff, 0xff, 0x0f)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := toy()
			err := m.UnmarshalBinary(tt.in)
			if !errors.Is(err, ErrFormat) {
				t.Fatalf("UnmarshalBinary = %v; want an error wrapping ErrFormat", err)
			}
			if !bytes.Equal(marshal(t, m), good) {
				t.Errorf("a failed UnmarshalBinary changed the model")
			}
		})
	}
}

func TestStartingDecodes(t *testing.T) {
	a, b := Starting(), Starting()
	if v := a.Score(Comment{Text: "check out my channel"}); v.Spam < SpamAt {
		t.Errorf("the starting model scores %q %v; want spam", "check out my channel", v)
	}
	before := marshal(t, b)
	a.Train(Comment{Text: "something new"}, false)
	if !bytes.Equal(marshal(t, b), before) {
		t.Errorf("training one Starting model changed another: they share state")
	}
}

func FuzzUnmarshalBinary(f *testing.F) {
	seed, err := toy().MarshalBinary()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte(magic + "\x01\x01\x01\x01\x00\x01a\x01\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var m Model
		if err := m.UnmarshalBinary(data); err != nil {
			return
		}
		// Whatever decodes can be scored, and encodes to bytes that decode to the same model.
		m.Score(Comment{Text: "a b"})
		blob := marshal(t, &m)
		var again Model
		if err := again.UnmarshalBinary(blob); err != nil {
			t.Fatalf("decoding %x, which encoded %x: %v", blob, data, err)
		}
		if b := marshal(t, &again); !bytes.Equal(b, blob) {
			t.Errorf("%x decodes and encodes to %x", blob, b)
		}
	})
}
