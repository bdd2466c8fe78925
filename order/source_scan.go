package order

import (
	"strconv"
	"strings"
)

// scanSources reads the JSON object of a line's or an order's sources in
// the shape ordergate and PostgreSQL's jsonb write it: field names as
// plain strings, each source an object of string and integer members. It
// reads every order in the pipeline and on the desk's pages, and the
// general decoder (a Decoder's tokens, then each source decoded twice) was
// a fifth of the time of the page of a 1,000-line order. ok is false for
// anything outside that shape (an escape in a string, a number that is no
// integer of its member's size, null, nesting), which the general decoder
// then reads with its errors; a member it does not know is skipped, as the
// general decoder does.
func scanSources(b []byte, into Sources) (out Sources, ok bool) {
	p := sourceScanner{b: b}
	if !p.byte('{') {
		return nil, false
	}
	if p.byte('}') {
		return into, p.end()
	}
	for {
		name, ok := p.str()
		if !ok || !p.byte(':') {
			return nil, false
		}
		j, ok := p.source()
		if !ok {
			return nil, false
		}
		src, err := j.source()
		if err != nil {
			return nil, false
		}
		into.Set(name, src)
		if p.byte(',') {
			continue
		}
		if p.byte('}') {
			return into, p.end()
		}
		return nil, false
	}
}

type sourceScanner struct {
	b []byte
	i int
}

func (p *sourceScanner) space() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// byte consumes c (after white space) if it comes next.
func (p *sourceScanner) byte(c byte) bool {
	p.space()
	if p.i < len(p.b) && p.b[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *sourceScanner) end() bool {
	p.space()
	return p.i == len(p.b)
}

// str reads a string of printable ASCII without escapes.
func (p *sourceScanner) str() (string, bool) {
	if !p.byte('"') {
		return "", false
	}
	start := p.i
	for p.i < len(p.b) {
		switch c := p.b[p.i]; {
		case c == '"':
			s := string(p.b[start:p.i])
			p.i++
			return s, true
		case c == '\\' || c < 0x20 || c >= 0x80:
			return "", false
		}
		p.i++
	}
	return "", false
}

// int reads an integer of at most bits bits.
func (p *sourceScanner) int(bits int) (int64, bool) {
	p.space()
	start := p.i
	if p.i < len(p.b) && p.b[p.i] == '-' {
		p.i++
	}
	digits := p.i
	for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
		p.i++
	}
	if p.i-digits > 1 && p.b[digits] == '0' {
		return 0, false // a leading zero is no JSON number
	}
	if p.i < len(p.b) {
		switch p.b[p.i] {
		case '.', 'e', 'E':
			return 0, false
		}
	}
	n, err := strconv.ParseInt(string(p.b[start:p.i]), 10, bits)
	return n, err == nil
}

// source reads one source object.
func (p *sourceScanner) source() (sourceJSON, bool) {
	var j sourceJSON
	if !p.byte('{') {
		return j, false
	}
	if p.byte('}') {
		return j, true
	}
	for {
		key, ok := p.str()
		if !ok || !p.byte(':') {
			return j, false
		}
		switch key {
		case "segment", "cell":
			v, ok := p.str()
			if !ok {
				return j, false
			}
			if key == "segment" {
				j.Segment = v
			} else {
				j.Cell = v
			}
		case "index", "line":
			n, ok := p.int(32)
			if !ok {
				return j, false
			}
			if key == "index" {
				j.Index = int32(n)
			} else {
				j.Line = int32(n)
			}
		case "element", "component", "sheet":
			n, ok := p.int(16)
			if !ok {
				return j, false
			}
			switch key {
			case "element":
				j.Element = int16(n)
			case "component":
				j.Component = int16(n)
			default:
				j.Sheet = int16(n)
			}
		default:
			// A member this version does not know: a string or an
			// integer is skipped; anything else goes to the general
			// decoder, and so does a known name spelt in other case
			// (encoding/json matches names regardless of case).
			for _, m := range [...]string{"segment", "cell", "index", "line", "element", "component", "sheet"} {
				if strings.EqualFold(key, m) {
					return j, false
				}
			}
			p.space()
			if p.i < len(p.b) && p.b[p.i] == '"' {
				if _, ok := p.str(); !ok {
					return j, false
				}
			} else if _, ok := p.int(64); !ok {
				return j, false
			}
		}
		if p.byte(',') {
			continue
		}
		return j, p.byte('}')
	}
}
