package masterdata

import (
	"fmt"
	"strings"
	"time"
)

// The columns and statements of each kind. A file's rows are converted
// column by column (see column) and copied into the temporary table
// md_stage, whose columns are the columns below in order (plus NAME_key for
// keyed columns); insert then moves them into the real table, followed by
// conflict unless the table is empty. The conflict clause's "%s" is the SET
// list: the real-table columns of the columns the file has (a column left
// out of a file is left unchanged on existing rows).
var specs = map[Kind]*spec{
	Customers: {
		table: "customers",
		cols: []column{
			{name: "number", required: true, conv: convID, key: true},
			{name: "name", required: true, conv: convText, target: "name"},
			{name: "gln", aliases: []string{"glns"}, typ: "text[]", conv: convList(convGLN), target: "glns"},
			{name: "email", aliases: []string{"emails"}, typ: "text[]", conv: convList(convEmail), target: "emails"},
			{name: "credit_limit", conv: convDecimal(0), target: "credit_limit", nullable: true},
			{name: "currency", conv: convCurrency, target: "currency"},
			{name: "vat_id", conv: convText, target: "vat_id"},
			{name: "edi_id", aliases: []string{"edi_ids"}, typ: "text[]", conv: convList(convID), target: "edi_ids"},
			{name: "domain", aliases: []string{"domains"}, typ: "text[]", conv: convList(convDomain), target: "domains"},
			{name: "price_list", conv: convID, target: "price_list"},
			{name: "auto_approve", typ: "boolean", conv: convBool, def: false, target: "auto_approve"},
			{name: "price_tolerance_pct", conv: convDecimal(0), def: "0", target: "price_tolerance_pct"},
			{name: "open_balance", conv: convDecimal(-2), def: "0", target: "open_balance"},
		},
		into: `customers AS t (number, name, glns, emails, credit_limit, currency, vat_id, edi_ids, domains, price_list, auto_approve, price_tolerance_pct, open_balance)`,
		source: `
			SELECT s.number, s.name, s.gln, s.email, s.credit_limit::numeric, s.currency, s.vat_id, s.edi_id,
			       s.domain, s.price_list, s.auto_approve, s.price_tolerance_pct::numeric, s.open_balance::numeric
			FROM md_stage s`,
		conflict: "(number)",
		always:   "updated_at = now()",
		checks:   []check{duplicates("number", "number")},
		// Each identifies one customer (catalog.Build insists).
		after: []check{sharedValue("gln", "glns"), sharedValue("email", "emails"), sharedValue("edi_id", "edi_ids")},
	},
	Items: {
		table: "items",
		cols: []column{
			{name: "sku", required: true, conv: convCode, keyed: true, key: true},
			{name: "description", required: true, conv: convText, target: "description"},
			{name: "gtin", conv: convGTIN, target: "gtin"},
			{name: "unit", aliases: []string{"base_unit"}, conv: convUnit, def: "PCE", target: "base_unit"},
			{name: "status", conv: convStatus, def: "active", target: "status"},
			{name: "min_qty", conv: convDecimal(0), def: "0", target: "min_qty"},
			{name: "order_multiple", conv: convDecimal(0), def: "0", target: "order_multiple"},
			{name: "replacement", conv: convCode, keyed: true, target: "replacement"},
			{name: "pack_size", conv: convDecimal(1), nullable: true},
			{name: "pack_unit", conv: convUnit, def: "CT"},
			{name: "pack_gtin", conv: convGTIN},
		},
		into: `items AS t (sku, sku_key, description, gtin, base_unit, status, min_qty, order_multiple, replacement)`,
		source: `
			SELECT s.sku, s.sku_key, s.description, s.gtin, s.unit, s.status, s.min_qty::numeric,
			       s.order_multiple::numeric, s.replacement
			FROM md_stage s`,
		conflict: "(sku_key)",
		extra: []statement{{when: "pack_size", sql: `
			INSERT INTO item_units AS t (sku, unit, factor, gtin)
			SELECT i.sku, s.pack_unit, s.pack_size::numeric, s.pack_gtin
			FROM md_stage s JOIN items i ON i.sku_key = s.sku_key
			WHERE s.pack_size IS NOT NULL
			ON CONFLICT (sku, unit) DO UPDATE
			SET factor = EXCLUDED.factor,
			    gtin = CASE WHEN EXCLUDED.gtin <> '' THEN EXCLUDED.gtin ELSE t.gtin END
			WHERE (t.factor, t.gtin) IS DISTINCT FROM
			      (EXCLUDED.factor, CASE WHEN EXCLUDED.gtin <> '' THEN EXCLUDED.gtin ELSE t.gtin END)`}},
		rowCheck: checkItemRow,
		checks:   []check{duplicates("sku", "sku_key")},
		after: []check{unknownItem("replacement"), gtinInUse("gtin", "''", ""),
			gtinInUse("pack_gtin", "s.pack_unit", "AND s.pack_size IS NOT NULL")},
	},
	Units: {
		table: "item_units",
		cols: []column{
			{name: "sku", required: true, conv: convCode, keyed: true, key: true},
			{name: "unit", required: true, conv: convUnit, key: true},
			{name: "factor", required: true, conv: convDecimal(1), target: "factor"},
			{name: "gtin", conv: convGTIN, target: "gtin"},
		},
		into: `item_units AS t (sku, unit, factor, gtin)`,
		source: `
			SELECT i.sku, s.unit, s.factor::numeric, s.gtin
			FROM md_stage s JOIN items i ON i.sku_key = s.sku_key
			WHERE s.unit <> i.base_unit OR s.factor::numeric = 1`,
		conflict: "(sku, unit)",
		checks:   []check{unknownItem("sku"), duplicates("unit", "sku_key", "unit"), baseUnitFactor},
		after:    []check{gtinInUse("gtin", "s.unit", "")},
	},
	Assortments: {
		table: "assortments",
		cols: []column{
			{name: "customer", required: true, conv: convID, key: true},
			{name: "sku", required: true, conv: convCode, keyed: true, key: true},
		},
		into: `assortments AS t (customer, sku)`,
		source: `
			SELECT s.customer, i.sku
			FROM md_stage s
			JOIN customers c ON c.number = s.customer
			JOIN items i ON i.sku_key = s.sku_key`,
		conflict: "(customer, sku)",
		checks:   []check{unknownCustomer("customer"), unknownItem("sku"), duplicates("sku", "customer", "sku_key")},
	},
	CrossRefs: {
		table: "crossrefs",
		cols: []column{
			{name: "customer", required: true, conv: convID, key: true},
			{name: "customer_item", required: true, conv: convCode, keyed: true, target: "customer_item"},
			{name: "sku", required: true, conv: convCode, keyed: true, target: "sku"},
			// A unit kept from before might not be a unit of a new SKU.
			{name: "unit", conv: convUnit, target: "unit", setAlways: true},
		},
		into: `crossrefs AS t (customer, customer_item, customer_item_key, sku, unit, source)`,
		source: `
			SELECT s.customer, s.customer_item, s.customer_item_key, i.sku, s.unit, 'imported'
			FROM md_stage s
			JOIN customers c ON c.number = s.customer
			JOIN items i ON i.sku_key = s.sku_key
			WHERE ` + unitOfItem + ``,
		conflict: "(customer, customer_item_key)",
		// An imported code replaces a learned one entirely.
		always:  "source = 'imported', learned_by = '', learned_at = NULL, learned_from = ''",
		changed: "t.source <> 'imported'",
		checks: []check{unknownCustomer("customer"), unknownItem("sku"), notUnitOfItem,
			duplicates("customer_item", "customer", "customer_item_key")},
	},
	Prices: {
		table: "prices",
		cols: []column{
			{name: "customer", conv: convID, nullable: true, key: true},
			{name: "sku", required: true, conv: convCode, keyed: true, key: true},
			{name: "price", required: true, conv: convDecimal(0), target: "price"},
			{name: "currency", conv: convCurrency, key: true},
			{name: "min_qty", conv: convDecimal(0), def: "0", key: true},
			{name: "valid_from", typ: "date", conv: convDate, nullable: true, key: true},
			{name: "valid_to", typ: "date", conv: convDate, nullable: true, target: "valid_to"},
			{name: "price_list", conv: convID, nullable: true, key: true},
			{name: "unit", conv: convUnit, key: true},
		},
		into: `prices AS t (customer, sku, price, currency, min_qty, valid_from, valid_to, price_list, unit)`,
		source: `
			SELECT s.customer, i.sku, s.price::numeric, s.currency, s.min_qty::numeric, s.valid_from, s.valid_to,
			       s.price_list, s.unit
			FROM md_stage s
			JOIN items i ON i.sku_key = s.sku_key
			WHERE (s.customer IS NULL OR EXISTS (SELECT 1 FROM customers c WHERE c.number = s.customer))
			  AND ` + unitOfItem + ``,
		conflict: "ON CONSTRAINT prices_natural_key",
		rowCheck: checkPriceRow,
		checks: []check{unknownCustomer("customer"), unknownItem("sku"), notUnitOfItem,
			duplicates("sku", "sku_key", "customer", "price_list", "currency", "unit", "min_qty::numeric", "valid_from")},
	},
	Stock: {
		table: "stock",
		cols: []column{
			{name: "sku", required: true, conv: convCode, keyed: true, key: true},
			{name: "warehouse", required: true, conv: convID, key: true},
			{name: "quantity", required: true, conv: convDecimal(-2), target: "quantity"},
		},
		into: `stock AS t (sku, warehouse, quantity)`,
		source: `
			SELECT i.sku, s.warehouse, s.quantity::numeric
			FROM md_stage s JOIN items i ON i.sku_key = s.sku_key`,
		conflict: "(sku, warehouse)",
		checks:   []check{unknownItem("sku"), duplicates("warehouse", "sku_key", "warehouse")},
	},
	OpenOrders: {
		table: "open_orders",
		cols: []column{
			{name: "customer", required: true, conv: convID, key: true},
			{name: "order_id", required: true, conv: convText, key: true},
			{name: "value", required: true, conv: convDecimal(-2), target: "value"},
		},
		into: `open_orders AS t (customer, order_id, value)`,
		source: `
			SELECT s.customer, s.order_id, s.value::numeric
			FROM md_stage s JOIN customers c ON c.number = s.customer`,
		conflict: "(customer, order_id)",
		checks:   []check{unknownCustomer("customer"), duplicates("order_id", "customer", "order_id")},
	},
	Locations: {
		table: "locations",
		cols: []column{
			{name: "customer", required: true, conv: convID, key: true},
			{name: "gln", conv: convGLN, key: true},
			{name: "code", conv: convID, target: "code"},
			{name: "name", conv: convText, target: "name"},
			{name: "address", conv: convText, target: "address"},
			{name: "city", conv: convText, target: "city"},
			{name: "postcode", aliases: []string{"postal_code", "zip"}, conv: convText, target: "postcode"},
			{name: "country", conv: convCountry, target: "country"},
		},
		into: `locations AS t (customer, location_key, gln, code, name, address, city, postcode, country)`,
		source: `
			SELECT s.customer, ` + locationKey("s.") + `, s.gln, s.code, s.name, s.address, s.city, s.postcode, s.country
			FROM md_stage s JOIN customers c ON c.number = s.customer`,
		conflict: "(customer, location_key)",
		rowCheck: checkLocationRow,
		checks:   []check{unknownCustomer("customer"), duplicates("gln", "customer", locationKey(""))},
		// One location per GLN, one per code of a customer (catalog.Build
		// insists), checked on the merged table.
		after: []check{locationShared("gln", "t.gln <> '' AND o.gln = t.gln",
			"'GLN ' || t.gln || ' is already a location of customer ' || o.customer", "a GLN belongs to one location"),
			locationShared("code", "t.code <> '' AND o.code = t.code AND o.customer = t.customer",
				"'code ' || t.code || ' is already the code of another location' || CASE WHEN o.gln <> '' THEN ' (GLN ' || o.gln || ')' ELSE ' (without GLN)' END", "a code belongs to one location of the customer")},
	},
}

