package matching

import (
	"fmt"
	"strings"

	"github.com/ordergate/ordergate/order"
)

// Code is an exception code. The set is closed: every code is listed in
// Codes and documented below; the review UI, the API and the statistics
// rely on it. Add a code only together with its message and a test.
//
//	Code                Level  Meaning (what the desk does)
//	UNKNOWN_CUSTOMER    order  no customer identified (choose the customer)
//	AMBIGUOUS_CUSTOMER  order  sender and order name different customers (choose one)
//	UNVERIFIED_SENDER   order  mail without DKIM/SPF alignment (confirm the sender)
//	MANUAL_APPROVAL     order  customer is not on auto-approve (approve by hand)
//	PARSE_ERROR         both   the document is incomplete or inconsistent (fix the value)
//	CURRENCY_MISMATCH   both   order or price currency differs from the customer's
//	CREDIT_LIMIT        order  open balance + open orders + this order > limit
//	DUPLICATE_ORDER     order  the PO number was already received
//	DELIVERY_DATE       both   requested date in the past or more than MaxLeadDays ahead
//	ORIGINAL_NOT_FOUND  order  change/cancellation for a PO never received
//	ALREADY_DELIVERED   order  change/cancellation for an order already in the ERP
//	UNKNOWN_SHIP_TO     order  ship-to not a location of the customer, no full address (add the location)
//	UNKNOWN_ITEM        line   no item found (pick one of the suggestions)
//	AMBIGUOUS_ITEM      line   the line's numbers point to different items
//	INVALID_GTIN        line   the GTIN has a wrong length or check digit
//	NOT_IN_ASSORTMENT   line   the customer may not buy the item
//	ITEM_BLOCKED        line   item blocked for sale (replacement suggested)
//	ITEM_DISCONTINUED   line   item no longer sold (replacement suggested)
//	UNIT_MISMATCH       line   the unit is unknown or not convertible for the item
//	PACK_SIZE           line   not a whole number of packs / not a multiple of the order multiple
//	MIN_QUANTITY        line   below the item's minimum order quantity
//	PRICE_MISMATCH      line   sent price outside the tolerance of the agreed price
//	NO_PRICE            line   no valid price for the item, date and currency
//	INSUFFICIENT_STOCK  line   more ordered than in stock
//	VALUE_OUT_OF_RANGE  both   a line amount, base quantity or the order value is too large to compute
//	SPLIT_DELIVERY      line   the line goes to several places or dates, which the ERP connector cannot send (confirm, and enter the parts in the ERP)
//
// PARSE_ERROR is also raised for each warning the parser put on the order
// (order.PurchaseOrder.Warnings: a second quantity on a line, a date it
// could not read, a GLN with a wrong check digit, a segment out of place).
type Code string

// The exception codes.
const (
	UnknownCustomer   Code = "UNKNOWN_CUSTOMER"
	AmbiguousCustomer Code = "AMBIGUOUS_CUSTOMER"
	UnverifiedSender  Code = "UNVERIFIED_SENDER"
	ManualApproval    Code = "MANUAL_APPROVAL"
	ParseError        Code = "PARSE_ERROR"
	CurrencyMismatch  Code = "CURRENCY_MISMATCH"
	CreditLimit       Code = "CREDIT_LIMIT"
	DuplicateOrder    Code = "DUPLICATE_ORDER"
	DeliveryDate      Code = "DELIVERY_DATE"
	OriginalNotFound  Code = "ORIGINAL_NOT_FOUND"
	AlreadyDelivered  Code = "ALREADY_DELIVERED"
	UnknownShipTo     Code = "UNKNOWN_SHIP_TO"
	UnknownItem       Code = "UNKNOWN_ITEM"
	AmbiguousItem     Code = "AMBIGUOUS_ITEM"
	InvalidGTIN       Code = "INVALID_GTIN"
	NotInAssortment   Code = "NOT_IN_ASSORTMENT"
	ItemBlocked       Code = "ITEM_BLOCKED"
	ItemDiscontinued  Code = "ITEM_DISCONTINUED"
	UnitMismatch      Code = "UNIT_MISMATCH"
	PackSize          Code = "PACK_SIZE"
	MinQuantity       Code = "MIN_QUANTITY"
	PriceMismatch     Code = "PRICE_MISMATCH"
	NoPrice           Code = "NO_PRICE"
	InsufficientStock Code = "INSUFFICIENT_STOCK"
	ValueOutOfRange   Code = "VALUE_OUT_OF_RANGE"
	SplitDelivery     Code = "SPLIT_DELIVERY"
)

