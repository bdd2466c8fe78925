// Package order defines the canonical purchase order that every intake
// channel produces and every later stage consumes, and its JSON form, which
// is a public contract (see DESIGN.md, "Interfaces that others depend on").
package order

import (
	"fmt"
	"strings"
	"time"
)

// Function is what a document asks for: a new order, a change to one, a
// cancellation or a full replacement. See UN/EDIFACT BGM data element 1225.
type Function string

const (
	FunctionOriginal     Function = "original"     // BGM 1225 = 9
	FunctionChange       Function = "change"       // BGM 1225 = 4, or ORDCHG
	FunctionCancellation Function = "cancellation" // BGM 1225 = 1
	FunctionReplace      Function = "replace"      // BGM 1225 = 5
)

// Valid reports whether f is one of the defined functions.
func (f Function) Valid() bool {
	switch f {
	case FunctionOriginal, FunctionChange, FunctionCancellation, FunctionReplace:
		return true
	}
	return false
}

// Sender kinds: how the sender of a document is identified.
const (
	SenderEDI    = "edi"    // UNB interchange sender id (with qualifier)
	SenderGLN    = "gln"    // a GLN from the document
	SenderEmail  = "email"  // the From address of a mail
	SenderUser   = "user"   // the desk user who uploaded the file
	SenderAPI    = "api"    // an API client
	SenderFolder = "folder" // a file dropped into a watched folder
	SenderLink   = "link"   // a customer's buyer through an order link the desk issued
)

// Sender identifies who sent a document, as far as the channel can tell.
type Sender struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
	// Qualifier is the EDIFACT identification code qualifier (UNB 0007),
	// e.g. "14" for a GLN; empty elsewhere.
	Qualifier string `json:"qualifier,omitempty"`
	// Verified reports that the channel authenticated the sender (a DKIM/SPF
	// aligned mail, a logged-in user, an API key). Unverified senders are
	// never auto-approved.
	Verified bool `json:"verified,omitempty"`
}

// Party is a buyer, ship-to, invoicee or supplier. See EDIFACT NAD.
type Party struct {
	GLN string `json:"gln,omitempty"`
	// ID is a party id in another code list (CodeList names it, e.g. "92"
	// assigned by buyer, "91" assigned by supplier).
	ID       string `json:"id,omitempty"`
	CodeList string `json:"code_list,omitempty"`
	Name     string `json:"name,omitempty"`
	Address  string `json:"address,omitempty"`
	City     string `json:"city,omitempty"`
	Postcode string `json:"postcode,omitempty"`
	Country  string `json:"country,omitempty"`
}

// IsZero reports whether nothing is known of the party.
func (p *Party) IsZero() bool { return p == nil || *p == Party{} }

// Reference is a document reference (EDIFACT RFF), e.g. ON order number,
// CT contract, VN supplier's order number.
type Reference struct {
	Qualifier string `json:"qualifier"`
	Value     string `json:"value"`
	Date      Date   `json:"date,omitzero"`
}

// Envelope records where an EDI message came from inside its interchange.
type Envelope struct {
	Syntax           string `json:"syntax,omitempty"` // e.g. UNOC:3
	InterchangeRef   string `json:"interchange_ref,omitempty"`
	InterchangeFrom  string `json:"interchange_from,omitempty"`
	InterchangeTo    string `json:"interchange_to,omitempty"`
	GroupRef         string `json:"group_ref,omitempty"`
	MessageRef       string `json:"message_ref,omitempty"`
	MessageType      string `json:"message_type,omitempty"`    // ORDERS, ORDCHG
	MessageVersion   string `json:"message_version,omitempty"` // D:96A:UN:EAN008
	AssociationCode  string `json:"association_code,omitempty"`
	MessageIndex     int    `json:"message_index,omitempty"` // 1-based within the file
	TestIndicator    bool   `json:"test,omitempty"`
	PreparationStamp string `json:"prepared,omitempty"`
}

