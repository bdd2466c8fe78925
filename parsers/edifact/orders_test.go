package edifact

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/ordergate/ordergate/order"
	"github.com/ordergate/ordergate/parsers"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// interchange wraps message bodies (the segments between UNH and UNT) into
// one interchange with correct counts. Each body's first entry may be a
// message type such as "ORDCHG:D:96A:UN"; ORDERS D.96A otherwise.
func interchange(syntax string, bodies ...[]string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "UNB+%s+SENDER:14+US:14+260315:1030+IC1'\n", syntax)
	for i, body := range bodies {
		typ := "ORDERS:D:96A:UN:EAN008"
		if len(body) > 0 && strings.Count(body[0], ":") >= 2 && !strings.Contains(body[0], "+") {
			typ, body = body[0], body[1:]
		}
		fmt.Fprintf(&b, "UNH+M%d+%s'\n", i+1, typ)
		for _, s := range body {
			b.WriteString(s + "'\n")
		}
		fmt.Fprintf(&b, "UNT+%d+M%d'\n", len(body)+2, i+1)
	}
	fmt.Fprintf(&b, "UNZ+%d+IC1'\n", len(bodies))
	return []byte(b.String())
}

func parse(t testing.TB, data []byte) parsers.Result {
	t.Helper()
	res, err := New().Parse(context.Background(), parsers.Document{Data: data})
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return res
}

func TestOrdersGolden(t *testing.T) {
	for _, name := range []string{"orders_d96a_crlf", "ordchg", "unoc_latin1", "una_unusual", "release_everywhere"} {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile("testdata/" + name + ".edi")
			if err != nil {
				t.Fatal(err)
			}
			res := parse(t, data)
			if len(res.Errors) > 0 || len(res.Warnings) > 0 {
				t.Fatalf("errors %v, warnings %v", res.Errors, res.Warnings)
			}
			got, _ := json.MarshalIndent(res.Orders, "", "  ")
			golden := "testdata/" + name + ".golden.json"
			if *update {
				if err := os.WriteFile(golden, append(got, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create)", err)
			}
			if strings.TrimSpace(string(got)) != strings.TrimSpace(string(want)) {
				t.Errorf("orders differ from %s:\n%s", golden, got)
			}
		})
	}
}

