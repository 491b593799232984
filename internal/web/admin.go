package web

import (
	"crypto/hmac"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/alexedwards/argon2id"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/comment"
)

// adminRequest is a request from a signed-in user.
type adminRequest struct {
	*request
	user        blog.User
	sessionHash string
}

// adminPage is embedded in every admin page struct.
type adminPage struct {
	SiteTitle string
	Title     string
	User      blog.User
	CSRF      string
	Pending   int // comments awaiting moderation, for the menu
	Notice    string
}

// maxAdminForm bounds an admin form; maxUpload bounds a multipart upload (media), whose files the media code
// checks against its own, smaller limits.
const (
	maxAdminForm = 8 << 20
	maxUpload    = 64 << 20
)

// moderation wraps a comment-moderation handler: admin, and a role that moderates (contributors do not).
func (s *Server) moderation(h func(http.ResponseWriter, *http.Request, *adminRequest) error) http.Handler {
	return s.admin(func(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
		if a.user.Role == blog.RoleContributor {
			return blog.Errorf(blog.EFORBIDDEN, "contributors cannot moderate comments")
		}
		return h(w, r, a)
	})
}

// admin wraps an admin handler: it requires a signed-in user (of any role; handlers check what the role allows),
// and a valid form token on every POST, urlencoded or multipart.
func (s *Server) admin(h func(http.ResponseWriter, *http.Request, *adminRequest) error) http.Handler {
	return s.adminWith(true, h)
}

// adminWith is admin, with a choice for POST: parse (and bound) the body and check its CSRF token, or leave the
// body unread for a handler that streams it (an import of a large file) and checks the token itself.
func (s *Server) adminWith(parseBody bool, h func(http.ResponseWriter, *http.Request, *adminRequest) error) http.Handler {
	return s.page(func(w http.ResponseWriter, r *http.Request) error {
		u, hash, ok := s.signedIn(r)
		if !ok {
			if r.Method != http.MethodGet {
				return blog.Errorf(blog.EFORBIDDEN, "you are not signed in (your session may have ended), so nothing was saved: "+
					"sign in again in another tab, then go back to the form and send it again; your browser usually keeps what you typed")
			}
			http.Redirect(w, r, "/admin/signin/?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return nil
		}
		w.Header().Set("Cache-Control", "no-store")
		if r.Method == http.MethodPost && parseBody {
			if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
				r.Body = http.MaxBytesReader(w, r.Body, maxUpload)
				if err := r.ParseMultipartForm(32 << 20); err != nil {
					if tooLarge(err) {
						return bodyError(err, "")
					}
					return blog.Errorf(blog.EINVALID, "the upload could not be read: it may be larger than %d MB", maxUpload>>20)
				}
			} else {
				r.Body = http.MaxBytesReader(w, r.Body, maxAdminForm)
				if err := r.ParseForm(); err != nil {
					return bodyError(err, "the form could not be read")
				}
			}
			if err := s.checkCSRF(r, hash); err != nil {
				return err
			}
		}
		req, err := s.newRequest(r, route{})
		if err != nil {
			return err
		}
		return h(w, r, &adminRequest{request: req, user: u, sessionHash: hash})
	})
}

func (s *Server) adminBase(r *http.Request, a *adminRequest, title string) (adminPage, error) {
	counts, err := s.store.CommentCounts(r.Context(), ownPostsOnly(a.user))
	if err != nil {
		return adminPage{}, err
	}
	return adminPage{SiteTitle: a.settings.Title, Title: title, User: a.user, CSRF: s.csrfToken(a.sessionHash),
		Pending: counts[blog.CommentPending], Notice: s.notice(r)}, nil
}

// ownPostsOnly is the post author an admin list is limited to: authors moderate comments on their own posts only.
func ownPostsOnly(u blog.User) int64 {
	if u.Role == blog.RoleAuthor {
		return u.ID
	}
	return 0
}

type signinPage struct {
	adminPage
	Email string
	Next  string
	Error string
}

