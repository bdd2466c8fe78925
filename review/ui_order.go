package review

import (
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/ordergate/ordergate/auth"
	"github.com/ordergate/ordergate/intake"
	"github.com/ordergate/ordergate/matching"
	"github.com/ordergate/ordergate/order"
	"github.com/ordergate/ordergate/parsers"
	"github.com/ordergate/ordergate/parsers/edifact"
)

// orderView is the order page: the document as received beside the order
// as read and matched, what is wrong with each line, and how to fix it.
type orderView struct {
	Order        intake.Order
	Document     intake.Document
	CustomerName string
	Currency     string
	// Unpriced: some lines are not resolved, so the value leaves them out.
	Unpriced bool
	Segments []segmentView
	// SegmentsHTML is Segments as the source pane's list (segmentsHTML).
	SegmentsHTML template.HTML
	TextLines    []string
	SourceNote   string
	// Grid is a sheet's rows (XLSX), with its column letters.
	Grid        []gridRow
	GridColumns []string
	GridSheet   string
	// Parts are a mail's text and attachments (what was read of each, what
	// was not read automatically).
	Parts []parsers.Part
	Lines []lineView
	// OrderExceptions are the exceptions of the order as a whole.
	OrderExceptions []order.Exception
	CustomerFix     bool
	CustomerChoices []order.Suggestion
	History         []historyView
	HistoryOpen     bool
	// CanAct: the user may act on the order now (a clerk, the order in
	// review, nobody else working on it); TakeOver: someone else is;
	// CanRetry: its delivery failed and may be sent again.
	CanAct, TakeOver, CanRetry bool
	// The answer to an action just taken.
	Message, MessageKind string
	Blocking, Confirm    []order.Exception
}

type segmentView struct {
	Index         int
	Text          string
	Problem, Line bool
}

type lineView struct {
	Line       order.Line
	Exceptions []exceptionView
	Class      string // blocked, warning, deleted, ""
	// What the template shows, worked out here: a page of a thousand
	// lines renders in a fraction of the time with fields than with
	// functions called per line.
	Price, Agreed string
	Deleted       bool
	Segs          string // the source segments, for highlighting
	Qty, Unit     string
	SentQty       string // the quantity as sent, when the desk changed it
	ItemName      string
	FromDesk      bool
	FromXref      bool
	// What else the line was sent with: its further item identifications
	// (UNCL 7143 type and value), its delivery date or window, its split
	// deliveries (location, quantity, date).
	Also, When string
	Deliveries []string
	// The fixes the line offers.
	MapFix, QtyFix, PriceFix bool
	// Row is the line's row of the table (lineRowHTML).
	Row template.HTML
}

// exceptionView is an exception with its colour: "block" (fix it first) or
// "warn" (confirm it).
type exceptionView struct {
	order.Exception
	Class string
}

type historyView struct {
	intake.Event
	What string
}

// maxSourceBytes caps the document shown beside the order.
const maxSourceBytes = 2 << 20

// orderPage shows one order.
func (s *Server) orderPage(c *gin.Context) {
	o, ok := s.uiOrder(c)
	if !ok {
		return
	}
	v, err := s.orderData(c, o, "", "")
	if err != nil {
		s.uiFail(c, err)
		return
	}
	title := "Order " + strconv.FormatInt(o.ID, 10)
	if o.PO.PONumber != "" {
		title = o.PO.PONumber
	}
	s.page(c, http.StatusOK, "order", view{Title: title, Data: v})
}

// uiOrder reads the order the path names, answering the error page itself.
func (s *Server) uiOrder(c *gin.Context) (intake.Order, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		s.uiFail(c, intakeNotFound("order", c.Param("id")))
		return intake.Order{}, false
	}
	o, err := intake.GetOrder(c.Request.Context(), s.Pool, id)
	if err != nil {
		s.uiFail(c, err)
		return intake.Order{}, false
	}
	return o, true
}

