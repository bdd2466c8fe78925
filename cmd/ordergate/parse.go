package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/ordergate/ordergate/order"
	"github.com/ordergate/ordergate/parsers"
)

// parse prints the canonical orders found in files as one JSON array and
// explains every problem on stderr. The format is detected by content; each
// order names its file (source_file). Exit status: 0 when every file read
// cleanly, 1 when any file or message could not be read or an order is over
// limits.max_lines (the orders that could be read are still printed; one
// over the limit with a PARSE_ERROR exception and status review, as the
// pipeline keeps it).
func (e *env) parse(args []string) int {
	fs := e.flags("parse")
	path := fs.String("config", "", "configuration file (YAML), for limits")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(e.stderr, "ordergate parse: name at least one file")
		return 2
	}
	cfg, err := e.loadConfig(*path)
	if err != nil {
		return e.fail("parse", err)
	}
	reg := registry(cfg, nil)
	orders := []order.PurchaseOrder{}
	failed := false
	for _, file := range fs.Args() {
		data, err := readFileLimited(file, int64(cfg.Limits.MaxDocumentBytes))
		if err != nil {
			fmt.Fprintf(e.stderr, "%s: %v\n", file, err)
			failed = true
			continue
		}
		res, err := reg.Parse(context.Background(), parsers.Document{Name: filepath.Base(file), Data: data})
		if err != nil {
			if errors.Is(err, parsers.ErrUnsupported) {
				fmt.Fprintf(e.stderr, "%s: %v (formats read: %v)\n", file, err, reg.Formats())
			} else {
				fmt.Fprintf(e.stderr, "%s: %v\n", file, err)
			}
			failed = true
			continue
		}
		for _, w := range res.Warnings {
			fmt.Fprintf(e.stderr, "%s: warning: %s\n", file, w)
		}
		for _, me := range res.Errors {
			// The parser's message names the message, segment and element.
			fmt.Fprintf(e.stderr, "%s: %s\n", file, me.Message)
			failed = true
		}
		if len(res.Orders) == 0 && len(res.Errors) == 0 {
			fmt.Fprintf(e.stderr, "%s: no orders found\n", file)
			failed = true
		}
		for i := range res.Orders {
			po := &res.Orders[i]
			// Name the file an order came from (and the part of it, for a
			// mail's attachment).
			if po.SourceFile == "" {
				po.SourceFile = file
			} else {
				po.SourceFile = file + ": " + po.SourceFile
			}
			if max := cfg.Limits.MaxLines; max > 0 && len(po.Lines) > max {
				// As the pipeline does: the order is kept as read, for the
				// desk, never matched.
				reason := fmt.Sprintf("the order has %d lines; the limit is %d (limits.max_lines)", len(po.Lines), max)
				fmt.Fprintf(e.stderr, "%s: order %s: %s\n", file, po.PONumber, reason)
				po.Status = "review"
				po.Exceptions = append(po.Exceptions, order.Exception{Code: "PARSE_ERROR", Message: reason})
				failed = true
			}
		}
		orders = append(orders, res.Orders...)
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(orders); err != nil {
		return e.fail("parse", err)
	}
	if failed {
		return 1
	}
	return 0
}
