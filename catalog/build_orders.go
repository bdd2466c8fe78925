package catalog

import (
	"encoding/binary"
	"slices"
	"strings"

	"github.com/ordergate/ordergate/order"
)

// buildStock sums stock per item and per warehouse.
func (s *Snapshot) buildStock(st []Stock, p *problems) {
	var lookup skuMemo
	s.warehouses = make(map[string]int32)
	if len(st) == 0 {
		return
	}
	type loc struct{ item, wh int32 }
	locs := make([]loc, len(st))
	var counts []int
	for i, r := range st {
		locs[i] = loc{-1, -1}
		id, ok := lookup.item(s, r.SKU)
		if !ok {
			p.add("stock %d (SKU %q, warehouse %q): unknown SKU", i+1, r.SKU, r.Warehouse)
			continue
		}
		wh := normalizeID(r.Warehouse)
		if wh == "" {
			p.add("stock %d (SKU %q): warehouse is empty", i+1, r.SKU)
			continue
		}
		w, ok := s.warehouses[wh]
		if !ok {
			w = int32(len(s.warehouses))
			s.warehouses[wh] = w
			counts = append(counts, 0)
		}
		counts[w]++
		locs[i] = loc{int32(id), w}
	}
	s.stockWH = make([]whStock, len(counts))
	for w, n := range counts {
		if n >= len(s.items)/16 {
			s.stockWH[w].dense = make([]order.Decimal, len(s.items))
		} else {
			s.stockWH[w].sparse = make(map[ItemID]order.Decimal, n)
		}
	}
	for i, l := range locs {
		if l.item < 0 {
			continue
		}
		q := st[i].Quantity
		ws := &s.stockWH[l.wh]
		if ws.dense != nil {
			ws.dense[l.item] = addCapped(ws.dense[l.item], q)
		} else {
			ws.sparse[ItemID(l.item)] = addCapped(ws.sparse[ItemID(l.item)], q)
		}
		s.hot[l.item].stock = addCapped(s.hot[l.item].stock, q)
	}
}

// addCapped adds a master-data row to a total. A total beyond the range of
// a Decimal is capped at ±order.MaxDecimal: the real total lies beyond the
// cap, so every check against it stays on the safe side (stock the real
// stock exceeds; an open-order value that takes any credit check out of
// range, which sends the order to review).
func addCapped(total, row order.Decimal) order.Decimal {
	if t, ok := total.Add(row); ok {
		return t
	}
	if row.Sign() < 0 {
		t, _ := order.MaxDecimal.Neg()
		return t
	}
	return order.MaxDecimal
}

// buildOrders totals open orders per customer and groups prior orders by
// customer and normalised PO number, oldest first.
func (s *Snapshot) buildOrders(open []OpenOrder, prior []PriorOrder, p *problems) {
	s.openOrders = open
	s.openByID = make(map[string]int32, len(open))
	for i, o := range open {
		c, ok := s.CustomerByNumber(o.Customer)
		if !ok {
			p.add("open order %d (%q): unknown customer %q", i+1, o.OrderID, o.Customer)
			continue
		}
		s.openValue[c] = addCapped(s.openValue[c], o.Value)
		if o.OrderID != "" {
			s.openByID[o.OrderID] = int32(i)
		}
	}
	type keyed struct {
		key string
		pos int
	}
	ks := make([]keyed, 0, len(prior))
	for i, o := range prior {
		c, ok := s.CustomerByNumber(o.Customer)
		if !ok {
			p.add("prior order %d (PO %q): unknown customer %q", i+1, o.PONumber, o.Customer)
			continue
		}
		k := binary.BigEndian.AppendUint32(nil, uint32(c))
		k = appendCode(k, o.PONumber)
		if len(k) == 4 {
			p.add("prior order %d (%q): PO number is empty", i+1, o.OrderID)
			continue
		}
		ks = append(ks, keyed{string(k), i})
	}
	slices.SortStableFunc(ks, func(a, b keyed) int {
		if c := strings.Compare(a.key, b.key); c != 0 {
			return c
		}
		return prior[a.pos].Received.Compare(prior[b.pos].Received)
	})
	s.prior = make([]PriorOrder, len(ks))
	s.priorIdx = make(map[string]span, len(ks))
	for i, k := range ks {
		s.prior[i] = prior[k.pos]
		sp := s.priorIdx[k.key]
		if sp.n == 0 {
			sp.start = int32(i)
		}
		sp.n++
		s.priorIdx[k.key] = sp
	}
}
