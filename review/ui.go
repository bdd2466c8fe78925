package review

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/alexedwards/scs/pgxstore"
	"github.com/alexedwards/scs/v2"
	"github.com/gin-gonic/gin"

	"github.com/ordergate/ordergate/auth"
)

// The sales desk's screens: server-rendered html/template pages, each a
// file in templates/, with a little JavaScript (static/app.js) and htmx
// (static/htmx.min.js, vendored with its licence) to swap the fragments an
// action answers with. Every page reads without JavaScript; every action is
// a POST of a form that also works as a plain submit (answered with a
// redirect). Templates and assets are embedded and parsed once when the
// package loads: a template that is missing or does not parse stops the
// program before it serves anything.

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// pages are the templates a handler renders; each must exist.
var pages = []string{"login", "queue", "failed", "order", "dashboard", "audit", "users", "error", "upload", "quick", "links"}

// fragments are the named templates handlers render on their own for htmx.
var fragments = []string{"queue_rows", "order_panel", "item_hits", "upload_preview", "quick_line", "quick_form"}

// ui is the parsed templates and the asset table, made at start-up.
var ui = mustLoadUI()

type uiAssets struct {
	pages  map[string]*template.Template
	assets map[string]asset // by logical name ("app.css")
	byPath map[string]asset // by served path ("/static/app.3f2a9c1e.css")
}

type asset struct {
	path, contentType string
	data              []byte
}

func mustLoadUI() *uiAssets {
	u, err := loadUI()
	if err != nil {
		panic("review: the desk's screens cannot be loaded: " + err.Error())
	}
	return u
}

func loadUI() (*uiAssets, error) {
	u := &uiAssets{pages: map[string]*template.Template{}, assets: map[string]asset{}, byPath: map[string]asset{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		name := path.Base(p)
		sum := sha256.Sum256(b)
		ext := path.Ext(name)
		served := "/static/" + strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:6]) + ext
		a := asset{path: served, contentType: contentTypes[ext], data: b}
		u.assets[name], u.byPath[served] = a, a
		return nil
	})
	if err != nil {
		return nil, err
	}
	funcs := template.FuncMap{
		"asset": func(name string) (string, error) {
			a, ok := u.assets[name]
			if !ok {
				return "", fmt.Errorf("no asset %q", name)
			}
			return a.path, nil
		},
	}
	for k, v := range viewFuncs {
		funcs[k] = v
	}
	base, err := template.New("base").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials.html")
	if err != nil {
		return nil, err
	}
	for _, p := range pages {
		t, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := t.ParseFS(templateFS, "templates/"+p+".html"); err != nil {
			return nil, fmt.Errorf("template %s: %w", p, err)
		}
		u.pages[p] = t
	}
	for _, f := range fragments {
		found := false
		for _, t := range u.pages {
			found = found || t.Lookup(f) != nil
		}
		if !found {
			return nil, fmt.Errorf("no template defines the fragment %q", f)
		}
	}
	return u, nil
}

var contentTypes = map[string]string{
	".css": "text/css; charset=utf-8",
	".js":  "text/javascript; charset=utf-8",
	".txt": "text/plain; charset=utf-8",
	".svg": "image/svg+xml",
}

// serveAsset serves an embedded asset by its content-hashed path, cached
// for a year: a change makes a new path.
func serveAsset(c *gin.Context) {
	a, ok := ui.byPath[c.Request.URL.Path]
	if !ok {
		c.String(http.StatusNotFound, "not found")
		return
	}
	c.Header("Cache-Control", "public, max-age=31536000, immutable")
	c.Data(http.StatusOK, a.contentType, a.data)
}

// contentSecurityPolicy allows nothing but our own scripts, styles and
// images: no inline script or style, no eval, no frames, forms only to us.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// securityHeaders sets the headers every answer carries.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

// UIOptions configure the desk's screens.
type UIOptions struct {
	// InsecureCookies sends the session cookie without Secure, for a
	// gateway reached over plain HTTP on another host than localhost
	// (browsers keep Secure cookies for http://localhost).
	InsecureCookies bool
	// IdleTimeout ends a session not used for this long (default 1h);
	// Lifetime ends any session this long after login (default 12h).
	IdleTimeout, Lifetime time.Duration
	// SLA is how long an order may wait before its age shows red in the
	// queue (amber from a quarter of it); default 4h.
	SLA time.Duration
}

