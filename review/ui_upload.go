package review

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ordergate/ordergate/catalog"
	"github.com/ordergate/ordergate/intake"
	"github.com/ordergate/ordergate/order"
	"github.com/ordergate/ordergate/parsers/sheet"
)

// The upload screen: the desk picks the customer and a file (a customer's
// spreadsheet of any layout, an EDIFACT file, a mail), sees what ordergate
// reads of it and what matching makes of each line, corrects a sheet's
// columns for the customer when they were read wrong (kept for the
// customer's next sheets of that shape), and submits it.

type customerChoice struct{ Number, Name string }

type uploadView struct {
	Customer  string
	Customers []customerChoice
	// Layouts are the chosen customer's stored sheet layouts, each with
	// its columns to edit.
	Layouts []layoutView
	Fields  []sheet.Field
}

// layoutView is a stored layout on the upload screen: its columns as they
// are listed, and one row per column of its header for the edit form.
type layoutView struct {
	sheet.Layout
	Edit []layoutEditRow
}

type layoutEditRow struct {
	Index  int
	Letter string // the position in the header, A for its first column
	Header string
	Field  sheet.Field
}

// editRows lays a layout out for its edit form: every column of its header
// (from the shape, so a column the layout does not read can be given a
// field), with what the layout reads from it. A layout without a header
// row offers its columns and two more.
func editRows(l sheet.Layout) []layoutEditRow {
	width := strings.Count(l.Shape, "|") + 1
	if l.Shape == sheet.NoHeader {
		width = len(l.Header)
		for _, c := range l.Columns {
			width = max(width, c.Index)
		}
		width += 2
	}
	rows := make([]layoutEditRow, width)
	for i := range rows {
		rows[i] = layoutEditRow{Index: i + 1, Letter: columnName(i + 1)}
		if i < len(l.Header) {
			rows[i].Header = l.Header[i]
		}
	}
	for _, c := range l.Columns {
		if c.Index >= 1 && c.Index <= width {
			rows[c.Index-1].Field = c.Field
			if c.Header != "" {
				rows[c.Index-1].Header = c.Header
			}
		}
	}
	return rows
}

// columnName is a 1-based column's letters: 1 A, 27 AA.
func columnName(n int) string {
	s := ""
	for ; n > 0; n = (n - 1) / 26 {
		s = string(rune('A'+(n-1)%26)) + s
	}
	return s
}

type previewView struct {
	Preview       *intake.Preview
	Fields        []sheet.Field
	Error, Notice string
}

// maxChoices bounds the customers offered in a form's list.
const maxChoices = 2000

// customerChoices lists the customers for a form's datalist.
func (s *Server) customerChoices() []customerChoice {
	if s.Catalog == nil {
		return nil
	}
	snap := s.Catalog()
	if snap == nil {
		return nil
	}
	n := min(snap.NumCustomers(), maxChoices)
	out := make([]customerChoice, 0, n)
	for i := range n {
		c := snap.Customer(catalog.CustomerID(i))
		out = append(out, customerChoice{Number: c.Number, Name: c.Name})
	}
	return out
}

func (s *Server) uploadPage(c *gin.Context) {
	v := uploadView{Customer: strings.ToUpper(strings.TrimSpace(c.Query("customer"))), Customers: s.customerChoices()}
	if v.Customer != "" {
		layouts, err := intake.ListSheetLayouts(c.Request.Context(), s.Pool, v.Customer)
		if err != nil {
			s.uiFail(c, err)
			return
		}
		for _, l := range layouts {
			v.Layouts = append(v.Layouts, layoutView{Layout: l, Edit: editRows(l)})
		}
		v.Fields = sheet.Fields
	}
	s.page(c, http.StatusOK, "upload", view{Title: "Upload", Data: v})
}

