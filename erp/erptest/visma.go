package erptest

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ordergate/ordergate/erp"
	"github.com/ordergate/ordergate/order"
)

// Visma is a fake Visma.net ERP: the Visma Connect token endpoint
// (/connect/token, client credentials with tenant_id) and the sales order
// endpoint /API/controller/api/v1/salesorder (POST creates and answers 201
// with a Location header, GET lists with customerRefNo and customer
// filters).
//
// The create body is read as the API's SalesOrderUpdateDto and
// SalesOrderLineUpdateDto (the order's date is requestOn, a line's
// requestedOn and shipOn): a property they do not have is refused. A
// delivery address or contact counts only with overrideAddress or
// overrideContact set, as in Visma; without it the order keeps the
// customer location's.
type Visma struct {
	Failures

	URL          string // base URL, as VismaConfig.BaseURL
	TokenURL     string
	Tenant       string
	ClientID     string
	ClientSecret string
	// TenantHeader, when set, is required on API requests with the tenant
	// id as its value.
	TenantHeader string
	// MaxPageSize caps the orders a list request returns per page
	// (pageNumber, pageSize); default 1000.
	MaxPageSize int
	// LooseRefFilter makes the customerRefNo filter of a list match by
	// prefix (PO-1 also lists PO-10), as a filter that is not exact would.
	LooseRefFilter bool
	// Locations are the customer location ids Visma knows, by customer
	// number; nil accepts any. Set it before the first request.
	Locations map[string][]string

	srv *httptest.Server
	ledger[VismaSalesOrder]
}

// VismaSalesOrder is a sales order stored by the fake.
type VismaSalesOrder struct {
	OrderType     string
	OrderNo       string
	Customer      string
	CustomerRefNo string
	RequestOn     string // the order's requested date as sent
	Location      string // the customer location id, "" for the default
	// ShippingAddress and ShippingName are the overriding delivery address
	// and contact name; zero when not overridden.
	ShippingAddress VismaAddress
	ShippingName    string
	Note            string
	Lines           []VismaLine
}

// VismaAddress is a delivery address of a sales order.
type VismaAddress struct {
	AddressLine1, AddressLine2, AddressLine3, PostalCode, City, CountryID, County string
}

// VismaLine is a stored order line.
type VismaLine struct {
	InventoryNumber string
	Quantity        order.Decimal
	UOM             string // "" when the line named none (the item's default sales unit)
	UnitPrice       *order.Decimal
	RequestedOn     string
	ShipOn          string
	Note            string
}

// vAddress is SalesOrderAddressUpdateDto.
type vAddress struct {
	OverrideAddress *vValue[bool]   `json:"overrideAddress"`
	AddressLine1    *vValue[string] `json:"addressLine1"`
	AddressLine2    *vValue[string] `json:"addressLine2"`
	AddressLine3    *vValue[string] `json:"addressLine3"`
	PostalCode      *vValue[string] `json:"postalCode"`
	City            *vValue[string] `json:"city"`
	CountryID       *vValue[string] `json:"countryId"`
	County          *vValue[string] `json:"county"`
}

// vContact is SalesOrderContactUpdateDto.
type vContact struct {
	OverrideContact *vValue[bool]   `json:"overrideContact"`
	Name            *vValue[string] `json:"name"`
	Attention       *vValue[string] `json:"attention"`
	Email           *vValue[string] `json:"email"`
	Web             *vValue[string] `json:"web"`
	Phone1          *vValue[string] `json:"phone1"`
	Phone2          *vValue[string] `json:"phone2"`
	Fax             *vValue[string] `json:"fax"`
}

// str is the value of an optional DtoValue of a string, or "".
func str(v *vValue[string]) string {
	if v == nil {
		return ""
	}
	return v.Value
}

// vismaDate reports whether s reads as the API's DateTime (a date, or a
// date and time).
func vismaDate(s string) bool {
	if _, err := order.ParseDate(s); err == nil {
		return true
	}
	_, err := time.Parse(time.RFC3339, s)
	return err == nil
}

