package intake

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"

	"github.com/ordergate/ordergate/order"
)

// QuickOrder is an order typed at the desk (taken by phone) or by a buyer
// through a customer's link: lines of item and quantity. It becomes an
// upload document like any other (see QuickOrder.CSV), stored raw and read
// by the sheet parser, so it goes through the same pipeline, matching and
// review, and can be replayed.
type QuickOrder struct {
	Customer     string      `json:"customer"`
	PONumber     string      `json:"po_number"`
	OrderDate    order.Date  `json:"order_date,omitzero"`
	DeliveryDate order.Date  `json:"delivery_date,omitzero"`
	Note         string      `json:"note,omitempty"`
	Lines        []QuickLine `json:"lines"`
}

// QuickLine is one typed line. SKU is our item (picked from the
// autocomplete); Item is what was typed when nothing was picked (the
// customer's own code or a GTIN), Description free text; a line needs one
// of them and a quantity.
type QuickLine struct {
	SKU         string        `json:"sku,omitempty"`
	Item        string        `json:"item,omitempty"`
	GTIN        string        `json:"gtin,omitempty"`
	Description string        `json:"description,omitempty"`
	Quantity    order.Decimal `json:"quantity"`
	Unit        string        `json:"unit,omitempty"`
	Note        string        `json:"note,omitempty"`
}

// maxQuickLines bounds a typed order.
const maxQuickLines = 1000

// Validate returns what is wrong with the order, each problem phrased for
// the person typing it, or nil.
func (q *QuickOrder) Validate() []string {
	var probs []string
	if strings.TrimSpace(q.Customer) == "" {
		probs = append(probs, "choose the customer")
	}
	if strings.TrimSpace(q.PONumber) == "" {
		probs = append(probs, "enter the customer's order number (PO number)")
	}
	if len(q.PONumber) > 70 || len(q.Note) > 2000 {
		probs = append(probs, "the order number or the note is too long")
	}
	if len(q.Lines) == 0 {
		probs = append(probs, "the order has no lines")
	}
	if len(q.Lines) > maxQuickLines {
		probs = append(probs, fmt.Sprintf("the order has %d lines; a quick order takes at most %d (upload a sheet instead)", len(q.Lines), maxQuickLines))
		return probs
	}
	for i, l := range q.Lines {
		n := i + 1
		if strings.TrimSpace(l.SKU+l.Item+l.GTIN+l.Description) == "" {
			probs = append(probs, fmt.Sprintf("line %d names no item", n))
		}
		if l.Quantity.Sign() <= 0 {
			probs = append(probs, fmt.Sprintf("line %d: the quantity must be more than zero", n))
		}
		for _, v := range []string{l.SKU, l.Item, l.GTIN, l.Unit} {
			if len(v) > 70 {
				probs = append(probs, fmt.Sprintf("line %d: %q is too long", n, v[:20]+"..."))
			}
		}
		if len(l.Description) > 500 || len(l.Note) > 500 {
			probs = append(probs, fmt.Sprintf("line %d: the description or note is too long", n))
		}
	}
	return probs
}

// CSV is the document a quick order becomes: a semicolon-separated sheet
// with the order's values above its lines, in the column names the sheet
// parser reads (docs: README, "Quick order"). Quantities are written so
// that no decimal can be taken for a thousands separator ("2.1250", never
// "2.125").
func (q *QuickOrder) CSV() []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Comma = ';'
	w.UseCRLF = true
	rec := func(cells ...string) { _ = w.Write(cells) }
	rec("Order number", strings.TrimSpace(q.PONumber))
	rec("Customer number", strings.TrimSpace(q.Customer))
	if !q.OrderDate.IsZero() {
		rec("Order date", q.OrderDate.String())
	}
	if !q.DeliveryDate.IsZero() {
		rec("Delivery date", q.DeliveryDate.String())
	}
	if n := strings.TrimSpace(q.Note); n != "" {
		rec("Comment", n)
	}
	rec()
	rec("Line", "Supplier item", "Customer item", "GTIN", "Description", "Quantity", "Unit", "Notes")
	for i, l := range q.Lines {
		rec(strconv.Itoa(i+1), strings.TrimSpace(l.SKU), strings.TrimSpace(l.Item), strings.TrimSpace(l.GTIN),
			strings.TrimSpace(l.Description), unambiguous(l.Quantity), strings.TrimSpace(l.Unit), strings.TrimSpace(l.Note))
	}
	w.Flush()
	return b.Bytes()
}

// unambiguous writes a decimal with a point that cannot be read as a
// thousands separator: a fraction of exactly three digits gets a zero.
func unambiguous(d order.Decimal) string {
	s := d.String()
	if i := strings.IndexByte(s, '.'); i >= 0 && len(s)-i-1 == 3 {
		s += "0"
	}
	return s
}

// Submitter is who submits a quick order: the sender recorded on the
// document and its source reference.
type Submitter struct {
	Sender    order.Sender
	SourceRef string
}

// SubmitQuickOrder validates a quick order and receives it as an upload
// document (channel upload, the chosen customer set), so the pipeline
// parses, matches and routes it like any sheet. A repeat of the same order
// (the same customer, number and lines) is a duplicate.
func (p *Pipeline) SubmitQuickOrder(ctx context.Context, q QuickOrder, by Submitter) (Received, error) {
	if probs := q.Validate(); len(probs) > 0 {
		return Received{}, invalidf("%s", strings.Join(probs, "; "))
	}
	return p.Receive(ctx, quickInbound(q, by))
}

func quickInbound(q QuickOrder, by Submitter) Inbound {
	return Inbound{Channel: ChannelUpload, SourceRef: by.SourceRef, Sender: by.Sender,
		FileName: "quick-order-" + safeName(q.PONumber) + ".csv", ContentType: "text/csv",
		CustomerNumber: strings.TrimSpace(q.Customer), Data: q.CSV()}
}

// safeName keeps the letters, digits, dashes and dots of a file name part.
func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.' || r == '_' {
			return r
		}
		return '_'
	}, strings.TrimSpace(s))
}
