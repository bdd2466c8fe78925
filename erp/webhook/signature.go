// Package webhook signs and verifies the order webhooks ordergate sends, so
// that receivers can check a request really came from ordergate and was not
// replayed.
//
// # Signature recipe
//
// Every request carries the header
//
//	X-Ordergate-Signature: t=<unix seconds>,v1=<hex signature>
//
// where the signature is
//
//	hex( HMAC-SHA256( key = shared secret, message = t + "." + raw request body ) )
//
// t is the decimal Unix time at which the request was signed, and the raw
// body is the exact bytes received, before any JSON parsing. (This is the
// scheme Stripe uses for its webhooks.) A receiver:
//
//  1. splits the header on "," into key=value pairs, reads t and every v1
//     (there may be several while a secret is being rotated);
//  2. computes the expected signature over t + "." + body with its secret;
//  3. compares it with each v1 in constant time (hmac.Equal) and accepts if
//     one matches;
//  4. rejects the request if t is further than its tolerance (five minutes
//     is usual) from its own clock, so a captured request cannot be replayed
//     later;
//  5. deduplicates by the Idempotency-Key header: ordergate delivers at least
//     once and sends the same key on every retry of the same order. A
//     duplicate must be answered like the first delivery (2xx), not with an
//     error: ordergate reads 4xx answers as a rejection of the order.
//
// Look-up requests (GET of the configured lookup URL) are signed the same
// way over an empty body.
//
// Go receivers can call [Verify].
package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"
)

// SignatureHeader is the header that carries the signature.
const SignatureHeader = "X-Ordergate-Signature"

// IdempotencyHeader is the header that carries the delivery's idempotency
// key; receivers must deduplicate by it.
const IdempotencyHeader = "Idempotency-Key"

// DefaultTolerance is the clock difference Verify accepts when called with a
// tolerance of zero.
const DefaultTolerance = 5 * time.Minute

// Errors returned by Verify.
var (
	ErrMalformed    = errors.New("webhook: malformed signature header")
	ErrNoMatch      = errors.New("webhook: signature does not match")
	ErrTimestampOld = errors.New("webhook: signature timestamp outside tolerance")
)

// Sign returns the signature header value for body signed at t.
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac(secret, ts, body))
}

// Verify checks a signature header against body, as described in the
// package documentation. It rejects timestamps more than tolerance away from
// the current time (DefaultTolerance when tolerance is zero; a negative
// tolerance disables the check, for tests only).
func Verify(secret, header string, body []byte, tolerance time.Duration) error {
	return verifyAt(secret, header, body, tolerance, time.Now())
}

func verifyAt(secret, header string, body []byte, tolerance time.Duration, now time.Time) error {
	var ts string
	var sigs [][]byte
	for part := range strings.SplitSeq(header, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return ErrMalformed
		}
		switch k {
		case "t":
			ts = v
		case "v1":
			sig, err := hex.DecodeString(v)
			if err != nil {
				return ErrMalformed
			}
			sigs = append(sigs, sig)
		}
	}
	if ts == "" || len(sigs) == 0 {
		return ErrMalformed
	}
	unix, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return ErrMalformed
	}
	want := mac(secret, ts, body)
	matched := false
	for _, sig := range sigs {
		if hmac.Equal(sig, want) {
			matched = true
		}
	}
	if !matched {
		return ErrNoMatch
	}
	if tolerance == 0 {
		tolerance = DefaultTolerance
	}
	if tolerance > 0 {
		if d := now.Sub(time.Unix(unix, 0)); d > tolerance || d < -tolerance {
			return ErrTimestampOld
		}
	}
	return nil
}

func mac(secret, ts string, body []byte) []byte {
	h := hmac.New(sha256.New, []byte(secret))
	h.Write([]byte(ts))
	h.Write([]byte{'.'})
	h.Write(body)
	return h.Sum(nil)
}