// Amount is a monetary amount with its qualifier (EDIFACT MOA 5025).
type Amount struct {
	Qualifier string  `json:"qualifier"`
	Value     Decimal `json:"value"`
	Currency  string  `json:"currency,omitempty"`
}

// PurchaseOrder is the canonical order every parser produces.
type PurchaseOrder struct {
	Format   string `json:"format"` // edifact, email, xlsx, csv, text
	PONumber string `json:"po_number"`
	// PONumberFrom says where a PO number that is not in the document
	// came from: PONumberFromFileName or PONumberGenerated (a sheet
	// without one); empty when the document states it. A reader that
	// knows the number better (a mail's subject) may replace such a one.
	PONumberFrom string   `json:"po_number_from,omitempty"`
	Function     Function `json:"function"`
	OrderDate    Date     `json:"order_date,omitzero"`
	DeliveryDate Date     `json:"delivery_date,omitzero"`
	// DeliveryEarliest and DeliveryLatest bound the delivery window the
	// buyer asks for (EDIFACT DTM 64 and 63, or the ends of a period such
	// as DTM 2 with format 718); DeliveryPromised is the date delivery was
	// promised for (DTM 69). DeliveryDate is the requested date (DTM 2),
	// else the earliest, else the latest.
	DeliveryEarliest Date   `json:"delivery_earliest,omitzero"`
	DeliveryLatest   Date   `json:"delivery_latest,omitzero"`
	DeliveryPromised Date   `json:"delivery_promised,omitzero"`
	Currency         string `json:"currency,omitempty"`
	// CustomerNumber is our number of the customer the order is from: as
	// matching identified it, or as the document says where no matching
	// ran (a parser that reads it from the document).
	CustomerNumber string `json:"customer_number,omitempty"`
	// ChosenCustomer is the customer a person chose for the document (at
	// upload, or at the desk). Matching takes it as the first evidence and
	// never writes it: matching's own result goes to CustomerNumber.
	ChosenCustomer string      `json:"chosen_customer,omitempty"`
	Sender         Sender      `json:"sender"`
	Buyer          *Party      `json:"buyer,omitempty"`
	ShipTo         *Party      `json:"ship_to,omitempty"`
	Invoicee       *Party      `json:"invoicee,omitempty"`
	Supplier       *Party      `json:"supplier,omitempty"`
	References     []Reference `json:"references,omitempty"`
	Notes          []string    `json:"notes,omitempty"`
	Amounts        []Amount    `json:"amounts,omitempty"`
	Lines          []Line      `json:"lines"`
	// LineCount is the number of lines the sender declared (EDIFACT CNT+2),
	// zero when not declared.
	LineCount int       `json:"line_count,omitempty"`
	Envelope  *Envelope `json:"edi,omitempty"`
	// Warnings are what the parser read around in this order and a person
	// should look at: a second ordered quantity on a line, a date in a
	// format it does not know, a GLN with a wrong check digit, a segment
	// out of place. Matching sends an order with warnings to review.
	Warnings []string `json:"warnings,omitempty"`

	// SourceFile names the attachment or file inside the document the order
	// was read from (a mail's attachment), when not the document itself.
	SourceFile string `json:"source_file,omitempty"`
	// SourcePart is the 1-based part of a mail the order was read from
	// (its text, or an attachment), as GET /api/v1/documents/{id}/parts/{n}
	// numbers them; 0 for other documents.
	SourcePart int `json:"source_part,omitempty"`
	// SourceSheets names the sheets that Source.Sheet numbers (1-based).
	SourceSheets []string `json:"source_sheets,omitempty"`
	// Sources points each order-level value back to where it was read, keyed
	// by JSON field name ("po_number", "buyer.gln", ...).
	Sources Sources `json:"sources,omitempty"`

	// Set by matching: how the customer was identified, the order value at
	// agreed prices, the decision and its reasons.
	CustomerBy string `json:"customer_by,omitempty"`
	// DeskApproval is set when the sales desk approved the order by hand.
	DeskApproval *DeskApproval `json:"desk_approval,omitempty"`
	Total        *Decimal      `json:"total,omitempty"`
	Status       string        `json:"status,omitempty"`
	Exceptions   []Exception   `json:"exceptions,omitempty"`
	// DeliverTo is where the goods go, as matching resolved ShipTo: the
	// customer's location from the master data, or the address as sent.
	// Nil means the customer's default address (no ship-to, or the
	// customer's own GLN). ShipTo stays as the customer sent it.
	DeliverTo *Location `json:"deliver_to,omitempty"`
}

