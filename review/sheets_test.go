package review

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
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
	"github.com/ordergate/ordergate/order"
	"github.com/ordergate/ordergate/parsers"
	"github.com/ordergate/ordergate/parsers/edifact"
	"github.com/ordergate/ordergate/parsers/sheet"
)

// deskCatalog is a restaurant supplier: customer 10001 on auto-approve
// whose own item numbers (as its sheet 01-sv-grossist has them) are
// cross-referenced, and customer 20002 restricted to an assortment of
// coffee alone.
func deskCatalog(t *testing.T) *catalog.Snapshot {
	t.Helper()
	limit := order.MustDecimal("100000")
	snap, err := catalog.Build(catalog.Data{
		Currency: "SEK",
		Customers: []catalog.Customer{
			{Number: "10001", Name: "Restaurang Solsidan AB", AutoApprove: true, CreditLimit: &limit, PriceTolerancePct: order.MustDecimal("1")},
			{Number: "20002", Name: "Kafé Hörnet", AutoApprove: true, CreditLimit: &limit},
		},
		Items: []catalog.Item{
			{SKU: "COF-1", Description: "Kaffe mörkrost 1 kg", BaseUnit: "PCE", GTIN: "5400000000010"},
			{SKU: "NAP-1", Description: "Servetter vita 100-pack", BaseUnit: "PCE"},
			{SKU: "CUP-8", Description: "Pappersmuggar 8oz", BaseUnit: "PCE"},
		},
		SalesUnits: []catalog.SalesUnit{{SKU: "NAP-1", Unit: "CT", Factor: order.MustDecimal("20")}},
		CrossRefs: []catalog.CrossRef{
			{Customer: "10001", CustomerItem: "00123", SKU: "COF-1"},
			{Customer: "10001", CustomerItem: "004512", SKU: "NAP-1", Unit: "CT"},
			{Customer: "10001", CustomerItem: "7710", SKU: "CUP-8"},
			{Customer: "20002", CustomerItem: "H-1", SKU: "COF-1"},
		},
		Assortments: []catalog.AssortmentEntry{{Customer: "20002", SKU: "COF-1"}},
		Prices: []catalog.Price{
			{Customer: "10001", SKU: "COF-1", Price: order.MustDecimal("149.50")},
			{Customer: "10001", SKU: "NAP-1", Unit: "CT", Price: order.MustDecimal("289")},
			{SKU: "CUP-8", Price: order.MustDecimal("0.85")},
			{SKU: "COF-1", Price: order.MustDecimal("160")},
			{SKU: "NAP-1", Price: order.MustDecimal("15")},
		},
		Stock: []catalog.Stock{{SKU: "COF-1", Warehouse: "MAIN", Quantity: order.MustDecimal("500")},
			{SKU: "NAP-1", Warehouse: "MAIN", Quantity: order.MustDecimal("400")},
			{SKU: "CUP-8", Warehouse: "MAIN", Quantity: order.MustDecimal("5000")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

type deskBundle struct {
	srv  *httptest.Server
	key  string
	pool *pgxpool.Pool
	erp  *erptest.WebhookReceiver
}

// setupDesk runs the real pipeline (EDIFACT and sheet parsers with the
// layouts in PostgreSQL, matching on deskCatalog, a webhook ERP) behind the
// API.
func setupDesk(t *testing.T, limiter *intake.LinkLimiter) *deskBundle {
	t.Helper()
	pool := dbtest.New(t)
	log := slog.New(slog.DiscardHandler)
	snap := deskCatalog(t)
	b := &deskBundle{pool: pool, erp: erptest.NewWebhookReceiver(t, "s3cret")}
	sheets := sheet.Options{Layouts: intake.SheetLayouts{Pool: pool}, Now: func() time.Time { return time.Date(2024, 11, 25, 9, 0, 0, 0, time.UTC) }}
	pipe, err := intake.New(intake.Options{Pool: pool, Log: log, Workers: 2, MaxDocumentBytes: 1 << 20,
		Registry: parsers.NewRegistry(edifact.New(), sheet.NewXLSX(sheets), sheet.NewCSV(sheets)),
		Matcher: &intake.CatalogMatcher{Snapshot: func() *catalog.Snapshot { return snap },
			Now: func() time.Time { return time.Date(2024, 11, 25, 9, 0, 0, 0, time.UTC) }},
		ERP:      erp.NewWebhook(b.erp.Config(), &http.Client{Timeout: 5 * time.Second}, log),
		Delivery: intake.DeliveryOptions{Backoff: 20 * time.Millisecond, MaxBackoff: 50 * time.Millisecond, Wait: 20 * time.Millisecond, MaxAttempts: 5},
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := pipe.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); pipe.Stop(context.Background()) })
	if b.key, err = auth.CreateAPIKey(context.Background(), pool, "desk"); err != nil {
		t.Fatal(err)
	}
	b.srv = httptest.NewServer((&Server{Pool: pool, Log: log, Gatherer: prometheus.NewRegistry(), Pipeline: pipe,
		MaxDocumentBytes: 1 << 20, LinkLimiter: limiter}).Handler())
	t.Cleanup(b.srv.Close)
	return b
}

// call sends a request (a JSON body unless body is a *multipart payload)
// and decodes the JSON answer into out.
func (b *deskBundle) call(t *testing.T, method, path string, body any, out any) int {
	t.Helper()
	var r io.Reader
	ctype := ""
	switch v := body.(type) {
	case nil:
	case *multipartBody:
		r, ctype = &v.buf, v.ctype
	default:
		j, _ := json.Marshal(v)
		r, ctype = bytes.NewReader(j), "application/json"
	}
	req, _ := http.NewRequest(method, b.srv.URL+path, r)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if !strings.HasPrefix(path, "/api/v1/links/") {
		req.Header.Set("Authorization", "Bearer "+b.key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: %d %q", method, path, resp.StatusCode, raw)
		}
	}
	return resp.StatusCode
}

type multipartBody struct {
	buf   bytes.Buffer
	ctype string
}

func fileForm(t *testing.T, name string, data []byte, customer string) *multipartBody {
	t.Helper()
	var m multipartBody
	w := multipart.NewWriter(&m.buf)
	fw, _ := w.CreateFormFile("file", name)
	fw.Write(data)
	if customer != "" {
		w.WriteField("customer", customer)
	}
	w.Close()
	m.ctype = w.FormDataContentType()
	return &m
}

// waitSettled waits until the document's orders are delivered, in review or
// rejected, and returns them.
func (b *deskBundle) waitSettled(t *testing.T, docID int64, n int) []intake.Order {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		d, err := intake.GetDocument(context.Background(), b.pool, docID)
		if err != nil {
			t.Fatal(err)
		}
		orders, err := intake.OrdersOfDocument(context.Background(), b.pool, docID)
		if err != nil {
			t.Fatal(err)
		}
		settled := len(orders) == n
		for _, o := range orders {
			settled = settled && slices.Contains([]string{intake.StateDelivered, intake.StateReview, intake.StateRejected}, o.State)
		}
		if d.State == intake.DocFailed {
			t.Fatalf("document %d failed: %s", docID, d.Reason)
		}
		if settled {
			return orders
		}
		if time.Now().After(deadline) {
			t.Fatalf("document %d (%s): orders %+v never settled", docID, d.State, orders)
		}
		time.Sleep(30 * time.Millisecond)
	}
}

// TestSheetUploadReachesTheERP: the Swedish wholesaler's sheet (written by
// LibreOffice, with its letterhead, totals and VAT) uploaded through
// POST /api/v1/documents for customer 10001 is parsed, matched by the
// customer's own item numbers and delivered to the ERP untouched.
func TestSheetUploadReachesTheERP(t *testing.T) {
	b := setupDesk(t, nil)
	data, err := os.ReadFile("../parsers/sheet/testdata/layouts/01-sv-grossist.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		DocumentID int64 `json:"document_id"`
	}
	if code := b.call(t, "POST", "/api/v1/documents", fileForm(t, "bestallning.xlsx", data, "10001"), &out); code != http.StatusCreated {
		t.Fatalf("upload: %d", code)
	}
	orders := b.waitSettled(t, out.DocumentID, 1)
	o := orders[0]
	if o.State != intake.StateDelivered {
		t.Fatalf("order %s %v: %s", o.State, o.PO.Exceptions, o.ReviewReason)
	}
	if o.PO.Format != "xlsx" || o.PO.PONumber != "SO-24-1187" || o.PO.CustomerNumber != "10001" {
		t.Errorf("order %s %s %s", o.PO.Format, o.PO.PONumber, o.PO.CustomerNumber)
	}
	d := b.erp.Deliveries()
	if len(d) != 1 {
		t.Fatalf("%d deliveries", len(d))
	}
	var got []string
	for _, l := range d[0].Payload.Order.Lines {
		got = append(got, fmt.Sprintf("%s %s %s %s", l.SKU, l.SalesQuantity, l.SalesUnit, l.Sources.Get("quantity").Cell()))
	}
	if want := "COF-1 12 PCE C9|NAP-1 3 CT C10|CUP-8 1200 PCE C11"; strings.Join(got, "|") != want {
		t.Errorf("ERP lines %q, want %q", strings.Join(got, "|"), want)
	}
}

// TestLayoutLearnedFromThePreview: a sheet whose columns are named in no
// way the parser knows cannot be read; the preview says so. The desk saves
// a layout for the customer (PUT), the preview then shows the lines with
// what matching makes of them, and the upload reaches the ERP; the layout
// is listed and can be deleted, after which the sheet is unreadable again.
func TestLayoutLearnedFromThePreview(t *testing.T) {
	b := setupDesk(t, nil)
	csv := []byte("Ordernr;L-77\n\nNummer;Vad;Hur många;Kronor\n00123;Kaffe;10;150\n7710;Muggar;100;\n")
	var pv map[string]any
	if code := b.call(t, "POST", "/api/v1/documents/preview", fileForm(t, "order.csv", csv, "10001"), &pv); code != http.StatusBadRequest {
		t.Fatalf("preview without a layout: %d %v", code, pv)
	}
	layout := sheet.Layout{Shape: "nummer|vad|hurmanga|kronor", Header: []string{"Nummer", "Vad", "Hur många", "Kronor"},
		Columns: []sheet.LayoutColumn{{Index: 1, Field: "buyer_item"}, {Index: 2, Field: "description"}, {Index: 3, Field: "quantity"}, {Index: 4, Field: "unit_price"}}}
	var saved sheet.Layout
	if code := b.call(t, "PUT", "/api/v1/customers/10001/sheet-layouts", layout, &saved); code != http.StatusOK || saved.ID == 0 || saved.UpdatedBy != "desk" {
		t.Fatalf("save: %d %+v", code, saved)
	}
	var bad map[string]any
	if code := b.call(t, "PUT", "/api/v1/customers/10001/sheet-layouts", sheet.Layout{Shape: "x"}, &bad); code != http.StatusBadRequest ||
		!strings.Contains(fmt.Sprint(bad["error"]), "no quantity column") {
		t.Errorf("a layout without a quantity: %d %v", code, bad)
	}
	var preview intake.Preview
	if code := b.call(t, "POST", "/api/v1/documents/preview", fileForm(t, "order.csv", csv, "10001"), &preview); code != http.StatusOK {
		t.Fatalf("preview: %d", code)
	}
	if len(preview.Orders) != 1 || preview.Sheet == nil || preview.Sheet.Tables[0].Layout != saved.ID {
		t.Fatalf("preview %+v", preview)
	}
	po := preview.Orders[0]
	if po.Status != "approved" || po.Lines[0].SKU != "COF-1" || po.Lines[1].SKU != "CUP-8" || po.Lines[0].AgreedPrice.String() != "149.5" {
		t.Errorf("preview order %s %+v %v", po.Status, po.Lines, po.Exceptions)
	}
	var n int
	b.pool.QueryRow(context.Background(), `SELECT count(*) FROM documents`).Scan(&n)
	if n != 0 {
		t.Errorf("the preview stored %d documents", n)
	}
	var doc struct {
		DocumentID int64 `json:"document_id"`
	}
	b.call(t, "POST", "/api/v1/documents", fileForm(t, "order.csv", csv, "10001"), &doc)
	if o := b.waitSettled(t, doc.DocumentID, 1)[0]; o.State != intake.StateDelivered {
		t.Errorf("upload with the layout: %s %v", o.State, o.PO.Exceptions)
	}
	var list struct {
		Layouts []sheet.Layout `json:"layouts"`
	}
	b.call(t, "GET", "/api/v1/customers/10001/sheet-layouts", nil, &list)
	if len(list.Layouts) != 1 || list.Layouts[0].Shape != layout.Shape {
		t.Fatalf("list %+v", list)
	}
	if code := b.call(t, "DELETE", fmt.Sprintf("/api/v1/customers/10001/sheet-layouts/%d", saved.ID), nil, &bad); code != http.StatusOK {
		t.Fatalf("delete: %d", code)
	}
	if code := b.call(t, "DELETE", fmt.Sprintf("/api/v1/customers/10001/sheet-layouts/%d", saved.ID), nil, &bad); code != http.StatusNotFound {
		t.Errorf("delete again: %d", code)
	}
	if code := b.call(t, "POST", "/api/v1/documents/preview", fileForm(t, "order.csv", csv, "10001"), &pv); code != http.StatusBadRequest {
		t.Errorf("preview after delete: %d", code)
	}
	var audits int
	b.pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE action LIKE '% /api/v1/customers/:number/sheet-layouts%'`).Scan(&audits)
	if audits < 3 {
		t.Errorf("%d audit entries for layout changes", audits)
	}
}
