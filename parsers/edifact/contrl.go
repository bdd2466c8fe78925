package edifact

import (
	"io"
	"strconv"
	"strings"
)

// Action codes of a CONTRL report (ISO 9735 data element 0083).
const (
	ActionRejected     = "4" // this level and all lower levels rejected
	ActionAcknowledged = "7" // this level acknowledged; lower levels too unless rejected
)

// Contrl is a syntax and service report: the answer to one inbound
// interchange. See UN/EDIFACT CONTRL (ISO 9735-5 annex B), segments UCI
// (interchange response), UCM (message response), UCS (segment error) and
// UCD (data element error).
type Contrl struct {
	InterchangeRef string  // UNB 0020 of the interchange reported on
	Sender         PartyID // its sender (our partner)
	Recipient      PartyID // its recipient (us)
	Action         string  // ActionAcknowledged or ActionRejected
	Code           string  // syntax error code (0085) of an envelope error, if any
	Segment        string  // service segment tag of that error (0013), e.g. UNZ
	Messages       []ContrlMessage
}

// ContrlMessage is the response to one message (UCM, with UCS/UCD when a
// segment or element is in error).
type ContrlMessage struct {
	Ref     string // UNH 0062
	Type    string // UNH 0065
	Version string // 0052:0054:0051[:0057]
	Action  string // ActionAcknowledged or ActionRejected
	Code    string // syntax error code (0085)
	// Where the error is: a service segment (UNH/UNT) is named in UCM
	// (Segment, with Element and Component), any other segment by its
	// position in the message (UCS, with Element and Component in UCD).
	// Both are empty for an error of the message as a whole.
	Segment   string
	Position  int // 1-based position of the segment in the message (UNH = 1)
	Element   int
	Component int
}

// NewContrl builds the report for an interchange as Parser read it: every
// message acknowledged, or rejected with the code and place of its first
// error. Messages that are not orders are rejected with code 14 (value not
// supported) on UNH element 2, so the partner does not believe we processed
// an invoice. The interchange is rejected only when no message is accepted.
func NewContrl(in Interchange) Contrl {
	c := Contrl{InterchangeRef: in.ControlRef, Sender: in.Sender, Recipient: in.Recipient, Action: ActionAcknowledged}
	if in.Err != nil {
		c.Code, c.Segment = in.Err.Code, in.Err.Segment
	}
	accepted := 0
	for _, st := range in.Messages {
		m := ContrlMessage{Ref: st.Ref, Type: st.Type, Version: st.Version, Action: ActionAcknowledged}
		switch e := st.Err; {
		case st.NotOrder:
			m.Action, m.Code, m.Segment, m.Element = ActionRejected, CodeValueNotSupported, "UNH", 2
		case e != nil:
			m.Action, m.Code = ActionRejected, e.Code
			if m.Code == "" {
				m.Code = CodeUnspecified
			}
			if e.Segment == "UNH" || e.Segment == "UNT" {
				m.Segment, m.Element, m.Component = e.Segment, e.Element, e.Component
			} else if e.Index > 0 {
				m.Position, m.Element, m.Component = e.Index, e.Element, e.Component
			}
		default:
			accepted++
		}
		c.Messages = append(c.Messages, m)
	}
	if accepted == 0 && len(in.Messages) > 0 || len(in.Messages) == 0 && in.Err != nil {
		c.Action = ActionRejected
	}
	return c
}

// contrlVersion returns the CONTRL message identifier (version:release:
// agency) for a syntax version: 2:2 for versions 1 and 2, D:3 for version
// 3 and 4:1 for version 4 (ISO 9735-5 annex B, CONTRL).
func contrlVersion(syntaxVersion string) string {
	switch syntaxVersion {
	case "4":
		return "4:1:UN"
	case "1", "2":
		return "2:2:UN"
	}
	return "D:3:UN"
}

// WriteContrl writes c as one CONTRL message in an interchange described by
// out (see ReplyTo), with message reference msgRef.
func WriteContrl(w io.Writer, out Outbound, msgRef string, c Contrl) error {
	wr := NewWriter(w, out)
	wr.BeginMessage(msgRef, "CONTRL", contrlVersion(out.SyntaxVersion))
	wr.Segment("UCI", []string{c.InterchangeRef}, []string{c.Sender.ID, c.Sender.Qualifier},
		[]string{c.Recipient.ID, c.Recipient.Qualifier}, []string{c.Action}, []string{c.Code}, []string{c.Segment})
	for _, m := range c.Messages {
		id := append([]string{m.Type}, strings.Split(m.Version, ":")...)
		service := m.Segment == "UNH" || m.Segment == "UNT"
		if service {
			wr.Segment("UCM", []string{m.Ref}, id, []string{m.Action}, []string{m.Code}, []string{m.Segment}, pos(m.Element, m.Component))
			continue
		}
		if m.Action == ActionRejected && m.Position == 0 {
			// An error of the message as a whole.
			wr.Segment("UCM", []string{m.Ref}, id, []string{m.Action}, []string{m.Code}, []string{m.Segment})
			continue
		}
		wr.Segment("UCM", []string{m.Ref}, id, []string{m.Action})
		if m.Action != ActionRejected {
			continue
		}
		if m.Element == 0 {
			wr.Segment("UCS", []string{strconv.Itoa(m.Position)}, []string{m.Code})
			continue
		}
		wr.Segment("UCS", []string{strconv.Itoa(m.Position)})
		wr.Segment("UCD", []string{m.Code}, pos(m.Element, m.Component))
	}
	return wr.Close()
}

func pos(e, c int) []string {
	if e == 0 {
		return nil
	}
	s := []string{strconv.Itoa(e)}
	if c > 0 {
		s = append(s, strconv.Itoa(c))
	}
	return s
}

// ParseContrl reads the first CONTRL message of data, e.g. a partner's
// report on an interchange we sent, or our own for a round trip.
func ParseContrl(data []byte) (Contrl, error) {
	var c Contrl
	var cur *ContrlMessage
	atoi := func(s string) int { n, _ := strconv.Atoi(s); return n }
	done := false
	_, err := walkMessages(data, "CONTRL", func(Interchange, *Segment, decoder) {}, func(s *Segment, idx int) error {
		if done {
			return nil
		}
		switch s.Tag() {
		case "UCI":
			c = Contrl{InterchangeRef: s.Value(1, 1), Sender: PartyID{s.Value(2, 1), s.Value(2, 2)},
				Recipient: PartyID{s.Value(3, 1), s.Value(3, 2)}, Action: s.Value(4, 1), Code: s.Value(5, 1), Segment: s.Value(6, 1)}
		case "UCM":
			ver := []string{}
			for i := 2; i <= s.Components(2); i++ {
				ver = append(ver, s.Value(2, i))
			}
			c.Messages = append(c.Messages, ContrlMessage{Ref: s.Value(1, 1), Type: s.Value(2, 1), Version: strings.Join(ver, ":"),
				Action: s.Value(3, 1), Code: s.Value(4, 1), Segment: s.Value(5, 1), Element: atoi(s.Value(6, 1)), Component: atoi(s.Value(6, 2))})
			cur = &c.Messages[len(c.Messages)-1]
		case "UCS":
			if cur != nil {
				cur.Position = atoi(s.Value(1, 1))
				if v := s.Value(2, 1); v != "" {
					cur.Code = v
				}
			}
		case "UCD":
			if cur != nil {
				cur.Code, cur.Element, cur.Component = s.Value(1, 1), atoi(s.Value(2, 1)), atoi(s.Value(2, 2))
			}
		}
		return nil
	}, func() error { done = true; return nil })
	return c, err
}
