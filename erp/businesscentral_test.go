package erp_test

import (
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ordergate/ordergate/erp"
	"github.com/ordergate/ordergate/erp/erptest"
	"github.com/ordergate/ordergate/order"
)

func newBC(t *testing.T) (*erptest.BusinessCentral, erp.Connector) {
	f := erptest.NewBusinessCentral(t, customers, items)
	return f, mustNew(t, erp.Config{Kind: erp.KindBusinessCentral, BusinessCentral: f.Config()})
}

func TestBusinessCentralDeepInsert(t *testing.T) {
	t.Parallel()
	f, c := newBC(t)
	rc, err := c.Deliver(t.Context(), erp.NewDelivery(42, sampleOrder()))
	if err != nil {
		t.Fatal(err)
	}
	if rc.Number != "S-ORD101001" || rc.ID == "" {
		t.Errorf("receipt = %+v, want number S-ORD101001 and an id", rc)
	}
	so := f.Orders()[0]
	if so.CustomerNumber != "10000" || so.ExternalDocumentNumber != "PO-4711" || so.RequestedDeliveryDate != "2026-12-01" {
		t.Errorf("header = %+v", so)
	}
	if len(so.SalesOrderLines) != 2 {
		t.Fatalf("lines = %+v", so.SalesOrderLines)
	}
	l1, l2 := so.SalesOrderLines[0], so.SalesOrderLines[1]
	if l1.LineType != "Item" || l1.LineObjectNumber != "1896-S" || l1.Quantity.String() != "10" ||
		l1.UnitPrice == nil || l1.UnitPrice.String() != "12.5" {
		t.Errorf("line 1 = %+v", l1)
	}
	if l2.LineObjectNumber != "1900-A" || l2.Quantity.String() != "2.5" || l2.UnitPrice != nil {
		t.Errorf("line 2 = %+v (no agreed price: unitPrice must be omitted)", l2)
	}
}

func TestBusinessCentralTokens(t *testing.T) {
	t.Parallel()
	f, c := newBC(t)
	ctx := t.Context()
	for i := range 3 {
		if _, err := c.Deliver(ctx, erp.NewDelivery(int64(i), sampleOrder())); err != nil {
			t.Fatal(err)
		}
	}
	if n := f.TokensIssued(); n != 1 {
		t.Errorf("tokens issued for 3 orders = %d, want 1 (cached)", n)
	}
	// The API stops accepting the cached token: the connector must fetch a
	// new one and retry once, creating the order exactly once.
	f.ExpireTokens()
	if _, err := c.Deliver(ctx, erp.NewDelivery(4, sampleOrder())); err != nil {
		t.Fatalf("Deliver after token expiry: %v", err)
	}
	if n := f.TokensIssued(); n != 2 {
		t.Errorf("tokens issued = %d, want 2", n)
	}
	if n := f.OrderCount(); n != 4 {
		t.Errorf("orders = %d, want 4", n)
	}
}

func TestBusinessCentralBadCredentials(t *testing.T) {
	t.Parallel()
	f := erptest.NewBusinessCentral(t, customers, items)
	cfg := f.Config()
	cfg.ClientSecret = "wrong"
	c := mustNew(t, erp.Config{Kind: erp.KindBusinessCentral, BusinessCentral: cfg})
	_, err := c.Deliver(t.Context(), erp.NewDelivery(1, sampleOrder()))
	var e *erp.Error
	if !errors.As(err, &e) || e.Kind != erp.KindTransient || e.Op != "token" || e.Code != "invalid_client" {
		t.Fatalf("Deliver = %#v, want a transient token error with code invalid_client", err)
	}
	if f.Posts() != 0 {
		t.Errorf("posts = %d, want 0", f.Posts())
	}
}

