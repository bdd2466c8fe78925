package catalog

import (
	"encoding/binary"
	"slices"
	"sync"
	"time"

	"github.com/ordergate/ordergate/order"
)

// CustomerID indexes a customer in a Snapshot; NoCustomer when unknown.
type CustomerID int32

// ItemID indexes an item in a Snapshot; NoItem when unknown.
type ItemID int32

// Sentinels for "not found".
const (
	NoCustomer CustomerID = -1
	NoItem     ItemID     = -1
	// ambiguousCustomer marks an identifier (a mail domain) shared by
	// several customers.
	ambiguousCustomer CustomerID = -2
)

// Price scopes, in order of precedence: a customer's own price beats its
// price list, which beats the item's list price.
type PriceScope uint8

// Price scopes.
const (
	ScopeCustomer PriceScope = iota + 1
	ScopePriceList
	ScopeList
)

// String names the scope for messages.
func (p PriceScope) String() string {
	switch p {
	case ScopeCustomer:
		return "customer price"
	case ScopePriceList:
		return "price list"
	case ScopeList:
		return "list price"
	}
	return "price"
}

type span struct{ start, n int32 }

// PriceEntry is a Price as the snapshot keeps it: without the keys it is
// filed under (item and scope), its validity as YYYYMMDD numbers (DateKey).
// 56 bytes instead of the record's 144 keep a million prices lean.
type PriceEntry struct {
	Price    order.Decimal // per one Unit
	MinQty   order.Decimal // quantity break in base units
	Currency string        // normalised; never empty
	Unit     string        // normalised; "" for the base unit
	from, to int32         // DateKey of ValidFrom and ValidTo; 0 = open
}

// ValidAt reports whether the price applies on day (a DateKey).
func (e *PriceEntry) ValidAt(day int32) bool {
	return (e.from == 0 || e.from <= day) && (e.to == 0 || day <= e.to)
}

// ValidFrom returns the first day the price applies, or the zero date.
func (e *PriceEntry) ValidFrom() order.Date { return dateOfKey(e.from) }

// ValidTo returns the last day the price applies, or the zero date.
func (e *PriceEntry) ValidTo() order.Date { return dateOfKey(e.to) }

// DateKey makes a date comparable as one number, YYYYMMDD; the zero date
// is 0.
func DateKey(d order.Date) int32 {
	return int32(int(d.Year)*10000 + int(d.Month)*100 + int(d.Day))
}

func dateOfKey(k int32) order.Date {
	if k == 0 {
		return order.Date{}
	}
	return order.NewDate(int(k/10000), time.Month(k/100%100), int(k%100))
}

// itemHot packs the per-item values matching needs for every line into one
// 64-byte cache line (the slice is page-aligned, so none straddles two),
// so resolving a line against a million items costs few memory fetches.
type itemHot struct {
	stock      order.Decimal // total over all warehouses, base units
	minQty     order.Decimal // Item.MinQty
	multiple   order.Decimal // Item.OrderMultiple
	sku        string        // Item.SKU
	unitStart  int32         // sales units: units[unitStart : unitStart+nUnits]
	priceStart int32         // prices: prices[priceStart : priceStart+nPrices]
	nPrices    int32
	nUnits     uint16
	baseUnit   uint16 // index into unitNames
	status     itemStatusCode
}

// itemStatusCode is an ItemStatus in one byte.
type itemStatusCode uint8

const (
	statusActive itemStatusCode = iota
	statusBlocked
	statusDiscontinued
)

func statusCode(st ItemStatus) itemStatusCode {
	switch st {
	case ItemBlocked:
		return statusBlocked
	case ItemDiscontinued:
		return statusDiscontinued
	}
	return statusActive
}

// whStock is the stock of one warehouse: a slice over all items when most
// items are stocked there (8 bytes per item), else a map.
type whStock struct {
	dense  []order.Decimal
	sparse map[ItemID]order.Decimal
}

// gtinRef is what a GTIN identifies: an item and the pack level (index into
// Snapshot.units, or -1 for the base unit).
type gtinRef struct {
	item ItemID
	unit int32
}

