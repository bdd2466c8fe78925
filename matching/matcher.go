// Package matching decides whether an order is clean: it identifies the
// customer, resolves every line to one of our items and checks it
// (assortment, status, unit, pack size, price, stock), then checks the order
// (credit, duplicates, delivery date, changes against the original). It is
// pure: Match reads an immutable catalog.Snapshot and the order and does no
// I/O, so the same inputs always give the same Result.
//
// The rule is the business's: a wrong automatic approval is far worse than
// a review. An order is approved only when nothing at all is doubtful and
// the customer is on auto-approve; everything else carries exceptions from
// the closed set in codes.go.
package matching

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/ordergate/ordergate/catalog"
	"github.com/ordergate/ordergate/order"
)

// Status is the outcome of matching.
type Status string

// Statuses; the same strings as order.PurchaseOrder.Status.
const (
	StatusApproved Status = "approved"
	StatusReview   Status = "review"
)

// DefaultMaxLeadDays is how far ahead a requested delivery date may be.
const DefaultMaxLeadDays = 365

// Options are the inputs of Match besides the snapshot and the order.
type Options struct {
	// Today is the date delivery dates and price validity are checked
	// against. Required: matching never reads the clock.
	Today order.Date
	// MaxLeadDays: a delivery date later than Today + MaxLeadDays is
	// doubtful. Zero means DefaultMaxLeadDays.
	MaxLeadDays int
	// Warehouse, if set, is the warehouse stock is checked in; empty means
	// the sum over all warehouses.
	Warehouse string
	// IgnoreStock skips the stock check (for suppliers who produce to order).
	IgnoreStock bool
	// OrderID is the id of the order being matched, if it is already
	// stored: it is left out of prior and open orders so that re-matching
	// an order does not find it a duplicate of itself.
	OrderID string
	// MaxSuggestions caps the suggestions per unknown line; zero means 5,
	// negative means none (no description search).
	MaxSuggestions int
	// History, when set, is what the pipeline's database says of the
	// customer's other orders right now. It replaces the snapshot's prior
	// orders, which are only as fresh as the last snapshot build.
	History *History
	// SplitDeliveries reports that the ERP connector carries a line's
	// deliveries (order.Line.Deliveries) to the ERP (the webhook, and the
	// file export as JSON or EDIFACT). Without it a line delivered in parts
	// is SPLIT_DELIVERY: the desk enters the parts in the ERP.
	SplitDeliveries bool
}

// History is the live order history of the order's customer, read by the
// pipeline after a first Match identified the customer.
type History struct {
	// Customer is the customer number the history belongs to; it is
	// ignored when Match identifies another customer.
	Customer string
	// Prior are the customer's other orders with the order's PO number or
	// with the order number a change references (RFF+ON), this order excluded.
	Prior []catalog.PriorOrder
	// PendingValue is the value of the customer's orders accepted by
	// ordergate but not yet reported by the ERP as open orders (approved,
	// on their way to the ERP, or delivered after the snapshot's last
	// open-orders push), this order excluded. It adds to the snapshot's open
	// orders for the credit check.
	PendingValue order.Decimal
	// Reserved is the stock, per SKU in base units, that orders of any
	// customer accepted by ordergate hold and the snapshot's stock does not
	// reflect yet (see intake's exposure rule), this order excluded. It is
	// taken off the snapshot's stock; nil means none is known.
	Reserved map[string]order.Decimal
}

// Result is what Match decides.
type Result struct {
	Customer       catalog.CustomerID // catalog.NoCustomer if unknown
	CustomerNumber string
	// CustomerBy says how the customer was identified, e.g.
	// "EDI sender id 5412345000013".
	CustomerBy string
	// Currency is the currency the order is priced in.
	Currency string
	Status   Status
	// Lines has one entry per order line, in order.
	Lines      []LineResult
	Exceptions []Exception
	// Total is the order value at agreed prices (sent prices where no
	// agreed price was found); zero when TotalOutOfRange.
	Total order.Decimal
	// TotalOutOfRange reports that the order value could not be computed
	// (a line amount or the sum does not fit a Decimal); a
	// VALUE_OUT_OF_RANGE exception says where.
	TotalOutOfRange bool
	// DeliverTo is where the goods go, resolved from the order's ship-to
	// (see checkShipTo); nil for the customer's default address.
	DeliverTo *order.Location
}

