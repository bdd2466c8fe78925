package demo

import (
	"fmt"
	"strings"
)

// Doc is a sample document and what it shows.
type Doc struct {
	Name string // file name
	Data []byte
	// Shows is the exception code the document is there to show ("" for a
	// clean order, once every sample is in).
	Shows string
	// Applied marks a change that is applied to its original order.
	Applied bool
}

// ediLine is one line of a sample order.
type ediLine struct {
	gtin, buyerItem, qty, unit, price string
	delivery, note                    string // the line's own date (YYYYMMDD) and note
}

// ediMessage is one sample ORDERS message.
type ediMessage struct {
	po, function, buyer, currency, delivery string
	shipTo                                  string // GLN of the delivery point (NAD+DP), "" for none
	note                                    string
	lines                                   []ediLine
	raw                                     []string // segments instead of the generated body (for broken messages)
}

// interchange writes an EANCOM D96A ORDERS interchange from sender to us.
func interchange(ctrl, sender string, msgs ...ediMessage) []byte {
	var b strings.Builder
	b.WriteString("UNA:+.? '\n")
	fmt.Fprintf(&b, "UNB+UNOC:3+%s:14+%s:14+261125:0930+%s'\n", sender, SupplierGLN, ctrl)
	for i, m := range msgs {
		segs := m.raw
		if segs == nil {
			segs = m.segments()
		}
		ref := fmt.Sprintf("M%d", i+1)
		fmt.Fprintf(&b, "UNH+%s+ORDERS:D:96A:UN:EAN008'\n", ref)
		for _, s := range segs {
			b.WriteString(s + "'\n")
		}
		fmt.Fprintf(&b, "UNT+%d+%s'\n", len(segs)+2, ref)
	}
	fmt.Fprintf(&b, "UNZ+%d+%s'\n", len(msgs), ctrl)
	return []byte(b.String())
}

func (m ediMessage) segments() []string {
	fn, cur, del := m.function, m.currency, m.delivery
	if fn == "" {
		fn = "9"
	}
	if cur == "" {
		cur = Currency
	}
	if del == "" {
		del = "20261204"
	}
	segs := []string{
		"BGM+220+" + m.po + "+" + fn,
		"DTM+137:20261125:102",
		"DTM+2:" + del + ":102",
	}
	if m.note != "" {
		segs = append(segs, "FTX+AAI+++"+m.note)
	}
	segs = append(segs, "NAD+BY+"+m.buyer+"::9")
	if m.shipTo != "" {
		segs = append(segs, "NAD+DP+"+m.shipTo+"::9")
	}
	segs = append(segs, "NAD+SU+"+SupplierGLN+"::9", "CUX+2:"+cur+":9")
	for i, l := range m.lines {
		lin := fmt.Sprintf("LIN+%d", i+1)
		if l.gtin != "" {
			lin += "++" + l.gtin + ":EN"
		}
		segs = append(segs, lin)
		if l.buyerItem != "" {
			segs = append(segs, "PIA+1+"+l.buyerItem+":IN")
		}
		unit := l.unit
		if unit == "" {
			unit = "PCE"
		}
		segs = append(segs, "QTY+21:"+l.qty+":"+unit)
		if l.delivery != "" {
			segs = append(segs, "DTM+2:"+l.delivery+":102")
		}
		if l.note != "" {
			segs = append(segs, "FTX+AAI+++"+l.note)
		}
		if l.price != "" {
			segs = append(segs, "PRI+AAA:"+l.price)
		}
	}
	return append(segs, "UNS+S", fmt.Sprintf("CNT+2:%d", len(m.lines)))
}

