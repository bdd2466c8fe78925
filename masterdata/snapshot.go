package masterdata

import (
	"context"
	"fmt"

	"github.com/ordergate/ordergate/catalog"
	"github.com/ordergate/ordergate/db"
)

// Version returns the current master-data version; it rises with every
// change to any master-data table.
func Version(ctx context.Context, ex db.Executor) (int64, error) {
	var v int64
	if err := ex.QueryRow(ctx, `SELECT version FROM masterdata_version`).Scan(&v); err != nil {
		return 0, fmt.Errorf("masterdata: version: %w", err)
	}
	return v, nil
}

// Snapshot loads the master data and builds the matching snapshot.
// currency is the home currency of records that name none.
func Snapshot(ctx context.Context, ex db.Executor, currency string) (*catalog.Snapshot, int64, error) {
	data, v, err := Load(ctx, ex)
	if err != nil {
		return nil, 0, err
	}
	data.Currency, data.Version = currency, v
	snap, err := catalog.Build(data)
	if err != nil {
		return nil, 0, fmt.Errorf("masterdata: master data version %d cannot be used for matching: %w", v, err)
	}
	return snap, v, nil
}
