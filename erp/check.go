package erp

import (
	"fmt"
	"strings"

	"github.com/ordergate/ordergate/order"
)

// checkOrder returns a permanent error, before anything is sent, when the
// order cannot be delivered as a new sales order. Every connector applies
// it: the order must be an original (changes and cancellations are not
// created as new orders; the desk handles them in the ERP) with a customer
// number, a PO number and lines that matching resolved to a SKU with a
// positive quantity. The messages are for the sales desk.
func checkOrder(connector string, po *order.PurchaseOrder) *Error {
	var probs []string
	if po.Function != "" && po.Function != order.FunctionOriginal {
		probs = append(probs, fmt.Sprintf("a %s cannot be sent to the ERP automatically; change the order in the ERP", po.Function))
	}
	if strings.TrimSpace(po.CustomerNumber) == "" {
		probs = append(probs, "the order has no customer number")
	}
	if strings.TrimSpace(po.PONumber) == "" {
		probs = append(probs, "the order has no purchase order number")
	}
	if len(po.Lines) == 0 {
		probs = append(probs, "the order has no lines")
	}
	for _, l := range po.Lines {
		if strings.TrimSpace(l.SKU) == "" {
			probs = append(probs, fmt.Sprintf("line %d has no item number (SKU)", l.LineNo))
		}
		if l.Quantity.Sign() <= 0 {
			probs = append(probs, fmt.Sprintf("line %d: quantity %s is not a positive number", l.LineNo, l.Quantity))
		}
	}
	if len(probs) == 0 {
		return nil
	}
	return permanent(connector, "deliver", strings.Join(probs, "; "))
}

// deliveryDate returns the line's requested delivery date, or the order's.
func deliveryDate(po *order.PurchaseOrder, l *order.Line) order.Date {
	if !l.DeliveryDate.IsZero() {
		return l.DeliveryDate
	}
	return po.DeliveryDate
}
