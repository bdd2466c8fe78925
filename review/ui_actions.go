package review

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ordergate/ordergate/auth"
	"github.com/ordergate/ordergate/intake"
	"github.com/ordergate/ordergate/order"
)

// The desk's actions from the order page. Each is a POST of a form: with
// htmx it is answered with the order panel as the action left it (matched
// again), so the fix shows at once without reloading the page; as a plain
// form it is answered with a redirect to the order. An approval or
// rejection takes the order out of the queue, and the desk back to it.

// maxFormBytes caps a desk form.
const maxFormBytes = 64 << 10

// uiActor is the desk user as the actor of an action.
func uiActor(c *gin.Context) intake.Actor {
	u := deskUser(c)
	return intake.Actor{Name: u.Name, Admin: u.May(auth.RoleAdmin)}
}

// uiAction runs an action on the order the path names and answers it.
// leaves says a successful action takes the order out of the queue.
func (s *Server) uiAction(c *gin.Context, done string, leaves bool, act func(ctx context.Context, a intake.Actor, id int64) (intake.Order, error)) {
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxFormBytes)
	if err := c.Request.ParseForm(); err != nil {
		s.uiFail(c, &intake.Error{Kind: intake.ErrInvalid, Message: "the form could not be read"})
		return
	}
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		s.uiFail(c, intakeNotFound("order", c.Param("id")))
		return
	}
	o, err := act(c.Request.Context(), uiActor(c), id)
	htmx := c.GetHeader("HX-Request") != ""
	if err == nil {
		if leaves {
			notice := done + ": " + firstOf(o.PO.PONumber, "order "+strconv.FormatInt(o.ID, 10))
			s.sessions.Put(c.Request.Context(), "notice", notice)
			if htmx {
				c.Header("HX-Redirect", "/")
				c.Status(http.StatusOK)
				return
			}
			c.Redirect(http.StatusSeeOther, "/")
			return
		}
		if !htmx {
			c.Redirect(http.StatusSeeOther, "/orders/"+strconv.FormatInt(id, 10))
			return
		}
		s.answerPanel(c, o, done, "notice", nil, nil)
		return
	}
	var blocked *intake.Blocked
	var unconfirmed *intake.Unconfirmed
	switch {
	case errors.As(err, &blocked):
		s.answerPanel(c, o, "Not approved: fix what is marked red first.", "error", blocked.Exceptions, nil)
	case errors.As(err, &unconfirmed):
		msg := "Not approved yet: confirm the warnings, and say why."
		if c.PostForm("confirm") != "" && strings.TrimSpace(c.PostForm("reason")) == "" {
			msg = "Say why the warnings are fine, then approve."
		}
		s.answerPanel(c, o, msg, "warn", nil, unconfirmed.Warnings)
	case errors.Is(err, intake.ErrInvalid) || errors.Is(err, intake.ErrConflict) || errors.Is(err, intake.ErrNotFound):
		cur, gerr := intake.GetOrder(c.Request.Context(), s.Pool, id)
		if gerr != nil {
			s.uiFail(c, err)
			return
		}
		s.answerPanel(c, cur, messageOf(err), "error", nil, nil)
	default:
		s.uiFail(c, err)
	}
}

// answerPanel answers an action with the order panel (htmx) or the page.
func (s *Server) answerPanel(c *gin.Context, o intake.Order, msg, kind string, blocking, confirm []order.Exception) {
	v, err := s.orderData(c, o, msg, kind)
	if err != nil {
		s.uiFail(c, err)
		return
	}
	v.Blocking, v.Confirm = blocking, confirm
	status := http.StatusOK
	if kind == "error" || kind == "warn" {
		status = http.StatusConflict
		if c.GetHeader("HX-Request") != "" {
			status = http.StatusOK // htmx swaps only successful answers
		}
	}
	if c.GetHeader("HX-Request") != "" {
		s.fragment(c, status, "order", "order_panel", view{Data: v})
		return
	}
	s.page(c, status, "order", view{Title: firstOf(o.PO.PONumber, "Order"), Data: v})
}

func (s *Server) uiApprove(c *gin.Context) {
	s.uiAction(c, "Approved", true, func(ctx context.Context, a intake.Actor, id int64) (intake.Order, error) {
		return s.Pipeline.Approve(ctx, a, id, intake.Approval{Confirm: c.PostForm("confirm") != "", Reason: c.PostForm("reason")})
	})
}