// Location is a delivery address as the ERP connectors send it.
type Location struct {
	// Code is the ERP's code of the customer's delivery location (a
	// ship-to address code, Visma's customer location id), when the master
	// data has one.
	Code     string `json:"code,omitempty"`
	GLN      string `json:"gln,omitempty"`
	Name     string `json:"name,omitempty"`
	Address  string `json:"address,omitempty"`
	City     string `json:"city,omitempty"`
	Postcode string `json:"postcode,omitempty"`
	Country  string `json:"country,omitempty"` // ISO 3166-1 alpha-2
	// From says how it was found: LocationFromMasterData or
	// LocationAsSent.
	From string `json:"from,omitempty"`
}

// Where a Location comes from.
const (
	LocationFromMasterData = "locations" // a location of the customer in the master data
	LocationAsSent         = "order"     // the ship-to address in the order
)

// HasAddress reports whether the location carries a postal address (a
// street and a city), as opposed to a bare code or GLN.
func (l *Location) HasAddress() bool {
	return l != nil && strings.TrimSpace(l.Address) != "" && strings.TrimSpace(l.City) != ""
}

// Where a PO number that the document does not state came from
// (PurchaseOrder.PONumberFrom).
const (
	// PONumberFromFileName: the file's name, which looks like an order
	// number ("PO-4500012345.xlsx").
	PONumberFromFileName = "file_name"
	// PONumberGenerated: numbered after the file's content, NOPO-…, as
	// the document has no number at all.
	PONumberGenerated = "generated"
)

// LineAction says what a line of a change message does to the original
// order's line. See EDIFACT LIN 1229.
type LineAction string

const (
	LineAdd    LineAction = "add"
	LineChange LineAction = "change"
	LineDelete LineAction = "delete"
	LineKeep   LineAction = "unchanged"
)

// Line is one order line.
type Line struct {
	LineNo       int    `json:"line_no"`
	BuyerItem    string `json:"buyer_item,omitempty"`
	SupplierItem string `json:"supplier_item,omitempty"`
	GTIN         string `json:"gtin,omitempty"`
	// Identifiers are every item identification the line was sent with, in
	// order, with its type (BuyerItem, SupplierItem and GTIN hold the first
	// of their kinds). See ItemID. Where each was read: IdentifierSource
	// (Sources holds "identifiers[i]" for those none of the three shows).
	Identifiers []ItemID `json:"identifiers,omitempty"`
	Description string   `json:"description,omitempty"`
	Quantity    Decimal  `json:"quantity"`
	Unit        string   `json:"unit,omitempty"` // UN/ECE Rec 20 code where known (PCE, KGM, ...)
	UnitPrice   *Decimal `json:"unit_price,omitempty"`
	// PriceBasis is the quantity the unit price refers to (EDIFACT PRI 5284),
	// e.g. a price per 100 pieces. Nil means 1.
	PriceBasis   *Decimal `json:"price_basis,omitempty"`
	GrossPrice   *Decimal `json:"gross_price,omitempty"`
	LineAmount   *Decimal `json:"line_amount,omitempty"`
	DeliveryDate Date     `json:"delivery_date,omitzero"`
	// The delivery window, promised date and split deliveries of the few
	// lines that have them; nil on the others. Read them with Schedule (a
	// promoted field read through the nil pointer panics), write them
	// through EnsureSchedule.
	*LineSchedule
	Action     LineAction  `json:"action,omitempty"`
	References []Reference `json:"references,omitempty"`
	Location   string      `json:"location,omitempty"`
	Notes      []string    `json:"notes,omitempty"`
	Sources    Sources     `json:"sources,omitempty"`

	// Desk is what the sales desk changed on the line, nil when nothing:
	// the values as sent above stay as they were.
	Desk *LineFix `json:"desk,omitempty"`

	// Set by matching.
	SKU string `json:"sku,omitempty"`
	// SalesQuantity in SalesUnit is the quantity as matching understood it
	// (units normalised to UN/ECE Rec 20, a cross-reference's unit applied);
	// AgreedPrice is per one SalesUnit. BaseQuantity is in the item's base unit.
	SalesQuantity Decimal  `json:"sales_quantity,omitzero"`
	SalesUnit     string   `json:"sales_unit,omitempty"`
	BaseQuantity  Decimal  `json:"base_quantity,omitzero"`
	AgreedPrice   *Decimal `json:"agreed_price,omitempty"`
	ResolvedBy    string   `json:"resolved_by,omitempty"`
}

