package review

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ordergate/ordergate/intake"
	"github.com/ordergate/ordergate/order"
)

// The quick order: an order taken by phone, typed or pasted line by line
// with the item search and each line's stock and price as it is typed,
// submitted as an upload document through the normal pipeline. The same
// screen, opened by a customer's order link (/l/TOKEN), lets the buyer
// order without an account: only that customer's items and prices.

type quickRow struct{ Item, Quantity, Unit string }

type quickView struct {
	Order     intake.QuickOrder
	Delivery  string
	Rows      []quickRow
	Problems  []string
	Customers []customerChoice
	// Link is set on a customer's order link; the URLs say where the form
	// posts and asks.
	Link                                 bool
	CustomerName                         string
	Action, ItemsURL, LineURL, UploadURL string
}

// quickRows is how many empty lines the form starts with.
const quickRows = 20

func (s *Server) quickPage(c *gin.Context) {
	s.page(c, http.StatusOK, "quick", view{Title: "Quick order", Data: s.deskQuickView(intake.QuickOrder{Customer: c.Query("customer")}, nil, nil)})
}

func (s *Server) deskQuickView(q intake.QuickOrder, rows []quickRow, probs []string) quickView {
	return quickView{Order: q, Delivery: dateText(q.DeliveryDate), Rows: padRows(rows), Problems: probs, Customers: s.customerChoices(),
		Action: "/quick", ItemsURL: "/items", LineURL: "/quick/line"}
}

func padRows(rows []quickRow) []quickRow {
	for len(rows) < quickRows {
		rows = append(rows, quickRow{})
	}
	return rows
}

