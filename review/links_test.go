package review

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ordergate/ordergate/intake"
	"github.com/ordergate/ordergate/order"
)

// TestQuickOrderFromTheDesk: the autocomplete finds items by SKU, GTIN,
// the customer's own code and description, with stock and the customer's
// price; the order typed from it becomes an upload document that reaches
// the ERP, and sending it again is a duplicate.
func TestQuickOrderFromTheDesk(t *testing.T) {
	b := setupDesk(t, nil)
	var items struct {
		Items []intake.ItemHit `json:"items"`
	}
	for _, tc := range []struct{ q, want string }{
		{"cof", "COF-1 sku 149.5 CUSTOMER PRICE"}, {"00123", "COF-1 customer_item 149.5 CUSTOMER PRICE"},
		{"5400000000010", "COF-1 gtin 149.5 CUSTOMER PRICE"}, {"pappers", "CUP-8 description 0.85 LIST PRICE"},
	} {
		b.call(t, "GET", "/api/v1/items?customer=10001&q="+tc.q, nil, &items)
		if len(items.Items) == 0 {
			t.Errorf("%q: nothing", tc.q)
			continue
		}
		h := items.Items[0]
		if got := fmt.Sprintf("%s %s %s %s", h.SKU, h.MatchedBy, h.Price, strings.ToUpper(h.PriceFrom)); got != tc.want {
			t.Errorf("%q: %s, want %s", tc.q, got, tc.want)
		}
	}
	if b.call(t, "GET", "/api/v1/items?customer=10001&q=kaffe", nil, &items); items.Items[0].Stock.String() != "500" || items.Items[0].Currency != "SEK" {
		t.Errorf("stock and currency: %+v", items.Items[0])
	}
	var e map[string]any
	if code := b.call(t, "GET", "/api/v1/items?customer=99999&q=k", nil, &e); code != http.StatusBadRequest {
		t.Errorf("unknown customer: %d %v", code, e)
	}

	q := intake.QuickOrder{Customer: "10001", PONumber: "TEL-1", DeliveryDate: order.NewDate(2024, 11, 29), Lines: []intake.QuickLine{
		{SKU: "COF-1", Quantity: order.MustDecimal("12")}, {Item: "004512", Quantity: order.MustDecimal("3")},
		{SKU: "CUP-8", Quantity: order.MustDecimal("1.125"), Unit: "PCE"}}}
	var out struct {
		DocumentID int64 `json:"document_id"`
		Duplicate  bool  `json:"duplicate"`
	}
	if code := b.call(t, "POST", "/api/v1/quick-orders", q, &out); code != http.StatusCreated {
		t.Fatalf("quick order: %d", code)
	}
	o := b.waitSettled(t, out.DocumentID, 1)[0]
	if got := lineSummary(o.PO); o.PO.PONumber != "TEL-1" || got != "COF-1 12 PCE|NAP-1 3 CT|CUP-8 1.125 PCE" || o.PO.DeliveryDate.String() != "2024-11-29" {
		t.Errorf("order %s %s %s %s %v", o.PO.PONumber, o.State, got, o.PO.DeliveryDate, o.PO.Exceptions)
	}
	d, _ := intake.GetDocument(context.Background(), b.pool, out.DocumentID)
	if d.Channel != intake.ChannelUpload || d.CustomerNumber != "10001" || !strings.Contains(string(d.Raw), "1.1250") {
		t.Errorf("document %s %s %q", d.Channel, d.CustomerNumber, d.Raw)
	}
	if b.call(t, "POST", "/api/v1/quick-orders", q, &out); !out.Duplicate {
		t.Errorf("the same quick order again is no duplicate")
	}
	if code := b.call(t, "POST", "/api/v1/quick-orders", intake.QuickOrder{Customer: "10001"}, &e); code != http.StatusBadRequest ||
		!strings.Contains(fmt.Sprint(e["error"]), "PO number") {
		t.Errorf("empty quick order: %d %v", code, e)
	}
}

func lineSummary(po order.PurchaseOrder) string {
	var s []string
	for _, l := range po.Lines {
		q, u := l.Ordered()
		s = append(s, l.SKU+" "+q.String()+" "+u)
	}
	return strings.Join(s, "|")
}

