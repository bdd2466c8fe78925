package sheet

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ordergate/ordergate/catalog"
)

// Layout is how one customer's sheets are laid out, as the desk set it:
// which column holds what, for sheets whose header row has the Shape.
// A stored layout is used instead of recognising the columns whenever a
// sheet of that customer has a header row of that shape.
type Layout struct {
	ID       int64  `json:"id,omitempty"`
	Customer string `json:"customer"`
	// Shape is the header row's cells normalised (Normalize), from the
	// first non-empty cell to the last, joined by "|"; NoHeader for
	// sheets without one. See Shape.
	Shape string `json:"shape"`
	// Header is the header row as written, for people.
	Header []string `json:"header,omitempty"`
	// Columns say what the columns hold; columns not listed are not read.
	Columns   []LayoutColumn `json:"columns"`
	UpdatedBy string         `json:"updated_by,omitempty"`
	UpdatedAt time.Time      `json:"updated_at,omitzero"`
}

// LayoutColumn is one column of a Layout.
type LayoutColumn struct {
	// Index is the column's 1-based position in the header row: 1 is the
	// header's first non-empty cell. In a layout without a header row it
	// is the sheet's column (1 is A).
	Index  int    `json:"index"`
	Header string `json:"header,omitempty"`
	Field  Field  `json:"field"`
}

// NoHeader is the Shape of a table without a header row.
const NoHeader = "(no header)"

// LayoutSource gives the parser the layouts stored for a customer.
type LayoutSource interface {
	SheetLayouts(ctx context.Context, customer string) ([]Layout, error)
}

