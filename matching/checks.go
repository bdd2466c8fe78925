package matching

import (
	"fmt"
	"strings"

	"github.com/ordergate/ordergate/catalog"
	"github.com/ordergate/ordergate/order"
)

// checkDocument checks what the parser should have guaranteed (PO number,
// function, lines, positive quantities, declared line count), the currency
// and the order's delivery date.
func (m *run) checkDocument() {
	po := m.po
	if strings.TrimSpace(po.PONumber) == "" {
		m.add(newException(ParseError, 0, "", "The order has no purchase order number.", "", nil))
	}
	if !po.Function.Valid() {
		m.add(newException(ParseError, 0, "", fmt.Sprintf("The document function %q is unknown (expected original, change, cancellation or replace).", po.Function), "", nil))
	}
	if len(po.Lines) == 0 && po.Function != order.FunctionCancellation {
		m.add(newException(ParseError, 0, "", "The order has no lines.", "", nil))
	}
	if po.LineCount > 0 && po.LineCount != len(po.Lines) {
		m.add(newException(ParseError, 0, "", fmt.Sprintf("The sender declared %d lines but %d were read.", po.LineCount, len(po.Lines)), "", nil))
	}
	for i := range po.Lines {
		l := &po.Lines[i]
		if l.Action == order.LineDelete || l.Deleted() || po.Function == order.FunctionCancellation {
			continue
		}
		if q, _ := l.Asked(); q.Sign() < 0 || (q.IsZero() && po.Function != order.FunctionChange) {
			m.add(newException(ParseError, l.LineNo, "", fmt.Sprintf("Line %d: quantity %s is not a positive number.", l.LineNo, q), "", nil))
		}
		if !l.DeliveryDate.IsZero() {
			m.checkDate(l.LineNo, l.DeliveryDate)
		}
		m.checkDeliveries(l)
	}
	m.checkWarnings()
	if !po.DeliveryDate.IsZero() && po.Function != order.FunctionCancellation {
		m.checkDate(0, po.DeliveryDate)
	}

	m.res.Currency = m.snap.Currency()
	if m.res.Customer >= 0 {
		m.res.Currency = m.snap.CustomerCurrency(m.res.Customer)
	}
	if cur := strings.ToUpper(strings.TrimSpace(po.Currency)); cur != "" {
		if m.res.Customer >= 0 && cur != m.res.Currency {
			m.add(newException(CurrencyMismatch, 0, "", cur, "customer "+m.res.CustomerNumber+" is invoiced in "+m.res.Currency, nil))
			m.currencyReported = true
		}
		m.res.Currency = cur
	}
}

// checkDate flags a delivery date in the past or too far ahead.
func (m *run) checkDate(lineNo int, d order.Date) {
	k := dateKey(d)
	switch {
	case k < m.today:
		m.add(newException(DeliveryDate, lineNo, "", d.String(), "in the past (today is "+m.opts.Today.String()+")", nil))
	case k > m.latest:
		m.add(newException(DeliveryDate, lineNo, "", d.String(), fmt.Sprintf("more than %d days ahead", m.opts.MaxLeadDays), nil))
	}
}

// checkItem checks that the item may be sold to the customer: status and
// assortment.
func (m *run) checkItem(l *order.Line, lr *LineResult) {
	switch m.snap.ItemStatus(lr.Item) {
	case catalog.ItemBlocked:
		m.add(newException(ItemBlocked, l.LineNo, lr.SKU, "", "", m.replacement(lr.Item)))
	case catalog.ItemDiscontinued:
		m.add(newException(ItemDiscontinued, l.LineNo, lr.SKU, "", "", m.replacement(lr.Item)))
	}
	if m.res.Customer >= 0 && !m.snap.MayBuy(m.res.Customer, lr.Item) {
		m.add(newException(NotInAssortment, l.LineNo, lr.SKU, "", "", nil))
	}
}

func (m *run) replacement(id catalog.ItemID) []Suggestion {
	it := m.snap.Item(id)
	if it.Replacement == "" {
		return nil
	}
	id, ok := m.snap.ItemBySKU(it.Replacement)
	if !ok {
		return nil
	}
	r := m.snap.Item(id)
	return []Suggestion{{SKU: r.SKU, Description: r.Description, Reason: "replacement"}}
}

// discrete reports whether a unit counts whole things (pieces, packs, an
// item's own sales units) rather than measuring mass, volume or length.
func discrete(unit string) bool {
	switch catalog.UnitDimension(unit) {
	case catalog.DimCount, catalog.DimPack, catalog.DimUnknown:
		return true
	}
	return false
}

