// Package config loads ordergate's configuration: one YAML file plus
// environment overrides, validated at start-up with errors that name the bad
// key. The resolved configuration is passed explicitly to every component;
// there are no globals.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/ordergate/ordergate/erp"
	"github.com/ordergate/ordergate/mailer"
	"github.com/ordergate/ordergate/order"
	"github.com/ordergate/ordergate/parsers"
	"github.com/ordergate/ordergate/parsers/sheet"
)

// Config is the whole configuration. Field comments are the reference that
// the README repeats; yaml keys are snake_case.
type Config struct {
	// DatabaseURL is a PostgreSQL URL. Empty: try localhost:5432, then an
	// embedded PostgreSQL under DataDir. Env: DATABASE_URL.
	DatabaseURL string `yaml:"database_url"`
	// DataDir holds the embedded database, and is the default root of the
	// drop folder. Env: ORDERGATE_DATA_DIR.
	DataDir string `yaml:"data_dir"`

	HTTP     HTTP     `yaml:"http"`
	Log      Log      `yaml:"log"`
	Workers  Workers  `yaml:"workers"`
	Limits   Limits   `yaml:"limits"`
	Sources  Sources  `yaml:"sources"`
	EDI      EDI      `yaml:"edi"`
	Matching Matching `yaml:"matching"`
	Desk     Desk     `yaml:"desk"`
	// Mail is the SMTP relay that answers customers who order by mail;
	// empty addr: no mails are sent.
	Mail mailer.Config `yaml:"mail"`
	// ERP is where approved orders go; empty kind: nowhere yet, and
	// approved orders wait in review saying so. See package erp.
	ERP erp.Config `yaml:"erp"`
}

// HTTP configures the web server.
type HTTP struct {
	// Addr to listen on. Env: ORDERGATE_ADDR. Default 127.0.0.1:8080.
	Addr string `yaml:"addr"`
	// ShutdownTimeout bounds graceful shutdown (in-flight requests and jobs).
	ShutdownTimeout time.Duration `yaml:"shutdown_timeout"`
	// InsecureCookies sends the desk's session cookie without Secure, for
	// a gateway reached over plain HTTP on a host other than localhost
	// (browsers keep Secure cookies for localhost). Serve it over HTTPS
	// instead wherever you can.
	InsecureCookies bool `yaml:"insecure_cookies"`
}

// Desk configures the sales desk's screens.
type Desk struct {
	// SLA is how long an order may wait in review before its age shows
	// red (amber from a quarter of it). Default 4h.
	SLA time.Duration `yaml:"sla"`
	// IdleTimeout ends a session unused this long (default 1h); Lifetime
	// ends every session this long after login (default 12h).
	IdleTimeout time.Duration `yaml:"idle_timeout"`
	Lifetime    time.Duration `yaml:"session_lifetime"`
}

// Log configures structured logging.
type Log struct {
	Level  string `yaml:"level"`  // debug, info, warn, error. Env: ORDERGATE_LOG_LEVEL.
	Format string `yaml:"format"` // text or json. Env: ORDERGATE_LOG_FORMAT.
}

// Workers sizes the job queue.
type Workers struct {
	// Pipeline is the number of concurrent pipeline jobs (parse, match,
	// acknowledgements). Env: ORDERGATE_WORKERS.
	Pipeline int `yaml:"pipeline"`
	// Delivery is the number of concurrent deliveries to the ERP, on a
	// queue of their own, so a slow or hung ERP holds up only them.
	// Default 4.
	Delivery int `yaml:"delivery"`
	// JobTimeout bounds one pipeline job (a parse, an ERP call). Default 2m.
	JobTimeout time.Duration `yaml:"job_timeout"`
	// RescueAfter is when a job still marked running is taken for dead (its
	// process crashed) and run again; it must exceed JobTimeout. Default 3m.
	RescueAfter time.Duration `yaml:"rescue_after"`
	// RetryBackoff is the first wait before a failed ERP delivery is tried
	// again; it doubles per attempt up to an hour. Default 30s.
	RetryBackoff time.Duration `yaml:"retry_backoff"`
}