// editLayoutUI changes what a stored layout reads from each column of its
// header (the form beside it on the upload screen): the customer's next
// sheet with that header is read so. A layout that does not hold together
// (no quantity column, a field twice) is refused with what is wrong, and
// the stored one stays.
func (s *Server) editLayoutUI(c *gin.Context) {
	ctx := c.Request.Context()
	customer := c.Param("customer")
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		s.uiFail(c, intakeNotFound("sheet layout", c.Param("id")))
		return
	}
	l, err := intake.GetSheetLayout(ctx, s.Pool, customer, id)
	if err != nil {
		s.uiFail(c, err)
		return
	}
	index, field := c.PostFormArray("index"), c.PostFormArray("field")
	var cols []sheet.LayoutColumn
	for i := range index {
		n, err := strconv.Atoi(index[i])
		if err != nil || i >= len(field) || field[i] == "" {
			continue
		}
		col := sheet.LayoutColumn{Index: n, Field: sheet.Field(field[i])}
		if n >= 1 && n <= len(l.Header) {
			col.Header = l.Header[n-1]
		}
		cols = append(cols, col)
	}
	l.Columns = cols
	saved, err := intake.SaveSheetLayout(ctx, s.Pool, l, deskUser(c).Name)
	back := "/upload?customer=" + url.QueryEscape(l.Customer)
	if errors.Is(err, intake.ErrInvalid) {
		s.sessions.Put(ctx, "notice", "Not saved: "+messageOf(err)+".")
		c.Redirect(http.StatusSeeOther, back)
		return
	}
	if err != nil {
		s.uiFail(c, err)
		return
	}
	s.auditUI(c, deskUser(c).Name, "sheet_layout.save", "customer="+saved.Customer, http.StatusSeeOther,
		map[string]any{"layout": saved.ID, "shape": saved.Shape, "columns": saved.Columns})
	s.sessions.Put(ctx, "notice", "Saved: "+saved.Customer+"'s sheets with this header are read with these columns from now on.")
	c.Redirect(http.StatusSeeOther, back)
}

// deleteLayoutUI forgets one of a customer's sheet layouts: its sheets are
// recognised by their headers again.
func (s *Server) deleteLayoutUI(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	customer := c.Param("customer")
	if err == nil {
		err = intake.DeleteSheetLayout(c.Request.Context(), s.Pool, customer, id)
	}
	if err != nil {
		s.uiFail(c, err)
		return
	}
	s.auditUI(c, deskUser(c).Name, "sheet_layout.delete", "customer="+customer, http.StatusSeeOther, map[string]any{"layout": id})
	c.Redirect(http.StatusSeeOther, "/upload?customer="+url.QueryEscape(customer))
}

// uploadedFile reads the form's file within the document limit.
func (s *Server) uploadedFile(c *gin.Context) (name, ctype string, data []byte, err error) {
	limit := s.MaxDocumentBytes
	if limit <= 0 {
		limit = 25 << 20
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit+1<<20)
	fh, err := c.FormFile("file")
	if err != nil {
		if isTooLarge(err) {
			return "", "", nil, &intake.Error{Kind: intake.ErrTooLarge, Message: sizeLimit("the file", limit, "limits.max_document_bytes")}
		}
		return "", "", nil, &intake.Error{Kind: intake.ErrInvalid, Message: "choose a file to upload"}
	}
	if fh.Size > limit {
		return "", "", nil, &intake.Error{Kind: intake.ErrTooLarge, Message: sizeLimit("the file", limit, "limits.max_document_bytes")}
	}
	f, err := fh.Open()
	if err != nil {
		return "", "", nil, err
	}
	defer f.Close()
	data, err = io.ReadAll(io.LimitReader(f, limit+1))
	return fh.Filename, fh.Header.Get("Content-Type"), data, err
}

// uploadPreview answers the preview fragment: what the file reads as.
func (s *Server) uploadPreview(c *gin.Context) {
	s.previewAnswer(c, "")
}

func (s *Server) previewAnswer(c *gin.Context, notice string) {
	v := previewView{Fields: sheet.Fields, Notice: notice}
	name, ctype, data, err := s.uploadedFile(c)
	if err == nil {
		v.Preview, err = s.Pipeline.Preview(c.Request.Context(), intake.PreviewRequest{Customer: c.PostForm("customer"),
			FileName: name, ContentType: ctype, Data: data, Sender: order.Sender{Kind: order.SenderUser, ID: deskUser(c).Name, Verified: true}})
	}
	if err != nil {
		v.Error = messageOf(err)
		if !errors.Is(err, intake.ErrInvalid) && !errors.Is(err, intake.ErrTooLarge) && !errors.Is(err, intake.ErrConflict) && !errors.Is(err, intake.ErrNotFound) {
			s.Log.Error("upload preview failed", "err", err)
			v.Error = "The preview failed; it has been logged."
		}
	}
	s.fragment(c, http.StatusOK, "upload", "upload_preview", view{Data: v})
}

