package db

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/ordergate/ordergate/migrations"
)

// Migrate applies River's job-table migrations and then ordergate's own.
// Several processes may start at once: goose takes a PostgreSQL session lock
// and River's migrator runs each step in a transaction, so concurrent
// starts serialise instead of failing.
//
// River's migrator logs each of its steps at INFO; it is given only WARN
// and above, and what it applied is logged here once.
func Migrate(ctx context.Context, pool *pgxpool.Pool, log *slog.Logger) error {
	quiet := slog.New(minLevel{log.Handler(), slog.LevelWarn})
	rm, err := rivermigrate.New(riverpgxv5.New(pool), &rivermigrate.Config{Logger: quiet})
	if err != nil {
		return fmt.Errorf("db: river migrator: %w", err)
	}
	rres, err := rm.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		return fmt.Errorf("db: river migrations: %w", err)
	}
	if len(rres.Versions) > 0 {
		log.Info("applied River job-queue migrations", "count", len(rres.Versions), "to", rres.Versions[len(rres.Versions)-1].Version)
	}
	p, closeDB, err := provider(pool)
	if err != nil {
		return err
	}
	defer closeDB()
	res, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("db: migrations: %w", err)
	}
	for _, r := range res {
		log.Info("applied migration", "version", r.Source.Version, "file", r.Source.Path, "took", r.Duration)
	}
	return nil
}

// ErrSchema is returned by CheckSchema for a database that is not migrated
// to this build (or not at all); the message says to run ordergate migrate.
var ErrSchema = errors.New("db: the database schema is not current")

// CheckSchema makes sure the database has every migration of this build,
// changing nothing: the commands other than serve, demo and migrate refuse
// to work on a database without the schema (instead of silently creating
// it, as they did) or with an older one.
func CheckSchema(ctx context.Context, pool *pgxpool.Pool) error {
	var present bool
	if err := pool.QueryRow(ctx, `SELECT to_regclass('goose_db_version') IS NOT NULL AND to_regclass('river_migration') IS NOT NULL`).Scan(&present); err != nil {
		return fmt.Errorf("db: schema check: %w", err)
	}
	if !present {
		return fmt.Errorf("%w: the database has no ordergate tables yet; run ordergate migrate first (serve and demo also migrate on start)", ErrSchema)
	}
	ok, err := MigrationsCurrent(ctx, pool)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("%w: it is older than this ordergate; run ordergate migrate first", ErrSchema)
	}
	return nil
}

// minLevel passes on records from min up.
type minLevel struct {
	slog.Handler
	min slog.Level
}

func (h minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

func (h minLevel) WithAttrs(as []slog.Attr) slog.Handler {
	return minLevel{h.Handler.WithAttrs(as), h.min}
}

func (h minLevel) WithGroup(name string) slog.Handler {
	return minLevel{h.Handler.WithGroup(name), h.min}
}

// MigrationsCurrent reports whether every migration (ordergate's and
// River's) has been applied; /readyz uses it.
func MigrationsCurrent(ctx context.Context, pool *pgxpool.Pool) (bool, error) {
	p, closeDB, err := provider(pool)
	if err != nil {
		return false, err
	}
	defer closeDB()
	pending, err := p.HasPending(ctx)
	if err != nil {
		return false, fmt.Errorf("db: migration status: %w", err)
	}
	if pending {
		return false, nil
	}
	rm, err := rivermigrate.New(riverpgxv5.New(pool), nil)
	if err != nil {
		return false, err
	}
	v, err := rm.Validate(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("db: river migration status: %w", err)
	}
	return v.OK, nil
}

// Version returns the newest applied ordergate migration.
func Version(ctx context.Context, pool *pgxpool.Pool) (int64, error) {
	p, closeDB, err := provider(pool)
	if err != nil {
		return 0, err
	}
	defer closeDB()
	return p.GetDBVersion(ctx)
}

func provider(pool *pgxpool.Pool) (*goose.Provider, func(), error) {
	sqlDB := stdlib.OpenDBFromPool(pool)
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		sqlDB.Close()
		return nil, nil, err
	}
	p, err := goose.NewProvider(goose.DialectPostgres, sqlDB, migrations.FS,
		goose.WithSessionLocker(locker), goose.WithDisableGlobalRegistry(true))
	if err != nil {
		sqlDB.Close()
		return nil, nil, fmt.Errorf("db: migrations: %w", err)
	}
	return p, func() { sqlDB.Close() }, nil
}
