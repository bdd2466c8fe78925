package review

import (
	"cmp"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ordergate/ordergate/intake"
)

// dashboardView is the dashboard: touchless rates, the queue, throughput
// and what the desk changes.
type dashboardView struct {
	Touchless    []touchlessCard
	Waiting      int
	Throughput   template.HTML
	ByCode       template.HTML
	ByAge        template.HTML
	ByChannel    template.HTML
	ByCustomer   template.HTML
	DeskActions  template.HTML
	TouchedShare float64
}

type touchlessCard struct {
	Label            string
	Total, Touchless int
	Rate             float64
}

func (s *Server) dashboardPage(c *gin.Context) {
	ctx := c.Request.Context()
	now := time.Now()
	var v dashboardView
	fail := func(err error) { s.uiFail(c, err) }
	periods, err := intake.TouchlessByPeriod(ctx, s.Pool, []intake.Period{
		{Label: "today", Since: startOfDay(now)}, {Label: "7 days", Since: now.AddDate(0, 0, -7)}, {Label: "30 days", Since: now.AddDate(0, 0, -30)}})
	if err != nil {
		fail(err)
		return
	}
	for _, p := range periods {
		v.Touchless = append(v.Touchless, touchlessCard{Label: p.Label, Total: p.All.Total, Touchless: p.All.Touchless, Rate: p.All.Rate()})
	}
	v.ByChannel = touchlessChart(periods, func(p intake.PeriodTouchless) []intake.Touchless { return p.ByChannel }, 10)
	v.ByCustomer = touchlessChart(periods, func(p intake.PeriodTouchless) []intake.Touchless { return p.ByCustomer }, 8)
	month := now.AddDate(0, 0, -30)
	hours, err := intake.OrdersPerHour(ctx, s.Pool, now, 24)
	if err != nil {
		fail(err)
		return
	}
	v.Throughput = vbars(countBars(hours, "orders"))
	counts, err := intake.CountQueue(ctx, s.Pool)
	if err != nil {
		fail(err)
		return
	}
	v.Waiting = counts.Total
	var codes []intake.Count
	for k, n := range counts.Codes {
		codes = append(codes, intake.Count{Label: k, N: n})
	}
	sortCounts(codes)
	v.ByCode = hbars(countBars(codes, "orders"), 0)
	ages, err := intake.QueueByAge(ctx, s.Pool)
	if err != nil {
		fail(err)
		return
	}
	v.ByAge = hbars(countBars(ages, "orders"), 0)
	actions, share, err := intake.DeskActions(ctx, s.Pool, month)
	if err != nil {
		fail(err)
		return
	}
	sortCounts(actions)
	v.DeskActions, v.TouchedShare = hbars(countBars(actions, "times"), 0), share
	s.page(c, http.StatusOK, "dashboard", view{Title: "Dashboard", Data: v})
}

// touchlessChart draws the touchless rate of every period side by side for
// each channel or customer (by picks which): the n with most orders in each
// period, so today's customers show even when the month's biggest are
// others, ordered by their orders in the last period.
func touchlessChart(periods []intake.PeriodTouchless, by func(intake.PeriodTouchless) []intake.Touchless, n int) template.HTML {
	if len(periods) == 0 {
		return hgroups(nil, nil)
	}
	rates := make([]map[string]intake.Touchless, len(periods))
	var keys []string
	seen := map[string]bool{}
	for i, p := range periods {
		rates[i] = map[string]intake.Touchless{}
		for j, t := range by(p) { // most orders first
			rates[i][t.Key] = t
			if j < n && !seen[t.Key] {
				seen[t.Key] = true
				keys = append(keys, t.Key)
			}
		}
	}
	last := rates[len(rates)-1]
	slices.SortStableFunc(keys, func(a, b string) int {
		return cmp.Or(cmp.Compare(last[b].Total, last[a].Total), cmp.Compare(a, b))
	})
	series := make([]string, len(periods))
	for i, p := range periods {
		series[i] = p.Label
	}
	groups := make([]barGroup, len(keys))
	for g, k := range keys {
		groups[g].Label = k
		for i := range periods {
			t := rates[i][k]
			b := bar{Label: k + ", " + series[i], Value: t.Rate(), Text: "no orders"}
			if t.Total > 0 {
				b.Text, b.Low = fmt.Sprintf("%.0f%% of %d", 100*t.Rate(), t.Total), t.Rate() < 0.5
			}
			groups[g].Bars = append(groups[g].Bars, b)
		}
	}
	return hgroups(groups, series)
}

func countBars(cs []intake.Count, unit string) []bar {
	bars := make([]bar, len(cs))
	for i, c := range cs {
		bars[i] = bar{Label: c.Label, Value: float64(c.N), Text: plural(c.N, unit)}
	}
	return bars
}

// plural says "1 order", "3 orders".
func plural(n int, unit string) string {
	if n == 1 {
		unit = strings.TrimSuffix(unit, "s")
	}
	return fmt.Sprintf("%d %s", n, unit)
}

// sortCounts puts the largest first, then by label.
func sortCounts(cs []intake.Count) {
	slices.SortFunc(cs, func(a, b intake.Count) int { return cmp.Or(cmp.Compare(b.N, a.N), cmp.Compare(a.Label, b.Label)) })
}
