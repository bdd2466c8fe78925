package masterdata

import (
	"fmt"
	"strings"
	"time"

	"github.com/ordergate/ordergate/catalog"
)

// column describes one column of a kind's files.
type column struct {
	name     string   // canonical header name (and JSON key)
	aliases  []string // other accepted header names
	required bool     // the header must have it and no cell may be empty
	conv     convert
	// def is staged for an empty cell or a missing column; nil means "" for
	// text (or NULL when nullable).
	def      any
	nullable bool   // an empty cell stages NULL
	typ      string // type in md_stage: "" (text), "text[]", "date", "boolean"
	// keyed columns also stage NAME_key = catalog.NormalizeCode(value).
	keyed bool
	// key marks a part of the natural key: never in the SET list.
	key bool
	// target is the real-table column updated from this column, "" for
	// none.
	target string
	// setAlways updates target even from a file without the column (with
	// the empty value): for a value that belongs to the others in the row,
	// like a cross-reference's unit to its SKU.
	setAlways bool
}

// stageType is the type of the column in md_stage. Decimals are staged as
// their exact text and cast in the merge.
func (c *column) stageType() string {
	if c.typ == "" {
		return "text"
	}
	return c.typ
}

// emptyValue is what an empty cell stages.
func (c *column) emptyValue() any {
	switch {
	case c.def != nil:
		return c.def
	case c.nullable:
		return nil
	case c.stageType() == "text[]":
		return []string{}
	}
	return ""
}

// statement is an extra statement run after the merge when the file has
// column when.
type statement struct {
	when string
	sql  string
}

// check finds rows the merge could not take and says why. Its SQL returns
// (row_no, detail) ordered by row_no; $1 is the most rows wanted.
type check struct {
	column  string
	sql     string
	message func(unit, detail string) string
	// onlyWith, if set, runs the check only when the file has that column.
	onlyWith string
	// gate, if set, is a cheaper query that says (true) whether sql can
	// find anything at all.
	gate string
}

// spec is everything the import needs to know about one kind.
type spec struct {
	kind  Kind
	table string // the real table
	cols  []column
	// into names the table and columns; source selects their values from
	// md_stage s; conflict is the natural key's ON CONFLICT target.
	into, source, conflict string
	always                 string // SET items applied on every update
	changed                string // also update rows for which this holds
	extra                  []statement
	// rowCheck checks one converted row across columns; it returns the
	// column and problem, or "", "".
	rowCheck func(row) (string, string)
	// checks explain why the merge failed or skipped rows; after run once
	// the merge succeeded.
	checks, after []check

	// Filled in by init.
	byName     map[string]int // header name or alias -> index in cols
	stageCols  []string       // row_no, then columns (and keys) in order
	stageIndex map[string]int // stage column -> index in a staged row
	createSQL  string
}

func init() {
	for kind, sp := range specs {
		sp.kind = kind
		sp.byName = make(map[string]int)
		sp.stageCols = []string{"row_no"}
		defs := []string{"row_no bigint NOT NULL"}
		for i := range sp.cols {
			c := &sp.cols[i]
			sp.byName[c.name] = i
			for _, a := range c.aliases {
				sp.byName[a] = i
			}
			// A column the file lacks is not sent: its default is what
			// an empty cell stages.
			sp.stageCols = append(sp.stageCols, c.name)
			defs = append(defs, c.name+" "+c.stageType()+sqlDefault(c.emptyValue()))
			if c.keyed {
				sp.stageCols = append(sp.stageCols, c.name+"_key")
				k, _ := c.emptyValue().(string)
				defs = append(defs, c.name+"_key text NOT NULL"+sqlDefault(catalog.NormalizeCode(k)))
			}
		}
		sp.stageIndex = make(map[string]int, len(sp.stageCols))
		for i, n := range sp.stageCols {
			sp.stageIndex[n] = i
		}
		sp.createSQL = "CREATE TEMP TABLE md_stage (" + strings.Join(defs, ", ") + ") ON COMMIT DROP"
	}
}

