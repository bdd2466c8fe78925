package parsers

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/ordergate/ordergate/order"
)

// Defaults of Limits: a billion of anything is no order line a person
// meant, and far enough from the range of order.Decimal that ordinary
// arithmetic on accepted values stays exact.
const (
	DefaultMaxQuantity  = 1_000_000_000
	DefaultMaxUnitPrice = 1_000_000_000
)

// Limits bound the values an order may carry, whatever its format. An
// order over a limit is refused as a message error that says which line
// and value, so that a typing error ("5000000000" pieces) never reaches
// matching, and the desk sees it; the raw document is kept for a replay
// once the limit (or the document) is fixed.
type Limits struct {
	// MaxQuantity bounds a line's quantity (either sign) and price basis
	// (EDIFACT PRI 5284). Zero means DefaultMaxQuantity.
	MaxQuantity order.Decimal
	// MaxUnitPrice bounds a line's net and gross unit price (either sign).
	// Zero means DefaultMaxUnitPrice.
	MaxUnitPrice order.Decimal
}

func (l Limits) quantity() order.Decimal {
	if l.MaxQuantity.Sign() > 0 {
		return l.MaxQuantity
	}
	return order.NewDecimal(DefaultMaxQuantity)
}

func (l Limits) unitPrice() order.Decimal {
	if l.MaxUnitPrice.Sign() > 0 {
		return l.MaxUnitPrice
	}
	return order.NewDecimal(DefaultMaxUnitPrice)
}

// Check returns what in po is over the limits, phrased for a sales clerk
// or partner ("order PO-1, line 3: quantity 5000000000 is more than the
// largest we accept, 1000000000 (limits.max_quantity); check the order
// with the customer"), or "" when nothing is.
func (l Limits) Check(po *order.PurchaseOrder) string {
	maxQty, maxPrice := l.quantity(), l.unitPrice()
	first, more := "", 0
	for i := range po.Lines {
		ln := &po.Lines[i]
		var p string
		switch {
		case over(ln.Quantity, maxQty):
			p = fmt.Sprintf("quantity %s is more than the largest we accept, %s (limits.max_quantity)", ln.Quantity, maxQty)
		case ln.PriceBasis != nil && over(*ln.PriceBasis, maxQty):
			p = fmt.Sprintf("price basis %s is more than the largest quantity we accept, %s (limits.max_quantity)", ln.PriceBasis, maxQty)
		case ln.UnitPrice != nil && over(*ln.UnitPrice, maxPrice):
			p = fmt.Sprintf("unit price %s is more than the largest we accept, %s (limits.max_unit_price)", ln.UnitPrice, maxPrice)
		case ln.GrossPrice != nil && over(*ln.GrossPrice, maxPrice):
			p = fmt.Sprintf("gross price %s is more than the largest we accept, %s (limits.max_unit_price)", ln.GrossPrice, maxPrice)
		default:
			continue
		}
		if first == "" {
			first = fmt.Sprintf("line %d: %s", ln.LineNo, p)
		} else {
			more++
		}
	}
	if first == "" {
		return ""
	}
	s := "order " + po.PONumber + ", " + first
	if po.PONumber == "" {
		s = first
	}
	switch more {
	case 0:
	case 1:
		s += " (and 1 more line)"
	default:
		s += fmt.Sprintf(" (and %d more lines)", more)
	}
	return s + "; check the order with the customer"
}

// over reports |d| > max.
func over(d, max order.Decimal) bool {
	a, ok := d.Abs()
	return !ok || a.Cmp(max) > 0
}

// apply moves the orders of res that are over the limits to res.Errors,
// each at its place in the document: the message number the parser gave
// it (order.Envelope.MessageIndex), else its place among the orders (as the
// pipeline numbers them; a format that yields several orders and message
// errors numbers its orders).
func (l Limits) apply(res *Result) {
	kept := res.Orders[:0]
	for i := range res.Orders {
		po := &res.Orders[i]
		msg := l.Check(po)
		if msg == "" {
			kept = append(kept, *po)
			continue
		}
		e := MessageError{Index: i + 1, Message: msg}
		if env := po.Envelope; env != nil {
			if env.MessageIndex > 0 {
				e.Index = env.MessageIndex
			}
			e.Ref, e.Type = env.MessageRef, env.MessageType
		}
		res.Errors = append(res.Errors, e)
	}
	if len(kept) == len(res.Orders) {
		return
	}
	clear(res.Orders[len(kept):])
	res.Orders = kept
	slices.SortStableFunc(res.Errors, func(a, b MessageError) int { return cmp.Compare(a.Index, b.Index) })
}
