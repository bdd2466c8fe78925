package erptest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ordergate/ordergate/erp"
	"github.com/ordergate/ordergate/order"
)

// BusinessCentral is a fake Microsoft Dynamics 365 Business Central: the
// Entra token endpoint (/{tenant}/oauth2/v2.0/token) and the API v2.0
// salesOrders endpoint of one company, with deep insert of
// salesOrderLines (lineType Item or Comment) and $filter look-ups.
//
// A new order takes the ship-to address of its customer's default
// (CustomerAddresses), as Business Central copies it from the customer;
// the ship-to fields the request sends replace it field by field, so a
// stored order shows what would be printed on the delivery note. Properties
// the salesOrder and salesOrderLine resources of API v2.0 do not have (a
// shipToCode, say) are refused, and values longer than the Sales Header
// and Sales Line fields are refused with Business Central's message.
type BusinessCentral struct {
	Failures

	URL          string // base URL, as BusinessCentralConfig.BaseURL
	Tenant       string
	Environment  string
	CompanyID    string
	ClientID     string
	ClientSecret string

	// CustomerAddresses are the customers' default ship-to addresses, by
	// customer number; set them before the first request.
	CustomerAddresses map[string]BCShipTo

	// UnitsOfMeasure is what GET .../unitsOfMeasure lists; set it before the
	// first request. NewBusinessCentral fills in units like a new
	// company's (PCS for EA, BOX for BX, KG for KGM, ...).
	UnitsOfMeasure []BCUnitOfMeasure

	srv       *httptest.Server
	unitReads int
	ledger[BCSalesOrder]
}

// BCUnitOfMeasure is a unit of measure of the company.
type BCUnitOfMeasure struct {
	Code                      string `json:"code"`
	InternationalStandardCode string `json:"internationalStandardCode"`
}

// UnitReads returns how often the units of measure were read.
func (f *BusinessCentral) UnitReads() int {
	f.ledger.mu.Lock()
	defer f.ledger.mu.Unlock()
	return f.unitReads
}

// BCSalesOrder is a sales order stored by the fake.
type BCSalesOrder struct {
	ID                     string `json:"id"`
	Number                 string `json:"number"`
	CustomerNumber         string `json:"customerNumber"`
	ExternalDocumentNumber string `json:"externalDocumentNumber"`
	RequestedDeliveryDate  string `json:"requestedDeliveryDate,omitempty"`
	BCShipTo
	SalesOrderLines []BCOrderLine `json:"salesOrderLines,omitempty"`
}

// BCShipTo is the ship-to address of a sales order (Sales Header fields
// Ship-to Name, Contact, Address, Address 2, City, County, Post Code,
// Country/Region Code).
type BCShipTo struct {
	ShipToName         string `json:"shipToName"`
	ShipToContact      string `json:"shipToContact"`
	ShipToAddressLine1 string `json:"shipToAddressLine1"`
	ShipToAddressLine2 string `json:"shipToAddressLine2"`
	ShipToCity         string `json:"shipToCity"`
	ShipToState        string `json:"shipToState"`
	ShipToPostCode     string `json:"shipToPostCode"`
	ShipToCountry      string `json:"shipToCountry"`
}

// BCOrderLine is a salesOrderLine stored by the fake.
type BCOrderLine struct {
	LineType          string         `json:"lineType"`
	LineObjectNumber  string         `json:"lineObjectNumber,omitempty"`
	Description       string         `json:"description,omitempty"`
	Quantity          order.Decimal  `json:"quantity"`
	UnitOfMeasureCode string         `json:"unitOfMeasureCode,omitempty"`
	UnitPrice         *order.Decimal `json:"unitPrice,omitempty"`
	ShipmentDate      string         `json:"shipmentDate,omitempty"`
}

// bcCreate is the body of a create request: the writable properties of
// salesOrder the connector may send (ship-to fields as pointers: absent
// keeps the customer's default).
type bcCreate struct {
	ID                     string        `json:"id"`
	Number                 string        `json:"number"`
	CustomerNumber         string        `json:"customerNumber"`
	ExternalDocumentNumber string        `json:"externalDocumentNumber"`
	RequestedDeliveryDate  string        `json:"requestedDeliveryDate"`
	ShipToName             *string       `json:"shipToName"`
	ShipToContact          *string       `json:"shipToContact"`
	ShipToAddressLine1     *string       `json:"shipToAddressLine1"`
	ShipToAddressLine2     *string       `json:"shipToAddressLine2"`
	ShipToCity             *string       `json:"shipToCity"`
	ShipToState            *string       `json:"shipToState"`
	ShipToPostCode         *string       `json:"shipToPostCode"`
	ShipToCountry          *string       `json:"shipToCountry"`
	SalesOrderLines        []BCOrderLine `json:"salesOrderLines"`
}