func (s *Server) signinForm(w http.ResponseWriter, r *http.Request) error {
	if _, _, ok := s.signedIn(r); ok {
		http.Redirect(w, r, localPath(r.URL.Query().Get("next"), "/admin/"), http.StatusSeeOther)
		return nil
	}
	st, err := s.store.Settings(r.Context())
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return s.views.render(w, http.StatusOK, "admin/signin", &signinPage{adminPage: adminPage{SiteTitle: st.Title, Title: "Sign in"}, Next: r.URL.Query().Get("next")})
}

// signin checks an email and password. The message for a wrong email is the same as for a wrong password, and an
// unknown email still costs a hash comparison, so the form does not reveal who has an account.
func (s *Server) signin(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		return bodyError(err, "the form could not be read")
	}
	email, password, next := blog.NormalizeEmail(r.PostFormValue("email")), r.PostFormValue("password"), r.PostFormValue("next")
	keys := failureKeys(email, r)
	if err := s.throttle(r.Context(), keys...); err != nil {
		if blog.ErrorCode(err) != blog.ETOOMANY {
			return err
		}
		s.log.WarnContext(r.Context(), "sign-in refused: too many failures", "ip", ipString(clientOf(r)))
		return s.signinFailed(w, r, http.StatusTooManyRequests, next, blog.ErrorMessage(err))
	}
	u, err := s.store.UserByEmail(r.Context(), email)
	if err != nil && blog.ErrorCode(err) != blog.ENOTFOUND {
		return err
	}
	hash := u.PasswordHash
	if hash == "" {
		hash = unknownUserHash
	}
	match, err := argon2id.ComparePasswordAndHash(password, hash)
	if err != nil || !match || u.ID == 0 {
		if err := s.store.RecordLoginFailure(r.Context(), keys...); err != nil {
			return err
		}
		return s.signinFailed(w, r, http.StatusUnauthorized, next, "The email address or the password is not right.")
	}
	if err := s.store.ClearLoginFailures(r.Context(), keys...); err != nil {
		return err
	}
	if err := s.startSession(r.Context(), w, r, u); err != nil {
		return err
	}
	s.log.InfoContext(r.Context(), "signed in", "user", u.ID, "ip", ipString(clientOf(r)))
	http.Redirect(w, r, localPath(next, "/admin/"), http.StatusSeeOther)
	return nil
}

// signinFailed shows the sign-in form again with a message and the email kept.
func (s *Server) signinFailed(w http.ResponseWriter, r *http.Request, status int, next, message string) error {
	st, err := s.store.Settings(r.Context())
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return s.views.render(w, status, "admin/signin", &signinPage{
		adminPage: adminPage{SiteTitle: st.Title, Title: "Sign in"}, Email: r.PostFormValue("email"), Next: next, Error: message,
	})
}

// unknownUserHash is compared against when no user has the email given, so that both cases take as long.
const unknownUserHash = "$argon2id$v=19$m=65536,t=1,p=2$c2FsdHNhbHRzYWx0c2FsdA$0Pq0UVDqTDbdEm1PWzP3kn+zPz8X4Qw0ybOF2Zh2NCs"

// localPath keeps a redirect target on this site, falling back to def for anything else.
func localPath(next, def string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return def
	}
	return next
}

func (s *Server) signout(w http.ResponseWriter, r *http.Request) error {
	_, hash, ok := s.signedIn(r)
	if ok {
		if err := r.ParseForm(); err != nil {
			return blog.Errorf(blog.EINVALID, "the form could not be read")
		}
		if err := s.checkCSRF(r, hash); err != nil {
			return err
		}
		if err := s.endSession(w, r, hash); err != nil {
			return err
		}
	}
	http.Redirect(w, r, "/admin/signin/", http.StatusSeeOther)
	return nil
}

// queuePage is the moderation queue: one tab per status, a page of comments with their context.
type queuePage struct {
	adminPage
	Status   string
	Search   string
	Tabs     []queueTab
	Comments []queuedComment
	Total    int
	Newer    string
	Older    string
	Return   string
}

type queueTab struct {
	Label   string
	URL     string
	Count   int
	Current bool
}

