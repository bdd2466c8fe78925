package edifact

import (
	"context"
	"fmt"
	"strconv"

	"github.com/ordergate/ordergate/order"
	"github.com/ordergate/ordergate/parsers"
)

// PartyID is an interchange sender or recipient (UNB S002/S003): the
// identification and its code qualifier (0007), e.g. "14" for a GLN.
type PartyID struct {
	ID        string
	Qualifier string
}

// Interchange is what the envelope of one UNB ... UNZ said and how each of
// its messages fared. It is what CONTRL and ORDRSP replies are built from.
// See ISO 9735-1 section 8, "Interchange structure".
type Interchange struct {
	Delimiters    Delimiters // as read (UNA or defaults)
	HasUNA        bool
	SyntaxID      string // UNB 0001, e.g. UNOC
	SyntaxVersion string // UNB 0002, "1" to "4"
	Sender        PartyID
	Recipient     PartyID
	Prepared      string // UNB S004 date:time as sent
	ControlRef    string // UNB 0020
	Test          bool   // UNB 0035 = 1
	AckRequested  bool   // UNB 0031 = 1: the sender asks for a CONTRL
	Messages      []MessageStatus
	// Err is the first envelope problem (UNZ count or reference, missing
	// UNZ); nil when the envelope is intact.
	Err *Error
}

// MessageStatus is the outcome of one message (UNH ... UNT).
type MessageStatus struct {
	Index    int    // 1-based position in the file
	Ref      string // UNH 0062
	Type     string // UNH S009 0065
	Version  string // 0052:0054:0051[:0057], e.g. D:96A:UN:EAN008
	GroupRef string // UNG 0048 when inside a group
	NotOrder bool   // read intact but not an order message
	Err      *Error // first syntax or mapping error; nil when accepted
}

// reader walks the segments of a stream through the envelope levels.
type reader struct {
	ctx context.Context
	sc  *Scanner
	res parsers.Result
	ics []Interchange

	ic       *Interchange // current interchange, nil outside
	icMsgs   int          // messages seen in ic
	icGroups int          // groups seen in ic
	grp      *group
	msg      *message
	nmsg     int // messages in the file
	dec      decoder
	first    *Error // first problem outside messages, for "no messages" errors
	lineHint int    // lines of the last order: capacity for the next one
	srcHint  int    // sources and identifiers of its last line: the room the
	idHint   int    // next order's first line gets (lines of one partner are alike)
	slabs    slabs  // the orders' lines and their values are carved from
	// bareWarned: the warning about a file without UNB was given.
	bareWarned bool
	stray      *stray         // segments outside a message since the last service segment
	refs       map[string]int // message references of the interchange: first message index
}

type group struct {
	ref  string
	msgs int
}

type message struct {
	status MessageStatus
	segs   int // segments so far, UNH = 1
	m      *orderMapper
	err    *Error
}

func (rd *reader) warn(e *Error) {
	if rd.first == nil {
		rd.first = e
	}
	rd.res.Warnings = append(rd.res.Warnings, e.Error())
}

func (rd *reader) run() error {
	sc := rd.sc
	n := 0
	for sc.Scan() {
		n++
		if n&4095 == 0 {
			if err := rd.ctx.Err(); err != nil {
				return fmt.Errorf("edifact: %w", err)
			}
		}
		seg := sc.Segment()
		if n == 1 && (seg.Tag() != "UNA" && seg.Tag() != "UNB" && !(seg.Tag() == "UNH" && sc.bare) || seg.Err != nil) {
			return &Error{Segment: seg.Tag(), Pos: seg.Pos, Code: CodeMissing, Msg: "the file does not start with an interchange; expected UNA or UNB"}
		}
		rd.segment(seg)
	}
	if err := sc.Err(); err != nil {
		e, ok := asError(err)
		if !ok {
			return err // read error: the document as a whole is lost
		}
		if n == 0 {
			return e
		}
		if rd.msg != nil {
			e.Index = rd.msg.segs + 1
			rd.fail(e)
		} else {
			rd.warn(e)
		}
	}
	rd.endOfFile()
	if rd.nmsg == 0 {
		if rd.first != nil {
			return fmt.Errorf("edifact: no message found in the file: %s", trimPrefix(rd.first))
		}
		return fmt.Errorf("edifact: no message found in the file; expected UNH ... UNT inside UNB ... UNZ")
	}
	return nil
}

