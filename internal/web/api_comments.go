package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/comment"
)

// apiCommentView is a comment as the API shows it. The commenter's email, IP address and browser, and the
// moderation note, are present only for a user who may moderate the comment.
type apiCommentView struct {
	ID          int64              `json:"id"`
	PostID      int64              `json:"post_id"`
	ParentID    int64              `json:"parent_id"`
	Status      string             `json:"status"`
	AuthorName  string             `json:"author_name"`
	AuthorURL   string             `json:"author_url"`
	AuthorEmail *string            `json:"author_email,omitempty"`
	AuthorIP    *string            `json:"author_ip,omitempty"`
	UserAgent   *string            `json:"user_agent,omitempty"`
	Moderation  *string            `json:"moderation,omitempty"`
	UserID      int64              `json:"user_id"`
	Date        time.Time          `json:"date"`
	Modified    time.Time          `json:"modified"`
	Body        string             `json:"body"`
	HTML        string             `json:"html"`
	Path        string             `json:"path"`
	URL         string             `json:"url"`
	Post        apiCommentPostView `json:"post"`
}

type apiCommentPostView struct {
	ID    int64  `json:"id"`
	Title string `json:"title"`
	Path  string `json:"path"`
}

func apiCommentOf(a *adminRequest, c *blog.Comment, p *blog.Post, moderator bool) apiCommentView {
	v := apiCommentView{
		ID: c.ID, PostID: c.PostID, ParentID: c.ParentID, Status: string(c.Status), AuthorName: c.AuthorName,
		AuthorURL: c.AuthorURL, UserID: c.UserID, Date: c.Created, Modified: c.Updated, Body: c.Body, HTML: c.HTML,
		Path: "/comments/" + strconv.FormatInt(c.ID, 10) + "/",
		Post: apiCommentPostView{ID: p.ID, Title: p.Title, Path: a.settings.PostPath(p)},
	}
	v.URL = a.base + v.Path
	if moderator {
		v.AuthorEmail, v.AuthorIP, v.UserAgent, v.Moderation = &c.AuthorEmail, &c.AuthorIP, &c.UserAgent, &c.Moderation
	}
	return v
}

// apiComments lists comments as the moderation queue does: editors and administrators all of them, authors those
// on their own posts; contributors do not moderate. Without a status, every status is listed, newest first.
func (s *Server) apiComments(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	if a.user.Role == blog.RoleContributor {
		return blog.Errorf(blog.EFORBIDDEN, "contributors cannot moderate comments")
	}
	q := r.URL.Query()
	page, perPage, err := apiPaging(r)
	if err != nil {
		return err
	}
	f := blog.CommentFilter{Search: strings.TrimSpace(q.Get("search")), NewestFirst: true, Limit: perPage,
		Offset: (page - 1) * perPage, PostAuthorID: ownPostsOnly(a.user)}
	if v := q.Get("status"); v != "" && v != "all" {
		if f.Status, err = blog.ParseCommentStatus(v); err != nil {
			return err
		}
	}
	if v := q.Get("post"); v != "" {
		if f.PostID, err = strconv.ParseInt(v, 10, 64); err != nil || f.PostID <= 0 {
			return blog.Errorf(blog.EINVALID, "post=%s: give a post's ID", v)
		}
	}
	comments, total, err := s.store.Comments(r.Context(), f)
	if err != nil {
		return err
	}
	out := apiList[apiCommentView]{Items: make([]apiCommentView, 0, len(comments)), Total: total, Page: page, PerPage: perPage}
	for i := range comments {
		out.Items = append(out.Items, apiCommentOf(a, &comments[i].Comment, &comments[i].Post, true))
	}
	s.writeJSON(w, r, http.StatusOK, out)
	return nil
}

// apiComment shows one comment: in full to those who may moderate it; to anyone else signed in, only as readers
// see it, and only once it is approved on a public post.
func (s *Server) apiComment(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	c, p, moderator, err := s.apiFindComment(r, a)
	if err != nil {
		return err
	}
	if !moderator && (c.Status != blog.CommentApproved || !p.IsPublic(a.now)) {
		return blog.Errorf(blog.EFORBIDDEN, "you may moderate comments on your own posts only")
	}
	s.writeJSON(w, r, http.StatusOK, apiCommentOf(a, &c, &p, moderator))
	return nil
}

// apiFindComment loads the comment named in the path and its post, and says whether the user may moderate it.
func (s *Server) apiFindComment(r *http.Request, a *adminRequest) (blog.Comment, blog.Post, bool, error) {
	id, err := apiPathID(r, "comment")
	if err != nil {
		return blog.Comment{}, blog.Post{}, false, err
	}
	c, err := s.store.Comment(r.Context(), id)
	if err != nil {
		return c, blog.Post{}, false, err
	}
	p, err := s.store.Post(r.Context(), c.PostID)
	if err != nil {
		return c, p, false, err
	}
	moderator := a.user.Role == blog.RoleAdmin || a.user.Role == blog.RoleEditor || (a.user.Role == blog.RoleAuthor && p.AuthorID == a.user.ID)
	return c, p, moderator, nil
}

// apiSendComment answers with a comment as stored now, for one who may moderate it.
func (s *Server) apiSendComment(w http.ResponseWriter, r *http.Request, a *adminRequest, id int64, status int) error {
	c, err := s.store.Comment(r.Context(), id)
	if err != nil {
		return err
	}
	p, err := s.store.Post(r.Context(), c.PostID)
	if err != nil {
		return err
	}
	s.writeJSON(w, r, status, apiCommentOf(a, &c, &p, true))
	return nil
}