// Approved reports whether the order may go to the ERP untouched.
func (r *Result) Approved() bool { return r.Status == StatusApproved }

// Path is how a line's item was found, in order of precedence.
type Path uint8

// Resolution paths. See DESIGN.md "Matching".
const (
	PathNone       Path = iota
	PathCrossRef        // the customer's own item number, via a cross-reference
	PathGTIN            // the GTIN of the item or of one of its pack levels
	PathSKU             // the supplier item number sent is our SKU
	PathBuyerAsSKU      // the buyer's item column holds our SKU (typical of sheets)
	PathDesk            // the sales desk mapped the line to the item (order.LineFix)
)

// Resolution records the evidence a line was resolved by.
type Resolution struct {
	Path     Path
	CrossRef *catalog.CrossRef // PathCrossRef
	GTIN     uint64            // PathGTIN
	Code     string            // the number as sent (PathSKU, PathBuyerAsSKU); who mapped it (PathDesk)
	// ID is the identification that found the item when it is none of the
	// line's BuyerItem, GTIN and SupplierItem (an ISBN, a vendor item
	// number, a second buyer's number).
	ID order.ItemID
}

// String renders the evidence for people, e.g. "GTIN 05412345000013" or
// "cross-reference learned from order 123 by anna". It allocates; Match
// does not call it.
func (r Resolution) String() string {
	if r.ID.Value != "" {
		return r.ID.String() + " (" + (Resolution{Path: r.Path, CrossRef: r.CrossRef, GTIN: r.GTIN, Code: r.Code}).String() + ")"
	}
	switch r.Path {
	case PathCrossRef:
		x := r.CrossRef
		s := "cross-reference " + x.CustomerItem
		if x.Source == catalog.SourceLearned {
			s = "cross-reference learned"
			if x.LearnedFrom != "" {
				s += " from order " + x.LearnedFrom
			}
			if x.LearnedBy != "" {
				s += " by " + x.LearnedBy
			}
			if !x.LearnedAt.IsZero() {
				s += " on " + order.DateOf(x.LearnedAt).String()
			}
			return s
		}
		return s + " (imported)"
	case PathGTIN:
		return "GTIN " + catalog.FormatGTIN(r.GTIN)
	case PathSKU:
		return "our SKU"
	case PathBuyerAsSKU:
		return "our SKU in the buyer's item column"
	case PathDesk:
		if r.Code == "" {
			return "chosen by the desk"
		}
		return "chosen by " + r.Code
	}
	return ""
}

// LineResult is the resolution of one order line.
type LineResult struct {
	LineNo int
	Item   catalog.ItemID // catalog.NoItem when unresolved
	SKU    string
	By     Resolution
	// Unit is the unit the quantity counts in (normalised UN/ECE Rec 20:
	// the base unit, a sales unit such as CT, or a unit convertible to the
	// base unit such as GRM); Quantity is in Unit, BaseQuantity in the
	// item's base unit.
	Unit         string
	Quantity     order.Decimal
	BaseQuantity order.Decimal
	// AgreedPrice is per one Unit, in Result.Currency, when HasPrice.
	AgreedPrice order.Decimal
	HasPrice    bool
	PriceScope  catalog.PriceScope
	// Amount is the line value at the agreed (or sent) price.
	Amount order.Decimal
}

// Resolved reports whether the line was resolved to an item.
func (l *LineResult) Resolved() bool { return l.Item != catalog.NoItem }

// Matcher holds a snapshot and options, for callers that match many orders
// against the same snapshot. The zero Matcher is not usable.
type Matcher struct {
	Snapshot *catalog.Snapshot
	Options  Options
}

// Match matches po against m.Snapshot.
func (m Matcher) Match(po *order.PurchaseOrder) *Result {
	return Match(m.Snapshot, po, m.Options)
}

