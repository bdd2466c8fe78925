package erp

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/oauth2/clientcredentials"

	"github.com/ordergate/ordergate/catalog"
	"github.com/ordergate/ordergate/order"
)

// BusinessCentral creates sales orders in Microsoft Dynamics 365 Business
// Central through its standard API v2.0.
//
// Authentication is the OAuth 2.0 client credentials flow of Microsoft
// Entra ID (service-to-service, "S2S"): the app registration's client id
// and secret are exchanged at
// https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token for a token
// with scope https://api.businesscentral.dynamics.com/.default. The app must
// be registered in Business Central (Microsoft Entra applications page)
// with permission to create sales orders.
//
// An order is created with one deep insert:
//
//	POST {base}/v2.0/{tenant}/{environment}/api/v2.0/companies({companyId})/salesOrders
//	{"customerNumber":"10000","externalDocumentNumber":"PO-4711",
//	 "requestedDeliveryDate":"2026-12-01",
//	 "shipToName":"Store Gent","shipToAddressLine1":"Veldstraat 1","shipToCity":"Gent",...,
//	 "salesOrderLines":[{"lineType":"Comment","description":"Deliver via the back door"},
//	   {"lineType":"Item","lineObjectNumber":"1896-S","quantity":10,"unitPrice":12.5,"shipmentDate":"2026-12-03"}]}
//
// See https://learn.microsoft.com/dynamics365/business-central/dev-itpro/api-reference/v2.0/api/dynamics_salesorder_create
// and .../api/dynamics_salesorderline_create. unitPrice is sent only when
// matching found an agreed price; otherwise Business Central prices the line
// itself. Errors come as {"error":{"code":"...","message":"..."}}; the
// message is kept verbatim for the sales desk.
//
// Where and when (field names from the salesOrder and salesOrderLine
// resource types of API v2.0, .../api-reference/v2.0/resources/dynamics_salesorder
// and dynamics_salesorderline; lengths from the Sales Header and Sales Line
// tables of the base application):
//
//   - The delivery address (DeliverTo) goes into shipToName (100 characters),
//     shipToAddressLine1 (100) and shipToAddressLine2 (50), shipToCity (30),
//     shipToPostCode (20) and shipToCountry (10). The salesOrder of API v2.0
//     has no shipToCode, so a location is sent by its address; one the
//     master data knows only by its code is refused before sending. The
//     other ship-to fields (line 2, state, contact) are sent empty, so that
//     none of the customer's default address is left mixed in. A value
//     longer than its field is refused before sending, with the field named.
//   - requestedDeliveryDate is the order's date (or the one date all lines
//     share); Business Central plans the lines' shipment from it. A line
//     asking for another date gets it as its shipmentDate, the only date a
//     salesOrderLine of API v2.0 has.
//   - The customer's notes become comment lines (lineType "Comment"; their
//     description holds 100 characters, so a longer note takes several):
//     the order's notes before the first line, a line's notes after it.
//
// Business Central has no idempotency key: Lookup searches salesOrders by
// externalDocumentNumber and customerNumber, which the delivery job does
// before posting an order again.
type BusinessCentral struct {
	cfg     BusinessCentralConfig
	unitMap unitMap // cfg.Units
	s       sender
	tok     *tokens

	// units maps UN/ECE Rec 20 codes to the company's unit of measure
	// codes, read from its unitsOfMeasure (internationalStandardCode).
	unitsMu sync.Mutex
	units   map[string]string
	unitsAt time.Time
}

// unitsMaxAge is how long the company's units of measure are used before
// they are read again.
const unitsMaxAge = time.Hour

// NewBusinessCentral returns the Business Central connector; cfg must be
// valid (see Config.Validate). Empty BaseURL, TokenURL and Scope take the
// defaults.
func NewBusinessCentral(cfg BusinessCentralConfig, client *http.Client, logger *slog.Logger) *BusinessCentral {
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBusinessCentralBaseURL
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if cfg.TokenURL == "" {
		cfg.TokenURL = DefaultBusinessCentralTokenURL
	}
	cfg.TokenURL = strings.ReplaceAll(cfg.TokenURL, "{tenant}", url.PathEscape(cfg.TenantID))
	if cfg.Scope == "" {
		cfg.Scope = DefaultBusinessCentralScope
	}
	s := newSender(KindBusinessCentral, client, logger)
	cc := clientcredentials.Config{
		ClientID:     cfg.ClientID,
		ClientSecret: cfg.ClientSecret.Reveal(),
		TokenURL:     cfg.TokenURL,
		Scopes:       []string{cfg.Scope},
	}
	return &BusinessCentral{cfg: cfg, unitMap: newUnitMap(cfg.Units), s: s, tok: newTokens(KindBusinessCentral, cc, s.client)}
}