// Snapshot is an immutable, indexed view of the master data. Build it with
// Build; all methods are safe for concurrent use and, unless noted, do not
// allocate. Returned pointers point into the snapshot: do not modify.
type Snapshot struct {
	currency string
	version  int64

	customers     []Customer
	custByNumber  map[string]CustomerID
	custByGLN     map[uint64]CustomerID
	custByEDI     map[string]CustomerID
	custByEmail   map[string]CustomerID
	custByDomain  map[string]CustomerID
	custPriceList []int32 // index into priceLists, -1 for none
	custCurrency  []string
	hasAssortment []bool
	assortment    map[uint64]struct{} // customer<<32 | item
	openValue     []order.Decimal     // per customer
	openOrders    []OpenOrder
	openByID      map[string]int32

	items      []Item
	itemBySKU  *codeIndex
	itemByGTIN *gtinIndex
	units      []SalesUnit // grouped by item
	hot        []itemHot   // per item, what matching reads on every line
	unitNames  []string    // distinct normalised base units

	crossRefs []CrossRef
	xrefIdx   *codeIndex // customer -> normalised code -> index
	xrefItem  []ItemID
	xrefUnit  []string // normalised unit or ""

	prices     []PriceEntry // grouped by item, then scope, then MinQty
	priceScope []uint32     // per price: scope<<30 | customer or price list index
	priceLists map[string]int32

	stockWH    []whStock // per warehouse
	warehouses map[string]int32

	prior    []PriorOrder    // grouped by key
	priorIdx map[string]span // customer(4 bytes) + normalised PO number

	locs locationIndex

	textOnce sync.Once
	text     *textIndex

	completeOnce sync.Once
	complete     *completeIndex
}

// Currency returns the home currency.
func (s *Snapshot) Currency() string { return s.currency }

// NumCustomers and NumItems report the sizes of the snapshot.
func (s *Snapshot) NumCustomers() int { return len(s.customers) }

// NumItems returns the number of items.
func (s *Snapshot) NumItems() int { return len(s.items) }

// Customer returns the customer record.
func (s *Snapshot) Customer(id CustomerID) *Customer { return &s.customers[id] }

// CustomerCurrency returns the customer's currency (its own or the home one).
func (s *Snapshot) CustomerCurrency(id CustomerID) string { return s.custCurrency[id] }

// CustomerByNumber finds a customer by our customer number (trimmed,
// case-insensitive).
func (s *Snapshot) CustomerByNumber(number string) (CustomerID, bool) {
	id, ok := s.custByNumber[normalizeID(number)]
	return id, ok
}

// CustomerByGLN finds a customer by one of its GLNs.
func (s *Snapshot) CustomerByGLN(gln string) (CustomerID, bool) {
	v, err := ParseGTIN(gln)
	if err != nil {
		return NoCustomer, false
	}
	id, ok := s.custByGLN[v]
	return id, ok
}

// CustomerByEDI finds a customer by an EDI interchange sender id.
func (s *Snapshot) CustomerByEDI(id string) (CustomerID, bool) {
	c, ok := s.custByEDI[normalizeID(id)]
	return c, ok
}

// CustomerByEmail finds a customer by a trusted sender address.
func (s *Snapshot) CustomerByEmail(addr string) (CustomerID, bool) {
	c, ok := s.custByEmail[NormalizeEmail(addr)]
	return c, ok
}

// CustomerByDomain finds the customer owning a mail domain. ambiguous is true
// when several customers share the domain (then id is NoCustomer).
func (s *Snapshot) CustomerByDomain(domain string) (id CustomerID, found, ambiguous bool) {
	c, ok := s.custByDomain[NormalizeDomain(domain)]
	switch {
	case !ok:
		return NoCustomer, false, false
	case c == ambiguousCustomer:
		return NoCustomer, false, true
	}
	return c, true, false
}

// Item returns the item record.
func (s *Snapshot) Item(id ItemID) *Item { return &s.items[id] }

// SKU returns the item's SKU (Item(id).SKU from the item's hot data).
func (s *Snapshot) SKU(id ItemID) string { return s.hot[id].sku }

