package masterdata

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/ordergate/ordergate/catalog"
	"github.com/ordergate/ordergate/db"
	"github.com/ordergate/ordergate/order"
)

// Load reads every master-data table into a catalog.Data, with the
// master-data version it reflects. Given a pool (or anything with BeginTx)
// it reads in one read-only REPEATABLE READ transaction, so the data and the
// version are one consistent state; given a transaction it reads in that.
// Rows come in a stable order (by natural key; prices by id).
//
// Data.Currency (the home currency, from the configuration) and
// Data.PriorOrders (the pipeline's orders) are left empty for the caller.
func Load(ctx context.Context, ex db.Executor) (catalog.Data, int64, error) {
	if b, ok := ex.(interface {
		BeginTx(context.Context, pgx.TxOptions) (pgx.Tx, error)
	}); ok {
		tx, err := b.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
		if err != nil {
			return catalog.Data{}, 0, fmt.Errorf("masterdata: load: %w", err)
		}
		defer tx.Rollback(context.WithoutCancel(ctx))
		ex = tx
	}
	var version int64
	if err := ex.QueryRow(ctx, `SELECT version FROM masterdata_version`).Scan(&version); err != nil {
		return catalog.Data{}, 0, fmt.Errorf("masterdata: load version: %w", err)
	}
	var d catalog.Data
	var n int64
	if err := ex.QueryRow(ctx, `SELECT count(*) FROM items`).Scan(&n); err != nil {
		return catalog.Data{}, 0, fmt.Errorf("masterdata: load: %w", err)
	}
	d.Items = make([]catalog.Item, 0, n)
	for _, t := range tables(&d) {
		if err := each(ctx, ex, t.sql, t.scan); err != nil {
			return catalog.Data{}, 0, fmt.Errorf("masterdata: load %s: %w", t.name, err)
		}
	}
	return d, version, nil
}