// newSessions makes the session manager: sessions in PostgreSQL (table
// sessions), a cookie that scripts cannot read and other sites do not send.
func (s *Server) newSessions() *scs.SessionManager {
	m := scs.New()
	m.Store = pgxstore.NewWithCleanupInterval(s.Pool, 30*time.Minute)
	m.IdleTimeout = s.UI.IdleTimeout
	if m.IdleTimeout <= 0 {
		m.IdleTimeout = time.Hour
	}
	m.Lifetime = s.UI.Lifetime
	if m.Lifetime <= 0 {
		m.Lifetime = 12 * time.Hour
	}
	m.Cookie.Name = "ordergate_session"
	m.Cookie.HttpOnly = true
	m.Cookie.Secure = !s.UI.InsecureCookies
	m.Cookie.SameSite = http.SameSiteLaxMode
	m.Cookie.Path = "/"
	m.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) {
		s.Log.Error("session store failed", "path", r.URL.Path, "err", err)
		http.Error(w, "the session store is not reachable; try again in a moment", http.StatusServiceUnavailable)
	}
	return m
}

// sessionUser is the session key of the logged-in user's name.
const sessionUser = "user"

// userKey is the gin key of the *auth.User a request is made by.
const userKey = "desk_user"

// requireUser lets a request through when a user is logged in with at least
// role; the user is re-read on every request, so a disabled user or a
// lowered role takes effect at once. Without a session a page redirects to
// the login form and an action answers 401.
func (s *Server) requireUser(role string) gin.HandlerFunc {
	return func(c *gin.Context) {
		name := s.sessions.GetString(c.Request.Context(), sessionUser)
		if name == "" {
			s.needLogin(c)
			return
		}
		u, err := auth.GetUser(c.Request.Context(), s.Pool, name)
		if err != nil || u.Disabled {
			_ = s.sessions.Destroy(c.Request.Context())
			s.needLogin(c)
			return
		}
		if !u.May(role) {
			s.page(c, http.StatusForbidden, "error", view{Title: "Not allowed", Error: "Your role (" + u.Role + ") may not do this; it needs " + role + "."})
			c.Abort()
			return
		}
		c.Set(userKey, &u)
		c.Next()
	}
}

func (s *Server) needLogin(c *gin.Context) {
	if c.Request.Method == http.MethodGet {
		c.Redirect(http.StatusSeeOther, "/login?next="+template.URLQueryEscaper(c.Request.URL.RequestURI()))
	} else {
		if c.GetHeader("HX-Request") != "" {
			c.Header("HX-Redirect", "/login")
		}
		c.String(http.StatusUnauthorized, "log in first")
	}
	c.Abort()
}

// deskUser is the logged-in user of a request behind requireUser.
func deskUser(c *gin.Context) *auth.User {
	u, _ := c.Get(userKey)
	au, _ := u.(*auth.User)
	return au
}

// view is what every page gets: the user, the navigation's counts, and the
// page's own data.
type view struct {
	Title   string
	User    *auth.User
	Nav     navCounts
	Error   string
	Notice  string
	Data    any
	Now     time.Time
	SLA     time.Duration
	Request *http.Request
}

type navCounts struct {
	Queue, Failed int
}

// page renders a whole page.
func (s *Server) page(c *gin.Context, status int, name string, v view) {
	if v.User == nil {
		v.User = deskUser(c)
	}
	if v.User != nil {
		v.Nav = s.navCounts(c)
		if v.Notice == "" {
			v.Notice = s.sessions.PopString(c.Request.Context(), "notice")
		}
	}
	v.Now, v.SLA, v.Request = time.Now(), s.sla(), c.Request
	s.execute(c, status, name, "layout", v)
}

// fragment renders one named template of a page, for htmx to swap in.
func (s *Server) fragment(c *gin.Context, status int, pageName, name string, v view) {
	if v.User == nil {
		v.User = deskUser(c)
	}
	v.Now, v.SLA, v.Request = time.Now(), s.sla(), c.Request
	s.execute(c, status, pageName, name, v)
}

// pageBuffers are the buffers pages are rendered into, kept between
// requests: the page of a 1,000-line order is about 1.5 MB of HTML, which a
// fresh buffer reached by doubling, 3 MB allocated for every view.
var pageBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func (s *Server) execute(c *gin.Context, status int, pageName, name string, v view) {
	b := pageBuffers.Get().(*bytes.Buffer)
	b.Reset()
	defer func() {
		if b.Cap() <= 8<<20 {
			pageBuffers.Put(b)
		}
	}()
	if err := ui.pages[pageName].ExecuteTemplate(b, name, v); err != nil {
		s.Log.Error("page failed to render", "page", pageName, "template", name, "err", err)
		c.String(http.StatusInternalServerError, "this page failed to render; it has been logged")
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Data(status, "text/html; charset=utf-8", b.Bytes())
}

func (s *Server) sla() time.Duration {
	if s.UI.SLA > 0 {
		return s.UI.SLA
	}
	return 4 * time.Hour
}
