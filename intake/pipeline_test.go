package intake_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ordergate/ordergate/db/dbtest"
	"github.com/ordergate/ordergate/intake"
	"github.com/ordergate/ordergate/order"
	"github.com/ordergate/ordergate/parsers"
)

// lineFormat is a tiny real format for these tests: "PO <number>" starts an
// order, "<sku> <qty>" adds a line, "BOOM" makes the parser panic and
// "BAD <text>" is a message that cannot become an order.
type lineFormat struct{}

func (lineFormat) Name() string { return "lines" }

func (lineFormat) Sniff(head []byte, _ string) bool {
	return bytes.HasPrefix(head, []byte("PO ")) || bytes.HasPrefix(head, []byte("BOOM")) || bytes.HasPrefix(head, []byte("BAD "))
}

func (lineFormat) Parse(_ context.Context, doc parsers.Document) (parsers.Result, error) {
	var res parsers.Result
	var cur *order.PurchaseOrder
	for i, l := range strings.Split(strings.TrimSpace(string(doc.Data)), "\n") {
		f := strings.Fields(l)
		switch {
		case f[0] == "BOOM":
			panic("parser bug")
		case f[0] == "BAD":
			res.Errors = append(res.Errors, parsers.MessageError{Index: i + 1, Message: strings.Join(f[1:], " ")})
		case f[0] == "PO":
			res.Orders = append(res.Orders, order.PurchaseOrder{Format: "lines", PONumber: f[1], Function: order.FunctionOriginal})
			cur = &res.Orders[len(res.Orders)-1]
		default:
			cur.Lines = append(cur.Lines, order.Line{LineNo: len(cur.Lines) + 1, SupplierItem: f[0], Quantity: order.MustDecimal(f[1])})
		}
	}
	return res, nil
}

// approveAll is a matcher that approves every order for customer 10001,
// taking the sent item numbers as SKUs: it lets the tests see the route and
// deliver stages.
type approveAll struct{}

func (approveAll) Match(_ context.Context, _ pgx.Tx, _ int64, po *order.PurchaseOrder) error {
	po.CustomerNumber = "10001"
	for i := range po.Lines {
		po.Lines[i].SKU = po.Lines[i].SupplierItem
	}
	po.Status = intake.StateApproved
	return nil
}

func run(t *testing.T, opts intake.Options) (*intake.Pipeline, *pgxpool.Pool) {
	t.Helper()
	pool := dbtest.New(t)
	opts.Pool = pool
	opts.Registry = parsers.NewRegistry(lineFormat{})
	opts.Workers = 2
	opts.Log = slog.New(slog.DiscardHandler)
	p, err := intake.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := p.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		sctx, c := context.WithTimeout(context.Background(), 10*time.Second)
		defer c()
		_ = p.Stop(sctx)
	})
	return p, pool
}

func receive(t *testing.T, p *intake.Pipeline, body string) int64 {
	t.Helper()
	r, err := p.Receive(context.Background(), intake.Inbound{Channel: intake.ChannelUpload, SourceRef: "test", Data: []byte(body)})
	if err != nil {
		t.Fatal(err)
	}
	return r.DocumentID
}

func waitDoc(t *testing.T, pool *pgxpool.Pool, id int64, settled func(intake.Document, []intake.Order) bool) (intake.Document, []intake.Order) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		doc, err := intake.GetDocument(context.Background(), pool, id)
		if err != nil {
			t.Fatal(err)
		}
		orders, err := intake.OrdersOfDocument(context.Background(), pool, id)
		if err != nil {
			t.Fatal(err)
		}
		if settled(doc, orders) {
			return doc, orders
		}
		if time.Now().After(deadline) {
			t.Fatalf("document %d never settled: state %s, orders %+v", id, doc.State, orders)
		}
		time.Sleep(30 * time.Millisecond)
	}
}

func allSettled(doc intake.Document, orders []intake.Order) bool {
	if doc.State == intake.DocFailed {
		return true
	}
	if doc.State != intake.DocParsed || len(orders) == 0 {
		return false
	}
	for _, o := range orders {
		if !o.Settled() {
			return false
		}
	}
	return true
}

