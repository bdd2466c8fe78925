package edifact

import (
	"bytes"
	"context"
	"io"
	"strings"

	"github.com/ordergate/ordergate/parsers"
)

// Parser is the UN/EDIFACT format of the parsers registry.
type Parser struct {
	// MaxSegment bounds the length of one segment; 0 means 1 MiB.
	MaxSegment int
}

// New returns a Parser with default limits.
func New() *Parser { return &Parser{} }

var _ parsers.Parser = (*Parser)(nil)

// Name returns "edifact".
func (p *Parser) Name() string { return "edifact" }

// Sniff reports whether head starts, after an optional UTF-8 byte order mark
// and white space, with a service string advice (UNA) or an interchange
// header (UNB followed by a separator); see ISO 9735-1 section 9. It also
// claims what is EDIFACT but broken at the start, so that Parse can say
// what is wrong instead of "unsupported format": messages without UNB
// (read), a header with a damaged tag before a syntax identifier
// ("FNB+UNOB:1+..."), and an interchange that starts at a later line of
// head (refused with where it starts) unless what comes first is a mail's
// header, which the mail parser reads.
func (p *Parser) Sniff(head []byte, contentType string) bool {
	head = bytes.TrimPrefix(head, []byte{0xEF, 0xBB, 0xBF})
	head = bytes.TrimLeft(head, " \t\r\n")
	if len(head) < 4 {
		return false
	}
	switch string(head[:3]) {
	case "UNA":
		_, err := parseUNA(head[3:min(len(head), 9)])
		return err == nil
	case "UNB":
		return !isAlnum(head[3]) && (head[3] > ' ' || head[3] == 0x1D)
	}
	return bareMessage(head) || damagedHeader(head) || findInterchange(head) > 0 && !mailHeader(head)
}

// mailHeader reports whether head starts with a header field line of a
// mail (RFC 5322 section 2.2: a name of printable characters, a colon): a
// mail with an interchange in its text is the mail parser's.
func mailHeader(head []byte) bool {
	for i, c := range head {
		switch {
		case c == ':' && i > 0:
			return true
		case c <= ' ' || c > '~':
			return false
		}
	}
	return false
}

// Parse reads every interchange of doc and returns one order per ORDERS or
// ORDCHG message, and one parsers.MessageError per message that could not
// become an order (broken, or of another type: NotOrder). Envelope damage
// that loses no message, such as a missing UNZ, becomes a warning. The
// error is non-nil only when the document yields no message at all.
func (p *Parser) Parse(ctx context.Context, doc parsers.Document) (parsers.Result, error) {
	_, res, err := p.ParseInterchanges(ctx, doc)
	return res, err
}

// ParseInterchanges is Parse that also returns the interchanges with the
// status of each message, from which CONTRL and ORDRSP replies are built
// (see NewCONTRL and Reply).
func (p *Parser) ParseInterchanges(ctx context.Context, doc parsers.Document) ([]Interchange, parsers.Result, error) {
	sc := NewBytesScanner(doc.Data)
	if p.MaxSegment > 0 {
		sc.MaxSegment = p.MaxSegment
	}
	return p.read(ctx, sc)
}

// ReadFrom is ParseInterchanges over a stream: the memory it needs is
// bounded by the longest segment and the orders it returns, not by the size
// of the stream.
func (p *Parser) ReadFrom(ctx context.Context, r io.Reader) ([]Interchange, parsers.Result, error) {
	sc := NewScanner(r)
	if p.MaxSegment > 0 {
		sc.MaxSegment = p.MaxSegment
	}
	return p.read(ctx, sc)
}

func (p *Parser) read(ctx context.Context, sc *Scanner) ([]Interchange, parsers.Result, error) {
	rd := &reader{ctx: ctx, sc: sc, srcHint: lineSourceRoom, idHint: lineIDRoom}
	rd.res.Format = p.Name()
	err := rd.run()
	for i := range rd.ics {
		rd.res.Interchanges = append(rd.res.Interchanges, rd.ics[i].Envelope())
	}
	if rd.res.Warnings != nil {
		rd.res.Warnings = dedupe(rd.res.Warnings)
	}
	return rd.ics, rd.res, err
}

func dedupe(ws []string) []string {
	out := ws[:0]
	seen := map[string]bool{}
	for _, w := range ws {
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

// messageTypes names the message types a partner may send by mistake, so
// the refusal says what the file is. See the UN/EDIFACT message index.
var messageTypes = map[string]string{
	"APERAK": "application error and acknowledgement",
	"BAPLIE": "bayplan/stowage plan occupied and empty locations",
	"COARRI": "container discharge/loading report",
	"CONTRL": "syntax and service report",
	"CUSCAR": "customs cargo report",
	"DELFOR": "delivery schedule",
	"DELJIT": "delivery just in time",
	"DESADV": "despatch advice",
	"IFTMBC": "booking confirmation",
	"IFTMIN": "instruction",
	"INVOIC": "invoice",
	"INVRPT": "inventory report",
	"MEDRPT": "medical report",
	"ORDCHG": "purchase order change request",
	"ORDERS": "purchase order",
	"ORDRSP": "purchase order response",
	"PAORES": "passenger and airport response",
	"PAXLST": "passenger list",
	"PNRGOV": "passenger name record",
	"PRICAT": "price/sales catalogue",
	"PRODAT": "product data",
	"QUOTES": "quote",
	"RECADV": "receiving advice",
	"REMADV": "remittance advice",
	"REQOTE": "request for quote",
	"SLSRPT": "sales data report",
}

// describeType returns "INVOIC (invoice)" or the bare type when unknown.
func describeType(t string) string {
	if d, ok := messageTypes[strings.ToUpper(t)]; ok {
		return t + " (" + d + ")"
	}
	return t
}
