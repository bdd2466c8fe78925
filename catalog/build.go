package catalog

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/ordergate/ordergate/order"
)

// maxBuildErrors caps how many problems Build reports; a broken import
// usually repeats one mistake on every row.
const maxBuildErrors = 50

// BuildError lists the invalid records Build found. Each problem names the
// record by table, position (1-based) and key.
type BuildError struct {
	Problems []string
	// More counts problems left out after the first maxBuildErrors.
	More int
}

func (e *BuildError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "catalog: %d invalid records", len(e.Problems)+e.More)
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(p)
	}
	if e.More > 0 {
		fmt.Fprintf(&b, "\n  ... and %d more", e.More)
	}
	return b.String()
}

type problems struct{ e BuildError }

func (p *problems) add(format string, args ...any) {
	if len(p.e.Problems) >= maxBuildErrors {
		p.e.More++
		return
	}
	p.e.Problems = append(p.e.Problems, fmt.Sprintf(format, args...))
}

func (p *problems) err() error {
	if len(p.e.Problems) == 0 {
		return nil
	}
	e := p.e
	return &e
}

// Build validates the records and indexes them into a Snapshot. It returns
// a *BuildError naming every invalid record (up to a limit). Build takes
// ownership of d's slices (see Data).
func Build(d Data) (*Snapshot, error) {
	s := &Snapshot{currency: normalizeID(d.Currency), version: d.Version}
	var p problems
	s.buildCustomers(d.Customers, &p)
	s.buildItems(d.Items, len(d.SalesUnits), &p)
	s.buildSalesUnits(d.SalesUnits, &p)
	s.buildReplacements(&p)
	s.buildAssortments(d.Assortments, &p)
	s.buildCrossRefs(d.CrossRefs, &p)
	s.buildPrices(d.Prices, &p)
	s.buildStock(d.Stock, &p)
	s.buildOrders(d.OpenOrders, d.PriorOrders, &p)
	s.buildLocations(d.Locations, &p)
	if err := p.err(); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Snapshot) buildCustomers(cs []Customer, p *problems) {
	s.customers = cs
	n := len(cs)
	s.custByNumber = make(map[string]CustomerID, n)
	s.custByGLN = make(map[uint64]CustomerID, n)
	s.custByEDI = make(map[string]CustomerID)
	s.custByEmail = make(map[string]CustomerID)
	s.custByDomain = make(map[string]CustomerID)
	s.custPriceList = make([]int32, n)
	s.custCurrency = make([]string, n)
	s.hasAssortment = make([]bool, n)
	s.openValue = make([]order.Decimal, n)
	s.priceLists = make(map[string]int32)
	for i := range cs {
		c := &cs[i]
		id := CustomerID(i)
		name := func() string { return fmt.Sprintf("customer %d (number %q)", i+1, c.Number) }
		num := normalizeID(c.Number)
		if num == "" {
			p.add("%s: number is empty", name())
		} else if prev, dup := s.custByNumber[num]; dup {
			p.add("%s: number already used by customer %d", name(), prev+1)
		} else {
			s.custByNumber[num] = id
		}
		for _, g := range c.GLNs {
			v, err := ParseGTIN(g)
			if err != nil || len(strings.TrimSpace(g)) != 13 {
				p.add("%s: GLN %q is not a valid 13-digit GLN", name(), g)
				continue
			}
			if prev, dup := s.custByGLN[v]; dup && prev != id {
				p.add("%s: GLN %s already belongs to customer %q", name(), g, cs[prev].Number)
				continue
			}
			s.custByGLN[v] = id
		}
		for _, e := range c.EDIIDs {
			k := normalizeID(e)
			if k == "" {
				continue
			}
			if prev, dup := s.custByEDI[k]; dup && prev != id {
				p.add("%s: EDI id %q already belongs to customer %q", name(), e, cs[prev].Number)
				continue
			}
			s.custByEDI[k] = id
		}
		for _, e := range c.Emails {
			k := NormalizeEmail(e)
			if k == "" {
				p.add("%s: %q is not an e-mail address", name(), e)
				continue
			}
			if prev, dup := s.custByEmail[k]; dup && prev != id {
				p.add("%s: e-mail %q already belongs to customer %q", name(), e, cs[prev].Number)
				continue
			}
			s.custByEmail[k] = id
		}
		for _, dom := range c.Domains {
			k := NormalizeDomain(dom)
			if k == "" || strings.ContainsAny(k, "@ ") || !strings.Contains(k, ".") {
				p.add("%s: %q is not a mail domain", name(), dom)
				continue
			}
			// A domain shared by several customers identifies none of them.
			if prev, dup := s.custByDomain[k]; dup && prev != id {
				s.custByDomain[k] = ambiguousCustomer
				continue
			}
			s.custByDomain[k] = id
		}
		cur := normalizeID(c.Currency)
		if cur == "" {
			cur = s.currency
		}
		if cur == "" {
			p.add("%s: no currency and no home currency", name())
		}
		s.custCurrency[i] = cur
		s.custPriceList[i] = -1
		if pl := normalizeID(c.PriceList); pl != "" {
			s.custPriceList[i] = s.priceListIndex(pl)
		}
		if c.CreditLimit != nil && c.CreditLimit.Sign() < 0 {
			p.add("%s: credit limit %s is negative", name(), c.CreditLimit)
		}
		if c.PriceTolerancePct.Sign() < 0 {
			p.add("%s: price tolerance %s%% is negative", name(), c.PriceTolerancePct)
		}
	}
}

