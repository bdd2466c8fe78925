package edifact

import (
	"fmt"
	"strconv"
	"time"

	"github.com/ordergate/ordergate/order"
)

// period is what a DTM value names: one day (to is zero) or the days from
// from to to, both included (a range, a week, a month).
type period struct {
	from, to order.Date
}

// last is the period's last day.
func (p period) last() order.Date {
	if p.to.IsZero() {
		return p.from
	}
	return p.to
}

// dtmFormat is how one format of code list 2379 is read: the length of its
// value, and a function from the digits to the period.
type dtmFormat struct {
	layout string // as UNCL 2379 writes it, e.g. CCYYMMDD-CCYYMMDD
	read   func(v string) (period, bool)
}

// dtmFormats are the formats of UN/EDIFACT code list 2379 (D.01B) that name
// a day or a period of days. The others (times of day, durations, a month
// without a year) say nothing a delivery date can be made of.
var dtmFormats = map[string]dtmFormat{
	"2":   {"DDMMYY", func(v string) (period, bool) { return day(yy(v[4:6]), v[2:4], v[0:2]) }},
	"3":   {"MMDDYY", func(v string) (period, bool) { return day(yy(v[4:6]), v[0:2], v[2:4]) }},
	"4":   {"DDMMCCYY", func(v string) (period, bool) { return day(v[4:8], v[2:4], v[0:2]) }},
	"5":   {"DDMMCCYYHHMM", func(v string) (period, bool) { return day(v[4:8], v[2:4], v[0:2]) }},
	"101": {"YYMMDD", yymmdd},
	"102": {"CCYYMMDD", ccyymmdd},
	"103": {"YYWWD", func(v string) (period, bool) { return weekday(yy(v[0:2]), v[2:4], v[4:5]) }},
	"105": {"YYDDD", func(v string) (period, bool) { return ordinal(yy(v[0:2]), v[2:5]) }},
	"201": {"YYMMDDHHMM", yymmdd},
	"202": {"YYMMDDHHMMSS", yymmdd},
	"203": {"CCYYMMDDHHMM", ccyymmdd},
	"204": {"CCYYMMDDHHMMSS", ccyymmdd},
	"205": {"CCYYMMDDHHMMZHHMM", ccyymmdd},
	"301": {"YYMMDDHHMMZZZ", yymmdd},
	"302": {"YYMMDDHHMMSSZZZ", yymmdd},
	"303": {"CCYYMMDDHHMMZZZ", ccyymmdd},
	"304": {"CCYYMMDDHHMMSSZZZ", ccyymmdd},
	"602": {"CCYY", ccyy},
	"604": {"CCYYS", ccyys},
	"608": {"CCYYQ", ccyyq},
	"609": {"YYMM", yymm},
	"610": {"CCYYMM", ccyymm},
	"613": {"YYMMA", func(v string) (period, bool) { return halfMonth(yy(v[0:2]), v[2:4], v[4:5]) }},
	"614": {"CCYYMMA", func(v string) (period, bool) { return halfMonth(v[0:4], v[4:6], v[6:7]) }},
	"615": {"YYWW", yyww},
	"616": {"CCYYWW", ccyyww},
	"702": {"CCYY-CCYY", rangeOf(ccyy)},
	"704": {"CCYYS-CCYYS", rangeOf(ccyys)},
	"708": {"CCYYQ-CCYYQ", rangeOf(ccyyq)},
	"709": {"YYMM-YYMM", rangeOf(yymm)},
	"710": {"CCYYMM-CCYYMM", rangeOf(ccyymm)},
	"713": {"YYMMDDHHMM-YYMMDDHHMM", rangeOf(yymmdd)},
	"715": {"YYWW-YYWW", rangeOf(yyww)},
	"716": {"CCYYWW-CCYYWW", rangeOf(ccyyww)},
	"717": {"YYMMDD-YYMMDD", rangeOf(yymmdd)},
	"718": {"CCYYMMDD-CCYYMMDD", rangeOf(ccyymmdd)},
	"719": {"CCYYMMDDHHMM-CCYYMMDDHHMM", rangeOf(ccyymmdd)},
}

