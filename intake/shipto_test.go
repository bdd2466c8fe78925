package intake_test

import (
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ordergate/ordergate/catalog"
	"github.com/ordergate/ordergate/erp"
	"github.com/ordergate/ordergate/erp/erptest"
	"github.com/ordergate/ordergate/intake"
)

const (
	glnWarehouse = "5412345000020" // a delivery location of customer 10001
	glnStranger  = "5412345000037" // nobody's
)

// shipToCatalog is testCatalog with the customer's warehouse as a
// delivery location.
func shipToCatalog(t *testing.T) *catalog.Snapshot {
	t.Helper()
	d := testData()
	d.Locations = []catalog.Location{{Customer: "10001", GLN: glnWarehouse, Code: "WH-ANT", Name: "Brasserie Demo Warehouse",
		Address: "Noorderlaan 147", City: "Antwerpen", Postcode: "2030", Country: "BE"}}
	snap, err := catalog.Build(d)
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

// shipToDoc is an ORDERS of customer 10001 for delivery to the ship-to GLN
// alone (NAD+DP), with a note, and a second line that asks for a later day
// and carries a note of its own.
func shipToDoc(ctrl, po, shipTo string) string { return shipToMessage(ctrl, po, "9", shipTo) }

// shipToMessage is shipToDoc with a document function (BGM 1225).
func shipToMessage(ctrl, po, function, shipTo string) string {
	segs := []string{
		"UNH+1+ORDERS:D:96A:UN:EAN008",
		"BGM+220+" + po + "+" + function,
		"DTM+137:20261125:102",
		"DTM+2:20261203:102",
		"FTX+AAI+++Deliver at the loading dock",
		"NAD+BY+" + glnBuyer + "::9",
		"NAD+DP+" + shipTo + "::9",
		"CUX+2:EUR:9",
		"LIN+1++" + gtinCoffee + ":EN", "QTY+21:12:PCE", "PRI+AAA:14.50",
		"LIN+2++" + gtinCups + ":EN", "QTY+21:3:PCE", "DTM+2:20261205:102", "FTX+AAI+++Stack at most two high",
		"UNS+S", "CNT+2:2",
	}
	segs = append(segs, "UNT+"+strconv.Itoa(len(segs)+1)+"+1")
	return "UNA:+.? 'UNB+UNOC:3+" + glnBuyer + ":14+5498765000017:14+261125:0930+" + ctrl + "'" +
		strings.Join(segs, "'") + "'UNZ+1+" + ctrl + "'"
}

// shipToPipeline runs the real parser and matcher on shipToCatalog,
// delivering to conn.
func shipToPipeline(t *testing.T, conn erp.Connector) ediBundle {
	snap := shipToCatalog(t)
	return ediPipeline(t, func(o *intake.Options) {
		m := *o.Matcher.(*intake.CatalogMatcher)
		m.Snapshot = func() *catalog.Snapshot { return snap }
		o.Matcher, o.ERP = &m, conn
	})
}

// TestShipToReachesBusinessCentral: an order naming its ship-to by GLN
// alone reaches Business Central with the location's address, the second
// line's own date and the notes as comment lines. Before the fix, the
// sales order had the customer's default address and no notes.
func TestShipToReachesBusinessCentral(t *testing.T) {
	t.Parallel()
	fake := erptest.NewBusinessCentral(t, nil, nil)
	fake.CustomerAddresses = map[string]erptest.BCShipTo{"10001": {ShipToName: "Brasserie Demo SA",
		ShipToAddressLine1: "Grote Markt 1", ShipToAddressLine2: "1st floor", ShipToCity: "Brussel", ShipToPostCode: "1000", ShipToCountry: "BE"}}
	b := shipToPipeline(t, erp.NewBusinessCentral(fake.Config(), &http.Client{Timeout: 5 * time.Second}, slog.New(slog.DiscardHandler)))

	o := b.receiveOne(t, "known ship-to", shipToDoc("ST1", "PO-ST-1", glnWarehouse))
	o = b.waitOrder(t, o.ID, intake.StateDelivered, intake.StateReview)
	if o.State != intake.StateDelivered {
		t.Fatalf("order %s %v: %s", o.State, codes(o.PO.Exceptions), o.ReviewReason)
	}
	if to := o.PO.DeliverTo; to == nil || to.Code != "WH-ANT" || to.Address != "Noorderlaan 147" {
		t.Fatalf("stored deliver_to %+v", to)
	}
	so := fake.Orders()[0]
	want := erptest.BCShipTo{ShipToName: "Brasserie Demo Warehouse", ShipToAddressLine1: "Noorderlaan 147",
		ShipToCity: "Antwerpen", ShipToPostCode: "2030", ShipToCountry: "BE"}
	if so.BCShipTo != want || so.RequestedDeliveryDate != "2026-12-03" {
		t.Errorf("Business Central ships to %+v on %s\nwant %+v on 2026-12-03", so.BCShipTo, so.RequestedDeliveryDate, want)
	}
	var lines []string
	for _, l := range so.SalesOrderLines {
		lines = append(lines, l.LineType+" "+l.LineObjectNumber+l.Description+" "+l.ShipmentDate)
	}
	wantLines := "Comment Deliver at the loading dock |Item COF-1 |Item CUP-8 2026-12-05|Comment Stack at most two high "
	if got := strings.Join(lines, "|"); got != wantLines {
		t.Errorf("lines\n %q\nwant %q", got, wantLines)
	}

	o = b.receiveOne(t, "unknown ship-to", shipToDoc("ST2", "PO-ST-2", glnStranger))
	if o.State != intake.StateReview || strings.Join(codes(o.PO.Exceptions), ",") != "UNKNOWN_SHIP_TO" {
		t.Fatalf("unknown ship-to: %s %v, want review with UNKNOWN_SHIP_TO", o.State, codes(o.PO.Exceptions))
	}
	if msg := o.PO.Exceptions[0].Message; !strings.Contains(msg, "GLN "+glnStranger) || !strings.Contains(msg, "customer 10001") {
		t.Errorf("message %q", msg)
	}
	if n := fake.OrderCount(); n != 1 {
		t.Errorf("Business Central has %d orders, want 1: an unknown ship-to must not go to the default address", n)
	}
}

// TestShipToReachesVisma: the same order reaches Visma.net with the
// location, its address, the dates and the notes. Before the fix the order
// had no location, no address and no notes, and the order's date went as
// requestedOn, which the sales order does not have.
func TestShipToReachesVisma(t *testing.T) {
	t.Parallel()
	fake := erptest.NewVisma(t, nil, nil)
	fake.Locations = map[string][]string{"10001": {"MAIN", "WH-ANT"}}
	b := shipToPipeline(t, erp.NewVisma(fake.Config(), &http.Client{Timeout: 5 * time.Second}, slog.New(slog.DiscardHandler)))

	o := b.receiveOne(t, "known ship-to", shipToDoc("SV1", "PO-SV-1", glnWarehouse))
	o = b.waitOrder(t, o.ID, intake.StateDelivered, intake.StateReview)
	if o.State != intake.StateDelivered {
		t.Fatalf("order %s %v: %s", o.State, codes(o.PO.Exceptions), o.ReviewReason)
	}
	so := fake.Orders()[0]
	if so.Location != "WH-ANT" || so.ShippingName != "Brasserie Demo Warehouse" || so.RequestOn != "2026-12-03" ||
		so.ShippingAddress != (erptest.VismaAddress{AddressLine1: "Noorderlaan 147", PostalCode: "2030", City: "Antwerpen", CountryID: "BE"}) ||
		so.Note != "Deliver at the loading dock" {
		t.Errorf("Visma order %+v", so)
	}
	if len(so.Lines) != 2 || so.Lines[1].RequestedOn != "2026-12-05" || so.Lines[1].Note != "Stack at most two high" {
		t.Errorf("Visma lines %+v", so.Lines)
	}

	o = b.receiveOne(t, "unknown ship-to", shipToDoc("SV2", "PO-SV-2", glnStranger))
	if o.State != intake.StateReview || strings.Join(codes(o.PO.Exceptions), ",") != "UNKNOWN_SHIP_TO" || fake.OrderCount() != 1 {
		t.Fatalf("unknown ship-to: %s %v, %d Visma orders", o.State, codes(o.PO.Exceptions), fake.OrderCount())
	}
}

// TestChangeNamesTheShipTo: an order waiting with an unknown ship-to is
// changed by the customer to a known one; the change is applied, the
// original matched again and delivered to the location.
func TestChangeNamesTheShipTo(t *testing.T) {
	t.Parallel()
	fake := erptest.NewBusinessCentral(t, nil, nil)
	b := shipToPipeline(t, erp.NewBusinessCentral(fake.Config(), &http.Client{Timeout: 5 * time.Second}, slog.New(slog.DiscardHandler)))
	orig := b.receiveOne(t, "unknown ship-to", shipToDoc("SC1", "PO-SC-1", glnStranger))
	if orig.State != intake.StateReview {
		t.Fatalf("original %s %v", orig.State, codes(orig.PO.Exceptions))
	}
	c := b.receiveOne(t, "change", shipToMessage("SC2", "PO-SC-1", "4", glnWarehouse))
	if c = b.waitOrder(t, c.ID, intake.StateApplied, intake.StateReview); c.State != intake.StateApplied {
		t.Fatalf("change %s %v: %s", c.State, codes(c.PO.Exceptions), c.ReviewReason)
	}
	orig = b.waitOrder(t, orig.ID, intake.StateDelivered, intake.StateReview)
	if orig.State != intake.StateDelivered || orig.PO.DeliverTo == nil || orig.PO.DeliverTo.Code != "WH-ANT" {
		t.Fatalf("original after the change: %s %v, deliver to %+v", orig.State, codes(orig.PO.Exceptions), orig.PO.DeliverTo)
	}
	if so := fake.Orders(); len(so) != 1 || so[0].ShipToAddressLine1 != "Noorderlaan 147" {
		t.Fatalf("Business Central holds %+v", so)
	}
}
