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
)

// TestDeskTeachesACrossReference runs the desk's loop through the API on
// the real pipeline: an order line with the customer's own item number we
// do not know waits in review; the desk says which SKU it is; the
// cross-reference is learned, the order is matched again once the catalog
// has it, and goes to the ERP, its line resolved "learned from order N by"
// the API client.
func TestDeskTeachesACrossReference(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pool := dbtest.New(t)
	log := slog.New(slog.DiscardHandler)
	for kind, csv := range map[masterdata.Kind]string{
		masterdata.Customers: "number,name,gln,edi_id,auto_approve\n10001,Brasserie Demo,5412345000013,5412345000013,yes\n",
	} {
		if _, err := masterdata.Import(ctx, pool, kind, strings.NewReader(csv), masterdata.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []struct {
		kind masterdata.Kind
		csv  string
	}{
		{masterdata.Items, "sku,description,gtin\nCOF-1,Espresso beans 1 kg,5400000000010\n"},
		{masterdata.Prices, "sku,price\nCOF-1,14.50\n"},
		{masterdata.Stock, "sku,warehouse,quantity\nCOF-1,MAIN,100\n"},
	} {
		if _, err := masterdata.Import(ctx, pool, f.kind, strings.NewReader(f.csv), masterdata.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	live := intake.NewLiveCatalog(pool, func(ctx context.Context) (*catalog.Snapshot, int64, error) {
		return masterdata.Snapshot(ctx, pool, "EUR")
	}, func(ctx context.Context) (int64, error) { return masterdata.Version(ctx, pool) }, log)
	// Slow enough that matching right after the lesson would find the
	// snapshot without it: the match must wait for the catalog.
	live.MinInterval = 2 * time.Second
	go live.Run(ctx)
	<-live.Ready()
	rcv := erptest.NewWebhookReceiver(t, "s3cret")
	pipe, err := intake.New(intake.Options{Pool: pool, Registry: parsers.NewRegistry(edifact.New()), Workers: 2, Log: log,
		Matcher: &intake.CatalogMatcher{Snapshot: live.Snapshot, Version: live.Version,
			Now: func() time.Time { return time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC) }},
		ERP: erp.NewWebhook(rcv.Config(), &http.Client{Timeout: 5 * time.Second}, log)})
	if err != nil {
		t.Fatal(err)
	}
	if err := pipe.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer pipe.Stop(context.Background())
	key, err := auth.CreateAPIKey(ctx, pool, "desk-anna")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer((&Server{Pool: pool, Log: log, Gatherer: prometheus.NewRegistry(), Pipeline: pipe, MaxDocumentBytes: 1 << 20}).Handler())
	defer srv.Close()
	b := &apiBundle{srv: srv, key: key, pipe: pipe}

	doc := "UNA:+.? 'UNB+UNOC:3+5412345000013:14+5498765000017:14+261125:0930+L1'UNH+1+ORDERS:D:96A:UN:EAN008'" +
		"BGM+220+PO-77+9'DTM+137:20261125:102'NAD+BY+5412345000013::9'LIN+1'PIA+1+BC-77:IN'QTY+21:2:PCE'UNS+S'UNT+9+1'UNZ+1+L1'"
	code, body := b.do(t, "POST", "/api/v1/documents?name=po.edi", "application/edifact", strings.NewReader(doc), key)
	if code != http.StatusCreated {
		t.Fatalf("upload = %d %v", code, body)
	}
	order := waitAPIOrder(t, b, "review")
	id := int64(order["id"].(float64))
	if ex := order["exceptions"].([]any); len(ex) != 1 || ex[0].(map[string]any)["code"] != "UNKNOWN_ITEM" {
		t.Fatalf("order in review with %v, want UNKNOWN_ITEM", ex)
	}

	learn := func(line int, body string) (int, map[string]any) {
		return b.do(t, "POST", fmt.Sprintf("/api/v1/orders/%d/lines/%d/learn", id, line), "application/json", strings.NewReader(body), key)
	}
	if code, body := learn(9, `{"sku": "COF-1"}`); code != http.StatusNotFound {
		t.Fatalf("learn on a missing line = %d %v", code, body)
	}
	if code, body := learn(1, `{"sku": "NOPE-1"}`); code != http.StatusUnprocessableEntity || !strings.Contains(body["error"].(string), `there is no item "NOPE-1"`) {
		t.Fatalf("learn an unknown SKU = %d %v", code, body)
	}
	if code, body := learn(1, `{"sku": "COF-1", "unit": "CT"}`); code != http.StatusUnprocessableEntity || !strings.Contains(body["error"].(string), "CT is not a unit of item COF-1") {
		t.Fatalf("learn a unit the item lacks = %d %v", code, body)
	}
	if code, body := learn(1, `{}`); code != http.StatusBadRequest {
		t.Fatalf("learn without a SKU = %d %v", code, body)
	}
	if code, body := learn(1, `{"sku": "cof-1"}`); code != http.StatusAccepted {
		t.Fatalf("learn = %d %v", code, body)
	}
	order = waitAPIOrder(t, b, "delivered")
	line := order["lines"].([]any)[0].(map[string]any)
	if line["sku"] != "COF-1" || !strings.HasPrefix(line["resolved_by"].(string), fmt.Sprintf("cross-reference learned from order %d by desk-anna", id)) {
		t.Fatalf("line after learning: %v", line)
	}
	if rcv.Count() != 1 {
		t.Fatalf("the ERP has %d orders", rcv.Count())
	}
	if code, body := learn(1, `{"sku": "COF-1"}`); code != http.StatusConflict {
		t.Fatalf("learn from a delivered order = %d %v", code, body)
	}
}

// waitAPIOrder polls the order list until an order has the status, and
// returns that order whole (GET /orders/{id}).
func waitAPIOrder(t *testing.T, b *apiBundle, status string) map[string]any {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if code, body := b.do(t, "GET", "/api/v1/orders?status="+status, "", nil, b.key); code == 200 {
			if os := body["orders"].([]any); len(os) > 0 {
				id := int64(os[0].(map[string]any)["id"].(float64))
				code, o := b.do(t, "GET", fmt.Sprintf("/api/v1/orders/%d", id), "", nil, b.key)
				if code != 200 {
					t.Fatalf("GET order %d = %d %v", id, code, o)
				}
				return o
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no order reached %s", status)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
