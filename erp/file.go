package erp

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/ordergate/ordergate/atomicfile"
	"github.com/ordergate/ordergate/order"
	"github.com/ordergate/ordergate/parsers/edifact"
)

// FileExport writes each approved order as one file into an outbound folder
// that the ERP's import job reads.
//
// Formats:
//   - json: the [Payload] document the webhook sends, indented.
//   - csv: a header row, then one row per order line with the columns
//     po_number, customer_number, line_no, sku, quantity, unit, unit_price,
//     delivery_date (unit_price is the agreed price, empty when matching
//     found none; delivery_date is the line's date or else the order's),
//     then where the goods go (ship_to_code, ship_to_gln, ship_to_name,
//     ship_to_address, ship_to_city, ship_to_postcode, ship_to_country: the
//     order's DeliverTo, empty for the customer's default address) and the
//     notes (notes: the line's, order_notes: the order's, each joined with
//     " | ").
//   - edifact: ORDERS (see edifact.WriteORDERS), the delivery address in
//     NAD+DP: the location's GLN, or its code assigned by the supplier
//     (agency 91), with its name and address.
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
	createTemp func(dir, pattern string) (atomicfile.TempFile, error)
	rename     func(oldpath, newpath string) error
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
		createTemp: func(dir, pattern string) (atomicfile.TempFile, error) {
			return os.CreateTemp(dir, pattern)
		},
		rename: os.Rename,
	}
}

// Name returns "file".
func (f *FileExport) Name() string { return KindFile }

// FileName returns the name the order's file gets.
func (f *FileExport) FileName(d Delivery) string {
	ext := f.cfg.Format
	if ext == "edifact" {
		ext = "edi"
	}
	return fmt.Sprintf("order-%d-%s.%s", d.OrderID, atomicfile.SafeName(d.Order.PONumber, "nopo"), ext)
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
	if err := (atomicfile.Writer{CreateTemp: f.createTemp, Rename: f.rename}).Write(final, content); err != nil {
		return Receipt{}, &Error{Kind: KindTransient, Connector: KindFile, Op: "deliver", Err: err}
	}
	// The file is in place; make the rename itself durable. If that fails
	// the file may vanish in a power loss, so the outcome is unclear and the
	// job's Lookup decides.
	if err := atomicfile.SyncDir(f.cfg.Dir); err != nil {
		return Receipt{}, &Error{Kind: KindUnclear, Connector: KindFile, Op: "deliver", Err: err}
	}
	return Receipt{ID: name}, nil
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
	switch f.cfg.Format {
	case "csv":
		return encodeCSV(&d.Order)
	case "edifact":
		var b bytes.Buffer
		err := edifact.WriteORDERS(&b, edifact.Outbound{
			SyntaxID: "UNOC", SyntaxVersion: "3", Newlines: true,
			From:       edifact.PartyID{ID: f.cfg.Sender, Qualifier: "14"},
			To:         edifact.PartyID{ID: f.cfg.Recipient, Qualifier: "14"},
			ControlRef: strconv.FormatInt(d.OrderID, 10), // unique per order, at most 14 digits
		}, withDeliverTo(d.Order))
		return b.Bytes(), err
	}
	b, err := json.MarshalIndent(payload(d), "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// CSVHeader is the header row of the CSV export.
var CSVHeader = []string{"po_number", "customer_number", "line_no", "sku", "quantity", "unit", "unit_price", "delivery_date",
	"ship_to_code", "ship_to_gln", "ship_to_name", "ship_to_address", "ship_to_city", "ship_to_postcode", "ship_to_country",
	"notes", "order_notes"}

// withDeliverTo returns the order with its ship-to party replaced by where
// the goods go (DeliverTo), for formats that have only the party.
func withDeliverTo(po order.PurchaseOrder) order.PurchaseOrder {
	to := po.DeliverTo
	if to == nil {
		return po
	}
	p := &order.Party{GLN: to.GLN, Name: to.Name, Address: to.Address, City: to.City, Postcode: to.Postcode, Country: to.Country}
	if p.GLN == "" && to.Code != "" {
		p.ID, p.CodeList = to.Code, "91"
	}
	po.ShipTo = p
	return po
}

func encodeCSV(po *order.PurchaseOrder) ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write(CSVHeader)
	to := po.DeliverTo
	if to == nil {
		to = &order.Location{}
	}
	orderNotes := strings.Join(po.Notes, " | ")
	for i := range po.Lines {
		l := &po.Lines[i]
		price := ""
		qty, unit := l.Ordered()
		if l.AgreedPrice != nil {
			price = l.AgreedPrice.String()
		}
		_ = w.Write([]string{po.PONumber, po.CustomerNumber, strconv.Itoa(l.LineNo), l.SKU,
			qty.String(), unit, price, deliveryDate(po, l).String(),
			to.Code, to.GLN, to.Name, to.Address, to.City, to.Postcode, to.Country,
			strings.Join(l.Notes, " | "), orderNotes})
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}
