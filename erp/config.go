package erp

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"time"
)

// Connector kinds accepted in Config.Kind.
const (
	KindWebhook         = "webhook"
	KindBusinessCentral = "businesscentral"
	KindVisma           = "visma"
	KindFile            = "file"
)

// Secret is a credential from the configuration. It prints, logs and
// marshals as "***" so a config dump never shows it; Reveal returns the
// value.
type Secret string

// Reveal returns the secret's value.
func (s Secret) Reveal() string { return string(s) }

// String masks the secret.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return "***"
}

// GoString masks the secret for %#v.
func (s Secret) GoString() string { return `"` + s.String() + `"` }

// LogValue masks the secret in slog output.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MarshalText masks the secret in JSON, YAML and TOML output. Decoding is
// unaffected (Secret has no UnmarshalText, so it decodes as a string).
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Config selects and configures the ERP connector: the [erp] section of the
// config file. Keys in validation errors are written as they appear in the
// file, prefixed "erp.".
type Config struct {
	// Kind is "webhook", "businesscentral", "visma" or "file".
	Kind string `json:"kind" yaml:"kind" toml:"kind"`
	// Timeout bounds one request to the ERP, token requests included
	// (default 30s); ConnectTimeout bounds opening its connection (default
	// 10s). A request cut off by the timeout is an unclear attempt: the
	// next one looks the order up before it posts.
	Timeout         time.Duration         `json:"timeout,omitempty" yaml:"timeout" toml:"timeout"`
	ConnectTimeout  time.Duration         `json:"connect_timeout,omitempty" yaml:"connect_timeout" toml:"connect_timeout"`
	Webhook         WebhookConfig         `json:"webhook,omitzero" yaml:"webhook" toml:"webhook"`
	BusinessCentral BusinessCentralConfig `json:"business_central,omitzero" yaml:"business_central" toml:"business_central"`
	Visma           VismaConfig           `json:"visma,omitzero" yaml:"visma" toml:"visma"`
	File            FileConfig            `json:"file,omitzero" yaml:"file" toml:"file"`
}

// WebhookConfig configures the webhook connector (see [NewWebhook]).
type WebhookConfig struct {
	// URL receives the POST of every approved order (https in production).
	URL string `json:"url" yaml:"url" toml:"url"`
	// Secret signs every request (see package erp/webhook).
	Secret Secret `json:"secret" yaml:"secret" toml:"secret"`
	// LookupURL, optional, is a URL template for GET look-ups of an order
	// already received; placeholders {order_id}, {idempotency_key},
	// {po_number} and {customer_number} are replaced by URL-escaped values.
	// The receiver answers 200 (optionally {"id","number"}) or 404. Without
	// it Lookup always reports "not found" and the receiver must deduplicate
	// by the Idempotency-Key header.
	LookupURL string `json:"lookup_url,omitempty" yaml:"lookup_url" toml:"lookup_url"`
}

// BusinessCentralConfig configures the Microsoft Dynamics 365 Business
// Central connector (see [NewBusinessCentral]).
type BusinessCentralConfig struct {
	TenantID     string `json:"tenant_id" yaml:"tenant_id" toml:"tenant_id"`       // Microsoft Entra tenant (GUID or domain)
	Environment  string `json:"environment" yaml:"environment" toml:"environment"` // e.g. "production", "sandbox"
	CompanyID    string `json:"company_id" yaml:"company_id" toml:"company_id"`    // company GUID (GET .../companies)
	ClientID     string `json:"client_id" yaml:"client_id" toml:"client_id"`       // app registration id
	ClientSecret Secret `json:"client_secret" yaml:"client_secret" toml:"client_secret"`
	// BaseURL defaults to https://api.businesscentral.dynamics.com.
	BaseURL string `json:"base_url,omitempty" yaml:"base_url" toml:"base_url"`
	// TokenURL defaults to
	// https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token; {tenant}
	// is replaced by TenantID.
	TokenURL string `json:"token_url,omitempty" yaml:"token_url" toml:"token_url"`
	// Scope defaults to https://api.businesscentral.dynamics.com/.default.
	Scope string `json:"scope,omitempty" yaml:"scope" toml:"scope"`
	// Units maps our unit codes (UN/ECE Rec 20 as master data normalises
	// them: PCE, CT, KGM, ...) to the company's unit of measure codes, e.g.
	// {PCE: PCS, CT: BOX}. Every line is sent with its unit. A code without
	// an entry goes out as the company's unit whose international standard
	// code it is (read from unitsOfMeasure), else as it is. A unit Business
	// Central does not know for the item makes it refuse the order, which
	// then waits in review with its message.
	Units map[string]string `json:"units,omitempty" yaml:"units" toml:"units"`
}

