package order

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// Source points a value back to where it came from so the review UI can show
// the original beside the parsed value: an EDIFACT segment and position, a
// spreadsheet cell, or a line of text.
//
// A Source is 12 bytes and holds no pointers, and neither does Sources: a
// parser records one per value it reads, and small pointer-free records cost
// the garbage collector nothing to scan and need no write barriers. The
// exported fields are the EDIFACT position; cells and text lines are made
// with CellSource and LineSource and read with Row, Column, Sheet and Line.
type Source struct {
	// Segment tag, 1-based segment index within the message (UNH = 1),
	// 1-based element and component positions.
	Segment   Tag
	kind      uint8 // sourceSegment, sourceCell or sourceLine
	Index     int32
	Element   int16
	Component int16
}

const (
	sourceSegment = iota
	sourceCell
	sourceLine
)

// LineSource points at line n (1-based) of a text, such as a mail body.
func LineSource(n int) Source { return Source{kind: sourceLine, Index: int32(n)} }

// CellSource points at a spreadsheet cell: 1-based row and column, and the
// 1-based index of its sheet in PurchaseOrder.SourceSheets (0 for CSV).
func CellSource(sheet, row, column int) Source {
	return Source{kind: sourceCell, Index: int32(row), Element: int16(column), Component: int16(sheet)}
}

// Line returns the text line of a LineSource, else 0.
func (s Source) Line() int {
	if s.kind != sourceLine {
		return 0
	}
	return int(s.Index)
}

// Row, Column and Sheet return the cell of a CellSource, else 0.
func (s Source) Row() int { return s.cell(int(s.Index)) }

// Column returns the 1-based column of a CellSource, else 0.
func (s Source) Column() int { return s.cell(int(s.Element)) }

// Sheet returns the 1-based sheet number of a CellSource, else 0.
func (s Source) Sheet() int { return s.cell(int(s.Component)) }

func (s Source) cell(v int) int {
	if s.kind != sourceCell {
		return 0
	}
	return v
}

// Tag is an EDIFACT segment tag such as "LIN".
type Tag [3]byte

// TagOf returns the tag of a (three-letter) segment name.
func TagOf(s string) Tag {
	var t Tag
	copy(t[:], s)
	return t
}

// String returns the tag, or "" for none.
func (t Tag) String() string {
	n := 3
	for n > 0 && t[n-1] == 0 {
		n--
	}
	return string(t[:n])
}

// IsZero reports whether no tag is set.
func (t Tag) IsZero() bool { return t == Tag{} }

// Cell returns the A1 reference of a spreadsheet source ("B4"), or "".
func (s Source) Cell() string {
	if s.Row() <= 0 || s.Column() <= 0 {
		return ""
	}
	var col []byte
	for c := s.Column(); c > 0; c = (c - 1) / 26 {
		col = append([]byte{byte('A' + (c-1)%26)}, col...)
	}
	return string(col) + strconv.Itoa(s.Row())
}

// String renders the pointer for people: "LIN #7 element 3.1", "B4",
// "sheet 2 B4", "line 12".
func (s Source) String() string {
	var b strings.Builder
	switch {
	case !s.Segment.IsZero():
		fmt.Fprintf(&b, "%s #%d", s.Segment, s.Index)
		if s.Element > 0 {
			fmt.Fprintf(&b, " element %d", s.Element)
			if s.Component > 0 {
				fmt.Fprintf(&b, ".%d", s.Component)
			}
		}
	case s.kind == sourceCell:
		if s.Sheet() > 0 {
			fmt.Fprintf(&b, "sheet %d ", s.Sheet())
		}
		b.WriteString(s.Cell())
	case s.kind == sourceLine:
		fmt.Fprintf(&b, "line %d", s.Line())
	}
	return b.String()
}

