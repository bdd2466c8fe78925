// Package demo makes a fresh ordergate show what it does: a catering
// wholesaler's master data (thousands of items with valid GTINs and pack
// sizes, dozens of customers with cross-references, prices, assortments and
// stock in several warehouses) and sample EDIFACT orders that between them
// reach the ERP untouched or raise every exception code.
package demo

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ordergate/ordergate/auth"
)

// samples are hand-written partner files, read as they are.
//
//go:embed samples
var samples embed.FS

// Seed writes the sample documents into the drop folder when the database
// holds no documents yet, and returns how many it wrote. Each file is
// written under a temporary name and renamed into place, as any
// well-behaved sender does.
func Seed(ctx context.Context, pool *pgxpool.Pool, dropDir string) (int, error) {
	var any bool
	if err := pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM documents)`).Scan(&any); err != nil {
		return 0, fmt.Errorf("demo: %w", err)
	}
	if any {
		return 0, nil
	}
	docs, err := sampleFiles()
	if err != nil {
		return 0, err
	}
	return drop(dropDir, append(docs, Documents()...))
}

// SeedLater waits until the first documents are through the pipeline, then
// drops the ones that build on them (a cancellation of an order already in
// the ERP). It returns when done or when ctx ends.
func SeedLater(ctx context.Context, pool *pgxpool.Pool, dropDir string) (int, error) {
	for {
		var busy bool
		err := pool.QueryRow(ctx, `SELECT
			NOT EXISTS (SELECT 1 FROM documents) OR
			EXISTS (SELECT 1 FROM documents WHERE state = 'received') OR
			EXISTS (SELECT 1 FROM orders WHERE state IN ('received', 'matched', 'approved', 'delivering'))`).Scan(&busy)
		if err != nil {
			return 0, fmt.Errorf("demo: %w", err)
		}
		if !busy {
			break
		}
		select {
		case <-ctx.Done():
			return 0, nil
		case <-time.After(time.Second):
		}
	}
	var done bool
	err := pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM documents WHERE file_name = $1)`, Later()[0].Name).Scan(&done)
	if err != nil || done {
		return 0, err
	}
	return drop(dropDir, Later())
}

func sampleFiles() ([]Doc, error) {
	entries, err := fs.ReadDir(samples, "samples")
	if err != nil {
		return nil, err
	}
	var docs []Doc
	for _, e := range entries {
		b, err := fs.ReadFile(samples, "samples/"+e.Name())
		if err != nil {
			return nil, err
		}
		docs = append(docs, Doc{Name: e.Name(), Data: b})
	}
	return docs, nil
}

func drop(dir string, docs []Doc) (int, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return 0, fmt.Errorf("demo: %w", err)
	}
	for i, d := range docs {
		tmp := filepath.Join(dir, "."+d.Name+".tmp")
		if err := os.WriteFile(tmp, d.Data, 0o640); err != nil {
			return i, fmt.Errorf("demo: %w", err)
		}
		if err := os.Rename(tmp, filepath.Join(dir, d.Name)); err != nil {
			return i, fmt.Errorf("demo: %w", err)
		}
	}
	return len(docs), nil
}

// Demo desk user: the demo's login for the review UI.
const (
	DeskUser     = "desk"
	DeskPassword = "ordergate-demo"
)

// EnsureDeskUser creates the demo's desk user (an admin, so every screen
// can be seen) unless it exists. It is for the demo only: a real
// installation adds its users with `ordergate user add`.
func EnsureDeskUser(ctx context.Context, pool *pgxpool.Pool) error {
	if _, err := auth.GetUser(ctx, pool, DeskUser); err == nil {
		return nil
	}
	return auth.AddUser(ctx, pool, DeskUser, DeskPassword, auth.RoleAdmin)
}
