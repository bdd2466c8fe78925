package review

import (
	"fmt"
	"html"
	"html/template"
	"strings"
)

// The dashboard's charts are SVG drawn here from numbers: no chart library,
// no script. Labels come from the data (customer numbers, codes) and are
// escaped; the result is the one kind of template.HTML the screens use.

// bar is one bar: a label, the value drawn, and the text beside it.
type bar struct {
	Label string
	Value float64
	Text  string
	Low   bool // drawn in the warning colour
}

// hbars draws horizontal bars, one row per bar, scaled to the largest (or
// to max when it is set, e.g. 1 for rates).
func hbars(bars []bar, max float64) template.HTML {
	if len(bars) == 0 {
		return template.HTML(`<p class="muted">No data yet.</p>`)
	}
	if max <= 0 {
		for _, b := range bars {
			max = maxf(max, b.Value)
		}
	}
	const width, labelW, row = 420, 140, 20
	var s strings.Builder
	fmt.Fprintf(&s, `<svg class="chart" viewBox="0 0 %d %d" role="img">`, width, row*len(bars)+4)
	for i, b := range bars {
		y := i*row + 2
		w := 0.0
		if max > 0 {
			w = (width - labelW - 70) * b.Value / max
		}
		class := "bar"
		if b.Low {
			class += " low"
		}
		fmt.Fprintf(&s, `<text x="%d" y="%d" text-anchor="end">%s</text>`, labelW-6, y+13, html.EscapeString(clip(b.Label, 22)))
		fmt.Fprintf(&s, `<rect class="%s" x="%d" y="%d" width="%.1f" height="%d"><title>%s: %s</title></rect>`,
			class, labelW, y+2, w, row-6, html.EscapeString(b.Label), html.EscapeString(b.Text))
		fmt.Fprintf(&s, `<text x="%.1f" y="%d">%s</text>`, float64(labelW)+w+4, y+13, html.EscapeString(b.Text))
	}
	s.WriteString(`</svg>`)
	return template.HTML(s.String())
}

// barGroup is a label with a bar for each series (the periods of a rate).
type barGroup struct {
	Label string
	Bars  []bar
}

// hgroups draws rates (0..1) in groups of horizontal bars, one group per
// label and one bar per series, the series told apart by shade (classes
// s0, s1, ...) and named in a legend above.
func hgroups(groups []barGroup, series []string) template.HTML {
	if len(groups) == 0 {
		return template.HTML(`<p class="muted">No data yet.</p>`)
	}
	const width, labelW, row, legend = 420, 140, 13, 18
	groupH := row*len(series) + 8
	var s strings.Builder
	fmt.Fprintf(&s, `<svg class="chart" viewBox="0 0 %d %d" role="img">`, width, legend+groupH*len(groups))
	x := labelW
	for i, name := range series {
		fmt.Fprintf(&s, `<rect class="bar s%d" x="%d" y="3" width="10" height="10"/><text x="%d" y="12">%s</text>`,
			i, x, x+14, html.EscapeString(name))
		x += 14 + 8*len([]rune(name)) + 12
	}
	for g, grp := range groups {
		y := legend + g*groupH
		fmt.Fprintf(&s, `<text x="%d" y="%d" text-anchor="end">%s</text>`, labelW-6, y+groupH/2+3, html.EscapeString(clip(grp.Label, 22)))
		for i, b := range grp.Bars {
			by := y + 2 + i*row
			w := (width - labelW - 80) * min(max(b.Value, 0), 1)
			class := fmt.Sprintf("bar s%d", i)
			if b.Low {
				class += " low"
			}
			fmt.Fprintf(&s, `<rect class="%s" x="%d" y="%d" width="%.1f" height="%d"><title>%s: %s</title></rect>`,
				class, labelW, by, w, row-3, html.EscapeString(b.Label), html.EscapeString(b.Text))
			fmt.Fprintf(&s, `<text x="%.1f" y="%d">%s</text>`, float64(labelW)+w+4, by+row-4, html.EscapeString(b.Text))
		}
	}
	s.WriteString(`</svg>`)
	return template.HTML(s.String())
}

// vbars draws vertical bars, one column per bar (hours of a day).
func vbars(bars []bar) template.HTML {
	if len(bars) == 0 {
		return template.HTML(`<p class="muted">No data yet.</p>`)
	}
	max := 0.0
	for _, b := range bars {
		max = maxf(max, b.Value)
	}
	const width, height, base = 420, 140, 120
	col := float64(width-20) / float64(len(bars))
	var s strings.Builder
	fmt.Fprintf(&s, `<svg class="chart" viewBox="0 0 %d %d" role="img">`, width, height)
	fmt.Fprintf(&s, `<line class="axis" x1="10" y1="%d" x2="%d" y2="%d"/>`, base, width-10, base)
	for i, b := range bars {
		h := 0.0
		if max > 0 {
			h = (base - 10) * b.Value / max
		}
		x := 10 + float64(i)*col
		fmt.Fprintf(&s, `<rect class="bar" x="%.1f" y="%.1f" width="%.1f" height="%.1f"><title>%s: %s</title></rect>`,
			x+1, base-h, col-2, h, html.EscapeString(b.Label), html.EscapeString(b.Text))
		if i%3 == 0 {
			fmt.Fprintf(&s, `<text x="%.1f" y="%d" text-anchor="middle">%s</text>`, x+col/2, base+14, html.EscapeString(b.Label))
		}
	}
	fmt.Fprintf(&s, `<text x="%d" y="12" text-anchor="end">max %s</text>`, width-10, html.EscapeString(fmt.Sprint(max)))
	s.WriteString(`</svg>`)
	return template.HTML(s.String())
}

func maxf(a, b float64) float64 {
	if b > a {
		return b
	}
	return a
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