func (s *Server) orderData(c *gin.Context, o intake.Order, msg, kind string) (orderView, error) {
	ctx := c.Request.Context()
	u := deskUser(c)
	v := orderView{Order: o, Message: msg, MessageKind: kind}
	doc, err := intake.GetDocument(ctx, s.Pool, o.DocumentID)
	if err != nil {
		return v, err
	}
	v.Document = doc
	if s.Catalog != nil {
		if snap := s.Catalog(); snap != nil {
			if id, ok := snap.CustomerByNumber(o.PO.CustomerNumber); ok {
				v.CustomerName = snap.Customer(id).Name
				v.Currency = snap.CustomerCurrency(id)
			}
			v.Currency = firstOf(o.PO.Currency, v.Currency, snap.Currency())
			for i := range o.PO.Lines {
				if id, ok := snap.ItemBySKU(o.PO.Lines[i].SKU); ok && o.PO.Lines[i].SKU != "" {
					v.Lines = append(v.Lines, lineView{ItemName: snap.Item(id).Description})
				} else {
					v.Lines = append(v.Lines, lineView{})
				}
			}
		}
	}
	if len(v.Lines) != len(o.PO.Lines) {
		v.Lines = make([]lineView, len(o.PO.Lines))
	}
	v.CanAct = o.State == intake.StateReview && u.May(auth.RoleClerk) && (o.AssignedTo == "" || o.AssignedTo == u.Name)
	v.TakeOver = o.State == intake.StateReview && u.May(auth.RoleClerk) && o.AssignedTo != "" && o.AssignedTo != u.Name
	v.CanRetry = u.May(auth.RoleClerk) && o.DeliveryError != "" && (o.State == intake.StateReview || o.State == intake.StateApproved)

	problemSegs := map[int]bool{}
	lineSegs := map[int]bool{}
	byLine := map[int][]order.Exception{}
	for _, e := range o.PO.Exceptions {
		if e.LineNo != 0 {
			byLine[e.LineNo] = append(byLine[e.LineNo], e)
		}
	}
	for i := range o.PO.Lines {
		l := o.PO.Lines[i]
		lv := &v.Lines[i]
		lv.Line = l
		q, unit := l.Ordered()
		lv.Qty, lv.Unit = q.String(), unit
		if l.Desk != nil && l.Desk.Quantity != nil && !l.Desk.Quantity.IsZero() && l.Desk.Quantity.Cmp(l.Quantity) != 0 {
			lv.SentQty = l.Quantity.String() + " " + l.Unit
		}
		lv.Price, lv.Agreed, lv.Deleted = money(l.UnitPrice), money(l.AgreedPrice), l.Deleted()
		lv.FromDesk = l.Desk != nil && l.Desk.SKU != ""
		v.Unpriced = v.Unpriced || (l.SKU == "" && !l.Deleted())
		lv.FromXref = strings.HasPrefix(l.ResolvedBy, "cross-reference")
		lv.Also, lv.When, lv.Deliveries = lineExtras(&l)
		var segs []string
		for _, src := range l.Sources {
			if src.Index > 0 && !src.Segment.IsZero() {
				segs = append(segs, strconv.Itoa(int(src.Index)))
				lineSegs[int(src.Index)] = true
			} else if n := src.Line(); n > 0 {
				segs = append(segs, strconv.Itoa(n))
			} else if r := src.Row(); r > 0 {
				segs = append(segs, strconv.Itoa(r))
			}
		}
		lv.Segs = strings.Join(dedupe(segs), " ")
		for _, e := range byLine[l.LineNo] {
			ev := exceptionView{Exception: e, Class: "block"}
			switch matching.Code(e.Code) {
			case matching.UnknownItem, matching.AmbiguousItem, matching.InvalidGTIN, matching.NotInAssortment,
				matching.ItemBlocked, matching.ItemDiscontinued:
				lv.MapFix = true
			case matching.UnitMismatch, matching.PackSize, matching.MinQuantity, matching.InsufficientStock:
				lv.QtyFix = true
			case matching.PriceMismatch, matching.NoPrice:
				lv.PriceFix = l.UnitPrice != nil && (l.Desk == nil || !l.Desk.AcceptPrice)
			}
			if intake.Confirmable(e, &o.PO, intake.Actor{Name: u.Name, Admin: u.May(auth.RoleAdmin)}) {
				ev.Class = "warn"
				if lv.Class == "" {
					lv.Class = "warning"
				}
			} else {
				lv.Class = "blocked"
			}
			lv.Exceptions = append(lv.Exceptions, ev)
		}
		if lv.Class == "blocked" {
			for _, src := range l.Sources {
				if src.Index > 0 && !src.Segment.IsZero() {
					problemSegs[int(src.Index)] = true
				}
			}
		}
		if l.Deleted() {
			lv.Class = "deleted"
		}
		lv.Row = lineRowHTML(lv)
	}
	for _, e := range o.PO.Exceptions {
		if e.LineNo != 0 {
			continue
		}
		v.OrderExceptions = append(v.OrderExceptions, e)
		switch matching.Code(e.Code) {
		case matching.UnknownCustomer, matching.AmbiguousCustomer:
			v.CustomerFix = true
			v.CustomerChoices = append(v.CustomerChoices, e.Suggestions...)
		}
	}

	// The source as received: an EDIFACT message's segments, or text.
	raw := doc.Raw
	switch {
	case len(raw) > maxSourceBytes:
		v.SourceNote = fmt.Sprintf("The document is %d bytes; download it to read it.", len(raw))
	case o.PO.Format == "edifact":
		msg := 0
		if o.PO.Envelope != nil {
			msg = o.PO.Envelope.MessageIndex
		}
		for _, sg := range edifact.Segments(raw) {
			if msg > 0 && sg.Message != msg {
				continue
			}
			v.Segments = append(v.Segments, segmentView{Index: sg.Index, Text: sg.Text, Problem: problemSegs[sg.Index], Line: lineSegs[sg.Index]})
		}
		v.SegmentsHTML = segmentsHTML(v.Segments)
	case doc.Format == "email" || doc.Channel == intake.ChannelEmail:
		// A mail is never shown as it came (its HTML, its MIME): its text
		// as read, and its parts to download.
		parts, err := intake.DocumentParts(ctx, s.Pool, doc.ID)
		if err != nil {
			return v, err
		}
		v.Parts = parts
		for _, p := range parts {
			if p.Role == "body" && v.TextLines == nil {
				v.TextLines = strings.Split(p.Text, "\n")
			}
		}
		if v.TextLines == nil {
			v.SourceNote = "The mail has no text that was read."
		}
	case o.PO.Format == "xlsx":
		name := ""
		if n := firstSheet(o.PO); n > 0 && n <= len(o.PO.SourceSheets) {
			name = o.PO.SourceSheets[n-1]
		}
		grid, letters, err := sheetGrid(raw, name)
		if err != nil {
			v.SourceNote = "The workbook cannot be shown here (" + err.Error() + "); download it to read it."
			break
		}
		v.Grid, v.GridColumns, v.GridSheet = grid, letters, name
	case utf8.Valid(raw):
		v.TextLines = strings.Split(strings.ReplaceAll(string(raw), "\r\n", "\n"), "\n")
	default:
		v.SourceNote = "The document is not text (" + doc.ContentType + "); download it to read it."
	}

	events, err := intake.OrderHistory(ctx, s.Pool, o.ID)
	if err != nil {
		return v, err
	}
	for _, e := range events {
		if e.Kind == intake.EventState && e.Actor != intake.PipelineActor {
			continue // the desk action's own entry says it
		}
		v.History = append(v.History, historyView{Event: e, What: describeEvent(e)})
	}
	return v, nil
}

