// Package parsers turns the raw bytes of an inbound document into canonical
// orders. Each format lives in its own sub-package (edifact, email, sheet)
// and implements Parser; a Registry picks the parser by sniffing the content,
// never by file name alone.
package parsers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"unicode/utf8"

	"github.com/ordergate/ordergate/order"
)

// ErrUnsupported is returned (wrapped) when no registered parser recognises
// a document. The pipeline marks such a document failed and keeps its bytes.
var ErrUnsupported = errors.New("unsupported format")

// Document is an inbound payload as the parsers see it.
type Document struct {
	Name        string // file name or attachment name, may be empty
	ContentType string // as declared by the channel, may be empty or wrong
	Data        []byte
	Sender      order.Sender
	// Customer is our number of the customer a person chose for the
	// document (at upload), if any; parsers that keep what they learned
	// per customer (sheet layouts) look it up by this.
	Customer string
}

// MessageError is one message (or sheet, or mail part) inside a document that
// could not become an order. Other messages of the same document still can.
type MessageError struct {
	Index    int    `json:"index"`               // 1-based position in the document
	Ref      string `json:"ref,omitempty"`       // message reference (UNH 0062) or part name
	Type     string `json:"type,omitempty"`      // message type, e.g. INVOIC
	Message  string `json:"message"`             // readable by a sales clerk or partner
	NotOrder bool   `json:"not_order,omitempty"` // recognised, but not an order: refused, not broken
}

func (e MessageError) Error() string { return e.Message }

// Result is what parsing one document yields.
type Result struct {
	Format string                // name of the parser that handled it
	Orders []order.PurchaseOrder // orders found, in document order
	Errors []MessageError        // messages that could not become orders
	// Warnings are problems that lost nothing, e.g. a missing UNZ trailer
	// after intact messages.
	Warnings []string
	// Interchanges are the envelopes of the EDI interchanges the document
	// holds (none for other formats), for replies to its orders.
	Interchanges []Interchange
	// Parts lists the parts of a document made of several (a mail's
	// bodies and attachments), none for other formats.
	Parts []Part
}

// Part is one part of a document that holds several, such as a mail's
// text and attachments, as the parser found it: what the review screen
// lists beside the orders, and GET /api/v1/documents/{id}/parts/{n}
// serves.
type Part struct {
	Index       int    `json:"index"` // 1-based, in document order
	Name        string `json:"name,omitempty"`
	ContentType string `json:"content_type"`
	Size        int    `json:"size"`
	// Role is body (the text read for order lines), text (another
	// alternative of it), attachment, inline (an image of the text, such
	// as a logo) or message (a forwarded mail).
	Role string `json:"role"`
	// Format is the parser that read the part; Read is false for a part
	// no parser reads, which Note then says in words ("not read
	// automatically: PDF document").
	Format string `json:"format,omitempty"`
	Read   bool   `json:"read"`
	Orders int    `json:"orders,omitempty"` // orders read from it
	Note   string `json:"note,omitempty"`
	// Text is the text as read (for the body): the lines that
	// order.LineSource numbers.
	Text string `json:"text,omitempty"`
}

// Interchange is what a reply to an EDI interchange needs of its envelope
// and an order does not carry (see order.Envelope): the service characters,
// syntax and both parties with their qualifiers. The pipeline stores it
// when the document is parsed, so that acknowledging one order of an
// interchange of thousands does not read the whole document again. See
// ISO 9735-1 section 9, segments UNA and UNB.
type Interchange struct {
	Sender             string // UNB S002 0004
	SenderQualifier    string // UNB S002 0007
	Recipient          string // UNB S003 0010
	RecipientQualifier string // UNB S003 0007
	ControlRef         string // UNB 0020
	SyntaxID           string // UNB S001 0001, e.g. UNOC
	SyntaxVersion      string // UNB S001 0002
	// ServiceChars are the six service characters in UNA order (component
	// and element separators, decimal mark, release character, repetition
	// separator, segment terminator; 0 for one not used).
	ServiceChars [6]byte
	HasUNA       bool // the interchange began with a UNA
	Test         bool // UNB 0035 = 1
}

