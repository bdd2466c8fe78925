package email

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/ordergate/ordergate/order"
	"github.com/ordergate/ordergate/parsers"
)

// An attachment with no order number of its own ("order.xlsx", a sheet
// without an "Ordernr" cell) is numbered by its parser after the file
// (its name, or a number made up from its content). A customer who sends
// order.xlsx every week would then have every order after the first
// refused as a DUPLICATE_ORDER of it, while the mail says which order it
// is: "Beställning PO 555" in the subject, "Bestellnummer: 4500012345"
// in the text. The mail's number replaces the made-up one.

// unnumbered reports whether the order read from attachment name has a PO
// number its document does not state: none at all, or one its parser
// made up, which the order's PONumberFrom says (the sheet parser's
// file_name or generated). For a parser that does not set it, its
// warning ("... has no order number; the order is numbered "X" after the
// file") or a number that is the file's name (with the sheet's, for a
// workbook of several) counts as made up too.
func unnumbered(po order.PurchaseOrder, name string, warnings []string) bool {
	n := po.PONumber
	if strings.TrimSpace(n) == "" || po.PONumberFrom != "" {
		return true
	}
	for _, w := range warnings {
		if strings.Contains(w, "no order number") && mentions(w, n) {
			return true
		}
	}
	stem := strings.TrimSuffix(filepath.Base(name), filepath.Ext(name))
	if name == "" || stem == "" {
		return false
	}
	if n == stem {
		return true
	}
	return len(po.SourceSheets) == 1 && n == stem+" "+po.SourceSheets[0]
}

// numberFromMail gives the attachments' orders listed in unnumbered
// (indexes into res.Orders) the PO number the mail states, when its text
// holds no order of its own (whose number that would be). One order
// takes the number as it is; several take it with the sheet's or the
// file's name after it, so they stay apart. Each says so in its notes,
// and the parser's warning about the made-up number goes.
func numberFromMail(res *parsers.Result, body bodyRead, unnumbered []int, parts []parsers.Part) {
	mailPO := body.po.PONumber
	if mailPO == "" || len(body.po.Lines) > 0 || len(unnumbered) == 0 {
		return
	}
	where := "the mail's subject"
	if l := body.po.Sources.Get("po_number").Line(); l > 1 {
		where = fmt.Sprintf("line %d of the mail's text", l)
	}
	taken := map[string]bool{}
	for _, i := range unnumbered {
		po := &res.Orders[i]
		old := po.PONumber
		n := mailPO
		if len(unnumbered) > 1 {
			label := strings.TrimSuffix(filepath.Base(po.SourceFile), filepath.Ext(po.SourceFile))
			if len(po.SourceSheets) == 1 && po.SourceSheets[0] != "" {
				label = po.SourceSheets[0]
			}
			n = strings.TrimSpace(mailPO + " " + label)
			for k := 2; taken[n]; k++ {
				n = mailPO + " " + strconv.Itoa(k)
			}
		}
		taken[n] = true
		po.PONumber, po.PONumberFrom = n, "" // the mail states it
		file := orType(po.SourceFile, partType(parts, po.SourcePart))
		note := fmt.Sprintf("order number %s from %s; %s states none", n, where, file)
		po.Notes = append(po.Notes, note)
		if old != "" {
			res.Warnings = dropMadeUp(res.Warnings, file, old)
		}
		res.Warnings = append(res.Warnings, file+": "+note)
	}
}

// dropMadeUp removes the warning of file's parser that it made up the
// number old, now that the mail's number replaced it.
func dropMadeUp(warnings []string, file, old string) []string {
	out := warnings[:0]
	for _, w := range warnings {
		if strings.HasPrefix(w, file+": ") && strings.Contains(w, "no order number") && mentions(w, old) {
			continue
		}
		out = append(out, w)
	}
	return out
}

// mentions reports whether the warning w names the number n as a whole
// (quoted or between spaces), not as a piece of another one ("2" in
// "Sheet2").
func mentions(w, n string) bool {
	for i := 0; ; {
		j := strings.Index(w[i:], n)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(n)
		if (start == 0 || strings.ContainsRune(" \"", rune(w[start-1]))) && (end == len(w) || strings.ContainsRune(" \"(),;", rune(w[end]))) {
			return true
		}
		i = start + 1
	}
}

func partType(parts []parsers.Part, index int) string {
	for _, p := range parts {
		if p.Index == index {
			return p.ContentType
		}
	}
	return ""
}

// generatedPrefix starts a PO number made up for an order that states
// none, as the sheet parser's (sheet.GeneratedPrefix).
const generatedPrefix = "NOPO-"

// numberBodyOrder numbers an order written in a mail's text that states no
// order number ("please send 10 x ABC-123"), the way small customers order,
// and returns the mail's warning. Without a number the order could only be
// rejected: matching refuses an order without one, the ERPs look orders up
// by it, and an empty number would be every such order's duplicate. The
// number is NOPO- and eight hex digits of the SHA-256 of the sender, the
// mail's day and the lines (item, quantity, unit): the same order sent
// again that day (a resend, a "did you get it?" with the order quoted
// anew) gets the same number and waits for the desk as a DUPLICATE_ORDER;
// the same standing order next week gets another. PONumberFrom marks it
// generated; the desk can still set the customer's own number.
func numberBodyOrder(po *order.PurchaseOrder) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s", po.Sender.Kind, strings.ToLower(po.Sender.ID), po.OrderDate)
	for _, l := range po.Lines {
		fmt.Fprintf(h, "\x00%s|%s|%s|%s|%s|%s", l.BuyerItem, l.SupplierItem, l.GTIN, l.Description, l.Quantity, l.Unit)
	}
	po.PONumber = generatedPrefix + strings.ToUpper(hex.EncodeToString(h.Sum(nil))[:8])
	po.PONumberFrom = order.PONumberGenerated
	return fmt.Sprintf("the mail states no order number; the order is numbered %s after its sender, day and lines (the same order sent again that day gets the same number)", po.PONumber)
}
