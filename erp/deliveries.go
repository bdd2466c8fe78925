package erp

// CarriesDeliveries reports whether the connector sends a line's split
// deliveries (order.Line.Deliveries: parts of the line for several places or
// dates) to the ERP. The webhook and the file export as JSON carry the
// canonical order whole, and the file export as EDIFACT writes each part as
// ORDERS segment group 33 (LOC, QTY, DTM). CSV files (one row per line),
// Business Central and Visma.net sales order lines have one delivery each,
// so for them matching sends a split line to the desk (SPLIT_DELIVERY).
// A nil connector carries nothing.
func CarriesDeliveries(c Connector) bool {
	switch c := c.(type) {
	case *Webhook:
		return true
	case *FileExport:
		return c.cfg.Format == "json" || c.cfg.Format == "edifact"
	}
	return false
}
