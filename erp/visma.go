package erp

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/oauth2/clientcredentials"

	"github.com/ordergate/ordergate/order"
)

// Visma creates sales orders in Visma.net ERP (Visma.net Financials) through
// its REST API.
//
// Authentication is Visma Connect's OAuth 2.0 client credentials flow for
// service applications: client id, client secret, scope and tenant_id (the
// company's tenant) are posted to https://connect.visma.com/connect/token.
// Set TenantHeader to also send the tenant id as a header on every API call
// ("ipp-company-id" for the older company-context style).
//
// An order is created with:
//
//	POST {base}/controller/api/v1/salesorder
//	{"orderType":{"value":"SO"},"customer":{"value":"10001"},"customerRefNo":{"value":"PO-4711"},
//	 "requestOn":{"value":"2026-12-01"},"location":{"value":"ST-1"},
//	 "soShippingAddress":{"value":{"overrideAddress":{"value":true},"addressLine1":{"value":"Veldstraat 1"},...}},
//	 "soShippingContact":{"value":{"overrideContact":{"value":true},"name":{"value":"Store Gent"}}},
//	 "note":{"value":"Deliver via the back door"},
//	 "lines":[{"operation":"Insert","inventoryNumber":{"value":"1896-S"},"quantity":{"value":10},
//	   "unitPrice":{"value":12.5},"requestedOn":{"value":"2026-12-03"},"note":{"value":"..."}}]}
//
// Every field is wrapped in Visma's DtoValue object {"value": ...}. The
// field names are those of SalesOrderUpdateDto and SalesOrderLineUpdateDto
// in the Visma.net ERP API's OpenAPI description (the order's date is
// requestOn, a line's requestedOn). Where and when:
//
//   - requestOn is the order's requested delivery date (or the one date all
//     lines share); a line with a date of its own has it as requestedOn.
//     shipOn is left to Visma, which derives it from the requested date and
//     the customer location's lead time.
//   - The delivery address (DeliverTo): its code, when the master data has
//     one, as location (the customer's location id in Visma); its address,
//     when it has one, as soShippingAddress with overrideAddress, and its
//     name as soShippingContact with overrideContact. A location known by
//     code alone takes its address from Visma.
//   - The customer's notes: the order's as note, a line's as the line's
//     note (several notes, one per line of text).
//
// The API answers 201 Created with an empty body and the new order in the Location
// header (.../salesorder/{orderType}/{orderNumber}, or .../salesorder/{orderNumber}).
// Errors come as {"message":"..."} or {"ExceptionType":"...","ExceptionMessage":"..."};
// the message is kept verbatim for the sales desk. unitPrice is sent only
// when matching found an agreed price.
//
// Lookup searches by customer reference number (our PO number) and customer:
// GET {base}/controller/api/v1/salesorder?customerRefNo=PO&customer=C.
type Visma struct {
	cfg     VismaConfig
	unitMap unitMap // cfg.Units
	s       sender
	tok     *tokens
}

// NewVisma returns the Visma.net connector; cfg must be valid (see
// Config.Validate). Empty BaseURL, TokenURL, Scope and OrderType take the
// defaults.
func NewVisma(cfg VismaConfig, client *http.Client, logger *slog.Logger) *Visma {
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultVismaBaseURL
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if cfg.TokenURL == "" {
		cfg.TokenURL = DefaultVismaTokenURL
	}
	if cfg.Scope == "" {
		cfg.Scope = DefaultVismaScope
	}
	if cfg.OrderType == "" {
		cfg.OrderType = DefaultVismaOrderType
	}
	s := newSender(KindVisma, client, logger)
	cc := clientcredentials.Config{
		ClientID:       cfg.ClientID,
		ClientSecret:   cfg.ClientSecret.Reveal(),
		TokenURL:       cfg.TokenURL,
		Scopes:         strings.Fields(cfg.Scope),
		EndpointParams: url.Values{"tenant_id": {cfg.TenantID}},
	}
	return &Visma{cfg: cfg, unitMap: newUnitMap(cfg.Units), s: s, tok: newTokens(KindVisma, cc, s.client)}
}

// Name returns "visma".
func (v *Visma) Name() string { return KindVisma }

// dto is Visma's DtoValue wrapper.
type dto[T any] struct {
	Value T `json:"value"`
}

type vismaOrder struct {
	OrderType       dto[string]        `json:"orderType"`
	Customer        dto[string]        `json:"customer"`
	CustomerRefNo   dto[string]        `json:"customerRefNo"`
	RequestOn       *dto[string]       `json:"requestOn,omitempty"`
	Location        *dto[string]       `json:"location,omitempty"`
	ShippingAddress *dto[vismaAddress] `json:"soShippingAddress,omitempty"`
	ShippingContact *dto[vismaContact] `json:"soShippingContact,omitempty"`
	Note            *dto[string]       `json:"note,omitempty"`
	Lines           []vismaLine        `json:"lines"`
}