func (rd *reader) endOfFile() {
	rd.endStray()
	if rd.msg != nil {
		m := rd.msg
		rd.fail(&Error{Segment: "UNT", Index: m.segs + 1, Code: CodeMissing,
			Msg: fmt.Sprintf("file ends inside message %q (truncated?); expected UNT", m.status.Ref)})
		rd.closeMessage()
	}
	if rd.ic != nil {
		rd.envelopeError(&Error{Segment: "UNZ", Code: CodeMissing,
			Msg: fmt.Sprintf("interchange %q has no UNZ trailer at the end of the file; complete messages before it were kept", rd.ic.ControlRef)})
		rd.closeInterchange()
	}
}

// envelopeError records damage to the interchange envelope.
func (rd *reader) envelopeError(e *Error) {
	if rd.ic != nil && rd.ic.Err == nil {
		rd.ic.Err = e
	}
	rd.warn(e)
}

func (rd *reader) segment(seg *Segment) {
	if rd.stray != nil && seg.Err == nil && isEnvelopeTag(seg.Tag()) {
		if seg.Tag() == "UNT" && rd.msg == nil {
			rd.lostMessage(seg)
			return
		}
		rd.endStray()
	}
	if seg.Err != nil {
		e := *seg.Err
		if rd.msg == nil {
			rd.strayAdd(seg, &e)
			return
		}
		rd.msg.segs++
		e.Index = rd.msg.segs
		rd.fail(&e)
		return
	}
	switch seg.Tag() {
	case "UNA":
		rd.interrupt("UNA", seg.Pos)
	case "UNB":
		rd.interrupt("UNB", seg.Pos)
		rd.openInterchange(seg)
	case "UNG":
		if rd.msg != nil {
			rd.interrupt("UNG", seg.Pos)
		}
		if rd.grp != nil {
			rd.warn(&Error{Segment: "UNG", Pos: seg.Pos, Code: CodeMissing, Msg: fmt.Sprintf("group %q has no UNE before the next UNG", rd.grp.ref)})
		}
		rd.grp = &group{ref: seg.Value(5, 1)}
		rd.icGroups++
	case "UNE":
		if rd.msg != nil {
			rd.interrupt("UNE", seg.Pos)
		}
		rd.closeGroup(seg)
	case "UNH":
		if rd.msg != nil {
			rd.interrupt("UNH", seg.Pos)
		}
		rd.openMessage(seg)
	case "UNT":
		if rd.msg == nil {
			rd.warn(&Error{Segment: "UNT", Pos: seg.Pos, Code: CodeNotSupported, Msg: "UNT outside a message ignored; expected UNH before it"})
			return
		}
		rd.msg.segs++
		rd.checkTrailer(seg)
		rd.closeMessage()
	case "UNZ":
		if rd.msg != nil {
			rd.interrupt("UNZ", seg.Pos)
		}
		if rd.grp != nil {
			rd.warn(&Error{Segment: "UNZ", Pos: seg.Pos, Code: CodeMissing, Msg: fmt.Sprintf("group %q has no UNE trailer", rd.grp.ref)})
			rd.grp = nil
		}
		rd.closeInterchangeWith(seg)
	default:
		if rd.msg == nil {
			rd.strayAdd(seg, &Error{Segment: seg.Tag(), Pos: seg.Pos, Code: CodeNotSupported, Msg: "segment outside a message ignored; expected UNH, UNG, UNE or UNZ"})
			return
		}
		m := rd.msg
		m.segs++
		if m.err != nil || m.m == nil {
			return
		}
		if e := m.m.segment(seg, m.segs); e != nil {
			e.Pos = seg.Pos
			rd.fail(e)
		}
	}
}

// interrupt closes an open message (and, for UNA/UNB, the interchange)
// that a service segment of an outer level cut short.
func (rd *reader) interrupt(tag string, pos int) {
	if rd.msg != nil {
		rd.fail(&Error{Segment: tag, Index: rd.msg.segs + 1, Pos: pos, Code: CodeMissing,
			Msg: fmt.Sprintf("message %q has no UNT trailer; expected UNT before %s", rd.msg.status.Ref, tag)})
		rd.closeMessage()
	}
	if (tag == "UNA" || tag == "UNB") && rd.ic != nil {
		rd.envelopeError(&Error{Segment: tag, Pos: pos, Code: CodeMissing,
			Msg: fmt.Sprintf("interchange %q has no UNZ trailer before the next interchange; its complete messages were kept", rd.ic.ControlRef)})
		rd.closeInterchange()
	}
}

