package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestSignMatchesDocumentedRecipe(t *testing.T) {
	body := []byte(`{"event":"order.approved","order_id":42}`)
	at := time.Unix(1767225600, 0)
	// The recipe from the package doc, written out independently.
	h := hmac.New(sha256.New, []byte("whsec_test"))
	h.Write([]byte("1767225600." + string(body)))
	want := "t=1767225600,v1=" + hex.EncodeToString(h.Sum(nil))
	if got := Sign("whsec_test", at, body); got != want {
		t.Fatalf("Sign = %q, want %q", got, want)
	}
}

func TestVerify(t *testing.T) {
	body := []byte(`{"event":"order.approved","order_id":42}`)
	now := time.Now()
	good := Sign("s3cret", now, body)
	tests := []struct {
		name   string
		header string
		body   []byte
		secret string
		want   error
	}{
		{"valid", good, body, "s3cret", nil},
		{"tampered body", good, []byte(`{"event":"order.approved","order_id":43}`), "s3cret", ErrNoMatch},
		{"wrong secret", good, body, "other", ErrNoMatch},
		{"old timestamp", Sign("s3cret", now.Add(-10*time.Minute), body), body, "s3cret", ErrTimestampOld},
		{"future timestamp", Sign("s3cret", now.Add(10*time.Minute), body), body, "s3cret", ErrTimestampOld},
		{"rotated secrets", good + ",v1=" + hex.EncodeToString([]byte("x")), body, "s3cret", nil},
		{"no v1", fmt.Sprintf("t=%d", now.Unix()), body, "s3cret", ErrMalformed},
		{"garbage", "nonsense", body, "s3cret", ErrMalformed},
		{"bad hex", fmt.Sprintf("t=%d,v1=zz", now.Unix()), body, "s3cret", ErrMalformed},
		{"empty", "", body, "s3cret", ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Verify(tt.secret, tt.header, tt.body, 5*time.Minute)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Verify = %v, want %v", err, tt.want)
			}
		})
	}
}

func ExampleVerify() {
	secret := "whsec_from_config"
	body := []byte(`{"event":"order.approved","order_id":7,"order":{}}`)
	header := Sign(secret, time.Now(), body) // what ordergate sends

	// In the receiver's HTTP handler: read the raw body, then
	if err := Verify(secret, header, body, 5*time.Minute); err != nil {
		fmt.Println("reject:", err)
		return
	}
	fmt.Println("ok")
	// Output: ok
}
