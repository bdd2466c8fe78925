package masterdata

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/ordergate/ordergate/catalog"
	"github.com/ordergate/ordergate/order"
)

// A convert turns one non-empty, trimmed cell into the value staged for it,
// or explains in plain words why it cannot.
type convert func(cell string) (value any, problem string)

// maxAmount bounds decimals to what numeric(18,6) holds.
var maxAmount = order.NewDecimal(1_000_000_000_000)

func convText(s string) (any, string) { return s, "" }

// convID is for customer numbers, price lists, warehouses: upper-cased.
func convID(s string) (any, string) { return strings.ToUpper(s), "" }

// convCode is for SKUs and customer item codes: kept as written; the
// column's key (catalog.NormalizeCode) must not be empty.
func convCode(s string) (any, string) {
	if catalog.NormalizeCode(s) == "" {
		return nil, fmt.Sprintf("%q is not an item number", s)
	}
	return s, ""
}

// convDecimal accepts decimals of the given minimum sign: -2 any, 0 not
// negative, 1 positive.
func convDecimal(minSign int) convert {
	return func(s string) (any, string) {
		d, err := order.ParseDecimal(s)
		if err != nil {
			if strings.Contains(err.Error(), "decimal places") {
				return nil, fmt.Sprintf("%q has more than %d decimal places", s, order.Scale)
			}
			return nil, fmt.Sprintf("%q is not a number", s)
		}
		abs, ok := d.Abs()
		switch {
		case !ok || abs.Cmp(maxAmount) >= 0:
			return nil, fmt.Sprintf("%q is too large", s)
		case minSign == 0 && d.Sign() < 0:
			return nil, fmt.Sprintf("%q must not be negative", s)
		case minSign == 1 && d.Sign() <= 0:
			return nil, fmt.Sprintf("%q must be greater than zero", s)
		}
		return d.String(), ""
	}
}

// convDate accepts YYYY-MM-DD, and the serial day numbers spreadsheets
// store dates as.
func convDate(s string) (any, string) {
	if d, err := order.ParseDate(s); err == nil {
		return d.Time(), ""
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && f > 0 && f < 2958466 {
		if t, err := excelize.ExcelDateToTime(f, false); err == nil {
			y, m, d := t.Date()
			return time.Date(y, m, d, 0, 0, 0, 0, time.UTC), ""
		}
	}
	return nil, fmt.Sprintf("%q is not a date (write it as YYYY-MM-DD)", s)
}

func convBool(s string) (any, string) {
	switch strings.ToLower(s) {
	case "yes", "y", "true", "t", "1", "x", "ja", "j":
		return true, ""
	case "no", "n", "false", "f", "0", "nein":
		return false, ""
	}
	return nil, fmt.Sprintf("%q is not yes or no", s)
}

func convUnit(s string) (any, string) {
	u := catalog.NormalizeUnit(s)
	if len(u) > 8 || strings.ContainsAny(u, " \t") {
		return nil, fmt.Sprintf("%q is not a unit code (such as PCE, CT, KGM)", s)
	}
	return u, ""
}

func convCurrency(s string) (any, string) {
	c := strings.ToUpper(s)
	if len(c) != 3 || strings.Trim(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		return nil, fmt.Sprintf("%q is not a currency code (such as EUR)", s)
	}
	return c, ""
}

// convCountry accepts an ISO 3166-1 alpha-2 country code.
func convCountry(s string) (any, string) {
	c := strings.ToUpper(s)
	if len(c) != 2 || strings.Trim(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		return nil, fmt.Sprintf("%q is not a country code (two letters, such as BE)", s)
	}
	return c, ""
}

// convStatus accepts the item statuses of catalog.ItemStatus.
func convStatus(s string) (any, string) {
	switch st := catalog.ItemStatus(strings.ToLower(s)); st {
	case catalog.ItemActive, catalog.ItemBlocked, catalog.ItemDiscontinued:
		return string(st), ""
	}
	return nil, fmt.Sprintf("%q is not a status (active, blocked or discontinued)", s)
}

// convGTIN validates a GTIN-8/12/13/14 and stores its digits.
func convGTIN(s string) (any, string) {
	if _, err := catalog.ParseGTIN(s); err != nil {
		return nil, fmt.Sprintf("%q is not a valid GTIN (%s)", s, strings.TrimPrefix(err.Error(), "catalog: "))
	}
	return strings.Join(strings.Fields(s), ""), ""
}

// convGLN validates a 13-digit Global Location Number.
func convGLN(s string) (any, string) {
	v, p := convGTIN(s)
	if p == "" && len(v.(string)) != 13 {
		p = fmt.Sprintf("%q is not a GLN (13 digits)", s)
	}
	return v, p
}

func convEmail(s string) (any, string) {
	e := catalog.NormalizeEmail(s)
	if e == "" || strings.ContainsAny(e, " |") {
		return nil, fmt.Sprintf("%q is not an e-mail address", s)
	}
	return e, ""
}

func convDomain(s string) (any, string) {
	d := catalog.NormalizeDomain(s)
	if d == "" || strings.ContainsAny(d, "@ ") || !strings.Contains(d, ".") {
		return nil, fmt.Sprintf("%q is not a mail domain (such as example.com)", s)
	}
	return d, ""
}

// listSeparator separates several values in one cell.
const listSeparator = "|"

// convList applies each to the '|'-separated values of a cell.
func convList(each convert) convert {
	return func(s string) (any, string) {
		parts := strings.Split(s, listSeparator)
		out := make([]string, 0, len(parts))
		for _, p := range parts {
			p = strings.TrimSpace(p)
			if p == "" {
				continue
			}
			v, problem := each(p)
			if problem != "" {
				return nil, problem
			}
			out = append(out, v.(string))
		}
		return out, ""
	}
}
