package media_test

import (
	"bytes"
	"encoding/binary"
	"flag"
	"hash/crc32"
	"image"
	"image/color"
	"image/color/palette"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

// The image files under testdata/ (and the web tests' testdata/media/) are made by TestMakeTestdata with
// -update and committed, so that the tests read real files carrying real metadata: EXIF with a GPS position,
// XMP, a colour profile, and bytes hidden after the image's end. plain.webp and alpha.webp come from
// golang.org/x/image's test data (BSD licence), since Go cannot encode WebP.

var update = flag.Bool("update", false, "rewrite the generated files under testdata/")

// gpsLatitude is the GPS latitude stored in the fixtures' EXIF, as TIFF rationals (48/1, 51/1, 2904/100):
// 48°51'29.04"N. Its bytes must never survive stripping.
var gpsLatitude = []byte{0, 0, 0, 48, 0, 0, 0, 1, 0, 0, 0, 51, 0, 0, 0, 1, 0, 0, 0x0b, 0x58, 0, 0, 0, 100}

// xmpPacket is an XMP packet with the same position.
const xmpPacket = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">` +
	`<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="48,51.484N" exif:GPSLongitude="2,17.6687E"/>` +
	`</rdf:RDF></x:xmpmeta>`

// fakeICC stands for an RGB colour profile: a profile header (size, RGB data, XYZ connection space, "acsp"), then
// bytes that are no real profile. Stripping must keep it, and variants must carry it.
var fakeICC = func() []byte {
	b := make([]byte, 128)
	binary.BigEndian.PutUint32(b, 128+64)
	copy(b[12:], "mntrRGB XYZ ")
	copy(b[36:], "acsp")
	return append(b, "salon-test-icc-profile: not a real profile, but bytes that must be kept"...)
}()

// exifTIFF is a big-endian TIFF structure as EXIF holds it: IFD0 with Make ("SalonCam"), Orientation and a
// pointer to a GPS IFD with version, latitude and longitude.
func exifTIFF(orientation int) []byte {
	var b []byte
	be := binary.BigEndian
	entry := func(tag, typ uint16, count, value uint32) {
		b = be.AppendUint16(b, tag)
		b = be.AppendUint16(b, typ)
		b = be.AppendUint32(b, count)
		b = be.AppendUint32(b, value)
	}
	const (
		ifd0     = 8
		makeAt   = ifd0 + 2 + 3*12 + 4 // 50
		gpsIFD   = makeAt + 10         // 60
		latitude = gpsIFD + 2 + 5*12 + 4
		longitud = latitude + 24
	)
	b = append(b, "MM\x00\x2a"...)
	b = be.AppendUint32(b, ifd0)
	b = be.AppendUint16(b, 3)
	entry(0x010f, 2, 9, makeAt)                          // Make, ASCII
	entry(0x0112, 3, 1, uint32(orientation)<<16)         // Orientation, SHORT, left-justified
	entry(0x8825, 4, 1, gpsIFD)                          // GPSInfo IFD pointer
	b = be.AppendUint32(b, 0)                            // no next IFD
	b = append(b, "SalonCam\x00\x00"...)                 // 10 bytes, even
	b = be.AppendUint16(b, 5)                            // GPS IFD
	entry(0x0000, 1, 4, 0x02030000)                      // GPSVersionID 2.3.0.0
	entry(0x0001, 2, 2, uint32('N')<<24)                 // GPSLatitudeRef
	entry(0x0002, 5, 3, latitude)                        // GPSLatitude
	entry(0x0003, 2, 2, uint32('E')<<24)                 // GPSLongitudeRef
	entry(0x0004, 5, 3, longitud)                        // GPSLongitude
	b = be.AppendUint32(b, 0)                            // no next IFD
	b = append(b, gpsLatitude...)                        // 48/1 51/1 2904/100
	for _, v := range []uint32{2, 1, 17, 1, 4012, 100} { // 2°17'40.12"E
		b = be.AppendUint32(b, v)
	}
	return b
}

func jpegSegment(marker byte, payload ...[]byte) []byte {
	n := 2
	for _, p := range payload {
		n += len(p)
	}
	out := []byte{0xff, marker, byte(n >> 8), byte(n)}
	for _, p := range payload {
		out = append(out, p...)
	}
	return out
}

// painted is a picture with detail in every direction, so that scaling mistakes show: a gradient, with the left
// third red, and a dark diagonal band.
func painted(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.RGBA{uint8(255 * x / w), uint8(255 * y / h), 160, 255}
			if x < w/3 {
				c = color.RGBA{220, 30, 30, 255}
			}
			if d := x*h/w - y; d > -h/20 && d < h/20 {
				c = color.RGBA{20, 20, 20, 255}
			}
			img.Set(x, y, c)
		}
	}
	return img
}

