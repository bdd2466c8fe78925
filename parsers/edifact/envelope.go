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
		if n == 1 && (seg.Tag != "UNA" && seg.Tag != "UNB" || seg.Err != nil) {
			return &Error{Segment: seg.Tag, Pos: seg.Pos, Code: CodeMissing, Msg: "the file does not start with an interchange; expected UNA or UNB"}
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
	if seg.Err != nil {
		e := *seg.Err
		if rd.msg == nil {
			rd.warn(&e)
			return
		}
		rd.msg.segs++
		e.Index = rd.msg.segs
		rd.fail(&e)
		return
	}
	switch seg.Tag {
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
			rd.warn(&Error{Segment: seg.Tag, Pos: seg.Pos, Code: CodeNotSupported, Msg: "segment outside a message ignored; expected UNH, UNG, UNE or UNZ"})
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
	rd.icMsgs, rd.icGroups = 0, 0
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
	if rd.ic == nil {
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
			rd.res.Orders = append(rd.res.Orders, o)
			rd.lineHint = min(len(o.Lines), 1024)
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
