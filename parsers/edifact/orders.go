package edifact

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/ordergate/ordergate/order"
)

// orderMapper maps the segments of one ORDERS or ORDCHG message to a
// canonical order as they stream by. It follows the segment table of
// UN/EDIFACT D.96A ORDERS (and D.93A, D.01B, EANCOM EAN008/EAN010, which
// share the segments read here): header (BGM, DTM, RFF, NAD, CUX, FTX),
// detail (LIN, PIA, IMD, QTY, PRI, MOA, DTM, RFF, LOC, FTX) and summary
// (UNS, MOA, CNT).
type orderMapper struct {
	o       order.PurchaseOrder
	dec     decoder
	change  bool // ORDCHG
	line    int  // index of the current line in o.Lines, -1 in the header
	summary bool // after UNS
	prev    string
	ref     *order.Reference // last RFF, for a following DTM (SG1 / SG29)
	delivQ  int              // priority of the header delivery date qualifier taken
	lineQ   int              // same for the current line
	lineQty int              // 2 when QTY+21 was read for the line, 1 for QTY+1
	cnt     int
	cntSeg  int
	cntPos  int
	cntSet  bool
	decs    []order.Decimal     // slab for the *Decimal fields of lines
	srcs    []order.FieldSource // slab for the lines' Sources
	arena   []byte              // string arena of the message's values (see keep)
}

// lineSourceRoom is how many field sources a line gets from the slab before
// its Sources grows on its own (a LIN/PIA/IMD/QTY/PRI/DTM line has about 8).
const lineSourceRoom = 8

// lineSources returns an empty Sources with room for one line's fields,
// carved from a per-message slab: one allocation for many lines instead of
// one per line.
func (m *orderMapper) lineSources() order.Sources {
	if cap(m.srcs)-len(m.srcs) < lineSourceRoom {
		lines := max(cap(m.o.Lines)-len(m.o.Lines), 4) // the previous message's size is the best guess
		m.srcs = make([]order.FieldSource, 0, min(lines, 256)*lineSourceRoom)
	}
	n := len(m.srcs)
	m.srcs = m.srcs[:n+lineSourceRoom]
	return order.Sources(m.srcs[n : n : n+lineSourceRoom])
}

// decimal returns a pointer to d, allocated from a per-message slab rather
// than one small object per price.
func (m *orderMapper) decimal(d order.Decimal) *order.Decimal {
	if len(m.decs) == cap(m.decs) {
		m.decs = make([]order.Decimal, 0, min(max(2*cap(m.decs), 8), 256))
	}
	m.decs = append(m.decs, d)
	return &m.decs[len(m.decs)-1]
}

func newOrderMapper(rd *reader, unh *Segment) *orderMapper {
	m := &orderMapper{dec: rd.dec, line: -1, change: unh.Value(2, 1) == "ORDCHG"}
	env, snd := rd.envelope(rd.msg.status, unh.Value(2, 5))
	m.o = order.PurchaseOrder{Format: "edifact", Envelope: env, Sender: snd, Lines: make([]order.Line, 0, rd.lineHint)}
	if m.change {
		m.o.Function = order.FunctionChange
	}
	return m
}

// Field handles of the values the mapper records sources for (order.FieldOf
// once, not a name lookup per value).
var (
	fAction       = order.FieldOf("action")
	fCurrency     = order.FieldOf("currency")
	fDeliveryDate = order.FieldOf("delivery_date")
	fDescription  = order.FieldOf("description")
	fFunction     = order.FieldOf("function")
	fGrossPrice   = order.FieldOf("gross_price")
	fLineAmount   = order.FieldOf("line_amount")
	fLineCount    = order.FieldOf("line_count")
	fLineNo       = order.FieldOf("line_no")
	fLocation     = order.FieldOf("location")
	fOrderDate    = order.FieldOf("order_date")
	fPoNumber     = order.FieldOf("po_number")
	fPriceBasis   = order.FieldOf("price_basis")
	fQuantity     = order.FieldOf("quantity")
	fUnit         = order.FieldOf("unit")
	fUnitPrice    = order.FieldOf("unit_price")
	fAmounts      = order.FieldOf("amounts")
	fNotes        = order.FieldOf("notes")
	fReferences   = order.FieldOf("references")
	fGtin         = order.FieldOf("gtin")
	fBuyerItem    = order.FieldOf("buyer_item")
	fSupplierItem = order.FieldOf("supplier_item")
)

func src(seg *Segment, idx, e, c int) order.Source {
	return order.Source{Segment: order.TagOf(seg.Tag), Index: int32(idx), Element: int16(e), Component: int16(c)}
}

