package matching

import (
	"errors"
	"fmt"
	"strings"

	"github.com/ordergate/ordergate/catalog"
	"github.com/ordergate/ordergate/order"
)

// candidate is one piece of evidence for a line's item.
type candidate struct {
	item catalog.ItemID
	by   Resolution
	// pack is the unit the evidence implies (a cross-reference's unit, a
	// pack-level GTIN's unit), "" for none.
	pack string
}

// matchLines resolves and checks every line, in batches of
// catalog.MaxLookupBatch so that the memory fetches of different lines
// overlap: first the numbers of a batch of lines are looked up together
// (catalog.Snapshot.LookupLines), then the per-item data of all resolved
// items is touched in one tight loop (catalog.Snapshot.Prefetch), then each
// line is checked against warm caches. Against a million items this is
// what keeps a line under a microsecond (BenchmarkMatch, BENCHMARKS.md).
func (m *run) matchLines() {
	po := m.po
	m.demand.init(len(po.Lines))
	const batch = catalog.MaxLookupBatch
	var (
		codes   [batch]catalog.LineCodes
		hits    [batch]catalog.LineHits
		gtinErr [batch]error
		ids     [batch]catalog.ItemID
	)
	for start := 0; start < len(po.Lines); start += batch {
		end := min(start+batch, len(po.Lines))
		for i := start; i < end; i++ {
			l := &po.Lines[i]
			c := &codes[i-start]
			*c = catalog.LineCodes{BuyerItem: l.BuyerItem, SupplierItem: l.SupplierItem}
			gtinErr[i-start] = nil
			if l.GTIN != "" {
				c.GTIN, gtinErr[i-start] = catalog.ParseGTIN(l.GTIN)
			}
		}
		m.snap.LookupLines(m.res.Customer, codes[:end-start], hits[:end-start])
		for i := start; i < end; i++ {
			l := &po.Lines[i]
			lr := &m.res.Lines[i]
			lr.LineNo = l.LineNo
			lr.Item = catalog.NoItem
			if l.Deleted() {
				ids[i-start] = catalog.NoItem
				continue
			}
			if c, ok := m.resolveItem(l, &codes[i-start], &hits[i-start], gtinErr[i-start]); ok {
				// Unit holds the evidence's pack unit until resolveUnit.
				lr.Item, lr.By, lr.Unit = c.item, c.by, c.pack
			}
			ids[i-start] = lr.Item
		}
		m.sink += m.snap.Prefetch(ids[:end-start])
		for i := start; i < end; i++ {
			m.checkLine(&po.Lines[i], &m.res.Lines[i])
		}
	}
}

// checkLine checks a resolved line: item, unit, quantity, price, stock.
func (m *run) checkLine(l *order.Line, lr *LineResult) {
	if lr.Item == catalog.NoItem {
		return
	}
	lr.SKU = m.snap.SKU(lr.Item)
	m.checkItem(l, lr)
	if !m.resolveUnit(l, lr, lr.Unit) {
		return
	}
	if q, _ := l.Asked(); m.po.Function == order.FunctionCancellation || l.Action == order.LineDelete || q.Sign() <= 0 {
		return
	}
	m.checkQuantity(l, lr)
	amountOK := m.checkPrice(l, lr)
	m.checkStock(l, lr)
	if amountOK && !m.res.TotalOutOfRange {
		m.res.Total, m.res.TotalOutOfRange = addOrUnknown(m.res.Total, lr.Amount)
	}
}

// addOrUnknown adds a line amount to the order value, reporting (as
// TotalOutOfRange) a sum out of range.
func addOrUnknown(total, amount order.Decimal) (order.Decimal, bool) {
	t, ok := total.Add(amount)
	return t, !ok
}

// resolveItem finds the line's item from its numbers, in order of
// precedence: the customer's own item number (cross-reference), the GTIN,
// the supplier item number as our SKU, the buyer's item number as our SKU
// (only when it is not a cross-referenced code). When none of those finds
// anything, the line's further identifications are tried in the same order
// of kinds (resolveByIdentifiers: a second buyer's number, an ISBN as a
// GTIN, a vendor item number, the manufacturer's number). The first found
// decides; another number pointing to a different item makes the line
// AMBIGUOUS_ITEM. Nothing found is UNKNOWN_ITEM with every number the line
// was sent with and description suggestions.
func (m *run) resolveItem(l *order.Line, codes *catalog.LineCodes, hits *catalog.LineHits, gtinErr error) (candidate, bool) {
	s := m.snap
	if l.Desk != nil && l.Desk.SKU != "" {
		// The desk's choice decides; what the line was sent with is not
		// evidence against it.
		if id, ok := s.ItemBySKU(l.Desk.SKU); ok {
			return candidate{item: id, by: Resolution{Path: PathDesk, Code: l.Desk.By}}, true
		}
		m.add(newException(UnknownItem, l.LineNo, "", "item "+l.Desk.SKU+" (chosen by the desk)", "", nil))
		return candidate{}, false
	}
	var cands [4]candidate
	n := 0
	if hits.CrossRef >= 0 {
		x, id, unit := s.CrossRefAt(hits.CrossRef)
		cands[n] = candidate{item: id, by: Resolution{Path: PathCrossRef, CrossRef: x}, pack: unit}
		n++
	}
	if gtinErr != nil {
		m.add(newException(InvalidGTIN, l.LineNo, "", l.GTIN, gtinProblem(gtinErr), nil))
	} else if hits.GTINItem != catalog.NoItem {
		c := candidate{item: hits.GTINItem, by: Resolution{Path: PathGTIN, GTIN: codes.GTIN}}
		if su := s.SalesUnitAt(hits.GTINUnit); su != nil {
			c.pack = su.Unit
		}
		cands[n] = c
		n++
	}
	if hits.SupplierSKU != catalog.NoItem {
		cands[n] = candidate{item: hits.SupplierSKU, by: Resolution{Path: PathSKU, Code: l.SupplierItem}}
		n++
	}
	if hits.BuyerSKU != catalog.NoItem && hits.CrossRef < 0 {
		cands[n] = candidate{item: hits.BuyerSKU, by: Resolution{Path: PathBuyerAsSKU, Code: l.BuyerItem}}
		n++
	}
	if n == 0 && len(l.Identifiers) > 0 {
		n = m.resolveByIdentifiers(l, cands[:])
	}
	if n == 0 {
		m.add(newException(UnknownItem, l.LineNo, "", describeLine(l), "", m.suggest(l)))
		return candidate{}, false
	}
	for _, c := range cands[1:n] {
		if c.item != cands[0].item {
			m.add(m.ambiguous(l, cands[:n]))
			break
		}
	}
	return cands[0], true
}

