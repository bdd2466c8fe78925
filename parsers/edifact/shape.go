package edifact

import "fmt"

// shapes gives, for the segments the order mapper reads, the maximum number
// of components of each element (the length of the slice is the number of
// elements), after the UN/EDIFACT D.96A and D.01B segment directories. A
// sender's unescaped separator in free text shows up as a surplus
// constituent, which must not silently shift values.
var shapes = map[string][]int{
	"BGM": {4, 3, 1, 1},
	"DTM": {3},
	"RFF": {5},
	"NAD": {1, 3, 5, 6, 4, 1, 4, 1, 1},
	"CUX": {4, 4, 1, 1},
	"FTX": {1, 1, 3, 5, 1, 1},
	"LIN": {1, 1, 4, 2, 1, 1},
	"PIA": {1, 4, 4, 4, 4, 4},
	"IMD": {1, 3, 5, 1, 1, 1},
	"QTY": {3},
	"PRI": {6, 1},
	"MOA": {5},
	"LOC": {1, 4, 4, 4, 1},
	"CNT": {3},
}

// shapeByID is shapes indexed by Segment.id.
var shapeByID = func() [][]int {
	t := make([][]int, len(knownTags))
	for i, tag := range knownTags {
		t[i] = shapes[tag]
	}
	return t
}()

// checkShape reports a non-empty element or component beyond what the
// directory defines for the segment (syntax error 16, too many
// constituents). Empty surplus constituents are tolerated.
func checkShape(seg *Segment, idx int) *Error {
	shape := shapeByID[seg.id]
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
			limit = shape[e-1]
		}
		for c := limit; c < n; c++ {
			if sp := seg.comps[int(o.start)+c]; sp.end == sp.start {
				continue
			}
			if limit == 0 {
				return &Error{Segment: seg.Tag, Index: idx, Element: e, Code: CodeTooMany,
					Msg: fmt.Sprintf("unexpected element %d; expected at most %d elements (unescaped separator in the data?)", e, len(shape))}
			}
			return &Error{Segment: seg.Tag, Index: idx, Element: e, Component: c + 1, Code: CodeTooMany,
				Msg: fmt.Sprintf("unexpected component %d; element %d has at most %d (unescaped %q in the data? it must be released)", c+1, e, limit, ':')}
		}
	}
	return nil
}
