package parsers_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/ordergate/ordergate/order"
	"github.com/ordergate/ordergate/parsers"
	"github.com/ordergate/ordergate/parsers/edifact"
)

// interchange builds an EANCOM ORDERS interchange with one message per
// line spec {quantity, PRI+AAA component string ("" for none)}.
func interchange(msgs ...[2]string) string {
	var b strings.Builder
	b.WriteString("UNA:+.? 'UNB+UNOC:3+5412345000013:14+5498765000017:14+261125:0930+IC1'")
	for i, m := range msgs {
		segs := []string{
			fmt.Sprintf("UNH+M%d+ORDERS:D:96A:UN:EAN008", i+1),
			fmt.Sprintf("BGM+220+PO-%d+9", i+1),
			"NAD+BY+5412345000013::9",
			"LIN+1++5400000000010:EN",
			"QTY+21:" + m[0] + ":PCE",
		}
		if m[1] != "" {
			segs = append(segs, "PRI+"+m[1])
		}
		segs = append(segs, "UNS+S", "CNT+2:1")
		segs = append(segs, fmt.Sprintf("UNT+%d+M%d", len(segs)+1, i+1))
		b.WriteString(strings.Join(segs, "'") + "'")
	}
	fmt.Fprintf(&b, "UNZ+%d+IC1'", len(msgs))
	return b.String()
}

func TestOrdersOverTheLimitsAreRefusedWithTheirPlace(t *testing.T) {
	reg := parsers.NewRegistry(edifact.New())
	cases := []struct {
		qty, pri string
		refused  string // "" when accepted
	}{
		{"1000000000", "AAA:1000000000", ""},
		{"1000000000.000001", "", "order PO-1, line 1: quantity 1000000000.000001 is more than the largest we accept, 1000000000 (limits.max_quantity); check the order with the customer"},
		{"5000000000", "AAA:2000.00", "quantity 5000000000 is more than the largest we accept"},
		{"9223372036854.775807", "", "quantity 9223372036854.775807 is more than"},
		{"1", "AAA:1000000000.01", "unit price 1000000000.01 is more than the largest we accept, 1000000000 (limits.max_unit_price)"},
		{"1", "AAB:2000000000", "gross price 2000000000 is more than"},
		{"1", "AAA:5:::1000000001:PCE", "price basis 1000000001 is more than the largest quantity we accept"},
		{"1", "AAA:5:::1000000000:PCE", ""},
	}
	for _, c := range cases {
		res, err := reg.Parse(context.Background(), parsers.Document{Data: []byte(interchange([2]string{c.qty, c.pri}))})
		if err != nil {
			t.Fatalf("%s %s: %v", c.qty, c.pri, err)
		}
		if c.refused == "" {
			if len(res.Orders) != 1 || len(res.Errors) != 0 {
				t.Errorf("%s %s: orders %d, errors %+v; want accepted", c.qty, c.pri, len(res.Orders), res.Errors)
			}
			continue
		}
		if len(res.Orders) != 0 || len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Message, c.refused) {
			t.Errorf("%s %s: orders %d, errors %+v; want refused with %q", c.qty, c.pri, len(res.Orders), res.Errors, c.refused)
		}
	}

	// In an interchange of three, the second is refused at its own place;
	// the others keep theirs.
	res, err := reg.Parse(context.Background(), parsers.Document{Data: []byte(interchange(
		[2]string{"1", ""}, [2]string{"5000000000", "AAA:2000"}, [2]string{"2", ""}))})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Orders) != 2 || res.Orders[0].Envelope.MessageIndex != 1 || res.Orders[1].Envelope.MessageIndex != 3 {
		t.Fatalf("orders %+v", res.Orders)
	}
	if e := res.Errors; len(e) != 1 || e[0].Index != 2 || e[0].Ref != "M2" || e[0].Type != "ORDERS" || e[0].NotOrder {
		t.Fatalf("errors %+v", res.Errors)
	}

	// Configured limits replace the defaults.
	reg = parsers.NewRegistry(edifact.New()).WithLimits(parsers.Limits{MaxQuantity: order.MustDecimal("10"), MaxUnitPrice: order.MustDecimal("100")})
	for doc, want := range map[string]int{
		interchange([2]string{"10", "AAA:100"}): 1,
		interchange([2]string{"11", "AAA:100"}): 0,
		interchange([2]string{"10", "AAA:101"}): 0,
	} {
		res, err := reg.Parse(context.Background(), parsers.Document{Data: []byte(doc)})
		if err != nil || len(res.Orders) != want {
			t.Errorf("%s: %d orders, %v; want %d", doc, len(res.Orders), err, want)
		}
	}
}

// TestLimitsCheckNamesEveryLineOver: the first line over a limit is
// named, the others counted.
func TestLimitsCheckNamesEveryLineOver(t *testing.T) {
	big := order.MustDecimal("2000000000")
	neg := order.MustDecimal("-2000000000")
	po := &order.PurchaseOrder{PONumber: "PO-9", Lines: []order.Line{
		{LineNo: 1, Quantity: order.MustDecimal("1")},
		{LineNo: 2, Quantity: big},
		{LineNo: 3, Quantity: order.MustDecimal("1"), UnitPrice: &big},
		{LineNo: 4, Quantity: neg},
	}}
	want := "order PO-9, line 2: quantity 2000000000 is more than the largest we accept, 1000000000 (limits.max_quantity) (and 2 more lines); check the order with the customer"
	if got := (parsers.Limits{}).Check(po); got != want {
		t.Errorf("Check = %q\nwant    %q", got, want)
	}
	po.Lines = po.Lines[:1]
	if got := (parsers.Limits{}).Check(po); got != "" {
		t.Errorf("Check of a clean order = %q", got)
	}
}
