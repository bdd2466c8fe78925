package review

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"golang.org/x/net/html"

	"github.com/ordergate/ordergate/auth"
	"github.com/ordergate/ordergate/intake"
)

// deskClient is an HTTP client logged in as a desk user, holding the
// session cookie itself (the cookie is Secure; the test server is plain
// HTTP).
type deskClient struct {
	f      *deskFixture
	cookie string
}

func (f *deskFixture) client(t *testing.T, name, password string) *deskClient {
	t.Helper()
	form := url.Values{"username": {name}, "password": {password}}
	req, _ := http.NewRequest("POST", f.srv.URL+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for _, c := range resp.Cookies() {
		if c.Name == "ordergate_session" {
			if !c.HttpOnly || !c.Secure || c.SameSite != http.SameSiteLaxMode {
				t.Errorf("the session cookie is not HttpOnly, Secure and SameSite=Lax: %+v", c)
			}
			return &deskClient{f: f, cookie: c.Name + "=" + c.Value}
		}
	}
	t.Fatalf("login as %s answered %d without a session cookie", name, resp.StatusCode)
	return nil
}

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// call sends a request with the session (when c is not nil) and headers
// given as "Name: value"; it returns the status and the body.
func (f *deskFixture) call(t *testing.T, c *deskClient, method, path string, form url.Values, headers ...string) (int, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, f.srv.URL+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if c != nil {
		req.Header.Set("Cookie", c.cookie)
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ": ")
		req.Header.Set(k, v)
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func addUsers(t *testing.T, f *deskFixture) {
	t.Helper()
	for name, role := range map[string]string{"vera": auth.RoleViewer, "carl": auth.RoleClerk, "ada": auth.RoleAdmin} {
		if err := auth.AddUser(context.Background(), f.pool, name, name+"-password-1", role); err != nil {
			t.Fatal(err)
		}
	}
}

// TestOrderContentRendersAsText: a PO number and a description carrying
// markup show as text, in the HTML and in a browser, where none of it runs.
func TestOrderContentRendersAsText(t *testing.T) {
	t.Parallel()
	f := newDeskFixture(t)
	addUsers(t, f)
	po := `<script>window.__pwned=1</script>`
	desc := `<img src=x onerror=window.__pwned=2>`
	o := f.send(t, ediOrder("X1", po, glnBrasserie, ediLine{"BR-X", "", "1", "PCE", "", desc}))
	if o.PO.PONumber != po || o.PO.Lines[0].Description != desc {
		t.Fatalf("the order was read as PO %q, description %q", o.PO.PONumber, o.PO.Lines[0].Description)
	}
	c := f.client(t, "carl", "carl-password-1")
	for _, path := range []string{"/", fmt.Sprintf("/orders/%d", o.ID)} {
		code, html := f.call(t, c, "GET", path, nil)
		if code != http.StatusOK {
			t.Fatalf("GET %s = %d", path, code)
		}
		if strings.Contains(html, "<script>window") || strings.Contains(html, "<img src=x") {
			t.Errorf("GET %s renders the order's markup as markup", path)
		}
		if !strings.Contains(html, "&lt;script&gt;window.__pwned=1&lt;/script&gt;") {
			t.Errorf("GET %s does not show the PO number as text", path)
		}
		if inline := inlineCode(html); inline != "" {
			t.Errorf("GET %s has inline script or style (%s), which the CSP forbids", path, inline)
		}
	}

	b := newBrowser(t)
	f.loginAs(t, b, "carl", "carl-password-1")
	do(t, b, "open the order", chromedp.Navigate(f.uiURL(fmt.Sprintf("/orders/%d", o.ID))), chromedp.WaitVisible(chromedp.CSS(`#order-panel`)))
	if h1 := text(t, b, `.order-head h1`); h1 != po {
		t.Errorf("the heading shows %q, want the PO number as text", h1)
	}
	if !strings.Contains(text(t, b, `#order-panel .lines`), desc) {
		t.Error("the description does not show as text")
	}
	if pwned := eval[bool](t, b, `window.__pwned !== undefined`); pwned {
		t.Error("the order's markup ran in the browser")
	}
	if n := eval[int](t, b, `document.scripts.length`); n != 2 {
		t.Errorf("the page has %d scripts, want our 2", n)
	}
}

// TestStateChangesNeedASessionAndThisSite: an action posted without a
// session, or from another site with one, changes nothing.
func TestStateChangesNeedASessionAndThisSite(t *testing.T) {
	t.Parallel()
	f := newDeskFixture(t)
	addUsers(t, f)
	o := f.send(t, ediOrder("C1", "PO-CSRF", glnCafe, ediLine{"", gtinCoffee, "1", "PCE", "", ""}))
	approve := fmt.Sprintf("/orders/%d/reject", o.ID)
	form := url.Values{"reason": {"forged"}}
	if code, _ := f.call(t, nil, "POST", approve, form); code != http.StatusUnauthorized {
		t.Errorf("without a session: %d, want 401", code)
	}
	c := f.client(t, "carl", "carl-password-1")
	if code, body := f.call(t, c, "POST", approve, form, "Origin: http://evil.example", "Sec-Fetch-Site: cross-site"); code != http.StatusForbidden ||
		strings.TrimSpace(body) != "refused: this request came from another site" {
		t.Errorf("from another site: %d %q, want 403 in plain words", code, body)
	}
	// The API refuses it in its one JSON error shape, which its clients read.
	code, body := f.call(t, nil, "POST", fmt.Sprintf("/api/v1/orders/%d/reject", o.ID), form,
		"Authorization: Bearer "+f.key, "Origin: http://evil.example", "Sec-Fetch-Site: cross-site")
	var apiErr map[string]any
	if err := json.Unmarshal([]byte(body), &apiErr); code != http.StatusForbidden || err != nil || apiErr["error"] != "refused: this request came from another site" {
		t.Errorf("the API from another site: %d %q, want 403 with {\"error\": ...}", code, body)
	}
	if code, _ := f.call(t, c, "POST", approve, form, "Origin: http://evil.example"); code != http.StatusForbidden {
		t.Errorf("from another origin (no Sec-Fetch-Site): %d, want 403", code)
	}
	if got, _ := intake.GetOrder(context.Background(), f.pool, o.ID); got.State != intake.StateReview {
		t.Fatalf("the forged requests changed the order: %s", got.State)
	}
	// The same request from the site itself goes through.
	if code, _ := f.call(t, c, "POST", approve, form, "Origin: "+f.srv.URL, "Sec-Fetch-Site: same-origin"); code != http.StatusSeeOther {
		t.Errorf("from this site: %d, want 303", code)
	}
	if got, _ := intake.GetOrder(context.Background(), f.pool, o.ID); got.State != intake.StateRejected {
		t.Fatalf("the desk's own request did not reject the order: %s", got.State)
	}
	// Every answer carries the strict policy.
	req, _ := http.NewRequest("GET", f.srv.URL+"/login", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe") {
		t.Errorf("Content-Security-Policy %q", csp)
	}
}

// TestRoles: viewers read, clerks act, admins also manage users and read
// the audit log.
func TestRoles(t *testing.T) {
	t.Parallel()
	f := newDeskFixture(t)
	addUsers(t, f)
	o := f.send(t, ediOrder("R1", "PO-ROLE", glnCafe, ediLine{"", gtinCoffee, "1", "PCE", "", ""}))
	hold := fmt.Sprintf("/orders/%d/hold", o.ID)
	cases := []struct {
		user                 string
		read, act, users, au int
	}{
		{"vera", 200, 403, 403, 403},
		{"carl", 200, 303, 403, 403},
		{"ada", 200, 409, 200, 200}, // the order is held by carl already: 409 is an action allowed, then refused
	}
	for _, tc := range cases {
		c := f.client(t, tc.user, tc.user+"-password-1")
		if code, _ := f.call(t, c, "GET", fmt.Sprintf("/orders/%d", o.ID), nil); code != tc.read {
			t.Errorf("%s reads the order: %d, want %d", tc.user, code, tc.read)
		}
		if code, _ := f.call(t, c, "GET", "/", nil); code != tc.read {
			t.Errorf("%s reads the queue: %d, want %d", tc.user, code, tc.read)
		}
		if code, _ := f.call(t, c, "POST", hold, url.Values{"reason": {"asking"}}); code != tc.act {
			t.Errorf("%s holds the order: %d, want %d", tc.user, code, tc.act)
		}
		if code, _ := f.call(t, c, "GET", "/users", nil); code != tc.users {
			t.Errorf("%s opens the users: %d, want %d", tc.user, code, tc.users)
		}
		if code, _ := f.call(t, c, "GET", "/audit", nil); code != tc.au {
			t.Errorf("%s opens the audit log: %d, want %d", tc.user, code, tc.au)
		}
	}
	// A disabled user's session ends at once.
	c := f.client(t, "carl", "carl-password-1")
	if err := auth.SetDisabled(context.Background(), f.pool, "carl", true); err != nil {
		t.Fatal(err)
	}
	if code, _ := f.call(t, c, "GET", "/", nil); code != http.StatusSeeOther {
		t.Errorf("a disabled user reads the queue: %d, want a redirect to the login", code)
	}
}

// TestFailedLoginsAreLimited: after five wrong passwords for a user, even
// the right one is refused for a while; after twenty failures from one
// address (many user names), every login from there is, and only there.
func TestFailedLoginsAreLimited(t *testing.T) {
	t.Parallel()
	f := newDeskFixture(t)
	addUsers(t, f)
	for i := range 5 {
		if code, _ := f.call(t, nil, "POST", "/login", url.Values{"username": {"carl"}, "password": {fmt.Sprint("wrong-", i)}}); code != http.StatusUnauthorized {
			t.Fatalf("wrong password %d: %d, want 401", i, code)
		}
	}
	code, body := f.call(t, nil, "POST", "/login", url.Values{"username": {"carl"}, "password": {"carl-password-1"}})
	if code != http.StatusTooManyRequests || !strings.Contains(body, "Too many failed logins") {
		t.Fatalf("after five failures: %d", code)
	}
	var n int
	if err := f.pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE action = 'login.failed' AND actor = 'carl'`).Scan(&n); err != nil || n != 5 {
		t.Fatalf("%d failed logins in the audit log, want 5 (%v)", n, err)
	}
	// Another user from the same address, still under its limit, is not
	// held up.
	if code, _ := f.call(t, nil, "POST", "/login", url.Values{"username": {"ada"}, "password": {"ada-password-1"}}); code != http.StatusSeeOther {
		t.Fatalf("ada's login: %d", code)
	}

	// One address guessing many user names is limited too: with the five
	// above, fifteen more names tried once each make the address's twenty,
	// and then even ada's right password is refused from there.
	for i := range loginAddresLimit - loginUserLimit {
		if code, _ := f.call(t, nil, "POST", "/login", url.Values{"username": {fmt.Sprint("guess-", i)}, "password": {"123456"}}); code != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d, want 401", i, code)
		}
	}
	code, body = f.call(t, nil, "POST", "/login", url.Values{"username": {"ada"}, "password": {"ada-password-1"}})
	if code != http.StatusTooManyRequests || !strings.Contains(body, "Too many failed logins") {
		t.Fatalf("ada's login from the address that guessed %d names: %d, want 429", loginAddresLimit-loginUserLimit, code)
	}
	// From another address ada logs in; carl's own limit holds there too.
	if code := loginFrom(t, f, "127.0.0.2", "ada", "ada-password-1"); code != http.StatusSeeOther {
		t.Fatalf("ada's login from another address: %d, want 303", code)
	}
	if code := loginFrom(t, f, "127.0.0.2", "carl", "carl-password-1"); code != http.StatusTooManyRequests {
		t.Fatalf("carl's login from another address: %d, want 429 (his limit is his, wherever he comes from)", code)
	}
}

// loginFrom posts the login form from the local address ip (any 127/8
// address reaches the test server over loopback) and returns the status.
func loginFrom(t *testing.T, f *deskFixture, ip, name, password string) int {
	t.Helper()
	dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	client := &http.Client{
		Transport:     &http.Transport{DialContext: dialer.DialContext},
		CheckRedirect: noRedirect.CheckRedirect,
	}
	defer client.CloseIdleConnections()
	resp, err := client.PostForm(f.srv.URL+"/login", url.Values{"username": {name}, "password": {password}})
	if err != nil {
		t.Fatalf("log in from %s: %v", ip, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// inlineCode finds what a strict CSP would block in a page: an element
// with an event handler or style attribute, a script without src, or a
// style element.
func inlineCode(page string) string {
	z := html.NewTokenizer(strings.NewReader(page))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			hasSrc := false
			for _, a := range tok.Attr {
				if strings.HasPrefix(a.Key, "on") || a.Key == "style" {
					return tok.Data + " " + a.Key + "=" + a.Val
				}
				hasSrc = hasSrc || a.Key == "src"
			}
			if tok.Data == "script" && !hasSrc || tok.Data == "style" {
				return "<" + tok.Data + ">"
			}
		}
	}
}