// apiModerateComment applies one of the queue's actions (approve, unapprove, spam, notspam, trash, restore).
func (s *Server) apiModerateComment(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	action := r.PathValue("action")
	status, ok := moderationActions[action]
	if !ok {
		return blog.Errorf(blog.ENOTFOUND, "%q is not a moderation action: use approve, unapprove, spam, notspam, trash or restore", action)
	}
	id, err := apiPathID(r, "comment")
	if err != nil {
		return err
	}
	if err := s.mayModerateComment(r, a, id); err != nil {
		return err
	}
	if err := s.store.SetCommentStatus(r.Context(), []int64{id}, status); err != nil {
		return err
	}
	s.log.InfoContext(r.Context(), "moderated", "user", a.user.ID, "action", action, "comments", []int64{id}, "via", "api")
	return s.apiSendComment(w, r, a, id, http.StatusOK)
}

// apiModerationInput applies one action to several comments, as the queue's bulk form does.
type apiModerationInput struct {
	Action string  `json:"action"`
	IDs    []int64 `json:"ids"`
}

// apiModerateComments checks every comment first, so that one the user may not moderate changes nothing.
func (s *Server) apiModerateComments(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	var in apiModerationInput
	if err := readJSON(r, &in); err != nil {
		return err
	}
	status, ok := moderationActions[in.Action]
	if !ok {
		return blog.Errorf(blog.EINVALID, "action must be approve, unapprove, spam, notspam, trash or restore")
	}
	if len(in.IDs) == 0 {
		return blog.Errorf(blog.EINVALID, "ids must list at least one comment")
	}
	if len(in.IDs) > 100 {
		return blog.Errorf(blog.EINVALID, "ids may list at most 100 comments at once")
	}
	for _, id := range in.IDs {
		if err := s.mayModerateComment(r, a, id); err != nil {
			return err
		}
	}
	if err := s.store.SetCommentStatus(r.Context(), in.IDs, status); err != nil {
		return err
	}
	s.log.InfoContext(r.Context(), "moderated", "user", a.user.ID, "action", in.Action, "comments", in.IDs, "via", "api")
	s.writeJSON(w, r, http.StatusOK, struct {
		Action string  `json:"action"`
		Status string  `json:"status"`
		IDs    []int64 `json:"ids"`
	}{in.Action, string(status), in.IDs})
	return nil
}

// apiCommentInput is a moderator's correction of a comment; absent fields stay as they are.
type apiCommentInput struct {
	AuthorName  *string `json:"author_name"`
	AuthorEmail *string `json:"author_email"`
	AuthorURL   *string `json:"author_url"`
	Body        *string `json:"body"`
	Status      *string `json:"status"`
}

// apiEditComment lets a moderator correct a comment's author fields and text, and set its status.
func (s *Server) apiEditComment(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	id, err := apiPathID(r, "comment")
	if err != nil {
		return err
	}
	if err := s.mayModerateComment(r, a, id); err != nil {
		return err
	}
	var in apiCommentInput
	if err := readJSON(r, &in); err != nil {
		return err
	}
	c, err := s.store.Comment(r.Context(), id)
	if err != nil {
		return err
	}
	var status blog.CommentStatus
	if in.Status != nil {
		if status, err = blog.ParseCommentStatus(*in.Status); err != nil {
			return err
		}
	}
	edit := blog.CommentInput{PostID: c.PostID, Name: c.AuthorName, Email: c.AuthorEmail, URL: c.AuthorURL, Body: c.Body}
	for _, f := range []struct{ dst, src *string }{{&edit.Name, in.AuthorName}, {&edit.Email, in.AuthorEmail}, {&edit.URL, in.AuthorURL}, {&edit.Body, in.Body}} {
		if f.src != nil {
			*f.dst = *f.src
		}
	}
	if in.AuthorName != nil || in.AuthorEmail != nil || in.AuthorURL != nil || in.Body != nil {
		if _, err := s.comments.Edit(r.Context(), id, edit); err != nil {
			return err
		}
	}
	if status != "" && status != c.Status {
		if err := s.store.SetCommentStatus(r.Context(), []int64{id}, status); err != nil {
			return err
		}
	}
	return s.apiSendComment(w, r, a, id, http.StatusOK)
}

// apiReplyInput is a moderator's reply; "body", the name comments show their text under, serves as well.
type apiReplyInput struct {
	Comment *string `json:"comment"`
	Body    *string `json:"body"`
}

// apiReply answers a comment as the signed-in user, approving the comment it answers, as the queue does.
func (s *Server) apiReply(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	id, err := apiPathID(r, "comment")
	if err != nil {
		return err
	}
	if err := s.mayModerateComment(r, a, id); err != nil {
		return err
	}
	var in apiReplyInput
	if err := readJSON(r, &in); err != nil {
		return err
	}
	text := in.Comment
	if text == nil {
		text = in.Body
	}
	if text == nil || strings.TrimSpace(*text) == "" {
		return blog.Errorf(blog.EINVALID, "comment: please type your reply")
	}
	parent, err := s.store.Comment(r.Context(), id)
	if err != nil {
		return err
	}
	p, err := s.store.Post(r.Context(), parent.PostID)
	if err != nil {
		return err
	}
	if parent.Status != blog.CommentApproved {
		if err := s.store.SetCommentStatus(r.Context(), []int64{id}, blog.CommentApproved); err != nil {
			return err
		}
	}
	c, err := s.comments.Submit(r.Context(), comment.Submission{
		Input: blog.CommentInput{PostID: p.ID, ParentID: id, Body: *text},
		Post:  p, IP: ipString(clientOf(r)), UserAgent: r.UserAgent(), User: &a.user,
	}, a.settings.Discussion)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/comments/"+strconv.FormatInt(c.ID, 10))
	return s.apiSendComment(w, r, a, c.ID, http.StatusCreated)
}
