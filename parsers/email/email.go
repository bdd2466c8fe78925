// Package email reads orders from mails (RFC 5322 messages with MIME
// parts, RFC 2045-2049): from the text a customer wrote, in English,
// Swedish, Norwegian, Danish, Finnish or German, and from attachments,
// each handed to the parser of its format. Forwarded mails are unwrapped:
// the original sender is the customer. Quoted replies, signatures and
// disclaimers are not read as orders, and a text it is unsure of gives no
// lines, only a reason for the desk.
//
// The raw mail is the document. Its parts are listed (parsers.Part) with
// what was read from each; the text the order lines were read from is kept
// with them, numbered as order.LineSource points into it.
package email

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	gomail "github.com/emersion/go-message/mail"

	"github.com/ordergate/ordergate/order"
	"github.com/ordergate/ordergate/parsers"
)

// Detector finds the parser of an attachment by its content;
// *parsers.Registry is one.
type Detector interface {
	Detect(doc parsers.Document) (parsers.Parser, error)
}

// Options configure the parser.
type Options struct {
	Limits Limits
	// Attachments finds the parser of each attachment (a registry of the
	// other formats: EDIFACT, CSV, XLSX). Nil: attachments are listed,
	// none is read.
	Attachments Detector
}

// Parser reads mails.
type Parser struct {
	opts Options
}

// New returns the mail parser.
func New(opts Options) *Parser {
	opts.Limits = opts.Limits.withDefaults()
	return &Parser{opts: opts}
}

// Name implements parsers.Parser.
func (*Parser) Name() string { return "email" }

var headerField = regexp.MustCompile(`^([!-9;-~]+):`)

// mailHeaders are the fields that make a text a mail header.
var mailHeaders = map[string]bool{
	"from": true, "to": true, "subject": true, "date": true, "message-id": true, "mime-version": true,
	"received": true, "return-path": true, "delivered-to": true, "dkim-signature": true, "reply-to": true,
	"content-type": true, "x-mailer": true, "authentication-results": true, "arc-seal": true, "thread-topic": true,
}

// Sniff implements parsers.Parser: the content starts with header fields
// ("Name: value" lines), at least two of which are mail header fields.
func (*Parser) Sniff(head []byte, contentType string) bool {
	ct := strings.ToLower(contentType)
	if strings.HasPrefix(ct, "message/rfc822") {
		return true
	}
	known, lines := 0, 0
	for _, l := range bytes.Split(head, []byte("\n")) {
		l = bytes.TrimRight(l, "\r")
		if len(l) == 0 {
			break
		}
		if l[0] == ' ' || l[0] == '\t' {
			if lines == 0 {
				return false
			}
			continue
		}
		m := headerField.FindSubmatch(l)
		if m == nil {
			return lines > 0 && known >= 2 && len(head) >= 4096 // cut off mid-line at the end of the head
		}
		lines++
		if mailHeaders[strings.ToLower(string(m[1]))] {
			known++
		}
	}
	return known >= 2
}

// analysis is a mail read as far as Inspect needs, and Parse goes on from.
type analysis struct {
	root     *part
	leaves   []*part
	warnings []string
	content  *part   // the mail the order is in: the root, or a forwarded one
	bodies   []*part // text parts read as the text
	alts     map[*part]bool
	notes    []*part // the forwarder's text, when the order is in a forwarded mail
	subject  string
	text     string // the body text
	lines    []string
	kinds    []lineKind
	view     []string
	sent     time.Time
	info     Info
}

