package review

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ordergate/ordergate/auth"
)

// auditEntry is a row of the audit log as the admin's page shows it.
type auditEntry struct {
	ID                            int64
	At                            time.Time
	Actor, Action, Target, Detail string
	Status                        int
	OrderID                       int64
}

type auditFilter struct {
	Actor, Action, Target string
}

type auditView struct {
	Filter   auditFilter
	From, To string
	Entries  []auditEntry
	Next     string
}

// auditPage lets an admin search the audit log: by who, what, on what and
// when, newest first.
func (s *Server) auditPage(c *gin.Context) {
	f := auditFilter{Actor: strings.TrimSpace(c.Query("actor")), Action: strings.TrimSpace(c.Query("action")), Target: strings.TrimSpace(c.Query("target"))}
	v := auditView{Filter: f, From: c.Query("from"), To: c.Query("to")}
	from, _ := time.ParseInLocation("2006-01-02", v.From, time.Local)
	to, _ := time.ParseInLocation("2006-01-02", v.To, time.Local)
	if !to.IsZero() {
		to = to.AddDate(0, 0, 1)
	}
	before, _ := strconv.ParseInt(c.Query("before"), 10, 64)
	rows, err := s.Pool.Query(c.Request.Context(), `SELECT id, at, actor, action, target, status, detail::text FROM audit_log
		WHERE ($1 = '' OR actor = $1) AND ($2 = '' OR action LIKE $2 || '%') AND ($3 = '' OR target = $3)
		  AND ($4::timestamptz IS NULL OR at >= $4) AND ($5::timestamptz IS NULL OR at < $5) AND ($6 = 0 OR id < $6)
		ORDER BY id DESC LIMIT 101`, f.Actor, f.Action, f.Target, nullTime(from), nullTime(to), before)
	if err != nil {
		s.uiFail(c, err)
		return
	}
	defer rows.Close()
	for rows.Next() {
		var e auditEntry
		if err := rows.Scan(&e.ID, &e.At, &e.Actor, &e.Action, &e.Target, &e.Status, &e.Detail); err != nil {
			s.uiFail(c, err)
			return
		}
		if id, ok := strings.CutPrefix(e.Target, "order="); ok {
			e.OrderID, _ = strconv.ParseInt(id, 10, 64)
		}
		v.Entries = append(v.Entries, e)
	}
	if err := rows.Err(); err != nil {
		s.uiFail(c, err)
		return
	}
	if len(v.Entries) > 100 {
		v.Entries = v.Entries[:100]
		q := c.Request.URL.Query()
		q.Set("before", strconv.FormatInt(v.Entries[99].ID, 10))
		v.Next = "/audit?" + q.Encode()
	}
	s.page(c, http.StatusOK, "audit", view{Title: "Audit", Data: v})
}

func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

type usersView struct {
	Users []auth.User
}

func (s *Server) usersPage(c *gin.Context) {
	s.usersAnswer(c, http.StatusOK, "", "")
}

func (s *Server) usersAnswer(c *gin.Context, status int, notice, problem string) {
	users, err := auth.ListUsers(c.Request.Context(), s.Pool)
	if err != nil {
		s.uiFail(c, err)
		return
	}
	s.page(c, status, "users", view{Title: "Users", Notice: notice, Error: problem, Data: usersView{Users: users}})
}

// uiAddUser adds a desk user (admins only).
func (s *Server) uiAddUser(c *gin.Context) {
	name, role := strings.TrimSpace(c.PostForm("name")), c.PostForm("role")
	if err := auth.AddUser(c.Request.Context(), s.Pool, name, c.PostForm("password"), role); err != nil {
		s.usersAnswer(c, http.StatusBadRequest, "", strings.TrimPrefix(err.Error(), "auth: "))
		return
	}
	s.auditUI(c, deskUser(c).Name, "user.add", "user="+name, http.StatusOK, map[string]any{"role": role})
	s.usersAnswer(c, http.StatusOK, "Added "+name+" ("+role+").", "")
}

func (s *Server) uiDisableUser(c *gin.Context) { s.setDisabled(c, true) }
func (s *Server) uiEnableUser(c *gin.Context)  { s.setDisabled(c, false) }

func (s *Server) setDisabled(c *gin.Context, disabled bool) {
	name := c.Param("name")
	if name == deskUser(c).Name {
		s.usersAnswer(c, http.StatusBadRequest, "", "You cannot disable yourself.")
		return
	}
	if err := auth.SetDisabled(c.Request.Context(), s.Pool, name, disabled); err != nil {
		s.usersAnswer(c, http.StatusNotFound, "", strings.TrimPrefix(err.Error(), "auth: "))
		return
	}
	action := "user.enable"
	if disabled {
		action = "user.disable"
	}
	s.auditUI(c, deskUser(c).Name, action, "user="+url.PathEscape(name), http.StatusOK, nil)
	c.Redirect(http.StatusSeeOther, "/users")
}