func gtinProblem(err error) string {
	switch {
	case errors.Is(err, catalog.ErrGTINCheckDigit):
		return "wrong check digit"
	case errors.Is(err, catalog.ErrGTINLength):
		return "a GTIN has 8, 12, 13 or 14 digits"
	}
	return "only digits are allowed"
}

// describeLine names a line's item the way the order did, for messages.
func describeLine(l *order.Line) string {
	var parts []string
	if l.BuyerItem != "" {
		parts = append(parts, "customer item "+l.BuyerItem)
	}
	if l.GTIN != "" {
		parts = append(parts, "GTIN "+l.GTIN)
	}
	if l.SupplierItem != "" {
		parts = append(parts, "our item "+l.SupplierItem)
	}
	parts = append(parts, otherIDs(l)...)
	if l.Description != "" {
		parts = append(parts, `"`+l.Description+`"`)
	}
	if len(parts) == 0 {
		return "(no item number or description)"
	}
	return strings.Join(parts, ", ")
}

func (m *run) ambiguous(l *order.Line, cands []candidate) Exception {
	var got []string
	var sugg []Suggestion
	for _, c := range cands {
		it := m.snap.Item(c.item)
		got = append(got, c.by.String()+" = "+it.SKU)
		dup := false
		for _, s := range sugg {
			dup = dup || s.SKU == it.SKU
		}
		if !dup {
			sugg = append(sugg, Suggestion{SKU: it.SKU, Description: it.Description, Reason: "by " + c.by.String()})
		}
	}
	return newException(AmbiguousItem, l.LineNo, "", strings.Join(got, ", "), "", sugg)
}

// isPiece reports whether a unit is the generic "piece" of EDI lines.
func isPiece(u string) bool { return u == catalog.UnitPiece }

// resolveUnit decides the unit the line's quantity counts in and converts
// it to the base unit. An empty unit means the unit the evidence implies
// (the cross-reference's unit, the pack level of the GTIN) or else the base
// unit. A pack-level GTIN with the generic unit PCE counts packs of that
// GTIN, as in EANCOM (the quantity refers to the trade item identified in
// LIN). Other units must be the base unit, a sales unit of the item, or a
// unit of the same dimension (GRM for a KGM item); otherwise UNIT_MISMATCH.
// A quantity too large to count in the base unit is VALUE_OUT_OF_RANGE.
// It reports whether the line can be checked further.
func (m *run) resolveUnit(l *order.Line, lr *LineResult, pack string) bool {
	s := m.snap
	qty, asked := l.Asked()
	unit := catalog.NormalizeUnit(asked)
	switch {
	case unit == "" && pack != "":
		unit = pack
	case unit == "":
		unit = s.BaseUnit(lr.Item)
	case pack != "" && lr.By.Path == PathGTIN && isPiece(unit):
		unit = pack
	}
	f, ok := s.UnitFactor(lr.Item, unit)
	if !ok {
		lr.Unit = ""
		m.add(newException(UnitMismatch, l.LineNo, lr.SKU, asked, m.unitsOf(lr.Item), nil))
		return false
	}
	lr.Unit = unit
	lr.Quantity = qty
	bq, ok := qty.Mul(f)
	if !ok {
		m.lineOutOfRange(l, lr, fmt.Sprintf("%s %s in the base unit %s (%s %s per %s)", qty, unit, s.BaseUnit(lr.Item), f, s.BaseUnit(lr.Item), unit))
		m.res.TotalOutOfRange = true
		return false
	}
	lr.BaseQuantity = bq
	return true
}

// unitsOf lists the units an item is sold in, "PCE, CT (12 PCE)".
func (m *run) unitsOf(id catalog.ItemID) string {
	base := m.snap.BaseUnit(id)
	parts := []string{base}
	for _, u := range m.snap.SalesUnits(id) {
		parts = append(parts, u.Unit+" ("+u.Factor.String()+" "+base+")")
	}
	return strings.Join(parts, ", ")
}
