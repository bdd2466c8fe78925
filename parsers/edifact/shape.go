package edifact

import "fmt"

// checkShape reports a non-empty element or component beyond what the
// directory of the message's version defines for the segment (syntax error
// 16, too many constituents): a sender's unescaped separator in free text
// shows up as a surplus constituent, which must not silently shift values.
// Empty surplus constituents are tolerated.
func checkShape(seg *Segment, idx int, sh shapes) *Error {
	shape := sh[seg.id]
	if shape == nil {
		return nil
	}
	for i := range seg.occ[1:] {
		o := seg.occ[i+1]
		e := int(o.elem)
		end := seg.end(i + 1)
		n := end - int(o.start)
		limit := 0
		if e <= len(shape) {
			limit = int(shape[e-1])
		}
		for c := limit; c < n; c++ {
			if sp := seg.comps[int(o.start)+c]; sp.end == sp.start {
				continue
			}
			if limit == 0 {
				return &Error{Segment: seg.Tag(), Index: idx, Element: e, Code: CodeTooMany,
					Msg: fmt.Sprintf("unexpected element %d; expected at most %d elements (unescaped separator in the data?)", e, len(shape))}
			}
			return &Error{Segment: seg.Tag(), Index: idx, Element: e, Component: c + 1, Code: CodeTooMany,
				Msg: fmt.Sprintf("unexpected component %d; element %d has at most %d (unescaped %q in the data? it must be released)", c+1, e, limit, ':')}
		}
	}
	return nil
}
