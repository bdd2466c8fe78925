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

// Registry holds the parsers in priority order.
type Registry struct {
	parsers []Parser
}

// NewRegistry returns a registry trying parsers in the given order.
func NewRegistry(ps ...Parser) *Registry { return &Registry{parsers: ps} }

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

// Parse detects the format and parses the document.
func (r *Registry) Parse(ctx context.Context, doc Document) (Result, error) {
	p, err := r.Detect(doc)
	if err != nil {
		return Result{}, err
	}
	res, err := p.Parse(ctx, doc)
	if res.Format == "" {
		res.Format = p.Name()
	}
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
