package web

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"html/template"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/salon-blog/salon/internal/avatar"
	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/comment"
)

// maxCommentForm bounds a comment form's body: the longest comment WordPress allows, its fields and some room.
const maxCommentForm = 256 << 10

// discussionView is a post's comment section: the thread, its pages, and the "Leave a Reply" form.
type discussionView struct {
	Count         int
	Heading       string
	Thread        []template.HTML // the top-level comments of this page, each with its replies
	thread        string          // Thread in one piece, for a capture to hold (spliceThread)
	Newer, Older  string          // comment pages
	Open          bool
	ClosedMessage string
	// Notice is a line for this reader after posting (subscribeNotices), such as "check your inbox".
	Notice string
	// ShowForm is Open, or a refused submission shown again: the reader's text stays in the box even when the
	// thread closed while they typed.
	ShowForm bool
	Form     formView
	FeedRSS  string
}

// commentView is what the "comment-self" template shows of a comment. Every field is an input of that markup and
// nothing else is, since the rendered markup is kept keyed by the whole view (thread_render.go): a field the
// template shows must be here, and the struct must stay comparable.
type commentView struct {
	ID           int64
	Number       int
	Depth        int
	AuthorName   string
	AuthorURL    string
	Avatar       string
	Permalink    string
	Date         dateView
	Timestamp    int64 // for "new since your last visit"
	HTML         template.HTML
	Pending      bool
	ByPostAuthor bool
	ReplyURL     string
	EditURL      string
}

// formView is the "Leave a Reply" form with what the reader typed and what is wrong with it.
type formView struct {
	PostID     int64
	ParentID   int64
	ReplyTo    string
	CancelURL  string
	Author     string
	Email      string
	URL        string
	Comment    string
	Remember   bool
	Errors     blog.FieldErrors
	FormError  string
	Preview    template.HTML
	Autofocus  string // the first field with an error
	EditWindow int    // minutes
	SignedInAs string // a signed-in writer comments under their own name
	Token      string // the signed form token (formTokenField); "" gets a new one
	// MailOn offers "Notify me of follow-up comments by email" (only when mail is configured); Subscribe and
	// SubscribeMode are the reader's choice.
	MailOn        bool
	Subscribe     bool
	SubscribeMode blog.SubscriptionMode
}

// errNoCommentPage is a /comment-page-N/ past the thread's last page: a link from before its comments were paged
// as they are now (WordPress's own, from a site that paged them), or one that comments will fill.
var errNoCommentPage = blog.Errorf(blog.ENOTFOUND, "there is no such page of comments")

// discussion builds the comment section of a post page. form carries what the reader typed when a submission is
// shown again; nil means a fresh form (filled from the commenter cookie).
func (s *Server) discussion(r *http.Request, req *request, p *blog.Post, form *formView) (*discussionView, error) {
	d := req.settings.Discussion
	page := max(req.route.commentPage, 1)
	t, err := s.thread(r.Context(), req, p, page, s.signer.ownComments(r, req.now))
	if err != nil {
		return nil, err
	}
	if page > t.pages {
		return nil, errNoCommentPage
	}
	base := req.settings.PostPath(p)
	v := &discussionView{Count: t.approved, Heading: commentsLabel(t.approved), Thread: t.markup, thread: t.whole, FeedRSS: base + "feed/"}
	if page > 1 {
		v.Newer = commentPagePath(base, page-1)
	}
	if page < t.pages {
		v.Older = commentPagePath(base, page+1)
	}

	v.Open, v.ClosedMessage = comment.IsOpen(p, d, req.now)
	v.ShowForm = v.Open || form != nil
	if form == nil {
		known := readCommenter(r)
		form = &formView{Author: known.Name, Email: known.Email, URL: known.URL, Remember: known != commenter{}}
		if id, err := strconv.ParseInt(r.URL.Query().Get("replytocom"), 10, 64); err == nil {
			form.ParentID = id
		}
	}
	form.PostID, form.EditWindow = p.ID, d.EditWindowMinutes
	form.MailOn = s.mailOn()
	if form.SubscribeMode == "" {
		form.SubscribeMode = blog.NotifyReplies
	}
	if form.Token == "" {
		form.Token = s.signer.formToken(p.ID, req.now)
	}
	if u, _, ok := s.signedIn(r); ok {
		form.SignedInAs = u.Name
	}
	if name, ok := t.replyTo[form.ParentID]; ok {
		form.ReplyTo = name
		form.CancelURL = base + "#respond"
	} else {
		form.ParentID = 0
	}
	v.Form = *form
	return v, nil
}

