package erp_test

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/ordergate/ordergate/erp"
	"github.com/ordergate/ordergate/erp/erptest"
	"github.com/ordergate/ordergate/order"
)

var (
	customers = []string{"10000", "20000"}
	items     = []string{"1896-S", "1900-A", "1920-B"}
)

// sampleOrder is a matched order as the delivery job receives it.
func sampleOrder() order.PurchaseOrder {
	price := order.MustDecimal("12.50")
	return order.PurchaseOrder{
		Format:         "edifact",
		PONumber:       "PO-4711",
		Function:       order.FunctionOriginal,
		OrderDate:      order.NewDate(2026, 11, 20),
		DeliveryDate:   order.NewDate(2026, 12, 1),
		Currency:       "EUR",
		CustomerNumber: "10000",
		Sender:         order.Sender{Kind: order.SenderEDI, ID: "4012345000009", Qualifier: "14"},
		Lines: []order.Line{
			{LineNo: 1, BuyerItem: "A-77", Quantity: order.MustDecimal("10"), Unit: "PCE",
				SKU: "1896-S", AgreedPrice: &price, ResolvedBy: "crossref"},
			{LineNo: 2, GTIN: "4006381333931", Quantity: order.MustDecimal("2.5"), Unit: "KGM",
				SKU: "1900-A", ResolvedBy: "gtin"},
		},
		Status: "approved",
	}
}

// harness is one connector wired to its fake.
type harness struct {
	conn     erp.Connector
	failNext func(...erptest.Failure)
	count    func() int // orders the ERP holds
}

// newClient returns a client with its own transport, so tests do not share
// connections, and a timeout far above any test's own deadline.
func newClient() *http.Client {
	return &http.Client{Transport: &http.Transport{}, Timeout: 10 * time.Second}
}

func mustNew(t *testing.T, cfg erp.Config) erp.Connector {
	t.Helper()
	c, err := erp.New(cfg, newClient(), nil)
	if err != nil {
		t.Fatalf("erp.New: %v", err)
	}
	return c
}

func newHarness(t *testing.T, kind string) harness {
	switch kind {
	case erp.KindBusinessCentral:
		f := erptest.NewBusinessCentral(t, customers, items)
		c := mustNew(t, erp.Config{Kind: kind, BusinessCentral: f.Config()})
		return harness{c, f.FailNext, f.OrderCount}
	case erp.KindVisma:
		f := erptest.NewVisma(t, customers, items)
		c := mustNew(t, erp.Config{Kind: kind, Visma: f.Config()})
		return harness{c, f.FailNext, f.OrderCount}
	case erp.KindWebhook:
		f := erptest.NewWebhookReceiver(t, "whsec_test")
		c := mustNew(t, erp.Config{Kind: kind, Webhook: f.Config()})
		return harness{c, f.FailNext, f.Count}
	}
	t.Fatalf("no harness for %q", kind)
	return harness{}
}

var httpKinds = []string{erp.KindBusinessCentral, erp.KindVisma, erp.KindWebhook}

// deliverLikeJob is the delivery job's contract with a connector: deliver;
// after an unclear failure look the order up and post again only if the ERP
// does not have it.
func deliverLikeJob(ctx context.Context, c erp.Connector, d erp.Delivery, attempt func() context.Context) (erp.Receipt, error) {
	rc, err := c.Deliver(attempt(), d)
	if erp.Classify(err) != erp.KindUnclear {
		return rc, err
	}
	rc, found, lerr := c.Lookup(ctx, d)
	if lerr != nil {
		return erp.Receipt{}, lerr
	}
	if found {
		return rc, nil
	}
	return c.Deliver(ctx, d)
}

func TestDeliverAndLookup(t *testing.T) {
	for _, kind := range httpKinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, kind)
			ctx := t.Context()
			d := erp.NewDelivery(42, sampleOrder())
			if _, found, err := h.conn.Lookup(ctx, d); err != nil || found {
				t.Fatalf("Lookup before delivery = %v, %v; want not found", found, err)
			}
			rc, err := h.conn.Deliver(ctx, d)
			if err != nil {
				t.Fatalf("Deliver: %v", err)
			}
			if rc.ID == "" && rc.Number == "" {
				t.Fatalf("Deliver returned an empty receipt")
			}
			got, found, err := h.conn.Lookup(ctx, d)
			if err != nil || !found {
				t.Fatalf("Lookup after delivery = %v, %v; want found", found, err)
			}
			if got.Number != rc.Number {
				t.Errorf("Lookup number = %q, Deliver number = %q", got.Number, rc.Number)
			}
			if n := h.count(); n != 1 {
				t.Errorf("ERP holds %d orders, want 1", n)
			}
			if h.conn.Name() != kind {
				t.Errorf("Name = %q, want %q", h.conn.Name(), kind)
			}
		})
	}
}

