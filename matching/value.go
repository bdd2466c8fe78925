package matching

import (
	"fmt"

	"github.com/ordergate/ordergate/order"
)

// What the desk is told to do about a value out of range.
const (
	checkWithCustomer = "check the quantity and price with the customer"
	checkOpenItems    = "check the customer's open balance and open orders in the master data"
	checkStockData    = "check the item's stock in the master data"
)

// lineOutOfRange records that a value of the line cannot be computed
// (VALUE_OUT_OF_RANGE): what names it, e.g. "the amount of 5000000000 PCE
// at 2000 EUR per PCE".
func (m *run) lineOutOfRange(l *order.Line, lr *LineResult, what string) {
	m.add(newException(ValueOutOfRange, l.LineNo, lr.SKU, fmt.Sprintf("Line %d: %s", l.LineNo, what), checkWithCustomer, nil))
}

// amountUnknown records that a line's amount, and so the order value,
// cannot be computed.
func (m *run) amountUnknown(l *order.Line, lr *LineResult, price order.Decimal) {
	m.lineOutOfRange(l, lr, fmt.Sprintf("the amount of %s %s at %s %s per %s", lr.Quantity, lr.Unit, price, m.res.Currency, lr.Unit))
	m.res.TotalOutOfRange = true
}

// checkTotal turns an order value that could not be computed into an
// order-level VALUE_OUT_OF_RANGE: without a value the credit limit cannot
// be checked, so the order never passes as approvable.
func (m *run) checkTotal() {
	if !m.res.TotalOutOfRange {
		return
	}
	m.res.Total = order.Decimal{}
	m.add(newException(ValueOutOfRange, 0, "", "The order value", checkWithCustomer+"; the credit limit could not be checked", nil))
}

// sum adds decimals and remembers whether every step stayed in range.
type sum struct {
	v  order.Decimal
	ok bool
}

func newSum(d order.Decimal) sum { return sum{v: d, ok: true} }

func (s *sum) add(d order.Decimal) {
	if s.ok {
		s.v, s.ok = s.v.Add(d)
	}
}

func (s *sum) sub(d order.Decimal) {
	if s.ok {
		s.v, s.ok = s.v.Sub(d)
	}
}
