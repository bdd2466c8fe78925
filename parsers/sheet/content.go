package sheet

import (
	"errors"
	"strings"

	"github.com/ordergate/ordergate/order"
)

// errNoTable is returned for a sheet in which no order table is found.
var errNoTable = errors.New("no order table: no row names a quantity and an item column (such as Art.nr, EAN or " +
	"Benämning with Antal), and no block of rows has item numbers with quantities; name the columns, or save a layout for the customer")

// colStats are what a column's values look like.
type colStats struct {
	filled, gtin, integer, number, code, words, units int
	seq                                               bool // 1, 2, 3, ... down the rows
}

// byContent finds a table without a header: the first run of rows that
// hold an item number (or a GTIN) and a number, then decides the columns
// by their values: GTINs by their check digit, a running 1, 2, 3 as line
// numbers, whole numbers as the quantity, decimals as prices, unit words
// as units, text as the description. A choice it cannot make for sure
// (two columns of whole numbers) is refused.
func byContent(g *grid) (*tableLayout, error) {
	start := -1
	for i := 0; i+1 < len(g.rows) && i < maxHeaderSearch; i++ {
		if lineLike(&g.rows[i]) && lineLike(&g.rows[i+1]) {
			start = i
			break
		}
	}
	if start < 0 {
		return nil, errNoTable
	}
	width := 0
	for _, r := range g.rows[start:] {
		width = max(width, len(r.cells))
	}
	stats := make([]colStats, width)
	for j := range stats {
		s := &stats[j]
		s.seq = true
		prev := 0
		for _, r := range g.rows[start:] {
			if !lineLike(&r) {
				continue
			}
			c := r.at(j)
			v := identifierText(c)
			if v == "" {
				continue
			}
			s.filled++
			num, rest, isNum := numberText(v)
			switch {
			case validGTIN(v) && len(v) >= 8:
				s.gtin++
			case isNum && rest == "" && isDigits(strings.TrimLeft(num, "+")):
				s.integer++
				s.number++
				n := 0
				for _, d := range num {
					n = n*10 + int(d-'0')
					if n > 1e6 {
						break
					}
				}
				if n != prev+1 {
					s.seq = false
				}
				prev = n
			case isNum && rest == "":
				s.number++
			}
			if _, ok := unitWords[Normalize(v)]; ok {
				s.units++
			}
			if strings.ContainsFunc(v, isLetter) {
				if len(strings.Fields(v)) > 1 {
					s.words++
				} else if strings.ContainsFunc(v, func(r rune) bool { return r >= '0' && r <= '9' }) {
					s.code++
				}
			}
		}
		if s.integer == 0 {
			s.seq = false
		}
	}
	most := func(n, of int) bool { return of > 0 && n*10 >= of*9 }
	t := newTable(g, -1, nil)
	t.dataFrom, t.shape = start, NoHeader
	used := make([]bool, width)
	take := func(j int, f Field) {
		t.set(j, f, ByContent)
		used[j] = true
	}
	for j, s := range stats {
		if most(s.gtin, s.filled) && !used[j] {
			take(j, FieldGTIN)
			break
		}
	}
	for j, s := range stats {
		if j == 0 && s.seq && s.filled > 1 {
			take(j, FieldLineNo)
		}
	}
	var ints, decs []int
	for j, s := range stats {
		switch {
		case used[j] || s.filled == 0:
		case most(s.integer, s.filled):
			ints = append(ints, j)
		case most(s.number, s.filled):
			decs = append(decs, j)
		}
	}
	switch {
	case len(ints) == 1:
		take(ints[0], FieldQuantity)
	case len(ints) == 0 && len(decs) >= 2:
		take(decs[0], FieldQuantity)
		decs = decs[1:]
	case len(ints) == 0 && len(decs) == 1:
		take(decs[0], FieldQuantity)
		decs = nil
	default:
		if q, ok := productColumn(g, start, ints, append(ints, decs...)); ok {
			take(q, FieldQuantity)
			for _, j := range ints {
				if !used[j] {
					decs = append(decs, j)
				}
			}
		} else {
			return nil, errors.New("the sheet has no header row, and more than one column of whole numbers could be the quantity; " +
				"add a header row (such as Art.nr, Antal, Pris), or save a layout for the customer")
		}
	}
	var left []int
	for _, j := range decs {
		if !used[j] {
			left = append(left, j)
		}
	}
	if len(left) > 0 {
		take(left[0], FieldUnitPrice)
	}
	if len(left) > 1 {
		take(left[1], FieldLineAmount)
	}
	for j, s := range stats {
		if !used[j] && most(s.units, s.filled) {
			take(j, FieldUnit)
			break
		}
	}
	for j, s := range stats {
		if !used[j] && s.filled > 0 && most(s.code+s.integer, s.filled) {
			take(j, FieldBuyerItem)
			break
		}
	}
	for j, s := range stats {
		if !used[j] && s.filled > 0 && s.words*2 >= s.filled {
			take(j, FieldDescription)
			break
		}
	}
	_, q := t.fields[FieldQuantity]
	_, id := t.fields[FieldBuyerItem]
	_, gt := t.fields[FieldGTIN]
	if !q || !id && !gt {
		return nil, errNoTable
	}
	return t, nil
}

// lineLike reports a row with at least two values, one of them a number
// and one not.
func lineLike(r *row) bool {
	nums, other := 0, 0
	for _, c := range r.cells {
		v := strings.TrimSpace(c.text)
		if v == "" {
			continue
		}
		if _, rest, ok := numberText(v); ok && rest == "" && !validGTIN(identifierText(c)) {
			nums++
		} else {
			other++
		}
	}
	return nums >= 1 && nums+other >= 2 && (other >= 1 || nums >= 2)
}

// productColumn finds, among the whole-number columns, the quantity that
// times another column (the price) gives a third (the amount) on most
// rows. It tries the first few columns on the first rows only: a sheet of
// a hundred numeric columns is no order line of quantity and price.
func productColumn(g *grid, start int, ints, all []int) (int, bool) {
	const maxCols, maxRows = 8, 200
	ints, all = ints[:min(len(ints), maxCols)], all[:min(len(all), maxCols)]
	val := func(r *row, j int) (order.Decimal, bool) {
		c := r.at(j)
		if c.raw != "" {
			return storedNumber(c.raw)
		}
		num, _, ok := numberText(c.text)
		if !ok {
			return order.Decimal{}, false
		}
		if sure, _ := markOf(num); sure != 0 {
			d, err := parseNumber(num, sure)
			return d, err == nil
		}
		d, err := parseNumber(num, '.')
		return d, err == nil
	}
	for _, q := range ints {
		for _, p := range all {
			for _, a := range all {
				if p == q || a == q || a == p {
					continue
				}
				hits, n := 0, 0
				for i := start; i < min(len(g.rows), start+maxRows); i++ {
					r := &g.rows[i]
					qv, ok1 := val(r, q)
					pv, ok2 := val(r, p)
					av, ok3 := val(r, a)
					if !ok1 || !ok2 || !ok3 {
						continue
					}
					n++
					if prod, ok := qv.Mul(pv); ok {
						if diff, ok := prod.Sub(av); ok {
							if ad, _ := diff.Abs(); ad.Cmp(order.MustDecimal("0.01")) <= 0 {
								hits++
							}
						}
					}
				}
				if n > 0 && hits*10 >= n*8 {
					return q, true
				}
			}
		}
	}
	return 0, false
}
