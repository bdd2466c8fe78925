package main

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/ordergate/ordergate/config"
	"github.com/ordergate/ordergate/db"
	"github.com/ordergate/ordergate/demo"
	"github.com/ordergate/ordergate/erp"
)

// demoDefaults gives the demo what a real installation configures: a drop
// folder to watch and, unless an ERP is configured, a file export that
// stands in for the ERP, so clean orders go all the way.
func demoDefaults(cfg *config.Config) {
	if len(cfg.Sources.FileDrop) == 0 {
		cfg.Sources.FileDrop = []config.FileDrop{{Dir: filepath.Join(cfg.DataDir, "drop"), Rescan: 2 * time.Second, StableFor: time.Second}}
	}
	if cfg.ERP.Kind == "" {
		dir := filepath.Join(cfg.DataDir, "erp-outbox")
		_ = os.MkdirAll(dir, 0o750) // a failure shows as the config error naming erp.file.dir
		cfg.ERP = erp.Config{Kind: erp.KindFile, File: erp.FileConfig{Dir: dir, Format: "json"}}
	}
}

// seedDemo loads the demo master data and drops the sample documents into
// an empty installation; the documents that build on the first ones follow
// in the background once those are through.
func (e *env) seedDemo(ctx context.Context, cfg config.Config, h *db.Handle, log *slog.Logger, bg *sync.WaitGroup) error {
	seeded, err := demo.SeedMasterData(ctx, h.Pool)
	if err != nil {
		return err
	}
	if err := demo.EnsureDeskUser(ctx, h.Pool); err != nil {
		return err
	}
	dir := cfg.Sources.FileDrop[0].Dir
	n, err := demo.Seed(ctx, h.Pool, dir)
	if err != nil {
		return err
	}
	log.Info("demo ready", "master_data_loaded", seeded, "sample_documents", n, "drop_folder", dir,
		"erp", cfg.ERP.Kind, "erp_outbox", cfg.ERP.File.Dir)
	bg.Go(func() {
		if n, err := demo.SeedLater(ctx, h.Pool, dir); err != nil {
			log.Error("demo: later documents", "err", err)
		} else if n > 0 {
			log.Info("demo: dropped the documents that build on the first ones", "documents", n)
		}
	})
	return nil
}
