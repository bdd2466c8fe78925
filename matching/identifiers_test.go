package matching

import (
	"strings"
	"testing"

	"github.com/ordergate/ordergate/catalog"
	"github.com/ordergate/ordergate/order"
)

// TestResolveByIdentifiers: a line whose BuyerItem, GTIN and SupplierItem
// find nothing is tried by its other identifications, in the documented
// order; one whose numbers are all of kinds matching cannot look up waits
// for the desk with them named (issue 14, point 3).
func TestResolveByIdentifiers(t *testing.T) {
	data := fixtureData()
	data.Items = append(data.Items,
		catalog.Item{SKU: "BOOK-1", Description: "Grundlagen der Logistik", BaseUnit: "PCE", GTIN: "9783161484100"},
		catalog.Item{SKU: "BOOK-2", Description: "Introduction to Operations Research", BaseUnit: "PCE", GTIN: "9780306406157"},
	)
	data.Prices = append(data.Prices, catalog.Price{SKU: "BOOK-1", Price: dec("20")}, catalog.Price{SKU: "BOOK-2", Price: dec("30")})
	data.Stock = append(data.Stock, catalog.Stock{SKU: "BOOK-1", Warehouse: "MAIN", Quantity: dec("50")}, catalog.Stock{SKU: "BOOK-2", Warehouse: "MAIN", Quantity: dec("50")})
	snap, err := catalog.Build(data)
	if err != nil {
		t.Fatal(err)
	}
	id := func(q, v string) order.ItemID { return order.ItemID{Qualifier: order.ItemTypeOf(q), Value: v} }
	cases := []struct {
		name       string
		line       order.Line
		sku        string // "" when the line must not resolve
		resolvedBy string
		codes      []string
		message    string // a piece of the first exception's message
	}{
		{"ISBN-13 is its GTIN-13", order.Line{Identifiers: []order.ItemID{id("IB", "9783161484100")}},
			"BOOK-1", "ISBN 9783161484100 (IB) (GTIN 09783161484100)", nil, ""},
		{"ISBN-10 written with hyphens becomes the GTIN-13 978...", order.Line{Identifiers: []order.ItemID{id("IB", "0-306-40615-2")}},
			"BOOK-2", "ISBN 0-306-40615-2 (IB) (GTIN 09780306406157)", nil, ""},
		{"vendor item number as our SKU", order.Line{Identifiers: []order.ItemID{id("VN", "AB-100")}},
			"AB-100", "vendor item number AB-100 (VN) (our SKU)", nil, ""},
		{"a second buyer's number by the cross-references", order.Line{BuyerItem: "NOT-KNOWN",
			Identifiers: []order.ItemID{id("IN", "NOT-KNOWN"), id("BP", "ACME-SCREW-CT")}},
			"AB-100", "buyer's part number ACME-SCREW-CT (BP) (cross-reference ACME-SCREW-CT (imported))", nil, ""},
		{"the buyer's number before the manufacturer's", order.Line{
			Identifiers: []order.ItemID{id("MF", "AB-200"), id("BP", "ACME-SCREW-8")}},
			"AB-100", "", []string{"AMBIGUOUS_ITEM@1"}, "point to different items"},
		{"only numbers matching has no index for", order.Line{Description: "Heizkoerperventil DN15",
			Identifiers: []order.ItemID{id("SRS", "5738221"), id("ST", "EV-15")}},
			"", "", []string{"UNKNOWN_ITEM@1"}, `we do not know item RSK number 5738221 (SRS), style number EV-15 (ST), "Heizkoerperventil DN15"`},
		{"an ISBN that is no GTIN is shown, not guessed", order.Line{Identifiers: []order.ItemID{id("IB", "978316148410X")}},
			"", "", []string{"UNKNOWN_ITEM@1"}, "ISBN 978316148410X (IB)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			po := cleanOrder()
			tc.line.LineNo, tc.line.Quantity = 1, dec("10")
			po.Lines = []order.Line{tc.line}
			r := Match(snap, po, opts())
			got := codesOf(r)
			if strings.Join(got, ",") != strings.Join(tc.codes, ",") {
				t.Fatalf("codes %v, want %v\n%s", got, tc.codes, messagesOf(r))
			}
			if tc.message != "" && !strings.Contains(r.Exceptions[0].Message, tc.message) {
				t.Errorf("message %q\nwant it to contain %q", r.Exceptions[0].Message, tc.message)
			}
			lr := r.Lines[0]
			if lr.SKU != tc.sku {
				t.Fatalf("SKU %q, want %q", lr.SKU, tc.sku)
			}
			if tc.resolvedBy != "" && lr.By.String() != tc.resolvedBy {
				t.Errorf("resolved by %q, want %q", lr.By.String(), tc.resolvedBy)
			}
			if tc.sku == "" && r.Approved() {
				t.Error("a line without an item was approved")
			}
		})
	}
}