// Shape is the key of a header row: its cells normalised, from the first
// non-empty to the last, joined by "|" ("artnr|benamning||antal").
func Shape(header []string) string {
	first, last := -1, -1
	for i, h := range header {
		if Normalize(h) != "" {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return NoHeader
	}
	parts := make([]string, 0, last-first+1)
	for _, h := range header[first : last+1] {
		parts = append(parts, Normalize(h))
	}
	return strings.Join(parts, "|")
}

// Validate checks a layout before it is stored: a customer, a shape, and
// columns that name known fields, each field once (but ignore), with a
// quantity and something that names the item.
func (l *Layout) Validate() []string {
	var probs []string
	if strings.TrimSpace(l.Customer) == "" {
		probs = append(probs, "the layout names no customer")
	}
	if strings.TrimSpace(l.Shape) == "" {
		probs = append(probs, "the layout has no shape (the normalised header row it applies to)")
	}
	width := strings.Count(l.Shape, "|") + 1
	seen := map[Field]int{}
	seenIdx := map[int]bool{}
	item, qty := false, false
	for _, c := range l.Columns {
		switch {
		case !slices.Contains(Fields, c.Field):
			probs = append(probs, fmt.Sprintf("column %d: %q is not a field (one of %s)", c.Index, c.Field, fieldList()))
			continue
		case c.Index < 1 || l.Shape != NoHeader && c.Index > width:
			probs = append(probs, fmt.Sprintf("column %d is outside the header's %d columns", c.Index, width))
			continue
		case seenIdx[c.Index]:
			probs = append(probs, fmt.Sprintf("column %d is given twice", c.Index))
		case c.Field != FieldIgnore && seen[c.Field] > 0:
			probs = append(probs, fmt.Sprintf("columns %d and %d both hold %s", seen[c.Field], c.Index, c.Field))
		}
		seen[c.Field], seenIdx[c.Index] = c.Index, true
		item = item || c.Field.identifies() || c.Field == FieldDescription
		qty = qty || c.Field == FieldQuantity
	}
	if !qty {
		probs = append(probs, "the layout has no quantity column")
	}
	if !item {
		probs = append(probs, "the layout has no column that names the item (item number, GTIN or description)")
	}
	return probs
}

func fieldList() string {
	s := make([]string, len(Fields))
	for i, f := range Fields {
		s[i] = string(f)
	}
	return strings.Join(s, ", ")
}

// Column is one column of a table as the parser read it.
type Column struct {
	Column int    `json:"column"` // 1-based column of the sheet (1 is A)
	Letter string `json:"letter"`
	// Index is the 1-based position in the header row (LayoutColumn.Index).
	Index  int    `json:"index"`
	Header string `json:"header,omitempty"`
	Field  Field  `json:"field,omitempty"` // "" when not read
	// By says how the field was decided: "name" (the header), "content"
	// (the values), "layout" (the customer's stored layout).
	By string `json:"by,omitempty"`
}

// How a column's field was decided.
const (
	ByName    = "name"
	ByContent = "content"
	ByLayout  = "layout"
)

// tableLayout is where the order table of a grid is and what its columns
// hold.
type tableLayout struct {
	headerAt  int // index into grid.rows of the header row; -1 for none
	dataFrom  int // index into grid.rows of the first row after the header
	firstCol  int // 0-based column of the header's first cell
	header    []string
	shape     string
	columns   []Column
	fields    map[Field]int // field -> 0-based column
	layoutID  int64
	headerRow int
}

// maxHeaderSearch is how far down a sheet the header row is looked for:
// below a letterhead, logo rows, an address block and the order's values.
const maxHeaderSearch = 200

// findTable locates the table: the row whose shape a stored layout has,
// else the first row that names a quantity column and an item column,
// else a block of rows recognised by their values.
func findTable(g *grid, layouts []Layout) (*tableLayout, error) {
	limit := min(len(g.rows), maxHeaderSearch)
	if len(layouts) > 0 {
		for i := 0; i < limit; i++ {
			texts := rowTexts(&g.rows[i])
			shape := Shape(texts)
			for _, l := range layouts {
				if l.Shape == shape && shape != NoHeader {
					return fromLayout(g, i, texts, l), nil
				}
			}
		}
	}
	for i := 0; i < limit; i++ {
		if t := fromHeader(g, i); t != nil {
			return t, nil
		}
	}
	for _, l := range layouts {
		if l.Shape == NoHeader {
			return headerlessLayout(g, l), nil
		}
	}
	return byContent(g)
}

func rowTexts(r *row) []string {
	out := make([]string, len(r.cells))
	for i, c := range r.cells {
		out[i] = strings.TrimSpace(c.text)
	}
	return out
}

func newTable(g *grid, at int, texts []string) *tableLayout {
	t := &tableLayout{headerAt: at, dataFrom: at + 1, fields: map[Field]int{}, shape: Shape(texts)}
	if at >= 0 {
		t.headerRow = g.rows[at].n
	}
	first, last := -1, -1
	for i, h := range texts {
		if Normalize(h) != "" {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first >= 0 {
		t.firstCol, t.header = first, texts[first:last+1]
		for j, h := range t.header {
			t.columns = append(t.columns, Column{Column: first + j + 1, Letter: columnLetter(first + j + 1), Index: j + 1, Header: h})
		}
	}
	return t
}

// set gives column j (0-based in the sheet) a field, unless the field is
// taken already.
func (t *tableLayout) set(j int, f Field, by string) {
	if f == "" {
		return
	}
	if _, taken := t.fields[f]; taken && f != FieldIgnore {
		return
	}
	if f != FieldIgnore {
		t.fields[f] = j
	}
	for k := range t.columns {
		if t.columns[k].Column == j+1 {
			t.columns[k].Field, t.columns[k].By = f, by
			return
		}
	}
	t.columns = append(t.columns, Column{Column: j + 1, Letter: columnLetter(j + 1), Index: j + 1, Field: f, By: by})
	slices.SortFunc(t.columns, func(a, b Column) int { return a.Column - b.Column })
}

func fromLayout(g *grid, at int, texts []string, l Layout) *tableLayout {
	t := newTable(g, at, texts)
	t.layoutID = l.ID
	for _, c := range l.Columns {
		t.set(t.firstCol+c.Index-1, c.Field, ByLayout)
	}
	return t
}

func headerlessLayout(g *grid, l Layout) *tableLayout {
	t := newTable(g, -1, nil)
	t.dataFrom, t.shape, t.layoutID = 0, NoHeader, l.ID
	for _, c := range l.Columns {
		t.set(c.Index-1, c.Field, ByLayout)
	}
	return t
}

// fromHeader recognises row i as the header: it names a quantity column
// and a column that names the item, and most of its cells are known names
// (a letterhead or address line is not a header).
func fromHeader(g *grid, i int) *tableLayout {
	texts := rowTexts(&g.rows[i])
	known, filled := 0, 0
	fields := map[Field]bool{}
	for _, h := range texts {
		if h == "" {
			continue
		}
		filled++
		if f, ok := columnField(h); ok {
			known++
			fields[f] = true
		} else if itemOrName[Normalize(h)] {
			known++
			fields[FieldDescription] = true
		}
	}
	item := fields[FieldBuyerItem] || fields[FieldSupplierItem] || fields[FieldGTIN] || fields[FieldDescription]
	if !fields[FieldQuantity] || !item || known*2 < filled {
		return nil
	}
	t := newTable(g, i, texts)
	for j, h := range texts {
		if f, ok := columnField(h); ok && !itemOrName[Normalize(h)] {
			t.set(j, f, ByName)
		}
	}
	for j, h := range texts {
		if itemOrName[Normalize(h)] {
			f := FieldDescription
			if _, named := t.fields[FieldDescription]; named || !hasItem(t) {
				f = FieldBuyerItem
			}
			t.set(j, f, ByName)
		}
	}
	t.refine(g)
	return t
}

// refine checks the named columns against their values: an item column
// of multi-word text is the description when none is named, and one whose
// values are all valid GTINs is read as GTINs too (see line building).
func (t *tableLayout) refine(g *grid) {
	j, ok := t.fields[FieldBuyerItem]
	if !ok {
		return
	}
	if _, hasDesc := t.fields[FieldDescription]; hasDesc {
		return
	}
	words, n := 0, 0
	for _, r := range g.rows[t.dataFrom:] {
		v := strings.TrimSpace(r.at(j).text)
		if v == "" {
			continue
		}
		n++
		if len(strings.Fields(v)) > 1 && strings.ContainsFunc(v, isLetter) {
			words++
		}
	}
	if n > 0 && words*10 >= n*8 {
		delete(t.fields, FieldBuyerItem)
		for k := range t.columns {
			if t.columns[k].Column == j+1 {
				t.columns[k].Field, t.columns[k].By = "", ""
			}
		}
		t.set(j, FieldDescription, ByContent)
	}
}

func hasItem(t *tableLayout) bool {
	for f := range t.fields {
		if f.identifies() {
			return true
		}
	}
	return false
}

func isLetter(r rune) bool { return r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r > 0x7f }

// gtinColumn reports whether the non-empty values of column j are all
// valid GTINs (GS1 check digit), and there are some.
func gtinColumn(g *grid, from, j int) bool {
	n := 0
	for _, r := range g.rows[from:] {
		v := identifierText(r.at(j))
		if v == "" {
			continue
		}
		if !validGTIN(v) {
			return false
		}
		n++
	}
	return n > 0
}

func validGTIN(v string) bool {
	if !isDigits(v) {
		return false
	}
	_, err := catalog.ParseGTIN(v)
	return err == nil
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// identifierText is an item number as the sheet shows it (leading zeros
// kept), or the stored digits where the sheet shows a number in a form
// that loses them ("5.4E+12").
func identifierText(c cell) string {
	t := strings.TrimSpace(c.text)
	if c.raw != "" && isDigits(c.raw) && !isDigits(t) {
		return c.raw
	}
	return t
}
