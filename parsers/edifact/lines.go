package edifact

import (
	"bytes"
	"fmt"
	"strconv"

	"github.com/ordergate/ordergate/order"
)

// The detail section of ORDERS and ORDCHG: segment group 25 (D.96A) and
// its nested groups, read into order.Line.

// lin starts a line: 1082 line number, 1229 action request (ORDCHG: 1 add,
// 2 delete, 3 change, 4 no action), C212 item number and type (EN/SRV GTIN,
// IN/BP buyer's number, SA supplier's number). See D.96A ORDERS, segment LIN.
func (m *orderMapper) lin(seg *Segment, idx int) *Error {
	if m.summary {
		return &Error{Segment: "LIN", Index: idx, Code: CodeNotSupported, Msg: "line item after the summary section (UNS); expected LIN before UNS"}
	}
	// The line is built in place: copying a finished order.Line into the
	// slice would cost a typed copy of a few hundred bytes per line.
	m.o.Lines = append(m.o.Lines, order.Line{})
	l := &m.o.Lines[len(m.o.Lines)-1]
	l.LineNo, l.Sources = len(m.o.Lines), m.lineSources()
	if v := seg.Bytes(1, 1); len(v) > 0 {
		n, err := strconv.Atoi(string(v))
		if err != nil || n <= 0 {
			return &Error{Segment: "LIN", Index: idx, Element: 1, Code: CodeInvalidValue, Msg: fmt.Sprintf("line item number %q is not a positive number; expected digits", v)}
		}
		l.LineNo = n
		l.Sources.SetField(fLineNo, src(seg, idx, 1, 0))
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
		l.Sources.SetField(fAction, src(seg, idx, 2, 0))
	} else if m.change {
		l.Action = order.LineChange
	}
	m.line, m.lineQ, m.lineQty, m.ref = len(m.o.Lines)-1, 0, 0, nil
	m.itemID(l, seg, idx, 3)
	return nil
}

// itemID reads a C212 (7140 item number, 7143 type) into the line, without
// overwriting a number already read.
func (m *orderMapper) itemID(l *order.Line, seg *Segment, idx, e int) {
	var field *string
	var f order.Field
	switch string(seg.Bytes(e, 2)) {
	case "EN", "SRV", "UP", "EU":
		field, f = &l.GTIN, fGtin
	case "IN", "BP":
		field, f = &l.BuyerItem, fBuyerItem
	case "SA", "MF":
		field, f = &l.SupplierItem, fSupplierItem
	case "":
		if raw := bytes.TrimSpace(seg.Bytes(e, 1)); e == 3 && len(raw) >= 8 && len(raw) <= 14 && isDigits(string(raw)) {
			field, f = &l.GTIN, fGtin // LIN without a type: a GTIN in practice
		}
	}
	if field == nil || *field != "" {
		return
	}
	v := m.text(seg, e, 1)
	if v == "" {
		return
	}
	*field = v
	l.Sources.SetField(f, src(seg, idx, e, 1))
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
// quantity when there is no 21), 6060 quantity, 6411
// unit (UN/ECE Rec 20). See UN/EDIFACT D.96A ORDERS, segment QTY.
func (m *orderMapper) qty(seg *Segment, idx int) *Error {
	l := m.cur()
	if l == nil {
		return nil
	}
	switch string(seg.Bytes(1, 1)) {
	case "21":
		m.lineQty = 2
	case "1": // discrete quantity, used where 21 is not
		if m.lineQty == 2 {
			return nil
		}
		m.lineQty = 1
	default:
		return nil
	}
	d, err := parseDecimal(seg.Bytes(1, 2))
	if err != nil {
		return &Error{Segment: "QTY", Index: idx, Element: 1, Component: 2, Code: CodeInvalidDecimal,
			Msg: fmt.Sprintf("ordered quantity %q is not a number; expected digits with one optional decimal mark", seg.Value(1, 2))}
	}
	l.Quantity = d
	l.Sources.SetField(fQuantity, src(seg, idx, 1, 2))
	if u := seg.Bytes(1, 3); len(u) > 0 {
		l.Unit = internUnit(u)
		l.Sources.SetField(fUnit, src(seg, idx, 1, 3))
	}
	return nil
}

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
		l.UnitPrice = m.decimal(d)
		l.Sources.SetField(fUnitPrice, src(seg, idx, 1, 2))
		if b := seg.Bytes(1, 5); len(b) > 0 {
			bd, err := parseDecimal(b)
			if err != nil || bd.Sign() <= 0 {
				return &Error{Segment: "PRI", Index: idx, Element: 1, Component: 5, Code: CodeInvalidDecimal, Msg: fmt.Sprintf("unit price basis %q is not a positive number; expected digits", b)}
			}
			if bd.Cmp(order.NewDecimal(1)) != 0 {
				l.PriceBasis = m.decimal(bd)
				l.Sources.SetField(fPriceBasis, src(seg, idx, 1, 5))
			}
		}
	} else {
		l.GrossPrice = m.decimal(d)
		l.Sources.SetField(fGrossPrice, src(seg, idx, 1, 2))
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
			l.Sources.SetField(fLineAmount, src(seg, idx, 1, 2))
		}
		return nil
	}
	m.o.Sources.SetField(fAmounts.At(len(m.o.Amounts)), src(seg, idx, 1, 2))
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
