package blog_test

import (
	"strings"
	"testing"

	"github.com/salon-blog/salon/internal/blog"
)

func TestParseRole(t *testing.T) {
	for _, r := range blog.Roles {
		got, err := blog.ParseRole(string(r))
		if err != nil || got != r {
			t.Errorf("ParseRole(%q) = %q, %v; want %q, nil", r, got, err, r)
		}
	}
	for _, s := range []string{"", "Admin", "administrator", "subscriber", " admin"} {
		got, err := blog.ParseRole(s)
		if err == nil || got != "" {
			t.Errorf("ParseRole(%q) = %q, %v; want an error", s, got, err)
		}
		if code := blog.ErrorCode(err); code != blog.EINVALID {
			t.Errorf("ParseRole(%q) code = %q; want %q", s, code, blog.EINVALID)
		}
	}
}

func TestRoleCanPublish(t *testing.T) {
	want := map[blog.Role]bool{blog.RoleAdmin: true, blog.RoleEditor: true, blog.RoleAuthor: true, blog.RoleContributor: false}
	for r, w := range want {
		if got := r.CanPublish(); got != w {
			t.Errorf("Role(%q).CanPublish() = %v; want %v", r, got, w)
		}
	}
}

func TestNormalizeEmail(t *testing.T) {
	if got, want := blog.NormalizeEmail("  Ann@Example.COM \n"), "ann@example.com"; got != want {
		t.Errorf("NormalizeEmail(%q) = %q; want %q", "  Ann@Example.COM \n", got, want)
	}
}

func TestValidateEmail(t *testing.T) {
	tests := []struct {
		email string
		ok    bool
	}{
		{"a@b.c", true},
		{"ann@example.com", true},
		{"ann.lee+salon@mail.example.co.uk", true},
		{strings.Repeat("a", 88) + "@example.com", true}, // exactly 100
		{"", false},
		{"Ann <a@b.c>", false},
		{"<a@b.c>", false},
		{"a@b", false},
		{"a@localhost", false},
		{"ab.c", false},
		{"a@b.c, d@e.f", false},
		{" a@b.c", false},
		{"a@b.c.", false},
		{"a@b..c", false},
		{strings.Repeat("a", 89) + "@example.com", false}, // 101
	}
	for _, tt := range tests {
		err := blog.ValidateEmail(tt.email)
		switch {
		case tt.ok && err != nil:
			t.Errorf("ValidateEmail(%q) = %v; want nil", tt.email, err)
		case !tt.ok && err == nil:
			t.Errorf("ValidateEmail(%q) = nil; want an error", tt.email)
		case !tt.ok && blog.ErrorCode(err) != blog.EINVALID:
			t.Errorf("ValidateEmail(%q) code = %q; want %q", tt.email, blog.ErrorCode(err), blog.EINVALID)
		}
	}
}

func TestValidatePassword(t *testing.T) {
	for p, ok := range map[string]bool{"": false, "1234567": false, "12345678": true, "éééééééé": true, "ééééééé": false} {
		if err := blog.ValidatePassword(p); (err == nil) != ok {
			t.Errorf("ValidatePassword(%q) = %v; want ok=%v", p, err, ok)
		}
	}
}

func validUser() blog.User {
	return blog.User{Email: "ann@example.com", Name: "Ann Lee", Slug: "ann-lee", Role: blog.RoleAuthor, PasswordHash: "x"}
}

func TestUserValidate(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(*blog.User)
		wantErr string // a word of the message; "" for valid
	}{
		{"valid", func(*blog.User) {}, ""},
		{"name of 100 runes", func(u *blog.User) { u.Name = strings.Repeat("é", 100) }, ""},
		{"no email", func(u *blog.User) { u.Email = "" }, "email"},
		{"bad email", func(u *blog.User) { u.Email = "Ann <ann@example.com>" }, "not a valid email"},
		{"no name", func(u *blog.User) { u.Name = "  " }, "name is required"},
		{"name too long", func(u *blog.User) { u.Name = strings.Repeat("é", 101) }, "longer than 100"},
		{"no role", func(u *blog.User) { u.Role = "" }, "not a role"},
		{"unknown role", func(u *blog.User) { u.Role = "owner" }, "not a role"},
		{"no slug", func(u *blog.User) { u.Slug = "" }, "author URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := validUser()
			tt.edit(&u)
			checkErr(t, "User.Validate()", u.Validate(), tt.wantErr)
		})
	}
}

// checkErr checks that err is nil when want is "", and otherwise an EINVALID *Error whose message contains want.
func checkErr(t *testing.T, call string, err error, want string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Errorf("%s = %v; want nil", call, err)
	case want != "" && err == nil:
		t.Errorf("%s = nil; want an error containing %q", call, want)
	case want != "" && blog.ErrorCode(err) != blog.EINVALID:
		t.Errorf("%s code = %q; want %q", call, blog.ErrorCode(err), blog.EINVALID)
	case want != "" && !strings.Contains(blog.ErrorMessage(err), want):
		t.Errorf("%s = %q; want it to contain %q", call, blog.ErrorMessage(err), want)
	}
}