// Match identifies the customer of po, resolves and checks its lines and
// the order, and returns the decision. It does not modify po (see Apply)
// and is deterministic. It panics if opts.Today is zero.
func Match(snap *catalog.Snapshot, po *order.PurchaseOrder, opts Options) *Result {
	if opts.Today.IsZero() {
		panic("matching: Options.Today is required")
	}
	if opts.MaxLeadDays == 0 {
		opts.MaxLeadDays = DefaultMaxLeadDays
	}
	if opts.MaxSuggestions == 0 {
		opts.MaxSuggestions = 5
	}
	m := &run{snap: snap, po: po, opts: opts, today: dateKey(opts.Today)}
	m.latest = dateKey(order.DateOf(opts.Today.Time().AddDate(0, 0, opts.MaxLeadDays)))
	m.res = &Result{Customer: catalog.NoCustomer, Lines: make([]LineResult, len(po.Lines))}
	m.identifyCustomer()
	m.checkDocument()
	m.checkShipTo()
	m.matchLines()
	m.checkTotal()
	m.checkOrder()
	// Order-level exceptions first, then by line; within those, in the
	// order the checks ran.
	slices.SortStableFunc(m.res.Exceptions, func(a, b Exception) int { return cmp.Compare(a.LineNo, b.LineNo) })
	if len(m.res.Exceptions) == 0 {
		m.res.Status = StatusApproved
	} else {
		m.res.Status = StatusReview
	}
	return m.res
}

// IdentifyCustomer returns the number of the customer po comes from, as
// Match decides it, or "" when none is identified. It runs the customer step
// alone, for callers that need the customer to gather the rest of Match's
// inputs (the pipeline reads the customer's order history for Options.History).
func IdentifyCustomer(snap *catalog.Snapshot, po *order.PurchaseOrder) string {
	m := &run{snap: snap, po: po, res: &Result{Customer: catalog.NoCustomer}}
	m.identifyCustomer()
	return m.res.CustomerNumber
}

// run is the state of one Match call.
type run struct {
	snap   *catalog.Snapshot
	po     *order.PurchaseOrder
	opts   Options
	res    *Result
	cust   *catalog.Customer // nil when unknown
	today  int32
	latest int32
	// currencyReported suppresses per-line currency exceptions once the
	// order-level one is raised.
	currencyReported bool
	demand           demand
	// sink collects the values of prefetching loads so they are kept.
	sink int64
}

func (m *run) add(e Exception) { m.res.Exceptions = append(m.res.Exceptions, e) }

// dateKey makes a Date comparable as one integer (YYYYMMDD); zero stays 0.
func dateKey(d order.Date) int32 { return catalog.DateKey(d) }

// Apply writes the result into the order the pipeline stores: the customer
// number (empty when no customer was identified: a customer chosen by a
// person stays in ChosenCustomer, and matching again decides afresh), status,
// exceptions, where the goods go, and per line SKU, agreed price and
// evidence.
func Apply(po *order.PurchaseOrder, r *Result) {
	po.CustomerNumber = r.CustomerNumber
	po.CustomerBy = r.CustomerBy
	po.DeliverTo = r.DeliverTo
	po.Total = nil
	if r.Customer != catalog.NoCustomer && !r.TotalOutOfRange {
		t := r.Total
		po.Total = &t
	}
	po.Status = string(r.Status)
	po.Exceptions = make([]order.Exception, len(r.Exceptions))
	for i, e := range r.Exceptions {
		po.Exceptions[i] = e.stored()
	}
	for i := range po.Lines {
		if i >= len(r.Lines) {
			break
		}
		l, lr := &po.Lines[i], &r.Lines[i]
		l.SKU, l.AgreedPrice, l.ResolvedBy = "", nil, ""
		l.SalesQuantity, l.SalesUnit, l.BaseQuantity = order.Decimal{}, "", order.Decimal{}
		if !lr.Resolved() {
			continue
		}
		l.SKU = lr.SKU
		l.SalesQuantity, l.SalesUnit, l.BaseQuantity = lr.Quantity, lr.Unit, lr.BaseQuantity
		l.ResolvedBy = lr.By.String()
		if lr.HasPrice {
			p := lr.AgreedPrice
			l.AgreedPrice = &p
		}
	}
}

// String summarises a result in one line, for logs and tests.
func (r *Result) String() string {
	codes := make([]string, len(r.Exceptions))
	for i, e := range r.Exceptions {
		codes[i] = string(e.Code)
		if e.LineNo > 0 {
			codes[i] += fmt.Sprintf("@%d", e.LineNo)
		}
	}
	return fmt.Sprintf("%s customer=%s total=%s exceptions=%v", r.Status, r.CustomerNumber, r.Total, codes)
}
