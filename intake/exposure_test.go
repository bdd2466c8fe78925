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

	"github.com/ordergate/ordergate/catalog"
	"github.com/ordergate/ordergate/db/dbtest"
	"github.com/ordergate/ordergate/erp"
	"github.com/ordergate/ordergate/erp/erptest"
	"github.com/ordergate/ordergate/intake"
	"github.com/ordergate/ordergate/masterdata"
	"github.com/ordergate/ordergate/order"
	"github.com/ordergate/ordergate/parsers"
	"github.com/ordergate/ordergate/parsers/edifact"
)

// The customers of the exposure tests, with valid GLNs.
const (
	glnNorth = "5790000000012"
	glnSouth = "5790000000029"
	gtinBox  = "5790000000036"
)

// exposureData: two customers on auto-approve, North with a credit limit of
// 5,000; one item, BOX-1, at 100.00 a piece with 10 in stock.
func exposureData() catalog.Data {
	limit := order.MustDecimal("5000")
	return catalog.Data{
		Currency: "NOK",
		Customers: []catalog.Customer{
			{Number: "N1", Name: "Nordlys Kantine AS", GLNs: []string{glnNorth}, EDIIDs: []string{glnNorth}, AutoApprove: true, CreditLimit: &limit},
			{Number: "S1", Name: "Sydkyst Catering AS", GLNs: []string{glnSouth}, EDIIDs: []string{glnSouth}, AutoApprove: true},
		},
		Items:  []catalog.Item{{SKU: "BOX-1", Description: "Lunch box", BaseUnit: "PCE", GTIN: gtinBox}},
		Prices: []catalog.Price{{SKU: "BOX-1", Price: order.MustDecimal("100")}},
		Stock:  []catalog.Stock{{SKU: "BOX-1", Warehouse: "MAIN", Quantity: order.MustDecimal("10")}},
	}
}

// ediMessage is one ORDERS message of an interchange: a PO number and the
// quantity of BOX-1 (at the agreed 100.00).
type ediMessage struct {
	po  string
	qty int
}

// ediInterchange builds one interchange from buyer holding the messages.
func ediInterchange(buyer, ctrl string, msgs ...ediMessage) string {
	var b strings.Builder
	fmt.Fprintf(&b, "UNA:+.? 'UNB+UNOC:3+%s:14+5498765000017:14+261125:0930+%s'", buyer, ctrl)
	for i, m := range msgs {
		segs := []string{
			fmt.Sprintf("UNH+%d+ORDERS:D:96A:UN:EAN008", i+1),
			"BGM+220+" + m.po + "+9",
			"DTM+137:20261125:102",
			"NAD+BY+" + buyer + "::9",
			"LIN+1++" + gtinBox + ":EN",
			fmt.Sprintf("QTY+21:%d:PCE", m.qty),
			"PRI+AAA:100",
			"UNS+S",
		}
		segs = append(segs, fmt.Sprintf("UNT+%d+%d", len(segs)+1, i+1))
		b.WriteString(strings.Join(segs, "'") + "'")
	}
	fmt.Fprintf(&b, "UNZ+%d+%s'", len(msgs), ctrl)
	return b.String()
}

// exposureBundle is a pipeline with several workers on a catalog the test
// controls, and a webhook ERP.
type exposureBundle struct {
	p    *intake.Pipeline
	pool *pgxpool.Pool
	erp  *erptest.WebhookReceiver
}

