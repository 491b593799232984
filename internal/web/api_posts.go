package web

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/post"
)

// apiPostView is a post as the API shows it. List items leave out body and html.
type apiPostView struct {
	ID           int64         `json:"id"`
	Title        string        `json:"title"`
	Slug         string        `json:"slug"`
	Status       string        `json:"status"`
	Type         string        `json:"type"`
	Date         time.Time     `json:"date"`
	Modified     time.Time     `json:"modified"`
	Author       apiAuthorView `json:"author"`
	Path         string        `json:"path"`
	URL          string        `json:"url"`
	Categories   []string      `json:"categories"` // name paths, root first: "Politics/Elections"
	Tags         []string      `json:"tags"`
	CommentCount int           `json:"comment_count"`
	CommentsOpen bool          `json:"comments_open"`
	Sticky       bool          `json:"sticky"`
	Excerpt      string        `json:"excerpt"`
	Trashed      *time.Time    `json:"trashed"`  // when it was moved to the trash; null when it is not there
	Revision     int64         `json:"revision"` // its latest revision: the version an edit starts from
	Body         *string       `json:"body,omitempty"`
	HTML         *string       `json:"html,omitempty"`
}

type apiAuthorView struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Slug string `json:"slug"`
}

// apiCategoryNames gives each category's path of names ("Politics/Elections"), which is what a post's categories
// are written as: a path of slugs would not find a category whose slug got a suffix ("news-2").
func (s *Server) apiCategoryNames(ctx context.Context) (map[int64]string, error) {
	cats, err := s.store.Categories(ctx)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]blog.Term, len(cats))
	for _, c := range cats {
		byID[c.ID] = c
	}
	names := make(map[int64]string, len(cats))
	for _, c := range cats {
		parts := []string{c.Name}
		seen := map[int64]bool{c.ID: true}
		for p, ok := byID[c.ParentID]; ok && !seen[p.ID]; p, ok = byID[p.ParentID] {
			seen[p.ID] = true
			parts = append([]string{p.Name}, parts...)
		}
		names[c.ID] = strings.Join(parts, "/")
	}
	return names, nil
}

func apiPostOf(a *adminRequest, p *blog.Post, cats map[int64]string, full bool) apiPostView {
	v := apiPostView{
		ID: p.ID, Title: p.Title, Slug: p.Slug, Status: string(p.Status), Type: string(p.Type), Date: p.Published,
		Modified: p.Updated, Author: apiAuthorView{ID: p.AuthorID, Name: p.Author.Name, Slug: p.Author.Slug},
		Path: a.settings.PostPath(p), Categories: []string{}, Tags: []string{}, CommentCount: p.CommentCount,
		CommentsOpen: p.CommentsOpen, Sticky: p.Sticky, Excerpt: p.Excerpt, Revision: p.Revision,
	}
	v.URL = a.base + v.Path
	if p.InTrash() {
		v.Trashed = &p.Trashed
	}
	for _, c := range p.Categories {
		v.Categories = append(v.Categories, cats[c.ID])
	}
	for _, t := range p.Tags {
		v.Tags = append(v.Tags, t.Name)
	}
	if full {
		v.Body, v.HTML = &p.Body, &p.HTML
	}
	return v
}

// apiMayReadPost: a user reads what they may edit (see post.MayEdit), and what readers may see.
func apiMayReadPost(a *adminRequest, p *blog.Post) error {
	if post.MayEdit(a.user, p) || p.IsPublic(a.now) {
		return nil
	}
	return blog.Errorf(blog.EFORBIDDEN, "you may read only the posts you may edit, and published ones")
}