// NewVisma starts a fake that knows the given customers and items (nil
// accepts any number); it is closed when the test ends.
func NewVisma(t testing.TB, customers, items []string) *Visma {
	f := &Visma{
		Tenant:       "7c3a1f0e-5b8d-4e2a-9f61-2d4b8c0e1a37",
		ClientID:     "isv_ordergate",
		ClientSecret: "visma-client-secret",
	}
	f.customers, f.items = set(customers), set(items)
	f.tokens = newTokenIssuer(f.ClientID, f.ClientSecret, strings.Fields(erp.DefaultVismaScope),
		map[string]string{"tenant_id": f.Tenant})
	mux := http.NewServeMux()
	mux.HandleFunc("POST /connect/token", f.tokens.serveToken)
	mux.HandleFunc("POST /API/controller/api/v1/salesorder", f.create)
	mux.HandleFunc("GET /API/controller/api/v1/salesorder", f.list)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	f.URL = f.srv.URL + "/API"
	f.TokenURL = f.srv.URL + "/connect/token"
	return f
}

// Config returns a connector configuration for this fake.
func (f *Visma) Config() erp.VismaConfig {
	return erp.VismaConfig{
		BaseURL: f.URL, TokenURL: f.TokenURL, ClientID: f.ClientID,
		ClientSecret: erp.Secret(f.ClientSecret), TenantID: f.Tenant, TenantHeader: f.TenantHeader,
	}
}

// vismaErr is the API's exception body.
func vismaErr(code, msg string) any {
	return map[string]string{
		"ExceptionType": "IPPException", "ExceptionMessage": msg,
		"ExceptionFaultCode": code, "ExceptionMessageID": code + "_" + "c9f3", "ExceptionDetails": "",
	}
}

func (f *Visma) auth(w http.ResponseWriter, r *http.Request) bool {
	if !f.tokens.valid(r) {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"message": "Authorization has been denied for this request."})
		return false
	}
	if f.TenantHeader != "" && r.Header.Get(f.TenantHeader) != f.Tenant {
		writeJSON(w, http.StatusBadRequest, vismaErr("10013", "Missing or invalid "+f.TenantHeader+" header."))
		return false
	}
	return true
}

type vValue[T any] struct {
	Value T `json:"value"`
}