// gpsJPEG is a JPEG of w×h carrying JFIF, EXIF with GPS (and the given orientation), XMP with GPS, an ICC
// profile, a comment, and a PHP script after its end.
func gpsJPEG(t *testing.T, w, h, orientation int, icc bool) []byte {
	t.Helper()
	var enc bytes.Buffer
	if err := jpeg.Encode(&enc, painted(w, h), &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	body := enc.Bytes()[2:] // after SOI
	out := []byte{0xff, 0xd8}
	out = append(out, jpegSegment(0xe0, []byte("JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"))...)
	out = append(out, jpegSegment(0xe1, []byte("Exif\x00\x00"), exifTIFF(orientation))...)
	out = append(out, jpegSegment(0xe1, []byte("http://ns.adobe.com/xap/1.0/\x00"), []byte(xmpPacket))...)
	if icc {
		out = append(out, jpegSegment(0xe2, []byte("ICC_PROFILE\x00\x01\x01"), fakeICC)...)
	}
	out = append(out, jpegSegment(0xfe, []byte("taken at home"))...)
	out = append(out, body...)
	return append(out, "<?php system($_GET['c']); ?>"...)
}

func pngChunk(typ string, data []byte) []byte {
	out := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	out = append(out, typ...)
	out = append(out, data...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(out[4:]))
}

// gpsPNG is a PNG of w×h with an eXIf chunk (GPS), an XMP iTXt chunk, a tEXt comment and bytes after IEND.
func gpsPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	var enc bytes.Buffer
	if err := png.Encode(&enc, painted(w, h)); err != nil {
		t.Fatal(err)
	}
	b := enc.Bytes()
	const afterIHDR = 8 + 8 + 13 + 4
	out := append([]byte{}, b[:afterIHDR]...)
	out = append(out, pngChunk("eXIf", exifTIFF(1))...)
	out = append(out, pngChunk("iTXt", []byte("XML:com.adobe.xmp\x00\x00\x00\x00\x00"+xmpPacket))...)
	out = append(out, pngChunk("tEXt", []byte("Comment\x00taken at home"))...)
	out = append(out, b[afterIHDR:]...)
	return append(out, "<?php echo 1; ?>"...)
}

// gifFrames encodes n frames of w×h; with n > 1 an animation.
func gifFrames(t *testing.T, w, h, n int) []byte {
	t.Helper()
	g := &gif.GIF{}
	for i := range n {
		frame := image.NewPaletted(image.Rect(0, 0, w, h), palette.Plan9)
		src := painted(w, h)
		for y := range h {
			for x := range w {
				c := src.RGBAAt(x, y)
				c.B = uint8(60 * i)
				frame.Set(x, y, c)
			}
		}
		g.Image = append(g.Image, frame)
		g.Delay = append(g.Delay, 50)
	}
	var enc bytes.Buffer
	if err := gif.EncodeAll(&enc, g); err != nil {
		t.Fatal(err)
	}
	return enc.Bytes()
}

// gpsGIF adds an XMP application extension with GPS and a comment to a GIF, and a script after its trailer.
func gpsGIF(t *testing.T, w, h, frames int) []byte {
	t.Helper()
	b := gifFrames(t, w, h, frames)
	at := 13
	if flags := b[10]; flags&0x80 != 0 {
		at += 3 << (flags&7 + 1)
	}
	ext := []byte{0x21, 0xff, 11}
	ext = append(ext, "XMP DataXMP"...)
	for p := []byte(xmpPacket); len(p) > 0; {
		n := min(len(p), 255)
		ext = append(ext, byte(n))
		ext = append(ext, p[:n]...)
		p = p[n:]
	}
	ext = append(ext, 0, 0x21, 0xfe, 13)
	ext = append(ext, "taken at home"...)
	ext = append(ext, 0)
	out := append([]byte{}, b[:at]...)
	out = append(out, ext...)
	out = append(out, b[at:]...)
	return append(out, "<?php echo 1; ?>"...)
}

func riffChunk(fourCC string, data []byte) []byte {
	out := append([]byte(fourCC), binary.LittleEndian.AppendUint32(nil, uint32(len(data)))...)
	out = append(out, data...)
	if len(data)%2 == 1 {
		out = append(out, 0)
	}
	return out
}

func riff(chunks ...[]byte) []byte {
	body := []byte("WEBP")
	for _, c := range chunks {
		body = append(body, c...)
	}
	return append(append([]byte("RIFF"), binary.LittleEndian.AppendUint32(nil, uint32(len(body)))...), body...)
}

// vp8Chunk returns the VP8 chunk of a simple lossy WebP file.
func vp8Chunk(t *testing.T, simple []byte) []byte {
	t.Helper()
	if string(simple[12:16]) != "VP8 " {
		t.Fatalf("not a simple lossy WebP: %q", simple[12:16])
	}
	n := binary.LittleEndian.Uint32(simple[16:])
	return simple[12 : 20+n+n&1]
}