// sourceJSON is the JSON form of a Source (the public contract):
// {"segment":"QTY","index":12,"element":1,"component":2}, {"sheet":1,"cell":"B4"}
// or {"line":12}.
type sourceJSON struct {
	Segment   string `json:"segment,omitempty"`
	Index     int32  `json:"index,omitempty"`
	Element   int16  `json:"element,omitempty"`
	Component int16  `json:"component,omitempty"`
	Line      int32  `json:"line,omitempty"`
	Sheet     int16  `json:"sheet,omitempty"`
	Cell      string `json:"cell,omitempty"`
}

// MarshalJSON implements json.Marshaler.
func (s Source) MarshalJSON() ([]byte, error) {
	switch s.kind {
	case sourceCell:
		return json.Marshal(sourceJSON{Sheet: int16(s.Sheet()), Cell: s.Cell()})
	case sourceLine:
		return json.Marshal(sourceJSON{Line: int32(s.Line())})
	}
	return json.Marshal(sourceJSON{Segment: s.Segment.String(), Index: s.Index, Element: s.Element, Component: s.Component})
}

// UnmarshalJSON implements json.Unmarshaler.
func (s *Source) UnmarshalJSON(b []byte) error {
	var j sourceJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	src, err := j.source()
	if err != nil {
		return err
	}
	*s = src
	return nil
}

// source is the Source j describes.
func (j sourceJSON) source() (Source, error) {
	var s Source
	switch {
	case j.Cell != "":
		i := strings.IndexFunc(j.Cell, func(r rune) bool { return r >= '0' && r <= '9' })
		row, err := strconv.Atoi(j.Cell[max(i, 0):])
		if i <= 0 || err != nil {
			return s, fmt.Errorf("order: source cell %q is not an A1 reference", j.Cell)
		}
		col := 0
		for _, c := range strings.ToUpper(j.Cell[:i]) {
			col = col*26 + int(c-'A'+1)
		}
		s = CellSource(int(j.Sheet), row, col)
	case j.Line > 0:
		s = LineSource(int(j.Line))
	default:
		s = Source{Segment: TagOf(j.Segment), Index: j.Index, Element: j.Element, Component: j.Component}
	}
	return s, nil
}

// FieldSource is the source of one field.
type FieldSource struct {
	field uint32 // fieldID: name id in the low 16 bits, index+1 of "name[index]" above
	Source
}

// Field returns the field's name, e.g. "quantity" or "references[2]".
func (f FieldSource) Field() string { return fieldName(f.field) }

// Sources maps field names ("po_number", "buyer.gln", "quantity",
// "references[2]") to where their values came from. It is a small slice
// rather than a map: an order line has a handful of fields, a linear scan is
// as fast as hashing, and it costs one pointer-free allocation per line
// instead of a map's. In JSON it is an object keyed by field name.
type Sources []FieldSource

// Field is an interned field name, for parsers that record many sources:
// FieldOf once, then SetField, costs no lookup per value.
type Field uint32

// FieldOf returns the handle of a field name such as "quantity".
func FieldOf(name string) Field { return Field(fieldID(name)) }

// At returns the handle of element i of a list field: At on "references"
// gives "references[i]".
func (f Field) At(i int) Field { return Field(uint32(f)&0xffff | uint32(i+1)<<16) }

// String returns the field's name.
func (f Field) String() string { return fieldName(uint32(f)) }

// Set records the source of field, replacing an earlier one.
func (s *Sources) Set(field string, src Source) { s.SetField(FieldOf(field), src) }

// SetField records the source of a field, replacing an earlier one.
func (s *Sources) SetField(f Field, src Source) {
	id := uint32(f)
	for i := range *s {
		if (*s)[i].field == id {
			(*s)[i].Source = src
			return
		}
	}
	if *s == nil {
		*s = make(Sources, 0, 8)
	}
	*s = append(*s, FieldSource{field: id, Source: src})
}

// Add records the source of a field that has none yet, without looking
// for an earlier one: for parsers that know the field is new (the next
// element of a list).
func (s *Sources) Add(f Field, src Source) {
	if *s == nil {
		*s = make(Sources, 0, 8)
	}
	*s = append(*s, FieldSource{field: uint32(f), Source: src})
}

