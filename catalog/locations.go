package catalog

import (
	"cmp"
	"slices"
	"strings"
)

// locationIndex finds customers' delivery locations by GLN (one location
// per GLN, whoever the customer) and by the customer's own code.
type locationIndex struct {
	all    []Location
	byGLN  map[uint64]int32
	byCode map[custCode]int32
	// order lists the locations grouped by customer, in their input order
	// within a customer; of[c] is customer c's part of it.
	order []int32
	of    map[CustomerID]span
}

type custCode struct {
	c    CustomerID
	code string // normalizeID
}

// buildLocations validates and indexes the customers' delivery locations:
// each names a known customer and has a valid GLN or a code; a GLN belongs
// to one location and a code to one location of its customer.
func (s *Snapshot) buildLocations(ls []Location, p *problems) {
	x := &s.locs
	x.all = ls
	x.byGLN = make(map[uint64]int32, len(ls))
	x.byCode = make(map[custCode]int32)
	x.of = make(map[CustomerID]span)
	owner := make([]CustomerID, len(ls))
	for i := range ls {
		l := &ls[i]
		owner[i] = NoCustomer
		c, ok := s.CustomerByNumber(l.Customer)
		if !ok {
			p.add("location %d (GLN %q, code %q): unknown customer %q", i+1, l.GLN, l.Code, l.Customer)
			continue
		}
		gln, code := strings.TrimSpace(l.GLN), normalizeID(l.Code)
		if gln == "" && code == "" {
			p.add("location %d of customer %q: neither a GLN nor a code", i+1, l.Customer)
			continue
		}
		bad := false
		if gln != "" {
			v, err := ParseGTIN(gln)
			switch prev, dup := x.byGLN[v]; {
			case err != nil || len(gln) != 13:
				p.add("location %d of customer %q: GLN %q is not a valid 13-digit GLN", i+1, l.Customer, l.GLN)
				bad = true
			case dup:
				p.add("location %d of customer %q: GLN %s is already location %d of customer %q", i+1, l.Customer, gln, prev+1, ls[prev].Customer)
				bad = true
			default:
				x.byGLN[v] = int32(i)
			}
		}
		if code != "" {
			k := custCode{c, code}
			if prev, dup := x.byCode[k]; dup {
				p.add("location %d of customer %q: code %s is already location %d", i+1, l.Customer, code, prev+1)
				bad = true
			} else {
				x.byCode[k] = int32(i)
			}
		}
		if !bad {
			owner[i] = c
		}
	}
	for i, c := range owner {
		if c != NoCustomer {
			x.order = append(x.order, int32(i))
		}
	}
	slices.SortStableFunc(x.order, func(a, b int32) int { return cmp.Compare(owner[a], owner[b]) })
	for i := 0; i < len(x.order); {
		c, j := owner[x.order[i]], i
		for j < len(x.order) && owner[x.order[j]] == c {
			j++
		}
		x.of[c] = span{int32(i), int32(j - i)}
		i = j
	}
}

// LocationByGLN finds the delivery location with the GLN, of whichever
// customer, and that customer.
func (s *Snapshot) LocationByGLN(gln string) (*Location, CustomerID, bool) {
	v, err := ParseGTIN(gln)
	if err != nil {
		return nil, NoCustomer, false
	}
	i, ok := s.locs.byGLN[v]
	if !ok {
		return nil, NoCustomer, false
	}
	l := &s.locs.all[i]
	c, _ := s.CustomerByNumber(l.Customer)
	return l, c, true
}

// LocationByCode finds the customer's delivery location with the code
// (trimmed, case-insensitive).
func (s *Snapshot) LocationByCode(c CustomerID, code string) (*Location, bool) {
	i, ok := s.locs.byCode[custCode{c, normalizeID(code)}]
	if !ok {
		return nil, false
	}
	return &s.locs.all[i], true
}

// Locations returns the customer's delivery locations, in the order they
// were given to Build. It allocates the returned slice.
func (s *Snapshot) Locations(c CustomerID) []*Location {
	sp, ok := s.locs.of[c]
	if !ok {
		return nil
	}
	out := make([]*Location, sp.n)
	for i := range out {
		out[i] = &s.locs.all[s.locs.order[sp.start+int32(i)]]
	}
	return out
}

// NumLocations returns the number of the customer's delivery locations.
func (s *Snapshot) NumLocations(c CustomerID) int { return int(s.locs.of[c].n) }
