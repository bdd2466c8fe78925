// Package review is ordergate's web server (gin): the sales desk's review UI,
// the JSON API, and the operational endpoints (/healthz, /readyz, /metrics).
// All routes are declared in routes (one table), handlers are methods on
// Server, which lists their dependencies.
package review

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/ordergate/ordergate/db"
	"github.com/ordergate/ordergate/intake"
)

// Server holds what the handlers need.
type Server struct {
	Pool     *pgxpool.Pool
	Log      *slog.Logger
	Gatherer prometheus.Gatherer
	Pipeline *intake.Pipeline
	// MaxDocumentBytes limits uploads (limits.max_document_bytes).
	MaxDocumentBytes int64
	// ReportLag is passed to master-data pushes (matching.erp_report_lag).
	ReportLag time.Duration
	// LinkLimiter rate-limits each customer's order link; nil gives the
	// defaults (30 requests a minute, bursts of 20).
	LinkLimiter *intake.LinkLimiter
	limiterOnce sync.Once
}

// Handler returns the HTTP handler with every route.
func (s *Server) Handler() http.Handler {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(gin.Recovery(), s.logRequests)
	// Unknown routes and wrong methods answer in the API's one error shape.
	r.HandleMethodNotAllowed = true
	r.NoRoute(func(c *gin.Context) {
		apiError(c, http.StatusNotFound, "no such route: "+c.Request.Method+" "+c.Request.URL.Path+" (see the README for the API)")
	})
	r.NoMethod(func(c *gin.Context) {
		apiError(c, http.StatusMethodNotAllowed, c.Request.Method+" is not allowed on "+c.Request.URL.Path+" (allowed: "+c.Writer.Header().Get("Allow")+")")
	})
	s.routes(r)
	return r
}

// routes is the route table. Operational endpoints carry no data and need
// no login; everything else will sit behind authentication.
func (s *Server) routes(r *gin.Engine) {
	r.GET("/healthz", s.healthz)
	r.GET("/readyz", s.readyz)
	r.GET("/metrics", gin.WrapH(promhttp.HandlerFor(s.Gatherer, promhttp.HandlerOpts{})))

	api := r.Group("/api/v1", s.requireAPIKey, s.audit)
	api.POST("/documents", s.postDocument)
	api.GET("/documents", s.listDocuments)
	api.GET("/documents/:id", s.getDocument)
	api.GET("/orders", s.listOrders)
	api.GET("/orders/:id", s.getOrder)
	api.POST("/orders/:id/retry-delivery", s.retryDelivery)
	api.POST("/orders/:id/reject", s.rejectOrder)
	api.POST("/orders/:id/rematch", s.rematchOrder)
	api.POST("/orders/:id/lines/:line/learn", s.learnLine)
	api.PUT("/masterdata/:kind", s.putMasterData)
	api.POST("/documents/preview", s.previewDocument)
	api.GET("/items", s.items)
	api.POST("/quick-orders", s.postQuickOrder)
	api.GET("/customers/:number/sheet-layouts", s.listSheetLayouts)
	api.PUT("/customers/:number/sheet-layouts", s.putSheetLayout)
	api.DELETE("/customers/:number/sheet-layouts/:id", s.deleteSheetLayout)
	api.GET("/customers/:number/links", s.listLinks)
	api.POST("/customers/:number/links", s.createLink)
	api.DELETE("/customers/:number/links/:id", s.revokeLink)

	// A customer's order link: no API key, the token opens the
	// customer's assortment only; each submission is audited by intake.
	link := r.Group("/api/v1/links/:token", s.requireLink)
	link.GET("", s.linkInfo)
	link.GET("/items", s.linkItems)
	link.POST("/orders", s.linkOrder)
	link.POST("/documents", s.linkDocument)
}

// healthz answers 200 while the process is alive.
func (s *Server) healthz(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

// readyz answers 200 when the database is reachable and every migration is
// applied, 503 with the reason otherwise.
func (s *Server) readyz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 3*time.Second)
	defer cancel()
	if err := s.Pool.Ping(ctx); err != nil {
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "unavailable", "reason": "database unreachable: " + err.Error()})
		return
	}
	ok, err := db.MigrationsCurrent(ctx, s.Pool)
	if err != nil {
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "unavailable", "reason": err.Error()})
		return
	}
	if !ok {
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "unavailable", "reason": "database migrations are not current; run ordergate migrate"})
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ready"})
}

func (s *Server) logRequests(c *gin.Context) {
	start := time.Now()
	c.Next()
	level := slog.LevelDebug
	if c.Writer.Status() >= 500 {
		level = slog.LevelWarn
	}
	s.Log.Log(c.Request.Context(), level, "http request", "method", c.Request.Method, "path", c.FullPath(),
		"status", c.Writer.Status(), "took", time.Since(start))
}
