package erp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync/atomic"
	"time"
)

// maxBody is the most of a response body any connector reads. ERP answers to
// a single order are small; an endless or hostile body must not exhaust
// memory.
const maxBody = 1 << 20

// userAgent identifies ordergate to the ERP.
const userAgent = "ordergate-erp/1"

// sender sends HTTP requests for one connector and turns transport failures
// into classified errors.
type sender struct {
	name   string
	client *http.Client
	log    *slog.Logger
}

// response is a read HTTP response.
type response struct {
	Status int
	Header http.Header
	Body   []byte // at most maxBody bytes
}

// newRequest builds a request with a replayable body.
func newRequest(ctx context.Context, method, url string, body []byte) (*http.Request, error) {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, r)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", userAgent)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

// do sends req and reads the response body (up to maxBody).
//
// A failure before the request was completely written is KindTransient: the
// ERP cannot have seen the order. A failure after that (timeout waiting for
// the answer, connection reset, EOF, a body cut short) is KindUnclear for a
// request that changes state (commits=true), because the ERP may have
// committed, and KindTransient for a read-only request.
func (s *sender) do(req *http.Request, op string, commits bool) (*response, error) {
	var wrote atomic.Bool
	trace := &httptrace.ClientTrace{
		WroteRequest: func(info httptrace.WroteRequestInfo) {
			if info.Err == nil {
				wrote.Store(true)
			}
		},
	}
	req = req.WithContext(httptrace.WithClientTrace(req.Context(), trace))
	start := time.Now()
	resp, err := s.client.Do(req)
	if err != nil {
		kind := KindTransient
		if commits && wrote.Load() {
			kind = KindUnclear
		}
		return nil, &Error{Kind: kind, Connector: s.name, Op: op, Err: stripURL(err)}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		kind := KindTransient
		if commits {
			kind = KindUnclear
		}
		return nil, &Error{Kind: kind, Connector: s.name, Op: op, Status: resp.StatusCode,
			Err: fmt.Errorf("reading response: %w", err)}
	}
	s.log.DebugContext(req.Context(), "erp request", "connector", s.name, "op", op,
		"method", req.Method, "status", resp.StatusCode, "duration", time.Since(start))
	return &response{Status: resp.StatusCode, Header: resp.Header, Body: body}, nil
}

// stripURL drops the URL from a *url.Error: it may carry query values
// (customer numbers, PO numbers) and adds nothing to the diagnosis.
func stripURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s request: %w", ue.Op, ue.Err)
	}
	return err
}

// statusError builds the error for a non-2xx response. code and msg are the
// ERP's error code and message as parsed from its error body; when msg is
// empty a short excerpt of the body is used.
func (s *sender) statusError(op string, r *response, code, msg string, commits bool) *Error {
	kind := statusKind(r.Status)
	if kind == KindUnclear && !commits {
		kind = KindTransient
	}
	if msg == "" {
		msg = excerpt(r.Body)
	}
	e := &Error{Kind: kind, Connector: s.name, Op: op, Status: r.Status, Code: code, Message: msg}
	if r.Status == http.StatusTooManyRequests || r.Status == http.StatusServiceUnavailable {
		e.RetryAfter = parseRetryAfter(r.Header.Get("Retry-After"), time.Now())
	}
	return e
}

// excerpt returns the start of a non-JSON error body as one line of text.
func excerpt(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

// ok reports whether status is 2xx.
func ok(status int) bool { return status >= 200 && status < 300 }
