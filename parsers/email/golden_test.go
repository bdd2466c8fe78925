package email_test

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ordergate/ordergate/order"
	"github.com/ordergate/ordergate/parsers"
	"github.com/ordergate/ordergate/parsers/email"
	"github.com/ordergate/ordergate/parsers/formats"
	"github.com/ordergate/ordergate/parsers/sheet"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden is what a fixture must read as: the mail's identity and the
// orders with each line as understood, where it came from, and the parts.
type golden struct {
	Customer    string        `json:"customer"`
	ForwardedBy string        `json:"forwarded_by,omitempty"`
	Language    string        `json:"language"`
	NoAnswer    string        `json:"no_answer,omitempty"`
	Orders      []goldenOrder `json:"orders"`
	Errors      []string      `json:"errors,omitempty"`
	Parts       []goldenPart  `json:"parts"`
}

type goldenOrder struct {
	Format       string       `json:"format"`
	PONumber     string       `json:"po_number,omitempty"`
	POLine       int          `json:"po_line,omitempty"`
	DeliveryDate string       `json:"delivery_date,omitempty"`
	SourcePart   int          `json:"source_part"`
	Lines        []goldenLine `json:"lines"`
}

type goldenLine struct {
	Item  string `json:"item,omitempty"`
	GTIN  string `json:"gtin,omitempty"`
	Qty   string `json:"qty"`
	Unit  string `json:"unit,omitempty"`
	Desc  string `json:"desc,omitempty"`
	Price string `json:"price,omitempty"`
	Line  int    `json:"line,omitempty"` // the text line it was read from
}

type goldenPart struct {
	Index  int    `json:"index"`
	Role   string `json:"role"`
	Type   string `json:"type"`
	Name   string `json:"name,omitempty"`
	Format string `json:"format,omitempty"`
	Read   bool   `json:"read"`
	Note   string `json:"note,omitempty"`
}

// testParser reads mails as the gateway does: the mail parser of the
// production registry, every attachment format included (a sheet's dates
// without a year read against a fixed day, so the goldens stay put).
func testParser() *email.Parser {
	now := func() time.Time { return time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC) }
	return formats.Mail(formats.Options{Sheets: sheet.Options{Now: now}})
}

func readGolden(t *testing.T, raw []byte) golden {
	t.Helper()
	info, err := email.Inspect(raw, email.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := testParser().Parse(context.Background(), parsers.Document{Data: raw})
	if err != nil {
		t.Fatal(err)
	}
	g := golden{Customer: info.Customer, ForwardedBy: info.ForwardedBy, Language: info.Language, NoAnswer: info.NoAnswer, Orders: []goldenOrder{}}
	for _, po := range res.Orders {
		if po.Sender.ID != info.Customer && po.Format == "email" {
			t.Errorf("order sender %q, the customer is %q", po.Sender.ID, info.Customer)
		}
		o := goldenOrder{Format: po.Format, PONumber: po.PONumber, POLine: po.Sources.Get("po_number").Line(), SourcePart: po.SourcePart, Lines: []goldenLine{}}
		if !po.DeliveryDate.IsZero() {
			o.DeliveryDate = po.DeliveryDate.String()
		}
		for _, l := range po.Lines {
			gl := goldenLine{Item: l.BuyerItem, GTIN: l.GTIN, Qty: l.Quantity.String(), Unit: l.Unit, Desc: l.Description, Line: l.Sources.Get("quantity").Line()}
			if l.UnitPrice != nil {
				gl.Price = l.UnitPrice.String()
			}
			if gl.Item == "" && gl.GTIN == "" {
				gl.Item = l.SupplierItem
			}
			o.Lines = append(o.Lines, gl)
		}
		g.Orders = append(g.Orders, o)
	}
	for _, e := range res.Errors {
		g.Errors = append(g.Errors, e.Message)
	}
	for _, p := range res.Parts {
		g.Parts = append(g.Parts, goldenPart{Index: p.Index, Role: p.Role, Type: p.ContentType, Name: p.Name, Format: p.Format, Read: p.Read, Note: p.Note})
		if p.Role == "body" && p.Text != "" {
			checkSources(t, p.Text, res.Orders, p.Index)
		}
	}
	return g
}

// checkSources: every line's source is a line of the stored text that
// holds its quantity, so the review screen shows the right line.
func checkSources(t *testing.T, text string, orders []order.PurchaseOrder, part int) {
	t.Helper()
	lines := strings.Split(text, "\n")
	for _, po := range orders {
		if po.SourcePart != part {
			continue
		}
		for _, l := range po.Lines {
			n := l.Sources.Get("quantity").Line()
			if n < 1 || n > len(lines) {
				t.Errorf("line %d: source line %d is outside the text (%d lines)", l.LineNo, n, len(lines))
				continue
			}
			q := l.Quantity.String()
			if src := lines[n-1]; !strings.Contains(src, q) && !strings.Contains(src, strings.ReplaceAll(q, ".", ",")) {
				t.Errorf("line %d: quantity %s is not on text line %d %q", l.LineNo, q, n, src)
			}
		}
	}
}

// TestGolden reads every mail in testdata and compares what it reads with
// the .golden.json beside it (go test -update rewrites them; read the diff).
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.eml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 40 {
		t.Errorf("%d fixtures, want at least 40", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			got, err := json.MarshalIndent(readGolden(t, raw), "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			path := strings.TrimSuffix(f, ".eml") + ".golden.json"
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update and check the file)", err)
			}
			if string(got) != string(want) {
				t.Errorf("read differs from %s:\n%s", path, got)
			}
		})
	}
}
