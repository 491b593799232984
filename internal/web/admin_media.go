package web

import (
	"context"
	"fmt"
	"html"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/media"
)

// mediaStore is what media uploads and the media library need from storage.
type mediaStore interface {
	CreateMedia(ctx context.Context, it *media.Item) error
	Media(ctx context.Context, id int64) (media.Item, error)
	MediaList(ctx context.Context, f media.Filter) ([]media.Item, int, error)
	UpdateMedia(ctx context.Context, id int64, alt, caption string) error
	DeleteMedia(ctx context.Context, id int64) (media.Item, error)
}

// mediaRoutes registers media uploads, the media library, and the public URLs of uploaded files.
func (s *Server) mediaRoutes(mux *http.ServeMux) {
	mux.Handle("GET /admin/media/{$}", s.admin(s.mediaLibrary))
	mux.Handle("POST /admin/media/{$}", s.admin(s.uploadMedia))
	mux.Handle("GET /admin/media/{id}/edit/{$}", s.admin(s.editMedia))
	mux.Handle("POST /admin/media/{id}/edit/{$}", s.admin(s.editMedia))
	mux.Handle("POST /admin/media/{id}/delete/{$}", s.admin(s.deleteMedia))
	mux.Handle("GET /media/{year}/{month}/{file}", s.page(s.serveMedia))
}

// Who may do what with media, as WordPress has it: contributors cannot upload (they may browse the library and
// insert what is there); authors, editors and administrators upload; administrators and editors edit and delete
// any file, others only the files they uploaded.

func mayUpload(u blog.User) bool { return u.Role != blog.RoleContributor }

func mayChangeMedia(u blog.User, it *media.Item) bool {
	return u.Role == blog.RoleAdmin || u.Role == blog.RoleEditor || (u.ID != 0 && it.Uploader == u.ID)
}

const mediaPerPage = 24

// mediaPage is the library: the upload form, a search, and a page of files. Opened with ?insert=1 (a popup from
// the editor), each file has an Insert button that hands its snippet to the editor.
type mediaPage struct {
	adminPage
	Search    string
	Insert    bool
	CanUpload bool
	Accept    string
	Limits    string
	Error     string // why the last upload was refused
	Alt       string // the refused upload's fields, kept
	Caption   string
	Items     []mediaView
	Total     int
	Newer     string
	Older     string
	Action    string // the upload form's action, keeping ?insert=1
	Return    string
}

// mediaView is one file as the library and the edit page show it.
type mediaView struct {
	ID         int64
	URL        string
	Thumb      string // the narrowest variant, for the grid
	Preview    string // a variant at most 768 pixels wide, for the edit page
	FileName   string
	Name       string
	Type       string
	IsImage    bool
	Size       string
	Dimensions string
	Date       dateView
	Alt        string
	Caption    string
	Snippet    string
	Variants   []string // "300 × 200", for the edit page
	CanEdit    bool
}

func (s *Server) mediaLibrary(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	v, err := s.mediaLibraryPage(r, a)
	if err != nil {
		return err
	}
	return s.views.render(w, http.StatusOK, "admin/media", v)
}

func (s *Server) mediaLibraryPage(r *http.Request, a *adminRequest) (*mediaPage, error) {
	q := r.URL.Query()
	page, err := strconv.Atoi(q.Get("page"))
	if err != nil || page < 1 {
		page = 1
	}
	search := strings.TrimSpace(q.Get("q"))
	items, total, err := s.store.MediaList(r.Context(), media.Filter{Search: search, Limit: mediaPerPage, Offset: (page - 1) * mediaPerPage})
	if err != nil {
		return nil, err
	}
	base, err := s.adminBase(r, a, "Media")
	if err != nil {
		return nil, err
	}
	v := &mediaPage{adminPage: base, Search: search, Insert: q.Get("insert") == "1", CanUpload: mayUpload(a.user), Accept: media.Accept(),
		Limits: fmt.Sprintf("JPEG, PNG, GIF or WebP images up to %d MB and %d megapixels; PDF files up to %d MB.",
			media.MaxImageBytes>>20, media.MaxPixels/1_000_000, media.MaxPDFBytes>>20),
		Total: total, Action: "/admin/media/", Return: r.URL.RequestURI()}
	if v.Insert {
		v.Action += "?insert=1"
	}
	pageURL := func(n int) string {
		u := url.Values{"page": {strconv.Itoa(n)}}
		if search != "" {
			u.Set("q", search)
		}
		if v.Insert {
			u.Set("insert", "1")
		}
		return "/admin/media/?" + u.Encode()
	}
	if page > 1 {
		v.Newer = pageURL(page - 1)
	}
	if page*mediaPerPage < total {
		v.Older = pageURL(page + 1)
	}
	for i := range items {
		v.Items = append(v.Items, newMediaView(&items[i], a))
	}
	return v, nil
}

