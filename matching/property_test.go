package matching

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/ordergate/ordergate/catalog"
	"github.com/ordergate/ordergate/catalog/catalogtest"
	"github.com/ordergate/ordergate/order"
)

// goodLines are lines of the fixture that match cleanly for Acme (C100), in
// quantities that stay within stock and credit even five at a time.
var goodLines = []func(r *rand.Rand) order.Line{
	func(r *rand.Rand) order.Line {
		return order.Line{GTIN: gtinScrew, Quantity: order.NewDecimal(1 + r.Int64N(10)), Unit: pick(r, "", "PCE", "EA", "C62"), UnitPrice: pickPrice(r, "0.08")}
	},
	func(r *rand.Rand) order.Line {
		return order.Line{BuyerItem: pick(r, "ACME-SCREW-8", "acme screw 8"), Quantity: order.NewDecimal(1 + r.Int64N(10)), UnitPrice: pickPrice(r, "0.0801")}
	},
	func(r *rand.Rand) order.Line {
		return order.Line{BuyerItem: "ACME-SCREW-CT", Quantity: order.NewDecimal(1 + r.Int64N(2)), UnitPrice: pickPrice(r, "8")}
	},
	func(r *rand.Rand) order.Line {
		return order.Line{SupplierItem: "AB-200", GTIN: pick(r, "", gtinWood), Quantity: order.NewDecimal(50 + 10*r.Int64N(6)), Unit: "PCE"}
	},
	func(r *rand.Rand) order.Line {
		return order.Line{BuyerItem: "SAND-1", Quantity: order.NewDecimal(1 + r.Int64N(100)), Unit: pick(r, "KGM", "kg")}
	},
	func(r *rand.Rand) order.Line {
		return order.Line{GTIN: gtinScrewCT, Quantity: order.NewDecimal(1 + r.Int64N(2)), UnitPrice: pickPrice(r, "8")}
	},
}

// badLines each carry one defect that must send the order to review.
var badLines = []func(r *rand.Rand) order.Line{
	func(r *rand.Rand) order.Line { // unknown item
		return order.Line{SupplierItem: fmt.Sprintf("ZZ-%d", r.IntN(1000)), Description: "hex screw", Quantity: dec("1")}
	},
	func(r *rand.Rand) order.Line { // numbers disagree
		return order.Line{BuyerItem: "ACME-SCREW-8", GTIN: gtinWood, Quantity: dec("50")}
	},
	func(r *rand.Rand) order.Line { // bad check digit, SKU known
		return order.Line{GTIN: gtinScrew[:12] + string('0'+(gtinScrew[12]-'0'+1+byte(r.IntN(8)))%10), SupplierItem: "AB-100", Quantity: dec("1")}
	},
	func(r *rand.Rand) order.Line { return order.Line{SupplierItem: "BLK-1", Quantity: dec("1")} },
	func(r *rand.Rand) order.Line { return order.Line{SupplierItem: "OLD-1", Quantity: dec("1")} },
	func(r *rand.Rand) order.Line {
		return order.Line{GTIN: gtinScrew, Quantity: dec("1"), Unit: pick(r, "KGM", "LTR", "XX", "BX")}
	},
	func(r *rand.Rand) order.Line { return order.Line{GTIN: gtinScrew, Quantity: dec("1.5")} },
	func(r *rand.Rand) order.Line {
		return order.Line{GTIN: gtinScrew, Quantity: dec("10"), UnitPrice: decp(pick(r, "0.09", "0.0790", "0", "1"))}
	},
	func(r *rand.Rand) order.Line {
		return order.Line{GTIN: gtinScrew, Quantity: order.NewDecimal(5101 + r.Int64N(1000))}
	},
	func(r *rand.Rand) order.Line { return order.Line{SupplierItem: "NOPRICE-1", Quantity: dec("1")} },
	func(r *rand.Rand) order.Line { return order.Line{SupplierItem: "USD-1", Quantity: dec("1")} },
	func(r *rand.Rand) order.Line { return order.Line{SupplierItem: "AB-200", Quantity: dec("20")} },
	func(r *rand.Rand) order.Line { return order.Line{SupplierItem: "AB-200", Quantity: dec("55")} },
	func(r *rand.Rand) order.Line {
		return order.Line{GTIN: gtinScrew, Quantity: dec("1"), DeliveryDate: order.NewDate(2026, time.November, 1+r.IntN(24))}
	},
	func(r *rand.Rand) order.Line {
		return order.Line{GTIN: gtinScrew, Quantity: order.NewDecimal(-r.Int64N(3))}
	},
	func(r *rand.Rand) order.Line { return order.Line{Quantity: dec("1")} },
	func(r *rand.Rand) order.Line { // cartons of 100 whose pieces do not fit a Decimal
		return order.Line{GTIN: gtinScrewCT, Quantity: order.DecimalFromUnits(math.MaxInt64/100 + 1 + r.Int64N(math.MaxInt64/2))}
	},
}

