package web_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"golang.org/x/image/webp"
	"golang.org/x/net/html"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/markup"
	"github.com/salon-blog/salon/internal/media"
	"github.com/salon-blog/salon/internal/web"
)

// mediaSite is a site with a media folder, and users of every role signed in, each in their own browser.
type mediaSite struct {
	*site
	dir     string // the media folder
	secret  string // a file beside it that no URL may reach
	browser map[string]*reader
	token   map[string]string
}

const mediaPassword = "correct horse"

func newMediaSite(t *testing.T, settings map[string]string) *mediaSite {
	t.Helper()
	proxies, err := web.ParseProxies("127.0.0.1,::1")
	if err != nil {
		t.Fatal(err)
	}
	s := newSite(t, settings, proxies)
	data := t.TempDir()
	m := &mediaSite{site: s, dir: filepath.Join(data, "media"), secret: filepath.Join(data, "secret.jpg"), browser: map[string]*reader{}, token: map[string]string{}}
	if err := os.WriteFile(m.secret, []byte("secret-content"), 0o644); err != nil {
		t.Fatal(err)
	}
	s.srv = startSiteWith(t, web.Config{Store: s.store, Proxies: proxies, Now: s.clock.Now, MediaDir: m.dir})
	s.client = noRedirects(s.srv)
	for i, who := range []struct {
		name string
		role blog.Role
	}{{"admin", blog.RoleAdmin}, {"editor", blog.RoleEditor}, {"author", blog.RoleAuthor}, {"author2", blog.RoleAuthor}, {"contributor", blog.RoleContributor}} {
		s.addUser(t, who.name+"@media.example", "Media "+who.name, who.role, mediaPassword)
		rd := s.reader(t, "198.51.100."+strconv.Itoa(10+i))
		rd.signIn(t, who.name+"@media.example", mediaPassword)
		m.browser[who.name] = rd
		m.token[who.name] = csrf(t, rd.get(t, "/admin/"))
	}
	return m
}

