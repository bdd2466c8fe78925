package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
)

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestParseReadsSheets: `ordergate parse` finds workbooks and CSV by
// content (the file names say nothing) and prints their orders; a sheet
// over the configured row limit is refused with the limit named.
func TestParseReadsSheets(t *testing.T) {
	dir := t.TempDir()
	copyFile(t, "../../parsers/sheet/testdata/layouts/05-de-bestellung.xlsx", dir+"/order1")
	copyFile(t, "../../parsers/sheet/testdata/layouts/17-csv-semicolon-1252.csv", dir+"/order2")
	cmd := exec.Command(binary, "parse", dir+"/order1", dir+"/order2")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("parse: %v\n%s", err, stderr.String())
	}
	var orders []struct {
		Format string `json:"format"`
		PO     string `json:"po_number"`
		Lines  []struct {
			Item string `json:"buyer_item"`
		} `json:"lines"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &orders); err != nil {
		t.Fatalf("%v\n%s", err, stdout.String())
	}
	if len(orders) != 2 || orders[0].Format != "xlsx" || orders[0].PO != "4500012345" || orders[1].Format != "csv" ||
		orders[1].PO != "CSV-17" || orders[1].Lines[0].Item != "0042" {
		t.Fatalf("orders %+v", orders)
	}

	cfg := writeFile(t, dir, "ordergate.yaml", "limits:\n  max_sheet_rows: 3\n")
	cmd = exec.Command(binary, "parse", "--config", cfg, dir+"/order2")
	stderr.Reset()
	cmd.Stderr = &stderr
	if err := cmd.Run(); err == nil || !strings.Contains(stderr.String(), "more than 3 rows") || !strings.Contains(stderr.String(), "limits.max_sheet_rows") {
		t.Fatalf("row limit: %v %s", err, stderr.String())
	}
}
