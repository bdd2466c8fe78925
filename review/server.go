// Package review is ordergate's web server (gin): the sales desk's review UI,
// the JSON API, and the operational endpoints (/healthz, /readyz, /metrics).
// All routes are declared in routes (one table), handlers are methods on
// Server, which lists their dependencies.
package review

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/ordergate/ordergate/auth"
	"github.com/ordergate/ordergate/catalog"
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
	// UI configures the desk's screens.
	UI UIOptions
	// Catalog, when set, is the master data matching uses now (the live
	// catalog): item look-ups at the desk answer from it.
	Catalog func() *catalog.Snapshot

	sessions *scs.SessionManager
	logins   *loginLimiter
	nav      atomic.Pointer[countedNav]
}

// Handler returns the HTTP handler with every route: the desk's screens
// (sessions in PostgreSQL), the JSON API (API keys) and the operational
// endpoints, behind the security headers every answer carries and Go's
// cross-origin protection, which refuses a state-changing request a
// browser makes from another site (API clients send no Origin and pass).
func (s *Server) Handler() http.Handler {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(gin.Recovery(), s.logRequests)
	if s.sessions == nil {
		s.sessions = s.newSessions()
	}
	if s.logins == nil {
		s.logins = newLoginLimiter()
	}
	// Unknown routes and wrong methods answer in the API's one error
	// shape, or as a page for the screens.
	r.HandleMethodNotAllowed = true
	r.NoRoute(func(c *gin.Context) {
		if strings.HasPrefix(c.Request.URL.Path, "/api/") || strings.HasPrefix(c.Request.URL.Path, "/static/") {
			apiError(c, http.StatusNotFound, "no such route: "+c.Request.Method+" "+c.Request.URL.Path+" (see the README for the API)")
			return
		}
		s.page(c, http.StatusNotFound, "error", view{Title: "Not found", Error: "There is no page " + c.Request.URL.Path + "."})
	})
	r.NoMethod(func(c *gin.Context) {
		apiError(c, http.StatusMethodNotAllowed, c.Request.Method+" is not allowed on "+c.Request.URL.Path+" (allowed: "+c.Writer.Header().Get("Allow")+")")
	})
	s.routes(r)
	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(denyCrossOrigin))
	return securityHeaders(csrf.Handler(s.sessions.LoadAndSave(r)))
}

// denyCrossOrigin answers a state-changing request a browser made from
// another site: in the API's one error shape on /api/ (its clients read
// JSON whatever went wrong), as plain text for the screens.
func denyCrossOrigin(w http.ResponseWriter, r *http.Request) {
	const msg = "refused: this request came from another site"
	if strings.HasPrefix(r.URL.Path, "/api/") {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusForbidden)
		_ = json.NewEncoder(w).Encode(map[string]string{"error": msg})
		return
	}
	http.Error(w, msg, http.StatusForbidden)
}

