package media

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"math"

	"golang.org/x/image/draw"
	"golang.org/x/image/webp"

	"github.com/salon-blog/salon/internal/blog"
)

// checkedImage is an image upload that passed every check, stripped of its metadata.
type checkedImage struct {
	parsed
	format        Format
	width, height int         // as displayed: swapped from the stored ones when the EXIF orientation turns it
	img           image.Image // decoded, in stored orientation; nil for an animated WebP, which Go cannot decode
}

// checkImage strips an image, reads its dimensions from its header and refuses one of more than MaxPixels before
// decoding anything, then decodes it whole, so that a damaged file is refused now rather than shown broken later.
func checkImage(f Format, name string, data []byte) (checkedImage, error) {
	c := checkedImage{format: f}
	p, err := parse(f, data)
	if err != nil {
		return c, blog.Errorf(blog.EINVALID, "%s is not a valid %s image: %v", name, f.Label(), err)
	}
	c.parsed = p
	cfg, err := decodeConfig(f, p.data)
	if err != nil {
		return c, blog.Errorf(blog.EINVALID, "%s is not a valid %s image: its header cannot be read", name, f.Label())
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return c, blog.Errorf(blog.EINVALID, "%s is not a valid %s image: it has no pixels", name, f.Label())
	}
	if px := int64(cfg.Width) * int64(cfg.Height); px > MaxPixels {
		return c, blog.Errorf(blog.EINVALID, "%s is %d × %d pixels (%.1f megapixels); Salon accepts images of up to %d megapixels: scale it down and upload it again",
			name, cfg.Width, cfg.Height, float64(px)/1e6, MaxPixels/1_000_000)
	}
	c.width, c.height = cfg.Width, cfg.Height
	if c.orientation >= 5 {
		c.width, c.height = c.height, c.width
	}
	if f == WebP && c.animated {
		return c, nil
	}
	if c.img, err = decode(f, p.data); err != nil {
		return c, blog.Errorf(blog.EINVALID, "%s is not a valid %s image: it is damaged or incomplete", name, f.Label())
	}
	return c, nil
}

func decodeConfig(f Format, data []byte) (image.Config, error) {
	r := bytes.NewReader(data)
	switch f {
	case JPEG:
		return jpeg.DecodeConfig(r)
	case PNG:
		return png.DecodeConfig(r)
	case GIF:
		return gif.DecodeConfig(r)
	case WebP:
		return webp.DecodeConfig(r)
	}
	return image.Config{}, fmt.Errorf("%s is not an image format", f)
}

// decode decodes an image; of an animated GIF or PNG, the first frame.
func decode(f Format, data []byte) (image.Image, error) {
	r := bytes.NewReader(data)
	switch f {
	case JPEG:
		return jpeg.Decode(r)
	case PNG:
		return png.Decode(r)
	case GIF:
		return gif.Decode(r)
	case WebP:
		return webp.Decode(r)
	}
	return nil, fmt.Errorf("%s is not an image format", f)
}

// encoded is a resized variant, ready to write.
type encoded struct {
	width, height int
	ext           string
	data          []byte
}

// variantFormat is what an image's variants are written as: JPEG stays JPEG and PNG stays PNG; a still GIF's
// variants are PNG (its first and only frame); WebP's are JPEG, or PNG when the picture has transparency, since Go
// cannot write WebP.
func variantFormat(c *checkedImage) Format {
	switch c.format {
	case JPEG:
		return JPEG
	case WebP:
		if o, ok := c.img.(interface{ Opaque() bool }); ok && o.Opaque() {
			return JPEG
		}
	}
	return PNG
}

// makeVariants resizes an image to each width in variantWidths narrower than it, keeping its aspect ratio, with
// Catmull-Rom resampling; each variant is scaled from the next wider one, which costs a fraction of scaling each
// from the original and looks the same. Variants are turned the way the EXIF orientation says, since they carry
// no EXIF, and carry the original's colour profile. Animated images get none: a variant would be a still.
func makeVariants(ctx context.Context, c *checkedImage) ([]encoded, error) {
	if c.animated || c.img == nil {
		return nil, nil
	}
	var widths []int
	for _, w := range variantWidths {
		if w < c.width {
			widths = append(widths, w)
		}
	}
	out := make([]encoded, len(widths))
	vf := variantFormat(c)
	src := c.img
	for k := len(widths) - 1; k >= 0; k-- {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		w := widths[k]
		h := max(1, int(math.Round(float64(c.height)*float64(w)/float64(c.width))))
		sw, sh := w, h // in stored orientation
		if c.orientation >= 5 {
			sw, sh = h, w
		}
		dst := image.NewRGBA(image.Rect(0, 0, sw, sh))
		draw.CatmullRom.Scale(dst, dst.Bounds(), src, src.Bounds(), draw.Src, nil)
		src = dst
		data, err := encode(vf, orient(dst, c.orientation), c.icc)
		if err != nil {
			return nil, err
		}
		out[k] = encoded{width: w, height: h, ext: vf.extensions()[0], data: data}
	}
	return out, nil
}

