package matching

import (
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ordergate/ordergate/catalog/catalogtest"
	"github.com/ordergate/ordergate/order"
)

// codesOf lists a result's exceptions as "CODE" or "CODE@line", sorted.
func codesOf(r *Result) []string {
	var out []string
	for _, e := range r.Exceptions {
		s := string(e.Code)
		if e.LineNo > 0 {
			s += "@" + strconv.Itoa(e.LineNo)
		}
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

func line(mut func(l *order.Line)) func(po *order.PurchaseOrder, o *Options) {
	return func(po *order.PurchaseOrder, o *Options) { mut(&po.Lines[0]) }
}

// TestExceptions has at least one case per exception code (checked by
// TestEveryCodeTested) and the clean cases next to them.
func TestExceptions(t *testing.T) {
	snap := fixture(t)
	emailFrom := func(addr string, verified bool) func(po *order.PurchaseOrder, o *Options) {
		return func(po *order.PurchaseOrder, o *Options) {
			po.Sender = order.Sender{Kind: order.SenderEmail, ID: addr, Verified: verified}
			po.Buyer = nil
		}
	}
	cases := []struct {
		name     string
		mut      func(po *order.PurchaseOrder, o *Options)
		want     []string
		customer string
	}{
		{"clean EDI order", nil, nil, "C100"},
		{"unknown EDI sender", func(po *order.PurchaseOrder, o *Options) {
			po.Sender.ID, po.Buyer = "NOBODY", nil
		}, []string{"UNKNOWN_CUSTOMER"}, ""},
		{"unknown customer number at upload", func(po *order.PurchaseOrder, o *Options) {
			po.ChosenCustomer = "C999"
		}, []string{"UNKNOWN_CUSTOMER"}, ""},
		{"shared domain", emailFrom("someone@shared.example", true), []string{"UNKNOWN_CUSTOMER"}, ""},
		{"EDI sender and buyer GLN disagree", func(po *order.PurchaseOrder, o *Options) {
			po.Buyer.GLN = glnBeta
		}, []string{"AMBIGUOUS_CUSTOMER"}, "C100"},
		{"upload choice decides, a different buyer GLN is doubt", func(po *order.PurchaseOrder, o *Options) {
			po.ChosenCustomer = "c100"
			po.Sender = order.Sender{Kind: order.SenderUser, ID: "anna", Verified: true}
			po.Buyer.GLN = glnBeta
		}, []string{"AMBIGUOUS_CUSTOMER"}, "C100"},
		{"upload choice", func(po *order.PurchaseOrder, o *Options) {
			po.ChosenCustomer = "C100"
			po.Sender = order.Sender{Kind: order.SenderUser, ID: "anna", Verified: true}
			po.Buyer = nil
		}, nil, "C100"},
		{"ship-to GLN of the customer as sender", func(po *order.PurchaseOrder, o *Options) {
			po.Sender = order.Sender{Kind: order.SenderGLN, ID: glnAcmeShipTo}
		}, nil, "C100"},
		{"ship-to GLN that is no location of the customer", func(po *order.PurchaseOrder, o *Options) {
			po.ShipTo = &order.Party{GLN: glnNowhere}
		}, []string{"UNKNOWN_SHIP_TO"}, "C100"},
		{"ship-to GLN of a location of the customer", func(po *order.PurchaseOrder, o *Options) {
			po.ShipTo = &order.Party{GLN: glnAcmeStore}
		}, nil, "C100"},
		{"verified known address", emailFrom("Orders <ORDERS@acme.example>", true), nil, "C100"},
		{"unverified known address", emailFrom("orders@acme.example", false), []string{"UNVERIFIED_SENDER"}, "C100"},
		{"verified domain only", emailFrom("new.buyer@acme.example", true), nil, "C100"},
		{"unverified domain only", emailFrom("new.buyer@acme.example", false), []string{"UNVERIFIED_SENDER"}, "C100"},
		{"manual approval customer", func(po *order.PurchaseOrder, o *Options) {
			po.ChosenCustomer, po.Buyer = "C200", nil
			po.Sender = order.Sender{Kind: order.SenderUser, ID: "anna", Verified: true}
			po.Lines[0].UnitPrice = nil
		}, []string{"MANUAL_APPROVAL"}, "C200"},
		{"no PO number", func(po *order.PurchaseOrder, o *Options) { po.PONumber = " " }, []string{"PARSE_ERROR"}, "C100"},
		{"zero quantity", line(func(l *order.Line) { l.Quantity = dec("0") }), []string{"PARSE_ERROR@1"}, "C100"},
		{"declared line count differs", func(po *order.PurchaseOrder, o *Options) { po.LineCount = 2 }, []string{"PARSE_ERROR"}, "C100"},
		{"unknown function", func(po *order.PurchaseOrder, o *Options) { po.Function = "" }, []string{"PARSE_ERROR"}, "C100"},
		{"order currency differs from customer's", func(po *order.PurchaseOrder, o *Options) { po.Currency = "usd" }, []string{"CURRENCY_MISMATCH"}, "C100"},
		{"item priced only in another currency", line(func(l *order.Line) {
			l.GTIN, l.SupplierItem, l.UnitPrice = "", "USD-1", nil
		}), []string{"CURRENCY_MISMATCH@1"}, "C100"},
		{"credit limit", func(po *order.PurchaseOrder, o *Options) {
			po.Sender = order.Sender{Kind: order.SenderEmail, ID: "buyer@gamma.example", Verified: true}
			po.Buyer = nil
			po.Lines[0].Unit, po.Lines[0].UnitPrice = "CT", nil // 1000 PCE at 0.10 list = 100 + 50 open > 100
		}, []string{"CREDIT_LIMIT"}, "C300"},
		{"within credit limit", func(po *order.PurchaseOrder, o *Options) {
			po.Sender = order.Sender{Kind: order.SenderEmail, ID: "buyer@gamma.example", Verified: true}
			po.Buyer = nil
			po.Lines[0].UnitPrice = nil
		}, nil, "C300"},
		{"duplicate PO number", func(po *order.PurchaseOrder, o *Options) { po.PONumber = "po old" }, []string{"DUPLICATE_ORDER"}, "C100"},
		{"re-matching the stored order itself", func(po *order.PurchaseOrder, o *Options) {
			po.PONumber, o.OrderID = "PO-OLD", "o-77"
		}, nil, "C100"},
		{"resent after rejection", func(po *order.PurchaseOrder, o *Options) { po.PONumber = "PO-REJ" }, nil, "C100"},
		{"delivery date in the past", func(po *order.PurchaseOrder, o *Options) {
			po.DeliveryDate = order.NewDate(2026, time.November, 24)
		}, []string{"DELIVERY_DATE"}, "C100"},
		{"delivery date today", func(po *order.PurchaseOrder, o *Options) { po.DeliveryDate = today }, nil, "C100"},
		{"delivery date too far", func(po *order.PurchaseOrder, o *Options) {
			po.DeliveryDate = order.NewDate(2027, time.November, 26)
		}, []string{"DELIVERY_DATE"}, "C100"},
		{"line delivery date in the past", line(func(l *order.Line) {
			l.DeliveryDate = order.NewDate(2025, time.January, 1)
		}), []string{"DELIVERY_DATE@1"}, "C100"},
		{"change without original", func(po *order.PurchaseOrder, o *Options) {
			po.Function = order.FunctionChange
		}, []string{"ORIGINAL_NOT_FOUND"}, "C100"},
		{"change of an open order", func(po *order.PurchaseOrder, o *Options) {
			po.Function, po.PONumber = order.FunctionChange, "PO-OLD"
		}, nil, "C100"},
		{"change found by RFF+ON", func(po *order.PurchaseOrder, o *Options) {
			po.Function, po.PONumber = order.FunctionChange, "CHG-1"
			po.References = []order.Reference{{Qualifier: "ON", Value: "PO-OLD"}}
		}, nil, "C100"},
		{"cancellation of an order already in the ERP", func(po *order.PurchaseOrder, o *Options) {
			po.Function, po.PONumber, po.Lines = order.FunctionCancellation, "PO-SENT", nil
		}, []string{"ALREADY_DELIVERED"}, "C100"},
		{"unknown GTIN", line(func(l *order.Line) {
			l.GTIN, l.Description = catalogtest.GTIN(999), "hex screw M8 zinc"
		}), []string{"UNKNOWN_ITEM@1"}, "C100"},
		{"numbers point to different items", line(func(l *order.Line) {
			l.BuyerItem, l.GTIN = "ACME-SCREW-8", gtinWood
		}), []string{"AMBIGUOUS_ITEM@1"}, "C100"},
		{"wrong GTIN check digit, no other number", line(func(l *order.Line) {
			l.GTIN = gtinScrew[:12] + string('0'+(gtinScrew[12]-'0'+1)%10)
		}), []string{"INVALID_GTIN@1", "UNKNOWN_ITEM@1"}, "C100"},
		{"GTIN with letters but SKU known", line(func(l *order.Line) {
			l.GTIN, l.SupplierItem = "54A", "AB-100"
		}), []string{"INVALID_GTIN@1"}, "C100"},
		{"not in assortment", func(po *order.PurchaseOrder, o *Options) {
			po.ChosenCustomer, po.Buyer = "C200", nil
			po.Sender = order.Sender{Kind: order.SenderUser, ID: "anna", Verified: true}
			po.Lines[0] = order.Line{LineNo: 1, SupplierItem: "AB-200", Quantity: dec("50")}
		}, []string{"MANUAL_APPROVAL", "NOT_IN_ASSORTMENT@1"}, "C200"},
		{"blocked item", line(func(l *order.Line) {
			l.GTIN, l.SupplierItem, l.UnitPrice = "", "BLK-1", nil
		}), []string{"ITEM_BLOCKED@1"}, "C100"},
		{"discontinued item", line(func(l *order.Line) {
			l.GTIN, l.SupplierItem, l.UnitPrice = "", "OLD-1", nil
		}), []string{"ITEM_DISCONTINUED@1"}, "C100"},
		{"unit not convertible", line(func(l *order.Line) { l.Unit = "KGM" }), []string{"UNIT_MISMATCH@1"}, "C100"},
		{"unknown unit code", line(func(l *order.Line) { l.Unit = "XYZ" }), []string{"UNIT_MISMATCH@1"}, "C100"},
		{"quantity too large to count in pieces", line(func(l *order.Line) {
			l.Unit, l.Quantity, l.UnitPrice = "CT", dec("100000000000"), nil // 1e13 PCE
		}), []string{"VALUE_OUT_OF_RANGE", "VALUE_OUT_OF_RANGE@1"}, "C100"},
		{"half a carton", line(func(l *order.Line) {
			l.Unit, l.Quantity, l.UnitPrice = "CT", dec("1.5"), nil
		}), []string{"PACK_SIZE@1"}, "C100"},
		{"not a multiple of the order multiple", line(func(l *order.Line) {
			l.GTIN, l.Quantity, l.UnitPrice = gtinWood, dec("55"), nil
		}), []string{"PACK_SIZE@1"}, "C100"},
		{"below minimum quantity", line(func(l *order.Line) {
			l.GTIN, l.Quantity, l.UnitPrice = gtinWood, dec("20"), nil
		}), []string{"MIN_QUANTITY@1"}, "C100"},
		{"price outside tolerance", line(func(l *order.Line) { l.UnitPrice = decp("0.09") }), []string{"PRICE_MISMATCH@1"}, "C100"},
		{"price within tolerance", line(func(l *order.Line) { l.UnitPrice = decp("0.0808") }), nil, "C100"},
		{"price per 100 pieces", line(func(l *order.Line) {
			l.UnitPrice, l.PriceBasis = decp("8"), decp("100")
		}), nil, "C100"},
		{"expired price is ignored", line(func(l *order.Line) { l.UnitPrice = decp("0.01") }), []string{"PRICE_MISMATCH@1"}, "C100"},
		{"quantity break", line(func(l *order.Line) {
			l.Quantity, l.UnitPrice = dec("1000"), decp("0.07")
		}), nil, "C100"},
		{"no price", line(func(l *order.Line) {
			l.GTIN, l.SupplierItem, l.UnitPrice = "", "NOPRICE-1", nil
		}), []string{"NO_PRICE@1"}, "C100"},
		{"more than in stock", line(func(l *order.Line) {
			l.Quantity, l.UnitPrice = dec("5101"), nil
		}), []string{"INSUFFICIENT_STOCK@1"}, "C100"},
		{"stock in the chosen warehouse", func(po *order.PurchaseOrder, o *Options) {
			o.Warehouse = "north"
			po.Lines[0].Quantity = dec("101")
		}, []string{"INSUFFICIENT_STOCK@1"}, "C100"},
		{"stock ignored", func(po *order.PurchaseOrder, o *Options) {
			o.IgnoreStock = true
			po.Lines[0].Quantity, po.Lines[0].UnitPrice = dec("9000"), nil
		}, nil, "C100"},
		{"two lines of one item exceed stock together", func(po *order.PurchaseOrder, o *Options) {
			po.Lines[0].Quantity, po.Lines[0].UnitPrice = dec("3000"), nil
			l2 := po.Lines[0]
			l2.LineNo = 2
			po.Lines = append(po.Lines, l2)
		}, []string{"INSUFFICIENT_STOCK@2"}, "C100"},
		{"split delivery the connector cannot send", line(func(l *order.Line) {
			l.EnsureSchedule().Deliveries = []order.Delivery{{Location: glnAcmeShipTo, Quantity: dec("6")}, {Location: glnAcme, Quantity: dec("4")}}
		}), []string{"SPLIT_DELIVERY@1"}, "C100"},
		{"split delivery the connector sends", func(po *order.PurchaseOrder, o *Options) {
			po.Lines[0].EnsureSchedule().Deliveries = []order.Delivery{{Location: glnAcmeShipTo, Quantity: dec("6")}, {Location: glnAcme, Quantity: dec("4")}}
			o.SplitDeliveries = true
		}, nil, "C100"},
		{"one delivery is no split", line(func(l *order.Line) {
			l.EnsureSchedule().Deliveries = []order.Delivery{{Location: glnAcmeShipTo, Quantity: dec("10")}}
		}), nil, "C100"},
		{"the parser's warnings", func(po *order.PurchaseOrder, o *Options) {
			po.Warnings = []string{"QTY #6 (file segment 8) element 1.2: line 1 has a second ordered quantity (QTY+21) 12 PCE; the first, 10 PCE, is used"}
		}, []string{"PARSE_ERROR"}, "C100"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			po, o := cleanOrder(), opts()
			if tc.mut != nil {
				tc.mut(po, &o)
			}
			r := Match(snap, po, o)
			if got := codesOf(r); !slices.Equal(got, tc.want) {
				t.Fatalf("codes = %v, want %v\n%s", got, tc.want, messagesOf(r))
			}
			if r.CustomerNumber != tc.customer {
				t.Errorf("customer = %q, want %q", r.CustomerNumber, tc.customer)
			}
			wantStatus := StatusReview
			if len(tc.want) == 0 {
				wantStatus = StatusApproved
			}
			if r.Status != wantStatus {
				t.Errorf("status = %s, want %s", r.Status, wantStatus)
			}
			for _, e := range r.Exceptions {
				if !e.Code.Valid() || e.Message == "" || strings.Contains(e.Message, "{") {
					t.Errorf("bad exception %+v", e)
				}
			}
		})
	}
}

func messagesOf(r *Result) string {
	var b strings.Builder
	for _, e := range r.Exceptions {
		b.WriteString("  " + string(e.Code) + ": " + e.Message + "\n")
	}
	return b.String()
}

// TestEveryCodeTested fails when a code has no case in TestExceptions, so
// the closed set cannot grow untested.
func TestEveryCodeTested(t *testing.T) {
	src := string(mustRead(t, "exceptions_test.go"))
	for _, c := range Codes {
		if !strings.Contains(src, `"`+string(c)) {
			t.Errorf("no test case expects %s", c)
		}
		if c.Title() == string(c) {
			t.Errorf("%s has no title", c)
		}
	}
	if len(Codes) != len(messages) {
		t.Errorf("Codes has %d entries, messages %d", len(Codes), len(messages))
	}
}

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
