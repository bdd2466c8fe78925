// Package erptest provides working fakes of the ERP APIs the erp package
// talks to, for tests here and in the delivery pipeline: a Business Central
// API v2.0 with its Microsoft Entra token endpoint, a Visma.net ERP API with
// its Visma Connect token endpoint, and a webhook receiver.
//
// Each fake is an httptest.Server that behaves like the real service as far
// as ordergate uses it: the token endpoint issues expiring bearer tokens and
// the API refuses missing, unknown or expired ones with 401; the create
// endpoint validates the body (unknown properties, unknown customers and
// items) and answers with the service's real error shapes; created orders
// are counted and can be looked up. The fakes never deduplicate: an order
// posted twice is two orders, so a test can assert that the connector and
// the job together post each order once.
//
// Failures are switched on per request with FailNext: the next create
// requests fail in the given ways, in order, then the fake behaves again.
package erptest

import (
	"encoding/json"
	"net/http"
	"sync"
	"time"
)

// Failure is a way a create request fails.
type Failure int

const (
	// OK: no failure.
	OK Failure = iota
	// Fail500 answers 500 Internal Server Error without creating the order.
	Fail500
	// Fail503 answers 503 Service Unavailable with Retry-After, without
	// creating the order.
	Fail503
	// Fail429 answers 429 Too Many Requests with "Retry-After:
	// RetryAfterSeconds", without creating the order.
	Fail429
	// Reject answers 400 with RejectMessage in the service's error shape, as
	// a validation failure would.
	Reject
	// HangAfterCommit creates the order, then sends no answer until the
	// client gives up (its timeout or context), as a slow ERP behind a
	// timing-out client does.
	HangAfterCommit
	// ResetAfterCommit creates the order, then closes the connection without
	// answering.
	ResetAfterCommit
	// SlowAnswer creates the order and answers normally after SlowFor, as
	// an ERP under load does.
	SlowAnswer
)

// SlowFor is how long a SlowAnswer takes.
const SlowFor = 3 * time.Second

// RetryAfterSeconds is the Retry-After the fakes send with 429 and 503.
const RetryAfterSeconds = 7

// RejectMessage is the validation message a Reject failure carries.
const RejectMessage = "Customer 10001 is blocked for new orders (simulated)."

// maxHang bounds HangAfterCommit so a client without a timeout cannot hang
// a test forever.
const maxHang = 10 * time.Second

// Failures is a queue of failures for the next create requests. The fakes
// embed it; its methods are safe for concurrent use.
type Failures struct {
	mu   sync.Mutex
	next []Failure
}

// FailNext makes the next len(fs) create requests fail in the given ways,
// in order.
func (f *Failures) FailNext(fs ...Failure) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.next = append(f.next, fs...)
}

func (f *Failures) take() Failure {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.next) == 0 {
		return OK
	}
	x := f.next[0]
	f.next = f.next[1:]
	return x
}

// failBefore answers a failure that happens before the order is created and
// reports whether it did. errBody renders the service's error shape.
func failBefore(w http.ResponseWriter, x Failure, errBody func(code, msg string) any) bool {
	switch x {
	case Fail500:
		writeJSON(w, http.StatusInternalServerError, errBody("InternalServerError", "An unexpected error occurred (simulated)."))
	case Fail503:
		w.Header().Set("Retry-After", itoa(RetryAfterSeconds))
		writeJSON(w, http.StatusServiceUnavailable, errBody("ServiceUnavailable", "The service is temporarily unavailable (simulated)."))
	case Fail429:
		w.Header().Set("Retry-After", itoa(RetryAfterSeconds))
		writeJSON(w, http.StatusTooManyRequests, errBody("Application_TooManyRequests", "Too many requests (simulated)."))
	case Reject:
		writeJSON(w, http.StatusBadRequest, errBody("Application_DialogException", RejectMessage))
	default:
		return false
	}
	return true
}

// failAfter applies a failure that happens after the order was created and
// reports whether it did (the handler must then not answer).
func failAfter(w http.ResponseWriter, r *http.Request, x Failure) bool {
	switch x {
	case HangAfterCommit:
		select {
		case <-r.Context().Done():
		case <-time.After(maxHang):
		}
		return true
	case SlowAnswer:
		select {
		case <-r.Context().Done():
			return true
		case <-time.After(SlowFor):
		}
		return false
	case ResetAfterCommit:
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
				return true
			}
		}
		panic(http.ErrAbortHandler)
	}
	return false
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	if v != nil {
		_ = json.NewEncoder(w).Encode(v)
	}
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}
