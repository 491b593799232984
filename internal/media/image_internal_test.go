package media

import (
	"image"
	"testing"
)

// orient shows a stored picture as EXIF orientation o says: the 3×2 grid "abc/def" turned each of the 8 ways.
func TestOrient(t *testing.T) {
	src := image.NewRGBA(image.Rect(0, 0, 3, 2))
	for i, c := range "abcdef" {
		src.Pix[i*4] = byte(c)
	}
	for o, want := range map[int][]string{
		1: {"abc", "def"}, 2: {"cba", "fed"}, 3: {"fed", "cba"}, 4: {"def", "abc"},
		5: {"ad", "be", "cf"}, 6: {"da", "eb", "fc"}, 7: {"fc", "eb", "da"}, 8: {"cf", "be", "ad"},
	} {
		got := orient(src, o)
		var rows []string
		for y := range got.Rect.Dy() {
			row := ""
			for x := range got.Rect.Dx() {
				row += string(rune(got.Pix[got.PixOffset(x, y)]))
			}
			rows = append(rows, row)
		}
		if len(rows) != len(want) {
			t.Errorf("orient(%d) = %q; want %q", o, rows, want)
			continue
		}
		for i := range rows {
			if rows[i] != want[i] {
				t.Errorf("orient(%d) = %q; want %q", o, rows, want)
				break
			}
		}
	}
}

func TestExifOrientation(t *testing.T) {
	seg := orientationSegment(6)
	if got := exifOrientation(seg[4+len(exifHeader):]); got != 6 {
		t.Errorf("exifOrientation(orientationSegment(6)) = %d", got)
	}
	little := []byte("II\x2a\x00\x08\x00\x00\x00\x01\x00\x12\x01\x03\x00\x01\x00\x00\x00\x08\x00\x00\x00\x00\x00\x00\x00")
	for _, tt := range []struct {
		tiff []byte
		want int
	}{{little, 8}, {little[:20], 1}, {[]byte("MM\x00\x2a\xff\xff\xff\xff"), 1}, {nil, 1}, {[]byte("XX\x00\x2a\x00\x00\x00\x08"), 1}} {
		if got := exifOrientation(tt.tiff); got != tt.want {
			t.Errorf("exifOrientation(% x) = %d; want %d", tt.tiff, got, tt.want)
		}
	}
}

// Only an RGB profile goes with a variant, which is always RGB: a CMYK or grey one would misread it.
func TestRGBProfile(t *testing.T) {
	header := func(space string) []byte {
		b := make([]byte, 128)
		copy(b[16:], space)
		return b
	}
	for space, want := range map[string]bool{"RGB ": true, "CMYK": false, "GRAY": false} {
		if got := rgbProfile(header(space)); got != want {
			t.Errorf("rgbProfile(%q) = %v", space, got)
		}
	}
	if rgbProfile([]byte("RGB ")) {
		t.Error("a profile too short to have a header counts as RGB")
	}
}
