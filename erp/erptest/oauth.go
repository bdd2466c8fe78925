package erptest

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// tokenIssuer is a fake OAuth 2.0 authorization server for the client
// credentials grant (RFC 6749 section 4.4) and the resource server's bearer
// check (RFC 6750).
type tokenIssuer struct {
	clientID, clientSecret string
	scopes                 []string
	params                 map[string]string // further required form parameters
	ttl                    time.Duration

	mu     sync.Mutex
	issued int
	tokens map[string]time.Time // access token -> expiry
}

func newTokenIssuer(id, secret string, scopes []string, params map[string]string) *tokenIssuer {
	return &tokenIssuer{clientID: id, clientSecret: secret, scopes: scopes, params: params,
		ttl: time.Hour, tokens: map[string]time.Time{}}
}

type oauthError struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description,omitempty"`
}

func (ti *tokenIssuer) serveToken(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeJSON(w, http.StatusBadRequest, oauthError{"invalid_request", err.Error()})
		return
	}
	if g := r.PostForm.Get("grant_type"); g != "client_credentials" {
		writeJSON(w, http.StatusBadRequest, oauthError{"unsupported_grant_type", "grant_type " + g + " is not supported"})
		return
	}
	id, secret, basic := r.BasicAuth()
	if !basic {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != ti.clientID || secret != ti.clientSecret {
		writeJSON(w, http.StatusUnauthorized, oauthError{"invalid_client", "client authentication failed"})
		return
	}
	got := strings.Fields(r.PostForm.Get("scope"))
	slices.Sort(got)
	want := slices.Sorted(slices.Values(ti.scopes))
	if !slices.Equal(got, want) {
		writeJSON(w, http.StatusBadRequest, oauthError{"invalid_scope", "scope must be " + strings.Join(ti.scopes, " ")})
		return
	}
	for k, v := range ti.params {
		if r.PostForm.Get(k) != v {
			writeJSON(w, http.StatusBadRequest, oauthError{"invalid_request", k + " is missing or wrong"})
			return
		}
	}
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	tok := hex.EncodeToString(b)
	ti.mu.Lock()
	ti.issued++
	ttl := ti.ttl
	ti.tokens[tok] = time.Now().Add(ttl)
	ti.mu.Unlock()
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": tok, "token_type": "Bearer", "expires_in": int(ttl / time.Second),
	})
}

// valid reports whether r carries an issued, unexpired bearer token.
func (ti *tokenIssuer) valid(r *http.Request) bool {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return false
	}
	ti.mu.Lock()
	defer ti.mu.Unlock()
	exp, ok := ti.tokens[tok]
	return ok && time.Now().Before(exp)
}

// Issued returns how many tokens were issued.
func (ti *tokenIssuer) count() int {
	ti.mu.Lock()
	defer ti.mu.Unlock()
	return ti.issued
}

// revoke makes every issued token invalid, as a key rollover or an admin
// revoking the app's consent does.
func (ti *tokenIssuer) revoke() {
	ti.mu.Lock()
	defer ti.mu.Unlock()
	clear(ti.tokens)
}

func (ti *tokenIssuer) setTTL(d time.Duration) {
	ti.mu.Lock()
	defer ti.mu.Unlock()
	ti.ttl = d
}
