package main

import (
	"context"
	"fmt"
	"strconv"

	"github.com/ordergate/ordergate/db"
	"github.com/ordergate/ordergate/intake"
)

// migrate applies every pending migration and prints the schema version.
func (e *env) migrate(args []string) int {
	fs := e.flags("migrate")
	path := fs.String("config", "", "configuration file (YAML)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	ctx := context.Background()
	cfg, err := e.loadConfig(*path)
	if err != nil {
		return e.fail("migrate", err)
	}
	h, err := e.openDB(ctx, cfg, e.logger(cfg), true)
	if err != nil {
		return e.fail("migrate", err)
	}
	defer h.Close()
	v, err := db.Version(ctx, h.Pool)
	if err != nil {
		return e.fail("migrate", err)
	}
	fmt.Fprintf(e.stdout, "database %s is at migration %d\n", h.URL, v)
	return 0
}

// reprocess replays a document from its stored raw bytes.
func (e *env) reprocess(args []string) int {
	fs := e.flags("reprocess")
	path := fs.String("config", "", "configuration file (YAML)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(e.stderr, "ordergate reprocess: name one document id")
		return 2
	}
	id, err := strconv.ParseInt(fs.Arg(0), 10, 64)
	if err != nil || id <= 0 {
		fmt.Fprintf(e.stderr, "ordergate reprocess: %q is not a document id\n", fs.Arg(0))
		return 2
	}
	ctx := context.Background()
	cfg, log, h, err := e.connect(ctx, *path)
	if err != nil {
		return e.fail("reprocess", err)
	}
	defer h.Close()
	pipe, err := intake.New(intake.Options{Pool: h.Pool, Registry: registry(cfg, nil), Log: log})
	if err != nil {
		return e.fail("reprocess", err)
	}
	if err := pipe.Reprocess(ctx, id); err != nil {
		return e.fail("reprocess", err)
	}
	fmt.Fprintf(e.stdout, "document %d queued for parsing again\n", id)
	return 0
}
