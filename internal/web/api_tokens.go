package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/store"
)

// Every signed-in user manages their own API tokens; administrators see and revoke everyone's. A token acts with
// its user's role, so making one needs no more rights than signing in.

func (s *Server) tokenPageRoutes(mux *http.ServeMux) {
	mux.Handle("GET /admin/tokens/{$}", s.admin(s.tokenPage))
	mux.Handle("POST /admin/tokens/{$}", s.admin(s.createTokenPage))
	mux.Handle("POST /admin/tokens/{id}/revoke/{$}", s.admin(s.revokeTokenPage))
}

// visibleTokens are the tokens the user manages: their own, or everyone's for an administrator.
func (s *Server) visibleTokens(r *http.Request, a *adminRequest) ([]store.Token, error) {
	var of int64
	if a.user.Role != blog.RoleAdmin {
		of = a.user.ID
	}
	return s.store.Tokens(r.Context(), of)
}

// mayManageToken finds a token the user may revoke. Another user's token is "not found" to a non-administrator,
// so that token IDs reveal nothing.
func (s *Server) mayManageToken(r *http.Request, a *adminRequest) (store.Token, error) {
	id, err := apiPathID(r, "API token")
	if err != nil {
		return store.Token{}, err
	}
	t, err := s.store.Token(r.Context(), id)
	if err != nil {
		return t, err
	}
	if t.UserID != a.user.ID && a.user.Role != blog.RoleAdmin {
		return store.Token{}, blog.Errorf(blog.ENOTFOUND, "there is no API token %d", id)
	}
	return t, nil
}

// tokensPage lists tokens with a form to make one; right after making one, it shows its secret, once.
type tokensPage struct {
	adminPage
	Tokens   []tokenRow
	AllUsers bool // an administrator's list, with a column for the user
	Name     string
	Error    string
	Created  *tokenRow
	Secret   string
}

type tokenRow struct {
	ID       int64
	Name     string
	User     string
	Created  dateView
	LastUsed string
	Revoked  string // "" while live
}

func tokenRowOf(t store.Token, loc *time.Location) tokenRow {
	row := tokenRow{ID: t.ID, Name: t.Name, User: t.UserName, Created: newDateView(t.Created, loc), LastUsed: "never"}
	if !t.LastUsed.IsZero() {
		row.LastUsed = newDateView(t.LastUsed, loc).Text
	}
	if !t.Revoked.IsZero() {
		row.Revoked = newDateView(t.Revoked, loc).Text
	}
	return row
}

func (s *Server) renderTokens(w http.ResponseWriter, r *http.Request, a *adminRequest, status int, v *tokensPage) error {
	base, err := s.adminBase(r, a, "API tokens")
	if err != nil {
		return err
	}
	v.adminPage, v.AllUsers = base, a.user.Role == blog.RoleAdmin
	tokens, err := s.visibleTokens(r, a)
	if err != nil {
		return err
	}
	for _, t := range tokens {
		v.Tokens = append(v.Tokens, tokenRowOf(t, a.loc))
	}
	return s.views.render(w, status, "admin/tokens", v)
}

func (s *Server) tokenPage(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	return s.renderTokens(w, r, a, http.StatusOK, &tokensPage{})
}

// createTokenPage makes a token for the signed-in user and shows it on the answer itself: only its hash is kept,
// so a redirect could not show it.
func (s *Server) createTokenPage(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	name := r.PostFormValue("name")
	t, secret, err := s.store.CreateToken(r.Context(), a.user.ID, name)
	if code := blog.ErrorCode(err); code == blog.EINVALID || code == blog.ECONFLICT {
		return s.renderTokens(w, r, a, http.StatusUnprocessableEntity, &tokensPage{Name: name, Error: blog.ErrorMessage(err)})
	}
	if err != nil {
		return err
	}
	s.log.InfoContext(r.Context(), "API token created", "user", a.user.ID, "token", t.ID)
	row := tokenRowOf(t, a.loc)
	return s.renderTokens(w, r, a, http.StatusOK, &tokensPage{Created: &row, Secret: secret})
}

func (s *Server) revokeTokenPage(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	t, err := s.mayManageToken(r, a)
	if err != nil {
		return err
	}
	if err := s.store.RevokeToken(r.Context(), t.ID); err != nil {
		return err
	}
	s.log.InfoContext(r.Context(), "API token revoked", "user", a.user.ID, "token", t.ID)
	http.Redirect(w, r, s.withNotice("/admin/tokens/", "Revoked the token “"+t.Name+"”: it no longer works."), http.StatusSeeOther)
	return nil
}

// apiTokenView is an API token as the API lists it; Token, the secret, is there only in the answer that made it.
type apiTokenView struct {
	ID       int64        `json:"id"`
	Name     string       `json:"name"`
	User     apiTokenUser `json:"user"`
	Created  time.Time    `json:"created"`
	LastUsed *time.Time   `json:"last_used"`
	Revoked  *time.Time   `json:"revoked"`
	Token    string       `json:"token,omitempty"`
}

type apiTokenUser struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

func apiTokenOf(t store.Token) apiTokenView {
	v := apiTokenView{ID: t.ID, Name: t.Name, User: apiTokenUser{ID: t.UserID, Name: t.UserName}, Created: t.Created}
	if !t.LastUsed.IsZero() {
		v.LastUsed = &t.LastUsed
	}
	if !t.Revoked.IsZero() {
		v.Revoked = &t.Revoked
	}
	return v
}

func (s *Server) apiTokens(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	tokens, err := s.visibleTokens(r, a)
	if err != nil {
		return err
	}
	out := apiList[apiTokenView]{Items: make([]apiTokenView, 0, len(tokens)), Total: len(tokens), Page: 1, PerPage: len(tokens)}
	for _, t := range tokens {
		out.Items = append(out.Items, apiTokenOf(t))
	}
	s.writeJSON(w, r, http.StatusOK, out)
	return nil
}

func (s *Server) apiCreateToken(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	var in struct {
		Name string `json:"name"`
	}
	if err := readJSON(r, &in); err != nil {
		return err
	}
	t, secret, err := s.store.CreateToken(r.Context(), a.user.ID, in.Name)
	if err != nil {
		return err
	}
	s.log.InfoContext(r.Context(), "API token created", "user", a.user.ID, "token", t.ID, "via", "api")
	v := apiTokenOf(t)
	v.Token = secret
	w.Header().Set("Location", "/api/tokens/"+strconv.FormatInt(t.ID, 10))
	s.writeJSON(w, r, http.StatusCreated, v)
	return nil
}

func (s *Server) apiRevokeToken(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	t, err := s.mayManageToken(r, a)
	if err != nil {
		return err
	}
	if err := s.store.RevokeToken(r.Context(), t.ID); err != nil {
		return err
	}
	s.log.InfoContext(r.Context(), "API token revoked", "user", a.user.ID, "token", t.ID, "via", "api")
	if t, err = s.store.Token(r.Context(), t.ID); err != nil {
		return err
	}
	s.writeJSON(w, r, http.StatusOK, apiTokenOf(t))
	return nil
}
