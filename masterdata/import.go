package masterdata

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// ImportFile imports a CSV or XLSX file; see Import. The format is found
// from the content, not the file name.
func ImportFile(ctx context.Context, db DB, kind Kind, path string, opts ImportOptions) (ImportResult, error) {
	f, err := os.Open(path)
	if err != nil {
		return ImportResult{}, fmt.Errorf("masterdata: %w", err)
	}
	defer f.Close()
	return Import(ctx, db, kind, f, opts)
}

// Import reads a CSV or XLSX file with a header row (see the package
// documentation for the columns of each kind) and inserts or updates its
// rows by natural key, all in one transaction. Problems in the data are
// returned as an *ImportError naming row and column; nothing is written
// then.
func Import(ctx context.Context, db DB, kind Kind, r io.Reader, opts ImportOptions) (ImportResult, error) {
	sp, ok := specs[kind]
	if !ok {
		return ImportResult{}, fmt.Errorf("%w %q", ErrUnknownKind, kind)
	}
	opts = opts.withDefaults()
	br := bufio.NewReaderSize(r, 256<<10)
	format := opts.Format
	if format == FormatAuto {
		format = sniff(br)
	}
	var src source
	switch format {
	case FormatCSV:
		src = newCSVSource(br)
	case FormatXLSX:
		x, err := newXLSXSource(br, opts.UnzipLimit)
		if err != nil {
			return ImportResult{}, fileError(kind, err)
		}
		src = x
	default:
		return ImportResult{}, fmt.Errorf("masterdata: unknown file format %q (want csv or xlsx)", format)
	}
	defer src.close()
	return run(ctx, db, sp, src, opts)
}

// Upsert inserts or updates records pushed as JSON objects (PUT
// /api/v1/masterdata/{kind}); the keys are the file columns of the kind.
// It shares validation and all-or-nothing semantics with Import; problems
// name the 1-based record number.
func Upsert(ctx context.Context, db DB, kind Kind, records []map[string]any, opts ImportOptions) (ImportResult, error) {
	sp, ok := specs[kind]
	if !ok {
		return ImportResult{}, fmt.Errorf("%w %q", ErrUnknownKind, kind)
	}
	return run(ctx, db, sp, newRecordSource(records), opts.withDefaults())
}

// UpsertJSON is Upsert for a JSON array of objects. Numbers keep their exact
// decimal text.
// The array is read record by record (see jsonSource): memory beyond data
// itself stays small however many records it holds.
func UpsertJSON(ctx context.Context, db DB, kind Kind, data []byte, opts ImportOptions) (ImportResult, error) {
	sp, ok := specs[kind]
	if !ok {
		return ImportResult{}, fmt.Errorf("%w %q", ErrUnknownKind, kind)
	}
	src, err := newJSONSource(data)
	if err != nil {
		return ImportResult{}, fileError(kind, err)
	}
	return run(ctx, db, sp, src, opts.withDefaults())
}

// fileError reports a problem with the whole file.
func fileError(kind Kind, err error) error {
	return &ImportError{Kind: kind, Problems: []Problem{{Message: err.Error()}}}
}

// mapHeader matches header names to the kind's columns: pos[i] is the cell
// index of cols[i], or -1.
func (sp *spec) mapHeader(header []string, p *problems) (pos []int, present []bool) {
	var row int64 = 1 // the header row of a file; a push has none
	if p.unit == "record" {
		row = 0
	}
	pos = make([]int, len(sp.cols))
	present = make([]bool, len(sp.cols))
	for i := range pos {
		pos[i] = -1
	}
	var unknown []string
	for j, h := range header {
		name := headerName(h)
		if name == "" {
			continue // an unnamed column, e.g. trailing empty cells
		}
		i, ok := sp.byName[name]
		switch {
		case !ok:
			unknown = append(unknown, fmt.Sprintf("%q", strings.TrimSpace(h)))
		case pos[i] >= 0:
			p.add(row, sp.cols[i].name, "the column appears twice")
		default:
			pos[i], present[i] = j, true
		}
	}
	if len(unknown) > 0 {
		var known []string
		for _, c := range sp.cols {
			known = append(known, c.name)
		}
		p.add(row, "", "unknown column %s (%s files have: %s)", strings.Join(unknown, ", "), sp.kind, strings.Join(known, ", "))
	}
	var missing []string
	for i, c := range sp.cols {
		// A push's records each say what they lack (an empty cell).
		if c.required && pos[i] < 0 && p.unit != "record" {
			missing = append(missing, c.name)
		}
	}
	if len(missing) > 0 {
		p.add(row, "", "required column missing: %s", strings.Join(missing, ", "))
	}
	return pos, present
}