// locationKey is the SQL expression of a location's identity over md_stage
// columns with the prefix: its GLN, or 'code:' and its code.
func locationKey(prefix string) string {
	return "CASE WHEN " + prefix + "gln <> '' THEN " + prefix + "gln ELSE 'code:' || " + prefix + "code END"
}

// locationShared finds staged locations whose GLN or code (as merged, t)
// another location (o) has too; cond relates t and o, detail is the SQL
// text of the problem.
func locationShared(col, cond, detail, why string) check {
	return check{column: col,
		sql: `
			SELECT s.row_no, ` + detail + `
			FROM md_stage s
			JOIN locations t ON t.customer = s.customer AND t.location_key = ` + locationKey("s.") + `
			JOIN locations o ON ` + cond + ` AND (o.customer, o.location_key) <> (t.customer, t.location_key)
			ORDER BY s.row_no LIMIT $1`,
		message: func(_, d string) string { return d + "; " + why },
	}
}

// checkLocationRow checks a locations row: it needs an identity.
func checkLocationRow(r row) (string, string) {
	if r.str("gln") == "" && r.str("code") == "" {
		return "gln", "a location needs a GLN or a code (the ERP's code of the location)"
	}
	return "", ""
}

// unitOfItem holds when the staged unit is empty, the item's base unit or
// one of its sales units (s = md_stage, i = items).
const unitOfItem = `(s.unit = '' OR s.unit = i.base_unit
			       OR EXISTS (SELECT 1 FROM item_units u WHERE u.sku = i.sku AND u.unit = s.unit))`