// text returns the trimmed, decoded value of a component.
func (m *orderMapper) text(seg *Segment, e, c int) string {
	return m.str(bytes.TrimSpace(seg.Bytes(e, c)))
}

// str decodes a trimmed value. ASCII and UTF-8 text, nearly every value, is
// copied into the message's string arena.
func (m *orderMapper) str(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	for _, ch := range b {
		if ch >= 0x80 {
			if !utf8.Valid(b) {
				return strings.TrimSpace(m.dec.String(b)) // an 8-bit charset: decode
			}
			break
		}
	}
	return m.keep(b)
}

// keep copies b into the message's string arena and returns it as a string:
// one allocation for many values instead of one each. The arena's bytes are
// never written again once handed out, which is what makes the
// unsafe.String view sound; a chunk lives as long as any string in it.
func (m *orderMapper) keep(b []byte) string {
	if cap(m.arena)-len(m.arena) < len(b) {
		m.arena = make([]byte, 0, max(4096, len(b)))
	}
	n := len(m.arena)
	m.arena = append(m.arena, b...)
	return unsafe.String(&m.arena[n], len(b))
}

// texts joins the non-empty components from..to (at most five) of element
// e with a space (free text continuation, e.g. FTX C108 or NAD C080).
func (m *orderMapper) texts(seg *Segment, e, from, to int) string {
	var parts [5][]byte
	n := 0
	for c := from; c <= to && n < len(parts); c++ {
		if b := bytes.TrimSpace(seg.Bytes(e, c)); len(b) > 0 {
			parts[n] = b
			n++
		}
	}
	if n <= 1 {
		return m.str(parts[0])
	}
	var b strings.Builder
	for _, p := range parts[:n] {
		if t := m.str(p); t != "" {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(t)
		}
	}
	return b.String()
}

func (m *orderMapper) cur() *order.Line {
	if m.line < 0 {
		return nil
	}
	return &m.o.Lines[m.line]
}

// segment maps one segment; idx is its position in the message (UNH = 1).
func (m *orderMapper) segment(seg *Segment, idx int) *Error {
	if e := checkShape(seg, idx); e != nil {
		return e
	}
	e := m.dispatch(seg, idx)
	m.prev = seg.Tag
	return e
}

func (m *orderMapper) dispatch(seg *Segment, idx int) *Error {
	switch seg.Tag {
	case "BGM":
		return m.bgm(seg, idx)
	case "DTM":
		return m.dtm(seg, idx)
	case "RFF":
		m.rff(seg, idx)
	case "NAD":
		if m.line < 0 && !m.summary {
			m.nad(seg, idx)
		}
	case "CUX":
		if m.line < 0 && m.o.Currency == "" {
			if v := seg.Value(1, 2); v != "" {
				m.o.Currency = v
				m.o.Sources.SetField(fCurrency, src(seg, idx, 1, 2))
			}
		}
	case "FTX":
		if t := m.texts(seg, 4, 1, 5); t != "" {
			if l := m.cur(); l != nil {
				l.Sources.SetField(fNotes.At(len(l.Notes)), src(seg, idx, 4, 1))
				l.Notes = append(l.Notes, t)
			} else {
				m.o.Sources.SetField(fNotes.At(len(m.o.Notes)), src(seg, idx, 4, 1))
				m.o.Notes = append(m.o.Notes, t)
			}
		}
	case "LIN":
		return m.lin(seg, idx)
	case "PIA":
		if l := m.cur(); l != nil {
			for e := 2; e <= min(6, seg.Len()); e++ {
				m.itemID(l, seg, idx, e)
			}
		}
	case "IMD":
		if l := m.cur(); l != nil {
			if t := m.texts(seg, 3, 4, 5); t != "" {
				if l.Description == "" {
					l.Description = t
					l.Sources.SetField(fDescription, src(seg, idx, 3, 4))
				} else if !strings.Contains(l.Description, t) {
					l.Description += " " + t
				}
			}
		}
	case "QTY":
		return m.qty(seg, idx)
	case "PRI":
		return m.pri(seg, idx)
	case "MOA":
		return m.moa(seg, idx)
	case "LOC":
		if l := m.cur(); l != nil && l.Location == "" {
			if v := m.text(seg, 2, 1); v != "" {
				l.Location = v
				l.Sources.SetField(fLocation, src(seg, idx, 2, 1))
			}
		}
	case "UNS":
		m.summary = true
		m.line = -1
	case "CNT":
		if seg.Value(1, 1) == "2" {
			n, err := strconv.Atoi(seg.Value(1, 2))
			if err != nil {
				return &Error{Segment: "CNT", Index: idx, Element: 1, Component: 2, Code: CodeInvalidValue,
					Msg: fmt.Sprintf("line count %q is not a number; expected an integer", seg.Value(1, 2))}
			}
			m.cnt, m.cntSeg, m.cntPos, m.cntSet = n, idx, seg.Pos, true
			m.o.LineCount = n
			m.o.Sources.SetField(fLineCount, src(seg, idx, 1, 2))
		}
	}
	return nil
}

