package matching

import (
	"slices"
	"strings"
	"testing"

	"github.com/ordergate/ordergate/catalog"
	"github.com/ordergate/ordergate/order"
)

// TestShipTo covers the ship-to rule of checkShipTo: where the goods go, or
// UNKNOWN_SHIP_TO, never the default address in place of one the order
// names.
func TestShipTo(t *testing.T) {
	snap := fixture(t)
	oslo := &order.Location{Code: "ST-OSL", GLN: glnAcmeStore, Name: "Acme Store Oslo", Address: "Karl Johans gate 1",
		City: "Oslo", Postcode: "0154", Country: "NO", From: order.LocationFromMasterData}
	sentAddr := order.Party{Name: "Acme pop-up", Address: "Strandkaien 3", City: "Stavanger", Postcode: "4005"}
	cases := []struct {
		name    string
		shipTo  *order.Party
		mut     func(po *order.PurchaseOrder)
		want    *order.Location
		unknown bool
	}{
		{name: "no ship-to: default address"},
		{name: "empty ship-to: default address", shipTo: &order.Party{}},
		{name: "GLN only of a location: its address", shipTo: &order.Party{GLN: glnAcmeStore}, want: oslo},
		{name: "GLN of a location with another address sent: the master data's",
			shipTo: &order.Party{GLN: glnAcmeStore, Name: "Store", Address: "Elsewhere 1", City: "Bergen", Postcode: "5003"}, want: oslo},
		{name: "GLN of a location without address: the code, and the address sent",
			shipTo: &order.Party{GLN: glnAcmeBare, Name: "Bryggen", Address: "Bryggen 5", City: "Bergen", Country: "no"},
			want: &order.Location{Code: "ST-BRG", GLN: glnAcmeBare, Name: "Bryggen", Address: "Bryggen 5", City: "Bergen",
				Country: "NO", From: order.LocationFromMasterData}},
		{name: "GLN of a location without address, none sent: the code alone", shipTo: &order.Party{GLN: glnAcmeBare},
			want: &order.Location{Code: "ST-BRG", GLN: glnAcmeBare, From: order.LocationFromMasterData}},
		{name: "the customer's own GLN: default address", shipTo: &order.Party{GLN: glnAcmeShipTo}},
		{name: "our code, assigned by us", shipTo: &order.Party{ID: "wh-2", CodeList: "91"},
			want: &order.Location{Code: "WH-2", Name: "Acme Warehouse", Address: "Industriveien 9", City: "Lillestrøm",
				Postcode: "2000", Country: "NO", From: order.LocationFromMasterData}},
		{name: "a buyer's number is not our code", shipTo: &order.Party{ID: "WH-2", CodeList: "92"}, unknown: true},
		{name: "unknown GLN only", shipTo: &order.Party{GLN: glnNowhere}, unknown: true},
		{name: "unknown GLN with a name only", shipTo: &order.Party{GLN: glnNowhere, Name: "Store 7"}, unknown: true},
		{name: "unknown GLN with a complete address: as sent",
			shipTo: &order.Party{GLN: glnNowhere, Name: sentAddr.Name, Address: sentAddr.Address, City: sentAddr.City, Postcode: sentAddr.Postcode},
			want: &order.Location{GLN: glnNowhere, Name: "Acme pop-up", Address: "Strandkaien 3", City: "Stavanger",
				Postcode: "4005", From: order.LocationAsSent}},
		{name: "address only, complete: as sent", shipTo: &sentAddr,
			want: &order.Location{Name: "Acme pop-up", Address: "Strandkaien 3", City: "Stavanger", Postcode: "4005", From: order.LocationAsSent}},
		{name: "address without a city", shipTo: &order.Party{Name: "Store 7", Address: "Main street 1", Postcode: "4005"}, unknown: true},
		{name: "another customer's location, even with an address",
			shipTo: &order.Party{GLN: glnBetaSite, Address: "Torget 2", City: "Hamar", Postcode: "2317"}, unknown: true},
		{name: "a customer without locations: a GLN alone is unknown", shipTo: &order.Party{GLN: glnNowhere},
			mut: func(po *order.PurchaseOrder) {
				po.Sender, po.Buyer = order.Sender{Kind: order.SenderEDI, ID: "DELTA", Verified: true}, nil
				po.Currency, po.Lines[0].SKU, po.Lines[0].GTIN, po.Lines[0].UnitPrice = "USD", "USD-1", "", nil
				po.Lines[0].SupplierItem = "USD-1"
			}, unknown: true},
		{name: "a customer without locations: a complete address is as sent", shipTo: &sentAddr,
			mut: func(po *order.PurchaseOrder) {
				po.Sender, po.Buyer = order.Sender{Kind: order.SenderEDI, ID: "DELTA", Verified: true}, nil
				po.Currency, po.Lines[0].GTIN, po.Lines[0].UnitPrice, po.Lines[0].SupplierItem = "USD", "", nil, "USD-1"
			},
			want: &order.Location{Name: "Acme pop-up", Address: "Strandkaien 3", City: "Stavanger", Postcode: "4005", From: order.LocationAsSent}},
		{name: "cancellation: not checked", shipTo: &order.Party{GLN: glnNowhere},
			mut: func(po *order.PurchaseOrder) { po.Function, po.PONumber = order.FunctionCancellation, "PO-OLD" }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			po := cleanOrder()
			po.ShipTo = c.shipTo
			if c.mut != nil {
				c.mut(po)
			}
			r := Match(snap, po, opts())
			var codes []string
			for _, e := range r.Exceptions {
				if e.Code != ManualApproval && e.Code != AlreadyDelivered {
					codes = append(codes, string(e.Code))
				}
			}
			if c.unknown {
				if !slices.Equal(codes, []string{"UNKNOWN_SHIP_TO"}) || r.DeliverTo != nil || r.Approved() {
					t.Fatalf("got %v, deliver to %+v; want UNKNOWN_SHIP_TO and nowhere", codes, r.DeliverTo)
				}
				return
			}
			if len(codes) != 0 {
				t.Fatalf("exceptions %v: %s", codes, r.Exceptions[0].Message)
			}
			if (r.DeliverTo == nil) != (c.want == nil) || r.DeliverTo != nil && *r.DeliverTo != *c.want {
				t.Fatalf("deliver to %+v, want %+v", r.DeliverTo, c.want)
			}
			// Apply stores it, and a match that resolves none clears it.
			Apply(po, r)
			if (po.DeliverTo == nil) != (c.want == nil) {
				t.Fatalf("applied: %+v", po.DeliverTo)
			}
			po.ShipTo = nil
			Apply(po, Match(snap, po, opts()))
			if po.DeliverTo != nil {
				t.Fatalf("matched again without a ship-to, still delivers to %+v", po.DeliverTo)
			}
		})
	}
}

