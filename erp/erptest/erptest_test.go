package erptest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
)

func TestBusinessCentralRefusesMissingAndExpiredTokens(t *testing.T) {
	f := NewBusinessCentral(t, nil, nil)
	api := f.URL + "/v2.0/" + f.Tenant + "/" + f.Environment + "/api/v2.0/companies(" + f.CompanyID + ")/salesOrders"
	get := func(token string) (int, string) {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, api, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var e struct {
			Error struct{ Code string } `json:"error"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&e)
		return resp.StatusCode, e.Error.Code
	}
	if s, code := get(""); s != http.StatusUnauthorized || code == "" {
		t.Errorf("no token: %d %q, want 401 with a BC error code", s, code)
	}
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {f.ClientID},
		"client_secret": {f.ClientSecret}, "scope": {"https://api.businesscentral.dynamics.com/.default"}}
	resp, err := http.PostForm(f.URL+"/"+f.Tenant+"/oauth2/v2.0/token", form)
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	if tok.AccessToken == "" || tok.ExpiresIn <= 0 {
		t.Fatalf("token response %+v", tok)
	}
	if s, _ := get(tok.AccessToken); s != http.StatusOK {
		t.Errorf("valid token: %d, want 200", s)
	}
	f.ExpireTokens()
	if s, _ := get(tok.AccessToken); s != http.StatusUnauthorized {
		t.Errorf("expired token: %d, want 401", s)
	}
	form.Set("scope", "openid")
	resp, _ = http.PostForm(f.URL+"/"+f.Tenant+"/oauth2/v2.0/token", form)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("wrong scope: %d, want 400", resp.StatusCode)
	}
}

func TestParseODataFilter(t *testing.T) {
	got, err := parseODataFilter("externalDocumentNumber eq 'O''Neil ''and'' co' and customerNumber eq '10000'")
	if err != nil || got["externalDocumentNumber"] != "O'Neil 'and' co" || got["customerNumber"] != "10000" {
		t.Errorf("parse = %v, %v", got, err)
	}
	for _, bad := range []string{"number eq 'x", "color eq 'red'", "number eq 'a' or number eq 'b'"} {
		if _, err := parseODataFilter(bad); err == nil {
			t.Errorf("parseODataFilter(%q) accepted", bad)
		}
	}
	if got, _ := parseODataFilter(""); len(got) != 0 {
		t.Errorf("empty filter = %v", got)
	}
}