// bgm reads the beginning of message: C002 document name (element 1),
// C106/1004 document number (element 2) and 1225 message function
// (element 3). See UN/EDIFACT D.96A ORDERS, segment BGM.
func (m *orderMapper) bgm(seg *Segment, idx int) *Error {
	po := m.text(seg, 2, 1)
	if po == "" {
		return &Error{Segment: "BGM", Index: idx, Element: 2, Component: 1, Code: CodeMissing, Msg: "document number (purchase order number) is missing"}
	}
	m.o.PONumber = po
	m.o.Sources.SetField(fPoNumber, src(seg, idx, 2, 1))
	fn := seg.Value(3, 1)
	var f order.Function
	switch fn {
	case "9", "":
		f = order.FunctionOriginal
	case "1":
		f = order.FunctionCancellation
	case "4":
		f = order.FunctionChange
	case "5":
		f = order.FunctionReplace
	default:
		return &Error{Segment: "BGM", Index: idx, Element: 3, Code: CodeValueNotSupported,
			Msg: fmt.Sprintf("message function code %q is not supported; expected 9 (original), 1 (cancellation), 4 (change) or 5 (replace)", fn)}
	}
	if m.change && f == order.FunctionOriginal {
		f = order.FunctionChange // ORDCHG changes an existing order
	}
	m.o.Function = f
	if fn != "" {
		m.o.Sources.SetField(fFunction, src(seg, idx, 3, 0))
	}
	return nil
}

// deliveryRank orders the delivery date qualifiers (DTM 2005): 2 requested
// delivery date, 64 earliest, 63 latest.
func deliveryRank(q string) int {
	switch q {
	case "2":
		return 3
	case "64":
		return 2
	case "63":
		return 1
	}
	return 0
}

// dtm reads C507: 2005 qualifier, 2380 value, 2379 format (102 CCYYMMDD,
// 203 CCYYMMDDHHMM, 204 CCYYMMDDHHMMSS, 718 CCYYMMDD-CCYYMMDD, first day).
// See UN/EDIFACT D.96A ORDERS, segment DTM.
func (m *orderMapper) dtm(seg *Segment, idx int) *Error {
	q := seg.Value(1, 1)
	rank := deliveryRank(q)
	isRefDate := q == "171" && m.ref != nil && m.prev == "RFF"
	if q != "137" && rank == 0 && !isRefDate {
		return nil
	}
	d, err := parseDTM(seg.Value(1, 2), seg.Value(1, 3))
	if err != nil {
		return &Error{Segment: "DTM", Index: idx, Element: 1, Component: 2, Code: CodeInvalidValue, Msg: err.Error()}
	}
	s := src(seg, idx, 1, 2)
	if isRefDate {
		m.ref.Date = d
		return nil
	}
	if l := m.cur(); l != nil {
		if rank > m.lineQ {
			l.DeliveryDate, m.lineQ = d, rank
			l.Sources.SetField(fDeliveryDate, s)
		}
		return nil
	}
	switch {
	case q == "137":
		m.o.OrderDate = d
		m.o.Sources.SetField(fOrderDate, s)
	case rank > m.delivQ:
		m.o.DeliveryDate, m.delivQ = d, rank
		m.o.Sources.SetField(fDeliveryDate, s)
	}
	return nil
}

// parseDTM parses a date in one of the formats of code list 2379.
func parseDTM(v, format string) (order.Date, error) {
	want := 0
	switch format {
	case "102":
		want = 8
	case "203":
		want = 12
	case "204":
		want = 14
	case "718":
		want = 17
	case "":
		switch len(v) {
		case 8, 12, 14:
			want = len(v)
		}
	default:
		return order.Date{}, fmt.Errorf("date format %q is not supported; expected 102, 203, 204 or 718", format)
	}
	if want == 0 || len(v) != want || (want == 17 && v[8] != '-') {
		return order.Date{}, fmt.Errorf("date %q does not match format %s; expected %s", v, formatOr(format), dtmLayout(want))
	}
	d, err := order.ParseDate(v[0:4] + "-" + v[4:6] + "-" + v[6:8])
	if err != nil {
		return order.Date{}, fmt.Errorf("date %q is not a valid calendar date", v)
	}
	return d, nil
}

