package review

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ordergate/ordergate/auth"
	"github.com/ordergate/ordergate/intake"
	"github.com/ordergate/ordergate/matching"
)

// queueView is the data of the queue page and its rows fragment.
type queueView struct {
	Filter   intake.QueueFilter
	Filtered bool
	Items    []intake.QueueItem
	// Next is the next page's link; Poll, on the last page, is where the
	// page asks for orders arriving after its last one.
	Next, Poll     string
	AllCodes       []string
	Channels       []string
	Users          []string
	TodayTotal     int
	TouchlessToday string
}

// queuePageSize is how many orders a queue page shows.
const queuePageSize = 50

func queueFilter(c *gin.Context) intake.QueueFilter {
	f := intake.QueueFilter{Code: c.Query("code"), Customer: c.Query("customer"), Channel: c.Query("channel"),
		Assignee: c.Query("assignee"), PO: c.Query("po"), Limit: queuePageSize}
	if t, err := time.Parse(time.RFC3339Nano, c.Query("after_time")); err == nil {
		if id, err := strconv.ParseInt(c.Query("after_id"), 10, 64); err == nil {
			f.AfterTime, f.AfterID = t, id
		}
	}
	return f
}

// queueLink is the queue's URL for f continuing after the item.
func queueLink(path string, f intake.QueueFilter, after intake.QueueItem) string {
	q := url.Values{}
	for k, v := range map[string]string{"code": f.Code, "customer": f.Customer, "channel": f.Channel, "assignee": f.Assignee, "po": f.PO} {
		if v != "" {
			q.Set(k, v)
		}
	}
	q.Set("after_time", after.ReceivedAt.Format(time.RFC3339Nano))
	q.Set("after_id", strconv.FormatInt(after.ID, 10))
	return path + "?" + q.Encode()
}

// queuePage is the desk's queue: the orders waiting in review, oldest
// first, filtered by code, customer, channel, assignee and PO number.
func (s *Server) queuePage(c *gin.Context) {
	ctx := c.Request.Context()
	f := queueFilter(c)
	v, err := s.queueData(ctx, f)
	if err != nil {
		s.uiFail(c, err)
		return
	}
	for _, code := range matching.Codes {
		v.AllCodes = append(v.AllCodes, string(code))
	}
	v.Channels = []string{intake.ChannelFile, intake.ChannelEmail, intake.ChannelUpload, intake.ChannelAPI}
	if users, err := auth.ListUsers(ctx, s.Pool); err == nil {
		for _, u := range users {
			if !u.Disabled && u.Role != auth.RoleViewer {
				v.Users = append(v.Users, u.Name)
			}
		}
	}
	if len(v.Items) == 0 && !v.Filtered {
		if t, err := intake.TouchlessSince(ctx, s.Pool, startOfDay(time.Now())); err == nil && t.Total > 0 {
			v.TodayTotal, v.TouchlessToday = t.Total, strconv.Itoa(t.Touchless)
		}
	}
	s.page(c, http.StatusOK, "queue", view{Title: "Queue", Data: v})
}

func (s *Server) queueData(ctx context.Context, f intake.QueueFilter) (queueView, error) {
	v := queueView{Filter: f, Filtered: f.Code != "" || f.Customer != "" || f.Channel != "" || f.Assignee != "" || f.PO != ""}
	f.Limit = queuePageSize + 1
	items, err := intake.ListQueue(ctx, s.Pool, f)
	if err != nil {
		return v, err
	}
	if len(items) > queuePageSize {
		items = items[:queuePageSize]
		v.Next = queueLink("/", f, items[len(items)-1])
	}
	v.Items = items
	if v.Next == "" {
		last := intake.QueueItem{ReceivedAt: f.AfterTime, ID: f.AfterID}
		if len(items) > 0 {
			last = items[len(items)-1]
		}
		if last.ID == 0 {
			last.ReceivedAt = time.Now().Add(-time.Second)
		}
		v.Poll = queueLink("/queue/new", f, last)
	}
	return v, nil
}

// queueNew answers the last page's poll: the orders that arrived after its
// last row, and the next poll. New orders appear at the bottom; the row the
// desk has selected stays where it is.
func (s *Server) queueNew(c *gin.Context) {
	f := queueFilter(c)
	v, err := s.queueData(c.Request.Context(), f)
	if err != nil {
		c.String(http.StatusServiceUnavailable, "")
		return
	}
	if v.Next != "" { // more than a page arrived: the desk reloads for them
		v.Items, v.Poll = v.Items[:0], ""
	}
	s.fragment(c, http.StatusOK, "queue", "queue_rows", view{Data: v})
}

func startOfDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

// navCounts are the navigation's numbers: the queue and the failed
// documents. Counting a queue of a hundred thousand orders takes a while,
// so the counts are kept for navCountsFor (every page shows them).
func (s *Server) navCounts(c *gin.Context) navCounts {
	if n := s.nav.Load(); n != nil && time.Since(n.at) < navCountsFor {
		return n.navCounts
	}
	var n navCounts
	ctx := c.Request.Context()
	n.Queue, _ = intake.QueueSize(ctx, s.Pool)
	_ = s.Pool.QueryRow(ctx, `SELECT count(*) FROM documents WHERE state = 'failed'`).Scan(&n.Failed)
	s.nav.Store(&countedNav{navCounts: n, at: time.Now()})
	return n
}

// navCountsFor is how long the navigation's counts are kept.
const navCountsFor = 3 * time.Second

type countedNav struct {
	navCounts
	at time.Time
}

// failedView is the failed documents page.
type failedView struct {
	Docs []intake.Document
	Next string
}

// failedPage lists the documents that failed before any order existed,
// newest first, with their reason.
func (s *Server) failedPage(c *gin.Context) {
	before, _ := strconv.ParseInt(c.Query("before"), 10, 64)
	docs, err := intake.ListDocuments(c.Request.Context(), s.Pool, intake.DocumentFilter{State: intake.DocFailed, Limit: 51, BeforeID: before})
	if err != nil {
		s.uiFail(c, err)
		return
	}
	v := failedView{Docs: docs}
	if len(docs) > 50 {
		v.Docs = docs[:50]
		v.Next = "/documents/failed?before=" + strconv.FormatInt(docs[49].ID, 10)
	}
	s.page(c, http.StatusOK, "failed", view{Title: "Failed documents", Data: v})
}

// rawDocument answers a document's bytes as they were received, as a
// download: never rendered (a mail's HTML, a partner's file), always
// text/plain or octet-stream, sandboxed.
func (s *Server) rawDocument(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		s.uiFail(c, intakeNotFound("document", c.Param("id")))
		return
	}
	d, err := intake.GetDocument(c.Request.Context(), s.Pool, id)
	if err != nil {
		s.uiFail(c, err)
		return
	}
	name := d.FileName
	if name == "" {
		name = "document-" + strconv.FormatInt(d.ID, 10)
	}
	c.Header("Content-Security-Policy", "sandbox; default-src 'none'")
	c.Header("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	c.Data(http.StatusOK, "application/octet-stream", d.Raw)
}

// uiReprocess reads a document again from its bytes.
func (s *Server) uiReprocess(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		s.uiFail(c, intakeNotFound("document", c.Param("id")))
		return
	}
	if err := s.Pipeline.Reprocess(c.Request.Context(), id); err != nil {
		s.uiFail(c, err)
		return
	}
	s.auditUI(c, deskUser(c).Name, "document.reprocess", "document="+c.Param("id"), http.StatusSeeOther, nil)
	c.Redirect(http.StatusSeeOther, "/documents/failed")
}
