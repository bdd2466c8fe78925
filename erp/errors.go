package erp

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Kind says what the delivery job should do about a failed delivery.
type Kind int

const (
	// KindNone is the Kind of a nil error.
	KindNone Kind = iota
	// KindPermanent: the ERP refused the order; do not retry, show Message.
	KindPermanent
	// KindTransient: the ERP did not take the order; retry later.
	KindTransient
	// KindUnclear: the ERP may have taken the order; Lookup before retrying.
	KindUnclear
)

func (k Kind) String() string {
	switch k {
	case KindNone:
		return "none"
	case KindPermanent:
		return "permanent"
	case KindTransient:
		return "transient"
	case KindUnclear:
		return "unclear"
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Sentinel errors for errors.Is; every *Error matches exactly one of them.
var (
	ErrPermanent = errors.New("erp: permanent failure")
	ErrTransient = errors.New("erp: transient failure")
	ErrUnclear   = errors.New("erp: unclear outcome")
)

// Error is a failed delivery or lookup.
type Error struct {
	Kind      Kind
	Connector string // "businesscentral", ...
	Op        string // "deliver", "lookup", "token"
	// Status is the HTTP status the ERP answered, 0 when there was none.
	Status int
	// Code is the ERP's error code, e.g. Business Central's
	// "Internal_RecordNotFound"; empty when the ERP sent none.
	Code string
	// Message is the ERP's own message, verbatim, for the sales desk.
	Message string
	// RetryAfter is how long the ERP asked us to wait (429/503 Retry-After),
	// zero when it did not say.
	RetryAfter time.Duration
	// Err is the underlying error (network, I/O), if any.
	Err error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("erp: ")
	b.WriteString(e.Connector)
	if e.Op != "" {
		b.WriteString(" ")
		b.WriteString(e.Op)
	}
	switch e.Kind {
	case KindPermanent:
		b.WriteString(" rejected")
	case KindTransient:
		b.WriteString(" failed (transient)")
	case KindUnclear:
		b.WriteString(" outcome unclear")
	}
	if e.Status != 0 {
		fmt.Fprintf(&b, " (HTTP %d", e.Status)
		if e.Code != "" {
			b.WriteString(" ")
			b.WriteString(e.Code)
		}
		b.WriteString(")")
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %s)", e.RetryAfter)
	}
	return b.String()
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Is matches the sentinel of e's Kind.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrPermanent:
		return e.Kind == KindPermanent
	case ErrTransient:
		return e.Kind == KindTransient
	case ErrUnclear:
		return e.Kind == KindUnclear
	}
	return false
}

// Classify returns the Kind of err. Errors that are not an *Error (which
// connectors never return) count as KindUnclear: the safe reading, because
// the job then looks the order up before posting again.
func Classify(err error) Kind {
	if err == nil {
		return KindNone
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	switch {
	case errors.Is(err, ErrPermanent):
		return KindPermanent
	case errors.Is(err, ErrTransient):
		return KindTransient
	}
	return KindUnclear
}

// RetryAfter returns the wait the ERP asked for, or 0.
func RetryAfter(err error) time.Duration {
	var e *Error
	if errors.As(err, &e) {
		return e.RetryAfter
	}
	return 0
}

// Message returns the ERP's own message for the sales desk, or "" when the
// ERP sent none (use err.Error() then).
func Message(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return ""
}

// permanent returns a KindPermanent error raised by ordergate itself before
// anything was sent (the order cannot be expressed in the ERP's terms).
func permanent(connector, op, msg string) *Error {
	return &Error{Kind: KindPermanent, Connector: connector, Op: op, Message: msg}
}

// parseRetryAfter reads a Retry-After header: delay-seconds or an HTTP-date.
// See RFC 9110 section 10.2.3.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		return time.Duration(min(secs, 24*3600)) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d.Round(time.Second)
		}
	}
	return 0
}

// statusKind classifies an HTTP error status of a request that reached the
// ERP. 504 and 502 come from a gateway in front of the ERP that gave up
// waiting: the ERP behind it may still commit, so they are unclear. 401 and
// 403 are configuration problems (credentials, permissions) rather than
// problems with the order, so they are retried and not shown as a rejection.
func statusKind(status int) Kind {
	switch {
	case status == http.StatusBadGateway || status == http.StatusGatewayTimeout:
		return KindUnclear
	case status >= 500, status == http.StatusTooManyRequests, status == http.StatusRequestTimeout,
		status == http.StatusUnauthorized, status == http.StatusForbidden:
		return KindTransient
	case status >= 400:
		return KindPermanent
	}
	return KindUnclear
}