func TestOrderMapping(t *testing.T) {
	line := []string{"LIN+1++4000862141404:EN", "QTY+21:3:PCE"}
	with := func(head ...string) []string { return append(append([]string{}, head...), line...) }
	tests := []struct {
		name  string
		body  []string
		check func(t *testing.T, o order.PurchaseOrder)
	}{
		{"BGM 9 original", with("BGM+220+PO1+9"), func(t *testing.T, o order.PurchaseOrder) {
			eq(t, "function", string(o.Function), "original")
			eq(t, "po source", o.Sources.Get("po_number").String(), "BGM #2 element 2.1")
		}},
		{"BGM 1 cancellation without lines", []string{"BGM+220+PO1+1"}, func(t *testing.T, o order.PurchaseOrder) {
			eq(t, "function", string(o.Function), "cancellation")
		}},
		{"BGM 4 change", with("BGM+220+PO1+4"), func(t *testing.T, o order.PurchaseOrder) { eq(t, "function", string(o.Function), "change") }},
		{"BGM 5 replace", with("BGM+220+PO1+5"), func(t *testing.T, o order.PurchaseOrder) { eq(t, "function", string(o.Function), "replace") }},
		{"BGM D.01B composite number", append([]string{"ORDERS:D:01B:UN:EAN010"}, with("BGM+220:::Order+PO-01B:1+9")...), func(t *testing.T, o order.PurchaseOrder) { eq(t, "po", o.PONumber, "PO-01B") }},
		{"DTM 102 and 203", with("BGM+220+P+9", "DTM+137:20260102:102", "DTM+2:202601051430:203"), func(t *testing.T, o order.PurchaseOrder) {
			eq(t, "order date", o.OrderDate.String(), "2026-01-02")
			eq(t, "delivery", o.DeliveryDate.String(), "2026-01-05")
		}},
		{"DTM 204, 64 before 63, 2 wins", with("BGM+220+P+9", "DTM+63:20260110:102", "DTM+64:20260108120000:204", "DTM+137:20260101:102"), func(t *testing.T, o order.PurchaseOrder) {
			eq(t, "delivery", o.DeliveryDate.String(), "2026-01-08")
			eq(t, "source", o.Sources.Get("delivery_date").String(), "DTM #4 element 1.2")
		}},
		{"DTM 718 range takes the first day", with("BGM+220+P+9", "DTM+2:20260201-20260205:718"), func(t *testing.T, o order.PurchaseOrder) {
			eq(t, "delivery", o.DeliveryDate.String(), "2026-02-01")
		}},
		{"RFF ON CT VN", with("BGM+220+P+9", "RFF+ON:A1", "RFF+CT:C7", "RFF+VN:S9"), func(t *testing.T, o order.PurchaseOrder) {
			eq(t, "ON", o.Reference("ON"), "A1")
			eq(t, "CT", o.Reference("CT"), "C7")
			eq(t, "VN", o.Reference("VN"), "S9")
			eq(t, "source", o.Sources.Get("references[2]").String(), "RFF #5 element 1.2")
		}},
		{"NAD GLN and other code lists", with("BGM+220+P+9", "NAD+BY+4000001000005::9", "NAD+DP+STORE-7::92++Store 7", "NAD+IV+++Invoicee Ltd+Street 1+Town++12345+GB"), func(t *testing.T, o order.PurchaseOrder) {
			eq(t, "buyer gln", o.Buyer.GLN, "4000001000005")
			eq(t, "ship-to id", o.ShipTo.ID+"/"+o.ShipTo.CodeList+"/"+o.ShipTo.Name, "STORE-7/92/Store 7")
			eq(t, "invoicee", o.Invoicee.Name+"|"+o.Invoicee.Address+"|"+o.Invoicee.City+"|"+o.Invoicee.Postcode+"|"+o.Invoicee.Country, "Invoicee Ltd|Street 1|Town|12345|GB")
			eq(t, "source", o.Sources.Get("buyer.gln").String(), "NAD #3 element 2.1")
		}},
		{"CUX and FTX", with("BGM+220+P+9", "CUX+2:SEK:9", "FTX+AAI+++Ring:twice"), func(t *testing.T, o order.PurchaseOrder) {
			eq(t, "currency", o.Currency, "SEK")
			eq(t, "notes", strings.Join(o.Notes, "|"), "Ring twice")
		}},
		{"LIN item types and PIA", []string{"BGM+220+P+9", "LIN+1++B-1:BP", "PIA+1+S-1:SA+4000862141404:EN", "QTY+21:1", "LIN+2++X:IN", "PIA+5+Y:SA", "QTY+21:1", "LIN+3++4000862141411:SRV", "QTY+21:1"}, func(t *testing.T, o order.PurchaseOrder) {
			l := o.Lines
			eq(t, "line 1", l[0].BuyerItem+"|"+l[0].SupplierItem+"|"+l[0].GTIN, "B-1|S-1|4000862141404")
			eq(t, "line 2", l[1].BuyerItem+"|"+l[1].SupplierItem, "X|Y")
			eq(t, "line 3", l[2].GTIN, "4000862141411")
			eq(t, "source", l[0].Sources.Get("supplier_item").String(), "PIA #4 element 2.1")
		}},
		{"QTY decimal comma and unit, PRI basis, MOA", []string{"BGM+220+P+9", "LIN+7++4000862141404:EN", "IMD+F++:::Flour:fine", "QTY+21:2,5:KGM", "PRI+AAA:1.25:::10:KGM", "PRI+AAB:1.50", "MOA+203:3.13", "DTM+2:20260301:102", "RFF+LI:9", "LOC+7+DOCK1"}, func(t *testing.T, o order.PurchaseOrder) {
			l := o.Lines[0]
			eq(t, "line no", fmt.Sprint(l.LineNo), "7")
			eq(t, "qty", l.Quantity.String()+" "+l.Unit, "2.5 KGM")
			eq(t, "prices", l.UnitPrice.String()+"/"+l.PriceBasis.String()+" gross "+l.GrossPrice.String(), "1.25/10 gross 1.5")
			eq(t, "amount", l.LineAmount.String(), "3.13")
			eq(t, "line date", l.DeliveryDate.String(), "2026-03-01")
			eq(t, "line ref", l.References[0].Value, "9")
			eq(t, "location", l.Location, "DOCK1")
			eq(t, "description", l.Description, "Flour fine")
		}},
		{"UNS, summary MOA and CNT", with("BGM+220+P+9", "CUX+2:EUR:9"), func(t *testing.T, o order.PurchaseOrder) {}},
		{"CNT matches", append(with("BGM+220+P+9"), "UNS+S", "MOA+79:10", "CNT+2:1"), func(t *testing.T, o order.PurchaseOrder) {
			eq(t, "line count", fmt.Sprint(o.LineCount), "1")
			eq(t, "amount", o.Amounts[0].Qualifier+"="+o.Amounts[0].Value.String(), "79=10")
		}},
		{"ORDCHG line actions", []string{"ORDCHG:D:96A:UN:EAN008", "BGM+230+P+9", "LIN+1+3+4000862141404:EN", "QTY+21:4", "LIN+2+2+4000862141411:EN", "LIN+3+1+4000862141428:EN", "QTY+21:1"}, func(t *testing.T, o order.PurchaseOrder) {
			eq(t, "function", string(o.Function), "change")
			eq(t, "actions", string(o.Lines[0].Action)+","+string(o.Lines[1].Action)+","+string(o.Lines[2].Action), "change,delete,add")
		}},
		{"D.93A ORDERS", []string{"ORDERS:D:93A:UN", "BGM+220+P93+9", "DTM+137:19990101:102", "LIN+1++4000862141404:EN", "QTY+21:2"}, func(t *testing.T, o order.PurchaseOrder) {
			eq(t, "po", o.PONumber, "P93")
			eq(t, "version", o.Envelope.MessageVersion, "D:93A:UN")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := parse(t, interchange("UNOC:3", tt.body))
			if len(res.Errors) > 0 || len(res.Orders) != 1 {
				t.Fatalf("orders %d, errors %v", len(res.Orders), res.Errors)
			}
			o := res.Orders[0]
			eq(t, "sender", o.Sender.Kind+":"+o.Sender.ID+":"+o.Sender.Qualifier, "edi:SENDER:14")
			eq(t, "format", o.Format, "edifact")
			tt.check(t, o)
		})
	}
}