// sqlDefault renders a staged empty value as a column DEFAULT clause.
func sqlDefault(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return " DEFAULT '" + strings.ReplaceAll(v, "'", "''") + "'"
	case bool:
		return fmt.Sprintf(" DEFAULT %t", v)
	case []string:
		if len(v) == 0 {
			return " DEFAULT '{}'"
		}
	}
	panic(fmt.Sprintf("masterdata: no SQL default for %#v", v))
}

// sent lists the staged columns a file with the present columns fills
// (row_no, each present column and its key), as positions in stageCols.
func (sp *spec) sent(present []bool) []int {
	out := []int{0}
	j := 1
	for i, c := range sp.cols {
		n := 1
		if c.keyed {
			n = 2
		}
		if present[i] {
			for k := 0; k < n; k++ {
				out = append(out, j+k)
			}
		}
		j += n
	}
	return out
}

// row is one converted row as staged, for cross-column checks.
type row struct {
	sp   *spec
	vals []any
}

// colIndex is the position of the named column in sp.cols (and in the
// present flags of a file's header).
func (sp *spec) colIndex(name string) int {
	for i, c := range sp.cols {
		if c.name == name {
			return i
		}
	}
	panic("masterdata: " + string(sp.kind) + " has no column " + name)
}

func (r row) val(name string) any { return r.vals[r.sp.stageIndex[name]] }

// str returns a text column's value, or "".
func (r row) str(name string) string {
	s, _ := r.val(name).(string)
	return s
}

// key returns the normalised key of a keyed column.
func (r row) key(name string) string { return r.str(name + "_key") }

// fill converts the cells of one row (cells[i] is the cell of cols[i], ""
// when missing) into vals. It reports each problem through add and returns
// false when the row has any.
func (sp *spec) fill(vals []any, rowNo int64, cells []string, add func(column, problem string)) bool {
	vals[0] = rowNo
	ok := true
	j := 1
	for i := range sp.cols {
		c := &sp.cols[i]
		cell := strings.TrimSpace(cells[i])
		var v any
		switch {
		case cell == "" && c.required:
			add(c.name, "is empty; a value is required")
			ok = false
		case cell == "":
			v = c.emptyValue()
		default:
			var problem string
			v, problem = c.conv(cell)
			if problem != "" {
				add(c.name, problem)
				ok = false
			}
		}
		vals[j] = v
		j++
		if c.keyed {
			s, _ := v.(string)
			vals[j] = catalog.NormalizeCode(s)
			j++
		}
	}
	if ok && sp.rowCheck != nil {
		if col, problem := sp.rowCheck(row{sp, vals}); problem != "" {
			add(col, problem)
			ok = false
		}
	}
	return ok
}

// Checks shared by the kinds.

func unknownItem(col string) check {
	return check{column: col, onlyWith: col,
		sql: fmt.Sprintf(`
			SELECT s.row_no, s.%[1]s FROM md_stage s
			WHERE s.%[1]s_key <> '' AND NOT EXISTS (SELECT 1 FROM items i WHERE i.sku_key = s.%[1]s_key)
			ORDER BY s.row_no LIMIT $1`, col),
		message: func(_, sku string) string { return fmt.Sprintf("there is no item %q", sku) },
	}
}

func unknownCustomer(col string) check {
	return check{column: col,
		sql: fmt.Sprintf(`
			SELECT s.row_no, s.%[1]s FROM md_stage s
			WHERE s.%[1]s IS NOT NULL AND NOT EXISTS (SELECT 1 FROM customers c WHERE c.number = s.%[1]s)
			ORDER BY s.row_no LIMIT $1`, col),
		message: func(_, number string) string { return fmt.Sprintf("there is no customer %q", number) },
	}
}

