package erp

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// tokens fetches and caches an OAuth 2.0 access token obtained with the
// client credentials grant (RFC 6749 section 4.4), and can drop it when the
// API answers 401 so the next request fetches a fresh one.
//
// oauth2.ReuseTokenSource cannot be told that the server stopped accepting a
// token before its expiry (revoked, clock skew, key rollover), hence this
// small cache around clientcredentials.Config.Token.
type tokens struct {
	name   string
	cfg    clientcredentials.Config
	client *http.Client

	mu  sync.Mutex
	tok *oauth2.Token
}

func newTokens(name string, cfg clientcredentials.Config, client *http.Client) *tokens {
	// Credentials in the form body: accepted by Microsoft Entra and Visma
	// Connect alike, and it avoids AuthStyleAutoDetect's second request.
	cfg.AuthStyle = oauth2.AuthStyleInParams
	return &tokens{name: name, cfg: cfg, client: client}
}

// token returns a valid access token, fetching one when needed. Failures are
// KindTransient: no order was sent, and a token endpoint that refuses our
// credentials is a configuration problem to fix, not a verdict on the order.
func (t *tokens) token(ctx context.Context) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.tok.Valid() {
		return t.tok.AccessToken, nil
	}
	ctx = context.WithValue(ctx, oauth2.HTTPClient, t.client)
	tok, err := t.cfg.Token(ctx)
	if err != nil {
		e := &Error{Kind: KindTransient, Connector: t.name, Op: "token", Err: stripURL(err)}
		var re *oauth2.RetrieveError
		if errors.As(err, &re) {
			e.Err = nil
			e.Code = re.ErrorCode
			e.Message = re.ErrorDescription
			if re.Response != nil {
				e.Status = re.Response.StatusCode
			}
			if e.Code == "" && e.Message == "" {
				e.Message = excerpt(re.Body)
			}
		}
		return "", e
	}
	if tok.AccessToken == "" {
		return "", &Error{Kind: KindTransient, Connector: t.name, Op: "token",
			Err: fmt.Errorf("token endpoint returned no access_token")}
	}
	t.tok = tok
	return tok.AccessToken, nil
}

// invalidate drops the cached token if it is still the token access (another request
// may already have replaced it).
func (t *tokens) invalidate(access string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.tok != nil && t.tok.AccessToken == access {
		t.tok = nil
	}
}

// authorized sends a request built by build with a bearer token. On 401 it
// drops the token, fetches a new one and sends the request once more (the
// first attempt cannot have been processed: the API refused it at the door).
func (s *sender) authorized(ctx context.Context, t *tokens, op string, commits bool,
	build func() (*http.Request, error)) (*response, error) {
	for attempt := 0; ; attempt++ {
		access, err := t.token(ctx)
		if err != nil {
			return nil, err
		}
		req, err := build()
		if err != nil {
			return nil, &Error{Kind: KindPermanent, Connector: s.name, Op: op, Err: err}
		}
		req.Header.Set("Authorization", "Bearer "+access)
		r, err := s.do(req, op, commits)
		if err != nil {
			return nil, err
		}
		if r.Status == http.StatusUnauthorized && attempt == 0 {
			s.log.InfoContext(ctx, "erp access token refused, fetching a new one", "connector", s.name, "op", op)
			t.invalidate(access)
			continue
		}
		return r, nil
	}
}
