package email

import (
	"regexp"
	"strings"

	"github.com/ordergate/ordergate/order"
)

// Columns of a table pasted into a mail.
const (
	colNone = iota
	colItem
	colDesc
	colQty
	colUnit
	colPrice
)

// columnNames are the header words of each column, in the languages we
// read, lower case.
var columnNames = map[string]int{}

func init() {
	add := func(col int, names ...string) {
		for _, n := range names {
			columnNames[n] = col
		}
	}
	add(colItem, "art", "art.", "art.nr", "art.nr.", "artnr", "art-nr", "art.-nr.", "artikel", "artikelnr", "artikelnr.",
		"artikelnummer", "artikel-nr.", "artikel-nr", "item", "item no", "item no.", "item number", "item#", "sku", "product code",
		"code", "varenr", "varenr.", "varenummer", "vare nr", "vnr", "tuotenumero", "tuotenro", "tuote", "koodi", "tuotekoodi",
		"produktnr", "produktnummer", "nr", "nr.", "ean", "gtin", "vår artikel", "ert artnr", "ert art.nr", "your item")
	add(colDesc, "beskrivning", "benämning", "description", "bezeichnung", "beschreibung", "produkt", "product", "vare",
		"varenavn", "varebeskrivelse", "betegnelse", "beskrivelse", "nimi", "nimike", "tuotenimi", "kuvaus",
		"artikelbezeichnung", "namn", "name", "text", "artikeltext", "produktnamn")
	add(colQty, "antal", "antall", "qty", "qty.", "quantity", "menge", "anzahl", "määrä", "kpl", "st", "stk", "ant", "ant.",
		"bestilt", "beställt", "beställ", "bestellmenge", "order qty", "kvantitet", "mængde", "lukumäärä", "tilausmäärä")
	add(colUnit, "enhet", "unit", "einheit", "yksikkö", "enhed", "me", "uom", "eh", "förp", "pack")
	add(colPrice, "pris", "price", "preis", "hinta", "à-pris", "á-pris", "a-pris", "à pris", "stückpreis", "enhetspris",
		"unit price", "einzelpreis", "styckpris", "kappalehinta", "yksikköhinta", "stykpris", "stykkpris", "netto")
}

var cellSplit = regexp.MustCompile(`\t|\s{2,}`)

// cells splits a table row: by tabs, or by runs of two or more spaces
// (a table aligned with spaces), keeping each cell's start offset.
func cells(line string) (texts []string, starts []int) {
	pos := 0
	for _, loc := range cellSplit.FindAllStringIndex(line+"\t", -1) {
		t := strings.TrimSpace(line[pos:min(loc[0], len(line))])
		if t != "" || strings.Contains(line, "\t") {
			texts = append(texts, t)
			starts = append(starts, pos)
		}
		pos = loc[1]
	}
	return texts, starts
}

// table is a header row read as columns.
type table struct {
	cols   []int
	starts []int
	tabs   bool
}

// readHeader reads a table's header row: at least an item or description
// column and a quantity column.
func readHeader(line string) (table, bool) {
	texts, starts := cells(line)
	if len(texts) < 2 {
		return table{}, false
	}
	t := table{cols: make([]int, len(texts)), starts: starts, tabs: strings.Contains(line, "\t")}
	var item, qty bool
	for i, c := range texts {
		col := columnNames[strings.ToLower(strings.Trim(c, " :*"))]
		if col == colNone && c != "" {
			if _, ok := columnNames[strings.ToLower(strings.Fields(c)[0])]; !ok {
				return table{}, false // a word that is no column: prose, not a header
			}
			col = columnNames[strings.ToLower(strings.Fields(c)[0])]
		}
		t.cols[i] = col
		item = item || col == colItem || col == colDesc
		qty = qty || col == colQty
	}
	return t, item && qty
}

// row reads a table row under the header, or false when the line ends
// the table.
func (t table) row(line string) (textLine, bool) {
	texts, starts := cells(line)
	if len(texts) < 2 {
		return textLine{}, false
	}
	byCol := map[int]string{}
	for i, c := range texts {
		col := colNone
		if t.tabs && strings.Contains(line, "\t") || len(texts) == len(t.cols) {
			if i < len(t.cols) {
				col = t.cols[i]
			}
		} else {
			col = t.nearest(starts[i])
		}
		if col != colNone && byCol[col] == "" {
			byCol[col] = c
		}
	}
	var l textLine
	if it := byCol[colItem]; it != "" {
		if !isCode(it) && !isQty(it) {
			return textLine{}, false
		}
		l.item = it
	}
	l.desc = byCol[colDesc]
	q := byCol[colQty]
	unit := byCol[colUnit]
	if f := strings.Fields(q); len(f) == 2 { // "12 st" in the quantity column
		if u, ok := unitOf(f[1]); ok {
			q, l.unit = f[0], u
		}
	}
	if !isQty(q) || (l.item == "" && l.desc == "") {
		return textLine{}, false
	}
	var err error
	if l.qty, err = parseQty(q); err != nil || l.qty.Sign() <= 0 {
		return textLine{}, false
	}
	if unit != "" {
		if u, ok := unitOf(unit); ok {
			l.unit = u
		}
	}
	if p := strings.Fields(byCol[colPrice]); len(p) > 0 && isQty(p[0]) {
		if d, err := order.ParseDecimal(strings.ReplaceAll(p[0], ",", ".")); err == nil {
			l.price = &d
		}
	}
	return l, true
}

// nearest returns the column whose header starts nearest to a cell's start.
func (t table) nearest(start int) int {
	best, dist := colNone, 1<<30
	for i, s := range t.starts {
		d := start - s
		if d < 0 {
			d = -d
		}
		if d < dist {
			best, dist = t.cols[i], d
		}
	}
	return best
}

// bareRow reads a tab-separated row without a header: one item number,
// one quantity (the last plain number), a description between.
func bareRow(line string) (textLine, bool) {
	if !strings.Contains(line, "\t") || contactWord.MatchString(line) {
		return textLine{}, false
	}
	texts, _ := cells(line)
	var l textLine
	qi := -1
	for i := len(texts) - 1; i >= 0; i-- {
		if isQty(texts[i]) {
			qi = i
			break
		}
	}
	if qi < 0 {
		return textLine{}, false
	}
	var desc []string
	for i, c := range texts {
		switch {
		case i == qi || c == "":
		case l.item == "" && isCode(c) && !strings.Contains(c, " "):
			l.item = c
		case i == qi+1:
			if u, ok := unitOf(c); ok {
				l.unit = u
			}
		case i < qi:
			desc = append(desc, c)
		}
	}
	if l.item == "" {
		return textLine{}, false
	}
	var err error
	if l.qty, err = parseQty(texts[qi]); err != nil || l.qty.Sign() <= 0 {
		return textLine{}, false
	}
	l.desc = strings.Join(desc, " ")
	return l, true
}