// goodSenders identify Acme with certainty; badSenders each add doubt.
var goodSenders = []func(po *order.PurchaseOrder){
	func(po *order.PurchaseOrder) {},
	func(po *order.PurchaseOrder) {
		po.Sender, po.Buyer = order.Sender{Kind: order.SenderEmail, ID: "orders@acme.example", Verified: true}, nil
	},
	func(po *order.PurchaseOrder) {
		po.Sender = order.Sender{Kind: order.SenderUser, ID: "anna", Verified: true}
		po.ChosenCustomer = "C100"
	},
	func(po *order.PurchaseOrder) { po.Sender = order.Sender{Kind: order.SenderGLN, ID: glnAcme} },
}

var badOrders = []func(po *order.PurchaseOrder){
	func(po *order.PurchaseOrder) {
		po.Sender, po.Buyer = order.Sender{Kind: order.SenderEmail, ID: "orders@acme.example"}, nil
	},
	func(po *order.PurchaseOrder) {
		po.Sender, po.Buyer = order.Sender{Kind: order.SenderEmail, ID: "x@acme.example"}, nil
	},
	func(po *order.PurchaseOrder) {
		po.Sender, po.Buyer, po.ChosenCustomer = order.Sender{Kind: order.SenderEDI, ID: "WHO"}, nil, ""
	},
	func(po *order.PurchaseOrder) { po.Buyer = &order.Party{GLN: glnBeta} },
	func(po *order.PurchaseOrder) { po.ChosenCustomer = "C200" },
	func(po *order.PurchaseOrder) { po.PONumber = "PO-OLD" },
	func(po *order.PurchaseOrder) { po.Function = order.FunctionChange },
	func(po *order.PurchaseOrder) { po.Function, po.PONumber = order.FunctionCancellation, "PO-SENT" },
	func(po *order.PurchaseOrder) { po.DeliveryDate = order.NewDate(2026, time.January, 5) },
	func(po *order.PurchaseOrder) { po.DeliveryDate = order.NewDate(2030, time.January, 5) },
	func(po *order.PurchaseOrder) { po.Currency = "GBP" },
	func(po *order.PurchaseOrder) { po.LineCount = len(po.Lines) + 1 },
	func(po *order.PurchaseOrder) { po.PONumber = "" },
}

func pick(r *rand.Rand, s ...string) string { return s[r.IntN(len(s))] }

func pickPrice(r *rand.Rand, p string) *order.Decimal {
	if r.IntN(2) == 0 {
		return nil
	}
	return decp(p)
}

// TestNeverApproveDoubt generates many random orders over the fixture; any
// order with an injected defect (a doubtful line or a doubtful order) must
// go to review, and orders built only from good parts must be approved.
// Every approved result must also satisfy the structural invariants.
func TestNeverApproveDoubt(t *testing.T) {
	snap := fixture(t)
	r := rand.New(rand.NewPCG(2026, 11))
	const n = 20000
	var approved, reviewed int
	for i := range n {
		po := cleanOrder()
		po.PONumber = fmt.Sprintf("PO-R%d", i)
		po.Lines = nil
		defects := 0
		for ln := 1; ln <= 1+r.IntN(5); ln++ {
			var l order.Line
			if r.IntN(4) == 0 {
				l = badLines[r.IntN(len(badLines))](r)
				defects++
			} else {
				l = goodLines[r.IntN(len(goodLines))](r)
			}
			l.LineNo = ln
			po.Lines = append(po.Lines, l)
		}
		goodSenders[r.IntN(len(goodSenders))](po)
		if r.IntN(5) == 0 {
			badOrders[r.IntN(len(badOrders))](po)
			defects++
		}
		res := Match(snap, po, opts())
		checkInvariants(t, snap, po, res)
		switch {
		case defects > 0 && res.Approved():
			t.Fatalf("order %d with %d defects approved: %+v", i, defects, po)
		case defects == 0 && !res.Approved():
			t.Fatalf("clean order %d not approved: %s\n%s%+v", i, res, messagesOf(res), po.Lines)
		}
		if res.Approved() {
			approved++
		} else {
			reviewed++
		}
	}
	t.Logf("%d approved, %d reviewed", approved, reviewed)
}

