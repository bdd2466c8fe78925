package erp

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/ordergate/ordergate/order"
)

// FileExport writes each approved order as one file into an outbound folder
// that the ERP's import job reads.
//
// Formats:
//   - json: the [Payload] document the webhook sends, indented.
//   - csv: a header row, then one row per order line with the columns
//     po_number, customer_number, line_no, sku, quantity, unit, unit_price,
//     delivery_date (unit_price is the agreed price, empty when matching
//     found none; delivery_date is the line's date or else the order's).
//
// The file is named order-<order id>-<PO number>.<json|csv>, the PO number
// reduced to letters, digits, "-", "_" and ".". It appears atomically: the
// content is written to a temporary file in the same folder whose name
// starts with "." (importers must ignore dot files), flushed to disk
// (fsync), and renamed to the final name. A crash or a full disk leaves at
// most a hidden temporary file, never a partial file under the final name.
//
// Lookup reports whether the final file exists. An importer that deletes
// files it has read defeats that check; let it move them to an archive
// folder instead, or deduplicate by order id (part of the name).
type FileExport struct {
	cfg FileConfig
	log *slog.Logger

	// Seams for tests: how the temporary file is created and renamed.
	createTemp func(dir, pattern string) (tempFile, error)
	rename     func(oldpath, newpath string) error
}

// tempFile is the part of *os.File the export uses.
type tempFile interface {
	io.Writer
	Sync() error
	Close() error
	Name() string
}

// NewFileExport returns the file connector; cfg must be valid (see
// Config.Validate).
func NewFileExport(cfg FileConfig, logger *slog.Logger) *FileExport {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &FileExport{
		cfg: cfg,
		log: logger,
		createTemp: func(dir, pattern string) (tempFile, error) {
			return os.CreateTemp(dir, pattern)
		},
		rename: os.Rename,
	}
}

// Name returns "file".
func (f *FileExport) Name() string { return KindFile }

// FileName returns the name the order's file gets.
func (f *FileExport) FileName(d Delivery) string {
	return fmt.Sprintf("order-%d-%s.%s", d.OrderID, sanitizeFileName(d.Order.PONumber), f.cfg.Format)
}

// Deliver writes the order's file unless it already exists.
func (f *FileExport) Deliver(ctx context.Context, d Delivery) (Receipt, error) {
	if err := ctx.Err(); err != nil {
		return Receipt{}, &Error{Kind: KindTransient, Connector: KindFile, Op: "deliver", Err: err}
	}
	if e := checkOrder(KindFile, &d.Order); e != nil {
		return Receipt{}, e
	}
	name := f.FileName(d)
	final := filepath.Join(f.cfg.Dir, name)
	if _, err := os.Lstat(final); err == nil {
		return Receipt{ID: name}, nil // delivered before
	}
	content, err := f.encode(d)
	if err != nil {
		return Receipt{}, &Error{Kind: KindPermanent, Connector: KindFile, Op: "deliver", Err: err}
	}
	if err := f.writeAtomic(final, content); err != nil {
		return Receipt{}, &Error{Kind: KindTransient, Connector: KindFile, Op: "deliver", Err: err}
	}
	// The file is in place; make the rename itself durable. If that fails
	// the file may vanish in a power loss, so the outcome is unclear and the
	// job's Lookup decides.
	if err := syncDir(f.cfg.Dir); err != nil {
		return Receipt{}, &Error{Kind: KindUnclear, Connector: KindFile, Op: "deliver", Err: err}
	}
	return Receipt{ID: name}, nil
}

// writeAtomic writes content to a hidden temporary file next to final,
// flushes it and renames it to final. On any failure the temporary file is
// removed and final is untouched.
func (f *FileExport) writeAtomic(final string, content []byte) (err error) {
	tmp, err := f.createTemp(filepath.Dir(final), "."+filepath.Base(final)+".*.tmp")
	if err != nil {
		return fmt.Errorf("creating temporary file: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(content); err != nil {
		return fmt.Errorf("writing %s: %w", filepath.Base(tmp.Name()), err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("flushing %s: %w", filepath.Base(tmp.Name()), err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("closing %s: %w", filepath.Base(tmp.Name()), err)
	}
	if err = f.rename(tmp.Name(), final); err != nil {
		return fmt.Errorf("renaming to %s: %w", filepath.Base(final), err)
	}
	return nil
}

// Lookup reports whether the order's file exists under its final name.
func (f *FileExport) Lookup(ctx context.Context, d Delivery) (Receipt, bool, error) {
	name := f.FileName(d)
	_, err := os.Lstat(filepath.Join(f.cfg.Dir, name))
	switch {
	case err == nil:
		return Receipt{ID: name}, true, nil
	case errors.Is(err, fs.ErrNotExist):
		return Receipt{}, false, nil
	}
	return Receipt{}, false, &Error{Kind: KindTransient, Connector: KindFile, Op: "lookup", Err: err}
}

func (f *FileExport) encode(d Delivery) ([]byte, error) {
	if f.cfg.Format == "csv" {
		return encodeCSV(&d.Order)
	}
	b, err := json.MarshalIndent(payload(d), "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// CSVHeader is the header row of the CSV export.
var CSVHeader = []string{"po_number", "customer_number", "line_no", "sku", "quantity", "unit", "unit_price", "delivery_date"}

func encodeCSV(po *order.PurchaseOrder) ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write(CSVHeader)
	for i := range po.Lines {
		l := &po.Lines[i]
		price := ""
		if l.AgreedPrice != nil {
			price = l.AgreedPrice.String()
		}
		_ = w.Write([]string{po.PONumber, po.CustomerNumber, strconv.Itoa(l.LineNo), l.SKU,
			l.Quantity.String(), l.Unit, price, deliveryDate(po, l).String()})
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}

// sanitizeFileName keeps letters, digits, "-", "_" and "." (not leading),
// replaces runs of anything else with "_" and caps the length, so a PO
// number can neither escape the folder nor hide the file.
func sanitizeFileName(s string) string {
	var b strings.Builder
	under := false
	for _, r := range s {
		okRune := r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.')
		if okRune {
			b.WriteRune(r)
			under = false
		} else if !under {
			b.WriteByte('_')
			under = true
		}
		if b.Len() >= 64 {
			break
		}
	}
	out := strings.Trim(b.String(), "._")
	if out == "" {
		return "nopo"
	}
	return out
}

// syncDir flushes a directory entry change (the rename) to disk.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, errors.ErrUnsupported) {
		return fmt.Errorf("syncing folder: %w", err)
	}
	return nil
}