// openInterchange reads UNB. See ISO 9735-1 section 9, segment UNB.
func (rd *reader) openInterchange(seg *Segment) {
	sc := rd.sc
	ic := Interchange{
		Delimiters:    sc.Delimiters(),
		HasUNA:        sc.HasUNA(),
		SyntaxID:      seg.Value(1, 1),
		SyntaxVersion: seg.Value(1, 2),
		Sender:        PartyID{seg.Value(2, 1), seg.Value(2, 2)},
		Recipient:     PartyID{seg.Value(3, 1), seg.Value(3, 2)},
		Prepared:      joinNonEmpty(seg.Value(4, 1), ":", seg.Value(4, 2)),
		ControlRef:    seg.Value(5, 1),
		Test:          seg.Value(11, 1) == "1",
		AckRequested:  seg.Value(9, 1) == "1",
	}
	rd.ics = append(rd.ics, ic)
	rd.ic = &rd.ics[len(rd.ics)-1]
	rd.icMsgs, rd.icGroups, rd.refs = 0, 0, nil
	rd.dec = newDecoder(CharsetOf(ic.SyntaxID))
	if rep := repetitionFor(ic); sc.Delimiters().Repetition != rep {
		sc.SetRepetition(rep)
		rd.ic.Delimiters = sc.Delimiters()
	}
	switch {
	case len(ic.SyntaxID) != 4:
		rd.envelopeError(&Error{Segment: "UNB", Pos: seg.Pos, Element: 1, Component: 1, Code: CodeInvalidValue,
			Msg: fmt.Sprintf("syntax identifier %q is not valid; expected four letters such as UNOA, UNOC or UNOW", ic.SyntaxID)})
	case ic.SyntaxVersion < "1" || ic.SyntaxVersion > "4":
		rd.envelopeError(&Error{Segment: "UNB", Pos: seg.Pos, Element: 1, Component: 2, Code: CodeSyntaxVersion,
			Msg: fmt.Sprintf("syntax version %q is not supported; expected 1, 2, 3 or 4", ic.SyntaxVersion)})
	case ic.Sender.ID == "":
		rd.envelopeError(&Error{Segment: "UNB", Pos: seg.Pos, Element: 2, Component: 1, Code: CodeMissing, Msg: "interchange sender identification is missing"})
	case ic.ControlRef == "":
		rd.envelopeError(&Error{Segment: "UNB", Pos: seg.Pos, Element: 5, Code: CodeMissing, Msg: "interchange control reference is missing"})
	}
	// Identification code qualifier 14 is a GLN (code list 0007).
	if id := ic.Sender.ID; ic.Sender.Qualifier == "14" && !(len(id) == 13 && order.ValidCheckDigit(id)) {
		rd.warn(&Error{Segment: "UNB", Pos: seg.Pos, Element: 2, Component: 1, Code: CodeInvalidValue,
			Msg: fmt.Sprintf("interchange sender %q is marked as a GLN (qualifier 14) but is not a GLN: 13 digits ending in the GS1 check digit", id)})
	}
}

func joinNonEmpty(a, sep, b string) string {
	if b == "" {
		return a
	}
	return a + sep + b
}

// closeInterchangeWith checks UNZ: 0036 counts the messages, or the groups
// when the interchange has groups; 0020 repeats the UNB reference.
func (rd *reader) closeInterchangeWith(seg *Segment) {
	if rd.ic == nil {
		rd.warn(&Error{Segment: "UNZ", Pos: seg.Pos, Code: CodeNotSupported, Msg: "UNZ without UNB ignored"})
		return
	}
	want, what := rd.icMsgs, "messages"
	if rd.icGroups > 0 {
		want, what = rd.icGroups, "groups"
	}
	count := seg.Value(1, 1)
	if n, err := strconv.Atoi(count); err != nil || n != want {
		rd.envelopeError(&Error{Segment: "UNZ", Pos: seg.Pos, Element: 1, Code: CodeCountMismatch,
			Msg: fmt.Sprintf("interchange control count is %q, expected %d (the number of %s received)", count, want, what)})
	} else if ref := seg.Value(2, 1); ref != rd.ic.ControlRef {
		rd.envelopeError(&Error{Segment: "UNZ", Pos: seg.Pos, Element: 2, Code: CodeRefMismatch,
			Msg: fmt.Sprintf("interchange control reference is %q, expected %q as in UNB", ref, rd.ic.ControlRef)})
	}
	rd.closeInterchange()
}

