package media

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sort"
)

// Stripping walks each format's container by hand and copies what an image needs to be shown as it was meant to
// be: the pixel data (byte for byte), the colour profile and, for a JPEG, the EXIF orientation (rewritten as an
// EXIF segment that holds nothing else). Everything else that describes the picture is dropped: EXIF (with its
// GPS location), XMP, IPTC, comments and text chunks, JPEG's multi-picture extra images, and any bytes after the
// image's end marker (where a script could hide in a file that is also a valid image).

// parsed is an image's container after stripping.
type parsed struct {
	data        []byte // the stripped file
	orientation int    // EXIF orientation, 1 to 8; 1 when there is none
	animated    bool   // more than one frame: an animated GIF, APNG or WebP
	icc         []byte // the ICC colour profile, if the image has one
}

// errTruncated reports a file that ends inside its structure.
var errTruncated = errors.New("the file ends too early; it may be incomplete")

// Strip removes the metadata from an image file without re-encoding it; see the comment above.
func Strip(f Format, data []byte) ([]byte, error) {
	p, err := parse(f, data)
	return p.data, err
}

// parse strips an image and reads what the variants need from its metadata.
func parse(f Format, data []byte) (parsed, error) {
	switch f {
	case JPEG:
		return parseJPEG(data)
	case PNG:
		return parsePNG(data)
	case GIF:
		return parseGIF(data)
	case WebP:
		return parseWebP(data)
	}
	return parsed{}, fmt.Errorf("%s is not an image format", f)
}

// maxICC bounds a colour profile; real ones are a few kilobytes to a megabyte.
const maxICC = 4 << 20

var (
	exifHeader = []byte("Exif\x00\x00")
	iccHeader  = []byte("ICC_PROFILE\x00")
)

// parseJPEG keeps SOI, APP0 (JFIF), APP2 ICC profiles, APP14 (Adobe, which says how to read the colours), every
// table and frame header, the entropy-coded scans, and EOI; it drops every other APPn segment (APP1 EXIF and XMP,
// APP2 multi-picture and FlashPix, APP13 IPTC, …), comments, and whatever follows EOI.
func parseJPEG(data []byte) (parsed, error) {
	p := parsed{orientation: 1}
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return p, errors.New("it does not start as a JPEG file does")
	}
	out := make([]byte, 0, len(data))
	out = append(out, 0xFF, 0xD8)
	type iccChunk struct {
		seq  byte
		data []byte
	}
	var icc []iccChunk
	seenExif := false
	i := 2
	for {
		if i >= len(data) {
			return p, errTruncated
		}
		if data[i] != 0xFF {
			return p, fmt.Errorf("a JPEG marker was expected at byte %d", i)
		}
		for i+1 < len(data) && data[i+1] == 0xFF { // fill bytes
			i++
		}
		if i+1 >= len(data) {
			return p, errTruncated
		}
		m := data[i+1]
		i += 2
		switch {
		case m == 0xD9: // EOI
			out = append(out, 0xFF, 0xD9)
			p.data = out
			if len(icc) > 0 {
				sort.SliceStable(icc, func(a, b int) bool { return icc[a].seq < icc[b].seq })
				for _, c := range icc {
					p.icc = append(p.icc, c.data...)
				}
				if len(p.icc) > maxICC {
					p.icc = nil
				}
			}
			return p, nil
		case m == 0xD8 || m == 0x00:
			return p, fmt.Errorf("an unexpected JPEG marker %#x at byte %d", m, i-2)
		case m >= 0xD0 && m <= 0xD7 || m == 0x01: // markers without a length
			out = append(out, 0xFF, m)
			continue
		}
		if i+2 > len(data) {
			return p, errTruncated
		}
		n := int(data[i])<<8 | int(data[i+1])
		if n < 2 || i+n > len(data) {
			return p, errTruncated
		}
		segment, payload := data[i-2:i+n], data[i+2:i+n]
		i += n
		keep := true
		switch {
		case m == 0xE1:
			keep = false
			if !seenExif && bytes.HasPrefix(payload, exifHeader) {
				seenExif = true
				if o := exifOrientation(payload[len(exifHeader):]); o != 1 {
					p.orientation = o
					out = append(out, orientationSegment(o)...)
				}
			}
		case m == 0xE2:
			keep = bytes.HasPrefix(payload, iccHeader) && len(payload) >= len(iccHeader)+2
			if keep {
				icc = append(icc, iccChunk{seq: payload[len(iccHeader)], data: payload[len(iccHeader)+2:]})
			}
		case m >= 0xE0 && m <= 0xEF:
			keep = m == 0xE0 || m == 0xEE
		case m == 0xFE:
			keep = false
		}
		if keep {
			out = append(out, segment...)
		}
		if m == 0xDA { // SOS: the entropy-coded data runs to the next marker other than a stuffed 0xFF00 or a restart
			j := i
			for j < len(data) {
				if data[j] == 0xFF && j+1 < len(data) {
					if next := data[j+1]; next == 0x00 || next >= 0xD0 && next <= 0xD7 {
						j += 2
						continue
					}
					break
				}
				j++
			}
			out = append(out, data[i:j]...)
			i = j
		}
	}
}

