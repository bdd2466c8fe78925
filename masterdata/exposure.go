package masterdata

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// releaseExposure tells the order side that the ERP has reported back. The
// pipeline counts every order it let through against the customer's credit
// and against stock until master data pushed after the order's delivery
// covers it (intake/exposure.go):
//
//   - an open_orders push is the ERP's list of open orders: every order
//     delivered at least lag before it is now in that list or invoiced (in
//     the customer's open balance), so it stops counting against credit;
//   - a stock push of a SKU is the ERP's stock after the orders it received:
//     the reservations of that SKU by orders delivered at least lag before
//     it stop counting.
//
// Released rows remember the master-data version of the push, and matching
// keeps counting them until its snapshot holds that version, so no order
// drops out of the exposure before the data that covers it is in use. It
// runs in the import's transaction, after the merge (md_stage holds the
// pushed rows).
func releaseExposure(ctx context.Context, tx pgx.Tx, kind Kind, lag time.Duration) error {
	var sql string
	switch kind {
	case OpenOrders:
		sql = `UPDATE orders SET counted_until = (SELECT version FROM masterdata_version)
			WHERE state = 'delivered' AND counted_until = 9223372036854775807 AND delivered_at < now() - make_interval(secs => $1)`
	case Stock:
		sql = `UPDATE reservations r SET counted_until = (SELECT version FROM masterdata_version)
			FROM orders o
			WHERE o.id = r.order_id AND o.state = 'delivered' AND o.delivered_at < now() - make_interval(secs => $1)
			  AND r.counted_until = 9223372036854775807
			  AND r.sku IN (SELECT i.sku FROM md_stage s JOIN items i ON i.sku_key = s.sku_key)`
	default:
		return nil
	}
	if _, err := tx.Exec(ctx, sql, lag.Seconds()); err != nil {
		return fmt.Errorf("masterdata: release orders covered by the %s push: %w", kind, err)
	}
	return nil
}
