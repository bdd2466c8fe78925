package erp

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func TestValidateNamesKeys(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		cfg  Config
		want []string // substrings of the error; nil means valid
	}{
		{Config{}, []string{"erp.kind is required"}},
		{Config{Kind: "sap"}, []string{`erp.kind "sap"`}},
		{Config{Kind: KindWebhook}, []string{"erp.webhook.url is required", "erp.webhook.secret is required"}},
		{Config{Kind: KindWebhook, Webhook: WebhookConfig{URL: "ftp://x", Secret: "s", LookupURL: "nope"}},
			[]string{`erp.webhook.url "ftp://x"`, `erp.webhook.lookup_url "nope"`}},
		{Config{Kind: KindWebhook, Webhook: WebhookConfig{URL: "https://erp.example.com/hook", Secret: "s"}}, nil},
		{Config{Kind: KindBusinessCentral, BusinessCentral: BusinessCentralConfig{TenantID: "t"}},
			[]string{"erp.business_central.environment", "erp.business_central.company_id",
				"erp.business_central.client_id", "erp.business_central.client_secret"}},
		{Config{Kind: KindVisma, Visma: VismaConfig{ClientID: "c", ClientSecret: "s", BaseURL: "x"}},
			[]string{"erp.visma.tenant_id is required", `erp.visma.base_url "x"`}},
		{Config{Kind: KindVisma, Visma: VismaConfig{ClientID: "c", ClientSecret: "s", TenantID: "t", Units: map[string]string{"CT": " "}}},
			[]string{`erp.visma.units: "CT"`}},
		{Config{Kind: KindFile, File: FileConfig{Dir: dir, Format: "xml"}}, []string{`erp.file.format "xml"`}},
		{Config{Kind: KindFile, File: FileConfig{Dir: dir, Format: "edifact"}}, []string{"erp.file.sender", "erp.file.recipient"}},
		{Config{Kind: KindFile, File: FileConfig{Dir: dir + "/missing", Format: "csv"}}, []string{"erp.file.dir"}},
		{Config{Kind: KindFile, File: FileConfig{Dir: dir, Format: "csv"}}, nil},
	}
	for _, tt := range tests {
		err := tt.cfg.Validate()
		if tt.want == nil {
			if err != nil {
				t.Errorf("Validate(%s) = %v, want nil", tt.cfg, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("Validate(%s) = nil, want %v", tt.cfg, tt.want)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("Validate(%s) = %q, want it to mention %q", tt.cfg, err, w)
			}
		}
		if _, nerr := New(tt.cfg, nil, nil); nerr == nil {
			t.Errorf("New accepted an invalid config %s", tt.cfg)
		}
	}
}

func TestConfigMasksSecrets(t *testing.T) {
	cfg := Config{Kind: KindBusinessCentral, BusinessCentral: BusinessCentralConfig{
		TenantID: "t", Environment: "production", CompanyID: "c", ClientID: "id", ClientSecret: "hunter2"}}
	j, _ := json.Marshal(cfg)
	for _, s := range []string{cfg.String(), fmt.Sprintf("%v", cfg), fmt.Sprintf("%+v", cfg.BusinessCentral),
		fmt.Sprintf("%#v", cfg.BusinessCentral), string(j)} {
		if strings.Contains(s, "hunter2") {
			t.Errorf("secret leaked: %s", s)
		}
	}
	var back Config
	if err := json.Unmarshal([]byte(`{"kind":"webhook","webhook":{"url":"https://x","secret":"hunter2"}}`), &back); err != nil ||
		back.Webhook.Secret.Reveal() != "hunter2" {
		t.Errorf("decoding a secret: %v, %q", err, back.Webhook.Secret.Reveal())
	}
}