func (rd *reader) closeInterchange() {
	rd.ic, rd.grp = nil, nil
}

// closeGroup checks UNE: 0060 counts the messages of the group and 0048
// repeats the UNG reference.
func (rd *reader) closeGroup(seg *Segment) {
	if rd.grp == nil {
		rd.warn(&Error{Segment: "UNE", Pos: seg.Pos, Code: CodeNotSupported, Msg: "UNE without UNG ignored"})
		return
	}
	count := seg.Value(1, 1)
	if n, err := strconv.Atoi(count); err != nil || n != rd.grp.msgs {
		rd.envelopeError(&Error{Segment: "UNE", Pos: seg.Pos, Element: 1, Code: CodeCountMismatch,
			Msg: fmt.Sprintf("group control count is %q, expected %d (the number of messages in group %q)", count, rd.grp.msgs, rd.grp.ref)})
	} else if ref := seg.Value(2, 1); ref != rd.grp.ref {
		rd.envelopeError(&Error{Segment: "UNE", Pos: seg.Pos, Element: 2, Code: CodeRefMismatch,
			Msg: fmt.Sprintf("group reference is %q, expected %q as in UNG", ref, rd.grp.ref)})
	}
	rd.grp = nil
}

// openMessage reads UNH. See ISO 9735-1 section 9, segment UNH.
func (rd *reader) openMessage(seg *Segment) {
	rd.nmsg++
	switch {
	case rd.ic == nil && rd.sc.bare && !rd.bareWarned:
		rd.bareWarned = true
		rd.warn(&Error{Segment: "UNH", Pos: seg.Pos, Code: CodeMissing, Msg: "the file has no interchange header (UNB): its messages are read without the sender, recipient and control reference UNB gives, and no CONTRL can answer it; expected UNB ... UNZ around the messages"})
	case rd.ic == nil && !rd.sc.bare:
		rd.warn(&Error{Segment: "UNH", Pos: seg.Pos, Code: CodeMissing, Msg: "message outside an interchange; expected UNB before it"})
	}
	rd.icMsgs++
	if rd.grp != nil {
		rd.grp.msgs++
	}
	st := MessageStatus{
		Index:   rd.nmsg,
		Ref:     seg.Value(1, 1),
		Type:    seg.Value(2, 1),
		Version: seg.Value(2, 2),
	}
	if rd.ic != nil && st.Ref != "" {
		if prev, ok := rd.refs[st.Ref]; ok {
			rd.warn(&Error{Segment: "UNH", Pos: seg.Pos, Element: 1, Code: CodeInvalidValue,
				Msg: fmt.Sprintf("message reference %q of message %d was already used by message %d of interchange %q; a message reference must be unique within its interchange", st.Ref, rd.nmsg, prev, rd.ic.ControlRef)})
		} else {
			if rd.refs == nil {
				rd.refs = map[string]int{}
			}
			rd.refs[st.Ref] = rd.nmsg
		}
	}
	for c := 3; c <= 5; c++ {
		if v := seg.Value(2, c); v != "" {
			st.Version += ":" + v
		}
	}
	if rd.grp != nil {
		st.GroupRef = rd.grp.ref
	}
	m := &message{status: st, segs: 1}
	rd.msg = m
	switch {
	case st.Ref == "":
		m.err = &Error{Segment: "UNH", Index: 1, Pos: seg.Pos, Element: 1, Code: CodeMissing, Msg: "message reference number is missing"}
	case st.Type == "":
		m.err = &Error{Segment: "UNH", Index: 1, Pos: seg.Pos, Element: 2, Component: 1, Code: CodeMissing, Msg: "message type is missing; expected e.g. ORDERS"}
	case st.Type == "ORDERS" || st.Type == "ORDCHG":
		m.m = newOrderMapper(rd, seg)
	default:
		st := &m.status
		st.NotOrder = true
	}
}

// checkTrailer checks UNT: 0074 counts the segments from UNH to UNT
// inclusive and 0062 repeats the UNH reference.
func (rd *reader) checkTrailer(seg *Segment) {
	m := rd.msg
	count := seg.Value(1, 1)
	if n, err := strconv.Atoi(count); err != nil || n != m.segs {
		rd.fail(&Error{Segment: "UNT", Index: m.segs, Pos: seg.Pos, Element: 1, Code: CodeCountMismatch,
			Msg: fmt.Sprintf("segment count is %q, expected %d (the segments from UNH to UNT)", count, m.segs)})
	} else if ref := seg.Value(2, 1); ref != m.status.Ref {
		rd.fail(&Error{Segment: "UNT", Index: m.segs, Pos: seg.Pos, Element: 2, Code: CodeRefMismatch,
			Msg: fmt.Sprintf("message reference is %q, expected %q as in UNH", ref, m.status.Ref)})
	}
}

