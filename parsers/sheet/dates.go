package sheet

import (
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/xuri/excelize/v2"

	"github.com/ordergate/ordergate/order"
)

// monthNames maps month names and their usual abbreviations in English,
// Swedish, Norwegian, Danish, Finnish (with the partitive "-ta" of dates,
// "28. marraskuuta") and German, normalised, to the month.
var monthNames = func() map[string]time.Month {
	m := map[string]time.Month{}
	lists := [][]string{
		{"january", "jan", "januari", "januar", "janner", "tammikuu", "tammi"},
		{"february", "feb", "febr", "februari", "februar", "helmikuu", "helmi"},
		{"march", "mar", "mars", "marts", "marz", "maaliskuu", "maalis", "mrz"},
		{"april", "apr", "huhtikuu", "huhti"},
		{"may", "maj", "mai", "toukokuu", "touko"},
		{"june", "jun", "juni", "kesakuu", "kesa"},
		{"july", "jul", "juli", "heinakuu", "heina"},
		{"august", "aug", "augusti", "elokuu", "elo"},
		{"september", "sep", "sept", "syyskuu", "syys"},
		{"october", "oct", "okt", "oktober", "lokakuu", "loka"},
		{"november", "nov", "marraskuu", "marras"},
		{"december", "dec", "dez", "desember", "dezember", "joulukuu", "joulu"},
	}
	for i, names := range lists {
		for _, n := range names {
			m[n] = time.Month(i + 1)
			if strings.HasSuffix(n, "kuu") {
				m[n+"ta"] = time.Month(i + 1)
			}
		}
	}
	return m
}()

// weekWords introduce a week number: "v.48", "vecka 48", "uke 48",
// "uge 48", "viikko 48", "vko 48", "KW 48", "week 48", "wk 48", "w48".
var weekWords = map[string]bool{"v": true, "vecka": true, "vec": true, "uke": true, "uge": true, "viikko": true,
	"vko": true, "kw": true, "week": true, "wk": true, "w": true, "woche": true, "lv": true}

// dateReader reads the dates of one workbook: Excel serial numbers in its
// date system, and text dates relative to a day for those without a year.
type dateReader struct {
	date1904 bool
	ref      order.Date // a week or day without a year is the next one from here
}

// serial reads an Excel date serial number (days since 1899-12-30, or
// since 1904-01-01 in the 1904 date system; ECMA-376 Part 1 section
// 18.17.4.1), the time of day dropped.
func (r dateReader) serial(raw string) (order.Date, bool) {
	f, err := strconv.ParseFloat(raw, 64)
	if err != nil || f < 1 || f >= 2958466 {
		return order.Date{}, false
	}
	t, err := excelize.ExcelDateToTime(f, r.date1904)
	if err != nil {
		return order.Date{}, false
	}
	return order.DateOf(t), true
}

// text reads a date as people write it: 2024-11-28, 28.11.2024, 28/11/24,
// 28-11-2024 (day first; month first only when the day cannot be a
// month, 11/28/2024), 20241128, "28 nov 2024", "28. marraskuuta 2024",
// "November 28, 2024", "28 nov", and weeks ("v.48", "KW 48/2024",
// "2024-W48"), which mean the week's Monday (ISO 8601 weeks).
func (r dateReader) text(s string) (order.Date, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return order.Date{}, false
	}
	if d, ok := r.week(s); ok {
		return d, true
	}
	parts := strings.FieldsFunc(s, func(c rune) bool { return !unicode.IsLetter(c) && !unicode.IsDigit(c) })
	// A time after the date ("2024-11-28 00:00:00") is dropped.
	if len(parts) > 3 && strings.Contains(s, ":") {
		parts = parts[:3]
	}
	var nums []int
	var month time.Month
	for _, p := range parts {
		if n, err := strconv.Atoi(p); err == nil {
			if len(p) > 4 && !(len(p) == 8 && len(parts) == 1) {
				return order.Date{}, false
			}
			nums = append(nums, n)
			continue
		}
		m, ok := monthNames[Normalize(p)]
		if !ok || month != 0 {
			return order.Date{}, false
		}
		month = m
	}
	switch {
	case month == 0 && len(parts) == 1 && len(parts[0]) == 8:
		n := nums[0]
		return mkDate(n/10000, n/100%100, n%100)
	case month == 0 && len(nums) == 3:
		a, b, c := nums[0], nums[1], nums[2]
		if len(parts[0]) == 4 {
			return mkDate(a, b, c)
		}
		y := fullYear(c, len(parts[2]))
		if b > 12 && a <= 12 {
			return mkDate(y, a, b)
		}
		return mkDate(y, b, a)
	case month != 0 && len(nums) == 2:
		day, year := nums[0], nums[1]
		if day > 31 {
			day, year = year, day
		}
		if year < 100 {
			year = fullYear(year, 2)
		}
		return mkDate(year, int(month), day)
	case month != 0 && len(nums) == 1 && nums[0] >= 1 && nums[0] <= 31:
		d, ok := mkDate(int(r.ref.Year), int(month), nums[0])
		if ok && d.Before(addDays(r.ref, -60)) {
			d, ok = mkDate(int(r.ref.Year)+1, int(month), nums[0])
		}
		return d, ok
	}
	return order.Date{}, false
}

// week reads a week number with an optional year.
func (r dateReader) week(s string) (order.Date, bool) {
	l := strings.ToLower(s)
	if i := strings.Index(l, "-w"); i == 4 { // 2024-W48
		y, err1 := strconv.Atoi(l[:4])
		w, err2 := strconv.Atoi(strings.TrimSpace(l[6:]))
		if err1 == nil && err2 == nil {
			return isoWeek(y, w)
		}
		return order.Date{}, false
	}
	i := strings.IndexFunc(l, func(c rune) bool { return !unicode.IsLetter(c) })
	if i <= 0 {
		return order.Date{}, false
	}
	word := Normalize(l[:i])
	if !weekWords[word] {
		return order.Date{}, false
	}
	nums := strings.FieldsFunc(l[i:], func(c rune) bool { return c < '0' || c > '9' })
	if strings.ContainsFunc(l[i:], unicode.IsLetter) || len(nums) == 0 || len(nums) > 2 {
		return order.Date{}, false
	}
	w, _ := strconv.Atoi(nums[0])
	if len(nums) == 2 {
		y, _ := strconv.Atoi(nums[1])
		return isoWeek(fullYear(y, len(nums[1])), w)
	}
	d, ok := isoWeek(int(r.ref.Year), w)
	if ok && d.Before(addDays(r.ref, -26*7)) {
		d, ok = isoWeek(int(r.ref.Year)+1, w)
	}
	return d, ok
}

// isoWeek returns the Monday of ISO 8601 week w of year y.
func isoWeek(y, w int) (order.Date, bool) {
	if w < 1 || w > 53 || y < 1900 || y > 9999 {
		return order.Date{}, false
	}
	jan4 := time.Date(y, 1, 4, 0, 0, 0, 0, time.UTC)
	monday := jan4.AddDate(0, 0, -((int(jan4.Weekday())+6)%7)+(w-1)*7)
	if _, wk := monday.ISOWeek(); wk != w {
		return order.Date{}, false
	}
	return order.DateOf(monday), true
}

func fullYear(y, digits int) int {
	if digits <= 2 {
		return 2000 + y
	}
	return y
}

func mkDate(y, m, d int) (order.Date, bool) {
	if y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31 {
		return order.Date{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d {
		return order.Date{}, false
	}
	return order.DateOf(t), true
}

func addDays(d order.Date, n int) order.Date { return order.DateOf(d.Time().AddDate(0, 0, n)) }
