package blog_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/salon-blog/salon/internal/blog"
)

func TestErrorCodeAndMessage(t *testing.T) {
	notFound := blog.Errorf(blog.ENOTFOUND, "there is no post %d", 42)
	secret := errors.New("sql: connection refused at 10.1.2.3:5432 password=hunter2")
	tests := []struct {
		name     string
		err      error
		wantCode string
		wantMsg  string
	}{
		{"nil", nil, "", ""},
		{"an *Error", notFound, blog.ENOTFOUND, "there is no post 42"},
		{"wrapped once", fmt.Errorf("store: find post: %w", notFound), blog.ENOTFOUND, "there is no post 42"},
		{"wrapped twice", fmt.Errorf("web: %w", fmt.Errorf("store: %w", notFound)), blog.ENOTFOUND, "there is no post 42"},
		{"joined", errors.Join(notFound, errors.New("rollback: done")), blog.ENOTFOUND, "there is no post 42"},
		{"each code", blog.Errorf(blog.ECONFLICT, "taken"), blog.ECONFLICT, "taken"},
		{"invalid", blog.Errorf(blog.EINVALID, "bad %q", "x"), blog.EINVALID, `bad "x"`},
		{"unavailable", blog.Errorf(blog.EUNAVAILABLE, "locked"), blog.EUNAVAILABLE, "locked"},
		{"a plain error", secret, blog.EINTERNAL, ""},
		{"a wrapped plain error", fmt.Errorf("store: %w", secret), blog.EINTERNAL, ""},
		{"a plain error quoting an *Error's text", fmt.Errorf("store: %v", notFound), blog.EINTERNAL, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := blog.ErrorCode(tt.err); got != tt.wantCode {
				t.Errorf("ErrorCode(%v) = %q; want %q", tt.err, got, tt.wantCode)
			}
			got := blog.ErrorMessage(tt.err)
			if tt.wantCode != blog.EINTERNAL {
				if got != tt.wantMsg {
					t.Errorf("ErrorMessage(%v) = %q; want %q", tt.err, got, tt.wantMsg)
				}
				return
			}
			if got == "" || strings.Contains(got, "hunter2") || strings.Contains(got, "10.1.2.3") || strings.Contains(got, "store") || strings.Contains(got, "there is no post") {
				t.Errorf("ErrorMessage(%v) = %q; want a generic message that reveals nothing", tt.err, got)
			}
		})
	}
}

func TestErrorIsAnError(t *testing.T) {
	var err error = blog.Errorf(blog.EINVALID, "the title is %s", "missing")
	if got, want := err.Error(), "the title is missing"; got != want {
		t.Errorf("Error() = %q; want %q", got, want)
	}
	var e *blog.Error
	if !errors.As(fmt.Errorf("x: %w", err), &e) || e.Code != blog.EINVALID {
		t.Errorf("errors.As(wrapped) = %v; want the *Error with code %q", e, blog.EINVALID)
	}
}
