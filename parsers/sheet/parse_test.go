package sheet_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"github.com/ordergate/ordergate/order"
	"github.com/ordergate/ordergate/parsers"
	"github.com/ordergate/ordergate/parsers/sheet"
)

func parseCSV(t *testing.T, text []byte, opts sheet.Options) (parsers.Result, error) {
	t.Helper()
	return registry(opts).Parse(context.Background(), parsers.Document{Name: "order.csv", Data: text})
}

func summary(po order.PurchaseOrder) string {
	var b strings.Builder
	b.WriteString(po.PONumber)
	for _, l := range po.Lines {
		b.WriteString(" " + l.BuyerItem + "x" + l.Quantity.String())
		if l.UnitPrice != nil {
			b.WriteString("@" + l.UnitPrice.String())
		}
	}
	return b.String()
}

// TestCSVEncodingsAndDelimiters: one order written in every encoding and
// with every delimiter customers' programs use reads the same.
func TestCSVEncodingsAndDelimiters(t *testing.T) {
	rows := [][]string{{"Ordernr", "PO-1"}, {}, {"Art.nr", "Benämning", "Antal", "Pris"},
		{"0042", "Räksmörgås", "6", "65,50"}, {"0043", "Ölkorv, grov", "1 200", "1.250,00"}}
	const want = "PO-1 0042x6@65.5 0043x1200@1250"
	for _, d := range []string{",", ";", "\t", "|"} {
		var b strings.Builder
		for _, r := range rows {
			for i, c := range r {
				if i > 0 {
					b.WriteString(d)
				}
				if strings.Contains(c, d) || strings.ContainsAny(c, ",") {
					c = `"` + c + `"`
				}
				b.WriteString(c)
			}
			b.WriteString("\r\n")
		}
		text := b.String()
		for _, enc := range []struct {
			name string
			data func() []byte
		}{
			{"UTF-8", func() []byte { return []byte(text) }},
			{"UTF-8 BOM", func() []byte { return append([]byte("\xEF\xBB\xBF"), text...) }},
			{"UTF-16LE", func() []byte {
				b, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(text))
				return b
			}},
			{"UTF-16BE", func() []byte {
				b, _ := unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(text))
				return b
			}},
			{"Windows-1252", func() []byte { b, _ := charmap.Windows1252.NewEncoder().Bytes([]byte(text)); return b }},
			{"ISO-8859-1", func() []byte { b, _ := charmap.ISO8859_1.NewEncoder().Bytes([]byte(text)); return b }},
		} {
			res, err := parseCSV(t, enc.data(), sheet.Options{})
			if err != nil || len(res.Orders) != 1 {
				t.Errorf("delimiter %q, %s: %v %+v", d, enc.name, err, res.Errors)
				continue
			}
			po := res.Orders[0]
			if got := summary(po); got != want || po.Lines[0].Description != "Räksmörgås" || po.Format != "csv" {
				t.Errorf("delimiter %q, %s: %s %q", d, enc.name, got, po.Lines[0].Description)
			}
		}
	}
}

// TestNumbersAreDecidedPerColumn: a column's own values decide its
// decimal mark, then the sheet's other columns; what stays ambiguous is
// refused, naming the cell, rather than read as a quantity a thousand
// times too large or small.
func TestNumbersAreDecidedPerColumn(t *testing.T) {
	for _, tc := range []struct {
		name, csv, want, err string
	}{
		{"comma decimals decide 1.200", "Ordernr;P1\nArt;Antal\nA;1.200\nB;2,5\n", "P1 Ax1200 Bx2.5", ""},
		{"point decimals decide 1,200", "PO,P1\nItem,Qty\nA,\"1,200\"\nB,2.5\n", "P1 Ax1200 Bx2.5", ""},
		{"the price column decides the quantity's", "Ordernr;P1\nArt;Antal;Pris\nA;1.200;12,50\n", "P1 Ax1200@12.5", ""},
		{"grouping by space", "Ordernr;P1\nArt;Antal\nA;1 200\nB;12 000,5\n", "P1 Ax1200 Bx12000.5", ""},
		{"both marks in one value", "PO,P1\nItem,Qty,Price\nA,2,\"1,250.50\"\nB,3,\"1.250,50\"\n", "P1 Ax2@1250.5 Bx3@1250.5", ""},
		{"Swedish whole kronor", "Ordernr;P1\nArt;Antal;Pris\nA;2;12:-\nB;1;1 250:-\n", "P1 Ax2@12 Bx1@1250", ""},
		{"leading zero is a decimal", "Ordernr;P1\nArt;Antal\nA;0,125\n", "P1 Ax0.125", ""},
		{"ambiguous alone", "Ordernr;P1\nArt;Antal\nA;1.200\nB;3\n", "", `cell B3 (Antal): "1.200" could be 1200 or 1.2`},
		// A quantity that is not a number is a line of quantity 0 for the
		// desk (TestRowsWithoutQuantity), not a refused sheet.
		{"not a number", "Ordernr;P1\nArt;Antal\nA;tolv\n", "P1 Ax0", ""},
		{"not a number price", "Ordernr;P1\nArt;Antal;Pris\nA;2;tolv\n", "", `cell C3 (Pris): "tolv" is not a number`},
	} {
		res, err := parseCSV(t, []byte(tc.csv), sheet.Options{})
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if tc.err != "" {
			if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Message, tc.err) || len(res.Orders) != 0 {
				t.Errorf("%s: errors %+v, want %q", tc.name, res.Errors, tc.err)
			}
			continue
		}
		if len(res.Orders) != 1 || summary(res.Orders[0]) != tc.want {
			t.Errorf("%s: %+v %v, want %s", tc.name, res.Orders, res.Errors, tc.want)
		}
	}
}

