package erp

import (
	"errors"
	"github.com/ordergate/ordergate/parsers"
	"github.com/ordergate/ordergate/parsers/edifact"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/ordergate/ordergate/atomicfile"
	"github.com/ordergate/ordergate/order"
)

func fileOrder() order.PurchaseOrder {
	price := order.MustDecimal("12.50")
	return order.PurchaseOrder{
		PONumber: "PO/4711 ../x", Function: order.FunctionOriginal, CustomerNumber: "10000",
		DeliveryDate: order.NewDate(2026, 12, 1),
		Lines: []order.Line{
			{LineNo: 1, Quantity: order.MustDecimal("10"), Unit: "PCE", SKU: "1896-S", AgreedPrice: &price},
			{LineNo: 2, Quantity: order.MustDecimal("2.5"), Unit: "KGM", SKU: "1900-A", DeliveryDate: order.NewDate(2026, 12, 3)},
		},
	}
}

func newFileExport(t *testing.T, format string) (*FileExport, string) {
	dir := t.TempDir()
	c, err := New(Config{Kind: KindFile, File: FileConfig{Dir: dir, Format: format}}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c.(*FileExport), dir
}

// names lists the folder, hidden files included.
func names(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out
}

func TestFileExportCSV(t *testing.T) {
	t.Parallel()
	f, dir := newFileExport(t, "csv")
	d := NewDelivery(42, fileOrder())
	rc, err := f.Deliver(t.Context(), d)
	if err != nil {
		t.Fatal(err)
	}
	if rc.ID != "order-42-PO_4711_.._x.csv" {
		t.Errorf("file name = %q", rc.ID)
	}
	b, err := os.ReadFile(filepath.Join(dir, rc.ID))
	if err != nil {
		t.Fatal(err)
	}
	want := "po_number,customer_number,line_no,sku,quantity,unit,unit_price,delivery_date," +
		"ship_to_code,ship_to_gln,ship_to_name,ship_to_address,ship_to_city,ship_to_postcode,ship_to_country,notes,order_notes\n" +
		"PO/4711 ../x,10000,1,1896-S,10,PCE,12.5,2026-12-01,,,,,,,,,\n" +
		"PO/4711 ../x,10000,2,1900-A,2.5,KGM,,2026-12-03,,,,,,,,,\n"
	if string(b) != want {
		t.Errorf("csv =\n%s\nwant\n%s", b, want)
	}
	if got := names(t, dir); len(got) != 1 {
		t.Errorf("folder holds %v, want only the order file", got)
	}
	if rc2, found, err := f.Lookup(t.Context(), d); err != nil || !found || rc2 != rc {
		t.Errorf("Lookup = %+v, %v, %v", rc2, found, err)
	}
}

func TestFileExportJSON(t *testing.T) {
	t.Parallel()
	f, dir := newFileExport(t, "json")
	rc, err := f.Deliver(t.Context(), NewDelivery(7, fileOrder()))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, rc.ID))
	for _, want := range []string{`"event": "order.approved"`, `"order_id": 7`, `"idempotency_key": "ordergate-order-7"`, `"sku": "1896-S"`, `"agreed_price": 12.5`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("json lacks %s:\n%s", want, b)
		}
	}
}

