package edifact

import "bytes"

// DisplaySegment is one segment of an interchange as the desk reads it:
// the text as sent (release characters and all), the message it belongs to
// (1-based, 0 for the envelope) and its index within that message (UNH is
// 1), the numbering order.Source uses.
type DisplaySegment struct {
	Message int
	Index   int
	Tag     string
	Text    string
}

// Segments splits an interchange into its segments for display, with the
// service string advice (UNA) when there is one, else the defaults. It is
// forgiving: anything after the last terminator is a last segment, and
// line breaks between segments are dropped. It never fails; bytes that are
// not EDIFACT come back as one segment.
func Segments(data []byte) []DisplaySegment {
	term, release := byte('\''), byte('?')
	if bytes.HasPrefix(data, []byte("UNA")) && len(data) >= 9 {
		release, term = data[6], data[8]
		if release == ' ' {
			release = 0
		}
	}
	var out []DisplaySegment
	msg, idx, start := 0, 0, 0
	emit := func(end int) {
		text := string(bytes.TrimSpace(data[start:end]))
		start = end + 1
		if text == "" {
			return
		}
		tag := text
		if len(tag) > 3 {
			tag = tag[:3]
		}
		switch tag {
		case "UNH":
			msg++
			idx = 1
		case "UNA", "UNB", "UNG", "UNE", "UNZ":
			idx = 0
		default:
			if idx > 0 {
				idx++
			}
		}
		s := DisplaySegment{Index: idx, Tag: tag, Text: text}
		if idx > 0 {
			s.Message = msg
		}
		out = append(out, s)
		if tag == "UNT" {
			idx = 0
		}
	}
	if bytes.HasPrefix(data, []byte("UNA")) && len(data) >= 9 {
		out = append(out, DisplaySegment{Tag: "UNA", Text: string(data[:9])})
		start = 9
	}
	for i := start; i < len(data); i++ {
		switch data[i] {
		case release:
			if release != 0 {
				i++
			}
		case term:
			emit(i)
		}
	}
	if start < len(data) {
		emit(len(data))
	}
	return out
}
