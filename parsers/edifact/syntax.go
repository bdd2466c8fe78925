package edifact

import (
	"fmt"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// Delimiters are the service characters of an interchange. See ISO 9735-1
// section 4.1 and the UNA service string advice (section 9).
type Delimiters struct {
	Component  byte // component data element separator, default ':'
	Element    byte // data element separator, default '+'
	Decimal    byte // decimal mark, default '.'
	Release    byte // release character, default '?'; 0 when none
	Repetition byte // repetition separator (syntax version 4), default '*' in v4; 0 when none
	Segment    byte // segment terminator, default '\''
}

// DefaultDelimiters are the level A service characters that apply when an
// interchange has no UNA (ISO 9735-1 section 4.1): ":+.? '" without a
// repetition separator (syntax versions 1 to 3).
var DefaultDelimiters = Delimiters{Component: ':', Element: '+', Decimal: '.', Release: '?', Segment: '\''}

// LevelBDelimiters are the defaults for syntax level B (UNOB) when no UNA is
// given: the information separators IS1, IS3 and IS4 (ISO 9735 section 4.1).
var LevelBDelimiters = Delimiters{Component: 0x1F, Element: 0x1D, Decimal: '.', Segment: 0x1C}

// UNA returns the nine character service string advice for d, e.g.
// "UNA:+.? '". A missing release character or repetition separator is
// written as a space, as ISO 9735 section 9 prescribes.
func (d Delimiters) UNA() string {
	b := []byte{'U', 'N', 'A', d.Component, d.Element, d.Decimal, d.Release, d.Repetition, d.Segment}
	if b[6] == 0 {
		b[6] = ' '
	}
	if b[7] == 0 {
		b[7] = ' '
	}
	return string(b)
}

// parseUNA reads the six service characters that follow "UNA".
func parseUNA(b []byte) (Delimiters, error) {
	if len(b) < 6 {
		return Delimiters{}, fmt.Errorf("edifact: UNA service string advice is %d characters long, expected 9", 3+len(b))
	}
	d := Delimiters{Component: b[0], Element: b[1], Decimal: b[2], Release: b[3], Repetition: b[4], Segment: b[5]}
	if d.Release == ' ' {
		d.Release = 0
	}
	if d.Repetition == ' ' {
		d.Repetition = 0
	}
	if err := d.validate(); err != nil {
		return Delimiters{}, err
	}
	return d, nil
}

// validate reports delimiters that cannot work together.
func (d Delimiters) validate() error {
	seen := map[byte]string{}
	for _, c := range []struct {
		b    byte
		name string
	}{{d.Component, "component separator"}, {d.Element, "element separator"}, {d.Release, "release character"}, {d.Repetition, "repetition separator"}, {d.Segment, "segment terminator"}} {
		if c.b == 0 {
			continue
		}
		if isAlnum(c.b) {
			return fmt.Errorf("edifact: UNA %s %q is a letter or digit, expected a punctuation character", c.name, c.b)
		}
		if prev, ok := seen[c.b]; ok {
			return fmt.Errorf("edifact: UNA uses %q both as %s and as %s, expected distinct service characters", c.b, prev, c.name)
		}
		seen[c.b] = c.name
	}
	if d.Component == 0 || d.Element == 0 || d.Segment == 0 {
		return fmt.Errorf("edifact: UNA lacks a separator or terminator")
	}
	return nil
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
}

// Charset is how the bytes of data elements are to be read, as named by the
// syntax identifier in UNB 0001 (ISO 9735-1 annex A, syntax levels).
type Charset int

const (
	CharsetASCII  Charset = iota // UNOA, UNOB (and unknown identifiers)
	CharsetLatin1                // UNOC: ISO 8859-1
	CharsetLatin2                // UNOD: ISO 8859-2
	CharsetCyril                 // UNOE: ISO 8859-5
	CharsetGreek                 // UNOF: ISO 8859-7
	CharsetUTF8                  // UNOW: ISO 10646 UTF-8; UNOY: ISO 10646-1 read as UTF-8
)

// CharsetOf returns the character set a syntax identifier (UNB 0001) names.
func CharsetOf(syntaxID string) Charset {
	switch syntaxID {
	case "UNOC":
		return CharsetLatin1
	case "UNOD":
		return CharsetLatin2
	case "UNOE":
		return CharsetCyril
	case "UNOF":
		return CharsetGreek
	case "UNOW", "UNOY":
		return CharsetUTF8
	}
	return CharsetASCII
}

// decoder turns element bytes into strings according to the charset.
type decoder struct {
	cm *charmap.Charmap // nil for ASCII and UTF-8
}

func newDecoder(c Charset) decoder {
	switch c {
	case CharsetLatin1:
		return decoder{charmap.ISO8859_1}
	case CharsetLatin2:
		return decoder{charmap.ISO8859_2}
	case CharsetCyril:
		return decoder{charmap.ISO8859_5}
	case CharsetGreek:
		return decoder{charmap.ISO8859_7}
	}
	// ASCII-declared data with 8-bit bytes is, in practice, Latin-1 when it
	// is not valid UTF-8.
	return decoder{nil}
}

// String decodes b. ASCII is copied as is. Bytes that are valid UTF-8 are
// kept as UTF-8 even when the interchange declares an ISO 8859 set: senders
// often label UTF-8 data UNOC, and a Latin-1 text with non-ASCII letters is
// almost never valid UTF-8. Other bytes are decoded with the declared set
// (Latin-1 for UNOA, UNOB and invalid UTF-8 in UNOW/UNOY).
func (d decoder) String(b []byte) string {
	ascii := true
	for _, c := range b {
		if c >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii || utf8.Valid(b) {
		return string(b)
	}
	cm := d.cm
	if cm == nil {
		cm = charmap.ISO8859_1
	}
	r := make([]rune, 0, len(b))
	for _, c := range b {
		r = append(r, cm.DecodeByte(c))
	}
	return string(r)
}

// encoder turns strings into bytes of the partner's charset for writing.
func encodeString(c Charset, s string) []byte {
	var cm *charmap.Charmap
	switch c {
	case CharsetLatin1:
		cm = charmap.ISO8859_1
	case CharsetLatin2:
		cm = charmap.ISO8859_2
	case CharsetCyril:
		cm = charmap.ISO8859_5
	case CharsetGreek:
		cm = charmap.ISO8859_7
	case CharsetUTF8:
		return []byte(s)
	}
	out := make([]byte, 0, len(s))
	for _, r := range s {
		switch {
		case r < 0x80:
			out = append(out, byte(r))
		case cm != nil:
			if b, ok := cm.EncodeRune(r); ok {
				out = append(out, b)
				continue
			}
			out = append(out, '?')
		default:
			out = append(out, '?')
		}
	}
	return out
}