// commentViews lists the views of the comments of roots and their replies, depth first. ownSince holds when this
// reader wrote their own comments, which they may edit for a while.
func (s *Server) commentViews(req *request, p *blog.Post, thread *comment.Thread, roots []*comment.Node, ownSince map[int64]time.Time) []commentView {
	d := req.settings.Discussion
	base := req.settings.PostPath(p)
	editUntil := time.Duration(d.EditWindowMinutes) * time.Minute
	open, _ := comment.IsOpen(p, d, req.now) // a closed thread offers no Reply links: they would lead nowhere
	avatars := s.newAvatars(req)
	out := make([]commentView, 0, thread.Len())
	var walk func(nodes []*comment.Node)
	walk = func(nodes []*comment.Node) {
		for _, n := range nodes {
			c := &n.Comment
			id := strconv.FormatInt(c.ID, 10)
			cv := commentView{
				ID: c.ID, Number: n.Number, Depth: n.Depth, AuthorName: c.AuthorName, AuthorURL: c.AuthorURL,
				Avatar:    avatars.url(c.AuthorEmail),
				Permalink: commentPagePath(base, thread.PageOf(c.ID, d.PerPage)) + "#comment-" + id,
				Date:      newDateView(c.Created, req.loc, req.settings.DateFormat), Timestamp: c.Created.Unix(), HTML: template.HTML(c.HTML),
				Pending: c.Status != blog.CommentApproved, ByPostAuthor: c.UserID != 0 && c.UserID == p.AuthorID,
			}
			if open && !cv.Pending {
				cv.ReplyURL = "?replytocom=" + id + "#respond"
			}
			if since, ok := ownSince[c.ID]; ok && req.now.Sub(since) < editUntil {
				cv.EditURL = "/comments/" + id + "/edit/"
			}
			out = append(out, cv)
			walk(n.Children)
		}
	}
	walk(roots)
	return out
}

func commentsLabel(n int) string {
	switch n {
	case 0:
		return "No comments yet"
	case 1:
		return "One comment"
	}
	return fmt.Sprintf("%d comments", n)
}

func commentPagePath(base string, page int) string {
	if page <= 1 {
		return base
	}
	return fmt.Sprintf("%scomment-page-%d/", base, page)
}

// avatars makes the commenters' pictures of one page, each address's once: drawn here from a keyed hash of the
// email (which reveals nothing about the address), or Gravatar's when the site opted in.
type avatars struct {
	gravatar bool
	mac      hash.Hash // keyed with the signer's key; Reset keeps the key
	sum      []byte
	byEmail  map[string]string
}

func (s *Server) newAvatars(req *request) *avatars {
	a := &avatars{gravatar: req.settings.Discussion.Gravatar, byEmail: map[string]string{}}
	if !a.gravatar {
		a.mac = hmac.New(sha256.New, s.signer.key)
	}
	return a
}

func (a *avatars) url(email string) string {
	if u, ok := a.byEmail[email]; ok {
		return u
	}
	var u string
	if a.gravatar {
		sum := md5.Sum([]byte(strings.ToLower(strings.TrimSpace(email))))
		u = "https://www.gravatar.com/avatar/" + hex.EncodeToString(sum[:]) + "?s=80&d=identicon"
	} else {
		a.mac.Reset()
		io.WriteString(a.mac, "avatar\x00")
		io.WriteString(a.mac, email)
		a.sum = a.mac.Sum(a.sum[:0])
		u = "/avatar/" + hex.EncodeToString(a.sum[:10]) + ".svg"
	}
	a.byEmail[email] = u
	return u
}

