package intake_test

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/ordergate/ordergate/erp/erptest"
	"github.com/ordergate/ordergate/intake"
	"github.com/ordergate/ordergate/order"
)

// ediLine is a line of ediDoc: line number, LIN action (1 add, 2 delete,
// 3 change, "" none), GTIN, quantity and net price ("" for none).
type ediLine struct {
	no                       int
	action, gtin, qty, price string
}

// ediDoc builds an EANCOM ORDERS interchange of testCatalog's customer with
// explicit line numbers and actions; function is BGM 1225 (9 original,
// 4 change, 5 replace, 1 cancellation).
func ediDoc(ctrl, po, function string, lines ...ediLine) string {
	return ediFrom(glnBuyer, ctrl, po, function, lines...)
}

// ediFrom builds an EANCOM D96A ORDERS interchange from buyer.
func ediFrom(buyer, ctrl, po, function string, lines ...ediLine) string {
	segs := []string{
		"UNH+1+ORDERS:D:96A:UN:EAN008",
		"BGM+220+" + po + "+" + function,
		"DTM+137:20261125:102",
		"DTM+2:20261203:102",
		"NAD+BY+" + buyer + "::9",
		"CUX+2:EUR:9",
	}
	for _, l := range lines {
		segs = append(segs, fmt.Sprintf("LIN+%d+%s+%s:EN", l.no, l.action, l.gtin), "QTY+21:"+l.qty+":PCE")
		if l.price != "" {
			segs = append(segs, "PRI+AAA:"+l.price)
		}
	}
	segs = append(segs, "UNS+S", fmt.Sprintf("CNT+2:%d", len(lines)))
	segs = append(segs, fmt.Sprintf("UNT+%d+1", len(segs)+1))
	return "UNA:+.? 'UNB+UNOC:3+" + buyer + ":14+5498765000017:14+261125:0930+" + ctrl + "'" +
		strings.Join(segs, "'") + "'UNZ+1+" + ctrl + "'"
}

// receiveOne sends a one-order document and waits until its order
// settles; it returns the order.
func (b ediBundle) receiveOne(t *testing.T, name, doc string) intake.Order {
	t.Helper()
	r, err := b.p.Receive(context.Background(), intake.Inbound{Channel: intake.ChannelFile, SourceRef: name, Data: []byte(doc)})
	if err != nil {
		t.Fatal(err)
	}
	d, orders := waitDoc(t, b.pool, r.DocumentID, func(d intake.Document, os []intake.Order) bool {
		return d.State == intake.DocFailed || len(os) == 1 && os[0].Settled()
	})
	if len(orders) != 1 {
		t.Fatalf("%s: document %s: %s", name, d.State, d.Reason)
	}
	return orders[0]
}

// waitOrder waits until the order is in one of the states.
func (b ediBundle) waitOrder(t *testing.T, id int64, states ...string) intake.Order {
	t.Helper()
	var o intake.Order
	eventually(t, fmt.Sprintf("order %d in %v", id, states), func() bool {
		var err error
		if o, err = intake.GetOrder(context.Background(), b.pool, id); err != nil {
			t.Fatal(err)
		}
		return slices.Contains(states, o.State)
	})
	return o
}

// eventually polls cond for up to a minute (CI runs the suite under the
// race detector on two cores).
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("never: %s", what)
		}
		time.Sleep(30 * time.Millisecond)
	}
}

// lineSummary renders an order's lines as "no:SKU:quantity".
func lineSummary(po order.PurchaseOrder) string {
	var parts []string
	for _, l := range po.Lines {
		q, _ := l.Ordered()
		parts = append(parts, fmt.Sprintf("%d:%s:%s", l.LineNo, l.SKU, q))
	}
	return strings.Join(parts, " ")
}

