package matching

import (
	"fmt"
	"strings"

	"github.com/ordergate/ordergate/catalog"
	"github.com/ordergate/ordergate/order"
)

// What a parser hands over beyond the line's three numbers: every item
// identification the line was sent with, split deliveries, and the doubts
// it had reading the document.

// fallbackKinds is the order in which a line's further identifications are
// tried when its buyer's number, GTIN and supplier number find nothing (the
// same order as those: see resolveItem). IDOther (an RSK number, a style
// number) has no index and is only shown.
var fallbackKinds = [...]order.IDKind{order.IDBuyer, order.IDGTIN, order.IDSupplier, order.IDManufacturer}

// resolveByIdentifiers looks the line's identifications up that the
// batch did not: every one but the line's BuyerItem, GTIN and SupplierItem,
// by kind in the order of fallbackKinds: a buyer's number (IN, BP) by the
// customer's cross-references, then as our SKU; a GTIN (EN, SRV, UP, an
// ISBN as its GTIN-13) in the GTIN index; a supplier's number (SA, VN, VP,
// SK) and last the manufacturer's (MF) as our SKU. It returns the
// candidates found, at most len(out).
func (m *run) resolveByIdentifiers(l *order.Line, out []candidate) int {
	s := m.snap
	n := 0
	for _, kind := range fallbackKinds {
		for _, id := range l.Identifiers {
			if n == len(out) {
				return n
			}
			if id.Kind() != kind || id.Value == l.BuyerItem || id.Value == l.GTIN || id.Value == l.SupplierItem {
				continue
			}
			switch kind {
			case order.IDBuyer:
				if m.res.Customer >= 0 {
					if x, item, unit, ok := s.CrossRef(m.res.Customer, id.Value); ok {
						out[n] = candidate{item: item, by: Resolution{Path: PathCrossRef, CrossRef: x, ID: id}, pack: unit}
						n++
						continue
					}
				}
				if item, ok := s.ItemBySKU(id.Value); ok {
					out[n] = candidate{item: item, by: Resolution{Path: PathBuyerAsSKU, Code: id.Value, ID: id}}
					n++
				}
			case order.IDGTIN:
				g, ok := id.GTIN()
				if !ok {
					continue
				}
				v, err := catalog.ParseGTIN(g)
				if err != nil {
					continue
				}
				if item, su, ok := s.ItemByGTIN(v); ok {
					c := candidate{item: item, by: Resolution{Path: PathGTIN, GTIN: v, ID: id}}
					if su != nil {
						c.pack = su.Unit
					}
					out[n] = c
					n++
				}
			default:
				if item, ok := s.ItemBySKU(id.Value); ok {
					out[n] = candidate{item: item, by: Resolution{Path: PathSKU, Code: id.Value, ID: id}}
					n++
				}
			}
		}
	}
	return n
}

// otherIDs lists the line's identifications that BuyerItem, GTIN and
// SupplierItem do not show, as people read them ("RSK number 5738221
// (SRS)"), for the message of a line nothing resolved.
func otherIDs(l *order.Line) []string {
	var out []string
	for _, id := range l.Identifiers {
		if id.Value == l.BuyerItem || id.Value == l.GTIN || id.Value == l.SupplierItem {
			continue
		}
		out = append(out, id.String())
	}
	return out
}

// checkDeliveries raises SPLIT_DELIVERY for a line delivered in parts to
// several places or on several dates, unless the ERP connector carries a
// line's deliveries (Options.SplitDeliveries).
func (m *run) checkDeliveries(l *order.Line) {
	ds := l.Schedule().Deliveries
	if len(ds) < 2 || m.opts.SplitDeliveries {
		return
	}
	parts := make([]string, 0, len(ds))
	for _, d := range ds {
		p := d.Quantity.String()
		if d.Location != "" {
			p += " to " + d.Location
		}
		if !d.Date.IsZero() {
			p += " on " + d.Date.String()
		}
		parts = append(parts, p)
	}
	m.add(newException(SplitDelivery, l.LineNo, "", fmt.Sprintf("%d parts: %s", len(parts), strings.Join(parts, "; ")),
		"the ERP connector sends one delivery per line", nil))
}

// maxWarningExceptions bounds the PARSE_ERROR exceptions raised for the
// parser's warnings on one order.
const maxWarningExceptions = 10

// checkWarnings raises a PARSE_ERROR for each doubt the parser had reading
// the order (order.PurchaseOrder.Warnings): it read around them, and a
// person should look before the order goes on.
func (m *run) checkWarnings() {
	ws := m.po.Warnings
	for i, w := range ws {
		if i == maxWarningExceptions {
			m.add(newException(ParseError, 0, "", fmt.Sprintf("The file had %d more problems; see the order's warnings.", len(ws)-i), "", nil))
			return
		}
		m.add(newException(ParseError, 0, "", "The file was read around a problem: "+w, "", nil))
	}
}
