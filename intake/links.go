package intake

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ordergate/ordergate/catalog"
	"github.com/ordergate/ordergate/db"
	"github.com/ordergate/ordergate/order"
)

// An order link lets a customer's buyer place a quick order or upload a
// sheet without an account: the desk creates it for one customer and sends
// it; whoever holds it sees that customer's assortment and prices only.
// The link carries a random 256-bit token; only its SHA-256 is stored
// (table order_links), so a copy of the database opens nothing. Links
// expire and can be revoked; every submission through one is audited, and
// each link is rate limited (LinkLimiter).

// ErrLinkInvalid is returned for a token that opens no link: unknown,
// expired or revoked. Its message says which, in words for the buyer.
var ErrLinkInvalid = errors.New("intake: the order link is not valid")

// ErrRateLimited is returned when a link is used faster than its limit.
var ErrRateLimited = errors.New("intake: too many requests")

// RateLimitError says how long to wait.
type RateLimitError struct{ RetryAfter time.Duration }

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("intake: too many requests through this link; try again in %d seconds", int(e.RetryAfter.Seconds()+0.999))
}

// Unwrap returns ErrRateLimited.
func (e *RateLimitError) Unwrap() error { return ErrRateLimited }

// linkTokenPrefix starts every token, so that one found in a log or a mail
// is recognisable.
const linkTokenPrefix = "ogl_"