// headerName is the canonical form of a header cell: trimmed, lower-case,
// spaces and dashes as underscores, without a byte order mark.
func headerName(h string) string {
	h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF")))
	return strings.NewReplacer(" ", "_", "-", "_").Replace(h)
}

// run is the import: header, COPY into md_stage while converting, merge,
// checks, commit.
func run(ctx context.Context, db DB, sp *spec, src source, opts ImportOptions) (ImportResult, error) {
	probs := &problems{unit: src.unit(), max: opts.MaxErrors}
	header, err := src.header()
	if err != nil {
		return ImportResult{}, fileError(sp.kind, err)
	}
	pos, present := sp.mapHeader(header, probs)
	if err := probs.err(sp.kind); err != nil {
		return ImportResult{}, err
	}

	tx, err := db.Begin(ctx)
	if err != nil {
		return ImportResult{}, fmt.Errorf("masterdata: begin: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if _, err := tx.Exec(ctx, "DROP TABLE IF EXISTS md_stage"); err != nil {
		return ImportResult{}, fmt.Errorf("masterdata: staging table: %w", err)
	}
	if _, err := tx.Exec(ctx, sp.createSQL); err != nil {
		return ImportResult{}, fmt.Errorf("masterdata: staging table: %w", err)
	}

	prog := newProgress(sp.kind, opts)
	sent := sp.sent(present)
	names := make([]string, len(sent))
	for i, j := range sent {
		names[i] = sp.stageCols[j]
	}
	rd := &rowReader{sp: sp, src: src, pos: pos, width: len(header), probs: probs, prog: prog, maxRows: opts.MaxRows,
		cells: make([]string, len(sp.cols)), vals: make([]any, len(sp.stageCols)), sent: sent, out: make([]any, len(sent))}
	staged, err := tx.CopyFrom(ctx, pgx.Identifier{"md_stage"}, names, pgx.CopyFromFunc(rd.next))
	prog.finish(rd.rows)
	if rd.fatal != nil {
		probs.add(0, "", "%v", rd.fatal)
	}
	if err != nil && rd.fatal == nil {
		return ImportResult{}, fmt.Errorf("masterdata: copy %s: %w", sp.kind, err)
	}
	if probs.full() || rd.fatal != nil {
		return ImportResult{}, probs.err(sp.kind)
	}
	if err := sp.mergeAll(ctx, tx, staged, present, probs); err != nil {
		return ImportResult{}, err
	}
	if err := sp.runChecks(ctx, tx, sp.after, present, probs); err != nil {
		return ImportResult{}, err
	}
	if err := probs.err(sp.kind); err != nil {
		return ImportResult{}, err
	}
	if err := releaseExposure(ctx, tx, sp.kind, opts.ReportLag); err != nil {
		return ImportResult{}, err
	}
	res := ImportResult{Kind: sp.kind, Rows: rd.rows}
	if err := tx.QueryRow(ctx, `SELECT version FROM masterdata_version`).Scan(&res.Version); err != nil {
		return ImportResult{}, fmt.Errorf("masterdata: version: %w", err)
	}
	if _, err := tx.Exec(ctx, "DROP TABLE md_stage"); err != nil {
		return ImportResult{}, fmt.Errorf("masterdata: staging table: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return ImportResult{}, fmt.Errorf("masterdata: commit %s: %w", sp.kind, err)
	}
	return res, nil
}

// mergeAll runs the kind's merge in a savepoint. When it fails or leaves rows
// out (an unknown SKU, a repeated key), it rolls back to the savepoint and
// runs the checks to say which rows and why; problems already found in the
// rows are reported together with theirs.
func (sp *spec) mergeAll(ctx context.Context, tx pgx.Tx, staged int64, present []bool, probs *problems) error {
	var mergeErr error
	if len(probs.list) == 0 {
		mergeErr = sp.tryMerge(ctx, tx, staged, present)
		if mergeErr == nil {
			return nil
		}
		if !errors.Is(mergeErr, errRowsLeftOut) && !isDataError(mergeErr) {
			return mergeErr
		}
	}
	if err := sp.runChecks(ctx, tx, sp.checks, present, probs); err != nil {
		return err
	}
	if len(probs.list) == 0 {
		// A failure the checks do not explain.
		return fmt.Errorf("masterdata: import %s: %w", sp.kind, mergeErr)
	}
	return probs.err(sp.kind)
}

var errRowsLeftOut = errors.New("rows refer to missing data")

// lockVersion locks the master-data version row until the transaction
// ends: the first lock of every transaction that writes master data (see
// tryMerge), so that writers queue on it instead of deadlocking on the
// tables and the version row in different orders.
func lockVersion(ctx context.Context, tx pgx.Tx) error {
	if _, err := tx.Exec(ctx, `SELECT version FROM masterdata_version FOR UPDATE`); err != nil {
		return fmt.Errorf("masterdata: lock the master-data version: %w", err)
	}
	return nil
}

// tryMerge runs the merge (see mergeSQL) and the extra statements in a
// savepoint. Imports of one table take turns (the lock lets readers
// through), so the table stays empty or not between the look and the merge:
// into an empty table, the first import of a large file, the merge is a
// plain INSERT, which PostgreSQL runs markedly faster than an INSERT ... ON
// CONFLICT.
//
// Locks are taken in one order by every writer of master data: the
// master-data version row first (lockVersion), then the tables. Without it
// two imports deadlock: an items import with pack sizes holds items and
// the version row (its trigger bumped it) and waits for item_units, which a
// units import holds while its own trigger waits for the version row.
// Imports still convert and stage their rows side by side; only their
// merges take turns.
func (sp *spec) tryMerge(ctx context.Context, tx pgx.Tx, staged int64, present []bool) error {
	if err := lockVersion(ctx, tx); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "LOCK TABLE "+sp.table+" IN SHARE ROW EXCLUSIVE MODE"); err != nil {
		return fmt.Errorf("masterdata: lock %s: %w", sp.table, err)
	}
	var empty bool
	if err := tx.QueryRow(ctx, "SELECT NOT EXISTS (SELECT 1 FROM "+sp.table+")").Scan(&empty); err != nil {
		return fmt.Errorf("masterdata: %s: %w", sp.table, err)
	}
	sql, countRow := sp.mergeSQL(present, empty)
	save, err := tx.Begin(ctx)
	if err != nil {
		return fmt.Errorf("masterdata: savepoint: %w", err)
	}
	var took, wrote int64
	if countRow {
		err = save.QueryRow(ctx, sql).Scan(&took, &wrote)
	} else {
		var tag pgconn.CommandTag
		tag, err = save.Exec(ctx, sql)
		took = tag.RowsAffected()
		wrote = took
	}
	if err == nil && took != staged {
		err = errRowsLeftOut
	}
	for _, st := range sp.extra {
		if err != nil {
			break
		}
		if i, ok := sp.byName[st.when]; ok && present[i] {
			var tag pgconn.CommandTag
			tag, err = save.Exec(ctx, st.sql)
			wrote += tag.RowsAffected()
		}
	}
	if err != nil || wrote == 0 {
		// Nothing written (a nightly re-import of an unchanged list): the
		// savepoint goes, and with it the version bump and its
		// notification, so running gateways do not rebuild for nothing.
		_ = save.Rollback(ctx)
		return err
	}
	return save.Commit(ctx)
}

// isDataError reports a PostgreSQL error caused by the data (class 21
// cardinality, 22 data exception, 23 integrity constraint violation).
func isDataError(err error) bool {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return false
	}
	class := pgErr.Code[:2]
	return class == "21" || class == "22" || class == "23"
}

