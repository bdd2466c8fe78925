package review

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/ordergate/ordergate/auth"
	"github.com/ordergate/ordergate/db/dbtest"
	"github.com/ordergate/ordergate/intake"
	"github.com/ordergate/ordergate/parsers"
	"github.com/ordergate/ordergate/parsers/edifact"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// bigOrder is an EDIFACT ORDERS message with n lines.
func bigOrder(po string, n int) string {
	var b strings.Builder
	b.WriteString("UNA:+.? 'UNB+UNOC:3+5412345000013:14+5498765000017:14+261125:0930+" + po + "'UNH+1+ORDERS:D:96A:UN:EAN008'" +
		"BGM+220+" + po + "+9'DTM+137:20261125:102'NAD+BY+5412345000013::9'")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "LIN+%d++5400000000010:SRV'QTY+21:%d'", i, i%7+1)
	}
	fmt.Fprintf(&b, "UNS+S'UNT+%d+1'UNZ+1+%s'", 6+2*n, po)
	return b.String()
}

// TestAPIListsFailedDocumentsAndOrderSummaries: documents that never became
// an order are listed newest first in keyset pages and logged at WARN; the
// order list gives summaries (a 20,000-line order was 6.6 MB in the list),
// the order route the whole order.
func TestAPIListsFailedDocumentsAndOrderSummaries(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pool := dbtest.New(t)
	var logs lockedBuffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	pipe, err := intake.New(intake.Options{Pool: pool, Registry: parsers.NewRegistry(edifact.New()), Workers: 2, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	if err := pipe.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer pipe.Stop(context.Background())
	pipe.LogFailedDocuments(ctx)
	key, err := auth.CreateAPIKey(ctx, pool, "ops")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer((&Server{Pool: pool, Log: log, Gatherer: prometheus.NewRegistry(), Pipeline: pipe, MaxDocumentBytes: 4 << 20}).Handler())
	defer srv.Close()
	b := &apiBundle{srv: srv, key: key, pipe: pipe, pool: pool}

	upload := func(name, body string) int64 {
		t.Helper()
		code, out := b.do(t, "POST", "/api/v1/documents?name="+name, "application/octet-stream", strings.NewReader(body), key)
		if code != http.StatusCreated {
			t.Fatalf("upload %s = %d %v", name, code, out)
		}
		return int64(out["document_id"].(float64))
	}
	first := upload("note.txt", "please send cups")
	upload("big.edi", bigOrder("PO-BIG", 20000))
	second := upload("scan.pdf", "%PDF-1.4 an order, scanned")
	waitDocs := func(state string, n int) []any {
		t.Helper()
		deadline := time.Now().Add(60 * time.Second)
		for {
			code, body := b.do(t, "GET", "/api/v1/documents?state="+state, "", nil, key)
			if code != 200 {
				t.Fatalf("list documents = %d %v", code, body)
			}
			if docs := body["documents"].([]any); len(docs) >= n {
				return docs
			}
			if time.Now().After(deadline) {
				t.Fatalf("fewer than %d documents %s", n, state)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	docs := waitDocs("failed", 2)
	if len(docs) != 2 || docs[0].(map[string]any)["id"] != float64(second) || docs[1].(map[string]any)["id"] != float64(first) {
		t.Fatalf("failed documents = %v, want %d then %d", docs, second, first)
	}
	if r := docs[0].(map[string]any)["reason"].(string); !strings.Contains(r, "PDF document") {
		t.Errorf("reason = %q", r)
	}
	// Keyset pages: one at a time.
	code, page := b.do(t, "GET", "/api/v1/documents?state=failed&limit=1", "", nil, key)
	if code != 200 || len(page["documents"].([]any)) != 1 || page["documents"].([]any)[0].(map[string]any)["id"] != float64(second) {
		t.Fatalf("first page = %d %v", code, page)
	}
	code, page = b.do(t, "GET", fmt.Sprintf("/api/v1/documents?state=failed&limit=1&before=%d", second), "", nil, key)
	if code != 200 || len(page["documents"].([]any)) != 1 || page["documents"].([]any)[0].(map[string]any)["id"] != float64(first) {
		t.Fatalf("second page = %d %v", code, page)
	}
	if code, body := b.do(t, "GET", "/api/v1/documents?state=broken", "", nil, key); code != http.StatusBadRequest {
		t.Errorf("unknown state = %d %v", code, body)
	}
	for _, id := range []int64{first, second} {
		line := fmt.Sprintf(`level=WARN msg="document failed: no order could be read from it" document=%d`, id)
		deadline := time.Now().Add(10 * time.Second)
		for !strings.Contains(logs.String(), line) {
			if time.Now().After(deadline) {
				t.Fatalf("no WARN line for failed document %d:\n%s", id, logs.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
	}

	// The big order: a summary in the list, every line on its own route.
	order := waitAPIOrder(t, b, "review")
	id := int64(order["id"].(float64))
	if n := len(order["lines"].([]any)); n != 20000 {
		t.Fatalf("GET order has %d lines, want 20000", n)
	}
	req, _ := http.NewRequest("GET", srv.URL+"/api/v1/orders?status=review", nil)
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if len(raw) > 2000 {
		t.Errorf("the order list is %d bytes for one order; a summary is far smaller", len(raw))
	}
	code, list := b.do(t, "GET", "/api/v1/orders?status=review", "", nil, key)
	s := list["orders"].([]any)[0].(map[string]any)
	if code != 200 || s["id"] != float64(id) || s["number_of_lines"] != float64(20000) || s["po_number"] != "PO-BIG" ||
		s["format"] != "edifact" || s["status"] != "review" || s["lines"] != nil || s["exception_codes"] == nil {
		t.Errorf("summary = %v", s)
	}
}
