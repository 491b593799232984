package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/salon-blog/salon/internal/blog"
	"github.com/salon-blog/salon/internal/web"
)

func TestSignInThrottling(t *testing.T) {
	s, _ := newCommentSite(t, nil)
	s.addUser(t, "mod@example.com", "Moderator", blog.RoleEditor, "correct horse")
	s.addUser(t, "other@example.com", "Other", blog.RoleEditor, "battery staple")
	guesser := s.reader(t, "203.0.113.66")
	wrong := url.Values{"email": {"mod@example.com"}, "password": {"guess"}}
	for i := range 10 {
		if r := guesser.post(t, "/admin/signin/", wrong); r.status != http.StatusUnauthorized {
			t.Fatalf("failure %d = %d; want 401", i+1, r.status)
		}
	}
	// Refused now, even with the right password, from that address and for that account.
	r := guesser.post(t, "/admin/signin/", url.Values{"email": {"mod@example.com"}, "password": {"correct horse"}})
	if r.status != http.StatusTooManyRequests || !strings.Contains(r.body, "Please try again in 15 minutes") {
		t.Errorf("after 10 failures: %d; want 429 with how long to wait", r.status)
	}
	if r := s.reader(t, "198.51.100.7").post(t, "/admin/signin/", url.Values{"email": {"mod@example.com"}, "password": {"correct horse"}}); r.status != http.StatusTooManyRequests {
		t.Errorf("the attacked account from another address = %d; want 429", r.status)
	}
	if r := guesser.post(t, "/admin/signin/", url.Values{"email": {"other@example.com"}, "password": {"battery staple"}}); r.status != http.StatusTooManyRequests {
		t.Errorf("another account from the guessing address = %d; want 429", r.status)
	}
	// Someone else, elsewhere, signs in normally; and after the window, the owner can again.
	s.reader(t, "198.51.100.8").signIn(t, "other@example.com", "battery staple")
	s.clock.advance(16 * 60e9)
	s.reader(t, "198.51.100.7").signIn(t, "mod@example.com", "correct horse")
}

