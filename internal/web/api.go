package web

import (
	"bytes"
	"context"
	"crypto/hmac"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/comment"
	"github.com/salon-blog/salon/internal/post"
	"github.com/salon-blog/salon/internal/store"
)

// apiStore is what the JSON API under /api/ and its tokens need from storage.
type apiStore interface {
	post.Store
	CreateToken(ctx context.Context, userID int64, name string) (store.Token, string, error)
	TokenUser(ctx context.Context, secret string) (blog.User, error)
	Tokens(ctx context.Context, userID int64) ([]store.Token, error)
	Token(ctx context.Context, id int64) (store.Token, error)
	RevokeToken(ctx context.Context, id int64) error
	Users(ctx context.Context) ([]blog.User, error)
	UserByID(ctx context.Context, id int64) (blog.User, error)
	SetSetting(ctx context.Context, key, value string) error
}

// apiHandler serves one endpoint for an authenticated user. It takes an adminRequest, as the admin pages do, so
// that both share the role checks; sessionHash is "" when the request came with a token.
type apiHandler func(w http.ResponseWriter, r *http.Request, a *adminRequest) error

type apiRoute struct {
	method, path string
	h            apiHandler
}

// apiRoutes registers the JSON API under /api/ and the token management page.
func (s *Server) apiRoutes(mux *http.ServeMux) {
	routes := []apiRoute{
		{"GET", "/api/me", s.apiMe},
		{"GET", "/api/posts", s.apiPosts},
		{"POST", "/api/posts", s.apiCreatePost},
		{"GET", "/api/posts/{id}", s.apiPost},
		{"PUT", "/api/posts/{id}", s.apiUpdatePost},
		{"PATCH", "/api/posts/{id}", s.apiUpdatePost},
		{"DELETE", "/api/posts/{id}", s.apiDeletePost},
		{"POST", "/api/posts/{id}/restore", s.apiRestorePost},
		{"GET", "/api/comments", s.apiComments},
		{"POST", "/api/comments/moderate", s.apiModerateComments},
		{"GET", "/api/comments/{id}", s.apiComment},
		{"PATCH", "/api/comments/{id}", s.apiEditComment},
		{"POST", "/api/comments/{id}/reply", s.apiReply},
		{"POST", "/api/comments/{id}/{action}", s.apiModerateComment},
		{"GET", "/api/categories", s.apiCategories},
		{"GET", "/api/users", s.apiUsers},
		{"GET", "/api/settings", s.apiSettings},
		{"PATCH", "/api/settings", s.apiSetSettings},
		{"GET", "/api/tokens", s.apiTokens},
		{"POST", "/api/tokens", s.apiCreateToken},
		{"DELETE", "/api/tokens/{id}", s.apiRevokeToken},
	}
	for _, rt := range routes {
		mux.Handle(rt.method+" "+rt.path, s.api(rt.h))
	}
	// Anything else under /api/ answers in JSON too: 405 for a known path with another method, else 404.
	fallback := s.apiFallback(routes)
	for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
		mux.Handle(m+" /api/", fallback)
	}
	s.tokenPageRoutes(mux)
}

// maxAPIBody bounds a request body: a post's Markdown may be up to blog.MaxBodyLen.
const maxAPIBody = blog.MaxBodyLen + 1<<20

// apiError is an answer whose status has no code in blog's vocabulary: 401 and 405.
type apiError struct {
	status        int
	code, message string
}

func (e *apiError) Error() string { return e.message }

var errNoCredentials = &apiError{http.StatusUnauthorized, "unauthorized",
	"sign in, or send an API token as Authorization: Bearer salon_…; create one with `salon token create` or at /admin/tokens/"}

// api wraps an endpoint: it authenticates the request by bearer token or by session cookie, requires the
// X-CSRF-Token header on every state-changing request authenticated by cookie (a cross-site form cannot set a
// header), and turns errors into JSON. Internal details go to the log only.
func (s *Server) api(h apiHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.ErrorContext(r.Context(), "panic", "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
				s.apiFail(w, r, errors.New("panic"))
			}
		}()
		a, err := s.apiAuthenticate(r)
		if err == nil {
			r.Body = http.MaxBytesReader(w, r.Body, maxAPIBody)
			err = h(w, r, a)
		}
		if err != nil {
			s.apiFail(w, r, err)
		}
	})
}

