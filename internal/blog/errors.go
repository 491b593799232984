package blog

import (
	"errors"
	"fmt"
)

// Error codes. Each maps to one HTTP status in the web package and to one exit status in the CLI.
const (
	ECONFLICT    = "conflict"    // the thing exists already (a duplicate slug or email)
	EINTERNAL    = "internal"    // a fault of ours or of the machine; details are logged, never shown
	EFORBIDDEN   = "forbidden"   // the user may not do this
	EINVALID     = "invalid"     // the input is wrong; Message says how, in words a user understands
	ENOTFOUND    = "not_found"   // no such thing
	ETOOMANY     = "too_many"    // too many attempts; Message says how long to wait
	ETOOLARGE    = "too_large"   // a request body over its limit; Message says the limit
	EUNAVAILABLE = "unavailable" // the database cannot be reached for the moment
)

// Error is an error a user may read: Message is written for them, Code says what kind of failure it is.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with the given code and a formatted, user-facing message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, or EINTERNAL for any other error: an error that
// was not written for users is treated as our fault.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of the first *Error in err's chain, or a generic sentence that
// reveals nothing of the internals.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Something went wrong on our side. Please try again in a moment."
}