// TestOrderLinkKeepsToItsCustomer: a link shows its customer's assortment
// and prices only, refuses other customers' items and numbers, and stops
// opening when it expires or is revoked; every submission is audited.
func TestOrderLinkKeepsToItsCustomer(t *testing.T) {
	b := setupDesk(t, &intake.LinkLimiter{Rate: 1000, Burst: 1000})
	var created struct {
		Link  intake.Link `json:"link"`
		Token string      `json:"token"`
	}
	if code := b.call(t, "POST", "/api/v1/customers/20002/links", map[string]any{"valid_days": 7, "note": "Anna"}, &created); code != http.StatusCreated ||
		!strings.HasPrefix(created.Token, "ogl_") {
		t.Fatalf("create: %d %+v", code, created)
	}
	var stored []byte
	b.pool.QueryRow(context.Background(), `SELECT token_hash FROM order_links WHERE id = $1`, created.Link.ID).Scan(&stored)
	if len(stored) != 32 || strings.Contains(string(stored), created.Token) {
		t.Errorf("stored %x", stored)
	}
	base := "/api/v1/links/" + created.Token
	var items struct {
		Items []intake.ItemHit `json:"items"`
	}
	// 20002 may buy coffee alone: cups and napkins are not offered; 10001's
	// own codes mean nothing here; its own code H-1 finds the coffee.
	for q, want := range map[string]string{"pappers": "", "004512": "", "cof": "COF-1 160", "h-1": "COF-1 160", "nap": ""} {
		if code := b.call(t, "GET", base+"/items?q="+q, nil, &items); code != http.StatusOK {
			t.Fatalf("%q: %d", q, code)
		}
		got := ""
		if len(items.Items) > 0 {
			got = items.Items[0].SKU + " " + items.Items[0].Price.String()
		}
		if got != want || len(items.Items) > 1 {
			t.Errorf("link items %q: %q (%d), want %q", q, got, len(items.Items), want)
		}
	}
	var e map[string]any
	for _, bad := range []intake.QuickOrder{
		{PONumber: "L-1", Lines: []intake.QuickLine{{SKU: "CUP-8", Quantity: order.MustDecimal("5")}}},                    // not in the assortment
		{PONumber: "L-1", Lines: []intake.QuickLine{{Item: "004512", Quantity: order.MustDecimal("5")}}},                  // 10001's own code
		{PONumber: "L-1", Customer: "10001", Lines: []intake.QuickLine{{SKU: "COF-1", Quantity: order.MustDecimal("1")}}}, // another customer
	} {
		if code := b.call(t, "POST", base+"/orders", bad, &e); code != http.StatusBadRequest {
			t.Errorf("%+v: %d %v", bad, code, e)
		}
	}
	var out struct {
		DocumentID int64 `json:"document_id"`
	}
	good := intake.QuickOrder{PONumber: "L-1", Lines: []intake.QuickLine{{Item: "H-1", Quantity: order.MustDecimal("2")}}}
	if code := b.call(t, "POST", base+"/orders", good, &out); code != http.StatusCreated {
		t.Fatalf("link order: %d", code)
	}
	o := b.waitSettled(t, out.DocumentID, 1)[0]
	if o.State != intake.StateDelivered || o.PO.CustomerNumber != "20002" || o.PO.Sender.Kind != order.SenderLink {
		t.Errorf("link order %s %s %+v %v", o.State, o.PO.CustomerNumber, o.PO.Sender, o.PO.Exceptions)
	}
	csv := []byte("Ordernr;L-2\nArt.nr;Antal\nCOF-1;4\n")
	if code := b.call(t, "POST", base+"/documents", fileForm(t, "o.csv", csv, ""), &out); code != http.StatusCreated {
		t.Fatalf("link upload: %d", code)
	}
	if o := b.waitSettled(t, out.DocumentID, 1)[0]; o.PO.CustomerNumber != "20002" {
		t.Errorf("link upload for %s", o.PO.CustomerNumber)
	}
	var audits int
	b.pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE actor = $1`, fmt.Sprintf("link:%d", created.Link.ID)).Scan(&audits)
	if audits != 2 {
		t.Errorf("%d audit entries for 2 submissions", audits)
	}

	// Revoked: refused. An expired one too. A made-up token too.
	if code := b.call(t, "DELETE", fmt.Sprintf("/api/v1/customers/20002/links/%d", created.Link.ID), nil, &e); code != http.StatusOK {
		t.Fatalf("revoke: %d", code)
	}
	if code := b.call(t, "GET", base+"/items?q=cof", nil, &e); code != http.StatusForbidden || !strings.Contains(fmt.Sprint(e["error"]), "withdrawn") {
		t.Errorf("revoked link: %d %v", code, e)
	}
	b.call(t, "POST", "/api/v1/customers/20002/links", map[string]any{"valid_days": 1}, &created)
	b.pool.Exec(context.Background(), `UPDATE order_links SET created_at = now() - interval '3 days', expires_at = now() - interval '1 hour' WHERE id = $1`, created.Link.ID)
	if code := b.call(t, "POST", "/api/v1/links/"+created.Token+"/orders", good, &e); code != http.StatusForbidden || !strings.Contains(fmt.Sprint(e["error"]), "expired") {
		t.Errorf("expired link: %d %v", code, e)
	}
	if code := b.call(t, "GET", "/api/v1/links/ogl_madeup/items?q=cof", nil, &e); code != http.StatusForbidden {
		t.Errorf("unknown token: %d", code)
	}
	var list struct {
		Links []intake.Link `json:"links"`
	}
	if b.call(t, "GET", "/api/v1/customers/20002/links", nil, &list); len(list.Links) != 2 || list.Links[0].RevokedBy != "desk" {
		t.Errorf("links %+v", list.Links)
	}
}

// TestOrderLinkIsRateLimited: past its burst a link answers 429 with
// Retry-After until its bucket refills.
func TestOrderLinkIsRateLimited(t *testing.T) {
	now := time.Date(2024, 11, 25, 9, 0, 0, 0, time.UTC)
	b := setupDesk(t, &intake.LinkLimiter{Rate: 1, Burst: 3, Now: func() time.Time { return now }})
	var created struct {
		Token string `json:"token"`
	}
	b.call(t, "POST", "/api/v1/customers/20002/links", map[string]any{}, &created)
	var e map[string]any
	for i := range 3 {
		if code := b.call(t, "GET", "/api/v1/links/"+created.Token+"/items?q=c", nil, &e); code != http.StatusOK {
			t.Fatalf("request %d: %d", i+1, code)
		}
	}
	if code := b.call(t, "GET", "/api/v1/links/"+created.Token+"/items?q=c", nil, &e); code != http.StatusTooManyRequests {
		t.Fatalf("fourth request: %d %v", code, e)
	}
	now = now.Add(2 * time.Second)
	if code := b.call(t, "GET", "/api/v1/links/"+created.Token+"/items?q=c", nil, &e); code != http.StatusOK {
		t.Errorf("after the refill: %d", code)
	}
}
