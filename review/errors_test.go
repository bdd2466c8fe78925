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
	"github.com/ordergate/ordergate/db/dbtest"
	"github.com/ordergate/ordergate/intake"
	"github.com/ordergate/ordergate/masterdata"
	"github.com/ordergate/ordergate/parsers"
	"github.com/ordergate/ordergate/parsers/edifact"
)

// goInternals are signs of a Go error shown to a client as it is.
var goInternals = []string{"map[", "Go value", "Go struct", "unmarshal", "json:", "intake:", "http:"}

func checkPlain(t *testing.T, what string, body map[string]any) {
	t.Helper()
	msg, _ := body["error"].(string)
	if msg == "" {
		t.Errorf("%s: no error message in %v", what, body)
	}
	for _, bad := range goInternals {
		if strings.Contains(msg, bad) {
			t.Errorf("%s: the message shows Go internals (%q): %q", what, bad, msg)
		}
	}
}

// TestAPIErrorsAClientCanActOn drives the desk actions and a master-data
// push into each kind of failure and checks the status a client can act on:
// 400 for a request that is wrong as sent, 404, 409 only when the order is
// not in a state for the action, 413 naming the limit, 404 and 405 in the
// API's JSON shape, and messages in plain words.
func TestAPIErrorsAClientCanActOn(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pool := dbtest.New(t)
	log := slog.New(slog.DiscardHandler)
	// No matcher configured: every order waits in review, saying so.
	pipe, err := intake.New(intake.Options{Pool: pool, Registry: parsers.NewRegistry(edifact.New()), Workers: 2, Log: log, MaxDocumentBytes: 4096})
	if err != nil {
		t.Fatal(err)
	}
	if err := pipe.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer pipe.Stop(context.Background())
	key, err := auth.CreateAPIKey(ctx, pool, "desk")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer((&Server{Pool: pool, Log: log, Gatherer: prometheus.NewRegistry(), Pipeline: pipe, MaxDocumentBytes: 4096}).Handler())
	defer srv.Close()
	b := &apiBundle{srv: srv, key: key, pipe: pipe, pool: pool}

	doc := "UNA:+.? 'UNB+UNOC:3+5412345000013:14+5498765000017:14+261125:0930+E1'UNH+1+ORDERS:D:96A:UN:EAN008'" +
		"BGM+220+PO-E1+9'DTM+137:20261125:102'NAD+BY+5412345000013::9'LIN+1++5400000000010:SRV'QTY+21:2'UNS+S'UNT+9+1'UNZ+1+E1'"
	if code, body := b.do(t, "POST", "/api/v1/documents?name=po.edi", "application/edifact", strings.NewReader(doc), key); code != http.StatusCreated {
		t.Fatalf("upload = %d %v", code, body)
	}
	id := int64(waitAPIOrder(t, b, "review")["id"].(float64))
	reject := func(body string) (int, map[string]any) {
		return b.do(t, "POST", fmt.Sprintf("/api/v1/orders/%d/reject", id), "application/json", strings.NewReader(body), key)
	}

	for _, tc := range []struct {
		what   string
		do     func() (int, map[string]any)
		status int
		says   string
	}{
		{"a rejection without a reason", func() (int, map[string]any) { return reject(`{"reason": "  "}`) },
			http.StatusBadRequest, "say why the order is rejected"},
		{"a rejection whose reason is not text", func() (int, map[string]any) { return reject(`{"reason": {"x": 1}}`) },
			http.StatusBadRequest, `{"reason": "why the order is rejected"}`},
		{"a rejection of a missing order", func() (int, map[string]any) {
			return b.do(t, "POST", "/api/v1/orders/999999/reject", "application/json", strings.NewReader(`{"reason": "x"}`), key)
		}, http.StatusNotFound, "no order 999999"},
		{"a retry of an order whose delivery never failed", func() (int, map[string]any) {
			return b.do(t, "POST", fmt.Sprintf("/api/v1/orders/%d/retry-delivery", id), "", nil, key)
		}, http.StatusConflict, "is review; only an approved order or one whose delivery failed"},
		{"an upload over the limit", func() (int, map[string]any) {
			return b.do(t, "POST", "/api/v1/documents", "text/plain", strings.NewReader(strings.Repeat("x", 5000)), key)
		}, http.StatusRequestEntityTooLarge, "the limit of 4KiB (limits.max_document_bytes)"},
		{"a multipart upload without the file field", func() (int, map[string]any) {
			return b.do(t, "POST", "/api/v1/documents", "multipart/form-data; boundary=x", strings.NewReader("--x--\r\n"), key)
		}, http.StatusBadRequest, "form field named file"},
		{"a push that is an object, not an array", func() (int, map[string]any) {
			return b.do(t, "PUT", "/api/v1/masterdata/stock", "application/json", strings.NewReader(`{"sku": "A"}`), key)
		}, http.StatusUnprocessableEntity, "must be a JSON array of records"},
		{"a push with an object for a number", func() (int, map[string]any) {
			return b.do(t, "PUT", "/api/v1/masterdata/stock", "application/json",
				strings.NewReader(`[{"sku": "A", "warehouse": "M", "quantity": {"x": 1}}]`), key)
		}, http.StatusUnprocessableEntity, "nothing was changed"},
		{"a push that breaks off", func() (int, map[string]any) {
			return b.do(t, "PUT", "/api/v1/masterdata/stock", "application/json", strings.NewReader(`[{"sku": "A", `), key)
		}, http.StatusUnprocessableEntity, "ends too early"},
		{"an unknown route", func() (int, map[string]any) { return b.do(t, "GET", "/api/v1/ordres", "", nil, key) },
			http.StatusNotFound, "no such route: GET /api/v1/ordres"},
		{"a wrong method", func() (int, map[string]any) {
			return b.do(t, "DELETE", fmt.Sprintf("/api/v1/orders/%d", id), "", nil, key)
		},
			http.StatusMethodNotAllowed, "DELETE is not allowed"},
		{"the rejection, once", func() (int, map[string]any) { return reject(`{"reason": "we do not deliver there"}`) },
			http.StatusOK, ""},
		{"the rejection, twice", func() (int, map[string]any) { return reject(`{"reason": "we do not deliver there"}`) },
			http.StatusConflict, "is rejected; only an order in review can be rejected"},
		{"matching a rejected order again", func() (int, map[string]any) {
			return b.do(t, "POST", fmt.Sprintf("/api/v1/orders/%d/rematch", id), "", nil, key)
		}, http.StatusConflict, "only an order in review can be matched again"},
	} {
		code, body := tc.do()
		if code != tc.status {
			t.Errorf("%s: status %d %v, want %d", tc.what, code, body, tc.status)
			continue
		}
		if tc.says == "" {
			continue
		}
		checkPlain(t, tc.what, body)
		msg, _ := body["error"].(string)
		for _, p := range asSlice(body["problems"]) {
			pm := p.(map[string]any)["message"].(string)
			for _, bad := range goInternals {
				if strings.Contains(pm, bad) {
					t.Errorf("%s: a problem shows Go internals (%q): %q", tc.what, bad, pm)
				}
			}
			msg += " " + pm
		}
		if !strings.Contains(msg, tc.says) {
			t.Errorf("%s: message %q does not say %q", tc.what, msg, tc.says)
		}
	}
}

