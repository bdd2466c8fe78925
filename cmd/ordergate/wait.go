package main

import (
	"context"
	"fmt"
	"time"

	"github.com/ordergate/ordergate/db"
	"github.com/ordergate/ordergate/intake"
)

// waitSettled polls until every document is failed or all its orders are
// settled, and returns them in document order.
func waitSettled(ctx context.Context, h *db.Handle, docs []int64, timeout time.Duration) ([]ingestResult, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		results, done, err := settled(ctx, h, docs)
		if err != nil {
			return nil, err
		}
		if done {
			return results, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("orders not settled after %s; they go on in the background (see ordergate serve)", timeout)
		case <-tick.C:
		}
	}
}

func settled(ctx context.Context, h *db.Handle, docs []int64) ([]ingestResult, bool, error) {
	var out []ingestResult
	for _, id := range docs {
		doc, err := intake.GetDocument(ctx, h.Pool, id)
		if err != nil {
			return nil, false, err
		}
		switch doc.State {
		case intake.DocReceived:
			return nil, false, nil
		case intake.DocFailed:
			out = append(out, ingestResult{DocumentID: id, Status: intake.DocFailed, Reason: doc.Reason})
			continue
		}
		orders, err := intake.OrdersOfDocument(ctx, h.Pool, id)
		if err != nil {
			return nil, false, err
		}
		for i := range orders {
			o := &orders[i]
			if !o.Settled() {
				return nil, false, nil
			}
			out = append(out, ingestResult{DocumentID: id, OrderID: o.ID, Status: o.State,
				ReviewReason: o.ReviewReason, ERPOrderNo: o.ERPOrderNo, PurchaseOrder: &o.PO})
		}
	}
	return out, true, nil
}
