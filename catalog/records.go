// Package catalog holds the master data that matching checks orders against
// (customers, items, cross-references, prices, stock, open and prior orders)
// as an immutable in-memory Snapshot with O(1) indexes.
//
// The record types in this file mirror database tables one to one: the
// loader reads rows into a Data value and calls Build. Build validates every
// record (errors name the record) and indexes them; the resulting Snapshot is
// never modified, so any number of goroutines may read it while a newer one
// is built beside it.
//
// Normalisation rules (see normalize.go): SKUs and customer item codes are
// upper-cased with spaces, dashes, dots and slashes removed; GTINs are
// validated (GS1 check digit) and compared as 14-digit numbers; e-mail
// addresses and domains are lower-cased; unit codes are UN/ECE Recommendation
// 20 codes with a few common aliases (EA, H87, PCS, STK -> PCE).
package catalog

import (
	"time"

	"github.com/ordergate/ordergate/order"
)

// Data is the input of Build: plain slices of records, one slice per table.
// Build takes ownership of the slices: it keeps Customers, Items, CrossRefs
// OpenOrders and Locations as they are, reorders SalesUnits in place (grouped by
// item) and normalises the codes of SalesUnits and Prices. The caller must
// not modify any of them afterwards. Prices, Stock, Assortments and
// PriorOrders are copied into compact indexes and not retained.
type Data struct {
	// Currency is the home currency (ISO 4217). It applies to customers and
	// prices that name none. Required when any record lacks a currency.
	Currency string
	// Version is the master-data version the records were read at (0 for
	// data that does not come from the database).
	Version int64

	Customers   []Customer
	Items       []Item
	SalesUnits  []SalesUnit
	Assortments []AssortmentEntry
	CrossRefs   []CrossRef
	Prices      []Price
	Stock       []Stock
	OpenOrders  []OpenOrder
	PriorOrders []PriorOrder
	Locations   []Location
}

// Customer is a business customer (table customers).
type Customer struct {
	Number string // our customer number, unique
	Name   string
	// GLNs are the customer's Global Location Numbers (13 digits, GS1 check
	// digit), as sent in EDIFACT NAD+BY or as interchange sender.
	GLNs  []string
	VATID string
	// EDIIDs are the UNB interchange sender ids the customer's EDI partner
	// uses (without qualifier).
	EDIIDs []string
	// Emails are trusted sender addresses; Domains are the mail domains of
	// the customer (a domain identifies a customer only with a verified mail).
	Emails  []string
	Domains []string
	// Currency is the invoicing currency; empty means Data.Currency.
	Currency string
	// CreditLimit is nil when no limit is enforced.
	CreditLimit *order.Decimal
	// OpenBalance is invoiced but unpaid value.
	OpenBalance order.Decimal
	// PriceList names the customer's price list, empty for none.
	PriceList string
	// AutoApprove lets clean orders of this customer go to the ERP without
	// a human. Off means every order is reviewed (MANUAL_APPROVAL).
	AutoApprove bool
	// PriceTolerancePct is how far, in percent, a price sent by the customer
	// may differ from the agreed price before it is a PRICE_MISMATCH
	// (e.g. 0.5 = half a percent). Zero means the price must be exact.
	PriceTolerancePct order.Decimal
}

// ItemStatus is the life-cycle state of an item.
type ItemStatus string

// Item statuses.
const (
	ItemActive       ItemStatus = "active"
	ItemBlocked      ItemStatus = "blocked"      // temporarily not sold
	ItemDiscontinued ItemStatus = "discontinued" // no longer sold; see Replacement
)

// Item is a product we sell (table items). Quantities are in the base unit.
// (The fields matching reads on every line come first, to share a cache
// line.)
type Item struct {
	SKU string // our item number, unique after normalisation
	// Status is empty or ItemActive for active items.
	Status ItemStatus
	// MinQty is the minimum order quantity in base units; zero for none.
	MinQty order.Decimal
	// OrderMultiple is the quantity, in base units, orders must be a
	// multiple of (e.g. 6 for a six-pack sold only whole); zero for none.
	OrderMultiple order.Decimal
	// Replacement is the SKU that replaces a discontinued or blocked item.
	Replacement string
	Description string
	// BaseUnit is the UN/ECE Rec 20 code stock and prices are kept in
	// (PCE, KGM, LTR, MTR, ...).
	BaseUnit string
	// GTIN is the GTIN of one base unit, optional; GTINs of pack levels
	// are on SalesUnits.
	GTIN string
}