func (s *Snapshot) priceListIndex(name string) int32 {
	i, ok := s.priceLists[name]
	if !ok {
		i = int32(len(s.priceLists))
		s.priceLists[name] = i
	}
	return i
}

func (s *Snapshot) buildItems(items []Item, nUnits int, p *problems) {
	s.items = items
	s.itemBySKU = newCodeIndex(len(items))
	s.itemByGTIN = newGTINIndex(len(items) + nUnits)
	s.hot = make([]itemHot, len(items))
	unitIdx := make(map[string]uint16)
	var buf []byte
	for i := range items {
		it := &items[i]
		buf = appendCode(buf[:0], it.SKU)
		if len(buf) == 0 {
			p.add("item %d (SKU %q): SKU is empty", i+1, it.SKU)
			continue
		}
		if prev, ok := s.itemBySKU.put(0, buf, int32(i)); !ok {
			p.add("item %d (SKU %q): SKU equals item %d (SKU %q) after normalisation", i+1, it.SKU, prev+1, items[prev].SKU)
			continue
		}
		bu := NormalizeUnit(it.BaseUnit)
		if bu == "" {
			p.add("item %d (SKU %q): base unit is empty", i+1, it.SKU)
		}
		u, ok := unitIdx[bu]
		if !ok {
			if len(s.unitNames) == 1<<16-1 {
				p.add("item %d (SKU %q): too many distinct base units", i+1, it.SKU)
				continue
			}
			u = uint16(len(s.unitNames))
			unitIdx[bu] = u
			s.unitNames = append(s.unitNames, bu)
		}
		h := &s.hot[i]
		h.baseUnit, h.sku, h.status = u, it.SKU, statusCode(it.Status)
		h.minQty, h.multiple = it.MinQty, it.OrderMultiple
		switch it.Status {
		case "", ItemActive, ItemBlocked, ItemDiscontinued:
		default:
			p.add("item %d (SKU %q): unknown status %q (want active, blocked or discontinued)", i+1, it.SKU, it.Status)
		}
		if it.MinQty.Sign() < 0 || it.OrderMultiple.Sign() < 0 {
			p.add("item %d (SKU %q): minimum quantity and order multiple must not be negative", i+1, it.SKU)
		}
		if it.GTIN != "" {
			s.addGTIN(it.GTIN, gtinRef{item: ItemID(i), unit: -1}, func() string { return fmt.Sprintf("item %d (SKU %q)", i+1, it.SKU) }, p)
		}
	}
}

func (s *Snapshot) addGTIN(g string, ref gtinRef, name func() string, p *problems) {
	v, err := ParseGTIN(g)
	if err != nil {
		p.add("%s: GTIN %q: %s", name(), g, strings.TrimPrefix(err.Error(), "catalog: "))
		return
	}
	if prev, ok := s.itemByGTIN.put(v, ref); !ok {
		p.add("%s: GTIN %s is already used by SKU %q", name(), g, s.items[prev.item].SKU)
	}
}

// skuMemo remembers the last SKU looked up: rows of one table usually
// come sorted by SKU, and a repeated look-up then skips the map.
type skuMemo struct {
	sku string
	id  ItemID
	ok  bool
}

func (m *skuMemo) item(s *Snapshot, sku string) (ItemID, bool) {
	if sku != m.sku || m.sku == "" {
		m.sku = sku
		m.id, m.ok = s.ItemBySKU(sku)
	}
	return m.id, m.ok
}

// permute moves xs[i] to xs[dest[i]] for every i, in place, by following
// the permutation's cycles. dest is consumed.
func permute[T any](xs []T, dest []int32) {
	for i := range xs {
		for dest[i] != int32(i) {
			j := dest[i]
			xs[i], xs[j] = xs[j], xs[i]
			dest[i], dest[j] = dest[j], dest[i]
		}
	}
}

