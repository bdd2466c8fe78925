package erp_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/ordergate/ordergate/erp"
	"github.com/ordergate/ordergate/erp/erptest"
	"github.com/ordergate/ordergate/order"
)

// longNote is a note longer than a Business Central comment line (100).
var longNote = "Deliver to the loading dock at the back of the building; ring the bell twice and wait, the dock opens at 7:00 sharp."

// shipToOrder is sampleOrder going to a store of the customer, with notes
// and a line that asks for a later date than the order.
func shipToOrder() order.PurchaseOrder {
	po := sampleOrder()
	po.ShipTo = &order.Party{GLN: "5412345000020"}
	po.DeliverTo = &order.Location{Code: "ST-GENT", GLN: "5412345000020", Name: "Store Gent", Address: "Veldstraat 1",
		City: "Gent", Postcode: "9000", Country: "BE", From: order.LocationFromMasterData}
	po.Notes = []string{longNote}
	po.Lines[1].DeliveryDate = order.NewDate(2026, 12, 3)
	po.Lines[1].Notes = []string{"Keep frozen"}
	return po
}

func TestBusinessCentralSendsWhereAndWhen(t *testing.T) {
	t.Parallel()
	f := erptest.NewBusinessCentral(t, customers, items)
	f.CustomerAddresses = map[string]erptest.BCShipTo{"10000": {ShipToName: "Adatum HQ", ShipToContact: "Robert Townes",
		ShipToAddressLine1: "Station Road, 21", ShipToAddressLine2: "Building B", ShipToCity: "Brussel", ShipToState: "BRU",
		ShipToPostCode: "1000", ShipToCountry: "BE"}}
	c := mustNew(t, erp.Config{Kind: erp.KindBusinessCentral, BusinessCentral: f.Config()})
	if _, err := c.Deliver(t.Context(), erp.NewDelivery(1, shipToOrder())); err != nil {
		t.Fatal(err)
	}
	so := f.Orders()[0]
	// Nothing of the default address is left mixed in.
	want := erptest.BCShipTo{ShipToName: "Store Gent", ShipToAddressLine1: "Veldstraat 1", ShipToCity: "Gent",
		ShipToPostCode: "9000", ShipToCountry: "BE"}
	if so.BCShipTo != want || so.RequestedDeliveryDate != "2026-12-01" {
		t.Errorf("ship-to %+v on %s\nwant %+v on 2026-12-01", so.BCShipTo, so.RequestedDeliveryDate, want)
	}
	var got []string
	for _, l := range so.SalesOrderLines {
		got = append(got, l.LineType+":"+l.LineObjectNumber+l.Description+"@"+l.ShipmentDate)
	}
	wantLines := []string{
		"Comment:Deliver to the loading dock at the back of the building; ring the bell twice and wait, the dock@",
		"Comment:opens at 7:00 sharp.@",
		"Item:1896-S@", // the order's date: Business Central plans it
		"Item:1900-A@2026-12-03",
		"Comment:Keep frozen@",
	}
	if strings.Join(got, "\n") != strings.Join(wantLines, "\n") {
		t.Errorf("lines:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(wantLines, "\n"))
	}

	// Without a delivery address the customer's default stays; with no
	// order date but one date on every line, that is the order's.
	po := sampleOrder()
	po.PONumber, po.DeliveryDate = "PO-4712", order.Date{}
	for i := range po.Lines {
		po.Lines[i].DeliveryDate = order.NewDate(2026, 12, 9)
	}
	if _, err := c.Deliver(t.Context(), erp.NewDelivery(2, po)); err != nil {
		t.Fatal(err)
	}
	so = f.Orders()[1]
	if so.BCShipTo != f.CustomerAddresses["10000"] || so.RequestedDeliveryDate != "2026-12-09" || so.SalesOrderLines[0].ShipmentDate != "" {
		t.Errorf("default address order: %+v", so)
	}
}

func TestBusinessCentralRefusesWhatItCannotTake(t *testing.T) {
	t.Parallel()
	f := erptest.NewBusinessCentral(t, customers, items)
	c := mustNew(t, erp.Config{Kind: erp.KindBusinessCentral, BusinessCentral: f.Config()})
	for name, tc := range map[string]struct {
		to   order.Location
		want string
	}{
		"a location known by code only": {order.Location{Code: "ST-BRG", GLN: "5412345000037", From: order.LocationFromMasterData},
			"the goods go to location ST-BRG / 5412345000037, but the master data has no street and city for it"},
		"a city longer than the field": {order.Location{Name: "Depot", Address: "Rue 1", City: "Saint-Remy-en-Bouzemont-Saint-Genest-et-Isson", Postcode: "51290"},
			`the delivery address does not fit Business Central: city "Saint-Remy-en-Bouzemont-Saint-Genest-et-Isson" is longer than 30 characters`},
	} {
		po := sampleOrder()
		po.DeliverTo = &tc.to
		_, err := c.Deliver(t.Context(), erp.NewDelivery(1, po))
		if !errors.Is(err, erp.ErrPermanent) || !strings.Contains(erp.Message(err), tc.want) {
			t.Errorf("%s: %v, want a permanent error saying %q", name, err, tc.want)
		}
	}
	if f.Posts() != 0 {
		t.Errorf("posted %d times; the order must be refused before it is sent", f.Posts())
	}
	// A long street takes the second address line.
	po := sampleOrder()
	po.DeliverTo = &order.Location{Address: "Industrieweg 114, Bedrijventerrein Kanaalzone Noord, gebouw C, laadperron 7 tot en met 9, ingang via de Havenstraat", City: "Gent"}
	if _, err := c.Deliver(t.Context(), erp.NewDelivery(2, po)); err != nil {
		t.Fatal(err)
	}
	so := f.Orders()[0]
	if so.ShipToAddressLine1+" "+so.ShipToAddressLine2 != po.DeliverTo.Address || len(so.ShipToAddressLine1) > 100 || so.ShipToAddressLine2 == "" {
		t.Errorf("address lines %q / %q", so.ShipToAddressLine1, so.ShipToAddressLine2)
	}
}

func TestVismaSendsWhereAndWhen(t *testing.T) {
	t.Parallel()
	f := erptest.NewVisma(t, customers, items)
	f.Locations = map[string][]string{"10000": {"ST-GENT"}}
	c := mustNew(t, erp.Config{Kind: erp.KindVisma, Visma: f.Config()})
	if _, err := c.Deliver(t.Context(), erp.NewDelivery(1, shipToOrder())); err != nil {
		t.Fatal(err)
	}
	so := f.Orders()[0]
	if so.RequestOn != "2026-12-01" || so.Location != "ST-GENT" || so.ShippingName != "Store Gent" || so.Note != longNote ||
		so.ShippingAddress != (erptest.VismaAddress{AddressLine1: "Veldstraat 1", PostalCode: "9000", City: "Gent", CountryID: "BE"}) {
		t.Errorf("order %+v", so)
	}
	if l := so.Lines[0]; l.RequestedOn != "" || l.Note != "" {
		t.Errorf("line 1 %+v: the order's date and no note", l)
	}
	if l := so.Lines[1]; l.RequestedOn != "2026-12-03" || l.Note != "Keep frozen" || l.ShipOn != "" {
		t.Errorf("line 2 %+v", l)
	}

	// A location known by code alone: Visma has its address.
	po := sampleOrder()
	po.PONumber = "PO-4712"
	po.DeliverTo = &order.Location{Code: "ST-GENT", From: order.LocationFromMasterData}
	if _, err := c.Deliver(t.Context(), erp.NewDelivery(2, po)); err != nil {
		t.Fatal(err)
	}
	if so := f.Orders()[1]; so.Location != "ST-GENT" || so.ShippingAddress != (erptest.VismaAddress{}) || so.ShippingName != "" {
		t.Errorf("code only: %+v", so)
	}
	// Neither code nor address: refused before sending.
	po.DeliverTo = &order.Location{GLN: "5412345000037", From: order.LocationFromMasterData}
	if _, err := c.Deliver(t.Context(), erp.NewDelivery(3, po)); !errors.Is(err, erp.ErrPermanent) || f.Posts() != 2 {
		t.Errorf("GLN only: %v after %d posts", err, f.Posts())
	}
}

func TestWebhookCarriesWhereAndWhen(t *testing.T) {
	t.Parallel()
	f := erptest.NewWebhookReceiver(t, "whsec_test")
	c := mustNew(t, erp.Config{Kind: erp.KindWebhook, Webhook: f.Config()})
	if _, err := c.Deliver(t.Context(), erp.NewDelivery(1, shipToOrder())); err != nil {
		t.Fatal(err)
	}
	got := f.Deliveries()[0].Payload.Order
	if got.DeliverTo == nil || *got.DeliverTo != *shipToOrder().DeliverTo || got.ShipTo.GLN != "5412345000020" ||
		got.Notes[0] != longNote || got.Lines[1].DeliveryDate.String() != "2026-12-03" || got.Lines[1].Notes[0] != "Keep frozen" {
		t.Errorf("received %+v", got)
	}
}