// upload sends the upload form as a browser does, with the file's content and the name it had on disk.
func (rd *reader) upload(t *testing.T, path, token, name string, content []byte, fields map[string]string) response {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	if token != "" {
		fields = mapWith(fields, "csrf", token)
	}
	for k, v := range fields {
		if err := w.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if name != "" {
		part, err := w.CreateFormFile("file", name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := part.Write(content); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest("POST", rd.s.srv.URL+path, &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("X-Forwarded-For", rd.ip)
	res, err := rd.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return readResponse(t, res)
}

func mapWith(m map[string]string, k, v string) map[string]string {
	out := map[string]string{k: v}
	for k, v := range m {
		out[k] = v
	}
	return out
}

func mediaFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "media", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// uploadAs uploads a testdata file as one of the site's users and expects it stored.
func (m *mediaSite) uploadAs(t *testing.T, who, file, name string, fields map[string]string) media.Item {
	t.Helper()
	r := m.browser[who].upload(t, "/admin/media/", m.token[who], name, mediaFile(t, file), fields)
	if r.status != http.StatusSeeOther {
		t.Fatalf("upload %s as %s = %d:\n%s", name, who, r.status, formError(r))
	}
	items, _, err := m.store.MediaList(context.Background(), media.Filter{Limit: 1})
	if err != nil || len(items) == 0 {
		t.Fatalf("after upload: %v", err)
	}
	return items[0]
}

func formError(r response) string {
	if r.doc == nil {
		return r.body
	}
	return strings.Join(texts(find(r.doc, ".form-error")), "\n")
}

// diskFiles lists the media folder's files as slash paths.
func (m *mediaSite) diskFiles(t *testing.T) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(m.dir, func(p string, d os.DirEntry, err error) error {
		if os.IsNotExist(err) {
			return nil
		}
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(m.dir, p)
		out = append(out, filepath.ToSlash(rel))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

func (m *mediaSite) count(t *testing.T) int {
	t.Helper()
	_, total, err := m.store.MediaList(context.Background(), media.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	return total
}

// snippetOf reads an item's snippet from the library page.
func snippetOf(t *testing.T, r response, id int64) string {
	t.Helper()
	for _, n := range find(r.doc, "textarea") {
		if attr(n, "id") == "snippet-"+strconv.FormatInt(id, 10) {
			return text(n)
		}
	}
	t.Fatalf("no snippet for %d on the page", id)
	return ""
}

func decodeImage(t *testing.T, contentType string, b []byte) image.Image {
	t.Helper()
	var img image.Image
	var err error
	switch contentType {
	case "image/jpeg":
		img, err = jpeg.Decode(bytes.NewReader(b))
	case "image/png":
		img, err = png.Decode(bytes.NewReader(b))
	case "image/gif":
		img, err = gif.Decode(bytes.NewReader(b))
	case "image/webp":
		img, err = webp.Decode(bytes.NewReader(b))
	default:
		t.Fatalf("not an image type: %q", contentType)
	}
	if err != nil {
		t.Fatalf("decode %s: %v", contentType, err)
	}
	return img
}

func samePicture(a, b image.Image) bool {
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

// gpsLatitude is the GPS position the test images carry in EXIF (see internal/media's testdata generator).
var gpsLatitude = []byte{0, 0, 0, 48, 0, 0, 0, 1, 0, 0, 0, 51, 0, 0, 0, 1, 0, 0, 0x0b, 0x58, 0, 0, 0, 100}

// Each accepted type is stored, listed, served with its type and cache headers, stripped of its location, and
// given the variants its width calls for, which the snippet's srcset lists.
func TestMediaUploadEachType(t *testing.T) {
	m := newMediaSite(t, nil)
	for _, tt := range []struct {
		file, name  string
		contentType string
		path        string
		dimensions  string
		variants    []int
		variantType string
	}{
		{"photo.jpg", "Harbour at Dawn.JPG", "image/jpeg", "2024/06/harbour-at-dawn.jpg", "1800 × 1200", []int{300, 768, 1024, 1536}, "image/jpeg"},
		{"diagram.png", "diagram.png", "image/png", "2024/06/diagram.png", "900 × 600", []int{300, 768}, "image/png"},
		{"still.gif", "still.gif", "image/gif", "2024/06/still.gif", "400 × 300", []int{300}, "image/png"},
		{"animated.gif", "animated.gif", "image/gif", "2024/06/animated.gif", "400 × 300", nil, ""},
		{"photo.webp", "rose.webp", "image/webp", "2024/06/rose.webp", "600 × 400", []int{300}, "image/jpeg"},
		{"report.pdf", "Annual Report.pdf", "application/pdf", "2024/06/annual-report.pdf", "", nil, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			it := m.uploadAs(t, "author", tt.file, tt.name, map[string]string{"alt": "Alt for " + tt.name, "caption": "Caption for " + tt.name})
			if it.Path != tt.path || it.Name != tt.name || it.Alt != "Alt for "+tt.name || it.Caption != "Caption for "+tt.name {
				t.Errorf("stored %+v", it)
			}
			lib := m.browser["author"].get(t, "/admin/media/")
			item := find(lib.doc, "#media-"+strconv.FormatInt(it.ID, 10))
			if len(item) != 1 {
				t.Fatalf("the library does not list %s", tt.name)
			}
			facts := text(item[0])
			for _, want := range []string{path(tt.path), media.Format(tt.contentType).Label(), tt.dimensions, "June 10, 2024"} {
				if !strings.Contains(facts, want) {
					t.Errorf("library entry %q lacks %q", facts, want)
				}
			}
			if media.Format(tt.contentType).IsImage() && !strings.Contains(facts, "Alt for "+tt.name) {
				t.Errorf("library entry lacks the alt text")
			}

			original := m.get(t, "/media/"+tt.path)
			if original.status != 200 || original.header.Get("Content-Type") != tt.contentType ||
				original.header.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(original.header.Get("Cache-Control"), "max-age=31536000") {
				t.Errorf("GET original = %d %v", original.status, original.header)
			}
			served := []byte(original.body)
			if bytes.Contains(served, gpsLatitude) || bytes.Contains(served, []byte("GPSLatitude")) || bytes.Contains(served, []byte("<?php")) {
				t.Error("the served original carries the GPS position or hidden bytes")
			}
			if tt.contentType == "application/pdf" {
				if original.body != string(mediaFile(t, tt.file)) || original.header.Get("Content-Disposition") != `inline; filename=annual-report.pdf` {
					t.Errorf("PDF served as %v", original.header)
				}
			} else if !samePicture(decodeImage(t, tt.contentType, served), decodeImage(t, tt.contentType, mediaFile(t, tt.file))) {
				t.Error("the served original does not show the uploaded picture")
			}

			var widths []int
			for _, v := range it.Variants {
				widths = append(widths, v.Width)
				r := m.get(t, "/media/"+v.Path)
				if r.status != 200 || r.header.Get("Content-Type") != tt.variantType {
					t.Errorf("GET %s = %d %q", v.Path, r.status, r.header.Get("Content-Type"))
					continue
				}
				img := decodeImage(t, tt.variantType, []byte(r.body))
				if img.Bounds().Dx() != v.Width || img.Bounds().Dy() != v.Height {
					t.Errorf("%s is %v; recorded %d×%d", v.Path, img.Bounds().Size(), v.Width, v.Height)
				}
				if bytes.Contains([]byte(r.body), gpsLatitude) {
					t.Errorf("%s carries the GPS position", v.Path)
				}
			}
			if !slices.Equal(widths, tt.variants) {
				t.Errorf("variant widths %v; want %v", widths, tt.variants)
			}

			snippet := snippetOf(t, lib, it.ID)
			switch {
			case tt.contentType == "application/pdf":
				if want := "[Caption for Annual Report.pdf](/media/" + tt.path + ")"; snippet != want {
					t.Errorf("snippet %q; want %q", snippet, want)
				}
			case len(tt.variants) > 0:
				var set []string
				for _, v := range it.Variants {
					set = append(set, "/media/"+v.Path+" "+strconv.Itoa(v.Width)+"w")
				}
				set = append(set, "/media/"+tt.path+" "+strconv.Itoa(it.Width)+"w")
				want := fmt.Sprintf(`<figure><img src="/media/%s" srcset="%s" sizes="(max-width: 720px) 100vw, 720px" width="%d" height="%d" alt="Alt for %s" loading="lazy"><figcaption>Caption for %s</figcaption></figure>`,
					tt.path, strings.Join(set, ", "), it.Width, it.Height, tt.name, tt.name)
				if snippet != want {
					t.Errorf("snippet\n%s\nwant\n%s", snippet, want)
				}
			default:
				if strings.Contains(snippet, "srcset") || !strings.Contains(snippet, `<img src="/media/`+tt.path+`" width="400" height="300"`) {
					t.Errorf("snippet %q", snippet)
				}
			}
		})
	}
}

func path(p string) string { return p[strings.LastIndexByte(p, '/')+1:] }

// The snippet the library offers survives the post sanitizer whole: srcset, sizes, dimensions, alt, lazy loading,
// figure and caption; the PDF's Markdown link becomes a link.
func TestMediaSnippetInPost(t *testing.T) {
	m := newMediaSite(t, nil)
	photo := m.uploadAs(t, "author", "photo.jpg", "photo.jpg", map[string]string{"alt": `Boats "at" <dawn> & fog`, "caption": "The harbour,\n\n6 am"})
	plain := m.uploadAs(t, "author", "diagram.png", "diagram.png", map[string]string{"alt": "A diagram"})
	pdf := m.uploadAs(t, "author", "report.pdf", "report [final].pdf", nil)
	lib := m.browser["author"].get(t, "/admin/media/")
	body := "Before.\n\n" + snippetOf(t, lib, photo.ID) + "\n\n" + snippetOf(t, lib, plain.ID) + "\n\nRead " + snippetOf(t, lib, pdf.ID) + ".\n"
	out := string(markup.RenderPost(body).HTML)
	doc, err := html.Parse(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	imgs := find(doc, "img")
	if len(imgs) != 2 {
		t.Fatalf("RenderPost kept %d images:\n%s", len(imgs), out)
	}
	for _, tt := range []struct {
		img  *html.Node
		item media.Item
		alt  string
	}{{imgs[0], photo, `Boats "at" <dawn> & fog`}, {imgs[1], plain, "A diagram"}} {
		var set []string
		for _, v := range tt.item.Variants {
			set = append(set, "/media/"+v.Path+" "+strconv.Itoa(v.Width)+"w")
		}
		set = append(set, "/media/"+tt.item.Path+" "+strconv.Itoa(tt.item.Width)+"w")
		want := map[string]string{"src": "/media/" + tt.item.Path, "srcset": strings.Join(set, ", "), "sizes": "(max-width: 720px) 100vw, 720px",
			"width": strconv.Itoa(tt.item.Width), "height": strconv.Itoa(tt.item.Height), "alt": tt.alt, "loading": "lazy"}
		for k, v := range want {
			if got := attr(tt.img, k); got != v {
				t.Errorf("RenderPost: img %s = %q; want %q\n%s", k, got, v, out)
			}
		}
	}
	if got := texts(find(doc, "figure figcaption")); len(got) != 1 || got[0] != "The harbour, 6 am" {
		t.Errorf("figcaption %q in\n%s", got, out)
	}
	links := find(doc, "a")
	if len(links) != 1 || attr(links[0], "href") != "/media/"+pdf.Path || text(links[0]) != "report [final].pdf" {
		t.Errorf("PDF link in\n%s", out)
	}
}

// A refused upload says why, keeps what was typed, and leaves no file and no row.
func TestMediaUploadRefusals(t *testing.T) {
	m := newMediaSite(t, nil)
	tooBig := append(mediaFile(t, "diagram.png"), make([]byte, media.MaxImageBytes)...)
	for _, tt := range []struct {
		what, name string
		content    []byte
		want       string
	}{
		{"PNG named .jpg", "diagram.jpg", mediaFile(t, "diagram.png"), "diagram.jpg is a PNG file, not a JPEG as its name says: rename it diagram.png and upload it again"},
		{"JPEG named .gif", "photo.gif", mediaFile(t, "photo.jpg"), "photo.gif is a JPEG file, not a GIF as its name says"},
		{"PHP script named .jpg", "shell.jpg", mediaFile(t, "shell.jpg"), "shell.jpg is not a file Salon accepts: its content is a script"},
		{"image named .php", "photo.php", mediaFile(t, "photo.jpg"), "photo.php is a JPEG file, but its name ends in .php"},
		{"SVG", "drawing.svg", mediaFile(t, "drawing.svg"), "drawing.svg is an SVG image, which Salon does not accept because SVG files can carry scripts"},
		{"SVG named .png", "drawing.png", mediaFile(t, "drawing.svg"), "drawing.png is an SVG image"},
		{"HTML", "page.html", mediaFile(t, "page.html"), "page.html is not a file Salon accepts: its content is an HTML page"},
		{"HTML named .jpg", "page.jpg", mediaFile(t, "page.html"), "page.jpg is not a file Salon accepts: its content is an HTML page"},
		{"too many pixels", "bomb.png", mediaFile(t, "bomb.png"), "bomb.png is 8000 × 6000 pixels (48.0 megapixels); Salon accepts images of up to 40 megapixels"},
		{"too large", "huge.png", tooBig, "huge.png is larger than 20 MB, the most Salon accepts for images"},
		{"damaged", "cut.jpg", mediaFile(t, "photo.jpg")[:5000], "cut.jpg is not a valid JPEG image"},
		{"empty", "empty.jpg", []byte{}, "empty.jpg is empty"},
		{"no file", "", nil, "choose a file to upload"},
	} {
		t.Run(tt.what, func(t *testing.T) {
			r := m.browser["author"].upload(t, "/admin/media/", m.token["author"], tt.name, tt.content, map[string]string{"alt": "Typed alt", "caption": "Typed caption"})
			if r.status != http.StatusUnprocessableEntity {
				t.Fatalf("upload = %d; want 422", r.status)
			}
			if got := formError(r); !strings.Contains(got, tt.want) {
				t.Errorf("message %q; want %q", got, tt.want)
			}
			if fieldValue(r.doc, "alt") != "Typed alt" || fieldValue(r.doc, "caption") != "Typed caption" {
				t.Error("the typed fields are lost")
			}
			if files := m.diskFiles(t); len(files) != 0 {
				t.Errorf("a refused upload left %q", files)
			}
			if n := m.count(t); n != 0 {
				t.Errorf("a refused upload left %d rows", n)
			}
		})
	}
	t.Run("PDF too large", func(t *testing.T) {
		big := append(mediaFile(t, "report.pdf"), make([]byte, media.MaxPDFBytes)...)
		r := m.browser["author"].upload(t, "/admin/media/", m.token["author"], "big.pdf", big, nil)
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(formError(r), "big.pdf is larger than 50 MB, the most Salon accepts for PDF files") {
			t.Errorf("upload = %d %q", r.status, formError(r))
		}
		if files := m.diskFiles(t); len(files) != 0 || m.count(t) != 0 {
			t.Errorf("a refused upload left %q", files)
		}
	})
	t.Run("alt text too long", func(t *testing.T) {
		r := m.browser["author"].upload(t, "/admin/media/", m.token["author"], "photo.jpg", mediaFile(t, "photo.jpg"), map[string]string{"alt": strings.Repeat("a", 1001)})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(formError(r), "the alt text is longer than 1000 characters") {
			t.Errorf("upload = %d %q", r.status, formError(r))
		}
		if files := m.diskFiles(t); len(files) != 0 || m.count(t) != 0 {
			t.Errorf("a refused upload left %q", files)
		}
	})
}

// Two uploads of the same name get different names; the month folder is the upload's month in the site's zone.
func TestMediaNamesAndFolders(t *testing.T) {
	m := newMediaSite(t, map[string]string{"timezone": "Europe/Paris"})
	first := m.uploadAs(t, "author", "diagram.png", "Diagram.PNG", nil)
	second := m.uploadAs(t, "author", "diagram.png", "diagram.png", nil)
	if first.Path != "2024/06/diagram.png" || second.Path != "2024/06/diagram-2.png" || second.Variants[0].Path != "2024/06/diagram-2-300w.png" {
		t.Errorf("paths %s, %s", first.Path, second.Path)
	}
	m.clock.advance(time.Date(2024, 6, 30, 22, 30, 0, 0, time.UTC).Sub(m.clock.Now())) // 00:30 on July 1st in Paris
	m.browser["author"].signIn(t, "author@media.example", mediaPassword)               // the session has expired meanwhile
	m.token["author"] = csrf(t, m.browser["author"].get(t, "/admin/"))
	july := m.uploadAs(t, "author", "diagram.png", "diagram.png", nil)
	if july.Path != "2024/07/diagram.png" {
		t.Errorf("path %s; want the July folder", july.Path)
	}
	// A name in another script keeps its letters, and its URL is percent-encoded.
	cyrillic := m.uploadAs(t, "author", "still.gif", "Чайковский и я.GIF", nil)
	if cyrillic.Path != "2024/07/чайковский-и-я.gif" {
		t.Errorf("path %s", cyrillic.Path)
	}
	lib := m.browser["author"].get(t, "/admin/media/")
	escaped := "/media/2024/07/" + url.PathEscape("чайковский-и-я.gif")
	if snippet := snippetOf(t, lib, cyrillic.ID); !strings.HasPrefix(snippet, `<img src="`+escaped+`" srcset="`) {
		t.Errorf("snippet %q", snippet)
	}
	if r := m.get(t, escaped); r.status != 200 || r.header.Get("Content-Type") != "image/gif" {
		t.Errorf("GET %s = %d", escaped, r.status)
	}
	if r := m.browser["author"].post(t, "/admin/media/"+strconv.FormatInt(cyrillic.ID, 10)+"/delete/", url.Values{"csrf": {m.token["author"]}}); r.status != http.StatusSeeOther {
		t.Fatalf("delete = %d", r.status)
	}
	want := []string{"2024/06/diagram-2-300w.png", "2024/06/diagram-2-768w.png", "2024/06/diagram-2.png", "2024/06/diagram-300w.png",
		"2024/06/diagram-768w.png", "2024/06/diagram.png", "2024/07/diagram-300w.png", "2024/07/diagram-768w.png", "2024/07/diagram.png"}
	if got := m.diskFiles(t); !slices.Equal(got, want) {
		t.Errorf("files %q; want %q (no temporary file left)", got, want)
	}
}

// No URL reaches outside the media folder, nor a temporary file, whatever the encoding.
func TestMediaServingRefusesTraversal(t *testing.T) {
	m := newMediaSite(t, nil)
	m.uploadAs(t, "author", "photo.jpg", "photo.jpg", nil)
	if err := os.WriteFile(filepath.Join(m.dir, "2024", "06", ".upload-123.tmp"), []byte("secret-content"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(m.secret, filepath.Join(m.dir, "2024", "06", "link.jpg")); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{
		"/media/2024/06/../../../secret.jpg", "/media/2024/06/..%2F..%2F..%2Fsecret.jpg", "/media/2024/06/%2e%2e%2f%2e%2e%2f%2e%2e%2fsecret.jpg",
		"/media/2024/06/..%5C..%5C..%5Csecret.jpg", "/media/..%2F..%2F/06/secret.jpg", "/media/2024/..%2F..%2F/secret.jpg",
		"/media/2024/06/%252e%252e%252fsecret.jpg", "/media/2024/06/.upload-123.tmp", "/media/2024/06/link.jpg", "/media/2024/06/",
		"/media/2024/06/photo.JPG", "/media/2024/06/photo.jpg%00.png", "/media/24/06/photo.jpg", "/media/2024/06/photo.jpg/",
	} {
		req, err := http.NewRequest("GET", m.srv.URL+p, nil)
		if err != nil {
			t.Fatal(err)
		}
		res, err := m.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if res.StatusCode == 200 || strings.Contains(string(b), "secret-content") {
			t.Errorf("GET %s = %d; want a refusal", p, res.StatusCode)
		}
	}
	if r := m.get(t, "/media/2024/06/photo.jpg"); r.status != 200 {
		t.Errorf("GET the photo = %d", r.status)
	}
}

// Range requests and revalidation work, as for any static file.
func TestMediaServingConditional(t *testing.T) {
	m := newMediaSite(t, nil)
	m.uploadAs(t, "author", "report.pdf", "report.pdf", nil)
	r := m.get(t, "/media/2024/06/report.pdf", "Range", "bytes=0-3")
	if r.status != http.StatusPartialContent || r.body != "%PDF" {
		t.Errorf("range = %d %q", r.status, r.body)
	}
	full := m.get(t, "/media/2024/06/report.pdf")
	if r := m.get(t, "/media/2024/06/report.pdf", "If-Modified-Since", full.header.Get("Last-Modified")); r.status != http.StatusNotModified {
		t.Errorf("revalidation = %d", r.status)
	}
}

func TestMediaLibrarySearchAndPages(t *testing.T) {
	m := newMediaSite(t, nil)
	ctx := context.Background()
	for i := range 30 {
		it := media.Item{Path: fmt.Sprintf("2024/06/file-%02d.pdf", i), Name: fmt.Sprintf("File %02d.pdf", i), Type: media.PDF, Size: 1234}
		if i == 7 {
			it.Caption = "The budget"
		}
		if err := m.store.CreateMedia(ctx, &it); err != nil {
			t.Fatal(err)
		}
		m.clock.advance(time.Minute)
	}
	photo := m.uploadAs(t, "author", "diagram.png", "diagram.png", map[string]string{"alt": "Flow of comments"})
	rd := m.browser["contributor"]
	first := rd.get(t, "/admin/media/")
	items := find(first.doc, "li.media-item")
	if len(items) != 24 || attr(items[0], "id") != "media-"+strconv.FormatInt(photo.ID, 10) {
		t.Fatalf("first page lists %d files, newest first?", len(items))
	}
	older := find(first.doc, "a.older")
	if len(older) != 1 || attr(older[0], "href") != "/admin/media/?page=2" || len(find(first.doc, "a.newer")) != 0 {
		t.Fatalf("pager links on page 1: %q", texts(find(first.doc, "nav.pager a")))
	}
	second := rd.get(t, attr(older[0], "href"))
	if got := texts(find(second.doc, "dd.media-file")); len(got) != 7 || got[6] != "file-00.pdf" {
		t.Errorf("second page lists %q", got)
	}
	for q, want := range map[string][]string{
		"budget": {"file-07.pdf"}, "FLOW": {"diagram.png"}, "file 1": {"file-19.pdf", "file-18.pdf", "file-17.pdf", "file-16.pdf",
			"file-15.pdf", "file-14.pdf", "file-13.pdf", "file-12.pdf", "file-11.pdf", "file-10.pdf"}, "nothing": nil,
	} {
		r := rd.get(t, "/admin/media/?q="+url.QueryEscape(q))
		if got := texts(find(r.doc, "dd.media-file")); !slices.Equal(got, want) {
			t.Errorf("search %q lists %q; want %q", q, got, want)
		}
		if fieldValue(r.doc, "q") != q {
			t.Errorf("search %q: the field does not keep it", q)
		}
	}
}

func TestMediaEditAndDelete(t *testing.T) {
	m := newMediaSite(t, nil)
	it := m.uploadAs(t, "author", "photo.jpg", "photo.jpg", map[string]string{"alt": "Boats"})
	rd, id := m.browser["author"], strconv.FormatInt(it.ID, 10)
	edit := rd.get(t, "/admin/media/"+id+"/edit/?return=/admin/media/%3Fq%3Dboats")
	if edit.status != 200 || fieldValue(edit.doc, "alt") != "Boats" || !strings.Contains(text(find(edit.doc, "dd.media-variants")[0]), "300 × 200, 768 × 512, 1024 × 683, 1536 × 1024") {
		t.Fatalf("edit page = %d", edit.status)
	}
	r := rd.post(t, "/admin/media/"+id+"/edit/", url.Values{"csrf": {m.token["author"]}, "alt": {"Boats at dawn"}, "caption": {"The harbour"}, "return": {"/admin/media/?q=boats"}})
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/admin/media/?") {
		t.Fatalf("save = %d %q", r.status, r.header.Get("Location"))
	}
	lib := rd.get(t, r.header.Get("Location"))
	if got := snippetOf(t, lib, it.ID); !strings.Contains(got, `alt="Boats at dawn"`) || !strings.Contains(got, "<figcaption>The harbour</figcaption>") {
		t.Errorf("snippet after edit: %q", got)
	}
	if got := texts(find(lib.doc, "p.notice")); len(got) != 1 || got[0] != "Saved photo.jpg." {
		t.Errorf("notice %q", got)
	}
	r = rd.post(t, "/admin/media/"+id+"/edit/", url.Values{"csrf": {m.token["author"]}, "alt": {strings.Repeat("x", 1001)}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(formError(r), "longer than 1000") {
		t.Errorf("too long alt = %d %q", r.status, formError(r))
	}

	r = rd.post(t, "/admin/media/"+id+"/delete/", url.Values{"csrf": {m.token["author"]}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("delete = %d", r.status)
	}
	if files := m.diskFiles(t); len(files) != 0 {
		t.Errorf("after delete the folder holds %q", files)
	}
	if m.count(t) != 0 {
		t.Error("after delete the row is left")
	}
	if r := m.get(t, "/media/"+it.Path); r.status != http.StatusNotFound {
		t.Errorf("GET the deleted file = %d", r.status)
	}
	if r := rd.get(t, "/admin/media/"+id+"/edit/"); r.status != http.StatusNotFound {
		t.Errorf("edit the deleted file = %d", r.status)
	}
}

// Contributors cannot upload; only administrators, editors and the uploader change or delete a file.
func TestMediaRoles(t *testing.T) {
	m := newMediaSite(t, nil)
	lib := m.browser["contributor"].get(t, "/admin/media/")
	if lib.status != 200 || len(find(lib.doc, "input[type=file]")) != 0 {
		t.Errorf("the contributor's library = %d, with an upload form?", lib.status)
	}
	if r := m.browser["contributor"].upload(t, "/admin/media/", m.token["contributor"], "photo.jpg", mediaFile(t, "photo.jpg"), nil); r.status != http.StatusForbidden {
		t.Errorf("contributor upload = %d; want 403", r.status)
	}
	if files := m.diskFiles(t); len(files) != 0 || m.count(t) != 0 {
		t.Errorf("the refused upload left %q", files)
	}

	it := m.uploadAs(t, "author", "diagram.png", "diagram.png", nil)
	id := strconv.FormatInt(it.ID, 10)
	for _, who := range []string{"author2", "contributor"} {
		rd := m.browser[who]
		if r := rd.get(t, "/admin/media/"+id+"/edit/"); r.status != http.StatusForbidden {
			t.Errorf("%s opens the edit page = %d", who, r.status)
		}
		if r := rd.post(t, "/admin/media/"+id+"/edit/", url.Values{"csrf": {m.token[who]}, "alt": {"mine now"}}); r.status != http.StatusForbidden {
			t.Errorf("%s edits = %d", who, r.status)
		}
		if r := rd.post(t, "/admin/media/"+id+"/delete/", url.Values{"csrf": {m.token[who]}}); r.status != http.StatusForbidden {
			t.Errorf("%s deletes = %d", who, r.status)
		}
		page := rd.get(t, "/admin/media/")
		if len(find(page.doc, "form.media-delete")) != 0 {
			t.Errorf("%s is offered Delete on another's file", who)
		}
	}
	if got, _ := m.store.Media(context.Background(), it.ID); got.Alt != "" || len(m.diskFiles(t)) != 3 {
		t.Error("a refused edit or delete changed something")
	}
	for _, who := range []string{"editor", "admin"} {
		if r := m.browser[who].post(t, "/admin/media/"+id+"/edit/", url.Values{"csrf": {m.token[who]}, "alt": {"by " + who}}); r.status != http.StatusSeeOther {
			t.Errorf("%s edits = %d", who, r.status)
		}
	}
	if r := m.browser["editor"].post(t, "/admin/media/"+id+"/delete/", url.Values{"csrf": {m.token["editor"]}}); r.status != http.StatusSeeOther || m.count(t) != 0 {
		t.Errorf("editor deletes = %d", r.status)
	}
	if r := m.get(t, "/admin/media/"); r.status != http.StatusSeeOther {
		t.Errorf("signed out, the library = %d; want a redirect to sign in", r.status)
	}
}

// Every state-changing media request needs the form token.
func TestMediaCSRF(t *testing.T) {
	m := newMediaSite(t, nil)
	rd := m.browser["admin"]
	if r := rd.upload(t, "/admin/media/", "", "photo.jpg", mediaFile(t, "photo.jpg"), nil); r.status != http.StatusForbidden {
		t.Errorf("upload without the token = %d", r.status)
	}
	if r := rd.upload(t, "/admin/media/", "forged", "photo.jpg", mediaFile(t, "photo.jpg"), nil); r.status != http.StatusForbidden {
		t.Errorf("upload with a forged token = %d", r.status)
	}
	if files := m.diskFiles(t); len(files) != 0 || m.count(t) != 0 {
		t.Errorf("a forged upload left %q", files)
	}
	it := m.uploadAs(t, "admin", "diagram.png", "diagram.png", nil)
	id := strconv.FormatInt(it.ID, 10)
	if r := rd.post(t, "/admin/media/"+id+"/edit/", url.Values{"alt": {"forged"}}); r.status != http.StatusForbidden {
		t.Errorf("edit without the token = %d", r.status)
	}
	if r := rd.post(t, "/admin/media/"+id+"/delete/", url.Values{}); r.status != http.StatusForbidden {
		t.Errorf("delete without the token = %d", r.status)
	}
	if m.count(t) != 1 || len(m.diskFiles(t)) != 3 {
		t.Error("a forged request changed something")
	}
}

// Opened from the editor as a popup (?insert=1), the library offers Insert on every file and keeps the mode
// through search, pages and uploads.
func TestMediaInsertMode(t *testing.T) {
	m := newMediaSite(t, nil)
	rd := m.browser["author"]
	r := rd.upload(t, "/admin/media/?insert=1", m.token["author"], "diagram.png", mediaFile(t, "diagram.png"), nil)
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/admin/media/?") || !strings.Contains(r.header.Get("Location"), "insert=1") {
		t.Fatalf("upload in insert mode = %d %q", r.status, r.header.Get("Location"))
	}
	page := rd.get(t, r.header.Get("Location"))
	if n := len(find(page.doc, "button.media-insert")); n != 1 {
		t.Errorf("%d Insert buttons", n)
	}
	if forms := find(page.doc, "form[enctype=multipart/form-data]"); len(forms) != 1 || attr(forms[0], "action") != "/admin/media/?insert=1" {
		t.Error("the upload form leaves insert mode")
	}
	if fieldValue(page.doc, "insert") != "1" {
		t.Error("the search form leaves insert mode")
	}
	if plain := rd.get(t, "/admin/media/"); len(find(plain.doc, "button.media-insert")) != 0 {
		t.Error("Insert buttons outside insert mode")
	}
	var script string
	for _, s := range find(page.doc, "script") {
		script = attr(s, "src")
	}
	js := m.get(t, script)
	if js.status != 200 || !strings.Contains(js.body, `postMessage({ type: "salon:insert-media", snippet:`) || !strings.Contains(js.body, "window.location.origin") {
		t.Errorf("admin-media.js = %d", js.status)
	}
}

// The library page's markup: labelled fields, a thumbnail with the alt text, the facts in a list.
func TestMediaLibraryMarkup(t *testing.T) {
	m := newMediaSite(t, nil)
	it := m.uploadAs(t, "author", "photo.jpg", "photo.jpg", map[string]string{"alt": "Boats"})
	page := m.browser["author"].get(t, "/admin/media/")
	for _, input := range find(page.doc, "form input") {
		if typ := attr(input, "type"); typ == "hidden" || attr(input, "id") == "" {
			continue
		}
		if len(find(page.doc, "label[for="+attr(input, "id")+"]")) != 1 {
			t.Errorf("input %s has no label", attr(input, "id"))
		}
	}
	thumbs := find(page.doc, "a.media-thumb img")
	if len(thumbs) != 1 || attr(thumbs[0], "src") != "/media/"+it.Variants[0].Path || attr(thumbs[0], "alt") != "Boats" {
		t.Errorf("thumbnail %v", thumbs)
	}
	if !regexp.MustCompile(`\d+ KB`).MatchString(text(find(page.doc, "dd.media-size")[0])) {
		t.Errorf("size %q", text(find(page.doc, "dd.media-size")[0]))
	}
}

// In a real browser, the library opened by the editor as a popup hands the chosen file's snippet to the editor
// window, addressed to the site's own origin, and closes.
func TestBrowserMediaInsert(t *testing.T) {
	m := newMediaSite(t, nil)
	it := m.uploadAs(t, "admin", "photo.jpg", "photo.jpg", map[string]string{"alt": "Boats"})
	ctx := person(t, true)
	// Close the browser and wait for it before its profile folder is removed; two windows take a moment longer.
	t.Cleanup(func() {
		if err := chromedp.Cancel(ctx); err != nil {
			t.Logf("close chromium: %v", err)
		}
	})
	withGesture := func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithUserGesture(true) }
	button := fmt.Sprintf(`window.popup?.document?.querySelector("#media-%d button.media-insert")`, it.ID)
	var ready, closed bool
	var got struct {
		Origin string
		Data   struct{ Type, Snippet string }
	}
	run(t, ctx, "sign in, open the library as a popup and insert",
		chromedp.Navigate(m.srv.URL+"/admin/signin/"),
		chromedp.SendKeys("#email", "admin@media.example", chromedp.ByQuery),
		chromedp.SendKeys("#password", mediaPassword, chromedp.ByQuery),
		chromedp.Submit("#password", chromedp.ByQuery),
		chromedp.WaitVisible(".admin-nav", chromedp.ByQuery),
		chromedp.Evaluate(`window.got = null; addEventListener("message", e => { window.got = {origin: e.origin, data: e.data} }); true`, nil),
		chromedp.Evaluate(`window.popup = window.open("/admin/media/?insert=1", "media", "width=900,height=700"); true`, nil, withGesture),
		chromedp.Poll(button+`?.hidden === false`, &ready),
		chromedp.Evaluate(button+`.click(); true`, nil, withGesture),
		chromedp.Poll(`window.got`, &got),
		chromedp.Poll(`window.popup.closed`, &closed),
	)
	lib := m.browser["admin"].get(t, "/admin/media/")
	if got.Origin != m.srv.URL || got.Data.Type != "salon:insert-media" || got.Data.Snippet != snippetOf(t, lib, it.ID) {
		t.Errorf("the editor received %+v", got)
	}
}
