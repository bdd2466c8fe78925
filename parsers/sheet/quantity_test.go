package sheet_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/ordergate/ordergate/order"
	"github.com/ordergate/ordergate/parsers"
	"github.com/ordergate/ordergate/parsers/sheet"
)

// TestRowsWithoutQuantity: a row naming an item without a quantity is
// skipped only in an order form (most item rows without one); anywhere
// else, and whenever the quantity is not a number, it becomes a line of
// quantity 0 held for the desk. Every row that became no line is named in
// the document's warnings.
func TestRowsWithoutQuantity(t *testing.T) {
	type want struct {
		lines    string // summary of the order
		held     []int  // line numbers held for the desk
		warnings []string
	}
	for _, tc := range []struct {
		name string
		rows []string // item;qty;description after the header, from row 3
		want want
	}{
		{"an order form's items not ordered are skipped",
			[]string{"A1;", "A2;4", "A3;", "A4;0", "A5;", "A6;2"},
			want{"P1 A2x4 A6x2", nil, []string{`4 rows skipped: rows 3, 5-7: no quantity (an order form's item not ordered)`}}},
		{"a quantity forgotten in an order goes to the desk",
			[]string{"A1;3", "A2;4", "A3;", "A4;1"},
			want{"P1 A1x3 A2x4 A3x0 A4x1", []int{3}, []string{`row 5 (A3) has no quantity: it is line 3 with quantity 0`}}},
		{"a quantity of 0 in an order goes to the desk",
			[]string{"A1;3", "A2;0", "A3;5"},
			want{"P1 A1x3 A2x0 A3x5", []int{2}, []string{`row 4 (A2) has quantity 0: it is line 2`}}},
		{"as many rows without a quantity as with: not an order form",
			[]string{"A1;3", "A2;"},
			want{"P1 A1x3 A2x0", []int{2}, []string{`row 4 (A2) has no quantity`}}},
		{"a quantity that is not a number goes to the desk, in an order form too",
			[]string{"A1;", "A2;ten", "A3;", "A4;?", "A5;", "A6;2", "A7;", "A8;"},
			want{"P1 A2x0 A4x0 A6x2", []int{1, 2}, []string{
				`row 4 (A2) has the quantity "ten", which is not a number: it is line 1 with quantity 0`,
				`row 6 (A4) has the quantity "?", which is not a number: it is line 2`,
				`5 rows skipped: rows 3, 5, 7, 9-10: no quantity (an order form's item not ordered)`}}},
		{"a heading without an item number is skipped",
			[]string{";;Frukt", "A1;3;Äpple", "A2;4;Päron"},
			want{"P1 A1x3 A2x4", nil, []string{`1 row skipped: row 3: no quantity`}}},
		{"a total in the item column is skipped, and listed",
			[]string{"A1;3", "Summa;3"},
			want{"P1 A1x3", nil, []string{`1 row skipped: row 4: a total, tax or freight row`}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text := "Ordernr;P1\nArt;Antal;Benämning\n" + strings.Join(tc.rows, "\n") + "\n"
			res, err := parseCSV(t, []byte(text), sheet.Options{})
			if err != nil || len(res.Errors) > 0 || len(res.Orders) != 1 {
				t.Fatalf("%v %+v %d orders", err, res.Errors, len(res.Orders))
			}
			po := res.Orders[0]
			if got := summary(po); got != tc.want.lines {
				t.Errorf("lines %s, want %s", got, tc.want.lines)
			}
			var zero []int
			for _, l := range po.Lines {
				if l.Quantity.IsZero() {
					zero = append(zero, l.LineNo)
					if l.Sources.Get("quantity") == (order.Source{}) {
						t.Errorf("line %d: no source for its quantity", l.LineNo)
					}
				}
			}
			if fmt.Sprint(zero) != fmt.Sprint(tc.want.held) && !(len(zero) == 0 && len(tc.want.held) == 0) {
				t.Errorf("lines of quantity 0 %v, want %v", zero, tc.want.held)
			}
			all := strings.Join(res.Warnings, "\n")
			for _, w := range tc.want.warnings {
				if !strings.Contains(all, w) {
					t.Errorf("warnings %q\nwant one with %q", res.Warnings, w)
				}
			}
			if len(res.Warnings) != len(tc.want.warnings) {
				t.Errorf("warnings %q, want %d", res.Warnings, len(tc.want.warnings))
			}
			if len(po.Warnings) != 0 {
				t.Errorf("order warnings %q: they block the order for good; held lines are fixed on the line", po.Warnings)
			}
		})
	}
}