// SalesUnit is a unit an item is sold in besides its base unit (table
// item_units), e.g. CT = 12 PCE.
type SalesUnit struct {
	SKU  string
	Unit string // UN/ECE Rec 20 code: BX, CT, PK, PF, ... or any code the item uses
	// Factor is the number of base units in one of this unit (pack size).
	Factor order.Decimal
	// GTIN identifies this pack level, optional.
	GTIN string
}

// AssortmentEntry allows a customer to buy an item (table assortments). A
// customer with at least one entry may buy only those items; a customer
// without entries may buy every active item. (An empty assortment meaning
// "nothing" would make every order of a newly imported customer an exception;
// restricting is opt-in per customer.)
type AssortmentEntry struct {
	Customer string // customer number
	SKU      string
}

// Cross-reference sources.
const (
	SourceImported = "imported" // loaded from the customer's or ERP's list
	SourceLearned  = "learned"  // confirmed by a reviewer on an order
)

// CrossRef maps a customer's own item number to our SKU (table crossrefs).
type CrossRef struct {
	Customer     string // customer number
	CustomerItem string // the customer's code, unique per customer after normalisation
	SKU          string
	// Unit is the unit the customer means when ordering by this code
	// (e.g. CT); empty means the unit on the order line, else the base unit.
	Unit string
	// Source is SourceImported (or empty) or SourceLearned.
	Source    string
	LearnedBy string    // desk user who confirmed it
	LearnedAt time.Time // when
	// LearnedFrom is the id of the order it was learned on.
	LearnedFrom string
}

// Price is an agreed or listed price (table prices). Exactly one scope
// applies: Customer set = customer-specific price; PriceList set = price
// list; neither = the item's list price.
type Price struct {
	Customer  string // customer number, or empty
	PriceList string // price list name, or empty
	SKU       string
	Price     order.Decimal // per one Unit
	Currency  string        // empty means Data.Currency
	// Unit is the unit the price is per; empty means the base unit.
	Unit string
	// MinQty is the quantity break in base units: the price applies from
	// this quantity on. Zero for the base price.
	MinQty order.Decimal
	// ValidFrom and ValidTo bound the price's validity, both inclusive;
	// zero dates are open ends.
	ValidFrom order.Date
	ValidTo   order.Date
}

// Stock is the quantity of an item on hand in a warehouse, in base units
// (table stock). An item without stock records has no stock.
type Stock struct {
	SKU       string
	Warehouse string
	Quantity  order.Decimal
}

// OpenOrder is an order accepted but not yet invoiced (table open_orders),
// counted against the customer's credit limit.
type OpenOrder struct {
	Customer string
	OrderID  string
	Value    order.Decimal // in the customer's currency
}

// PriorOrder is an order already received from a customer (table orders),
// used to detect duplicates and to match changes and cancellations.
type PriorOrder struct {
	Customer string
	PONumber string
	OrderID  string
	Function order.Function
	// State is the pipeline state (e.g. "review", "approved", "rejected").
	State string
	// DeliveredToERP reports that the ERP already has the order, so a
	// change or cancellation can no longer be applied automatically.
	DeliveredToERP bool
	Received       time.Time
	// Later reports that the order arrived after the one being matched (by
	// document arrival, then interchange date and message position): the
	// first copy of a PO number is the original, whichever is matched
	// first. Only the pipeline's live history sets it.
	Later bool
}

// Location is a delivery location of a customer (table locations): a store,
// site or warehouse its orders name as ship-to (EDIFACT NAD+DP). A GLN
// belongs to one location; a code is unique per customer.
type Location struct {
	Customer string // customer number
	// GLN is the location's Global Location Number, as sent in NAD+DP.
	GLN string
	// Code is the ERP's code of the location (e.g. the customer's ship-to
	// address code); an order may name it as a party id assigned by the
	// supplier (NAD+DP+CODE::91).
	Code     string
	Name     string
	Address  string
	City     string
	Postcode string
	Country  string // ISO 3166-1 alpha-2
}
