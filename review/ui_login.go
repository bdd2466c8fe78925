package review

import (
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ordergate/ordergate/auth"
)

// loginLimiter counts failed logins per user name and per address, in this
// process: after limit failures within window, further attempts are
// refused until the oldest failure leaves the window. A correct password
// does not reset the address's count (an attacker with one account must
// not clear the way for guessing others).
type loginLimiter struct {
	mu       sync.Mutex
	failures map[string][]time.Time
	now      func() time.Time
}

const (
	loginWindow      = 15 * time.Minute
	loginUserLimit   = 5  // failures per user name
	loginAddresLimit = 20 // failures per address
)

func newLoginLimiter() *loginLimiter {
	return &loginLimiter{failures: map[string][]time.Time{}, now: time.Now}
}

// blocked says how long the user or address must wait, 0 when it may try.
func (l *loginLimiter) blocked(user, addr string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	wait := func(key string, limit int) time.Duration {
		fs := l.recent(key)
		if len(fs) < limit {
			return 0
		}
		return fs[len(fs)-limit].Add(loginWindow).Sub(l.now())
	}
	return max(wait("user:"+strings.ToLower(user), loginUserLimit), wait("addr:"+addr, loginAddresLimit))
}

func (l *loginLimiter) recent(key string) []time.Time {
	fs := l.failures[key]
	cut := l.now().Add(-loginWindow)
	i := 0
	for i < len(fs) && fs[i].Before(cut) {
		i++
	}
	fs = fs[i:]
	if len(fs) == 0 {
		delete(l.failures, key)
	} else {
		l.failures[key] = fs
	}
	return fs
}

func (l *loginLimiter) failed(user, addr string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	for _, k := range []string{"user:" + strings.ToLower(user), "addr:" + addr} {
		l.failures[k] = append(l.recent(k), now)
	}
}

// clientAddress is the address a login comes from (the connection's; a
// proxy in front should be the only client).
func clientAddress(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// safeNext keeps a post-login redirect on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}

func (s *Server) loginPage(c *gin.Context) {
	if s.sessions.GetString(c.Request.Context(), sessionUser) != "" {
		c.Redirect(http.StatusSeeOther, safeNext(c.Query("next")))
		return
	}
	s.page(c, http.StatusOK, "login", view{Title: "Log in", Data: safeNext(c.Query("next"))})
}

// login checks the form's username and password. The session token is
// renewed at login (no session fixation); failures are rate limited per
// user and per address and written to the audit log.
func (s *Server) login(c *gin.Context) {
	ctx := c.Request.Context()
	name, password := strings.TrimSpace(c.PostForm("username")), c.PostForm("password")
	next := safeNext(c.PostForm("next"))
	addr := clientAddress(c.Request)
	fail := func(status int, msg string) {
		s.page(c, status, "login", view{Title: "Log in", Error: msg, Data: next})
	}
	if len(name) > 64 || len(password) > 1024 {
		fail(http.StatusBadRequest, "That user name or password is too long.")
		return
	}
	if wait := s.logins.blocked(name, addr); wait > 0 {
		s.Log.Warn("login refused: too many failures", "user", name, "address", addr)
		c.Header("Retry-After", itoa(int(wait.Seconds())+1))
		fail(http.StatusTooManyRequests, "Too many failed logins. Try again in "+itoa(int(wait.Minutes())+1)+" minutes.")
		return
	}
	u, err := auth.Authenticate(ctx, s.Pool, name, password)
	if errors.Is(err, auth.ErrLogin) {
		s.logins.failed(name, addr)
		s.auditUI(c, name, "login.failed", "", http.StatusUnauthorized, map[string]any{"address": addr})
		fail(http.StatusUnauthorized, "Wrong user name or password.")
		return
	}
	if err != nil {
		s.Log.Error("login failed", "err", err)
		fail(http.StatusServiceUnavailable, "Logging in is not possible right now; try again in a moment.")
		return
	}
	if err := s.sessions.RenewToken(ctx); err != nil {
		s.Log.Error("session renew failed", "err", err)
		fail(http.StatusServiceUnavailable, "Logging in is not possible right now; try again in a moment.")
		return
	}
	s.sessions.Put(ctx, sessionUser, u.Name)
	s.auditUI(c, u.Name, "login", "", http.StatusSeeOther, map[string]any{"address": addr})
	c.Redirect(http.StatusSeeOther, next)
}

func (s *Server) logout(c *gin.Context) {
	ctx := c.Request.Context()
	if name := s.sessions.GetString(ctx, sessionUser); name != "" {
		s.auditUI(c, name, "logout", "", http.StatusSeeOther, nil)
	}
	if err := s.sessions.Destroy(ctx); err != nil {
		s.Log.Error("logout failed", "err", err)
	}
	c.Redirect(http.StatusSeeOther, "/login")
}
