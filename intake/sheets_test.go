package intake_test

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"

	"github.com/ordergate/ordergate/db/dbtest"
	"github.com/ordergate/ordergate/intake"
	"github.com/ordergate/ordergate/order"
	"github.com/ordergate/ordergate/parsers"
	"github.com/ordergate/ordergate/parsers/edifact"
	"github.com/ordergate/ordergate/parsers/sheet"
)

// TestSheetOverTheRowLimitIsKeptAndRefused: a dropped CSV with more rows
// than limits.max_sheet_rows becomes a failed document whose reason names
// the limit; its bytes stay for a replay once the limit is raised.
func TestSheetOverTheRowLimitIsKeptAndRefused(t *testing.T) {
	pool := dbtest.New(t)
	opts := sheet.Options{Limits: sheet.Limits{MaxRows: 50}, Layouts: intake.SheetLayouts{Pool: pool}}
	p, err := intake.New(intake.Options{Pool: pool, Workers: 1, Log: slog.New(slog.DiscardHandler),
		Registry: parsers.NewRegistry(edifact.New(), sheet.NewXLSX(opts), sheet.NewCSV(opts))})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := p.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer p.Stop(context.Background())
	var b strings.Builder
	b.WriteString("Ordernr;R-1\nArt.nr;Antal\n")
	for range 100 {
		b.WriteString("A;1\n")
	}
	r, err := p.Receive(ctx, intake.Inbound{Channel: intake.ChannelFile, SourceRef: "drop/big.csv", FileName: "big.csv", Data: []byte(b.String())})
	if err != nil {
		t.Fatal(err)
	}
	d, _ := waitDoc(t, pool, r.DocumentID, func(d intake.Document, _ []intake.Order) bool { return d.State != intake.DocReceived })
	if d.State != intake.DocFailed || d.Format != "csv" || !strings.Contains(d.Reason, "more than 50 rows") ||
		!strings.Contains(d.Reason, "limits.max_sheet_rows") || len(d.Raw) != b.Len() {
		t.Fatalf("document %s %q %q, %d bytes kept", d.State, d.Format, d.Reason, len(d.Raw))
	}
}

// sheetPipeline is ediPipeline reading sheets too, as the gateway does.
func sheetPipeline(t *testing.T) ediBundle {
	t.Helper()
	return ediPipeline(t, func(o *intake.Options) {
		opts := sheet.Options{Layouts: intake.SheetLayouts{Pool: o.Pool}}
		o.Registry = parsers.NewRegistry(edifact.New(), sheet.NewXLSX(opts), sheet.NewCSV(opts))
	})
}