type queuedComment struct {
	ID         int64
	Status     string
	AuthorName string
	Email      string
	URL        string
	IP         string
	Date       dateView
	HTML       template.HTML
	Moderation string
	PostTitle  string
	PostURL    string
	InReplyTo  string // the parent's author and text, for context
	Link       string
	// RepliesClosed says why the post takes no reply ("Comments are closed."); "" when a reply may be sent.
	RepliesClosed string
}

const queuePerPage = 20

func (s *Server) commentQueue(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	q := r.URL.Query()
	status := q.Get("status")
	if status == "" {
		status = string(blog.CommentPending)
	}
	filter := blog.CommentFilter{Search: strings.TrimSpace(q.Get("q")), NewestFirst: true, Limit: queuePerPage, PostAuthorID: ownPostsOnly(a.user)}
	if status != "all" {
		st, err := blog.ParseCommentStatus(status)
		if err != nil {
			return err
		}
		filter.Status = st
	}
	page, err := strconv.Atoi(q.Get("page"))
	if err != nil || page < 1 {
		page = 1
	}
	filter.Offset = (page - 1) * queuePerPage
	comments, total, err := s.store.Comments(r.Context(), filter)
	if err != nil {
		return err
	}
	counts, err := s.store.CommentCounts(r.Context(), ownPostsOnly(a.user))
	if err != nil {
		return err
	}
	base, err := s.adminBase(r, a, "Comments")
	if err != nil {
		return err
	}
	v := &queuePage{adminPage: base, Status: status, Search: filter.Search, Total: total, Return: r.URL.RequestURI()}
	all := 0
	for _, st := range blog.CommentStatuses {
		all += counts[st]
		v.Tabs = append(v.Tabs, queueTab{Label: statusLabel(st), URL: "/admin/comments/?status=" + string(st), Count: counts[st], Current: status == string(st)})
	}
	v.Tabs = append(v.Tabs, queueTab{Label: "All", URL: "/admin/comments/?status=all", Count: all, Current: status == "all"})
	pageURL := func(n int) string {
		u := url.Values{"status": {status}, "page": {strconv.Itoa(n)}}
		if filter.Search != "" {
			u.Set("q", filter.Search)
		}
		return "/admin/comments/?" + u.Encode()
	}
	if page > 1 {
		v.Newer = pageURL(page - 1)
	}
	if page*queuePerPage < total {
		v.Older = pageURL(page + 1)
	}
	for i := range comments {
		c := &comments[i]
		qc := queuedComment{
			ID: c.ID, Status: string(c.Status), AuthorName: c.AuthorName, Email: c.AuthorEmail, URL: c.AuthorURL, IP: c.AuthorIP,
			Date: newDateView(c.Created, a.loc), HTML: template.HTML(c.HTML), Moderation: c.Moderation,
			PostTitle: c.Post.Title, PostURL: a.settings.PostPath(&c.Post), Link: "/comments/" + strconv.FormatInt(c.ID, 10) + "/",
		}
		if c.ParentAuthor != "" {
			qc.InReplyTo = c.ParentAuthor + ": " + clipText(c.ParentBody, 140)
		}
		if open, why := comment.IsOpen(&c.Post, a.settings.Discussion, a.now); !open {
			qc.RepliesClosed = why // replying would be refused: say so instead of offering the box
		}
		v.Comments = append(v.Comments, qc)
	}
	return s.views.render(w, http.StatusOK, "admin/comments", v)
}

func statusLabel(st blog.CommentStatus) string {
	switch st {
	case blog.CommentPending:
		return "Pending"
	case blog.CommentApproved:
		return "Approved"
	case blog.CommentSpam:
		return "Spam"
	}
	return "Trash"
}

func clipText(s string, n int) string {
	r := []rune(strings.Join(strings.Fields(s), " "))
	if len(r) <= n {
		return string(r)
	}
	return string(r[:n]) + "…"
}

// moderationActions maps the queue's action names to the status each gives. Restore returns a comment to the
// queue, since the status it had before is not kept.
var moderationActions = map[string]blog.CommentStatus{
	"approve": blog.CommentApproved, "unapprove": blog.CommentPending, "spam": blog.CommentSpam,
	"notspam": blog.CommentPending, "trash": blog.CommentTrash, "restore": blog.CommentPending,
}

