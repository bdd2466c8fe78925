package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/ordergate/ordergate/db/dbtest"
)

// run1 runs the binary and returns stdout, failing the test on a non-zero exit.
func run1(t *testing.T, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = t.TempDir() // relative paths (the data folder) stay out of the source tree
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("ordergate %v: %v\n%s", args, err, stderr.String())
	}
	return stdout.String()
}

// TestImportThenIngestWait loads master data with `ordergate import` and
// shows with `ordergate ingest --wait` that a clean EDIFACT order is
// approved and a doubtful one waits in review with its exceptions.
func TestImportThenIngestWait(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string { return writeFile(t, dir, name, body) }
	env := []string{"DATABASE_URL=" + dbtest.NewURL(t)}
	run1(t, env, "import", "--quiet", "customers", write("customers.csv",
		"number,name,gln,email,credit_limit,currency,auto_approve\n10001,Brasserie Demo SA,5412345000013,orders@brasserie.example,50000,EUR,true\n"))
	run1(t, env, "import", "--quiet", "items", write("items.csv",
		"sku,gtin,description,unit,pack_size,status\nCOF-1000,5400000000010,Espresso beans 1 kg,PCE,,active\nCUP-0008,5400000000027,Paper cups 8 oz,PCE,12,active\n"))
	run1(t, env, "import", "--quiet", "prices", write("prices.csv",
		"customer,sku,price,currency,min_qty,valid_from,valid_to\n10001,COF-1000,14.50,EUR,,,\n,CUP-0008,31.00,EUR,,,\n"))
	out := run1(t, env, "import", "--quiet", "stock", write("stock.csv", "sku,warehouse,quantity\nCOF-1000,MAIN,100\nCUP-0008,MAIN,100\n"))
	if !strings.Contains(out, "imported 2 rows into stock") {
		t.Fatalf("import output: %q", out)
	}
	cfg := write("ordergate.yaml", fmt.Sprintf("erp:\n  kind: file\n  file:\n    dir: %s\n    format: json\n", dir))
	edi := func(po, gtin, price string) string {
		return "UNA:+.? 'UNB+UNOC:3+5412345000013:14+5498765000017:14+261125:0930+" + po + "'" +
			"UNH+1+ORDERS:D:96A:UN:EAN008'BGM+220+" + po + "+9'DTM+137:20261125:102'NAD+BY+5412345000013::9'" +
			"LIN+1++" + gtin + ":EN'QTY+21:2:PCE'PRI+AAA:" + price + "'UNS+S'CNT+2:1'UNT+10+1'UNZ+1+" + po + "'"
	}
	out = run1(t, env, "ingest", "--config", cfg, "--wait", write("clean.edi", edi("PO-1", "5400000000010", "14.50")),
		write("doubtful.edi", edi("PO-2", "5400000000034", "1.00")))
	var orders []struct {
		Status     string `json:"status"`
		PO         string `json:"po_number"`
		Customer   string `json:"customer_number"`
		Exceptions []struct {
			Code string `json:"code"`
		} `json:"exceptions"`
		Lines []struct {
			SKU        string `json:"sku"`
			ResolvedBy string `json:"resolved_by"`
		} `json:"lines"`
	}
	if err := json.Unmarshal([]byte(out), &orders); err != nil || len(orders) != 2 {
		t.Fatalf("ingest --wait output (%v):\n%s", err, out)
	}
	clean, doubtful := orders[0], orders[1]
	if clean.Status != "approved" && clean.Status != "delivered" || clean.Customer != "10001" || clean.Lines[0].SKU != "COF-1000" {
		t.Errorf("clean order: %+v", clean)
	}
	if doubtful.Status != "review" || len(doubtful.Exceptions) != 1 || doubtful.Exceptions[0].Code != "UNKNOWN_ITEM" {
		t.Errorf("doubtful order: %+v", doubtful)
	}
}
