package review

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/ordergate/ordergate/auth"
	"github.com/ordergate/ordergate/catalog"
	"github.com/ordergate/ordergate/db/dbtest"
	"github.com/ordergate/ordergate/erp"
	"github.com/ordergate/ordergate/erp/erptest"
	"github.com/ordergate/ordergate/intake"
	"github.com/ordergate/ordergate/masterdata"
	"github.com/ordergate/ordergate/parsers"
	"github.com/ordergate/ordergate/parsers/edifact"
	"github.com/ordergate/ordergate/parsers/email"
	"github.com/ordergate/ordergate/parsers/sheet"
)

// The desk fixture's master data: Brasserie (10001) on auto-approve, Café
// Lumière (10002) not; coffee at 14.50, cups at 32.00, 100 of each.
const (
	glnBrasserie = "5412345000013"
	glnCafe      = "5790000000012"
	gtinCoffee   = "5400000000010"
	gtinCups     = "5400000000027"
)

// deskFixture is the gateway as the desk meets it: master data in
// PostgreSQL, the live catalog, the real EDIFACT parser and matcher, a
// webhook ERP, and the HTTP server with an API key.
type deskFixture struct {
	*apiBundle
	live *intake.LiveCatalog
	erp  *erptest.WebhookReceiver
}

func newDeskFixture(t *testing.T) *deskFixture {
	t.Helper()
	pool := dbtest.New(t)
	// Cleanups run last first: the catalog's listener lets go of its
	// connection before the pool closes.
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	log := slog.New(slog.DiscardHandler)
	for _, f := range []struct {
		kind masterdata.Kind
		csv  string
	}{
		{masterdata.Customers, "number,name,gln,edi_id,auto_approve,credit_limit\n" +
			"10001,Brasserie Demo SA," + glnBrasserie + "," + glnBrasserie + ",yes,100000\n" +
			"10002,Café Lumière," + glnCafe + "," + glnCafe + ",no,100000\n"},
		{masterdata.Items, "sku,description,gtin,pack_size,pack_unit\nCOF-1,Espresso beans 1 kg," + gtinCoffee + ",6,CT\nCUP-8,Paper cups 8oz,\"" + gtinCups + "\",,\n"},
		{masterdata.Prices, "sku,price\nCOF-1,14.50\nCUP-8,32.00\n"},
		{masterdata.Stock, "sku,warehouse,quantity\nCOF-1,MAIN,100\nCUP-8,MAIN,100\n"},
	} {
		if _, err := masterdata.Import(ctx, pool, f.kind, strings.NewReader(f.csv), masterdata.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	live := intake.NewLiveCatalog(pool, func(ctx context.Context) (*catalog.Snapshot, int64, error) {
		return masterdata.Snapshot(ctx, pool, "EUR")
	}, func(ctx context.Context) (int64, error) { return masterdata.Version(ctx, pool) }, log)
	live.MinInterval = 50 * time.Millisecond
	go live.Run(ctx)
	<-live.Ready()
	rcv := erptest.NewWebhookReceiver(t, "s3cret")
	sheets := sheet.Options{Layouts: intake.SheetLayouts{Pool: pool}}
	formats := []parsers.Parser{edifact.New(), sheet.NewXLSX(sheets), sheet.NewCSV(sheets)}
	mail := email.New(email.Options{Attachments: parsers.NewRegistry(formats...)})
	pipe, err := intake.New(intake.Options{Pool: pool, Registry: parsers.NewRegistry(append([]parsers.Parser{formats[0], mail}, formats[1:]...)...),
		Workers: 2, Log: log,
		Matcher: &intake.CatalogMatcher{Snapshot: live.Snapshot, Version: live.Version,
			Now: func() time.Time { return time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC) }},
		ERP:      erp.NewWebhook(rcv.Config(), &http.Client{Timeout: 5 * time.Second}, log),
		Delivery: intake.DeliveryOptions{Backoff: 20 * time.Millisecond, Wait: 20 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	if err := pipe.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pipe.Stop(context.Background()) })
	key, err := auth.CreateAPIKey(ctx, pool, "desk")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer((&Server{Pool: pool, Log: log, Gatherer: prometheus.NewRegistry(), Pipeline: pipe, MaxDocumentBytes: 1 << 20,
		Catalog: live.Snapshot}).Handler())
	t.Cleanup(srv.Close)
	return &deskFixture{apiBundle: &apiBundle{srv: srv, key: key, pipe: pipe, pool: pool}, live: live, erp: rcv}
}

// ediLine is a line of ediOrder: the customer's item number (PIA+1 IN), a
// GTIN, the quantity and unit, the price ("" for none) and a description
// (IMD, "" for none).
type ediLine struct{ buyerItem, gtin, qty, unit, price, desc string }

// ediOrder is an EANCOM ORDERS interchange from buyer.
func ediOrder(ctrl, po, buyer string, lines ...ediLine) string {
	segs := []string{"UNH+1+ORDERS:D:96A:UN:EAN008", "BGM+220+" + po + "+9", "DTM+137:20261125:102", "NAD+BY+" + buyer + "::9"}
	for i, l := range lines {
		segs = append(segs, fmt.Sprintf("LIN+%d++%s:EN", i+1, l.gtin))
		if l.gtin == "" {
			segs[len(segs)-1] = fmt.Sprintf("LIN+%d", i+1)
		}
		if l.buyerItem != "" {
			segs = append(segs, "PIA+1+"+l.buyerItem+":IN")
		}
		if l.desc != "" {
			segs = append(segs, "IMD+F++:::"+l.desc)
		}
		segs = append(segs, "QTY+21:"+l.qty+":"+l.unit)
		if l.price != "" {
			segs = append(segs, "PRI+AAA:"+l.price)
		}
	}
	segs = append(segs, "UNS+S")
	segs = append(segs, fmt.Sprintf("UNT+%d+1", len(segs)+1))
	return "UNA:+.? 'UNB+UNOC:3+" + buyer + ":14+5498765000017:14+261125:0930+" + ctrl + "'" + strings.Join(segs, "'") + "'UNZ+1+" + ctrl + "'"
}

// send uploads a document and waits until its one order settles; it
// returns the order.
func (f *deskFixture) send(t *testing.T, doc string) intake.Order {
	t.Helper()
	r, err := f.pipe.Receive(context.Background(), intake.Inbound{Channel: intake.ChannelFile, SourceRef: "test", Data: []byte(doc)})
	if err != nil {
		t.Fatal(err)
	}
	return f.waitOrder(t, func(ctx context.Context) ([]intake.Order, error) {
		return intake.OrdersOfDocument(ctx, f.pool, r.DocumentID)
	})
}

func (f *deskFixture) waitOrder(t *testing.T, list func(context.Context) ([]intake.Order, error)) intake.Order {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		os, err := list(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(os) == 1 && (os[0].State == intake.StateReview || os[0].State == intake.StateDelivered || os[0].State == intake.StateRejected) {
			return os[0]
		}
		if time.Now().After(deadline) {
			t.Fatalf("the order never settled: %+v", os)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// state waits until order id is in one of the states, and returns it.
func (f *deskFixture) state(t *testing.T, id int64, states ...string) intake.Order {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		o, err := intake.GetOrder(context.Background(), f.pool, id)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range states {
			if o.State == s {
				return o
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("order %d is %s, want one of %v", id, o.State, states)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func codesOf(o intake.Order) string {
	var cs []string
	for _, e := range o.PO.Exceptions {
		s := e.Code
		if e.LineNo > 0 {
			s += fmt.Sprintf("@%d", e.LineNo)
		}
		cs = append(cs, s)
	}
	return strings.Join(cs, ",")
}

// post calls a desk action of the API.
func (f *deskFixture) post(t *testing.T, path, body string) (int, map[string]any) {
	t.Helper()
	var rd *strings.Reader
	if body != "" {
		rd = strings.NewReader(body)
	} else {
		rd = strings.NewReader("")
	}
	return f.do(t, "POST", "/api/v1"+path, "application/json", rd, f.key)
}

func exceptionsOf(body map[string]any, field string) string {
	var cs []string
	items, _ := body[field].([]any)
	for _, e := range items {
		m := e.(map[string]any)
		s := m["code"].(string)
		if n, ok := m["line_no"].(float64); ok && n > 0 {
			s += fmt.Sprintf("@%d", int(n))
		}
		cs = append(cs, s)
	}
	return strings.Join(cs, ",")
}

// auditCount is how many audit entries the action has for the order.
func auditCount(t *testing.T, pool *pgxpool.Pool, action string, id int64) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE action = $1 AND target = $2`,
		action, fmt.Sprintf("order=%d", id)).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