func asSlice(v any) []any {
	s, _ := v.([]any)
	return s
}

// TestAPIMasterDataPushDeadlockIs503: a push that PostgreSQL picks as the
// victim of a deadlock changed nothing and can simply be sent again; the
// client hears 503 with Retry-After (it heard 400 before, as if its data
// were wrong). The deadlock is made for real: another session holds
// item_units and then waits for the master-data version row that the
// push, which waits for item_units, holds.
func TestAPIMasterDataPushDeadlockIs503(t *testing.T) {
	b := setupAPI(t, 1<<20)
	ctx := context.Background()
	if _, err := masterdata.Import(ctx, b.pool, masterdata.Items, strings.NewReader("sku,description\nA-1,Bolts\n"), masterdata.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	other, err := b.pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Release()
	// The push's backend must be the one that finds the deadlock.
	if _, err := other.Exec(ctx, `SET deadlock_timeout = '30s'`); err != nil {
		t.Fatal(err)
	}
	tx, err := other.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `LOCK TABLE item_units IN SHARE ROW EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	type answer struct {
		code int
		body map[string]any
	}
	done := make(chan answer, 1)
	go func() {
		code, body := b.do(t, "PUT", "/api/v1/masterdata/items", "application/json",
			strings.NewReader(`[{"sku": "A-1", "description": "Bolts", "pack_size": 12}]`), b.key)
		done <- answer{code, body}
	}()
	// Wait until the push waits for item_units, then wait for its version row.
	deadline := time.Now().Add(20 * time.Second)
	for {
		var waiting bool
		if err := b.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
			WHERE NOT l.granted AND c.relname = 'item_units')`).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		if waiting {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the push never waited for item_units")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, err := tx.Exec(ctx, `UPDATE masterdata_version SET changed_at = now()`); err != nil {
		t.Fatalf("the other session lost the deadlock: %v", err)
	}
	a := <-done
	if a.code != http.StatusServiceUnavailable {
		t.Fatalf("push that lost a deadlock = %d %v, want 503", a.code, a.body)
	}
	checkPlain(t, "deadlocked push", a.body)
	if !strings.Contains(a.body["error"].(string), "send the request again") {
		t.Errorf("503 says %q", a.body["error"])
	}
}
