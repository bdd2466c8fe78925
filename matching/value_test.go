package matching

import (
	"slices"
	"testing"

	"github.com/ordergate/ordergate/catalog"
	"github.com/ordergate/ordergate/order"
)

// TestValuesOutOfRangeGoToReview: an order whose value, a line amount or a
// base quantity does not fit a Decimal waits for the desk with
// VALUE_OUT_OF_RANGE, never passes a check with a wrapped value. The first
// case is the order that was approved: 5,000,000,000 pieces at 2,000.00
// against a credit limit of 1,000 (its value wrapped negative).
func TestValuesOutOfRangeGoToReview(t *testing.T) {
	limit, big := dec("1000"), dec("1000000000000")
	data := catalog.Data{
		Currency: "EUR",
		Customers: []catalog.Customer{{Number: "C1", Name: "Big Spender", EDIIDs: []string{"BIG"}, AutoApprove: true, CreditLimit: &limit},
			{Number: "C2", Name: "Big Limit", EDIIDs: []string{"FREE"}, AutoApprove: true, CreditLimit: &big}},
		Items: []catalog.Item{
			{SKU: "GOLD", Description: "Gold bar", BaseUnit: "PCE"},
			{SKU: "DUST", Description: "Dust", BaseUnit: "PCE"},
			{SKU: "FREE", Description: "Sample without price", BaseUnit: "PCE"},
		},
		SalesUnits: []catalog.SalesUnit{{SKU: "DUST", Unit: "CT", Factor: dec("1000000")}},
		Stock:      []catalog.Stock{{SKU: "FREE", Warehouse: "MAIN", Quantity: dec("-1")}}, // owed to customers
		Prices: []catalog.Price{
			{Customer: "C1", SKU: "GOLD", Price: dec("2000.00")},
			{Customer: "C2", SKU: "GOLD", Price: dec("2000.00")},
			{SKU: "DUST", Price: dec("0.000001")},
		},
		OpenOrders: []catalog.OpenOrder{
			// Two open orders of the free customer whose sum is capped at
			// the largest Decimal.
			{Customer: "C2", OrderID: "o-1", Value: dec("9000000000000")},
			{Customer: "C2", OrderID: "o-2", Value: dec("9000000000000")},
		},
	}
	snap, err := catalog.Build(data)
	if err != nil {
		t.Fatal(err)
	}
	gold := func(qty, price string) order.Line {
		l := order.Line{LineNo: 1, SupplierItem: "GOLD", Quantity: dec(qty), Unit: "PCE"}
		if price != "" {
			l.UnitPrice = decp(price)
		}
		return l
	}
	cases := []struct {
		name   string
		sender string
		lines  []order.Line
		want   []string
	}{
		{"5e9 at 2000 against a limit of 1000", "BIG", []order.Line{gold("5000000000", "2000.00")},
			[]string{"VALUE_OUT_OF_RANGE", "VALUE_OUT_OF_RANGE@1"}},
		{"the same negative", "BIG", []order.Line{gold("-5000000000", "2000.00")},
			[]string{"PARSE_ERROR@1"}},
		// 4,611,686,018 x 2,000 = 9,223,372,036,000 fits; one more piece does not.
		{"largest amount that fits", "BIG", []order.Line{gold("4611686018", "")}, []string{"CREDIT_LIMIT"}},
		{"one piece more", "BIG", []order.Line{gold("4611686019", "")}, []string{"VALUE_OUT_OF_RANGE", "VALUE_OUT_OF_RANGE@1"}},
		{"two lines that fit, their sum does not", "BIG", []order.Line{gold("4000000000", ""), func() order.Line {
			l := gold("4000000000", "")
			l.LineNo = 2
			return l
		}()}, []string{"VALUE_OUT_OF_RANGE"}},
		{"sent price where none is agreed", "BIG", []order.Line{{LineNo: 1, SupplierItem: "FREE", Quantity: dec("5000000000"), UnitPrice: decp("2000")}},
			[]string{"NO_PRICE@1", "VALUE_OUT_OF_RANGE", "VALUE_OUT_OF_RANGE@1"}},
		{"price per 0.000001 pieces", "BIG", []order.Line{{LineNo: 1, SupplierItem: "GOLD", Quantity: dec("1"), UnitPrice: decp("1000000000"), PriceBasis: decp("0.000001")}},
			[]string{"CREDIT_LIMIT", "VALUE_OUT_OF_RANGE@1"}},
		{"base quantity in cartons of a million", "FREE", []order.Line{{LineNo: 1, SupplierItem: "DUST", Quantity: dec("10000000"), Unit: "CT"}},
			[]string{"VALUE_OUT_OF_RANGE", "VALUE_OUT_OF_RANGE@1"}},
		{"stock demand of two lines", "BIG", []order.Line{
			{LineNo: 1, SupplierItem: "DUST", Quantity: dec("5000000000000")},
			{LineNo: 2, SupplierItem: "DUST", Quantity: dec("5000000000000")}},
			[]string{"CREDIT_LIMIT", "INSUFFICIENT_STOCK@1", "VALUE_OUT_OF_RANGE@2"}},
		{"exposure with open orders beyond the range", "FREE", []order.Line{gold("1", "")}, []string{"VALUE_OUT_OF_RANGE"}},
		{"stock left after reservations", "BIG", []order.Line{{LineNo: 1, SupplierItem: "FREE", Quantity: dec("1"), UnitPrice: decp("1")}},
			[]string{"NO_PRICE@1", "VALUE_OUT_OF_RANGE@1"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			po := &order.PurchaseOrder{Format: "edifact", PONumber: "PO-1", Function: order.FunctionOriginal, Currency: "EUR",
				Sender: order.Sender{Kind: order.SenderEDI, ID: c.sender}, Lines: c.lines}
			o := opts()
			o.IgnoreStock = c.name != "stock demand of two lines" && c.name != "stock left after reservations"
			if c.name == "stock left after reservations" {
				// Orders on their way to the ERP hold more than any stock.
				o.History = &History{Customer: "C1", Reserved: map[string]order.Decimal{"FREE": order.MaxDecimal}}
			}
			r := Match(snap, po, o)
			if got := codesOf(r); !slices.Equal(got, c.want) {
				t.Fatalf("codes = %v, want %v\n%s", got, c.want, messagesOf(r))
			}
			if r.Approved() {
				t.Fatal("approved")
			}
			Apply(po, r)
			if r.TotalOutOfRange != (po.Total == nil) {
				t.Errorf("total out of range %v, stored total %v", r.TotalOutOfRange, po.Total)
			}
		})
	}
	// The message a clerk reads.
	po := &order.PurchaseOrder{PONumber: "PO-1", Function: order.FunctionOriginal, Sender: order.Sender{Kind: order.SenderEDI, ID: "BIG"},
		Lines: []order.Line{gold("5000000000", "2000.00")}}
	r := Match(snap, po, Options{Today: today, IgnoreStock: true})
	want := []string{
		"The order value is too large to compute: check the quantity and price with the customer; the credit limit could not be checked.",
		"Line 1: the amount of 5000000000 PCE at 2000 EUR per PCE is too large to compute: check the quantity and price with the customer.",
	}
	for i, e := range r.Exceptions {
		if i >= len(want) || e.Message != want[i] {
			t.Errorf("message %d = %q", i, e.Message)
		}
	}
}