func analyse(raw []byte, lim Limits) (*analysis, error) {
	root, leaves, warnings, err := readMail(raw, lim)
	if err != nil {
		return nil, err
	}
	a := &analysis{root: root, leaves: leaves, warnings: warnings, content: root, alts: map[*part]bool{}}
	h := root.header
	if !h.Has("From") && !h.Has("Date") && !h.Has("Subject") && !h.Has("Message-Id") {
		return nil, fmt.Errorf("%w: it has no From, Date, Subject or Message-ID header", ErrUnreadable)
	}
	from, name := address(h.Get("From"))
	a.info = Info{From: from, FromName: name, Customer: from, Subject: headerText(h, "Subject")}
	if ids := msgIDs(h.Get("Message-Id")); len(ids) > 0 {
		a.info.MessageID = ids[0]
	}
	a.info.Thread = msgIDs(h.Get("References"))
	for _, id := range msgIDs(h.Get("In-Reply-To")) {
		if !slices.Contains(a.info.Thread, id) {
			a.info.Thread = append(a.info.Thread, id)
		}
	}
	if t, err := (&gomail.Header{Header: h}).Date(); err == nil {
		a.info.Date = t
	}
	a.sent = a.info.Date
	if a.sent.IsZero() {
		a.sent = time.Now()
	}
	a.info.NoAnswer = noAnswer(h, root.mediaType, root.params, from)

	// A mail forwarded as an attachment (message/rfc822): the order is in
	// the original.
	for _, l := range leaves {
		if l.inner != nil {
			a.content = l.inner
			ofrom, _ := address(l.inner.header.Get("From"))
			if ofrom != "" && ofrom != from {
				a.info.Customer, a.info.ForwardedBy = ofrom, from
			}
			if t, err := (&gomail.Header{Header: l.inner.header}).Date(); err == nil {
				a.sent = t
			}
			break
		}
	}
	if a.content != root {
		a.notes = root.textParts(map[*part]bool{})
	}
	a.subject = headerText(a.content.header, "Subject")
	a.bodies = a.content.textParts(a.alts)
	var texts []string
	for _, b := range a.bodies {
		t := b.text
		if b.mediaType == "text/html" {
			t = htmlText(t)
		}
		texts = append(texts, normaliseText(t))
	}
	a.text = strings.Join(texts, "\n\n")
	a.lines = strings.Split(a.text, "\n")
	var fwd bool
	var ofrom string
	a.kinds, a.view, fwd, ofrom = classify(a.lines, a.subject)
	if fwd && a.content == root {
		if addr, _ := address(ofrom); addr != "" && addr != from {
			a.info.Customer, a.info.ForwardedBy = addr, from
		}
	}
	a.info.Language = detectLanguage(a.content.header, a.subject+"\n"+a.ownText(), a.info.Customer)
	return a, nil
}

