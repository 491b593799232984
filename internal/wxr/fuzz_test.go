package wxr_test

import (
	"bytes"
	"testing"
)

// FuzzReader checks that the Reader does not panic, that every error it returns is an *Error with a line, and that
// whatever it reads without error the Writer writes so that it reads back the same. The seeds are in
// testdata/fuzz/FuzzReader.
func FuzzReader(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		recs, err := readAll(bytes.NewReader(data))
		checkError(t, err)
		if err != nil {
			return
		}
		roundTrip(t, recs)
	})
}