// Limits are the size limits on every input; a document over a limit is
// refused with a readable reason and its bytes are not stored.
type Limits struct {
	MaxDocumentBytes ByteSize `yaml:"max_document_bytes"` // one file, mail or upload
	MaxLines         int      `yaml:"max_lines"`          // lines in one order
	MaxSheetRows     int      `yaml:"max_sheet_rows"`
	MaxZipExpansion  ByteSize `yaml:"max_zip_expansion"` // uncompressed size of an XLSX
	MaxSheetColumns  int      `yaml:"max_sheet_columns"` // rightmost column of a sheet with a value
	MaxCellBytes     ByteSize `yaml:"max_cell_bytes"`    // one cell of a sheet
	// MaxQuantity and MaxUnitPrice bound every order line of every format
	// (quantity and price basis; net and gross unit price); an order over
	// them is refused as unreadable, saying which line. Default 1000000000
	// each. See parsers.Limits.
	MaxQuantity  order.Decimal `yaml:"max_quantity"`
	MaxUnitPrice order.Decimal `yaml:"max_unit_price"`
}

// Sheets returns the limits of the spreadsheet parsers.
func (l Limits) Sheets() sheet.Limits {
	return sheet.Limits{MaxRows: l.MaxSheetRows, MaxColumns: l.MaxSheetColumns, MaxCellBytes: int(l.MaxCellBytes),
		MaxUnzipped: int64(l.MaxZipExpansion)}
}

// Parsers returns the limits the parsers registry enforces.
func (l Limits) Parsers() parsers.Limits {
	return parsers.Limits{MaxQuantity: l.MaxQuantity, MaxUnitPrice: l.MaxUnitPrice}
}

// Sources lists the intake sources.
type Sources struct {
	FileDrop []FileDrop `yaml:"file_drop"`
	Mailbox  []Mailbox  `yaml:"mailbox"`
}

// FileDrop is a watched folder. Files appear in Dir; processed ones move to
// Dir/archive, unreadable ones to Dir/failed.
type FileDrop struct {
	// Dir is the folder to watch. Env (first drop only): ORDERGATE_DROP_DIR.
	Dir string `yaml:"dir"`
	// Rescan is how often the folder is listed even without events, since
	// network shares drop inotify events. Default 10s.
	Rescan time.Duration `yaml:"rescan"`
	// StableFor is how long a file's size and mtime must stay unchanged
	// before it is taken. Default 2s.
	StableFor time.Duration `yaml:"stable_for"`
	// Partner optionally names the EDI partner or customer the folder
	// belongs to; it becomes the document's sender.
	Partner string `yaml:"partner"`
}

// Matching tunes the checks orders must pass to reach the ERP untouched.
type Matching struct {
	// Currency is the home currency (ISO 4217) of prices and customers
	// that name none. Default EUR.
	Currency string `yaml:"currency"`
	// Warehouse, if set, is the one stock is checked in; empty means the
	// sum over all warehouses.
	Warehouse string `yaml:"warehouse"`
	// IgnoreStock skips the stock check (for suppliers who make to order).
	IgnoreStock bool `yaml:"ignore_stock"`
	// MaxLeadDays: a requested delivery date further ahead is doubtful.
	// Default 365.
	MaxLeadDays int `yaml:"max_lead_days"`
	// Timezone "today" is taken in for delivery dates and price validity,
	// and acknowledgements to EDI partners are dated in (IANA name, e.g.
	// Europe/Brussels). Default: the machine's.
	Timezone string `yaml:"timezone"`
	// ERPReportLag: a stock or open-orders push covers the orders delivered
	// at least this long before it (the ERP's list may have been made a
	// little before it was sent). Default 5m.
	ERPReportLag time.Duration `yaml:"erp_report_lag"`
}

// Location returns the matching time zone.
func (m Matching) Location() *time.Location {
	if m.Timezone == "" {
		return time.Local
	}
	loc, err := time.LoadLocation(m.Timezone)
	if err != nil {
		return time.Local // Validate reports it
	}
	return loc
}