func dateText(d order.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

// quickForm reads the form into a quick order, with the rows as typed for
// showing it again and the problems found reading it.
func quickForm(c *gin.Context) (intake.QuickOrder, []quickRow, []string) {
	q := intake.QuickOrder{Customer: strings.TrimSpace(c.PostForm("customer")), PONumber: strings.TrimSpace(c.PostForm("po")),
		Note: strings.TrimSpace(c.PostForm("note"))}
	var probs []string
	if d := strings.TrimSpace(c.PostForm("delivery")); d != "" {
		date, err := order.ParseDate(d)
		if err != nil {
			probs = append(probs, "the delivery date "+strconv.Quote(d)+" is not a date")
		}
		q.DeliveryDate = date
	}
	items, qtys, units := c.PostFormArray("item"), c.PostFormArray("qty"), c.PostFormArray("unit")
	var rows []quickRow
	for i, item := range items {
		item = strings.TrimSpace(item)
		row := quickRow{Item: item}
		if i < len(qtys) {
			row.Quantity = strings.TrimSpace(qtys[i])
		}
		if i < len(units) {
			row.Unit = strings.TrimSpace(units[i])
		}
		rows = append(rows, row)
		if item == "" && row.Quantity == "" {
			continue
		}
		qty, err := order.ParseDecimal(row.Quantity)
		if err != nil {
			probs = append(probs, "line "+strconv.Itoa(i+1)+": "+strconv.Quote(row.Quantity)+" is not a quantity")
			continue
		}
		q.Lines = append(q.Lines, intake.QuickLine{Item: item, Quantity: qty, Unit: row.Unit})
	}
	return q, rows, probs
}

// quickSubmit sends the desk's quick order into the pipeline.
func (s *Server) quickSubmit(c *gin.Context) {
	q, rows, probs := quickForm(c)
	if len(probs) == 0 {
		probs = q.Validate()
	}
	if len(probs) > 0 {
		s.page(c, http.StatusBadRequest, "quick", view{Title: "Quick order", Data: s.deskQuickView(q, rows, probs)})
		return
	}
	u := deskUser(c)
	r, err := s.Pipeline.SubmitQuickOrder(c.Request.Context(), q, intake.Submitter{
		Sender: order.Sender{Kind: order.SenderUser, ID: u.Name, Verified: true}, SourceRef: "desk:" + u.Name})
	if err != nil {
		s.page(c, statusOf(err), "quick", view{Title: "Quick order", Data: s.deskQuickView(q, rows, []string{messageOf(err)})})
		return
	}
	s.auditUI(c, u.Name, "quick_order.submit", "document="+strconv.FormatInt(r.DocumentID, 10), http.StatusSeeOther,
		map[string]any{"customer": q.Customer, "po_number": q.PONumber, "lines": len(q.Lines)})
	s.toDocument(c, r)
}

// lineInfo is what a quick order's line shows beside it: the item found,
// its stock and price, the line's amount.
type lineInfo struct {
	SKU, Stock, Price, Amount, Problem string
}

func (s *Server) quickLine(c *gin.Context) {
	s.fragment(c, http.StatusOK, "quick", "quick_line", view{Data: s.lineInfo(c.Query("customer"), c.Query("item"), c.Query("qty"), false)})
}

// lineInfo looks a typed item up for the customer: the best hit, as the
// quick order will resolve it.
func (s *Server) lineInfo(customer, item, qty string, onlyAssortment bool) lineInfo {
	item = strings.TrimSpace(item)
	if item == "" || len(item) > 100 {
		return lineInfo{}
	}
	hits, err := s.Pipeline.Items(intake.ItemQuery{Customer: customer, Text: item, Limit: 1, OnlyAssortment: onlyAssortment})
	if err != nil || len(hits) == 0 {
		return lineInfo{Problem: "no such item"}
	}
	h := hits[0]
	info := lineInfo{SKU: h.SKU, Stock: h.Stock.String() + " " + h.Unit}
	if !strings.EqualFold(h.SKU, item) && h.MatchedBy == "description" {
		info.Problem = "did you mean " + h.SKU + "? pick it from the list"
	}
	if !h.InAssortment {
		info.Problem = "not in the customer's assortment"
	}
	if h.Price != nil {
		info.Price = money(h.Price) + " " + h.Currency + "/" + h.PriceUnit
		if q, err := order.ParseDecimal(qty); err == nil && q.Sign() > 0 {
			if a, ok := h.Price.Mul(q); ok {
				info.Amount = money(&a) + " " + h.Currency
			}
		}
	}
	return info
}

// The customer's order link: the buyer's quick order and sheet upload.

func (s *Server) linkView(c *gin.Context, l intake.Link, q intake.QuickOrder, rows []quickRow, probs []string) quickView {
	token := c.Param("token")
	name := l.Customer
	if s.Catalog != nil {
		if snap := s.Catalog(); snap != nil {
			if id, ok := snap.CustomerByNumber(l.Customer); ok {
				name = snap.Customer(id).Name
			}
		}
	}
	q.Customer = l.Customer
	return quickView{Order: q, Delivery: dateText(q.DeliveryDate), Rows: padRows(rows), Problems: probs, Link: true, CustomerName: name,
		Action: "/l/" + token, ItemsURL: "/l/" + token + "/items", LineURL: "/l/" + token + "/line", UploadURL: "/l/" + token + "/upload"}
}

// requireLinkPage opens a page by a customer's link: valid and within its
// rate, or a plain page saying why not.
func (s *Server) requireLinkPage(c *gin.Context) {
	l, err := intake.VerifyLink(c.Request.Context(), s.Pool, c.Param("token"))
	if err == nil {
		err = s.linkLimiter().Allow(l.ID)
	}
	if err != nil {
		status := http.StatusForbidden
		if strings.Contains(err.Error(), "too many") {
			status = http.StatusTooManyRequests
		}
		s.page(c, status, "error", view{Title: "Order link", Error: messageOf(err)})
		c.Abort()
		return
	}
	c.Set("link", l)
	c.Next()
}

func (s *Server) linkPage(c *gin.Context) {
	s.page(c, http.StatusOK, "quick", view{Title: "Order", Data: s.linkView(c, linkOf(c), intake.QuickOrder{}, nil, nil)})
}

func (s *Server) linkSubmit(c *gin.Context) {
	l := linkOf(c)
	q, rows, probs := quickForm(c)
	q.Customer = l.Customer
	if len(probs) == 0 {
		probs = q.Validate()
	}
	if len(probs) == 0 {
		r, err := s.Pipeline.SubmitLinkOrder(c.Request.Context(), l, q)
		if err == nil {
			s.page(c, http.StatusOK, "error", view{Title: "Order sent", Notice: "Thank you: your order " + q.PONumber +
				" is received (reference " + strconv.FormatInt(r.DocumentID, 10) + "). You will hear from us if anything is unclear."})
			return
		}
		probs = []string{messageOf(err)}
	}
	s.page(c, http.StatusBadRequest, "quick", view{Title: "Order", Data: s.linkView(c, l, q, rows, probs)})
}

func (s *Server) linkUpload(c *gin.Context) {
	l := linkOf(c)
	name, ctype, data, err := s.uploadedFile(c)
	if err == nil {
		var r intake.Received
		if r, err = s.Pipeline.SubmitLinkDocument(c.Request.Context(), l, name, ctype, data); err == nil {
			s.page(c, http.StatusOK, "error", view{Title: "File sent", Notice: "Thank you: " + name + " is received (reference " +
				strconv.FormatInt(r.DocumentID, 10) + ")."})
			return
		}
	}
	s.page(c, statusOf(err), "quick", view{Title: "Order", Data: s.linkView(c, l, intake.QuickOrder{}, nil, []string{messageOf(err)})})
}

func (s *Server) linkItemHits(c *gin.Context) {
	q := strings.TrimSpace(c.Query("item"))
	var hits []itemHit
	if q != "" && len(q) <= 100 {
		if found, err := s.Pipeline.LinkItems(linkOf(c), q, maxItemHits); err == nil {
			hits = itemHitsOf(found)
		}
	}
	s.fragment(c, http.StatusOK, "order", "item_hits", view{Data: hits})
}

func (s *Server) linkLine(c *gin.Context) {
	l := linkOf(c)
	s.fragment(c, http.StatusOK, "quick", "quick_line", view{Data: s.lineInfo(l.Customer, c.Query("item"), c.Query("qty"), true)})
}

// Order links, the desk's side.

type linksView struct {
	Links     []intake.Link
	Customers []customerChoice
	NewURL    string
}

func (s *Server) linksPage(c *gin.Context) {
	s.linksAnswer(c, http.StatusOK, "", "")
}

func (s *Server) linksAnswer(c *gin.Context, status int, newURL, problem string) {
	links, err := intake.ListLinks(c.Request.Context(), s.Pool, "")
	if err != nil {
		s.uiFail(c, err)
		return
	}
	s.page(c, status, "links", view{Title: "Order links", Error: problem, Data: linksView{Links: links, Customers: s.customerChoices(), NewURL: newURL}})
}

func (s *Server) createLinkUI(c *gin.Context) {
	days, err := strconv.Atoi(c.DefaultPostForm("days", "30"))
	if err != nil || days < 1 {
		s.linksAnswer(c, http.StatusBadRequest, "", "Say for how many days the link is valid.")
		return
	}
	l, token, err := s.Pipeline.CreateLink(c.Request.Context(), c.PostForm("customer"), c.PostForm("note"), deskUser(c).Name,
		time.Duration(days)*24*time.Hour)
	if err != nil {
		s.linksAnswer(c, statusOf(err), "", messageOf(err))
		return
	}
	s.auditUI(c, deskUser(c).Name, "order_link.create", "customer="+l.Customer, http.StatusOK, map[string]any{"link": l.ID, "days": days})
	scheme := "https"
	if c.Request.TLS == nil {
		scheme = "http"
	}
	s.linksAnswer(c, http.StatusOK, scheme+"://"+c.Request.Host+"/l/"+token, "")
}

func (s *Server) revokeLinkUI(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		s.linksAnswer(c, http.StatusBadRequest, "", "There is no such link.")
		return
	}
	if _, err := intake.RevokeLink(c.Request.Context(), s.Pool, c.Param("customer"), id, deskUser(c).Name); err != nil {
		s.linksAnswer(c, statusOf(err), "", messageOf(err))
		return
	}
	s.auditUI(c, deskUser(c).Name, "order_link.revoke", "customer="+c.Param("customer"), http.StatusOK, map[string]any{"link": id})
	c.Redirect(http.StatusSeeOther, "/links")
}
