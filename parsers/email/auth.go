package email

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"

	"github.com/emersion/go-message/textproto"
	"github.com/emersion/go-msgauth/authres"
	"github.com/emersion/go-msgauth/dkim"
)

// AuthOptions say how a sender is verified.
type AuthOptions struct {
	// TrustedAuthServID is the authserv-id of our own MX: an
	// Authentication-Results header with it (the topmost one, which our
	// MX adds after removing any with its id that came from outside, RFC
	// 8601 section 5) is trusted. Empty: none is.
	TrustedAuthServID string
	// LookupTXT resolves DKIM keys (nil: the system resolver). Tests
	// inject their own.
	LookupTXT func(domain string) ([]string, error)
	// SkipDKIM checks no signatures (only the trusted header counts).
	SkipDKIM bool
}

// Authenticate tells whether the From domain of a mail is shown to be
// the sender's: a valid DKIM signature whose d= is the From domain or a
// parent of it (relaxed alignment, RFC 7489 section 3.1.1), or our MX's
// Authentication-Results saying dmarc=pass, or dkim=pass with an aligned
// header.d. how says in words what showed it, or why nothing did.
func Authenticate(raw []byte, from string, opts AuthOptions) (verified bool, how string) {
	at := strings.LastIndexByte(from, '@')
	if at < 0 {
		return false, "the mail names no sender address"
	}
	domain := strings.ToLower(from[at+1:])
	if opts.TrustedAuthServID != "" {
		if ok, how := trustedResults(raw, domain, opts.TrustedAuthServID); ok {
			return true, how
		}
	}
	if opts.SkipDKIM {
		return false, "no trusted Authentication-Results header shows the sender's domain " + domain
	}
	vs, err := dkim.VerifyWithOptions(bytes.NewReader(raw), &dkim.VerifyOptions{LookupTXT: opts.LookupTXT, MaxVerifications: 5})
	if err != nil && len(vs) == 0 {
		return false, "the DKIM signatures cannot be checked: " + err.Error()
	}
	var seen []string
	for _, v := range vs {
		if v.Err != nil {
			seen = append(seen, fmt.Sprintf("d=%s failed (%v)", v.Domain, v.Err))
			continue
		}
		if aligned(domain, v.Domain) {
			return true, "DKIM signature of " + v.Domain + " verified"
		}
		seen = append(seen, "d="+v.Domain+" is not the sender's domain "+domain)
	}
	if len(seen) == 0 {
		return false, "the mail has no DKIM signature and no trusted Authentication-Results header"
	}
	return false, "no DKIM signature of the sender's domain verified: " + strings.Join(seen, "; ")
}

// aligned: d is the From domain or a parent of it.
func aligned(from, d string) bool {
	d = strings.ToLower(strings.TrimSuffix(d, "."))
	return from == d || strings.HasSuffix(from, "."+d) && strings.Count(d, ".") >= 1
}

// trustedResults reads the topmost Authentication-Results header with our
// authserv-id.
func trustedResults(raw []byte, domain, servID string) (bool, string) {
	h, err := textproto.ReadHeader(bufio.NewReader(bytes.NewReader(raw)))
	if err != nil {
		return false, ""
	}
	for _, v := range h.Values("Authentication-Results") {
		id, results, err := authres.Parse(v)
		if err != nil || !strings.EqualFold(id, servID) {
			continue
		}
		for _, r := range results {
			switch r := r.(type) {
			case *authres.DMARCResult:
				if r.Value == authres.ResultPass && (r.From == "" || aligned(domain, r.From)) {
					return true, servID + " reports dmarc=pass for " + domain
				}
			case *authres.DKIMResult:
				if r.Value == authres.ResultPass && aligned(domain, r.Domain) {
					return true, servID + " reports dkim=pass for " + r.Domain
				}
			}
		}
		return false, "" // only the topmost one of our MX counts
	}
	return false, ""
}