// buildSalesUnits validates the sales units and groups them by item in
// place (a stable counting sort), invalid records moved to the end and cut.
func (s *Snapshot) buildSalesUnits(us []SalesUnit, p *problems) {
	var lookup skuMemo
	owner := make([]ItemID, len(us))
	counts := make([]int32, len(s.items)+1)
	for i := range us {
		u := &us[i]
		owner[i] = NoItem
		name := func() string { return fmt.Sprintf("sales unit %d (SKU %q, unit %q)", i+1, u.SKU, u.Unit) }
		id, ok := lookup.item(s, u.SKU)
		if !ok {
			p.add("%s: unknown SKU", name())
			continue
		}
		unit := NormalizeUnit(u.Unit)
		switch {
		case unit == "":
			p.add("%s: unit is empty", name())
			continue
		case u.Factor.Sign() <= 0:
			p.add("%s: factor %s must be positive", name(), u.Factor)
			continue
		case unit == s.BaseUnit(id) && u.Factor.Cmp(order.NewDecimal(1)) != 0:
			p.add("%s: the base unit must have factor 1", name())
			continue
		}
		u.Unit = unit
		owner[i] = id
		counts[id+1]++
	}
	for i := range s.items {
		if counts[i+1] > 1<<16-1 {
			p.add("item %d (SKU %q): more than 65535 sales units", i+1, s.items[i].SKU)
		}
		s.hot[i].nUnits = uint16(counts[i+1])
	}
	for i := 1; i < len(counts); i++ { // prefix sums: counts become offsets
		counts[i] += counts[i-1]
	}
	for i := range s.items {
		s.hot[i].unitStart = counts[i]
	}
	valid := int(counts[len(counts)-1])
	next := slices.Clone(counts[:len(s.items)])
	dest := make([]int32, len(us))
	tail := int32(valid)
	for i, id := range owner {
		if id == NoItem {
			dest[i] = tail
			tail++
			continue
		}
		dest[i] = next[id]
		next[id]++
	}
	permute(us, dest)
	s.units = us[:valid:valid]
	for i := range s.items {
		h := &s.hot[i]
		for j := h.unitStart; j < h.unitStart+int32(h.nUnits); j++ {
			u := &s.units[j]
			for k := h.unitStart; k < j; k++ {
				if s.units[k].Unit == u.Unit {
					p.add("sales unit (SKU %q, unit %q): unit listed twice", u.SKU, u.Unit)
				}
			}
			if u.GTIN != "" {
				s.addGTIN(u.GTIN, gtinRef{item: ItemID(i), unit: j}, func() string { return fmt.Sprintf("sales unit (SKU %q, unit %q)", u.SKU, u.Unit) }, p)
			}
		}
	}
}

func (s *Snapshot) buildReplacements(p *problems) {
	for i := range s.items {
		it := &s.items[i]
		if it.Replacement == "" {
			continue
		}
		r, ok := s.ItemBySKU(it.Replacement)
		switch {
		case !ok:
			p.add("item %d (SKU %q): replacement SKU %q is unknown", i+1, it.SKU, it.Replacement)
		case r == ItemID(i):
			p.add("item %d (SKU %q): an item cannot replace itself", i+1, it.SKU)
		}
	}
}

func (s *Snapshot) buildAssortments(as []AssortmentEntry, p *problems) {
	var lookup skuMemo
	s.assortment = make(map[uint64]struct{}, len(as))
	for i, a := range as {
		c, ok1 := s.CustomerByNumber(a.Customer)
		id, ok2 := lookup.item(s, a.SKU)
		if !ok1 || !ok2 {
			p.add("assortment entry %d (customer %q, SKU %q): unknown %s", i+1, a.Customer, a.SKU, unknownWhat(ok1, ok2))
			continue
		}
		s.hasAssortment[c] = true
		s.assortment[uint64(c)<<32|uint64(uint32(id))] = struct{}{}
	}
}

func unknownWhat(custOK, itemOK bool) string {
	switch {
	case !custOK && !itemOK:
		return "customer and SKU"
	case !custOK:
		return "customer"
	}
	return "SKU"
}