func TestFailureClassification(t *testing.T) {
	tests := []struct {
		failure    erptest.Failure
		kind       erp.Kind
		retryAfter time.Duration
		message    string
		orders     int // orders the ERP holds afterwards
	}{
		{erptest.Fail500, erp.KindTransient, 0, "", 0},
		{erptest.Fail503, erp.KindTransient, erptest.RetryAfterSeconds * time.Second, "", 0},
		{erptest.Fail429, erp.KindTransient, erptest.RetryAfterSeconds * time.Second, "", 0},
		{erptest.Reject, erp.KindPermanent, 0, erptest.RejectMessage, 0},
		{erptest.HangAfterCommit, erp.KindUnclear, 0, "", 1},
		{erptest.ResetAfterCommit, erp.KindUnclear, 0, "", 1},
	}
	names := map[erptest.Failure]string{erptest.Fail500: "500", erptest.Fail503: "503", erptest.Fail429: "429",
		erptest.Reject: "reject", erptest.HangAfterCommit: "hang", erptest.ResetAfterCommit: "reset"}
	for _, kind := range httpKinds {
		for _, tt := range tests {
			t.Run(kind+"/"+names[tt.failure], func(t *testing.T) {
				t.Parallel()
				h := newHarness(t, kind)
				h.failNext(tt.failure)
				ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
				defer cancel()
				_, err := h.conn.Deliver(ctx, erp.NewDelivery(7, sampleOrder()))
				if got := erp.Classify(err); got != tt.kind {
					t.Fatalf("Classify(%v) = %v, want %v", err, got, tt.kind)
				}
				sentinel := map[erp.Kind]error{erp.KindPermanent: erp.ErrPermanent,
					erp.KindTransient: erp.ErrTransient, erp.KindUnclear: erp.ErrUnclear}[tt.kind]
				if !errors.Is(err, sentinel) {
					t.Errorf("errors.Is(%v, %v) = false", err, sentinel)
				}
				if got := erp.RetryAfter(err); got != tt.retryAfter {
					t.Errorf("RetryAfter = %v, want %v", got, tt.retryAfter)
				}
				if tt.message != "" && erp.Message(err) != tt.message {
					t.Errorf("Message = %q, want the ERP's %q", erp.Message(err), tt.message)
				}
				if n := h.count(); n != tt.orders {
					t.Errorf("ERP holds %d orders, want %d", n, tt.orders)
				}
			})
		}
	}
}

// TestUnclearThenLookup is the case the whole design is about: the ERP
// commits the order but the answer never arrives. The connector must report
// ErrUnclear, and the job's Lookup must find the order, so the ERP ends with
// exactly one order.
func TestUnclearThenLookup(t *testing.T) {
	for _, kind := range httpKinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, kind)
			h.failNext(erptest.HangAfterCommit)
			d := erp.NewDelivery(99, sampleOrder())
			var firstErr error
			attempt := func() context.Context {
				ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
				t.Cleanup(cancel)
				return ctx
			}
			rc, err := deliverLikeJob(t.Context(), wrap(h.conn, &firstErr), d, attempt)
			if err != nil {
				t.Fatalf("delivery: %v", err)
			}
			if !errors.Is(firstErr, erp.ErrUnclear) {
				t.Fatalf("first attempt error = %v, want ErrUnclear", firstErr)
			}
			if rc.ID == "" && rc.Number == "" {
				t.Errorf("Lookup returned an empty receipt")
			}
			if n := h.count(); n != 1 {
				t.Fatalf("ERP holds %d orders, want exactly 1", n)
			}
		})
	}
}

// recorder records the first Deliver error.
type recorder struct {
	erp.Connector
	first *error
	n     int
}

func wrap(c erp.Connector, first *error) erp.Connector { return &recorder{Connector: c, first: first} }

func (r *recorder) Deliver(ctx context.Context, d erp.Delivery) (erp.Receipt, error) {
	rc, err := r.Connector.Deliver(ctx, d)
	if r.n == 0 {
		*r.first = err
	}
	r.n++
	return rc, err
}

func TestDeliverRejectsUnmatchedOrders(t *testing.T) {
	for _, kind := range httpKinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, kind)
			po := sampleOrder()
			po.Lines[1].SKU = ""
			_, err := h.conn.Deliver(t.Context(), erp.NewDelivery(1, po))
			if !errors.Is(err, erp.ErrPermanent) || erp.Message(err) != "line 2 has no item number (SKU)" {
				t.Fatalf("Deliver = %v (message %q), want permanent 'line 2 has no item number (SKU)'", err, erp.Message(err))
			}
			po = sampleOrder()
			po.Function = order.FunctionCancellation
			if _, err := h.conn.Deliver(t.Context(), erp.NewDelivery(1, po)); !errors.Is(err, erp.ErrPermanent) {
				t.Fatalf("Deliver of a cancellation = %v, want ErrPermanent", err)
			}
			if n := h.count(); n != 0 {
				t.Errorf("ERP holds %d orders, want 0", n)
			}
		})
	}
}