// runChecks runs the checks that apply to a file with the present columns,
// until the problems are full.
func (sp *spec) runChecks(ctx context.Context, tx pgx.Tx, cs []check, present []bool, probs *problems) error {
	for _, c := range cs {
		if probs.full() {
			break
		}
		if c.onlyWith != "" && !present[sp.colIndex(c.onlyWith)] {
			continue
		}
		if err := c.run(ctx, tx, probs); err != nil {
			return err
		}
	}
	return nil
}

func (c check) run(ctx context.Context, tx pgx.Tx, probs *problems) error {
	if c.gate != "" {
		var found bool
		if err := tx.QueryRow(ctx, c.gate).Scan(&found); err != nil {
			return fmt.Errorf("masterdata: check %s: %w", c.column, err)
		}
		if !found {
			return nil
		}
	}
	rows, err := tx.Query(ctx, c.sql, probs.max-len(probs.list)+1)
	if err != nil {
		return fmt.Errorf("masterdata: check %s: %w", c.column, err)
	}
	defer rows.Close()
	for rows.Next() {
		var rowNo int64
		var detail string
		if err := rows.Scan(&rowNo, &detail); err != nil {
			return fmt.Errorf("masterdata: check %s: %w", c.column, err)
		}
		if !probs.add(rowNo, c.column, "%s", c.message(probs.unit, detail)) {
			break
		}
	}
	return rows.Err()
}

