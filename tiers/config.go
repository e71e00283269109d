package tiers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
)

// Providers accepted in Config.Provider and REVIEWBOT_PROVIDER.
const (
	ProviderBedrock = "bedrock"
	ProviderOpenAI  = "openai"
)

// Defaults from SPEC section 2.
const (
	DefaultCheapModel     = "us.amazon.nova-lite-v1:0"
	DefaultPremiumModel   = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
	DefaultMaxConcurrency = 4
)

// ErrUpstream marks a model failure that survived retries and the fallback
// model; the CLI maps it to exit code 3.
var ErrUpstream = errors.New("model upstream failure")

// ErrConfig marks a configuration the tiers cannot work with (unknown
// provider, missing credentials); the CLI maps it to exit code 2.
var ErrConfig = errors.New("model configuration error")

// Config selects provider and models; zero values mean SPEC defaults.
type Config struct {
	Provider      string // "bedrock" (default) or "openai"
	CheapModel    string // default "us.amazon.nova-lite-v1:0"
	PremiumModel  string // default "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
	FallbackModel string // optional fallback model / inference profile for premium (and cheap) calls

	// Region is the Bedrock region; "" leaves it to the SDK's chain
	// (AWS_REGION, the profile). The Action's aws-region input sets it.
	Region string

	OpenAIBaseURL string // e.g. http://localhost:11434/v1 (Ollama) or http://vllm:8000
	OpenAIAPIKey  string // sent as a bearer token when set

	MaxConcurrency int          // concurrent chunk calls per model, default 4
	HTTPClient     *http.Client // optional, for tests
	Logger         *slog.Logger // optional; nil discards

	// Models adds or overrides model table entries, keyed by the model ID
	// exactly as configured (an imported model's ARN, a local model name).
	Models map[string]ModelInfo

	// MaxAttempts is the SDK retryer's attempt count per call, default 5.
	MaxAttempts int
	// RetryBaseDelay and RetryMaxBackoff shape the jittered exponential
	// backoff between attempts; defaults 500ms and 20s. Tests make them tiny.
	RetryBaseDelay  time.Duration
	RetryMaxBackoff time.Duration
	// CallTimeout, when set, replaces the per-call timeout that is otherwise
	// sized from the call's maximum output tokens.
	CallTimeout time.Duration
	// ChunkTokens, when set, caps the diff tokens per call below what the
	// model window allows; by default summaries use up to 100K tokens per
	// call and premium reviews 30K, because findings get thinner when one
	// call has to cover too much code.
	ChunkTokens int
}

// ConfigFromEnv reads the REVIEWBOT_* model variables of SPEC section 2.
// AWS settings are left to the SDK's own environment handling.
func ConfigFromEnv(getenv func(string) string) Config {
	get := func(k string) string { return strings.TrimSpace(getenv(k)) }
	return Config{
		Provider:      strings.ToLower(get("REVIEWBOT_PROVIDER")),
		CheapModel:    get("REVIEWBOT_CHEAP_MODEL"),
		PremiumModel:  get("REVIEWBOT_PREMIUM_MODEL"),
		FallbackModel: get("REVIEWBOT_FALLBACK_MODEL"),
		OpenAIBaseURL: get("REVIEWBOT_OPENAI_BASE_URL"),
		OpenAIAPIKey:  get("REVIEWBOT_OPENAI_API_KEY"),
	}
}

