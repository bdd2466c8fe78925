package edifact

import (
	"io"
	"strconv"

	"github.com/ordergate/ordergate/order"
)

// DefaultORDERSVersion is the message version WriteORDERS writes: EANCOM 2002
// ORDERS on D.96A, which ERPs that import EDIFACT files read.
const DefaultORDERSVersion = "D:96A:UN:EAN008"

// WriteORDERS writes matched orders as one interchange of ORDERS messages,
// for an ERP that imports EDIFACT files: our SKU (PIA+5 SA), the matched
// quantity and unit, the agreed price (PRI+AAA) and the buyer's own
// numbers, and the parts of split deliveries. See UN/EDIFACT D.96A ORDERS:
// BGM, DTM, RFF, NAD, CUX, LIN, PIA, IMD, QTY, DTM, PRI, LOC, UNS, CNT.
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
			wr.Segment("NAD", []string{p.role}, id, nil, splitName(p.party.Name))
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
			for _, d := range l.Deliveries {
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

// splitName cuts a party name into the 35-character components of C080.
func splitName(s string) []string {
	var out []string
	for len(s) > 0 && len(out) < 5 {
		n := len(s)
		if n > 35 {
			n = 35
			for n > 0 && !isRuneStart(s[n]) {
				n--
			}
		}
		out = append(out, s[:n])
		s = s[n:]
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
	if v, ok := part.Mul(qty).Div(l.Quantity); ok {
		return v
	}
	return part
}