// GetField returns the source of a field by its handle, or the zero Source.
func (s Sources) GetField(f Field) Source {
	for i := range s {
		if s[i].field == uint32(f) {
			return s[i].Source
		}
	}
	return Source{}
}

// Get returns the source of field, or the zero Source.
func (s Sources) Get(field string) Source {
	id := fieldID(field)
	for i := range s {
		if s[i].field == id {
			return s[i].Source
		}
	}
	return Source{}
}

// MarshalJSON writes the sources as one object keyed by field name, in the
// order they were recorded.
func (s Sources) MarshalJSON() ([]byte, error) {
	b := []byte{'{'}
	for i, fs := range s {
		if i > 0 {
			b = append(b, ',')
		}
		k, _ := json.Marshal(fs.Field())
		v, err := fs.Source.MarshalJSON()
		if err != nil {
			return nil, err
		}
		b = append(append(append(b, k...), ':'), v...)
	}
	return append(b, '}'), nil
}

// UnmarshalJSON reads the object form, keeping the fields' order.
func (s *Sources) UnmarshalJSON(b []byte) error {
	if fast, ok := scanSources(b, (*s)[:0]); ok {
		*s = fast
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	t, err := dec.Token()
	if err != nil {
		return err
	}
	if t == nil {
		return nil
	}
	if t != json.Delim('{') {
		return fmt.Errorf("order: sources must be a JSON object")
	}
	*s = (*s)[:0]
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		var src Source
		if err := dec.Decode(&src); err != nil {
			return err
		}
		s.Set(t.(string), src)
	}
	_, err = dec.Token()
	return err
}

// Field names are interned: the names the parsers use are known here, any
// other name is added on first use. An id packs the name's number (low 16
// bits) with index+1 of a "name[index]" path (high bits). The table is
// copied on write, so a lookup is one atomic load and one map read.
type fieldTable struct {
	ids   map[string]uint32
	names []string
}

var (
	fieldsMu sync.Mutex
	fields   atomic.Pointer[fieldTable]
)

func init() {
	fields.Store(&fieldTable{ids: map[string]uint32{}, names: []string{""}})
	for _, n := range []string{
		"po_number", "function", "order_date", "delivery_date", "currency", "customer_number", "line_count",
		"references", "notes", "amounts",
		"line_no", "action", "buyer_item", "supplier_item", "gtin", "description", "quantity", "unit",
		"unit_price", "price_basis", "gross_price", "line_amount", "location",
	} {
		internName(n)
	}
	for _, p := range []string{"buyer", "ship_to", "invoicee", "supplier"} {
		for _, f := range []string{"gln", "id", "code_list", "name", "address", "city", "postcode", "country"} {
			internName(p + "." + f)
		}
	}
}

func internName(n string) uint32 {
	fieldsMu.Lock()
	defer fieldsMu.Unlock()
	old := fields.Load()
	if id, ok := old.ids[n]; ok {
		return id
	}
	t := &fieldTable{ids: make(map[string]uint32, len(old.ids)+1), names: append(old.names[:len(old.names):len(old.names)], n)}
	for k, v := range old.ids {
		t.ids[k] = v
	}
	id := uint32(len(old.names))
	t.ids[n] = id
	fields.Store(t)
	return id
}

func fieldID(field string) uint32 {
	name, idx := field, uint32(0)
	if n := len(field); n > 3 && field[n-1] == ']' {
		if i := strings.LastIndexByte(field, '['); i > 0 {
			if v, err := strconv.ParseUint(field[i+1:n-1], 10, 15); err == nil {
				name, idx = field[:i], uint32(v)+1
			}
		}
	}
	id, ok := fields.Load().ids[name]
	if !ok {
		id = internName(name)
	}
	return id | idx<<16
}

func fieldName(id uint32) string {
	n := fields.Load().names[id&0xffff]
	if idx := id >> 16; idx > 0 {
		return n + "[" + strconv.Itoa(int(idx-1)) + "]"
	}
	return n
}