// apiPosts lists posts as the admin area does (see post.ListScope): editors and administrators see every post,
// authors their own, contributors their own drafts and pending posts.
func (s *Server) apiPosts(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	ctx := r.Context()
	q := r.URL.Query()
	page, perPage, err := apiPaging(r)
	if err != nil {
		return err
	}
	f := blog.PostFilter{Limit: perPage, Offset: (page - 1) * perPage, Search: strings.TrimSpace(q.Get("search"))}
	if v := q.Get("type"); v != "" {
		if f.Type, err = blog.ParseType(v); err != nil {
			return err
		}
	}
	switch v := q.Get("status"); v {
	case "", "all":
	case "trash":
		f.Trash = true
	default:
		for _, part := range strings.Split(v, ",") {
			st, perr := blog.ParseStatus(strings.TrimSpace(part))
			if perr != nil {
				return blog.Errorf(blog.EINVALID, "%q is not a post status: use draft, pending, future, publish, private, all or trash", part)
			}
			f.Statuses = append(f.Statuses, st)
		}
	}
	if f.Sort, err = blog.ParsePostSort(q.Get("sort")); err != nil {
		return err
	}
	switch q.Get("order") {
	case "asc":
		f.Ascending = true
	case "", "desc":
	default:
		return blog.Errorf(blog.EINVALID, "order must be asc or desc")
	}
	if v := q.Get("author"); v != "" {
		var u blog.User
		if id, perr := strconv.ParseInt(v, 10, 64); perr == nil {
			u, err = s.store.UserByID(ctx, id)
		} else {
			u, err = s.store.UserBySlug(ctx, v)
		}
		if blog.ErrorCode(err) == blog.ENOTFOUND {
			return blog.Errorf(blog.EINVALID, "author=%s: there is no such user (give an ID or an author slug)", v)
		}
		if err != nil {
			return err
		}
		f.AuthorID = u.ID
	}
	if v := q.Get("category"); v != "" {
		cats, err := s.store.Categories(ctx)
		if err != nil {
			return err
		}
		names, err := s.apiCategoryNames(ctx)
		if err != nil {
			return err
		}
		var found int64
		for _, c := range cats {
			if c.Path == v || c.Slug == v || strings.EqualFold(names[c.ID], v) {
				found = c.ID
				break
			}
		}
		if found == 0 {
			return blog.Errorf(blog.EINVALID, "category=%s: there is no such category (give its slug, or its path such as politics/elections)", v)
		}
		f.CategoryIDs = blog.DescendantIDs(cats, found)
	}
	if v := q.Get("tag"); v != "" {
		t, err := s.store.TermBySlug(ctx, blog.Tag, blog.Slugify(v))
		if blog.ErrorCode(err) == blog.ENOTFOUND {
			return blog.Errorf(blog.EINVALID, "tag=%s: there is no such tag", v)
		}
		if err != nil {
			return err
		}
		f.TagID = t.ID
	}
	out := apiList[apiPostView]{Items: []apiPostView{}, Page: page, PerPage: perPage}
	othersAsked := f.AuthorID != 0 && f.AuthorID != a.user.ID
	if post.ListScope(a.user, &f) && !(othersAsked && f.AuthorID == a.user.ID) {
		posts, total, err := s.store.Posts(ctx, f)
		if err != nil {
			return err
		}
		cats, err := s.apiCategoryNames(ctx)
		if err != nil {
			return err
		}
		out.Total = total
		for i := range posts {
			out.Items = append(out.Items, apiPostOf(a, &posts[i], cats, false))
		}
	}
	s.writeJSON(w, r, http.StatusOK, out)
	return nil
}

func (s *Server) apiPost(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	id, err := apiPathID(r, "post")
	if err != nil {
		return err
	}
	p, err := s.store.Post(r.Context(), id)
	if err != nil {
		return err
	}
	if err := apiMayReadPost(a, &p); err != nil {
		return err
	}
	return s.apiSendPost(w, r, a, &p, http.StatusOK)
}

func (s *Server) apiSendPost(w http.ResponseWriter, r *http.Request, a *adminRequest, p *blog.Post, status int) error {
	cats, err := s.apiCategoryNames(r.Context())
	if err != nil {
		return err
	}
	s.writeJSON(w, r, status, apiPostOf(a, p, cats, true))
	return nil
}

