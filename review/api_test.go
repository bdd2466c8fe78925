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
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/ordergate/ordergate/auth"
	"github.com/ordergate/ordergate/db/dbtest"
	"github.com/ordergate/ordergate/intake"
	"github.com/ordergate/ordergate/parsers"
)

type apiBundle struct {
	srv  *httptest.Server
	key  string
	pipe *intake.Pipeline
	pool *pgxpool.Pool
}

func setupAPI(t *testing.T, maxBytes int64) *apiBundle {
	t.Helper()
	pool := dbtest.New(t)
	log := slog.New(slog.DiscardHandler)
	pipe, err := intake.New(intake.Options{Pool: pool, Registry: parsers.NewRegistry(), Log: log, MaxDocumentBytes: maxBytes})
	if err != nil {
		t.Fatal(err)
	}
	key, err := auth.CreateAPIKey(context.Background(), pool, "test-client")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer((&Server{Pool: pool, Log: log, Gatherer: prometheus.NewRegistry(), Pipeline: pipe, MaxDocumentBytes: maxBytes}).Handler())
	t.Cleanup(srv.Close)
	return &apiBundle{srv: srv, key: key, pipe: pipe, pool: pool}
}

func (b *apiBundle) do(t *testing.T, method, path, ctype string, body io.Reader, key string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, b.srv.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s %s: not JSON: %q", method, path, raw)
	}
	return resp.StatusCode, out
}

func TestAPIRequiresAKey(t *testing.T) {
	b := setupAPI(t, 1<<20)
	for _, r := range []struct{ method, path string }{
		{"POST", "/api/v1/documents"}, {"GET", "/api/v1/documents/1"}, {"GET", "/api/v1/orders"},
		{"GET", "/api/v1/orders/1"}, {"POST", "/api/v1/orders/1/retry-delivery"}, {"POST", "/api/v1/orders/1/reject"},
		{"POST", "/api/v1/orders/1/rematch"}, {"PUT", "/api/v1/masterdata/items"},
		{"POST", "/api/v1/documents/preview"}, {"GET", "/api/v1/items"}, {"POST", "/api/v1/quick-orders"},
		{"GET", "/api/v1/customers/1/sheet-layouts"}, {"PUT", "/api/v1/customers/1/sheet-layouts"},
		{"DELETE", "/api/v1/customers/1/sheet-layouts/1"}, {"GET", "/api/v1/customers/1/links"},
		{"POST", "/api/v1/customers/1/links"}, {"DELETE", "/api/v1/customers/1/links/1"},
	} {
		for _, key := range []string{"", "og_wrong", b.key + "x"} {
			code, body := b.do(t, r.method, r.path, "text/plain", strings.NewReader("x"), key)
			if code != http.StatusUnauthorized || body["error"] == nil {
				t.Errorf("%s %s with key %q = %d %v, want 401", r.method, r.path, key, code, body)
			}
		}
	}
}

