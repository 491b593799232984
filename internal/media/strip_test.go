package media_test

import (
	"bytes"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"testing"

	"golang.org/x/image/webp"

	"github.com/salon-blog/salon/internal/media"
)

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// metadata is what must never survive stripping, by what it is.
var metadata = map[string][]byte{
	"GPS latitude":   gpsLatitude,
	"EXIF camera":    []byte("SalonCam"),
	"XMP":            []byte("GPSLatitude"),
	"comment":        []byte("taken at home"),
	"trailing bytes": []byte("<?php"),
}

func decodeAs(t *testing.T, f media.Format, b []byte) image.Image {
	t.Helper()
	var img image.Image
	var err error
	switch f {
	case media.JPEG:
		img, err = jpeg.Decode(bytes.NewReader(b))
	case media.PNG:
		img, err = png.Decode(bytes.NewReader(b))
	case media.GIF:
		img, err = gif.Decode(bytes.NewReader(b))
	case media.WebP:
		img, err = webp.Decode(bytes.NewReader(b))
	}
	if err != nil {
		t.Fatalf("decode %s: %v", f, err)
	}
	return img
}

// samePixels compares two decoded images pixel by pixel.
func samePixels(a, b image.Image) bool {
	if a.Bounds() != b.Bounds() {
		return false
	}
	for y := a.Bounds().Min.Y; y < a.Bounds().Max.Y; y++ {
		for x := a.Bounds().Min.X; x < a.Bounds().Max.X; x++ {
			r1, g1, b1, a1 := a.At(x, y).RGBA()
			r2, g2, b2, a2 := b.At(x, y).RGBA()
			if r1 != r2 || g1 != g2 || b1 != b2 || a1 != a2 {
				return false
			}
		}
	}
	return true
}

func TestStrip(t *testing.T) {
	for _, tt := range []struct {
		file    string
		format  media.Format
		keepICC bool
	}{
		{"testdata/gps.jpg", media.JPEG, true},
		{"testdata/rotated.jpg", media.JPEG, false},
		{"testdata/gps.png", media.PNG, false},
		{"testdata/gps.gif", media.GIF, false},
		{"testdata/animated.gif", media.GIF, false},
		{"testdata/gps.webp", media.WebP, true},
	} {
		t.Run(tt.file, func(t *testing.T) {
			in := readFile(t, tt.file)
			if !bytes.Contains(in, gpsLatitude) && !bytes.Contains(in, []byte("GPSLatitude")) {
				t.Fatalf("%s carries no GPS position to strip", tt.file)
			}
			out, err := media.Strip(tt.format, in)
			if err != nil {
				t.Fatalf("Strip: %v", err)
			}
			for what, b := range metadata {
				if bytes.Contains(out, b) {
					t.Errorf("Strip(%s) keeps the %s", tt.file, what)
				}
			}
			if tt.keepICC && !bytes.Contains(out, fakeICC) {
				t.Errorf("Strip(%s) drops the colour profile", tt.file)
			}
			if !samePixels(decodeAs(t, tt.format, in), decodeAs(t, tt.format, out)) {
				t.Errorf("Strip(%s) changes the picture", tt.file)
			}
			again, err := media.Strip(tt.format, out)
			if err != nil || !bytes.Equal(again, out) {
				t.Errorf("Strip is not idempotent on %s: %v", tt.file, err)
			}
		})
	}
}

// The JPEG's compressed picture is copied byte for byte: everything from the first quantization table to EOI.
func TestStripJPEGIsLossless(t *testing.T) {
	in := readFile(t, "testdata/gps.jpg")
	out, err := media.Strip(media.JPEG, in)
	if err != nil {
		t.Fatal(err)
	}
	dqt := bytes.Index(in, []byte{0xff, 0xdb})
	eoi := bytes.LastIndex(in, []byte{0xff, 0xd9})
	if dqt < 0 || eoi < dqt || !bytes.HasSuffix(out, in[dqt:eoi+2]) {
		t.Error("the tables and scan data are not copied verbatim")
	}
	if !bytes.HasPrefix(out, []byte{0xff, 0xd8, 0xff, 0xe0}) {
		t.Errorf("JFIF APP0 not kept first: % x", out[:4])
	}
}

// A photo taken with the phone on its side keeps an EXIF segment holding only its orientation, so that browsers
// still show it upright.
func TestStripKeepsOrientation(t *testing.T) {
	out, err := media.Strip(media.JPEG, readFile(t, "testdata/rotated.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	want := []byte("Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\x00\x00\x00\x01\x00\x06")
	if !bytes.Contains(out, want) {
		t.Error("the orientation is lost")
	}
}

func TestStripWebPHeader(t *testing.T) {
	out, err := media.Strip(media.WebP, readFile(t, "testdata/gps.webp"))
	if err != nil {
		t.Fatal(err)
	}
	if size := int(out[4]) | int(out[5])<<8 | int(out[6])<<16 | int(out[7])<<24; size != len(out)-8 {
		t.Errorf("RIFF size = %d; want %d", size, len(out)-8)
	}
	if flags := out[20]; flags != 0x20 {
		t.Errorf("VP8X flags = %#x; want only ICC (0x20)", flags)
	}
}

func TestStripRefusesDamage(t *testing.T) {
	for _, tt := range []struct {
		file   string
		format media.Format
	}{
		{"testdata/gps.jpg", media.JPEG}, {"testdata/gps.png", media.PNG}, {"testdata/gps.gif", media.GIF}, {"testdata/gps.webp", media.WebP},
	} {
		in := readFile(t, tt.file)
		for _, n := range []int{0, 3, 20, len(in) / 2} {
			if _, err := media.Strip(tt.format, in[:n]); err == nil {
				t.Errorf("Strip(%s cut to %d bytes) = nil error", tt.file, n)
			}
		}
	}
}

// FuzzStrip feeds the hand-written container parsers arbitrary bytes: they must not panic, and what they accept
// they must leave as it is when given it again.
func FuzzStrip(f *testing.F) {
	formats := []media.Format{media.JPEG, media.PNG, media.GIF, media.WebP}
	for i, name := range []string{"testdata/gps.jpg", "testdata/gps.png", "testdata/gps.gif", "testdata/gps.webp", "testdata/rotated.jpg", "testdata/animated.webp"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(byte(i%4), b)
	}
	f.Add(byte(0), []byte{0xff, 0xd8, 0xff, 0xe1, 0x00, 0x02, 0xff, 0xd9})
	f.Fuzz(func(t *testing.T, which byte, data []byte) {
		format := formats[int(which)%len(formats)]
		out, err := media.Strip(format, data)
		if err != nil {
			return
		}
		again, err := media.Strip(format, out)
		if err != nil {
			t.Fatalf("Strip refuses its own output: %v", err)
		}
		if !bytes.Equal(again, out) {
			t.Fatalf("Strip is not idempotent:\n% x\n% x", out, again)
		}
	})
}