// moderate applies one action to the selected comments (a row's button sends one ID, the bulk form several).
func (s *Server) moderate(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	action := r.PostFormValue("action")
	status, ok := moderationActions[action]
	if !ok {
		return blog.Errorf(blog.EINVALID, "choose an action: approve, unapprove, spam, not spam, trash or restore")
	}
	var ids []int64
	gone := 0 // deleted since the queue was shown (another moderator, the trash emptied): the rest still count
	for _, v := range r.PostForm["id"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return blog.Errorf(blog.EINVALID, "%q is not a comment", v)
		}
		if err := s.mayModerateComment(r, a, id); blog.ErrorCode(err) == blog.ENOTFOUND {
			gone++
			continue
		} else if err != nil {
			return err
		}
		ids = append(ids, id)
	}
	back := localPath(r.PostFormValue("return"), "/admin/comments/")
	var notice string
	switch {
	case len(ids) > 0:
		if err := s.store.SetCommentStatus(r.Context(), ids, status); err != nil {
			return err
		}
		s.log.InfoContext(r.Context(), "moderated", "user", a.user.ID, "action", action, "comments", ids)
		notice = fmt.Sprintf("%s: %s.", actionDone(action), blog.CountOf(len(ids), "comment"))
		if gone > 0 {
			notice += fmt.Sprintf(" %s no longer existed.", blog.CountOf(gone, "other"))
		}
	case gone > 0:
		notice = "Nothing was changed: the selected comments no longer exist."
	default:
		notice = "Nothing was changed: select the comments to act on first."
	}
	http.Redirect(w, r, s.withNotice(back, notice), http.StatusSeeOther)
	return nil
}

func actionDone(action string) string {
	return map[string]string{"approve": "Approved", "unapprove": "Unapproved", "spam": "Marked as spam", "notspam": "Moved back to pending",
		"trash": "Moved to the trash", "restore": "Restored to pending"}[action]
}

// withNotice adds to path the notice its page shows after an action ("Settings saved."), signed: a page shows
// only notices this site wrote, so that a link elsewhere cannot put words of its choosing in the admin's mouth.
func (s *Server) withNotice(path, notice string) string {
	u, err := url.Parse(path)
	if err != nil {
		return path
	}
	q := u.Query()
	q.Set("done", notice)
	q.Set("sig", s.signer.mac("notice", notice))
	u.RawQuery = q.Encode()
	return u.String()
}

// notice returns the signed notice of r's address, or "".
func (s *Server) notice(r *http.Request) string {
	q := r.URL.Query()
	if notice := q.Get("done"); notice != "" && hmac.Equal([]byte(q.Get("sig")), []byte(s.signer.mac("notice", notice))) {
		return notice
	}
	return ""
}

// mayModerateComment enforces the roles on the server: editors and administrators moderate every comment, authors
// only those on their own posts.
func (s *Server) mayModerateComment(r *http.Request, a *adminRequest, id int64) error {
	c, err := s.store.Comment(r.Context(), id)
	if err != nil {
		return err
	}
	if a.user.Role == blog.RoleAdmin || a.user.Role == blog.RoleEditor {
		return nil
	}
	p, err := s.store.Post(r.Context(), c.PostID)
	if err != nil {
		return err
	}
	if a.user.Role == blog.RoleAuthor && p.AuthorID == a.user.ID {
		return nil
	}
	return blog.Errorf(blog.EFORBIDDEN, "you may moderate comments on your own posts only")
}

type commentEditPage struct {
	adminPage
	ID       int64
	Form     formView
	Status   string
	Statuses []blog.CommentStatus
	PostURL  string
	Return   string
}