// fail records the first error of the current message.
func (rd *reader) fail(e *Error) {
	if rd.msg != nil && rd.msg.err == nil {
		rd.msg.err = e
	}
}

// closeMessage turns the finished message into an order or an error.
func (rd *reader) closeMessage() {
	m := rd.msg
	rd.msg = nil
	st := m.status
	if m.err == nil && m.m != nil {
		o, err := m.m.finish()
		if err != nil {
			m.err = err
		} else {
			for _, w := range m.m.warnings {
				if w.order {
					o.Warnings = append(o.Warnings, w.text)
				}
			}
			if n := m.m.nstruct - maxStructureWarnings; n > 0 {
				o.Warnings = append(o.Warnings, fmt.Sprintf("%d more segments out of place in the segment table", n))
			}
			rd.res.Orders = append(rd.res.Orders, o)
			rd.lineHint = min(len(o.Lines), 1024)
			if n := len(o.Lines); n > 0 {
				rd.srcHint, rd.idHint = max(len(o.Lines[n-1].Sources), 4), max(len(o.Lines[n-1].Identifiers), 1)
			}
		}
	}
	if m.m != nil && m.err == nil {
		for _, w := range m.m.warnings {
			rd.res.Warnings = append(rd.res.Warnings, fmt.Sprintf("edifact: message %d (%s %q): %s", st.Index, st.Type, st.Ref, w.text))
		}
		if n := m.m.nstruct - maxStructureWarnings; n > 0 {
			rd.res.Warnings = append(rd.res.Warnings, fmt.Sprintf("edifact: message %d (%s %q): %d more segments out of place in the segment table", st.Index, st.Type, st.Ref, n))
		}
	}
	st.Err = m.err
	if rd.ic != nil {
		rd.ic.Messages = append(rd.ic.Messages, st)
	}
	switch {
	case st.NotOrder:
		rd.res.Errors = append(rd.res.Errors, parsers.MessageError{Index: st.Index, Ref: st.Ref, Type: st.Type, NotOrder: true,
			Message: fmt.Sprintf("edifact: not an order: %s message; expected ORDERS or ORDCHG", describeType(st.Type))})
	case st.Err != nil:
		rd.res.Errors = append(rd.res.Errors, parsers.MessageError{Index: st.Index, Ref: st.Ref, Type: st.Type,
			Message: fmt.Sprintf("edifact: message %d (%s %q): %s", st.Index, st.Type, st.Ref, trimPrefix(st.Err))})
	}
}

// envelope returns the order.Envelope and sender of the current message.
func (rd *reader) envelope(st MessageStatus, assoc string) (*order.Envelope, order.Sender) {
	env := &order.Envelope{
		MessageRef:      st.Ref,
		MessageType:     st.Type,
		MessageVersion:  st.Version,
		AssociationCode: assoc,
		MessageIndex:    st.Index,
		GroupRef:        st.GroupRef,
	}
	var snd order.Sender
	if ic := rd.ic; ic != nil {
		env.Syntax = joinNonEmpty(ic.SyntaxID, ":", ic.SyntaxVersion)
		env.InterchangeRef = ic.ControlRef
		env.InterchangeFrom = ic.Sender.ID
		env.InterchangeTo = ic.Recipient.ID
		env.TestIndicator = ic.Test
		env.PreparationStamp = ic.Prepared
		snd = order.Sender{Kind: order.SenderEDI, ID: ic.Sender.ID, Qualifier: ic.Sender.Qualifier}
	}
	return env, snd
}

// repetitionFor is the repetition separator an interchange uses, known once
// its UNB names the syntax version: the one its UNA declares (none when the
// UNA leaves it blank), else '*' in syntax version 4 (the ISO 9735-1
// default) and none before version 4.
func repetitionFor(ic Interchange) byte {
	if ic.SyntaxVersion != "4" {
		return 0
	}
	if ic.HasUNA {
		return ic.Delimiters.Repetition
	}
	return '*'
}

