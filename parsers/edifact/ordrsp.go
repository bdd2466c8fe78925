package edifact

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/ordergate/ordergate/order"
)

// Response status codes: BGM 1225 of an ORDRSP. See UN/EDIFACT D.96A
// ORDRSP, segment BGM, and EANCOM ORDRSP.
const (
	ResponseAccepted    = "29" // accepted without amendment
	ResponseWithChanges = "4"  // change: accepted with amendment (see the lines)
	ResponseRejected    = "27" // not accepted
)

// Line action codes: LIN 1229 of an ORDRSP line.
const (
	LineAccepted    = "5" // accepted without amendment
	LineChanged     = "3" // changed (quantity, price or date differ from the order)
	LineNotAccepted = "7" // not accepted
	LineAdded       = "1" // added by the supplier
)

// DefaultORDRSPVersion is the message version written when OrderResponse
// does not name one: EANCOM 2002 ORDRSP on D.96A.
const DefaultORDRSPVersion = "D:96A:UN:EAN005"

// OrderResponse is one purchase order response message. See UN/EDIFACT
// D.96A ORDRSP: BGM, DTM, FTX, RFF (+DTM), NAD, CUX, then per line LIN,
// PIA, QTY, DTM, PRI, FTX, then UNS and CNT.
type OrderResponse struct {
	MessageRef string // UNH 0062
	Version    string // e.g. D:96A:UN:EAN005 (DefaultORDRSPVersion when empty)
	Number     string // BGM 1004: our response number
	Status     string // BGM 1225: ResponseAccepted, ResponseWithChanges or ResponseRejected
	Date       order.Date
	Reason     string // FTX+AAI: why the order was rejected or changed
	PONumber   string // RFF+ON: the buyer's order number
	PODate     order.Date
	Buyer      string // NAD+BY GLN
	Supplier   string // NAD+SU GLN
	Currency   string
	Lines      []ResponseLine
}

// ResponseLine answers one order line. Price is per PriceBasis of Unit
// (EDIFACT PRI 5284), as the buyer sent it; nil PriceBasis means per one.
type ResponseLine struct {
	LineNo       int
	Action       string // LIN 1229: LineAccepted, LineChanged, LineNotAccepted
	GTIN         string
	BuyerItem    string
	SupplierItem string
	Quantity     order.Decimal // QTY+21: the quantity we confirm
	Unit         string
	Price        *order.Decimal // PRI+AAA net unit price
	PriceBasis   *order.Decimal // PRI 5284: the quantity Price is for (nil: one unit)
	DeliveryDate order.Date     // DTM+2
	Note         string         // FTX+AAI
}

// NewOrderResponse answers o as accepted without amendment, line by line.
// Change Status and the lines to confirm with changes or reject.
func NewOrderResponse(o order.PurchaseOrder, number string, date order.Date) OrderResponse {
	r := OrderResponse{Number: number, Status: ResponseAccepted, Date: date, PONumber: o.PONumber, PODate: o.OrderDate, Currency: o.Currency}
	if o.Buyer != nil {
		r.Buyer = o.Buyer.GLN
	}
	if o.Supplier != nil {
		r.Supplier = o.Supplier.GLN
	}
	for _, l := range o.Lines {
		r.Lines = append(r.Lines, ResponseLine{LineNo: l.LineNo, Action: LineAccepted, GTIN: l.GTIN, BuyerItem: l.BuyerItem,
			SupplierItem: l.SupplierItem, Quantity: l.Quantity, Unit: l.Unit, Price: l.UnitPrice, PriceBasis: l.PriceBasis,
			DeliveryDate: l.DeliveryDate})
	}
	return r
}

func dtm102(q string, d order.Date) []string {
	return []string{q, fmt.Sprintf("%04d%02d%02d", d.Year, int(d.Month), d.Day), "102"}
}