// VismaConfig configures the Visma.net ERP connector (see [NewVisma]).
type VismaConfig struct {
	// BaseURL defaults to https://integration.visma.net/API; requests go to
	// {BaseURL}/controller/api/v1/salesorder.
	BaseURL string `json:"base_url,omitempty" yaml:"base_url" toml:"base_url"`
	// TokenURL defaults to https://connect.visma.com/connect/token (Visma
	// Connect).
	TokenURL     string `json:"token_url,omitempty" yaml:"token_url" toml:"token_url"`
	ClientID     string `json:"client_id" yaml:"client_id" toml:"client_id"`
	ClientSecret Secret `json:"client_secret" yaml:"client_secret" toml:"client_secret"`
	// TenantID is the Visma.net company's tenant id. Visma Connect service
	// applications send it as the tenant_id parameter of the token request,
	// which binds the token to the company.
	TenantID string `json:"tenant_id" yaml:"tenant_id" toml:"tenant_id"`
	// TenantHeader, optional, also sends TenantID in this header on every
	// API request: "ipp-company-id" for integrations that select the
	// company per request, "tenantId" for gateways that expect that name.
	// Empty sends no header (the token alone selects the company).
	TenantHeader string `json:"tenant_header,omitempty" yaml:"tenant_header" toml:"tenant_header"`
	// Scope defaults to
	// "vismanet_erp_service_api:create vismanet_erp_service_api:read".
	Scope string `json:"scope,omitempty" yaml:"scope" toml:"scope"`
	// OrderType defaults to "SO".
	OrderType string `json:"order_type,omitempty" yaml:"order_type" toml:"order_type"`
	// Units maps our unit codes (UN/ECE Rec 20 as master data normalises
	// them: PCE, CT, KGM, ...) to the ERP's unit codes, e.g. {PCE: PCS,
	// CT: BOX}. Every line is sent with its unit; a code without an entry
	// is sent as it is. An ERP that does not know the unit for the item
	// refuses the order, which then waits in review with the ERP's message.
	Units map[string]string `json:"units,omitempty" yaml:"units" toml:"units"`
}

// FileConfig configures the file export connector (see [NewFileExport]).
type FileConfig struct {
	// Dir is the outbound folder the ERP's importer reads. It must exist.
	Dir string `json:"dir" yaml:"dir" toml:"dir"`
	// Format is "json", "csv" or "edifact" (EANCOM D96A ORDERS, one
	// interchange per order, with our SKUs and agreed prices).
	Format string `json:"format" yaml:"format" toml:"format"`
	// Sender and Recipient are the UNB identities (GLN, qualifier 14) of
	// the edifact format: ours and the ERP's.
	Sender    string `json:"sender,omitempty" yaml:"sender" toml:"sender"`
	Recipient string `json:"recipient,omitempty" yaml:"recipient" toml:"recipient"`
}

// Defaults for the connectors.
const (
	DefaultBusinessCentralBaseURL  = "https://api.businesscentral.dynamics.com"
	DefaultBusinessCentralTokenURL = "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token"
	DefaultBusinessCentralScope    = "https://api.businesscentral.dynamics.com/.default"
	DefaultVismaBaseURL            = "https://integration.visma.net/API"
	DefaultVismaTokenURL           = "https://connect.visma.com/connect/token"
	DefaultVismaScope              = "vismanet_erp_service_api:create vismanet_erp_service_api:read"
	DefaultVismaOrderType          = "SO"
)

// unitsText prints a unit mapping in a stable order, " units=CT:BOX,PCE:PCS".
func unitsText(m map[string]string) string {
	if len(m) == 0 {
		return ""
	}
	var parts []string
	for k, v := range m {
		parts = append(parts, k+":"+v)
	}
	sort.Strings(parts)
	return " units=" + strings.Join(parts, ",")
}

// String prints the configuration of the selected kind with secrets masked.
func (c Config) String() string {
	switch c.Kind {
	case KindWebhook:
		return fmt.Sprintf("erp webhook url=%s secret=%s lookup_url=%s",
			c.Webhook.URL, c.Webhook.Secret, c.Webhook.LookupURL)
	case KindBusinessCentral:
		b := c.BusinessCentral
		return fmt.Sprintf("erp businesscentral tenant_id=%s environment=%s company_id=%s client_id=%s client_secret=%s base_url=%s token_url=%s scope=%s",
			b.TenantID, b.Environment, b.CompanyID, b.ClientID, b.ClientSecret, b.BaseURL, b.TokenURL, b.Scope) + unitsText(b.Units)
	case KindVisma:
		v := c.Visma
		return fmt.Sprintf("erp visma base_url=%s token_url=%s client_id=%s client_secret=%s tenant_id=%s tenant_header=%s scope=%s order_type=%s",
			v.BaseURL, v.TokenURL, v.ClientID, v.ClientSecret, v.TenantID, v.TenantHeader, v.Scope, v.OrderType) + unitsText(v.Units)
	case KindFile:
		return fmt.Sprintf("erp file dir=%s format=%s", c.File.Dir, c.File.Format)
	}
	return fmt.Sprintf("erp kind=%q", c.Kind)
}

