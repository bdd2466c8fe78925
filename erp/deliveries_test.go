package erp_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ordergate/ordergate/erp"
	"github.com/ordergate/ordergate/erp/erptest"
	"github.com/ordergate/ordergate/order"
	"github.com/ordergate/ordergate/parsers"
	"github.com/ordergate/ordergate/parsers/edifact"
)

// splitOrder is sampleOrder with its first line split over two stores.
func splitOrder() order.PurchaseOrder {
	po := sampleOrder()
	po.Lines[0].EnsureSchedule().Deliveries = []order.Delivery{
		{Location: "4001234000015", Quantity: order.MustDecimal("6"), Date: order.NewDate(2026, time.April, 21)},
		{Location: "4001234000022", Quantity: order.MustDecimal("4"), Date: order.NewDate(2026, time.April, 22)},
	}
	return po
}

// TestCarriesDeliveries: what CarriesDeliveries claims for each connector
// is what the connector does. The ones that carry the parts are checked on
// what reaches the ERP; the others have one delivery per sales order line.
func TestCarriesDeliveries(t *testing.T) {
	ctx := context.Background()
	wh := erptest.NewWebhookReceiver(t, "whsec_test")
	webhook := mustNew(t, erp.Config{Kind: erp.KindWebhook, Webhook: wh.Config()})
	if !erp.CarriesDeliveries(webhook) {
		t.Error("the webhook sends the canonical order")
	}
	if _, err := webhook.Deliver(ctx, erp.NewDelivery(7, splitOrder())); err != nil {
		t.Fatal(err)
	}
	if got := wh.Deliveries()[0].Payload.Order.Lines[0].Schedule().Deliveries; len(got) != 2 || got[1].Location != "4001234000022" {
		t.Errorf("webhook payload deliveries = %+v", got)
	}

	for _, format := range []string{"json", "edifact"} {
		dir := t.TempDir()
		c := mustNew(t, erp.Config{Kind: erp.KindFile, File: erp.FileConfig{Dir: dir, Format: format, Sender: "4005678000006", Recipient: "4005678000013"}})
		if !erp.CarriesDeliveries(c) {
			t.Errorf("file %s: carries deliveries", format)
		}
		rc, err := c.Deliver(ctx, erp.NewDelivery(8, splitOrder()))
		if err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(filepath.Join(dir, rc.ID))
		if err != nil {
			t.Fatal(err)
		}
		var got []order.Delivery
		if format == "json" {
			var p erp.Payload
			if err := json.Unmarshal(data, &p); err != nil {
				t.Fatal(err)
			}
			got = p.Order.Lines[0].Schedule().Deliveries
		} else {
			res, err := edifact.New().Parse(ctx, parsers.Document{Data: data})
			if err != nil || len(res.Orders) != 1 {
				t.Fatalf("edifact file: %v %+v", err, res)
			}
			got = res.Orders[0].Lines[0].Schedule().Deliveries
		}
		if len(got) != 2 || got[0].Quantity.String() != "6" || got[1].Date != order.NewDate(2026, time.April, 22) {
			t.Errorf("file %s: deliveries = %+v\n%s", format, got, data)
		}
	}
	csv := mustNew(t, erp.Config{Kind: erp.KindFile, File: erp.FileConfig{Dir: t.TempDir(), Format: "csv"}})
	bc := mustNew(t, erp.Config{Kind: erp.KindBusinessCentral, BusinessCentral: erptest.NewBusinessCentral(t, customers, items).Config()})
	visma := mustNew(t, erp.Config{Kind: erp.KindVisma, Visma: erptest.NewVisma(t, customers, items).Config()})
	for name, c := range map[string]erp.Connector{"csv file": csv, "Business Central": bc, "Visma.net": visma, "none": nil} {
		if erp.CarriesDeliveries(c) {
			t.Errorf("%s: one delivery per line, yet CarriesDeliveries", name)
		}
	}
}
