package erp

import (
	"strings"
	"unicode/utf8"

	"github.com/ordergate/ordergate/order"
)

// What every ERP connector sends of where and when the customer wants the
// goods: the delivery address matching resolved (order.PurchaseOrder
// DeliverTo: a location from the master data, or the ship-to address as
// sent), the requested delivery date of the order and of each line, and the
// customer's notes. An order without DeliverTo goes to the customer's
// default address, as the ERP has it.

// orderDate is the requested delivery date of the order as a whole: the
// order's own, else the one date every line asks for, else none (then each
// line carries its own).
func orderDate(po *order.PurchaseOrder) order.Date {
	if !po.DeliveryDate.IsZero() {
		return po.DeliveryDate
	}
	var d order.Date
	for i := range po.Lines {
		ld := po.Lines[i].DeliveryDate
		if ld.IsZero() || (!d.IsZero() && ld != d) {
			return order.Date{}
		}
		d = ld
	}
	return d
}

// wrap cuts s into pieces of at most width characters, at spaces where it
// can (a longer word is cut); empty pieces are dropped.
func wrap(s string, width int) []string {
	var out []string
	for _, para := range strings.Split(s, "\n") {
		line := ""
		for _, w := range strings.Fields(para) {
			for utf8.RuneCountInString(w) > width {
				if line != "" {
					out, line = append(out, line), ""
				}
				cut := runePrefix(w, width)
				out, w = append(out, cut), w[len(cut):]
			}
			switch {
			case line == "":
				line = w
			case utf8.RuneCountInString(line)+1+utf8.RuneCountInString(w) <= width:
				line += " " + w
			default:
				out, line = append(out, line), w
			}
		}
		if line != "" {
			out = append(out, line)
		}
	}
	return out
}

// runePrefix returns the first n characters of s.
func runePrefix(s string, n int) string {
	i := 0
	for k := 0; k < n && i < len(s); k++ {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return s[:i]
}

// fit spreads s over fields of the given widths, cutting at spaces; ok is
// false when it does not fit.
func fit(s string, widths ...int) (parts []string, ok bool) {
	parts = make([]string, len(widths))
	rest := strings.Join(strings.Fields(s), " ")
	for i, w := range widths {
		if rest == "" {
			break
		}
		if i == len(widths)-1 {
			if utf8.RuneCountInString(rest) > w {
				return nil, false
			}
			parts[i], rest = rest, ""
			break
		}
		p := wrap(rest, w)
		parts[i] = p[0]
		rest = strings.TrimSpace(rest[len(p[0]):])
	}
	return parts, rest == ""
}
