package erp_test

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ordergate/ordergate/erp"
	"github.com/ordergate/ordergate/parsers"
	"github.com/ordergate/ordergate/parsers/edifact"
)

func TestFileExportCarriesWhereAndWhen(t *testing.T) {
	t.Parallel()
	for _, format := range []string{"json", "csv", "edifact"} {
		dir := t.TempDir()
		c := mustNew(t, erp.Config{Kind: erp.KindFile, File: erp.FileConfig{Dir: dir, Format: format,
			Sender: "5498765000017", Recipient: "5498765000024"}})
		rc, err := c.Deliver(t.Context(), erp.NewDelivery(9, shipToOrder()))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(dir, rc.ID))
		if err != nil {
			t.Fatal(err)
		}
		switch format {
		case "json":
			for _, want := range []string{`"deliver_to": {`, `"code": "ST-GENT"`, `"address": "Veldstraat 1"`, `"delivery_date": "2026-12-03"`, `"Keep frozen"`} {
				if !strings.Contains(string(b), want) {
					t.Errorf("json lacks %s:\n%s", want, b)
				}
			}
		case "csv":
			rows, err := csv.NewReader(strings.NewReader(string(b))).ReadAll()
			if err != nil || len(rows) != 3 {
				t.Fatalf("csv: %v\n%s", err, b)
			}
			head := map[string]int{}
			for i, h := range rows[0] {
				head[h] = i
			}
			r := rows[2]
			if r[head["ship_to_code"]] != "ST-GENT" || r[head["ship_to_address"]] != "Veldstraat 1" || r[head["ship_to_city"]] != "Gent" ||
				r[head["delivery_date"]] != "2026-12-03" || r[head["notes"]] != "Keep frozen" || r[head["order_notes"]] != longNote {
				t.Errorf("csv row %q", r)
			}
		case "edifact":
			res, err := edifact.New().Parse(t.Context(), parsers.Document{Data: b})
			if err != nil || len(res.Orders) != 1 {
				t.Fatalf("edifact: %v\n%s", err, b)
			}
			o := res.Orders[0]
			if p := o.ShipTo; p == nil || p.GLN != "5412345000020" || p.Name != "Store Gent" || p.Address != "Veldstraat 1" ||
				p.City != "Gent" || p.Postcode != "9000" || p.Country != "BE" {
				t.Errorf("NAD+DP read back as %+v\n%s", o.ShipTo, b)
			}
			if len(o.Notes) != 1 || o.Notes[0] != longNote || len(o.Lines[1].Notes) != 1 || o.Lines[1].Notes[0] != "Keep frozen" ||
				o.Lines[1].DeliveryDate.String() != "2026-12-03" {
				t.Errorf("notes %q, line 2 %+v\n%s", o.Notes, o.Lines[1], b)
			}
		}
	}
}
