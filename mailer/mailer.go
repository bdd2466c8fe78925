// Package mailer sends the mails ordergate writes to customers (order
// confirmations and rejections) through an SMTP relay. See RFC 5321 (SMTP),
// RFC 5322 (message format) and RFC 3207 (STARTTLS).
package mailer

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"strings"
	"time"

	"github.com/emersion/go-message"
	gomail "github.com/emersion/go-message/mail"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Config is the SMTP relay: the mail section of the config file.
type Config struct {
	// Addr is the relay as host:port, e.g. smtp.example.com:587.
	Addr string `yaml:"addr"`
	// TLS is "starttls" (default: upgrade the connection, required),
	// "tls" (implicit TLS, port 465) or "none" (a relay on localhost only).
	TLS string `yaml:"tls"`
	// Username and Password authenticate with SASL PLAIN when set (only
	// over TLS).
	Username string `yaml:"username"`
	Password string `yaml:"password"`
	// From is the sender address of every mail, e.g. orders@supplier.example.
	From string `yaml:"from"`
	// Timeout bounds one delivery to the relay. Default 30s.
	Timeout time.Duration `yaml:"timeout"`
	// InsecureSkipVerify accepts any TLS certificate (tests only).
	InsecureSkipVerify bool `yaml:"insecure_skip_verify"`
}

// Validate names every bad key (prefixed "mail.").
func (c Config) Validate() error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("mailer: mail.addr %q is not host:port", c.Addr))
	}
	switch c.TLS {
	case "", "starttls", "tls", "none":
	default:
		errs = append(errs, fmt.Errorf("mailer: mail.tls %q is not starttls, tls or none", c.TLS))
	}
	if _, err := mail.ParseAddress(c.From); err != nil {
		errs = append(errs, fmt.Errorf("mailer: mail.from %q is not a mail address", c.From))
	}
	if c.Username != "" && c.TLS == "none" {
		errs = append(errs, errors.New("mailer: mail.username: a password is never sent without TLS; set mail.tls"))
	}
	return errors.Join(errs...)
}

// Sender delivers messages to the relay.
type Sender struct {
	cfg Config
}

// New returns a Sender for a valid Config.
func New(cfg Config) (*Sender, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.TLS == "" {
		cfg.TLS = "starttls"
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	return &Sender{cfg: cfg}, nil
}

// From returns the configured sender address.
func (s *Sender) From() string { return s.cfg.From }

// Send delivers one composed message (see Compose) to the recipients.
func (s *Sender) Send(ctx context.Context, to []string, msg []byte) error {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	host, _, _ := net.SplitHostPort(s.cfg.Addr)
	tlsCfg := &tls.Config{ServerName: host, InsecureSkipVerify: s.cfg.InsecureSkipVerify} //nolint:gosec // opt-in, tests only
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("mailer: connect to %s: %w", s.cfg.Addr, err)
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	var c *smtp.Client
	switch s.cfg.TLS {
	case "tls":
		c = smtp.NewClient(tls.Client(conn, tlsCfg))
	case "none":
		c = smtp.NewClient(conn)
	default:
		c, err = smtp.NewClientStartTLS(conn, tlsCfg)
		if err != nil {
			conn.Close()
			return fmt.Errorf("mailer: STARTTLS with %s: %w", s.cfg.Addr, err)
		}
	}
	defer c.Close()
	if s.cfg.Username != "" {
		if err := c.Auth(sasl.NewPlainClient("", s.cfg.Username, s.cfg.Password)); err != nil {
			return fmt.Errorf("mailer: log in to %s: %w", s.cfg.Addr, err)
		}
	}
	if err := c.SendMail(addrOnly(s.cfg.From), to, bytes.NewReader(msg)); err != nil {
		return fmt.Errorf("mailer: send to %s: %w", strings.Join(to, ", "), err)
	}
	return c.Quit()
}

// Message is a plain-text mail.
type Message struct {
	From, To  string
	Subject   string
	Text      string
	MessageID string // without angle brackets; stable, so a resend is recognisable
	InReplyTo string // the Message-ID of the mail answered, if any
	// References are the Message-IDs of the thread before the mail
	// answered, oldest first (RFC 5322 section 3.6.4); InReplyTo follows.
	References []string
	// Language is the Content-Language of the text (RFC 3282), if known.
	Language string
	Date     time.Time
}

// Compose writes the message in RFC 5322 form, UTF-8 text/plain, encoded
// words in the header where needed.
func Compose(m Message) ([]byte, error) {
	from, err := mail.ParseAddress(m.From)
	if err != nil {
		return nil, fmt.Errorf("mailer: from %q: %w", m.From, err)
	}
	to, err := mail.ParseAddress(m.To)
	if err != nil {
		return nil, fmt.Errorf("mailer: to %q: %w", m.To, err)
	}
	var h gomail.Header
	h.SetDate(m.Date)
	h.SetAddressList("From", []*gomail.Address{{Name: from.Name, Address: from.Address}})
	h.SetAddressList("To", []*gomail.Address{{Name: to.Name, Address: to.Address}})
	h.SetSubject(m.Subject)
	if m.MessageID != "" {
		h.SetMessageID(m.MessageID)
	}
	if m.InReplyTo != "" {
		h.Set("In-Reply-To", "<"+m.InReplyTo+">")
		refs := make([]string, 0, len(m.References)+1)
		for _, r := range m.References {
			if r != m.InReplyTo {
				refs = append(refs, "<"+r+">")
			}
		}
		h.Set("References", strings.Join(append(refs, "<"+m.InReplyTo+">"), " "))
	}
	if m.Language != "" {
		h.Set("Content-Language", m.Language)
	}
	h.Set("Auto-Submitted", "auto-replied") // RFC 3834: no auto-reply loops
	h.SetContentType("text/plain", map[string]string{"charset": "utf-8"})
	h.Set("Content-Transfer-Encoding", "quoted-printable")
	var b bytes.Buffer
	w, err := message.CreateWriter(&b, h.Header)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write([]byte(strings.ReplaceAll(m.Text, "\n", "\r\n"))); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func addrOnly(s string) string {
	if a, err := mail.ParseAddress(s); err == nil {
		return a.Address
	}
	return s
}
