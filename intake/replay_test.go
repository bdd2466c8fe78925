package intake_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ordergate/ordergate/catalog"
	"github.com/ordergate/ordergate/db/dbtest"
	"github.com/ordergate/ordergate/intake"
	"github.com/ordergate/ordergate/order"
	"github.com/ordergate/ordergate/parsers"
)

// fixableFormat reads "MSG <po> <sku> <qty>", one order per line; while
// broken is set, it cannot read the message of PO-BROKEN (a parser bug,
// fixed later).
type fixableFormat struct{ broken *atomic.Bool }

func (fixableFormat) Name() string { return "msgs" }

func (fixableFormat) Sniff(head []byte, _ string) bool { return bytes.HasPrefix(head, []byte("MSG ")) }

func (f fixableFormat) Parse(_ context.Context, doc parsers.Document) (parsers.Result, error) {
	var res parsers.Result
	for i, l := range strings.Split(strings.TrimSpace(string(doc.Data)), "\n") {
		w := strings.Fields(l)
		if w[1] == "PO-BROKEN" && f.broken.Load() {
			res.Errors = append(res.Errors, parsers.MessageError{Index: i + 1, Message: "segment group 2 is out of order"})
			continue
		}
		po := order.PurchaseOrder{Format: "msgs", PONumber: w[1], Function: order.FunctionOriginal,
			Lines: []order.Line{{LineNo: 1, SupplierItem: w[2], Quantity: order.MustDecimal(w[3])}}}
		po.Envelope = &order.Envelope{MessageIndex: i + 1}
		res.Orders = append(res.Orders, po)
	}
	return res, nil
}

// TestReplayReplacesTheMessageThatCouldNotBeRead: a message that could
// not be read waits as a placeholder; once the parser can read it, a
// replay of the document puts the order in the placeholder's place and
// sends it through matching, and leaves the orders already read alone.
func TestReplayReplacesTheMessageThatCouldNotBeRead(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.New(t)
	var broken atomic.Bool
	broken.Store(true)
	p, err := intake.New(intake.Options{Pool: pool, Registry: parsers.NewRegistry(fixableFormat{&broken}), Workers: 2,
		Log: slog.New(slog.DiscardHandler), Matcher: approveAll{}})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	if err := p.Start(runCtx); err != nil {
		t.Fatal(err)
	}
	defer p.Stop(context.Background())

	id := receive(t, p, "MSG PO-BROKEN A-1 5\nMSG PO-FINE B-2 1\n")
	inReview := func(d intake.Document, os []intake.Order) bool {
		return len(os) == 2 && os[0].State == intake.StateReview && os[1].State == intake.StateReview
	}
	_, orders := waitDoc(t, pool, id, inReview)
	placeholder, fine := orders[0], orders[1]
	if placeholder.State != intake.StateReview || len(placeholder.PO.Lines) != 0 || codes(placeholder.PO.Exceptions)[0] != "PARSE_ERROR" {
		t.Fatalf("the unreadable message: %s %v, want a placeholder in review with PARSE_ERROR", placeholder.State, codes(placeholder.PO.Exceptions))
	}

	broken.Store(false)
	if err := p.Reprocess(ctx, id); err != nil {
		t.Fatal(err)
	}
	_, orders = waitDoc(t, pool, id, func(d intake.Document, os []intake.Order) bool {
		return len(os) == 2 && os[0].PO.PONumber == "PO-BROKEN" && os[0].State == intake.StateReview
	})
	got := orders[0]
	if got.ID != placeholder.ID || len(got.PO.Lines) != 1 || got.PO.Lines[0].SKU != "A-1" || got.ReviewReason != intake.ReasonNoDeliverer {
		t.Fatalf("after the replay: order %d %s %q, lines %s; want order %d matched and approved (then: %s)",
			got.ID, got.State, got.ReviewReason, lineSummary(got.PO), placeholder.ID, intake.ReasonNoDeliverer)
	}
	if orders[1].ID != fine.ID || orders[1].UpdatedAt != fine.UpdatedAt {
		t.Fatalf("the order read the first time was touched by the replay")
	}
}

// TestRematchDecidesTheCustomerAfresh: matching's choice of a customer is
// not taken for a person's choice, so an AMBIGUOUS_CUSTOMER clears when the
// desk matches the order again after fixing the master data.
func TestRematchDecidesTheCustomerAfresh(t *testing.T) {
	t.Parallel()
	build := func(d catalog.Data) *catalog.Snapshot {
		snap, err := catalog.Build(d)
		if err != nil {
			t.Fatal(err)
		}
		return snap
	}
	// South's EDI id was given to another customer by mistake.
	wrong := plentyOfStock(exposureData())
	wrong.Customers[1].EDIIDs = nil
	wrong.Customers = append(wrong.Customers, catalog.Customer{Number: "X1", Name: "Wrong AS", EDIIDs: []string{glnSouth}, AutoApprove: true})
	var current atomic.Pointer[catalog.Snapshot]
	current.Store(build(wrong))
	b := exposurePipeline(t, dbtest.New(t), current.Load, nil)

	o := b.settle(t, "who", ediInterchange(glnSouth, "W1", ediMessage{"PO-WHO", 1}), 1)[0]
	if got := strings.Join(codes(o.PO.Exceptions), ","); got != "AMBIGUOUS_CUSTOMER" {
		t.Fatalf("order %s %s, want AMBIGUOUS_CUSTOMER", o.State, got)
	}
	current.Store(build(plentyOfStock(exposureData())))
	if _, err := b.p.Rematch(context.Background(), deskUser, o.ID, 0); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the order matched again", func() bool {
		o, _ = intake.GetOrder(context.Background(), b.pool, o.ID)
		return o.State == intake.StateDelivered || o.State == intake.StateReview
	})
	if o.State != intake.StateDelivered {
		t.Fatalf("after the fix: %s %v, want delivered", o.State, codes(o.PO.Exceptions))
	}
	if o.PO.CustomerNumber != "S1" || o.PO.ChosenCustomer != "" {
		t.Fatalf("customer %q (chosen %q), want S1 as matched", o.PO.CustomerNumber, o.PO.ChosenCustomer)
	}
}
