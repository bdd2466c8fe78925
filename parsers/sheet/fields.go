package sheet

import (
	"regexp"
	"strings"

	"github.com/ordergate/ordergate/order"
)

// labelled is an order-level value found beside its label.
type labelled struct {
	value string
	cell  cell // the value's cell, for dates
	lines []string
	row   int // 1-based row and column of the value
	col   int
}

// headerValues finds the order's own values above, beside and below the
// table: a label cell ("Ordernr", "Bestellnummer:", "Leveransdatum") with
// its value in the same cell after a colon, in the next cell to the right,
// or in the cell below. Cells of the table itself (its header row and the
// lines' columns) are not labels.
func headerValues(g *grid, t *tableLayout, lineRows map[int]bool) map[string]labelled {
	out := map[string]labelled{}
	inTable := func(i, j int) bool {
		if i == t.headerAt {
			_, named := columnField(g.rows[i].at(j).text)
			return named || t.isColumn(j)
		}
		return lineRows[i] && t.isColumn(j)
	}
	isLabel := func(s string) bool {
		label, _, _ := strings.Cut(s, ":")
		_, ok := labelNames[Normalize(label)]
		return ok
	}
	for i := range g.rows {
		r := &g.rows[i]
		for j, c := range r.cells {
			text := strings.TrimSpace(c.text)
			if text == "" || inTable(i, j) || len(text) > 60 {
				continue
			}
			label, after, colon := strings.Cut(text, ":")
			kind, ok := labelNames[Normalize(label)]
			if !ok {
				continue
			}
			if _, seen := out[kind]; seen {
				continue
			}
			var v labelled
			switch after = strings.TrimSpace(after); {
			case colon && after != "":
				v = labelled{value: after, cell: cell{text: after}, row: r.n, col: j + 1}
				v.lines = append([]string{after}, below(g, i, j)...)
			default:
				found := false
				for k := j + 1; k < len(r.cells) && k <= j+4; k++ {
					if s := strings.TrimSpace(r.cells[k].text); s != "" {
						if isLabel(s) || inTable(i, k) {
							break
						}
						v = labelled{value: s, cell: r.cells[k], row: r.n, col: k + 1}
						v.lines = append([]string{s}, below(g, i, k)...)
						found = true
						break
					}
				}
				if !found {
					if i+1 < len(g.rows) && g.rows[i+1].n == r.n+1 {
						c2 := g.rows[i+1].at(j)
						if s := strings.TrimSpace(c2.text); s != "" && !isLabel(s) && !inTable(i+1, j) {
							v = labelled{value: s, cell: c2, row: r.n + 1, col: j + 1}
							v.lines = append([]string{s}, below(g, i+1, j)...)
							found = true
						}
					}
				}
				if !found {
					continue
				}
			}
			out[kind] = v
		}
	}
	return out
}

// below returns the values under row i, column j, in consecutive rows,
// until a blank cell or a label (the rest of an address block).
func below(g *grid, i, j int) []string {
	var out []string
	for k := i + 1; k < len(g.rows) && len(out) < 5; k++ {
		if g.rows[k].n != g.rows[k-1].n+1 {
			break
		}
		s := strings.TrimSpace(g.rows[k].at(j).text)
		label, _, _ := strings.Cut(s, ":")
		if _, isLabel := labelNames[Normalize(label)]; s == "" || isLabel {
			break
		}
		out = append(out, s)
	}
	return out
}

func (t *tableLayout) isColumn(j int) bool {
	for _, c := range t.fields {
		if c == j {
			return true
		}
	}
	return false
}

// applyHeader writes the values found to the order, each with its source.
func applyHeader(g *grid, po *order.PurchaseOrder, vals map[string]labelled) {
	src := func(field string, v labelled) {
		po.Sources.Set(field, order.CellSource(g.sourceSheet(), v.row, v.col))
	}
	if v, ok := vals[labelPONumber]; ok && strings.ContainsFunc(v.value, func(r rune) bool { return r >= '0' && r <= '9' }) {
		po.PONumber = identifierText(v.cell)
		src("po_number", v)
	}
	if v, ok := vals[labelOrderDate]; ok {
		if d, ok := cellDate(g, v.cell); ok {
			po.OrderDate = d
			src("order_date", v)
		}
	}
	if v, ok := vals[labelDeliveryDate]; ok {
		dates := g.dates
		if !po.OrderDate.IsZero() {
			dates.ref = po.OrderDate
		}
		if d, ok := cellDate(&grid{dates: dates}, v.cell); ok {
			po.DeliveryDate = d
			src("delivery_date", v)
		}
	}
	if v, ok := vals[labelCustomer]; ok {
		po.CustomerNumber = identifierText(v.cell)
		src("customer_number", v)
	}
	if v, ok := vals[labelCurrency]; ok {
		if c := strings.ToUpper(strings.TrimSpace(v.value)); len(c) == 3 && strings.Trim(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == "" {
			po.Currency = c
			src("currency", v)
		}
	}
	if v, ok := vals[labelNotes]; ok {
		po.Notes = append(po.Notes, strings.Join(v.lines, " "))
		src("notes", v)
	}
	if v, ok := vals[labelShipTo]; ok {
		po.ShipTo = address(v.lines)
		src("ship_to.name", v)
	}
}

// postcodeCity reads the last line of an address: "123 45 Stockholm",
// "SE-123 45 Stockholm", "0150 Oslo", "00100 Helsinki", "D-80331 München".
var postcodeCity = regexp.MustCompile(`^(?:([A-Z]{1,2})[- ])?(\d{3} ?\d{2}|\d{4,5})\s+(.+)$`)

var countryNames = map[string]string{
	"sverige": "SE", "sweden": "SE", "schweden": "SE", "ruotsi": "SE", "norge": "NO", "norway": "NO", "norwegen": "NO",
	"norja": "NO", "danmark": "DK", "denmark": "DK", "danemark": "DK", "tanska": "DK", "suomi": "FI", "finland": "FI",
	"finnland": "FI", "deutschland": "DE", "germany": "DE", "tyskland": "DE", "saksa": "DE", "osterreich": "AT",
	"austria": "AT", "schweiz": "CH", "switzerland": "CH", "island": "IS", "iceland": "IS",
}

var countryPrefixes = map[string]string{"S": "SE", "SE": "SE", "N": "NO", "NO": "NO", "DK": "DK", "FI": "FI",
	"SF": "FI", "D": "DE", "DE": "DE", "A": "AT", "AT": "AT", "CH": "CH"}

// address reads a delivery address block: the name, the street lines, the
// postcode and city, and a country.
func address(lines []string) *order.Party {
	var parts []string
	for _, l := range lines {
		for _, p := range strings.Split(l, ",") {
			if p = strings.TrimSpace(p); p != "" {
				parts = append(parts, p)
			}
		}
	}
	p := &order.Party{}
	if len(parts) == 0 {
		return p
	}
	if c, ok := countryNames[Normalize(parts[len(parts)-1])]; ok && len(parts) > 1 {
		p.Country = c
		parts = parts[:len(parts)-1]
	}
	if m := postcodeCity.FindStringSubmatch(parts[len(parts)-1]); m != nil && len(parts) > 1 {
		p.Postcode, p.City = m[2], m[3]
		if c, ok := countryPrefixes[m[1]]; ok && p.Country == "" {
			p.Country = c
		}
		parts = parts[:len(parts)-1]
	}
	p.Name = parts[0]
	if len(parts) > 1 {
		p.Address = strings.Join(parts[1:], ", ")
	}
	return p
}
