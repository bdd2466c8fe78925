package review

import (
	"github.com/xuri/excelize/v2"

	"github.com/ordergate/ordergate/parsers/sheet/table"
)

// gridRow is a row of a sheet as the order page shows it beside the order.
type gridRow struct {
	No    int
	Cells []string
}

// Bounds of the grid shown beside an order: the order's table is near the
// top of a customer's sheet; the whole file is a download away.
const (
	gridRows    = 300
	gridColumns = 26
	gridUnzip   = 200 << 20
)

// sheetGrid reads the named sheet of an XLSX workbook (the first when name
// is empty) as its cells' text, for display.
func sheetGrid(raw []byte, name string) ([]gridRow, []string, error) {
	f, err := table.OpenXLSX(raw, table.XLSXLimits{Unzipped: gridUnzip, Key: "limits.max_zip_expansion"})
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	if name == "" {
		name = f.GetSheetName(0)
	}
	rows, err := f.Rows(name)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var out []gridRow
	width := 0
	for n := 1; rows.Next() && n <= gridRows; n++ {
		cells, err := rows.Columns()
		if err != nil {
			return nil, nil, err
		}
		if len(cells) > gridColumns {
			cells = cells[:gridColumns]
		}
		width = max(width, len(cells))
		out = append(out, gridRow{No: n, Cells: cells})
	}
	letters := make([]string, width)
	for i := range letters {
		letters[i], _ = excelize.ColumnNumberToName(i + 1)
	}
	for i := range out {
		for len(out[i].Cells) < width {
			out[i].Cells = append(out[i].Cells, "")
		}
	}
	return out, letters, rows.Error()
}