// uploadLayout stores the columns the desk set for the customer's sheets
// of this header shape, then previews the file again with them.
func (s *Server) uploadLayout(c *gin.Context) {
	customer := strings.TrimSpace(c.PostForm("customer"))
	if customer == "" {
		s.fragment(c, http.StatusOK, "upload", "upload_preview", view{Data: previewView{Error: "Choose the customer first: a layout is the customer's."}})
		return
	}
	index, header, field := c.PostFormArray("index"), c.PostFormArray("header"), c.PostFormArray("field")
	l := sheet.Layout{Customer: customer, Shape: c.PostForm("shape")}
	for i := range index {
		n, err := strconv.Atoi(index[i])
		if err != nil || i >= len(field) {
			continue
		}
		if i < len(header) {
			l.Header = append(l.Header, header[i])
		}
		if field[i] != "" {
			l.Columns = append(l.Columns, sheet.LayoutColumn{Index: n, Header: header[min(i, len(header)-1)], Field: sheet.Field(field[i])})
		}
	}
	saved, err := intake.SaveSheetLayout(c.Request.Context(), s.Pool, l, deskUser(c).Name)
	if err != nil {
		s.fragment(c, http.StatusOK, "upload", "upload_preview", view{Data: previewView{Error: messageOf(err)}})
		return
	}
	s.auditUI(c, deskUser(c).Name, "sheet_layout.save", "customer="+saved.Customer, http.StatusOK, map[string]any{"layout": saved.ID, "shape": saved.Shape})
	s.previewAnswer(c, "Saved: "+customer+"'s sheets with this header are read with these columns from now on.")
}

// upload receives the file as a document of the customer and takes the
// desk to its order.
func (s *Server) upload(c *gin.Context) {
	name, ctype, data, err := s.uploadedFile(c)
	if err != nil {
		s.page(c, statusOf(err), "upload", view{Title: "Upload", Error: messageOf(err),
			Data: uploadView{Customer: c.PostForm("customer"), Customers: s.customerChoices()}})
		return
	}
	u := deskUser(c)
	r, err := s.Pipeline.Receive(c.Request.Context(), intake.Inbound{Channel: intake.ChannelUpload, SourceRef: "desk:" + u.Name,
		Sender: order.Sender{Kind: order.SenderUser, ID: u.Name, Verified: true}, FileName: name, ContentType: ctype,
		CustomerNumber: strings.ToUpper(strings.TrimSpace(c.PostForm("customer"))), Data: data})
	if err != nil {
		s.uiFail(c, err)
		return
	}
	s.auditUI(c, u.Name, "document.upload", "document="+strconv.FormatInt(r.DocumentID, 10), http.StatusSeeOther,
		map[string]any{"file": name, "customer": c.PostForm("customer"), "duplicate": r.Duplicate})
	s.toDocument(c, r)
}

// toDocument takes the desk to a document just received: its first order
// once the pipeline has read it (a few seconds at most), else the queue.
func (s *Server) toDocument(c *gin.Context, r intake.Received) {
	id := r.DocumentID
	if r.Duplicate {
		id = r.DuplicateOf
		s.sessions.Put(c.Request.Context(), "notice", "This file was received before (document "+strconv.FormatInt(id, 10)+"); it is not read again.")
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), 5*time.Second)
	defer cancel()
	for ctx.Err() == nil {
		orders, err := intake.OrdersOfDocument(ctx, s.Pool, id)
		if err == nil && len(orders) > 0 && orders[0].State != intake.StateReceived {
			c.Redirect(http.StatusSeeOther, "/orders/"+orders[0].IDString())
			return
		}
		if d, err := intake.GetDocument(ctx, s.Pool, id); err == nil && d.State == intake.DocFailed {
			s.sessions.Put(c.Request.Context(), "notice", "The file could not be read: "+d.Reason)
			c.Redirect(http.StatusSeeOther, "/documents/failed")
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.sessions.Put(c.Request.Context(), "notice", "Received as document "+strconv.FormatInt(id, 10)+"; its orders appear in the queue when read.")
	c.Redirect(http.StatusSeeOther, "/")
}

// statusOf is the HTTP status of a refused request.
func statusOf(err error) int {
	switch {
	case errors.Is(err, intake.ErrTooLarge):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, intake.ErrInvalid):
		return http.StatusBadRequest
	case errors.Is(err, intake.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, intake.ErrConflict):
		return http.StatusConflict
	}
	return http.StatusInternalServerError
}