// checkItemRow checks an items row across columns.
func checkItemRow(r row) (string, string) {
	if r.str("pack_size") != "" && r.str("pack_unit") == r.str("unit") && r.str("pack_size") != "1" {
		return "pack_unit", "the pack unit " + r.str("pack_unit") + " is the item's base unit; choose another pack unit"
	}
	if k := r.key("replacement"); k != "" && k == r.key("sku") {
		return "replacement", "an item cannot replace itself"
	}
	return "", ""
}

// checkPriceRow checks a prices row across columns.
func checkPriceRow(r row) (string, string) {
	if r.str("customer") != "" && r.str("price_list") != "" {
		return "price_list", "a price is for a customer or for a price list, not both"
	}
	from, _ := r.val("valid_from").(time.Time)
	to, _ := r.val("valid_to").(time.Time)
	if !from.IsZero() && !to.IsZero() && to.Before(from) {
		return "valid_to", dateOnly(to) + " is before valid_from " + dateOnly(from)
	}
	return "", ""
}

// mergeSQL is the statement that moves md_stage into the table. Into an
// empty table it is a plain INSERT, and the command tag counts the rows.
// Otherwise it is an INSERT ... ON CONFLICT that updates the columns the
// file has, and only rows that differ (a nightly re-import of an unchanged
// list writes nothing); its one result row counts the rows the merge took.
// Either count falls short of the staged rows when some refer to missing
// data. The row also counts the rows the merge wrote (inserted or changed).
func (sp *spec) mergeSQL(present []bool, empty bool) (sql string, countRow bool) {
	if empty {
		return "INSERT INTO " + sp.into + sp.source, false
	}
	var sets, olds, news []string
	for i, c := range sp.cols {
		if (present[i] || c.setAlways) && c.target != "" {
			sets = append(sets, c.target+" = EXCLUDED."+c.target)
			olds = append(olds, "t."+c.target)
			news = append(news, "EXCLUDED."+c.target)
		}
	}
	action := "DO NOTHING"
	if len(sets) > 0 {
		if sp.always != "" {
			sets = append(sets, sp.always)
		}
		where := "(" + strings.Join(olds, ", ") + ") IS DISTINCT FROM (" + strings.Join(news, ", ") + ")"
		if sp.changed != "" {
			where += " OR " + sp.changed
		}
		action = "DO UPDATE SET " + strings.Join(sets, ", ") + "\n\t\tWHERE " + where
	}
	return fmt.Sprintf(mergeTemplate, sp.source, sp.into, sp.conflict, action), true
}

const mergeTemplate = `
	WITH src AS MATERIALIZED (%s),
	merged AS (
		INSERT INTO %s SELECT * FROM src
		ON CONFLICT %s %s
		RETURNING 1)
	SELECT (SELECT count(*) FROM src), (SELECT count(*) FROM merged)`
