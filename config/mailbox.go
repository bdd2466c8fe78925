package config

import (
	"fmt"
	"strings"
	"time"

	"github.com/ordergate/ordergate/intake/mailbox"
	"github.com/ordergate/ordergate/parsers/email"
)

// Mailbox is an IMAP mailbox customers mail their orders to. Each mail
// becomes one document and moves to ProcessedFolder once stored (or to
// ErrorFolder when it cannot be read). See package intake/mailbox.
type Mailbox struct {
	Host string `yaml:"host"`
	Port int    `yaml:"port"` // default 993 (tls), 143 (starttls, none)
	// TLS is tls (implicit, the default), starttls, or none (a server on
	// localhost only).
	TLS      string `yaml:"tls"`
	Username string `yaml:"username"`
	Password string `yaml:"password"`
	// Auth is plain (SASL PLAIN, the default), login (the LOGIN command) or
	// xoauth2 (Microsoft 365, Gmail: oauth2_token, or the output of
	// oauth2_token_command, run at each login).
	Auth               string   `yaml:"auth"`
	OAuth2Token        string   `yaml:"oauth2_token"`
	OAuth2TokenCommand []string `yaml:"oauth2_token_command"`
	Mailbox            string   `yaml:"mailbox"`          // default INBOX
	ProcessedFolder    string   `yaml:"processed_folder"` // default Processed
	ErrorFolder        string   `yaml:"error_folder"`     // default Error
	// MarkOnly flags stored mails ($Ordergate, seen) instead of moving them.
	MarkOnly bool `yaml:"mark_only"`
	// Poll is how often the mailbox is checked without IDLE. Default 1m.
	Poll   time.Duration `yaml:"poll"`
	NoIdle bool          `yaml:"no_idle"`
	// Limits on one mail: its size, the decoded size of a part, the
	// number of parts. Defaults 25MB (or limits.max_document_bytes when
	// smaller), 10MB, 100.
	MaxMessageBytes    ByteSize `yaml:"max_message_bytes"`
	MaxAttachmentBytes ByteSize `yaml:"max_attachment_bytes"`
	MaxParts           int      `yaml:"max_parts"`
	// TrustedAuthServID is the authserv-id of our own MX, whose
	// Authentication-Results header (dmarc=pass, or an aligned dkim=pass)
	// verifies a sender; without one, senders are verified by their DKIM
	// signatures.
	TrustedAuthServID string `yaml:"trusted_authserv_id"`
	// SkipDKIM verifies senders only by the trusted header.
	SkipDKIM bool `yaml:"skip_dkim"`
}

func (c *Config) fillMailboxDefaults() {
	for i := range c.Sources.Mailbox {
		m := &c.Sources.Mailbox[i]
		if m.TLS == "" {
			m.TLS = "tls"
		}
		if m.Auth == "" {
			m.Auth = "plain"
		}
		if m.Mailbox == "" {
			m.Mailbox = "INBOX"
		}
		if m.ProcessedFolder == "" {
			m.ProcessedFolder = "Processed"
		}
		if m.ErrorFolder == "" {
			m.ErrorFolder = "Error"
		}
		if m.Poll == 0 {
			m.Poll = time.Minute
		}
		if m.MaxMessageBytes == 0 {
			m.MaxMessageBytes = min(email.DefaultMaxMessageBytes, c.Limits.MaxDocumentBytes)
		}
		if m.MaxAttachmentBytes == 0 {
			m.MaxAttachmentBytes = email.DefaultMaxAttachmentBytes
		}
		if m.MaxParts == 0 {
			m.MaxParts = email.DefaultMaxParts
		}
	}
}

