package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/ordergate/ordergate/catalog"
	"github.com/ordergate/ordergate/config"
	"github.com/ordergate/ordergate/db"
	"github.com/ordergate/ordergate/erp"
	"github.com/ordergate/ordergate/intake"
	"github.com/ordergate/ordergate/mailer"
	"github.com/ordergate/ordergate/masterdata"
	"github.com/ordergate/ordergate/matching"
)

// recoverMargin is added to the ERP request timeout before a delivery cut
// off by a crash is taken up again: the ERP may take a moment to finish a
// request whose client went away.
const recoverMargin = 5 * time.Second

// gateway is what serve, demo and ingest run: the live master-data catalog
// and the pipeline over it.
type gateway struct {
	live *intake.LiveCatalog
	pipe *intake.Pipeline
}

// newGateway builds the pipeline with everything the configuration sets
// up: parsers, matching on the live catalog, the ERP connector and EDI
// acknowledgements. workers 0 makes an insert-only pipeline.
func newGateway(cfg config.Config, h *db.Handle, log *slog.Logger, workers int, reg prometheus.Registerer) (*gateway, error) {
	conn, err := connector(cfg, log)
	if err != nil {
		return nil, err
	}
	var mail intake.Mailer
	if cfg.Mail.Addr != "" {
		m, err := mailer.New(cfg.Mail)
		if err != nil {
			return nil, err
		}
		mail = m
	}
	live := intake.NewLiveCatalog(h.Pool,
		func(ctx context.Context) (*catalog.Snapshot, int64, error) {
			return masterdata.Snapshot(ctx, h.Pool, cfg.Matching.Currency)
		},
		func(ctx context.Context) (int64, error) { return masterdata.Version(ctx, h.Pool) },
		log)
	opts := intake.Options{
		Pool:             h.Pool,
		Registry:         registry(cfg, intake.SheetLayouts{Pool: h.Pool}),
		Log:              log,
		MaxDocumentBytes: int64(cfg.Limits.MaxDocumentBytes),
		MaxLines:         cfg.Limits.MaxLines,
		Workers:          workers,
		DeliveryWorkers:  cfg.Workers.Delivery,
		JobTimeout:       cfg.Workers.JobTimeout,
		RescueAfter:      cfg.Workers.RescueAfter,
		// A delivery cut off by a crash is taken up once its request can
		// no longer be under way at our end (see README, erp.timeout).
		Delivery: intake.DeliveryOptions{Backoff: cfg.Workers.RetryBackoff,
			RecoverAfter: cfg.ERP.RequestTimeout() + recoverMargin},
		ERP:    conn,
		Acks:   acks(cfg),
		Mailer: mail,
		Matcher: &intake.CatalogMatcher{
			Snapshot: live.Snapshot,
			Version:  live.Version,
			Location: cfg.Matching.Location(),
			Options: matching.Options{
				Warehouse:   cfg.Matching.Warehouse,
				IgnoreStock: cfg.Matching.IgnoreStock,
				MaxLeadDays: cfg.Matching.MaxLeadDays,
				// A line split over several places waits for the desk
				// unless the connector sends the parts (SPLIT_DELIVERY).
				SplitDeliveries: erp.CarriesDeliveries(conn),
			},
		},
	}
	if reg != nil {
		opts.Metrics = intake.NewMetrics(reg, h.Pool, log)
		reg.MustRegister(live)
	}
	pipe, err := intake.New(opts)
	if err != nil {
		return nil, err
	}
	return &gateway{live: live, pipe: pipe}, nil
}