// vismaAddress is SalesOrderAddressUpdateDto.
type vismaAddress struct {
	OverrideAddress dto[bool]    `json:"overrideAddress"`
	AddressLine1    dto[string]  `json:"addressLine1"`
	PostalCode      dto[string]  `json:"postalCode"`
	City            dto[string]  `json:"city"`
	CountryID       *dto[string] `json:"countryId,omitempty"`
}

// vismaContact is SalesOrderContactUpdateDto, as far as we set it.
type vismaContact struct {
	OverrideContact dto[bool]   `json:"overrideContact"`
	Name            dto[string] `json:"name"`
}

type vismaLine struct {
	Operation string `json:"operation"`
	// InventoryNumber is the item; the API marks the older inventoryId
	// deprecated.
	InventoryNumber dto[string]        `json:"inventoryNumber"`
	Quantity        dto[order.Decimal] `json:"quantity"`
	// UOM is sent with every line, so the quantity and price count in the
	// unit they were matched in, not the item's default sales unit.
	UOM         *dto[string]        `json:"uom,omitempty"`
	UnitPrice   *dto[order.Decimal] `json:"unitPrice,omitempty"`
	RequestedOn *dto[string]        `json:"requestedOn,omitempty"`
	Note        *dto[string]        `json:"note,omitempty"`
}

// vismaNote joins notes into one note, or nil for none.
func vismaNote(notes []string) *dto[string] {
	if len(notes) == 0 {
		return nil
	}
	return &dto[string]{strings.Join(notes, "\n")}
}

// vismaDeliverTo sets the order's location and delivery address.
func vismaDeliverTo(so *vismaOrder, to *order.Location) *Error {
	if to == nil {
		return nil
	}
	if to.Code == "" && !to.HasAddress() {
		return permanent(KindVisma, "deliver", fmt.Sprintf(
			"the goods go to %s, but the master data has neither its code in Visma nor its street and city; add them to the locations master data and match the order again",
			locationName(to)))
	}
	if to.Code != "" {
		so.Location = &dto[string]{to.Code}
	}
	if to.HasAddress() {
		a := vismaAddress{OverrideAddress: dto[bool]{true}, AddressLine1: dto[string]{to.Address},
			PostalCode: dto[string]{to.Postcode}, City: dto[string]{to.City}}
		if to.Country != "" {
			a.CountryID = &dto[string]{to.Country}
		}
		so.ShippingAddress = &dto[vismaAddress]{a}
	}
	if to.Name != "" {
		so.ShippingContact = &dto[vismaContact]{vismaContact{OverrideContact: dto[bool]{true}, Name: dto[string]{to.Name}}}
	}
	return nil
}

// vismaListed is a sales order as GET salesorder lists it.
type vismaListed struct {
	OrderType     string `json:"orderType"`
	OrderNo       string `json:"orderNo"`
	CustomerRefNo string `json:"customerRefNo"`
	Customer      struct {
		Number string `json:"number"`
	} `json:"customer"`
}

// vismaError is the API's error body; ASP.NET's "Message" matches too,
// since encoding/json matches keys case-insensitively.
type vismaError struct {
	Message          string `json:"message"`
	ExceptionMessage string `json:"ExceptionMessage"`
	ExceptionCode    string `json:"ExceptionFaultCode"`
}

func (v *Visma) salesOrderURL() string { return v.cfg.BaseURL + "/controller/api/v1/salesorder" }

func (v *Visma) request(ctx context.Context, method, u string, body []byte) func() (*http.Request, error) {
	return func() (*http.Request, error) {
		req, err := newRequest(ctx, method, u, body)
		if err == nil && v.cfg.TenantHeader != "" {
			req.Header.Set(v.cfg.TenantHeader, v.cfg.TenantID)
		}
		return req, err
	}
}