// Name returns "businesscentral".
func (bc *BusinessCentral) Name() string { return KindBusinessCentral }

// bcSalesOrder is the salesOrder entity, as far as we write and read it.
// The ship-to fields are pointers: nil is not sent (the customer's
// default), a pointer to "" clears the field.
type bcSalesOrder struct {
	ID                     string        `json:"id,omitempty"`
	Number                 string        `json:"number,omitempty"`
	CustomerNumber         string        `json:"customerNumber"`
	ExternalDocumentNumber string        `json:"externalDocumentNumber"`
	RequestedDeliveryDate  string        `json:"requestedDeliveryDate,omitempty"`
	ShipToName             *string       `json:"shipToName,omitempty"`
	ShipToContact          *string       `json:"shipToContact,omitempty"`
	ShipToAddressLine1     *string       `json:"shipToAddressLine1,omitempty"`
	ShipToAddressLine2     *string       `json:"shipToAddressLine2,omitempty"`
	ShipToCity             *string       `json:"shipToCity,omitempty"`
	ShipToState            *string       `json:"shipToState,omitempty"`
	ShipToPostCode         *string       `json:"shipToPostCode,omitempty"`
	ShipToCountry          *string       `json:"shipToCountry,omitempty"`
	SalesOrderLines        []bcOrderLine `json:"salesOrderLines,omitempty"`
}

type bcOrderLine struct {
	LineType         string        `json:"lineType"` // "Item" or "Comment"
	LineObjectNumber string        `json:"lineObjectNumber,omitempty"`
	Description      string        `json:"description,omitempty"` // comment lines only
	Quantity         order.Decimal `json:"quantity,omitzero"`
	// UnitOfMeasureCode is sent with every line: without it Business
	// Central counts the quantity in the item's default sales unit, which
	// need not be the unit the quantity and price were matched in.
	UnitOfMeasureCode string         `json:"unitOfMeasureCode,omitempty"`
	UnitPrice         *order.Decimal `json:"unitPrice,omitempty"`
	ShipmentDate      string         `json:"shipmentDate,omitempty"`
}

// Field lengths of the Sales Header ship-to fields and of a Sales Line
// description in Business Central.
const (
	bcNameLen     = 100
	bcAddressLen  = 100
	bcAddress2Len = 50
	bcCityLen     = 30
	bcPostCodeLen = 20
	bcCountryLen  = 10
	bcCommentLen  = 100
)

// bcShipTo sets the ship-to fields of so to the order's delivery address.
func bcShipTo(so *bcSalesOrder, po *order.PurchaseOrder) *Error {
	to := po.DeliverTo
	if to == nil {
		return nil
	}
	if !to.HasAddress() {
		return permanent(KindBusinessCentral, "deliver", fmt.Sprintf(
			"the goods go to %s, but the master data has no street and city for it, and Business Central's API cannot choose a ship-to address by its code; add the address to the locations master data and match the order again",
			locationName(to)))
	}
	lines, fits := fit(to.Address, bcAddressLen, bcAddress2Len)
	var long []string
	check := func(field, v string, n int) *string {
		if utf8.RuneCountInString(v) > n {
			long = append(long, fmt.Sprintf("%s %q is longer than %d characters", field, v, n))
		}
		return &v
	}
	if !fits {
		long = append(long, fmt.Sprintf("address %q is longer than %d characters", to.Address, bcAddressLen+bcAddress2Len))
		lines = []string{"", ""}
	}
	empty := ""
	if to.Name != "" { // else the customer's name stays
		so.ShipToName = check("name", to.Name, bcNameLen)
	}
	so.ShipToAddressLine1, so.ShipToAddressLine2 = &lines[0], &lines[1]
	so.ShipToCity = check("city", to.City, bcCityLen)
	so.ShipToPostCode = check("postcode", to.Postcode, bcPostCodeLen)
	so.ShipToCountry = check("country", to.Country, bcCountryLen)
	so.ShipToState, so.ShipToContact = &empty, &empty
	if len(long) > 0 {
		return permanent(KindBusinessCentral, "deliver", "the delivery address does not fit Business Central: "+
			strings.Join(long, "; ")+"; shorten it in the locations master data or in the order")
	}
	return nil
}

