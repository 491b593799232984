package avatar_test

import (
	"bytes"
	"encoding/xml"
	"testing"

	"github.com/salon-blog/salon/internal/avatar"
)

func TestSVG(t *testing.T) {
	a := avatar.SVG([]byte("0123456789abcdef"))
	if !bytes.Equal(a, avatar.SVG([]byte("0123456789abcdef"))) {
		t.Error("the same hash gave two pictures")
	}
	if bytes.Equal(a, avatar.SVG([]byte("fedcba9876543210"))) {
		t.Error("two hashes gave the same picture")
	}
	for _, h := range [][]byte{nil, []byte("x"), bytes.Repeat([]byte{0xff}, 32)} {
		var doc struct {
			XMLName xml.Name
			Rects   []struct{} `xml:"g>rect"`
		}
		if err := xml.Unmarshal(avatar.SVG(h), &doc); err != nil || doc.XMLName.Local != "svg" {
			t.Errorf("SVG(%x) is not an SVG document: %v", h, err)
		}
	}
	var full struct {
		Rects []struct{} `xml:"g>rect"`
	}
	if err := xml.Unmarshal(avatar.SVG(bytes.Repeat([]byte{0xff}, 8)), &full); err != nil || len(full.Rects) != 25 {
		t.Errorf("all bits set drew %d cells; want 25", len(full.Rects))
	}
}