func TestPasswordReset(t *testing.T) {
	s, _ := newCommentSite(t, nil)
	u := s.addUser(t, "mod@example.com", "Moderator", blog.RoleEditor, "old password")
	old := s.reader(t, "198.51.100.1")
	old.signIn(t, "mod@example.com", "old password")
	link, err := web.PasswordResetLink(context.Background(), s.store, s.srv.URL, u.ID, s.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	path := strings.TrimPrefix(link, s.srv.URL)
	rd := s.reader(t, "198.51.100.2")
	if r := rd.get(t, path); r.status != 200 || r.header.Get("Referrer-Policy") != "no-referrer" {
		t.Fatalf("reset form = %d %q", r.status, r.header.Get("Referrer-Policy"))
	}
	if r := rd.post(t, path, url.Values{"password": {"new password"}, "password2": {"new passw0rd"}}); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "not the same") {
		t.Errorf("mismatched passwords = %d", r.status)
	}
	if r := rd.post(t, path, url.Values{"password": {"new password"}, "password2": {"new password"}}); r.status != http.StatusSeeOther {
		t.Fatalf("reset = %d", r.status)
	}
	if r := rd.get(t, "/admin/"); r.status != 200 {
		t.Errorf("not signed in after the reset: %d", r.status)
	}
	if r := old.get(t, "/admin/"); r.status != http.StatusSeeOther {
		t.Errorf("an old session survived the reset: %d", r.status)
	}
	if r := rd.get(t, path); r.status != http.StatusNotFound || !strings.Contains(r.body, "has been used already or has expired") ||
		len(find(r.doc, `a[href="/admin/forgot/"]`)) != 1 {
		t.Errorf("the link used again = %d; want 404 saying it was used, with the way to a new one", r.status)
	}
	s.reader(t, "198.51.100.3").signIn(t, "mod@example.com", "new password")
	expired, err := web.PasswordResetLink(context.Background(), s.store, s.srv.URL, u.ID, s.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	s.clock.advance(3 * 3600e9)
	if r := rd.get(t, strings.TrimPrefix(expired, s.srv.URL)); r.status != http.StatusNotFound {
		t.Errorf("an expired link = %d; want 404", r.status)
	}
	if r := rd.get(t, "/admin/forgot/"); r.status != 200 || !strings.Contains(r.body, "salon user reset-link") {
		t.Errorf("forgot-password page = %d", r.status)
	}
}

func TestFirstAdminSetup(t *testing.T) {
	s := newEmptySite(t)
	link, err := web.SetupLink(context.Background(), s.store, s.srv.URL, s.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	path := strings.TrimPrefix(link, s.srv.URL)
	rd := s.reader(t, "198.51.100.1")
	r := rd.post(t, path, url.Values{"name": {"Founder"}, "email": {"not-an-email"}, "password": {"long enough"}, "password2": {"long enough"}})
	if r.status != http.StatusUnprocessableEntity || fieldValue(r.doc, "name") != "Founder" {
		t.Errorf("bad email at setup = %d", r.status)
	}
	if r := rd.post(t, path, url.Values{"name": {"Founder"}, "email": {"founder@example.com"}, "password": {"long enough"}, "password2": {"long enough"}}); r.status != http.StatusSeeOther {
		t.Fatalf("setup = %d %s", r.status, r.body)
	}
	if r := rd.get(t, "/admin/"); r.status != 200 || !strings.Contains(r.body, "Founder") {
		t.Errorf("not signed in as the new admin: %d", r.status)
	}
	if u, err := s.store.UserByEmail(context.Background(), "founder@example.com"); err != nil || u.Role != blog.RoleAdmin {
		t.Errorf("the first user = %+v, %v; want an admin", u, err)
	}
	if r := s.reader(t, "198.51.100.2").get(t, path); r.status != http.StatusNotFound {
		t.Errorf("the setup link works twice: %d", r.status)
	}
	// A setup link made while a user exists (a leaked one, say) creates nobody.
	late, err := web.SetupLink(context.Background(), s.store, s.srv.URL, s.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	r = s.reader(t, "198.51.100.3").post(t, strings.TrimPrefix(late, s.srv.URL), url.Values{"name": {"Intruder"}, "email": {"x@example.com"}, "password": {"long enough"}, "password2": {"long enough"}})
	if r.status != http.StatusNotFound {
		t.Errorf("setup on a site with users = %d; want 404", r.status)
	}
}

func TestProfile(t *testing.T) {
	s, _ := newCommentSite(t, nil)
	s.addUser(t, "mod@example.com", "Moderator", blog.RoleContributor, "old password")
	here, there := s.reader(t, "198.51.100.1"), s.reader(t, "198.51.100.2")
	here.signIn(t, "mod@example.com", "old password")
	there.signIn(t, "mod@example.com", "old password")
	page := here.get(t, "/admin/profile/")
	token := csrf(t, page)
	if r := here.post(t, "/admin/profile/password/", url.Values{"csrf": {token}, "current": {"wrong"}, "password": {"new password"}, "password2": {"new password"}}); r.status != http.StatusUnprocessableEntity {
		t.Errorf("wrong current password = %d", r.status)
	}
	if r := here.post(t, "/admin/profile/password/", url.Values{"csrf": {token}, "current": {"old password"}, "password": {"new password"}, "password2": {"new password"}}); r.status != http.StatusSeeOther {
		t.Fatalf("change password = %d", r.status)
	}
	if r := here.get(t, "/admin/profile/"); r.status != 200 {
		t.Errorf("this session ended with the password change: %d", r.status)
	}
	if r := there.get(t, "/admin/profile/"); r.status != http.StatusSeeOther {
		t.Errorf("the other session survived the password change: %d", r.status)
	}
	there.signIn(t, "mod@example.com", "new password")
	here.post(t, "/admin/profile/signout-all/", url.Values{"csrf": {csrf(t, here.get(t, "/admin/profile/"))}})
	for _, rd := range []*reader{here, there} {
		if r := rd.get(t, "/admin/profile/"); r.status != http.StatusSeeOther {
			t.Errorf("a session survived sign-out-everywhere: %d", r.status)
		}
	}
}
