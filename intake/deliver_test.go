package intake_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ordergate/ordergate/erp"
	"github.com/ordergate/ordergate/erp/erptest"
	"github.com/ordergate/ordergate/intake"
)

// fast retries so that the tests see several attempts in well under a second.
var fastDelivery = intake.DeliveryOptions{Backoff: 20 * time.Millisecond, MaxBackoff: 50 * time.Millisecond, Wait: 20 * time.Millisecond, MaxAttempts: 5}

func waitOrder(t *testing.T, pool *pgxpool.Pool, docID int64, state string) intake.Order {
	t.Helper()
	_, orders := waitDoc(t, pool, docID, func(d intake.Document, os []intake.Order) bool {
		return len(os) == 1 && os[0].State == state
	})
	return orders[0]
}

func businessCentral(t *testing.T, timeout time.Duration) (*erptest.BusinessCentral, erp.Connector) {
	fake := erptest.NewBusinessCentral(t, nil, nil)
	return fake, erp.NewBusinessCentral(fake.Config(), &http.Client{Timeout: timeout}, slog.New(slog.DiscardHandler))
}

func TestDeliveredOrderStoresTheERPNumber(t *testing.T) {
	t.Parallel()
	fake, conn := businessCentral(t, 5*time.Second)
	p, pool := run(t, intake.Options{Matcher: approveAll{}, ERP: conn, Delivery: fastDelivery})
	o := waitOrder(t, pool, receive(t, p, "PO 3001\nA-1 5\n"), intake.StateDelivered)
	bc := fake.Orders()
	if len(bc) != 1 || o.ERPOrderNo != bc[0].Number || o.ERPOrderID != bc[0].ID || o.PO.Status != intake.StateDelivered {
		t.Fatalf("order: erp no %q id %q status %q; ERP holds %+v", o.ERPOrderNo, o.ERPOrderID, o.PO.Status, bc)
	}
	if bc[0].ExternalDocumentNumber != "3001" || bc[0].CustomerNumber != "10001" {
		t.Fatalf("ERP order = %+v", bc[0])
	}
}

func TestTimeoutAfterERPCommittedDoesNotCreateASecondOrder(t *testing.T) {
	t.Parallel()
	fake, conn := businessCentral(t, 300*time.Millisecond)
	fake.FailNext(erptest.HangAfterCommit)
	p, pool := run(t, intake.Options{Matcher: approveAll{}, ERP: conn, Delivery: fastDelivery})
	o := waitOrder(t, pool, receive(t, p, "PO 3002\nA-1 5\n"), intake.StateDelivered)
	if n := fake.OrderCount(); n != 1 {
		t.Fatalf("the ERP holds %d orders, want exactly 1", n)
	}
	if n := fake.Posts(); n != 1 {
		t.Fatalf("posted %d times; after the timeout the order must be found by look-up, not posted again", n)
	}
	if o.DeliveryAttempts != 2 || o.ERPOrderNo != fake.Orders()[0].Number {
		t.Fatalf("attempts %d, erp no %q", o.DeliveryAttempts, o.ERPOrderNo)
	}
}

func TestServerErrorsAreRetriedThenDelivered(t *testing.T) {
	t.Parallel()
	fake, conn := businessCentral(t, 5*time.Second)
	fake.FailNext(erptest.Fail500, erptest.Fail500)
	p, pool := run(t, intake.Options{Matcher: approveAll{}, ERP: conn, Delivery: fastDelivery})
	o := waitOrder(t, pool, receive(t, p, "PO 3003\nA-1 5\n"), intake.StateDelivered)
	if n := fake.OrderCount(); n != 1 {
		t.Fatalf("the ERP holds %d orders, want 1", n)
	}
	if o.DeliveryAttempts != 3 || o.DeliveryError != "" {
		t.Fatalf("attempts %d (want 3), error %q", o.DeliveryAttempts, o.DeliveryError)
	}
}

func TestValidationErrorReturnsOrderToReviewAndDeskCanRetry(t *testing.T) {
	t.Parallel()
	fake, conn := businessCentral(t, 5*time.Second)
	fake.FailNext(erptest.Reject)
	p, pool := run(t, intake.Options{Matcher: approveAll{}, ERP: conn, Delivery: fastDelivery})
	doc := receive(t, p, "PO 3004\nA-1 5\n")
	o := waitOrder(t, pool, doc, intake.StateReview)
	if !strings.Contains(o.ReviewReason, "the ERP refused the order: ") || !strings.Contains(o.ReviewReason, erptest.RejectMessage) {
		t.Fatalf("review reason %q does not carry the ERP's message", o.ReviewReason)
	}
	if fake.OrderCount() != 0 || o.DeliveryAttempts != 1 {
		t.Fatalf("ERP orders %d, attempts %d: a validation error must not be retried", fake.OrderCount(), o.DeliveryAttempts)
	}
	// The desk fixed the cause in the ERP and sends it again.
	if _, err := p.RetryDelivery(context.Background(), deskUser, o.ID); err != nil {
		t.Fatal(err)
	}
	o = waitOrder(t, pool, doc, intake.StateDelivered)
	if fake.OrderCount() != 1 || o.ReviewReason != "" {
		t.Fatalf("after retry: ERP orders %d, review reason %q", fake.OrderCount(), o.ReviewReason)
	}
	if _, err := p.RetryDelivery(context.Background(), deskUser, o.ID); err == nil {
		t.Fatal("a delivered order was sent again")
	}
}

func TestGivesUpAfterMaxAttemptsIntoReview(t *testing.T) {
	t.Parallel()
	fake, conn := businessCentral(t, 5*time.Second)
	fake.FailNext(erptest.Fail500, erptest.Fail500, erptest.Fail500)
	opts := fastDelivery
	opts.MaxAttempts = 3
	p, pool := run(t, intake.Options{Matcher: approveAll{}, ERP: conn, Delivery: opts})
	o := waitOrder(t, pool, receive(t, p, "PO 3005\nA-1 5\n"), intake.StateReview)
	if !strings.Contains(o.ReviewReason, "could not be delivered to the ERP after 3 attempts") {
		t.Fatalf("review reason %q", o.ReviewReason)
	}
}

func TestOrdersOfOneCustomerAreDeliveredInApprovalOrder(t *testing.T) {
	t.Parallel()
	rcv := erptest.NewWebhookReceiver(t, "s3cret")
	rcv.FailNext(erptest.Fail500) // the first order is held up; the others must wait for it
	conn := erp.NewWebhook(rcv.Config(), &http.Client{Timeout: 5 * time.Second}, slog.New(slog.DiscardHandler))
	p, pool := run(t, intake.Options{Matcher: approveAll{}, ERP: conn, Delivery: fastDelivery})
	var docs []int64
	for i := 1; i <= 4; i++ {
		docs = append(docs, receive(t, p, fmt.Sprintf("PO 40%02d\nA-1 %d\n", i, i)))
		waitDoc(t, pool, docs[len(docs)-1], func(d intake.Document, os []intake.Order) bool {
			return len(os) == 1 && os[0].State != intake.StateReceived && os[0].State != intake.StateMatched
		})
	}
	for _, d := range docs {
		waitOrder(t, pool, d, intake.StateDelivered)
	}
	var got []string
	for _, d := range rcv.Deliveries() {
		got = append(got, d.Payload.Order.PONumber)
	}
	if strings.Join(got, ",") != "4001,4002,4003,4004" {
		t.Fatalf("delivered in order %v, want 4001,4002,4003,4004", got)
	}
}