func TestFileExportEDIFACT(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if _, err := New(Config{Kind: KindFile, File: FileConfig{Dir: dir, Format: "edifact"}}, nil, nil); err == nil ||
		!strings.Contains(err.Error(), "erp.file.sender") {
		t.Fatalf("edifact without our identity: %v", err)
	}
	c, err := New(Config{Kind: KindFile, File: FileConfig{Dir: dir, Format: "edifact", Sender: "5498765000017", Recipient: "5498765000024"}}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	rc, err := c.Deliver(t.Context(), NewDelivery(9, fileOrder()))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(rc.ID, ".edi") {
		t.Errorf("file name = %q", rc.ID)
	}
	b, _ := os.ReadFile(filepath.Join(dir, rc.ID))
	res, err := edifact.New().Parse(t.Context(), parsers.Document{Data: b})
	if err != nil || len(res.Orders) != 1 || len(res.Errors) != 0 {
		t.Fatalf("the export does not read back: %v %+v\n%s", err, res.Errors, b)
	}
	got := res.Orders[0]
	if got.PONumber != "PO/4711 ../x" || got.Sender.ID != "5498765000017" || got.Envelope.InterchangeRef != "9" ||
		got.Lines[0].SupplierItem != "1896-S" || got.Lines[0].UnitPrice.String() != "12.5" || got.Lines[1].Quantity.String() != "2.5" {
		t.Fatalf("read back: %+v\n%s", got, b)
	}
}

func TestFileExportIdempotent(t *testing.T) {
	t.Parallel()
	f, dir := newFileExport(t, "json")
	d := NewDelivery(7, fileOrder())
	if _, err := f.Deliver(t.Context(), d); err != nil {
		t.Fatal(err)
	}
	final := filepath.Join(dir, f.FileName(d))
	if err := os.WriteFile(final, []byte("taken by importer"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Deliver(t.Context(), d); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(final); string(b) != "taken by importer" {
		t.Errorf("second Deliver rewrote the file")
	}
}

// failingFile fails its Write after n bytes, as a full disk does.
type failingFile struct {
	*os.File
	n int
}

func (f *failingFile) Write(p []byte) (int, error) {
	if len(p) > f.n {
		f.File.Write(p[:f.n])
		return f.n, errors.New("no space left on device")
	}
	return f.File.Write(p)
}

func TestFileExportNeverLeavesPartialFile(t *testing.T) {
	crash := errors.New("simulated crash")
	tests := []struct {
		name  string
		setup func(f *FileExport)
	}{
		{"disk full mid-write", func(f *FileExport) {
			f.createTemp = func(dir, pattern string) (atomicfile.TempFile, error) {
				file, err := os.CreateTemp(dir, pattern)
				return &failingFile{File: file, n: 20}, err
			}
		}},
		{"failure before rename", func(f *FileExport) {
			f.rename = func(string, string) error { return crash }
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, dir := newFileExport(t, "csv")
			tt.setup(f)
			d := NewDelivery(9, fileOrder())
			_, err := f.Deliver(t.Context(), d)
			if Classify(err) != KindTransient {
				t.Fatalf("Deliver = %v, want a transient error", err)
			}
			if got := names(t, dir); len(got) != 0 {
				t.Errorf("folder holds %v after a failed export, want nothing", got)
			}
			if _, found, _ := f.Lookup(t.Context(), d); found {
				t.Errorf("Lookup found a failed export")
			}
		})
	}
}

// A crash (kill -9) between writing and renaming leaves the temporary file:
// it must be hidden from importers and must not count as delivered.
func TestFileExportCrashLeavesOnlyHiddenTemp(t *testing.T) {
	t.Parallel()
	f, dir := newFileExport(t, "csv")
	var tmpName string
	f.rename = func(oldpath, _ string) error {
		tmpName = oldpath
		// The goroutine stops dead here, before the rename, as if the
		// process were killed (the deferred cleanup sees no error).
		runtime.Goexit()
		return nil
	}
	d := NewDelivery(9, fileOrder())
	done := make(chan struct{})
	go func() {
		defer close(done)
		f.Deliver(t.Context(), d)
	}()
	<-done
	got := names(t, dir)
	if len(got) != 1 || !strings.HasPrefix(got[0], ".") || filepath.Base(tmpName) != got[0] {
		t.Fatalf("after a crash the folder holds %v, want only the hidden temporary file %s", got, tmpName)
	}
	if _, found, _ := f.Lookup(t.Context(), d); found {
		t.Errorf("Lookup counts a crashed export as delivered")
	}
	// The next attempt delivers normally.
	f.rename = os.Rename
	if _, err := f.Deliver(t.Context(), d); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := f.Lookup(t.Context(), d); !found {
		t.Errorf("Lookup does not find the export after the retry")
	}
}

func TestSanitizeFileName(t *testing.T) {
	for in, want := range map[string]string{
		"PO-4711":                "PO-4711",
		"../../etc/passwd":       "etc_passwd",
		".hidden":                "hidden",
		"":                       "nopo",
		"Bestellung Müller":      "Bestellung_M_ller",
		strings.Repeat("a", 100): strings.Repeat("a", 64),
	} {
		if got := atomicfile.SafeName(in, "nopo"); got != want {
			t.Errorf("SafeName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFileExportRefusesUnmatchedLines(t *testing.T) {
	t.Parallel()
	f, dir := newFileExport(t, "csv")
	po := fileOrder()
	po.Lines[0].SKU = ""
	_, err := f.Deliver(t.Context(), NewDelivery(3, po))
	if Classify(err) != KindPermanent || Message(err) != "line 1 has no item number (SKU)" {
		t.Fatalf("Deliver = %v, want permanent with the desk message", err)
	}
	if got := names(t, dir); len(got) != 0 {
		t.Errorf("folder holds %v", got)
	}
}