func exposurePipeline(t *testing.T, pool *pgxpool.Pool, snapshot func() *catalog.Snapshot, version func() int64) exposureBundle {
	t.Helper()
	b := exposureBundle{pool: pool, erp: erptest.NewWebhookReceiver(t, "s3cret")}
	p, err := intake.New(intake.Options{
		Pool: pool, Registry: parsers.NewRegistry(edifact.New()), Workers: 4, Log: slog.New(slog.DiscardHandler),
		Matcher: &intake.CatalogMatcher{Snapshot: snapshot, Version: version,
			Now: func() time.Time { return time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC) }},
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

func staticExposurePipeline(t *testing.T, d catalog.Data) exposureBundle {
	t.Helper()
	snap, err := catalog.Build(d)
	if err != nil {
		t.Fatal(err)
	}
	return exposurePipeline(t, dbtest.New(t), func() *catalog.Snapshot { return snap }, nil)
}

// settle sends a document and waits until each of its n orders settles in
// delivered or review.
func (b exposureBundle) settle(t *testing.T, name, doc string, n int) []intake.Order {
	t.Helper()
	r, err := b.p.Receive(context.Background(), intake.Inbound{Channel: intake.ChannelFile, SourceRef: name, Data: []byte(doc)})
	if err != nil {
		t.Fatal(err)
	}
	_, orders := waitDoc(t, b.pool, r.DocumentID, func(d intake.Document, os []intake.Order) bool {
		if d.State == intake.DocFailed {
			t.Fatalf("%s: %s", name, d.Reason)
		}
		if len(os) != n {
			return false
		}
		for _, o := range os {
			if o.State != intake.StateDelivered && o.State != intake.StateReview {
				return false
			}
		}
		return true
	})
	return orders
}

// tally counts orders by state and review orders by their exceptions.
func tally(orders []intake.Order) map[string]int {
	out := map[string]int{}
	for _, o := range orders {
		k := o.State
		if o.State == intake.StateReview {
			k += " " + strings.Join(codes(o.PO.Exceptions), ",")
		}
		out[k]++
	}
	return out
}

// TestCreditCountsEveryOrderLetThrough: the credit check counts every
// order ordergate approved that the ERP has not reported back, so neither
// orders of one interchange nor an order delivered a moment ago slip past
// the limit, whichever of several workers decides them.
func TestCreditCountsEveryOrderLetThrough(t *testing.T) {
	t.Parallel()
	t.Run("two orders of one interchange", func(t *testing.T) {
		t.Parallel()
		b := staticExposurePipeline(t, plentyOfStock(exposureData()))
		// Each 3,600 fits the limit of 5,000; together they do not.
		orders := b.settle(t, "two", ediInterchange(glnNorth, "E1", ediMessage{"CP-A", 36}, ediMessage{"CP-B", 36}), 2)
		got := tally(orders)
		if got["delivered"] != 1 || got["review CREDIT_LIMIT"] != 1 {
			t.Fatalf("orders %v, want one delivered and one in review with CREDIT_LIMIT", got)
		}
		if b.erp.Count() != 1 {
			t.Fatalf("the ERP received %d orders, want 1", b.erp.Count())
		}
	})
	t.Run("an order delivered before", func(t *testing.T) {
		t.Parallel()
		b := staticExposurePipeline(t, plentyOfStock(exposureData()))
		if o := b.settle(t, "first", ediInterchange(glnNorth, "E2", ediMessage{"CP-1", 48}), 1)[0]; o.State != intake.StateDelivered {
			t.Fatalf("first order (4,800 of 5,000) %s %v, want delivered", o.State, codes(o.PO.Exceptions))
		}
		o := b.settle(t, "second", ediInterchange(glnNorth, "E3", ediMessage{"CP-2", 30}), 1)[0]
		if o.State != intake.StateReview || strings.Join(codes(o.PO.Exceptions), ",") != "CREDIT_LIMIT" {
			t.Fatalf("second order (3,000 after 4,800 delivered) %s %v, want review with CREDIT_LIMIT", o.State, codes(o.PO.Exceptions))
		}
	})
	t.Run("one interchange of many orders", func(t *testing.T) {
		t.Parallel()
		b := staticExposurePipeline(t, plentyOfStock(exposureData()))
		var msgs []ediMessage
		for i := range 40 {
			msgs = append(msgs, ediMessage{fmt.Sprintf("CP-M%02d", i), 2}) // 200.00 each: 25 fit in 5,000
		}
		got := tally(b.settle(t, "many", ediInterchange(glnNorth, "E4", msgs...), len(msgs)))
		if got["delivered"] != 25 || got["review CREDIT_LIMIT"] != 15 {
			t.Fatalf("orders %v, want 25 delivered and 15 in review with CREDIT_LIMIT", got)
		}
		if b.erp.Count() != 25 {
			t.Fatalf("the ERP received %d orders, want 25", b.erp.Count())
		}
	})
}

// plentyOfStock gives BOX-1 stock enough for any test order.
func plentyOfStock(d catalog.Data) catalog.Data {
	d.Stock = []catalog.Stock{{SKU: "BOX-1", Warehouse: "MAIN", Quantity: order.MustDecimal("100000")}}
	return d
}

// TestStockIsReservedAcrossCustomers: two customers ordering the same item
// at once cannot both take the last units; the stock an order took stays
// taken after its delivery.
func TestStockIsReservedAcrossCustomers(t *testing.T) {
	t.Parallel()
	b := staticExposurePipeline(t, exposureData())
	// South has no credit limit; North's 4 boxes (400.00) stay within its.
	// Stock is 10: two orders of 4 fit, a third does not.
	done := make(chan []intake.Order, 6)
	for i := range 6 {
		buyer := glnSouth
		if i%2 == 0 {
			buyer = glnNorth
		}
		go func() {
			done <- b.settle(t, fmt.Sprint("stock ", i), ediInterchange(buyer, fmt.Sprint("S", i), ediMessage{fmt.Sprint("ST-", i), 4}), 1)
		}()
	}
	var all []intake.Order
	for range 6 {
		all = append(all, <-done...)
	}
	got := tally(all)
	if got["delivered"] != 2 || got["review INSUFFICIENT_STOCK@1"] != 4 {
		t.Fatalf("orders %v, want 2 delivered and 4 in review with INSUFFICIENT_STOCK", got)
	}
}

// TestPushesFromTheERPReleaseWhatTheyCover runs on master data in
// PostgreSQL: an order delivered counts until an open-orders push (for
// credit) or a stock push of its SKU (for stock) reports the ERP's figures
// after it, and the matching snapshot has that push.
func TestPushesFromTheERPReleaseWhatTheyCover(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pool := dbtest.New(t)
	imp := func(kind masterdata.Kind, csv string) int64 {
		t.Helper()
		res, err := masterdata.Import(ctx, pool, kind, strings.NewReader(csv), masterdata.ImportOptions{ReportLag: time.Nanosecond})
		if err != nil {
			t.Fatal(err)
		}
		return res.Version
	}
	imp(masterdata.Customers, "number,name,gln,edi_id,auto_approve,credit_limit\nN1,Nordlys Kantine AS,"+glnNorth+","+glnNorth+",yes,5000\n")
	imp(masterdata.Items, "sku,description,gtin\nBOX-1,Lunch box,"+gtinBox+"\n")
	imp(masterdata.Prices, "sku,price\nBOX-1,100\n")
	imp(masterdata.Stock, "sku,warehouse,quantity\nBOX-1,MAIN,60\n")
	live := intake.NewLiveCatalog(pool, func(ctx context.Context) (*catalog.Snapshot, int64, error) {
		return masterdata.Snapshot(ctx, pool, "NOK")
	}, func(ctx context.Context) (int64, error) { return masterdata.Version(ctx, pool) }, slog.New(slog.DiscardHandler))
	live.MinInterval = 50 * time.Millisecond
	go live.Run(ctx)
	<-live.Ready()
	b := exposurePipeline(t, pool, live.Snapshot, live.Version)
	caughtUp := func(v int64) {
		t.Helper()
		eventually(t, fmt.Sprintf("catalog at version %d", v), func() bool { return live.Version() >= v })
	}
	one := func(name, po string, qty int) intake.Order {
		t.Helper()
		return b.settle(t, name, ediInterchange(glnNorth, name, ediMessage{po, qty}), 1)[0]
	}

	if o := one("R1", "PO-R1", 45); o.State != intake.StateDelivered {
		t.Fatalf("first order %s %v", o.State, codes(o.PO.Exceptions))
	}
	// 4,500 delivered, not reported yet: 1,000 more is over the limit.
	if o := one("R2", "PO-R2", 10); strings.Join(codes(o.PO.Exceptions), ",") != "CREDIT_LIMIT" {
		t.Fatalf("before the push: %s %v, want CREDIT_LIMIT", o.State, codes(o.PO.Exceptions))
	}
	// The ERP invoiced it (open balance 4,500) and reports no open order:
	// the order is counted in the balance now, not twice.
	imp(masterdata.Customers, "number,name,open_balance\nN1,Nordlys Kantine AS,4500\n")
	caughtUp(imp(masterdata.OpenOrders, "customer,order_id,value\nN1,ERP-OTHER,0\n"))
	if o := one("R3", "PO-R3", 5); o.State != intake.StateDelivered {
		t.Fatalf("after the push, 4,500 + 500 of 5,000: %s %v, want delivered", o.State, codes(o.PO.Exceptions))
	}

	// Stock: 60 - 45 - 5 reserved leaves 10; 11 is too many.
	imp(masterdata.Customers, "number,name,open_balance,credit_limit\nN1,Nordlys Kantine AS,0,\n")
	caughtUp(imp(masterdata.OpenOrders, "customer,order_id,value\nN1,ERP-OTHER,0\n"))
	if o := one("R4", "PO-R4", 11); strings.Join(codes(o.PO.Exceptions), ",") != "INSUFFICIENT_STOCK@1" {
		t.Fatalf("before the stock push: %s %v, want INSUFFICIENT_STOCK", o.State, codes(o.PO.Exceptions))
	}
	// The ERP took the 50 off: 10 left, and nothing is counted twice.
	caughtUp(imp(masterdata.Stock, "sku,warehouse,quantity\nBOX-1,MAIN,10\n"))
	if o := one("R5", "PO-R5", 10); o.State != intake.StateDelivered {
		t.Fatalf("after the stock push, 10 of 10: %s %v, want delivered", o.State, codes(o.PO.Exceptions))
	}
	if o := one("R6", "PO-R6", 1); strings.Join(codes(o.PO.Exceptions), ",") != "INSUFFICIENT_STOCK@1" {
		t.Fatalf("the 10 are reserved: %s %v, want INSUFFICIENT_STOCK", o.State, codes(o.PO.Exceptions))
	}
}