// each runs a query and calls scan for every row.
func each(ctx context.Context, ex db.Executor, sql string, scan func(pgx.Rows) error) error {
	rows, err := ex.Query(ctx, sql)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// decimals parses numeric texts exactly, never through float64
// (numeric(18,6) always fits order.Decimal), keeping the first error.
type decimals struct{ err error }

func (p *decimals) parse(s string, dst *order.Decimal) {
	if p.err == nil {
		*dst, p.err = order.ParseDecimal(s)
	}
}

type loadTable struct {
	name string
	sql  string
	scan func(pgx.Rows) error
}

// tables reads each table into d. The scan targets are shared by the rows
// of one table.
func tables(d *catalog.Data) []loadTable {
	var s1, s2 string
	var opt pgtype.Text
	var from, to pgtype.Date
	var at pgtype.Timestamptz
	return []loadTable{
		{"customers", `
			SELECT number, name, glns, vat_id, edi_ids, emails, domains, currency, credit_limit::text,
			       open_balance::text, price_list, auto_approve, price_tolerance_pct::text
			FROM customers ORDER BY number`,
			func(r pgx.Rows) error {
				var c catalog.Customer
				if err := r.Scan(&c.Number, &c.Name, &c.GLNs, &c.VATID, &c.EDIIDs, &c.Emails, &c.Domains, &c.Currency,
					&opt, &s1, &c.PriceList, &c.AutoApprove, &s2); err != nil {
					return err
				}
				var p decimals
				p.parse(s1, &c.OpenBalance)
				p.parse(s2, &c.PriceTolerancePct)
				if opt.Valid {
					c.CreditLimit = new(order.Decimal)
					p.parse(opt.String, c.CreditLimit)
				}
				d.Customers = append(d.Customers, c)
				return p.err
			}},
		{"items", `
			SELECT sku, status, min_qty::text, order_multiple::text, replacement, description, base_unit, gtin
			FROM items ORDER BY sku_key`,
			func(r pgx.Rows) error {
				var it catalog.Item
				if err := r.Scan(&it.SKU, &it.Status, &s1, &s2, &it.Replacement, &it.Description, &it.BaseUnit, &it.GTIN); err != nil {
					return err
				}
				var p decimals
				p.parse(s1, &it.MinQty)
				p.parse(s2, &it.OrderMultiple)
				d.Items = append(d.Items, it)
				return p.err
			}},
		{"item_units", `SELECT sku, unit, factor::text, gtin FROM item_units ORDER BY sku, unit`,
			func(r pgx.Rows) error {
				var u catalog.SalesUnit
				if err := r.Scan(&u.SKU, &u.Unit, &s1, &u.GTIN); err != nil {
					return err
				}
				var p decimals
				p.parse(s1, &u.Factor)
				d.SalesUnits = append(d.SalesUnits, u)
				return p.err
			}},
		{"assortments", `SELECT customer, sku FROM assortments ORDER BY customer, sku`,
			func(r pgx.Rows) error {
				var a catalog.AssortmentEntry
				err := r.Scan(&a.Customer, &a.SKU)
				d.Assortments = append(d.Assortments, a)
				return err
			}},
		{"crossrefs", `
			SELECT customer, customer_item, sku, unit, source, learned_by, learned_at, learned_from
			FROM crossrefs ORDER BY customer, customer_item_key`,
			func(r pgx.Rows) error {
				var x catalog.CrossRef
				if err := r.Scan(&x.Customer, &x.CustomerItem, &x.SKU, &x.Unit, &x.Source, &x.LearnedBy, &at, &x.LearnedFrom); err != nil {
					return err
				}
				if at.Valid {
					x.LearnedAt = at.Time
				}
				d.CrossRefs = append(d.CrossRefs, x)
				return nil
			}},
		{"prices", `
			SELECT coalesce(customer, ''), coalesce(price_list, ''), sku, price::text, currency, unit,
			       min_qty::text, valid_from, valid_to
			FROM prices ORDER BY id`,
			func(r pgx.Rows) error {
				var pr catalog.Price
				if err := r.Scan(&pr.Customer, &pr.PriceList, &pr.SKU, &s1, &pr.Currency, &pr.Unit, &s2, &from, &to); err != nil {
					return err
				}
				var p decimals
				p.parse(s1, &pr.Price)
				p.parse(s2, &pr.MinQty)
				if from.Valid {
					pr.ValidFrom = order.DateOf(from.Time)
				}
				if to.Valid {
					pr.ValidTo = order.DateOf(to.Time)
				}
				d.Prices = append(d.Prices, pr)
				return p.err
			}},
		{"stock", `SELECT sku, warehouse, quantity::text FROM stock ORDER BY sku, warehouse`,
			func(r pgx.Rows) error {
				var st catalog.Stock
				if err := r.Scan(&st.SKU, &st.Warehouse, &s1); err != nil {
					return err
				}
				var p decimals
				p.parse(s1, &st.Quantity)
				d.Stock = append(d.Stock, st)
				return p.err
			}},
		{"open_orders", `SELECT customer, order_id, value::text FROM open_orders ORDER BY customer, order_id`,
			func(r pgx.Rows) error {
				var o catalog.OpenOrder
				if err := r.Scan(&o.Customer, &o.OrderID, &s1); err != nil {
					return err
				}
				var p decimals
				p.parse(s1, &o.Value)
				d.OpenOrders = append(d.OpenOrders, o)
				return p.err
			}},
		{"locations", `
			SELECT customer, gln, code, name, address, city, postcode, country
			FROM locations ORDER BY customer, location_key`,
			func(r pgx.Rows) error {
				var l catalog.Location
				err := r.Scan(&l.Customer, &l.GLN, &l.Code, &l.Name, &l.Address, &l.City, &l.Postcode, &l.Country)
				d.Locations = append(d.Locations, l)
				return err
			}},
	}
}
