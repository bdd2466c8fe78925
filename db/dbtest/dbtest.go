// Package dbtest gives each test its own PostgreSQL database, copied from a
// migrated template, on the real server the suite runs against. There is no
// fallback and no skip: a test suite that cannot reach PostgreSQL fails and
// says which variable to set.
package dbtest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ordergate/ordergate/db"
	"github.com/ordergate/ordergate/migrations"
)

// AdminURL is the server the tests use: ORDERGATE_TEST_DATABASE_URL, else
// the local server on 127.0.0.1:5432 as user postgres. It must allow
// CREATE DATABASE.
func AdminURL() string {
	if u := os.Getenv("ORDERGATE_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

var (
	templateOnce sync.Once
	templateName string
	templateErr  error
)

// lockKey serialises template creation and copying across the parallel
// test processes of one `go test ./...`.
const lockKey = 7_420_431_001

// NewURL creates a fresh, migrated database and returns its URL; it is
// dropped when the test ends.
func NewURL(tb testing.TB) string {
	tb.Helper()
	return create(tb, true)
}

// NewEmptyURL creates a fresh database with no tables at all, for tests of
// what a first start does; it is dropped when the test ends.
func NewEmptyURL(tb testing.TB) string {
	tb.Helper()
	return create(tb, false)
}

func create(tb testing.TB, migrated bool) string {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	admin, err := pgx.Connect(ctx, AdminURL())
	if err != nil {
		tb.Fatalf("dbtest: cannot reach PostgreSQL at %s: %v\n"+
			"Start it (DEVELOPERS.md) or set ORDERGATE_TEST_DATABASE_URL to a server where this user may CREATE DATABASE.", AdminURL(), err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "SELECT pg_advisory_lock($1)", lockKey); err != nil {
		tb.Fatal(err)
	}
	name := "ogtest_" + randomHex(6)
	sql := "CREATE DATABASE " + name
	if migrated {
		templateOnce.Do(func() { templateName, templateErr = ensureTemplate(ctx, admin) })
		if templateErr != nil {
			_, _ = admin.Exec(ctx, "SELECT pg_advisory_unlock($1)", lockKey)
			tb.Fatalf("dbtest: template database: %v", templateErr)
		}
		sql += " TEMPLATE " + templateName
	}
	_, err = admin.Exec(ctx, sql)
	_, _ = admin.Exec(ctx, "SELECT pg_advisory_unlock($1)", lockKey)
	if err != nil {
		tb.Fatalf("dbtest: create database: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, AdminURL())
		if err != nil {
			tb.Logf("dbtest: drop %s: %v", name, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			tb.Logf("dbtest: drop %s: %v", name, err)
		}
	})
	return withDatabase(AdminURL(), name)
}

// New returns a pool on a fresh, migrated database, closed when the test ends.
func New(tb testing.TB) *pgxpool.Pool {
	tb.Helper()
	cfg, err := pgxpool.ParseConfig(NewURL(tb))
	if err != nil {
		tb.Fatal(err)
	}
	cfg.MaxConns = 20 // as the binary's pool: workers hold connections in their transactions
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(pool.Close)
	return pool
}

// ensureTemplate creates (once per migration set) a database with every
// migration applied. Its name carries a hash of the migrations, so a change
// to them makes a new template instead of reusing a stale one.
func ensureTemplate(ctx context.Context, admin *pgx.Conn) (string, error) {
	h := sha256.New()
	err := fs.WalkDir(migrations.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(migrations.FS, path)
		h.Write([]byte(path))
		h.Write(b)
		return err
	})
	if err != nil {
		return "", err
	}
	name := "ogtmpl_" + hex.EncodeToString(h.Sum(nil))[:16]
	var exists bool
	if err := admin.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return "", err
	}
	if exists {
		return name, nil
	}
	build := name + "_build"
	_, _ = admin.Exec(ctx, "DROP DATABASE IF EXISTS "+build+" WITH (FORCE)")
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+build); err != nil {
		return "", err
	}
	pool, err := pgxpool.New(ctx, withDatabase(AdminURL(), build))
	if err != nil {
		return "", err
	}
	err = db.Migrate(ctx, pool, slog.New(slog.DiscardHandler))
	pool.Close()
	if err != nil {
		return "", err
	}
	// Renaming after a complete build means a crashed run never leaves a
	// half-migrated template behind under the real name.
	if _, err := admin.Exec(ctx, "ALTER DATABASE "+build+" RENAME TO "+name); err != nil {
		return "", err
	}
	return name, nil
}

// withDatabase returns raw with its database name replaced.
func withDatabase(raw, name string) string {
	u, err := url.Parse(raw)
	if err != nil {
		panic(fmt.Sprintf("dbtest: bad URL %q: %v", raw, err))
	}
	u.Path = "/" + name
	return u.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