func (s *Snapshot) buildCrossRefs(xs []CrossRef, p *problems) {
	s.crossRefs = xs
	s.xrefIdx = newCodeIndex(len(xs))
	s.xrefItem = make([]ItemID, len(xs))
	s.xrefUnit = make([]string, len(xs))
	var buf []byte
	for i := range xs {
		x := &xs[i]
		name := func() string {
			return fmt.Sprintf("cross-reference %d (customer %q, code %q)", i+1, x.Customer, x.CustomerItem)
		}
		c, ok1 := s.CustomerByNumber(x.Customer)
		id, ok2 := s.ItemBySKU(x.SKU)
		s.xrefItem[i] = NoItem
		if !ok1 || !ok2 {
			p.add("%s: unknown %s", name(), unknownWhat(ok1, ok2))
			continue
		}
		buf = appendCode(buf[:0], x.CustomerItem)
		if len(buf) == 0 {
			p.add("%s: customer item code is empty", name())
			continue
		}
		if prev, dup := s.xrefIdx.get(int32(c), buf); dup {
			p.add("%s: code already maps to SKU %q (cross-reference %d)", name(), xs[prev].SKU, prev+1)
			continue
		}
		switch x.Source {
		case "", SourceImported, SourceLearned:
		default:
			p.add("%s: unknown source %q (want imported or learned)", name(), x.Source)
		}
		if x.Unit != "" {
			u := NormalizeUnit(x.Unit)
			if _, ok := s.UnitFactor(id, u); !ok {
				p.add("%s: unit %q is not a unit of SKU %q", name(), x.Unit, x.SKU)
				continue
			}
			s.xrefUnit[i] = u
		}
		s.xrefIdx.put(int32(c), buf, int32(i))
		s.xrefItem[i] = id
	}
}

func (s *Snapshot) buildPrices(ps []Price, p *problems) {
	var lookup skuMemo
	type keyed struct {
		key uint64
		pos int
	}
	ks := make([]keyed, 0, len(ps))
	for i := range ps {
		pr := &ps[i]
		name := func() string {
			return fmt.Sprintf("price %d (SKU %q, customer %q, price list %q)", i+1, pr.SKU, pr.Customer, pr.PriceList)
		}
		id, ok := lookup.item(s, pr.SKU)
		if !ok {
			p.add("%s: unknown SKU", name())
			continue
		}
		var key uint64
		switch {
		case pr.Customer != "" && pr.PriceList != "":
			p.add("%s: a price is for a customer or a price list, not both", name())
			continue
		case pr.Customer != "":
			c, ok := s.CustomerByNumber(pr.Customer)
			if !ok {
				p.add("%s: unknown customer", name())
				continue
			}
			key = uint64(id)<<32 | uint64(priceScopeKey(ScopeCustomer, int32(c)))
		case pr.PriceList != "":
			key = uint64(id)<<32 | uint64(priceScopeKey(ScopePriceList, s.priceListIndex(normalizeID(pr.PriceList))))
		default:
			key = uint64(id)<<32 | uint64(priceScopeKey(ScopeList, 0))
		}
		pr.Currency = normalizeID(pr.Currency)
		if pr.Currency == "" {
			pr.Currency = s.currency
		}
		pr.Unit = NormalizeUnit(pr.Unit) // normalised in place; kept in PriceEntry
		switch {
		case pr.Currency == "":
			p.add("%s: no currency and no home currency", name())
			continue
		case pr.Price.Sign() < 0:
			p.add("%s: price %s is negative", name(), pr.Price)
			continue
		case pr.MinQty.Sign() < 0:
			p.add("%s: minimum quantity %s is negative", name(), pr.MinQty)
			continue
		case !pr.ValidFrom.IsZero() && !pr.ValidTo.IsZero() && pr.ValidTo.Before(pr.ValidFrom):
			p.add("%s: valid to %s is before valid from %s", name(), pr.ValidTo, pr.ValidFrom)
			continue
		}
		if pr.Unit != "" {
			if _, ok := s.UnitFactor(id, pr.Unit); !ok {
				p.add("%s: unit %q is not a unit of the item", name(), pr.Unit)
				continue
			}
		}
		ks = append(ks, keyed{key, i})
	}
	slices.SortFunc(ks, func(a, b keyed) int {
		if c := cmp.Compare(a.key, b.key); c != 0 {
			return c
		}
		if c := ps[a.pos].MinQty.Cmp(ps[b.pos].MinQty); c != 0 {
			return c
		}
		return cmp.Compare(a.pos, b.pos)
	})
	s.prices = make([]PriceEntry, len(ks))
	for i, k := range ks {
		pr := &ps[k.pos]
		s.prices[i] = PriceEntry{Price: pr.Price, MinQty: pr.MinQty, Currency: pr.Currency, Unit: pr.Unit,
			from: DateKey(pr.ValidFrom), to: DateKey(pr.ValidTo)}
	}
	s.priceScope = make([]uint32, len(ks))
	for i, k := range ks {
		s.priceScope[i] = uint32(k.key)
		h := &s.hot[k.key>>32]
		if h.nPrices == 0 {
			h.priceStart = int32(i)
		}
		h.nPrices++
	}
}
