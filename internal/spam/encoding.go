package spam

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"unicode/utf8"
)

// The binary form of a Model, version 1:
//
//	"salon-spam" 0x01
//	uvarint spam comments, uvarint ham comments, uvarint number of tokens
//	per token, in byte order: uvarint bytes shared with the previous token, uvarint length of the rest,
//	the rest, uvarint spam count, uvarint ham count
//
// Sorting and sharing prefixes keeps it small ("url-host:" is stored once per run) and makes it the same bytes
// for the same model. The version also stands for the tokenizer: a change to what tokens a comment gives makes
// stored models mean something else, so it needs a new version, and old blobs must be retrained or converted.
const (
	magic   = "salon-spam"
	version = 1
)

// ErrFormat is wrapped by the errors of UnmarshalBinary.
var ErrFormat = errors.New("spam: not a model in a known format")

// MarshalBinary encodes the model as one versioned blob.
func (m *Model) MarshalBinary() ([]byte, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	toks := slices.Sorted(maps.Keys(m.counts))
	b := append([]byte(magic), version)
	b = binary.AppendUvarint(b, uint64(m.spam))
	b = binary.AppendUvarint(b, uint64(m.ham))
	b = binary.AppendUvarint(b, uint64(len(toks)))
	prev := ""
	for _, t := range toks {
		shared := sharedPrefix(prev, t)
		b = binary.AppendUvarint(b, uint64(shared))
		b = binary.AppendUvarint(b, uint64(len(t)-shared))
		b = append(b, t[shared:]...)
		n := m.counts[t]
		b = binary.AppendUvarint(b, uint64(n.spam))
		b = binary.AppendUvarint(b, uint64(n.ham))
		prev = t
	}
	return b, nil
}

func sharedPrefix(a, b string) int {
	n := min(len(a), len(b))
	for i := range n {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

// UnmarshalBinary replaces what m has learned with the model data encodes. On error, m is unchanged and the error
// wraps ErrFormat.
func (m *Model) UnmarshalBinary(data []byte) error {
	d := decoder{b: data}
	if !bytes.HasPrefix(data, []byte(magic)) {
		return fmt.Errorf("%w: no %q header", ErrFormat, magic)
	}
	d.b = d.b[len(magic):]
	v := d.readByte()
	if d.err != nil {
		return d.err
	}
	if v != version {
		return fmt.Errorf("%w: version %d, want %d", ErrFormat, v, version)
	}
	spam, ham, n := d.count(), d.count(), d.uvarint()
	// Every token takes at least four bytes, which bounds what a forged count can make us allocate.
	counts := make(map[string]count, min(n, uint64(len(d.b)/4)))
	var spamTokens, hamTokens uint64
	prev := ""
	for i := uint64(0); i < n && d.err == nil; i++ {
		shared, rest := d.uvarint(), d.uvarint()
		if shared > uint64(len(prev)) {
			d.fail("token %d shares %d bytes with a token of %d", i, shared, len(prev))
			break
		}
		if rest > uint64(len(d.b)) {
			d.fail("token %d is cut short", i)
			break
		}
		t := prev[:shared] + string(d.b[:rest])
		d.b = d.b[rest:]
		c := count{d.count(), d.count()}
		switch {
		case d.err != nil:
		case t == "":
			d.fail("token %d is empty", i)
		case i > 0 && t <= prev:
			d.fail("token %d is out of order", i)
		case !utf8.ValidString(t):
			d.fail("token %d is not UTF-8", i)
		case c == (count{}):
			d.fail("token %d has no counts", i)
		}
		counts[t] = c
		spamTokens += uint64(c.spam)
		hamTokens += uint64(c.ham)
		prev = t
	}
	if d.err == nil && len(d.b) > 0 {
		d.fail("%d bytes after the last token", len(d.b))
	}
	if d.err != nil {
		return d.err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.spam, m.ham, m.spamTokens, m.hamTokens, m.counts = spam, ham, spamTokens, hamTokens, counts
	return nil
}

// decoder reads the parts of an encoded model; after the first error, reads return zero.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: %s", ErrFormat, fmt.Sprintf(format, args...))
	}
}

func (d *decoder) readByte() byte {
	if d.err != nil || len(d.b) == 0 {
		d.fail("cut short")
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail("cut short or a number too big")
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) count() uint32 {
	v := d.uvarint()
	if v > math.MaxUint32 {
		d.fail("count %d out of range", v)
		return 0
	}
	return uint32(v)
}