// withDefaults fills the zero values with SPEC defaults.
func (c Config) withDefaults() Config {
	if c.Provider == "" {
		c.Provider = ProviderBedrock
	}
	// The default model IDs are Bedrock's; another provider's server
	// must be told its own model names, never sent Bedrock IDs.
	if c.Provider == ProviderBedrock {
		if c.CheapModel == "" {
			c.CheapModel = DefaultCheapModel
		}
		if c.PremiumModel == "" {
			c.PremiumModel = DefaultPremiumModel
		}
	}
	if c.MaxConcurrency <= 0 {
		c.MaxConcurrency = DefaultMaxConcurrency
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = 5
	}
	if c.RetryBaseDelay <= 0 {
		c.RetryBaseDelay = 500 * time.Millisecond
	}
	if c.RetryMaxBackoff <= 0 {
		c.RetryMaxBackoff = 20 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// validate reports a provider the package does not know.
func (c Config) validate() error {
	switch c.Provider {
	case ProviderBedrock, ProviderOpenAI:
		return nil
	}
	return fmt.Errorf("%w: unknown REVIEWBOT_PROVIDER %q: use %q or %q", ErrConfig, c.Provider, ProviderBedrock, ProviderOpenAI)
}

// modelNamed reports a tier whose model is not configured: only possible
// for providers without defaults (openai), where the error says which
// variable names the model.
func (c Config) modelNamed(t Tier) error {
	if c.CheapModel == "" {
		return fmt.Errorf("%w: REVIEWBOT_PROVIDER=%s has no default models: set REVIEWBOT_CHEAP_MODEL (and REVIEWBOT_PREMIUM_MODEL for the team tier) to model names your server serves, e.g. qwen2.5-coder:7b", ErrConfig, c.Provider)
	}
	if t == Team && c.PremiumModel == "" {
		return fmt.Errorf("%w: the team tier on REVIEWBOT_PROVIDER=%s needs REVIEWBOT_PREMIUM_MODEL, a model name your server serves; or use --tier free", ErrConfig, c.Provider)
	}
	return nil
}

// model returns the table entry for a configured model ID, with the
// configuration's own entries taking precedence.
func (c Config) model(id string) ModelInfo {
	if info, ok := c.Models[id]; ok {
		return info
	}
	info, _ := LookupModel(c.Provider, id)
	return info
}

// credentialsTimeout bounds the credential probe: the SDK chain may end in
// an instance-metadata lookup that hangs off EC2.
const credentialsTimeout = 5 * time.Second

// CredentialsAvailable reports whether a real run can reach a model without
// failing on credentials: for bedrock, whether the default AWS SDK chain
// yields credentials (environment, shared config or profile, SSO, web
// identity, container or instance roles) and a region; for openai, whether
// a base URL is set. On failure the error, wrapping ErrConfig, says exactly
// what to configure.
func CredentialsAvailable(ctx context.Context, cfg Config) error {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return err
	}
	if cfg.Provider == ProviderOpenAI {
		if cfg.OpenAIBaseURL == "" {
			return fmt.Errorf("%w: REVIEWBOT_PROVIDER=openai needs REVIEWBOT_OPENAI_BASE_URL (for example http://localhost:11434/v1) and, if the server wants one, REVIEWBOT_OPENAI_API_KEY; or run with --dry-run", ErrConfig)
		}
		return cfg.modelNamed(Free)
	}
	ctx, cancel := context.WithTimeout(ctx, credentialsTimeout)
	defer cancel()
	opts := []func(*config.LoadOptions) error{config.WithLogger(sdkLogger{cfg.Logger})}
	if cfg.Region != "" {
		opts = append(opts, config.WithRegion(cfg.Region))
	}
	awsCfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return fmt.Errorf("%w: load AWS configuration: %v: check AWS_PROFILE and ~/.aws/config, or run with --dry-run", ErrConfig, err)
	}
	if awsCfg.Region == "" {
		return fmt.Errorf("%w: no AWS region for Bedrock: set AWS_REGION (for example us-east-1) or a region in your AWS profile, or run with --dry-run", ErrConfig)
	}
	const howTo = "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (plus AWS_SESSION_TOKEN for temporary keys), or AWS_PROFILE for a shared-config or SSO profile (after `aws sso login`), or AWS_ROLE_ARN with AWS_WEB_IDENTITY_TOKEN_FILE; or run with --dry-run"
	if awsCfg.Credentials == nil {
		return fmt.Errorf("%w: no AWS credentials for Bedrock: %s", ErrConfig, howTo)
	}
	creds, err := awsCfg.Credentials.Retrieve(ctx)
	if err != nil {
		return fmt.Errorf("%w: no AWS credentials for Bedrock (%v): %s", ErrConfig, err, howTo)
	}
	if !creds.HasKeys() {
		return fmt.Errorf("%w: AWS credentials for Bedrock are empty: %s", ErrConfig, howTo)
	}
	return nil
}

// ParseTier parses "free", "team" or "auto" (any case).
func ParseTier(s string) (Tier, error) {
	switch t := Tier(strings.ToLower(strings.TrimSpace(s))); t {
	case Free, Team, Auto:
		return t, nil
	}
	return "", fmt.Errorf("%w: unknown tier %q: use free, team or auto", ErrConfig, s)
}