func encode(f Format, img image.Image, icc []byte) ([]byte, error) {
	if !rgbProfile(icc) {
		icc = nil // a CMYK or grey profile would misread the RGB variant
	}
	var b bytes.Buffer
	if f == JPEG {
		if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: JPEGQuality}); err != nil {
			return nil, fmt.Errorf("encode a JPEG variant: %w", err)
		}
		return withJPEGProfile(b.Bytes(), icc), nil
	}
	if err := png.Encode(&b, img); err != nil {
		return nil, fmt.Errorf("encode a PNG variant: %w", err)
	}
	return withPNGProfile(b.Bytes(), icc), nil
}

// rgbProfile reports whether an ICC profile describes RGB colours: its header names the data colour space at
// bytes 16 to 19.
func rgbProfile(icc []byte) bool { return len(icc) >= 128 && string(icc[16:20]) == "RGB " }

// orient turns an image from its stored orientation to the one EXIF orientation o says it is shown in.
func orient(src *image.RGBA, o int) *image.RGBA {
	if o <= 1 || o > 8 {
		return src
	}
	sw, sh := src.Rect.Dx(), src.Rect.Dy()
	dw, dh := sw, sh
	if o >= 5 {
		dw, dh = sh, sw
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for dy := range dh {
		for dx := range dw {
			var sx, sy int
			switch o {
			case 2: // mirrored
				sx, sy = sw-1-dx, dy
			case 3: // upside down
				sx, sy = sw-1-dx, sh-1-dy
			case 4: // mirrored upside down
				sx, sy = dx, sh-1-dy
			case 5: // transposed
				sx, sy = dy, dx
			case 6: // turned a quarter clockwise to show
				sx, sy = dy, sh-1-dx
			case 7: // transversed
				sx, sy = sw-1-dy, sh-1-dx
			case 8: // turned a quarter anticlockwise to show
				sx, sy = sw-1-dy, dx
			}
			copy(dst.Pix[dst.PixOffset(dx, dy):dst.PixOffset(dx, dy)+4], src.Pix[src.PixOffset(sx, sy):src.PixOffset(sx, sy)+4])
		}
	}
	return dst
}

// withJPEGProfile inserts an ICC profile after SOI as APP2 segments of at most 65,519 bytes of profile each.
func withJPEGProfile(jpg, icc []byte) []byte {
	if len(icc) == 0 || len(jpg) < 2 {
		return jpg
	}
	const per = 65535 - 2 - 14
	count := (len(icc) + per - 1) / per
	if count > 255 {
		return jpg
	}
	out := make([]byte, 0, len(jpg)+len(icc)+count*18)
	out = append(out, jpg[:2]...)
	for seq := range count {
		part := icc[seq*per : min(len(icc), (seq+1)*per)]
		n := 2 + len(iccHeader) + 2 + len(part)
		out = append(out, 0xFF, 0xE2, byte(n>>8), byte(n))
		out = append(out, iccHeader...)
		out = append(out, byte(seq+1), byte(count))
		out = append(out, part...)
	}
	return append(out, jpg[2:]...)
}

// withPNGProfile inserts an iCCP chunk after IHDR.
func withPNGProfile(p, icc []byte) []byte {
	const afterIHDR = 8 + 8 + 13 + 4
	if len(icc) == 0 || len(p) < afterIHDR {
		return p
	}
	var z bytes.Buffer
	z.WriteString("icc\x00\x00")
	zw := zlib.NewWriter(&z)
	if _, err := zw.Write(icc); err != nil {
		return p
	}
	if err := zw.Close(); err != nil {
		return p
	}
	body := z.Bytes()
	chunk := binary.BigEndian.AppendUint32(nil, uint32(len(body)))
	chunk = append(chunk, "iCCP"...)
	chunk = append(chunk, body...)
	chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(chunk[4:]))
	out := make([]byte, 0, len(p)+len(chunk))
	out = append(out, p[:afterIHDR]...)
	out = append(out, chunk...)
	return append(out, p[afterIHDR:]...)
}