// Link is an order link as stored (without its token).
type Link struct {
	ID         int64      `json:"id"`
	Customer   string     `json:"customer"`
	Note       string     `json:"note,omitempty"`
	CreatedBy  string     `json:"created_by"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  time.Time  `json:"expires_at"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
	RevokedBy  string     `json:"revoked_by,omitempty"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
}

// Active reports whether the link opens now.
func (l *Link) Active(now time.Time) bool { return l.RevokedAt == nil && now.Before(l.ExpiresAt) }

// MaxLinkLifetime bounds how long a link may stay valid.
const MaxLinkLifetime = 366 * 24 * time.Hour

const linkColumns = `id, customer, note, created_by, created_at, expires_at, revoked_at, revoked_by, last_used_at`

func scanLink(row pgx.Row) (Link, error) {
	var l Link
	err := row.Scan(&l.ID, &l.Customer, &l.Note, &l.CreatedBy, &l.CreatedAt, &l.ExpiresAt, &l.RevokedAt, &l.RevokedBy, &l.LastUsedAt)
	return l, err
}

func hashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// CreateLink makes a link for a customer valid for the given time and
// returns it with its token, which is shown once and never stored. The
// customer must be in the master data (snap, when not nil, is asked).
func CreateLink(ctx context.Context, ex db.Executor, snap *catalog.Snapshot, customer, note, by string, valid time.Duration) (Link, string, error) {
	customer = normalCustomer(customer)
	switch {
	case customer == "":
		return Link{}, "", invalidf("a link belongs to a customer: name the customer number")
	case valid <= 0 || valid > MaxLinkLifetime:
		return Link{}, "", invalidf("a link is valid for at least a minute and at most %d days", int(MaxLinkLifetime.Hours()/24))
	case len(note) > 500:
		return Link{}, "", invalidf("the note is longer than 500 characters")
	}
	if snap != nil {
		if _, ok := snap.CustomerByNumber(customer); !ok {
			return Link{}, "", invalidf("customer number %s is not in the customer list", customer)
		}
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return Link{}, "", fmt.Errorf("intake: link token: %w", err)
	}
	token := linkTokenPrefix + base64.RawURLEncoding.EncodeToString(raw[:])
	l, err := scanLink(ex.QueryRow(ctx, `INSERT INTO order_links (customer, token_hash, note, created_by, expires_at)
		VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5)) RETURNING `+linkColumns,
		customer, hashToken(token), strings.TrimSpace(note), by, valid.Seconds()))
	if err != nil {
		return Link{}, "", fmt.Errorf("intake: create link: %w", err)
	}
	return l, token, nil
}

// ListLinks returns a customer's links, newest first ("" for every
// customer's), expired and revoked ones included.
func ListLinks(ctx context.Context, ex db.Executor, customer string) ([]Link, error) {
	rows, err := ex.Query(ctx, `SELECT `+linkColumns+` FROM order_links WHERE ($1 = '' OR customer = $1)
		ORDER BY created_at DESC, id DESC LIMIT 500`, normalCustomer(customer))
	if err != nil {
		return nil, fmt.Errorf("intake: list links: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Link, error) { return scanLink(r) })
	if err != nil {
		return nil, fmt.Errorf("intake: list links: %w", err)
	}
	return out, nil
}

// RevokeLink closes a link of the customer for good.
func RevokeLink(ctx context.Context, ex db.Executor, customer string, id int64, by string) (Link, error) {
	l, err := scanLink(ex.QueryRow(ctx, `UPDATE order_links SET revoked_at = coalesce(revoked_at, now()),
			revoked_by = CASE WHEN revoked_at IS NULL THEN $3 ELSE revoked_by END
		WHERE id = $1 AND customer = $2 RETURNING `+linkColumns, id, normalCustomer(customer), by))
	if errors.Is(err, pgx.ErrNoRows) {
		return Link{}, notFoundf("customer %s has no link %d", normalCustomer(customer), id)
	}
	if err != nil {
		return Link{}, fmt.Errorf("intake: revoke link: %w", err)
	}
	return l, nil
}

// VerifyLink returns the link a token opens, or an error wrapping
// ErrLinkInvalid that says why not (unknown, expired, revoked). The token
// is looked up by its hash and the hashes compared in constant time.
func VerifyLink(ctx context.Context, ex db.Executor, token string) (Link, error) {
	token = strings.TrimSpace(token)
	if !strings.HasPrefix(token, linkTokenPrefix) || len(token) > 100 {
		return Link{}, &Error{Kind: ErrLinkInvalid, Message: "this order link is not valid; ask your contact for a new one"}
	}
	want := hashToken(token)
	var stored []byte
	row := ex.QueryRow(ctx, `UPDATE order_links SET last_used_at = now() WHERE token_hash = $1
		RETURNING token_hash, `+linkColumns, want)
	var l Link
	err := row.Scan(&stored, &l.ID, &l.Customer, &l.Note, &l.CreatedBy, &l.CreatedAt, &l.ExpiresAt, &l.RevokedAt, &l.RevokedBy, &l.LastUsedAt)
	if errors.Is(err, pgx.ErrNoRows) || err == nil && subtle.ConstantTimeCompare(stored, want) != 1 {
		return Link{}, &Error{Kind: ErrLinkInvalid, Message: "this order link is not valid; ask your contact for a new one"}
	}
	if err != nil {
		return Link{}, fmt.Errorf("intake: verify link: %w", err)
	}
	switch {
	case l.RevokedAt != nil:
		return Link{}, &Error{Kind: ErrLinkInvalid, Message: "this order link was withdrawn; ask your contact for a new one"}
	case !time.Now().Before(l.ExpiresAt):
		return Link{}, &Error{Kind: ErrLinkInvalid, Message: "this order link expired on " + l.ExpiresAt.Format("2006-01-02") + "; ask your contact for a new one"}
	}
	return l, nil
}

// LinkLimiter rate-limits each link: a bucket of Burst requests refilled
// at Rate per second, kept in this process (several processes each allow
// as much; the limit is against a buyer's loop or a leaked link, not an
// exact quota).
type LinkLimiter struct {
	Rate  float64 // requests per second (default 0.5: 30 a minute)
	Burst float64 // default 20
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	mu      sync.Mutex
	buckets map[int64]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

// Allow takes one request from the link's bucket, or returns a
// *RateLimitError saying how long to wait.
func (r *LinkLimiter) Allow(link int64) error {
	rate, burst := r.Rate, r.Burst
	if rate <= 0 {
		rate = 0.5
	}
	if burst <= 0 {
		burst = 20
	}
	now := time.Now()
	if r.Now != nil {
		now = r.Now()
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.buckets == nil {
		r.buckets = map[int64]*bucket{}
	}
	b, ok := r.buckets[link]
	if !ok {
		if len(r.buckets) > 100_000 {
			clear(r.buckets)
		}
		b = &bucket{tokens: burst, at: now}
		r.buckets[link] = b
	}
	b.tokens = min(burst, b.tokens+now.Sub(b.at).Seconds()*rate)
	b.at = now
	if b.tokens < 1 {
		return &RateLimitError{RetryAfter: time.Duration((1 - b.tokens) / rate * float64(time.Second))}
	}
	b.tokens--
	return nil
}

// LinkSender is the sender of documents submitted through a link: not a
// login, but a credential the desk issued for the customer.
func LinkSender(l Link) order.Sender {
	return order.Sender{Kind: order.SenderLink, ID: "link:" + strconv.FormatInt(l.ID, 10), Verified: true}
}

// SubmitLinkOrder takes a quick order through a link: for the link's
// customer only (another customer number is refused), every line an item
// of the customer's assortment found by our SKU, the customer's own code
// or a GTIN (anything else is refused, naming the line), and an audit
// entry written with the document in one transaction.
func (p *Pipeline) SubmitLinkOrder(ctx context.Context, l Link, q QuickOrder) (Received, error) {
	if q.Customer != "" && normalCustomer(q.Customer) != normalCustomer(l.Customer) {
		return Received{}, invalidf("this link orders for customer %s only", l.Customer)
	}
	q.Customer = l.Customer
	if probs := q.Validate(); len(probs) > 0 {
		return Received{}, invalidf("%s", strings.Join(probs, "; "))
	}
	snap, _, err := p.liveMatching()
	if err != nil {
		return Received{}, err
	}
	c, err := customerID(snap, l.Customer)
	if err != nil {
		return Received{}, err
	}
	var probs []string
	for i := range q.Lines {
		ln := &q.Lines[i]
		id, ok := linkItem(snap, c, ln)
		switch {
		case !ok:
			probs = append(probs, fmt.Sprintf("line %d: %s is not an item we sell you", i+1, strings.TrimSpace(ln.SKU+" "+ln.Item+" "+ln.GTIN+" "+ln.Description)))
		case !snap.MayBuy(c, id):
			probs = append(probs, fmt.Sprintf("line %d: %s is not in your assortment", i+1, snap.SKU(id)))
		default:
			ln.SKU = snap.SKU(id)
		}
	}
	if len(probs) > 0 {
		return Received{}, invalidf("%s", strings.Join(probs, "; "))
	}
	in := quickInbound(q, Submitter{Sender: LinkSender(l), SourceRef: "link:" + strconv.FormatInt(l.ID, 10)})
	return p.receiveAudited(ctx, in, l, "quick order")
}

// linkItem resolves a line typed through a link: our SKU, the customer's
// own code, or a GTIN; free text is no item here.
func linkItem(snap *catalog.Snapshot, c catalog.CustomerID, ln *QuickLine) (catalog.ItemID, bool) {
	if ln.SKU != "" {
		return snap.ItemBySKU(ln.SKU)
	}
	if ln.Item != "" {
		if _, id, _, ok := snap.CrossRef(c, ln.Item); ok {
			return id, true
		}
		if g, err := catalog.ParseGTIN(ln.Item); err == nil {
			if id, _, ok := snap.ItemByGTIN(g); ok {
				return id, true
			}
		}
		return snap.ItemBySKU(ln.Item)
	}
	if ln.GTIN != "" {
		if g, err := catalog.ParseGTIN(ln.GTIN); err == nil {
			id, _, ok := snap.ItemByGTIN(g)
			return id, ok
		}
	}
	return catalog.NoItem, false
}

// SubmitLinkDocument takes a sheet (or any document) uploaded through a
// link, for the link's customer, audited.
func (p *Pipeline) SubmitLinkDocument(ctx context.Context, l Link, name, contentType string, data []byte) (Received, error) {
	in := Inbound{Channel: ChannelUpload, SourceRef: "link:" + strconv.FormatInt(l.ID, 10), Sender: LinkSender(l),
		FileName: name, ContentType: contentType, CustomerNumber: l.Customer, Data: data}
	return p.receiveAudited(ctx, in, l, "document upload")
}

// receiveAudited receives a document and writes its audit entry in the
// same transaction: what came through which link.
func (p *Pipeline) receiveAudited(ctx context.Context, in Inbound, l Link, what string) (Received, error) {
	var r Received
	err := pgx.BeginFunc(ctx, p.opts.Pool, func(tx pgx.Tx) error {
		var err error
		if r, err = p.ReceiveTx(ctx, tx, in); err != nil {
			return err
		}
		detail, _ := json.Marshal(map[string]any{"submitted": what, "customer": l.Customer, "document_id": r.DocumentID,
			"duplicate": r.Duplicate, "file_name": in.FileName, "size": len(in.Data)})
		_, err = tx.Exec(ctx, `INSERT INTO audit_log (actor, action, target, status, detail) VALUES ($1, $2, $3, $4, $5)`,
			"link:"+strconv.FormatInt(l.ID, 10), "link "+what, "customer="+l.Customer+" link="+strconv.FormatInt(l.ID, 10), 201, detail)
		return err
	})
	return r, err
}

// LinkItems is the autocomplete through a link: the link's customer's
// assortment and prices only.
func (p *Pipeline) LinkItems(l Link, text string, limit int) ([]ItemHit, error) {
	return p.Items(ItemQuery{Customer: l.Customer, Text: text, Limit: limit, OnlyAssortment: true})
}

// CreateLink is CreateLink checked against the live catalog: the customer
// must be in the master data.
func (p *Pipeline) CreateLink(ctx context.Context, customer, note, by string, valid time.Duration) (Link, string, error) {
	snap, _, err := p.liveMatching()
	if err != nil {
		return Link{}, "", err
	}
	return CreateLink(ctx, p.opts.Pool, snap, customer, note, by, valid)
}
