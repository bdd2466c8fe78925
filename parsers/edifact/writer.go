package edifact

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Outbound describes an interchange we send: the partner's syntax and
// service characters, the parties, and our own control reference. See
// ISO 9735-1 section 9, segments UNA, UNB and UNZ.
type Outbound struct {
	Delimiters    Delimiters
	WriteUNA      bool   // write the service string advice (always when Delimiters are not the defaults)
	SyntaxID      string // UNB 0001, e.g. UNOC
	SyntaxVersion string // UNB 0002, e.g. 3
	From          PartyID
	To            PartyID
	ControlRef    string // UNB/UNZ 0020: our interchange control reference, unique per partner
	Prepared      time.Time
	Test          bool
	// Newlines writes CR LF after each segment terminator, as many partners
	// expect for readability; receivers ignore it.
	Newlines bool
}

// ReplyTo returns the Outbound answering the interchange in: the partner's
// syntax identifier, version and service characters, with sender and
// recipient swapped. us is our interchange id, controlRef our control
// reference for the reply.
func ReplyTo(in Interchange, us PartyID, controlRef string, now time.Time) Outbound {
	d := in.Delimiters
	if d.Segment == 0 {
		d = DefaultDelimiters
	}
	id, ver := in.SyntaxID, in.SyntaxVersion
	if id == "" {
		id = "UNOA"
	}
	if ver == "" {
		ver = "3"
	}
	return Outbound{Delimiters: d, WriteUNA: in.HasUNA, SyntaxID: id, SyntaxVersion: ver, From: us, To: in.Sender,
		ControlRef: controlRef, Prepared: now, Test: in.Test}
}

// Writer writes one interchange: UNA and UNB when created, messages with
// counted UNH ... UNT, and UNZ on Close. Values are encoded in the
// character set the syntax identifier names and service characters in them
// are released. Errors are sticky and returned by Close.
type Writer struct {
	w      *bufio.Writer
	out    Outbound
	cs     Charset
	msgs   int
	segs   int
	msgRef string
	inMsg  bool
	err    error
	buf    []byte
}

// NewWriter starts an interchange on w.
func NewWriter(w io.Writer, out Outbound) *Writer {
	if out.Delimiters.Segment == 0 {
		out.Delimiters = DefaultDelimiters
	}
	if out.SyntaxID == "" {
		out.SyntaxID = "UNOC"
	}
	if out.SyntaxVersion == "" {
		out.SyntaxVersion = "3"
	}
	if out.Prepared.IsZero() {
		out.Prepared = time.Now()
	}
	wr := &Writer{w: bufio.NewWriter(w), out: out, cs: CharsetOf(out.SyntaxID)}
	d := out.Delimiters
	if err := d.validate(); err != nil {
		wr.err = err
		return wr
	}
	if out.ControlRef == "" {
		wr.err = fmt.Errorf("edifact: writing UNB: our interchange control reference is empty")
		return wr
	}
	std := d == DefaultDelimiters || (out.SyntaxVersion == "4" && d == v4Defaults)
	if out.WriteUNA || !std {
		wr.raw(d.UNA())
		wr.newline()
	}
	date := out.Prepared.Format("060102")
	if out.SyntaxVersion == "4" {
		date = out.Prepared.Format("20060102")
	}
	test := ""
	if out.Test {
		test = "1"
	}
	wr.service("UNB", []string{out.SyntaxID, out.SyntaxVersion}, []string{out.From.ID, out.From.Qualifier},
		[]string{out.To.ID, out.To.Qualifier}, []string{date, out.Prepared.Format("1504")}, []string{out.ControlRef},
		nil, nil, nil, nil, nil, []string{test})
	return wr
}

var v4Defaults = Delimiters{Component: ':', Element: '+', Decimal: '.', Release: '?', Repetition: '*', Segment: '\''}

