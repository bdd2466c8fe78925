// Package db opens ordergate's PostgreSQL database and applies its
// migrations: ordergate's own (goose, embedded from migrations/) and River's
// job tables (rivermigrate).
package db

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	embeddedpostgres "github.com/fergusstrange/embedded-postgres"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// ErrNotFound is returned by data functions when a row does not exist.
var ErrNotFound = errors.New("not found")

// Executor is what data functions take: a pool or a transaction, so that a
// caller can compose one transaction (state change plus job enqueue).
type Executor interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// LocalURL is tried when no DATABASE_URL is configured.
const LocalURL = "postgres://postgres@localhost:5432/ordergate?sslmode=disable"

// embeddedPort is the port of the embedded server, chosen away from 5432 so
// that it never collides with a system PostgreSQL.
const embeddedPort = 54329

// Handle is an open database and whatever must be stopped with it.
type Handle struct {
	Pool     *pgxpool.Pool
	URL      string // the URL in use, for logs (password masked)
	embedded *embeddedpostgres.EmbeddedPostgres
}

// Close closes the pool and stops an embedded server.
func (h *Handle) Close() {
	h.Pool.Close()
	if h.embedded != nil {
		_ = h.embedded.Stop()
	}
}

// Open picks the database: url when set; else a server on localhost:5432
// (creating the ordergate database there if missing); else an embedded
// PostgreSQL using installed binaries with its data under dataDir. When none
// can serve, the error says exactly what to set.
//
// poolSize is the least number of connections the pool may open (the URL's
// pool_max_conns wins when larger): every pipeline worker holds one in its
// transaction, and River, the file drop and master-data notifications need
// their own.
func Open(ctx context.Context, url, dataDir string, poolSize int, log *slog.Logger) (*Handle, error) {
	if url != "" {
		pool, err := connect(ctx, url, poolSize)
		if err != nil {
			return nil, fmt.Errorf("db: cannot connect to DATABASE_URL (%s): %w", maskedURL(url), err)
		}
		return &Handle{Pool: pool, URL: maskedURL(url)}, nil
	}
	pool, err := openLocal(ctx, poolSize)
	if err == nil {
		log.Info("using PostgreSQL on localhost:5432", "database", "ordergate")
		return &Handle{Pool: pool, URL: LocalURL}, nil
	}
	localErr := err
	h, err := openEmbedded(ctx, dataDir, poolSize, log)
	if err == nil {
		return h, nil
	}
	return nil, fmt.Errorf("db: no database available.\n"+
		"  - DATABASE_URL is not set;\n"+
		"  - localhost:5432: %v;\n"+
		"  - embedded PostgreSQL: %v.\n"+
		"Set DATABASE_URL=postgres://USER:PASSWORD@HOST:5432/ordergate (or database_url in the config file), "+
		"or start PostgreSQL on localhost:5432", localErr, err)
}

func connect(ctx context.Context, url string, poolSize int) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, err
	}
	cfg.MaxConns = max(cfg.MaxConns, int32(poolSize))
	cfg.ConnConfig.ConnectTimeout = 5 * time.Second
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := pool.Ping(pctx); err != nil {
		pool.Close()
		return nil, err
	}
	return pool, nil
}

// openLocal connects to localhost:5432 and creates the ordergate database on
// first use.
func openLocal(ctx context.Context, poolSize int) (*pgxpool.Pool, error) {
	pool, err := connect(ctx, LocalURL, poolSize)
	if err == nil {
		return pool, nil
	}
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "3D000" { // invalid_catalog_name
		return nil, err
	}
	if err := CreateDatabase(ctx, "postgres://postgres@localhost:5432/postgres?sslmode=disable", "ordergate", ""); err != nil {
		return nil, err
	}
	return connect(ctx, LocalURL, poolSize)
}

// CreateDatabase creates database name on the server at adminURL, optionally
// from a template.
func CreateDatabase(ctx context.Context, adminURL, name, template string) error {
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	sql := "CREATE DATABASE " + pgx.Identifier{name}.Sanitize()
	if template != "" {
		sql += " TEMPLATE " + pgx.Identifier{template}.Sanitize()
	}
	_, err = conn.Exec(ctx, sql)
	return err
}

func openEmbedded(ctx context.Context, dataDir string, poolSize int, log *slog.Logger) (*Handle, error) {
	bin := installedPostgres()
	if bin == "" {
		return nil, errors.New("no installed PostgreSQL binaries found under /usr/lib/postgresql")
	}
	if os.Geteuid() == 0 {
		return nil, errors.New("PostgreSQL refuses to run as root (initdb); run ordergate as an ordinary user")
	}
	if dataDir == "" {
		return nil, errors.New("data_dir is empty")
	}
	abs, err := filepath.Abs(dataDir)
	if err != nil {
		return nil, err
	}
	ep := embeddedpostgres.NewDatabase(embeddedpostgres.DefaultConfig().
		BinariesPath(bin).
		RuntimePath(filepath.Join(abs, "pg-runtime")).
		DataPath(filepath.Join(abs, "pg-data")).
		Port(embeddedPort).
		Database("ordergate").
		Version(embeddedpostgres.PostgresVersion(filepath.Base(bin) + ".0")).
		Logger(nil))
	if err := ep.Start(); err != nil {
		return nil, err
	}
	url := fmt.Sprintf("postgres://postgres:postgres@localhost:%d/ordergate?sslmode=disable", embeddedPort)
	pool, err := connect(ctx, url, poolSize)
	if err != nil {
		_ = ep.Stop()
		return nil, err
	}
	log.Info("using embedded PostgreSQL", "binaries", bin, "data", filepath.Join(abs, "pg-data"), "port", embeddedPort)
	return &Handle{Pool: pool, URL: maskedURL(url), embedded: ep}, nil
}

// installedPostgres returns the newest /usr/lib/postgresql/<major> with a
// bin/pg_ctl, or "".
func installedPostgres() string {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pg_ctl")
	if len(dirs) == 0 {
		return ""
	}
	return filepath.Dir(filepath.Dir(dirs[len(dirs)-1]))
}

func maskedURL(raw string) string {
	cfg, err := pgx.ParseConfig(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return fmt.Sprintf("postgres://%s@%s:%d/%s", cfg.User, cfg.Host, cfg.Port, cfg.Database)
}

// LockKey turns a name ("ordergate.deliver:10001") into a PostgreSQL
// advisory lock key, so that every lock ordergate takes is named the same way.
func LockKey(name string) int64 {
	h := fnv.New64a()
	h.Write([]byte(name))
	return int64(h.Sum64())
}
