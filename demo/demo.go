// Package demo seeds a fresh ordergate with sample documents so that
// `ordergate demo` shows every stage on a new machine.
package demo

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/jackc/pgx/v5/pgxpool"
)

//go:embed samples
var samples embed.FS

// Seed writes the sample documents into the drop folder when the database
// holds no documents yet, and returns how many it wrote. Each file is
// written under a temporary name and renamed into place, as any well-behaved
// sender does.
func Seed(ctx context.Context, pool *pgxpool.Pool, dropDir string) (int, error) {
	var any bool
	if err := pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM documents)`).Scan(&any); err != nil {
		return 0, fmt.Errorf("demo: %w", err)
	}
	if any {
		return 0, nil
	}
	if err := os.MkdirAll(dropDir, 0o750); err != nil {
		return 0, fmt.Errorf("demo: %w", err)
	}
	entries, err := fs.ReadDir(samples, "samples")
	if err != nil {
		return 0, err
	}
	n := 0
	for _, e := range entries {
		b, err := fs.ReadFile(samples, "samples/"+e.Name())
		if err != nil {
			return n, err
		}
		tmp := filepath.Join(dropDir, "."+e.Name()+".tmp")
		if err := os.WriteFile(tmp, b, 0o640); err != nil {
			return n, fmt.Errorf("demo: %w", err)
		}
		if err := os.Rename(tmp, filepath.Join(dropDir, e.Name())); err != nil {
			return n, fmt.Errorf("demo: %w", err)
		}
		n++
	}
	return n, nil
}