func (s *Server) serveAvatar(w http.ResponseWriter, r *http.Request) {
	hash, err := hex.DecodeString(strings.TrimSuffix(r.PathValue("file"), ".svg"))
	if err != nil || len(hash) != 10 || !strings.HasSuffix(r.PathValue("file"), ".svg") {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Write(avatar.SVG(hash))
}

// submitComment takes the "Leave a Reply" form. A refused comment comes back on the post page with the reasons
// beside the fields and everything typed still in the form; an accepted one redirects to its place in the thread.
func (s *Server) submitComment(w http.ResponseWriter, r *http.Request) error {
	if crossSite(r) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusForbidden)
		_, err := io.WriteString(w, crossSiteRefusal+"\n")
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxCommentForm)
	if err := r.ParseForm(); err != nil {
		return bodyError(err, "the comment form could not be read")
	}
	postID, err := strconv.ParseInt(r.PostFormValue("comment_post_ID"), 10, 64)
	if err != nil {
		return errNotFound
	}
	parentID, err := strconv.ParseInt(r.PostFormValue("comment_parent"), 10, 64)
	if err != nil {
		parentID = 0
	}
	p, err := s.store.Post(r.Context(), postID)
	if err != nil {
		return err
	}
	req, err := s.newRequest(r, route{kind: routeSlug, slug: p.Slug, page: 1})
	if err != nil {
		return err
	}
	if !p.IsPublic(req.now) {
		return errNotFound
	}
	form := &formView{
		ParentID: parentID, Author: r.PostFormValue("author"), Email: r.PostFormValue("email"), URL: r.PostFormValue("url"),
		Comment: r.PostFormValue("comment"), Remember: r.PostFormValue("wp-comment-cookies-consent") != "",
		Subscribe: r.PostFormValue(subscribeField) != "" && s.mailOn(),
	}
	form.SubscribeMode, err = blog.ParseSubscriptionMode(r.PostFormValue(subscribeModeField))
	if err != nil {
		form.SubscribeMode = blog.NotifyReplies
	}
	token := r.PostFormValue(formTokenField)
	check := s.signer.checkFormToken(token, p.ID, req.now, time.Duration(req.settings.Discussion.MinSubmitSeconds)*time.Second)
	if r.PostFormValue("preview") != "" {
		// A preview keeps the form's token, so that posting right after it is not "too fast".
		if check.Refusal == "" || check.KeepToken {
			form.Token = token
		}
		form.Preview = comment.Preview(form.Comment)
		return s.renderPost(w, r, req, &p, form, http.StatusOK)
	}
	// A closed thread says so rather than complain about the form, which it did not show.
	if open, _ := comment.IsOpen(&p, req.settings.Discussion, req.now); open && check.Refusal != "" {
		if check.KeepToken {
			form.Token = token
		}
		form.FormError = check.Refusal
		return s.renderPost(w, r, req, &p, form, check.Status)
	}
	c := clientOf(r)
	sub := comment.Submission{
		Input: blog.CommentInput{PostID: p.ID, ParentID: parentID, Name: form.Author, Email: form.Email, URL: form.URL, Body: form.Comment},
		Post:  p, IP: ipString(c), UserAgent: r.UserAgent(),
	}
	if trap := r.PostFormValue(honeypotField); trap != "" {
		sub.Trap = trap
	}
	sub.Checks = append(sub.Checks, check.Note)
	if refused, err := s.blockedCommenter(r, sub); err != nil {
		return err
	} else if refused {
		form.FormError, form.Token = blockedRefusal, token
		return s.renderPost(w, r, req, &p, form, http.StatusForbidden)
	}
	if u, _, ok := s.signedIn(r); ok {
		sub.User = &u
	} else if retry, over, err := overRate(r.Context(), s.store, sub.IP, req.now); err != nil {
		return err
	} else if over {
		msg, wait := rateRefusal(req.now, retry)
		form.FormError, form.Token = msg, token
		w.Header().Set("Retry-After", strconv.Itoa(wait))
		return s.renderPost(w, r, req, &p, form, http.StatusTooManyRequests)
	} else {
		sub.Checks = append(sub.Checks, "not blocked; within the rate limits of its address and network")
	}
	if form.Subscribe {
		// Refused before the comment is stored, so that sending the form again posts it once.
		if refusal := s.subscribeRefusal(r, sub.User, form); refusal != nil {
			form.Errors, form.Token = refusal, token
			form.Autofocus = "email"
			if _, onEmail := refusal["email"]; !onEmail {
				form.FormError, form.Autofocus = refusal[comment.FormError], ""
			}
			return s.renderPost(w, r, req, &p, form, http.StatusUnprocessableEntity)
		}
	}
	created, err := s.comments.Submit(r.Context(), sub, req.settings.Discussion)
	if fe, refused := comment.IsRefusal(err); refused {
		form.Errors, form.FormError = fe, fe[comment.FormError]
		for _, f := range []string{"author", "email", "url", "comment"} {
			if _, bad := fe[f]; bad {
				form.Autofocus = f
				break
			}
		}
		return s.renderPost(w, r, req, &p, form, http.StatusUnprocessableEntity)
	}
	if err != nil {
		return err
	}
	s.signer.addOwnComment(w, r, ownComment{ID: created.ID, Created: created.Created}, c.Secure)
	if sub.User == nil {
		rememberCommenter(w, r, commenter{Name: created.AuthorName, Email: created.AuthorEmail, URL: created.AuthorURL}, form.Remember, c.Secure)
	}
	if form.Subscribe {
		s.subscribe(w, r, created, form.SubscribeMode, c.Secure)
	}
	http.Redirect(w, r, "/comments/"+strconv.FormatInt(created.ID, 10)+"/", http.StatusSeeOther)
	return nil
}

