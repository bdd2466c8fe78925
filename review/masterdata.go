package review

import (
	"errors"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/ordergate/ordergate/masterdata"
)

// maxMasterDataBody caps one master-data push (about 200k rows of stock).
const maxMasterDataBody = 64 << 20

// putMasterData takes a JSON array of records for one kind of master data
// (PUT /api/v1/masterdata/{kind}) from an ERP that pushes its data. The
// fields are the import columns (see the README); the whole array is
// applied or, when any record is bad, nothing, with every problem named by
// record number.
func (s *Server) putMasterData(c *gin.Context) {
	kind, ok := masterdata.ParseKind(c.Param("kind"))
	if !ok {
		apiError(c, http.StatusNotFound, "unknown kind of master data "+c.Param("kind"))
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, maxMasterDataBody))
	if err != nil {
		apiError(c, statusFor(err, http.StatusBadRequest), "cannot read the body: "+err.Error())
		return
	}
	res, err := masterdata.UpsertJSON(c.Request.Context(), s.Pool, kind, body, masterdata.ImportOptions{ReportLag: s.ReportLag})
	var ie *masterdata.ImportError
	if errors.As(err, &ie) {
		problems := make([]gin.H, len(ie.Problems))
		for i, p := range ie.Problems {
			problems[i] = gin.H{"record": p.Row, "field": p.Column, "message": p.Message}
		}
		c.AbortWithStatusJSON(http.StatusUnprocessableEntity, gin.H{"error": ie.Error(), "problems": problems})
		return
	}
	if err != nil {
		apiError(c, http.StatusBadRequest, err.Error())
		return
	}
	setAudit(c, "records", res.Rows)
	setAudit(c, "version", res.Version)
	c.JSON(http.StatusOK, gin.H{"kind": res.Kind, "records": res.Rows, "version": res.Version})
}
