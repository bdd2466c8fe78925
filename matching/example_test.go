package matching_test

import (
	"fmt"
	"time"

	"github.com/ordergate/ordergate/catalog"
	"github.com/ordergate/ordergate/matching"
	"github.com/ordergate/ordergate/order"
)

func Example() {
	snap, err := catalog.Build(catalog.Data{
		Currency: "EUR",
		Customers: []catalog.Customer{{
			Number: "C100", Name: "Acme Retail", Emails: []string{"orders@acme.example"},
			AutoApprove: true, PriceTolerancePct: order.MustDecimal("1"),
		}},
		Items: []catalog.Item{
			{SKU: "AB-100", Description: "Hex screw M8 x 40 zinc plated", BaseUnit: "PCE", GTIN: "4006381333931"},
			{SKU: "AB-200", Description: "Wood screw 4 x 30", BaseUnit: "PCE"},
		},
		SalesUnits: []catalog.SalesUnit{{SKU: "AB-100", Unit: "CT", Factor: order.NewDecimal(100)}},
		CrossRefs: []catalog.CrossRef{{
			Customer: "C100", CustomerItem: "SCR-8", SKU: "AB-100", Source: catalog.SourceLearned,
			LearnedBy: "anna", LearnedFrom: "123",
		}},
		Prices: []catalog.Price{{Customer: "C100", SKU: "AB-100", Price: order.MustDecimal("0.08")}},
		Stock:  []catalog.Stock{{SKU: "AB-100", Warehouse: "MAIN", Quantity: order.NewDecimal(5000)}},
	})
	if err != nil {
		panic(err)
	}
	price := order.MustDecimal("8")
	po := &order.PurchaseOrder{
		PONumber: "4711", Function: order.FunctionOriginal, Currency: "EUR",
		Sender: order.Sender{Kind: order.SenderEmail, ID: "orders@acme.example", Verified: true},
		Lines: []order.Line{
			{LineNo: 1, BuyerItem: "scr 8", Quantity: order.NewDecimal(2), Unit: "CT", UnitPrice: &price},
			{LineNo: 2, Description: "wood screw 4x30", Quantity: order.NewDecimal(100)},
		},
	}
	res := matching.Match(snap, po, matching.Options{Today: order.NewDate(2026, time.November, 25)})
	fmt.Println(res.Status, res.CustomerNumber, "by", res.CustomerBy)
	for _, l := range res.Lines {
		if l.Resolved() {
			fmt.Printf("line %d: %s %s %s at %s per %s, %s\n", l.LineNo, l.Quantity, l.Unit, l.SKU, l.AgreedPrice, l.Unit, l.By)
		}
	}
	for _, e := range res.Exceptions {
		fmt.Println(e.Code, e.Message)
	}
	matching.Apply(po, res)
	fmt.Println(po.Status, po.Lines[0].SKU, po.Lines[0].ResolvedBy)
	// Output:
	// review C100 by sender address orders@acme.example
	// line 1: 2 CT AB-100 at 8 per CT, cross-reference learned from order 123 by anna
	// UNKNOWN_ITEM Line 2: we do not know item "wood screw 4x30". Suggestions: AB-200 (Wood screw 4 x 30) - description 40% similar.
	// review AB-100 cross-reference learned from order 123 by anna
}
