package matching

import (
	"testing"

	"github.com/ordergate/ordergate/catalog"
	"github.com/ordergate/ordergate/order"
)

// TestLiveHistoryReplacesTheSnapshotsOrders: the pipeline passes what the
// database says now; the snapshot's orders may be minutes old.
func TestLiveHistoryReplacesTheSnapshotsOrders(t *testing.T) {
	snap := fixture(t)

	// PO-1 is not in the snapshot, but the database received it a second ago.
	o := opts()
	o.History = &History{Customer: "C100", Prior: []catalog.PriorOrder{
		{Customer: "C100", PONumber: "PO-1", OrderID: "41", Function: order.FunctionOriginal, State: "review"},
	}}
	if got := codesOf(Match(snap, cleanOrder(), o)); len(got) != 1 || got[0] != "DUPLICATE_ORDER" {
		t.Fatalf("live duplicate: %v", got)
	}

	// PO-OLD is a duplicate in the snapshot, but the live history (it was
	// rejected and deleted meanwhile: no prior order) clears it.
	po := cleanOrder()
	po.PONumber = "PO-OLD"
	o.History = &History{Customer: "C100"}
	if got := codesOf(Match(snap, po, o)); len(got) != 0 {
		t.Fatalf("live history must replace the snapshot's prior orders: %v", got)
	}

	// A change that arrived first (and found no original) does not make
	// the original a duplicate.
	o.History = &History{Customer: "C100", Prior: []catalog.PriorOrder{
		{Customer: "C100", PONumber: "PO-1", OrderID: "40", Function: order.FunctionChange, State: "review"},
	}}
	if got := codesOf(Match(snap, cleanOrder(), o)); len(got) != 0 {
		t.Fatalf("an earlier change made the original a duplicate: %v", got)
	}

	// A history of another customer is ignored.
	o.History = &History{Customer: "C200", Prior: []catalog.PriorOrder{{Customer: "C200", PONumber: "PO-1", OrderID: "9"}}}
	if got := codesOf(Match(snap, cleanOrder(), o)); len(got) != 0 {
		t.Fatalf("history of another customer applied: %v", got)
	}
}

func TestPendingOrdersCountAgainstCredit(t *testing.T) {
	snap := fixture(t)
	po := cleanOrder()
	po.Sender = order.Sender{Kind: order.SenderEmail, ID: "buyer@gamma.example", Verified: true}
	po.Buyer = nil
	po.Lines[0].UnitPrice = nil // within the limit of 100 alone (see "within credit limit")
	o := opts()
	if got := codesOf(Match(snap, po, o)); len(got) != 0 {
		t.Fatalf("without pending orders: %v", got)
	}
	o.History = &History{Customer: "C300", PendingValue: order.MustDecimal("60")}
	if got := codesOf(Match(snap, po, o)); len(got) != 1 || got[0] != "CREDIT_LIMIT" {
		t.Fatalf("with 60 pending: %v", got)
	}
}

func TestIdentifyCustomerAgreesWithMatch(t *testing.T) {
	snap := fixture(t)
	gamma := cleanOrder()
	gamma.Sender = order.Sender{Kind: order.SenderEmail, ID: "buyer@gamma.example", Verified: true}
	gamma.Buyer = nil
	unknown := cleanOrder()
	unknown.Sender, unknown.Buyer = order.Sender{}, nil
	for _, po := range []*order.PurchaseOrder{cleanOrder(), gamma, unknown} {
		want := Match(snap, po, opts()).CustomerNumber
		if got := IdentifyCustomer(snap, po); got != want {
			t.Errorf("IdentifyCustomer = %q, Match says %q", got, want)
		}
	}
	if IdentifyCustomer(snap, unknown) != "" || IdentifyCustomer(snap, gamma) != "C300" {
		t.Error("the fixture customers are not what the test expects")
	}
}
