package edifact

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/ordergate/ordergate/order"
)

// The detail section of ORDERS and ORDCHG: segment group 25 (D.96A) and
// its nested groups, read into order.Line.

// lin starts a line: 1082 line number, 1229 action request (ORDCHG: 1 add,
// 2 delete, 3 change, 4 no action), C212 item number and type (UNCL 7143).
// See D.96A ORDERS, segment LIN.
func (m *orderMapper) lin(seg *Segment, idx int) *Error {
	if m.summary {
		return &Error{Segment: "LIN", Index: idx, Code: CodeNotSupported, Msg: "line item after the summary section (UNS); expected LIN before UNS"}
	}
	m.endLine()
	srcRoom := m.srcRoom
	if prev := m.cur(); prev != nil {
		srcRoom, m.idRoom = max(len(prev.Sources), 4), max(len(prev.Identifiers), 1)
	}
	// The line is built in place: copying a finished order.Line into the
	// slice would cost a typed copy of a few hundred bytes per line. Within
	// capacity the slot is still zero (the array comes zeroed from make or
	// growslice, the slab's rest is handed out once, and lines are never
	// taken back), so it is not cleared again: clearing memory that holds
	// pointers while the collector runs goes through its write barrier,
	// slot by slot.
	if n := len(m.o.Lines); n < cap(m.o.Lines) {
		m.o.Lines = m.o.Lines[:n+1]
	} else {
		m.o.Lines, m.linesMoved = append(m.o.Lines, order.Line{}), true
	}
	l := &m.o.Lines[len(m.o.Lines)-1]
	l.LineNo, l.Sources = len(m.o.Lines), m.lineSources(srcRoom)
	if v := seg.Bytes(1, 1); len(v) > 0 {
		n, err := strconv.Atoi(string(v))
		if err != nil || n <= 0 {
			return &Error{Segment: "LIN", Index: idx, Element: 1, Code: CodeInvalidValue, Msg: fmt.Sprintf("line item number %q is not a positive number; expected digits", v)}
		}
		l.LineNo = n
		l.Sources.Add(fLineNo, src(seg, idx, 1, 0))
	}
	if !m.lineNos.add(l.LineNo) {
		m.warn(seg, idx, 1, 0, true, "line number %d is used a second time in this order; lines are told apart by their numbers (changes, responses)", l.LineNo)
	}
	switch a := seg.Bytes(2, 1); string(a) {
	case "":
	case "1":
		l.Action = order.LineAdd
	case "2":
		l.Action = order.LineDelete
	case "3":
		l.Action = order.LineChange
	case "4":
		l.Action = order.LineKeep
	default:
		if m.change || m.o.Function == order.FunctionChange {
			return &Error{Segment: "LIN", Index: idx, Element: 2, Code: CodeValueNotSupported,
				Msg: fmt.Sprintf("action request %q is not supported; expected 1 (add), 2 (delete), 3 (change) or 4 (no action)", a)}
		}
	}
	if l.Action != "" {
		l.Sources.Add(fAction, src(seg, idx, 2, 0))
	} else if m.change {
		l.Action = order.LineChange
	}
	m.line, m.lineQ, m.lineQty, m.ref, m.deliv = len(m.o.Lines)-1, 0, 0, nil, -1
	m.itemID(l, seg, idx, 3)
	return nil
}

// pia reads the additional product ids of a line: 4347 product id function
// (1 additional identification, 5 product identification: numbers of this
// item) and up to five C212. Numbers with another function (2 a possible
// substitute, 3 substituted by, 6 successor, ...) belong to another item:
// they become a note on the line, not its identification. See D.96A
// ORDERS, segment PIA, and code list 4347.
func (m *orderMapper) pia(seg *Segment, idx int) {
	l := m.cur()
	if l == nil {
		return
	}
	switch string(seg.Bytes(1, 1)) {
	case "", "1", "5":
		for e := 2; e <= min(6, seg.Len()); e++ {
			m.itemID(l, seg, idx, e)
		}
	default:
		fn := seg.Value(1, 1)
		for e := 2; e <= min(6, seg.Len()); e++ {
			if v := m.text(seg, e, 1); v != "" {
				note := "PIA+" + fn + " (" + productIDFunction(fn) + "): " + order.ItemID{Qualifier: order.ItemTypeOf(seg.Value(e, 2)), Value: v}.String()
				l.Sources.Add(fNotes.At(len(l.Notes)), src(seg, idx, e, 1))
				l.Notes = append(l.Notes, note)
			}
		}
	}
}