// TestUnknownShipToMessage checks the clerk's message: what the order
// names, whose location it is not, and the customer's locations to pick.
func TestUnknownShipToMessage(t *testing.T) {
	snap := fixture(t)
	po := cleanOrder()
	po.ShipTo = &order.Party{GLN: glnNowhere, Name: "Store 7"}
	r := Match(snap, po, opts())
	e := r.Exceptions[0]
	want := "The order asks for delivery to GLN " + glnNowhere + " (Store 7) without a complete address, which is not a delivery location of customer C100 (Acme Retail)."
	if e.Code != UnknownShipTo || !strings.HasPrefix(e.Message, want) {
		t.Fatalf("message %q\nwant prefix %q", e.Message, want)
	}
	if !strings.Contains(e.Message, "import locations") || len(e.Suggestions) != 3 ||
		e.Suggestions[0].SKU != glnAcmeStore || e.Suggestions[0].Description != "Acme Store Oslo, Karl Johans gate 1, 0154 Oslo" ||
		e.Suggestions[2].SKU != "WH-2" {
		t.Fatalf("message %q, suggestions %+v", e.Message, e.Suggestions)
	}

	po.ShipTo = &order.Party{GLN: "0001"}
	e = Match(snap, po, opts()).Exceptions[0]
	if !strings.HasPrefix(e.Message, "The order asks for delivery to location 0001 (sent as a GLN, but not a valid one) without a complete address,") {
		t.Fatalf("an invalid GLN: %q", e.Message)
	}

	po.ShipTo = &order.Party{GLN: glnBetaSite}
	e = Match(snap, po, opts()).Exceptions[0]
	if !strings.Contains(e.Message, "it is a location of customer C200") {
		t.Fatalf("another customer's location: %q", e.Message)
	}

	d := fixtureData()
	d.Locations = nil
	bare, err := catalog.Build(d)
	if err != nil {
		t.Fatal(err)
	}
	e = Match(bare, po, opts()).Exceptions[0]
	if !strings.Contains(e.Message, "which has no delivery locations in the master data") || len(e.Suggestions) != 0 {
		t.Fatalf("no locations: %q %+v", e.Message, e.Suggestions)
	}
}
