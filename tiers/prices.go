package tiers

import "fmt"

// Price is a model's on-demand price in US dollars per million tokens.
type Price struct {
	Input      float64
	Output     float64
	CacheRead  float64
	CacheWrite float64
	// GeoPremium marks models whose geographic ("us.", "eu.", ...) and
	// in-region endpoints cost 10% more than the "global." profile; the
	// table holds the global price.
	GeoPremium bool
}

// priceTable holds Amazon Bedrock on-demand prices, us-east-1, per million
// tokens, from the Bedrock pricing page (aws.amazon.com/bedrock/pricing)
// as read in November 2025. Nova bills no cache writes and cache reads at
// 25% of input; Anthropic bills cache writes (5-minute TTL) at 125% and
// reads at 10% of input. From Claude Sonnet 4.5 and Haiku 4.5 on, Bedrock
// lists the global cross-region price and charges 10% more for geographic
// and in-region endpoints ("approximately 10% savings on both input and
// output token pricing compared to geographic cross-Region inference":
// docs.aws.amazon.com/bedrock/latest/userguide/global-cross-region-inference.html,
// checked 2026-11-26).
var priceTable = map[string]Price{
	"amazon.nova-micro-v1:0": {Input: 0.035, Output: 0.14, CacheRead: 0.00875},
	"amazon.nova-lite-v1:0":  {Input: 0.06, Output: 0.24, CacheRead: 0.015},
	"amazon.nova-pro-v1:0":   {Input: 0.80, Output: 3.20, CacheRead: 0.20},

	"anthropic.claude-3-5-haiku-20241022-v1:0":  {Input: 0.80, Output: 4.00, CacheRead: 0.08, CacheWrite: 1.00},
	"anthropic.claude-3-7-sonnet-20250219-v1:0": {Input: 3.00, Output: 15.00, CacheRead: 0.30, CacheWrite: 3.75},
	"anthropic.claude-sonnet-4-20250514-v1:0":   {Input: 3.00, Output: 15.00, CacheRead: 0.30, CacheWrite: 3.75},
	"anthropic.claude-sonnet-4-5-20250929-v1:0": {Input: 3.00, Output: 15.00, CacheRead: 0.30, CacheWrite: 3.75, GeoPremium: true},
	"anthropic.claude-haiku-4-5-20251001-v1:0":  {Input: 1.00, Output: 5.00, CacheRead: 0.10, CacheWrite: 1.25, GeoPremium: true},

	"meta.llama3-8b-instruct-v1:0":     {Input: 0.30, Output: 0.60},
	"mistral.mistral-7b-instruct-v0:2": {Input: 0.15, Output: 0.20},
}

// geoPremium is the surcharge of geographic and in-region endpoints over the
// global profile for models marked GeoPremium.
const geoPremium = 1.10

// PriceFor returns the price of a model ID in any spelling (bare, with a
// region prefix, or as an ARN) and whether it is known.
func PriceFor(id string) (Price, bool) {
	base, prefix := BaseModelID(id)
	p, ok := priceTable[base]
	if !ok {
		return Price{}, false
	}
	if p.GeoPremium && prefix != "global" {
		p.Input *= geoPremium
		p.Output *= geoPremium
		p.CacheRead *= geoPremium
		p.CacheWrite *= geoPremium
	}
	return p, true
}

// Cost prices one usage record for a model. An unknown model costs 0 and
// the returned note says so, so a run on a self-hosted or new model still
// completes and the report is honest about the missing price.
func Cost(model string, u Usage) (usd float64, note string) {
	p, ok := PriceFor(model)
	if !ok {
		return 0, fmt.Sprintf("no price known for model %q: cost reported as 0", model)
	}
	const perToken = 1e-6 // prices are per million tokens
	usd = float64(u.InputTokens)*p.Input*perToken +
		float64(u.OutputTokens)*p.Output*perToken +
		float64(u.CacheReadTokens)*p.CacheRead*perToken +
		float64(u.CacheWriteTokens)*p.CacheWrite*perToken
	return usd, ""
}

// Add sums another usage record into u.
func (u *Usage) Add(o Usage) {
	u.Calls += o.Calls
	u.InputTokens += o.InputTokens
	u.OutputTokens += o.OutputTokens
	u.CacheReadTokens += o.CacheReadTokens
	u.CacheWriteTokens += o.CacheWriteTokens
	u.CostUSD += o.CostUSD
	u.Estimated = u.Estimated || o.Estimated
}