func TestUnknownItemIsPermanentWithERPMessage(t *testing.T) {
	want := map[string]string{
		erp.KindBusinessCentral: "The Item does not exist. Identification fields and values: No.='9999-X'",
		erp.KindVisma:           "Error creating sales order. Inventory item '9999-X' cannot be found in the system.",
	}
	for kind, msg := range want {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, kind)
			po := sampleOrder()
			po.Lines[0].SKU = "9999-X"
			_, err := h.conn.Deliver(t.Context(), erp.NewDelivery(1, po))
			if !errors.Is(err, erp.ErrPermanent) {
				t.Fatalf("Deliver = %v, want ErrPermanent", err)
			}
			if got := erp.Message(err); got != msg {
				t.Errorf("Message = %q, want %q", got, msg)
			}
			var e *erp.Error
			if !errors.As(err, &e) || e.Status != http.StatusBadRequest {
				t.Errorf("error %#v, want *erp.Error with status 400", err)
			}
		})
	}
}

// Lines go out in the unit they were matched in, under the ERP's code for
// it: two cartons of twelve stay two cartons, not two pieces. An ERP that
// does not know the unit for the item refuses the order with its message.
func TestLinesCarryTheirUnit(t *testing.T) {
	type sent struct{ sku, qty, unit string }
	tests := []struct {
		kind   string
		new    func(t *testing.T, units map[string]string) (erp.Connector, func(sku string, codes ...string), func() []sent)
		refuse string
	}{
		{erp.KindBusinessCentral, func(t *testing.T, units map[string]string) (erp.Connector, func(string, ...string), func() []sent) {
			f := erptest.NewBusinessCentral(t, customers, items)
			cfg := f.Config()
			cfg.Units = units
			return mustNew(t, erp.Config{Kind: erp.KindBusinessCentral, BusinessCentral: cfg}), f.SetItemUnits, func() (out []sent) {
				for _, o := range f.Orders() {
					for _, l := range o.SalesOrderLines {
						out = append(out, sent{l.LineObjectNumber, l.Quantity.String(), l.UnitOfMeasureCode})
					}
				}
				return out
			}
		}, "The field Unit of Measure Code of table Sales Line contains a value (CT) that cannot be found in the related table (Item Unit of Measure)."},
		{erp.KindVisma, func(t *testing.T, units map[string]string) (erp.Connector, func(string, ...string), func() []sent) {
			f := erptest.NewVisma(t, customers, items)
			cfg := f.Config()
			cfg.Units = units
			return mustNew(t, erp.Config{Kind: erp.KindVisma, Visma: cfg}), f.SetItemUnits, func() (out []sent) {
				for _, o := range f.Orders() {
					for _, l := range o.Lines {
						out = append(out, sent{l.InventoryNumber, l.Quantity.String(), l.UOM})
					}
				}
				return out
			}
		}, "Error creating sales order. Unit of measure 'CT' is not defined for inventory item '1896-S'."},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			t.Parallel()
			po := sampleOrder()
			po.Lines[0].SalesQuantity, po.Lines[0].SalesUnit = order.MustDecimal("2"), "CT"

			c, setUnits, orders := tt.new(t, map[string]string{"PCE": "PCS", "CT": "BOX", "kgm": "KG"})
			setUnits("1896-S", "PCS", "BOX")
			setUnits("1900-A", "KG")
			if _, err := c.Deliver(t.Context(), erp.NewDelivery(1, po)); err != nil {
				t.Fatal(err)
			}
			want := []sent{{"1896-S", "2", "BOX"}, {"1900-A", "2.5", "KG"}}
			if got := orders(); !reflect.DeepEqual(got, want) {
				t.Errorf("lines sent %v, want %v", got, want)
			}

			c, setUnits, orders = tt.new(t, nil)
			setUnits("1896-S", "PCS", "BOX")
			_, err := c.Deliver(t.Context(), erp.NewDelivery(1, po))
			if !errors.Is(err, erp.ErrPermanent) || erp.Message(err) != tt.refuse {
				t.Fatalf("Deliver without the mapping = %v, want ErrPermanent with %q", err, tt.refuse)
			}
			if n := len(orders()); n != 0 {
				t.Errorf("the ERP holds %d lines after refusing the order", n)
			}
		})
	}
}
