package intake_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/ordergate/ordergate/catalog"
	"github.com/ordergate/ordergate/db"
	"github.com/ordergate/ordergate/intake"
	"github.com/ordergate/ordergate/order"
)

// TestRematchAfterTheDeskFixedMasterData: an order waiting for an item we
// did not have is matched again once the item is in the master data, and
// goes to the ERP.
func TestRematchAfterTheDeskFixedMasterData(t *testing.T) {
	t.Parallel()
	var current atomic.Pointer[catalog.Snapshot]
	current.Store(testCatalog(t))
	b := ediPipeline(t, func(o *intake.Options) {
		m := *o.Matcher.(*intake.CatalogMatcher)
		m.Snapshot = current.Load
		o.Matcher = &m
	})
	ctx := context.Background()

	o := b.receiveOne(t, "unknown item", ediDoc("RM1", "PO-30", "9", ediLine{1, "", gtinNone, "3", ""}))
	if o.State != intake.StateReview || o.PO.Exceptions[0].Code != "UNKNOWN_ITEM" {
		t.Fatalf("order %s %v, want review with UNKNOWN_ITEM", o.State, codes(o.PO.Exceptions))
	}
	// Matched again against the same master data, it waits again.
	if _, err := b.p.Rematch(ctx, deskUser, o.ID, 0); err != nil {
		t.Fatal(err)
	}
	if o = b.waitOrder(t, o.ID, intake.StateReview); o.PO.Exceptions[0].Code != "UNKNOWN_ITEM" {
		t.Fatalf("rematched on the same data: %v", codes(o.PO.Exceptions))
	}

	// The desk adds the item; matched again, the order goes through.
	d := testData()
	d.Items = append(d.Items, catalog.Item{SKU: "TEA-1", Description: "Green tea, 100 bags", BaseUnit: "PCE", GTIN: gtinNone})
	d.Prices = append(d.Prices, catalog.Price{SKU: "TEA-1", Price: order.MustDecimal("4.20")})
	d.Stock = append(d.Stock, catalog.Stock{SKU: "TEA-1", Warehouse: "MAIN", Quantity: order.MustDecimal("10")})
	snap, err := catalog.Build(d)
	if err != nil {
		t.Fatal(err)
	}
	current.Store(snap)
	if _, err := b.p.Rematch(ctx, deskUser, o.ID, 0); err != nil {
		t.Fatal(err)
	}
	o = b.waitOrder(t, o.ID, intake.StateDelivered, intake.StateReview)
	if o.State != intake.StateDelivered || lineSummary(o.PO) != "1:TEA-1:3" {
		t.Fatalf("after the fix: %s %v %s", o.State, codes(o.PO.Exceptions), lineSummary(o.PO))
	}
	if b.erp.Count() != 1 {
		t.Fatalf("the ERP has %d orders, want 1", b.erp.Count())
	}
	// Only an order in review is matched again.
	if _, err := b.p.Rematch(ctx, deskUser, o.ID, 0); err == nil {
		t.Fatal("a delivered order was matched again")
	}
	if _, err := b.p.Rematch(ctx, deskUser, 999999, 0); !errors.Is(err, db.ErrNotFound) {
		t.Fatalf("unknown order: %v", err)
	}
}