// editAnyComment lets a moderator correct a comment: its author fields, text and status.
func (s *Server) editAnyComment(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return errNotFound
	}
	if err := s.mayModerateComment(r, a, id); err != nil {
		return err
	}
	c, err := s.store.Comment(r.Context(), id)
	if err != nil {
		return err
	}
	p, err := s.store.Post(r.Context(), c.PostID)
	if err != nil {
		return err
	}
	base, err := s.adminBase(r, a, "Edit comment")
	if err != nil {
		return err
	}
	v := &commentEditPage{adminPage: base, ID: id, Status: string(c.Status), Statuses: blog.CommentStatuses, PostURL: a.settings.PostPath(&p),
		Form:   formView{Author: c.AuthorName, Email: c.AuthorEmail, URL: c.AuthorURL, Comment: c.Body},
		Return: localPath(r.URL.Query().Get("return"), "/admin/comments/")}
	status := http.StatusOK
	if r.Method == http.MethodPost {
		v.Return = localPath(r.PostFormValue("return"), "/admin/comments/")
		in := blog.CommentInput{PostID: c.PostID, Name: r.PostFormValue("author"), Email: r.PostFormValue("email"), URL: r.PostFormValue("url"), Body: r.PostFormValue("comment")}
		newStatus, serr := blog.ParseCommentStatus(r.PostFormValue("status"))
		_, err := s.comments.Edit(r.Context(), id, in)
		if fe, refused := comment.IsRefusal(err); refused || serr != nil {
			v.Form = formView{Author: in.Name, Email: in.Email, URL: in.URL, Comment: in.Body, Errors: fe}
			status = http.StatusUnprocessableEntity
		} else if err != nil {
			return err
		} else {
			if newStatus != c.Status {
				if err := s.store.SetCommentStatus(r.Context(), []int64{id}, newStatus); err != nil {
					return err
				}
			}
			http.Redirect(w, r, s.withNotice(v.Return, "Comment saved."), http.StatusSeeOther)
			return nil
		}
	}
	return s.views.render(w, status, "admin/comment-edit", v)
}

// commentReplyPage is a moderator's refused reply, shown again with its text and the reason.
type commentReplyPage struct {
	adminPage
	ParentID   int64
	ParentName string
	ParentHTML template.HTML
	PostURL    string
	PostTitle  string
	Approving  bool // sending the reply approves the comment it answers
	Approved   bool // the comment was approved although the reply was then refused
	Reason     string
	Form       formView
	Return     string
}

// replyAsAuthor answers a comment from the queue. The reply is the moderator's own comment (approved and marked
// as the author's when they wrote the post), and replying approves the comment it answers, as WordPress does. A
// reply refused for its text or a closed thread approves nothing; a refused reply is shown again with its text.
func (s *Server) replyAsAuthor(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return errNotFound
	}
	if err := s.mayModerateComment(r, a, id); err != nil {
		return err
	}
	parent, err := s.store.Comment(r.Context(), id)
	if err != nil {
		return err
	}
	p, err := s.store.Post(r.Context(), parent.PostID)
	if err != nil {
		return err
	}
	back := localPath(r.PostFormValue("return"), "/admin/comments/")
	sub := comment.Submission{
		Input: blog.CommentInput{PostID: p.ID, ParentID: id, Body: r.PostFormValue("comment")},
		Post:  p, IP: ipString(clientOf(r)), UserAgent: r.UserAgent(), User: &a.user,
	}
	refused := func(fe blog.FieldErrors, approved bool) error {
		base, err := s.adminBase(r, a, "Reply to a comment")
		if err != nil {
			return err
		}
		return s.views.render(w, http.StatusUnprocessableEntity, "admin/comment-reply", &commentReplyPage{adminPage: base,
			ParentID: id, ParentName: parent.AuthorName, ParentHTML: template.HTML(parent.HTML), PostURL: a.settings.PostPath(&p),
			PostTitle: p.Title, Approving: parent.Status != blog.CommentApproved && !approved, Approved: approved,
			Reason: fe.Error(), Form: formView{Comment: sub.Input.Body, Errors: fe}, Return: back})
	}
	if fe, ok := comment.IsRefusal(s.comments.Check(sub, a.settings.Discussion)); ok {
		return refused(fe, false)
	}
	approving := parent.Status != blog.CommentApproved
	if approving {
		if err := s.store.SetCommentStatus(r.Context(), []int64{id}, blog.CommentApproved); err != nil {
			return err
		}
	}
	_, err = s.comments.Submit(r.Context(), sub, a.settings.Discussion)
	if fe, ok := comment.IsRefusal(err); ok {
		return refused(fe, approving)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, s.withNotice(back, "Reply posted."), http.StatusSeeOther)
	return nil
}
