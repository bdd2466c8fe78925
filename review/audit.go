package review

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

// auditDetailKey is where a handler leaves what the audit entry should say
// beyond the request itself (setAudit).
const auditDetailKey = "audit_detail"

// setAudit records a detail of the action for its audit entry.
func setAudit(c *gin.Context, key string, value any) {
	d, _ := c.Get(auditDetailKey)
	m, _ := d.(map[string]any)
	if m == nil {
		m = map[string]any{}
		c.Set(auditDetailKey, m)
	}
	m[key] = value
}

// audit writes an audit entry for every request that may change something
// (any method but GET and HEAD), after its handler ran: who (the API
// client), what (method and route), on what (the route's parameters), how
// it ended (the status) and the details the handler added. Requests
// refused before authentication are not actions and not entered. A failure
// to write is logged: the action is done by then.
func (s *Server) audit(c *gin.Context) {
	c.Next()
	if c.Request.Method == http.MethodGet || c.Request.Method == http.MethodHead || c.GetBool(auditedKey) {
		return
	}
	var target []string
	for _, p := range c.Params {
		target = append(target, p.Key+"="+p.Value)
	}
	detail := []byte("{}")
	if d, ok := c.Get(auditDetailKey); ok {
		if b, err := json.Marshal(d); err == nil {
			detail = b
		}
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), 5*time.Second)
	defer cancel()
	if _, err := s.Pool.Exec(ctx, `INSERT INTO audit_log (actor, action, target, status, detail) VALUES ($1, $2, $3, $4, $5)`,
		c.GetString("api_client"), c.Request.Method+" "+c.FullPath(), strings.Join(target, " "), c.Writer.Status(), detail); err != nil {
		s.Log.Error("audit entry not written", "actor", c.GetString("api_client"), "path", c.Request.URL.Path, "err", err)
	}
}

// auditUI writes an audit entry for what a desk user did outside an order
// action (which writes its own): logins, users, reprocessing.
func (s *Server) auditUI(c *gin.Context, actor, action, target string, status int, detail map[string]any) {
	if detail == nil {
		detail = map[string]any{}
	}
	b, err := json.Marshal(detail)
	if err != nil {
		b = []byte("{}")
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), 5*time.Second)
	defer cancel()
	if _, err := s.Pool.Exec(ctx, `INSERT INTO audit_log (actor, action, target, status, detail) VALUES ($1, $2, $3, $4, $5)`,
		actor, action, target, status, b); err != nil {
		s.Log.Error("audit entry not written", "actor", actor, "action", action, "err", err)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