// Validate checks the configuration of the selected kind and returns every
// problem, each naming its key.
func (c Config) Validate() error {
	var errs []error
	if c.Timeout < 0 {
		errs = append(errs, fmt.Errorf("erp: erp.timeout %s must not be negative", c.Timeout))
	}
	if c.ConnectTimeout < 0 {
		errs = append(errs, fmt.Errorf("erp: erp.connect_timeout %s must not be negative", c.ConnectTimeout))
	}
	req := func(key, v string) {
		if strings.TrimSpace(v) == "" {
			errs = append(errs, fmt.Errorf("erp: erp.%s is required", key))
		}
	}
	isURL := func(key, v string) {
		if v == "" {
			return
		}
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("erp: erp.%s %q is not an http(s) URL", key, v))
		}
	}
	units := func(key string, m map[string]string) {
		for k, v := range m {
			if strings.TrimSpace(k) == "" || strings.TrimSpace(v) == "" {
				errs = append(errs, fmt.Errorf("erp: erp.%s: %q: %q needs a unit code on both sides", key, k, v))
			}
		}
	}
	switch c.Kind {
	case KindWebhook:
		w := c.Webhook
		req("webhook.url", w.URL)
		isURL("webhook.url", w.URL)
		req("webhook.secret", string(w.Secret))
		isURL("webhook.lookup_url", w.LookupURL)
	case KindBusinessCentral:
		b := c.BusinessCentral
		req("business_central.tenant_id", b.TenantID)
		req("business_central.environment", b.Environment)
		req("business_central.company_id", b.CompanyID)
		req("business_central.client_id", b.ClientID)
		req("business_central.client_secret", string(b.ClientSecret))
		isURL("business_central.base_url", b.BaseURL)
		isURL("business_central.token_url", b.TokenURL)
		units("business_central.units", b.Units)
	case KindVisma:
		v := c.Visma
		req("visma.client_id", v.ClientID)
		req("visma.client_secret", string(v.ClientSecret))
		req("visma.tenant_id", v.TenantID)
		isURL("visma.base_url", v.BaseURL)
		isURL("visma.token_url", v.TokenURL)
		units("visma.units", v.Units)
	case KindFile:
		f := c.File
		req("file.dir", f.Dir)
		if f.Dir != "" {
			if fi, err := os.Stat(f.Dir); err != nil {
				errs = append(errs, fmt.Errorf("erp: erp.file.dir %q: %w", f.Dir, err))
			} else if !fi.IsDir() {
				errs = append(errs, fmt.Errorf("erp: erp.file.dir %q is not a directory", f.Dir))
			}
		}
		if f.Format == "edifact" {
			req("file.sender", f.Sender)
			req("file.recipient", f.Recipient)
		}
		if f.Format != "json" && f.Format != "csv" && f.Format != "edifact" {
			errs = append(errs, fmt.Errorf("erp: erp.file.format %q is not supported (want json, csv or edifact)", f.Format))
		}
	case "":
		errs = append(errs, errors.New("erp: erp.kind is required (webhook, businesscentral, visma or file)"))
	default:
		errs = append(errs, fmt.Errorf("erp: erp.kind %q is not one of webhook, businesscentral, visma, file", c.Kind))
	}
	return errors.Join(errs...)
}

// Default request timeouts towards the ERP (Config.Timeout, ConnectTimeout).
const (
	DefaultTimeout        = 30 * time.Second
	DefaultConnectTimeout = 10 * time.Second
)

// RequestTimeout is Timeout or its default.
func (c Config) RequestTimeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return DefaultTimeout
}

// HTTPClient returns the client New should use for cfg: requests bounded by
// RequestTimeout, connections by ConnectTimeout.
func (c Config) HTTPClient() *http.Client {
	connect := c.ConnectTimeout
	if connect <= 0 {
		connect = DefaultConnectTimeout
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DialContext = (&net.Dialer{Timeout: connect, KeepAlive: 30 * time.Second}).DialContext
	tr.TLSHandshakeTimeout = connect
	return &http.Client{Timeout: c.RequestTimeout(), Transport: tr}
}

// New validates cfg and builds its connector. client is used for every
// request, including token requests; its Timeout bounds one attempt (nil
// means a client with a 30 second timeout). logger may be nil.
func New(cfg Config, client *http.Client, logger *slog.Logger) (Connector, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	switch cfg.Kind {
	case KindWebhook:
		return NewWebhook(cfg.Webhook, client, logger), nil
	case KindBusinessCentral:
		return NewBusinessCentral(cfg.BusinessCentral, client, logger), nil
	case KindVisma:
		return NewVisma(cfg.Visma, client, logger), nil
	default: // KindFile; Validate rejected everything else
		return NewFileExport(cfg.File, logger), nil
	}
}