// EDI configures our identity in EDIFACT envelopes we write.
type EDI struct {
	InterchangeID string `yaml:"interchange_id"` // our UNB sender id
	Qualifier     string `yaml:"qualifier"`      // e.g. 14 (GLN)
	OutboundDir   string `yaml:"outbound_dir"`   // CONTRL/ORDRSP go to OutboundDir/<partner>
	// Contrl is when a CONTRL is sent: requested (UNB 0031 = 1, the
	// default), always or never.
	Contrl string `yaml:"contrl"`
}

// Default returns the configuration used when no file is given.
func Default() Config {
	return Config{
		DataDir: "ordergate-data",
		HTTP:    HTTP{Addr: "127.0.0.1:8080", ShutdownTimeout: 30 * time.Second},
		Log:     Log{Level: "info", Format: "text"},
		Workers: Workers{Pipeline: 8, Delivery: 4, JobTimeout: 2 * time.Minute, RescueAfter: 3 * time.Minute, RetryBackoff: 30 * time.Second},
		Limits: Limits{
			MaxDocumentBytes: 25 << 20,
			MaxLines:         10000,
			MaxSheetRows:     100000,
			MaxZipExpansion:  200 << 20,
			MaxSheetColumns:  256,
			MaxCellBytes:     32 << 10,
			MaxQuantity:      order.NewDecimal(parsers.DefaultMaxQuantity),
			MaxUnitPrice:     order.NewDecimal(parsers.DefaultMaxUnitPrice),
		},
	}
}

// Load reads the YAML file at path (if path is not empty) over the defaults,
// applies environment overrides from getenv, fills derived defaults and
// validates. Unknown keys are errors, so a typo never silently falls back
// to a default.
func Load(path string, getenv func(string) string) (Config, error) {
	cfg := Default()
	var fileErr error
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return Config{}, fmt.Errorf("config: %w", err)
		}
		if err := decodeYAML(b, &cfg); err != nil {
			fileErr = fmt.Errorf("config: in %s:\n%w", path, err)
		}
	}
	envErr := cfg.applyEnv(getenv)
	cfg.fillDefaults()
	// Every problem at once: the file's, the environment's, the values'.
	if err := errors.Join(fileErr, envErr, cfg.Validate()); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

func (c *Config) applyEnv(getenv func(string) string) error {
	if getenv == nil {
		return nil
	}
	set := func(key string, dst *string) {
		if v := getenv(key); v != "" {
			*dst = v
		}
	}
	set("DATABASE_URL", &c.DatabaseURL)
	set("ORDERGATE_DATA_DIR", &c.DataDir)
	set("ORDERGATE_ADDR", &c.HTTP.Addr)
	set("ORDERGATE_LOG_LEVEL", &c.Log.Level)
	set("ORDERGATE_LOG_FORMAT", &c.Log.Format)
	if v := getenv("ORDERGATE_WORKERS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("config: ORDERGATE_WORKERS: %q is not a number", v)
		}
		c.Workers.Pipeline = n
	}
	if v := getenv("ORDERGATE_DROP_DIR"); v != "" {
		if len(c.Sources.FileDrop) == 0 {
			c.Sources.FileDrop = append(c.Sources.FileDrop, FileDrop{})
		}
		c.Sources.FileDrop[0].Dir = v
	}
	return nil
}

func (c *Config) fillDefaults() {
	for i := range c.Sources.FileDrop {
		d := &c.Sources.FileDrop[i]
		if d.Rescan == 0 {
			d.Rescan = 10 * time.Second
		}
		if d.StableFor == 0 {
			d.StableFor = 2 * time.Second
		}
	}
	c.fillMailboxDefaults()
	if c.Matching.Currency == "" {
		c.Matching.Currency = "EUR"
	}
	if c.Matching.ERPReportLag == 0 {
		c.Matching.ERPReportLag = 5 * time.Minute
	}
	if c.Matching.MaxLeadDays == 0 {
		c.Matching.MaxLeadDays = 365
	}
	if c.EDI.Contrl == "" {
		c.EDI.Contrl = "requested"
	}
	if c.EDI.OutboundDir == "" && c.DataDir != "" {
		c.EDI.OutboundDir = filepath.Join(c.DataDir, "outbound")
	}
}