// productIDFunction names the codes of UNCL 4347 for notes.
func productIDFunction(code string) string {
	switch code {
	case "2":
		return "identification for potential substitution"
	case "3":
		return "substituted by"
	case "4":
		return "substituted for"
	case "6":
		return "successor product id"
	case "7":
		return "predecessor product id"
	case "8":
		return "superseded by"
	}
	return "product id function " + code
}

// Field handles of the item identifications and deliveries.
var (
	fIdentifiers = order.FieldOf("identifiers")
	fDeliveries  = order.FieldOf("deliveries")
)

// lineIDRoom is how many identifications the first line of a message gets
// from the slab (most lines have one to three: a GTIN, the buyer's and the
// supplier's number); later lines as many as the line before them had.
const lineIDRoom = 3

// itemID reads a C212 (7140 item number, 7143 type) into the line: every
// number is kept in Identifiers with its type, and the first of each kind
// also in BuyerItem (IN, BP), GTIN (EN, SRV, UP) or SupplierItem (SA, VN,
// VP, SK, else MF). The same number sent twice (in LIN and PIA) is kept
// once (one GTIN written with 13 and with 14 digits is kept as sent); a
// second, different number of one kind is a warning. An untyped
// LIN number of 8 to 14 digits is a GTIN in practice.
func (m *orderMapper) itemID(l *order.Line, seg *Segment, idx, e int) {
	raw := bytes.TrimSpace(seg.Bytes(e, 1))
	if len(raw) == 0 {
		return
	}
	var q order.ItemType
	if code := seg.Bytes(e, 2); copy(q[:], code) < len(code) {
		m.warn(seg, idx, e, 2, true, "item type code %q is longer than the three characters of code list 7143; read as %q", code, q)
	}
	id := order.ItemID{Qualifier: q, Value: m.str(raw)}
	kind := q.Kind()
	// A GTIN: EN, SRV, UP (an ISBN is kept as sent; matching converts it);
	// EU, read as a GTIN before, for partners that send it; an untyped LIN
	// number of 8 to 14 digits.
	gtinLike := kind == order.IDGTIN && q != typeIB || q == typeEU ||
		q == (order.ItemType{}) && e == 3 && len(raw) >= 8 && len(raw) <= 14 && isDigits(string(raw))
	for i := range l.Identifiers {
		x := &l.Identifiers[i]
		if x.Qualifier == q {
			if x.Value == id.Value {
				return // the same number again (in LIN and PIA)
			}
		} else if kind == order.IDOther || x.Kind() != kind {
			continue
		} else if kind == order.IDGTIN && sameGTIN(*x, id) {
			continue // one GTIN in 13 and in 14 digits: kept as sent, no doubt
		}
		m.warn(seg, idx, e, 1, true, "line %d has a second %s; the first, %s, is used", l.LineNo, id, *x)
		break
	}
	if len(l.Identifiers) == 0 {
		room := max(m.idRoom, 1)
		if cap(m.ids)-len(m.ids) < room {
			lines := m.linesLeft()
			m.ids = make([]order.ItemID, 0, min(lines, 256)*room)
		}
		n := len(m.ids)
		m.ids = m.ids[:n+room]
		l.Identifiers = m.ids[n : n : n+room]
	}
	n := len(l.Identifiers)
	if n < cap(l.Identifiers) {
		// Field by field: one pointer write, not a typed copy of the struct.
		l.Identifiers = l.Identifiers[:n+1]
		l.Identifiers[n].Qualifier, l.Identifiers[n].Value = id.Qualifier, id.Value
	} else {
		l.Identifiers = append(l.Identifiers, id)
	}
	var field *string
	var f order.Field
	mf := -1 // the manufacturer's number a supplier's number takes SupplierItem from
	switch {
	case gtinLike:
		field, f = &l.GTIN, fGtin
		if !order.ValidCheckDigit(id.Value) {
			m.warn(seg, idx, e, 1, false, "line %d: GTIN %s has a wrong check digit (GS1 modulo 10) or length", l.LineNo, id.Value)
		}
	case kind == order.IDBuyer:
		field, f = &l.BuyerItem, fBuyerItem
	case kind == order.IDSupplier:
		field, f = &l.SupplierItem, fSupplierItem
		if l.SupplierItem != "" {
			if mf = supplierFromMF(l); mf >= 0 {
				l.SupplierItem = "" // our own number outranks the manufacturer's
			}
		}
	case kind == order.IDManufacturer:
		field, f = &l.SupplierItem, fSupplierItem
	}
	// A number in BuyerItem, GTIN or SupplierItem is found by that field's
	// source (order.Line.IdentifierSource); the others get their own, so
	// that a line's sources name each place once.
	s := src(seg, idx, e, 1)
	if field == nil || *field != "" {
		l.Sources.Add(fIdentifiers.At(n), s)
		return
	}
	*field = id.Value
	if mf >= 0 {
		l.Sources.Add(fIdentifiers.At(mf), l.Sources.GetField(f)) // the MF number is no longer SupplierItem
		l.Sources.SetField(f, s)
	} else {
		l.Sources.Add(f, s) // the first of its kind: no source yet
	}
}