func TestBusinessCentralLookupEscapesQuotes(t *testing.T) {
	t.Parallel()
	f, c := newBC(t)
	ctx := t.Context()
	po := sampleOrder()
	po.PONumber = "O'Neil & Sons #7"
	d := erp.NewDelivery(5, po)
	other := sampleOrder()
	other.PONumber = "O'Neil"
	if _, err := c.Deliver(ctx, erp.NewDelivery(6, other)); err != nil {
		t.Fatal(err)
	}
	if _, found, err := c.Lookup(ctx, d); err != nil || found {
		t.Fatalf("Lookup = %v, %v; want not found", found, err)
	}
	rc, err := c.Deliver(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	got, found, err := c.Lookup(ctx, d)
	if err != nil || !found || got != rc {
		t.Fatalf("Lookup = %+v, %v, %v; want %+v", got, found, err, rc)
	}
	// Same PO number, other customer: not the same order.
	po.CustomerNumber = "20000"
	if _, found, _ := c.Lookup(ctx, erp.NewDelivery(5, po)); found {
		t.Errorf("Lookup found the order under another customer")
	}
	if f.OrderCount() != 2 {
		t.Errorf("orders = %d", f.OrderCount())
	}
}

func TestBusinessCentralConnectionRefusedIsTransient(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(nil)
	url := srv.URL
	srv.Close()
	cfg := erp.BusinessCentralConfig{TenantID: "t", Environment: "production", CompanyID: "c",
		ClientID: "id", ClientSecret: "s", BaseURL: url, TokenURL: url + "/token"}
	c := mustNew(t, erp.Config{Kind: erp.KindBusinessCentral, BusinessCentral: cfg})
	_, err := c.Deliver(t.Context(), erp.NewDelivery(1, sampleOrder()))
	if erp.Classify(err) != erp.KindTransient {
		t.Fatalf("Classify(%v) = %v, want transient (nothing was sent)", err, erp.Classify(err))
	}
}

func TestBusinessCentralChecksDates(t *testing.T) {
	t.Parallel()
	f, c := newBC(t)
	po := sampleOrder()
	po.DeliveryDate = order.Date{}
	if _, err := c.Deliver(t.Context(), erp.NewDelivery(1, po)); err != nil {
		t.Fatal(err)
	}
	if d := f.Orders()[0].RequestedDeliveryDate; d != "" {
		t.Errorf("requestedDeliveryDate = %q, want omitted", d)
	}
}

// Without a configured mapping, our UN/ECE units go out as the company's
// own unit codes, found by their international standard code (H87 is a
// piece like PCE); the list is read once, not per order.
func TestBusinessCentralMapsUnitsByStandardCode(t *testing.T) {
	t.Parallel()
	f := erptest.NewBusinessCentral(t, customers, items)
	f.UnitsOfMeasure = []erptest.BCUnitOfMeasure{{Code: "PCS", InternationalStandardCode: "H87"},
		{Code: "CARTON", InternationalStandardCode: "CT"}, {Code: "KG", InternationalStandardCode: "KGM"}}
	f.SetItemUnits("1896-S", "PCS", "CARTON")
	f.SetItemUnits("1900-A", "KG")
	c := mustNew(t, erp.Config{Kind: erp.KindBusinessCentral, BusinessCentral: f.Config()})
	po := sampleOrder()
	if _, err := c.Deliver(t.Context(), erp.NewDelivery(1, po)); err != nil {
		t.Fatal(err)
	}
	po.PONumber = "PO-4712"
	po.Lines[0].SalesQuantity, po.Lines[0].SalesUnit = order.MustDecimal("2"), "CT"
	if _, err := c.Deliver(t.Context(), erp.NewDelivery(2, po)); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range f.Orders() {
		for _, l := range o.SalesOrderLines {
			got = append(got, l.Quantity.String()+" "+l.UnitOfMeasureCode)
		}
	}
	if want := "10 PCS, 2.5 KG, 2 CARTON, 2.5 KG"; strings.Join(got, ", ") != want {
		t.Fatalf("lines sent: %s, want %s", strings.Join(got, ", "), want)
	}
	if n := f.UnitReads(); n != 1 {
		t.Fatalf("units of measure read %d times, want once", n)
	}
}