// Decimal returns the partner's decimal mark, for formatting numbers.
func (w *Writer) Decimal() byte {
	if w.out.Delimiters.Decimal == ',' {
		return ','
	}
	return '.'
}

// BeginMessage writes UNH with the message reference and the message
// identifier, e.g. BeginMessage("1", "ORDRSP", "D:96A:UN:EAN005").
func (w *Writer) BeginMessage(ref, msgType, version string) {
	if w.inMsg {
		w.EndMessage()
	}
	w.msgs++
	w.segs = 0
	w.msgRef = ref
	w.inMsg = true
	id := append([]string{msgType}, strings.Split(version, ":")...)
	w.Segment("UNH", []string{ref}, id)
}

// Segment writes one segment of the current message. Each element is a list
// of components; trailing empty components and elements are omitted as
// ISO 9735-1 section 7.2 requires.
func (w *Writer) Segment(tag string, elems ...[]string) {
	if !w.inMsg {
		w.fail(fmt.Errorf("edifact: writing %s outside a message; call BeginMessage first", tag))
		return
	}
	w.segs++
	w.service(tag, elems...)
}

// EndMessage writes UNT with the segment count and the message reference.
func (w *Writer) EndMessage() {
	if !w.inMsg {
		return
	}
	w.Segment("UNT", []string{strconv.Itoa(w.segs + 1)}, []string{w.msgRef})
	w.inMsg = false
}

// Close ends the open message, writes UNZ and flushes.
func (w *Writer) Close() error {
	if w.inMsg {
		w.EndMessage()
	}
	w.service("UNZ", []string{strconv.Itoa(w.msgs)}, []string{w.out.ControlRef})
	if w.err != nil {
		return w.err
	}
	if err := w.w.Flush(); err != nil {
		return fmt.Errorf("edifact: writing: %w", err)
	}
	return nil
}

func (w *Writer) fail(err error) {
	if w.err == nil {
		w.err = err
	}
}

func (w *Writer) raw(s string) {
	if w.err == nil {
		if _, err := w.w.WriteString(s); err != nil {
			w.fail(fmt.Errorf("edifact: writing: %w", err))
		}
	}
}

func (w *Writer) newline() {
	if w.out.Newlines {
		w.raw("\r\n")
	}
}

// service writes a segment without counting it.
func (w *Writer) service(tag string, elems ...[]string) {
	if w.err != nil {
		return
	}
	d := w.out.Delimiters
	b := append(w.buf[:0], tag...)
	// Trim trailing empty elements and components.
	last := len(elems)
	for last > 0 && isEmpty(elems[last-1]) {
		last--
	}
	for _, el := range elems[:last] {
		b = append(b, d.Element)
		n := len(el)
		for n > 0 && el[n-1] == "" {
			n--
		}
		for j, c := range el[:n] {
			if j > 0 {
				b = append(b, d.Component)
			}
			var err error
			b, err = w.escape(b, c)
			if err != nil {
				w.fail(fmt.Errorf("edifact: writing %s: %w", tag, err))
				return
			}
		}
	}
	b = append(b, d.Segment)
	w.buf = b
	if _, err := w.w.Write(b); err != nil {
		w.fail(fmt.Errorf("edifact: writing: %w", err))
	}
	w.newline()
}

func isEmpty(el []string) bool {
	for _, c := range el {
		if c != "" {
			return false
		}
	}
	return true
}

// escape appends s in the partner's charset, releasing service characters.
func (w *Writer) escape(b []byte, s string) ([]byte, error) {
	d := w.out.Delimiters
	for _, c := range encodeString(w.cs, s) {
		if c == d.Component || c == d.Element || c == d.Segment || (c == d.Release && c != 0) || (c == d.Repetition && c != 0) {
			if d.Release == 0 {
				return b, fmt.Errorf("value %q contains the service character %q and the syntax has no release character", s, c)
			}
			b = append(b, d.Release)
		}
		b = append(b, c)
	}
	return b, nil
}
