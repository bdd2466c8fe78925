package sheet_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ordergate/ordergate/parsers"
	"github.com/ordergate/ordergate/parsers/sheet"
)

func addSeeds(f *testing.F, pattern string) {
	files, _ := filepath.Glob(pattern)
	for _, file := range files {
		if b, err := os.ReadFile(file); err == nil {
			f.Add(b)
		}
	}
}

// fuzzParse checks what must hold for any input: no panic, and every
// order read has lines with a quantity and its source cell, or held for
// the desk with quantity 0 and a warning that says so (a row with an item
// and no readable quantity is never dropped, nor read as an amount).
func fuzzParse(t *testing.T, p *sheet.Parser, data []byte) {
	res, err := p.Parse(context.Background(), parsers.Document{Name: "f", Data: data, Customer: "10001"})
	if err != nil {
		return
	}
	warned := strings.Join(res.Warnings, "\n")
	for _, po := range res.Orders {
		warned += "\n" + strings.Join(po.Warnings, "\n")
	}
	for _, po := range res.Orders {
		for _, l := range po.Lines {
			if l.Quantity.IsZero() {
				if !strings.Contains(warned, fmt.Sprintf("it is line %d with quantity 0", l.LineNo)) {
					t.Fatalf("line %+v of quantity 0 is not held with a warning (%s)", l, warned)
				}
				continue
			}
			if l.Sources.Get("quantity").Cell() == "" {
				t.Fatalf("line %+v without the source of its quantity", l)
			}
		}
	}
}

// FuzzCSV feeds the CSV reader (encodings, delimiters, quotes, layouts)
// arbitrary text.
func FuzzCSV(f *testing.F) {
	addSeeds(f, "testdata/layouts/*.csv")
	f.Add([]byte("Ordernr;P1\nArt;Antal;Pris\nA;1.200;12,50\n;;Summa\n"))
	f.Add([]byte("\xff\xfeA\x00;\x00"))
	p := sheet.NewCSV(sheet.Options{Limits: sheet.Limits{MaxRows: 2000}, Layouts: memLayouts{"10001": {{Customer: "10001",
		Shape: "a|b", Columns: []sheet.LayoutColumn{{Index: 1, Field: sheet.FieldBuyerItem}, {Index: 2, Field: sheet.FieldQuantity}}}}}})
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParse(t, p, data) })
}

// FuzzXLSX feeds the workbook reader arbitrary archives, starting from
// the LibreOffice layouts.
func FuzzXLSX(f *testing.F) {
	addSeeds(f, "testdata/layouts/*.xlsx")
	p := sheet.NewXLSX(sheet.Options{Limits: sheet.Limits{MaxRows: 2000, MaxUnzipped: 8 << 20}})
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParse(t, p, data) })
}