func (s *Server) apiAuthenticate(r *http.Request) (*adminRequest, error) {
	var u blog.User
	var hash string
	if auth := r.Header.Get("Authorization"); auth != "" {
		scheme, secret, _ := strings.Cut(auth, " ")
		if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(secret) == "" {
			return nil, &apiError{http.StatusUnauthorized, "unauthorized", "the Authorization header must be Bearer followed by an API token"}
		}
		var err error
		u, err = s.store.TokenUser(r.Context(), strings.TrimSpace(secret))
		if blog.ErrorCode(err) == blog.ENOTFOUND {
			return nil, &apiError{http.StatusUnauthorized, "unauthorized", blog.ErrorMessage(err)}
		}
		if err != nil {
			return nil, err
		}
	} else {
		var ok bool
		if u, hash, ok = s.signedIn(r); !ok {
			return nil, errNoCredentials
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead &&
			!hmac.Equal([]byte(r.Header.Get("X-CSRF-Token")), []byte(s.csrfToken(hash))) {
			return nil, blog.Errorf(blog.EFORBIDDEN, "a request signed in by cookie must carry the X-CSRF-Token header (its value is csrf_token in GET /api/me)")
		}
	}
	req, err := s.newRequest(r, route{})
	if err != nil {
		return nil, err
	}
	return &adminRequest{request: req, user: u, sessionHash: hash}, nil
}

// apiErrorBody is the one shape of every error the API returns.
type apiErrorBody struct {
	Error apiErrorDetail `json:"error"`
}

type apiErrorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	// Fields maps a request field to what is wrong with it, when the problem is with particular fields.
	Fields map[string]string `json:"fields,omitempty"`
}

func (s *Server) apiFail(w http.ResponseWriter, r *http.Request, err error) {
	var ae *apiError
	if errors.As(err, &ae) {
		if ae.status == http.StatusUnauthorized {
			w.Header().Set("WWW-Authenticate", `Bearer realm="salon"`)
		}
		s.writeJSON(w, r, ae.status, apiErrorBody{apiErrorDetail{Code: ae.code, Message: ae.message}})
		return
	}
	var fields apiFieldErrors
	if errors.As(err, &fields) {
		s.writeJSON(w, r, http.StatusUnprocessableEntity, apiErrorBody{apiErrorDetail{Code: blog.EINVALID, Message: fields.Error(), Fields: fields}})
		return
	}
	var pfe post.FieldErrors
	if errors.As(err, &pfe) {
		fields := map[string]string{}
		for k, v := range pfe {
			if k != post.FormField {
				fields[k] = v
			}
		}
		s.writeJSON(w, r, http.StatusUnprocessableEntity, apiErrorBody{apiErrorDetail{Code: blog.EINVALID, Message: pfe.Error(), Fields: fields}})
		return
	}
	if fe, ok := comment.IsRefusal(err); ok {
		s.writeJSON(w, r, http.StatusUnprocessableEntity, apiErrorBody{apiErrorDetail{Code: blog.EINVALID, Message: fe.Error(), Fields: commentFields(fe)}})
		return
	}
	status := errorStatus(err)
	code := blog.ErrorCode(err)
	if status == http.StatusInternalServerError && s.unavailable(err) {
		status, code = http.StatusServiceUnavailable, blog.EUNAVAILABLE
	}
	msg := blog.ErrorMessage(err)
	if status >= 500 {
		if !errors.Is(err, context.Canceled) {
			s.log.ErrorContext(r.Context(), "API request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		}
		if status == http.StatusServiceUnavailable {
			w.Header().Set("Retry-After", "5")
			msg = "The site cannot reach its database just now. Please try again shortly."
		}
	}
	s.writeJSON(w, r, status, apiErrorBody{apiErrorDetail{Code: code, Message: msg}})
}

// commentFields renames the comment form's fields to the API's. A problem with the whole comment (comments
// closed, posting too fast) has no field: the message says it.
func commentFields(fe blog.FieldErrors) map[string]string {
	names := map[string]string{"author": "author_name", "email": "author_email", "url": "author_url", "comment": "body"}
	out := map[string]string{}
	for k, v := range fe {
		if k == comment.FormError {
			continue
		}
		if n, ok := names[k]; ok {
			k = n
		}
		out[k] = v
	}
	return out
}

func (s *Server) writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	// HTML is not escaped (a post's html reads as it is): the Content-Type and nosniff keep browsers from
	// rendering it.
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		s.log.ErrorContext(r.Context(), "encode API response", "path", r.URL.Path, "err", err)
		b.Reset()
		b.WriteString(`{"error": {"code": "internal", "message": "the answer could not be encoded"}}` + "\n")
		status = http.StatusInternalServerError
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		if _, err := b.WriteTo(w); err != nil {
			s.log.DebugContext(r.Context(), "write API response", "err", err)
		}
	}
}

