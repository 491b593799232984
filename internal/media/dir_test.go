package media_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/media"
)

var june = time.Date(2024, 6, 10, 12, 0, 0, 0, time.UTC)

// stage stages a file from testdata under a name, in a fresh media folder.
func stage(t *testing.T, dir media.Dir, file, name string) (*media.Staged, error) {
	t.Helper()
	s, err := dir.Stage(context.Background(), media.Upload{Name: name, Body: bytes.NewReader(readFile(t, file))}, june)
	if s != nil {
		t.Cleanup(func() {
			if err := s.Discard(); err != nil {
				t.Error(err)
			}
		})
	}
	return s, err
}

// save stages and saves a file, recording nothing.
func save(t *testing.T, dir media.Dir, file, name string) media.Item {
	t.Helper()
	s, err := stage(t, dir, file, name)
	if err != nil {
		t.Fatalf("Stage(%s): %v", name, err)
	}
	var it media.Item
	if err := s.Save(&it, func(*media.Item) error { return nil }); err != nil {
		t.Fatalf("Save(%s): %v", name, err)
	}
	if err := s.Discard(); err != nil {
		t.Fatal(err)
	}
	return it
}

// files lists what is in the media folder, as slash paths.
func files(t *testing.T, dir media.Dir) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(string(dir), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(string(dir), p)
		out = append(out, filepath.ToSlash(rel))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

type variantSize struct{ W, H int }

func TestStageImages(t *testing.T) {
	for _, tt := range []struct {
		file, name    string
		format        media.Format
		width, height int
		path          string
		variants      []string
		sizes         []variantSize
		variantFormat media.Format
		icc           bool
	}{
		{file: "testdata/gps.jpg", name: "Harbour at Dawn.JPG", format: media.JPEG, width: 640, height: 480, path: "2024/06/harbour-at-dawn.jpg",
			variants: []string{"2024/06/harbour-at-dawn-300w.jpg"}, sizes: []variantSize{{300, 225}}, variantFormat: media.JPEG, icc: true},
		{file: "testdata/rotated.jpg", name: "sideways.jpeg", format: media.JPEG, width: 400, height: 800, path: "2024/06/sideways.jpeg",
			variants: []string{"2024/06/sideways-300w.jpg"}, sizes: []variantSize{{300, 600}}, variantFormat: media.JPEG},
		{file: "testdata/gps.png", name: "chart.png", format: media.PNG, width: 500, height: 400, path: "2024/06/chart.png",
			variants: []string{"2024/06/chart-300w.png"}, sizes: []variantSize{{300, 240}}, variantFormat: media.PNG},
		{file: "testdata/gps.gif", name: "still.gif", format: media.GIF, width: 400, height: 300, path: "2024/06/still.gif",
			variants: []string{"2024/06/still-300w.png"}, sizes: []variantSize{{300, 225}}, variantFormat: media.PNG},
		{file: "testdata/animated.gif", name: "dance.gif", format: media.GIF, width: 400, height: 300, path: "2024/06/dance.gif"},
		{file: "testdata/gps.webp", name: "rose.webp", format: media.WebP, width: 600, height: 400, path: "2024/06/rose.webp",
			variants: []string{"2024/06/rose-300w.jpg"}, sizes: []variantSize{{300, 200}}, variantFormat: media.JPEG, icc: true},
		{file: "testdata/alpha.webp", name: "clear.webp", format: media.WebP, width: 400, height: 301, path: "2024/06/clear.webp",
			variants: []string{"2024/06/clear-300w.png"}, sizes: []variantSize{{300, 226}}, variantFormat: media.PNG},
		{file: "testdata/animated.webp", name: "loop.webp", format: media.WebP, width: 600, height: 400, path: "2024/06/loop.webp"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := media.Dir(t.TempDir())
			it := save(t, dir, tt.file, tt.name)
			if it.Path != tt.path || it.Type != tt.format || it.Width != tt.width || it.Height != tt.height || it.Name != tt.name {
				t.Errorf("saved %+v; want %s %s %d×%d", it, tt.path, tt.format, tt.width, tt.height)
			}
			var paths []string
			var sizes []variantSize
			for _, v := range it.Variants {
				paths = append(paths, v.Path)
				sizes = append(sizes, variantSize{v.Width, v.Height})
				b := readFile(t, filepath.Join(string(dir), v.Path))
				if int64(len(b)) != v.Size {
					t.Errorf("%s: size %d recorded as %d", v.Path, len(b), v.Size)
				}
				img := decodeAs(t, tt.variantFormat, b)
				if got := (variantSize{img.Bounds().Dx(), img.Bounds().Dy()}); got != (variantSize{v.Width, v.Height}) {
					t.Errorf("%s is %v; recorded as %d×%d", v.Path, got, v.Width, v.Height)
				}
				if tt.icc && !bytes.Contains(b, fakeICC) {
					t.Errorf("%s lacks the colour profile", v.Path)
				}
				for what, m := range metadata {
					if bytes.Contains(b, m) {
						t.Errorf("%s carries the %s", v.Path, what)
					}
				}
			}
			if diff := cmp.Diff(tt.variants, paths); diff != "" {
				t.Errorf("variants (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.sizes, sizes); diff != "" {
				t.Errorf("variant sizes (-want +got):\n%s", diff)
			}
			stored := readFile(t, filepath.Join(string(dir), it.Path))
			if int64(len(stored)) != it.Size {
				t.Errorf("stored size %d recorded as %d", len(stored), it.Size)
			}
			if bytes.Contains(stored, gpsLatitude) || bytes.Contains(stored, []byte("GPSLatitude")) {
				t.Error("the stored original keeps its GPS position")
			}
			if got, want := files(t, dir), it.Paths(); !slices.Equal(sorted(got), sorted(want)) {
				t.Errorf("files on disk %q; want %q", got, want)
			}
		})
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// Variants of a photo taken with the phone on its side are turned upright: rotated.jpg is stored 800×400 with
// its left third red and orientation 6 (turn a quarter clockwise), so its variant is 300×600 with the top red.
func TestVariantsAreUpright(t *testing.T) {
	dir := media.Dir(t.TempDir())
	it := save(t, dir, "testdata/rotated.jpg", "sideways.jpg")
	img := decodeAs(t, media.JPEG, readFile(t, filepath.Join(string(dir), it.Variants[0].Path)))
	red := func(c color.Color) bool {
		r, g, b, _ := c.RGBA()
		return r>>8 > 180 && g>>8 < 80 && b>>8 < 80
	}
	if !red(img.At(150, 60)) || red(img.At(150, 560)) {
		t.Errorf("the variant is not upright: top %v, bottom %v", img.At(150, 60), img.At(150, 560))
	}
}

// Each of widths 300, 768, 1024 and 1536 that is narrower than the image gets a variant.
func TestVariantWidths(t *testing.T) {
	for _, tt := range []struct {
		width int
		want  []int
	}{{300, nil}, {301, []int{300}}, {1024, []int{300, 768}}, {1600, []int{300, 768, 1024, 1536}}} {
		dir := media.Dir(t.TempDir())
		name := filepath.Join(t.TempDir(), "in.png")
		writePNG(t, name, tt.width, 10)
		it := save(t, dir, name, "in.png")
		var got []int
		for _, v := range it.Variants {
			got = append(got, v.Width)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("variants of a %d-pixel-wide image: %v; want %v", tt.width, got, tt.want)
		}
	}
}

func writePNG(t *testing.T, name string, w, h int) {
	t.Helper()
	var b bytes.Buffer
	if err := encodePNG(&b, image.NewNRGBA(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestStagePDF(t *testing.T) {
	dir := media.Dir(t.TempDir())
	it := save(t, dir, "testdata/doc.pdf", "Annual Report 2023.PDF")
	if it.Path != "2024/06/annual-report-2023.pdf" || it.Type != media.PDF || it.Width != 0 || len(it.Variants) != 0 || it.Size != 210 {
		t.Errorf("saved %+v", it)
	}
}

// Every refusal is an EINVALID error naming the file and the problem, and leaves nothing on disk.
func TestStageRefusals(t *testing.T) {
	big := filepath.Join(t.TempDir(), "big.png")
	if err := os.WriteFile(big, append(readFile(t, "testdata/gps.png"), make([]byte, media.MaxImageBytes)...), 0o644); err != nil {
		t.Fatal(err)
	}
	bigPDF := filepath.Join(t.TempDir(), "big.pdf")
	if err := os.WriteFile(bigPDF, append([]byte(minimalPDF), make([]byte, media.MaxPDFBytes)...), 0o644); err != nil {
		t.Fatal(err)
	}
	damaged := filepath.Join(t.TempDir(), "damaged.jpg")
	jpg := readFile(t, "testdata/gps.jpg")
	if err := os.WriteFile(damaged, jpg[:len(jpg)*2/3], 0o644); err != nil {
		t.Fatal(err)
	}
	text := func(s string) string {
		name := filepath.Join(t.TempDir(), "f")
		if err := os.WriteFile(name, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return name
	}
	for _, tt := range []struct {
		file, name, want string
	}{
		{"testdata/gps.png", "photo.jpg", "photo.jpg is a PNG file, not a JPEG as its name says: rename it photo.png"},
		{"testdata/gps.jpg", "photo.png", "photo.png is a JPEG file, not a PNG as its name says: rename it photo.jpg"},
		{"testdata/gps.jpg", "photo.php", "photo.php is a JPEG file, but its name ends in .php: rename it photo.jpg"},
		{"testdata/gps.jpg", "photo", "photo has no file name extension: name it photo.jpg"},
		{"testdata/doc.pdf", "doc.jpg", "doc.jpg is a PDF file, not a JPEG"},
		{text("<?php system($_GET['c']); ?>"), "x.jpg", "x.jpg is not a file Salon accepts: its content is a script"},
		{text(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), "logo.svg", "logo.svg is an SVG image, which Salon does not accept"},
		{text(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>`), "logo.png", "logo.png is an SVG image"},
		{text("<!DOCTYPE html><html><script>alert(1)</script>"), "page.jpg", "page.jpg is not a file Salon accepts: its content is an HTML page"},
		{text("BM\x00\x00\x00\x00\x00\x00\x00\x00"), "old.bmp", "old.bmp is not a file Salon accepts: its content is a BMP image"},
		{text(""), "empty.jpg", "empty.jpg is empty"},
		{"testdata/bomb.png", "bomb.png", "bomb.png is 8000 × 6000 pixels (48.0 megapixels); Salon accepts images of up to 40 megapixels"},
		{big, "big.png", "big.png is larger than 20 MB, the most Salon accepts for images"},
		{bigPDF, "big.pdf", "big.pdf is larger than 50 MB, the most Salon accepts for PDF files"},
		{damaged, "damaged.jpg", "damaged.jpg is not a valid JPEG image"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := media.Dir(t.TempDir())
			_, err := stage(t, dir, tt.file, tt.name)
			if blog.ErrorCode(err) != blog.EINVALID || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Stage(%s) = %v; want EINVALID %q", tt.name, err, tt.want)
			}
			if got := files(t, dir); len(got) != 0 {
				t.Errorf("a refused upload left %q", got)
			}
		})
	}
}

// A taken name gets "-2", "-3"…, whether the original or only a variant's name is taken, and whether the file
// or only a row (record answers ECONFLICT) has it.
func TestSaveFindsAFreeName(t *testing.T) {
	dir := media.Dir(t.TempDir())
	first := save(t, dir, "testdata/gps.jpg", "photo.jpg")
	second := save(t, dir, "testdata/gps.jpg", "photo.jpg")
	if first.Path != "2024/06/photo.jpg" || second.Path != "2024/06/photo-2.jpg" || second.Variants[0].Path != "2024/06/photo-2-300w.jpg" {
		t.Errorf("paths %s, %s", first.Path, second.Path)
	}
	// An upload named like another's variant does not replace it.
	odd := save(t, dir, "testdata/gps.jpg", "photo-300w.jpg")
	if odd.Path != "2024/06/photo-300w-2.jpg" {
		t.Errorf("path %s", odd.Path)
	}
	clash := save(t, dir, "testdata/gps.jpg", "photo-3.jpg")
	if clash.Path != "2024/06/photo-3.jpg" {
		t.Errorf("path %s", clash.Path)
	}
	third := save(t, dir, "testdata/gps.jpg", "photo.jpg") // photo-3.jpg is taken: photo-4
	if third.Path != "2024/06/photo-4.jpg" {
		t.Errorf("path %s", third.Path)
	}

	s, err := stage(t, dir, "testdata/gps.jpg", "row.jpg")
	if err != nil {
		t.Fatal(err)
	}
	var it media.Item
	tries := 0
	err = s.Save(&it, func(it *media.Item) error {
		tries++
		if it.Path == "2024/06/row.jpg" {
			return blog.Errorf(blog.ECONFLICT, "taken")
		}
		return nil
	})
	if err != nil || it.Path != "2024/06/row-2.jpg" || tries != 2 {
		t.Errorf("Save = %v, %s after %d tries", err, it.Path, tries)
	}
	if _, err := os.Stat(filepath.Join(string(dir), "2024/06/row.jpg")); !errors.Is(err, os.ErrNotExist) {
		t.Error("the refused name's file is left behind")
	}
}

// When the row cannot be stored, the files are removed: nothing half-stored.
func TestSaveRecordFails(t *testing.T) {
	dir := media.Dir(t.TempDir())
	s, err := stage(t, dir, "testdata/gps.jpg", "photo.jpg")
	if err != nil {
		t.Fatal(err)
	}
	var it media.Item
	boom := errors.New("database away")
	if err := s.Save(&it, func(*media.Item) error { return boom }); !errors.Is(err, boom) {
		t.Errorf("Save = %v; want %v", err, boom)
	}
	if err := s.Discard(); err != nil {
		t.Fatal(err)
	}
	if got := files(t, dir); len(got) != 0 {
		t.Errorf("left %q", got)
	}
}

func TestOpen(t *testing.T) {
	root := t.TempDir()
	dir := media.Dir(filepath.Join(root, "media"))
	it := save(t, dir, "testdata/gps.jpg", "photo.jpg")
	if err := os.WriteFile(filepath.Join(root, "secret.jpg"), []byte("secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(root, "secret.jpg"), filepath.Join(string(dir), "2024/06/link.jpg")); err != nil {
		t.Fatal(err)
	}
	f, format, err := dir.Open("2024", "06", it.FileName())
	if err != nil || format != media.JPEG {
		t.Fatalf("Open = %v, %s", err, format)
	}
	f.Close()
	for _, p := range [][3]string{
		{"2024", "06", "../../../secret.jpg"}, {"2024", "..", "secret.jpg"}, {"..", "06", "x.jpg"}, {"2024", "06", "link.jpg"},
		{"2024", "06", `..\..\secret.jpg`}, {"2024", "06", ".upload-1.tmp"}, {"2024", "06", "photo.JPG"}, {"2024", "6", "photo.jpg"},
		{"2024", "06", ""}, {"2024", "06", "photo.jpg\x00.png"}, {"2024", "06", "photo.txt"},
	} {
		f, _, err := dir.Open(p[0], p[1], p[2])
		if err == nil {
			f.Close()
			t.Errorf("Open(%q) opened a file", p)
		} else if blog.ErrorCode(err) != blog.ENOTFOUND {
			t.Errorf("Open(%q) = %v; want not found", p, err)
		}
	}
}

func TestRemove(t *testing.T) {
	dir := media.Dir(t.TempDir())
	it := save(t, dir, "testdata/gps.jpg", "photo.jpg")
	if err := dir.Remove(it.Paths()); err != nil {
		t.Fatal(err)
	}
	if got := files(t, dir); len(got) != 0 {
		t.Errorf("left %q", got)
	}
	if err := dir.Remove([]string{"../../etc/passwd"}); err == nil {
		t.Error("Remove accepted a path outside the folder")
	}
}

func encodePNG(w *bytes.Buffer, img image.Image) error { return png.Encode(w, img) }
