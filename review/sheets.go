package review

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ordergate/ordergate/intake"
	"github.com/ordergate/ordergate/order"
	"github.com/ordergate/ordergate/parsers/sheet"
)

// maxJSONBody caps the small JSON bodies of the desk's actions (a quick
// order of a thousand lines fits).
const maxJSONBody = 1 << 20

// bindJSON reads a JSON body into v, answering 400 or 413 itself.
func bindJSON(c *gin.Context, v any, example string) bool {
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxJSONBody)
	if err := c.ShouldBindJSON(v); err != nil {
		if isTooLarge(err) {
			apiError(c, http.StatusRequestEntityTooLarge, sizeLimit("the request body", maxJSONBody, ""))
			return false
		}
		apiError(c, http.StatusBadRequest, "send a JSON object like "+example+" ("+err.Error()+")")
		return false
	}
	return true
}

// listSheetLayouts answers GET /customers/{number}/sheet-layouts: the
// layouts the desk saved for the customer's sheets.
func (s *Server) listSheetLayouts(c *gin.Context) {
	ls, err := intake.ListSheetLayouts(c.Request.Context(), s.Pool, c.Param("number"))
	if err != nil {
		s.fail(c, err)
		return
	}
	if ls == nil {
		ls = []sheet.Layout{}
	}
	c.JSON(http.StatusOK, gin.H{"layouts": ls})
}

// putSheetLayout saves (or replaces) the customer's layout for one header
// shape: PUT /customers/{number}/sheet-layouts with {"shape", "header",
// "columns": [{"index", "field"}]}, as the preview shows a table (its
// shape and columns) with the desk's corrections.
func (s *Server) putSheetLayout(c *gin.Context) {
	var l sheet.Layout
	if !bindJSON(c, &l, `{"shape": "artnr|benamning|antal", "columns": [{"index": 1, "field": "buyer_item"}, {"index": 3, "field": "quantity"}]}`) {
		return
	}
	l.Customer = c.Param("number")
	saved, err := intake.SaveSheetLayout(c.Request.Context(), s.Pool, l, c.GetString("api_client"))
	if err != nil {
		s.fail(c, err)
		return
	}
	setAudit(c, "layout", gin.H{"id": saved.ID, "shape": saved.Shape, "columns": saved.Columns})
	c.JSON(http.StatusOK, saved)
}

// deleteSheetLayout removes one: DELETE /customers/{number}/sheet-layouts/{id}.
func (s *Server) deleteSheetLayout(c *gin.Context) {
	id, ok := idParam(c)
	if !ok {
		return
	}
	if err := intake.DeleteSheetLayout(c.Request.Context(), s.Pool, c.Param("number"), id); err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"deleted": id})
}

// previewDocument answers POST /documents/preview (the document as for
// POST /documents, with the customer): its orders as matching makes them
// now and, for a sheet, its tables and columns. Nothing is stored.
func (s *Server) previewDocument(c *gin.Context) {
	doc, ok := s.readDocument(c)
	if !ok {
		return
	}
	client := c.GetString("api_client")
	p, err := s.Pipeline.Preview(c.Request.Context(), intake.PreviewRequest{Customer: doc.customer, FileName: doc.name,
		ContentType: doc.ctype, Data: doc.data, Sender: order.Sender{Kind: order.SenderAPI, ID: client, Verified: true}})
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, p)
}

// items answers GET /items?customer=&q=&limit=: the quick order's
// autocomplete, with stock and the customer's price per item.
func (s *Server) items(c *gin.Context) {
	limit, _ := strconv.Atoi(c.DefaultQuery("limit", "10"))
	hits, err := s.Pipeline.Items(intake.ItemQuery{Customer: c.Query("customer"), Text: c.Query("q"), Limit: limit})
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": hits})
}

// postQuickOrder takes a quick order typed at the desk: POST /quick-orders
// with {"customer", "po_number", "order_date", "delivery_date", "lines":
// [{"sku" or "item", "quantity", "unit"}]}. It becomes an upload document
// (201 {"document_id"}).
func (s *Server) postQuickOrder(c *gin.Context) {
	var q intake.QuickOrder
	if !bindJSON(c, &q, `{"customer": "10001", "po_number": "PO-1", "lines": [{"sku": "COF-1", "quantity": 12}]}`) {
		return
	}
	client := c.GetString("api_client")
	r, err := s.Pipeline.SubmitQuickOrder(c.Request.Context(), q, intake.Submitter{
		Sender: order.Sender{Kind: order.SenderAPI, ID: client, Verified: true}, SourceRef: "quick-order:" + client})
	if err != nil {
		s.fail(c, err)
		return
	}
	setAudit(c, "document_id", r.DocumentID)
	setAudit(c, "customer", q.Customer)
	received(c, r)
}