// TestTextDates: dates as customers write them, in their languages.
func TestTextDates(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"2024-12-05", "2024-12-05"}, {"05.12.2024", "2024-12-05"}, {"5.12.24", "2024-12-05"}, {"05/12/2024", "2024-12-05"},
		{"12/31/2024", "2024-12-31"}, {"20241205", "2024-12-05"}, {"5 dec 2024", "2024-12-05"}, {"5. Dezember 2024", "2024-12-05"},
		{"5. joulukuuta 2024", "2024-12-05"}, {"December 5, 2024", "2024-12-05"}, {"5 desember 2024", "2024-12-05"},
		{"5 maj 2025", "2025-05-05"}, {"3. März 2025", "2025-03-03"}, {"v.49", "2024-12-02"}, {"v 49", "2024-12-02"},
		{"vecka 49", "2024-12-02"}, {"uke 49", "2024-12-02"}, {"uge 49", "2024-12-02"}, {"viikko 49", "2024-12-02"},
		{"KW 49", "2024-12-02"}, {"week 49", "2024-12-02"}, {"w49", "2024-12-02"}, {"2025-W02", "2025-01-06"},
		{"v.2", "2025-01-06"}, {"KW 2/2025", "2025-01-06"}, {"10 jan", "2025-01-10"}, {"2024-12-05 00:00:00", "2024-12-05"},
	} {
		csv := "Ordernr;P1\nLeveransdatum;" + tc.in + "\nArt;Antal\nA;1\n"
		res, err := parseCSV(t, []byte(csv), sheet.Options{})
		if err != nil || len(res.Orders) != 1 {
			t.Errorf("%q: %v %+v", tc.in, err, res.Errors)
			continue
		}
		if got := dateText(res.Orders[0].DeliveryDate); got != tc.want {
			t.Errorf("%q: %s, want %s", tc.in, got, tc.want)
		}
	}
	res, _ := parseCSV(t, []byte("Ordernr;P1\nArt;Antal;Leveransdatum\nA;1;31.02.2024\n"), sheet.Options{})
	if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Message, `"31.02.2024" is not a date`) {
		t.Errorf("impossible date: %+v", res.Errors)
	}
}

// memLayouts is a LayoutSource over a map, as the desk's saved layouts
// would be (intake.SheetLayouts keeps them in PostgreSQL).
type memLayouts map[string][]sheet.Layout

func (m memLayouts) SheetLayouts(_ context.Context, customer string) ([]sheet.Layout, error) {
	return m[customer], nil
}