func (f *Visma) create(w http.ResponseWriter, r *http.Request) {
	if !f.auth(w, r) {
		return
	}
	f.ledger.mu.Lock()
	f.posts++
	f.ledger.mu.Unlock()
	x := f.take()
	if failBefore(w, x, vismaErr) {
		return
	}
	var in struct {
		OrderType       vValue[string]    `json:"orderType"`
		Customer        vValue[string]    `json:"customer"`
		CustomerRefNo   vValue[string]    `json:"customerRefNo"`
		RequestOn       *vValue[string]   `json:"requestOn"`
		Location        *vValue[string]   `json:"location"`
		ShippingAddress *vValue[vAddress] `json:"soShippingAddress"`
		ShippingContact *vValue[vContact] `json:"soShippingContact"`
		Note            *vValue[string]   `json:"note"`
		Lines           []struct {
			Operation       string                 `json:"operation"`
			InventoryNumber vValue[string]         `json:"inventoryNumber"`
			Quantity        vValue[order.Decimal]  `json:"quantity"`
			UOM             *vValue[string]        `json:"uom"`
			UnitPrice       *vValue[order.Decimal] `json:"unitPrice"`
			RequestedOn     *vValue[string]        `json:"requestedOn"`
			ShipOn          *vValue[string]        `json:"shipOn"`
			Note            *vValue[string]        `json:"note"`
		} `json:"lines"`
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"message": "The request is invalid: " + err.Error()})
		return
	}
	so := VismaSalesOrder{OrderType: in.OrderType.Value, Customer: in.Customer.Value, CustomerRefNo: in.CustomerRefNo.Value,
		RequestOn: str(in.RequestOn), Location: str(in.Location), Note: str(in.Note)}
	if a := in.ShippingAddress; a != nil && a.Value.OverrideAddress != nil && a.Value.OverrideAddress.Value {
		v := a.Value
		so.ShippingAddress = VismaAddress{str(v.AddressLine1), str(v.AddressLine2), str(v.AddressLine3), str(v.PostalCode),
			str(v.City), str(v.CountryID), str(v.County)}
	}
	if c := in.ShippingContact; c != nil && c.Value.OverrideContact != nil && c.Value.OverrideContact.Value {
		so.ShippingName = str(c.Value.Name)
	}
	f.ledger.mu.Lock()
	var msg string
	switch {
	case so.OrderType != "SO":
		msg = fmt.Sprintf("Order type '%s' cannot be found in the system.", so.OrderType)
	case so.Customer == "" || (f.customers != nil && !f.customers[so.Customer]):
		msg = fmt.Sprintf("Error creating sales order. Customer '%s' cannot be found in the system.", so.Customer)
	case len(in.Lines) == 0:
		msg = "Error creating sales order. The document has no lines."
	case so.RequestOn != "" && !vismaDate(so.RequestOn):
		msg = fmt.Sprintf("Error creating sales order. '%s' is not a valid date.", so.RequestOn)
	case so.Location != "" && f.Locations != nil && !slices.Contains(f.Locations[so.Customer], so.Location):
		msg = fmt.Sprintf("Error creating sales order. Location '%s' cannot be found for customer '%s'.", so.Location, so.Customer)
	}
	for _, l := range in.Lines {
		switch {
		case msg != "":
		case l.Operation != "Insert":
			msg = fmt.Sprintf("Operation '%s' is not valid for a new order.", l.Operation)
		case f.items != nil && !f.items[l.InventoryNumber.Value]:
			msg = fmt.Sprintf("Error creating sales order. Inventory item '%s' cannot be found in the system.", l.InventoryNumber.Value)
		case l.Quantity.Value.Sign() <= 0:
			msg = "Error creating sales order. Quantity must be greater than 0."
		}
		vl := VismaLine{InventoryNumber: l.InventoryNumber.Value, Quantity: l.Quantity.Value,
			RequestedOn: str(l.RequestedOn), ShipOn: str(l.ShipOn), Note: str(l.Note)}
		for _, d := range []string{vl.RequestedOn, vl.ShipOn} {
			if msg == "" && d != "" && !vismaDate(d) {
				msg = fmt.Sprintf("Error creating sales order. '%s' is not a valid date.", d)
			}
		}
		if l.UOM != nil {
			vl.UOM = l.UOM.Value
		}
		if msg == "" && !f.knowsUnit(vl.InventoryNumber, vl.UOM) {
			msg = fmt.Sprintf("Error creating sales order. Unit of measure '%s' is not defined for inventory item '%s'.", vl.UOM, vl.InventoryNumber)
		}
		if l.UnitPrice != nil {
			p := l.UnitPrice.Value
			vl.UnitPrice = &p
		}
		so.Lines = append(so.Lines, vl)
	}
	if msg != "" {
		f.ledger.mu.Unlock()
		writeJSON(w, http.StatusBadRequest, vismaErr("12035", msg))
		return
	}
	so.OrderNo = fmt.Sprintf("%06d", len(f.orders)+1)
	f.orders = append(f.orders, so)
	f.ledger.mu.Unlock()
	if failAfter(w, r, x) {
		return
	}
	w.Header().Set("Location", f.URL+"/controller/api/v1/salesorder/"+so.OrderType+"/"+so.OrderNo)
	w.WriteHeader(http.StatusCreated)
}

func (f *Visma) list(w http.ResponseWriter, r *http.Request) {
	if !f.auth(w, r) {
		return
	}
	q := r.URL.Query()
	type customer struct {
		Number string `json:"number"`
	}
	type listed struct {
		OrderType     string   `json:"orderType"`
		OrderNo       string   `json:"orderNo"`
		CustomerRefNo string   `json:"customerRefNo"`
		Customer      customer `json:"customer"`
		Status        string   `json:"status"`
	}
	out := []listed{}
	for _, so := range f.Orders() {
		ref := q.Get("customerRefNo")
		if ref != "" && ref != so.CustomerRefNo && !(f.LooseRefFilter && strings.HasPrefix(so.CustomerRefNo, ref)) {
			continue
		}
		if c := q.Get("customer"); c != "" && c != so.Customer {
			continue
		}
		out = append(out, listed{so.OrderType, so.OrderNo, so.CustomerRefNo, customer{so.Customer}, "Open"})
	}
	size := cmp.Or(f.MaxPageSize, 1000)
	if n, err := strconv.Atoi(q.Get("pageSize")); err == nil && n > 0 {
		size = min(size, n)
	}
	page := 1
	if n, err := strconv.Atoi(q.Get("pageNumber")); err == nil && n > 0 {
		page = n
	}
	from := min((page-1)*size, len(out))
	writeJSON(w, http.StatusOK, out[from:min(from+size, len(out))])
}