// supplierFromMF returns the index in Identifiers of the line's
// SupplierItem when that is its MF number, else -1.
func supplierFromMF(l *order.Line) int {
	for i, x := range l.Identifiers {
		if x.Value == l.SupplierItem {
			if x.Qualifier == typeMF {
				return i
			}
			return -1
		}
	}
	return -1
}

var (
	typeIB = order.ItemTypeOf("IB")
	typeMF = order.ItemTypeOf("MF")
	typeEU = order.ItemTypeOf("EU")
)

// sameGTIN reports whether two GTIN-kind numbers are one GTIN written with
// different lengths (a GTIN-13 and the same code in 14 digits).
func sameGTIN(a, b order.ItemID) bool {
	x, ok1 := a.GTIN()
	y, ok2 := b.GTIN()
	return ok1 && ok2 && strings.TrimLeft(x, "0") == strings.TrimLeft(y, "0")
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// qty reads C186: 6063 qualifier (21 ordered quantity; 1 discrete
// quantity when there is no 21), 6060 quantity, 6411 unit (UN/ECE Rec 20).
// In segment group 33 (after LOC) the quantity (11, split quantity) is
// that delivery's. A second ordered quantity on a line is a warning: the
// first is kept. See UN/EDIFACT D.96A ORDERS, segment QTY.
func (m *orderMapper) qty(seg *Segment, idx int) *Error {
	l := m.cur()
	if l == nil {
		return nil
	}
	q := seg.Bytes(1, 1)
	if m.deliv >= 0 {
		d, err := parseDecimal(seg.Bytes(1, 2))
		if err != nil {
			return &Error{Segment: "QTY", Index: idx, Element: 1, Component: 2, Code: CodeInvalidDecimal,
				Msg: fmt.Sprintf("delivery quantity %q is not a number; expected digits with one optional decimal mark", seg.Value(1, 2))}
		}
		m.dels[m.deliv].Quantity = d
		if u := seg.Value(1, 3); u != "" && l.Unit != "" && u != l.Unit {
			m.warn(seg, idx, 1, 3, true, "line %d: the delivery quantity is in %s, the line in %s", l.LineNo, u, l.Unit)
		}
		return nil
	}
	rank := 0
	switch string(q) {
	case "21":
		rank = 2
	case "1": // discrete quantity, used where 21 is not
		rank = 1
	default:
		return nil
	}
	if rank < m.lineQty {
		return nil
	}
	d, err := parseDecimal(seg.Bytes(1, 2))
	if err != nil {
		return &Error{Segment: "QTY", Index: idx, Element: 1, Component: 2, Code: CodeInvalidDecimal,
			Msg: fmt.Sprintf("ordered quantity %q is not a number; expected digits with one optional decimal mark", seg.Value(1, 2))}
	}
	if rank == m.lineQty {
		m.warn(seg, idx, 1, 2, true, "line %d has a second ordered quantity (QTY+%s) %s %s; the first, %s %s, is used",
			l.LineNo, q, d, seg.Value(1, 3), l.Quantity, l.Unit)
		return nil
	}
	if m.lineQty == 0 {
		l.Sources.Add(fQuantity, src(seg, idx, 1, 2)) // the first: no source yet
	} else {
		l.Sources.SetField(fQuantity, src(seg, idx, 1, 2)) // QTY+21 after QTY+1
	}
	m.lineQty = rank
	l.Quantity = d
	if u := seg.Bytes(1, 3); len(u) > 0 {
		if l.Unit == "" {
			l.Sources.Add(fUnit, src(seg, idx, 1, 3))
		} else {
			l.Sources.SetField(fUnit, src(seg, idx, 1, 3))
		}
		l.Unit = internUnit(u)
	}
	return nil
}

// loc reads a place of a line: 3227 qualifier, C517 location (3225 id).
// The first is the line's Location; each LOC opens segment group 33 (LOC,
// QTY, DTM), a part of a split delivery, gathered in m.dels and kept in
// the line's Deliveries by endLine when there is more than one or it
// carries a quantity or date. See D.96A ORDERS, segment group 33.
func (m *orderMapper) loc(seg *Segment, idx int) {
	l := m.cur()
	if l == nil {
		return
	}
	v := m.text(seg, 2, 1)
	if v == "" {
		return
	}
	if l.Location == "" {
		l.Location = v
		l.Sources.Add(fLocation, src(seg, idx, 2, 1))
	}
	m.locs = append(m.locs, locRef{idx: idx, pos: seg.Pos})
	m.dels = append(m.dels, order.Delivery{Location: v})
	m.deliv = len(m.dels) - 1
}

// endLine settles the deliveries of the line just read: a single LOC
// without quantity or date is only the line's place; split quantities
// stand for the line's quantity when it has none, and must add up to it.
// Only a line that keeps its deliveries gets a schedule
// (order.Line.LineSchedule).
func (m *orderMapper) endLine() {
	l, ds, locs := m.cur(), m.dels, m.locs
	m.deliv, m.dels, m.locs = -1, m.dels[:0], m.locs[:0]
	if l == nil || len(ds) == 0 || len(ds) == 1 && ds[0].Quantity.IsZero() && ds[0].Date.IsZero() {
		return
	}
	l.EnsureSchedule().Deliveries = slices.Clone(ds)
	for i, r := range locs {
		l.Sources.Add(fDeliveries.At(i), order.Source{Segment: order.TagOf("LOC"), Index: int32(r.idx), Element: 2, Component: 1})
	}
	var sum order.Decimal
	missing, fits := 0, true
	for _, d := range ds {
		if d.Quantity.IsZero() {
			missing++
		}
		if sum, fits = sum.Add(d.Quantity); !fits {
			break
		}
	}
	first := &Segment{id: idLOC, Pos: locs[0].pos}
	switch {
	case !fits:
		m.warn(first, locs[0].idx, 0, 0, true, "line %d: its delivery quantities are too large to add up", l.LineNo)
	case missing > 0:
		m.warn(first, locs[0].idx, 0, 0, true, "line %d: %d of its %d deliveries (LOC, QTY+11, DTM) have no quantity", l.LineNo, missing, len(ds))
	case m.lineQty == 0:
		l.Quantity = sum // the line's quantity is what its deliveries add up to
		l.Sources.Add(fQuantity, order.Source{Segment: order.TagOf("LOC"), Index: int32(locs[0].idx)})
	case sum.Cmp(l.Quantity) != 0:
		m.warn(first, locs[0].idx, 0, 0, true, "line %d: its deliveries add up to %s, the line orders %s", l.LineNo, sum, l.Quantity)
	}
	if len(ds) == 1 && l.DeliveryDate.IsZero() && !ds[0].Date.IsZero() {
		l.DeliveryDate = ds[0].Date
	}
}

// locRef is where a LOC of the current line is.
type locRef struct{ idx, pos int }

// pri reads C509: 5125 qualifier (AAA net, AAB gross), 5118 price, 5284
// unit price basis, 6411 unit. See UN/EDIFACT D.96A ORDERS, segment PRI.
func (m *orderMapper) pri(seg *Segment, idx int) *Error {
	l := m.cur()
	if l == nil {
		return nil
	}
	q := seg.Bytes(1, 1)
	if string(q) != "AAA" && string(q) != "AAB" {
		return nil
	}
	v := seg.Bytes(1, 2)
	if len(v) == 0 {
		return nil
	}
	d, err := parseDecimal(v)
	if err != nil {
		return &Error{Segment: "PRI", Index: idx, Element: 1, Component: 2, Code: CodeInvalidDecimal, Msg: fmt.Sprintf("price %q is not a number; expected digits with one optional decimal mark", v)}
	}
	if string(q) == "AAA" {
		if l.UnitPrice == nil {
			l.Sources.Add(fUnitPrice, src(seg, idx, 1, 2))
		} else {
			l.Sources.SetField(fUnitPrice, src(seg, idx, 1, 2))
		}
		l.UnitPrice = m.decimal(d)
		if b := seg.Bytes(1, 5); len(b) > 0 {
			bd, err := parseDecimal(b)
			if err != nil || bd.Sign() <= 0 {
				return &Error{Segment: "PRI", Index: idx, Element: 1, Component: 5, Code: CodeInvalidDecimal, Msg: fmt.Sprintf("unit price basis %q is not a positive number; expected digits", b)}
			}
			if bd.Cmp(order.NewDecimal(1)) != 0 {
				if l.PriceBasis == nil {
					l.Sources.Add(fPriceBasis, src(seg, idx, 1, 5))
				} else {
					l.Sources.SetField(fPriceBasis, src(seg, idx, 1, 5))
				}
				l.PriceBasis = m.decimal(bd)
			}
		}
	} else {
		if l.GrossPrice == nil {
			l.Sources.Add(fGrossPrice, src(seg, idx, 1, 2))
		} else {
			l.Sources.SetField(fGrossPrice, src(seg, idx, 1, 2))
		}
		l.GrossPrice = m.decimal(d)
	}
	return nil
}

// moa reads C516: 5025 qualifier, 5004 amount, 6345 currency. On a line,
// 203 (line item amount) is the line amount; elsewhere every amount is kept
// with its qualifier. See UN/EDIFACT D.96A ORDERS, segment MOA.
func (m *orderMapper) moa(seg *Segment, idx int) *Error {
	q, v := seg.Value(1, 1), seg.Value(1, 2)
	if v == "" {
		return nil
	}
	d, err := order.ParseDecimal(v)
	if err != nil {
		return &Error{Segment: "MOA", Index: idx, Element: 1, Component: 2, Code: CodeInvalidDecimal, Msg: fmt.Sprintf("amount %q is not a number; expected digits with one optional decimal mark", v)}
	}
	if l := m.cur(); l != nil {
		if q == "203" && l.LineAmount == nil {
			l.LineAmount = m.decimal(d)
			l.Sources.Add(fLineAmount, src(seg, idx, 1, 2))
		}
		return nil
	}
	m.o.Sources.Add(fAmounts.At(len(m.o.Amounts)), src(seg, idx, 1, 2))
	m.o.Amounts = append(m.o.Amounts, order.Amount{Qualifier: q, Value: d, Currency: seg.Value(1, 3)})
	return nil
}

// units interns the common UN/ECE Rec 20 unit codes.
var units = func() map[string]string {
	m := map[string]string{}
	for _, u := range []string{"PCE", "EA", "C62", "KGM", "GRM", "LTR", "MTR", "MTK", "MTQ", "CT", "PK", "BX", "PA", "CS", "SET", "PR", "RO", "TNE", "HUR", "DZN", "CMT", "MLT", "NAR", "NPL", "CA", "BG", "BO"} {
		m[u] = u
	}
	return m
}()

func internUnit(b []byte) string {
	if u, ok := units[string(b)]; ok {
		return u
	}
	return string(b)
}

// parseDecimal parses a number; either decimal mark is accepted, as ISO
// 9735 section 10 requires of receivers. Short plain numbers, nearly all of
// them, are parsed in place without building a string.
func parseDecimal(b []byte) (order.Decimal, error) {
	if n := len(b); n > 0 && n <= 12 {
		var units int64
		frac, ok := -1, true
		for _, c := range b {
			switch {
			case c >= '0' && c <= '9':
				units = units*10 + int64(c-'0')
				if frac >= 0 {
					frac++
				}
			case (c == '.' || c == ',') && frac < 0 && n > 1:
				frac = 0
			default:
				ok = false
			}
		}
		if ok && frac <= order.Scale {
			for i := max(frac, 0); i < order.Scale; i++ {
				units *= 10
			}
			return order.DecimalFromUnits(units), nil
		}
	}
	return order.ParseDecimal(string(b))
}
