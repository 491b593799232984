package web

import (
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/salon-blog/salon/internal/blog"
)

// apiMeView is the requesting user. CSRFToken is set only for a request signed in by cookie: it is the value a
// browser script sends in X-CSRF-Token. Another site cannot read it, since the API sends no CORS headers.
type apiMeView struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Slug      string `json:"slug"`
	Email     string `json:"email"`
	Role      string `json:"role"`
	Auth      string `json:"auth"` // "token" or "session"
	CSRFToken string `json:"csrf_token,omitempty"`
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	v := apiMeView{ID: a.user.ID, Name: a.user.Name, Slug: a.user.Slug, Email: a.user.Email, Role: string(a.user.Role), Auth: "token"}
	if a.sessionHash != "" {
		v.Auth, v.CSRFToken = "session", s.csrfToken(a.sessionHash)
	}
	s.writeJSON(w, r, http.StatusOK, v)
	return nil
}

// apiUserView is a user as administrators see them; never the password hash.
type apiUserView struct {
	ID      int64     `json:"id"`
	Name    string    `json:"name"`
	Slug    string    `json:"slug"`
	Email   string    `json:"email"`
	Role    string    `json:"role"`
	Created time.Time `json:"created"`
}

func apiRequireAdmin(a *adminRequest, what string) error {
	if a.user.Role != blog.RoleAdmin {
		return blog.Errorf(blog.EFORBIDDEN, "only administrators %s", what)
	}
	return nil
}

func (s *Server) apiUsers(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	if err := apiRequireAdmin(a, "manage users"); err != nil {
		return err
	}
	page, perPage, err := apiPaging(r)
	if err != nil {
		return err
	}
	users, err := s.store.Users(r.Context())
	if err != nil {
		return err
	}
	out := apiList[apiUserView]{Items: []apiUserView{}, Total: len(users), Page: page, PerPage: perPage}
	for i := (page - 1) * perPage; i < len(users) && i < page*perPage; i++ {
		u := users[i]
		out.Items = append(out.Items, apiUserView{ID: u.ID, Name: u.Name, Slug: u.Slug, Email: u.Email, Role: string(u.Role), Created: u.Created})
	}
	s.writeJSON(w, r, http.StatusOK, out)
	return nil
}

// apiCategoryView is a category. FullName is how a post's categories are written: names from the root.
type apiCategoryView struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Slug     string `json:"slug"`
	ParentID int64  `json:"parent_id"`
	FullName string `json:"full_name"`
	Path     string `json:"path"`
	URL      string `json:"url"`
}

func (s *Server) apiCategories(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	cats, err := s.store.Categories(r.Context())
	if err != nil {
		return err
	}
	names, err := s.apiCategoryNames(r.Context())
	if err != nil {
		return err
	}
	out := apiList[apiCategoryView]{Items: make([]apiCategoryView, 0, len(cats)), Total: len(cats), Page: 1, PerPage: len(cats)}
	for i := range cats {
		c := &cats[i]
		path := blog.TermPath(c)
		out.Items = append(out.Items, apiCategoryView{ID: c.ID, Name: c.Name, Slug: c.Slug, ParentID: c.ParentID, FullName: names[c.ID], Path: path, URL: a.base + path})
	}
	s.writeJSON(w, r, http.StatusOK, out)
	return nil
}

// apiSettings shows every setting by its key, as text, as `salon settings --json` does.
func (s *Server) apiSettings(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	if err := apiRequireAdmin(a, "change the site's settings"); err != nil {
		return err
	}
	st, err := s.store.Settings(r.Context())
	if err != nil {
		return err
	}
	s.writeJSON(w, r, http.StatusOK, apiSettingsOf(&st))
	return nil
}

func apiSettingsOf(st *blog.Settings) map[string]string {
	out := make(map[string]string, len(blog.SettingKeys))
	for _, k := range blog.SettingKeys {
		out[k.Key] = k.Get(st)
	}
	return out
}

// apiFieldErrors refuses a request field by field: 422, with each field's message.
type apiFieldErrors map[string]string

func (fe apiFieldErrors) Error() string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(fe)) {
		parts = append(parts, k+": "+fe[k])
	}
	return strings.Join(parts, "; ")
}

// apiSetSettings changes the settings given, all or none: every key and value is checked before any is stored.
// Values may be text (as the CLI takes them), true or false for on/off settings, whole numbers, or, for the word
// lists, arrays of strings.
func (s *Server) apiSetSettings(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	if err := apiRequireAdmin(a, "change the site's settings"); err != nil {
		return err
	}
	var in map[string]json.RawMessage
	if err := readJSON(r, &in); err != nil {
		return err
	}
	if len(in) == 0 {
		return blog.Errorf(blog.EINVALID, "give at least one setting to change, as {\"title\": \"My blog\"}")
	}
	st, err := s.store.Settings(r.Context())
	if err != nil {
		return err
	}
	values := map[string]string{}
	refused := apiFieldErrors{}
	for _, key := range slices.Sorted(maps.Keys(in)) {
		setting, err := blog.LookupSetting(key)
		if err != nil {
			refused[key] = "not a setting; GET /api/settings lists them"
			continue
		}
		v, err := settingText(in[key])
		if err == nil {
			err = setting.Set(&st, v)
		}
		if err != nil {
			refused[key] = blog.ErrorMessage(err)
			continue
		}
		values[key] = v
	}
	if len(refused) > 0 {
		return refused
	}
	for _, key := range slices.Sorted(maps.Keys(values)) {
		if err := s.store.SetSetting(r.Context(), key, values[key]); err != nil {
			return err
		}
	}
	s.log.InfoContext(r.Context(), "settings changed through the API", "user", a.user.ID, "keys", slices.Sorted(maps.Keys(values)))
	if st, err = s.store.Settings(r.Context()); err != nil {
		return err
	}
	s.writeJSON(w, r, http.StatusOK, apiSettingsOf(&st))
	return nil
}

// settingText turns a JSON value into the text a setting parses.
func settingText(raw json.RawMessage) (string, error) {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return "", blog.Errorf(blog.EINVALID, "not a JSON value")
	}
	switch x := v.(type) {
	case string:
		return x, nil
	case bool:
		if x {
			return "on", nil
		}
		return "off", nil
	case float64:
		if x != float64(int64(x)) {
			return "", blog.Errorf(blog.EINVALID, "must be a whole number")
		}
		return strconv.FormatInt(int64(x), 10), nil
	case []any:
		lines := make([]string, 0, len(x))
		for _, e := range x {
			line, ok := e.(string)
			if !ok || strings.Contains(line, "\n") {
				return "", blog.Errorf(blog.EINVALID, "a list must hold strings, one word or phrase each")
			}
			lines = append(lines, line)
		}
		return strings.Join(lines, "\n"), nil
	}
	return "", blog.Errorf(blog.EINVALID, "must be a string, true or false, a whole number, or an array of strings")
}