// Validate checks every key and returns all problems at once, each naming
// its key.
func (c *Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("config: %s: %s", key, fmt.Sprintf(format, args...)))
	}
	if c.DatabaseURL != "" {
		u, err := url.Parse(c.DatabaseURL)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			bad("database_url", "must be a postgres:// URL")
		}
	}
	if _, _, err := net.SplitHostPort(c.HTTP.Addr); err != nil {
		bad("http.addr", "%q is not HOST:PORT", c.HTTP.Addr)
	}
	if c.HTTP.ShutdownTimeout < 0 {
		bad("http.shutdown_timeout", "must not be negative")
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		bad("log.level", "%q is not one of debug, info, warn, error", c.Log.Level)
	}
	switch c.Log.Format {
	case "text", "json":
	default:
		bad("log.format", "%q is not text or json", c.Log.Format)
	}
	if c.Workers.Pipeline < 1 || c.Workers.Pipeline > 1000 {
		bad("workers.pipeline", "%d is outside 1..1000", c.Workers.Pipeline)
	}
	if c.Workers.Delivery < 1 || c.Workers.Delivery > 1000 {
		bad("workers.delivery", "%d is outside 1..1000", c.Workers.Delivery)
	}
	if c.Workers.JobTimeout < time.Second {
		bad("workers.job_timeout", "%s is too short (at least 1s)", c.Workers.JobTimeout)
	}
	if c.Workers.RescueAfter <= c.Workers.JobTimeout {
		bad("workers.rescue_after", "%s must be longer than workers.job_timeout (%s)", c.Workers.RescueAfter, c.Workers.JobTimeout)
	}
	if c.Workers.RetryBackoff <= 0 {
		bad("workers.retry_backoff", "must be positive")
	}
	if c.Limits.MaxDocumentBytes <= 0 {
		bad("limits.max_document_bytes", "must be positive")
	}
	if c.Limits.MaxLines <= 0 {
		bad("limits.max_lines", "must be positive")
	}
	if c.Limits.MaxSheetRows <= 0 {
		bad("limits.max_sheet_rows", "must be positive")
	}
	if c.Limits.MaxZipExpansion <= 0 {
		bad("limits.max_zip_expansion", "must be positive")
	}
	if c.Limits.MaxSheetColumns <= 0 || c.Limits.MaxSheetColumns > 16384 {
		bad("limits.max_sheet_columns", "must be from 1 to 16384 (column XFD, the last a workbook has)")
	}
	if c.Limits.MaxCellBytes <= 0 || c.Limits.MaxCellBytes > 1<<30 {
		bad("limits.max_cell_bytes", "must be positive and at most 1GiB")
	}
	if c.Limits.MaxQuantity.Sign() <= 0 {
		bad("limits.max_quantity", "must be positive")
	}
	if c.Limits.MaxUnitPrice.Sign() <= 0 {
		bad("limits.max_unit_price", "must be positive")
	}
	if len(c.Matching.Currency) != 3 || strings.ToUpper(c.Matching.Currency) != c.Matching.Currency {
		bad("matching.currency", "%q is not an ISO 4217 code such as EUR", c.Matching.Currency)
	}
	if c.Desk.SLA < 0 || c.Desk.IdleTimeout < 0 || c.Desk.Lifetime < 0 {
		bad("desk", "sla, idle_timeout and session_lifetime must not be negative")
	}
	if c.Matching.ERPReportLag < 0 {
		bad("matching.erp_report_lag", "must not be negative")
	}
	if c.Matching.MaxLeadDays < 1 {
		bad("matching.max_lead_days", "must be at least 1")
	}
	if c.Matching.Timezone != "" {
		if _, err := time.LoadLocation(c.Matching.Timezone); err != nil {
			bad("matching.timezone", "%q is not a known time zone", c.Matching.Timezone)
		}
	}
	switch c.EDI.Contrl {
	case "requested", "always", "never":
	default:
		bad("edi.contrl", "%q is not requested, always or never", c.EDI.Contrl)
	}
	seen := map[string]bool{}
	for i, d := range c.Sources.FileDrop {
		key := fmt.Sprintf("sources.file_drop[%d]", i)
		if strings.TrimSpace(d.Dir) == "" {
			bad(key+".dir", "is required")
		}
		abs, _ := filepath.Abs(d.Dir)
		if seen[abs] {
			bad(key+".dir", "%q is watched twice", d.Dir)
		}
		seen[abs] = true
		if d.Rescan < 100*time.Millisecond {
			bad(key+".rescan", "%s is too short (at least 100ms)", d.Rescan)
		}
		if d.StableFor < 0 {
			bad(key+".stable_for", "must not be negative")
		}
	}
	c.validateMailboxes(bad)
	if c.Mail.Addr != "" {
		if err := c.Mail.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("config: %w", err))
		}
	}
	if c.ERP.Kind != "" {
		if err := c.ERP.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("config: %w", err))
		}
	}
	return errors.Join(errs...)
}

