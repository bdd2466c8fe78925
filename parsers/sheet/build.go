package sheet

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/ordergate/ordergate/catalog"
	"github.com/ordergate/ordergate/order"
)

// unitWords maps the unit words of customers' sheets, normalised, to
// UN/ECE Recommendation 20 codes: st, stk, kpl, Stück, pcs (piece); kart,
// krt, ktn, Karton, laatikko (carton); fp, förp, pkt, pak (pack); kg, l, m.
// Other values are passed on upper-cased for matching to judge.
var unitWords = map[string]string{
	"st": "PCE", "styck": "PCE", "stk": "PCE", "stck": "PCE", "stuck": "PCE", "stykk": "PCE", "stykker": "PCE",
	"kpl": "PCE", "kappale": "PCE", "pcs": "PCE", "pc": "PCE", "piece": "PCE", "pieces": "PCE", "ea": "PCE",
	"each": "PCE", "pce": "PCE", "c62": "PCE", "h87": "PCE",
	"kart": "CT", "kartong": "CT", "krt": "CT", "ktn": "CT", "karton": "CT", "kartonger": "CT", "carton": "CT",
	"ct": "CT", "ctn": "CT", "laatikko": "CT", "ltk": "CT", "kolli": "CT", "kol": "CT",
	"fp": "PK", "forp": "PK", "forpackning": "PK", "pkt": "PK", "pak": "PK", "pakke": "PK", "paket": "PK",
	"pakkaus": "PK", "pack": "PK", "pk": "PK", "packung": "PK", "pck": "PK",
	"box": "BX", "bx": "BX", "ask": "BX", "eske": "BX", "aeske": "BX", "rasia": "BX", "schachtel": "BX",
	"kg": "KGM", "kilo": "KGM", "kgm": "KGM", "g": "GRM", "gr": "GRM", "grm": "GRM",
	"l": "LTR", "ltr": "LTR", "liter": "LTR", "litra": "LTR", "m": "MTR", "mtr": "MTR", "meter": "MTR", "metri": "MTR",
	"par": "PR", "pair": "PR", "paar": "PR", "pari": "PR", "pr": "PR",
	"pall": "PF", "pl": "PF", "pallet": "PF", "palle": "PF", "lava": "PF", "palette": "PF",
	"set": "SET", "sats": "SET", "satz": "SET", "sarja": "SET",
	"rl": "RO", "rulle": "RO", "rolle": "RO", "rulla": "RO", "roll": "RO",
	"dus": "DZN", "dussin": "DZN", "dzn": "DZN", "dutzend": "DZN",
}

// unitCode turns a unit cell into a code: a known word's Rec 20 code, else
// the text upper-cased (at most 8 characters; matching judges it).
func unitCode(s string) string {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "."))
	if s == "" {
		return ""
	}
	if c, ok := unitWords[Normalize(s)]; ok {
		return c
	}
	u := catalog.NormalizeUnit(s)
	if len(u) > 8 {
		u = u[:8]
	}
	return u
}

// numberColumn reads the numbers of one column with the decimal mark
// decided for it.
type numberColumn struct {
	col  int
	mark byte // 0: undecided
}