func newMediaView(it *media.Item, a *adminRequest) mediaView {
	v := mediaView{ID: it.ID, URL: mediaURL(it.Path), FileName: it.FileName(), Name: it.Name, Type: it.Type.Label(), IsImage: it.Type.IsImage(),
		Size: humanSize(it.Size), Date: newDateView(it.Uploaded, a.loc), Alt: it.Alt, Caption: it.Caption, Snippet: mediaSnippet(it),
		CanEdit: mayChangeMedia(a.user, it)}
	if v.IsImage {
		v.Dimensions = fmt.Sprintf("%d × %d", it.Width, it.Height)
		v.Thumb, v.Preview = v.URL, v.URL
		if len(it.Variants) > 0 {
			v.Thumb = mediaURL(it.Variants[0].Path)
		}
		for _, vr := range it.Variants {
			if vr.Width <= 768 {
				v.Preview = mediaURL(vr.Path)
			}
		}
	}
	for _, vr := range it.Variants {
		v.Variants = append(v.Variants, fmt.Sprintf("%d × %d", vr.Width, vr.Height))
	}
	return v
}

// mediaURL is the public URL of a stored file.
func mediaURL(p string) string {
	parts := strings.Split(p, "/")
	for i := range parts {
		parts[i] = url.PathEscape(parts[i])
	}
	return "/media/" + strings.Join(parts, "/")
}

func humanSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// mediaSizes is the sizes attribute of an inserted image: the full width of a phone, else the theme's column.
const mediaSizes = "(max-width: 720px) 100vw, 720px"

// mediaSnippet is what inserts a file into a post. An image is an <img> with every variant and the original in
// srcset, its dimensions (so that the page does not jump as it loads) and alt text, wrapped in a <figure> when it
// has a caption; all on one line, so that Markdown takes it as one raw HTML block. A PDF is a Markdown link named
// by its caption or file name.
func mediaSnippet(it *media.Item) string {
	src := mediaURL(it.Path)
	if !it.Type.IsImage() {
		text := oneLine(it.Caption)
		if text == "" {
			text = it.Name
		}
		return "[" + markdownEscaper.Replace(text) + "](" + src + ")"
	}
	var b strings.Builder
	b.WriteString(`<img src="` + src + `"`)
	if len(it.Variants) > 0 {
		var set []string
		for _, v := range it.Variants {
			set = append(set, mediaURL(v.Path)+" "+strconv.Itoa(v.Width)+"w")
		}
		set = append(set, src+" "+strconv.Itoa(it.Width)+"w")
		b.WriteString(` srcset="` + strings.Join(set, ", ") + `" sizes="` + mediaSizes + `"`)
	}
	fmt.Fprintf(&b, ` width="%d" height="%d" alt="%s" loading="lazy">`, it.Width, it.Height, html.EscapeString(oneLine(it.Alt)))
	if caption := oneLine(it.Caption); caption != "" {
		return "<figure>" + b.String() + "<figcaption>" + html.EscapeString(caption) + "</figcaption></figure>"
	}
	return b.String()
}

// oneLine collapses runs of white space, new lines included: a blank line would end a raw HTML block.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