// uploadSheet uploads a CSV for customer 10001 and waits for its orders.
func uploadSheet(t *testing.T, b ediBundle, in intake.Inbound) (intake.Received, intake.Document, []intake.Order) {
	t.Helper()
	if in.Channel == "" {
		in.Channel, in.SourceRef, in.CustomerNumber = intake.ChannelUpload, "anna", "10001"
	}
	r, err := b.p.Receive(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if r.Duplicate {
		return r, intake.Document{}, nil
	}
	// Settled is not enough: an approved order is still on its way to the ERP.
	d, orders := waitDoc(t, b.pool, r.DocumentID, func(d intake.Document, orders []intake.Order) bool {
		return allSettled(d, orders) && !slices.ContainsFunc(orders, func(o intake.Order) bool { return o.State == intake.StateApproved || o.State == intake.StateDelivering })
	})
	return r, d, orders
}

func codesOf(o intake.Order) []string {
	var out []string
	for _, e := range o.PO.Exceptions {
		s := e.Code
		if e.LineNo > 0 {
			s += fmt.Sprintf("@%d", e.LineNo)
		}
		out = append(out, s)
	}
	return out
}

// TestWeeklyOrderCSVWithoutPONumber: a customer who sends order.csv every
// week without a PO number in it gets each week's order delivered, not a
// DUPLICATE_ORDER of the first; the same file again is caught: as the same
// document when its bytes come the same way, as a DUPLICATE_ORDER when they
// come in another document (a mail sent twice).
func TestWeeklyOrderCSVWithoutPONumber(t *testing.T) {
	t.Parallel()
	b := sheetPipeline(t)
	week1 := []byte("EAN;Antal\n" + gtinCoffee + ";2\n")
	week2 := []byte("EAN;Antal\n" + gtinCoffee + ";3\n" + gtinCups + ";1\n")
	var numbers []string
	for i, data := range [][]byte{week1, week2} {
		_, d, orders := uploadSheet(t, b, intake.Inbound{FileName: "order.csv", Data: data})
		if len(orders) != 1 || orders[0].State != intake.StateDelivered {
			t.Fatalf("week %d: document %s %q, orders %+v", i+1, d.State, d.Reason, orders)
		}
		po := orders[0].PO
		if !strings.HasPrefix(po.PONumber, sheet.GeneratedPrefix) || po.PONumberFrom != order.PONumberGenerated {
			t.Errorf("week %d: PO %q from %q", i+1, po.PONumber, po.PONumberFrom)
		}
		if !slices.ContainsFunc(d.Problems.Warnings, func(w string) bool { return strings.Contains(w, "has no order number") }) {
			t.Errorf("week %d: document warnings %q say nothing of the missing PO number", i+1, d.Problems.Warnings)
		}
		numbers = append(numbers, po.PONumber)
	}
	if numbers[0] == numbers[1] {
		t.Fatalf("both weeks are %s", numbers[0])
	}
	// The same upload again is the same document.
	if r, _, _ := uploadSheet(t, b, intake.Inbound{FileName: "order.csv", Data: week1}); !r.Duplicate {
		t.Errorf("week 1's file uploaded again is document %d, not a duplicate", r.DocumentID)
	}
	// The same file in another document (a second mail, its own key) is
	// the same PO number: a DUPLICATE_ORDER for the desk.
	_, _, orders := uploadSheet(t, b, intake.Inbound{Channel: intake.ChannelUpload, SourceRef: "anna", CustomerNumber: "10001",
		FileName: "order.csv", Data: week1, IdempotencyKey: "mail:second-copy"})
	if len(orders) != 1 || orders[0].State != intake.StateReview || orders[0].PO.PONumber != numbers[0] ||
		!slices.Contains(codesOf(orders[0]), "DUPLICATE_ORDER") {
		t.Fatalf("week 1 again in another document: %+v", orders)
	}
	if n := len(b.erp.Deliveries()); n != 2 {
		t.Errorf("%d orders reached the ERP, want 2", n)
	}
}

// TestForgottenQuantityWaitsForTheDesk: a row with an item but no quantity
// in an order that is not an order form is a line of quantity 0 the order
// waits in review for; the desk sets the quantity and the order goes on.
// An order form's rows without a quantity are skipped and say nothing.
func TestForgottenQuantityWaitsForTheDesk(t *testing.T) {
	t.Parallel()
	b := sheetPipeline(t)
	ctx := context.Background()
	_, d, orders := uploadSheet(t, b, intake.Inbound{FileName: "PO-7001.csv",
		Data: []byte("EAN;Antal\n" + gtinCoffee + ";2\n" + gtinCups + ";\n")})
	if len(orders) != 1 || orders[0].State != intake.StateReview || !slices.Contains(codesOf(orders[0]), "PARSE_ERROR@2") {
		t.Fatalf("document %s %q, orders %+v", d.State, d.Reason, orders)
	}
	if !slices.ContainsFunc(d.Problems.Warnings, func(w string) bool { return strings.Contains(w, "row 3 ("+gtinCups+") has no quantity") }) {
		t.Errorf("document warnings %q", d.Problems.Warnings)
	}
	q := order.MustDecimal("4")
	o, err := b.p.ChangeLine(ctx, deskUser, orders[0].ID, 2, intake.LineChange{Quantity: &q})
	if err != nil || slices.Contains(codesOf(o), "PARSE_ERROR@2") {
		t.Fatalf("after the desk set the quantity: %v %v", err, codesOf(o))
	}
	if _, err := b.p.Approve(ctx, deskUser, o.ID, intake.Approval{}); err != nil {
		t.Fatalf("approve: %v (exceptions %v)", err, codesOf(o))
	}

	// An order form: four items, one ordered; nothing for the desk.
	_, d, orders = uploadSheet(t, b, intake.Inbound{FileName: "PO-7002.csv",
		Data: []byte("EAN;Antal\n" + gtinCoffee + ";\n" + gtinCups + ";3\n" + gtinNone + ";\n5400000000041;0\n")})
	if len(orders) != 1 || orders[0].State != intake.StateDelivered || len(orders[0].PO.Lines) != 1 {
		t.Fatalf("order form: document %s %q, orders %+v", d.State, d.Reason, orders)
	}
}
