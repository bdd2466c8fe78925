package review

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ordergate/ordergate/auth"
	"github.com/ordergate/ordergate/config"
	"github.com/ordergate/ordergate/intake"
	"github.com/ordergate/ordergate/masterdata"
	"github.com/ordergate/ordergate/order"
	"github.com/ordergate/ordergate/parsers"
	"github.com/ordergate/ordergate/parsers/email"
)

// apiError is the one error shape of the JSON API.
func apiError(c *gin.Context, status int, msg string) {
	c.AbortWithStatusJSON(status, gin.H{"error": msg})
}

// fail answers the error of an action, mapped to one status here and
// nowhere else: 400 for an invalid request (intake.ErrInvalid), 403 for an
// order link that does not open (intake.ErrLinkInvalid), 404
// (intake.ErrNotFound), 409 when the action does not apply to the order as
// it is (intake.ErrConflict), 413 over a size limit, 422 for master data
// that cannot be taken (with every problem), 429 with Retry-After for a
// link used too fast, 503 with Retry-After while the master data is
// loading or for a database failure that passes by itself (a deadlock, a
// lost connection: intake.Transient; nothing was changed), 500 for
// anything else, which is logged and answered without its details.
func (s *Server) fail(c *gin.Context, err error) {
	msg := intake.Message(err)
	if msg == "" {
		msg = strings.TrimPrefix(err.Error(), "intake: ")
	}
	var ie *masterdata.ImportError
	var mbe *http.MaxBytesError
	var rle *intake.RateLimitError
	switch {
	case errors.Is(err, intake.ErrInvalid):
		apiError(c, http.StatusBadRequest, msg)
	case errors.Is(err, intake.ErrLinkInvalid):
		apiError(c, http.StatusForbidden, msg)
	case errors.As(err, &rle):
		c.Header("Retry-After", strconv.Itoa(int(rle.RetryAfter.Seconds()+0.999)))
		apiError(c, http.StatusTooManyRequests, msg)
	case errors.Is(err, intake.ErrCatalogNotReady):
		c.Header("Retry-After", "5")
		apiError(c, http.StatusServiceUnavailable, "the master data is still being loaded; try again in a few seconds")
	case errors.Is(err, intake.ErrNotFound):
		apiError(c, http.StatusNotFound, msg)
	case errors.Is(err, intake.ErrConflict):
		apiError(c, http.StatusConflict, msg)
	case errors.As(err, &mbe):
		apiError(c, http.StatusRequestEntityTooLarge, sizeLimit("the request body", mbe.Limit, ""))
	case errors.Is(err, intake.ErrTooLarge):
		apiError(c, http.StatusRequestEntityTooLarge, msg)
	case errors.As(err, &ie):
		problems := make([]gin.H, len(ie.Problems))
		for i, p := range ie.Problems {
			problems[i] = gin.H{"record": p.Row, "field": p.Column, "message": p.Message}
		}
		c.AbortWithStatusJSON(http.StatusUnprocessableEntity, gin.H{"error": ie.Error(), "problems": problems})
	case errors.Is(err, masterdata.ErrLearn):
		apiError(c, http.StatusUnprocessableEntity, err.Error())
	case errors.Is(err, masterdata.ErrUnknownKind):
		apiError(c, http.StatusNotFound, err.Error())
	case intake.Transient(err):
		s.Log.Warn("api request hit a passing database failure", "path", c.FullPath(), "err", err)
		c.Header("Retry-After", "1")
		apiError(c, http.StatusServiceUnavailable, "the database is busy or briefly unreachable; nothing was changed, send the request again")
	default:
		s.internal(c, err)
	}
}

// sizeLimit names a limit for a 413 answer.
func sizeLimit(what string, limit int64, key string) string {
	msg := what + " is larger than the limit of " + config.ByteSize(limit).String()
	if key != "" {
		msg += " (" + key + ")"
	}
	return msg
}

