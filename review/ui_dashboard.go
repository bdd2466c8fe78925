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
	for _, p := range []struct {
		label string
		since time.Time
	}{{"today", startOfDay(now)}, {"7 days", now.AddDate(0, 0, -7)}, {"30 days", now.AddDate(0, 0, -30)}} {
		t, err := intake.TouchlessSince(ctx, s.Pool, p.since)
		if err != nil {
			fail(err)
			return
		}
		v.Touchless = append(v.Touchless, touchlessCard{Label: p.label, Total: t.Total, Touchless: t.Touchless, Rate: t.Rate()})
	}
	month := now.AddDate(0, 0, -30)
	rates := func(by string, n int) (template.HTML, error) {
		ts, err := intake.TouchlessBy(ctx, s.Pool, month, by, n)
		if err != nil {
			return "", err
		}
		bars := make([]bar, len(ts))
		for i, t := range ts {
			bars[i] = bar{Label: t.Key, Value: t.Rate(), Text: fmt.Sprintf("%.0f%% of %d", 100*t.Rate(), t.Total), Low: t.Rate() < 0.5}
		}
		return hbars(bars, 1), nil
	}
	var err error
	if v.ByChannel, err = rates("channel", 10); err != nil {
		fail(err)
		return
	}
	if v.ByCustomer, err = rates("customer", 12); err != nil {
		fail(err)
		return
	}
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
	v.DeskActions, v.TouchedShare = hbars(countBars(actions, "times"), 0), share
	s.page(c, http.StatusOK, "dashboard", view{Title: "Dashboard", Data: v})
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
