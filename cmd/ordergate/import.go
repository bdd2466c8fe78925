package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ordergate/ordergate/intake"
	"github.com/ordergate/ordergate/masterdata"
)

// importAttempts is how often an import that met a passing database
// failure is tried in all.
const importAttempts = 5

// importRetrying runs an import again while it fails for a reason that
// passes by itself (a deadlock with another import, a lost connection:
// intake.Transient). Such a failure rolled everything back, so trying
// again is safe; it waits 1s, 2s, 4s, 8s in between and says so.
func importRetrying(ctx context.Context, stderr io.Writer, imp func() (masterdata.ImportResult, error)) (masterdata.ImportResult, error) {
	wait := time.Second
	for attempt := 1; ; attempt++ {
		res, err := imp()
		if err == nil || !intake.Transient(err) || attempt == importAttempts {
			return res, err
		}
		fmt.Fprintf(stderr, "ordergate import: the database could not finish the import (%v); nothing was changed, trying again in %s\n", err, wait)
		select {
		case <-ctx.Done():
			return res, err
		case <-time.After(wait):
		}
		wait *= 2
	}
}

// importData loads one master-data file: ordergate import KIND FILE. The
// file is CSV or XLSX (detected, or --format), with a header row; the whole
// file is imported or, on any bad row, nothing.
func (e *env) importData(args []string) int {
	fs := e.flags("import")
	path := fs.String("config", "", "configuration file (YAML)")
	format := fs.String("format", "", "csv or xlsx (default: detected from the content)")
	quiet := fs.Bool("quiet", false, "no progress bar")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	kinds := make([]string, len(masterdata.Kinds))
	for i, k := range masterdata.Kinds {
		kinds[i] = string(k)
	}
	if fs.NArg() != 2 {
		fmt.Fprintf(e.stderr, "usage: ordergate import KIND FILE\nKIND is one of: %s\n", strings.Join(kinds, ", "))
		return 2
	}
	kind, ok := masterdata.ParseKind(fs.Arg(0))
	if !ok {
		fmt.Fprintf(e.stderr, "ordergate import: %q is not a kind of master data; use one of: %s\n", fs.Arg(0), strings.Join(kinds, ", "))
		return 2
	}
	var f masterdata.Format
	switch strings.ToLower(*format) {
	case "":
	case "csv":
		f = masterdata.FormatCSV
	case "xlsx":
		f = masterdata.FormatXLSX
	default:
		fmt.Fprintf(e.stderr, "ordergate import: --format %q is not csv or xlsx\n", *format)
		return 2
	}
	ctx := context.Background()
	cfg, _, h, err := e.connect(ctx, *path)
	if err != nil {
		return e.fail("import", err)
	}
	defer h.Close()
	// Master-data files are far larger than order sheets: they keep the
	// package's own limits (masterdata.DefaultMaxRows, DefaultUnzipLimit).
	opts := masterdata.ImportOptions{Format: f, ReportLag: cfg.Matching.ERPReportLag}
	if !*quiet {
		opts.Progress = e.stderr
	}
	res, err := importRetrying(ctx, e.stderr, func() (masterdata.ImportResult, error) {
		return masterdata.ImportFile(ctx, h.Pool, kind, fs.Arg(1), opts)
	})
	if err != nil {
		return e.fail("import", err)
	}
	fmt.Fprintf(e.stdout, "imported %s into %s from %s (master data version %d)\n", plural(int(res.Rows), "row"), kind, fs.Arg(1), res.Version)
	return 0
}
