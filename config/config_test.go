package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func writeFile(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "ordergate.yaml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadFileAndEnv(t *testing.T) {
	p := writeFile(t, `
database_url: postgres://og:secret@db:5432/og
http:
  addr: 0.0.0.0:9000
limits:
  max_document_bytes: 10MB
  max_quantity: 50000
sources:
  file_drop:
    - dir: /srv/edi/in
      stable_for: 5s
mail:
  addr: smtp.example.com:587
  username: orders
  password: mailsecret
  from: orders@supplier.example
erp:
  kind: webhook
  webhook:
    url: https://erp.example.com/orders
    secret: whsec-topsecret
`)
	cfg, err := Load(p, env(map[string]string{"ORDERGATE_ADDR": "127.0.0.1:7000", "ORDERGATE_WORKERS": "3"}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.HTTP.Addr != "127.0.0.1:7000" {
		t.Errorf("env must override the file: addr = %q", cfg.HTTP.Addr)
	}
	if cfg.Workers.Pipeline != 3 {
		t.Errorf("workers = %d", cfg.Workers.Pipeline)
	}
	if cfg.Limits.MaxDocumentBytes != 10_000_000 {
		t.Errorf("max_document_bytes = %d", cfg.Limits.MaxDocumentBytes)
	}
	if cfg.Limits.MaxQuantity.String() != "50000" || cfg.Limits.MaxUnitPrice.String() != "1000000000" {
		t.Errorf("max_quantity = %s, max_unit_price = %s", cfg.Limits.MaxQuantity, cfg.Limits.MaxUnitPrice)
	}
	d := cfg.Sources.FileDrop[0]
	if d.StableFor != 5*time.Second || d.Rescan != 10*time.Second {
		t.Errorf("file drop durations = %v, %v", d.StableFor, d.Rescan)
	}
	out := cfg.YAML()
	if cfg.ERP.Webhook.Secret.Reveal() != "whsec-topsecret" {
		t.Errorf("erp secret not loaded")
	}
	if strings.Contains(out, "secret@") || strings.Contains(out, "topsecret") || strings.Contains(out, "mailsecret") || !strings.Contains(out, "xxxxx") {
		t.Errorf("secrets must be masked:\n%s", out)
	}
}

func TestLoadErrorsNameTheKey(t *testing.T) {
	cases := []struct {
		name, yaml string
		env        map[string]string
		want       []string
	}{
		{"unknown key", "htp:\n  addr: x\n", nil, []string{"htp: unknown key (did you mean http?)"}},
		{"bad addr", "http:\n  addr: nope\n", nil, []string{"http.addr"}},
		{"bad level and workers", "log:\n  level: loud\nworkers:\n  pipeline: 0\n", nil, []string{"log.level", "workers.pipeline"}},
		{"bad size", "limits:\n  max_document_bytes: lots\n", nil, []string{"lots", "25MB"}},
		{"bad bounds", "limits:\n  max_quantity: 0\n  max_unit_price: -5\n", nil, []string{"limits.max_quantity", "limits.max_unit_price"}},
		{"bound not a number", "limits:\n  max_quantity: 1e9\n", nil, []string{"1e9", "not a number"}},
		{"drop without dir", "sources:\n  file_drop:\n    - rescan: 1s\n", nil, []string{"sources.file_drop[0].dir"}},
		{"bad database url", "", map[string]string{"DATABASE_URL": "mysql://x"}, []string{"database_url"}},
		{"erp without url", "erp:\n  kind: webhook\n", nil, []string{"erp.webhook.url"}},
		{"rescue before timeout", "workers:\n  job_timeout: 5m\n", nil, []string{"workers.rescue_after"}},
		{"bad mail", "mail:\n  addr: smtp.example.com\n", nil, []string{"mail.addr", "mail.from"}},
		{"bad env number", "", map[string]string{"ORDERGATE_WORKERS": "many"}, []string{"ORDERGATE_WORKERS"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(writeFile(t, tc.yaml), env(tc.env))
			if err == nil {
				t.Fatal("want an error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

// TestLoadReportsEveryProblemAtOnce: a file with several mistakes gets one
// answer listing each, by its key, in words (before, decoding stopped at the
// first and named a YAML line or a Go type: "field adr not found in type
// config.HTTP").
func TestLoadReportsEveryProblemAtOnce(t *testing.T) {
	yaml := `http:
  adr: 127.0.0.1:9000
  shutdown_timeout: soon
workers:
  pipeline: many
limits:
  max_document_bytes: lots
log:
  level: loud
  level: louder
sources:
  file_drop:
    - dir: /srv/drop
      rescan: 1q
      partnr: ACME
erp:
  kind: visma
  visma:
    units: [PCE]
`
	_, err := Load(writeFile(t, yaml), env(nil))
	if err == nil {
		t.Fatal("want an error")
	}
	msg := err.Error()
	for _, want := range []string{
		"http.adr: unknown key (did you mean http.addr?)",
		`http.shutdown_timeout: "soon" is not a duration (write it like 500ms, 10s or 2m)`,
		`workers.pipeline: "many" is not a whole number`,
		`limits.max_document_bytes: "lots" is not a size like 25MB`,
		"log.level: appears twice (lines 9 and 10)",
		`sources.file_drop[0].rescan: "1q" is not a duration`,
		"sources.file_drop[0].partnr: unknown key (did you mean sources.file_drop[0].partner?)",
		"erp.visma.units: must hold pairs such as {PCE: PCS}, not a list",
		`log.level: "loud" is not one of debug, info, warn, error`,
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("the error does not say %q:\n%s", want, msg)
		}
	}
	for _, internal := range []string{"config.HTTP", "type ", "!!str", "unmarshal"} {
		if strings.Contains(msg, internal) {
			t.Errorf("the error shows Go or YAML internals (%q):\n%s", internal, msg)
		}
	}
}

func TestParseByteSize(t *testing.T) {
	for in, want := range map[string]ByteSize{"25MB": 25_000_000, "1MiB": 1 << 20, "512k": 512 << 10, "100": 100, "2 GiB": 2 << 30} {
		got, err := ParseByteSize(in)
		if err != nil || got != want {
			t.Errorf("ParseByteSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	if _, err := ParseByteSize("-1"); err == nil {
		t.Error("negative size accepted")
	}
}
