package email

import (
	"fmt"
	"strings"
	"time"

	"github.com/ordergate/ordergate/order"
)

// bodyRead is what the text of a mail says as an order.
type bodyRead struct {
	po     order.PurchaseOrder // lines, PO number, delivery date, with sources
	reason string              // why no line was read, when none was
}

// readText reads an order from a mail's text (numbered as Part.Text: the
// subject on line 1, the body from line 3). kinds and view come from
// classify over the body lines.
func readText(subject string, body []string, kinds []lineKind, view []string, sent time.Time) bodyRead {
	const first = 3 // body line i is text line i+first
	var r bodyRead
	po := &r.po
	po.Lines = []order.Line{}
	setPO := func(v string, line int) {
		if po.PONumber == "" && v != "" {
			po.PONumber = v
			po.Sources.Set("po_number", order.LineSource(line))
		}
	}
	addLine := func(l textLine, line int) {
		src := order.LineSource(line)
		ln := order.Line{LineNo: len(po.Lines) + 1, Quantity: l.qty, Unit: l.unit, Description: l.desc, UnitPrice: l.price}
		ln.Sources.Set("quantity", src)
		if l.unit != "" {
			ln.Sources.Set("unit", src)
		}
		if l.item != "" {
			if gtinLike(l.item) {
				ln.GTIN = l.item
				ln.Sources.Set("gtin", src)
			} else {
				ln.BuyerItem = l.item
				ln.Sources.Set("buyer_item", src)
			}
		}
		if l.desc != "" {
			ln.Sources.Set("description", src)
		}
		if l.price != nil {
			ln.Sources.Set("unit_price", src)
		}
		po.Lines = append(po.Lines, ln)
	}
	quoted, looked := false, false
	for i := 0; i < len(body); i++ {
		switch kinds[i] {
		case lineQuoted:
			quoted = quoted || strings.TrimSpace(body[i]) != ""
			continue
		case lineForward:
			// A forwarded mail's header block names its subject.
			if m := headerLine.FindStringSubmatch(strings.TrimSpace(unquote(body[i]))); m != nil {
				switch strings.ToLower(m[1]) {
				case "subject", "ämne", "betreff", "emne", "aihe":
					setPO(readSubjectPO(m[2]), i+first)
				}
			}
			continue
		case lineText:
		default:
			continue
		}
		s := view[i]
		if strings.TrimSpace(s) == "" {
			continue
		}
		looked = true
		setPO(readPO(s), i+first)
		if d, ok := readDeliveryDate(s, sent); ok && po.DeliveryDate.IsZero() {
			po.DeliveryDate = d
			po.Sources.Set("delivery_date", order.LineSource(i+first))
		}
		if t, ok := readHeader(s); ok {
			j := i + 1
			for ; j < len(body) && kinds[j] == lineText && strings.TrimSpace(view[j]) != ""; j++ {
				if l, ok := t.row(view[j]); ok {
					addLine(l, j+first)
				} else if !separatorRow(view[j]) {
					break
				}
			}
			i = j - 1
			continue
		}
		if l, ok := readLine(s); ok {
			addLine(l, i+first)
		} else if l, ok := bareRow(s); ok {
			addLine(l, i+first)
		}
	}
	if po.PONumber == "" {
		setPO(readSubjectPO(subject), 1)
	}
	if len(po.Lines) == 0 {
		switch {
		case !looked && quoted:
			r.reason = "the mail has no text of its own, only a quoted earlier mail, and no attachment with an order"
		case !looked:
			r.reason = "the mail has no text and no attachment with an order"
		default:
			r.reason = "no order lines were found in the mail text (an order line is a quantity with a unit or \"x\" and an item number, " +
				"such as \"10 x ABC-123\" or \"ABC-123 10 st\", or a table with item and quantity columns), and no attachment holds an order"
		}
	}
	return r
}

// separatorRow is a table's rule line ("-----  -----").
func separatorRow(s string) bool {
	t := strings.Trim(s, " \t-=_|+")
	return t == "" && strings.TrimSpace(s) != ""
}

// gtinLike reports an all-digit number of GTIN length with a right check
// digit (GS1 General Specifications 7.9), which is read as a GTIN rather
// than an item number.
func gtinLike(s string) bool {
	switch len(s) {
	case 8, 12, 13, 14:
	default:
		return false
	}
	sum := 0
	for i := 0; i < len(s); i++ {
		c := s[len(s)-1-i]
		if c < '0' || c > '9' {
			return false
		}
		d := int(c - '0')
		if i > 0 && i%2 == 1 {
			d *= 3
		}
		if i > 0 {
			sum += d
		}
	}
	return (10-sum%10)%10 == int(s[len(s)-1]-'0')
}

// bodyText is the text whose lines order sources number: the subject,
// a blank line, the body.
func bodyText(subject, body string) string {
	return fmt.Sprintf("Subject: %s\n\n%s", subject, body)
}
