package intake

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ordergate/ordergate/matching"
	"github.com/ordergate/ordergate/order"
)

// The sales desk's actions on an order waiting in review. The review UI and
// the JSON API share them. Each runs in one transaction with its entry in
// the order's history and in the audit log (who, when, what, the order
// before and after), and each that changes the order matches it again at
// once, so the desk sees what is still wrong. None of them approves by
// itself: that is Approve.
//
// An order assigned to one clerk is acted on by another only after taking
// it over (Assign with TakeOver): two clerks never work one order without
// knowing.

// Desk action names: the kind of their history entries, and "order.<name>"
// in the audit log.
const (
	ActApprove     = "approve"
	ActCustomer    = "choose_customer"
	ActMapLine     = "map_line"
	ActChangeLine  = "change_line"
	ActDeleteLine  = "delete_line"
	ActAcceptPrice = "accept_price"
	ActHold        = "hold"
	ActRelease     = "release"
	ActAssign      = "assign"
	ActReject      = "reject"
	ActRetry       = "retry_delivery"
	ActRematch     = "rematch"
	ActPONumber    = "set_po_number"
)

// Actor is who does a desk action: a desk user, or an API client (by its
// key's name).
type Actor struct {
	Name string
	// API is set for an API client.
	API bool
	// Admin may confirm what only an admin may (a credit limit exceeded).
	Admin bool
}

// String is how the actor appears in histories and the audit log: the
// user's name, or "api:<key name>".
func (a Actor) String() string {
	if a.API {
		return "api:" + a.Name
	}
	return a.Name
}

// orderFacts is what a history entry records of an order before and after
// an action.
type orderFacts struct {
	State      string   `json:"state"`
	Customer   string   `json:"customer,omitempty"`
	Exceptions []string `json:"exceptions,omitempty"`
	AssignedTo string   `json:"assigned_to,omitempty"`
	Held       bool     `json:"held,omitempty"`
	Line       *lineRef `json:"line,omitempty"`
}

// lineRef is a line as a history entry shows it.
type lineRef struct {
	No       int    `json:"line_no"`
	Item     string `json:"item,omitempty"`
	SKU      string `json:"sku,omitempty"`
	Quantity string `json:"quantity,omitempty"`
	Unit     string `json:"unit,omitempty"`
	Price    string `json:"price,omitempty"`
	Deleted  bool   `json:"deleted,omitempty"`
	Accepted bool   `json:"price_accepted,omitempty"`
}

func factsOf(o *Order, lineNo int) orderFacts {
	f := orderFacts{State: o.State, Customer: o.PO.CustomerNumber, Exceptions: exceptionCodes(o.PO.Exceptions),
		AssignedTo: o.AssignedTo, Held: o.Held}
	if lineNo > 0 {
		if i := lineIndex(&o.PO, lineNo); i >= 0 {
			l := &o.PO.Lines[i]
			q, u := l.Ordered()
			r := &lineRef{No: l.LineNo, Item: cmpOr(l.BuyerItem, l.GTIN, l.SupplierItem), SKU: l.SKU, Quantity: q.String(), Unit: u,
				Deleted: l.Deleted(), Accepted: l.Desk != nil && l.Desk.AcceptPrice}
			if l.UnitPrice != nil {
				r.Price = l.UnitPrice.String()
			}
			f.Line = r
		}
	}
	return f
}