// routes is the route table, with the role each route needs next to it.
// Operational endpoints carry no data and need no login; the API needs an
// API key; the desk's screens a logged-in user.
func (s *Server) routes(r *gin.Engine) {
	r.GET("/healthz", s.healthz)
	r.GET("/readyz", s.readyz)
	r.GET("/metrics", gin.WrapH(promhttp.HandlerFor(s.Gatherer, promhttp.HandlerOpts{})))
	r.GET("/static/*file", serveAsset)

	api := r.Group("/api/v1", s.requireAPIKey, s.audit)
	api.POST("/documents", s.postDocument)
	api.GET("/documents", s.listDocuments)
	api.GET("/documents/:id", s.getDocument)
	api.GET("/documents/:id/parts/:n", s.getDocumentPart)
	api.GET("/orders", s.listOrders)
	api.GET("/orders/:id", s.getOrder)
	api.GET("/orders/:id/history", s.orderHistory)
	api.POST("/orders/:id/approve", s.approveOrder)
	api.POST("/orders/:id/customer", s.chooseCustomer)
	api.POST("/orders/:id/po-number", s.setPONumber)
	api.POST("/orders/:id/lines/:line/map", s.mapLine)
	api.POST("/orders/:id/lines/:line/change", s.changeLine)
	api.POST("/orders/:id/lines/:line/delete", s.deleteLine)
	api.POST("/orders/:id/lines/:line/accept-price", s.acceptPrice)
	api.POST("/orders/:id/hold", s.holdOrder)
	api.POST("/orders/:id/release", s.releaseOrder)
	api.POST("/orders/:id/assign", s.assignOrder)
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

	r.GET("/login", s.loginPage)
	r.POST("/login", s.login)
	r.POST("/logout", s.logout)
	viewer, clerk, admin := s.requireUser(auth.RoleViewer), s.requireUser(auth.RoleClerk), s.requireUser(auth.RoleAdmin)
	r.GET("/", viewer, s.queuePage)
	r.GET("/queue/new", viewer, s.queueNew)
	r.GET("/documents/failed", viewer, s.failedPage)
	r.GET("/documents/:id/raw", viewer, s.rawDocument)
	r.GET("/documents/:id/parts/:n", viewer, s.getDocumentPart)
	r.POST("/documents/:id/reprocess", clerk, s.uiReprocess)
	r.GET("/orders/:id", viewer, s.orderPage)
	r.GET("/items", viewer, s.itemHits)
	r.POST("/orders/:id/approve", clerk, s.uiApprove)
	r.POST("/orders/:id/reject", clerk, s.uiReject)
	r.POST("/orders/:id/hold", clerk, s.uiHold)
	r.POST("/orders/:id/release", clerk, s.uiRelease)
	r.POST("/orders/:id/assign", clerk, s.uiAssign)
	r.POST("/orders/:id/customer", clerk, s.uiCustomer)
	r.POST("/orders/:id/po-number", clerk, s.uiPONumber)
	r.POST("/orders/:id/rematch", clerk, s.uiRematch)
	r.POST("/orders/:id/retry-delivery", clerk, s.uiRetry)
	r.POST("/orders/:id/lines/:line/map", clerk, s.uiMapLine)
	r.POST("/orders/:id/lines/:line/change", clerk, s.uiChangeLine)
	r.POST("/orders/:id/lines/:line/delete", clerk, s.uiDeleteLine)
	r.POST("/orders/:id/lines/:line/accept-price", clerk, s.uiAcceptPrice)
	r.GET("/upload", clerk, s.uploadPage)
	r.POST("/upload", clerk, s.upload)
	r.POST("/upload/preview", clerk, s.uploadPreview)
	r.POST("/upload/layout", clerk, s.uploadLayout)
	r.POST("/upload/layouts/:customer/:id", clerk, s.editLayoutUI)
	r.POST("/upload/layouts/:customer/:id/delete", clerk, s.deleteLayoutUI)
	r.GET("/quick", clerk, s.quickPage)
	r.POST("/quick", clerk, s.quickSubmit)
	r.GET("/quick/line", clerk, s.quickLine)
	r.GET("/links", clerk, s.linksPage)
	r.POST("/links", clerk, s.createLinkUI)
	r.POST("/links/:customer/:id/revoke", clerk, s.revokeLinkUI)
	// A customer's order link: no login, the link is the credential.
	byLink := r.Group("/l/:token", s.requireLinkPage)
	byLink.GET("", s.linkPage)
	byLink.POST("", s.linkSubmit)
	byLink.GET("/items", s.linkItemHits)
	byLink.GET("/line", s.linkLine)
	byLink.POST("/upload", s.linkUpload)
	r.GET("/dashboard", viewer, s.dashboardPage)
	r.GET("/audit", admin, s.auditPage)
	r.GET("/users", admin, s.usersPage)
	r.POST("/users", admin, s.uiAddUser)
	r.POST("/users/:name/disable", admin, s.uiDisableUser)
	r.POST("/users/:name/enable", admin, s.uiEnableUser)
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