// bcComments are the comment lines that carry notes.
func bcComments(notes []string) []bcOrderLine {
	var out []bcOrderLine
	for _, n := range notes {
		for _, piece := range wrap(n, bcCommentLen) {
			out = append(out, bcOrderLine{LineType: "Comment", Description: piece})
		}
	}
	return out
}

// locationName names a delivery location for the desk.
func locationName(l *order.Location) string {
	var ids []string
	for _, s := range []string{l.Name, l.Code, l.GLN} {
		if s != "" {
			ids = append(ids, s)
		}
	}
	if len(ids) == 0 {
		return "the delivery location"
	}
	return "location " + strings.Join(ids, " / ")
}

// bcError is Business Central's (OData) error body.
type bcError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func (bc *BusinessCentral) salesOrdersURL() string {
	return fmt.Sprintf("%s/v2.0/%s/%s/api/v2.0/companies(%s)/salesOrders", bc.cfg.BaseURL,
		url.PathEscape(bc.cfg.TenantID), url.PathEscape(bc.cfg.Environment), url.PathEscape(bc.cfg.CompanyID))
}

// Deliver creates the sales order with its lines in one request.
func (bc *BusinessCentral) Deliver(ctx context.Context, d Delivery) (Receipt, error) {
	po := &d.Order
	if e := checkOrder(KindBusinessCentral, po); e != nil {
		return Receipt{}, e
	}
	date := orderDate(po)
	so := bcSalesOrder{
		CustomerNumber:         po.CustomerNumber,
		ExternalDocumentNumber: po.PONumber,
		RequestedDeliveryDate:  date.String(),
	}
	if e := bcShipTo(&so, po); e != nil {
		return Receipt{}, e
	}
	so.SalesOrderLines = bcComments(po.Notes)
	for i := range po.Lines {
		l := &po.Lines[i]
		qty, unit := l.Ordered()
		code, err := bc.unitCode(ctx, unit)
		if err != nil {
			return Receipt{}, err
		}
		bl := bcOrderLine{LineType: "Item", LineObjectNumber: l.SKU, Quantity: qty, UnitPrice: l.AgreedPrice,
			UnitOfMeasureCode: code}
		if !l.DeliveryDate.IsZero() && l.DeliveryDate != date {
			bl.ShipmentDate = l.DeliveryDate.String()
		}
		so.SalesOrderLines = append(so.SalesOrderLines, bl)
		so.SalesOrderLines = append(so.SalesOrderLines, bcComments(l.Notes)...)
	}
	body, err := json.Marshal(so)
	if err != nil {
		return Receipt{}, &Error{Kind: KindPermanent, Connector: KindBusinessCentral, Op: "deliver", Err: err}
	}
	r, err := bc.s.authorized(ctx, bc.tok, "deliver", true, func() (*http.Request, error) {
		return newRequest(ctx, http.MethodPost, bc.salesOrdersURL(), body)
	})
	if err != nil {
		return Receipt{}, err
	}
	if !ok(r.Status) {
		return Receipt{}, bc.error("deliver", r, true)
	}
	var created bcSalesOrder
	if err := json.Unmarshal(r.Body, &created); err != nil || created.ID == "" {
		// The order exists, but we cannot tell its id: Lookup will.
		return Receipt{}, &Error{Kind: KindUnclear, Connector: KindBusinessCentral, Op: "deliver", Status: r.Status,
			Message: "created, but the response did not carry the order id"}
	}
	return Receipt{ID: created.ID, Number: created.Number}, nil
}

