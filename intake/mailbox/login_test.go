package mailbox

import (
	"context"
	"errors"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-sasl"
)

const goodToken = "ya29.a0Af-token"

// oauthSession is an in-memory IMAP session that also offers XOAUTH2, as
// Gmail and Microsoft 365 do: the initial response must be exactly
// "user=U\x01auth=Bearer T\x01\x01" with the user's token; a wrong token
// gets the JSON error challenge, which the client must answer with an
// empty response before the server says NO.
type oauthSession struct {
	*imapmemserver.UserSession // nil until logged in
	u                          *imapmemserver.User
	seen                       *exchanges
}

// exchanges records what clients sent in XOAUTH2 exchanges.
type exchanges struct {
	mu        sync.Mutex
	initial   []string
	afterFail []string // the responses to the error challenge
}

func (e *exchanges) get() (initial, afterFail []string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.initial...), append([]string(nil), e.afterFail...)
}

func (s *oauthSession) Login(username, password string) error {
	if err := s.u.Login(username, password); err != nil {
		return err
	}
	s.UserSession = imapmemserver.NewUserSession(s.u)
	return nil
}

func (s *oauthSession) Close() error {
	if s.UserSession == nil {
		return nil
	}
	return s.UserSession.Close()
}

func (s *oauthSession) AuthenticateMechanisms() []string { return []string{"PLAIN", "XOAUTH2"} }

func (s *oauthSession) Authenticate(mech string) (sasl.Server, error) {
	switch mech {
	case "PLAIN":
		return sasl.NewPlainServer(func(_, username, password string) error { return s.Login(username, password) }), nil
	case "XOAUTH2":
		return &xoauth2Server{s: s}, nil
	}
	return nil, &imap.Error{Type: imap.StatusResponseTypeNo, Text: "SASL mechanism not supported"}
}

type xoauth2Server struct {
	s      *oauthSession
	failed bool
}

func (x *xoauth2Server) Next(resp []byte) ([]byte, bool, error) {
	seen := x.s.seen
	seen.mu.Lock()
	defer seen.mu.Unlock()
	if x.failed {
		seen.afterFail = append(seen.afterFail, string(resp))
		return nil, false, &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeAuthenticationFailed, Text: "Invalid credentials"}
	}
	if resp == nil {
		return []byte{}, false, nil // ask for the initial response
	}
	seen.initial = append(seen.initial, string(resp))
	if string(resp) == "user="+user+"\x01auth=Bearer "+goodToken+"\x01\x01" {
		x.s.UserSession = imapmemserver.NewUserSession(x.s.u)
		return nil, true, nil
	}
	x.failed = true
	return []byte(`{"status":"401","schemes":"bearer","scope":"https://mail.google.com/"}`), false, nil
}

// TestXOAUTH2Client: the SASL client's initial response is the one
// Google and Microsoft document, and an error challenge is answered with
// an empty response (which ends the exchange with the server's NO).
func TestXOAUTH2Client(t *testing.T) {
	mech, ir, err := (&xoauth2{user: "orders@supplier.example", token: "tok"}).Start()
	if err != nil || mech != "XOAUTH2" || string(ir) != "user=orders@supplier.example\x01auth=Bearer tok\x01\x01" {
		t.Fatalf("start: %q %q %v", mech, ir, err)
	}
	resp, err := (&xoauth2{}).Next([]byte(`{"status":"401","schemes":"bearer"}`))
	if err != nil || len(resp) != 0 {
		t.Fatalf("answer to the error challenge: %q %v", resp, err)
	}
}

// TestXOAUTH2Login: over TCP against a server offering XOAUTH2: a wrong
// token fails with the server's reason after the empty answer; a good one
// logs in and the mail is read.
func TestXOAUTH2Login(t *testing.T) {
	t.Parallel()
	b, seen := setupOAuth(t)
	cfg := b.cfg
	cfg.Auth, cfg.OAuth2Token = "xoauth2", goodToken

	bad := cfg
	bad.OAuth2Token = "expired"
	_, err := b.source(bad).connect(context.Background(), make(chan struct{}, 1))
	var ie *imap.Error
	if err == nil || !errors.As(err, &ie) || ie.Code != imap.ResponseCodeAuthenticationFailed || !strings.Contains(err.Error(), "xoauth2") {
		t.Fatalf("a wrong token: %v", err)
	}
	if initial, after := seen.get(); len(initial) != 1 || initial[0] != "user="+user+"\x01auth=Bearer expired\x01\x01" || len(after) != 1 || after[0] != "" {
		t.Fatalf("exchange with a wrong token: initial %q, after the error %q", initial, after)
	}

	b.srv.add(t, "INBOX", mail(1, ""))
	stop := b.run(t, b.source(cfg))
	eventually(t, "the mail is read", func() bool { return b.srv.count(t, "Processed") == 1 })
	stop()
	if initial, _ := seen.get(); len(initial) != 2 || initial[1] != "user="+user+"\x01auth=Bearer "+goodToken+"\x01\x01" {
		t.Fatalf("initial responses: %q", initial)
	}
}

// setupOAuth is setup with the server offering XOAUTH2.
func setupOAuth(t *testing.T) (*bundle, *exchanges) {
	b := setup(t, nil)
	seen := &exchanges{}
	b.srv = startServerWith(t, nil, func(u *imapmemserver.User) imapserver.Session {
		return &oauthSession{u: u, seen: seen}
	})
	_, port, _ := net.SplitHostPort(b.srv.addr)
	b.cfg.Port, _ = strconv.Atoi(port)
	return b, seen
}

// TestOAuth2TokenCommand: the token is what the command prints (trimmed),
// run at each login; a failing command or an empty output is an error
// that says so, with the command's own words.
func TestOAuth2TokenCommand(t *testing.T) {
	t.Parallel()
	b, seen := setupOAuth(t)
	cfg := b.cfg
	cfg.Auth = "xoauth2"
	cfg.OAuth2Token = "ignored when a command is set"
	cfg.OAuth2TokenCommand = []string{"sh", "-c", "printf '  %s\\n' " + goodToken}
	c, err := b.source(cfg).connect(context.Background(), make(chan struct{}, 1))
	if err != nil {
		t.Fatalf("login with the command's token: %v", err)
	}
	c.Close()
	if initial, _ := seen.get(); len(initial) != 1 || !strings.Contains(initial[0], "Bearer "+goodToken+"\x01") {
		t.Fatalf("initial responses: %q", initial)
	}

	for _, tc := range []struct {
		cmd  []string
		tok  string
		want string
	}{
		{[]string{"sh", "-c", "echo 'refresh token revoked' >&2; exit 3"}, "", "refresh token revoked"},
		{[]string{"true"}, "", "printed no token"},
		{nil, "", "no oauth2_token"},
	} {
		c := cfg
		c.OAuth2TokenCommand, c.OAuth2Token = tc.cmd, tc.tok
		_, err := b.source(c).connect(context.Background(), make(chan struct{}, 1))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("command %q: %v, want %q", tc.cmd, err, tc.want)
		}
	}
	if initial, _ := seen.get(); len(initial) != 1 {
		t.Fatalf("a login went ahead without a token: %q", initial)
	}
}
