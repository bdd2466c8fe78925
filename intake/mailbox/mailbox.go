// Package mailbox is the IMAP intake source: customers mail their orders to
// a mailbox, and each mail becomes exactly one document, then moves to a
// Processed folder (or an Error folder when it cannot be read). See RFC
// 9051 (IMAP4rev2).
//
// The life of a mail, and why no crash or dropped connection loses or
// repeats it:
//
//  1. new: its UID is above the mailbox's cursor (mailbox, UIDVALIDITY,
//     last UID, in PostgreSQL), so it is fetched (BODY.PEEK[], which does
//     not mark it read);
//  2. committed: its bytes are stored as a document, with the parse job
//     and the cursor moved past its UID, in one transaction;
//  3. settled: moved to the Processed folder (MOVE, or COPY + \Deleted +
//     UID EXPUNGE where the server lacks MOVE), or to the Error folder
//     when it is no mail or is over a limit; or, with mark_only, flagged
//     $Ordergate and left where it is.
//
// A connection that drops before 2 leaves the cursor where it was: the
// mail is fetched again. One that drops between 2 and 3 leaves a mail at
// or below the cursor without the flag: every session starts by settling
// those. A new UIDVALIDITY (the server renumbered the mailbox) starts the
// cursor again at 0; each mail's idempotency key (its Message-ID and the
// hash of its bytes) then makes a mail stored before a duplicate, never a
// second order. One process polls a mailbox at a time (a PostgreSQL
// advisory lock on the mailbox's key); whatever stops a session, it starts
// again with a growing pause.
package mailbox

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ordergate/ordergate/intake"
	"github.com/ordergate/ordergate/parsers/email"
)

// Config configures one mailbox.
type Config struct {
	Host string
	Port int // default 993 for tls, 143 otherwise
	// TLS is "tls" (implicit TLS, the default), "starttls" or "none"
	// (plain text: a server on localhost, or tests).
	TLS      string
	Username string
	Password string
	// Auth is "plain" (SASL PLAIN, the default), "login" (the IMAP LOGIN
	// command) or "xoauth2" (Microsoft 365, Gmail: OAuth2Token, or the
	// output of OAuth2TokenCommand run at each login).
	Auth               string
	OAuth2Token        string
	OAuth2TokenCommand []string
	Mailbox            string // default INBOX
	ProcessedFolder    string // default Processed
	ErrorFolder        string // default Error
	// MarkOnly flags settled mails ($Ordergate, \Seen) instead of moving them.
	MarkOnly bool
	// Poll is how often the mailbox is checked when the server has no
	// IDLE (and how long one IDLE lasts). Default 1m.
	Poll time.Duration
	// NoIdle polls even when the server offers IDLE.
	NoIdle bool
	// Batch is the most mails fetched in one go. Default 20.
	Batch  int
	Limits email.Limits
	// Verify says how senders are verified (DKIM, a trusted
	// Authentication-Results header).
	Verify email.AuthOptions
	// InsecureSkipVerify accepts any TLS certificate (tests only).
	InsecureSkipVerify bool
}

// Key names the mailbox: its cursor and its lock are keyed by it.
func (c Config) Key() string {
	return fmt.Sprintf("imap://%s@%s:%d/%s", c.Username, c.Host, c.Port, c.Mailbox)
}

func (c *Config) fillDefaults() {
	if c.TLS == "" {
		c.TLS = "tls"
	}
	if c.Port == 0 {
		c.Port = 143
		if c.TLS == "tls" {
			c.Port = 993
		}
	}
	if c.Auth == "" {
		c.Auth = "plain"
	}
	if c.Mailbox == "" {
		c.Mailbox = "INBOX"
	}
	if c.ProcessedFolder == "" {
		c.ProcessedFolder = "Processed"
	}
	if c.ErrorFolder == "" {
		c.ErrorFolder = "Error"
	}
	if c.Poll <= 0 {
		c.Poll = time.Minute
	}
	if c.Batch <= 0 {
		c.Batch = 20
	}
}

// Flag is the keyword of a settled mail.
const Flag imap.Flag = "$Ordergate"

// Source polls one mailbox.
type Source struct {
	cfg     Config
	pipe    *intake.Pipeline
	pool    *pgxpool.Pool
	log     *slog.Logger
	polling atomic.Bool
	// dial opens the connection; tests reach the server through a proxy
	// that drops it.
	dial func(ctx context.Context, network, addr string) (net.Conn, error)
}

// New returns a source for cfg. Run starts it.
func New(cfg Config, pipe *intake.Pipeline, pool *pgxpool.Pool, log *slog.Logger) *Source {
	cfg.fillDefaults()
	d := &net.Dialer{Timeout: 30 * time.Second}
	return &Source{cfg: cfg, pipe: pipe, pool: pool, dial: d.DialContext,
		log: log.With("source", "mailbox", "mailbox", cfg.Key())}
}

// Polling reports whether this source holds the mailbox now.
func (s *Source) Polling() bool { return s.polling.Load() }

// Restart pauses of a session that stopped: the first, and the most.
const (
	firstPause = time.Second
	maxPause   = time.Minute
)