// ownText is the customer's own words, for the language.
func (a *analysis) ownText() string {
	var b strings.Builder
	for i, k := range a.kinds {
		if k == lineText || k == lineSignature {
			b.WriteString(a.view[i])
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// textParts returns the parts read as the mail's text: of each
// multipart/alternative its plain text (else its HTML), every other inline
// text part in order. The alternatives not read are marked in alts.
func (p *part) textParts(alts map[*part]bool) []*part {
	switch {
	case p.mediaType == "multipart/alternative":
		var plain, html *part
		var others []*part
		for _, c := range p.children {
			switch {
			case c.mediaType == "text/plain" && !c.attachment() && plain == nil:
				plain = c
			case c.mediaType == "text/html" && !c.attachment() && html == nil:
				html = c
			case strings.HasPrefix(c.mediaType, "multipart/"):
				others = append(others, c)
			}
		}
		pick := plain
		if pick == nil || strings.TrimSpace(plain.text) == "" {
			if html != nil {
				pick = html
			}
		}
		for _, c := range []*part{plain, html} {
			if c != nil && c != pick {
				alts[c] = true
			}
		}
		if pick != nil {
			return []*part{pick}
		}
		for _, o := range others {
			if t := o.textParts(alts); len(t) > 0 {
				return t
			}
		}
		return nil
	case strings.HasPrefix(p.mediaType, "multipart/"):
		var out []*part
		for _, c := range p.children {
			out = append(out, c.textParts(alts)...)
		}
		return out
	case (p.mediaType == "text/plain" || p.mediaType == "text/html") && !p.attachment():
		return []*part{p}
	}
	return nil
}

// normaliseText makes line ends \n, no-break spaces spaces, and trims each
// line's end.
func normaliseText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = strings.ReplaceAll(s, "\u00a0", " ")
	s = strings.ReplaceAll(s, "\u200b", "")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if l != "-- " {
			lines[i] = strings.TrimRight(l, " \t")
		}
	}
	return strings.Trim(strings.Join(lines, "\n"), "\n")
}

// Parse implements parsers.Parser: the orders of the mail's text and of
// its attachments, numbered through the mail (text first, then the
// attachments in order), and the list of its parts.
func (p *Parser) Parse(ctx context.Context, doc parsers.Document) (parsers.Result, error) {
	res := parsers.Result{Format: p.Name()}
	a, err := analyse(doc.Data, p.opts.Limits)
	if err != nil {
		return res, err
	}
	res.Warnings = a.warnings
	sender := doc.Sender
	if sender.Kind == "" {
		sender = order.Sender{Kind: order.SenderEmail, ID: a.info.Customer}
	}
	if a.info.ForwardedBy != "" && sender.ID == a.info.Customer {
		sender.Verified = false // the original sender of a forwarded mail is never verified
	}
	body := readText(a.subject, a.lines, a.kinds, a.view, a.sent)
	seq := 0
	bodyIndex := 0
	if len(a.bodies) > 0 {
		bodyIndex = a.bodies[0].index
	}
	if len(body.po.Lines) > 0 {
		po := body.po
		seq++
		po.Format = p.Name()
		po.Function = order.FunctionOriginal
		po.Sender = sender
		po.OrderDate = order.DateOf(a.sent)
		po.SourcePart = bodyIndex
		po.Envelope = &order.Envelope{MessageIndex: seq}
		if a.info.ForwardedBy != "" {
			po.Notes = append(po.Notes, "forwarded by "+a.info.ForwardedBy)
		}
		if strings.TrimSpace(po.PONumber) == "" {
			res.Warnings = append(res.Warnings, numberBodyOrder(&po))
		}
		res.Orders = append(res.Orders, po)
	}
	parts := make([]parsers.Part, 0, len(a.leaves))
	var unnum []int // attachment orders without a PO number of their own
	for _, l := range a.leaves {
		pt := parsers.Part{Index: l.index, Name: l.name, ContentType: l.mediaType, Size: len(l.data)}
		switch {
		case slices.Contains(a.bodies, l):
			pt.Role, pt.Format, pt.Read = "body", p.Name(), true
			if l == a.bodies[0] {
				pt.Text = bodyText(a.subject, a.text)
				pt.Orders = len(res.Orders)
			} else {
				pt.Note = fmt.Sprintf("read as part of the text of part %d", a.bodies[0].index)
			}
		case slices.Contains(a.notes, l):
			pt.Role, pt.Note = "text", "the forwarder's note; the forwarded mail was read"
		case a.alts[l]:
			pt.Role, pt.Note = "text", "the same text in another form; the other one was read"
		case l.inner != nil:
			pt.Role, pt.Read, pt.Format = "message", true, p.Name()
			pt.Note = "forwarded mail: its text and attachments are read"
		case l.mediaType == "message/delivery-status" || l.mediaType == "message/disposition-notification" || l.mediaType == "text/rfc822-headers":
			pt.Role, pt.Note = "report", "a delivery or read report; not read"
		case strings.HasPrefix(l.mediaType, "image/") && !l.attachment():
			pt.Role, pt.Note = "inline", "an image in the text; not read"
		default:
			pt.Role = "attachment"
			seq = p.readAttachment(ctx, l, &pt, sender, seq, &res, &unnum)
		}
		if l.problem != "" && pt.Note == "" {
			pt.Note = l.problem
		}
		parts = append(parts, pt)
	}
	res.Parts = parts
	numberFromMail(&res, body, unnum, parts)
	if len(res.Orders) == 0 {
		e := parsers.MessageError{Index: seq + 1, Ref: "mail", Message: body.reason}
		n := notRead(parts)
		if a.info.NoAnswer != "" && n == "" {
			e.NotOrder = true
			e.Message = "not an order: " + a.info.NoAnswer + "; " + body.reason
		} else if n != "" {
			e.Message = body.reason + "; attachments not read automatically: " + n + " (enter the order from them by hand)"
		}
		res.Errors = append(res.Errors, e)
	}
	return res, nil
}

// notRead names the attachments no parser read.
func notRead(parts []parsers.Part) string {
	var n []string
	for _, p := range parts {
		if p.Role == "attachment" && !p.Read {
			n = append(n, fmt.Sprintf("%s (part %d)", orType(p.Name, p.ContentType), p.Index))
		}
	}
	return strings.Join(n, ", ")
}

func orType(name, ct string) string {
	if name != "" {
		return name
	}
	return ct
}

// readAttachment hands an attachment to the parser of its format and
// takes its orders and problems into res, numbered on from seq. The
// orders with no PO number of their own are added to unnum (see
// numberFromMail).
func (p *Parser) readAttachment(ctx context.Context, l *part, pt *parsers.Part, sender order.Sender, seq int, res *parsers.Result, unnum *[]int) int {
	if p.opts.Attachments == nil {
		pt.Note = "not read automatically (no attachment formats are set up)"
		return seq
	}
	doc := parsers.Document{Name: l.name, ContentType: l.header.Get("Content-Type"), Data: l.data, Sender: sender}
	parser, err := p.opts.Attachments.Detect(doc)
	if err != nil || parser.Name() == p.Name() {
		head := l.data[:min(len(l.data), 4096)]
		pt.Note = "not read automatically: " + parsers.Describe(head)
		return seq
	}
	r, err := parser.Parse(ctx, doc)
	pt.Format = parser.Name()
	if err != nil {
		seq++
		pt.Note = "could not be read: " + err.Error()
		res.Errors = append(res.Errors, parsers.MessageError{Index: seq, Ref: orType(l.name, l.mediaType), Message: fmt.Sprintf("attachment %s: %v", orType(l.name, l.mediaType), err)})
		return seq
	}
	pt.Read = true
	res.Warnings = append(res.Warnings, prefixAll(orType(l.name, l.mediaType)+": ", r.Warnings)...)
	res.Interchanges = append(res.Interchanges, r.Interchanges...)
	// Number the attachment's orders and problems through the mail, in
	// the attachment's own order.
	local := map[int]int{}
	next := func(i int) int {
		if g, ok := local[i]; ok {
			return g
		}
		seq++
		local[i] = seq
		return seq
	}
	idx := make([]int, 0, len(r.Orders)+len(r.Errors))
	for i := range r.Orders {
		n := i + 1
		if env := r.Orders[i].Envelope; env != nil && env.MessageIndex > 0 {
			n = env.MessageIndex
		}
		idx = append(idx, n)
	}
	for _, e := range r.Errors {
		idx = append(idx, e.Index)
	}
	sorted := slices.Clone(idx)
	slices.Sort(sorted)
	for _, n := range sorted {
		next(n)
	}
	for i := range r.Orders {
		po := r.Orders[i]
		if po.Format == "" {
			po.Format = parser.Name()
		}
		if po.Envelope == nil {
			po.Envelope = &order.Envelope{}
		} else {
			env := *po.Envelope
			po.Envelope = &env
		}
		po.Envelope.MessageIndex = local[idx[i]]
		// The mail's sender vouches for the attachment: an EDI id inside
		// a mail from an unverified address proves nothing.
		po.Sender = sender
		po.SourceFile, po.SourcePart = l.name, l.index
		if unnumbered(po, l.name, r.Warnings) {
			*unnum = append(*unnum, len(res.Orders))
		}
		res.Orders = append(res.Orders, po)
		pt.Orders++
	}
	for k, e := range r.Errors {
		e.Index = local[idx[len(r.Orders)+k]]
		e.Message = "attachment " + orType(l.name, l.mediaType) + ": " + e.Message
		res.Errors = append(res.Errors, e)
	}
	if pt.Orders == 0 && len(r.Errors) > 0 {
		pt.Note = "no order could be read from it"
	}
	return seq
}

func prefixAll(p string, s []string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[i] = p + v
	}
	return out
}