// ItemStatus returns the item's status; an empty status reads ItemActive.
func (s *Snapshot) ItemStatus(id ItemID) ItemStatus {
	switch s.hot[id].status {
	case statusBlocked:
		return ItemBlocked
	case statusDiscontinued:
		return ItemDiscontinued
	}
	return ItemActive
}

// OrderRules returns the item's minimum order quantity and order multiple
// in base units (zero for none), as Item(id) has them.
func (s *Snapshot) OrderRules(id ItemID) (minQty, multiple order.Decimal) {
	h := &s.hot[id]
	return h.minQty, h.multiple
}

// BaseUnit returns the item's normalised base unit code.
func (s *Snapshot) BaseUnit(id ItemID) string { return s.unitNames[s.hot[id].baseUnit] }

// ItemBySKU finds an item by SKU after normalisation (NormalizeCode).
func (s *Snapshot) ItemBySKU(sku string) (ItemID, bool) {
	var buf [64]byte
	id, ok := s.itemBySKU.get(0, appendCode(buf[:0], sku))
	return ItemID(id), ok
}

// ItemByGTIN finds the item a GTIN (from ParseGTIN) identifies. unit is the
// pack level's sales unit, or nil when the GTIN is the base unit's.
func (s *Snapshot) ItemByGTIN(gtin uint64) (id ItemID, unit *SalesUnit, ok bool) {
	r, ok := s.itemByGTIN.get(gtin)
	if !ok {
		return NoItem, nil, false
	}
	if r.unit >= 0 {
		unit = &s.units[r.unit]
	}
	return r.item, unit, true
}

// SalesUnits returns the item's sales units besides its base unit.
func (s *Snapshot) SalesUnits(id ItemID) []SalesUnit {
	h := &s.hot[id]
	return s.units[h.unitStart : h.unitStart+int32(h.nUnits)]
}

// UnitFactor returns how many base units of the item one `unit` is: 1 for
// the base unit, the pack size for a sales unit, the fixed ratio for a unit
// of the same dimension (GRM for a KGM item). unit must be normalised
// (NormalizeUnit). ok is false when the unit cannot be converted.
func (s *Snapshot) UnitFactor(id ItemID, unit string) (order.Decimal, bool) {
	h := &s.hot[id]
	base := s.unitNames[h.baseUnit]
	if unit == base {
		return order.NewDecimal(1), true
	}
	for i := h.unitStart; i < h.unitStart+int32(h.nUnits); i++ {
		if s.units[i].Unit == unit {
			return s.units[i].Factor, true
		}
	}
	return ConvertUnit(unit, base)
}

// CrossRef finds the customer's own item code. It returns the record, the
// item it points to and the unit the customer means ("" for none).
func (s *Snapshot) CrossRef(c CustomerID, code string) (*CrossRef, ItemID, string, bool) {
	if c < 0 {
		return nil, NoItem, "", false
	}
	var buf [64]byte
	k := appendCode(buf[:0], code)
	if len(k) == 0 {
		return nil, NoItem, "", false
	}
	i, ok := s.xrefIdx.get(int32(c), k)
	if !ok {
		return nil, NoItem, "", false
	}
	return &s.crossRefs[i], s.xrefItem[i], s.xrefUnit[i], true
}

// HasAssortment reports whether the customer is restricted to an assortment.
func (s *Snapshot) HasAssortment(c CustomerID) bool { return s.hasAssortment[c] }

// MayBuy reports whether the customer may buy the item: it is in the
// customer's assortment, or the customer has none. It does not look at the
// item's status.
func (s *Snapshot) MayBuy(c CustomerID, id ItemID) bool {
	if !s.hasAssortment[c] {
		return true
	}
	_, ok := s.assortment[uint64(c)<<32|uint64(uint32(id))]
	return ok
}

// priceScopeKey orders an item's prices: customer prices by customer,
// then price lists, then the list price.
func priceScopeKey(scope PriceScope, scopeIdx int32) uint32 {
	return uint32(scope)<<30 | uint32(scopeIdx)
}

