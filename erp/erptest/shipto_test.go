package erptest

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// grant makes tok a valid bearer token of ti.
func grant(ti *tokenIssuer, tok string) {
	ti.mu.Lock()
	defer ti.mu.Unlock()
	ti.tokens[tok] = time.Now().Add(time.Hour)
}

func post(t *testing.T, url, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer tok")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestBusinessCentralShipToAndComments: the fake takes the ship-to fields of
// salesOrder over the customer's default, field by field, and comment lines;
// it refuses what API v2.0 does not have or does not fit.
func TestBusinessCentralShipToAndComments(t *testing.T) {
	f := NewBusinessCentral(t, nil, nil)
	f.CustomerAddresses = map[string]BCShipTo{"10000": {ShipToName: "Adatum", ShipToContact: "Robert Townes",
		ShipToAddressLine1: "Station Road, 21", ShipToAddressLine2: "Building B", ShipToCity: "Cambridge", ShipToPostCode: "CB1 2FB", ShipToCountry: "GB"}}
	grant(f.tokens, "tok")
	api := f.URL + "/v2.0/" + f.Tenant + "/" + f.Environment + "/api/v2.0/companies(" + f.CompanyID + ")/salesOrders"
	item := `{"lineType":"Item","lineObjectNumber":"1896-S","quantity":1}`

	if s, b := post(t, api, `{"customerNumber":"10000","externalDocumentNumber":"A","shipToName":"Store","shipToAddressLine1":"Veldstraat 1",
		"shipToAddressLine2":"","shipToCity":"Gent","salesOrderLines":[{"lineType":"Comment","description":"Back door"},`+item+`]}`); s != http.StatusCreated {
		t.Fatalf("create: %d %s", s, b)
	}
	so := f.Orders()[0]
	want := BCShipTo{ShipToName: "Store", ShipToContact: "Robert Townes", ShipToAddressLine1: "Veldstraat 1", ShipToCity: "Gent",
		ShipToPostCode: "CB1 2FB", ShipToCountry: "GB"}
	if so.BCShipTo != want || so.SalesOrderLines[0].Description != "Back door" {
		t.Errorf("stored %+v\nwant %+v", so, want)
	}
	for name, body := range map[string]string{
		"a property salesOrder does not have": `{"customerNumber":"10000","externalDocumentNumber":"B","shipToCode":"ST-1","salesOrderLines":[` + item + `]}`,
		"a city longer than 30":               `{"customerNumber":"10000","externalDocumentNumber":"B","shipToCity":"` + strings.Repeat("x", 31) + `"}`,
		"a comment with a quantity":           `{"customerNumber":"10000","externalDocumentNumber":"B","salesOrderLines":[{"lineType":"Comment","description":"x","quantity":1}]}`,
		"a comment longer than 100":           `{"customerNumber":"10000","externalDocumentNumber":"B","salesOrderLines":[{"lineType":"Comment","description":"` + strings.Repeat("x", 101) + `"}]}`,
		"a line date that is no date":         `{"customerNumber":"10000","externalDocumentNumber":"B","salesOrderLines":[{"lineType":"Item","lineObjectNumber":"1896-S","quantity":1,"shipmentDate":"2026-13-01"}]}`,
	} {
		if s, b := post(t, api, body); s != http.StatusBadRequest || !strings.Contains(b, `"error"`) {
			t.Errorf("%s: %d %s, want 400 with a BC error", name, s, b)
		}
	}
	if n := f.OrderCount(); n != 1 {
		t.Errorf("orders = %d, want 1", n)
	}
}

// TestVismaDeliveryFields: the fake reads SalesOrderUpdateDto (requestOn,
// location, soShippingAddress, soShippingContact, note) and refuses the
// line's requestedOn on the order.
func TestVismaDeliveryFields(t *testing.T) {
	f := NewVisma(t, nil, nil)
	f.Locations = map[string][]string{"10000": {"MAIN", "ST-1"}}
	grant(f.tokens, "tok")
	api := f.URL + "/controller/api/v1/salesorder"
	head := `"orderType":{"value":"SO"},"customer":{"value":"10000"},"customerRefNo":{"value":"A"}`
	line := `"operation":"Insert","inventoryNumber":{"value":"1896-S"},"quantity":{"value":1}`
	if s, b := post(t, api, `{`+head+`,"requestOn":{"value":"2026-12-01"},"location":{"value":"ST-1"},
		"soShippingAddress":{"value":{"overrideAddress":{"value":true},"addressLine1":{"value":"Veldstraat 1"},"postalCode":{"value":"9000"},"city":{"value":"Gent"},"countryId":{"value":"BE"}}},
		"soShippingContact":{"value":{"overrideContact":{"value":true},"name":{"value":"Store"}}},
		"note":{"value":"Back door"},
		"lines":[{`+line+`,"requestedOn":{"value":"2026-12-03"},"note":{"value":"fragile"}}]}`); s != http.StatusCreated {
		t.Fatalf("create: %d %s", s, b)
	}
	// An address without overrideAddress does not count, as in Visma.
	if s, b := post(t, api, `{`+head+`,"soShippingAddress":{"value":{"addressLine1":{"value":"Elsewhere 2"}}},"lines":[{`+line+`}]}`); s != http.StatusCreated {
		t.Fatalf("create: %d %s", s, b)
	}
	os := f.Orders()
	if o := os[0]; o.RequestOn != "2026-12-01" || o.Location != "ST-1" || o.Note != "Back door" || o.ShippingName != "Store" ||
		o.ShippingAddress != (VismaAddress{AddressLine1: "Veldstraat 1", PostalCode: "9000", City: "Gent", CountryID: "BE"}) ||
		o.Lines[0].RequestedOn != "2026-12-03" || o.Lines[0].Note != "fragile" {
		t.Errorf("stored %+v", o)
	}
	if os[1].ShippingAddress != (VismaAddress{}) {
		t.Errorf("an address without override was taken: %+v", os[1].ShippingAddress)
	}
	for name, body := range map[string]string{
		"requestedOn on the order": `{` + head + `,"requestedOn":{"value":"2026-12-01"},"lines":[{` + line + `}]}`,
		"an unknown location":      `{` + head + `,"location":{"value":"NOPE"},"lines":[{` + line + `}]}`,
		"a date that is no date":   `{` + head + `,"lines":[{` + line + `,"requestedOn":{"value":"soon"}}]}`,
	} {
		if s, b := post(t, api, body); s != http.StatusBadRequest {
			t.Errorf("%s: %d %s, want 400", name, s, b)
		}
	}
}
