package matching

import (
	"github.com/ordergate/ordergate/catalog"
	"github.com/ordergate/ordergate/order"
)

var (
	one     = order.NewDecimal(1)
	hundred = order.NewDecimal(100)
)

// agreedPrice finds the price that applies to the line: the customer's own
// price, else its price list, else the list price (DESIGN.md "Matching").
// Within a scope only prices valid today in the order currency count, and
// the highest quantity break at or below the ordered base quantity wins.
// otherCurrency reports that a valid price existed only in other currencies.
func (m *run) agreedPrice(id catalog.ItemID, baseQty order.Decimal) (p *catalog.PriceEntry, scope catalog.PriceScope, otherCurrency bool) {
	for _, sc := range [...]catalog.PriceScope{catalog.ScopeCustomer, catalog.ScopePriceList, catalog.ScopeList} {
		var best *catalog.PriceEntry
		ps := m.snap.Prices(sc, m.res.Customer, id)
		for i := range ps {
			e := &ps[i]
			if !e.ValidAt(m.today) {
				continue
			}
			if e.Currency != m.res.Currency {
				otherCurrency = true
				continue
			}
			if e.MinQty.Cmp(baseQty) <= 0 {
				best = e
			}
		}
		if best != nil {
			return best, sc, false
		}
	}
	return nil, 0, otherCurrency
}

// checkPrice sets the line's agreed price (per the line's unit) and amount,
// and checks the price the customer sent, per its price basis, against it:
// the difference may be at most the customer's tolerance in percent. It
// reports whether the line's amount is known (false: VALUE_OUT_OF_RANGE).
func (m *run) checkPrice(l *order.Line, lr *LineResult) bool {
	p, scope, otherCur := m.agreedPrice(lr.Item, lr.BaseQuantity)
	sent, hasSent, ok := l.PricePerUnit()
	if hasSent && !ok {
		m.lineOutOfRange(l, lr, "the price sent per "+lr.Unit+" ("+l.UnitPrice.String()+" "+m.res.Currency+" per "+l.PriceBasis.String()+" "+lr.Unit+")")
		hasSent = false
	}
	if p == nil {
		switch {
		case m.res.Customer < 0:
			// Prices depend on the customer; UNKNOWN_CUSTOMER says enough.
		case otherCur && m.currencyReported:
			// The order-level CURRENCY_MISMATCH already says it.
		case otherCur:
			m.add(newException(CurrencyMismatch, l.LineNo, lr.SKU, m.res.Currency, "the prices of "+lr.SKU+" are in another currency", nil))
		default:
			m.add(newException(NoPrice, l.LineNo, lr.SKU, "", "in "+m.res.Currency+" on "+m.opts.Today.String(), nil))
		}
		if hasSent {
			if lr.Amount, ok = sent.Mul(lr.Quantity); !ok {
				m.amountUnknown(l, lr, sent)
			}
			return ok
		}
		return true
	}
	agreed := p.Price
	if p.Unit != lr.Unit {
		lineF, _ := m.snap.UnitFactor(lr.Item, lr.Unit)
		priceF := one
		if p.Unit != "" {
			priceF, _ = m.snap.UnitFactor(lr.Item, p.Unit)
		}
		if lineF != priceF {
			if agreed, ok = agreed.Mul(lineF); ok {
				agreed, ok = agreed.Div(priceF)
			}
			if !ok {
				m.lineOutOfRange(l, lr, "the agreed price of "+p.Price.String()+" "+m.res.Currency+" per "+p.Unit+" in "+lr.Unit)
				m.res.TotalOutOfRange = true
				return false
			}
		}
	}
	lr.AgreedPrice, lr.HasPrice, lr.PriceScope = agreed, true, scope
	amountOK := true
	if lr.Amount, ok = agreed.Mul(lr.Quantity); !ok {
		m.amountUnknown(l, lr, agreed)
		amountOK = false
	}
	if !hasSent || m.res.Customer < 0 {
		return amountOK
	}
	diff, ok := sent.Sub(agreed)
	if ok {
		diff, ok = diff.Abs()
	}
	tol := order.Decimal{}
	if ok && m.cust != nil && m.cust.PriceTolerancePct.Sign() > 0 {
		if tol, ok = agreed.Mul(m.cust.PriceTolerancePct); ok {
			tol, ok = tol.Div(hundred)
		}
	}
	// A difference (or tolerance) out of range is no small difference.
	if !ok || diff.Cmp(tol) > 0 {
		m.add(newException(PriceMismatch, l.LineNo, lr.SKU,
			sent.String()+" "+m.res.Currency+" per "+lr.Unit,
			agreed.String()+" "+m.res.Currency+" per "+lr.Unit+" ("+scope.String()+priceTolText(m.cust)+")", nil))
	}
	return amountOK
}

func priceTolText(c *catalog.Customer) string {
	if c == nil || c.PriceTolerancePct.IsZero() {
		return ""
	}
	return ", tolerance " + c.PriceTolerancePct.String() + "%"
}

// AgreedPrice is the price customer c pays today for one unit of the item
// when ordering its smallest quantity, by the same rule as a line's
// agreed price (customer price, price list, list price; valid today, in
// the customer's currency): what the desk's quick order shows as it is
// typed. c may be catalog.NoCustomer (list prices only). It returns nil
// when the item has no price for the customer.
func AgreedPrice(snap *catalog.Snapshot, c catalog.CustomerID, id catalog.ItemID, today order.Date) (*catalog.PriceEntry, catalog.PriceScope) {
	currency := snap.Currency()
	if c >= 0 {
		currency = snap.CustomerCurrency(c)
	}
	m := &run{snap: snap, res: &Result{Customer: c, Currency: currency}, today: catalog.DateKey(today)}
	p, scope, _ := m.agreedPrice(id, one)
	return p, scope
}