// buildLines reads the table's rows into order lines. Total, tax and
// freight rows, repeated header rows and rows that name no item are
// skipped; skipped says which and why. A value that cannot be read refuses
// the sheet, naming the cell, except a quantity (see below).
//
// Rows that name an item (item number or GTIN) but have no quantity, blank
// or 0, follow the rule the sales desk works by:
//
//   - In an order form (the customer's assortment with the quantity filled
//     in only for what is wanted: most such rows have no quantity) they are
//     the items not ordered, and skipped.
//   - Otherwise the customer may have forgotten a quantity: the row becomes
//     a line of quantity 0, held for the desk (held lists them), which
//     matching raises as a PARSE_ERROR on the line; the desk sets the
//     quantity or deletes the line.
//
// A quantity cell that holds something that is not a number ("ten", "?")
// is never skipped: its row is a held line of quantity 0 too, in an order
// form as well. A row described but not numbered without a quantity (a
// section heading, "Frukt") is skipped.
func buildLines(g *grid, t *tableLayout, docMark byte) (lines []order.Line, skipped []Skipped, held []Held, used map[int]bool, err error) {
	used = map[int]bool{}
	col := func(f Field) int {
		if j, ok := t.fields[f]; ok {
			return j
		}
		return -1
	}
	cQty, cPrice, cAmount := col(FieldQuantity), col(FieldUnitPrice), col(FieldLineAmount)
	marks := map[int]byte{}
	for _, j := range []int{cQty, cPrice, cAmount} {
		if j >= 0 {
			marks[j] = columnMark(g, t, j)
		}
	}
	gtinAlso := -1
	if j := col(FieldBuyerItem); j >= 0 && col(FieldGTIN) < 0 && gtinColumn(g, t.dataFrom, j) {
		gtinAlso = j
	}
	fieldsOf := order.FieldOf
	src := func(ln *order.Line, f Field, rowNo, j int) {
		ln.Sources.SetField(fieldsOf(string(f)), order.CellSource(g.sourceSheet(), rowNo, j+1))
	}
	readNum := func(r *row, j int) (order.Decimal, string, bool, error) {
		c := r.at(j)
		if c.raw != "" {
			if d, ok := storedNumber(c.raw); ok {
				return d, "", true, nil
			}
		}
		text := strings.TrimSpace(c.text)
		if text == "" || text == "-" || text == "–" {
			return order.Decimal{}, "", false, nil
		}
		num, rest, ok := numberText(text)
		if !ok {
			return order.Decimal{}, "", false, fmt.Errorf("cell %s%d (%s): %q is not a number", columnLetter(j+1), r.n, t.headerOf(j), text)
		}
		mark, amb := markOf(num)
		if mark == 0 && amb != 0 {
			mark = marks[j]
			if mark == 0 {
				mark = docMark
			}
			if mark == 0 && g.textCell != nil && !g.textCell(r.n, j) {
				mark = '.' // a number the workbook stores, shown as it stores it
			}
			if mark == 0 {
				return order.Decimal{}, "", false, fmt.Errorf("cell %s%d (%s): %s", columnLetter(j+1), r.n, t.headerOf(j), ambiguity(text, amb))
			}
		}
		if mark == 0 {
			mark = '.'
		}
		d, perr := parseNumber(num, mark)
		if perr != nil {
			return order.Decimal{}, "", false, fmt.Errorf("cell %s%d (%s): %q is not a number", columnLetter(j+1), r.n, t.headerOf(j), text)
		}
		return d, rest, true, nil
	}
	lineNos := map[int]bool{}
	fromColumn := col(FieldLineNo) >= 0
	// Rows kept as lines of quantity 0, by their index in lines, until it
	// is known whether the table is an order form.
	var unfilled, unreadable []pending
	filled := 0
	for i := t.dataFrom; i < len(g.rows); i++ {
		r := &g.rows[i]
		texts := rowTexts(r)
		if t.headerAt >= 0 && Shape(texts) == t.shape {
			skipped = append(skipped, Skipped{Row: r.n, Reason: reasonHeaderAgain})
			continue
		}
		var ln order.Line
		get := func(f Field) string {
			j := col(f)
			if j < 0 {
				return ""
			}
			if f.identifies() {
				return identifierText(r.at(j))
			}
			return strings.TrimSpace(r.at(j).text)
		}
		ln.BuyerItem, ln.SupplierItem, ln.GTIN = get(FieldBuyerItem), get(FieldSupplierItem), get(FieldGTIN)
		ln.Description = get(FieldDescription)
		named := ln.BuyerItem != "" || ln.SupplierItem != "" || ln.GTIN != ""
		if total := totalRow(texts, ln, named); total {
			skipped = append(skipped, Skipped{Row: r.n, Reason: "a total, tax or freight row"})
			continue
		}
		if !named && ln.Description == "" {
			if !blankTable(r, t) {
				skipped = append(skipped, Skipped{Row: r.n, Reason: "no item number, GTIN or description"})
			}
			continue
		}
		if cQty < 0 {
			continue
		}
		var qty order.Decimal
		var rest string
		var ok bool
		var hold *pending
		if text := strings.TrimSpace(r.at(cQty).text); r.at(cQty).raw == "" && !isNumberText(text) {
			hold = &pending{row: r.n, at: len(lines), text: text}
			unreadable = append(unreadable, *hold)
		} else {
			if qty, rest, ok, err = readNum(r, cQty); err != nil {
				return nil, nil, nil, nil, err
			}
			switch {
			case (!ok || qty.IsZero()) && !named:
				skipped = append(skipped, Skipped{Row: r.n, Reason: "no quantity"})
				continue
			case !ok || qty.IsZero():
				hold = &pending{row: r.n, at: len(lines), text: strings.TrimSpace(r.at(cQty).text)}
				unfilled = append(unfilled, *hold)
			default:
				filled++
			}
		}
		ln.Quantity = qty
		src(&ln, FieldQuantity, r.n, cQty)
		for _, f := range []Field{FieldBuyerItem, FieldSupplierItem, FieldGTIN, FieldDescription} {
			if get(f) != "" {
				src(&ln, f, r.n, col(f))
			}
		}
		if gtinAlso >= 0 && validGTIN(ln.BuyerItem) {
			ln.GTIN = ln.BuyerItem
			src(&ln, FieldGTIN, r.n, gtinAlso)
		}
		if u := get(FieldUnit); u != "" {
			ln.Unit = unitCode(u)
			src(&ln, FieldUnit, r.n, col(FieldUnit))
		} else if rest != "" {
			ln.Unit = unitCode(rest)
			src(&ln, FieldUnit, r.n, cQty)
		}
		for _, p := range []struct {
			j   int
			f   Field
			dst **order.Decimal
		}{{cPrice, FieldUnitPrice, &ln.UnitPrice}, {cAmount, FieldLineAmount, &ln.LineAmount}} {
			if p.j < 0 {
				continue
			}
			v, _, ok, err := readNum(r, p.j)
			if err != nil {
				return nil, nil, nil, nil, err
			}
			if ok {
				*p.dst = &v
				src(&ln, p.f, r.n, p.j)
			}
		}
		if j := col(FieldDeliveryDate); j >= 0 {
			if c := r.at(j); strings.TrimSpace(c.text) != "" {
				d, ok := cellDate(g, c)
				if !ok {
					return nil, nil, nil, nil, fmt.Errorf("cell %s%d (%s): %q is not a date we can read (write it like 2024-11-28, 28.11.2024 or v.48)",
						columnLetter(j+1), r.n, t.headerOf(j), strings.TrimSpace(c.text))
				}
				ln.DeliveryDate = d
				src(&ln, FieldDeliveryDate, r.n, j)
			}
		}
		if n := get(FieldNotes); n != "" {
			ln.Notes = []string{n}
			src(&ln, FieldNotes, r.n, col(FieldNotes))
		}
		if j := col(FieldLineNo); j >= 0 {
			if n, err := strconv.Atoi(get(FieldLineNo)); err == nil && n > 0 && !lineNos[n] {
				ln.LineNo = n
				lineNos[n] = true
				src(&ln, FieldLineNo, r.n, j)
			} else {
				fromColumn = false
			}
		}
		if hold == nil {
			used[i] = true
		}
		lines = append(lines, ln)
	}
	lines, skipped, held = holdOrSkip(lines, skipped, unfilled, unreadable, filled)
	if !fromColumn {
		for k := range lines {
			lines[k].LineNo = k + 1
		}
	} else {
		for k := range lines {
			if lines[k].LineNo == 0 {
				lines[k].LineNo = k + 1
			}
		}
	}
	for k := range held {
		held[k].LineNo = lines[held[k].at].LineNo
	}
	return lines, skipped, held, used, nil
}