// Documents returns the sample documents that arrive at once. Between them
// (and Later) they raise every exception code that an EDIFACT order can:
// UNVERIFIED_SENDER needs a mail and shows with the mail channel.
func Documents() []Doc {
	brasserie, cafe, hotel, kantine, bistro, diner := gln(1), gln(3), gln(4), gln(5), gln(6), gln(7)
	one := func(ctrl, sender string, m ediMessage) []byte { return interchange(ctrl, sender, m) }
	return []Doc{
		{Name: "10-clean-cafe.edi", Data: one("DEMO0010", cafe, ediMessage{po: "CAFE-2001", buyer: cafe,
			lines: []ediLine{{gtin: gtin(3), qty: "24"}, {gtin: gtin(4), qty: "6", unit: "CT"}}})},
		{Name: "11-clean-crossrefs.edi", Data: one("DEMO0011", brasserie, ediMessage{po: "PO-DEMO-1002", buyer: brasserie,
			lines: []ediLine{{buyerItem: "BC-4411", qty: "4", price: "14.50"}, {buyerItem: "BC-4413", qty: "2"}}})},
		// The ship-to by GLN alone: the ERP gets site B's address, line 2's
		// later date and the notes.
		{Name: "12-clean-ship-to.edi", Data: one("DEMO0012", kantine, ediMessage{po: "KN-2", buyer: kantine, shipTo: gln(9),
			note:  "Deliver to the kitchen entrance, not the main gate",
			lines: []ediLine{{gtin: gtin(1), qty: "6"}, {gtin: gtin(2), qty: "2", delivery: "20261208", note: "Second delivery with the cups"}}})},
		{Name: "20-unknown-customer.edi", Shows: "UNKNOWN_CUSTOMER", Data: one("DEMO0020", gln(999), ediMessage{po: "X-1", buyer: gln(999),
			lines: []ediLine{{gtin: gtin(1), qty: "1"}}})},
		{Name: "21-ambiguous-customer.edi", Shows: "AMBIGUOUS_CUSTOMER", Data: one("DEMO0021", brasserie, ediMessage{po: "PO-DEMO-1003", buyer: cafe,
			lines: []ediLine{{gtin: gtin(1), qty: "1"}}})},
		{Name: "22-manual-approval.edi", Shows: "MANUAL_APPROVAL", Data: one("DEMO0022", hotel, ediMessage{po: "HP-77", buyer: hotel,
			lines: []ediLine{{gtin: gtin(2), qty: "2"}}})},
		{Name: "23-parse-error.edi", Shows: "PARSE_ERROR", Data: interchange("DEMO0023", hotel,
			ediMessage{po: "HP-78", buyer: hotel, lines: []ediLine{{gtin: gtin(3), qty: "5"}}},
			ediMessage{raw: []string{"BGM+220+HP-79+9", "NAD+BY+" + hotel + "::9", "LIN+1++" + gtin(3) + ":EN", "QTY+21:five:PCE", "UNS+S"}})},
		{Name: "24-currency.edi", Shows: "CURRENCY_MISMATCH", Data: one("DEMO0024", brasserie, ediMessage{po: "PO-DEMO-1004", buyer: brasserie, currency: "USD",
			lines: []ediLine{{gtin: gtin(1), qty: "1"}}})},
		{Name: "25-credit-limit.edi", Shows: "CREDIT_LIMIT", Data: one("DEMO0025", bistro, ediMessage{po: "BK-5", buyer: bistro,
			lines: []ediLine{{gtin: gtin(1), qty: "10"}}})},
		{Name: "26-duplicate.edi", Shows: "DUPLICATE_ORDER", Data: one("DEMO0026", cafe, ediMessage{po: "CAFE-2001", buyer: cafe,
			lines: []ediLine{{gtin: gtin(3), qty: "24"}}})},
		{Name: "27-delivery-date.edi", Shows: "DELIVERY_DATE", Data: one("DEMO0027", brasserie, ediMessage{po: "PO-DEMO-1005", buyer: brasserie, delivery: "20240101",
			lines: []ediLine{{gtin: gtin(1), qty: "1"}}})},
		{Name: "28-original-not-found.edi", Shows: "ORIGINAL_NOT_FOUND", Data: one("DEMO0028", brasserie, ediMessage{po: "PO-NEVER-SENT", buyer: brasserie, function: "4",
			lines: []ediLine{{gtin: gtin(1), qty: "3"}}})},
		{Name: "29-unknown-ship-to.edi", Shows: "UNKNOWN_SHIP_TO", Data: one("DEMO0029", brasserie, ediMessage{po: "PO-DEMO-1018", buyer: brasserie,
			shipTo: gln(998), lines: []ediLine{{gtin: gtin(1), qty: "1"}}})},
		{Name: "30-unknown-item.edi", Shows: "UNKNOWN_ITEM", Data: one("DEMO0030", brasserie, ediMessage{po: "PO-DEMO-1006", buyer: brasserie,
			lines: []ediLine{{gtin: gtin(9999), qty: "1"}}})},
		{Name: "31-ambiguous-item.edi", Shows: "AMBIGUOUS_ITEM", Data: one("DEMO0031", brasserie, ediMessage{po: "PO-DEMO-1007", buyer: brasserie,
			lines: []ediLine{{gtin: gtin(1), buyerItem: "BC-4412", qty: "1"}}})},
		{Name: "32-invalid-gtin.edi", Shows: "INVALID_GTIN", Data: one("DEMO0032", brasserie, ediMessage{po: "PO-DEMO-1008", buyer: brasserie,
			lines: []ediLine{{gtin: gtin(1)[:12] + "9", qty: "1"}}})},
		{Name: "33-not-in-assortment.edi", Shows: "NOT_IN_ASSORTMENT", Data: one("DEMO0033", kantine, ediMessage{po: "KN-1", buyer: kantine,
			lines: []ediLine{{gtin: gtin(12), qty: "1"}}})},
		{Name: "34-item-blocked.edi", Shows: "ITEM_BLOCKED", Data: one("DEMO0034", brasserie, ediMessage{po: "PO-DEMO-1009", buyer: brasserie,
			lines: []ediLine{{gtin: gtin(5), qty: "1"}}})},
		{Name: "35-item-discontinued.edi", Shows: "ITEM_DISCONTINUED", Data: one("DEMO0035", brasserie, ediMessage{po: "PO-DEMO-1010", buyer: brasserie,
			lines: []ediLine{{gtin: gtin(6), qty: "1"}}})},
		{Name: "36-unit-mismatch.edi", Shows: "UNIT_MISMATCH", Data: one("DEMO0036", brasserie, ediMessage{po: "PO-DEMO-1011", buyer: brasserie,
			lines: []ediLine{{gtin: gtin(1), qty: "2", unit: "LTR"}}})},
		{Name: "37-pack-size.edi", Shows: "PACK_SIZE", Data: one("DEMO0037", brasserie, ediMessage{po: "PO-DEMO-1012", buyer: brasserie,
			lines: []ediLine{{gtin: gtin(8), qty: "4"}}})},
		{Name: "38-min-quantity.edi", Shows: "MIN_QUANTITY", Data: one("DEMO0038", brasserie, ediMessage{po: "PO-DEMO-1013", buyer: brasserie,
			lines: []ediLine{{gtin: gtin(7), qty: "2"}}})},
		{Name: "39-price-mismatch.edi", Shows: "PRICE_MISMATCH", Data: one("DEMO0039", brasserie, ediMessage{po: "PO-DEMO-1014", buyer: brasserie,
			lines: []ediLine{{gtin: gtin(1), qty: "2", price: "12.00"}}})},
		{Name: "40-no-price.edi", Shows: "NO_PRICE", Data: one("DEMO0040", brasserie, ediMessage{po: "PO-DEMO-1015", buyer: brasserie,
			lines: []ediLine{{gtin: gtin(9), qty: "1"}}})},
		{Name: "41-insufficient-stock.edi", Shows: "INSUFFICIENT_STOCK", Data: one("DEMO0041", brasserie, ediMessage{po: "PO-DEMO-1016", buyer: brasserie,
			lines: []ediLine{{gtin: gtin(10), qty: "50"}}})},
		// Within the parser's limits line by line, but 900 million at
		// 20,000 is more than an amount can hold.
		{Name: "44-value-out-of-range.edi", Shows: "VALUE_OUT_OF_RANGE", Data: one("DEMO0044", brasserie, ediMessage{po: "PO-DEMO-1019", buyer: brasserie,
			lines: []ediLine{{gtin: gtin(9), qty: "900000000", price: "20000"}}})},
		{Name: "42-usd-customer-clean.edi", Data: one("DEMO0042", diner, ediMessage{po: "HD-1", buyer: diner, currency: "USD",
			lines: []ediLine{{gtin: gtin(1), qty: "1"}}})},
		// One line for two of the customer's kitchens on two days: the
		// demo's file export carries split deliveries, so it is delivered
		// (with an ERP that cannot take them it would show SPLIT_DELIVERY).
		{Name: "45-split-delivery.edi", Data: one("DEMO0045", brasserie, ediMessage{raw: []string{
			"BGM+220+PO-DEMO-1020+9", "DTM+137:20261125:102", "DTM+2:20261204:102",
			"NAD+BY+" + brasserie + "::9", "NAD+SU+" + SupplierGLN + "::9", "CUX+2:" + Currency + ":9",
			"LIN+1++" + gtin(1) + ":EN", "QTY+21:4:PCE",
			"LOC+7+" + gln(21) + "::9", "QTY+11:2:PCE", "DTM+2:20261204:102",
			"LOC+7+" + gln(22) + "::9", "QTY+11:2:PCE", "DTM+2:20261207:102",
			"UNS+S", "CNT+2:1"}})},
		// Waits in review (4 filters, sold by 6) until 51 changes it.
		{Name: "43-changed-later.edi", Data: one("DEMO0043", brasserie, ediMessage{po: "PO-DEMO-1017", buyer: brasserie,
			lines: []ediLine{{gtin: gtin(8), qty: "4"}, {gtin: gtin(1), qty: "2"}}})},
	}
}

// Later returns the documents that only make sense once the first ones
// were matched: a cancellation of an order already delivered, and a change
// of an order waiting in review, which is applied to it (the order is then
// matched again and delivered).
func Later() []Doc {
	cafe, brasserie := gln(3), gln(1)
	return []Doc{
		{Name: "50-cancel-delivered.edi", Shows: "ALREADY_DELIVERED", Data: interchange("DEMO0050", cafe, ediMessage{po: "CAFE-2001", buyer: cafe, function: "1",
			lines: []ediLine{{gtin: gtin(3), qty: "24"}}})},
		{Name: "51-change-in-review.edi", Applied: true, Data: interchange("DEMO0051", brasserie, ediMessage{po: "PO-DEMO-1017", buyer: brasserie, function: "4",
			lines: []ediLine{{gtin: gtin(8), qty: "6"}}})},
	}
}