// exifOrientation reads the Orientation tag (0x0112) of IFD0 from a TIFF structure; 1 when it is absent or
// malformed.
func exifOrientation(t []byte) int {
	if len(t) < 8 {
		return 1
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 1
	}
	if bo.Uint16(t[2:]) != 42 {
		return 1
	}
	off := int64(bo.Uint32(t[4:]))
	if off < 8 || off+2 > int64(len(t)) {
		return 1
	}
	count := int64(bo.Uint16(t[off:]))
	for k := range count {
		e := off + 2 + k*12
		if e+12 > int64(len(t)) {
			break
		}
		if bo.Uint16(t[e:]) == 0x0112 && bo.Uint16(t[e+2:]) == 3 {
			if o := int(bo.Uint16(t[e+8:])); o >= 1 && o <= 8 {
				return o
			}
			return 1
		}
	}
	return 1
}

// orientationSegment is an APP1 EXIF segment holding the Orientation tag alone, so that browsers still turn a
// phone's photo the right way up after everything else in its EXIF is gone.
func orientationSegment(o int) []byte {
	return []byte{
		0xFF, 0xE1, 0, 34, // APP1, length
		'E', 'x', 'i', 'f', 0, 0,
		'M', 'M', 0, 42, 0, 0, 0, 8, // big-endian TIFF header, IFD0 at offset 8
		0, 1, // one entry
		0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, byte(o), 0, 0, // Orientation, SHORT, count 1, value
		0, 0, 0, 0, // no next IFD
	}
}

var pngSignature = []byte("\x89PNG\r\n\x1a\n")

// parsePNG drops the eXIf chunk and every text chunk (tEXt, zTXt, iTXt: XMP and the "Raw profile" EXIF that
// some programs write live there) and tIME, and whatever follows IEND; CRCs are left for the decoder to check.
func parsePNG(data []byte) (parsed, error) {
	p := parsed{orientation: 1}
	if !bytes.HasPrefix(data, pngSignature) {
		return p, errors.New("it does not start as a PNG file does")
	}
	out := make([]byte, 0, len(data))
	out = append(out, pngSignature...)
	i := int64(len(pngSignature))
	for {
		if i+8 > int64(len(data)) {
			return p, errTruncated
		}
		n := int64(binary.BigEndian.Uint32(data[i:]))
		typ := string(data[i+4 : i+8])
		end := i + 12 + n
		if end > int64(len(data)) {
			return p, errTruncated
		}
		switch typ {
		case "eXIf", "tEXt", "zTXt", "iTXt", "tIME":
		case "acTL":
			p.animated = true
			out = append(out, data[i:end]...)
		case "iCCP":
			p.icc = pngProfile(data[i+8 : i+8+n])
			out = append(out, data[i:end]...)
		default:
			out = append(out, data[i:end]...)
		}
		i = end
		if typ == "IEND" {
			p.data = out
			return p, nil
		}
	}
}

// pngProfile decompresses an iCCP chunk's profile; nil when it is malformed or too large.
func pngProfile(chunk []byte) []byte {
	nul := bytes.IndexByte(chunk, 0)
	if nul < 1 || nul+2 > len(chunk) || chunk[nul+1] != 0 {
		return nil
	}
	z, err := zlib.NewReader(bytes.NewReader(chunk[nul+2:]))
	if err != nil {
		return nil
	}
	profile, err := io.ReadAll(io.LimitReader(z, maxICC+1))
	if err != nil || len(profile) > maxICC {
		return nil
	}
	return profile
}