func (c *Config) validateMailboxes(bad func(key, format string, args ...any)) {
	seen := map[string]bool{}
	for i, m := range c.Sources.Mailbox {
		key := fmt.Sprintf("sources.mailbox[%d]", i)
		if strings.TrimSpace(m.Host) == "" {
			bad(key+".host", "is required")
		}
		if m.Port < 0 || m.Port > 65535 {
			bad(key+".port", "%d is not a port", m.Port)
		}
		switch m.TLS {
		case "tls", "starttls", "none":
		default:
			bad(key+".tls", "%q is not tls, starttls or none", m.TLS)
		}
		if m.TLS == "none" && m.Host != "localhost" && m.Host != "127.0.0.1" && m.Host != "::1" {
			bad(key+".tls", "none sends the password in plain text; it is allowed for a server on localhost only")
		}
		if m.Username == "" {
			bad(key+".username", "is required")
		}
		switch m.Auth {
		case "plain", "login":
			if m.Password == "" {
				bad(key+".password", "is required with auth %s", m.Auth)
			}
		case "xoauth2":
			if m.OAuth2Token == "" && len(m.OAuth2TokenCommand) == 0 {
				bad(key+".oauth2_token", "auth xoauth2 needs oauth2_token or oauth2_token_command")
			}
		default:
			bad(key+".auth", "%q is not plain, login or xoauth2", m.Auth)
		}
		if m.ProcessedFolder == m.Mailbox || m.ErrorFolder == m.Mailbox {
			bad(key+".processed_folder", "the processed and error folders must not be the mailbox read")
		}
		if m.Poll < 100*time.Millisecond {
			bad(key+".poll", "%s is too short (at least 100ms)", m.Poll)
		}
		if m.MaxMessageBytes <= 0 || m.MaxAttachmentBytes <= 0 || m.MaxParts <= 0 {
			bad(key+".max_message_bytes", "the limits must be positive")
		}
		if m.MaxMessageBytes > c.Limits.MaxDocumentBytes {
			bad(key+".max_message_bytes", "%s is larger than limits.max_document_bytes (%s)", m.MaxMessageBytes, c.Limits.MaxDocumentBytes)
		}
		k := m.Source().Key()
		if seen[k] {
			bad(key, "%s is configured twice", k)
		}
		seen[k] = true
	}
}

// Limits returns the mail limits of the mailbox.
func (m Mailbox) Limits() email.Limits {
	return email.Limits{MaxMessageBytes: int64(m.MaxMessageBytes), MaxAttachmentBytes: int64(m.MaxAttachmentBytes), MaxParts: m.MaxParts}
}

// Source returns the mailbox source's configuration.
func (m Mailbox) Source() mailbox.Config {
	return mailbox.Config{
		Host: m.Host, Port: m.Port, TLS: m.TLS, Username: m.Username, Password: m.Password, Auth: m.Auth,
		OAuth2Token: m.OAuth2Token, OAuth2TokenCommand: m.OAuth2TokenCommand, Mailbox: m.Mailbox,
		ProcessedFolder: m.ProcessedFolder, ErrorFolder: m.ErrorFolder, MarkOnly: m.MarkOnly, Poll: m.Poll, NoIdle: m.NoIdle,
		Limits: m.Limits(), Verify: email.AuthOptions{TrustedAuthServID: m.TrustedAuthServID, SkipDKIM: m.SkipDKIM},
	}
}

// MailLimits returns the limits the mail parser reads with: the most
// generous of the mailboxes' (a mail a mailbox took is read whole), the
// defaults without mailboxes.
func (c Config) MailLimits() email.Limits {
	var l email.Limits
	for _, m := range c.Sources.Mailbox {
		l.MaxMessageBytes = max(l.MaxMessageBytes, int64(m.MaxMessageBytes))
		l.MaxAttachmentBytes = max(l.MaxAttachmentBytes, int64(m.MaxAttachmentBytes))
		l.MaxParts = max(l.MaxParts, m.MaxParts)
	}
	if l.MaxMessageBytes == 0 {
		l.MaxMessageBytes = min(email.DefaultMaxMessageBytes, int64(c.Limits.MaxDocumentBytes))
	}
	return l
}