// checkInvariants holds for every result, whatever the input.
func checkInvariants(t *testing.T, snap *catalog.Snapshot, po *order.PurchaseOrder, res *Result) {
	t.Helper()
	if len(res.Lines) != len(po.Lines) {
		t.Fatalf("lines %d, want %d", len(res.Lines), len(po.Lines))
	}
	if !res.Approved() {
		if len(res.Exceptions) == 0 {
			t.Fatal("review without exceptions")
		}
		return
	}
	if len(res.Exceptions) != 0 || res.Customer < 0 || !snap.Customer(res.Customer).AutoApprove {
		t.Fatalf("approved with exceptions or without an auto-approve customer: %s", res)
	}
	if po.Sender.Kind == order.SenderEmail && !po.Sender.Verified {
		t.Fatal("approved an unverified mail")
	}
	for i, lr := range res.Lines {
		if !lr.Resolved() || !lr.HasPrice || lr.By.Path == PathNone {
			t.Fatalf("approved with line %d unresolved or unpriced", i+1)
		}
		if it := snap.Item(lr.Item); it.Status != "" && it.Status != catalog.ItemActive {
			t.Fatalf("approved inactive item %s", it.SKU)
		}
		if !snap.MayBuy(res.Customer, lr.Item) {
			t.Fatal("approved outside the assortment")
		}
	}
}

// TestRandomGarbageNeverApproved feeds random identifiers against a
// generated catalog: whatever resolves, the invariants hold, and lines
// that name nothing known are never approved.
func TestRandomGarbageNeverApproved(t *testing.T) {
	d := catalogtest.Generate(catalogtest.Size{Items: 2000, Customers: 20, CrossRefs: 500, CustomerPrices: 200, Seed: 7})
	snap, err := catalog.Build(d)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 5000 {
		po := &order.PurchaseOrder{PONumber: fmt.Sprint("G", i), Function: order.FunctionOriginal,
			Sender: order.Sender{Kind: pick(r, order.SenderEDI, order.SenderEmail, order.SenderGLN), ID: pick(r,
				catalogtest.GLN(r.IntN(30)), fmt.Sprintf("orders@c%d.example", r.IntN(30)), "x@y.example", ""), Verified: r.IntN(2) == 0}}
		for ln := 1; ln <= 1+r.IntN(4); ln++ {
			it := r.IntN(2500) // some beyond the catalog
			l := order.Line{LineNo: ln, Quantity: order.DecimalFromUnits(r.Int64N(5_000_000_000) - 1_000_000_000)}
			switch r.IntN(5) {
			case 0:
				l.GTIN = catalogtest.GTIN(it)
			case 1:
				l.GTIN = catalogtest.GTIN14(it)
			case 2:
				l.SupplierItem = catalogtest.SKU(it)
			case 3:
				l.BuyerItem = catalogtest.CustomerItem(r.IntN(20), it)
			default:
				l.Description = catalogtest.Description(r)
			}
			l.Unit = pick(r, "", "PCE", "CT", "BX", "PK", "KGM", "??")
			if r.IntN(2) == 0 {
				l.UnitPrice = decp(fmt.Sprint(r.IntN(20)))
			}
			po.Lines = append(po.Lines, l)
		}
		res := Match(snap, po, opts())
		checkInvariants(t, snap, po, res)
		for j, l := range po.Lines {
			if res.Approved() && (l.Quantity.Sign() <= 0 || l.Description != "" && res.Lines[j].By.Path == PathNone) {
				t.Fatalf("approved line without quantity or item: %+v", l)
			}
		}
	}
}