// WriteORDRSP writes the responses as ORDRSP messages in one interchange
// described by out (see ReplyTo): the partner's syntax, service characters
// and decimal mark.
func WriteORDRSP(w io.Writer, out Outbound, rs ...OrderResponse) error {
	wr := NewWriter(w, out)
	mark := wr.Decimal()
	for i, r := range rs {
		ref := r.MessageRef
		if ref == "" {
			ref = strconv.Itoa(i + 1)
		}
		ver := r.Version
		if ver == "" {
			ver = DefaultORDRSPVersion
		}
		wr.BeginMessage(ref, "ORDRSP", ver)
		wr.Segment("BGM", []string{"231"}, []string{r.Number}, []string{r.Status})
		if !r.Date.IsZero() {
			wr.Segment("DTM", dtm102("137", r.Date))
		}
		if r.Reason != "" {
			wr.Segment("FTX", []string{"AAI"}, nil, nil, splitText(r.Reason))
		}
		wr.Segment("RFF", []string{"ON", r.PONumber})
		if !r.PODate.IsZero() {
			wr.Segment("DTM", dtm102("171", r.PODate))
		}
		if r.Buyer != "" {
			wr.Segment("NAD", []string{"BY"}, []string{r.Buyer, "", "9"})
		}
		if r.Supplier != "" {
			wr.Segment("NAD", []string{"SU"}, []string{r.Supplier, "", "9"})
		}
		if r.Currency != "" {
			wr.Segment("CUX", []string{"2", r.Currency, "9"})
		}
		for _, l := range r.Lines {
			var item []string
			if l.GTIN != "" {
				item = []string{l.GTIN, "EN"}
			}
			wr.Segment("LIN", []string{strconv.Itoa(l.LineNo)}, []string{l.Action}, item)
			var pia [][]string
			if l.SupplierItem != "" {
				pia = append(pia, []string{l.SupplierItem, "SA"})
			}
			if l.BuyerItem != "" {
				pia = append(pia, []string{l.BuyerItem, "IN"})
			}
			if len(pia) > 0 {
				wr.Segment("PIA", append([][]string{{"5"}}, pia...)...)
			}
			wr.Segment("QTY", []string{"21", l.Quantity.Text(mark), l.Unit})
			if !l.DeliveryDate.IsZero() {
				wr.Segment("DTM", dtm102("2", l.DeliveryDate))
			}
			switch {
			case l.Price != nil && l.PriceBasis != nil:
				// C509: 5125, 5118, 5375, 5387, 5284 unit price basis, 6411 its unit.
				wr.Segment("PRI", []string{"AAA", l.Price.Text(mark), "", "", l.PriceBasis.Text(mark), l.Unit})
			case l.Price != nil:
				wr.Segment("PRI", []string{"AAA", l.Price.Text(mark)})
			}
			if l.Note != "" {
				wr.Segment("FTX", []string{"AAI"}, nil, nil, splitText(l.Note))
			}
		}
		wr.Segment("UNS", []string{"S"})
		wr.Segment("CNT", []string{"2", strconv.Itoa(len(r.Lines))})
		wr.EndMessage()
	}
	return wr.Close()
}