// requireAPIKey authenticates API calls by "Authorization: Bearer KEY" or
// "X-API-Key: KEY". No cookie is involved, so the API is not exposed to
// cross-site request forgery.
func (s *Server) requireAPIKey(c *gin.Context) {
	key := c.GetHeader("X-API-Key")
	if h := c.GetHeader("Authorization"); key == "" && strings.HasPrefix(h, "Bearer ") {
		key = strings.TrimSpace(strings.TrimPrefix(h, "Bearer "))
	}
	if key == "" {
		c.Header("WWW-Authenticate", `Bearer realm="ordergate"`)
		apiError(c, http.StatusUnauthorized, "an API key is required (Authorization: Bearer KEY)")
		return
	}
	name, err := auth.VerifyAPIKey(c.Request.Context(), s.Pool, key)
	if errors.Is(err, auth.ErrInvalidKey) {
		c.Header("WWW-Authenticate", `Bearer realm="ordergate", error="invalid_token"`)
		apiError(c, http.StatusUnauthorized, "the API key is not valid")
		return
	}
	if err != nil {
		s.Log.Error("api key check failed", "err", err)
		apiError(c, http.StatusServiceUnavailable, "cannot check the API key right now")
		return
	}
	c.Set("api_client", name)
	c.Next()
}

// postDocument takes one document: a multipart form with a "file" field,
// or the raw body with its Content-Type (and the file name in
// Content-Disposition or ?name=). ?customer= names the customer it belongs
// to. It answers 201 with the document id, or 200 for a repeat of a
// document received before.
func (s *Server) postDocument(c *gin.Context) {
	doc, ok := s.readDocument(c)
	if !ok {
		return
	}
	data, name, ctype, customer := doc.data, doc.name, doc.ctype, doc.customer
	client := c.GetString("api_client")
	r, err := s.Pipeline.Receive(c.Request.Context(), intake.Inbound{
		Channel:        intake.ChannelAPI,
		SourceRef:      "api:" + client,
		Sender:         order.Sender{Kind: order.SenderAPI, ID: client, Verified: true},
		FileName:       name,
		ContentType:    ctype,
		CustomerNumber: customer,
		Data:           data,
	})
	if err != nil {
		s.fail(c, err)
		return
	}
	setAudit(c, "document_id", r.DocumentID)
	if r.Duplicate {
		c.JSON(http.StatusOK, gin.H{"document_id": r.DocumentID, "duplicate": true, "duplicate_of": r.DuplicateOf})
		return
	}
	c.JSON(http.StatusCreated, gin.H{"document_id": r.DocumentID})
}

// upload is a document as a request carries it.
type upload struct {
	data                  []byte
	name, ctype, customer string
}

// readDocument reads the document of a request: a multipart form with a
// "file" field (and "customer"), or the raw body with its Content-Type and
// the file name in Content-Disposition or ?name=; ?customer= names the
// customer. It answers 400 or 413 itself when it cannot.
func (s *Server) readDocument(c *gin.Context) (upload, bool) {
	limit := s.MaxDocumentBytes
	if limit <= 0 {
		limit = 25 << 20
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit+64<<10)
	var data []byte
	var name, ctype string
	customer := c.Query("customer")
	var err error
	if strings.HasPrefix(c.ContentType(), "multipart/") {
		fh, ferr := c.FormFile("file")
		if isTooLarge(ferr) {
			apiError(c, http.StatusRequestEntityTooLarge, sizeLimit("the document", limit, "limits.max_document_bytes"))
			return upload{}, false
		}
		if ferr != nil {
			apiError(c, http.StatusBadRequest, "send the document in a multipart form field named file")
			return upload{}, false
		}
		if fh.Size > limit {
			apiError(c, http.StatusRequestEntityTooLarge, sizeLimit("the document", limit, "limits.max_document_bytes"))
			return upload{}, false
		}
		f, oerr := fh.Open()
		if oerr != nil {
			s.internal(c, oerr)
			return upload{}, false
		}
		data, err = io.ReadAll(io.LimitReader(f, limit+1))
		f.Close()
		name, ctype = fh.Filename, fh.Header.Get("Content-Type")
		if v := c.PostForm("customer"); v != "" {
			customer = v
		}
	} else {
		data, err = io.ReadAll(c.Request.Body)
		ctype = c.GetHeader("Content-Type")
		name = c.Query("name")
		if _, params, perr := mime.ParseMediaType(c.GetHeader("Content-Disposition")); perr == nil && params["filename"] != "" {
			name = params["filename"]
		}
	}
	if isTooLarge(err) || int64(len(data)) > limit {
		apiError(c, http.StatusRequestEntityTooLarge, sizeLimit("the document", limit, "limits.max_document_bytes"))
		return upload{}, false
	}
	if err != nil {
		apiError(c, http.StatusBadRequest, "the document could not be read to its end (the upload broke off); send it again")
		return upload{}, false
	}
	if len(data) == 0 {
		apiError(c, http.StatusBadRequest, "the document is empty")
		return upload{}, false
	}
	return upload{data: data, name: filepath.Base(name), ctype: ctype, customer: customer}, true
}

