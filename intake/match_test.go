package intake_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ordergate/ordergate/catalog"
	"github.com/ordergate/ordergate/db/dbtest"
	"github.com/ordergate/ordergate/erp"
	"github.com/ordergate/ordergate/erp/erptest"
	"github.com/ordergate/ordergate/intake"
	"github.com/ordergate/ordergate/order"
	"github.com/ordergate/ordergate/parsers"
	"github.com/ordergate/ordergate/parsers/edifact"
)

// ediOrder builds an EANCOM D96A ORDERS interchange from buyer; each line is
// {GTIN, quantity, net price ("" for none)}, numbered from 1.
func ediOrder(ctrl, po, buyer, function string, lines ...[3]string) string {
	ls := make([]ediLine, len(lines))
	for i, l := range lines {
		ls[i] = ediLine{no: i + 1, gtin: l[0], qty: l[1], price: l[2]}
	}
	return ediFrom(buyer, ctrl, po, function, ls...)
}

const (
	glnBuyer   = "5412345000013"
	gtinCoffee = "5400000000010"
	gtinCups   = "5400000000027"
	gtinNone   = "5400000000034" // valid, but we do not sell it
)

func testCatalog(t *testing.T) *catalog.Snapshot {
	t.Helper()
	snap, err := catalog.Build(testData())
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

// testData is the master data of testCatalog: one customer on auto-approve,
// coffee and cups.
func testData() catalog.Data {
	limit := order.MustDecimal("100000")
	return catalog.Data{
		Currency: "EUR",
		Customers: []catalog.Customer{{Number: "10001", Name: "Brasserie Demo SA", GLNs: []string{glnBuyer},
			EDIIDs: []string{glnBuyer}, AutoApprove: true, CreditLimit: &limit, PriceTolerancePct: order.MustDecimal("1")}},
		Items: []catalog.Item{
			{SKU: "COF-1", Description: "Espresso beans 1 kg", BaseUnit: "PCE", GTIN: gtinCoffee},
			{SKU: "CUP-8", Description: "Paper cups 8oz, box of 1000", BaseUnit: "PCE", GTIN: gtinCups},
		},
		Prices: []catalog.Price{
			{Customer: "10001", SKU: "COF-1", Price: order.MustDecimal("14.50")},
			{SKU: "CUP-8", Price: order.MustDecimal("32.00")},
		},
		Stock: []catalog.Stock{
			{SKU: "COF-1", Warehouse: "MAIN", Quantity: order.MustDecimal("500")},
			{SKU: "CUP-8", Warehouse: "MAIN", Quantity: order.MustDecimal("40")},
		},
	}
}

// ediBundle is a running pipeline with the real EDIFACT parser, the real
// matcher on testCatalog, and a webhook ERP.
type ediBundle struct {
	p    *intake.Pipeline
	pool *pgxpool.Pool
	erp  *erptest.WebhookReceiver
}

// ediPipeline starts an ediBundle; extra, when set, adds options
// (acknowledgements, a mailer). It stops with the test.
func ediPipeline(t *testing.T, extra func(*intake.Options)) ediBundle {
	t.Helper()
	snap := testCatalog(t)
	b := ediBundle{pool: dbtest.New(t), erp: erptest.NewWebhookReceiver(t, "s3cret")}
	opts := intake.Options{
		Pool: b.pool, Registry: parsers.NewRegistry(edifact.New()), Workers: 2, Log: slog.New(slog.DiscardHandler),
		Matcher: &intake.CatalogMatcher{Snapshot: func() *catalog.Snapshot { return snap },
			Now: func() time.Time { return time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC) }},
		ERP:      erp.NewWebhook(b.erp.Config(), &http.Client{Timeout: 5 * time.Second}, slog.New(slog.DiscardHandler)),
		Delivery: fastDelivery,
	}
	if extra != nil {
		extra(&opts)
	}
	p, err := intake.New(opts)
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

// TestEDIFACTOrdersLandApprovedOrInReview runs real EDIFACT documents
// through the whole pipeline with the real parser and matcher.
func TestEDIFACTOrdersLandApprovedOrInReview(t *testing.T) {
	t.Parallel()
	b := ediPipeline(t, nil)
	p, pool, rcv, ctx := b.p, b.pool, b.erp, context.Background()

	cases := []struct {
		name, doc, state string
		exceptions       []string
	}{
		{"clean order", ediOrder("A1", "PO-1", glnBuyer, "9", [3]string{gtinCoffee, "12", "14.50"}, [3]string{gtinCups, "3", "32"}),
			intake.StateDelivered, nil},
		{"same PO number again", ediOrder("A2", "PO-1", glnBuyer, "9", [3]string{gtinCoffee, "1", ""}),
			intake.StateReview, []string{"DUPLICATE_ORDER"}},
		{"unknown item, wrong price, too little stock", ediOrder("A3", "PO-2", glnBuyer, "9",
			[3]string{gtinNone, "1", ""}, [3]string{gtinCoffee, "1", "13.00"}, [3]string{gtinCups, "41", ""}),
			intake.StateReview, []string{"INSUFFICIENT_STOCK@3", "PRICE_MISMATCH@2", "UNKNOWN_ITEM@1"}},
		{"unknown buyer", ediOrder("A4", "PO-3", "4000000000006", "9", [3]string{gtinCoffee, "1", ""}),
			intake.StateReview, []string{"UNKNOWN_CUSTOMER"}},
		{"cancellation of an order already in the ERP", ediOrder("A5", "PO-1", glnBuyer, "1", [3]string{gtinCoffee, "12", ""}),
			intake.StateReview, []string{"ALREADY_DELIVERED"}},
		{"change of an order never received", ediOrder("A6", "PO-404", glnBuyer, "4", [3]string{gtinCoffee, "12", ""}),
			intake.StateReview, []string{"ORIGINAL_NOT_FOUND"}},
	}
	for _, c := range cases {
		r, err := p.Receive(ctx, intake.Inbound{Channel: intake.ChannelFile, SourceRef: c.name, Data: []byte(c.doc)})
		if err != nil {
			t.Fatal(err)
		}
		_, orders := waitDoc(t, pool, r.DocumentID, func(d intake.Document, os []intake.Order) bool {
			return d.State == intake.DocFailed || len(os) == 1 && (os[0].State == intake.StateReview || os[0].State == intake.StateDelivered)
		})
		if len(orders) != 1 {
			doc, _ := intake.GetDocument(ctx, pool, r.DocumentID)
			t.Fatalf("%s: document %s: %s", c.name, doc.State, doc.Reason)
		}
		o := orders[0]
		var got []string
		for _, e := range o.PO.Exceptions {
			s := e.Code
			if e.LineNo > 0 {
				s += fmt.Sprintf("@%d", e.LineNo)
			}
			got = append(got, s)
		}
		slices.Sort(got)
		if o.State != c.state || !slices.Equal(got, c.exceptions) {
			t.Errorf("%s: state %s, exceptions %v; want %s, %v (%s)", c.name, o.State, got, c.state, c.exceptions, o.ReviewReason)
		}
		if c.state == intake.StateDelivered {
			l := o.PO.Lines[0]
			if o.PO.CustomerNumber != "10001" || l.SKU != "COF-1" || l.AgreedPrice == nil || l.AgreedPrice.String() != "14.5" || !strings.HasPrefix(l.ResolvedBy, "GTIN") {
				t.Errorf("%s: resolution %+v", c.name, l)
			}
		}
	}
	if rcv.Count() != 1 {
		t.Fatalf("the ERP received %d orders, want only the clean one", rcv.Count())
	}
}
