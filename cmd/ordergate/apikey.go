package main

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/ordergate/ordergate/auth"
)

// apikey manages API keys: create NAME prints a new key once; list shows
// them; revoke NAME disables one.
func (e *env) apikey(args []string) int {
	fs := e.flags("apikey")
	path := fs.String("config", "", "configuration file (YAML)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	verb, rest := fs.Arg(0), fs.Args()
	if len(rest) > 0 {
		rest = rest[1:]
	}
	if (verb == "create" || verb == "revoke") && len(rest) != 1 || verb == "list" && len(rest) != 0 ||
		verb != "create" && verb != "revoke" && verb != "list" {
		fmt.Fprintln(e.stderr, "usage: ordergate apikey create NAME | list | revoke NAME")
		return 2
	}
	ctx := context.Background()
	_, _, h, err := e.connect(ctx, *path)
	if err != nil {
		return e.fail("apikey", err)
	}
	defer h.Close()
	switch verb {
	case "create":
		key, err := auth.CreateAPIKey(ctx, h.Pool, rest[0])
		if err != nil {
			return e.fail("apikey", err)
		}
		fmt.Fprintf(e.stderr, "API key %q created; it is shown once, store it now:\n", rest[0])
		fmt.Fprintln(e.stdout, key)
	case "revoke":
		if err := auth.RevokeAPIKey(ctx, h.Pool, rest[0]); err != nil {
			return e.fail("apikey", err)
		}
		fmt.Fprintf(e.stdout, "API key %q revoked\n", rest[0])
	case "list":
		keys, err := auth.ListAPIKeys(ctx, h.Pool)
		if err != nil {
			return e.fail("apikey", err)
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tPREFIX\tCREATED\tLAST USED\tSTATE")
		for _, k := range keys {
			used, state := "never", "active"
			if !k.LastUsedAt.IsZero() {
				used = k.LastUsedAt.Format(time.DateTime)
			}
			if k.Revoked {
				state = "revoked"
			}
			fmt.Fprintf(tw, "%s\t%s…\t%s\t%s\t%s\n", k.Name, k.Prefix, k.CreatedAt.Format(time.DateTime), used, state)
		}
		tw.Flush()
	}
	return 0
}
