package masterdata

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/ordergate/ordergate/catalog"
)

// LearnedCrossRef is a customer's item number the sales desk taught while
// fixing an order: from now on the customer's code means our SKU.
type LearnedCrossRef struct {
	Customer     string // customer number
	CustomerItem string // the customer's own item number, as on the order
	SKU          string // our item
	Unit         string // the unit the customer's code means; "" for the order line's
	By           string // who taught it
	FromOrder    string // the order it was learned from
}

// ErrLearn wraps the reasons a cross-reference cannot be learned (unknown
// customer, item or unit); the message says which, for the desk.
var ErrLearn = errors.New("cannot learn the cross-reference")

// Learn stores a learned cross-reference, replacing what the customer's
// code meant before (imported or learned). A later import of the same code
// replaces it in turn. It returns the master-data version that has it.
func Learn(ctx context.Context, db DB, x LearnedCrossRef) (int64, error) {
	key := catalog.NormalizeCode(x.CustomerItem)
	if key == "" {
		return 0, fmt.Errorf("%w: the customer's item number is empty", ErrLearn)
	}
	customer := strings.ToUpper(strings.TrimSpace(x.Customer))
	unit := catalog.NormalizeUnit(x.Unit)
	var version int64
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		if err := lockVersion(ctx, tx); err != nil {
			return err
		}
		var known bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM customers WHERE number = $1)`, customer).Scan(&known); err != nil {
			return err
		}
		if !known {
			return fmt.Errorf("%w: there is no customer %q", ErrLearn, customer)
		}
		var sku, base string
		err := tx.QueryRow(ctx, `SELECT sku, base_unit FROM items WHERE sku_key = $1`, catalog.NormalizeCode(x.SKU)).Scan(&sku, &base)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("%w: there is no item %q", ErrLearn, x.SKU)
		}
		if err != nil {
			return err
		}
		if unit != "" && unit != base {
			var ok bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM item_units WHERE sku = $1 AND unit = $2)`, sku, unit).Scan(&ok); err != nil {
				return err
			}
			if !ok {
				return fmt.Errorf("%w: %s is not a unit of item %s (it is sold in %s and its sales units)", ErrLearn, unit, sku, base)
			}
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO crossrefs (customer, customer_item, customer_item_key, sku, unit, source, learned_by, learned_at, learned_from)
			VALUES ($1, $2, $3, $4, $5, 'learned', $6, now(), $7)
			ON CONFLICT (customer, customer_item_key) DO UPDATE SET
				customer_item = EXCLUDED.customer_item, sku = EXCLUDED.sku, unit = EXCLUDED.unit, source = 'learned',
				learned_by = EXCLUDED.learned_by, learned_at = EXCLUDED.learned_at, learned_from = EXCLUDED.learned_from`,
			customer, strings.TrimSpace(x.CustomerItem), key, sku, unit, x.By, x.FromOrder); err != nil {
			return fmt.Errorf("masterdata: learn cross-reference: %w", err)
		}
		return tx.QueryRow(ctx, `SELECT version FROM masterdata_version`).Scan(&version)
	})
	return version, err
}
