package media

import (
	"bytes"
	"net/http"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/salon-blog/salon/internal/blog"
)

// Detect decides an upload's format from its first bytes (512 are enough) and checks that the file's name says
// the same. Every refusal is a blog.EINVALID error whose message names the file and the problem: a PNG named
// .jpg, a script or a web page named as an image, an SVG (which can carry scripts), a type Salon does not take.
func Detect(head []byte, name string) (Format, error) {
	name = displayName(name)
	ext := strings.ToLower(path.Ext(name))
	sniffed := http.DetectContentType(head)
	var f Format
	switch sniffed {
	case "image/jpeg":
		f = JPEG
	case "image/png":
		f = PNG
	case "image/gif":
		f = GIF
	case "image/webp":
		f = WebP
	case "application/pdf":
		f = PDF
	default:
		return "", refuseContent(head, name, ext, sniffed)
	}
	if ext == "" {
		return "", blog.Errorf(blog.EINVALID, "%s has no file name extension: name it %s%s and upload it again", name, name, f.extensions()[0])
	}
	for _, e := range f.extensions() {
		if e == ext {
			return f, nil
		}
	}
	base := strings.TrimSuffix(name, path.Ext(name))
	if claimed, ok := FormatByExt(ext); ok {
		return "", blog.Errorf(blog.EINVALID, "%s is a %s file, not a %s as its name says: rename it %s%s and upload it again",
			name, f.Label(), claimed.Label(), base, f.extensions()[0])
	}
	return "", blog.Errorf(blog.EINVALID, "%s is a %s file, but its name ends in %s: rename it %s%s and upload it again",
		name, f.Label(), ext, base, f.extensions()[0])
}

// refuseContent explains why content of another type is refused.
func refuseContent(head []byte, name, ext, sniffed string) error {
	const accepted = "Salon accepts JPEG, PNG, GIF and WebP images and PDF files"
	lower := bytes.ToLower(head)
	kind := ""
	switch {
	case len(head) == 0:
		return blog.Errorf(blog.EINVALID, "%s is empty", name)
	case ext == ".svg" || ext == ".svgz" || bytes.Contains(lower, []byte("<svg")):
		return blog.Errorf(blog.EINVALID, "%s is an SVG image, which Salon does not accept because SVG files can carry scripts: export it as a PNG and upload that", name)
	case strings.HasPrefix(sniffed, "text/html"):
		kind = "an HTML page"
	case bytes.Contains(lower, []byte("<?php")) || bytes.HasPrefix(head, []byte("#!")):
		kind = "a script"
	case strings.HasPrefix(sniffed, "text/xml"):
		kind = "an XML document"
	case strings.HasPrefix(sniffed, "text/"):
		kind = "text"
	case strings.HasPrefix(sniffed, "image/"):
		label := strings.ToUpper(strings.TrimPrefix(strings.TrimPrefix(sniffed, "image/"), "x-"))
		kind = "a " + label + " image"
		if strings.ContainsAny(label[:1], "AEIOU") {
			kind = "an " + label + " image"
		}
	case sniffed == "application/zip":
		kind = "a ZIP archive"
	default:
		kind = "of a type Salon does not know (" + sniffed + ")"
	}
	return blog.Errorf(blog.EINVALID, "%s is not a file Salon accepts: its content is %s. %s", name, kind, accepted)
}

// displayName is the last element of a file name a browser sent, cut to a readable length, for messages and the
// library.
func displayName(name string) string {
	name = strings.ReplaceAll(name, `\`, "/")
	name = strings.TrimSpace(path.Base(name))
	if name == "." || name == "/" || name == "" {
		return "the file"
	}
	name = strings.ToValidUTF8(name, "�")
	if utf8.RuneCountInString(name) > 200 {
		name = string([]rune(name)[:200])
	}
	return name
}

// OriginalName is the name to record for an uploaded file: its last path element, valid UTF-8, at most 200
// characters.
func OriginalName(name string) string { return displayName(name) }

// maxBaseLen bounds the slug part of a stored file name, leaving room for a suffix and the variants' "-1536w".
const maxBaseLen = 100

// fileBase makes the base of a stored file name from the uploader's: the name without its extension, slugified
// as post slugs are ("Été à Paris.JPG" → "ete-a-paris"), or "file" when nothing usable is left.
func fileBase(name string) string {
	name = displayName(name)
	base := blog.Slugify(strings.TrimSuffix(name, path.Ext(name)))
	if len(base) > maxBaseLen {
		cut := maxBaseLen
		for cut > 0 && !utf8.RuneStart(base[cut]) {
			cut--
		}
		base = strings.TrimRight(base[:cut], "-")
	}
	if base == "" {
		return "file"
	}
	return base
}
