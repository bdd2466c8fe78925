package intake_test

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/ordergate/ordergate/catalog"
	"github.com/ordergate/ordergate/db/dbtest"
	"github.com/ordergate/ordergate/erp"
	"github.com/ordergate/ordergate/erp/erptest"
	"github.com/ordergate/ordergate/intake"
	"github.com/ordergate/ordergate/matching"
	"github.com/ordergate/ordergate/order"
	"github.com/ordergate/ordergate/parsers"
	"github.com/ordergate/ordergate/parsers/edifact"
)

// TestOrderTooLargeToComputeNeverReachesTheERP is the order that was
// approved: 5,000,000,000 pieces at 2,000.00 against a credit limit of
// 1,000. Its value does not fit in a Decimal; it used to wrap negative and
// pass the credit check. Made to order (no stock check), so the credit
// limit is the only check that could stop it.
func TestOrderTooLargeToComputeNeverReachesTheERP(t *testing.T) {
	t.Parallel()
	limit := order.MustDecimal("1000")
	snap, err := catalog.Build(catalog.Data{
		Currency: "EUR",
		Customers: []catalog.Customer{{Number: "10001", Name: "Brasserie Demo SA", GLNs: []string{glnBuyer},
			EDIIDs: []string{glnBuyer}, AutoApprove: true, CreditLimit: &limit}},
		Items:  []catalog.Item{{SKU: "COF-1", Description: "Espresso beans 1 kg", BaseUnit: "PCE", GTIN: gtinCoffee}},
		Prices: []catalog.Price{{Customer: "10001", SKU: "COF-1", Price: order.MustDecimal("2000.00")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	start := func(t *testing.T, reg *parsers.Registry) ediBundle {
		b := ediBundle{pool: dbtest.New(t), erp: erptest.NewWebhookReceiver(t, "s3cret")}
		p, err := intake.New(intake.Options{
			Pool: b.pool, Registry: reg, Workers: 2, Log: slog.New(slog.DiscardHandler),
			Matcher: &intake.CatalogMatcher{Snapshot: func() *catalog.Snapshot { return snap },
				Options: matching.Options{IgnoreStock: true},
				Now:     func() time.Time { return time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC) }},
			ERP:      erp.NewWebhook(b.erp.Config(), &http.Client{Timeout: 5 * time.Second}, slog.New(slog.DiscardHandler)),
			Delivery: fastDelivery,
		})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		if err := p.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cancel(); p.Stop(context.Background()) })
		b.p = p
		return b
	}
	doc := ediOrder("BIG1", "PO-BIG", glnBuyer, "9", [3]string{gtinCoffee, "5000000000", "2000.00"})

	t.Run("default limits", func(t *testing.T) {
		// The parser refuses the quantity; the desk sees the message.
		t.Parallel()
		b := start(t, parsers.NewRegistry(edifact.New()))
		o := b.receiveOne(t, "big", doc)
		if o.State != intake.StateReview || b.erp.Count() != 0 {
			t.Fatalf("order %s (%s), %d orders in the ERP; want review and none", o.State, o.ReviewReason, b.erp.Count())
		}
		want := "order PO-BIG, line 1: quantity 5000000000 is more than the largest we accept, 1000000000 (limits.max_quantity); check the order with the customer"
		if len(o.PO.Exceptions) != 1 || o.PO.Exceptions[0].Code != "PARSE_ERROR" || o.PO.Exceptions[0].Message != want {
			t.Fatalf("exceptions %+v, want PARSE_ERROR %q", o.PO.Exceptions, want)
		}
		d, err := intake.GetDocument(context.Background(), b.pool, o.DocumentID)
		if err != nil || string(d.Raw) != doc || o.MessageIndex != 1 {
			t.Fatalf("document %+v (%v), message %d: the raw document must stay", d, err, o.MessageIndex)
		}
	})
	t.Run("limits raised", func(t *testing.T) {
		// Past the parser, matching cannot compute the value.
		t.Parallel()
		b := start(t, parsers.NewRegistry(edifact.New()).WithLimits(parsers.Limits{MaxQuantity: order.MustDecimal("10000000000")}))
		o := b.receiveOne(t, "big", doc)
		if o.State != intake.StateReview || b.erp.Count() != 0 {
			t.Fatalf("order %s (%s), %d orders in the ERP; want review and none", o.State, o.ReviewReason, b.erp.Count())
		}
		if codes := codes(o.PO.Exceptions); !slices.Equal(codes, []string{"VALUE_OUT_OF_RANGE", "VALUE_OUT_OF_RANGE@1"}) || o.PO.Total != nil {
			t.Fatalf("exceptions %v, total %v; want the value out of range and no total", codes, o.PO.Total)
		}
	})
}