func received(c *gin.Context, r intake.Received) {
	if r.Duplicate {
		c.JSON(http.StatusOK, gin.H{"document_id": r.DocumentID, "duplicate": true, "duplicate_of": r.DuplicateOf})
		return
	}
	c.JSON(http.StatusCreated, gin.H{"document_id": r.DocumentID})
}

// listLinks answers GET /customers/{number}/links.
func (s *Server) listLinks(c *gin.Context) {
	ls, err := intake.ListLinks(c.Request.Context(), s.Pool, c.Param("number"))
	if err != nil {
		s.fail(c, err)
		return
	}
	if ls == nil {
		ls = []intake.Link{}
	}
	c.JSON(http.StatusOK, gin.H{"links": ls})
}

// createLink makes an order link for the customer: POST
// /customers/{number}/links with {"valid_days": 30, "note": "..."}. The
// answer carries the token once ({"link", "token"}); it is not stored.
func (s *Server) createLink(c *gin.Context) {
	var body struct {
		ValidDays int    `json:"valid_days"`
		Note      string `json:"note"`
	}
	if !bindJSON(c, &body, `{"valid_days": 30, "note": "sent to the buyer"}`) {
		return
	}
	if body.ValidDays == 0 {
		body.ValidDays = 30
	}
	l, token, err := s.Pipeline.CreateLink(c.Request.Context(), c.Param("number"), body.Note, c.GetString("api_client"),
		time.Duration(body.ValidDays)*24*time.Hour)
	if err != nil {
		s.fail(c, err)
		return
	}
	setAudit(c, "link", gin.H{"id": l.ID, "expires_at": l.ExpiresAt})
	c.JSON(http.StatusCreated, gin.H{"link": l, "token": token})
}

// revokeLink closes a link: DELETE /customers/{number}/links/{id}.
func (s *Server) revokeLink(c *gin.Context) {
	id, ok := idParam(c)
	if !ok {
		return
	}
	l, err := intake.RevokeLink(c.Request.Context(), s.Pool, c.Param("number"), id, c.GetString("api_client"))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"link": l})
}

// requireLink opens the routes of a customer's order link
// (/api/v1/links/{token}/...): the token must open an active link, and
// the link must be within its rate (429 with Retry-After otherwise).
func (s *Server) requireLink(c *gin.Context) {
	l, err := intake.VerifyLink(c.Request.Context(), s.Pool, c.Param("token"))
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := s.linkLimiter().Allow(l.ID); err != nil {
		s.fail(c, err)
		return
	}
	c.Set("link", l)
	c.Next()
}

func (s *Server) linkLimiter() *intake.LinkLimiter {
	s.limiterOnce.Do(func() {
		if s.LinkLimiter == nil {
			s.LinkLimiter = &intake.LinkLimiter{}
		}
	})
	return s.LinkLimiter
}

func linkOf(c *gin.Context) intake.Link {
	l, _ := c.Get("link")
	return l.(intake.Link)
}

// linkInfo answers GET /links/{token}: whose link it is and until when.
func (s *Server) linkInfo(c *gin.Context) {
	l := linkOf(c)
	c.JSON(http.StatusOK, gin.H{"customer": l.Customer, "expires_at": l.ExpiresAt})
}

// linkItems is the autocomplete through a link: the link's customer's
// assortment and prices only.
func (s *Server) linkItems(c *gin.Context) {
	limit, _ := strconv.Atoi(c.DefaultQuery("limit", "10"))
	hits, err := s.Pipeline.LinkItems(linkOf(c), c.Query("q"), limit)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": hits})
}

// linkOrder takes a quick order through a link (POST /links/{token}/orders).
func (s *Server) linkOrder(c *gin.Context) {
	var q intake.QuickOrder
	if !bindJSON(c, &q, `{"po_number": "PO-1", "lines": [{"sku": "COF-1", "quantity": 12}]}`) {
		return
	}
	r, err := s.Pipeline.SubmitLinkOrder(c.Request.Context(), linkOf(c), q)
	if err != nil {
		s.fail(c, err)
		return
	}
	received(c, r)
}

// linkDocument takes a sheet uploaded through a link (POST
// /links/{token}/documents, as POST /documents; the customer is the link's).
func (s *Server) linkDocument(c *gin.Context) {
	doc, ok := s.readDocument(c)
	if !ok {
		return
	}
	l := linkOf(c)
	if doc.customer != "" && !strings.EqualFold(strings.TrimSpace(doc.customer), l.Customer) {
		apiError(c, http.StatusBadRequest, "this link orders for customer "+l.Customer+" only")
		return
	}
	r, err := s.Pipeline.SubmitLinkDocument(c.Request.Context(), l, doc.name, doc.ctype, doc.data)
	if err != nil {
		s.fail(c, err)
		return
	}
	received(c, r)
}