func TestOrderMappingErrors(t *testing.T) {
	line := []string{"LIN+1++4000862141404:EN", "QTY+21:3:PCE"}
	tests := []struct {
		name string
		body []string
		want string
	}{
		{"no BGM", line, "the message has no BGM with a document number"},
		{"empty document number", append([]string{"BGM+220++9"}, line...), "BGM #2 (file segment 8) element 2.1: document number (purchase order number) is missing"},
		{"unsupported function", append([]string{"BGM+220+P+46"}, line...), "BGM #2 (file segment 8) element 3: message function code \"46\" is not supported; expected 9 (original), 1 (cancellation), 4 (change) or 5 (replace)"},
		{"bad quantity", []string{"BGM+220+P+9", "LIN+1++4000862141404:EN", "QTY+21:1.234,5"}, "QTY #4 (file segment 10) element 1.2: ordered quantity \"1.234,5\" is not a number"},
		{"bad price", append([]string{"BGM+220+P+9"}, "LIN+1", "QTY+21:1", "PRI+AAA:$3"), "PRI #5 (file segment 11) element 1.2: price \"$3\" is not a number"},
		{"CNT mismatch", append(append([]string{"BGM+220+P+9"}, line...), "UNS+S", "CNT+2:5"), "CNT #6 (file segment 12) element 1.2: number of line items is 5, expected 1"},
		{"no lines", []string{"BGM+220+P+9"}, "the order has no lines"},
		{"zero quantity", []string{"BGM+220+P+9", "LIN+1", "QTY+21:0"}, "line 1: quantity 0 is not a positive number"},
		{"unreleased colon in text", append([]string{"BGM+220+P+9", "LIN+1", "IMD+F++:::Soup 1:10 and more:x:y"}, "QTY+21:1"), "IMD #4 (file segment 10) element 3.7: unexpected component 7; element 3 has at most 6"},
		{"LIN after UNS", []string{"BGM+220+P+9", "UNS+S", "LIN+1"}, "LIN #4 (file segment 10): line item after the summary section"},
		{"ORDCHG bad action", []string{"ORDCHG:D:96A:UN", "BGM+230+P+9", "LIN+1+9"}, "element 2: action request \"9\" is not supported"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok := []string{"BGM+220+GOOD+9", "LIN+1++4000862141404:EN", "QTY+21:1"}
			res := parse(t, interchange("UNOA:3", ok, tt.body, ok))
			if len(res.Orders) != 2 {
				t.Errorf("the good messages around the bad one were lost: %d orders", len(res.Orders))
			}
			if len(res.Errors) != 1 {
				t.Fatalf("errors: %v", res.Errors)
			}
			e := res.Errors[0]
			if e.Index != 2 || e.Ref != "M2" || e.NotOrder || !strings.HasPrefix(e.Message, "edifact: message 2 (") {
				t.Errorf("message error %+v", e)
			}
			if !strings.Contains(e.Message, tt.want) {
				t.Errorf("error %q\nwant it to contain %q", e.Message, tt.want)
			}
		})
	}
}

