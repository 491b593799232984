package media

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/salon-blog/salon/internal/blog"
)

// Dir is the media folder: files live in Dir/YYYY/MM/, named after the uploaded file.
type Dir string

// Upload is a file as the browser sent it.
type Upload struct {
	Name string // the file's name on the uploader's computer
	Body io.Reader
}

// Staged is an upload that passed every check, written to temporary files in the folder it will live in. Save
// gives the files their names; Discard removes whatever Save did not keep. Nothing of a staged upload is visible
// at a media URL until Save.
type Staged struct {
	dir      Dir
	folder   string // "2024/06"
	base     string // "harbour"
	ext      string // ".jpg"
	item     Item   // Name, Type, Size, Width, Height
	tmp      string
	variants []stagedVariant
}

type stagedVariant struct {
	width, height int
	ext           string
	size          int64
	tmp           string
}

// Stage checks an upload and writes it, and an image's variants, to temporary files in the folder of the month
// when was in (the upload time in the site's zone). A refusal is a blog.EINVALID error written for the uploader;
// on any error nothing is left on disk.
func (d Dir) Stage(ctx context.Context, up Upload, when time.Time) (_ *Staged, err error) {
	if d == "" {
		return nil, errors.New("media: no media folder is configured")
	}
	name := displayName(up.Name)
	br := bufio.NewReaderSize(up.Body, 512)
	head, err := br.Peek(512)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, fmt.Errorf("media: read upload %s: %w", name, err)
	}
	f, err := Detect(head, name)
	if err != nil {
		return nil, err
	}
	s := &Staged{dir: d, folder: when.Format("2006/01"), base: fileBase(name), ext: strings.ToLower(path.Ext(name)),
		item: Item{Name: OriginalName(up.Name), Type: f}}
	defer func() {
		if err != nil {
			err = errors.Join(err, s.Discard())
		}
	}()
	if err := os.MkdirAll(s.abs(s.folder), 0o755); err != nil {
		return nil, fmt.Errorf("media: make folder %s: %w", s.folder, err)
	}
	body := io.LimitReader(br, f.MaxBytes()+1)
	if f == PDF {
		n, err := s.writeTemp(&s.tmp, func(w io.Writer) (int64, error) { return io.Copy(w, body) })
		if err != nil {
			return nil, err
		}
		if n > f.MaxBytes() {
			return nil, tooLarge(name, f)
		}
		s.item.Size = n
		return s, nil
	}
	data, err := io.ReadAll(body)
	if err != nil {
		return nil, fmt.Errorf("media: read upload %s: %w", name, err)
	}
	if int64(len(data)) > f.MaxBytes() {
		return nil, tooLarge(name, f)
	}
	c, err := checkImage(f, name, data)
	if err != nil {
		return nil, err
	}
	variants, err := makeVariants(ctx, &c)
	if err != nil {
		return nil, fmt.Errorf("media: resize %s: %w", name, err)
	}
	s.item.Width, s.item.Height = c.width, c.height
	if s.item.Size, err = s.writeTemp(&s.tmp, writeBytes(c.data)); err != nil {
		return nil, err
	}
	for _, v := range variants {
		sv := stagedVariant{width: v.width, height: v.height, ext: v.ext}
		if sv.size, err = s.writeTemp(&sv.tmp, writeBytes(v.data)); err != nil {
			return nil, err
		}
		s.variants = append(s.variants, sv)
	}
	return s, nil
}

func tooLarge(name string, f Format) error {
	kind := "images"
	if f == PDF {
		kind = "PDF files"
	}
	return blog.Errorf(blog.EINVALID, "%s is larger than %d MB, the most Salon accepts for %s", name, f.MaxBytes()>>20, kind)
}

func writeBytes(b []byte) func(io.Writer) (int64, error) {
	return func(w io.Writer) (int64, error) {
		n, err := w.Write(b)
		return int64(n), err
	}
}

// writeTemp writes a temporary file in the staged folder, recording its path in *tmp before anything is written,
// so that Discard finds it whatever happens.
func (s *Staged) writeTemp(tmp *string, write func(io.Writer) (int64, error)) (int64, error) {
	f, err := os.CreateTemp(s.abs(s.folder), ".upload-*.tmp")
	if err != nil {
		return 0, fmt.Errorf("media: create a temporary file: %w", err)
	}
	*tmp = f.Name()
	n, err := write(f)
	if err = errors.Join(err, f.Close()); err != nil {
		return n, fmt.Errorf("media: write %s: %w", f.Name(), err)
	}
	return n, nil
}

func (s *Staged) abs(slashPath string) string {
	return filepath.Join(string(s.dir), filepath.FromSlash(slashPath))
}

// Format is the staged file's format.
func (s *Staged) Format() Format { return s.item.Type }

// maxNameTries bounds the search for a free name; past it the folder is surely not the problem's cause.
const maxNameTries = 1000

