package email

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/emersion/go-msgauth/dkim"
)

const authMail = "From: Anna <anna@shop.example>\r\nTo: orders@supplier.example\r\nSubject: Order\r\n" +
	"Message-ID: <a1@shop.example>\r\nDate: Mon, 2 Nov 2026 09:00:00 +0100\r\n\r\n10 x ABC-123\r\n"

// TestAuthenticate: a DKIM signature of the From domain (or a parent)
// verifies the sender; another domain's, a broken one or none does not;
// our MX's Authentication-Results count only when topmost and ours.
func TestAuthenticate(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	dns := func(domain string) ([]string, error) {
		return []string{"v=DKIM1; k=ed25519; p=" + base64.StdEncoding.EncodeToString(pub)}, nil
	}
	sign := func(d, mail string) []byte {
		var b bytes.Buffer
		if err := dkim.Sign(&b, strings.NewReader(mail), &dkim.SignOptions{Domain: d, Selector: "s1", Signer: priv}); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	opts := AuthOptions{LookupTXT: dns}
	for _, c := range []struct {
		name string
		raw  []byte
		from string
		want bool
		how  string
	}{
		{"own domain", sign("shop.example", authMail), "anna@shop.example", true, "DKIM signature of shop.example verified"},
		{"parent domain", sign("shop.example", strings.Replace(authMail, "anna@shop.example", "anna@mail.shop.example", 1)), "anna@mail.shop.example", true, "verified"},
		{"other domain", sign("mailer.example", authMail), "anna@shop.example", false, "not the sender's domain"},
		{"body changed", bytes.Replace(sign("shop.example", authMail), []byte("10 x"), []byte("90 x"), 1), "anna@shop.example", false, "failed"},
		{"unsigned", []byte(authMail), "anna@shop.example", false, "no DKIM signature"},
	} {
		ok, how := Authenticate(c.raw, c.from, opts)
		if ok != c.want || !strings.Contains(how, c.how) {
			t.Errorf("%s: %v %q", c.name, ok, how)
		}
	}
	ar := func(h string) []byte { return []byte("Authentication-Results: " + h + "\r\n" + authMail) }
	trusted := AuthOptions{TrustedAuthServID: "mx.supplier.example", SkipDKIM: true}
	if ok, how := Authenticate(ar("mx.supplier.example; dkim=pass header.d=shop.example; dmarc=pass header.from=shop.example"), "anna@shop.example", trusted); !ok {
		t.Errorf("trusted header: %q", how)
	}
	if ok, _ := Authenticate(ar("evil.example; dmarc=pass header.from=shop.example"), "anna@shop.example", trusted); ok {
		t.Error("a header of another authserv-id was trusted")
	}
	if ok, _ := Authenticate(ar("mx.supplier.example; dmarc=fail header.from=shop.example"), "anna@shop.example", trusted); ok {
		t.Error("dmarc=fail verified")
	}
	forged := []byte("Authentication-Results: mx.supplier.example; dmarc=fail header.from=shop.example\r\n" +
		"Authentication-Results: mx.supplier.example; dmarc=pass header.from=shop.example\r\n" + authMail)
	if ok, _ := Authenticate(forged, "anna@shop.example", trusted); ok {
		t.Error("a header below our MX's own one was trusted")
	}
}
