package order

import (
	"encoding/json"
	"strings"
	"testing"
)

// lineJSON are lines as docs/CONTRACTS.md describes them, in the canonical
// form encoding/json writes (keys in the order of the contract, empty
// values left out). Written against order.Line as it was before the
// delivery window and split deliveries moved behind a pointer: the JSON
// must not change.
var lineJSON = map[string]string{
	"bare": `{"line_no":1,"quantity":0}`,
	"every field": `{"line_no":7,"buyer_item":"B-1","supplier_item":"ART-7","gtin":"5412345000013",` +
		`"identifiers":[{"qualifier":"EN","value":"5412345000013"},{"qualifier":"IN","value":"B-1"},{"qualifier":"SA","value":"ART-7"}],` +
		`"description":"Widget blue","quantity":12.5,"unit":"PCE","unit_price":1.25,"price_basis":100,"gross_price":1.5,"line_amount":15.63,` +
		`"delivery_date":"2026-04-20","delivery_earliest":"2026-04-18","delivery_latest":"2026-04-24","delivery_promised":"2026-04-22",` +
		`"deliveries":[{"location":"5412345000020","quantity":10,"date":"2026-04-20"},{"location":"DEPOT-2","quantity":2.5}],` +
		`"action":"change","references":[{"qualifier":"CT","value":"K-9","date":"2026-01-02"}],"location":"5412345000020",` +
		`"notes":["fragile"],"sources":{"quantity":{"segment":"QTY","index":12,"element":1,"component":2}},` +
		`"desk":{"sku":"SKU-7","quantity":12,"unit":"CT","accept_price":true,"by":"anna"},` +
		`"sku":"SKU-7","sales_quantity":12,"sales_unit":"CT","base_quantity":144,"agreed_price":1.2,"resolved_by":"gtin"}`,
	"deliveries only":   `{"line_no":2,"quantity":3,"deliveries":[{"location":"A","quantity":1},{"location":"B","quantity":2}]}`,
	"promised only":     `{"line_no":3,"quantity":1,"delivery_promised":"2026-05-01"}`,
	"date and latest":   `{"line_no":4,"quantity":1,"delivery_date":"2026-05-01","delivery_latest":"2026-05-03","action":"add"}`,
	"window, no split":  `{"line_no":5,"quantity":1,"delivery_earliest":"2026-05-01","delivery_latest":"2026-05-03","location":"X"}`,
	"matched, no sched": `{"line_no":6,"quantity":2,"unit":"PCE","sku":"S","sales_quantity":2,"sales_unit":"PCE","resolved_by":"sku"}`,
}

// TestLineJSONRoundTrip reads each line and writes it again: the bytes are
// those read, for lines with and without a delivery window or split
// deliveries, alone and inside an order.
func TestLineJSONRoundTrip(t *testing.T) {
	for name, in := range lineJSON {
		var l Line
		if err := json.Unmarshal([]byte(in), &l); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out, err := json.Marshal(l)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if string(out) != in {
			t.Errorf("%s: round trip\n got %s\nwant %s", name, out, in)
		}
		order := `{"format":"edifact","po_number":"PO-1","function":"original","sender":{"kind":"edi","id":"5412345000013"},"lines":[` + in + `,` + lineJSON["bare"] + `]}`
		var o PurchaseOrder
		if err := json.Unmarshal([]byte(order), &o); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if out, _ := json.Marshal(o); string(out) != order {
			t.Errorf("%s: order round trip\n got %s\nwant %s", name, out, order)
		}
	}
}

// TestLineScheduleOnlyWhenSent: a line read without a delivery window or
// split deliveries has no schedule (nothing allocated for it), one with
// them has; an empty schedule writes nothing, as a nil one.
func TestLineScheduleOnlyWhenSent(t *testing.T) {
	for name, in := range lineJSON {
		var l Line
		if err := json.Unmarshal([]byte(in), &l); err != nil {
			t.Fatal(err)
		}
		sent := strings.Contains(in, `"delivery_earliest"`) || strings.Contains(in, `"delivery_latest"`) ||
			strings.Contains(in, `"delivery_promised"`) || strings.Contains(in, `"deliveries"`)
		if (l.LineSchedule != nil) != sent {
			t.Errorf("%s: schedule %+v, want one: %v", name, l.LineSchedule, sent)
		}
	}
	var l Line
	if l.Schedule().Deliveries != nil || !l.Schedule().DeliveryPromised.IsZero() {
		t.Error("the schedule of a line without one is not zero")
	}
	l.EnsureSchedule()
	if out, _ := json.Marshal(l); string(out) != `{"line_no":0,"quantity":0}` {
		t.Errorf("an empty schedule writes %s", out)
	}
	l.EnsureSchedule().DeliveryPromised = NewDate(2026, 5, 1)
	if out, _ := json.Marshal(l); string(out) != `{"line_no":0,"quantity":0,"delivery_promised":"2026-05-01"}` {
		t.Errorf("a promised date writes %s", out)
	}
}
