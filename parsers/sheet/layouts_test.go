package sheet_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ordergate/ordergate/order"
	"github.com/ordergate/ordergate/parsers"
	"github.com/ordergate/ordergate/parsers/edifact"
	"github.com/ordergate/ordergate/parsers/sheet"
)

// golden is what testdata/make.py writes beside each layout: the orders the
// customer meant, written from the layout's description, not by the parser.
type golden struct {
	File   string `json:"file"`
	Note   string `json:"note"`
	Orders []struct {
		Sheet          string         `json:"sheet"`
		PONumber       string         `json:"po_number"`
		OrderDate      string         `json:"order_date"`
		DeliveryDate   string         `json:"delivery_date"`
		CustomerNumber string         `json:"customer_number"`
		ShipTo         *order.Party   `json:"ship_to"`
		Lines          []goldenLine   `json:"lines"`
		Extra          map[string]any `json:"-"`
	} `json:"orders"`
}

type goldenLine struct {
	LineNo       int             `json:"line_no"`
	BuyerItem    string          `json:"buyer_item"`
	SupplierItem string          `json:"supplier_item"`
	GTIN         string          `json:"gtin"`
	Description  string          `json:"description"`
	Quantity     json.RawMessage `json:"quantity"`
	Unit         string          `json:"unit"`
	UnitPrice    json.RawMessage `json:"unit_price"`
	DeliveryDate string          `json:"delivery_date"`
}

func decimalOf(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	return order.MustDecimal(strings.Trim(string(raw), `"`)).String()
}

// registry is the formats as the gateway registers them, with a clock
// for dates without a year.
func registry(opts sheet.Options) *parsers.Registry {
	if opts.Now == nil {
		opts.Now = func() time.Time { return time.Date(2024, 11, 25, 9, 0, 0, 0, time.UTC) }
	}
	return parsers.NewRegistry(edifact.New(), sheet.NewXLSX(opts), sheet.NewCSV(opts))
}

// TestLayouts reads every layout in testdata/layouts (made by LibreOffice,
// see testdata/make.py) and compares the orders with what the customer
// meant.
func TestLayouts(t *testing.T) {
	files, err := filepath.Glob("testdata/layouts/*.json")
	if err != nil || len(files) < 20 {
		t.Fatalf("want at least 20 layouts, have %d (%v)", len(files), err)
	}
	reg := registry(sheet.Options{})
	for _, gf := range files {
		var want golden
		b, err := os.ReadFile(gf)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &want); err != nil {
			t.Fatalf("%s: %v", gf, err)
		}
		t.Run(strings.TrimSuffix(want.File, filepath.Ext(want.File)), func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata/layouts", want.File))
			if err != nil {
				t.Fatal(err)
			}
			res, err := reg.Parse(context.Background(), parsers.Document{Name: want.File, Data: data})
			if err != nil {
				t.Fatalf("%s (%s): %v", want.File, want.Note, err)
			}
			if wantFormat := strings.TrimPrefix(filepath.Ext(want.File), "."); res.Format != wantFormat {
				t.Errorf("format %q, want %q", res.Format, wantFormat)
			}
			if len(res.Errors) > 0 {
				t.Fatalf("%s: %+v", want.Note, res.Errors)
			}
			if len(res.Orders) != len(want.Orders) {
				t.Fatalf("%d orders, want %d", len(res.Orders), len(want.Orders))
			}
			for i, w := range want.Orders {
				got := res.Orders[i]
				check := func(what, got, want string) {
					t.Helper()
					if got != want {
						t.Errorf("order %d %s = %q, want %q (%s)", i+1, what, got, want, want)
					}
				}
				if w.Sheet != "" {
					check("sheet", strings.Join(got.SourceSheets, ","), w.Sheet)
				}
				check("po_number", got.PONumber, w.PONumber)
				check("order_date", dateText(got.OrderDate), w.OrderDate)
				check("delivery_date", dateText(got.DeliveryDate), w.DeliveryDate)
				check("customer_number", got.CustomerNumber, w.CustomerNumber)
				if w.ShipTo != nil {
					if got.ShipTo == nil || *got.ShipTo != *w.ShipTo {
						t.Errorf("ship_to %+v, want %+v", got.ShipTo, w.ShipTo)
					}
				}
				if len(got.Lines) != len(w.Lines) {
					t.Fatalf("order %d: %d lines, want %d: %s", i+1, len(got.Lines), len(w.Lines), lineText(got.Lines))
				}
				for k, wl := range w.Lines {
					gl := got.Lines[k]
					if wl.LineNo != 0 && gl.LineNo != wl.LineNo {
						t.Errorf("line %d: line_no %d, want %d", k+1, gl.LineNo, wl.LineNo)
					}
					price := ""
					if gl.UnitPrice != nil {
						price = gl.UnitPrice.String()
					}
					g := fmt.Sprintf("%s|%s|%s|%s|%s|%s|%s|%s", gl.BuyerItem, gl.SupplierItem, gl.GTIN, gl.Description, gl.Quantity, gl.Unit, price, dateText(gl.DeliveryDate))
					ws := fmt.Sprintf("%s|%s|%s|%s|%s|%s|%s|%s", wl.BuyerItem, wl.SupplierItem, wl.GTIN, wl.Description, decimalOf(t, wl.Quantity), wl.Unit, decimalOf(t, wl.UnitPrice), wl.DeliveryDate)
					if g != ws {
						t.Errorf("line %d:\n got %s\nwant %s", k+1, g, ws)
					}
					src := gl.Sources.Get("quantity")
					if src.Cell() == "" || src.Sheet() > len(got.SourceSheets) || (src.Sheet() == 0) != (len(got.SourceSheets) == 0) {
						t.Errorf("line %d: quantity source %v with sheets %v", k+1, src, got.SourceSheets)
					}
				}
			}
		})
	}
}

func dateText(d order.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

func lineText(ls []order.Line) string {
	var b strings.Builder
	for _, l := range ls {
		fmt.Fprintf(&b, "[%d %s/%s/%s %q %s %s] ", l.LineNo, l.BuyerItem, l.SupplierItem, l.GTIN, l.Description, l.Quantity, l.Unit)
	}
	return b.String()
}
