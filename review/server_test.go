package review

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/ordergate/ordergate/db/dbtest"
	"github.com/ordergate/ordergate/intake"
	"github.com/ordergate/ordergate/parsers"
)

func get(t *testing.T, srv *httptest.Server, path string) (int, string) {
	t.Helper()
	resp, err := http.Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func newServer(t *testing.T, pool *pgxpool.Pool) (*httptest.Server, *prometheus.Registry) {
	reg := prometheus.NewRegistry()
	log := slog.New(slog.DiscardHandler)
	intake.NewMetrics(reg, pool, log)
	srv := httptest.NewServer((&Server{Pool: pool, Log: log, Gatherer: reg}).Handler())
	t.Cleanup(srv.Close)
	return srv, reg
}

func TestOperationalEndpoints(t *testing.T) {
	pool := dbtest.New(t)
	srv, _ := newServer(t, pool)

	if code, body := get(t, srv, "/healthz"); code != 200 || !strings.Contains(body, "ok") {
		t.Fatalf("/healthz = %d %s", code, body)
	}
	if code, body := get(t, srv, "/readyz"); code != 200 {
		t.Fatalf("/readyz = %d %s", code, body)
	}

	// An empty queue and no orders are series at 0, not missing ones
	// (an alert on a missing series never fires).
	_, body := get(t, srv, "/metrics")
	for _, want := range []string{
		`ordergate_jobs{kind="parse_document",state="available"} 0`,
		`ordergate_jobs{kind="deliver_order",state="retryable"} 0`,
		`ordergate_jobs{kind="acknowledge",state="running"} 0`,
		`ordergate_orders{state="review"} 0`,
		`ordergate_documents{channel="email",state="failed"} 0`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics on an empty database lacks %s", want)
		}
	}

	pipe, err := intake.New(intake.Options{Pool: pool, Registry: parsers.NewRegistry()})
	if err != nil {
		t.Fatal(err)
	}
	for _, body := range []string{"one", "two", "one"} {
		if _, err := pipe.Receive(context.Background(), intake.Inbound{Channel: intake.ChannelFile, SourceRef: body, Data: []byte(body)}); err != nil {
			t.Fatal(err)
		}
	}
	code, body := get(t, srv, "/metrics")
	if code != 200 {
		t.Fatalf("/metrics = %d", code)
	}
	for _, want := range []string{
		`ordergate_documents{channel="file",state="received"} 2`,
		`ordergate_documents{channel="file",state="duplicate"} 1`,
		`ordergate_jobs{kind="parse_document",state="available"} 2`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

func TestReadyzFailsWhenMigrationsAreMissing(t *testing.T) {
	pool, err := pgxpool.New(context.Background(), dbtest.NewEmptyURL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	srv := httptest.NewServer((&Server{Pool: pool, Log: slog.New(slog.DiscardHandler), Gatherer: prometheus.NewRegistry()}).Handler())
	defer srv.Close()
	if code, body := get(t, srv, "/readyz"); code != http.StatusServiceUnavailable {
		t.Fatalf("/readyz on an unmigrated database = %d %s, want 503", code, body)
	}
}
