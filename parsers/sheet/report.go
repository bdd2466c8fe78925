package sheet

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ordergate/ordergate/order"
)

// validate is order.Validate, but for the lines held for the desk, whose
// quantity of 0 is deliberate: matching raises each as a PARSE_ERROR the
// desk fixes by setting the quantity or deleting the line.
func validate(po *order.PurchaseOrder, held []Held) []string {
	if len(held) == 0 {
		return po.Validate()
	}
	v := *po
	v.Lines = append([]order.Line(nil), po.Lines...)
	for _, h := range held {
		for i := range v.Lines {
			if v.Lines[i].LineNo == h.LineNo {
				v.Lines[i].Quantity = order.NewDecimal(1)
			}
		}
	}
	return v.Validate()
}

// skippedWarning is the document's warning listing the rows of a table
// that became no line, grouped by why ("rows 12-40, 45: no quantity (an
// order form's item not ordered); row 50: a total, tax or freight row"),
// or "" when there are none. A repeated header row is not worth a word.
func skippedWarning(sheetName string, skipped []Skipped) string {
	var reasons []string
	rows := map[string][]int{}
	n := 0
	for _, s := range skipped {
		if s.Reason == reasonHeaderAgain {
			continue
		}
		if _, ok := rows[s.Reason]; !ok {
			reasons = append(reasons, s.Reason)
		}
		rows[s.Reason] = append(rows[s.Reason], s.Row)
		n++
	}
	if n == 0 {
		return ""
	}
	parts := make([]string, 0, len(reasons))
	for _, r := range reasons {
		parts = append(parts, rowRanges(rows[r])+": "+r)
	}
	noun := "rows"
	if n == 1 {
		noun = "row"
	}
	return fmt.Sprintf("%s: %d %s skipped: %s", where(sheetName), n, noun, strings.Join(parts, "; "))
}

// heldWarnings says, for each line held for the desk, which row it is and
// what its quantity cell holds.
func heldWarnings(sheetName string, lines []order.Line, held []Held) []string {
	out := make([]string, 0, len(held))
	for _, h := range held {
		what := "has no quantity"
		if h.Quantity != "" && h.Quantity != "-" && h.Quantity != "–" {
			if _, _, ok := numberText(h.Quantity); ok {
				what = "has quantity 0"
			} else {
				what = fmt.Sprintf("has the quantity %q, which is not a number", h.Quantity)
			}
		}
		item := ""
		for _, l := range lines {
			if l.LineNo == h.LineNo {
				item = " (" + firstNonEmpty(l.BuyerItem, l.SupplierItem, l.GTIN, l.Description) + ")"
			}
		}
		at := fmt.Sprintf("row %d", h.Row)
		if sheetName != "" {
			at = fmt.Sprintf("sheet %q row %d", sheetName, h.Row)
		}
		out = append(out, fmt.Sprintf("%s%s %s: it is line %d with quantity 0; set the quantity or delete the line",
			at, item, what, h.LineNo))
	}
	return out
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// rowRanges writes ascending row numbers as "row 4", "rows 4-9, 12".
func rowRanges(rows []int) string {
	var b strings.Builder
	for i := 0; i < len(rows); {
		j := i
		for j+1 < len(rows) && rows[j+1] == rows[j]+1 {
			j++
		}
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Itoa(rows[i]))
		if j > i {
			b.WriteString("-" + strconv.Itoa(rows[j]))
		}
		i = j + 1
	}
	if len(rows) == 1 {
		return "row " + b.String()
	}
	return "rows " + b.String()
}
