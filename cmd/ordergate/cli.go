package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ordergate/ordergate/config"
	"github.com/ordergate/ordergate/db"
	"github.com/ordergate/ordergate/erp"
	"github.com/ordergate/ordergate/intake"
	"github.com/ordergate/ordergate/parsers"
	"github.com/ordergate/ordergate/parsers/edifact"
	"github.com/ordergate/ordergate/parsers/formats"
	"github.com/ordergate/ordergate/parsers/sheet"
)

// version is set at build time with -ldflags "-X main.version=..."; empty,
// the build info says which build this is (versionString).
var version = ""

const usage = `ordergate: order intake gateway

Usage:
  ordergate serve   [--config FILE] [--addr HOST:PORT]   run the gateway
  ordergate demo    [--config FILE] [--addr HOST:PORT]   run it with demo data and sample documents
  ordergate migrate [--config FILE]                      apply database migrations
  ordergate parse FILE...                                print the orders in files as JSON
  ordergate ingest  [--customer NUMBER] [--wait] FILE... submit files into the pipeline
  ordergate reprocess [--config FILE] ID                 replay a document from its raw bytes
  ordergate import KIND FILE                             load master data (customers, items, ...)
  ordergate user add [--role viewer|clerk|admin] NAME   add a sales desk user (password from stdin, or asked)
  ordergate user list | disable NAME | enable NAME | passwd NAME
  ordergate apikey create|list|revoke [NAME]             manage API keys for /api/v1
  ordergate config  [--config FILE]                      print the resolved configuration
  ordergate version                                      print the version
  ordergate loadtest [--orders N] [--rate R] ...         measure the pipeline end to end (see the README)

DATABASE_URL selects the database everywhere; see the README for the rest.
`

// env is what a command sees of the process.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv}
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	cmds := map[string]func(*env, []string) int{
		"serve":     func(e *env, a []string) int { return e.serve(a, false) },
		"demo":      func(e *env, a []string) int { return e.serve(a, true) },
		"migrate":   (*env).migrate,
		"parse":     (*env).parse,
		"ingest":    (*env).ingest,
		"reprocess": (*env).reprocess,
		"import":    (*env).importData,
		"user":      (*env).user,
		"apikey":    (*env).apikey,
		"config":    (*env).printConfig,
		"version":   (*env).version,
		"loadtest":  (*env).loadtest,
	}
	switch args[0] {
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	cmd, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "ordergate: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	return cmd(e, args[1:])
}

// flags returns a flag set that prints errors to stderr.
func (e *env) flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("ordergate "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	return fs
}

// fail prints an error the way every command does and returns exit code 1.
func (e *env) fail(cmd string, err error) int {
	fmt.Fprintf(e.stderr, "ordergate %s: %v\n", cmd, err)
	return 1
}

func (e *env) loadConfig(path string) (config.Config, error) {
	if path == "" {
		path = e.getenv("ORDERGATE_CONFIG")
	}
	return config.Load(path, e.getenv)
}

func (e *env) logger(cfg config.Config) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.Log.Level))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.Log.Format == "json" {
		return slog.New(slog.NewJSONHandler(e.stderr, opts))
	}
	return slog.New(slog.NewTextHandler(e.stderr, opts))
}

// connect loads the configuration and opens the database, whose schema
// must be current: the start of every command that works on the database
// but does not migrate it (import, ingest, reprocess, apikey). serve, demo
// and migrate call openDB with migrate set.
func (e *env) connect(ctx context.Context, path string) (config.Config, *slog.Logger, *db.Handle, error) {
	cfg, err := e.loadConfig(path)
	if err != nil {
		return config.Config{}, nil, nil, err
	}
	log := e.logger(cfg)
	h, err := e.openDB(ctx, cfg, log, false)
	return cfg, log, h, err
}

// openDB opens the database. With migrate it applies pending migrations
// (serve, demo, migrate); without, it refuses a database that lacks them
// (db.CheckSchema), so that no other command creates or changes the schema
// behind the operator's back.
func (e *env) openDB(ctx context.Context, cfg config.Config, log *slog.Logger, migrate bool) (*db.Handle, error) {
	h, err := db.Open(ctx, cfg.DatabaseURL, cfg.DataDir, 2*cfg.Workers.Pipeline+10, log)
	if err != nil {
		return nil, err
	}
	check := db.CheckSchema
	if migrate {
		check = func(ctx context.Context, pool *pgxpool.Pool) error { return db.Migrate(ctx, pool, log) }
	}
	if err := check(ctx, h.Pool); err != nil {
		h.Close()
		return nil, err
	}
	return h, nil
}

// connector builds the configured ERP connector, or nil when none is
// configured (approved orders then wait in review, saying so).
func connector(cfg config.Config, log *slog.Logger) (erp.Connector, error) {
	if cfg.ERP.Kind == "" {
		return nil, nil
	}
	return erp.New(cfg.ERP, cfg.ERP.HTTPClient(), log)
}

// acks configures the acknowledgements to EDI partners.
func acks(cfg config.Config) *intake.AckOptions {
	if cfg.EDI.OutboundDir == "" {
		return nil
	}
	return &intake.AckOptions{Dir: cfg.EDI.OutboundDir, Contrl: cfg.EDI.Contrl,
		Us: edifact.PartyID{ID: cfg.EDI.InterchangeID, Qualifier: cfg.EDI.Qualifier}, Location: cfg.Matching.Location()}
}

// registry lists the formats this build reads (see formats.Registry),
// with the configured bounds on quantities and prices. A mail's
// attachments are read by the same formats, each by content. layouts,
// when set, gives the sheet parsers the layouts the desk stored per
// customer.
func registry(cfg config.Config, layouts sheet.LayoutSource) *parsers.Registry {
	return formats.Registry(formats.Options{Sheets: sheet.Options{Limits: cfg.Limits.Sheets(), Layouts: layouts},
		Limits: cfg.Limits.Parsers(), Mail: cfg.MailLimits()})
}

func (e *env) version(args []string) int {
	bi, _ := debug.ReadBuildInfo()
	fmt.Fprintf(e.stdout, "ordergate %s\n", versionString(version, bi))
	return 0
}

// versionString says which build this is: the version set at build time
// (-ldflags "-X main.version=..."), else the module version the Go tool
// recorded (v1.2.3 for `go install ...@v1.2.3`, "(devel)" for a build from a
// clone), with the VCS revision and commit time it stamped and whether the
// work tree had changes.
func versionString(set string, bi *debug.BuildInfo) string {
	if set != "" {
		return set
	}
	if bi == nil {
		return "(unknown build)"
	}
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var rev, at string
	modified := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if rev == "" {
		if v == "(devel)" {
			v += " (no revision recorded: built by go run or with -buildvcs=false)"
		}
		return v
	}
	v += " (commit " + rev[:min(12, len(rev))]
	if at != "" {
		v += " of " + at
	}
	if modified {
		v += ", with uncommitted changes"
	}
	return v + ")"
}

func (e *env) printConfig(args []string) int {
	fs := e.flags("config")
	path := fs.String("config", "", "configuration file (YAML)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	cfg, err := e.loadConfig(*path)
	if err != nil {
		return e.fail("config", err)
	}
	fmt.Fprint(e.stdout, cfg.YAML())
	return 0
}

// user belongs to the review UI, which later work adds; until then it
// says so instead of pretending.

func readFileLimited(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%s is larger than the limit of %s (limits.max_document_bytes)", path, config.ByteSize(max))
	}
	return data, nil
}

func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", word)
	}
	return fmt.Sprintf("%d %ss", n, strings.TrimSuffix(word, "s"))
}