// stray is a run of segments outside any message. It is noise (a stray
// segment between messages, a warning) unless it ends with UNT or holds a
// BGM: then it is a message whose UNH was damaged or lost, an error of that
// message, so that nothing a partner sent goes missing with only warnings.
type stray struct {
	tag      string // the first segment's tag as read
	pos      int
	offset   int64
	segs     int
	bgm      bool
	damaged  bool     // the first segment's tag is not valid
	typ, ver string   // message identifier of a first segment shaped like UNH
	ref      string   // its message reference
	warnings []*Error // what is said if it turns out to be noise
}

func (rd *reader) strayAdd(seg *Segment, e *Error) {
	st := rd.stray
	if st == nil {
		st = &stray{tag: clip(seg.Bytes(0, 1)), pos: seg.Pos, offset: seg.Offset, damaged: seg.Err != nil}
		// A damaged UNH still has its elements: reference, then the
		// message identifier (ORDERS:D:96A:UN).
		if t := seg.Value(2, 1); len(t) == 6 && isUpper(t) {
			st.ref, st.typ, st.ver = seg.Value(1, 1), t, seg.Value(2, 2)
			for c := 3; c <= 5; c++ {
				if v := seg.Value(2, c); v != "" {
					st.ver += ":" + v
				}
			}
		}
		rd.stray = st
	}
	st.segs++
	st.bgm = st.bgm || seg.Tag() == "BGM"
	st.warnings = append(st.warnings, e)
}

// isEnvelopeTag reports whether tag is a service segment of the envelope
// (ISO 9735-1 section 8): UNA, UNB, UNG, UNH, UNT, UNE or UNZ.
func isEnvelopeTag(tag string) bool {
	switch tag {
	case "UNA", "UNB", "UNG", "UNH", "UNT", "UNE", "UNZ":
		return true
	}
	return false
}

func isUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// endStray settles a run of segments outside a message that a service
// segment (or the end of the file) ends: a lost message when it has a BGM,
// else its warnings.
func (rd *reader) endStray() {
	st := rd.stray
	if st == nil {
		return
	}
	if st.bgm {
		rd.lostMessage(nil)
		return
	}
	rd.stray = nil
	for _, w := range st.warnings {
		rd.warn(w)
	}
}

// lostMessage records the segments of rd.stray as a message that could not
// be read, closed by unt (nil when no UNT came).
func (rd *reader) lostMessage(unt *Segment) {
	st := rd.stray
	rd.stray = nil
	rd.nmsg++
	rd.icMsgs++
	if rd.grp != nil {
		rd.grp.msgs++
	}
	ms := MessageStatus{Index: rd.nmsg, Ref: st.ref, Type: st.typ, Version: st.ver}
	if rd.grp != nil {
		ms.GroupRef = rd.grp.ref
	}
	head := fmt.Sprintf("segment %q", st.tag)
	if st.damaged {
		head = fmt.Sprintf("a segment with the damaged tag %q", st.tag)
	}
	where := fmt.Sprintf("file segment %d, byte %d", st.pos, st.offset)
	if l := rd.sc.Line(st.offset); l > 0 {
		where += fmt.Sprintf(", line %d", l)
	}
	var msg string
	if unt != nil {
		if ms.Ref == "" {
			ms.Ref = unt.Value(2, 1)
		}
		msg = fmt.Sprintf("the message header is damaged or missing: %s (%s) stands where UNH should, and the %d segments from it up to UNT (file segment %d) could not be read as a message", head, where, st.segs, unt.Pos)
		if n, err := strconv.Atoi(unt.Value(1, 1)); err == nil && n == st.segs+1 {
			msg += "; the UNT count, " + strconv.Itoa(n) + ", takes that segment for the UNH"
		}
	} else {
		msg = fmt.Sprintf("segments with a BGM (an order?) stand outside a message from %s on, without UNH and UNT: they could not be read as a message", where)
	}
	ms.Err = &Error{Segment: "UNH", Index: 1, Pos: st.pos, Code: CodeMissing, Msg: msg}
	if rd.ic != nil {
		rd.ic.Messages = append(rd.ic.Messages, ms)
	}
	name := fmt.Sprintf("reference %q", ms.Ref)
	if ms.Type != "" {
		name = fmt.Sprintf("%s %q", ms.Type, ms.Ref)
	}
	rd.res.Errors = append(rd.res.Errors, parsers.MessageError{Index: ms.Index, Ref: ms.Ref, Type: ms.Type,
		Message: fmt.Sprintf("edifact: message %d (%s): %s", ms.Index, name, trimPrefix(ms.Err))})
}