func formatOr(f string) string {
	if f == "" {
		return "(none given)"
	}
	return f
}

func dtmLayout(n int) string {
	switch n {
	case 12:
		return "CCYYMMDDHHMM"
	case 14:
		return "CCYYMMDDHHMMSS"
	case 17:
		return "CCYYMMDD-CCYYMMDD"
	}
	return "CCYYMMDD"
}

// rff reads C506: 1153 qualifier, 1154 reference. Header references go to
// the order (ON order number, CT contract, VN supplier's order number and
// any other), line references to the line. See D.96A ORDERS, segment RFF.
func (m *orderMapper) rff(seg *Segment, idx int) {
	q, v := seg.Value(1, 1), m.text(seg, 1, 2)
	if q == "" || v == "" {
		return
	}
	r := order.Reference{Qualifier: q, Value: v}
	if l := m.cur(); l != nil {
		l.Sources.SetField(fReferences.At(len(l.References)), src(seg, idx, 1, 2))
		l.References = append(l.References, r)
		m.ref = &l.References[len(l.References)-1]
		return
	}
	m.o.Sources.SetField(fReferences.At(len(m.o.References)), src(seg, idx, 1, 2))
	m.o.References = append(m.o.References, r)
	m.ref = &m.o.References[len(m.o.References)-1]
}

// nad reads a party: 3035 qualifier (BY buyer, SU supplier, DP/ST delivery
// party, IV invoicee), C082 identification (3039 id, 3055 agency: 9 means
// GS1, i.e. a GLN), C080 name, C059 street, 3164 city, 3251 postcode, 3207
// country. See UN/EDIFACT D.96A ORDERS, segment NAD.
func (m *orderMapper) nad(seg *Segment, idx int) {
	var pp **order.Party
	var key string
	switch seg.Value(1, 1) {
	case "BY":
		pp, key = &m.o.Buyer, "buyer"
	case "SU":
		pp, key = &m.o.Supplier, "supplier"
	case "DP", "ST":
		pp, key = &m.o.ShipTo, "ship_to"
	case "IV":
		pp, key = &m.o.Invoicee, "invoicee"
	default:
		return
	}
	if *pp != nil {
		return // the first NAD of a role wins
	}
	p := &order.Party{}
	set := func(field *string, name string, v string, e, c int) {
		if v != "" {
			*field = v
			m.o.Sources.Set(key+"."+name, src(seg, idx, e, c))
		}
	}
	id, agency := m.text(seg, 2, 1), seg.Value(2, 3)
	if agency == "9" && id != "" {
		set(&p.GLN, "gln", id, 2, 1)
	} else if id != "" {
		set(&p.ID, "id", id, 2, 1)
		p.CodeList = agency
		if agency == "" {
			p.CodeList = seg.Value(2, 2)
		}
	}
	name := m.texts(seg, 4, 1, 5)
	if name != "" {
		set(&p.Name, "name", name, 4, 1)
	} else {
		set(&p.Name, "name", m.texts(seg, 3, 1, 5), 3, 1)
	}
	set(&p.Address, "address", m.texts(seg, 5, 1, 4), 5, 1)
	set(&p.City, "city", m.text(seg, 6, 1), 6, 1)
	set(&p.Postcode, "postcode", m.text(seg, 8, 1), 8, 1)
	set(&p.Country, "country", m.text(seg, 9, 1), 9, 1)
	*pp = p
}

// finish checks the message as a whole: BGM present, CNT+2 equal to the
// number of lines, and the order's own rules (order.PurchaseOrder.Validate).
func (m *orderMapper) finish() (order.PurchaseOrder, *Error) {
	o := m.o
	if o.PONumber == "" {
		return o, &Error{Segment: "BGM", Code: CodeMissing, Msg: "the message has no BGM with a document number; expected BGM after UNH"}
	}
	if m.cntSet && m.cnt != len(o.Lines) {
		return o, &Error{Segment: "CNT", Index: m.cntSeg, Pos: m.cntPos, Element: 1, Component: 2, Code: CodeCountMismatch,
			Msg: fmt.Sprintf("number of line items is %d, expected %d (the LIN segments received)", m.cnt, len(o.Lines))}
	}
	if cap(o.Lines) > 2*len(o.Lines)+16 {
		o.Lines = append([]order.Line(nil), o.Lines...) // do not keep a large capacity hint alive
		if o.Lines == nil {
			o.Lines = []order.Line{}
		}
	}
	if probs := o.Validate(); len(probs) > 0 {
		return o, &Error{Code: CodeMissing, Msg: strings.Join(probs, "; ")}
	}
	return o, nil
}
