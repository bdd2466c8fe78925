package mailbox

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-sasl"
)

// login authenticates: SASL PLAIN (RFC 4616), the LOGIN command (RFC 9051
// section 6.2.3) or XOAUTH2 (Google's and Microsoft's OAuth 2.0 bearer
// mechanism).
func (s *Source) login(ctx context.Context, c *imapclient.Client) error {
	var err error
	switch s.cfg.Auth {
	case "login":
		err = c.Login(s.cfg.Username, s.cfg.Password).Wait()
	case "xoauth2":
		var token string
		token, err = s.oauth2Token(ctx)
		if err == nil {
			err = c.Authenticate(&xoauth2{user: s.cfg.Username, token: token})
		}
	default:
		err = c.Authenticate(sasl.NewPlainClient("", s.cfg.Username, s.cfg.Password))
	}
	if err != nil {
		return fmt.Errorf("mailbox: log in to %s as %s (%s): %w", s.cfg.Host, s.cfg.Username, s.cfg.Auth, err)
	}
	return nil
}

// oauth2Token is the configured token, or the output of the token
// command (such as a script that refreshes it with the identity provider).
func (s *Source) oauth2Token(ctx context.Context) (string, error) {
	if len(s.cfg.OAuth2TokenCommand) == 0 {
		if s.cfg.OAuth2Token == "" {
			return "", errors.New("no oauth2_token or oauth2_token_command is set")
		}
		return s.cfg.OAuth2Token, nil
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, s.cfg.OAuth2TokenCommand[0], s.cfg.OAuth2TokenCommand[1:]...) //nolint:gosec // the operator's own command
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("oauth2_token_command: %w: %s", err, strings.TrimSpace(errOut.String()))
	}
	tok := strings.TrimSpace(out.String())
	if tok == "" {
		return "", errors.New("oauth2_token_command printed no token")
	}
	return tok, nil
}

// xoauth2 is the XOAUTH2 SASL client: one initial response
// "user=U^Aauth=Bearer T^A^A"; a failure comes back as a JSON challenge,
// answered with an empty response so the server ends the exchange.
type xoauth2 struct {
	user, token string
}

func (x *xoauth2) Start() (string, []byte, error) {
	return "XOAUTH2", []byte("user=" + x.user + "\x01auth=Bearer " + x.token + "\x01\x01"), nil
}

func (x *xoauth2) Next(challenge []byte) ([]byte, error) {
	return []byte{}, nil
}
