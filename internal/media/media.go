// Package media owns uploaded files. It decides a file's type from its content and refuses anything that is not
// a JPEG, PNG, GIF, WebP image or a PDF, or whose name says otherwise; it strips camera metadata (EXIF with its
// GPS location, XMP, IPTC, text chunks) from images without re-encoding their pixels; it makes the resized
// variants that responsive images list in srcset; and it keeps the files in the media folder, one folder per
// month of upload, as WordPress does. Everything but Dir is pure.
package media

import (
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/salon-blog/salon/internal/blog"
)

// Format is a file type Salon accepts, named by its MIME type.
type Format string

// The accepted formats.
const (
	JPEG Format = "image/jpeg"
	PNG  Format = "image/png"
	GIF  Format = "image/gif"
	WebP Format = "image/webp"
	PDF  Format = "application/pdf"
)

// Limits on uploads. An image's pixel count is read from its header before any pixel is decoded, so that a small
// file that would decode into gigabytes (a decompression bomb) is refused cheaply.
const (
	MaxImageBytes = 20 << 20
	MaxPDFBytes   = 50 << 20
	MaxPixels     = 40_000_000
)

// variantWidths are the widths of the resized copies made of an image wider than each.
var variantWidths = [...]int{300, 768, 1024, 1536}

// JPEGQuality is the quality of the JPEG variants: visually lossless for photographs at a third of the size.
const JPEGQuality = 82

// IsImage reports whether the format is a picture (which has dimensions and variants).
func (f Format) IsImage() bool { return f != PDF && f != "" }

// Label is the format's name as people know it.
func (f Format) Label() string {
	switch f {
	case JPEG:
		return "JPEG"
	case PNG:
		return "PNG"
	case GIF:
		return "GIF"
	case WebP:
		return "WebP"
	case PDF:
		return "PDF"
	}
	return "unknown"
}

// MaxBytes is the largest file of the format Salon accepts.
func (f Format) MaxBytes() int64 {
	if f == PDF {
		return MaxPDFBytes
	}
	return MaxImageBytes
}

// extensions are the file name extensions of each format, the usual one first.
func (f Format) extensions() []string {
	switch f {
	case JPEG:
		return []string{".jpg", ".jpeg", ".jpe"}
	case PNG:
		return []string{".png"}
	case GIF:
		return []string{".gif"}
	case WebP:
		return []string{".webp"}
	case PDF:
		return []string{".pdf"}
	}
	return nil
}

// Formats lists every accepted format.
var Formats = []Format{JPEG, PNG, GIF, WebP, PDF}

// FormatByExt returns the format a stored file's extension names (in lower case, with its dot), and false for
// any other extension.
func FormatByExt(ext string) (Format, bool) {
	for _, f := range Formats {
		for _, e := range f.extensions() {
			if e == ext {
				return f, true
			}
		}
	}
	return "", false
}

// Accept is the value of a file input's accept attribute listing every accepted type and extension.
func Accept() string {
	var parts []string
	for _, f := range Formats {
		parts = append(parts, string(f))
		parts = append(parts, f.extensions()...)
	}
	return strings.Join(parts, ",")
}

// Item is one uploaded file as the library knows it.
type Item struct {
	ID       int64
	Path     string // within the media folder, slash-separated: "2024/06/harbour.jpg"; unique
	Name     string // the file name the uploader's computer gave it, for the library and its search
	Type     Format
	Size     int64 // bytes of the stored file, after metadata stripping
	Width    int   // as displayed (after the EXIF orientation is applied); 0 for a PDF
	Height   int
	Alt      string // the image's text alternative
	Caption  string
	Uploader int64 // the user who uploaded it, or who took over their work when they were deleted
	Uploaded time.Time
	Variants []Variant // narrowest first; none for a PDF, an animated image, or an image 300 pixels wide or less
}

// Variant is a resized copy of an image, for srcset.
type Variant struct {
	Path   string
	Width  int
	Height int
	Size   int64
}

// FileName is the stored file's name, without its folder.
func (it *Item) FileName() string { return path.Base(it.Path) }

// Paths lists the item's files within the media folder: the original, then its variants.
func (it *Item) Paths() []string {
	paths := []string{it.Path}
	for _, v := range it.Variants {
		paths = append(paths, v.Path)
	}
	return paths
}

// Filter selects a page of the library, newest first.
type Filter struct {
	Search string // in the file name, original name, alt text and caption
	Limit  int
	Offset int
}

// Limits on the text fields.
const (
	MaxAltLen     = 1000
	MaxCaptionLen = 2000
)

// Validate checks the fields a user types: the alt text and the caption.
func (it *Item) Validate() error {
	if utf8.RuneCountInString(it.Alt) > MaxAltLen {
		return blog.Errorf(blog.EINVALID, "the alt text is longer than %d characters", MaxAltLen)
	}
	if utf8.RuneCountInString(it.Caption) > MaxCaptionLen {
		return blog.Errorf(blog.EINVALID, "the caption is longer than %d characters", MaxCaptionLen)
	}
	if !utf8.ValidString(it.Alt) || !utf8.ValidString(it.Caption) {
		return blog.Errorf(blog.EINVALID, "the alt text or the caption is not valid text")
	}
	return nil
}