// pending is a row read as a line of quantity 0: its row, its place in
// the lines, and what its quantity cell says.
type pending struct {
	row, at int
	text    string
}

// Held is a line of quantity 0 the desk must complete: its row had an item
// but no quantity it could read (see buildLines).
type Held struct {
	LineNo int `json:"line_no"`
	Row    int `json:"row"`
	// Quantity is what the quantity cell holds, "" when it is blank.
	Quantity string `json:"quantity,omitempty"`
	at       int
}

// orderForm reports a table that is an order form: most rows naming an
// item have no quantity. At an equal count it is not one, and the rows
// without a quantity go to the desk: a line too many to delete costs the
// desk a click, a quantity forgotten and skipped costs the customer a
// delivery.
func orderForm(unfilled, filled int) bool { return unfilled > filled }

// holdOrSkip decides the rows read as lines of quantity 0: an order form's
// rows without a quantity are skipped, any other row stays a line, held
// for the desk. The lines keep their order.
func holdOrSkip(lines []order.Line, skipped []Skipped, unfilled, unreadable []pending, filled int) ([]order.Line, []Skipped, []Held) {
	form := orderForm(len(unfilled), filled+len(unreadable))
	drop := map[int]bool{}
	var held []Held
	for _, p := range unfilled {
		if form {
			drop[p.at] = true
			skipped = append(skipped, Skipped{Row: p.row, Reason: "no quantity (an order form's item not ordered)"})
		} else {
			held = append(held, Held{Row: p.row, Quantity: p.text, at: p.at})
		}
	}
	for _, p := range unreadable {
		held = append(held, Held{Row: p.row, Quantity: p.text, at: p.at})
	}
	if len(drop) == 0 {
		sortHeld(held)
		return lines, skipped, held
	}
	kept := lines[:0]
	moved := make([]int, len(lines))
	for i, ln := range lines {
		moved[i] = len(kept)
		if !drop[i] {
			kept = append(kept, ln)
		}
	}
	for k := range held {
		held[k].at = moved[held[k].at]
	}
	sort.Slice(skipped, func(i, j int) bool { return skipped[i].Row < skipped[j].Row })
	sortHeld(held)
	return kept, skipped, held
}

