package review

import (
	"fmt"
	"html/template"
	"time"

	"github.com/ordergate/ordergate/intake"
	"github.com/ordergate/ordergate/matching"
	"github.com/ordergate/ordergate/order"
)

// viewFuncs are the templates' helpers. Every value they print is escaped
// by html/template; none returns template.HTML except the dashboard's
// charts, which are built from numbers and escaped labels (charts.go).
var viewFuncs = template.FuncMap{
	"age":         age,
	"ageClass":    ageClass,
	"codeClass":   codeClass,
	"exClass":     exClass,
	"channelName": channelName,
	"money":       money,
	"pct":         func(f float64) string { return fmt.Sprintf("%.0f%%", 100*f) },
	"inc":         func(i int) int { return i + 1 },
}

// age renders how long ago t was, as the queue shows it: "5m", "3h12",
// "2d4h".
func age(t time.Time) string {
	d := time.Since(t)
	switch {
	case d < time.Minute:
		return "<1m"
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 24*time.Hour:
		return fmt.Sprintf("%dh%02d", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%dd%dh", int(d.Hours())/24, int(d.Hours())%24)
}

// ageClass colours an age against the SLA: green under a quarter of it,
// amber under it, red beyond.
func ageClass(sla time.Duration, t time.Time) string {
	switch d := time.Since(t); {
	case d < sla/4:
		return "sla-ok"
	case d < sla:
		return "sla-warn"
	}
	return "sla-late"
}

// codeClass colours an exception code: red blocks approval, amber is a
// warning the approval confirms.
func codeClass(code string) string {
	if confirmableCode(code) {
		return "warn"
	}
	return "block"
}

func exClass(code string) string {
	if confirmableCode(code) {
		return "ex-warn"
	}
	return "ex-block"
}

// confirmableCode says whether a code is a warning the approval confirms as
// it stands: a price difference blocks until the desk accepts the price
// (then the order page shows it amber); a credit limit an admin may confirm.
func confirmableCode(code string) bool {
	if matching.Code(code) == matching.CreditLimit {
		return true
	}
	return intake.Confirmable(order.Exception{Code: code}, &order.PurchaseOrder{}, intake.Actor{})
}

// channelName names how an order came: "EDI", "mail", "sheet", "upload".
func channelName(channel, format string) string {
	switch {
	case format == "edifact":
		return "EDI"
	case format == "xlsx" || format == "csv":
		return "sheet"
	case channel == intake.ChannelEmail:
		return "mail"
	case channel == intake.ChannelFile:
		return "file"
	}
	return channel
}

// money renders an amount with two decimals at least.
func money(d *order.Decimal) string {
	if d == nil {
		return ""
	}
	s := d.String()
	dot := -1
	for i := range len(s) {
		if s[i] == '.' {
			dot = i
		}
	}
	switch {
	case dot < 0:
		return s + ".00"
	case len(s)-dot == 2:
		return s + "0"
	}
	return s
}
