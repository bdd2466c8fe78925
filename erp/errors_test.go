package erp

import (
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Duration{
		"7":                             7 * time.Second,
		" 120 ":                         2 * time.Minute,
		"0":                             0,
		"-5":                            0,
		"soon":                          0,
		"":                              0,
		"Wed, 25 Nov 2026 12:00:30 GMT": 30 * time.Second,
		"Wed, 25 Nov 2026 11:00:00 GMT": 0,
		"99999999":                      24 * time.Hour,
	} {
		if got := parseRetryAfter(in, now); got != want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestStatusKind(t *testing.T) {
	for status, want := range map[int]Kind{
		400: KindPermanent, 404: KindPermanent, 409: KindPermanent, 422: KindPermanent,
		401: KindTransient, 403: KindTransient, 408: KindTransient, 429: KindTransient,
		500: KindTransient, 503: KindTransient, 502: KindUnclear, 504: KindUnclear,
	} {
		if got := statusKind(status); got != want {
			t.Errorf("statusKind(%d) = %v, want %v", status, got, want)
		}
	}
}

func TestClassify(t *testing.T) {
	perm := &Error{Kind: KindPermanent, Connector: "businesscentral", Op: "deliver", Status: http.StatusBadRequest,
		Code: "Internal_RecordNotFound", Message: "The Item does not exist."}
	wrapped := fmt.Errorf("delivering order 7: %w", perm)
	if Classify(nil) != KindNone || Classify(wrapped) != KindPermanent || Classify(errors.New("x")) != KindUnclear ||
		Classify(fmt.Errorf("x: %w", ErrTransient)) != KindTransient {
		t.Error("Classify")
	}
	if !errors.Is(wrapped, ErrPermanent) || errors.Is(wrapped, ErrTransient) || Message(wrapped) != "The Item does not exist." {
		t.Error("errors.Is / Message")
	}
	want := "erp: businesscentral deliver rejected (HTTP 400 Internal_RecordNotFound): The Item does not exist."
	if perm.Error() != want {
		t.Errorf("Error() = %q, want %q", perm.Error(), want)
	}
}

func TestParseVismaLocation(t *testing.T) {
	for in, want := range map[string]Receipt{
		"https://integration.visma.net/API/controller/api/v1/salesorder/SO/000123": {ID: "SO/000123", Number: "000123"},
		"https://integration.visma.net/API/controller/api/v1/salesorder/000123":    {ID: "000123", Number: "000123"},
		"/API/controller/api/v1/SalesOrder/SO/A%20B":                               {ID: "SO/A B", Number: "A B"},
		"": {}, "https://x/other/1": {},
	} {
		got, ok := parseVismaLocation(in)
		if got != want || ok != (want != Receipt{}) {
			t.Errorf("parseVismaLocation(%q) = %+v, %v; want %+v", in, got, ok, want)
		}
	}
}