func ipString(c client) string {
	if !c.IP.IsValid() {
		return ""
	}
	return c.IP.String()
}

// commentLink answers /comments/ID/ with a redirect to the comment in its thread, on whichever page it now is.
// Feeds and notification emails link here, so their links survive pagination changes.
func (s *Server) commentLink(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return errNotFound
	}
	c, err := s.store.Comment(r.Context(), id)
	if err != nil {
		return err
	}
	req, err := s.newRequest(r, route{})
	if err != nil {
		return err
	}
	own := false
	for _, o := range s.signer.ownComments(r, req.now) {
		own = own || o.ID == id
	}
	if c.Status != blog.CommentApproved && !own {
		return errNotFound
	}
	p, err := s.store.Post(r.Context(), c.PostID)
	if err != nil {
		return err
	}
	if !p.IsPublic(req.now) {
		return errNotFound
	}
	base := req.settings.PostPath(&p)
	page := 1
	if per := req.settings.Discussion.PerPage; per > 0 {
		var ownIDs []int64
		if own {
			ownIDs = []int64{id}
		}
		comments, err := s.store.Thread(r.Context(), p.ID, ownIDs)
		if err != nil {
			return err
		}
		page = max(comment.Build(comments, req.settings.Discussion.ThreadDepth, req.settings.Discussion.NewestFirst).PageOf(id, per), 1)
	}
	http.Redirect(w, r, commentPagePath(base, page)+"#comment-"+strconv.FormatInt(id, 10), http.StatusFound)
	return nil
}

// editPage is a commenter's own comment, open for changes for a few minutes after posting.
type editPage struct {
	basePage
	CommentID int64
	PostTitle string
	PostURL   string
	Form      formView
	Deleted   bool
	Late      string // why nothing was done, when the edit window closed before the form was sent
	Minutes   int    // the edit window
}

// errEditTimePassed refuses a commenter's change after the edit window: the page keeps what they typed.
var errEditTimePassed = blog.Errorf(blog.EFORBIDDEN, "the time to edit this comment has passed")

