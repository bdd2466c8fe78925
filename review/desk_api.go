package review

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ordergate/ordergate/intake"
	"github.com/ordergate/ordergate/order"
)

// The desk's actions through the JSON API (POST /api/v1/orders/{id}/...),
// the same intake functions the review UI calls. Each answers with the
// order as the action left it ({"order": ...}); an approval refused answers
// 409 with what blocks it ("blocking") or what to confirm ("confirm"),
// together with the order as matched again.

// auditedKey marks a request whose action wrote its own audit entry (in its
// transaction), so the audit middleware does not write a second one.
const auditedKey = "audited"

// maxActionBody caps the JSON body of a desk action.
const maxActionBody = 64 << 10

// actor is who calls: the API client.
func (s *Server) actor(c *gin.Context) intake.Actor {
	return intake.Actor{Name: c.GetString("api_client"), API: true}
}

// deskAction reads the action's JSON body into body (when not nil; shape
// says what it looks like, for a body that is not), runs
// act on the order the path names and answers with the order, or with the
// refusal (see fail). A body is optional where every field is.
func (s *Server) deskAction(c *gin.Context, code int, body any, shape string, act func(ctx context.Context, a intake.Actor, id int64) (intake.Order, error)) {
	id, ok := idParam(c)
	if !ok {
		return
	}
	if body != nil {
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxActionBody)
		if err := c.ShouldBindJSON(body); err != nil && !errors.Is(err, io.EOF) {
			if isTooLarge(err) {
				apiError(c, http.StatusRequestEntityTooLarge, sizeLimit("the request body", maxActionBody, ""))
				return
			}
			apiError(c, http.StatusBadRequest, "send a JSON object "+shape)
			return
		}
	}
	o, err := act(c.Request.Context(), s.actor(c), id)
	var blocked *intake.Blocked
	var unconfirmed *intake.Unconfirmed
	switch {
	case errors.As(err, &blocked):
		c.Set(auditedKey, true)
		c.AbortWithStatusJSON(http.StatusConflict, gin.H{"error": strings.TrimPrefix(blocked.Error(), "intake: "),
			"blocking": blocked.Exceptions, "order": toOrderJSON(&o)})
		return
	case errors.As(err, &unconfirmed):
		c.Set(auditedKey, true)
		c.AbortWithStatusJSON(http.StatusConflict, gin.H{"error": strings.TrimPrefix(unconfirmed.Error(), "intake: "),
			"confirm": unconfirmed.Warnings, "order": toOrderJSON(&o)})
		return
	case err != nil:
		s.fail(c, err)
		return
	}
	c.Set(auditedKey, true)
	c.JSON(code, gin.H{"order_id": o.ID, "status": o.State, "order": toOrderJSON(&o)})
}

// lineParam reads the :line path parameter, answering 400 itself.
func lineParam(c *gin.Context) (int, bool) {
	n, err := strconv.Atoi(c.Param("line"))
	if err != nil || n <= 0 {
		apiError(c, http.StatusBadRequest, strconv.Quote(c.Param("line"))+" is not a line number")
		return 0, false
	}
	return n, true
}

// approveOrder: {"confirm": true, "reason": "..."} approves an order in
// review once nothing blocks it, confirming its warnings.
func (s *Server) approveOrder(c *gin.Context) {
	var body struct {
		Confirm bool   `json:"confirm"`
		Reason  string `json:"reason"`
	}
	s.deskAction(c, http.StatusOK, &body, `{"confirm": true, "reason": "why the warnings are fine"}`, func(ctx context.Context, a intake.Actor, id int64) (intake.Order, error) {
		return s.Pipeline.Approve(ctx, a, id, intake.Approval{Confirm: body.Confirm, Reason: body.Reason})
	})
}

// chooseCustomer: {"customer": "10001"} says whose order it is.
func (s *Server) chooseCustomer(c *gin.Context) {
	var body struct {
		Customer string `json:"customer"`
	}
	s.deskAction(c, http.StatusOK, &body, `{"customer": "customer number"}`, func(ctx context.Context, a intake.Actor, id int64) (intake.Order, error) {
		return s.Pipeline.ChooseCustomer(ctx, a, id, body.Customer)
	})
}