// Lookup finds the sales order by external document number and customer:
//
//	GET .../salesOrders?$filter=externalDocumentNumber eq 'PO' and customerNumber eq 'C'
//
// Single quotes inside the values are doubled, as OData string literals
// require. Sales orders that were already shipped and invoiced are no longer
// sales orders in Business Central and are not found.
func (bc *BusinessCentral) Lookup(ctx context.Context, d Delivery) (Receipt, bool, error) {
	filter := fmt.Sprintf("externalDocumentNumber eq %s and customerNumber eq %s",
		odataString(d.Order.PONumber), odataString(d.Order.CustomerNumber))
	u := bc.salesOrdersURL() + "?$filter=" + queryEscape(filter) + "&$select=id,number,externalDocumentNumber,customerNumber"
	r, err := bc.s.authorized(ctx, bc.tok, "lookup", false, func() (*http.Request, error) {
		return newRequest(ctx, http.MethodGet, u, nil)
	})
	if err != nil {
		return Receipt{}, false, err
	}
	if !ok(r.Status) {
		return Receipt{}, false, bc.error("lookup", r, false)
	}
	var list struct {
		Value []bcSalesOrder `json:"value"`
	}
	if err := json.Unmarshal(r.Body, &list); err != nil {
		return Receipt{}, false, &Error{Kind: KindTransient, Connector: KindBusinessCentral, Op: "lookup",
			Status: r.Status, Err: fmt.Errorf("decoding salesOrders: %w", err)}
	}
	for _, so := range list.Value {
		if so.ExternalDocumentNumber == d.Order.PONumber && so.CustomerNumber == d.Order.CustomerNumber {
			return Receipt{ID: so.ID, Number: so.Number}, true, nil
		}
	}
	return Receipt{}, false, nil
}

// unitCode is Business Central's code for one of our units: the configured
// mapping (business_central.units), else the company unit of measure whose
// internationalStandardCode is that UN/ECE Rec 20 unit (EA, C62 and H87
// all count as PCE), else the code as it is.
func (bc *BusinessCentral) unitCode(ctx context.Context, unit string) (string, error) {
	if unit == "" {
		return "", nil
	}
	if c, ok := bc.unitMap.lookup(unit); ok {
		return c, nil
	}
	bc.unitsMu.Lock()
	defer bc.unitsMu.Unlock()
	if bc.units == nil || time.Since(bc.unitsAt) > unitsMaxAge {
		m, err := bc.readUnits(ctx)
		if err != nil {
			return "", err
		}
		bc.units, bc.unitsAt = m, time.Now()
	}
	if c, ok := bc.units[catalog.NormalizeUnit(unit)]; ok {
		return c, nil
	}
	return unit, nil
}

// readUnits reads the company's units of measure: GET .../unitsOfMeasure.
// See https://learn.microsoft.com/dynamics365/business-central/dev-itpro/api-reference/v2.0/resources/dynamics_unitofmeasure
func (bc *BusinessCentral) readUnits(ctx context.Context) (map[string]string, error) {
	u := strings.TrimSuffix(bc.salesOrdersURL(), "/salesOrders") + "/unitsOfMeasure?$select=code,internationalStandardCode"
	r, err := bc.s.authorized(ctx, bc.tok, "units", false, func() (*http.Request, error) {
		return newRequest(ctx, http.MethodGet, u, nil)
	})
	if err != nil {
		return nil, err
	}
	if !ok(r.Status) {
		return nil, bc.error("units", r, false)
	}
	var list struct {
		Value []struct {
			Code                      string `json:"code"`
			InternationalStandardCode string `json:"internationalStandardCode"`
		} `json:"value"`
	}
	if err := json.Unmarshal(r.Body, &list); err != nil {
		return nil, &Error{Kind: KindTransient, Connector: KindBusinessCentral, Op: "units",
			Status: r.Status, Err: fmt.Errorf("decoding unitsOfMeasure: %w", err)}
	}
	m := make(map[string]string, len(list.Value))
	for _, v := range list.Value {
		if v.InternationalStandardCode != "" && v.Code != "" {
			k := catalog.NormalizeUnit(v.InternationalStandardCode)
			if _, dup := m[k]; !dup { // the first of several units with one standard code
				m[k] = v.Code
			}
		}
	}
	return m, nil
}

func (bc *BusinessCentral) error(op string, r *response, commits bool) *Error {
	var e bcError
	_ = json.Unmarshal(r.Body, &e)
	return bc.s.statusError(op, r, e.Error.Code, e.Error.Message, commits)
}

// odataString quotes s as an OData string literal: single quotes doubled.
// See OData v4 ABNF, rule SQUOTE-in-string.
func odataString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// queryEscape escapes s for a URL query, spaces as %20 (not "+", which some
// OData servers take literally).
func queryEscape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}
