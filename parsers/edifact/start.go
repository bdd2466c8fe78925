package edifact

import (
	"bytes"
	"fmt"
)

// How a file that is EDIFACT-like but does not start with an interchange is
// explained. An interchange starts with UNA or UNB (ISO 9735-1 section 9);
// files without UNB (UNH first) are read as if the envelope were there,
// since partners' tools that write bare messages are common. Anything else
// is refused with what is wrong and where.

// startsLike reports whether b starts with tag and then a character that
// can be a data element separator (not a letter or digit, not a space).
func startsLike(b []byte, tag string) bool {
	return len(b) > 3 && string(b[:3]) == tag && !isAlnum(b[3]) && b[3] > ' ' || len(b) > 3 && string(b[:3]) == tag && b[3] == 0x1D
}

// isSyntaxID reports whether b starts with a syntax identifier as UNB 0001
// writes it: "UNO" and a letter (UNOA to UNOY), then a separator.
func isSyntaxID(b []byte) bool {
	return len(b) >= 5 && b[0] == 'U' && b[1] == 'N' && b[2] == 'O' && b[3] >= 'A' && b[3] <= 'Z' && !isAlnum(b[4])
}

// damagedHeader reports whether head starts with a segment that is an
// interchange header with a damaged tag: three characters, a separator,
// then a syntax identifier (e.g. "FNB+UNOB:1+...").
func damagedHeader(head []byte) bool {
	return len(head) > 9 && !isAlnum(head[3]) && head[3] > ' ' && isSyntaxID(head[4:])
}

// bareMessage reports whether head starts with a message header: UNH, a
// reference, and a message identifier of six letters and a separator
// ("UNH+1+ORDERS:D:96A:UN").
func bareMessage(head []byte) bool {
	if !startsLike(head, "UNH") {
		return false
	}
	sep := head[3]
	rest := head[4:]
	i := bytes.IndexByte(rest, sep)
	if i <= 0 || i > 14 || len(rest) < i+8 {
		return false
	}
	t := rest[i+1:]
	for j := 0; j < 6; j++ {
		if t[j] < 'A' || t[j] > 'Z' {
			return false
		}
	}
	return !isAlnum(t[6])
}

// findInterchange returns the offset of the first UNA service string advice
// or UNB header in head that starts a line or follows a segment terminator,
// or -1.
func findInterchange(head []byte) int {
	for i := 1; i+9 <= len(head); i++ {
		c := head[i-1]
		if c != '\n' && c != '\r' && c != '\'' {
			continue
		}
		b := head[i:]
		if string(b[:3]) == "UNA" {
			if _, err := parseUNA(b[3:9]); err == nil {
				return i
			}
		}
		if startsLike(b, "UNB") && isSyntaxID(b[4:]) {
			return i
		}
	}
	return -1
}

// startError explains a file whose first bytes b (after a byte order mark
// and white space, at offset base of the stream) are not an interchange.
func startError(b []byte, base int64, line func(int64) int) *Error {
	where := func(i int) string {
		off := base + int64(i)
		return fmt.Sprintf("byte %d, line %d", off, line(off))
	}
	if damagedHeader(b) {
		return &Error{Pos: 1, Code: CodeInvalidChar, Msg: fmt.Sprintf(
			"the interchange header is damaged: the file starts with %q (%s) where the segment tag UNB is expected; the header names the sender and the control reference, so the file is not read: ask the partner to send it again", clip(b), where(0))}
	}
	if i := findInterchange(b); i > 0 {
		return &Error{Pos: 1, Code: CodeMissing, Msg: fmt.Sprintf(
			"the file has %d bytes before the interchange header %s at %s: %q; an interchange must start the file (remove what precedes it, or ask the partner to)", base+int64(i), string(b[i:i+3]), where(i), clip(b))}
	}
	return &Error{Pos: 1, Code: CodeMissing, Msg: "the file does not start with an interchange; expected UNA or UNB, found " + describeHead(b)}
}

// noTerminator explains a segment that runs to the end of the file when
// its text holds line breaks followed by what look like segment tags: the
// segments end in line breaks instead of the segment terminator.
func noTerminator(raw []byte, term byte, base int64, line func(int64) int) (string, bool) {
	for i := 0; i+4 < len(raw) && i < 1<<16; i++ {
		if raw[i] != '\n' {
			continue
		}
		j := i + 1
		if j < len(raw) && raw[j] == '\r' {
			j++
		}
		if j+4 <= len(raw) && validTag(raw[j:j+3]) && !isAlnum(raw[j+3]) && raw[j+3] > ' ' {
			off := base + int64(i)
			if i > 0 && raw[i-1] == '\r' {
				off--
			}
			return fmt.Sprintf("no segment terminator %q found: the segments end in line breaks instead (the first at byte %d, line %d, before %q); the file was saved without its terminators, or a UNA must name the line break as the terminator",
				term, off, line(off), clip(raw[j:])), true
		}
	}
	return "", false
}
