package email

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/ordergate/ordergate/order"
)

// poLabel is a PO number's label in a mail text, in the languages we read
// ("PO: 4500012345", "Ert ordernr 771", "Bestellnummer 4711").
var poLabel = regexp.MustCompile(`(?i)(?:^|[\s(])(p\.?\s?o\.?(?:\s*(?:no\.?|nr\.?|number|#))?|purchase\s+order(?:\s+(?:no\.?|number|nr\.?))?|order\s*(?:no\.?|nr\.?|number|#|ref(?:erence)?)|our\s+order\s+(?:no\.?|number)|(?:ert|vårt|vort|vores|deres|vår)\s+(?:order|ordre|bestillings?)\s*(?:nr\.?|nummer|no\.?)|ert\s+ordernr\.?|vårt\s+ordernr\.?|ordernummer|ordernr\.?|order-?nr\.?|beställningsnummer|beställningsnr\.?|best\.?\s*nr\.?|inköpsorder(?:nummer|nr\.?)?|bestillingsnummer|bestillingsnr\.?|ordrenummer|ordrenr\.?|ordre\s*nr\.?|indkøbsordre(?:nummer|nr\.?)?|innkjøpsordre(?:nummer|nr\.?)?|rekvisition(?:snummer|snr\.?)?|tilausnumero|tilausnro\.?|tilaus\s*nro\.?|tilauksen\s+numero|ostotilaus(?:numero|nro\.?)?|bestellnummer|bestell-?nr\.?|bestellung\s*(?:nr\.?|nummer)|auftragsnummer|auftrags-?nr\.?)\s*[:.#]?\s*([A-Za-z0-9][A-Za-z0-9\-/._]{0,34})`)

// subjectPO is an order number in a subject ("Order 4500012345",
// "Beställning 12345", "Bestellung Nr. 4711").
var subjectPO = regexp.MustCompile(`(?i)\b(?:order|beställning|bestilling|ordre|bestellung|tilaus|po|inköpsorder)\s*(?:nr\.?|no\.?|#|nummer|number)?\s*:?\s*([A-Za-z0-9][A-Za-z0-9\-/._]{2,34})`)

// deliveryWord marks a line about the delivery date.
var deliveryWord = regexp.MustCompile(`(?i)(leverans|levereras|leverera|leveransdatum|önskad leverans|levering|leveringsdato|leveres|leveret|toimitus|toimituspäivä|toimitetaan|toimittaa|lieferung|liefertermin|lieferdatum|liefern|geliefert|wunschtermin|anlieferung|delivery|deliver|delivered|required by|needed by|senast)`)

var (
	isoDate  = regexp.MustCompile(`\b(\d{4})-(\d{2})-(\d{2})\b`)
	dotDate  = regexp.MustCompile(`\b(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})?(?:\s|$|[,;)])`)
	slashDay = regexp.MustCompile(`\b(\d{1,2})/(\d{1,2})(?:/(\d{4}|\d{2}))?\b`)
	weekRe   = regexp.MustCompile(`(?i)\b(?:v|v\.|vecka|veckan|vko|vk|viikko|viikolla|viikon|uke|uge|kw|kw\.|week|wk)\s*(\d{1,2})\b`)
)

// poToken is a PO number written with its label run on ("PO-7790", "PO#4411").
var poToken = regexp.MustCompile(`(?i)(?:^|[\s(])(PO[-#]\d[A-Za-z0-9\-/]{0,30})`)

// readPO finds a PO number on a line, "" when there is none.
func readPO(line string) string {
	if m := poToken.FindStringSubmatch(line); m != nil {
		return strings.TrimRight(m[1], ".-/")
	}
	for _, m := range poLabel.FindAllStringSubmatch(line, -1) {
		v := strings.TrimRight(m[2], ".-/")
		if strings.ContainsAny(v, "0123456789") && len(v) >= 2 {
			return v
		}
	}
	return ""
}

// readSubjectPO finds an order number in a subject.
func readSubjectPO(subject string) string {
	if po := readPO(subject); po != "" {
		return po
	}
	for _, m := range subjectPO.FindAllStringSubmatch(subject, -1) {
		v := strings.TrimRight(m[1], ".-/")
		if strings.ContainsAny(v, "0123456789") && !dateLike.MatchString(v) {
			return v
		}
	}
	return ""
}

// readDeliveryDate reads a requested delivery date from a line that is
// about delivery: a date (2026-12-10, 10.12., 10.12.2026, 10/12) or an ISO
// week ("leverans v.48", "KW 48": the Monday of that week). A date
// without a year is the next one on or after the mail's date (less a
// week's grace).
func readDeliveryDate(line string, sent time.Time) (order.Date, bool) {
	if !deliveryWord.MatchString(line) {
		return order.Date{}, false
	}
	year := sent.Year()
	pick := func(y, m, d int, hasYear bool) (order.Date, bool) {
		if m < 1 || m > 12 || d < 1 || d > 31 {
			return order.Date{}, false
		}
		if !hasYear {
			y = year
			t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
			if t.Before(sent.AddDate(0, 0, -7)) {
				y++
			}
		} else if y < 100 {
			y += 2000
		}
		t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
		if t.Day() != d {
			return order.Date{}, false
		}
		return order.DateOf(t), true
	}
	if m := isoDate.FindStringSubmatch(line); m != nil {
		return pick(atoi(m[1]), atoi(m[2]), atoi(m[3]), true)
	}
	if m := dotDate.FindStringSubmatch(line + " "); m != nil {
		return pick(atoi(m[3]), atoi(m[2]), atoi(m[1]), m[3] != "")
	}
	if m := slashDay.FindStringSubmatch(line); m != nil {
		return pick(atoi(m[3]), atoi(m[2]), atoi(m[1]), m[3] != "")
	}
	if m := weekRe.FindStringSubmatch(line); m != nil {
		w := atoi(m[1])
		if w < 1 || w > 53 {
			return order.Date{}, false
		}
		y := year
		if _, cur := sent.ISOWeek(); w < cur-4 {
			y++
		}
		return order.DateOf(isoWeekMonday(y, w)), true
	}
	return order.Date{}, false
}

// isoWeekMonday returns the Monday of ISO 8601 week w of year y.
func isoWeekMonday(y, w int) time.Time {
	jan4 := time.Date(y, 1, 4, 0, 0, 0, 0, time.UTC)
	wd := (int(jan4.Weekday()) + 6) % 7 // Monday = 0
	return jan4.AddDate(0, 0, -wd+7*(w-1))
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