// Deliver creates the sales order.
func (v *Visma) Deliver(ctx context.Context, d Delivery) (Receipt, error) {
	po := &d.Order
	if e := checkOrder(KindVisma, po); e != nil {
		return Receipt{}, e
	}
	so := vismaOrder{
		OrderType:     dto[string]{v.cfg.OrderType},
		Customer:      dto[string]{po.CustomerNumber},
		CustomerRefNo: dto[string]{po.PONumber},
		Note:          vismaNote(po.Notes),
	}
	if d := orderDate(po); !d.IsZero() {
		so.RequestOn = &dto[string]{d.String()}
	}
	if e := vismaDeliverTo(&so, po.DeliverTo); e != nil {
		return Receipt{}, e
	}
	for i := range po.Lines {
		l := &po.Lines[i]
		qty, unit := l.Ordered()
		vl := vismaLine{Operation: "Insert", InventoryNumber: dto[string]{l.SKU}, Quantity: dto[order.Decimal]{qty},
			Note: vismaNote(l.Notes)}
		if unit != "" {
			vl.UOM = &dto[string]{v.unitMap.code(unit)}
		}
		if l.AgreedPrice != nil {
			vl.UnitPrice = &dto[order.Decimal]{*l.AgreedPrice}
		}
		if !l.DeliveryDate.IsZero() {
			vl.RequestedOn = &dto[string]{l.DeliveryDate.String()}
		}
		so.Lines = append(so.Lines, vl)
	}
	body, err := json.Marshal(so)
	if err != nil {
		return Receipt{}, &Error{Kind: KindPermanent, Connector: KindVisma, Op: "deliver", Err: err}
	}
	r, err := v.s.authorized(ctx, v.tok, "deliver", true, v.request(ctx, http.MethodPost, v.salesOrderURL(), body))
	if err != nil {
		return Receipt{}, err
	}
	if !ok(r.Status) {
		return Receipt{}, v.error("deliver", r, true)
	}
	rc, found := parseVismaLocation(r.Header.Get("Location"))
	if !found {
		return Receipt{}, &Error{Kind: KindUnclear, Connector: KindVisma, Op: "deliver", Status: r.Status,
			Message: "created, but the response had no Location header with the order number"}
	}
	return rc, nil
}

// Lookup finds the sales order by customer reference number and customer.
func (v *Visma) Lookup(ctx context.Context, d Delivery) (Receipt, bool, error) {
	// The list is paged, and the API's query filters are not guaranteed to
	// be exact matches (a reference filter may also return PO-10 for
	// PO-1): the filters are applied again here, page by page, until a page
	// comes back empty. A server may return fewer than pageSize per page, so
	// a short page does not mean the last.
	for page := 1; page <= vismaMaxPages; page++ {
		q := url.Values{"customerRefNo": {d.Order.PONumber}, "customer": {d.Order.CustomerNumber},
			"pageNumber": {strconv.Itoa(page)}, "pageSize": {strconv.Itoa(vismaPageSize)}}
		r, err := v.s.authorized(ctx, v.tok, "lookup", false, v.request(ctx, http.MethodGet, v.salesOrderURL()+"?"+q.Encode(), nil))
		if err != nil {
			return Receipt{}, false, err
		}
		if r.Status == http.StatusNotFound {
			return Receipt{}, false, nil
		}
		if !ok(r.Status) {
			return Receipt{}, false, v.error("lookup", r, false)
		}
		var list []vismaListed
		if err := json.Unmarshal(r.Body, &list); err != nil {
			return Receipt{}, false, &Error{Kind: KindTransient, Connector: KindVisma, Op: "lookup",
				Status: r.Status, Err: fmt.Errorf("decoding sales orders: %w", err)}
		}
		for _, so := range list {
			if so.CustomerRefNo == d.Order.PONumber && so.Customer.Number == d.Order.CustomerNumber {
				return Receipt{ID: so.OrderType + "/" + so.OrderNo, Number: so.OrderNo}, true, nil
			}
		}
		if len(list) == 0 {
			return Receipt{}, false, nil
		}
	}
	// Not knowing is not "not there": a post now could make a second order.
	return Receipt{}, false, &Error{Kind: KindTransient, Connector: KindVisma, Op: "lookup",
		Err: fmt.Errorf("more than %d pages of sales orders match %s; cannot tell whether the order is there", vismaMaxPages, d.Order.PONumber)}
}

// Paging of the look-up: orders per page asked for, and the most pages read.
const (
	vismaPageSize = 500
	vismaMaxPages = 50
)

func (v *Visma) error(op string, r *response, commits bool) *Error {
	var e vismaError
	_ = json.Unmarshal(r.Body, &e)
	msg := e.ExceptionMessage
	if msg == "" {
		msg = e.Message
	}
	return v.s.statusError(op, r, e.ExceptionCode, msg, commits)
}

// parseVismaLocation reads the order from a Location header such as
// https://integration.visma.net/API/controller/api/v1/salesorder/SO/000123.
func parseVismaLocation(loc string) (Receipt, bool) {
	u, err := url.Parse(loc)
	if err != nil || loc == "" {
		return Receipt{}, false
	}
	path := u.Path
	i := strings.LastIndex(strings.ToLower(path), "/salesorder/")
	if i < 0 {
		return Receipt{}, false
	}
	parts := strings.Split(strings.Trim(path[i+len("/salesorder/"):], "/"), "/")
	for j, p := range parts {
		if s, err := url.PathUnescape(p); err == nil {
			parts[j] = s
		}
	}
	switch {
	case len(parts) == 1 && parts[0] != "":
		return Receipt{ID: parts[0], Number: parts[0]}, true
	case len(parts) == 2 && parts[1] != "":
		return Receipt{ID: parts[0] + "/" + parts[1], Number: parts[1]}, true
	}
	return Receipt{}, false
}
