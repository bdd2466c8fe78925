package intake_test

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ordergate/ordergate/erp"
	"github.com/ordergate/ordergate/erp/erptest"
	"github.com/ordergate/ordergate/intake"
	"github.com/ordergate/ordergate/order"
)

// approveByPO approves every order as the customer "C-<PO number>", except
// PO numbers starting with R, which wait for the desk: orders of different
// customers, and orders that never touch the ERP.
type approveByPO struct{}

func (approveByPO) Match(_ context.Context, _ pgx.Tx, _ int64, po *order.PurchaseOrder) error {
	po.CustomerNumber = "C-" + po.PONumber
	for i := range po.Lines {
		po.Lines[i].SKU = po.Lines[i].SupplierItem
	}
	po.Status = intake.StateApproved
	if strings.HasPrefix(po.PONumber, "R") {
		po.Status = intake.StateReview
		po.Exceptions = []order.Exception{{Code: "UNKNOWN_ITEM", LineNo: 1, Message: "not ours"}}
	}
	return nil
}

func webhookERP(t *testing.T, timeout time.Duration) (*erptest.WebhookReceiver, erp.Connector) {
	rcv := erptest.NewWebhookReceiver(t, "s3cret")
	return rcv, erp.NewWebhook(rcv.Config(), &http.Client{Timeout: timeout}, slog.New(slog.DiscardHandler))
}

// TestAnswersToTryLaterCountAgainstTheBudget: an ERP answering 429 with
// Retry-After does not keep an order (and every later order of its
// customer) waiting forever: each answer is an attempt, and after the budget
// the order goes to review with the ERP's last answer.
func TestAnswersToTryLaterCountAgainstTheBudget(t *testing.T) {
	t.Parallel()
	rcv, conn := webhookERP(t, 5*time.Second)
	rcv.FailNext(erptest.Fail429, erptest.Fail429, erptest.Fail429)
	opts := fastDelivery
	opts.MaxAttempts = 3
	p, pool := run(t, intake.Options{Matcher: approveAll{}, ERP: conn, Delivery: opts})
	o := waitOrder(t, pool, receive(t, p, "PO 5001\nA-1 5\n"), intake.StateReview)
	if !strings.Contains(o.ReviewReason, "after 3 attempts") || !strings.Contains(o.ReviewReason, "429") || o.DeliveryAttempts != 3 {
		t.Fatalf("after three 429s: attempts %d, review reason %q", o.DeliveryAttempts, o.ReviewReason)
	}
	// The customer's next order is not held up by it.
	waitOrder(t, pool, receive(t, p, "PO 5002\nA-1 1\n"), intake.StateDelivered)
	if rcv.Count() != 1 {
		t.Fatalf("the ERP holds %d orders, want 1", rcv.Count())
	}
}

// snoozes is how often the order's delivery jobs waited.
func snoozes(t *testing.T, pool *pgxpool.Pool, orderID int64) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), `SELECT coalesce(sum((metadata->>'snoozes')::int), 0) FROM river_job
		WHERE kind = 'deliver_order' AND args @> jsonb_build_object('order_id', $1::bigint)`, orderID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestWaitingDeliveriesAreWokenNotPolled: a delivery waiting behind its
// customer's failing one waits until that one's next attempt instead of
// looking every Wait, and goes as soon as the earlier one is through.
func TestWaitingDeliveriesAreWokenNotPolled(t *testing.T) {
	t.Parallel()
	rcv, conn := webhookERP(t, 5*time.Second)
	rcv.FailNext(erptest.Fail500)
	opts := fastDelivery
	// Wait stays 20ms: a delivery that polled would look every time River
	// makes snoozed jobs available again (about a second).
	opts.Backoff, opts.MaxBackoff = 5*time.Second, 5*time.Second
	p, pool := run(t, intake.Options{Matcher: approveAll{}, ERP: conn, Delivery: opts})
	first := waitOrder(t, pool, receive(t, p, "PO 6001\nA-1 5\n"), intake.StateApproved) // failed once, waits 5s
	eventually(t, "the first attempt failed", func() bool {
		o, _ := intake.GetOrder(context.Background(), pool, first.ID)
		return o.DeliveryError != ""
	})
	second := waitOrder(t, pool, receive(t, p, "PO 6002\nA-1 1\n"), intake.StateDelivered)
	if got := snoozes(t, pool, second.ID); got > 3 {
		t.Fatalf("the waiting delivery looked %d times in 5 s; it should wait for the first one's next attempt", got)
	}
	var got []string
	for _, d := range rcv.Deliveries() {
		got = append(got, d.Payload.Order.PONumber)
	}
	if strings.Join(got, ",") != "6001,6002" {
		t.Fatalf("delivered in order %v, want 6001,6002", got)
	}
}

// TestAHungERPHoldsUpOnlyDeliveries: while the ERP hangs on two posts,
// documents that never touch it are read, matched and put in front of the
// desk: deliveries have workers of their own.
func TestAHungERPHoldsUpOnlyDeliveries(t *testing.T) {
	t.Parallel()
	rcv, conn := webhookERP(t, 5*time.Second)
	rcv.FailNext(erptest.HangAfterCommit, erptest.HangAfterCommit)
	p, pool := run(t, intake.Options{Matcher: approveByPO{}, ERP: conn, Delivery: fastDelivery, DeliveryWorkers: 2})
	hung := []int64{receive(t, p, "PO H1\nA-1 5\n"), receive(t, p, "PO H2\nA-1 5\n")}
	eventually(t, "the ERP holds both posts", func() bool { return rcv.Count() == 2 })
	review := waitOrder(t, pool, receive(t, p, "PO R1\nZZ-9 1\n"), intake.StateReview)
	for _, d := range hung {
		orders, err := intake.OrdersOfDocument(context.Background(), pool, d)
		if err != nil {
			t.Fatal(err)
		}
		if orders[0].State != intake.StateDelivering {
			t.Fatalf("order %s is %s when the order for the desk settled (%s); the ERP should still hold it",
				orders[0].PO.PONumber, orders[0].State, review.State)
		}
	}
}

// TestDeskCanForceARetryOfAFailingDelivery: an order whose delivery failed
// and waits for its next attempt (an hour away) can be sent now by the desk.
func TestDeskCanForceARetryOfAFailingDelivery(t *testing.T) {
	t.Parallel()
	rcv, conn := webhookERP(t, 5*time.Second)
	rcv.FailNext(erptest.Fail500)
	opts := fastDelivery
	opts.Backoff, opts.MaxBackoff = time.Hour, time.Hour
	p, pool := run(t, intake.Options{Matcher: approveAll{}, ERP: conn, Delivery: opts})
	doc := receive(t, p, "PO 7001\nA-1 5\n")
	var o intake.Order
	eventually(t, "the first attempt failed", func() bool {
		o = waitOrder(t, pool, doc, intake.StateApproved)
		return o.DeliveryError != ""
	})
	if _, err := p.RetryDelivery(context.Background(), deskUser, o.ID); err != nil {
		t.Fatalf("the desk cannot send a failing delivery now: %v", err)
	}
	o = waitOrder(t, pool, doc, intake.StateDelivered)
	if rcv.Count() != 1 || o.DeliveryAttempts != 2 {
		t.Fatalf("ERP orders %d, attempts %d; want 1 and 2", rcv.Count(), o.DeliveryAttempts)
	}
}
