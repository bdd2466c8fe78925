package edifact

import (
	"bytes"
	"encoding/binary"
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
	change  bool             // ORDCHG
	line    int              // index of the current line in o.Lines, -1 in the header
	summary bool             // after UNS
	prev    uint8            // id of the previous segment's tag (an id, not the string: no pointer write per segment)
	ref     *order.Reference // last RFF, for a following DTM (SG1 / SG29)
	orderQ  int              // 2 when the order date is from DTM 137, 1 from DTM 4
	delivQ  int              // priority of the header delivery date qualifier taken
	lineQ   int              // same for the current line
	lineQty int              // 2 when QTY+21 was read for the line, 1 for QTY+1
	deliv   int              // index of the line's delivery being read (after LOC), -1 outside
	cnt     int
	cntSeg  int
	cntPos  int
	cntSet  bool
	*slabs      // the document's, which the lines and their values are carved from
	idRoom  int // identifiers the next line gets from the slab
	srcRoom int // sources the first line gets from the slab
	hint    int // lines of the previous order
	// linesMoved: the lines outgrew their room in the slab of lines
	// (slabs.linesFor) and were moved to an array of their own.
	linesMoved bool
	locs       []locRef         // the LOC segments of the current line
	dels       []order.Delivery // and its deliveries (segment group 33), until endLine

	sh       shapes // element shapes of the message's directory
	walk     walker // position in the message's segment table
	walking  bool   // the message type has a segment table
	lineNos  lineSet
	warnings []warning
	nstruct  int // structure warnings so far (only the first few are kept)
}

// warning is a problem the mapper read around. Those about the order's
// values go on the order too (order.PurchaseOrder.Warnings), which sends it
// to review; the others (a GTIN with a wrong check digit, which matching
// reports itself) only on the document.
type warning struct {
	text  string
	order bool
}

// maxStructureWarnings bounds the structure warnings of one message: a
// message with a thousand misplaced segments says so once, not a thousand
// times.
const maxStructureWarnings = 5

// lineSet records the line numbers of a message, to report repeated ones:
// a bitmap for the usual 1..n, a map beyond.
type lineSet struct {
	small []uint64
	large map[int]bool
}

// add records n and reports whether it was new.
func (s *lineSet) add(n int) bool {
	if n < 1<<16 {
		w := n >> 6
		for len(s.small) <= w {
			s.small = append(s.small, 0)
		}
		if s.small[w]&(1<<(n&63)) != 0 {
			return false
		}
		s.small[w] |= 1 << (n & 63)
		return true
	}
	if s.large == nil {
		s.large = map[int]bool{}
	}
	if s.large[n] {
		return false
	}
	s.large[n] = true
	return true
}

// warn records a warning on a segment of the message.
func (m *orderMapper) warn(seg *Segment, idx, e, c int, onOrder bool, format string, a ...any) {
	err := Error{Segment: seg.Tag(), Index: idx, Pos: seg.Pos, Element: e, Component: c, Msg: fmt.Sprintf(format, a...)}
	m.warnings = append(m.warnings, warning{text: trimPrefix(&err), order: onOrder})
}

// lineSourceRoom is how many field sources the first line of a message gets
// from the slab (a LIN/PIA/IMD/QTY/PRI line with a GTIN and the buyer's
// number has 9); later lines get as many as the line before them used,
// since the lines of one message are alike. A line that needs more grows
// its Sources on its own.
const lineSourceRoom = 12

// lineSources returns an empty Sources with room for one line's fields,
// carved from the slab.
func (m *orderMapper) lineSources(room int) order.Sources {
	if cap(m.srcs)-len(m.srcs) < room {
		lines := m.linesLeft()
		m.srcs = make([]order.FieldSource, 0, min(lines, 256)*room)
	}
	n := len(m.srcs)
	m.srcs = m.srcs[:n+room]
	return order.Sources(m.srcs[n : n : n+room])
}

// linesLeft guesses how many more lines the message has, for the size of a
// new slab of sources or identifiers: the previous message's size is the
// best guess; past it, as many again as it has so far.
func (m *orderMapper) linesLeft() int {
	return max(m.hint-len(m.o.Lines), len(m.o.Lines), 4)
}

// decimal returns a pointer to d, allocated from the slab rather than one
// small object per price.
func (m *orderMapper) decimal(d order.Decimal) *order.Decimal {
	if len(m.decs) == cap(m.decs) {
		m.decs = make([]order.Decimal, 0, min(max(2*cap(m.decs), 8), 256))
	}
	m.decs = append(m.decs, d)
	return &m.decs[len(m.decs)-1]
}