// TestStoredLayoutIsUsedForItsCustomer: a sheet whose header names nothing
// the parser knows is refused, until the desk saves a layout for the
// customer; then that customer's sheets of the same header read with it,
// and other customers' sheets do not.
func TestStoredLayoutIsUsedForItsCustomer(t *testing.T) {
	csv := []byte("Ordernr;L-1\n\nNummer;Vad;Hur många;Kronor\nX-1;Bultar;10;25\nX-2;Muttrar;20;10\n")
	doc := parsers.Document{Name: "order.csv", Data: csv, Customer: "10001"}
	reg := registry(sheet.Options{Layouts: memLayouts{}})
	if _, err := reg.Parse(context.Background(), doc); err == nil || !strings.Contains(err.Error(), "save a layout") {
		t.Fatalf("unknown header: %v", err)
	}
	wb, err := sheet.NewCSV(sheet.Options{}).Read(context.Background(), parsers.Document{Data: []byte("Nummer;Vad;Hur många;Kronor\n")})
	if err == nil {
		t.Fatalf("read %+v", wb)
	}
	l := sheet.Layout{Customer: "10001", Shape: sheet.Shape([]string{"Nummer", "Vad", "Hur många", "Kronor"}), Columns: []sheet.LayoutColumn{
		{Index: 1, Field: sheet.FieldBuyerItem}, {Index: 2, Field: sheet.FieldDescription},
		{Index: 3, Field: sheet.FieldQuantity}, {Index: 4, Field: sheet.FieldUnitPrice}}}
	if p := l.Validate(); len(p) > 0 {
		t.Fatal(p)
	}
	if l.Shape != "nummer|vad|hurmanga|kronor" {
		t.Fatalf("shape %q", l.Shape)
	}
	reg = registry(sheet.Options{Layouts: memLayouts{"10001": {l}}})
	res, err := reg.Parse(context.Background(), doc)
	if err != nil || len(res.Orders) != 1 || summary(res.Orders[0]) != "L-1 X-1x10@25 X-2x20@10" {
		t.Fatalf("with the layout: %v %+v", err, res)
	}
	other := doc
	other.Customer = "10002"
	if _, err := reg.Parse(context.Background(), other); err == nil {
		t.Error("another customer's sheet was read with 10001's layout")
	}
	// A sheet that names its customer uses that customer's layouts.
	named := parsers.Document{Name: "o.csv", Data: []byte("Kundnr;10001\nOrdernr;L-2\nNummer;Vad;Hur många;Kronor\nX-1;Bultar;3;25\n")}
	res, err = reg.Parse(context.Background(), named)
	if err != nil || len(res.Orders) != 1 || summary(res.Orders[0]) != "L-2 X-1x3@25" {
		t.Fatalf("customer named in the sheet: %v %+v", err, res)
	}
	bad := sheet.Layout{Customer: "1", Shape: "a|b", Columns: []sheet.LayoutColumn{{Index: 1, Field: "colour"}, {Index: 3, Field: sheet.FieldQuantity}}}
	if p := strings.Join(bad.Validate(), "; "); !strings.Contains(p, `"colour" is not a field`) || !strings.Contains(p, "outside the header") {
		t.Errorf("validate: %s", p)
	}
}

// TestSniffing: sheets are found by content, and neither EDIFACT nor a
// mail nor a note with a comma or two is taken for CSV.
func TestSniffing(t *testing.T) {
	reg := registry(sheet.Options{})
	for _, tc := range []struct {
		name, text, want string
	}{
		{"edifact", "UNA:+.? 'UNB+UNOC:3+5412345000013:14+5498765000017:14+261125:0930+1'UNH+1+ORDERS:D:96A:UN'", "edifact"},
		{"mail", "From: buyer@example.com\nSubject: order, urgent\n\nplease send 10, 20 and 30\n", ""},
		{"note", "Hi,\nplease send 10 x A, 20 x B\nthanks, Anna\n", ""},
		{"csv with a header", "Item;Qty\nA;1\n", "csv"},
		{"csv without a header", "A-1,Bolts,10,2.5\nA-2,Nuts,20,1.5\nA-3,Washers,30,0.5\n", "csv"},
	} {
		p, err := reg.Detect(parsers.Document{Data: []byte(tc.text)})
		got := ""
		if err == nil {
			got = p.Name()
		}
		if got != tc.want {
			t.Errorf("%s: detected %q, want %q (%v)", tc.name, got, tc.want, err)
		}
	}
}

func TestPONumberFallsBackToTheFileName(t *testing.T) {
	res, err := registry(sheet.Options{Now: func() time.Time { return time.Now() }}).Parse(context.Background(),
		parsers.Document{Name: "Beställning 4711.csv", Data: []byte("Art;Antal\nA;2\n")})
	if err != nil || len(res.Orders) != 1 || res.Orders[0].PONumber != "Beställning 4711" || len(res.Warnings) != 1 {
		t.Fatalf("%v %+v", err, res)
	}
}

// TestWideNumericSheetIsRefusedQuickly: a headerless sheet of sixty
// numeric columns is refused (no quantity column can be told) after
// looking at a few columns and rows; before the bound the search for a
// quantity times a price giving an amount tried every triple of columns
// on every row (3m40s for 2,000 rows).
func TestWideNumericSheetIsRefusedQuickly(t *testing.T) {
	var b strings.Builder
	for i := range 2000 {
		b.WriteString("K" + strconv.Itoa(i))
		for j := range 60 {
			b.WriteString(";" + strconv.Itoa(1+(i*7+j*13)%97))
		}
		b.WriteString("\n")
	}
	_, err := parseCSV(t, []byte(b.String()), sheet.Options{})
	if err == nil || !strings.Contains(err.Error(), "more than one column of whole numbers") {
		t.Fatalf("err = %v", err)
	}
}
