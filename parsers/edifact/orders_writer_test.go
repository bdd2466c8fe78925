package edifact

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/ordergate/ordergate/order"
	"github.com/ordergate/ordergate/parsers"
)

// TestWriteORDERSRoundTrip writes a matched order and reads it back with
// the parser: what an ERP importing the file sees is what was meant.
func TestWriteORDERSRoundTrip(t *testing.T) {
	price := order.MustDecimal("14.5")
	in := order.PurchaseOrder{
		PONumber: "PO-1001", Function: order.FunctionOriginal, Currency: "EUR", CustomerNumber: "10001",
		OrderDate: order.NewDate(2026, time.November, 25), DeliveryDate: order.NewDate(2026, time.December, 2),
		Buyer:  &order.Party{GLN: "5412345000013", Name: "Café l'Ami du Coin+Fils, a rather long name indeed"},
		ShipTo: &order.Party{GLN: "5412345000020"},
		Lines: []order.Line{{LineNo: 1, GTIN: "5400000000010", BuyerItem: "BC-4411", Description: "Espresso beans: 1 kg",
			Quantity: order.MustDecimal("2"), Unit: "CT", SKU: "COF-1000", SalesQuantity: order.MustDecimal("2"), SalesUnit: "CT",
			AgreedPrice: &price}},
	}
	var b bytes.Buffer
	out := Outbound{From: PartyID{ID: "5498765000017", Qualifier: "14"}, To: PartyID{ID: "ERP"}, ControlRef: "77",
		Prepared: time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC), Delimiters: Delimiters{Component: '!', Element: '|', Decimal: ',', Release: '/', Segment: '~'}}
	if err := WriteORDERS(&b, out, in); err != nil {
		t.Fatal(err)
	}
	res, err := New().Parse(context.Background(), parsers.Document{Data: b.Bytes()})
	if err != nil || len(res.Orders) != 1 || len(res.Errors) != 0 || len(res.Warnings) != 0 {
		t.Fatalf("parse back: %v %+v\n%s", err, res, b.String())
	}
	got := res.Orders[0]
	l := got.Lines[0]
	if got.PONumber != "PO-1001" || got.Buyer.Name != in.Buyer.Name || got.ShipTo.GLN != "5412345000020" ||
		got.DeliveryDate != in.DeliveryDate || got.Reference("IT") != "10001" || got.Currency != "EUR" {
		t.Fatalf("order = %+v\n%s", got, b.String())
	}
	if l.SupplierItem != "COF-1000" || l.BuyerItem != "BC-4411" || l.GTIN != "5400000000010" || l.Quantity.String() != "2" ||
		l.Unit != "CT" || l.UnitPrice == nil || l.UnitPrice.String() != "14.5" || l.Description != "Espresso beans: 1 kg" {
		t.Fatalf("line = %+v\n%s", l, b.String())
	}
}

// TestWriteORDERSDeliveries: the parts of a split delivery go out as
// segment group 33 and come back as they were (issue 14, point 4), in the
// unit the line is written in.
func TestWriteORDERSDeliveries(t *testing.T) {
	in := order.PurchaseOrder{PONumber: "PO-2002", Function: order.FunctionOriginal,
		Lines: []order.Line{{LineNo: 1, GTIN: "4012345678901", Quantity: order.MustDecimal("24"), Unit: "PCE",
			SKU: "MILK-1", SalesQuantity: order.MustDecimal("2"), SalesUnit: "CT",
			LineSchedule: &order.LineSchedule{Deliveries: []order.Delivery{
				{Location: "4001234000015", Quantity: order.MustDecimal("12"), Date: order.NewDate(2026, time.April, 21)},
				{Location: "STORE 7", Quantity: order.MustDecimal("12"), Date: order.NewDate(2026, time.April, 22)},
			}}}},
	}
	var b bytes.Buffer
	if err := WriteORDERS(&b, Outbound{From: PartyID{ID: "4005678000006", Qualifier: "14"}, To: PartyID{ID: "ERP"}, ControlRef: "9"}, in); err != nil {
		t.Fatal(err)
	}
	res, err := New().Parse(context.Background(), parsers.Document{Data: b.Bytes()})
	if err != nil || len(res.Orders) != 1 || len(res.Errors) != 0 || len(res.Warnings) != 0 {
		t.Fatalf("parse back: %v %+v\n%s", err, res, b.String())
	}
	l := res.Orders[0].Lines[0]
	ds := l.Schedule().Deliveries
	if len(ds) != 2 || l.Unit != "CT" || l.Quantity.String() != "2" {
		t.Fatalf("line %+v\n%s", l, b.String())
	}
	for i, want := range []string{"4001234000015 1 2026-04-21", "STORE 7 1 2026-04-22"} {
		d := ds[i]
		if got := d.Location + " " + d.Quantity.String() + " " + d.Date.String(); got != want {
			t.Errorf("delivery %d = %s, want %s\n%s", i, got, want, b.String())
		}
	}
}
