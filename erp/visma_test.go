package erp_test

import (
	"errors"
	"testing"

	"github.com/ordergate/ordergate/erp"
	"github.com/ordergate/ordergate/erp/erptest"
)

func TestVismaCreate(t *testing.T) {
	t.Parallel()
	f := erptest.NewVisma(t, customers, items)
	f.TenantHeader = "ipp-company-id"
	c := mustNew(t, erp.Config{Kind: erp.KindVisma, Visma: f.Config()})
	rc, err := c.Deliver(t.Context(), erp.NewDelivery(42, sampleOrder()))
	if err != nil {
		t.Fatal(err)
	}
	if rc.Number != "000001" || rc.ID != "SO/000001" {
		t.Errorf("receipt = %+v, want number 000001 from the Location header", rc)
	}
	so := f.Orders()[0]
	if so.OrderType != "SO" || so.Customer != "10000" || so.CustomerRefNo != "PO-4711" || so.RequestOn != "2026-12-01" {
		t.Errorf("order = %+v", so)
	}
	if len(so.Lines) != 2 || so.Lines[0].InventoryNumber != "1896-S" || so.Lines[0].UOM != "PCE" || so.Lines[0].UnitPrice.String() != "12.5" ||
		so.Lines[1].Quantity.String() != "2.5" || so.Lines[1].UnitPrice != nil {
		t.Errorf("lines = %+v", so.Lines)
	}
}

func TestVismaTenantHeaderMissing(t *testing.T) {
	t.Parallel()
	f := erptest.NewVisma(t, customers, items)
	cfg := f.Config() // without the header
	f.TenantHeader = "ipp-company-id"
	c := mustNew(t, erp.Config{Kind: erp.KindVisma, Visma: cfg})
	_, err := c.Deliver(t.Context(), erp.NewDelivery(1, sampleOrder()))
	if !errors.Is(err, erp.ErrPermanent) || erp.Message(err) != "Missing or invalid ipp-company-id header." {
		t.Fatalf("Deliver = %v, want the ERP's message about the header", err)
	}
}

func TestVismaTokenRefresh(t *testing.T) {
	t.Parallel()
	f := erptest.NewVisma(t, customers, items)
	c := mustNew(t, erp.Config{Kind: erp.KindVisma, Visma: f.Config()})
	ctx := t.Context()
	if _, err := c.Deliver(ctx, erp.NewDelivery(1, sampleOrder())); err != nil {
		t.Fatal(err)
	}
	f.ExpireTokens()
	d := erp.NewDelivery(2, sampleOrder())
	d.Order.PONumber = "PO-4712"
	if _, err := c.Deliver(ctx, d); err != nil {
		t.Fatal(err)
	}
	if rc, found, err := c.Lookup(ctx, d); err != nil || !found || rc.Number != "000002" {
		t.Fatalf("Lookup = %+v, %v, %v", rc, found, err)
	}
	if f.TokensIssued() != 2 || f.OrderCount() != 2 {
		t.Errorf("tokens %d, orders %d; want 2, 2", f.TokensIssued(), f.OrderCount())
	}
}

func TestVismaWrongTenant(t *testing.T) {
	t.Parallel()
	f := erptest.NewVisma(t, customers, items)
	cfg := f.Config()
	cfg.TenantID = "someone-else"
	c := mustNew(t, erp.Config{Kind: erp.KindVisma, Visma: cfg})
	_, err := c.Deliver(t.Context(), erp.NewDelivery(1, sampleOrder()))
	var e *erp.Error
	if !errors.As(err, &e) || e.Op != "token" || e.Kind != erp.KindTransient {
		t.Fatalf("Deliver = %v, want a transient token error", err)
	}
}

// The look-up reads every page and applies the filters again: with a
// reference filter that also lists PO-10 for PO-1, and two orders a page,
// the order is on the second page.
func TestVismaLookupReadsEveryPage(t *testing.T) {
	t.Parallel()
	f := erptest.NewVisma(t, customers, items)
	f.MaxPageSize, f.LooseRefFilter = 2, true
	c := mustNew(t, erp.Config{Kind: erp.KindVisma, Visma: f.Config()})
	var want erp.Receipt
	for i, po := range []string{"PO-10", "PO-11", "PO-12", "PO-1"} {
		o := sampleOrder()
		o.PONumber = po
		rc, err := c.Deliver(t.Context(), erp.NewDelivery(int64(i+1), o))
		if err != nil {
			t.Fatal(err)
		}
		want = rc
	}
	o := sampleOrder()
	o.PONumber = "PO-1"
	rc, found, err := c.Lookup(t.Context(), erp.NewDelivery(4, o))
	if err != nil || !found || rc != want {
		t.Fatalf("Lookup(PO-1) = %+v, %v, %v; want %+v", rc, found, err, want)
	}
	o.PONumber = "PO-2"
	if _, found, err := c.Lookup(t.Context(), erp.NewDelivery(5, o)); err != nil || found {
		t.Fatalf("Lookup(PO-2) = %v, %v; want not found", found, err)
	}
}