// Codes lists every exception code, order-level codes first.
var Codes = []Code{
	UnknownCustomer, AmbiguousCustomer, UnverifiedSender, ManualApproval, ParseError,
	CurrencyMismatch, CreditLimit, DuplicateOrder, DeliveryDate, OriginalNotFound,
	AlreadyDelivered, UnknownShipTo, UnknownItem, AmbiguousItem, InvalidGTIN, NotInAssortment,
	ItemBlocked, ItemDiscontinued, UnitMismatch, PackSize, MinQuantity,
	PriceMismatch, NoPrice, InsufficientStock, ValueOutOfRange, SplitDelivery,
}

// Valid reports whether c is one of Codes.
func (c Code) Valid() bool {
	_, ok := messages[c]
	return ok
}

// Title is a short label for the code, for lists and filters.
func (c Code) Title() string {
	if m, ok := messages[c]; ok {
		return m.title
	}
	return string(c)
}

// Suggestion is an item the desk may pick to fix a line.
type Suggestion struct {
	SKU         string  `json:"sku"`
	Description string  `json:"description,omitempty"`
	Reason      string  `json:"reason,omitempty"` // "description 82% similar", "replacement", "by GTIN"
	Score       float64 `json:"score,omitempty"`
}

// Exception is one reason an order needs a human, with the data to fix it.
type Exception struct {
	Code   Code `json:"code"`
	LineNo int  `json:"line_no,omitempty"` // 0 for the order
	// SKU is the resolved item of a line exception, when known.
	SKU string `json:"sku,omitempty"`
	// Got is the value in the order; Expected what the master data wants.
	Got      string `json:"got,omitempty"`
	Expected string `json:"expected,omitempty"`
	// Suggestions are items (or, for customers, customer numbers in SKU;
	// for ship-tos, the customer's locations by GLN or code) the desk can
	// pick.
	Suggestions []Suggestion `json:"suggestions,omitempty"`
	// Message is the sentence shown to the desk (see messages).
	Message string `json:"message"`
}

type message struct {
	title string
	// text renders the message. Placeholders: {line}, {sku}, {got},
	// {expected}, {suggestions}.
	text string
}