func TestWithoutMatcherOrdersGoToReviewWithPlainReason(t *testing.T) {
	t.Parallel()
	p, pool := run(t, intake.Options{})
	id := receive(t, p, "PO 1001\nA-1 5\nPO 1002\nB-2 1\nBAD INVOIC is not an order\n")
	doc, orders := waitDoc(t, pool, id, allSettled)
	if doc.State != intake.DocParsed || doc.Format != "lines" {
		t.Fatalf("document state %s format %q", doc.State, doc.Format)
	}
	if len(doc.Problems.Errors) != 1 || doc.Problems.Errors[0].Message != "INVOIC is not an order" {
		t.Fatalf("problems = %+v", doc.Problems)
	}
	if len(orders) != 3 {
		t.Fatalf("orders = %d, want 2 read and 1 unreadable", len(orders))
	}
	for _, o := range orders[:2] {
		if o.State != intake.StateReview || o.ReviewReason != intake.ReasonNoMatcher || o.PO.Status != intake.StateReview {
			t.Errorf("order %s: state %s, reason %q, status %q", o.PO.PONumber, o.State, o.ReviewReason, o.PO.Status)
		}
	}
	// The unreadable message waits for the desk too, saying why.
	bad := orders[2]
	if bad.State != intake.StateReview || bad.MessageIndex != 5 || len(bad.PO.Exceptions) != 1 ||
		bad.PO.Exceptions[0].Code != "PARSE_ERROR" || bad.ReviewReason != "the message could not be read: INVOIC is not an order" {
		t.Errorf("unreadable message: %+v", bad)
	}
}

func TestApprovedOrderWithoutERPGoesToReview(t *testing.T) {
	t.Parallel()
	p, pool := run(t, intake.Options{Matcher: approveAll{}})
	id := receive(t, p, "PO 2001\nA-1 5\n")
	_, orders := waitDoc(t, pool, id, func(d intake.Document, os []intake.Order) bool {
		return len(os) == 1 && os[0].State == intake.StateReview
	})
	if orders[0].ReviewReason != intake.ReasonNoDeliverer {
		t.Fatalf("reason = %q", orders[0].ReviewReason)
	}
}

func TestUnsupportedAndCrashingDocumentsFailReadably(t *testing.T) {
	t.Parallel()
	p, pool := run(t, intake.Options{})
	cases := map[string]string{
		"%PDF-1.4 binary":  "unsupported format: PDF document",
		"BOOM":             "internal error while reading the document (kept for replay): parser bug",
		"BAD not an order": "no orders could be read: message 1: not an order",
	}
	for body, want := range cases {
		id := receive(t, p, body)
		doc, _ := waitDoc(t, pool, id, allSettled)
		if doc.State != intake.DocFailed || !strings.Contains(doc.Reason, want) {
			t.Errorf("%q: state %s reason %q, want failed with %q", body, doc.State, doc.Reason, want)
		}
		if string(doc.Raw) != body {
			t.Errorf("%q: raw bytes not kept", body)
		}
	}
}

func TestReprocessReplaysFromRawBytes(t *testing.T) {
	t.Parallel()
	p, pool := run(t, intake.Options{})
	id := receive(t, p, "PO 4001\nA-1 5\n")
	waitDoc(t, pool, id, allSettled)
	if err := p.Reprocess(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	doc, orders := waitDoc(t, pool, id, allSettled)
	if doc.State != intake.DocParsed || len(orders) != 1 {
		t.Fatalf("after replay: state %s, %d orders (want parsed, still 1)", doc.State, len(orders))
	}
	var jobs int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM river_job WHERE kind = 'parse_document'`).Scan(&jobs); err != nil {
		t.Fatal(err)
	}
	if jobs != 2 {
		t.Fatalf("parse jobs = %d, want 2 (original and replay)", jobs)
	}
	if err := p.Reprocess(context.Background(), 999999); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("reprocess of a missing document: %v", err)
	}
}

func TestReceiveRefusesOversizedDocument(t *testing.T) {
	t.Parallel()
	p, _ := run(t, intake.Options{MaxDocumentBytes: 8})
	_, err := p.Receive(context.Background(), intake.Inbound{Channel: intake.ChannelAPI, SourceRef: "x", Data: []byte("123456789")})
	if !errors.Is(err, intake.ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
}

func TestOrderOverTheLineLimitWaitsForTheDesk(t *testing.T) {
	t.Parallel()
	p, pool := run(t, intake.Options{MaxLines: 2, Matcher: approveAll{}})
	id := receive(t, p, "PO 5001\nA-1 1\nA-2 1\nA-3 1\nPO 5002\nB-1 1\n")
	_, orders := waitDoc(t, pool, id, func(d intake.Document, os []intake.Order) bool {
		return len(os) == 2 && os[0].State == intake.StateReview && os[1].State == intake.StateReview
	})
	long := orders[0]
	if long.PO.PONumber != "5001" || len(long.PO.Lines) != 3 || len(long.PO.Exceptions) != 1 || long.PO.Exceptions[0].Code != "PARSE_ERROR" ||
		long.ReviewReason != "the order has 3 lines; the limit is 2 (limits.max_lines)" {
		t.Fatalf("long order: %+v", long)
	}
	if orders[1].PO.PONumber != "5002" || orders[1].ReviewReason != intake.ReasonNoDeliverer {
		t.Fatalf("the short order must go on: %+v", orders[1])
	}
}

// deskUser is the desk user of the tests' desk actions.
var deskUser = intake.Actor{Name: "anna"}
