package matching

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/ordergate/ordergate/order"
)

// TestResolutionPaths covers every way a line finds its item and unit.
func TestResolutionPaths(t *testing.T) {
	snap := fixture(t)
	cases := []struct {
		name       string
		line       order.Line
		path       Path
		sku        string
		resolvedBy string
		unit       string
		base       string // base quantity
		agreed     string
	}{
		{"learned cross-reference, normalised code",
			order.Line{BuyerItem: "acme screw 8", Quantity: dec("10")},
			PathCrossRef, "AB-100", "cross-reference learned from order 123 by anna on 2026-10-01", "PCE", "10", "0.08"},
		{"imported cross-reference with its unit",
			order.Line{BuyerItem: "ACME-SCREW-CT", Quantity: dec("2")},
			PathCrossRef, "AB-100", "cross-reference ACME-SCREW-CT (imported)", "CT", "200", "8"},
		{"cross-reference beats an equal SKU",
			order.Line{BuyerItem: "1001", Quantity: dec("50")},
			PathCrossRef, "AB-200", "cross-reference 1001 (imported)", "PCE", "50", "0.1"},
		{"GTIN-13 of the base unit",
			order.Line{GTIN: gtinScrew, Quantity: dec("10"), Unit: "EA"},
			PathGTIN, "AB-100", "GTIN 0" + gtinScrew, "PCE", "10", "0.08"},
		{"GTIN-14 form of the same GTIN",
			order.Line{GTIN: "0" + gtinScrew, Quantity: dec("10")},
			PathGTIN, "AB-100", "GTIN 0" + gtinScrew, "PCE", "10", "0.08"},
		{"pack-level GTIN counts packs (EANCOM)",
			order.Line{GTIN: gtinScrewCT, Quantity: dec("3"), Unit: "PCE"},
			PathGTIN, "AB-100", "GTIN " + gtinScrewCT, "CT", "300", "8"},
		{"our SKU as supplier item",
			order.Line{SupplierItem: "ab.100", Quantity: dec("10"), Unit: "C62"},
			PathSKU, "AB-100", "our SKU", "PCE", "10", "0.08"},
		{"our SKU in the buyer's column, gram of a kilogram item",
			order.Line{BuyerItem: "SAND-1", Quantity: dec("500"), Unit: "grm"},
			PathBuyerAsSKU, "SAND-1", "our SKU in the buyer's item column", "GRM", "0.5", "0.0005"},
		{"agreeing numbers",
			order.Line{BuyerItem: "ACME-SCREW-8", GTIN: gtinScrew, SupplierItem: "AB-100", Quantity: dec("10")},
			PathCrossRef, "AB-100", "cross-reference learned from order 123 by anna on 2026-10-01", "PCE", "10", "0.08"},
		{"box of a piece item with a box price",
			order.Line{SupplierItem: "AB-200", Quantity: dec("2"), Unit: "BX"},
			PathSKU, "AB-200", "our SKU", "BX", "100", "5"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			po := cleanOrder()
			tc.line.LineNo = 1
			po.Lines = []order.Line{tc.line}
			r := Match(snap, po, opts())
			if len(r.Exceptions) > 0 || !r.Approved() {
				t.Fatalf("not clean: %s\n%s", r, messagesOf(r))
			}
			lr := r.Lines[0]
			if lr.By.Path != tc.path || lr.SKU != tc.sku || lr.Unit != tc.unit {
				t.Errorf("path %d sku %s unit %s, want %d %s %s", lr.By.Path, lr.SKU, lr.Unit, tc.path, tc.sku, tc.unit)
			}
			if got := lr.By.String(); got != tc.resolvedBy {
				t.Errorf("resolved by %q, want %q", got, tc.resolvedBy)
			}
			if lr.BaseQuantity.String() != tc.base || lr.AgreedPrice.String() != tc.agreed || !lr.HasPrice {
				t.Errorf("base qty %s agreed %s, want %s %s", lr.BaseQuantity, lr.AgreedPrice, tc.base, tc.agreed)
			}
		})
	}
}

// TestApply checks what the pipeline stores: the canonical order JSON with
// status, exceptions and per line sku, agreed_price and resolved_by.
func TestApply(t *testing.T) {
	snap := fixture(t)
	po := cleanOrder()
	po.Lines = append(po.Lines, order.Line{LineNo: 2, BuyerItem: "NOPE", Quantity: dec("1")})
	r := Match(snap, po, opts())
	Apply(po, r)
	b, err := json.Marshal(po)
	if err != nil {
		t.Fatal(err)
	}
	js := string(b)
	for _, want := range []string{
		`"status":"review"`, `"customer_number":"C100"`,
		`"exceptions":[{"code":"UNKNOWN_ITEM","line_no":2,"message":"Line 2: we do not know item customer item NOPE.","got":"customer item NOPE"}]`,
		`"sku":"AB-100","sales_quantity":10,"sales_unit":"PCE","base_quantity":10,"agreed_price":0.08,"resolved_by":"GTIN 0` + gtinScrew + `"`,
		`"customer_by":"EDI sender id ACMEEDI","total":0.8`,
	} {
		if !strings.Contains(js, want) {
			t.Errorf("JSON lacks %s\n%s", want, js)
		}
	}
	// Applying a clean re-match clears what an earlier match set.
	po.Lines = po.Lines[:1]
	Apply(po, Match(snap, po, opts()))
	if po.Status != "approved" || len(po.Exceptions) != 0 {
		t.Errorf("after re-match: %s %v", po.Status, po.Exceptions)
	}
}