// firstSheet is the sheet the order's lines were read from (1-based in
// SourceSheets), 0 when none says.
func firstSheet(po order.PurchaseOrder) int {
	for _, l := range po.Lines {
		for _, s := range l.Sources {
			if n := s.Sheet(); n > 0 {
				return n
			}
		}
	}
	return 0
}

func firstOf(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

func dedupe(ss []string) []string {
	seen := map[string]bool{}
	out := ss[:0]
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// describeEvent says in words what a history entry records.
func describeEvent(e intake.Event) string {
	var d struct {
		From, To, Reason, ERPOrderNo string
		ERPNo                        string `json:"erp_order_no"`
		Exceptions                   []string
		Attempt                      int
		Message                      int
		State                        string
		Before, After                struct {
			State, Customer string
			Exceptions      []string
			AssignedTo      string `json:"assigned_to"`
			Line            *struct {
				No       int `json:"line_no"`
				SKU      string
				Quantity string
				Unit     string
				Deleted  bool
			}
		}
		More map[string]any
	}
	_ = json.Unmarshal(e.Detail, &d)
	line := func() string {
		if d.After.Line == nil {
			return ""
		}
		l := d.After.Line
		return fmt.Sprintf("line %d", l.No)
	}
	codes := func(cs []string) string {
		if len(cs) == 0 {
			return "nothing wrong"
		}
		return strings.Join(cs, ", ")
	}
	switch e.Kind {
	case intake.EventReceived:
		return fmt.Sprintf("read from the document (message %d)", d.Message)
	case intake.EventState:
		s := d.From + " → " + d.To
		switch d.To {
		case intake.StateReview:
			s += ": " + codes(d.Exceptions)
			if len(d.Exceptions) == 0 && d.Reason != "" {
				s = d.From + " → review: " + d.Reason
			}
		case intake.StateDelivered:
			s += " (ERP order " + d.ERPNo + ")"
		case intake.StateRejected:
			s += ": " + d.Reason
		}
		return s
	case intake.EventAttempt:
		return fmt.Sprintf("delivery to the ERP, attempt %d", d.Attempt)
	case intake.EventAcknowledged, intake.EventNotified:
		var a struct{ Kind, Status, Partner, To string }
		_ = json.Unmarshal(e.Detail, &a)
		if e.Kind == intake.EventNotified {
			return "mailed the customer (" + a.Kind + ") to " + a.To
		}
		return "answered the partner " + a.Partner + ": " + a.Kind + " " + a.Status
	case intake.ActApprove:
		if d.After.State == intake.StateApproved || d.After.State == intake.StateApplied {
			s := "approved"
			if cs, ok := d.More["confirmed"].([]any); ok && len(cs) > 0 {
				names := make([]string, 0, len(cs))
				for _, c := range cs {
					names = append(names, fmt.Sprint(c))
				}
				s += " confirming " + strings.Join(names, ", ")
			}
			if d.Reason != "" {
				s += ": " + d.Reason
			}
			return s
		}
		return "tried to approve; still " + codes(d.After.Exceptions)
	case intake.ActMapLine:
		s := "mapped " + line()
		if d.After.Line != nil {
			s += " to " + d.After.Line.SKU
		}
		if l, ok := d.More["learned"].(string); ok {
			s += "; learned " + l
		}
		return s + " → " + codes(d.After.Exceptions)
	case intake.ActChangeLine:
		s := "changed " + line()
		if d.After.Line != nil {
			s += " to " + d.After.Line.Quantity + " " + d.After.Line.Unit
		}
		return s + " → " + codes(d.After.Exceptions)
	case intake.ActDeleteLine:
		return "deleted " + line() + " → " + codes(d.After.Exceptions)
	case intake.ActAcceptPrice:
		return "accepted the price of " + line()
	case intake.ActCustomer:
		return "chose customer " + d.After.Customer + " → " + codes(d.After.Exceptions)
	case intake.ActHold:
		return "held: " + d.Reason
	case intake.ActRelease:
		return "released"
	case intake.ActAssign:
		if d.After.AssignedTo == "" {
			return "unassigned"
		}
		return "assigned to " + d.After.AssignedTo
	case intake.ActReject:
		return "rejected: " + d.Reason
	case intake.ActRetry:
		return "sent to the ERP again"
	case intake.ActRematch:
		return "matched again"
	case intake.ActPONumber:
		n, _ := d.More["po_number"].(string)
		return "set the PO number to " + n + " → " + codes(d.After.Exceptions)
	}
	return e.Kind
}

// uiFail answers an error as a page (or, for htmx, as a message in the
// panel's place).
func (s *Server) uiFail(c *gin.Context, err error) {
	status, msg := http.StatusInternalServerError, "Something went wrong; it has been logged."
	switch {
	case errors.Is(err, intake.ErrNotFound):
		status, msg = http.StatusNotFound, messageOf(err)
	case errors.Is(err, intake.ErrInvalid):
		status, msg = http.StatusBadRequest, messageOf(err)
	case errors.Is(err, intake.ErrConflict):
		status, msg = http.StatusConflict, messageOf(err)
	case intake.Transient(err):
		status, msg = http.StatusServiceUnavailable, "The database is busy; nothing was changed. Try again."
	default:
		s.Log.Error("desk page failed", "path", c.FullPath(), "err", err)
	}
	s.page(c, status, "error", view{Title: "Not possible", Error: msg})
	c.Abort()
}

func messageOf(err error) string {
	if m := intake.Message(err); m != "" {
		return m
	}
	return strings.TrimPrefix(err.Error(), "intake: ")
}

func intakeNotFound(what, id string) error {
	return &intake.Error{Kind: intake.ErrNotFound, Message: "there is no " + what + " " + strconv.Quote(id)}
}

// lineExtras says in words what else a line was sent with than the
// columns of the table: the item identifications other than its GTIN,
// buyer's and supplier's numbers ("IB 9780141036144"), the delivery date
// or window it asks for, and its split deliveries.
func lineExtras(l *order.Line) (also, when string, deliveries []string) {
	var ids []string
	for _, id := range l.Identifiers {
		if id.Value == l.GTIN || id.Value == l.BuyerItem || id.Value == l.SupplierItem {
			continue
		}
		ids = append(ids, id.Qualifier.String()+" "+id.Value)
	}
	also = strings.Join(ids, ", ")
	sch := l.Schedule() // nil on most lines: read through the method
	var w []string
	// The delivery date falls back to the window's ends (parsers/edifact):
	// said once.
	if d := l.DeliveryDate; !d.IsZero() && d != sch.DeliveryEarliest && d != sch.DeliveryLatest {
		w = append(w, "on "+d.String())
	}
	if !sch.DeliveryEarliest.IsZero() {
		w = append(w, "not before "+sch.DeliveryEarliest.String())
	}
	if !sch.DeliveryLatest.IsZero() {
		w = append(w, "not after "+sch.DeliveryLatest.String())
	}
	if !sch.DeliveryPromised.IsZero() {
		w = append(w, "promised "+sch.DeliveryPromised.String())
	}
	when = strings.Join(w, ", ")
	for _, d := range sch.Deliveries {
		t := d.Quantity.String() + " " + l.Unit
		if d.Location != "" {
			t += " to " + d.Location
		}
		if !d.Date.IsZero() {
			t += " on " + d.Date.String()
		}
		deliveries = append(deliveries, t)
	}
	return also, when, deliveries
}

// segmentsHTML writes an EDIFACT message's segments as the source pane's
// list. It is written here rather than by the template: the 3,000 segments
// of a 1,000-line order were 15,000 calls of html/template's escapers
// through reflection, a third of the page's time (BENCHMARKS.md). A
// segment's text comes from outside and is escaped with
// template.HTMLEscapeString, the escaping html/template gives text and quoted
// attribute values (< > & ' " and NUL); everything else written is ours.
func segmentsHTML(segs []segmentView) template.HTML {
	var b strings.Builder
	b.Grow(len(segs) * 96)
	b.WriteString(`<ol class="segments">`)
	for _, sg := range segs {
		n := strconv.Itoa(sg.Index)
		b.WriteString(`<li id="seg-` + n + `" data-seg="` + n + `" class="`)
		switch {
		case sg.Problem && sg.Line:
			b.WriteString("problem line-seg")
		case sg.Problem:
			b.WriteString("problem")
		case sg.Line:
			b.WriteString("line-seg")
		}
		b.WriteString(`"><span class="segno">`)
		if sg.Index != 0 {
			b.WriteString(n)
		}
		b.WriteString(`</span><code>`)
		b.WriteString(template.HTMLEscapeString(sg.Text))
		b.WriteString(`</code></li>`)
	}
	b.WriteString(`</ol>`)
	return template.HTML(b.String())
}

// lineRowHTML writes a line's row of the order's table. Like
// segmentsHTML, it is written here rather than by the template, for the
// same reason: the fifteen values of each of a thousand lines were as many
// escaper calls through reflection. Every value that comes from the order
// (numbers, descriptions, codes, messages) is escaped with
// template.HTMLEscapeString, which is what html/template gives text and quoted
// attribute values; the markup and the class names are ours. The fixes
// under a line with exceptions stay in the template.
func lineRowHTML(lv *lineView) template.HTML {
	var b strings.Builder
	b.Grow(512)
	esc := func(v string) { b.WriteString(template.HTMLEscapeString(v)) } // no copy when nothing needs escaping
	l := &lv.Line
	b.WriteString(`<tr><td class="num">` + strconv.Itoa(l.LineNo) + `</td><td>`)
	if l.BuyerItem != "" {
		b.WriteString(`<span title="the customer's item number">`)
		esc(l.BuyerItem)
		b.WriteString(`</span>`)
	}
	if l.GTIN != "" {
		b.WriteString(` <small>GTIN `)
		esc(l.GTIN)
		b.WriteString(`</small>`)
	}
	if l.SupplierItem != "" {
		b.WriteString(` <small>our no. `)
		esc(l.SupplierItem)
		b.WriteString(`</small>`)
	}
	if lv.Also != "" {
		b.WriteString(` <small class="also" title="further item identifications sent (UNCL 7143 type, value)">also `)
		esc(lv.Also)
		b.WriteString(`</small>`)
	}
	if l.Description != "" {
		b.WriteString(`<br><small class="muted">`)
		esc(l.Description)
		b.WriteString(`</small>`)
	}
	if lv.When != "" {
		b.WriteString(`<br><small class="when">delivery `)
		esc(lv.When)
		b.WriteString(`</small>`)
	}
	if len(lv.Deliveries) > 0 {
		b.WriteString(`<br><small class="splitdel" title="split deliveries">split: `)
		esc(strings.Join(lv.Deliveries, "; "))
		b.WriteString(`</small>`)
	}
	b.WriteString(`</td><td>`)
	if l.SKU != "" {
		class := ""
		switch {
		case lv.FromDesk:
			class = "desk"
		case lv.FromXref:
			class = "xref"
		}
		b.WriteString(`<span class="` + class + `" title="`)
		esc(l.ResolvedBy)
		b.WriteString(`">`)
		esc(l.SKU)
		b.WriteString(`</span>`)
		if lv.ItemName != "" {
			b.WriteString(`<br><small class="muted">`)
			esc(lv.ItemName)
			b.WriteString(`</small>`)
		}
	} else {
		b.WriteString(`<span class="bad">?</span>`)
	}
	b.WriteString(`</td><td class="num">`)
	esc(lv.Qty)
	if lv.SentQty != "" {
		b.WriteString(`<br><small class="muted" title="as sent">sent `)
		esc(lv.SentQty)
		b.WriteString(`</small>`)
	}
	b.WriteString(`</td><td>`)
	esc(lv.Unit)
	b.WriteString(`</td><td class="num">`)
	esc(lv.Price)
	b.WriteString(`</td><td class="num">`)
	esc(lv.Agreed)
	b.WriteString(`</td><td>`)
	switch {
	case lv.Deleted:
		b.WriteString(`<span class="code muted">deleted</span>`)
	case len(lv.Exceptions) > 0:
		for _, e := range lv.Exceptions {
			b.WriteString(`<span class="code ` + e.Class + `" title="`)
			esc(e.Message)
			b.WriteString(`">`)
			esc(e.Code)
			b.WriteString(`</span> `)
		}
	default:
		b.WriteString(`<span class="ok">ok</span>`)
	}
	b.WriteString(`</td></tr>`)
	return template.HTML(b.String())
}
