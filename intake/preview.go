package intake

import (
	"context"
	"errors"
	"path/filepath"
	"strings"

	"github.com/ordergate/ordergate/matching"
	"github.com/ordergate/ordergate/order"
	"github.com/ordergate/ordergate/parsers"
	"github.com/ordergate/ordergate/parsers/sheet"
)

// PreviewRequest is a document the desk is about to upload for a customer.
type PreviewRequest struct {
	Customer    string // our customer number, chosen at upload
	FileName    string
	ContentType string
	Data        []byte
	Sender      order.Sender
}

// Preview is what a document would become, stored nowhere: its orders as
// matching makes them against the live catalog now (each line's SKU,
// agreed price and resolution, the order's exceptions and status), and
// for a sheet its tables (header row, columns and what each was taken
// for, skipped rows), so the desk can correct a column and save the
// layout (SaveSheetLayout) before submitting.
type Preview struct {
	Format   string                 `json:"format"`
	Orders   []order.PurchaseOrder  `json:"orders"`
	Errors   []parsers.MessageError `json:"errors,omitempty"`
	Warnings []string               `json:"warnings,omitempty"`
	// Sheet is the sheet parser's reading (nil for other formats).
	Sheet *sheet.Workbook `json:"sheet,omitempty"`
}

// Preview parses a document for a customer and matches its orders, pure:
// nothing is stored and no order history is read (so a duplicate PO number
// or a credit limit reached by orders still on their way shows only once
// the document is submitted). An unreadable document is ErrInvalid with
// the parser's reason.
func (p *Pipeline) Preview(ctx context.Context, req PreviewRequest) (*Preview, error) {
	if p.opts.MaxDocumentBytes > 0 && int64(len(req.Data)) > p.opts.MaxDocumentBytes {
		return nil, &Error{Kind: ErrTooLarge, Message: "the document is larger than the limit (limits.max_document_bytes)"}
	}
	if len(req.Data) == 0 {
		return nil, invalidf("the document is empty")
	}
	snap, opts, err := p.liveMatching()
	if err != nil {
		return nil, err
	}
	customer := strings.TrimSpace(req.Customer)
	if _, err := customerID(snap, customer); err != nil {
		return nil, err
	}
	doc := parsers.Document{Name: filepath.Base(req.FileName), ContentType: req.ContentType, Data: req.Data,
		Sender: req.Sender, Customer: customer}
	reg := p.opts.Registry
	res, err := reg.Parse(ctx, doc)
	if err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return nil, err
		}
		if errors.Is(err, sheet.ErrLimit) {
			return nil, &Error{Kind: ErrTooLarge, Message: err.Error()}
		}
		return nil, invalidf("the document cannot be read: %s", strings.TrimPrefix(err.Error(), "sheet: "))
	}
	out := &Preview{Format: res.Format, Orders: res.Orders, Errors: res.Errors, Warnings: res.Warnings}
	if out.Orders == nil {
		out.Orders = []order.PurchaseOrder{}
	}
	if sp, err := reg.Detect(doc); err == nil {
		if s, ok := sp.(*sheet.Parser); ok {
			if wb, err := s.Read(ctx, doc); err == nil {
				for i := range wb.Tables {
					wb.Tables[i].Order = nil // the matched orders are in Orders
				}
				out.Sheet = wb
			}
		}
	}
	for i := range out.Orders {
		po := &out.Orders[i]
		po.ChosenCustomer = customer
		if po.Sender.Kind == "" {
			po.Sender = req.Sender
		}
		r := matching.Match(snap, po, opts)
		matching.Apply(po, r)
	}
	return out, nil
}