func TestAPIUploadAndReadBack(t *testing.T) {
	b := setupAPI(t, 1<<20)
	// Raw body upload.
	code, body := b.do(t, "POST", "/api/v1/documents?customer=10001&name=po.edi", "application/edifact", strings.NewReader("UNA:+.? '"), b.key)
	if code != http.StatusCreated {
		t.Fatalf("upload = %d %v", code, body)
	}
	id := int64(body["document_id"].(float64))
	// The same bytes again: a duplicate, not a second document to process.
	code, body = b.do(t, "POST", "/api/v1/documents", "application/edifact", strings.NewReader("UNA:+.? '"), b.key)
	if code != http.StatusOK || body["duplicate"] != true || int64(body["duplicate_of"].(float64)) != id {
		t.Fatalf("repeat upload = %d %v", code, body)
	}
	dupID := int64(body["document_id"].(float64))
	// Multipart upload.
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "order.csv")
	fw.Write([]byte("sku,qty\nA-1,5\n"))
	mw.WriteField("customer", "10002")
	mw.Close()
	code, body = b.do(t, "POST", "/api/v1/documents", mw.FormDataContentType(), &buf, b.key)
	if code != http.StatusCreated {
		t.Fatalf("multipart upload = %d %v", code, body)
	}
	multiID := int64(body["document_id"].(float64))

	code, body = b.do(t, "GET", "/api/v1/documents/"+jsonID(id), "", nil, b.key)
	if code != 200 || body["state"] != "received" || body["file_name"] != "po.edi" || body["channel"] != "api" {
		t.Fatalf("get document = %d %v", code, body)
	}
	sender := body["sender"].(map[string]any)
	if sender["id"] != "test-client" || sender["kind"] != "api" {
		t.Fatalf("sender = %v", sender)
	}
	if code, _ := b.do(t, "GET", "/api/v1/documents/999999", "", nil, b.key); code != http.StatusNotFound {
		t.Fatalf("missing document = %d", code)
	}
	if code, _ := b.do(t, "GET", "/api/v1/documents/abc", "", nil, b.key); code != http.StatusBadRequest {
		t.Fatalf("bad id = %d", code)
	}
	if code, body := b.do(t, "GET", "/api/v1/orders?status=review", "", nil, b.key); code != 200 || len(body["orders"].([]any)) != 0 {
		t.Fatalf("list orders = %d %v", code, body)
	}
	if code, _ := b.do(t, "GET", "/api/v1/orders?status=bogus", "", nil, b.key); code != http.StatusBadRequest {
		t.Fatalf("bad status = %d", code)
	}
	if code, body := b.do(t, "GET", "/api/v1/orders?status=applied", "", nil, b.key); code != 200 || len(body["orders"].([]any)) != 0 {
		t.Fatalf("list applied changes = %d %v", code, body)
	}
	if code, body := b.do(t, "POST", "/api/v1/orders/999999/rematch", "", nil, b.key); code != http.StatusNotFound || body["error"] != "no order 999999" {
		t.Fatalf("rematch of a missing order = %d %v", code, body)
	}

	// Every request that may change something is in the audit log, with
	// who, what, on what and how it ended; reads are not.
	rows, err := b.pool.Query(context.Background(), `SELECT actor, action, target, status, detail::text FROM audit_log ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var actor, action, target, detail string
		var status int
		if err := rows.Scan(&actor, &action, &target, &status, &detail); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%s|%s|%s|%d|%s", actor, action, target, status, detail))
	}
	want := []string{
		fmt.Sprintf(`test-client|POST /api/v1/documents||201|{"document_id": %d}`, id),
		fmt.Sprintf(`test-client|POST /api/v1/documents||200|{"document_id": %d}`, dupID),
		fmt.Sprintf(`test-client|POST /api/v1/documents||201|{"document_id": %d}`, multiID),
		`test-client|POST /api/v1/orders/:id/rematch|id=999999|404|{}`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("audit log:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestAPIUploadLimits(t *testing.T) {
	b := setupAPI(t, 100)
	code, body := b.do(t, "POST", "/api/v1/documents", "text/csv", strings.NewReader(strings.Repeat("x", 101)), b.key)
	if code != http.StatusRequestEntityTooLarge {
		t.Fatalf("oversized upload = %d %v", code, body)
	}
	code, body = b.do(t, "POST", "/api/v1/documents", "text/csv", strings.NewReader(strings.Repeat("x", 1<<20)), b.key)
	if code != http.StatusRequestEntityTooLarge {
		t.Fatalf("far oversized upload = %d %v", code, body)
	}
	code, body = b.do(t, "POST", "/api/v1/documents", "text/csv", strings.NewReader(""), b.key)
	if code != http.StatusBadRequest || !strings.Contains(body["error"].(string), "empty") {
		t.Fatalf("empty upload = %d %v", code, body)
	}
}

func jsonID(id int64) string {
	b, _ := json.Marshal(id)
	return string(b)
}

func TestAPIMasterDataPush(t *testing.T) {
	b := setupAPI(t, 1<<20)
	code, body := b.do(t, "PUT", "/api/v1/masterdata/customers", "application/json",
		strings.NewReader(`[{"number":"10001","name":"Brasserie Demo SA","gln":"5412345000013","credit_limit":"5000"}]`), b.key)
	if code != 200 || body["records"] != float64(1) || body["version"] == nil {
		t.Fatalf("push customers = %d %v", code, body)
	}
	code, body = b.do(t, "PUT", "/api/v1/masterdata/items", "application/json",
		strings.NewReader(`[{"sku":"COF-1000","description":"Espresso beans 1 kg","gtin":"5400000000010"}]`), b.key)
	if code != 200 {
		t.Fatalf("push items = %d %v", code, body)
	}
	code, body = b.do(t, "PUT", "/api/v1/masterdata/stock", "application/json",
		strings.NewReader(`[{"sku":"COF-1000","warehouse":"MAIN","quantity":12},{"sku":"NOPE","warehouse":"MAIN","quantity":"x"}]`), b.key)
	if code != http.StatusUnprocessableEntity {
		t.Fatalf("bad stock push = %d %v", code, body)
	}
	problems, _ := body["problems"].([]any)
	if len(problems) == 0 || !strings.Contains(body["error"].(string), "nothing was changed") {
		t.Fatalf("bad stock push must name the problems: %v", body)
	}
	if code, _ := b.do(t, "PUT", "/api/v1/masterdata/planets", "application/json", strings.NewReader(`[]`), b.key); code != http.StatusNotFound {
		t.Fatalf("unknown kind = %d", code)
	}
	if code, _ := b.do(t, "PUT", "/api/v1/masterdata/stock", "application/json", strings.NewReader(`[]`), ""); code != http.StatusUnauthorized {
		t.Fatalf("push without a key = %d", code)
	}
}