// Parser is one document format.
type Parser interface {
	// Name is a short format name ("edifact", "xlsx", "csv", "email").
	Name() string
	// Sniff reports whether data looks like this format. It must be cheap:
	// it sees at most the first 4 KiB.
	Sniff(head []byte, contentType string) bool
	// Parse reads the whole document. An error means the document as a whole
	// could not be read; per-message problems go into Result.Errors.
	Parse(ctx context.Context, doc Document) (Result, error)
}

// Registry holds the parsers in priority order and the limits every order
// they read must keep.
type Registry struct {
	parsers []Parser
	limits  Limits
}

// NewRegistry returns a registry trying parsers in the given order, with
// the default Limits.
func NewRegistry(ps ...Parser) *Registry { return &Registry{parsers: ps} }

// WithLimits sets the limits orders must keep and returns r.
func (r *Registry) WithLimits(l Limits) *Registry {
	r.limits = l
	return r
}

// Formats lists the registered format names.
func (r *Registry) Formats() []string {
	names := make([]string, len(r.parsers))
	for i, p := range r.parsers {
		names[i] = p.Name()
	}
	return names
}

// Detect returns the parser for the document, or an error wrapping
// ErrUnsupported that says what the content looks like.
func (r *Registry) Detect(doc Document) (Parser, error) {
	head := doc.Data
	if len(head) > 4096 {
		head = head[:4096]
	}
	for _, p := range r.parsers {
		if p.Sniff(head, doc.ContentType) {
			return p, nil
		}
	}
	return nil, fmt.Errorf("%w: %s", ErrUnsupported, Describe(head))
}

// Parse detects the format and parses the document. Orders over the
// registry's Limits become message errors (see Limits.Check), in one place
// for every format.
func (r *Registry) Parse(ctx context.Context, doc Document) (Result, error) {
	p, err := r.Detect(doc)
	if err != nil {
		return Result{}, err
	}
	res, err := p.Parse(ctx, doc)
	if res.Format == "" {
		res.Format = p.Name()
	}
	r.limits.apply(&res)
	return res, err
}

// Describe names what a payload looks like, for "unsupported format" errors
// that a person can act on.
func Describe(head []byte) string {
	if len(head) == 0 {
		return "the file is empty"
	}
	ct := http.DetectContentType(head)
	switch {
	case utf16Text(head):
		return "UTF-16 text (save it as UTF-8, or in the character set the partner agreed, and send it again)"
	case len(head) >= 3 && string(head[:3]) == "ISA":
		return "ANSI X12 interchange (only UN/EDIFACT is accepted)"
	case len(head) >= 8 && string(head[:8]) == "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1":
		return "Excel 97-2003 workbook (.xls) or another old Office file (save it as .xlsx or CSV and send it again)"
	case ct == "application/pdf":
		return "PDF document (send the order as EDIFACT, CSV or XLSX)"
	case ct == "application/zip":
		return "ZIP archive that is not a spreadsheet"
	case utf8.Valid(head):
		return fmt.Sprintf("text that is not a known order format (%s)", ct)
	}
	return fmt.Sprintf("unrecognised content (%s)", ct)
}

// utf16Text reports text in UTF-16: a byte order mark (U+FEFF as FF FE or
// FE FF), or ASCII letters with a zero byte between each.
func utf16Text(head []byte) bool {
	if len(head) >= 2 && (head[0] == 0xFF && head[1] == 0xFE || head[0] == 0xFE && head[1] == 0xFF) {
		return true
	}
	if len(head) < 8 {
		return false
	}
	for i := 0; i+1 < min(len(head), 64); i += 2 {
		if (head[i] == 0) == (head[i+1] == 0) {
			return false
		}
	}
	return true
}
