package edifact

import "github.com/ordergate/ordergate/parsers"

// Envelope returns what a reply to the interchange needs of its envelope,
// in the form the pipeline stores (parsers.Interchange).
func (ic *Interchange) Envelope() parsers.Interchange {
	d := ic.Delimiters
	return parsers.Interchange{
		Sender: ic.Sender.ID, SenderQualifier: ic.Sender.Qualifier,
		Recipient: ic.Recipient.ID, RecipientQualifier: ic.Recipient.Qualifier,
		ControlRef: ic.ControlRef, SyntaxID: ic.SyntaxID, SyntaxVersion: ic.SyntaxVersion,
		ServiceChars: [6]byte{d.Component, d.Element, d.Decimal, d.Release, d.Repetition, d.Segment},
		HasUNA:       ic.HasUNA, Test: ic.Test,
	}
}

// InterchangeOf rebuilds the envelope of an interchange from what
// Envelope returned, for ReplyTo. It carries no messages: a CONTRL, which
// reports on every message, is built from the document itself.
func InterchangeOf(e parsers.Interchange) Interchange {
	c := e.ServiceChars
	return Interchange{
		Delimiters: Delimiters{Component: c[0], Element: c[1], Decimal: c[2], Release: c[3], Repetition: c[4], Segment: c[5]},
		HasUNA:     e.HasUNA, SyntaxID: e.SyntaxID, SyntaxVersion: e.SyntaxVersion,
		Sender:     PartyID{ID: e.Sender, Qualifier: e.SenderQualifier},
		Recipient:  PartyID{ID: e.Recipient, Qualifier: e.RecipientQualifier},
		ControlRef: e.ControlRef, Test: e.Test,
	}
}
