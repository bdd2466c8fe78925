package intake

import (
	"strings"

	"github.com/ordergate/ordergate/catalog"
	"github.com/ordergate/ordergate/matching"
	"github.com/ordergate/ordergate/order"
)

// ItemHit is an item the quick order's autocomplete offers, with what the
// desk needs beside it: stock and the customer's agreed price.
type ItemHit struct {
	SKU         string `json:"sku"`
	Description string `json:"description"`
	Unit        string `json:"unit"` // the base unit
	GTIN        string `json:"gtin,omitempty"`
	// MatchedBy is what the typed text matched: sku, gtin, customer_item
	// or description; Code is the GTIN or the customer's item code matched.
	MatchedBy string `json:"matched_by"`
	Code      string `json:"code,omitempty"`
	Status    string `json:"status"` // active, blocked, discontinued
	// Stock is in the base unit (the warehouse configured for matching, or
	// all warehouses).
	Stock order.Decimal `json:"stock"`
	// Price is what the customer pays per PriceUnit today at the smallest
	// quantity (customer price, price list or list price: PriceFrom); nil
	// when the item has no price for the customer.
	Price     *order.Decimal `json:"price,omitempty"`
	Currency  string         `json:"currency,omitempty"`
	PriceUnit string         `json:"price_unit,omitempty"`
	PriceFrom string         `json:"price_from,omitempty"`
	// Units are the units it is sold in besides the base unit.
	Units []ItemUnit `json:"units,omitempty"`
	// InAssortment is false for an item the customer may not buy (it has an
	// assortment without the item).
	InAssortment bool `json:"in_assortment"`
}

// ItemUnit is a sales unit of an item: Factor base units in one Unit.
type ItemUnit struct {
	Unit   string        `json:"unit"`
	Factor order.Decimal `json:"factor"`
}

// ItemQuery is a quick-order look-up.
type ItemQuery struct {
	Customer string // our customer number; "" for none (list prices, no customer codes)
	Text     string // what was typed: a SKU, GTIN, the customer's code or words of the description
	Limit    int    // at most this many (default 10, at most 50)
	// OnlyAssortment keeps to the items the customer may buy (a link's
	// buyer sees nothing else); the desk sees all, marked.
	OnlyAssortment bool
}

// Items answers the quick order's autocomplete from the live catalog
// snapshot (catalog.Snapshot.Autocomplete): SKUs, GTINs, the customer's own
// codes and description words, with stock and the customer's price.
func (p *Pipeline) Items(q ItemQuery) ([]ItemHit, error) {
	snap, opts, err := p.liveMatching()
	if err != nil {
		return nil, err
	}
	c, err := customerID(snap, strings.TrimSpace(q.Customer))
	if err != nil {
		return nil, err
	}
	n := q.Limit
	if n <= 0 {
		n = 10
	}
	n = min(n, 50)
	var keep func(catalog.ItemID) bool
	if q.OnlyAssortment && c >= 0 && snap.HasAssortment(c) {
		keep = func(id catalog.ItemID) bool { return snap.MayBuy(c, id) }
	}
	if len(q.Text) > 100 {
		q.Text = q.Text[:100]
	}
	found := snap.Autocomplete(c, q.Text, n, keep)
	out := make([]ItemHit, 0, len(found))
	for _, f := range found {
		out = append(out, itemHit(snap, c, f, opts))
	}
	return out, nil
}

func itemHit(snap *catalog.Snapshot, c catalog.CustomerID, f catalog.Completion, opts matching.Options) ItemHit {
	it := snap.Item(f.Item)
	h := ItemHit{SKU: it.SKU, Description: it.Description, Unit: snap.BaseUnit(f.Item), GTIN: it.GTIN, MatchedBy: f.By,
		Code: f.Code, Status: string(snap.ItemStatus(f.Item)), Stock: snap.StockTotal(f.Item), InAssortment: true}
	if opts.Warehouse != "" {
		if st, ok := snap.StockIn(f.Item, opts.Warehouse); ok {
			h.Stock = st
		}
	}
	if c >= 0 {
		h.InAssortment = snap.MayBuy(c, f.Item)
	}
	for _, u := range snap.SalesUnits(f.Item) {
		h.Units = append(h.Units, ItemUnit{Unit: u.Unit, Factor: u.Factor})
	}
	if pe, scope := matching.AgreedPrice(snap, c, f.Item, opts.Today); pe != nil {
		price := pe.Price
		h.Price, h.Currency, h.PriceFrom = &price, pe.Currency, scope.String()
		h.PriceUnit = pe.Unit
		if h.PriceUnit == "" {
			h.PriceUnit = h.Unit
		}
	}
	return h
}
