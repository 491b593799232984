package web

import (
	"bytes"
	"context"
	"crypto/hmac"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"time"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/transfer"
)

// Transfers imports and exports whole sites (transfer.Site).
type Transfers interface {
	ImportWordPress(ctx context.Context, r io.Reader, size int64, progress func(transfer.Progress)) (transfer.Report, error)
	ImportDisqus(ctx context.Context, r io.Reader, size int64, progress func(transfer.Progress)) (transfer.Report, error)
	ExportWordPress(ctx context.Context, w io.Writer, site string) error
}

// maxImport bounds an uploaded export. The file is never held whole: it streams into the import as it arrives.
const maxImport = 4 << 30

// moveSite is what only administrators may do here: moving a whole site in and out.
const moveSite = "import and export the site"

func (s *Server) transferRoutes(mux *http.ServeMux) {
	mux.Handle("GET /admin/transfer/{$}", s.adminsOnly(moveSite, s.transferScreen))
	mux.Handle("POST /admin/transfer/import/{$}", s.adminWith(false, onlyAdmins(moveSite, s.importUpload)))
	mux.Handle("GET /admin/transfer/wordpress.xml", s.adminsOnly(moveSite, s.exportDownload))
}

type transferPage struct {
	adminPage
	Available bool
	Kind      string // the import last chosen
	Error     string
	Running   bool // the page streams an import's progress, then its report
}

func (s *Server) transferScreen(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	base, err := s.adminBase(r, a, "Import and export")
	if err != nil {
		return err
	}
	return s.views.render(w, http.StatusOK, "admin/transfer", &transferPage{adminPage: base, Available: s.transfers != nil, Kind: "wordpress"})
}

// importUpload reads the form as a stream (its token and kind come before the file, in the form's order), runs
// the import on the file as it arrives, and answers with a page that shows the import's progress while it runs:
// the page is sent in pieces, so this works without JavaScript.
func (s *Server) importUpload(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	if s.transfers == nil {
		return blog.Errorf(blog.EUNAVAILABLE, "this server does not offer imports")
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxImport)
	s.lift(w)
	mr, err := r.MultipartReader()
	if err != nil {
		return blog.Errorf(blog.EINVALID, "the upload could not be read: choose a file and send the form again")
	}
	var token, kind string
	var file *multipart.Part
	for file == nil {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return blog.Errorf(blog.EINVALID, "the upload could not be read: choose a file and send the form again")
		}
		switch part.FormName() {
		case "csrf", "kind":
			v, err := io.ReadAll(io.LimitReader(part, 256))
			if err != nil {
				return blog.Errorf(blog.EINVALID, "the upload could not be read: choose a file and send the form again")
			}
			if part.FormName() == "csrf" {
				token = string(v)
			} else {
				kind = string(v)
			}
		case "file":
			file = part
		}
	}
	if !hmac.Equal([]byte(token), []byte(s.csrfToken(a.sessionHash))) {
		return blog.Errorf(blog.EFORBIDDEN, "this form has expired; go back, reload the page and try again")
	}
	base, err := s.adminBase(r, a, "Import and export")
	if err != nil {
		return err
	}
	page := &transferPage{adminPage: base, Available: true, Kind: kind, Running: true}
	run := s.transfers.ImportWordPress
	switch {
	case kind == "disqus":
		run = s.transfers.ImportDisqus
	case kind != "wordpress":
		page.Kind, page.Running, page.Error = "wordpress", false, "Choose what kind of export the file is."
	case file == nil || file.FileName() == "":
		page.Running, page.Error = false, "Choose the export file to import."
	}
	if !page.Running {
		return s.views.render(w, http.StatusUnprocessableEntity, "admin/transfer", page)
	}
	return s.streamImport(w, r, page, run, file)
}

// lift removes the server's read and write deadlines from a request that moves a whole site: a large import or
// export takes longer than any page, and the person waiting sees its progress.
func (s *Server) lift(w http.ResponseWriter) {
	rc := http.NewResponseController(w)
	if err := errors.Join(rc.SetReadDeadline(time.Time{}), rc.SetWriteDeadline(time.Time{})); err != nil {
		s.log.Warn("lift the deadlines of a site transfer", "err", err)
	}
}

// progressMark is where, in the rendered page, the import's progress and report are written as they come.
var progressMark = []byte(`<li class="progress-mark" hidden></li>`)

func (s *Server) streamImport(w http.ResponseWriter, r *http.Request, page *transferPage, run func(context.Context, io.Reader, int64, func(transfer.Progress)) (transfer.Report, error), file io.Reader) error {
	tmpl := s.views.pages["admin/transfer"]
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, page); err != nil {
		return fmt.Errorf("render import page: %w", err)
	}
	head, tail, ok := bytes.Cut(buf.Bytes(), progressMark)
	if !ok {
		return fmt.Errorf("render import page: the progress mark is missing")
	}
	rc := http.NewResponseController(w)
	// The page starts before the upload has all arrived. Without full duplex, HTTP/1.1 ends the request's body
	// when the answer starts: the server reads and drops what is left of a small upload, and the import reads
	// nothing more. HTTP/2 always allows it.
	if err := rc.EnableFullDuplex(); err != nil && r.ProtoMajor < 2 {
		return fmt.Errorf("stream the import page while reading the upload: %w", err)
	}
	// An import that stops early leaves the upload unread. In full duplex the server, finishing the request,
	// would read the rest itself and then read the next request at the same time, and panic (golang/go#68560);
	// closing the body here, while the handler still runs, reads the rest before the server's own reading starts.
	defer r.Body.Close()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("X-Accel-Buffering", "no") // nginx: pass each piece on at once
	w.WriteHeader(http.StatusOK)
	write := func(name string, data any) {
		if err := tmpl.ExecuteTemplate(w, name, data); err != nil {
			s.log.Error("render import progress", "err", err)
		}
		if err := rc.Flush(); err != nil && !errors.Is(err, http.ErrNotSupported) {
			s.log.Debug("flush import progress", "err", err)
		}
	}
	w.Write(head)
	size, _ := strconv.ParseInt(r.Header.Get("Content-Length"), 10, 64)
	last := time.Time{}
	rep, err := run(r.Context(), file, size, func(p transfer.Progress) {
		if now := time.Now(); now.Sub(last) >= 500*time.Millisecond {
			last = now
			write("transfer-progress", p)
		}
	})
	if err != nil {
		if blog.ErrorCode(err) != blog.EINVALID {
			s.log.Error("import", "err", err)
			err = blog.Errorf(blog.EINTERNAL, "the import failed on the server's side; nothing was imported")
		}
		write("transfer-failed", blog.ErrorMessage(err))
	} else {
		write("transfer-report", &rep)
	}
	_, werr := w.Write(tail)
	return werr
}

// exportDownload sends the whole site as a WordPress export, written as it is read.
func (s *Server) exportDownload(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	if s.transfers == nil {
		return blog.Errorf(blog.EUNAVAILABLE, "this server does not offer exports")
	}
	site := a.base
	s.lift(w)
	name := blog.Slugify(a.settings.Title)
	if name == "" {
		name = "salon"
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.wordpress.%s.xml"`, name, a.now.Format("2006-01-02")))
	if err := s.transfers.ExportWordPress(r.Context(), w, site); err != nil {
		// The headers are gone: the download ends short, and the log says why.
		s.log.Error("export", "err", err)
	}
	return nil
}
