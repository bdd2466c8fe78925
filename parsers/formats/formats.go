// Package formats puts together the formats this build reads, in one
// place for the gateway and for the tests that must read documents as it
// does (a mail's attachments above all: a test with fewer formats than
// production records a CSV attachment as "not read automatically" where
// production reads its order).
package formats

import (
	"github.com/ordergate/ordergate/parsers"
	"github.com/ordergate/ordergate/parsers/edifact"
	"github.com/ordergate/ordergate/parsers/email"
	"github.com/ordergate/ordergate/parsers/sheet"
)

// Options are the settings of the formats; the zero value is the
// defaults.
type Options struct {
	Sheets sheet.Options
	// Limits bound every order's quantities and prices, an attachment's
	// as well.
	Limits parsers.Limits
	Mail   email.Limits
}

// Attachments is the registry a mail's attachments are read by, each by
// its content: every format but mail itself.
func Attachments(o Options) *parsers.Registry {
	return parsers.NewRegistry(edifact.New(), sheet.NewXLSX(o.Sheets), sheet.NewCSV(o.Sheets)).WithLimits(o.Limits)
}

// Mail is the mail parser, reading attachments by Attachments.
func Mail(o Options) *email.Parser {
	return email.New(email.Options{Limits: o.Mail, Attachments: Attachments(o)})
}

// Registry lists every format in sniffing order. The mail parser comes
// right after EDIFACT: its sniff (mail header fields) is strict, and a
// mail must never be taken for a CSV file.
func Registry(o Options) *parsers.Registry {
	return parsers.NewRegistry(edifact.New(), Mail(o), sheet.NewXLSX(o.Sheets), sheet.NewCSV(o.Sheets)).WithLimits(o.Limits)
}