// duplicates finds rows whose natural key (the stage expressions keys)
// repeats an earlier row's.
func duplicates(col string, keys ...string) check {
	return check{column: col,
		sql: fmt.Sprintf(`
			SELECT row_no, first_row::text FROM (
				SELECT row_no, min(row_no) OVER (PARTITION BY %s) AS first_row FROM md_stage) d
			WHERE row_no > first_row
			ORDER BY row_no LIMIT $1`, strings.Join(keys, ", ")),
		message: func(unit, first string) string {
			return fmt.Sprintf("repeats %s %s (the same entry twice)", unit, first)
		},
	}
}

// sharedValue finds values of a customers list column (gln, email, edi_id)
// that another customer has too, once the merge is done.
func sharedValue(col, target string) check {
	return check{column: col, onlyWith: col,
		sql: fmt.Sprintf(`
			SELECT s.row_no, v || ' already belongs to customer ' || c.number
			FROM md_stage s CROSS JOIN LATERAL unnest(s.%[1]s) v
			JOIN (SELECT number, unnest(%[2]s) AS w FROM customers) c ON c.w = v AND c.number <> s.number
			ORDER BY s.row_no LIMIT $1`, col, target),
		message: func(_, detail string) string { return detail },
	}
}

// gtinInUse finds staged GTINs (column col) that, once the merge is done,
// another item or pack level has too, so that matching could not tell which
// one an order means (catalog.Build refuses such master data). GTINs are
// compared as numbers, as catalog.ParseGTIN does: 4012345000006 and
// 04012345000006 are one code. A first query only asks whether any GTIN is
// used twice (one pass and a sort); only then are the rows looked for. An
// index on the GTINs would cost an import of a million items more to keep
// up (1.4 s measured) than these queries do.
// unit is the stage expression of the row's own pack level (the empty
// string literal when col is the item's own GTIN); when is a further
// condition on the staged row.
func gtinInUse(col, unit, when string) check {
	const used = `
		SELECT gtin::bigint AS g, sku, '' AS unit FROM items WHERE gtin <> ''
		UNION ALL
		SELECT gtin::bigint, sku, unit FROM item_units WHERE gtin <> ''`
	return check{column: col, onlyWith: col,
		gate: `SELECT count(*) > count(DISTINCT g) FROM (` + used + `) u`,
		sql: fmt.Sprintf(`
			WITH used AS (%[4]s),
			shared AS MATERIALIZED (SELECT g FROM used GROUP BY g HAVING count(*) > 1),
			staged AS (
				SELECT s.row_no, s.%[1]s AS gtin, h.g, i.sku, %[2]s AS unit
				FROM shared h
				JOIN md_stage s ON s.%[1]s <> '' AND s.%[1]s::bigint = h.g
				JOIN items i ON i.sku_key = s.sku_key
				WHERE true %[3]s)
			SELECT st.row_no, st.gtin || ' is already the GTIN of item ' || u.sku ||
			       CASE WHEN u.unit <> '' THEN ' (' || u.unit || ')' ELSE '' END
			FROM staged st JOIN used u ON u.g = st.g AND NOT (u.sku = st.sku AND u.unit = st.unit)
			ORDER BY st.row_no LIMIT $1`, col, unit, when, used),
		message: func(_, detail string) string { return detail + "; a GTIN identifies one item or pack" },
	}
}

var notUnitOfItem = check{column: "unit",
	sql: `
		SELECT s.row_no, s.unit FROM md_stage s JOIN items i ON i.sku_key = s.sku_key
		WHERE NOT ` + unitOfItem + `
		ORDER BY s.row_no LIMIT $1`,
	message: func(_, unit string) string {
		return fmt.Sprintf("%s is not a unit of this item (import it as a unit first)", unit)
	},
}

var baseUnitFactor = check{column: "factor",
	sql: `
		SELECT s.row_no, s.unit FROM md_stage s JOIN items i ON i.sku_key = s.sku_key
		WHERE s.unit = i.base_unit AND s.factor::numeric <> 1
		ORDER BY s.row_no LIMIT $1`,
	message: func(_, unit string) string {
		return fmt.Sprintf("%s is the item's base unit, so its factor must be 1", unit)
	},
}

// dateOnly formats a staged date for messages.
func dateOnly(t time.Time) string { return t.Format(time.DateOnly) }
