package edifact

import (
	"fmt"
	"strconv"
)

// walkMessages reads data and calls seg for every segment of every message
// of type msgType, between open (at UNH) and close (at UNT). It checks the
// UNT segment counts and references; it is the reading side of the
// acknowledgements this package writes (CONTRL, ORDRSP).
func walkMessages(data []byte, msgType string, open func(ic Interchange, unh *Segment, dec decoder), seg func(s *Segment, idx int) error, close func() error) (Interchange, error) {
	sc := NewBytesScanner(data)
	var ic Interchange
	var dec decoder
	in, idx, found := false, 0, 0
	for sc.Scan() {
		s := sc.Segment()
		switch s.Tag() {
		case "UNB":
			ic = Interchange{Delimiters: sc.Delimiters(), HasUNA: sc.HasUNA(), SyntaxID: s.Value(1, 1), SyntaxVersion: s.Value(1, 2),
				Sender: PartyID{s.Value(2, 1), s.Value(2, 2)}, Recipient: PartyID{s.Value(3, 1), s.Value(3, 2)},
				Prepared: joinNonEmpty(s.Value(4, 1), ":", s.Value(4, 2)), ControlRef: s.Value(5, 1), Test: s.Value(11, 1) == "1"}
			dec = newDecoder(CharsetOf(ic.SyntaxID))
			if rep := repetitionFor(ic); sc.Delimiters().Repetition != rep {
				sc.SetRepetition(rep)
				ic.Delimiters = sc.Delimiters()
			}
		case "UNH":
			if s.Value(2, 1) == msgType {
				in, idx = true, 1
				found++
				open(ic, s, dec)
			}
		case "UNT":
			if !in {
				continue
			}
			idx++
			if n, err := strconv.Atoi(s.Value(1, 1)); err != nil || n != idx {
				return ic, &Error{Segment: "UNT", Index: idx, Pos: s.Pos, Element: 1, Code: CodeCountMismatch, Msg: fmt.Sprintf("segment count is %q, expected %d", s.Value(1, 1), idx)}
			}
			in = false
			if err := close(); err != nil {
				return ic, err
			}
		default:
			if in {
				idx++
				if err := seg(s, idx); err != nil {
					if e, ok := asError(err); ok && e.Pos == 0 {
						e.Pos = s.Pos
					}
					return ic, err
				}
			}
		}
	}
	if err := sc.Err(); err != nil {
		return ic, err
	}
	if in {
		return ic, fmt.Errorf("edifact: file ends inside a %s message; expected UNT", msgType)
	}
	if found == 0 {
		return ic, fmt.Errorf("edifact: no %s message found", msgType)
	}
	return ic, nil
}
