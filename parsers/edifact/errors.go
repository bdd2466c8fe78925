package edifact

import (
	"errors"
	"strconv"
	"strings"
)

// Syntax error codes (ISO 9735 data element 0085), used in errors and in
// CONTRL reports.
const (
	CodeSyntaxVersion      = "2"  // syntax version or level not supported
	CodeInvalidValue       = "12" // invalid value
	CodeMissing            = "13" // missing
	CodeValueNotSupported  = "14" // value not supported in this position
	CodeNotSupported       = "15" // not supported in this position
	CodeTooMany            = "16" // too many constituents
	CodeUnspecified        = "18" // unspecified error
	CodeInvalidDecimal     = "19" // invalid decimal notation
	CodeInvalidChar        = "21" // invalid character(s)
	CodeInvalidServiceChar = "22" // invalid service character(s)
	CodeRefMismatch        = "28" // references do not match
	CodeCountMismatch      = "29" // control count does not match number of instances received
	CodeTooLong            = "39" // data element too long
)

// Error is a syntax, envelope or mapping problem. It names the segment (tag
// and position), the element and component where known, and says what was
// expected, e.g.
//
//	edifact: UNT #18 (file segment 21) element 1: segment count is 21, expected 18
type Error struct {
	Segment   string // segment tag, e.g. "UNT"
	Index     int    // 1-based position of the segment within its message (UNH = 1); 0 outside a message
	Pos       int    // 1-based position of the segment in the file (UNA counts)
	Element   int    // 1-based element position after the tag; 0 for the whole segment
	Component int    // 1-based component position; 0 for the whole element
	Code      string // syntax error code (ISO 9735 0085) for CONTRL
	Msg       string // what is wrong and what was expected

	wrapped error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("edifact: ")
	if e.Segment != "" {
		b.WriteString(e.Segment)
		switch {
		case e.Index > 0:
			b.WriteString(" #")
			b.WriteString(strconv.Itoa(e.Index))
			if e.Pos > 0 {
				b.WriteString(" (file segment ")
				b.WriteString(strconv.Itoa(e.Pos))
				b.WriteString(")")
			}
		case e.Pos > 0:
			b.WriteString(" (file segment ")
			b.WriteString(strconv.Itoa(e.Pos))
			b.WriteString(")")
		}
		if e.Element > 0 {
			b.WriteString(" element ")
			b.WriteString(strconv.Itoa(e.Element))
			if e.Component > 0 {
				b.WriteString(".")
				b.WriteString(strconv.Itoa(e.Component))
			}
		}
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Unwrap returns ErrTruncated or ErrSegmentTooLong where they apply.
func (e *Error) Unwrap() error { return e.wrapped }

// trimPrefix drops the "edifact: " prefix of an error made elsewhere in the
// package, for embedding it in an Error.
func trimPrefix(err error) string {
	return strings.TrimPrefix(err.Error(), "edifact: ")
}

// asError returns err as *Error when it is one.
func asError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}