// LineSchedule is what a line may say about its delivery beyond its
// delivery date: a window, a promised date (EDIFACT DTM 64, 63 and 69 under
// LIN) and split deliveries (segment group 33). Few lines carry any of it,
// so Line holds it behind a pointer: the lines of a large interchange, all
// in memory at once, are smaller for it. Line embeds it, and encoding/json
// writes its fields as the line's own (none when the pointer is nil) and
// allocates it when it reads one of them: the JSON is as if the fields
// were Line's. A copy of a Line shares its schedule.
type LineSchedule struct {
	// The line's delivery window and promised date, as on the order.
	DeliveryEarliest Date `json:"delivery_earliest,omitzero"`
	DeliveryLatest   Date `json:"delivery_latest,omitzero"`
	DeliveryPromised Date `json:"delivery_promised,omitzero"`
	// Deliveries split the line over several places or dates (EDIFACT
	// ORDERS segment group 33 under LIN: LOC, QTY, DTM); empty when the
	// whole quantity goes to the order's (or Location's) place.
	Deliveries []Delivery `json:"deliveries,omitempty"`
}

// Schedule returns the line's schedule, a zero one (not to be written
// through) when it has none.
func (l *Line) Schedule() LineSchedule {
	if l.LineSchedule == nil {
		return LineSchedule{}
	}
	return *l.LineSchedule
}

// EnsureSchedule returns the line's schedule to write to, allocating it on
// first use.
func (l *Line) EnsureSchedule() *LineSchedule {
	if l.LineSchedule == nil {
		l.LineSchedule = new(LineSchedule)
	}
	return l.LineSchedule
}

// Delivery is one part of a split delivery: a quantity of the line for a
// place (a GLN or the buyer's location code) on a date.
type Delivery struct {
	Location string  `json:"location,omitempty"`
	Quantity Decimal `json:"quantity"`
	Date     Date    `json:"date,omitzero"`
}

// DeskApproval records who approved an order by hand, when, why, and the
// exception codes they confirmed.
type DeskApproval struct {
	By        string    `json:"by"`
	At        time.Time `json:"at"`
	Reason    string    `json:"reason,omitempty"`
	Confirmed []string  `json:"confirmed,omitempty"`
}

// LineFix is what the sales desk set on a line while clearing the order.
// Matching takes it over the values as sent.
type LineFix struct {
	// SKU is the item the desk mapped the line to.
	SKU string `json:"sku,omitempty"`
	// Quantity and Unit replace the quantity and unit as sent.
	Quantity *Decimal `json:"quantity,omitempty"`
	Unit     string   `json:"unit,omitempty"`
	// Deleted: the line is not delivered.
	Deleted bool `json:"deleted,omitempty"`
	// AcceptPrice: the price as sent is accepted where it differs from the
	// agreement (or there is none); approving then asks for a confirmation.
	AcceptPrice bool `json:"accept_price,omitempty"`
	// By is who made the last change.
	By string `json:"by,omitempty"`
}

