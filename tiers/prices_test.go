package tiers

import (
	"math"
	"strings"
	"testing"
)

func TestCost(t *testing.T) {
	u := Usage{InputTokens: 10_000, OutputTokens: 2_000, CacheReadTokens: 50_000, CacheWriteTokens: 8_000}
	tests := []struct {
		model string
		want  float64
	}{
		// Nova Lite: 10000*0.06 + 2000*0.24 + 50000*0.015 + 8000*0 = 600 + 480 + 750 = 1830 per 1e6 -> 0.00183
		{"us.amazon.nova-lite-v1:0", 0.00183},
		{"amazon.nova-lite-v1:0", 0.00183},
		// Nova Pro: 10000*0.8 + 2000*3.2 + 50000*0.2 = 8000 + 6400 + 10000 = 24400 -> 0.0244
		{"eu.amazon.nova-pro-v1:0", 0.0244},
		// Claude 3.7 Sonnet: 10000*3 + 2000*15 + 50000*0.3 + 8000*3.75 = 30000+30000+15000+30000 = 105000 -> 0.105
		{"us.anthropic.claude-3-7-sonnet-20250219-v1:0", 0.105},
		// Claude Sonnet 4, no geo premium: same prices -> 0.105
		{"arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-20250514-v1:0", 0.105},
		// Claude Sonnet 4.5 global: 0.105; geographic "us." is 10% more: 0.1155
		{"global.anthropic.claude-sonnet-4-5-20250929-v1:0", 0.105},
		{"us.anthropic.claude-sonnet-4-5-20250929-v1:0", 0.1155},
		{"arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0", 0.1155},
	}
	for _, tt := range tests {
		t.Run(tt.model, func(t *testing.T) {
			got, note := Cost(tt.model, u)
			if math.Abs(got-tt.want) > 1e-9 || note != "" {
				t.Errorf("Cost = %.9f (%q), want %.9f", got, note, tt.want)
			}
		})
	}
}

func TestCostUnknownModel(t *testing.T) {
	got, note := Cost("my-finetune", Usage{InputTokens: 1_000_000})
	if got != 0 || !strings.Contains(note, `"my-finetune"`) {
		t.Errorf("Cost = %v, %q; want 0 and a note naming the model", got, note)
	}
}

func TestBaseModelID(t *testing.T) {
	tests := []struct{ in, base, prefix string }{
		{"us.amazon.nova-lite-v1:0", "amazon.nova-lite-v1:0", "us"},
		{"global.anthropic.claude-sonnet-4-5-20250929-v1:0", "anthropic.claude-sonnet-4-5-20250929-v1:0", "global"},
		{"apac.amazon.nova-pro-v1:0", "amazon.nova-pro-v1:0", "apac"},
		{"anthropic.claude-3-7-sonnet-20250219-v1:0", "anthropic.claude-3-7-sonnet-20250219-v1:0", ""},
		{"arn:aws:bedrock:eu-west-1:111122223333:inference-profile/eu.amazon.nova-lite-v1:0", "amazon.nova-lite-v1:0", "eu"},
		{"arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-micro-v1:0", "amazon.nova-micro-v1:0", ""},
	}
	for _, tt := range tests {
		base, prefix := BaseModelID(tt.in)
		if base != tt.base || prefix != tt.prefix {
			t.Errorf("BaseModelID(%q) = %q, %q; want %q, %q", tt.in, base, prefix, tt.base, tt.prefix)
		}
	}
}

func TestLookupModel(t *testing.T) {
	if info, ok := LookupModel(ProviderBedrock, "us.anthropic.claude-sonnet-4-5-20250929-v1:0"); !ok || !info.ForcedToolChoice || !info.PromptCache {
		t.Errorf("Sonnet 4.5 = %+v, %v", info, ok)
	}
	if info, ok := LookupModel(ProviderBedrock, "arn:aws:bedrock:us-east-1:1:imported-model/x"); ok || info.Tools {
		t.Errorf("imported model = %+v, %v; want unknown without tools", info, ok)
	}
	if info, _ := LookupModel(ProviderOpenAI, "llama3.1"); !info.Tools || info.ForcedToolChoice {
		t.Errorf("openai default = %+v; want tools without forced choice", info)
	}
}