// bcLengths are the lengths of the Sales Header ship-to fields.
var bcLengths = []struct {
	field string
	n     int
	v     func(*bcCreate) *string
}{
	{"shipToName", 100, func(c *bcCreate) *string { return c.ShipToName }},
	{"shipToContact", 100, func(c *bcCreate) *string { return c.ShipToContact }},
	{"shipToAddressLine1", 100, func(c *bcCreate) *string { return c.ShipToAddressLine1 }},
	{"shipToAddressLine2", 50, func(c *bcCreate) *string { return c.ShipToAddressLine2 }},
	{"shipToCity", 30, func(c *bcCreate) *string { return c.ShipToCity }},
	{"shipToState", 30, func(c *bcCreate) *string { return c.ShipToState }},
	{"shipToPostCode", 20, func(c *bcCreate) *string { return c.ShipToPostCode }},
	{"shipToCountry", 10, func(c *bcCreate) *string { return c.ShipToCountry }},
}

// order is the sales order a create request makes: the customer's default
// ship-to, overwritten by the fields sent.
func (c *bcCreate) order(def BCShipTo) BCSalesOrder {
	so := BCSalesOrder{CustomerNumber: c.CustomerNumber, ExternalDocumentNumber: c.ExternalDocumentNumber,
		RequestedDeliveryDate: c.RequestedDeliveryDate, BCShipTo: def, SalesOrderLines: c.SalesOrderLines}
	for _, f := range []struct {
		dst *string
		src *string
	}{{&so.ShipToName, c.ShipToName}, {&so.ShipToContact, c.ShipToContact}, {&so.ShipToAddressLine1, c.ShipToAddressLine1},
		{&so.ShipToAddressLine2, c.ShipToAddressLine2}, {&so.ShipToCity, c.ShipToCity}, {&so.ShipToState, c.ShipToState},
		{&so.ShipToPostCode, c.ShipToPostCode}, {&so.ShipToCountry, c.ShipToCountry}} {
		if f.src != nil {
			*f.dst = *f.src
		}
	}
	return so
}

// NewBusinessCentral starts a fake that knows the given customers and items
// (nil accepts any number); it is closed when the test ends.
func NewBusinessCentral(t testing.TB, customers, items []string) *BusinessCentral {
	f := &BusinessCentral{
		Tenant:       "contoso.onmicrosoft.com",
		Environment:  "production",
		CompanyID:    "f64eba74-dacd-4854-a584-1834f68cfc3a",
		ClientID:     "4c1f7ba1-0d4e-4bd0-9b7e-0d0a4a3bb0e1",
		ClientSecret: "bc-client-secret",
	}
	f.customers, f.items = set(customers), set(items)
	f.UnitsOfMeasure = []BCUnitOfMeasure{{"BOX", "BX"}, {"CAN", "CA"}, {"KG", "KGM"}, {"L", "LTR"},
		{"M", "MTR"}, {"PACK", "PK"}, {"PALLET", "PF"}, {"PCS", "EA"}, {"SET", "SET"}}
	f.tokens = newTokenIssuer(f.ClientID, f.ClientSecret, []string{erp.DefaultBusinessCentralScope}, nil)
	mux := http.NewServeMux()
	mux.HandleFunc("POST /{tenant}/oauth2/v2.0/token", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("tenant") != f.Tenant {
			writeJSON(w, http.StatusBadRequest, oauthError{"invalid_request", "AADSTS90002: Tenant not found."})
			return
		}
		f.tokens.serveToken(w, r)
	})
	mux.HandleFunc("POST /v2.0/{tenant}/{env}/api/v2.0/{company}/salesOrders", f.create)
	mux.HandleFunc("GET /v2.0/{tenant}/{env}/api/v2.0/{company}/salesOrders", f.list)
	mux.HandleFunc("GET /v2.0/{tenant}/{env}/api/v2.0/{company}/unitsOfMeasure", f.listUnits)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	f.URL = f.srv.URL
	return f
}