func cmpOr(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

func lineIndex(po *order.PurchaseOrder, lineNo int) int {
	return slices.IndexFunc(po.Lines, func(l order.Line) bool { return l.LineNo == lineNo })
}

// deskEntry is the history and audit detail of a desk action.
type deskEntry struct {
	Before orderFacts     `json:"before"`
	After  orderFacts     `json:"after"`
	Reason string         `json:"reason,omitempty"`
	More   map[string]any `json:"more,omitempty"`
}

// desk runs an action on order id: lock it, check who works it, apply
// step, write the history and audit entries, commit. line is the line the
// action concerns (0 for the order), needReview says the action applies
// only to an order waiting in review. It returns the order
// as the action left it. A refusal found after the order was changed (an
// approval that matching now refuses) is returned with the order saved.
func (p *Pipeline) desk(ctx context.Context, a Actor, id int64, action string, line int, needReview bool, step func(tx pgx.Tx, o *Order, e *deskEntry) error) (Order, error) {
	if strings.TrimSpace(a.Name) == "" {
		return Order{}, invalidf("a desk action needs to know who acts")
	}
	var out Order
	var refusal error
	err := pgx.BeginFunc(ctx, p.opts.Pool, func(tx pgx.Tx) error {
		o, err := getOrderForUpdate(ctx, tx, id)
		if err != nil {
			return err
		}
		if needReview && o.State != StateReview {
			return conflictf("order %d is %s; only an order in review can be %s", id, o.State, actionDone(action))
		}
		if action != ActAssign && o.AssignedTo != "" && o.AssignedTo != a.Name {
			return conflictf("%s is working on order %d; take it over first", o.AssignedTo, id)
		}
		o.actor = a.String()
		entry := deskEntry{Before: factsOf(&o, line)}
		err = step(tx, &o, &entry)
		var r *refused
		if errors.As(err, &r) {
			refusal, err = r.err, nil
		}
		if err != nil {
			return err
		}
		entry.After = factsOf(&o, line)
		if err := recordEvent(ctx, tx, o.ID, a.String(), action, entry); err != nil {
			return err
		}
		if err := audit(ctx, tx, a, "order."+action, "order="+strconv.FormatInt(o.ID, 10), entry); err != nil {
			return err
		}
		out = o
		return nil
	})
	if err != nil {
		return Order{}, err
	}
	return out, refusal
}

// actionDone says what an action does to an order, for refusals.
func actionDone(action string) string {
	switch action {
	case ActApprove:
		return "approved"
	case ActReject:
		return "rejected"
	case ActRematch:
		return "matched again"
	case ActHold:
		return "held"
	case ActRelease:
		return "released"
	}
	return "changed by the desk"
}

// refused is a step's refusal that keeps what the step saved (a fresh
// match): desk commits and returns err.
type refused struct{ err error }

func (r *refused) Error() string { return r.err.Error() }

// audit writes an audit log entry in tx.
func audit(ctx context.Context, tx pgx.Tx, a Actor, action, target string, detail any) error {
	b, err := json.Marshal(detail)
	if err != nil {
		return fmt.Errorf("intake: audit: %w", err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO audit_log (actor, action, target, status, detail) VALUES ($1, $2, $3, 200, $4)`,
		a.String(), action, target, b); err != nil {
		return fmt.Errorf("intake: audit: %w", err)
	}
	return nil
}

// rematchNow matches the locked order again in tx against the master data
// as it is now and leaves it waiting in review with what is still wrong.
func (p *Pipeline) rematchNow(ctx context.Context, tx pgx.Tx, o *Order) error {
	if p.opts.Matcher == nil {
		o.ReviewReason = ReasonNoMatcher
		return saveOrder(ctx, tx, o)
	}
	if max := p.opts.MaxLines; max > 0 && len(o.PO.Lines) > max {
		return conflictf("order %d has %d lines; the limit for matching is %d (limits.max_lines)", o.ID, len(o.PO.Lines), max)
	}
	err := p.opts.Matcher.Match(ctx, tx, o.ID, &o.PO)
	var wait *WaitError
	switch {
	case errors.As(err, &wait):
		return conflictf("an earlier copy of purchase order %s is still being read; try again in a moment", o.PO.PONumber)
	case errors.Is(err, ErrCatalogNotReady):
		return &Error{Kind: ErrConflict, Message: "the master data is still loading; try again in a moment"}
	case err != nil:
		return err
	}
	o.PO.Status = StateReview
	o.ReviewReason = reviewReason(o.PO.Exceptions)
	if len(o.PO.Exceptions) == 0 {
		o.ReviewReason = "nothing is wrong any more: waiting for the desk to approve"
	}
	return saveOrder(ctx, tx, o)
}

// Approval is what the desk says when it approves an order in review.
type Approval struct {
	// Confirm and Reason confirm the warnings that remain (MANUAL_APPROVAL,
	// an accepted price difference, ...): an approval with warnings needs
	// both.
	Confirm bool
	Reason  string
}

// ErrNeedsConfirmation is the kind of a refused approval that would go
// through with a confirmation: *Unconfirmed lists what to confirm.
var ErrNeedsConfirmation = errors.New("intake: the approval needs a confirmation")

// Unconfirmed is an approval refused for warnings the desk has not
// confirmed (with a reason).
type Unconfirmed struct {
	Warnings []order.Exception
}

func (u *Unconfirmed) Error() string {
	return "intake: confirm " + describe(u.Warnings) + " with a reason to approve"
}

// Unwrap makes errors.Is(err, ErrNeedsConfirmation) and ErrConflict hold.
func (u *Unconfirmed) Unwrap() []error { return []error{ErrNeedsConfirmation, ErrConflict} }

// Blocked is an approval refused for exceptions that must be fixed first.
type Blocked struct {
	Exceptions []order.Exception
}

func (b *Blocked) Error() string {
	return "intake: fix " + describe(b.Exceptions) + " before approving"
}

// Unwrap makes errors.Is(err, ErrConflict) hold.
func (b *Blocked) Unwrap() error { return ErrConflict }

func describe(ex []order.Exception) string {
	parts := make([]string, 0, len(ex))
	for _, e := range ex {
		s := e.Code
		if e.LineNo > 0 {
			s += " on line " + strconv.Itoa(e.LineNo)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

// Confirmable says whether the desk may approve an order with exception e
// (with a confirmation and a reason), rather than having to fix it first:
// what is doubtful but known (the customer wants manual approval, a date,
// stock, a price the desk accepted, a line split over deliveries the ERP
// connector cannot send, whose parts the clerk enters in the ERP by hand)
// can be confirmed; what leaves open what to deliver to whom (an unknown
// customer or item, a unit that does not convert, a value that cannot be
// computed) cannot. A credit limit exceeded only an admin may confirm.
func Confirmable(e order.Exception, po *order.PurchaseOrder, a Actor) bool {
	switch matching.Code(e.Code) {
	case matching.ManualApproval, matching.UnverifiedSender, matching.DuplicateOrder, matching.DeliveryDate,
		matching.NotInAssortment, matching.ItemDiscontinued, matching.MinQuantity, matching.InsufficientStock,
		matching.SplitDelivery:
		return true
	case matching.CreditLimit:
		return a.Admin
	case matching.PriceMismatch, matching.NoPrice:
		i := lineIndex(po, e.LineNo)
		return i >= 0 && po.Lines[i].Desk != nil && po.Lines[i].Desk.AcceptPrice && (e.Code == string(matching.PriceMismatch) || po.Lines[i].UnitPrice != nil)
	}
	return false
}

// Approve is the desk's "approve": the order is matched again at once
// (credit and stock as they are now, under the same locks as the
// pipeline's own approvals), and approved for delivery when nothing that
// blocks remains and the warnings are confirmed. A change, replacement or
// cancellation is applied to its original instead. Otherwise the order stays
// in review with the fresh result and the error says what to fix (*Blocked)
// or confirm (*Unconfirmed).
func (p *Pipeline) Approve(ctx context.Context, a Actor, id int64, ap Approval) (Order, error) {
	ap.Reason = strings.TrimSpace(ap.Reason)
	return p.desk(ctx, a, id, ActApprove, 0, true, func(tx pgx.Tx, o *Order, e *deskEntry) error {
		if o.Held {
			return conflictf("order %d is held (%s); release it first", id, o.HoldReason)
		}
		if err := p.rematchNow(ctx, tx, o); err != nil {
			return err
		}
		var blocking, warnings []order.Exception
		for _, x := range o.PO.Exceptions {
			if Confirmable(x, &o.PO, a) {
				warnings = append(warnings, x)
			} else {
				blocking = append(blocking, x)
			}
		}
		switch {
		case len(blocking) > 0:
			return &refused{&Blocked{Exceptions: blocking}}
		case len(warnings) > 0 && (!ap.Confirm || ap.Reason == ""):
			return &refused{&Unconfirmed{Warnings: warnings}}
		}
		e.Reason = ap.Reason
		if len(warnings) > 0 {
			// What the reason confirms, for the history and the dashboard.
			e.More = map[string]any{"confirmed": exceptionCodes(warnings)}
		}
		if o.PO.Function != order.FunctionOriginal {
			o.PO.Exceptions = nil // confirmed: applyToOriginal looks for what blocks
			to, _, err := p.route(ctx, tx, o)
			if err != nil {
				return err
			}
			if to != StateApplied {
				return &refused{conflictf("order %d cannot be applied to its original: %s", id, describe(o.PO.Exceptions))}
			}
			o.State = to
			return saveOrder(ctx, tx, o)
		}
		o.PO.DeskApproval = &order.DeskApproval{By: a.String(), At: time.Now().UTC(), Reason: ap.Reason,
			Confirmed: exceptionCodes(warnings)}
		o.approve()
		o.State = StateApproved
		if err := saveOrder(ctx, tx, o); err != nil {
			return err
		}
		_, err := p.client.InsertTx(ctx, tx, DeliverArgs{OrderID: o.ID}, nil)
		return err
	})
}