// ownEditable returns the comment when this browser wrote it and its edit window is still open; when the window
// has closed, the comment with errEditTimePassed.
func (s *Server) ownEditable(r *http.Request, req *request) (blog.Comment, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return blog.Comment{}, errNotFound
	}
	window := time.Duration(req.settings.Discussion.EditWindowMinutes) * time.Minute
	for _, o := range s.signer.ownComments(r, req.now) {
		if o.ID == id {
			c, err := s.store.Comment(r.Context(), id)
			switch {
			case err != nil:
				return c, err
			case c.Status == blog.CommentTrash:
				return c, errNotFound
			case req.now.Sub(o.Created) >= window:
				return c, errEditTimePassed
			}
			return c, nil
		}
	}
	return blog.Comment{}, blog.Errorf(blog.EFORBIDDEN, "only the person who wrote a comment may edit it, from the same browser")
}

func (s *Server) editComment(w http.ResponseWriter, r *http.Request) error {
	req, err := s.newRequest(r, route{})
	if err != nil {
		return err
	}
	if r.Method == http.MethodPost {
		r.Body = http.MaxBytesReader(w, r.Body, maxCommentForm)
		if err := r.ParseForm(); err != nil {
			return bodyError(err, "the form could not be read")
		}
	}
	c, err := s.ownEditable(r, req)
	closed := errors.Is(err, errEditTimePassed) && r.Method == http.MethodPost
	if err != nil && !closed {
		return err
	}
	p, err := s.store.Post(r.Context(), c.PostID)
	if err != nil {
		return err
	}
	page := &editPage{CommentID: c.ID, PostTitle: p.Title, PostURL: req.settings.PostPath(&p), Minutes: req.settings.Discussion.EditWindowMinutes,
		Form: formView{Author: c.AuthorName, Email: c.AuthorEmail, URL: c.AuthorURL, Comment: c.Body}}
	status := http.StatusOK
	switch {
	case closed:
		// Sent too late: nothing is done, and what they typed stays on the page for them to copy.
		status = http.StatusForbidden
		page.Late = "The time to edit this comment passed before your changes arrived, so they were not saved. " +
			"What you typed is below, for you to copy."
		if r.PostFormValue("delete") != "" {
			page.Late = "The time to delete this comment has passed, so it is still there. If it must go, ask the site's editors."
		}
		page.Form = formView{Author: r.PostFormValue("author"), Email: r.PostFormValue("email"), URL: r.PostFormValue("url"),
			Comment: r.PostFormValue("comment")}
	case r.Method == http.MethodPost && r.PostFormValue("delete") != "":
		if err := s.store.SetCommentStatus(r.Context(), []int64{c.ID}, blog.CommentTrash); err != nil {
			return err
		}
		http.Redirect(w, r, page.PostURL+"#comments", http.StatusSeeOther)
		return nil
	case r.Method == http.MethodPost:
		in := blog.CommentInput{PostID: c.PostID, Name: r.PostFormValue("author"), Email: r.PostFormValue("email"),
			URL: r.PostFormValue("url"), Body: r.PostFormValue("comment")}
		_, err := s.comments.Edit(r.Context(), c.ID, in)
		if fe, refused := comment.IsRefusal(err); refused {
			page.Form = formView{Author: in.Name, Email: in.Email, URL: in.URL, Comment: in.Body, Errors: fe}
			status = http.StatusUnprocessableEntity
			break
		}
		if err != nil {
			return err
		}
		http.Redirect(w, r, "/comments/"+strconv.FormatInt(c.ID, 10)+"/", http.StatusSeeOther)
		return nil
	}
	if err := s.fillBase(r.Context(), req, &page.basePage, r.URL.Path); err != nil {
		return err
	}
	page.Head.Title, page.Head.NoIndex = "Edit your comment – "+req.settings.Title, true
	return s.views.render(w, status, "edit", page)
}

// previewComment renders comment text for the form's live preview.
func (s *Server) previewComment(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxCommentForm)
	if err := r.ParseForm(); err != nil {
		return bodyError(err, "the comment could not be read")
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, err := w.Write([]byte(comment.Preview(r.PostFormValue("comment"))))
	return err
}
