package review

import (
	"bytes"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/ordergate/ordergate/masterdata"
)

// maxMasterDataBody caps one master-data push (about a million rows of
// stock).
const maxMasterDataBody = 64 << 20

// putMasterData takes a JSON array of records for one kind of master data
// (PUT /api/v1/masterdata/{kind}) from an ERP that pushes its data. The
// fields are the import columns (see the README); the whole array is
// applied or, when any record is bad, nothing, with every problem named by
// record number (422). The body is held once as it came and read record by
// record (masterdata.UpsertJSON), so a push of the largest allowed body
// needs little more memory than its own size.
func (s *Server) putMasterData(c *gin.Context) {
	kind, ok := masterdata.ParseKind(c.Param("kind"))
	if !ok {
		apiError(c, http.StatusNotFound, "unknown kind of master data "+c.Param("kind"))
		return
	}
	var body bytes.Buffer
	if n := c.Request.ContentLength; n > 0 && n <= maxMasterDataBody {
		body.Grow(int(n) + bytes.MinRead) // one allocation; ReadFrom wants MinRead spare
	}
	if _, err := body.ReadFrom(http.MaxBytesReader(c.Writer, c.Request.Body, maxMasterDataBody)); err != nil {
		if isTooLarge(err) {
			apiError(c, http.StatusRequestEntityTooLarge, sizeLimit("the body", maxMasterDataBody, "")+"; push the records in parts")
			return
		}
		apiError(c, http.StatusBadRequest, "the body could not be read to its end (the request broke off); send it again")
		return
	}
	res, err := masterdata.UpsertJSON(c.Request.Context(), s.Pool, kind, body.Bytes(), masterdata.ImportOptions{ReportLag: s.ReportLag})
	if err != nil {
		s.fail(c, err)
		return
	}
	setAudit(c, "records", res.Rows)
	setAudit(c, "version", res.Version)
	c.JSON(http.StatusOK, gin.H{"kind": res.Kind, "records": res.Rows, "version": res.Version})
}