// isTooLarge reports a body cut off by http.MaxBytesReader.
func isTooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}

// documentJSON is the API form of a document (without its raw bytes).
type documentJSON struct {
	ID          int64           `json:"id"`
	Channel     string          `json:"channel"`
	State       string          `json:"state"`
	Format      string          `json:"format,omitempty"`
	Reason      string          `json:"reason,omitempty"`
	FileName    string          `json:"file_name,omitempty"`
	Size        int64           `json:"size"`
	Sender      order.Sender    `json:"sender"`
	ReceivedAt  time.Time       `json:"received_at"`
	DuplicateOf int64           `json:"duplicate_of,omitempty"`
	Problems    intake.Problems `json:"problems"`
	Orders      []int64         `json:"orders"`
	// Parts are a mail's text and attachments: their kind, what read
	// them or "not read automatically", and the text the orders' line
	// sources number (GET /documents/{id}/parts/{n} downloads one).
	Parts []parsers.Part `json:"parts,omitempty"`
	// Mail is what the mailbox recorded of a mail.
	Mail *mailJSON `json:"mail,omitempty"`
}

// mailJSON is the API form of intake.MailInfo.
type mailJSON struct {
	MessageID     string `json:"message_id,omitempty"`
	Subject       string `json:"subject,omitempty"`
	From          string `json:"from,omitempty"`
	ForwardedBy   string `json:"forwarded_by,omitempty"`
	Language      string `json:"language,omitempty"`
	NoAnswer      string `json:"no_answer,omitempty"`
	Authenticated string `json:"authenticated,omitempty"`
	Mailbox       string `json:"mailbox,omitempty"`
	UIDValidity   uint32 `json:"uid_validity,omitempty"`
	UID           uint32 `json:"uid,omitempty"`
}