func (s *Server) uiReject(c *gin.Context) {
	s.uiAction(c, "Rejected", true, func(ctx context.Context, a intake.Actor, id int64) (intake.Order, error) {
		return s.Pipeline.Reject(ctx, a, id, c.PostForm("reason"))
	})
}

func (s *Server) uiHold(c *gin.Context) {
	s.uiAction(c, "Held", false, func(ctx context.Context, a intake.Actor, id int64) (intake.Order, error) {
		return s.Pipeline.Hold(ctx, a, id, c.PostForm("reason"))
	})
}

func (s *Server) uiRelease(c *gin.Context) {
	s.uiAction(c, "Released", false, func(ctx context.Context, a intake.Actor, id int64) (intake.Order, error) {
		return s.Pipeline.Release(ctx, a, id)
	})
}

func (s *Server) uiAssign(c *gin.Context) {
	s.uiAction(c, "Assigned", false, func(ctx context.Context, a intake.Actor, id int64) (intake.Order, error) {
		return s.Pipeline.Assign(ctx, a, id, c.PostForm("to"), c.PostForm("take_over") != "")
	})
}

func (s *Server) uiCustomer(c *gin.Context) {
	s.uiAction(c, "Customer chosen", false, func(ctx context.Context, a intake.Actor, id int64) (intake.Order, error) {
		return s.Pipeline.ChooseCustomer(ctx, a, id, c.PostForm("customer"))
	})
}

func (s *Server) uiPONumber(c *gin.Context) {
	s.uiAction(c, "PO number set", false, func(ctx context.Context, a intake.Actor, id int64) (intake.Order, error) {
		return s.Pipeline.SetPONumber(ctx, a, id, c.PostForm("po_number"))
	})
}

func (s *Server) uiRematch(c *gin.Context) {
	s.uiAction(c, "Matched again", false, func(ctx context.Context, a intake.Actor, id int64) (intake.Order, error) {
		return s.Pipeline.Rematch(ctx, a, id, 0)
	})
}

func (s *Server) uiRetry(c *gin.Context) {
	s.uiAction(c, "Sent to the ERP again", false, func(ctx context.Context, a intake.Actor, id int64) (intake.Order, error) {
		return s.Pipeline.RetryDelivery(ctx, a, id)
	})
}

// uiLineAction runs an action on the line the path names.
func (s *Server) uiLineAction(c *gin.Context, done string, act func(ctx context.Context, a intake.Actor, id int64, line int) (intake.Order, error)) {
	line, err := strconv.Atoi(c.Param("line"))
	if err != nil || line <= 0 {
		s.uiFail(c, &intake.Error{Kind: intake.ErrNotFound, Message: "there is no line " + strconv.Quote(c.Param("line"))})
		return
	}
	s.uiAction(c, done, false, func(ctx context.Context, a intake.Actor, id int64) (intake.Order, error) {
		return act(ctx, a, id, line)
	})
}

func (s *Server) uiMapLine(c *gin.Context) {
	s.uiLineAction(c, "Line mapped", func(ctx context.Context, a intake.Actor, id int64, line int) (intake.Order, error) {
		return s.Pipeline.MapLine(ctx, a, id, line, intake.LineMapping{SKU: c.PostForm("sku"), Unit: c.PostForm("unit"),
			Remember: c.PostForm("remember") != ""})
	})
}

func (s *Server) uiChangeLine(c *gin.Context) {
	s.uiLineAction(c, "Line changed", func(ctx context.Context, a intake.Actor, id int64, line int) (intake.Order, error) {
		ch := intake.LineChange{Unit: c.PostForm("unit")}
		if q := strings.TrimSpace(c.PostForm("quantity")); q != "" {
			d, err := order.ParseDecimal(q)
			if err != nil {
				return intake.Order{}, &intake.Error{Kind: intake.ErrInvalid, Message: strconv.Quote(q) + " is not a quantity"}
			}
			ch.Quantity = &d
		}
		return s.Pipeline.ChangeLine(ctx, a, id, line, ch)
	})
}

func (s *Server) uiDeleteLine(c *gin.Context) {
	s.uiLineAction(c, "Line deleted", func(ctx context.Context, a intake.Actor, id int64, line int) (intake.Order, error) {
		return s.Pipeline.DeleteLine(ctx, a, id, line)
	})
}

func (s *Server) uiAcceptPrice(c *gin.Context) {
	s.uiLineAction(c, "Price accepted", func(ctx context.Context, a intake.Actor, id int64, line int) (intake.Order, error) {
		return s.Pipeline.AcceptPrice(ctx, a, id, line)
	})
}