func sortHeld(h []Held) { sort.Slice(h, func(i, j int) bool { return h[i].Row < h[j].Row }) }

// isNumberText reports a quantity cell's text that is blank, a dash, or
// starts with a number ("12", "1 200", "5 st"): what readNum reads or
// takes for no quantity.
func isNumberText(text string) bool {
	if text == "" || text == "-" || text == "–" {
		return true
	}
	_, _, ok := numberText(text)
	return ok
}

// Skipped is a row of the table that became no line, and why.
type Skipped struct {
	Row    int    `json:"row"`
	Reason string `json:"reason"`
}

// totalRow reports a total, subtotal, tax or freight row: one that names
// no item and has a total word in a cell, or whose item cell is one.
func totalRow(texts []string, ln order.Line, named bool) bool {
	if named {
		return isTotal(ln.BuyerItem) || isTotal(ln.SupplierItem) || isTotal(ln.GTIN)
	}
	for _, t := range texts {
		if isTotal(t) {
			return true
		}
	}
	return false
}

// blankTable reports a row with nothing in the table's columns (a note
// beside the table, a footer).
func blankTable(r *row, t *tableLayout) bool {
	for _, j := range t.fields {
		if strings.TrimSpace(r.at(j).text) != "" {
			return false
		}
	}
	return true
}

func (t *tableLayout) headerOf(j int) string {
	for _, c := range t.columns {
		if c.Column == j+1 {
			if c.Header != "" {
				return c.Header
			}
			return string(c.Field)
		}
	}
	return "column " + columnLetter(j+1)
}

// columnMark decides a column's decimal mark from all its values that the
// sheet holds as text; 0 when they do not say, or say both (then each
// value decides alone, and an ambiguous one is refused).
func columnMark(g *grid, t *tableLayout, j int) byte {
	var v markVote
	for _, r := range g.rows[t.dataFrom:] {
		if c := r.at(j); c.raw == "" {
			v.add(c.text, r.n)
		}
	}
	m, conflict := v.decided()
	if conflict {
		return 0
	}
	return m
}

// documentMark is the decimal mark the numeric columns of all tables agree
// on, or 0.
func documentMark(marks []byte) byte {
	var m byte
	for _, k := range marks {
		switch {
		case k == 0:
		case m == 0:
			m = k
		case m != k:
			return 0
		}
	}
	return m
}

// cellDate reads a date cell: the serial number behind a formatted date,
// else the text.
func cellDate(g *grid, c cell) (order.Date, bool) {
	if c.raw != "" {
		if d, ok := g.dates.serial(c.raw); ok {
			return d, true
		}
	}
	if d, ok := g.dates.text(c.text); ok {
		return d, true
	}
	if c.raw == "" && isDigits(strings.TrimSpace(c.text)) && len(strings.TrimSpace(c.text)) == 5 {
		return g.dates.serial(strings.TrimSpace(c.text)) // a serial exported to CSV
	}
	return order.Date{}, false
}

// reasonHeaderAgain is the reason of a header row repeated in the table
// (a sheet printed over several pages).
const reasonHeaderAgain = "the header row again"