// messages holds the title and message template of every code. Messages
// are written for a sales clerk: what is wrong, in the order's words, and
// what the master data says.
var messages = map[Code]message{
	UnknownCustomer:   {"Unknown customer", "We could not tell which customer sent this order ({got}). Choose the customer.{suggestions}"},
	AmbiguousCustomer: {"Two customers", "The order points to two different customers: {got} and {expected}. Choose the right one."},
	UnverifiedSender:  {"Unverified sender", "The sender {got} could not be verified (no DKIM/SPF alignment); {expected}. Confirm the order is genuine."},
	ManualApproval:    {"Manual approval", "Orders of customer {got} are always approved by hand."},
	ParseError:        {"Unreadable order", "{got}"},
	CurrencyMismatch:  {"Wrong currency", "The order is in {got}, but {expected}."},
	CreditLimit:       {"Credit limit", "With this order the customer owes {got}, above the credit limit of {expected}."},
	DuplicateOrder:    {"Duplicate order", "Purchase order {got} was already received ({expected}). Reject this copy unless the customer really ordered twice."},
	DeliveryDate:      {"Delivery date", "The requested delivery date {got} is {expected}."},
	OriginalNotFound:  {"Original not found", "This {expected} refers to purchase order {got}, which we never received."},
	AlreadyDelivered:  {"Already in ERP", "Purchase order {got} is already in the ERP ({expected}); apply this change there by hand."},
	UnknownShipTo:     {"Unknown ship-to", "The order asks for delivery to {got}, which is not a delivery location of {expected}. Add the location to the master data (import locations) or correct the delivery address, then match again.{suggestions}"},
	UnknownItem:       {"Unknown item", "Line {line}: we do not know item {got}.{suggestions}"},
	AmbiguousItem:     {"Ambiguous item", "Line {line}: the item numbers on the line point to different items: {got}. Pick the right one.{suggestions}"},
	InvalidGTIN:       {"Invalid GTIN", "Line {line}: GTIN {got} is not valid ({expected})."},
	NotInAssortment:   {"Not in assortment", "Line {line}: {sku} is not in this customer's assortment."},
	ItemBlocked:       {"Item blocked", "Line {line}: {sku} is blocked for sale.{suggestions}"},
	ItemDiscontinued:  {"Item discontinued", "Line {line}: {sku} is discontinued.{suggestions}"},
	UnitMismatch:      {"Unknown unit", "Line {line}: unit {got} does not fit {sku}, which is sold in {expected}."},
	PackSize:          {"Pack size", "Line {line}: {got} of {sku} is not a whole number of packs; it is sold in {expected}."},
	MinQuantity:       {"Minimum quantity", "Line {line}: {got} of {sku} is below the minimum order quantity of {expected}."},
	PriceMismatch:     {"Price differs", "Line {line}: the order says {got} for {sku}, the agreed price is {expected}."},
	NoPrice:           {"No price", "Line {line}: there is no valid price for {sku} {expected}."},
	InsufficientStock: {"Not enough stock", "Line {line}: {got} of {sku} ordered, only {expected} in stock."},
	ValueOutOfRange:   {"Value out of range", "{got} is too large to compute: {expected}."},
	SplitDelivery:     {"Split delivery", "Line {line}: the customer wants this line delivered in {got}, but {expected}. Approving (confirm why) sends the whole quantity as one delivery: enter the parts in the ERP by hand."},
}

// OrderException renders an exception of the closed set as orders store
// it, for the steps after matching that find what matching could not see
// (the pipeline applying a change to its original order).
func OrderException(code Code, lineNo int, got, expected string) order.Exception {
	return newException(code, lineNo, "", got, expected, nil).stored()
}

// stored is the exception as orders store it.
func (e Exception) stored() order.Exception {
	x := order.Exception{Code: string(e.Code), LineNo: e.LineNo, Message: e.Message, SKU: e.SKU, Got: e.Got, Expected: e.Expected}
	for _, s := range e.Suggestions {
		x.Suggestions = append(x.Suggestions, order.Suggestion(s))
	}
	return x
}

// newException builds an exception and renders its message.
func newException(code Code, lineNo int, sku, got, expected string, sugg []Suggestion) Exception {
	e := Exception{Code: code, LineNo: lineNo, SKU: sku, Got: got, Expected: expected, Suggestions: sugg}
	e.Message = e.render()
	return e
}

func (e *Exception) render() string {
	m, ok := messages[e.Code]
	if !ok {
		panic(fmt.Sprintf("matching: exception code %q is not in the closed set", e.Code))
	}
	var sugg string
	if len(e.Suggestions) > 0 {
		var b strings.Builder
		b.WriteString(" Suggestions: ")
		for i, s := range e.Suggestions {
			if i > 0 {
				b.WriteString("; ")
			}
			b.WriteString(s.SKU)
			if s.Description != "" {
				fmt.Fprintf(&b, " (%s)", s.Description)
			}
			if s.Reason != "" {
				fmt.Fprintf(&b, " - %s", s.Reason)
			}
		}
		b.WriteByte('.')
		sugg = b.String()
	}
	r := strings.NewReplacer(
		"{line}", fmt.Sprint(e.LineNo),
		"{sku}", e.SKU,
		"{got}", e.Got,
		"{expected}", e.Expected,
		"{suggestions}", sugg,
	)
	return r.Replace(m.text)
}