// slabs are the arrays the orders of one document take their lines and
// their lines' values from: one allocation for many values instead of one
// each, and what one order leaves of a slab the next one uses, where a
// slab per order would leave its rest unused and round its size up to an
// allocation size class (past 32 KB, to whole pages). Values are carved
// with full slice expressions, so that an append to one never writes into
// its neighbour. A slab lives as long as any order cut from it.
type slabs struct {
	lines   []order.Line        // the orders' lines (see linesFor)
	linesOf *orderMapper        // the order whose lines the rest of lines holds
	decs    []order.Decimal     // the *Decimal fields of lines
	srcs    []order.FieldSource // the lines' Sources
	ids     []order.ItemID      // the lines' Identifiers
	arena   []byte              // string arena of the values (see keep)
}

// maxLineSlab is the most lines a slab of lines is made for (about 170 KB),
// unless one order had more.
const maxLineSlab = 512

// linesFor returns the empty lines of m's order, with room for hint lines
// (as many as the last order had) in the rest of the slab. The order
// before m keeps the part it filled; lines that outgrew their room moved to
// an array of their own, and the rest of the slab, written to, is not used
// again.
func (s *slabs) linesFor(m *orderMapper, hint int) []order.Line {
	if p := s.linesOf; p != nil {
		if p.linesMoved {
			s.lines = s.lines[:cap(s.lines)]
		} else {
			s.lines = s.lines[:len(s.lines)+len(p.o.Lines)]
		}
	}
	if want := max(hint, 1); cap(s.lines)-len(s.lines) < want {
		s.lines = make([]order.Line, 0, max(min(max(2*cap(s.lines), 2*want, 16), maxLineSlab), want))
	}
	s.linesOf = m
	return s.lines[len(s.lines):len(s.lines)]
}

func newOrderMapper(rd *reader, unh *Segment) *orderMapper {
	typ, ver, rel := unh.Value(2, 1), unh.Value(2, 2), unh.Value(2, 3)
	m := &orderMapper{dec: rd.dec, line: -1, deliv: -1, change: typ == "ORDCHG", sh: shapesFor(ver, rel),
		slabs: &rd.slabs, srcRoom: rd.srcHint, idRoom: rd.idHint, hint: rd.lineHint}
	if d, _ := directoryFor(ver, rel); d != nil {
		if t := d.table(typ); t != nil {
			m.walk, m.walking = newWalker(t, d.name, typ), true
		}
	}
	env, snd := rd.envelope(rd.msg.status, unh.Value(2, 5))
	m.o = order.PurchaseOrder{Format: "edifact", Envelope: env, Sender: snd, Lines: m.linesFor(m, rd.lineHint)}
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
	return order.Source{Segment: order.TagOf(seg.Tag()), Index: int32(idx), Element: int16(e), Component: int16(c)}
}

// text returns the trimmed, decoded value of a component.
func (m *orderMapper) text(seg *Segment, e, c int) string {
	return m.str(bytes.TrimSpace(seg.Bytes(e, c)))
}

// str decodes a trimmed value. ASCII and UTF-8 text, nearly every value, is
// copied into the document's string arena.
func (m *orderMapper) str(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if !isASCII(b) && !utf8.Valid(b) {
		return strings.TrimSpace(m.dec.String(b)) // an 8-bit charset: decode
	}
	return m.keep(b)
}