// Masked returns a copy with secrets replaced, for printing and logging.
func (c Config) Masked() Config {
	m := c
	m.DatabaseURL = maskURL(c.DatabaseURL)
	if m.Mail.Password != "" {
		m.Mail.Password = "xxxxx"
	}
	m.Sources.FileDrop = append([]FileDrop(nil), c.Sources.FileDrop...)
	m.Sources.Mailbox = append([]Mailbox(nil), c.Sources.Mailbox...)
	for i := range m.Sources.Mailbox {
		if m.Sources.Mailbox[i].Password != "" {
			m.Sources.Mailbox[i].Password = "xxxxx"
		}
		if m.Sources.Mailbox[i].OAuth2Token != "" {
			m.Sources.Mailbox[i].OAuth2Token = "xxxxx"
		}
	}
	return m
}

// YAML renders the masked configuration (`ordergate config`).
func (c Config) YAML() string {
	b, err := yaml.Marshal(c.Masked())
	if err != nil {
		return "# " + err.Error()
	}
	return string(b)
}

func maskURL(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "xxxxx"
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted() // the password becomes "xxxxx"
}

// ByteSize is a size in bytes that reads "25MB", "512KiB", "1GB" or a plain number.
type ByteSize int64

// UnmarshalYAML implements yaml.Unmarshaler.
func (s *ByteSize) UnmarshalYAML(n *yaml.Node) error {
	v, err := ParseByteSize(n.Value)
	if err != nil {
		return err // decodeYAML names the key
	}
	*s = v
	return nil
}

// MarshalYAML implements yaml.Marshaler.
func (s ByteSize) MarshalYAML() (any, error) { return s.String(), nil }

// String renders the size with the largest exact binary unit.
func (s ByteSize) String() string {
	for _, u := range []struct {
		n    int64
		name string
	}{{1 << 30, "GiB"}, {1 << 20, "MiB"}, {1 << 10, "KiB"}} {
		if int64(s) >= u.n && int64(s)%u.n == 0 {
			return fmt.Sprintf("%d%s", int64(s)/u.n, u.name)
		}
	}
	return strconv.FormatInt(int64(s), 10)
}

// ParseByteSize parses "25MB", "25MiB", "512k", "1048576". Decimal (KB, MB,
// GB) and binary (KiB, MiB, GiB) units are both accepted; K/M/G alone are binary.
func ParseByteSize(s string) (ByteSize, error) {
	t := strings.TrimSpace(strings.ToUpper(s))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{
		{"KIB", 1 << 10}, {"MIB", 1 << 20}, {"GIB", 1 << 30},
		{"KB", 1000}, {"MB", 1000 * 1000}, {"GB", 1000 * 1000 * 1000},
		{"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"B", 1},
	} {
		if strings.HasSuffix(t, u.suffix) {
			t = strings.TrimSpace(strings.TrimSuffix(t, u.suffix))
			mult = u.mult
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%q is not a size like 25MB", s)
	}
	return ByteSize(n * mult), nil
}