// parseGIF drops XMP application extensions and comment extensions, and whatever follows the trailer; it counts
// the frames.
func parseGIF(data []byte) (parsed, error) {
	p := parsed{orientation: 1}
	if len(data) < 13 || (string(data[:6]) != "GIF87a" && string(data[:6]) != "GIF89a") {
		return p, errors.New("it does not start as a GIF file does")
	}
	i := 13
	if flags := data[10]; flags&0x80 != 0 {
		i += 3 << (flags&7 + 1)
	}
	if i > len(data) {
		return p, errTruncated
	}
	out := make([]byte, 0, len(data))
	out = append(out, data[:i]...)
	frames := 0
	for {
		if i >= len(data) {
			return p, errTruncated
		}
		switch data[i] {
		case 0x3B: // trailer
			p.data, p.animated = append(out, 0x3B), frames > 1
			return p, nil
		case 0x21: // extension: label, then data sub-blocks
			if i+2 > len(data) {
				return p, errTruncated
			}
			label := data[i+1]
			end, err := skipSubBlocks(data, i+2)
			if err != nil {
				return p, err
			}
			xmp := label == 0xFF && i+14 <= len(data) && data[i+2] == 11 && string(data[i+3:i+14]) == "XMP DataXMP"
			if !xmp && label != 0xFE {
				out = append(out, data[i:end]...)
			}
			i = end
		case 0x2C: // image descriptor, local colour table, LZW code size, data sub-blocks
			if i+10 > len(data) {
				return p, errTruncated
			}
			j := i + 10
			if flags := data[i+9]; flags&0x80 != 0 {
				j += 3 << (flags&7 + 1)
			}
			end, err := skipSubBlocks(data, j+1)
			if err != nil {
				return p, err
			}
			frames++
			out = append(out, data[i:end]...)
			i = end
		default:
			return p, fmt.Errorf("an unexpected GIF block %#x at byte %d", data[i], i)
		}
	}
}

// skipSubBlocks returns the offset just after the terminating empty sub-block of the run starting at i.
func skipSubBlocks(data []byte, i int) (int, error) {
	for {
		if i >= len(data) {
			return 0, errTruncated
		}
		n := int(data[i])
		i += 1 + n
		if n == 0 {
			return i, nil
		}
	}
}

// parseWebP drops the EXIF and XMP chunks, clears their flags in the VP8X header, fixes the RIFF size, and drops
// whatever follows the RIFF container. WebP is rewritten this way, not re-encoded: Go has no WebP encoder, and
// this keeps the pixels untouched.
func parseWebP(data []byte) (parsed, error) {
	p := parsed{orientation: 1}
	if len(data) < 12 || string(data[:4]) != "RIFF" || string(data[8:12]) != "WEBP" {
		return p, errors.New("it does not start as a WebP file does")
	}
	end := 8 + int64(binary.LittleEndian.Uint32(data[4:]))
	if end > int64(len(data)) {
		return p, errTruncated
	}
	out := make([]byte, 0, len(data))
	out = append(out, "RIFF\x00\x00\x00\x00WEBP"...)
	i := int64(12)
	for i < end {
		if i+8 > end {
			return p, errTruncated
		}
		fourCC := string(data[i : i+4])
		n := int64(binary.LittleEndian.Uint32(data[i+4:]))
		next := i + 8 + n + n&1
		if i+8+n > end {
			return p, errTruncated
		}
		next = min(next, end)
		switch fourCC {
		case "EXIF", "XMP ":
		case "VP8X":
			start := len(out)
			out = append(out, data[i:next]...)
			if n >= 1 {
				p.animated = out[start+8]&0x02 != 0
				out[start+8] &^= 0x04 | 0x08 // XMP and EXIF present
			}
		case "ICCP":
			if n <= maxICC {
				p.icc = data[i+8 : i+8+n]
			}
			out = append(out, data[i:next]...)
		default:
			out = append(out, data[i:next]...)
		}
		i = next
	}
	if len(out)%2 != 0 {
		out = append(out, 0)
	}
	binary.LittleEndian.PutUint32(out[4:], uint32(len(out)-8))
	p.data = out
	return p, nil
}
