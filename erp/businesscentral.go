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
//	 "salesOrderLines":[{"lineType":"Item","lineObjectNumber":"1896-S","quantity":10,"unitPrice":12.5}]}
//
// See https://learn.microsoft.com/dynamics365/business-central/dev-itpro/api-reference/v2.0/api/dynamics_salesorder_create
// and .../api/dynamics_salesorderline_create. unitPrice is sent only when
// matching found an agreed price; otherwise Business Central prices the line
// itself. Errors come as {"error":{"code":"...","message":"..."}}; the
// message is kept verbatim for the sales desk.
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
type bcSalesOrder struct {
	ID                     string        `json:"id,omitempty"`
	Number                 string        `json:"number,omitempty"`
	CustomerNumber         string        `json:"customerNumber"`
	ExternalDocumentNumber string        `json:"externalDocumentNumber"`
	RequestedDeliveryDate  string        `json:"requestedDeliveryDate,omitempty"`
	SalesOrderLines        []bcOrderLine `json:"salesOrderLines,omitempty"`
}

type bcOrderLine struct {
	LineType         string        `json:"lineType"`
	LineObjectNumber string        `json:"lineObjectNumber"`
	Quantity         order.Decimal `json:"quantity"`
	// UnitOfMeasureCode is sent with every line: without it Business
	// Central counts the quantity in the item's default sales unit, which
	// need not be the unit the quantity and price were matched in.
	UnitOfMeasureCode string         `json:"unitOfMeasureCode,omitempty"`
	UnitPrice         *order.Decimal `json:"unitPrice,omitempty"`
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
	so := bcSalesOrder{
		CustomerNumber:         po.CustomerNumber,
		ExternalDocumentNumber: po.PONumber,
		RequestedDeliveryDate:  po.DeliveryDate.String(),
	}
	for i := range po.Lines {
		l := &po.Lines[i]
		qty, unit := l.Ordered()
		code, err := bc.unitCode(ctx, unit)
		if err != nil {
			return Receipt{}, err
		}
		so.SalesOrderLines = append(so.SalesOrderLines, bcOrderLine{
			LineType: "Item", LineObjectNumber: l.SKU, Quantity: qty, UnitPrice: l.AgreedPrice,
			UnitOfMeasureCode: code,
		})
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