// noDay are the formats of code list 2379 that do not name a day or a
// period of days: times, durations, parts of a date without the year.
var noDay = map[string]string{
	"106": "MMDD (no year)", "107": "DDD (no year)", "108": "WW (no year)", "109": "MM (no year)", "110": "DD (no year)",
	"305": "MMDDHHMM (no year)", "306": "DDHHMM (no year)", "401": "HHMM (a time)", "402": "HHMMSS (a time)",
	"404": "HHMMSSZZZ (a time)", "405": "MMMMSS (a duration)", "406": "ZHHMM (a time zone)", "501": "HHMMHHMM (times)",
	"502": "HHMMSS-HHMMSS (times)", "503": "HHMMSSZZZ-HHMMSSZZZ (times)", "600": "CC (a century)", "601": "YY (a year without century)",
	"603": "YYS (a semester without century)", "701": "YY-YY (years without century)", "703": "YYS-YYS", "705": "YYPYYP",
	"706": "CCYYP-CCYYP (four-month periods)", "707": "YYQ-YYQ", "720": "DHHMM-DHHMM (days of the week)",
	"801": "a number of years", "802": "a number of months", "803": "a number of weeks", "804": "a number of days",
	"805": "a number of hours", "806": "a number of minutes", "807": "a number of seconds", "808": "a number of semesters",
	"809": "a number of four-month periods", "810": "a number of trimesters", "811": "a number of half months",
	"812": "a number of ten-day periods", "813": "a day of the week", "814": "a number of working days",
}

// parseDTM reads a C507 value (2380) in its format (2379): the formats of
// dtmFormats, with or without the hyphen of a range ("to be given without
// hyphen", UNCL 2379 for 718 and its kind). Without a format, CCYYMMDD,
// CCYYMMDDHHMM and CCYYMMDDHHMMSS are recognised by length (102, 203, 204,
// the default of most directories' DTM notes).
func parseDTM(v, format string) (period, error) {
	if format == "" {
		switch len(v) {
		case 8:
			format = "102"
		case 12:
			format = "203"
		case 14:
			format = "204"
		default:
			return period{}, fmt.Errorf("date %q has no format (2379) and is not CCYYMMDD, CCYYMMDDHHMM or CCYYMMDDHHMMSS", v)
		}
	}
	f, ok := dtmFormats[format]
	if !ok {
		if what, known := noDay[format]; known {
			return period{}, fmt.Errorf("date %q is in format %s, %s, which names no day", v, format, what)
		}
		return period{}, fmt.Errorf("date format %q is not a format of code list 2379 this reader knows; expected e.g. 102 (CCYYMMDD), 203 (CCYYMMDDHHMM) or 718 (CCYYMMDD-CCYYMMDD)", format)
	}
	n := 0
	for i := 0; i < len(f.layout); i++ {
		if f.layout[i] != '-' {
			n++
		}
	}
	digits := v
	if len(v) == len(f.layout) && len(f.layout) > n {
		// A range written with its hyphen.
		h := indexByte(f.layout, '-')
		if v[h] != '-' {
			return period{}, fmt.Errorf("date %q does not match format %s; expected %s", v, format, f.layout)
		}
		digits = v[:h] + v[h+1:]
	}
	if len(digits) != n || !digitsOnly(digits, f.layout) {
		return period{}, fmt.Errorf("date %q does not match format %s; expected %s", v, format, f.layout)
	}
	p, ok := f.read(digits)
	if !ok {
		return period{}, fmt.Errorf("date %q is not a valid calendar date (format %s, %s)", v, format, f.layout)
	}
	if !p.to.IsZero() && p.to.Before(p.from) {
		return period{}, fmt.Errorf("period %q ends before it starts (format %s, %s)", v, format, f.layout)
	}
	return p, nil
}

func indexByte(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}

// digitsOnly reports whether v holds digits wherever the layout has one:
// everywhere but the sign of a time zone offset (Z in 205) and the time
// zone code ZZZ of 301 to 304, which may be letters.
func digitsOnly(v, layout string) bool {
	l := make([]byte, 0, len(layout))
	for i := 0; i < len(layout); i++ {
		if layout[i] != '-' {
			l = append(l, layout[i])
		}
	}
	for i := 0; i < len(v); i++ {
		if l[i] == 'Z' {
			continue
		}
		if v[i] < '0' || v[i] > '9' {
			return false
		}
	}
	return true
}