// rowReader feeds CopyFrom: it reads, converts and checks one row at a
// time, so only one row is held as text.
type rowReader struct {
	sp      *spec
	src     source
	pos     []int
	width   int // cells in the header
	probs   *problems
	prog    *progress
	maxRows int64
	cells   []string
	vals    []any
	sent    []int // the positions in vals that are sent (spec.sent)
	out     []any
	rows    int64
	fatal   error // the file cannot be read on
}

func (rd *rowReader) next() ([]any, error) {
	for !rd.probs.full() {
		raw, err := rd.src.next()
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		if err != nil {
			rd.fatal = err
			return nil, nil
		}
		if blank(raw) {
			continue
		}
		rd.rows++
		if rd.rows > rd.maxRows {
			rd.fatal = fmt.Errorf("the file has more than %d rows, the most one import takes", rd.maxRows)
			return nil, nil
		}
		rd.prog.row(rd.rows)
		rowNo := rd.src.rowNo()
		if len(raw) > rd.width && !blank(raw[rd.width:]) {
			rd.probs.add(rowNo, "", "the row has more cells than the header has columns")
			continue
		}
		bad := false
		for i, p := range rd.pos {
			rd.cells[i] = ""
			if p >= 0 && p < len(raw) {
				rd.cells[i] = raw[p]
				if why := rd.src.bad(p); why != "" {
					rd.probs.add(rowNo, rd.sp.cols[i].name, "%s", why)
					bad = true
				}
			}
		}
		if bad {
			continue
		}
		add := func(column, problem string) { rd.probs.add(rowNo, column, "%s", problem) }
		if rd.sp.fill(rd.vals, rowNo, rd.cells, add) {
			for i, j := range rd.sent {
				rd.out[i] = rd.vals[j]
			}
			return rd.out, nil
		}
	}
	return nil, nil
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}