var markdownEscaper = strings.NewReplacer(`\`, `\\`, `[`, `\[`, `]`, `\]`, `*`, `\*`, `_`, `\_`, "`", "\\`", `<`, `\<`, `>`, `\>`, `!`, `\!`)

// uploadMedia stores one uploaded file. A refusal (wrong type, name that does not match the content, too large,
// too many pixels) shows the library again with the reason and the fields kept, and stores nothing.
func (s *Server) uploadMedia(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	if !mayUpload(a.user) {
		return blog.Errorf(blog.EFORBIDDEN, "contributors cannot upload files")
	}
	it := media.Item{Alt: strings.TrimSpace(r.PostFormValue("alt")), Caption: strings.TrimSpace(r.PostFormValue("caption")), Uploader: a.user.ID}
	refuse := func(err error) error {
		v, lerr := s.mediaLibraryPage(r, a)
		if lerr != nil {
			return lerr
		}
		v.Error, v.Alt, v.Caption = blog.ErrorMessage(err), it.Alt, it.Caption
		return s.views.render(w, http.StatusUnprocessableEntity, "admin/media", v)
	}
	if err := it.Validate(); err != nil {
		return refuse(err)
	}
	file, header, err := r.FormFile("file")
	if err != nil {
		return refuse(blog.Errorf(blog.EINVALID, "choose a file to upload"))
	}
	defer file.Close()
	staged, err := media.Dir(s.mediaDir).Stage(r.Context(), media.Upload{Name: header.Filename, Body: file}, a.now.In(a.loc))
	if blog.ErrorCode(err) == blog.EINVALID {
		s.log.InfoContext(r.Context(), "upload refused", "user", a.user.ID, "file", header.Filename, "reason", err)
		return refuse(err)
	}
	if err != nil {
		return err
	}
	defer func() {
		if err := staged.Discard(); err != nil {
			s.log.ErrorContext(r.Context(), "remove temporary upload files", "err", err)
		}
	}()
	if err := staged.Save(&it, func(it *media.Item) error { return s.store.CreateMedia(r.Context(), it) }); err != nil {
		return err
	}
	s.log.InfoContext(r.Context(), "uploaded", "user", a.user.ID, "media", it.ID, "path", it.Path, "bytes", it.Size)
	back := "/admin/media/"
	if r.URL.Query().Get("insert") == "1" {
		back += "?insert=1"
	}
	http.Redirect(w, r, s.withNotice(back, "Uploaded "+it.FileName()+"."), http.StatusSeeOther)
	return nil
}

// mediaEditPage edits a file's alt text and caption, shows its snippet, and offers to delete it.
type mediaEditPage struct {
	adminPage
	Item   mediaView
	Error  string
	Return string
}

func (s *Server) mediaForChange(r *http.Request, a *adminRequest) (media.Item, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return media.Item{}, errNotFound
	}
	it, err := s.store.Media(r.Context(), id)
	if err != nil {
		return it, err
	}
	if !mayChangeMedia(a.user, &it) {
		return it, blog.Errorf(blog.EFORBIDDEN, "you may change only the files you uploaded")
	}
	return it, nil
}

func (s *Server) editMedia(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	it, err := s.mediaForChange(r, a)
	if err != nil {
		return err
	}
	base, err := s.adminBase(r, a, "Edit "+it.FileName())
	if err != nil {
		return err
	}
	v := &mediaEditPage{adminPage: base, Return: localPath(r.URL.Query().Get("return"), "/admin/media/")}
	status := http.StatusOK
	if r.Method == http.MethodPost {
		v.Return = localPath(r.PostFormValue("return"), "/admin/media/")
		it.Alt, it.Caption = strings.TrimSpace(r.PostFormValue("alt")), strings.TrimSpace(r.PostFormValue("caption"))
		if err := it.Validate(); err != nil {
			v.Error, status = blog.ErrorMessage(err), http.StatusUnprocessableEntity
		} else {
			if err := s.store.UpdateMedia(r.Context(), it.ID, it.Alt, it.Caption); err != nil {
				return err
			}
			http.Redirect(w, r, s.withNotice(v.Return, "Saved "+it.FileName()+"."), http.StatusSeeOther)
			return nil
		}
	}
	v.Item = newMediaView(&it, a)
	return s.views.render(w, status, "admin/media-edit", v)
}

// deleteMedia forgets a file, then removes it and its variants from disk; a file that cannot be removed is
// logged, and stays unreachable from the library.
func (s *Server) deleteMedia(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	it, err := s.mediaForChange(r, a)
	if err != nil {
		return err
	}
	if it, err = s.store.DeleteMedia(r.Context(), it.ID); err != nil {
		return err
	}
	if err := media.Dir(s.mediaDir).Remove(it.Paths()); err != nil {
		s.log.ErrorContext(r.Context(), "remove deleted media files", "media", it.ID, "err", err)
	}
	s.log.InfoContext(r.Context(), "deleted media", "user", a.user.ID, "media", it.ID, "path", it.Path)
	http.Redirect(w, r, s.withNotice(localPath(r.PostFormValue("return"), "/admin/media/"), "Deleted "+it.FileName()+"."), http.StatusSeeOther)
	return nil
}

// serveMedia serves an uploaded file with the type its extension (checked against its content at upload) names,
// never sniffed, cached for a year. A PDF is shown inline by the browser's viewer, under its file name; the
// site's page policy (which forbids plugins) is replaced for it by one that only forbids framing.
func (s *Server) serveMedia(w http.ResponseWriter, r *http.Request) error {
	f, format, err := media.Dir(s.mediaDir).Open(r.PathValue("year"), r.PathValue("month"), r.PathValue("file"))
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("media: %w", err)
	}
	h := w.Header()
	h.Set("Content-Type", string(format))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "public, max-age=31536000")
	if format == media.PDF {
		h.Set("Content-Disposition", mime.FormatMediaType("inline", map[string]string{"filename": r.PathValue("file")}))
		h.Set("Content-Security-Policy", "frame-ancestors 'none'")
	}
	http.ServeContent(w, r, "", st.ModTime(), f)
	return nil
}