func (s *Server) getDocument(c *gin.Context) {
	id, ok := idParam(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	d, err := intake.GetDocument(ctx, s.Pool, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	orders, err := intake.OrdersOfDocument(ctx, s.Pool, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	out := documentJSON{ID: d.ID, Channel: d.Channel, State: d.State, Format: d.Format, Reason: d.Reason,
		FileName: d.FileName, Size: d.Size, Sender: d.Sender, ReceivedAt: d.ReceivedAt, DuplicateOf: d.DuplicateOf,
		Problems: d.Problems, Orders: []int64{}}
	for _, o := range orders {
		out.Orders = append(out.Orders, o.ID)
	}
	if out.Parts, err = intake.DocumentParts(ctx, s.Pool, id); err != nil {
		s.fail(c, err)
		return
	}
	m, ok, err := intake.GetMail(ctx, s.Pool, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	if ok {
		out.Mail = &mailJSON{MessageID: m.MessageID, Subject: m.Subject, From: m.From, ForwardedBy: m.ForwardedBy, Language: m.Language,
			NoAnswer: m.NoAnswer, Authenticated: m.Authenticated, Mailbox: m.Mailbox, UIDValidity: m.UIDValidity, UID: m.UID}
	}
	c.JSON(http.StatusOK, out)
}

// getDocumentPart answers GET /documents/{id}/parts/{n}: part n of a mail
// (an attachment, its text), decoded, always as a download (a mail's HTML
// is never rendered in the browser).
func (s *Server) getDocumentPart(c *gin.Context) {
	id, ok := idParam(c)
	if !ok {
		return
	}
	n, err := strconv.Atoi(c.Param("n"))
	if err != nil || n < 1 {
		c.JSON(http.StatusBadRequest, gin.H{"error": "the part number must be a whole number from 1"})
		return
	}
	d, err := intake.GetDocument(c.Request.Context(), s.Pool, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	if d.Channel != intake.ChannelEmail && d.Format != "email" {
		c.JSON(http.StatusNotFound, gin.H{"error": fmt.Sprintf("document %d is no mail; it has no parts", id)})
		return
	}
	name, mediaType, data, err := email.Part(d.Raw, n, email.Limits{MaxMessageBytes: int64(len(d.Raw)) + 1})
	if err != nil {
		c.JSON(http.StatusNotFound, gin.H{"error": fmt.Sprintf("document %d: %v", id, err)})
		return
	}
	c.Header("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	c.Header("X-Content-Type-Options", "nosniff")
	c.Header("Content-Security-Policy", "sandbox; default-src 'none'")
	c.Data(http.StatusOK, mediaType, data)
}

// orderJSON is the API form of an order: the canonical order JSON (with
// status, exceptions and per-line resolution) plus its pipeline facts.
type orderJSON struct {
	ID               int64      `json:"id"`
	DocumentID       int64      `json:"document_id"`
	Status           string     `json:"status"`
	ReviewReason     string     `json:"review_reason,omitempty"`
	ERPOrderNo       string     `json:"erp_order_no,omitempty"`
	DeliveryAttempts int        `json:"delivery_attempts,omitempty"`
	DeliveryError    string     `json:"delivery_error,omitempty"`
	DeliveredAt      *time.Time `json:"delivered_at,omitempty"`
	*order.PurchaseOrder
}

func toOrderJSON(o *intake.Order) orderJSON {
	out := orderJSON{ID: o.ID, DocumentID: o.DocumentID, Status: o.State, ReviewReason: o.ReviewReason,
		ERPOrderNo: o.ERPOrderNo, DeliveryAttempts: o.DeliveryAttempts, DeliveryError: o.DeliveryError, PurchaseOrder: &o.PO}
	if !o.DeliveredAt.IsZero() {
		out.DeliveredAt = &o.DeliveredAt
	}
	return out
}

func (s *Server) getOrder(c *gin.Context) {
	id, ok := idParam(c)
	if !ok {
		return
	}
	if o, ok := s.loadOrder(c, id); ok {
		c.JSON(http.StatusOK, toOrderJSON(&o))
	}
}

// loadOrder reads an order, answering 404 (or 500) itself when it cannot.
func (s *Server) loadOrder(c *gin.Context, id int64) (intake.Order, bool) {
	o, err := intake.GetOrder(c.Request.Context(), s.Pool, id)
	if err != nil {
		s.fail(c, err)
		return o, false
	}
	return o, true
}

// orderSummaryJSON is an order in a list: GET /orders/{id} has the whole
// order.
type orderSummaryJSON struct {
	ID             int64          `json:"id"`
	DocumentID     int64          `json:"document_id"`
	Status         string         `json:"status"`
	CustomerNumber string         `json:"customer_number,omitempty"`
	PONumber       string         `json:"po_number"`
	Function       string         `json:"function"`
	Format         string         `json:"format"`
	Currency       string         `json:"currency,omitempty"`
	NumberOfLines  int            `json:"number_of_lines"`
	Total          *order.Decimal `json:"total,omitempty"`
	ExceptionCodes []string       `json:"exception_codes"`
	ReviewReason   string         `json:"review_reason,omitempty"`
	ERPOrderNo     string         `json:"erp_order_no,omitempty"`
	CreatedAt      time.Time      `json:"created_at"`
	UpdatedAt      time.Time      `json:"updated_at"`
}

// listOrders answers GET /orders?status=review&limit=50&before=ID, newest
// first, with summaries (an order of 20,000 lines is one small entry).
func (s *Server) listOrders(c *gin.Context) {
	status := c.Query("status")
	if status != "" && !slices.Contains(intake.States, status) {
		apiError(c, http.StatusBadRequest, "unknown status "+strconv.Quote(status)+"; one of "+strings.Join(intake.States, ", "))
		return
	}
	limit, before, ok := pageParams(c, "an order id")
	if !ok {
		return
	}
	orders, err := intake.ListOrderSummaries(c.Request.Context(), s.Pool, intake.ListFilter{State: status, Limit: limit, BeforeID: before})
	if err != nil {
		s.fail(c, err)
		return
	}
	out := make([]orderSummaryJSON, len(orders))
	for i, o := range orders {
		out[i] = orderSummaryJSON{ID: o.ID, DocumentID: o.DocumentID, Status: o.State, CustomerNumber: o.CustomerNumber,
			PONumber: o.PONumber, Function: o.Function, Format: o.Format, Currency: o.Currency, NumberOfLines: o.Lines,
			Total: o.Total, ExceptionCodes: o.ExceptionCodes, ReviewReason: o.ReviewReason, ERPOrderNo: o.ERPOrderNo,
			CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt}
	}
	c.JSON(http.StatusOK, gin.H{"orders": out})
}

// pageParams reads ?limit= (1..500, default 50) and ?before= (the id the
// next page starts before), answering 400 itself when they are wrong.
func pageParams(c *gin.Context, idName string) (limit int, before int64, ok bool) {
	limit, err := strconv.Atoi(c.DefaultQuery("limit", "50"))
	if err != nil || limit < 1 || limit > 500 {
		apiError(c, http.StatusBadRequest, "limit must be a number from 1 to 500")
		return 0, 0, false
	}
	before, err = strconv.ParseInt(c.DefaultQuery("before", "0"), 10, 64)
	if err != nil || before < 0 {
		apiError(c, http.StatusBadRequest, "before must be "+idName)
		return 0, 0, false
	}
	return limit, before, true
}

// documentSummaryJSON is a document in a list: GET /documents/{id} adds its
// per-message problems and orders.
type documentSummaryJSON struct {
	ID          int64        `json:"id"`
	Channel     string       `json:"channel"`
	State       string       `json:"state"`
	Format      string       `json:"format,omitempty"`
	Reason      string       `json:"reason,omitempty"`
	FileName    string       `json:"file_name,omitempty"`
	Size        int64        `json:"size"`
	Sender      order.Sender `json:"sender"`
	ReceivedAt  time.Time    `json:"received_at"`
	DuplicateOf int64        `json:"duplicate_of,omitempty"`
}

// listDocuments answers GET /documents?state=failed&limit=50&before=ID,
// newest first: the documents that never became an order, without
// knowing their ids.
func (s *Server) listDocuments(c *gin.Context) {
	state := c.Query("state")
	if state != "" && !slices.Contains(intake.DocumentStates, state) {
		apiError(c, http.StatusBadRequest, "unknown state "+strconv.Quote(state)+"; one of "+strings.Join(intake.DocumentStates, ", "))
		return
	}
	limit, before, ok := pageParams(c, "a document id")
	if !ok {
		return
	}
	docs, err := intake.ListDocuments(c.Request.Context(), s.Pool, intake.DocumentFilter{State: state, Limit: limit, BeforeID: before})
	if err != nil {
		s.fail(c, err)
		return
	}
	out := make([]documentSummaryJSON, len(docs))
	for i, d := range docs {
		out[i] = documentSummaryJSON{ID: d.ID, Channel: d.Channel, State: d.State, Format: d.Format, Reason: d.Reason,
			FileName: d.FileName, Size: d.Size, Sender: d.Sender, ReceivedAt: d.ReceivedAt, DuplicateOf: d.DuplicateOf}
	}
	c.JSON(http.StatusOK, gin.H{"documents": out})
}

// retryDelivery sends an order whose delivery failed to the ERP again.
func (s *Server) retryDelivery(c *gin.Context) {
	s.deskAction(c, http.StatusAccepted, nil, "", func(ctx context.Context, a intake.Actor, id int64) (intake.Order, error) {
		return s.Pipeline.RetryDelivery(ctx, a, id)
	})
}

// rematchOrder sends an order in review through matching again, against the
// master data as it is now.
func (s *Server) rematchOrder(c *gin.Context) {
	s.deskAction(c, http.StatusAccepted, nil, "", func(ctx context.Context, a intake.Actor, id int64) (intake.Order, error) {
		return s.Pipeline.Rematch(ctx, a, id, 0)
	})
}

// learnLine is the desk teaching the system: the customer's item number on
// a line of an order in review means our SKU (in the unit given, or the
// line's). The cross-reference is stored as learned (by this API client,
// from this order) and the order is matched again once the catalog has it;
// the customer's next orders with that number resolve by themselves.
func (s *Server) learnLine(c *gin.Context) {
	id, ok := idParam(c)
	if !ok {
		return
	}
	lineNo, err := strconv.Atoi(c.Param("line"))
	if err != nil || lineNo <= 0 {
		apiError(c, http.StatusBadRequest, strconv.Quote(c.Param("line"))+" is not a line number")
		return
	}
	var body struct {
		SKU  string `json:"sku"`
		Unit string `json:"unit"`
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, 64<<10)
	if err := c.ShouldBindJSON(&body); err != nil || strings.TrimSpace(body.SKU) == "" {
		apiError(c, http.StatusBadRequest, `send {"sku": "OUR-SKU"} (and "unit" when the customer's number means a pack)`)
		return
	}
	o, ok := s.loadOrder(c, id)
	if !ok {
		return
	}
	if o.State != intake.StateReview {
		apiError(c, http.StatusConflict, fmt.Sprintf("order %d is %s; only an order in review is taught from", id, o.State))
		return
	}
	i := slices.IndexFunc(o.PO.Lines, func(l order.Line) bool { return l.LineNo == lineNo })
	switch {
	case i < 0:
		apiError(c, http.StatusNotFound, fmt.Sprintf("order %d has no line %d", id, lineNo))
		return
	case o.PO.Lines[i].BuyerItem == "":
		apiError(c, http.StatusUnprocessableEntity, fmt.Sprintf("line %d carries no item number of the customer's own to learn", lineNo))
		return
	case o.PO.CustomerNumber == "":
		apiError(c, http.StatusUnprocessableEntity, "the order's customer is not known yet; a cross-reference belongs to a customer")
		return
	}
	x := masterdata.LearnedCrossRef{Customer: o.PO.CustomerNumber, CustomerItem: o.PO.Lines[i].BuyerItem,
		SKU: body.SKU, Unit: body.Unit, By: c.GetString("api_client"), FromOrder: strconv.FormatInt(id, 10)}
	setAudit(c, "crossref", gin.H{"customer": x.Customer, "customer_item": x.CustomerItem, "sku": body.SKU, "unit": body.Unit})
	version, err := masterdata.Learn(c.Request.Context(), s.Pool, x)
	if err != nil {
		s.fail(c, err)
		return
	}
	if _, err := s.Pipeline.Rematch(c.Request.Context(), s.actor(c), id, version); err != nil {
		if e, ok := errors.AsType[*intake.Error](err); ok {
			err = &intake.Error{Kind: e.Kind, Message: "learned, but the order cannot be matched again: " + e.Message}
		}
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusAccepted, gin.H{"order_id": id, "status": intake.StateReceived,
		"crossref": gin.H{"customer": x.Customer, "customer_item": x.CustomerItem, "sku": body.SKU, "unit": body.Unit, "learned_by": x.By}})
}

func idParam(c *gin.Context) (int64, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		apiError(c, http.StatusBadRequest, strconv.Quote(c.Param("id"))+" is not an id")
		return 0, false
	}
	return id, true
}

func (s *Server) internal(c *gin.Context, err error) {
	s.Log.Error("api request failed", "path", c.FullPath(), "err", err)
	apiError(c, http.StatusInternalServerError, "internal error; it has been logged")
}

// rejectOrder closes an order in review without sending it to the ERP; the
// sender is told why. Body: {"reason": "..."}.
func (s *Server) rejectOrder(c *gin.Context) {
	var body struct {
		Reason string `json:"reason"`
	}
	s.deskAction(c, http.StatusOK, &body, `{"reason": "why the order is rejected"}`, func(ctx context.Context, a intake.Actor, id int64) (intake.Order, error) {
		return s.Pipeline.Reject(ctx, a, id, body.Reason)
	})
}
