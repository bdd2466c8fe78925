package sheet

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/ordergate/ordergate/order"
	"github.com/ordergate/ordergate/parsers"
)

// A sheet without an order number in it still becomes an order, numbered
// so that the order is told apart from the customer's other orders, and
// marked (order.PurchaseOrder.PONumberFrom) so a reader that knows better
// (the PO number in a mail's subject) may number it instead:
//
//   - A file named like an order number (a run of three or more digits:
//     "PO-4500012345.xlsx", "bestilling 8812.csv") gives its name, without
//     the extension and a browser's copy mark " (1)". PONumberFrom is
//     order.PONumberFromFileName.
//   - Any other name ("order.xlsx", sent every week) would make every
//     order after the first a DUPLICATE_ORDER of the first. The order is
//     numbered NOPO- and eight hex digits of the SHA-256 of the file and
//     the sheet's name: the same file sent again gets the same number (and
//     is a DUPLICATE_ORDER), any other file another. The ERP needs a
//     number to find an order it may already have been sent; an empty one
//     would find every order of the customer without one. PONumberFrom is
//     order.PONumberGenerated.
//
// Either way the document carries a warning saying so.

// GeneratedPrefix begins the PO number of a sheet order numbered after its
// content.
const GeneratedPrefix = "NOPO-"

// orderNumberRun is what makes a file name an order number.
var orderNumberRun = regexp.MustCompile(`[0-9]{3,}`)

// copyMark is the " (1)" a browser or a file manager adds to a file's name
// when it already has one of that name.
var copyMark = regexp.MustCompile(`\s*\([0-9]{1,2}\)$`)

// numberWithout numbers an order read from a sheet without an order
// number (see above) and returns the document's warning.
func numberWithout(po *order.PurchaseOrder, doc parsers.Document, sheetName string, several bool) string {
	stem := strings.TrimSpace(strings.TrimSuffix(filepath.Base(doc.Name), filepath.Ext(doc.Name)))
	stem = copyMark.ReplaceAllString(stem, "")
	if stem != "." && orderNumberRun.MatchString(stem) {
		po.PONumber, po.PONumberFrom = stem, order.PONumberFromFileName
		if several {
			po.PONumber += " " + sheetName
		}
		return fmt.Sprintf("%s has no order number; the order is numbered %q after the file's name", where(sheetName), po.PONumber)
	}
	h := sha256.New()
	h.Write(doc.Data)
	h.Write([]byte{0})
	h.Write([]byte(sheetName))
	po.PONumber = GeneratedPrefix + strings.ToUpper(hex.EncodeToString(h.Sum(nil))[:8])
	po.PONumberFrom = order.PONumberGenerated
	return fmt.Sprintf("%s has no order number, and the file's name is not one; the order is numbered %s (the same file sent again gets the same number)",
		where(sheetName), po.PONumber)
}
