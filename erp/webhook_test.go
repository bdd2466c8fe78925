package erp_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/ordergate/ordergate/erp"
	"github.com/ordergate/ordergate/erp/erptest"
)

func TestWebhookPayloadAndSignature(t *testing.T) {
	t.Parallel()
	f := erptest.NewWebhookReceiver(t, "whsec_test")
	c := mustNew(t, erp.Config{Kind: erp.KindWebhook, Webhook: f.Config()})
	rc, err := c.Deliver(t.Context(), erp.NewDelivery(42, sampleOrder()))
	if err != nil {
		t.Fatal(err)
	}
	if rc.ID != "wh-1" || rc.Number != "WH-PO-4711" {
		t.Errorf("receipt = %+v", rc)
	}
	d := f.Deliveries()[0]
	if d.IdempotencyKey != "ordergate-order-42" {
		t.Errorf("Idempotency-Key = %q", d.IdempotencyKey)
	}
	// The receiver verified the signature with webhook.Verify; check the
	// wire shape too.
	var doc struct {
		Event   string `json:"event"`
		OrderID int64  `json:"order_id"`
		Order   struct {
			CustomerNumber string `json:"customer_number"`
			Status         string `json:"status"`
			Lines          []struct {
				SKU         string          `json:"sku"`
				AgreedPrice json.RawMessage `json:"agreed_price"`
				ResolvedBy  string          `json:"resolved_by"`
			} `json:"lines"`
		} `json:"order"`
	}
	if err := json.Unmarshal(d.Body, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Event != "order.approved" || doc.OrderID != 42 || doc.Order.CustomerNumber != "10000" ||
		doc.Order.Status != "approved" || doc.Order.Lines[0].SKU != "1896-S" ||
		string(doc.Order.Lines[0].AgreedPrice) != "12.5" || doc.Order.Lines[0].ResolvedBy != "crossref" {
		t.Errorf("payload = %s", d.Body)
	}
}

func TestWebhookWrongSecret(t *testing.T) {
	t.Parallel()
	f := erptest.NewWebhookReceiver(t, "whsec_test")
	cfg := f.Config()
	cfg.Secret = "whsec_other"
	c := mustNew(t, erp.Config{Kind: erp.KindWebhook, Webhook: cfg})
	_, err := c.Deliver(t.Context(), erp.NewDelivery(1, sampleOrder()))
	if !errors.Is(err, erp.ErrTransient) || f.BadSignatures() != 1 || f.Count() != 0 {
		t.Fatalf("Deliver = %v (bad signatures %d, count %d), want transient 401", err, f.BadSignatures(), f.Count())
	}
}

func TestWebhookWithoutLookupURL(t *testing.T) {
	t.Parallel()
	f := erptest.NewWebhookReceiver(t, "whsec_test")
	cfg := f.Config()
	cfg.LookupURL = ""
	c := mustNew(t, erp.Config{Kind: erp.KindWebhook, Webhook: cfg})
	d := erp.NewDelivery(1, sampleOrder())
	if _, err := c.Deliver(t.Context(), d); err != nil {
		t.Fatal(err)
	}
	if _, found, err := c.Lookup(t.Context(), d); found || err != nil {
		t.Fatalf("Lookup = %v, %v; want not found without a lookup URL", found, err)
	}
}