func TestMatchIsDeterministic(t *testing.T) {
	snap := fixture(t)
	po := cleanOrder()
	po.Lines = append(po.Lines, order.Line{LineNo: 2, Description: "screw", Quantity: dec("1")})
	a, _ := json.Marshal(Match(snap, po, opts()))
	for range 20 {
		b, _ := json.Marshal(Match(snap, po, opts()))
		if string(a) != string(b) {
			t.Fatalf("results differ:\n%s\n%s", a, b)
		}
	}
}

// TestConcurrentMatch runs matches, including description search (which
// builds its index on first use), on one snapshot from many goroutines;
// run with -race.
func TestConcurrentMatch(t *testing.T) {
	snap := fixture(t)
	want := Match(snap, cleanOrder(), opts()).String()
	done := make(chan string)
	for range 8 {
		go func() {
			po := cleanOrder()
			po.Lines = append(po.Lines, order.Line{LineNo: 2, Description: "hex screw", Quantity: dec("1")})
			Match(snap, po, opts())
			po.Lines = po.Lines[:1]
			po.PONumber = "PO-1"
			done <- Match(snap, po, opts()).String()
		}()
	}
	for range 8 {
		if got := <-done; got != want {
			t.Errorf("got %s, want %s", got, want)
		}
	}
}

// TestResolvedLinesDoNotAllocate: a clean line costs no allocation; an
// order costs a few (the result, its line slice, the customer text).
func TestResolvedLinesDoNotAllocate(t *testing.T) {
	snap := fixture(t)
	mk := func(n int) *order.PurchaseOrder {
		po := cleanOrder()
		po.Lines = nil
		for i := 1; i <= n; i++ {
			po.Lines = append(po.Lines, order.Line{LineNo: i, GTIN: gtinScrew, Quantity: dec("1"), UnitPrice: decp("0.08")})
		}
		if r := Match(snap, po, opts()); !r.Approved() {
			t.Fatalf("not clean: %s", r)
		}
		return po
	}
	small, big := mk(10), mk(30)
	a := testing.AllocsPerRun(50, func() { Match(snap, small, opts()) })
	b := testing.AllocsPerRun(50, func() { Match(snap, big, opts()) })
	if b > a {
		t.Errorf("%v allocations for 10 lines, %v for 30: lines allocate", a, b)
	}
	t.Logf("%v allocations per order", a)
}

// TestLargeOrderStock covers orders above smallOrder lines, where demand
// per item is kept in a map, and the credit check re-matching a stored
// open order without counting it twice.
func TestLargeOrderStock(t *testing.T) {
	snap := fixture(t)
	po := cleanOrder()
	po.Lines = nil
	for i := 1; i <= 60; i++ { // 60 x 100 PCE of AB-100; 5100 in stock
		po.Lines = append(po.Lines, order.Line{LineNo: i, GTIN: gtinScrew, Quantity: dec("100")})
	}
	r := Match(snap, po, opts())
	got := codesOf(r)
	if len(got) != 9 || got[0] != "INSUFFICIENT_STOCK@52" {
		t.Fatalf("codes %v", got)
	}

	// Acme: balance 1000 + open orders 2000 (o-77) + this order; limit 10000.
	po = cleanOrder()
	po.Lines[0].Quantity, po.Lines[0].UnitPrice = dec("5000"), nil // 5000 x 0.07 = 350
	o := opts()
	o.IgnoreStock = true
	if r := Match(snap, po, o); !r.Approved() || r.Total.String() != "350" {
		t.Fatalf("%s", r)
	}
	po.Lines[0].Quantity = dec("100000") // 7000: 1000 + 2000 + 7000 = 10000, at the limit
	if r := Match(snap, po, o); !r.Approved() {
		t.Fatalf("at the limit: %s", r)
	}
	po.Lines[0].Quantity = dec("100001")
	if r := Match(snap, po, o); len(codesOf(r)) != 1 || r.Exceptions[0].Code != CreditLimit {
		t.Fatalf("above the limit: %s", r)
	}
	o.OrderID = "o-77" // the order is itself the open order o-77: not counted twice
	if r := Match(snap, po, o); !r.Approved() {
		t.Fatalf("re-match of o-77: %s", r)
	}
}