// Run polls the mailbox until ctx ends: it takes the mailbox's lock,
// settles mails left unsettled, fetches new ones and waits for more (IDLE,
// or every Poll). Whatever stops a session (the server or the database
// unreachable, the connection dropped, the lock lost), Run logs it and
// starts again after a pause that doubles up to a minute. It returns nil
// when ctx ends.
func (s *Source) Run(ctx context.Context) error {
	pause := firstPause
	for {
		started := time.Now()
		err := s.session(ctx)
		s.polling.Store(false)
		if ctx.Err() != nil {
			return nil
		}
		if time.Since(started) > maxPause {
			pause = firstPause
		}
		s.log.Error("mailbox session stopped; starting it again", "err", err, "in", pause)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(pause):
		}
		pause = min(2*pause, maxPause)
	}
}

// session is one connection: lock, connect, settle, then fetch and wait.
func (s *Source) session(ctx context.Context) error {
	lk, err := lock(ctx, s.pool, s.cfg.Key(), s.cfg.Poll, s.log)
	if err != nil {
		return err
	}
	defer lk.release()
	s.polling.Store(true)
	defer s.polling.Store(false)

	newMail := make(chan struct{}, 1)
	c, err := s.connect(ctx, newMail)
	if err != nil {
		return err
	}
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()
	for _, f := range []string{s.cfg.ProcessedFolder, s.cfg.ErrorFolder} {
		if s.cfg.MarkOnly && f == s.cfg.ProcessedFolder {
			continue
		}
		if err := c.Create(f, nil).Wait(); err != nil && !alreadyExists(err) {
			return fmt.Errorf("mailbox: create folder %s: %w", f, err)
		}
	}
	sel, err := c.Select(s.cfg.Mailbox, nil).Wait()
	if err != nil {
		return fmt.Errorf("mailbox: select %s: %w", s.cfg.Mailbox, err)
	}
	m := &mbox{s: s, c: c, validity: sel.UIDValidity}
	if err := m.settleLeftovers(ctx); err != nil {
		return err
	}
	idle := !s.cfg.NoIdle && (c.Caps().Has(imap.CapIdle) || c.Caps().Has(imap.CapIMAP4rev2))
	s.log.Info("polling mailbox", "uidvalidity", sel.UIDValidity, "idle", idle, "poll", s.cfg.Poll)
	for {
		if err := lk.check(ctx); err != nil {
			return fmt.Errorf("mailbox: the mailbox lock was lost (its database connection dropped): %w", err)
		}
		for {
			n, err := m.fetchNew(ctx)
			if err != nil {
				return err
			}
			if n < s.cfg.Batch {
				break
			}
		}
		if err := s.wait(ctx, c, idle, newMail); err != nil {
			return err
		}
		if ctx.Err() != nil {
			return nil
		}
	}
}

// wait returns when new mail may have arrived: the server said so during
// IDLE, or Poll passed.
func (s *Source) wait(ctx context.Context, c *imapclient.Client, idle bool, newMail chan struct{}) error {
	timer := time.NewTimer(s.cfg.Poll)
	defer timer.Stop()
	if !idle {
		select {
		case <-ctx.Done():
		case <-timer.C:
		}
		return nil
	}
	cmd, err := c.Idle()
	if err != nil {
		return fmt.Errorf("mailbox: idle: %w", err)
	}
	select {
	case <-ctx.Done():
	case <-timer.C:
	case <-newMail:
	case <-c.Closed():
	}
	if err := cmd.Close(); err != nil && ctx.Err() == nil {
		return fmt.Errorf("mailbox: idle: %w", err)
	}
	return cmd.Wait()
}

func (s *Source) connect(ctx context.Context, newMail chan struct{}) (*imapclient.Client, error) {
	addr := net.JoinHostPort(s.cfg.Host, strconv.Itoa(s.cfg.Port))
	opts := &imapclient.Options{
		TLSConfig: &tls.Config{ServerName: s.cfg.Host, InsecureSkipVerify: s.cfg.InsecureSkipVerify}, //nolint:gosec // opt-in, tests only
		UnilateralDataHandler: &imapclient.UnilateralDataHandler{Mailbox: func(d *imapclient.UnilateralDataMailbox) {
			if d.NumMessages != nil {
				select {
				case newMail <- struct{}{}:
				default:
				}
			}
		}},
	}
	dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	conn, err := s.dial(dctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("mailbox: connect to %s: %w", addr, err)
	}
	var c *imapclient.Client
	switch s.cfg.TLS {
	case "tls":
		tc := tls.Client(conn, opts.TLSConfig)
		if err := tc.HandshakeContext(dctx); err != nil {
			conn.Close()
			return nil, fmt.Errorf("mailbox: TLS with %s: %w", addr, err)
		}
		c = imapclient.New(tc, opts)
	case "starttls":
		c, err = imapclient.NewStartTLS(conn, opts)
		if err != nil {
			conn.Close()
			return nil, fmt.Errorf("mailbox: STARTTLS with %s: %w", addr, err)
		}
	default:
		c = imapclient.New(conn, opts)
	}
	if err := c.WaitGreeting(); err != nil {
		c.Close()
		return nil, fmt.Errorf("mailbox: greeting of %s: %w", addr, err)
	}
	if err := s.login(ctx, c); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

func alreadyExists(err error) bool {
	var ie *imap.Error
	return errors.As(err, &ie) && ie.Code == imap.ResponseCodeAlreadyExists
}

// IdempotencyKey identifies a mail whatever its UID: its Message-ID with
// the hash of its bytes (a mail seen again after a UIDVALIDITY change, or
// copied back into the mailbox, is a duplicate; another mail reusing a
// Message-ID is not).
func IdempotencyKey(messageID string, raw []byte) string {
	sum := sha256.Sum256(raw)
	return "mail:" + messageID + ":" + hex.EncodeToString(sum[:])
}