// readJSON decodes the request body into v, refusing unknown fields (usually typos) and anything after the value.
func readJSON(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
			return blog.Errorf(blog.EINVALID, "send the body as JSON, with the header Content-Type: application/json")
		}
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil && dec.More() {
		err = errors.New("more than one JSON value")
	}
	if err == nil {
		if _, terr := dec.Token(); terr != io.EOF {
			err = errors.New("text after the JSON value")
		}
	}
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var tooBig *http.MaxBytesError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, io.EOF):
		return blog.Errorf(blog.EINVALID, "the request needs a JSON body")
	case errors.As(err, &tooBig):
		return blog.Errorf(blog.ETOOLARGE, "the request body is larger than %d MiB", tooBig.Limit>>20)
	case errors.As(err, &syntax):
		return blog.Errorf(blog.EINVALID, "the body is not valid JSON (at byte %d)", syntax.Offset)
	case errors.As(err, &typ) && typ.Field != "":
		return blog.Errorf(blog.EINVALID, "%s must be %s", typ.Field, jsonKind(typ.Type.Kind().String()))
	case errors.As(err, &typ):
		return blog.Errorf(blog.EINVALID, "the body must be a JSON object")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return blog.Errorf(blog.EINVALID, "%s is not a field this endpoint takes; see docs/api.md", strings.TrimPrefix(err.Error(), "json: unknown field "))
	}
	return blog.Errorf(blog.EINVALID, "the body could not be read as JSON: %s", strings.TrimPrefix(err.Error(), "json: "))
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "slice", "array":
		return "an array"
	case "map", "struct":
		return "an object"
	}
	return "a number"
}

// pathID reads a numeric {id} from the path; anything else names nothing.
func apiPathID(r *http.Request, what string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, blog.Errorf(blog.ENOTFOUND, "there is no %s %q", what, r.PathValue("id"))
	}
	return id, nil
}

// apiPaging reads page (from 1) and per_page (1 to 100, default 20).
func apiPaging(r *http.Request) (page, perPage int, err error) {
	page, perPage = 1, 20
	q := r.URL.Query()
	if v := q.Get("page"); v != "" {
		if page, err = strconv.Atoi(v); err != nil || page < 1 {
			return 0, 0, blog.Errorf(blog.EINVALID, "page must be a whole number from 1")
		}
	}
	if v := q.Get("per_page"); v != "" {
		if perPage, err = strconv.Atoi(v); err != nil || perPage < 1 || perPage > 100 {
			return 0, 0, blog.Errorf(blog.EINVALID, "per_page must be a whole number from 1 to 100")
		}
	}
	return page, perPage, nil
}

// apiList is the shape of every list: one page of items and the total that match.
type apiList[T any] struct {
	Items   []T `json:"items"`
	Total   int `json:"total"`
	Page    int `json:"page"`
	PerPage int `json:"per_page"`
}

func (s *Server) apiFallback(routes []apiRoute) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		var allow []string
		for _, rt := range routes {
			if pathMatches(rt.path, r.URL.Path) && !slices.Contains(allow, rt.method) {
				allow = append(allow, rt.method)
			}
		}
		if len(allow) == 0 {
			s.apiFail(w, r, blog.Errorf(blog.ENOTFOUND, "there is no API endpoint %s; see docs/api.md", r.URL.Path))
			return
		}
		w.Header().Set("Allow", strings.Join(allow, ", "))
		s.apiFail(w, r, &apiError{http.StatusMethodNotAllowed, "method_not_allowed",
			fmt.Sprintf("%s %s is not an endpoint; %s takes %s", r.Method, r.URL.Path, r.URL.Path, strings.Join(allow, ", "))})
	})
}

// pathMatches reports whether path fits pattern, whose {name} segments match any one non-empty segment.
func pathMatches(pattern, path string) bool {
	ps, xs := strings.Split(pattern, "/"), strings.Split(path, "/")
	if len(ps) != len(xs) {
		return false
	}
	for i, p := range ps {
		if !(strings.HasPrefix(p, "{") && xs[i] != "") && p != xs[i] {
			return false
		}
	}
	return true
}
