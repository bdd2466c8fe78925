package demo

import (
	"bytes"
	"context"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ordergate/ordergate/catalog"
	"github.com/ordergate/ordergate/db/dbtest"
	"github.com/ordergate/ordergate/erp"
	"github.com/ordergate/ordergate/intake"
	"github.com/ordergate/ordergate/masterdata"
	"github.com/ordergate/ordergate/matching"
	"github.com/ordergate/ordergate/parsers"
	"github.com/ordergate/ordergate/parsers/edifact"
)

// settle waits until every document is parsed or failed and no order is
// still on its way.
func settle(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		var busy int
		err := pool.QueryRow(context.Background(), `SELECT
			(SELECT count(*) FROM documents WHERE state = 'received') +
			(SELECT count(*) FROM orders WHERE state IN ('received', 'matched', 'approved', 'delivering'))`).Scan(&busy)
		if err != nil {
			t.Fatal(err)
		}
		if busy == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d documents or orders still in progress", busy)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestDemoShowsEveryExceptionCode loads the demo master data into
// PostgreSQL and runs every sample document through the real pipeline:
// the clean ones reach the ERP, every other one raises the code it is there
// to show, and between them they raise every code an EDIFACT order can.
func TestDemoShowsEveryExceptionCode(t *testing.T) {
	ctx := context.Background()
	pool := dbtest.New(t)
	if seeded, err := SeedMasterData(ctx, pool); err != nil || !seeded {
		t.Fatalf("seed: %v, %v", seeded, err)
	}
	if seeded, err := SeedMasterData(ctx, pool); err != nil || seeded {
		t.Fatalf("a second seed must do nothing: %v, %v", seeded, err)
	}
	log := slog.New(slog.DiscardHandler)
	live := intake.NewLiveCatalog(pool, func(ctx context.Context) (*catalog.Snapshot, int64, error) {
		data, v, err := masterdata.Load(ctx, pool)
		if err != nil {
			return nil, 0, err
		}
		snap, err := catalog.Build(data)
		return snap, v, err
	}, nil, log)
	if err := live.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	conn := erp.NewFileExport(erp.FileConfig{Dir: t.TempDir(), Format: "json"}, log)
	p, err := intake.New(intake.Options{
		Pool: pool, Registry: parsers.NewRegistry(edifact.New()), Workers: 4, Log: log,
		Matcher: &intake.CatalogMatcher{Snapshot: live.Snapshot,
			Now:     func() time.Time { return time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC) },
			Options: matching.Options{SplitDeliveries: erp.CarriesDeliveries(conn)}},
		ERP: conn,
	})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	if err := p.Start(runCtx); err != nil {
		t.Fatal(err)
	}
	defer p.Stop(context.Background())

	files, err := sampleFiles()
	if err != nil || len(files) == 0 {
		t.Fatalf("samples: %d, %v", len(files), err)
	}
	docs := map[int64]Doc{}
	for _, batch := range [][]Doc{append(files, Documents()...), Later()} {
		for _, d := range batch {
			r, err := p.Receive(ctx, intake.Inbound{Channel: intake.ChannelFile, SourceRef: d.Name, FileName: d.Name, Data: d.Data})
			if err != nil || r.Duplicate {
				t.Fatalf("%s: %v (duplicate %v)", d.Name, err, r.Duplicate)
			}
			docs[r.DocumentID] = d
		}
		settle(t, pool)
	}

	seen := map[string]bool{}
	for id, d := range docs {
		orders, err := intake.OrdersOfDocument(ctx, pool, id)
		if err != nil || len(orders) == 0 {
			t.Fatalf("%s: %d orders, %v", d.Name, len(orders), err)
		}
		var codes []string
		for _, o := range orders {
			for _, e := range o.PO.Exceptions {
				codes = append(codes, e.Code)
				seen[e.Code] = true
			}
		}
		switch {
		case d.Applied:
			if orders[0].State != intake.StateApplied {
				t.Errorf("%s should be applied to its original: %s %v %s", d.Name, orders[0].State, codes, orders[0].ReviewReason)
			}
		case d.Shows == "" && (len(codes) != 0 || orders[0].State != intake.StateDelivered):
			t.Errorf("%s should be clean and delivered: %s %v %s", d.Name, orders[0].State, codes, orders[0].ReviewReason)
		case d.Shows != "" && !slices.Contains(codes, d.Shows):
			t.Errorf("%s should show %s, shows %v", d.Name, d.Shows, codes)
		}
		if to := orders[0].PO.DeliverTo; d.Name == "12-clean-ship-to.edi" && (to == nil || to.Code != "B" || to.Address != "Industrieweg 114") {
			t.Errorf("%s should go to site B, goes to %+v", d.Name, to)
		}
	}
	for _, c := range matching.Codes {
		// UNVERIFIED_SENDER needs a mail; SPLIT_DELIVERY an ERP connector
		// that cannot carry split deliveries, which the demo's file export
		// can (45-split-delivery.edi is delivered).
		if !seen[string(c)] && c != matching.UnverifiedSender && c != matching.SplitDelivery {
			t.Errorf("no sample document raises %s", c)
		}
	}
}

func TestMasterDataImportsCleanly(t *testing.T) {
	pool := dbtest.New(t)
	for _, f := range MasterData() {
		res, err := masterdata.Import(context.Background(), pool, f.Kind, bytes.NewReader(f.Data), masterdata.ImportOptions{Format: masterdata.FormatCSV})
		if err != nil {
			t.Fatalf("%s: %v", f.Kind, err)
		}
		if res.Rows == 0 {
			t.Errorf("%s: no rows", f.Kind)
		}
	}
	data, _, err := masterdata.Load(context.Background(), pool)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := catalog.Build(data)
	if err != nil {
		t.Fatal(err)
	}
	if snap.NumItems() != numItems || snap.NumCustomers() != numCusts {
		t.Fatalf("items %d customers %d", snap.NumItems(), snap.NumCustomers())
	}
}
