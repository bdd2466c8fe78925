// Package edifact reads UN/EDIFACT interchanges (ISO 9735 syntax versions
// 1 to 4) and turns ORDERS and ORDCHG messages into canonical orders; it
// also writes the CONTRL and ORDRSP replies partners expect.
//
// The package has three layers:
//
//   - syntax: Scanner splits a stream into segments whose elements are
//     sub-slices of a reusable buffer (see ISO 9735-1 section 7, "Syntax
//     rules"), honouring the UNA service string advice, the release
//     character, the version 4 repetition separator and the level B
//     information separators. Memory is bounded by the longest segment.
//   - envelope: Parser walks UNB, UNG, UNH ... UNT, UNE, UNZ, checks the
//     control counts and references and isolates every message, so one bad
//     message does not lose the others, and envelope damage that loses no
//     message (a missing UNZ) is only a warning.
//   - message: ORDERS (UN/EDIFACT D.93A, D.96A, D.01B and later, and the
//     EANCOM subsets EAN008, EAN010) and ORDCHG are mapped to
//     order.PurchaseOrder, each value with its order.Source (segment, index
//     in the message, element, component). Each segment's shape and its
//     place in the segment table are checked against the directory of the
//     message's version (directory.go, generated from the UN directories);
//     what can be read around is a warning on the order, what cannot an
//     error of the message. Other message types are refused as not orders.
//
// Replies reuse the partner's syntax identifier, version and service
// characters:
//
//	ics, res, err := edifact.New().ParseInterchanges(ctx, doc)
//	for _, ic := range ics {
//		out := edifact.ReplyTo(ic, ourID, nextControlRef(), time.Now())
//		err = edifact.WriteContrl(w, out, "1", edifact.NewContrl(ic))
//	}
//
// and, once an order is decided, edifact.WriteORDRSP with an
// edifact.OrderResponse (see NewOrderResponse).
package edifact