// Config returns a connector configuration for this fake.
func (f *BusinessCentral) Config() erp.BusinessCentralConfig {
	return erp.BusinessCentralConfig{
		TenantID: f.Tenant, Environment: f.Environment, CompanyID: f.CompanyID,
		ClientID: f.ClientID, ClientSecret: erp.Secret(f.ClientSecret),
		BaseURL: f.URL, TokenURL: f.URL + "/{tenant}/oauth2/v2.0/token",
	}
}

// bcErr is Business Central's OData error body.
func bcErr(code, msg string) any {
	return map[string]any{"error": map[string]string{"code": code, "message": msg}}
}

// route checks the token and the path's tenant, environment and company.
func (f *BusinessCentral) route(w http.ResponseWriter, r *http.Request) bool {
	if !f.tokens.valid(r) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="", error="invalid_token"`)
		writeJSON(w, http.StatusUnauthorized, bcErr("Authentication_InvalidCredentials", "The server has rejected the client credentials."))
		return false
	}
	if r.PathValue("tenant") != f.Tenant || r.PathValue("env") != f.Environment {
		writeJSON(w, http.StatusNotFound, bcErr("NoEnvironment", "No environment found."))
		return false
	}
	if r.PathValue("company") != "companies("+f.CompanyID+")" {
		writeJSON(w, http.StatusNotFound, bcErr("BadRequest_NotFound", "The requested company was not found."))
		return false
	}
	return true
}

func (f *BusinessCentral) create(w http.ResponseWriter, r *http.Request) {
	if !f.route(w, r) {
		return
	}
	f.ledger.mu.Lock()
	f.posts++
	f.ledger.mu.Unlock()
	x := f.take()
	if failBefore(w, x, bcErr) {
		return
	}
	var in bcCreate
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		writeJSON(w, http.StatusBadRequest, bcErr("BadRequest", "Invalid Request Body: "+err.Error()))
		return
	}
	if in.ID != "" || in.Number != "" {
		writeJSON(w, http.StatusBadRequest, bcErr("BadRequest", "The property 'id' is read-only."))
		return
	}
	for _, l := range bcLengths {
		if v := l.v(&in); v != nil && utf8.RuneCountInString(*v) > l.n {
			writeJSON(w, http.StatusBadRequest, bcErr("BadRequest_InvalidValue", fmt.Sprintf(
				"The length of the string is %d, but it must be less than or equal to %d characters. Value: %s", utf8.RuneCountInString(*v), l.n, *v)))
			return
		}
	}
	f.ledger.mu.Lock()
	so := in.order(f.CustomerAddresses[in.CustomerNumber])
	f.ledger.mu.Unlock()
	if code, msg := f.validate(&so); msg != "" {
		writeJSON(w, http.StatusBadRequest, bcErr(code, msg))
		return
	}
	f.ledger.mu.Lock()
	n := len(f.orders) + 1
	so.ID = fmt.Sprintf("5d115c9c-44e3-ea11-bb43-%012d", n)
	so.Number = fmt.Sprintf("S-ORD%06d", 101000+n)
	f.orders = append(f.orders, so)
	f.ledger.mu.Unlock()
	if failAfter(w, r, x) {
		return
	}
	w.Header().Set("Location", f.URL+r.URL.Path+"("+so.ID+")")
	writeJSON(w, http.StatusCreated, so)
}

func (f *BusinessCentral) validate(so *BCSalesOrder) (code, msg string) {
	f.ledger.mu.Lock()
	defer f.ledger.mu.Unlock()
	if so.CustomerNumber == "" || (f.customers != nil && !f.customers[so.CustomerNumber]) {
		return "Internal_RecordNotFound", fmt.Sprintf("The Customer does not exist. Identification fields and values: No.='%s'", so.CustomerNumber)
	}
	if n := utf8.RuneCountInString(so.ExternalDocumentNumber); n > 35 {
		return "BadRequest_InvalidValue", fmt.Sprintf("The length of the string is %d, but it must be less than or equal to 35 characters. Value: %s", n, so.ExternalDocumentNumber)
	}
	if d := so.RequestedDeliveryDate; d != "" {
		if _, err := order.ParseDate(d); err != nil {
			return "BadRequest", fmt.Sprintf("Cannot convert the literal '%s' to the expected type 'Edm.Date'.", d)
		}
	}
	for _, l := range so.SalesOrderLines {
		if d := l.ShipmentDate; d != "" {
			if _, err := order.ParseDate(d); err != nil {
				return "BadRequest", fmt.Sprintf("Cannot convert the literal '%s' to the expected type 'Edm.Date'.", d)
			}
		}
		if n := utf8.RuneCountInString(l.Description); n > 100 {
			return "BadRequest_InvalidValue", fmt.Sprintf("The length of the string is %d, but it must be less than or equal to 100 characters. Value: %s", n, l.Description)
		}
		switch l.LineType {
		case "Comment":
			if l.LineObjectNumber != "" || !l.Quantity.IsZero() || l.UnitPrice != nil || l.UnitOfMeasureCode != "" || l.ShipmentDate != "" {
				return "Application_FieldValidationException", "A comment line has only a description (no item, quantity, unit, price or date)."
			}
			continue
		case "Item":
		default:
			return "BadRequest", fmt.Sprintf("The value '%s' of lineType is not supported (only Item and Comment in this fake).", l.LineType)
		}
		if f.items != nil && !f.items[l.LineObjectNumber] {
			return "Internal_RecordNotFound", fmt.Sprintf("The Item does not exist. Identification fields and values: No.='%s'", l.LineObjectNumber)
		}
		if l.Quantity.Sign() <= 0 {
			return "Application_FieldValidationException", "Quantity must be positive."
		}
		if !f.knowsUnit(l.LineObjectNumber, l.UnitOfMeasureCode) {
			return "Application_FieldValidationException", fmt.Sprintf("The field Unit of Measure Code of table Sales Line contains a value (%s) that cannot be found in the related table (Item Unit of Measure).", l.UnitOfMeasureCode)
		}
	}
	return "", ""
}

func (f *BusinessCentral) listUnits(w http.ResponseWriter, r *http.Request) {
	if !f.route(w, r) {
		return
	}
	f.ledger.mu.Lock()
	f.unitReads++
	units := f.UnitsOfMeasure
	f.ledger.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"value": units})
}

func (f *BusinessCentral) list(w http.ResponseWriter, r *http.Request) {
	if !f.route(w, r) {
		return
	}
	conds, err := parseODataFilter(r.URL.Query().Get("$filter"))
	if err != nil {
		writeJSON(w, http.StatusBadRequest, bcErr("BadRequest", err.Error()))
		return
	}
	value := []BCSalesOrder{}
	for _, so := range f.Orders() {
		fields := map[string]string{"number": so.Number, "customerNumber": so.CustomerNumber,
			"externalDocumentNumber": so.ExternalDocumentNumber}
		match := true
		for k, v := range conds {
			if fields[k] != v {
				match = false
			}
		}
		if match {
			so.SalesOrderLines = nil
			value = append(value, so)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"@odata.context": f.URL + "/$metadata#companies(...)/salesOrders", "value": value})
}

// parseODataFilter parses the subset of OData $filter the connector uses:
// field eq 'literal' [and field eq 'literal']..., with ” inside a literal
// for a quote.
func parseODataFilter(s string) (map[string]string, error) {
	conds := map[string]string{}
	if s == "" {
		return conds, nil
	}
	known := map[string]bool{"number": true, "customerNumber": true, "externalDocumentNumber": true}
	rest := strings.TrimSpace(s)
	for {
		field, after, ok := strings.Cut(rest, " eq '")
		field = strings.TrimSpace(field)
		if !ok || !known[field] {
			return nil, fmt.Errorf("Could not find a property named '%s' on type 'Microsoft.NAV.salesOrder'.", field)
		}
		var lit bytes.Buffer
		i := 0
		for {
			if i >= len(after) {
				return nil, fmt.Errorf("There is an unterminated string literal in $filter %q.", s)
			}
			if after[i] == '\'' {
				if i+1 < len(after) && after[i+1] == '\'' {
					lit.WriteByte('\'')
					i += 2
					continue
				}
				break
			}
			lit.WriteByte(after[i])
			i++
		}
		conds[field] = lit.String()
		rest = strings.TrimSpace(after[i+1:])
		if rest == "" {
			return conds, nil
		}
		next, ok := strings.CutPrefix(rest, "and ")
		if !ok {
			return nil, fmt.Errorf("Syntax error in $filter %q.", s)
		}
		rest = next
	}
}

func set(xs []string) map[string]bool {
	if xs == nil {
		return nil
	}
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}