// splitText cuts free text into the five 512-character components of C108
// (an..512 in D.96A FTX 4440).
func splitText(s string) []string {
	var out []string
	for len(s) > 0 && len(out) < 5 {
		n := min(len(s), 512)
		for n < len(s) && n > 0 && !isRuneStart(s[n]) {
			n--
		}
		out = append(out, s[:n])
		s = s[n:]
	}
	return out
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// ParseORDRSP reads every ORDRSP message of data (the reading side of
// WriteORDRSP, and of responses partners send).
func ParseORDRSP(data []byte) ([]OrderResponse, error) {
	var rs []OrderResponse
	var r *OrderResponse
	var dec decoder
	line := func() *ResponseLine {
		if r == nil || len(r.Lines) == 0 {
			return nil
		}
		return &r.Lines[len(r.Lines)-1]
	}
	_, err := walkMessages(data, "ORDRSP", func(_ Interchange, unh *Segment, d decoder) {
		dec = d
		ver := []string{}
		for i := 2; i <= unh.Components(2); i++ {
			ver = append(ver, unh.Value(2, i))
		}
		rs = append(rs, OrderResponse{MessageRef: unh.Value(1, 1), Version: strings.Join(ver, ":")})
		r = &rs[len(rs)-1]
	}, func(s *Segment, idx int) error {
		text := func(e, c int) string { return dec.String(s.Bytes(e, c)) }
		num := func(e, c int) (order.Decimal, error) {
			d, err := order.ParseDecimal(s.Value(e, c))
			if err != nil {
				return d, &Error{Segment: s.Tag(), Index: idx, Element: e, Component: c, Code: CodeInvalidDecimal, Msg: fmt.Sprintf("%q is not a number; expected digits with one optional decimal mark", s.Value(e, c))}
			}
			return d, nil
		}
		date := func() (order.Date, error) {
			p, err := parseDTM(s.Value(1, 2), s.Value(1, 3))
			if err != nil {
				return order.Date{}, &Error{Segment: "DTM", Index: idx, Element: 1, Component: 2, Code: CodeInvalidValue, Msg: err.Error()}
			}
			return p.from, nil
		}
		l := line()
		switch s.Tag() {
		case "BGM":
			r.Number, r.Status = text(2, 1), s.Value(3, 1)
		case "DTM":
			d, err := date()
			if err != nil {
				return err
			}
			switch q := s.Value(1, 1); {
			case q == "137" && l == nil:
				r.Date = d
			case q == "171" && l == nil:
				r.PODate = d
			case q == "2" && l != nil:
				l.DeliveryDate = d
			}
		case "FTX":
			t := ""
			for c := 1; c <= 5; c++ {
				t += text(4, c)
			}
			if l != nil {
				l.Note = t
			} else {
				r.Reason = t
			}
		case "RFF":
			if s.Value(1, 1) == "ON" && l == nil {
				r.PONumber = text(1, 2)
			}
		case "NAD":
			switch s.Value(1, 1) {
			case "BY":
				r.Buyer = text(2, 1)
			case "SU":
				r.Supplier = text(2, 1)
			}
		case "CUX":
			r.Currency = s.Value(1, 2)
		case "LIN":
			n, err := strconv.Atoi(s.Value(1, 1))
			if err != nil {
				return &Error{Segment: "LIN", Index: idx, Element: 1, Code: CodeInvalidValue, Msg: fmt.Sprintf("line number %q is not a number; expected an integer", s.Value(1, 1))}
			}
			nl := ResponseLine{LineNo: n, Action: s.Value(2, 1)}
			if s.Value(3, 2) == "EN" {
				nl.GTIN = text(3, 1)
			}
			r.Lines = append(r.Lines, nl)
		case "PIA":
			if l != nil {
				for e := 2; e <= 6; e++ {
					switch s.Value(e, 2) {
					case "SA":
						l.SupplierItem = text(e, 1)
					case "IN", "BP":
						l.BuyerItem = text(e, 1)
					}
				}
			}
		case "QTY":
			if l != nil && s.Value(1, 1) == "21" {
				q, err := num(1, 2)
				if err != nil {
					return err
				}
				l.Quantity, l.Unit = q, s.Value(1, 3)
			}
		case "PRI":
			if l != nil && s.Value(1, 1) == "AAA" {
				p, err := num(1, 2)
				if err != nil {
					return err
				}
				l.Price = &p
				if s.Value(1, 5) != "" {
					b, err := num(1, 5)
					if err != nil {
						return err
					}
					l.PriceBasis = &b
				}
			}
		case "CNT":
			if s.Value(1, 1) == "2" && s.Value(1, 2) != strconv.Itoa(len(r.Lines)) {
				return &Error{Segment: "CNT", Index: idx, Element: 1, Component: 2, Code: CodeCountMismatch,
					Msg: fmt.Sprintf("number of line items is %q, expected %d", s.Value(1, 2), len(r.Lines))}
			}
		}
		return nil
	}, func() error { return nil })
	return rs, err
}