// apiPostInput is a post as a client sends it. Absent fields are nil: PATCH leaves them as they are.
type apiPostInput struct {
	Title        *string   `json:"title"`
	Body         *string   `json:"body"`
	Status       *string   `json:"status"`
	Type         *string   `json:"type"`
	Date         *string   `json:"date"`
	Slug         *string   `json:"slug"`
	Excerpt      *string   `json:"excerpt"`
	Categories   *[]string `json:"categories"`
	Tags         *[]string `json:"tags"`
	CommentsOpen *bool     `json:"comments_open"`
	Sticky       *bool     `json:"sticky"`
	// AuthorID gives the post another author: editors and administrators only (post.Writer refuses others).
	AuthorID *int64 `json:"author_id"`
	// Updated is the modified time of the version the client edited, for optimistic locking; Modified, as read,
	// serves when Updated is absent, so that a client may send back the object it read.
	Updated  *string `json:"updated"`
	Modified *string `json:"modified"`
	// Revision, as read, is the precise version: two saves within one second have the same modified time.
	Revision *int64 `json:"revision"`
	// The read-only fields of apiPostView are accepted and ignored.
	ID           json.RawMessage `json:"id"`
	Author       json.RawMessage `json:"author"`
	Path         json.RawMessage `json:"path"`
	URL          json.RawMessage `json:"url"`
	CommentCount json.RawMessage `json:"comment_count"`
	HTML         json.RawMessage `json:"html"`
	Trashed      json.RawMessage `json:"trashed"`
}

// missing lists the writable fields absent from in, which a PUT must all give.
func (in *apiPostInput) missing() []string {
	var out []string
	for _, f := range []struct {
		name    string
		present bool
	}{
		{"title", in.Title != nil}, {"body", in.Body != nil}, {"status", in.Status != nil}, {"type", in.Type != nil},
		{"date", in.Date != nil}, {"slug", in.Slug != nil}, {"excerpt", in.Excerpt != nil}, {"categories", in.Categories != nil},
		{"tags", in.Tags != nil}, {"comments_open", in.CommentsOpen != nil}, {"sticky", in.Sticky != nil},
		{"updated", in.Updated != nil || in.Modified != nil || in.Revision != nil},
	} {
		if !f.present {
			out = append(out, f.name)
		}
	}
	return out
}

// apply writes the given fields over d.
func (in *apiPostInput) apply(d *post.Draft) error {
	var err error
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&d.Title, in.Title)
	set(&d.Body, in.Body)
	set(&d.Slug, in.Slug)
	set(&d.Excerpt, in.Excerpt)
	if in.Status != nil {
		if d.Status, err = blog.ParseStatus(*in.Status); err != nil {
			return err
		}
	}
	if in.Type != nil {
		if d.Type, err = blog.ParseType(*in.Type); err != nil {
			return err
		}
	}
	if in.Date != nil {
		d.Date = time.Time{}
		if *in.Date != "" {
			if d.Date, err = time.Parse(time.RFC3339, *in.Date); err != nil {
				return blog.Errorf(blog.EINVALID, "date %q is not an RFC 3339 date such as 2024-05-17T09:30:00+02:00", *in.Date)
			}
		}
	}
	if in.Categories != nil {
		d.Categories, d.CategoryIDs = *in.Categories, nil
	}
	if in.Tags != nil {
		d.Tags = *in.Tags
	}
	if in.CommentsOpen != nil {
		d.CommentsClosed = !*in.CommentsOpen
	}
	if in.Sticky != nil {
		d.Sticky = *in.Sticky
	}
	if in.AuthorID != nil {
		d.AuthorID, d.AuthorEmail = *in.AuthorID, ""
	}
	return nil
}

func (s *Server) apiWriter() *post.Writer {
	return &post.Writer{Store: s.store, Now: func() time.Time { return s.now().UTC().Truncate(time.Second) }}
}

// apiCreatePost writes a new post by the requesting user. Without a status it is a draft.
func (s *Server) apiCreatePost(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	var in apiPostInput
	if err := readJSON(r, &in); err != nil {
		return err
	}
	d := post.Draft{Status: blog.StatusDraft, By: a.user}
	if err := in.apply(&d); err != nil {
		return err
	}
	p, err := s.apiWriter().Create(r.Context(), d)
	if err != nil {
		return err
	}
	if p, err = s.store.Post(r.Context(), p.ID); err != nil {
		return err
	}
	s.log.InfoContext(r.Context(), "post created", "user", a.user.ID, "post", p.ID, "status", p.Status, "via", "api")
	w.Header().Set("Location", "/api/posts/"+strconv.FormatInt(p.ID, 10))
	return s.apiSendPost(w, r, a, &p, http.StatusCreated)
}