func vp8x(flags byte, w, h int) []byte {
	b := []byte{flags, 0, 0, 0}
	for _, v := range []int{w - 1, h - 1} {
		b = append(b, byte(v), byte(v>>8), byte(v>>16))
	}
	return riffChunk("VP8X", b)
}

// gpsWebP wraps a simple lossy WebP of w×h in the extended format with EXIF (GPS), XMP and ICC chunks, and
// bytes after the RIFF container.
func gpsWebP(t *testing.T, simple []byte, w, h int) []byte {
	t.Helper()
	out := riff(vp8x(0x20|0x08|0x04, w, h), riffChunk("ICCP", fakeICC), vp8Chunk(t, simple),
		riffChunk("EXIF", exifTIFF(1)), riffChunk("XMP ", []byte(xmpPacket)))
	return append(out, "<?php echo 1; ?>"...)
}

// animatedWebP is a two-frame animation of a simple lossy WebP's picture, with EXIF.
func animatedWebP(t *testing.T, simple []byte, w, h int) []byte {
	t.Helper()
	frame := func() []byte {
		b := []byte{0, 0, 0, 0, 0, 0}
		for _, v := range []int{w - 1, h - 1, 100} {
			b = append(b, byte(v), byte(v>>8), byte(v>>16))
		}
		b = append(b, 0)
		return riffChunk("ANMF", append(b, vp8Chunk(t, simple)...))
	}
	return riff(vp8x(0x02|0x08, w, h), riffChunk("ANIM", []byte{255, 255, 255, 255, 0, 0}), frame(), frame(), riffChunk("EXIF", exifTIFF(1)))
}

// bombPNG is a valid, small PNG of 8000×6000 pixels (48 megapixels): a decompression bomb for the 40-megapixel
// limit.
func bombPNG(t *testing.T) []byte {
	t.Helper()
	var enc bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&enc, image.NewGray(image.Rect(0, 0, 8000, 6000))); err != nil {
		t.Fatal(err)
	}
	return enc.Bytes()
}

// minimalPDF is a one-page PDF.
const minimalPDF = "%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n2 0 obj <</Type /Pages /Kids [3 0 R] /Count 1>> endobj\n" +
	"3 0 obj <</Type /Page /Parent 2 0 R /MediaBox [0 0 200 200]>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"

// TestMakeTestdata writes the generated fixtures when run with -update; otherwise it checks they are there.
func TestMakeTestdata(t *testing.T) {
	plain, err := os.ReadFile("testdata/plain.webp")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]func() []byte{
		"testdata/gps.jpg":                   func() []byte { return gpsJPEG(t, 640, 480, 1, true) },
		"testdata/rotated.jpg":               func() []byte { return gpsJPEG(t, 800, 400, 6, false) },
		"testdata/gps.png":                   func() []byte { return gpsPNG(t, 500, 400) },
		"testdata/gps.gif":                   func() []byte { return gpsGIF(t, 400, 300, 1) },
		"testdata/animated.gif":              func() []byte { return gpsGIF(t, 400, 300, 2) },
		"testdata/gps.webp":                  func() []byte { return gpsWebP(t, plain, 600, 400) },
		"testdata/animated.webp":             func() []byte { return animatedWebP(t, plain, 600, 400) },
		"testdata/bomb.png":                  func() []byte { return bombPNG(t) },
		"testdata/doc.pdf":                   func() []byte { return []byte(minimalPDF) },
		"../web/testdata/media/photo.jpg":    func() []byte { return gpsJPEG(t, 1800, 1200, 1, false) },
		"../web/testdata/media/diagram.png":  func() []byte { return gpsPNG(t, 900, 600) },
		"../web/testdata/media/still.gif":    func() []byte { return gpsGIF(t, 400, 300, 1) },
		"../web/testdata/media/animated.gif": func() []byte { return gpsGIF(t, 400, 300, 2) },
		"../web/testdata/media/photo.webp":   func() []byte { return gpsWebP(t, plain, 600, 400) },
		"../web/testdata/media/bomb.png":     func() []byte { return bombPNG(t) },
		"../web/testdata/media/report.pdf":   func() []byte { return []byte(minimalPDF) },
		"../web/testdata/media/drawing.svg": func() []byte {
			return []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(document.cookie)</script></svg>`)
		},
		"../web/testdata/media/shell.jpg": func() []byte { return []byte("<?php system($_GET['c']); ?>\n") },
		"../web/testdata/media/page.html": func() []byte { return []byte("<!doctype html><html><body><script>alert(1)</script></body></html>") },
	}
	for name, gen := range files {
		if *update {
			if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(name, gen(), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if _, err := os.Stat(name); err != nil {
			t.Errorf("%v: run go test ./internal/media -run TestMakeTestdata -update", err)
		}
	}
}
