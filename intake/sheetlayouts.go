package intake

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/ordergate/ordergate/db"
	"github.com/ordergate/ordergate/parsers/sheet"
)

// SheetLayouts gives the sheet parsers the layouts stored for a customer
// (sheet.LayoutSource), read from PostgreSQL each time a sheet of the
// customer is parsed, so a layout the desk saves applies to the next sheet.
type SheetLayouts struct {
	Pool db.Executor
}

// SheetLayouts implements sheet.LayoutSource.
func (s SheetLayouts) SheetLayouts(ctx context.Context, customer string) ([]sheet.Layout, error) {
	return ListSheetLayouts(ctx, s.Pool, customer)
}

const layoutColumns = `id, customer, shape, header, columns, updated_by, updated_at`

func scanLayout(row pgx.Row) (sheet.Layout, error) {
	var l sheet.Layout
	var header, cols []byte
	if err := row.Scan(&l.ID, &l.Customer, &l.Shape, &header, &cols, &l.UpdatedBy, &l.UpdatedAt); err != nil {
		return l, err
	}
	if err := json.Unmarshal(header, &l.Header); err != nil {
		return l, fmt.Errorf("layout %d header: %w", l.ID, err)
	}
	if err := json.Unmarshal(cols, &l.Columns); err != nil {
		return l, fmt.Errorf("layout %d columns: %w", l.ID, err)
	}
	return l, nil
}

// normalCustomer is a customer number as stored: trimmed, upper-cased
// (the catalog compares customer numbers so).
func normalCustomer(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

// ListSheetLayouts returns the layouts stored for a customer, newest first.
func ListSheetLayouts(ctx context.Context, ex db.Executor, customer string) ([]sheet.Layout, error) {
	rows, err := ex.Query(ctx, `SELECT `+layoutColumns+` FROM sheet_layouts WHERE customer = $1 ORDER BY updated_at DESC, id DESC`,
		normalCustomer(customer))
	if err != nil {
		return nil, fmt.Errorf("intake: sheet layouts: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (sheet.Layout, error) { return scanLayout(r) })
	if err != nil {
		return nil, fmt.Errorf("intake: sheet layouts: %w", err)
	}
	return out, nil
}

// SaveSheetLayout stores a layout for its customer and shape, replacing
// the one stored for that shape before; by is who saved it. A layout that
// does not hold together (sheet.Layout.Validate) is ErrInvalid with every
// problem. It returns the layout as stored.
func SaveSheetLayout(ctx context.Context, ex db.Executor, l sheet.Layout, by string) (sheet.Layout, error) {
	l.Customer = normalCustomer(l.Customer)
	l.Shape = strings.TrimSpace(l.Shape)
	if probs := l.Validate(); len(probs) > 0 {
		return sheet.Layout{}, invalidf("%s", strings.Join(probs, "; "))
	}
	if l.Header == nil {
		l.Header = []string{}
	}
	header, err := json.Marshal(l.Header)
	if err != nil {
		return sheet.Layout{}, err
	}
	cols, err := json.Marshal(l.Columns)
	if err != nil {
		return sheet.Layout{}, err
	}
	out, err := scanLayout(ex.QueryRow(ctx, `INSERT INTO sheet_layouts (customer, shape, header, columns, updated_by)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (customer, shape) DO UPDATE SET header = excluded.header, columns = excluded.columns,
			updated_by = excluded.updated_by, updated_at = now()
		RETURNING `+layoutColumns, l.Customer, l.Shape, header, cols, by))
	if err != nil {
		return sheet.Layout{}, fmt.Errorf("intake: save sheet layout: %w", err)
	}
	return out, nil
}

// DeleteSheetLayout removes one of a customer's layouts; ErrNotFound when
// the customer has no layout of that id.
func DeleteSheetLayout(ctx context.Context, ex db.Executor, customer string, id int64) error {
	tag, err := ex.Exec(ctx, `DELETE FROM sheet_layouts WHERE id = $1 AND customer = $2`, id, normalCustomer(customer))
	if err != nil {
		return fmt.Errorf("intake: delete sheet layout: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return notFoundf("customer %s has no sheet layout %d", normalCustomer(customer), id)
	}
	return nil
}

// GetSheetLayout returns one layout of a customer.
func GetSheetLayout(ctx context.Context, ex db.Executor, customer string, id int64) (sheet.Layout, error) {
	l, err := scanLayout(ex.QueryRow(ctx, `SELECT `+layoutColumns+` FROM sheet_layouts WHERE id = $1 AND customer = $2`,
		id, normalCustomer(customer)))
	if errors.Is(err, pgx.ErrNoRows) {
		return sheet.Layout{}, notFoundf("customer %s has no sheet layout %d", normalCustomer(customer), id)
	}
	if err != nil {
		return sheet.Layout{}, fmt.Errorf("intake: sheet layout: %w", err)
	}
	return l, nil
}