// isASCII reports whether b is 7-bit, eight bytes at a time.
func isASCII(b []byte) bool {
	for len(b) >= 8 {
		if binary.LittleEndian.Uint64(b)&0x8080808080808080 != 0 {
			return false
		}
		b = b[8:]
	}
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// keep copies b into the document's string arena and returns it as a string:
// one allocation for many values instead of one each. The arena's bytes are
// never written again once handed out, which is what makes the
// unsafe.String view sound; a chunk lives as long as any string in it.
func (m *orderMapper) keep(b []byte) string {
	if cap(m.arena)-len(m.arena) < len(b) {
		m.arena = make([]byte, 0, max(4096, len(b)))
	}
	n := len(m.arena)
	m.arena = m.arena[:n+len(b)] // only the length changes: no write barrier
	copy(m.arena[n:], b)
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
	if e := checkShape(seg, idx, m.sh); e != nil {
		return e
	}
	if m.walking {
		if w := m.walk.step(seg); w != "" {
			m.nstruct++
			if m.nstruct <= maxStructureWarnings {
				m.warn(seg, idx, 0, 0, true, "%s", w)
			}
		}
	}
	if m.deliv >= 0 && seg.Tag() != "QTY" && seg.Tag() != "DTM" {
		m.deliv = -1 // the end of segment group 33 (LOC, QTY, DTM)
	}
	e := m.dispatch(seg, idx)
	m.prev = seg.id
	return e
}

func (m *orderMapper) dispatch(seg *Segment, idx int) *Error {
	switch seg.Tag() {
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
				m.o.Sources.Add(fCurrency, src(seg, idx, 1, 2))
			}
		}
	case "FTX":
		if t := m.texts(seg, 4, 1, 5); t != "" {
			if l := m.cur(); l != nil {
				l.Sources.Add(fNotes.At(len(l.Notes)), src(seg, idx, 4, 1))
				l.Notes = append(l.Notes, t)
			} else {
				m.o.Sources.Add(fNotes.At(len(m.o.Notes)), src(seg, idx, 4, 1))
				m.o.Notes = append(m.o.Notes, t)
			}
		}
	case "LIN":
		return m.lin(seg, idx)
	case "PIA":
		m.pia(seg, idx)
	case "IMD":
		if l := m.cur(); l != nil {
			if t := m.texts(seg, 3, 4, 5); t != "" {
				if l.Description == "" {
					l.Description = t
					l.Sources.Add(fDescription, src(seg, idx, 3, 4))
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
		m.loc(seg, idx)
	case "UNS":
		m.endLine()
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
	if m.o.PONumber != "" {
		return &Error{Segment: "BGM", Index: idx, Code: CodeTooMany,
			Msg: fmt.Sprintf("a second BGM (document %q) in message of order %q: one message holds one order; expected UNT, then UNH before the next order", m.text(seg, 2, 1), m.o.PONumber)}
	}
	po := m.text(seg, 2, 1)
	if po == "" {
		return &Error{Segment: "BGM", Index: idx, Element: 2, Component: 1, Code: CodeMissing, Msg: "document number (purchase order number) is missing"}
	}
	m.o.PONumber = po
	m.o.Sources.Add(fPoNumber, src(seg, idx, 2, 1))
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
		m.o.Sources.Add(fFunction, src(seg, idx, 3, 0))
	}
	return nil
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
		l.Sources.Add(fReferences.At(len(l.References)), src(seg, idx, 1, 2))
		l.References = append(l.References, r)
		m.ref = &l.References[len(l.References)-1]
		return
	}
	m.o.Sources.Add(fReferences.At(len(m.o.References)), src(seg, idx, 1, 2))
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
	role := seg.Value(1, 1)
	switch role {
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
		m.warn(seg, idx, 1, 0, true, "a second NAD+%s party (%s); the first one is used", role, m.describeNAD(seg))
		return
	}
	p := &order.Party{}
	set := func(field *string, name string, v string, e, c int) {
		if v != "" {
			*field = v
			m.o.Sources.Set(key+"."+name, src(seg, idx, e, c))
		}
	}
	id, agency := m.text(seg, 2, 1), seg.Value(2, 3)
	switch {
	case agency == "9" && len(id) == 13 && isDigits(id):
		set(&p.GLN, "gln", id, 2, 1)
		if !order.ValidCheckDigit(id) {
			m.warn(seg, idx, 2, 1, true, "NAD+%s GLN %s has a wrong check digit (GS1 modulo 10): a typing error?", role, id)
		}
	case agency == "9" && id != "":
		// Code list agency 9 is GS1, but this is no GLN: kept as the id it is.
		set(&p.ID, "id", id, 2, 1)
		p.CodeList = agency
		m.warn(seg, idx, 2, 1, true, "NAD+%s party id %q is marked as a GS1 GLN (code list agency 9) but is not 13 digits; kept as a party id", role, id)
	case id != "":
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

// describeNAD names a party for a message: its id, else its name.
func (m *orderMapper) describeNAD(seg *Segment) string {
	if id := m.text(seg, 2, 1); id != "" {
		return "id " + id
	}
	if n := m.texts(seg, 4, 1, 5); n != "" {
		return strconv.Quote(n)
	}
	return "no id or name"
}

// finish checks the message as a whole: BGM present, CNT+2 equal to the
// number of lines, and the order's own rules (order.PurchaseOrder.Validate).
func (m *orderMapper) finish() (order.PurchaseOrder, *Error) {
	m.endLine()
	o := m.o
	if o.PONumber == "" {
		return o, &Error{Segment: "BGM", Code: CodeMissing, Msg: "the message has no BGM with a document number; expected BGM after UNH"}
	}
	if m.cntSet && m.cnt != len(o.Lines) {
		return o, &Error{Segment: "CNT", Index: m.cntSeg, Pos: m.cntPos, Element: 1, Component: 2, Code: CodeCountMismatch,
			Msg: fmt.Sprintf("number of line items is %d, expected %d (the LIN segments received)", m.cnt, len(o.Lines))}
	}
	switch {
	case !m.linesMoved:
		o.Lines = o.Lines[:len(o.Lines):len(o.Lines)] // the slab's rest is the next order's
	case cap(o.Lines) > 2*len(o.Lines)+16:
		o.Lines = append([]order.Line(nil), o.Lines...) // do not keep a large capacity alive
	}
	if probs := o.Validate(); len(probs) > 0 {
		return o, &Error{Code: CodeMissing, Msg: strings.Join(probs, "; ")}
	}
	return o, nil
}
