package tiers

import "strings"

// ModelInfo is what the budget and request builder need to know about a
// model: how much it reads, how much it may write, and which Converse
// features it accepts.
type ModelInfo struct {
	// ContextWindow is the total input plus output tokens per call.
	ContextWindow int
	// MaxOutput is the largest maxTokens the model accepts.
	MaxOutput int
	// Tools says the model accepts toolConfig. Without it the JSON contract
	// of SPEC section 4 travels as plain text.
	Tools bool
	// ForcedToolChoice says toolChoice {"tool": {...}} is accepted.
	ForcedToolChoice bool
	// PromptCache says cachePoint blocks are accepted.
	PromptCache bool
	// MinCacheTokens is the shortest prefix the model caches; a cache point
	// in front of fewer tokens is silently ignored by the service, so the
	// request builder leaves it out.
	MinCacheTokens int
}

// modelTable holds the Bedrock base model IDs (no region prefix, no version
// suffix beyond the ID itself). Sources, checked November 2025: the Bedrock
// user guide pages "Supported models and model features" (tool use and tool
// choice per model), "Prompt caching" (supported models and minimum tokens
// per checkpoint) and the Nova and Anthropic model cards (context window and
// maximum output).
var modelTable = map[string]ModelInfo{
	// Nova accepts toolChoice tool/any/auto (Nova user guide, "Choosing a
	// tool") and caches prefixes of at least 1K tokens. 5K output is the
	// launch limit; it is the safe value to send as maxTokens.
	"amazon.nova-micro-v1:0": {ContextWindow: 128_000, MaxOutput: 5_000, Tools: true, ForcedToolChoice: true, PromptCache: true, MinCacheTokens: 1_000},
	"amazon.nova-lite-v1:0":  {ContextWindow: 300_000, MaxOutput: 5_000, Tools: true, ForcedToolChoice: true, PromptCache: true, MinCacheTokens: 1_000},
	"amazon.nova-pro-v1:0":   {ContextWindow: 300_000, MaxOutput: 5_000, Tools: true, ForcedToolChoice: true, PromptCache: true, MinCacheTokens: 1_000},

	// Claude accepts forced tool choice; the cache minimum differs by model.
	"anthropic.claude-3-5-haiku-20241022-v1:0":  {ContextWindow: 200_000, MaxOutput: 8_192, Tools: true, ForcedToolChoice: true, PromptCache: true, MinCacheTokens: 2_048},
	"anthropic.claude-3-7-sonnet-20250219-v1:0": {ContextWindow: 200_000, MaxOutput: 64_000, Tools: true, ForcedToolChoice: true, PromptCache: true, MinCacheTokens: 1_024},
	"anthropic.claude-sonnet-4-20250514-v1:0":   {ContextWindow: 200_000, MaxOutput: 64_000, Tools: true, ForcedToolChoice: true, PromptCache: true, MinCacheTokens: 1_024},
	"anthropic.claude-sonnet-4-5-20250929-v1:0": {ContextWindow: 200_000, MaxOutput: 64_000, Tools: true, ForcedToolChoice: true, PromptCache: true, MinCacheTokens: 1_024},
	"anthropic.claude-haiku-4-5-20251001-v1:0":  {ContextWindow: 200_000, MaxOutput: 64_000, Tools: true, ForcedToolChoice: true, PromptCache: true, MinCacheTokens: 4_096},

	// Models without Converse tool use: the JSON contract goes as text.
	"meta.llama3-8b-instruct-v1:0":     {ContextWindow: 8_000, MaxOutput: 2_048},
	"mistral.mistral-7b-instruct-v0:2": {ContextWindow: 32_000, MaxOutput: 8_192},
}

// unknownBedrockModel is assumed for IDs the table does not know, typically
// imported or provisioned models behind an ARN: a modest window and no tool
// use, since sending toolConfig to a model without it is a ValidationException
// while the text JSON path works everywhere.
var unknownBedrockModel = ModelInfo{ContextWindow: 32_000, MaxOutput: 4_096}

// unknownOpenAIModel is assumed for OpenAI-compatible servers (vLLM, Ollama,
// LiteLLM): they understand tools, but named tool_choice is optional in
// several of them, so the reply may come back as text and is parsed as such.
var unknownOpenAIModel = ModelInfo{ContextWindow: 32_000, MaxOutput: 4_096, Tools: true}

// regionPrefixes are the cross-region inference profile prefixes Bedrock puts
// in front of a base model ID ("us.amazon.nova-lite-v1:0").
var regionPrefixes = []string{"global.", "us-gov.", "us.", "eu.", "apac.", "jp.", "au.", "ca."}

// BaseModelID strips what Bedrock may wrap around a base model ID: an ARN
// ("arn:aws:bedrock:us-east-1::foundation-model/ID" or an inference-profile
// ARN) and a cross-region prefix ("us.", "eu.", "global."). It returns the
// base ID and the prefix that was found ("" for none).
func BaseModelID(id string) (base, prefix string) {
	id = strings.TrimSpace(id)
	if strings.HasPrefix(id, "arn:") {
		// The resource part follows the last "/": foundation-model/ID,
		// inference-profile/us.ID, application-inference-profile/xyz.
		if i := strings.LastIndex(id, "/"); i >= 0 {
			id = id[i+1:]
		}
	}
	for _, p := range regionPrefixes {
		if strings.HasPrefix(id, p) {
			return strings.TrimPrefix(id, p), strings.TrimSuffix(p, ".")
		}
	}
	return id, ""
}

// LookupModel returns the table entry for a model ID in any of its spellings
// and whether the table knows it. Unknown models get conservative defaults
// for the provider.
func LookupModel(provider, id string) (ModelInfo, bool) {
	base, _ := BaseModelID(id)
	if info, ok := modelTable[base]; ok {
		return info, true
	}
	if provider == ProviderOpenAI {
		return unknownOpenAIModel, false
	}
	return unknownBedrockModel, false
}