// Prices returns the item's prices in one scope, MinQty ascending: the
// customer's own prices (ScopeCustomer), the customer's price list
// (ScopePriceList) or the list prices (ScopeList). Validity and currency are
// not filtered.
func (s *Snapshot) Prices(scope PriceScope, c CustomerID, id ItemID) []PriceEntry {
	var idx int32
	switch scope {
	case ScopeCustomer:
		if c < 0 {
			return nil
		}
		idx = int32(c)
	case ScopePriceList:
		if c < 0 || s.custPriceList[c] < 0 {
			return nil
		}
		idx = s.custPriceList[c]
	case ScopeList:
	default:
		return nil
	}
	h := &s.hot[id]
	keys := s.priceScope[h.priceStart : h.priceStart+h.nPrices]
	want := priceScopeKey(scope, idx)
	i := 0
	if len(keys) > 8 {
		i, _ = slices.BinarySearch(keys, want)
	}
	for i < len(keys) && keys[i] < want {
		i++
	}
	j := i
	for j < len(keys) && keys[j] == want {
		j++
	}
	if i == j {
		return nil
	}
	return s.prices[h.priceStart+int32(i) : h.priceStart+int32(j)]
}

// Version is the master-data version the snapshot was built from (Data.Version).
func (s *Snapshot) Version() int64 { return s.version }

// StockTotal returns the item's stock summed over all warehouses.
func (s *Snapshot) StockTotal(id ItemID) order.Decimal {
	return s.hot[id].stock
}

// StockIn returns the item's stock in one warehouse; ok is false for an
// unknown warehouse.
func (s *Snapshot) StockIn(id ItemID, warehouse string) (order.Decimal, bool) {
	w, ok := s.warehouses[normalizeID(warehouse)]
	if !ok {
		return order.Decimal{}, false
	}
	if ws := &s.stockWH[w]; ws.dense != nil {
		return ws.dense[id], true
	}
	return s.stockWH[w].sparse[id], true
}

// OpenOrdersValue returns the value of the customer's open (not invoiced)
// orders.
func (s *Snapshot) OpenOrdersValue(c CustomerID) order.Decimal { return s.openValue[c] }

// OpenOrderIDs returns the ids of the customer's open orders (as the ERP
// pushed them: our order id or the ERP's).
func (s *Snapshot) OpenOrderIDs(customer string) []string {
	var ids []string
	for i := range s.openOrders {
		if s.openOrders[i].Customer == customer {
			ids = append(ids, s.openOrders[i].OrderID)
		}
	}
	return ids
}

// OpenOrder finds an open order by order id.
func (s *Snapshot) OpenOrder(orderID string) (*OpenOrder, bool) {
	i, ok := s.openByID[orderID]
	if !ok {
		return nil, false
	}
	return &s.openOrders[i], true
}

// PriorOrders returns the customer's earlier orders with the PO number
// (compared after NormalizeCode), oldest first.
func (s *Snapshot) PriorOrders(c CustomerID, poNumber string) []PriorOrder {
	if c < 0 {
		return nil
	}
	var buf [72]byte
	k := binary.BigEndian.AppendUint32(buf[:0], uint32(c))
	k = appendCode(k, poNumber)
	sp, ok := s.priorIdx[string(k)]
	if !ok {
		return nil
	}
	return s.prior[sp.start : sp.start+sp.n]
}

// Prefetch touches the data matching reads for each item (its hot data,
// its first price and sales unit) in tight loops, so that the memory fetches
// of many items overlap instead of each line waiting for its own. It changes nothing; it is an optimisation for callers
// that resolve a batch of items before checking them. NoItem entries are
// skipped. The result is derived from the loads only so that the compiler
// keeps them; ignore it.
func (s *Snapshot) Prefetch(ids []ItemID) int64 {
	var sink int64
	for _, id := range ids {
		if id >= 0 {
			sink += s.hot[id].stock.Units()
		}
	}
	for _, id := range ids {
		if id < 0 {
			continue
		}
		h := &s.hot[id]
		if h.nPrices > 0 {
			sink += int64(s.priceScope[h.priceStart]) + s.prices[h.priceStart].Price.Units()
		}
		if h.nUnits > 0 {
			sink += s.units[h.unitStart].Factor.Units()
		}
	}
	return sink
}