// setPONumber: {"po_number": "4500012345"} gives the order the customer's
// own PO number.
func (s *Server) setPONumber(c *gin.Context) {
	var body struct {
		PONumber string `json:"po_number"`
	}
	s.deskAction(c, http.StatusOK, &body, `{"po_number": "the customer's PO number"}`, func(ctx context.Context, a intake.Actor, id int64) (intake.Order, error) {
		return s.Pipeline.SetPONumber(ctx, a, id, body.PONumber)
	})
}

// lineAction runs a desk action on a line.
func (s *Server) lineAction(c *gin.Context, body any, shape string, act func(ctx context.Context, a intake.Actor, id int64, line int) (intake.Order, error)) {
	line, ok := lineParam(c)
	if !ok {
		return
	}
	s.deskAction(c, http.StatusOK, body, shape, func(ctx context.Context, a intake.Actor, id int64) (intake.Order, error) {
		return act(ctx, a, id, line)
	})
}

// mapLine: {"sku": "COF-1", "unit": "CT", "remember": true} maps a line to
// one of our items (and teaches it for the customer's next orders).
func (s *Server) mapLine(c *gin.Context) {
	var body struct {
		SKU      string `json:"sku"`
		Unit     string `json:"unit"`
		Remember bool   `json:"remember"`
	}
	s.lineAction(c, &body, `{"sku": "our SKU", "unit": "CT", "remember": true}`, func(ctx context.Context, a intake.Actor, id int64, line int) (intake.Order, error) {
		return s.Pipeline.MapLine(ctx, a, id, line, intake.LineMapping{SKU: body.SKU, Unit: body.Unit, Remember: body.Remember})
	})
}

// changeLine: {"quantity": 12, "unit": "CT"} corrects a line.
func (s *Server) changeLine(c *gin.Context) {
	var body struct {
		Quantity *order.Decimal `json:"quantity"`
		Unit     string         `json:"unit"`
	}
	s.lineAction(c, &body, `{"quantity": 12, "unit": "CT"}`, func(ctx context.Context, a intake.Actor, id int64, line int) (intake.Order, error) {
		return s.Pipeline.ChangeLine(ctx, a, id, line, intake.LineChange{Quantity: body.Quantity, Unit: body.Unit})
	})
}

// deleteLine takes a line out of the order.
func (s *Server) deleteLine(c *gin.Context) {
	s.lineAction(c, nil, "", func(ctx context.Context, a intake.Actor, id int64, line int) (intake.Order, error) {
		return s.Pipeline.DeleteLine(ctx, a, id, line)
	})
}

// acceptPrice accepts the price a line was sent with.
func (s *Server) acceptPrice(c *gin.Context) {
	s.lineAction(c, nil, "", func(ctx context.Context, a intake.Actor, id int64, line int) (intake.Order, error) {
		return s.Pipeline.AcceptPrice(ctx, a, id, line)
	})
}

// holdOrder: {"reason": "..."} holds an order back; releaseOrder ends it.
func (s *Server) holdOrder(c *gin.Context) {
	var body struct {
		Reason string `json:"reason"`
	}
	s.deskAction(c, http.StatusOK, &body, `{"reason": "why the order is held"}`, func(ctx context.Context, a intake.Actor, id int64) (intake.Order, error) {
		return s.Pipeline.Hold(ctx, a, id, body.Reason)
	})
}

func (s *Server) releaseOrder(c *gin.Context) {
	s.deskAction(c, http.StatusOK, nil, "", func(ctx context.Context, a intake.Actor, id int64) (intake.Order, error) {
		return s.Pipeline.Release(ctx, a, id)
	})
}

// assignOrder: {"to": "anna", "take_over": false} gives the order to a
// desk user ("" for nobody).
func (s *Server) assignOrder(c *gin.Context) {
	var body struct {
		To       string `json:"to"`
		TakeOver bool   `json:"take_over"`
	}
	s.deskAction(c, http.StatusOK, &body, `{"to": "user name", "take_over": false}`, func(ctx context.Context, a intake.Actor, id int64) (intake.Order, error) {
		return s.Pipeline.Assign(ctx, a, id, body.To, body.TakeOver)
	})
}

// orderHistory answers GET /orders/{id}/history: what happened to the
// order, oldest first.
func (s *Server) orderHistory(c *gin.Context) {
	id, ok := idParam(c)
	if !ok {
		return
	}
	if _, ok := s.loadOrder(c, id); !ok {
		return
	}
	events, err := intake.OrderHistory(c.Request.Context(), s.Pool, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"order_id": id, "history": events})
}
