package mailbox

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ordergate/ordergate/db/dbtest"
	"github.com/ordergate/ordergate/intake"
	"github.com/ordergate/ordergate/parsers"
	"github.com/ordergate/ordergate/parsers/edifact"
	"github.com/ordergate/ordergate/parsers/email"
)

const (
	user = "orders@supplier.example"
	pass = "s3cret"
)

// server is go-imap's in-memory IMAP server on a TCP port.
type server struct {
	addr string
	user *imapmemserver.User
}

func startServer(t testing.TB, caps imap.CapSet) *server {
	return startServerWith(t, caps, nil)
}

// startServerWith starts the server with sessions of newSession (given
// the user) instead of the in-memory server's own, when it is set.
func startServerWith(t testing.TB, caps imap.CapSet, newSession func(*imapmemserver.User) imapserver.Session) *server {
	t.Helper()
	mem := imapmemserver.New()
	u := imapmemserver.NewUser(user, pass)
	if err := u.Create("INBOX", nil); err != nil {
		t.Fatal(err)
	}
	mem.AddUser(u)
	if caps == nil {
		caps = imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}}
	}
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			if newSession != nil {
				return newSession(u), nil, nil
			}
			return mem.NewSession(), nil, nil
		},
		InsecureAuth: true,
		Caps:         caps,
		Logger:       discardLogger{},
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return &server{addr: ln.Addr().String(), user: u}
}

type discardLogger struct{}

func (discardLogger) Printf(string, ...any) {}

