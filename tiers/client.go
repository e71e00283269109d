package tiers

import "context"

// newClient builds the provider's chat client from a configuration that
// has its defaults applied, as NewEngine does; the baseline reviewer and
// the judge use it to reach the same provider with their own prompts.
func newClient(ctx context.Context, cfg Config) (Model, error) {
	if cfg.Provider == ProviderOpenAI {
		return newOpenAIModel(cfg)
	}
	return newBedrockModel(ctx, cfg)
}
