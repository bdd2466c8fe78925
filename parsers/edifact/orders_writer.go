package edifact

import (
	"io"
	"strconv"
	"strings"

	"github.com/ordergate/ordergate/order"
)

// DefaultORDERSVersion is the message version WriteORDERS writes: EANCOM 2002
// ORDERS on D.96A, which ERPs that import EDIFACT files read.
const DefaultORDERSVersion = "D:96A:UN:EAN008"

// WriteORDERS writes matched orders as one interchange of ORDERS messages,
// for an ERP that imports EDIFACT files: our SKU (PIA+5 SA), the matched
// quantity and unit, the agreed price (PRI+AAA) and the buyer's own
// numbers, the parties with their addresses (NAD C080 name, C059 street,
// 3164 city, 3251 postcode, 3207 country), the notes (FTX+AAI, the order's
// before the parties, a line's after its date) and the parts of split
// deliveries. See UN/EDIFACT D.96A ORDERS: BGM, DTM, FTX, RFF, NAD, CUX,
// LIN, PIA, IMD, QTY, DTM, FTX, PRI, LOC, UNS, CNT.
func WriteORDERS(w io.Writer, out Outbound, orders ...order.PurchaseOrder) error {
	wr := NewWriter(w, out)
	mark := wr.Decimal()
	for i, o := range orders {
		wr.BeginMessage(strconv.Itoa(i+1), "ORDERS", DefaultORDERSVersion)
		fn := map[order.Function]string{order.FunctionOriginal: "9", order.FunctionChange: "4",
			order.FunctionCancellation: "1", order.FunctionReplace: "5"}[o.Function]
		if fn == "" {
			fn = "9"
		}
		wr.Segment("BGM", []string{"220"}, []string{o.PONumber}, []string{fn})
		if !o.OrderDate.IsZero() {
			wr.Segment("DTM", dtm102("137", o.OrderDate))
		}
		if !o.DeliveryDate.IsZero() {
			wr.Segment("DTM", dtm102("2", o.DeliveryDate))
		}
		writeNotes(wr, o.Notes)
		for _, r := range o.References {
			wr.Segment("RFF", []string{r.Qualifier, r.Value})
		}
		if o.CustomerNumber != "" {
			wr.Segment("RFF", []string{"IT", o.CustomerNumber}) // our number for the buyer
		}
		for _, p := range []struct {
			role  string
			party *order.Party
		}{{"BY", o.Buyer}, {"DP", o.ShipTo}, {"IV", o.Invoicee}, {"SU", o.Supplier}} {
			if p.party.IsZero() {
				continue
			}
			id := []string{p.party.GLN, "", "9"}
			if p.party.GLN == "" {
				id = []string{p.party.ID, "", p.party.CodeList}
			}
			wr.Segment("NAD", []string{p.role}, id, nil, components(p.party.Name, 35, 5), components(p.party.Address, 35, 4),
				[]string{p.party.City}, nil, []string{p.party.Postcode}, []string{p.party.Country})
		}
		if o.Currency != "" {
			wr.Segment("CUX", []string{"2", o.Currency, "9"})
		}
		for _, l := range o.Lines {
			var gtin []string
			if l.GTIN != "" {
				gtin = []string{l.GTIN, "EN"}
			}
			wr.Segment("LIN", []string{strconv.Itoa(l.LineNo)}, nil, gtin)
			var pia [][]string
			if l.SKU != "" {
				pia = append(pia, []string{l.SKU, "SA"})
			} else if l.SupplierItem != "" {
				pia = append(pia, []string{l.SupplierItem, "SA"})
			}
			if l.BuyerItem != "" {
				pia = append(pia, []string{l.BuyerItem, "IN"})
			}
			if len(pia) > 0 {
				wr.Segment("PIA", append([][]string{{"5"}}, pia...)...)
			}
			if l.Description != "" {
				wr.Segment("IMD", []string{"F"}, nil, []string{"", "", "", l.Description})
			}
			qty, unit := l.Ordered()
			wr.Segment("QTY", []string{"21", qty.Text(mark), unit})
			if !l.DeliveryDate.IsZero() {
				wr.Segment("DTM", dtm102("2", l.DeliveryDate))
			}
			writeNotes(wr, l.Notes)
			price := l.AgreedPrice
			if price == nil {
				price = l.UnitPrice
			}
			if price != nil {
				wr.Segment("PRI", []string{"AAA", price.Text(mark)})
			}
			// Segment group 33: the parts of a split delivery, each a place
			// (LOC 7, a GLN when 13 digits), its quantity (QTY 11, split
			// quantity, in the unit of QTY 21) and its date.
			for _, d := range l.Schedule().Deliveries {
				place := []string{d.Location}
				if len(d.Location) == 13 && isDigitString(d.Location) {
					place = []string{d.Location, "", "9"}
				}
				wr.Segment("LOC", []string{"7"}, place)
				wr.Segment("QTY", []string{"11", inUnit(d.Quantity, l, qty).Text(mark), unit})
				if !d.Date.IsZero() {
					wr.Segment("DTM", dtm102("2", d.Date))
				}
			}
		}
		wr.Segment("UNS", []string{"S"})
		wr.Segment("CNT", []string{"2", strconv.Itoa(len(o.Lines))})
		wr.EndMessage()
	}
	return wr.Close()
}

// components cuts s into at most max components of at most size bytes
// (a name into C080, a street into C059, a note into C108), at a space
// where there is one: the parser joins components with a space again.
func components(s string, size, max int) []string {
	var out []string
	s = strings.TrimSpace(s)
	for len(s) > 0 && len(out) < max {
		n := len(s)
		if n > size {
			n = size
			for n > 0 && !isRuneStart(s[n]) {
				n--
			}
			if i := strings.LastIndexByte(s[:n+1], ' '); i > 0 {
				n = i
			}
		}
		out = append(out, strings.TrimSpace(s[:n]))
		s = strings.TrimSpace(s[n:])
	}
	return out
}

func isDigitString(s string) bool { return isDigits(s) }

// inUnit converts a part of line l, sent in the line's unit, into the unit
// the line is written in: qty is the line's quantity in that unit.
func inUnit(part order.Decimal, l order.Line, qty order.Decimal) order.Decimal {
	if l.Quantity.IsZero() || qty.Cmp(l.Quantity) == 0 {
		return part
	}
	v, ok := part.Mul(qty)
	if ok {
		v, ok = v.Div(l.Quantity)
	}
	if !ok {
		return part
	}
	return v
}

// writeNotes writes notes as FTX+AAI (general information) segments, each
// note in as many as its length needs (C108: five texts of 70).
func writeNotes(wr *Writer, notes []string) {
	for _, n := range notes {
		parts := components(n, 70, 1<<20)
		for len(parts) > 0 {
			k := min(5, len(parts))
			wr.Segment("FTX", []string{"AAI"}, nil, nil, parts[:k])
			parts = parts[k:]
		}
	}
}