func codes(ex []order.Exception) []string {
	var out []string
	for _, e := range ex {
		s := e.Code
		if e.LineNo > 0 {
			s += fmt.Sprintf("@%d", e.LineNo)
		}
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

// TestChangesApplyToTheOriginal: a change, replacement or cancellation of
// an order that has not reached the ERP is applied to it, the original is
// matched again, and only the original ever goes to the ERP.
func TestChangesApplyToTheOriginal(t *testing.T) {
	t.Parallel()
	b := ediPipeline(t, nil)
	// Every original waits in review: 41 boxes of cups, 40 in stock.
	tooManyCups := ediLine{2, "", gtinCups, "41", "32"}
	coffee := ediLine{1, "", gtinCoffee, "12", "14.50"}

	t.Run("change", func(t *testing.T) {
		o := b.receiveOne(t, "original", ediDoc("C1", "PO-10", "9", coffee, tooManyCups))
		if o.State != intake.StateReview {
			t.Fatalf("original %s, want review", o.State)
		}
		c := b.receiveOne(t, "change", ediDoc("C2", "PO-10", "4",
			ediLine{2, "3", gtinCups, "4", "32"}, ediLine{3, "1", gtinCoffee, "1", "14.50"}))
		if c.State != intake.StateApplied || c.ReviewReason != fmt.Sprintf("applied to order %d", o.ID) {
			t.Fatalf("change %s (%s) %v, want applied to order %d", c.State, c.ReviewReason, codes(c.PO.Exceptions), o.ID)
		}
		o = b.waitOrder(t, o.ID, intake.StateDelivered, intake.StateReview)
		if o.State != intake.StateDelivered || lineSummary(o.PO) != "1:COF-1:12 2:CUP-8:4 3:COF-1:1" {
			t.Fatalf("original after the change: %s %v, lines %s", o.State, codes(o.PO.Exceptions), lineSummary(o.PO))
		}
	})
	t.Run("delete and a conflict", func(t *testing.T) {
		o := b.receiveOne(t, "original", ediDoc("D1", "PO-11", "9", coffee, tooManyCups))
		// Line 1 cannot be added twice: nothing of this change is applied.
		c := b.receiveOne(t, "bad change", ediDoc("D2", "PO-11", "4", ediLine{2, "2", gtinCups, "0", ""}, ediLine{1, "1", gtinCups, "1", ""}))
		if c.State != intake.StateReview || !slices.Equal(codes(c.PO.Exceptions), []string{"PARSE_ERROR@1"}) ||
			!strings.Contains(c.PO.Exceptions[0].Message, fmt.Sprintf("Line 1 is to be added, but order %d (purchase order PO-11) already has a line 1.", o.ID)) {
			t.Fatalf("conflicting change: %s %+v", c.State, c.PO.Exceptions)
		}
		if o = b.waitOrder(t, o.ID, intake.StateReview); lineSummary(o.PO) != "1:COF-1:12 2:CUP-8:41" {
			t.Fatalf("original changed by a refused change: %s", lineSummary(o.PO))
		}
		c = b.receiveOne(t, "delete", ediDoc("D3", "PO-11", "4", ediLine{2, "2", gtinCups, "0", ""}))
		if c.State != intake.StateApplied {
			t.Fatalf("delete: %s %v", c.State, codes(c.PO.Exceptions))
		}
		o = b.waitOrder(t, o.ID, intake.StateDelivered, intake.StateReview)
		if o.State != intake.StateDelivered || lineSummary(o.PO) != "1:COF-1:12" {
			t.Fatalf("original after the delete: %s %v, lines %s", o.State, codes(o.PO.Exceptions), lineSummary(o.PO))
		}
	})
	t.Run("replace", func(t *testing.T) {
		o := b.receiveOne(t, "original", ediDoc("R1", "PO-12", "9", coffee, tooManyCups))
		c := b.receiveOne(t, "replace", ediDoc("R2", "PO-12", "5", ediLine{1, "", gtinCups, "2", "32"}))
		if c.State != intake.StateApplied {
			t.Fatalf("replacement: %s %v", c.State, codes(c.PO.Exceptions))
		}
		o = b.waitOrder(t, o.ID, intake.StateDelivered, intake.StateReview)
		if o.State != intake.StateDelivered || lineSummary(o.PO) != "1:CUP-8:2" {
			t.Fatalf("original after the replacement: %s %v, lines %s", o.State, codes(o.PO.Exceptions), lineSummary(o.PO))
		}
	})
	t.Run("cancellation", func(t *testing.T) {
		o := b.receiveOne(t, "original", ediDoc("X1", "PO-13", "9", coffee, tooManyCups))
		c := b.receiveOne(t, "cancellation", ediDoc("X2", "PO-13", "1", coffee))
		if c.State != intake.StateApplied {
			t.Fatalf("cancellation: %s %v", c.State, codes(c.PO.Exceptions))
		}
		o = b.waitOrder(t, o.ID, intake.StateRejected)
		if o.ReviewReason != fmt.Sprintf("cancelled by the customer (order %d)", c.ID) {
			t.Fatalf("cancelled original: %q", o.ReviewReason)
		}
		// A change of the cancelled order has no original left.
		c = b.receiveOne(t, "late change", ediDoc("X3", "PO-13", "4", ediLine{1, "3", gtinCoffee, "2", ""}))
		if c.State != intake.StateReview || !slices.Equal(codes(c.PO.Exceptions), []string{"ORIGINAL_NOT_FOUND"}) {
			t.Fatalf("change of a cancelled order: %s %v", c.State, codes(c.PO.Exceptions))
		}
	})
	t.Run("sent to the ERP before", func(t *testing.T) {
		b.erp.FailNext(erptest.Reject)
		o := b.receiveOne(t, "original", ediDoc("S1", "PO-14", "9", coffee))
		o = b.waitOrder(t, o.ID, intake.StateReview, intake.StateDelivered)
		if o.State != intake.StateReview || o.DeliveryError == "" {
			t.Fatalf("original %s (%s), want review after a refused delivery", o.State, o.ReviewReason)
		}
		c := b.receiveOne(t, "change", ediDoc("S2", "PO-14", "4", ediLine{1, "3", gtinCoffee, "2", ""}))
		if c.State != intake.StateReview || !slices.Equal(codes(c.PO.Exceptions), []string{"ALREADY_DELIVERED"}) ||
			!strings.Contains(c.PO.Exceptions[0].Message, fmt.Sprintf("order %d was sent to it before and may be there", o.ID)) {
			t.Fatalf("change of an order sent before: %s %+v", c.State, c.PO.Exceptions)
		}
		if o = b.waitOrder(t, o.ID, intake.StateReview); lineSummary(o.PO) != "1:COF-1:12" {
			t.Fatalf("original changed: %s", lineSummary(o.PO))
		}
	})
	// The three originals that were changed into clean orders, and nothing
	// else, reached the ERP.
	eventually(t, "3 orders in the ERP", func() bool { return b.erp.Count() >= 3 })
	if n := b.erp.Count(); n != 3 {
		t.Fatalf("the ERP received %d orders, want 3", n)
	}

	// The orders metric counts them by state.
	reg := prometheus.NewPedanticRegistry()
	intake.NewMetrics(reg, b.pool, slog.New(slog.DiscardHandler))
	want := `
		# HELP ordergate_orders Orders by state; state="review" is the desk's queue.
		# TYPE ordergate_orders gauge
		ordergate_orders{state="applied"} 4
		ordergate_orders{state="approved"} 0
		ordergate_orders{state="delivered"} 3
		ordergate_orders{state="delivering"} 0
		ordergate_orders{state="matched"} 0
		ordergate_orders{state="received"} 0
		ordergate_orders{state="rejected"} 1
		ordergate_orders{state="review"} 4
	`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "ordergate_orders"); err != nil {
		t.Error(err)
	}
}