// TestPONumberWithoutOne: a sheet without an order number is numbered
// after its file only when the file's name looks like an order number;
// otherwise after its content, so that a customer's weekly "order.csv" is
// a new order each week and the same file sent again is the same order.
func TestPONumberWithoutOne(t *testing.T) {
	body := func(qty string) []byte { return []byte("Art;Antal\nA1;" + qty + "\nA2;3\n") }
	parse := func(name string, data []byte) order.PurchaseOrder {
		t.Helper()
		res, err := registry(sheet.Options{}).Parse(context.Background(), parsers.Document{Name: name, Data: data})
		if err != nil || len(res.Errors) > 0 || len(res.Orders) != 1 {
			t.Fatalf("%s: %v %+v", name, err, res.Errors)
		}
		if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "has no order number") {
			t.Errorf("%s: warnings %q, want one saying the sheet has no order number", name, res.Warnings)
		}
		return res.Orders[0]
	}
	for name, want := range map[string]string{
		"PO-4500012345.xlsx.csv":      "PO-4500012345.xlsx",
		"PO-4500012345.csv":           "PO-4500012345",
		"bestilling 8812.csv":         "bestilling 8812",
		"Bestellung 8812 (1).csv":     "Bestellung 8812",
		"/drop/in/order 20241128.csv": "order 20241128",
	} {
		if po := parse(name, body("2")); po.PONumber != want || po.PONumberFrom != order.PONumberFromFileName {
			t.Errorf("%s: PO %q from %q, want %q from the file name", name, po.PONumber, po.PONumberFrom, want)
		}
	}
	week1, week2 := parse("order.csv", body("2")), parse("order.csv", body("5"))
	again, copied := parse("order.csv", body("2")), parse("order (1).csv", body("2"))
	for _, po := range []order.PurchaseOrder{week1, week2, again, copied} {
		if !strings.HasPrefix(po.PONumber, sheet.GeneratedPrefix) || len(po.PONumber) != len(sheet.GeneratedPrefix)+8 || po.PONumberFrom != order.PONumberGenerated {
			t.Errorf("PO %q from %q, want NOPO- and 8 hex digits, generated", po.PONumber, po.PONumberFrom)
		}
	}
	if week1.PONumber == week2.PONumber {
		t.Errorf("two different orders in order.csv are both %s", week1.PONumber)
	}
	if again.PONumber != week1.PONumber || copied.PONumber != week1.PONumber {
		t.Errorf("the same file again is %s and %s, first %s", again.PONumber, copied.PONumber, week1.PONumber)
	}
	for _, name := range []string{"order 12.csv", "Bestellung(2).csv", "v2.csv", ""} {
		if po := parse(name, body("2")); po.PONumberFrom != order.PONumberGenerated {
			t.Errorf("%q: PO %q from %q, want generated", name, po.PONumber, po.PONumberFrom)
		}
	}
	// A PO number in the sheet is the order's, unmarked.
	res, _ := parseCSV(t, []byte("Ordernr;4711\nArt;Antal\nA1;2\n"), sheet.Options{})
	if po := res.Orders[0]; po.PONumber != "4711" || po.PONumberFrom != "" {
		t.Errorf("PO %q from %q, want 4711 from the sheet", po.PONumber, po.PONumberFrom)
	}
}
