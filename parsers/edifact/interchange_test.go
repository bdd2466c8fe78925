package edifact

import (
	"reflect"
	"testing"
)

// TestStoredEnvelopeAnswersLikeTheInterchange: the envelope the pipeline
// stores rebuilds an interchange whose reply (UNA, UNB) is the reply to the
// interchange as read, for unusual service characters, level B separators
// and syntax version 4 alike.
func TestStoredEnvelopeAnswersLikeTheInterchange(t *testing.T) {
	docs := map[string][]byte{
		"una_unusual.edi": fixture(t, "una_unusual.edi"),
		"unoc_latin1.edi": fixture(t, "unoc_latin1.edi"),
		"multi.edi":       fixture(t, "multi.edi"),
		"level B":         []byte("UNB\x1DUNOB\x1F3\x1DS\x1F14\x1DR\x1DX\x1F1\x1D1\x1CUNH\x1D1\x1DORDERS\x1FD\x1F96A\x1FUN\x1CUNT\x1D2\x1D1\x1CUNZ\x1D1\x1D1\x1C"),
		"version 4":       []byte("UNA:+.?*'UNB+UNOW:4+S+R:ZZ+20260315:1030+V4++++++1'UNH+1+ORDERS:D:01B:UN'UNT+2+1'UNZ+1+V4'"),
	}
	for name, data := range docs {
		ics, res := readInterchanges(t, data)
		if len(ics) == 0 || len(res.Interchanges) != len(ics) {
			t.Fatalf("%s: %d interchanges, %d envelopes", name, len(ics), len(res.Interchanges))
		}
		for i, ic := range ics {
			back := InterchangeOf(res.Interchanges[i])
			if got, want := ReplyTo(back, us, "R1", replyAt), ReplyTo(ic, us, "R1", replyAt); !reflect.DeepEqual(got, want) {
				t.Errorf("%s #%d: reply from the stored envelope\n %+v\nwant %+v", name, i, got, want)
			}
			if back.Sender != ic.Sender || back.Recipient != ic.Recipient || back.ControlRef != ic.ControlRef {
				t.Errorf("%s #%d: parties %+v", name, i, back)
			}
		}
	}
}