// apiUpdatePost saves a post: PUT gives every writable field, PATCH only those that change. PUT must say which
// version it replaces (revision, or updated, or modified as read), and PATCH may: when the post has changed since,
// the answer is a conflict and nothing is saved, so that two editors never silently overwrite each other.
func (s *Server) apiUpdatePost(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	ctx := r.Context()
	id, err := apiPathID(r, "post")
	if err != nil {
		return err
	}
	old, err := s.store.Post(ctx, id)
	if err != nil {
		return err
	}
	var in apiPostInput
	if err := readJSON(r, &in); err != nil {
		return err
	}
	if missing := in.missing(); r.Method == http.MethodPut && len(missing) > 0 {
		return blog.Errorf(blog.EINVALID, "PUT replaces the whole post, so it needs every writable field; missing: %s (use PATCH to change some fields only)",
			strings.Join(missing, ", "))
	}
	d := post.DraftOf(old, "")
	d.AuthorID, d.By, d.Categories = old.AuthorID, a.user, nil
	for _, c := range old.Categories {
		d.CategoryIDs = append(d.CategoryIDs, c.ID)
	}
	version := in.Updated
	if version == nil {
		version = in.Modified
	}
	switch {
	case in.Revision != nil:
		d.Base = *in.Revision
		if d.Base <= 0 {
			return blog.Errorf(blog.EINVALID, "revision must be the post's revision as you read it")
		}
	case version != nil:
		v, err := time.Parse(time.RFC3339, *version)
		if err != nil {
			return blog.Errorf(blog.EINVALID, "updated %q is not an RFC 3339 date: send the post's modified time as you read it", *version)
		}
		if !v.Equal(old.Updated) && post.MayEdit(a.user, &old) {
			return blog.Errorf(blog.ECONFLICT, "post %d has changed since you read it (it was modified at %s, your copy is from %s): nothing was saved; fetch it again and reapply your changes",
				id, old.Updated.Format(time.RFC3339), v.UTC().Format(time.RFC3339))
		}
		d.Base = old.Revision // and no one may save between this read and the write
	}
	if err := in.apply(&d); err != nil {
		return err
	}
	// A draft published without a date is dated now, as the admin area's Publish does, unless it was scheduled.
	wasDraft := old.Status == blog.StatusDraft || old.Status == blog.StatusPending
	if publishes := d.Status != blog.StatusDraft && d.Status != blog.StatusPending; wasDraft && publishes && in.Date == nil && !old.Published.After(a.now) {
		d.Date = time.Time{}
	}
	if _, err := s.apiWriter().Update(ctx, id, d); err != nil {
		return err
	}
	p, err := s.store.Post(ctx, id)
	if err != nil {
		return err
	}
	s.log.InfoContext(ctx, "post saved", "user", a.user.ID, "post", id, "status", p.Status, "via", "api")
	return s.apiSendPost(w, r, a, &p, http.StatusOK)
}

// apiDeletePost moves a post to the trash, as WordPress's API does; with force=true it deletes a post that is in
// the trash already, for good.
func (s *Server) apiDeletePost(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	id, err := apiPathID(r, "post")
	if err != nil {
		return err
	}
	wr := s.apiWriter()
	switch force := r.URL.Query().Get("force"); force {
	case "true", "1":
		if err := wr.Delete(r.Context(), id, a.user); err != nil {
			return err
		}
		s.log.InfoContext(r.Context(), "post deleted", "user", a.user.ID, "post", id, "via", "api")
		w.WriteHeader(http.StatusNoContent)
		return nil
	case "", "false", "0":
	default:
		return blog.Errorf(blog.EINVALID, "force must be true or false")
	}
	if err := wr.Trash(r.Context(), id, a.user); err != nil {
		return err
	}
	s.log.InfoContext(r.Context(), "post trashed", "user", a.user.ID, "post", id, "via", "api")
	p, err := s.store.Post(r.Context(), id)
	if err != nil {
		return err
	}
	return s.apiSendPost(w, r, a, &p, http.StatusOK)
}

// apiRestorePost takes a post out of the trash, with the status it had.
func (s *Server) apiRestorePost(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	id, err := apiPathID(r, "post")
	if err != nil {
		return err
	}
	if err := s.apiWriter().Restore(r.Context(), id, a.user); err != nil {
		return err
	}
	s.log.InfoContext(r.Context(), "post restored", "user", a.user.ID, "post", id, "via", "api")
	p, err := s.store.Post(r.Context(), id)
	if err != nil {
		return err
	}
	return s.apiSendPost(w, r, a, &p, http.StatusOK)
}
