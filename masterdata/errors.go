package masterdata

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// ErrUnknownKind is returned for a kind that is not one of Kinds.
var ErrUnknownKind = errors.New("masterdata: unknown kind of master data")

// Problem is one thing wrong with an imported file or push, located the way
// the user sees it: Row counts the header as row 1 in a file; in a JSON push
// it is the 1-based record number. Row 0 means the file as a whole (e.g. a
// missing column).
type Problem struct {
	Row     int64
	Column  string // canonical column name, or "" when the whole row is meant
	Message string

	unit string // "row" or "record"
}

// String reads like `row 17, column price: "12,5x" is not a number`.
func (p Problem) String() string {
	var b strings.Builder
	if p.Row > 0 {
		fmt.Fprintf(&b, "%s %d", p.unit, p.Row)
	}
	if p.Column != "" {
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "column %s", p.Column)
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// ImportError is returned when an import found problems. Nothing was
// written. Problems holds at most ImportOptions.MaxErrors entries, sorted by
// row; More reports that the import reached that many and stopped looking.
type ImportError struct {
	Kind     Kind
	Problems []Problem
	More     bool
}

func (e *ImportError) Error() string {
	var b strings.Builder
	n := len(e.Problems)
	fmt.Fprintf(&b, "masterdata: %s not imported, nothing was changed: ", e.Kind)
	switch {
	case e.More:
		fmt.Fprintf(&b, "stopped after %d problems", n)
	case n == 1:
		b.WriteString("1 problem")
	default:
		fmt.Fprintf(&b, "%d problems", n)
	}
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(p.String())
	}
	return b.String()
}

// problems collects Problems up to a limit.
type problems struct {
	unit string
	max  int
	list []Problem
	more bool
}

// add records a problem; it reports false once the limit is reached.
func (p *problems) add(row int64, column, format string, args ...any) bool {
	if len(p.list) >= p.max {
		p.more = true
		return false
	}
	p.list = append(p.list, Problem{Row: row, Column: column, Message: fmt.Sprintf(format, args...), unit: p.unit})
	if len(p.list) == p.max {
		p.more = true // nobody looks further
		return false
	}
	return true
}

func (p *problems) full() bool { return len(p.list) >= p.max }

func (p *problems) err(kind Kind) error {
	if len(p.list) == 0 {
		return nil
	}
	slices.SortStableFunc(p.list, func(a, b Problem) int { return cmp.Compare(a.Row, b.Row) })
	return &ImportError{Kind: kind, Problems: p.list, More: p.more}
}