// Asked returns the quantity and unit the customer asks for: as sent, or as
// the desk corrected them.
func (l *Line) Asked() (Decimal, string) {
	q, u := l.Quantity, l.Unit
	if l.Desk != nil {
		if l.Desk.Quantity != nil {
			q = *l.Desk.Quantity
		}
		if l.Desk.Unit != "" {
			u = l.Desk.Unit
		}
	}
	return q, u
}

// Deleted reports whether the desk took the line out of the order.
func (l *Line) Deleted() bool { return l.Desk != nil && l.Desk.Deleted }

// Ordered returns the quantity and unit to deliver: the matched sales
// quantity when matching resolved the line, else the quantity as sent.
// The agreed price is per this unit.
func (l *Line) Ordered() (Decimal, string) {
	if l.SalesUnit != "" {
		return l.SalesQuantity, l.SalesUnit
	}
	return l.Asked()
}

// PricePerUnit returns the unit price as sent for one unit of the line's
// unit: UnitPrice divided by PriceBasis (EDIFACT PRI 5284, e.g. a price per
// 100 pieces; nil or not positive means 1). sent is false when the line
// has no price; ok is false when the price per unit is out of range (a
// basis below 1 multiplies).
func (l *Line) PricePerUnit() (p Decimal, sent, ok bool) {
	if l.UnitPrice == nil {
		return Decimal{}, false, true
	}
	p = *l.UnitPrice
	if b := l.PriceBasis; b != nil && b.Sign() > 0 && b.units != scaleFactor {
		p, ok = p.Div(*b)
		return p, true, ok
	}
	return p, true, true
}

// Exception is one reason an order cannot be approved automatically. Codes
// are a closed set owned by the matching package; LineNo is 0 for order-level
// exceptions. The other fields carry what the desk needs to fix it.
type Exception struct {
	Code    string `json:"code"`
	LineNo  int    `json:"line_no,omitempty"`
	Message string `json:"message"`
	// SKU is the line's resolved item, when known.
	SKU string `json:"sku,omitempty"`
	// Got is the value in the order; Expected what the master data wants.
	Got      string `json:"got,omitempty"`
	Expected string `json:"expected,omitempty"`
	// Suggestions are items (or customers) the desk can pick.
	Suggestions []Suggestion `json:"suggestions,omitempty"`
}

// Suggestion is a candidate the desk can pick to fix an exception.
type Suggestion struct {
	SKU         string  `json:"sku"`
	Description string  `json:"description,omitempty"`
	Reason      string  `json:"reason,omitempty"`
	Score       float64 `json:"score,omitempty"`
}

// Reference returns the first reference with the qualifier, or "".
func (o *PurchaseOrder) Reference(qualifier string) string {
	for _, r := range o.References {
		if r.Qualifier == qualifier {
			return r.Value
		}
	}
	return ""
}

// Validate checks what every parser must guarantee of an order it returns:
// a PO number, a known function, and lines with positive quantities (a
// cancellation may have no lines). It returns a list of problems phrased for
// a sales clerk, or nil.
func (o *PurchaseOrder) Validate() []string {
	var probs []string
	if strings.TrimSpace(o.PONumber) == "" {
		probs = append(probs, "the order has no purchase order number")
	}
	if !o.Function.Valid() {
		probs = append(probs, fmt.Sprintf("unknown document function %q", o.Function))
	}
	if len(o.Lines) == 0 && o.Function != FunctionCancellation {
		probs = append(probs, "the order has no lines")
	}
	for _, l := range o.Lines {
		if l.Action == LineDelete {
			continue
		}
		if l.Quantity.Sign() <= 0 && !(o.Function == FunctionChange && l.Quantity.IsZero()) {
			probs = append(probs, fmt.Sprintf("line %d: quantity %s is not a positive number", l.LineNo, l.Quantity))
		}
	}
	return probs
}
