package intake

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ordergate/ordergate/db"
)

// Kinds of error a caller can act on. Test with errors.Is; an *Error
// carries one of them and a message in words the desk or a partner
// understands. The HTTP API maps each kind to one status (review/api.go):
// ErrInvalid 400, ErrNotFound 404, ErrConflict 409, ErrTooLarge 413, a
// Transient database error 503, anything else 500.
var (
	// ErrInvalid: the request itself is wrong (a rejection without a
	// reason); sending it again unchanged fails again.
	ErrInvalid = errors.New("intake: invalid request")
	// ErrNotFound: the order or document does not exist. It is
	// db.ErrNotFound, so either test works.
	ErrNotFound = db.ErrNotFound
	// ErrConflict: the action does not apply to the order as it is now (an
	// order that is delivered cannot be matched again).
	ErrConflict = errors.New("intake: the order is not in a state for this")
)

// Error is an error of one of the kinds above with its message.
type Error struct {
	Kind    error  // ErrInvalid, ErrNotFound, ErrConflict or ErrTooLarge
	Message string // for the person who asked: no package prefix, no Go internals
}

func (e *Error) Error() string { return "intake: " + e.Message }

// Unwrap returns the kind, for errors.Is.
func (e *Error) Unwrap() error { return e.Kind }

func invalidf(format string, args ...any) error {
	return &Error{Kind: ErrInvalid, Message: fmt.Sprintf(format, args...)}
}

func conflictf(format string, args ...any) error {
	return &Error{Kind: ErrConflict, Message: fmt.Sprintf(format, args...)}
}

func notFoundf(format string, args ...any) error {
	return &Error{Kind: ErrNotFound, Message: fmt.Sprintf(format, args...)}
}

// Message returns what err says to the person who asked: an *Error's
// message, or "" when err is not one (a fault of ours, logged instead).
func Message(err error) string {
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Message
	}
	return ""
}

// Transient reports whether err is a database failure that may pass by
// itself, so that the same request can simply be tried again: a deadlock
// (SQLSTATE 40P01), a serialization failure (40001), a lost or refused
// connection (class 08, or the connection dropping mid-statement), the
// server shutting down or starting up (57P01..57P03), or too many
// connections (53300). See PostgreSQL's "Appendix A. PostgreSQL Error
// Codes".
func Transient(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) {
		return false
	}
	if pgErr, ok := errors.AsType[*pgconn.PgError](err); ok {
		switch pgErr.Code {
		case "40P01", "40001", "57P01", "57P02", "57P03", "53300":
			return true
		}
		return len(pgErr.Code) == 5 && pgErr.Code[:2] == "08"
	}
	if pgconn.Timeout(err) || pgconn.SafeToRetry(err) {
		return true
	}
	if _, ok := errors.AsType[*pgconn.ConnectError](err); ok {
		return true
	}
	if _, ok := errors.AsType[net.Error](err); ok {
		return true
	}
	return errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed)
}