func TestCharsets(t *testing.T) {
	tests := []struct {
		syntax string
		raw    []byte
		want   string
	}{
		{"UNOC:3", []byte("M\xfcller"), "Müller"},
		{"UNOD:3", []byte("\xa3\xf3d\xbc"), "Łódź"},
		{"UNOE:3", []byte("\xbc\xde\xe1\xda\xd2\xd0"), "Москва"},
		{"UNOF:3", []byte("\xc1\xe8\xde\xed\xe1"), "Αθήνα"},
		{"UNOW:4", []byte("Stra\xc3\x9fe"), "Straße"},
		{"UNOY:4", []byte("\xe6\x9d\xb1\xe4\xba\xac"), "東京"},
		{"UNOA:3", []byte("Caf\xe9"), "Café"},            // 8-bit in ASCII: read as Latin-1
		{"UNOC:3", []byte("K\xc3\xa4se"), "Käse"},        // UTF-8 labelled UNOC: kept
		{"UNOB:3", []byte("plain ascii"), "plain ascii"}, // no decoding needed
	}
	for _, tt := range tests {
		t.Run(tt.syntax+" "+tt.want, func(t *testing.T) {
			body := []string{"BGM+220+P+9", "NAD+BY+++" + string(tt.raw), "LIN+1", "QTY+21:1"}
			res := parse(t, interchange(tt.syntax, body))
			if len(res.Orders) != 1 {
				t.Fatalf("errors %v", res.Errors)
			}
			eq(t, "name", res.Orders[0].Buyer.Name, tt.want)
		})
	}
}

func eq(t *testing.T, what, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %q, want %q", what, got, want)
	}
}

// TestRepetitionBySyntaxVersion: "*" separates repetitions only in syntax
// version 4; in version 3 it is data, even when a UNA names it.
func TestRepetitionBySyntaxVersion(t *testing.T) {
	body := "UNH+1+ORDERS:D:96A:UN'BGM+220+P+9'NAD+BY+++A*B'LIN+1'QTY+21:1'UNT+6+1'UNZ+1+I'"
	tests := []struct{ head, want string }{
		{"UNB+UNOC:3+S+R+260101:1200+I'", "A*B"},
		{"UNA:+.?*'UNB+UNOC:3+S+R+260101:1200+I'", "A*B"},
		{"UNB+UNOC:4+S+R+20260101:1200+I'", "A"},
		{"UNA:+.?*'UNB+UNOC:4+S+R+20260101:1200+I'", "A"},
		{"UNA:+.? 'UNB+UNOC:4+S+R+20260101:1200+I'", "A*B"}, // UNA says: no repetition separator
		{"UNA:+.??'UNB+UNOC:4+S+R+20260101:1200+I'", ""},    // invalid UNA: release = repetition
	}
	for _, tt := range tests {
		res, err := New().Parse(context.Background(), parsers.Document{Data: []byte(tt.head + body)})
		if tt.want == "" {
			if err == nil {
				t.Errorf("%s: no error", tt.head)
			}
			continue
		}
		if err != nil || len(res.Orders) != 1 {
			t.Fatalf("%s: %v %v", tt.head, err, res.Errors)
		}
		eq(t, tt.head, res.Orders[0].Buyer.Name, tt.want)
	}
}
