package erptest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/ordergate/ordergate/erp"
	"github.com/ordergate/ordergate/erp/webhook"
)

// WebhookReceiver is a fake webhook endpoint: POST /orders takes an order
// after checking the signature (webhook.Verify) and the Idempotency-Key
// header; GET /orders/{key} looks one up (404 when unknown). Unlike a real
// receiver it does not deduplicate, so tests can count every accepted POST.
type WebhookReceiver struct {
	Failures

	URL       string // POST target, as WebhookConfig.URL
	LookupURL string // GET template, as WebhookConfig.LookupURL
	Secret    string

	srv *httptest.Server

	mu         sync.Mutex
	deliveries []WebhookDelivery
	badSigs    int
}

// WebhookDelivery is one accepted POST.
type WebhookDelivery struct {
	IdempotencyKey string
	Signature      string
	Body           []byte
	Payload        erp.Payload
	ID             string // the id the receiver answered
}

// NewWebhookReceiver starts a receiver that verifies signatures with secret;
// it is closed when the test ends.
func NewWebhookReceiver(t testing.TB, secret string) *WebhookReceiver {
	f := &WebhookReceiver{Secret: secret}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /orders", f.receive)
	mux.HandleFunc("GET /orders/{key}", f.lookup)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	f.URL = f.srv.URL + "/orders"
	f.LookupURL = f.srv.URL + "/orders/{idempotency_key}"
	return f
}

// Config returns a connector configuration for this receiver, with the
// lookup URL.
func (f *WebhookReceiver) Config() erp.WebhookConfig {
	return erp.WebhookConfig{URL: f.URL, Secret: erp.Secret(f.Secret), LookupURL: f.LookupURL}
}

// Deliveries returns every accepted POST, duplicates included.
func (f *WebhookReceiver) Deliveries() []WebhookDelivery {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]WebhookDelivery(nil), f.deliveries...)
}

// Count returns how many POSTs were accepted, duplicates included.
func (f *WebhookReceiver) Count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.deliveries)
}

// BadSignatures returns how many requests failed signature verification.
func (f *WebhookReceiver) BadSignatures() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.badSigs
}

func whErr(_, msg string) any { return map[string]string{"message": msg} }

func (f *WebhookReceiver) verify(w http.ResponseWriter, r *http.Request, body []byte) bool {
	if err := webhook.Verify(f.Secret, r.Header.Get(webhook.SignatureHeader), body, 5*time.Minute); err != nil {
		f.mu.Lock()
		f.badSigs++
		f.mu.Unlock()
		writeJSON(w, http.StatusUnauthorized, whErr("", err.Error()))
		return false
	}
	return true
}

func (f *WebhookReceiver) receive(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		writeJSON(w, http.StatusRequestEntityTooLarge, whErr("", err.Error()))
		return
	}
	if !f.verify(w, r, body) {
		return
	}
	key := r.Header.Get(webhook.IdempotencyHeader)
	if key == "" {
		writeJSON(w, http.StatusBadRequest, whErr("", "missing Idempotency-Key header"))
		return
	}
	x := f.take()
	if failBefore(w, x, whErr) {
		return
	}
	var p erp.Payload
	if err := json.Unmarshal(body, &p); err != nil || p.Event != erp.EventOrderApproved || p.Order.PONumber == "" {
		writeJSON(w, http.StatusUnprocessableEntity, whErr("", fmt.Sprintf("not an order.approved event with an order: %v", err)))
		return
	}
	f.mu.Lock()
	d := WebhookDelivery{IdempotencyKey: key, Signature: r.Header.Get(webhook.SignatureHeader), Body: body,
		Payload: p, ID: fmt.Sprintf("wh-%d", len(f.deliveries)+1)}
	f.deliveries = append(f.deliveries, d)
	f.mu.Unlock()
	if failAfter(w, r, x) {
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"id": d.ID, "number": "WH-" + p.Order.PONumber})
}

func (f *WebhookReceiver) lookup(w http.ResponseWriter, r *http.Request) {
	if !f.verify(w, r, nil) {
		return
	}
	key := r.PathValue("key")
	for _, d := range f.Deliveries() {
		if d.IdempotencyKey == key {
			writeJSON(w, http.StatusOK, map[string]string{"id": d.ID, "number": "WH-" + d.Payload.Order.PONumber})
			return
		}
	}
	writeJSON(w, http.StatusNotFound, whErr("", "no order with idempotency key "+key))
}
