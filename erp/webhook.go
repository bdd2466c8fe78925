package erp

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ordergate/ordergate/erp/webhook"
	"github.com/ordergate/ordergate/order"
)

// EventOrderApproved is the event name of an order delivery.
const EventOrderApproved = "order.approved"

// Payload is the JSON document the webhook connector POSTs and the file
// connector writes in JSON format:
//
//	{"event":"order.approved","order_id":42,"idempotency_key":"ordergate-order-42","order":{...}}
//
// Order is the canonical order JSON (see DESIGN.md), including the matching
// results: "customer_number", "status" and per line "sku", "agreed_price",
// "resolved_by".
type Payload struct {
	Event          string              `json:"event"`
	OrderID        int64               `json:"order_id"`
	IdempotencyKey string              `json:"idempotency_key"`
	Order          order.PurchaseOrder `json:"order"`
}

func payload(d Delivery) Payload {
	return Payload{Event: EventOrderApproved, OrderID: d.OrderID, IdempotencyKey: d.key(), Order: d.Order}
}

// Webhook POSTs approved orders as signed JSON to a URL.
//
// Each request carries Content-Type application/json, an Idempotency-Key
// header (the same on every retry of an order) and an X-Ordergate-Signature
// header; the signing recipe is documented in package erp/webhook, whose
// Verify receivers can use. Any 2xx answer means the order was taken; the
// body may be {"id":"...","number":"..."} to report the receiver's ids.
// Errors may be {"message":"..."} or {"error":"..."}; 4xx answers other than
// 401, 403, 408 and 429 are permanent rejections.
type Webhook struct {
	cfg WebhookConfig
	s   sender
	now func() time.Time
}

// NewWebhook returns the webhook connector; cfg must be valid (see
// Config.Validate).
func NewWebhook(cfg WebhookConfig, client *http.Client, logger *slog.Logger) *Webhook {
	return &Webhook{cfg: cfg, s: newSender(KindWebhook, client, logger), now: time.Now}
}

// Name returns "webhook".
func (w *Webhook) Name() string { return KindWebhook }

// Deliver POSTs the order to the configured URL.
func (w *Webhook) Deliver(ctx context.Context, d Delivery) (Receipt, error) {
	if e := checkOrder(KindWebhook, &d.Order); e != nil {
		return Receipt{}, e
	}
	body, err := json.Marshal(payload(d))
	if err != nil {
		return Receipt{}, &Error{Kind: KindPermanent, Connector: KindWebhook, Op: "deliver", Err: err}
	}
	req, err := newRequest(ctx, http.MethodPost, w.cfg.URL, body)
	if err != nil {
		return Receipt{}, &Error{Kind: KindPermanent, Connector: KindWebhook, Op: "deliver", Err: err}
	}
	w.sign(req, d, body)
	r, err := w.s.do(req, "deliver", true)
	if err != nil {
		return Receipt{}, err
	}
	if !ok(r.Status) {
		return Receipt{}, w.s.statusError("deliver", r, "", webhookMessage(r.Body), true)
	}
	return webhookReceipt(r.Body, d), nil
}

// Lookup asks the receiver whether it has the order, with a signed GET of
// the configured lookup URL (empty body). Without a lookup URL it reports
// false: the receiver must then deduplicate by Idempotency-Key.
func (w *Webhook) Lookup(ctx context.Context, d Delivery) (Receipt, bool, error) {
	if w.cfg.LookupURL == "" {
		return Receipt{}, false, nil
	}
	esc := queryEscape
	u := strings.NewReplacer(
		"{order_id}", strconv.FormatInt(d.OrderID, 10),
		"{idempotency_key}", esc(d.key()),
		"{po_number}", esc(d.Order.PONumber),
		"{customer_number}", esc(d.Order.CustomerNumber),
	).Replace(w.cfg.LookupURL)
	req, err := newRequest(ctx, http.MethodGet, u, nil)
	if err != nil {
		return Receipt{}, false, &Error{Kind: KindPermanent, Connector: KindWebhook, Op: "lookup", Err: err}
	}
	w.sign(req, d, nil)
	r, err := w.s.do(req, "lookup", false)
	if err != nil {
		return Receipt{}, false, err
	}
	switch {
	case r.Status == http.StatusNotFound:
		return Receipt{}, false, nil
	case !ok(r.Status):
		return Receipt{}, false, w.s.statusError("lookup", r, "", webhookMessage(r.Body), false)
	}
	return webhookReceipt(r.Body, d), true, nil
}

func (w *Webhook) sign(req *http.Request, d Delivery, body []byte) {
	req.Header.Set(webhook.IdempotencyHeader, d.key())
	req.Header.Set(webhook.SignatureHeader, webhook.Sign(w.cfg.Secret.Reveal(), w.now(), body))
}

// webhookReceipt reads {"id","number"} from a 2xx body; a body that is not
// such JSON still means success, with the idempotency key as the id.
func webhookReceipt(body []byte, d Delivery) Receipt {
	var rc struct {
		ID     json.RawMessage `json:"id"`
		Number json.RawMessage `json:"number"`
	}
	_ = json.Unmarshal(body, &rc)
	out := Receipt{ID: jsonScalar(rc.ID), Number: jsonScalar(rc.Number)}
	if out.ID == "" {
		out.ID = d.key()
	}
	return out
}

// jsonScalar returns a JSON string or number as text, "" otherwise.
func jsonScalar(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

// webhookMessage reads {"message":"..."} or {"error":"..."} or
// {"error":{"message":"..."}} from an error body.
func webhookMessage(body []byte) string {
	var e struct {
		Message string          `json:"message"`
		Error   json.RawMessage `json:"error"`
	}
	if json.Unmarshal(body, &e) != nil {
		return ""
	}
	if e.Message != "" {
		return e.Message
	}
	if s := jsonScalar(e.Error); s != "" {
		return s
	}
	var nested struct {
		Message string `json:"message"`
	}
	_ = json.Unmarshal(e.Error, &nested)
	return nested.Message
}

func newSender(name string, client *http.Client, logger *slog.Logger) sender {
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return sender{name: name, client: client, log: logger}
}