// add appends a mail to a folder over IMAP, as a mail server delivers it.
func (s *server) add(t testing.TB, folder string, raw []byte) {
	t.Helper()
	c, err := imapclient.DialInsecure(s.addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(user, pass).Wait(); err != nil {
		t.Fatal(err)
	}
	cmd := c.Append(folder, int64(len(raw)), nil)
	cmd.Write(raw)
	cmd.Close()
	if _, err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
}

func (s *server) count(t testing.TB, folder string) int {
	t.Helper()
	st, err := s.user.Status(folder, &imap.StatusOptions{NumMessages: true})
	if err != nil {
		return -1
	}
	return int(*st.NumMessages)
}

func mail(n int, body string) []byte {
	return []byte(fmt.Sprintf("From: Anna <anna@shop.example>\r\nTo: %s\r\nSubject: Order %d\r\n"+
		"Message-ID: <order-%d@shop.example>\r\nDate: Mon, 2 Nov 2026 09:00:00 +0100\r\nMIME-Version: 1.0\r\n"+
		"Content-Type: text/plain; charset=utf-8\r\n\r\nHello,\r\n\r\n%d x ABC-123\r\n%s\r\nAnna\r\n", user, n, n, n+1, body))
}

type bundle struct {
	pool *pgxpool.Pool
	pipe *intake.Pipeline
	srv  *server
	cfg  Config
	logs syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func setup(t testing.TB, caps imap.CapSet) *bundle {
	t.Helper()
	pool := dbtest.New(t)
	reg := parsers.NewRegistry(edifact.New(), email.New(email.Options{Attachments: parsers.NewRegistry(edifact.New())}))
	pipe, err := intake.New(intake.Options{Pool: pool, Registry: reg})
	if err != nil {
		t.Fatal(err)
	}
	srv := startServer(t, caps)
	host, port, _ := net.SplitHostPort(srv.addr)
	var p int
	fmt.Sscan(port, &p)
	return &bundle{pool: pool, pipe: pipe, srv: srv,
		cfg: Config{Host: host, Port: p, TLS: "none", Username: user, Password: pass, Poll: 200 * time.Millisecond,
			Verify: email.AuthOptions{SkipDKIM: true}}}
}

func (b *bundle) source(cfg Config) *Source {
	return New(cfg, b.pipe, b.pool, slog.New(slog.NewTextHandler(&b.logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
}

// run starts a source and stops it when the test ends.
func (b *bundle) run(t testing.TB, s *Source) context.CancelFunc {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return func() { cancel(); <-done }
}

func (b *bundle) documents(t testing.TB) (originals, duplicates int) {
	t.Helper()
	err := b.pool.QueryRow(context.Background(), `SELECT count(*) FILTER (WHERE state <> 'duplicate'), count(*) FILTER (WHERE state = 'duplicate')
		FROM documents WHERE channel = 'email'`).Scan(&originals, &duplicates)
	if err != nil {
		t.Fatal(err)
	}
	return
}

func eventually(t testing.TB, what string, f func() bool) {
	t.Helper()
	within(t, 30*time.Second, what, f)
}

// within waits until f holds, failing the test after d.
func within(t testing.TB, d time.Duration, what string, f func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !f() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestNewMailIngestedOnceAndMoved: each mail becomes one document and is
// moved to Processed, or to Error when it is no mail or over a limit (the
// document is stored all the same, failed with the reason); mail that
// arrives while the source waits in IDLE is taken; a restart takes
// nothing twice.
func TestNewMailIngestedOnceAndMoved(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	b.srv.add(t, "INBOX", mail(1, ""))
	b.srv.add(t, "INBOX", mail(2, ""))
	b.srv.add(t, "INBOX", []byte("this is no mail at all\r\n"))
	cfg := b.cfg
	// A poll would come only after a minute: the mail added below is taken
	// within seconds only if the server's EXISTS during IDLE brings it.
	cfg.Poll = time.Minute
	cfg.Limits = email.Limits{MaxAttachmentBytes: 1000}
	stop := b.run(t, b.source(cfg))
	eventually(t, "INBOX is empty", func() bool { return b.srv.count(t, "INBOX") == 0 })
	if p, e := b.srv.count(t, "Processed"), b.srv.count(t, "Error"); p != 2 || e != 1 {
		t.Fatalf("processed %d, error %d", p, e)
	}
	b.srv.add(t, "INBOX", mail(3, strings.Repeat("a long line of the order text\r\n", 50))) // over max_attachment_bytes
	within(t, 3*time.Second, "the mail added during IDLE is taken", func() bool { return b.srv.count(t, "Error") == 2 })
	stop()
	if o, d := b.documents(t); o != 4 || d != 0 {
		t.Fatalf("documents: %d originals, %d duplicates; want 4, 0", o, d)
	}
	var msgID, sender string
	err := b.pool.QueryRow(context.Background(), `SELECT m.message_id, d.sender_id FROM mail_messages m
		JOIN documents d ON d.id = m.document_id WHERE m.uid = 1`).Scan(&msgID, &sender)
	if err != nil || msgID != "order-1@shop.example" || sender != "anna@shop.example" {
		t.Fatalf("mail details: %q %q %v", msgID, sender, err)
	}
	// The mail over a limit is kept raw; its parse (with the same limits)
	// fails with the reason.
	doc, err := intake.GetDocument(context.Background(), b.pool, 4)
	if err != nil || len(doc.Raw) == 0 {
		t.Fatalf("the mail over the limit was not kept: %v", err)
	}
	_, err = email.New(email.Options{Limits: cfg.Limits}).Parse(context.Background(), parsers.Document{Data: doc.Raw})
	if err == nil || !strings.Contains(err.Error(), "max_attachment_bytes") {
		t.Fatalf("parse of the mail over the limit: %v", err)
	}

	// A restart takes nothing twice.
	b.run(t, b.source(cfg))
	time.Sleep(500 * time.Millisecond)
	if o, d := b.documents(t); o != 4 || d != 0 {
		t.Fatalf("after restart: %d originals, %d duplicates", o, d)
	}
}

// TestMoveWithoutMOVE: a server without MOVE (IMAP4rev1 only) gets COPY,
// \Deleted and UID EXPUNGE; a server polled without IDLE is still read.
func TestMoveWithoutMOVE(t *testing.T) {
	t.Parallel()
	b := setup(t, imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapUIDPlus: {}})
	b.srv.add(t, "INBOX", mail(1, ""))
	cfg := b.cfg
	cfg.NoIdle = true
	b.run(t, b.source(cfg))
	eventually(t, "moved", func() bool { return b.srv.count(t, "INBOX") == 0 && b.srv.count(t, "Processed") == 1 })
	b.srv.add(t, "INBOX", mail(2, ""))
	eventually(t, "polled", func() bool { return b.srv.count(t, "Processed") == 2 })
	if o, _ := b.documents(t); o != 2 {
		t.Fatalf("%d documents", o)
	}
}

// TestUIDValidityChangeDoesNotDuplicate: the server renumbers the mailbox
// (a new UIDVALIDITY) and offers the same mails again under new UIDs: they
// are recorded as duplicates, not read into second orders; a new mail is
// read.
func TestUIDValidityChangeDoesNotDuplicate(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	b.srv.add(t, "INBOX", mail(1, ""))
	b.srv.add(t, "INBOX", mail(2, ""))
	cfg := b.cfg
	cfg.MarkOnly = true
	stop := b.run(t, b.source(cfg))
	eventually(t, "2 stored", func() bool { o, _ := b.documents(t); return o == 2 })
	time.Sleep(200 * time.Millisecond)
	stop()
	if err := b.srv.user.Delete("INBOX"); err != nil {
		t.Fatal(err)
	}
	if err := b.srv.user.Create("INBOX", nil); err != nil {
		t.Fatal(err)
	}
	b.srv.add(t, "INBOX", mail(1, ""))
	b.srv.add(t, "INBOX", mail(2, ""))
	b.srv.add(t, "INBOX", mail(3, ""))
	b.run(t, b.source(cfg))
	eventually(t, "the renumbered mailbox is read", func() bool { o, d := b.documents(t); return o == 3 && d == 2 })
	var uv int64
	st, _ := b.srv.user.Status("INBOX", &imap.StatusOptions{UIDValidity: true})
	if err := b.pool.QueryRow(context.Background(), `SELECT uid_validity FROM mailbox_cursors`).Scan(&uv); err != nil || uint32(uv) != st.UIDValidity {
		t.Fatalf("cursor validity %d, the mailbox's %d (%v)", uv, st.UIDValidity, err)
	}
	if !strings.Contains(b.logs.String(), "new UIDVALIDITY") {
		t.Errorf("the reset was not logged:\n%s", b.logs.String())
	}
}

// cutter is a TCP proxy that drops each connection after it has passed
// the given number of bytes from the server, for the first drops
// connections.
type cutter struct {
	target string
	after  int64
	drops  atomic.Int32
	max    int32
}

func (c *cutter) dial(ctx context.Context, network, _ string) (net.Conn, error) {
	client, proxy := net.Pipe()
	up, err := (&net.Dialer{}).DialContext(ctx, network, c.target)
	if err != nil {
		return nil, err
	}
	cut := c.drops.Add(1) <= c.max
	go func() { io.Copy(up, proxy); up.Close() }()
	go func() {
		if cut {
			io.CopyN(proxy, up, c.after)
			proxy.Close()
			up.Close()
			return
		}
		io.Copy(proxy, up)
		proxy.Close()
	}()
	return client, nil
}

// TestDroppedConnectionRecovers: the connection drops in the middle of
// fetching a mail, several times; the source connects again and every
// mail is stored exactly once and moved.
func TestDroppedConnectionRecovers(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	for i := 1; i <= 4; i++ {
		b.srv.add(t, "INBOX", mail(i, strings.Repeat("filler text of the mail body\r\n", 400)))
	}
	s := b.source(b.cfg)
	cut := &cutter{target: b.srv.addr, after: 15000, max: 3}
	s.dial = cut.dial
	b.run(t, s)
	eventually(t, "all moved", func() bool { return b.srv.count(t, "INBOX") == 0 && b.srv.count(t, "Processed") == 4 })
	if o, d := b.documents(t); o != 4 || d != 0 {
		t.Fatalf("documents: %d originals, %d duplicates", o, d)
	}
	// A mail cut off in the middle is never stored short.
	var short int
	if err := b.pool.QueryRow(context.Background(), `SELECT count(*) FROM documents WHERE size_bytes <> $1`, len(mail(1, strings.Repeat("filler text of the mail body\r\n", 400)))).Scan(&short); err != nil || short != 0 {
		t.Fatalf("%d mails stored short (%v)", short, err)
	}
	if cut.drops.Load() < 3 || !strings.Contains(b.logs.String(), "starting it again") {
		t.Fatalf("the connection was not dropped (%d dials):\n%s", cut.drops.Load(), b.logs.String())
	}
}

// TestTwoProcessesOnePoller: two sources on one database, each as another
// process would run it; one polls at a time, every mail is stored once,
// and when the poller stops the other takes over.
func TestTwoProcessesOnePoller(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	pool2, err := pgxpool.New(context.Background(), b.pool.Config().ConnString())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool2.Close)
	pipe2, err := intake.New(intake.Options{Pool: pool2, Registry: parsers.NewRegistry(email.New(email.Options{}))})
	if err != nil {
		t.Fatal(err)
	}
	s1 := b.source(b.cfg)
	s2 := New(b.cfg, pipe2, pool2, slog.New(slog.NewTextHandler(&b.logs, nil)))
	stop1 := b.run(t, s1)
	eventually(t, "the first polls", s1.Polling)
	b.run(t, s2)
	var both atomic.Bool
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-done:
				return
			default:
			}
			if s1.Polling() && s2.Polling() {
				both.Store(true)
			}
			time.Sleep(time.Millisecond)
		}
	}()
	for i := 1; i <= 5; i++ {
		b.srv.add(t, "INBOX", mail(i, ""))
	}
	eventually(t, "5 moved", func() bool { return b.srv.count(t, "Processed") == 5 })
	stop1()
	eventually(t, "the second takes over", s2.Polling)
	for i := 6; i <= 8; i++ {
		b.srv.add(t, "INBOX", mail(i, ""))
	}
	eventually(t, "8 moved", func() bool { return b.srv.count(t, "Processed") == 8 })
	close(done)
	if both.Load() {
		t.Fatal("both processes polled the mailbox at once")
	}
	if o, d := b.documents(t); o != 8 || d != 0 {
		t.Fatalf("documents: %d originals, %d duplicates", o, d)
	}
}

// TestVerifiedSenderIsStored: a mail our MX vouches for (its
// Authentication-Results, dkim=pass aligned with From) is stored as from
// a verified sender; the same mail with a header some other server wrote
// is not.
func TestVerifiedSenderIsStored(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	vouched := append([]byte("Authentication-Results: mx.supplier.example; dkim=pass header.d=shop.example\r\n"), mail(1, "")...)
	other := append([]byte("Authentication-Results: mx.elsewhere.example; dkim=pass header.d=shop.example\r\n"), mail(2, "")...)
	b.srv.add(t, "INBOX", vouched)
	b.srv.add(t, "INBOX", other)
	cfg := b.cfg
	cfg.Verify.TrustedAuthServID = "mx.supplier.example"
	stop := b.run(t, b.source(cfg))
	eventually(t, "INBOX is empty", func() bool { return b.srv.count(t, "INBOX") == 0 })
	stop()
	for id, want := range map[int64]bool{1: true, 2: false} {
		doc, err := intake.GetDocument(context.Background(), b.pool, id)
		if err != nil || doc.Sender.ID != "anna@shop.example" || doc.Sender.Verified != want {
			t.Errorf("document %d: sender %+v, want verified %v (%v)", id, doc.Sender, want, err)
		}
	}
}