// checkQuantity checks whole packs, the order multiple and the minimum
// order quantity.
func (m *run) checkQuantity(l *order.Line, lr *LineResult) {
	minQty, multiple := m.snap.OrderRules(lr.Item)
	base := m.snap.BaseUnit(lr.Item)
	switch {
	case discrete(lr.Unit) && !lr.Quantity.IsInteger():
		m.add(newException(PackSize, l.LineNo, lr.SKU, qtyText(lr, base), "whole "+lr.Unit, nil))
	case discrete(base) && !lr.BaseQuantity.IsInteger():
		m.add(newException(PackSize, l.LineNo, lr.SKU, qtyText(lr, base), "whole "+base, nil))
	case multiple.Sign() > 0 && lr.BaseQuantity.Units()%multiple.Units() != 0:
		m.add(newException(PackSize, l.LineNo, lr.SKU, qtyText(lr, base), "multiples of "+multiple.String()+" "+base, nil))
	}
	if lr.BaseQuantity.Cmp(minQty) < 0 {
		m.add(newException(MinQuantity, l.LineNo, lr.SKU, qtyText(lr, base), minQty.String()+" "+base, nil))
	}
}

// qtyText renders "2 CT (24 PCE)", or "24 PCE" in the base unit.
func qtyText(lr *LineResult, base string) string {
	s := lr.Quantity.String() + " " + lr.Unit
	if lr.Unit == base {
		return s
	}
	return s + " (" + lr.BaseQuantity.String() + " " + base + ")"
}

// demand adds up the quantity ordered per item across the order's lines,
// so two lines of one item are checked against stock together.
type demand struct {
	small []itemQty
	big   map[catalog.ItemID]order.Decimal
}

type itemQty struct {
	item catalog.ItemID
	qty  order.Decimal
}

// smallOrder is the line count up to which a linear scan beats a map.
const smallOrder = 32

func (d *demand) init(lines int) {
	if lines > smallOrder {
		d.big = make(map[catalog.ItemID]order.Decimal, lines)
	} else {
		d.small = make([]itemQty, 0, lines)
	}
}

// add records q more of id and returns the total ordered so far, and
// false when that total is out of range.
func (d *demand) add(id catalog.ItemID, q order.Decimal) (order.Decimal, bool) {
	if d.big != nil {
		t, ok := d.big[id].Add(q)
		d.big[id] = t
		return t, ok
	}
	for i := range d.small {
		if d.small[i].item == id {
			t, ok := d.small[i].qty.Add(q)
			d.small[i].qty = t
			return t, ok
		}
	}
	d.small = append(d.small, itemQty{id, q})
	return q, true
}

// checkStock checks the quantity ordered so far of the item against stock
// in the chosen warehouse, or the sum of all.
func (m *run) checkStock(l *order.Line, lr *LineResult) {
	if m.opts.IgnoreStock {
		return
	}
	total, ok := m.demand.add(lr.Item, lr.BaseQuantity)
	if !ok {
		m.lineOutOfRange(l, lr, "the quantity of "+lr.SKU+" ordered on this and earlier lines")
		return
	}
	var avail order.Decimal
	where := ""
	if m.opts.Warehouse != "" {
		avail, _ = m.snap.StockIn(lr.Item, m.opts.Warehouse)
		where = " in warehouse " + m.opts.Warehouse
	} else {
		avail = m.snap.StockTotal(lr.Item)
	}
	var reserved order.Decimal
	if h := m.history(); h != nil {
		reserved = h.Reserved[lr.SKU]
		if avail, ok = avail.Sub(reserved); !ok {
			m.add(newException(ValueOutOfRange, l.LineNo, lr.SKU, fmt.Sprintf("Line %d: the stock of %s left by the orders on their way to the ERP", l.LineNo, lr.SKU), checkStockData, nil))
			return
		}
	}
	if total.Cmp(avail) > 0 {
		base := m.snap.BaseUnit(lr.Item)
		expected := avail.String() + " " + base + where
		if reserved.Sign() > 0 {
			expected += " (" + reserved.String() + " " + base + " more are held by orders on their way to the ERP)"
		}
		m.add(newException(InsufficientStock, l.LineNo, lr.SKU, total.String()+" "+base, expected, nil))
	}
}