// Save gives the staged files their names and calls record with the item, filled in (Path, Name, Type, Size,
// Width, Height, Variants) over what the caller set (Alt, Caption, Uploader). The name is the uploaded one made
// safe ("Harbour at Dawn.JPG" → "harbour-at-dawn.jpg"), or the first of "-2", "-3", … for which the original and
// every variant are free on disk and record does not answer blog.ECONFLICT (a row names the path already). A file
// name is claimed atomically (a hard link, or an exclusive create), so that two uploads never share one. When
// record fails, the files it was given are removed again. Save does not remove the temporary files: Discard does.
func (s *Staged) Save(it *Item, record func(*Item) error) error {
	for try := 1; try <= maxNameTries; try++ {
		base := s.base
		if try > 1 {
			base += "-" + strconv.Itoa(try)
		}
		it.Name, it.Type, it.Size, it.Width, it.Height = s.item.Name, s.item.Type, s.item.Size, s.item.Width, s.item.Height
		it.Path = s.folder + "/" + base + s.ext
		it.Variants = nil
		for _, v := range s.variants {
			it.Variants = append(it.Variants, Variant{Path: s.folder + "/" + base + "-" + strconv.Itoa(v.width) + "w" + v.ext,
				Width: v.width, Height: v.height, Size: v.size})
		}
		claimed, err := s.claim(it)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return err
		}
		err = record(it)
		if err == nil {
			return nil
		}
		if rerr := s.dir.Remove(claimed); rerr != nil {
			return errors.Join(err, rerr)
		}
		if blog.ErrorCode(err) != blog.ECONFLICT {
			return err
		}
	}
	return fmt.Errorf("media: no free name for %s%s in %s", s.base, s.ext, s.folder)
}

// claim puts the staged files at the item's paths, all or none; fs.ErrExist when a name is taken.
func (s *Staged) claim(it *Item) ([]string, error) {
	tmps := []string{s.tmp}
	for _, v := range s.variants {
		tmps = append(tmps, v.tmp)
	}
	var claimed []string
	for i, p := range it.Paths() {
		if err := place(tmps[i], s.abs(p)); err != nil {
			return nil, errors.Join(err, s.dir.Remove(claimed))
		}
		claimed = append(claimed, p)
	}
	return claimed, nil
}

// place makes dst a copy of src, failing with fs.ErrExist if dst exists: a hard link where the file system has
// them, else an exclusive create and a copy.
func place(src, dst string) error {
	err := os.Link(src, dst)
	if err == nil || errors.Is(err, fs.ErrExist) {
		return err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	in, err := os.Open(src)
	if err != nil {
		return errors.Join(err, out.Close(), os.Remove(dst))
	}
	defer in.Close()
	if _, err := io.Copy(out, in); err != nil {
		return errors.Join(err, out.Close(), os.Remove(dst))
	}
	if err := out.Close(); err != nil {
		return errors.Join(err, os.Remove(dst))
	}
	return nil
}

// Discard removes the staged temporary files. It is safe to call more than once, and after Save.
func (s *Staged) Discard() error {
	var errs []error
	for _, p := range append([]string{s.tmp}, variantTemps(s.variants)...) {
		if p == "" {
			continue
		}
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func variantTemps(vs []stagedVariant) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.tmp)
	}
	return out
}

// Remove deletes files by their paths within the folder; a file already gone is not an error.
func (d Dir) Remove(paths []string) error {
	var errs []error
	for _, p := range paths {
		if !validPath(p) {
			errs = append(errs, fmt.Errorf("media: refuse to remove %q", p))
			continue
		}
		if err := os.Remove(filepath.Join(string(d), filepath.FromSlash(p))); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Open opens the file a media URL names, /media/{year}/{month}/{file}, and returns its format. Anything but a
// four-digit year, a two-digit month and a plain file name with a known extension is blog.ENOTFOUND, as is a
// path that would leave the folder: the file is opened through os.Root, which refuses to.
func (d Dir) Open(year, month, file string) (*os.File, Format, error) {
	p := year + "/" + month + "/" + file
	f, ok := FormatByExt(path.Ext(file))
	if d == "" || !validPath(p) || !ok {
		return nil, "", blog.Errorf(blog.ENOTFOUND, "no media file %s", p)
	}
	root, err := os.OpenRoot(string(d))
	if err != nil {
		return nil, "", fmt.Errorf("media: open the media folder: %w", err)
	}
	defer root.Close()
	// Salon never makes links; one that is there is not followed, in or out of the folder.
	if st, err := root.Lstat(p); err != nil || !st.Mode().IsRegular() {
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, "", fmt.Errorf("media: open %s: %w", p, err)
		}
		return nil, "", blog.Errorf(blog.ENOTFOUND, "no media file %s", p)
	}
	fh, err := root.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, "", blog.Errorf(blog.ENOTFOUND, "no media file %s", p)
	}
	if err != nil {
		return nil, "", fmt.Errorf("media: open %s: %w", p, err)
	}
	return fh, f, nil
}

// validPath reports whether p has the shape of a stored file's path: YYYY/MM/name, where the name does not start
// with a dot (temporary files do) and holds no separator.
func validPath(p string) bool {
	parts := strings.Split(p, "/")
	if len(parts) != 3 || !digits(parts[0], 4) || !digits(parts[1], 2) {
		return false
	}
	name := parts[2]
	return name != "" && name[0] != '.' && !strings.ContainsAny(name, "\\\x00:") && len(name) <= 255
}

func digits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