// yy turns a year without century into one: 00 to 69 are 2000 to 2069,
// 70 to 99 are 1970 to 1999 (the window of POSIX strptime %y).
func yy(v string) string {
	if v < "70" {
		return "20" + v
	}
	return "19" + v
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// The readers of the formats (v holds only the digits of the format).
func ccyymmdd(v string) (period, bool) { return day(v[0:4], v[4:6], v[6:8]) }
func yymmdd(v string) (period, bool)   { return day(yy(v[0:2]), v[2:4], v[4:6]) }
func ccyy(v string) (period, bool)     { return months(v[0:4], 1, 12) }
func ccyys(v string) (period, bool)    { return part(v[0:4], v[4:5], 2) }
func ccyyq(v string) (period, bool)    { return part(v[0:4], v[4:5], 4) }
func yymm(v string) (period, bool)     { return month(yy(v[0:2]), v[2:4]) }
func ccyymm(v string) (period, bool)   { return month(v[0:4], v[4:6]) }
func yyww(v string) (period, bool)     { return week(yy(v[0:2]), v[2:4]) }
func ccyyww(v string) (period, bool)   { return week(v[0:4], v[4:6]) }

// day is the period of one calendar day; impossible dates are refused.
func day(y, m, d string) (period, bool) {
	yr, mo, dy := atoi(y), atoi(m), atoi(d)
	t := time.Date(yr, time.Month(mo), dy, 0, 0, 0, 0, time.UTC)
	if yr == 0 || t.Year() != yr || int(t.Month()) != mo || t.Day() != dy {
		return period{}, false
	}
	return period{from: order.NewDate(yr, time.Month(mo), dy)}, true
}

// months is the period from the first day of month a to the last of month b.
func months(y string, a, b int) (period, bool) {
	yr := atoi(y)
	if yr == 0 || a < 1 || b > 12 || a > b {
		return period{}, false
	}
	from := time.Date(yr, time.Month(a), 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(yr, time.Month(b)+1, 0, 0, 0, 0, 0, time.UTC)
	return period{from: order.DateOf(from), to: order.DateOf(to)}, true
}

func month(y, m string) (period, bool) { return months(y, atoi(m), atoi(m)) }

// part is semester or quarter n of a year: the year in parts of 12/count months.
func part(y, n string, count int) (period, bool) {
	k := atoi(n)
	if k < 1 || k > count {
		return period{}, false
	}
	size := 12 / count
	return months(y, (k-1)*size+1, k*size)
}

// halfMonth is the first (A = 1, days 1 to 15) or second half (A = 2) of a month.
func halfMonth(y, m, a string) (period, bool) {
	p, ok := month(y, m)
	if !ok || (a != "1" && a != "2") {
		return period{}, false
	}
	mid := order.NewDate(int(p.from.Year), time.Month(p.from.Month), 15)
	if a == "1" {
		return period{from: p.from, to: mid}, true
	}
	return period{from: order.NewDate(int(p.from.Year), time.Month(p.from.Month), 16), to: p.to}, true
}

// week is ISO 8601 week w of year y, Monday to Sunday (UNCL 2379: weeks are
// numbered as in ISO 8601).
func week(y, w string) (period, bool) {
	mon, ok := isoMonday(atoi(y), atoi(w))
	if !ok {
		return period{}, false
	}
	return period{from: order.DateOf(mon), to: order.DateOf(mon.AddDate(0, 0, 6))}, true
}

// weekday is day d (1 Monday .. 7 Sunday) of ISO week w of year y.
func weekday(y, w, d string) (period, bool) {
	mon, ok := isoMonday(atoi(y), atoi(w))
	n := atoi(d)
	if !ok || n < 1 || n > 7 {
		return period{}, false
	}
	return period{from: order.DateOf(mon.AddDate(0, 0, n-1))}, true
}

// isoMonday returns the Monday of ISO week w of year y: week 1 is the week
// with the year's first Thursday (that is, the one holding 4 January).
func isoMonday(y, w int) (time.Time, bool) {
	if y == 0 || w < 1 || w > 53 {
		return time.Time{}, false
	}
	jan4 := time.Date(y, 1, 4, 0, 0, 0, 0, time.UTC)
	offset := (int(jan4.Weekday()) + 6) % 7 // days since Monday
	mon := jan4.AddDate(0, 0, -offset+7*(w-1))
	if _, iw := mon.ISOWeek(); iw != w {
		return time.Time{}, false // week 53 of a year with 52
	}
	return mon, true
}

// ordinal is day n (1..366) of year y.
func ordinal(y, n string) (period, bool) {
	yr, d := atoi(y), atoi(n)
	t := time.Date(yr, 1, d, 0, 0, 0, 0, time.UTC)
	if d < 1 || t.Year() != yr {
		return period{}, false
	}
	return period{from: order.DateOf(t)}, true
}

// rangeOf reads a range as two values of a single format.
func rangeOf(read func(string) (period, bool)) func(v string) (period, bool) {
	return func(v string) (period, bool) {
		a, b := v[:len(v)/2], v[len(v)/2:]
		p, ok1 := read(a)
		q, ok2 := read(b)
		if !ok1 || !ok2 {
			return period{}, false
		}
		return period{from: p.from, to: q.last()}, true
	}
}

// Field handles of the dates.
var (
	fDeliveryEarliest = order.FieldOf("delivery_earliest")
	fDeliveryLatest   = order.FieldOf("delivery_latest")
	fDeliveryPromised = order.FieldOf("delivery_promised")
)

// dateNames names the date/time/period qualifiers (UNCL 2005) read.
var dateNames = map[string]string{
	"137": "document date", "4": "order date", "2": "requested delivery date", "64": "earliest delivery date",
	"63": "latest delivery date", "69": "promised delivery date", "171": "reference date",
}

// deliveryRank orders the delivery date qualifiers for DeliveryDate: 2
// requested, then 64 earliest, then 63 latest.
func deliveryRank(q string) int {
	switch q {
	case "2":
		return 3
	case "64":
		return 2
	case "63":
		return 1
	}
	return 0
}

// dates are the date fields of an order or of a line.
type dates struct {
	delivery, earliest, latest, promised *order.Date
	rank                                 *int
	sources                              *order.Sources
}

// dtm reads C507: 2005 qualifier, 2380 value, 2379 format. The order date
// is DTM 137 (document date), else DTM 4 (order date); the delivery dates
// are DTM 2 (requested), 64 (earliest), 63 (latest) and 69 (promised for),
// kept as what they are, and a requested period (a range, a week) is also
// the delivery window. In segment group 33 (LOC, QTY, DTM under LIN) DTM 2
// is the date of that delivery; after RFF, DTM 171 is the reference's date.
// A date that cannot be read is a warning on the order, not a refusal. See
// UN/EDIFACT D.96A ORDERS, segment DTM, and code lists 2005 and 2379.
func (m *orderMapper) dtm(seg *Segment, idx int) *Error {
	q := seg.Value(1, 1)
	name, ok := dateNames[q]
	if !ok || q == "171" && (m.ref == nil || m.prev != idRFF) {
		return nil
	}
	l := m.cur()
	if (q == "137" || q == "4") && l != nil {
		return nil
	}
	p, err := parseDTM(seg.Value(1, 2), seg.Value(1, 3))
	if err != nil {
		m.warn(seg, idx, 1, 2, true, "%s: %v; the date was not read", name, err)
		return nil
	}
	s := src(seg, idx, 1, 2)
	switch {
	case q == "171":
		m.ref.Date = p.from
		return nil
	case l != nil && m.deliv >= 0:
		if d := &m.dels[m.deliv]; q == "2" || d.Date.IsZero() {
			d.Date = p.from
		}
		return nil
	case q == "137" || q == "4":
		rank := 1
		if q == "137" {
			rank = 2
		}
		if rank > m.orderQ {
			m.o.OrderDate, m.orderQ = p.from, rank
			m.o.Sources.SetField(fOrderDate, s)
		}
		return nil
	}
	t := dates{&m.o.DeliveryDate, &m.o.DeliveryEarliest, &m.o.DeliveryLatest, &m.o.DeliveryPromised, &m.delivQ, &m.o.Sources}
	if l != nil {
		t = dates{delivery: &l.DeliveryDate, rank: &m.lineQ, sources: &l.Sources}
		if q != "2" || !p.to.IsZero() {
			// A window or promised date: the line gets a schedule (most lines,
			// with a plain DTM 2 or none, do without one).
			sch := l.EnsureSchedule()
			t.earliest, t.latest, t.promised = &sch.DeliveryEarliest, &sch.DeliveryLatest, &sch.DeliveryPromised
		}
	}
	set := func(d *order.Date, v order.Date, f order.Field) {
		if d.IsZero() {
			*d = v
			t.sources.SetField(f, s)
		}
	}
	switch q {
	case "2":
		if !p.to.IsZero() {
			set(t.earliest, p.from, fDeliveryEarliest)
			set(t.latest, p.to, fDeliveryLatest)
		}
	case "64":
		set(t.earliest, p.from, fDeliveryEarliest)
	case "63":
		set(t.latest, p.last(), fDeliveryLatest)
	case "69":
		set(t.promised, p.from, fDeliveryPromised)
		return nil
	}
	v := p.from
	if q == "63" {
		v = p.last()
	}
	switch rank := deliveryRank(q); {
	case rank > *t.rank:
		*t.delivery, *t.rank = v, rank
		t.sources.SetField(fDeliveryDate, s)
	case rank == *t.rank && v != *t.delivery:
		where := "the order"
		if l != nil {
			where = "line " + strconv.Itoa(l.LineNo)
		}
		m.warn(seg, idx, 1, 2, true, "a second %s %s for %s; the first, %s, is used", name, v, where, *t.delivery)
	}
	return nil
}