// checkOrder runs the order-level checks once the lines are matched:
// duplicates and changes against prior orders, then credit.
func (m *run) checkOrder() {
	if m.res.Customer < 0 {
		return
	}
	m.checkPrior()
	m.checkCredit()
}

// priorOrders returns the customer's earlier orders with the PO number (or,
// for changes, the order number referenced by RFF+ON), without this order.
func (m *run) priorOrders() []catalog.PriorOrder {
	if h := m.history(); h != nil {
		return h.Prior
	}
	po := m.po
	var out []catalog.PriorOrder
	for _, number := range []string{po.PONumber, po.Reference("ON")} {
		if strings.TrimSpace(number) == "" {
			continue
		}
		for _, p := range m.snap.PriorOrders(m.res.Customer, number) {
			if m.opts.OrderID != "" && p.OrderID == m.opts.OrderID {
				continue
			}
			out = append(out, p)
		}
		if len(out) > 0 {
			break
		}
	}
	return out
}

// checkPrior: an original order whose PO number was already received as an
// original or replacement (and not rejected) is a DUPLICATE_ORDER. A
// change, replacement or cancellation needs the original
// (ORIGINAL_NOT_FOUND), and one that already reached the ERP, or is on its
// way there, can only be applied there by hand (ALREADY_DELIVERED).
func (m *run) checkPrior() {
	po := m.po
	prior := m.priorOrders()
	switch po.Function {
	case order.FunctionOriginal:
		for _, p := range prior {
			// A change or cancellation is not an order of its own: an
			// original arriving after one (that found no original) is not
			// a second copy. A copy that arrived after this one is the
			// duplicate, not this one.
			if p.State == "rejected" || p.Later || p.Function == order.FunctionChange || p.Function == order.FunctionCancellation {
				continue
			}
			m.add(newException(DuplicateOrder, 0, "", po.PONumber, priorText(p), nil))
			return
		}
	case order.FunctionChange, order.FunctionReplace, order.FunctionCancellation:
		live := prior[:0:0]
		for _, p := range prior {
			if p.State != "rejected" {
				live = append(live, p)
			}
		}
		if len(live) == 0 {
			m.add(newException(OriginalNotFound, 0, "", po.PONumber, string(po.Function), nil))
			return
		}
		for _, p := range live {
			if p.DeliveredToERP {
				m.add(newException(AlreadyDelivered, 0, "", po.PONumber, priorText(p), nil))
				return
			}
		}
	}
}

// history returns the live history when it belongs to the identified customer.
func (m *run) history() *History {
	if h := m.opts.History; h != nil && m.cust != nil && h.Customer == m.cust.Number {
		return h
	}
	return nil
}

func priorText(p catalog.PriorOrder) string {
	s := "order " + p.OrderID
	if !p.Received.IsZero() {
		s += " received " + order.DateOf(p.Received).String()
	}
	if p.State != "" {
		s += ", " + p.State
	}
	return s
}

// checkCredit: open balance + open orders + this order must stay within
// the credit limit. When this order (or, for a change, its original) is
// already among the open orders, it is not counted twice. Cancellations
// lower exposure and are not checked.
func (m *run) checkCredit() {
	c := m.cust
	if c.CreditLimit == nil || m.po.Function == order.FunctionCancellation {
		return
	}
	if m.res.TotalOutOfRange {
		return // VALUE_OUT_OF_RANGE says the order value is unknown
	}
	exposure := newSum(c.OpenBalance)
	exposure.add(m.snap.OpenOrdersValue(m.res.Customer))
	exposure.add(m.res.Total)
	if h := m.history(); h != nil {
		exposure.add(h.PendingValue)
	}
	if m.opts.OrderID != "" {
		if o, ok := m.snap.OpenOrder(m.opts.OrderID); ok && o.Customer == c.Number {
			exposure.sub(o.Value)
		}
	}
	if m.po.Function != order.FunctionOriginal {
		for _, p := range m.priorOrders() {
			if o, ok := m.snap.OpenOrder(p.OrderID); ok && o.Customer == c.Number {
				exposure.sub(o.Value)
				break
			}
		}
	}
	if !exposure.ok {
		m.add(newException(ValueOutOfRange, 0, "", "The customer's credit exposure (open balance, open orders and this order)", checkOpenItems, nil))
		return
	}
	if exposure := exposure.v; exposure.Cmp(*c.CreditLimit) > 0 {
		m.add(newException(CreditLimit, 0, "", exposure.String()+" "+m.res.Currency, c.CreditLimit.String()+" "+m.res.Currency, nil))
	}
}
