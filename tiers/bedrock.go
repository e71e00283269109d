package tiers

import (
	"log/slog"

	"context"
	"encoding/json"
	"fmt"
	"github.com/aws/smithy-go/logging"
	"math/rand/v2"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime/document"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime/types"
)

// converser is the one method of the SDK client this package uses; the
// tests keep the real client and fake the endpoint behind it instead.
type converser interface {
	Converse(ctx context.Context, in *bedrockruntime.ConverseInput, optFns ...func(*bedrockruntime.Options)) (*bedrockruntime.ConverseOutput, error)
}

var _ converser = (*bedrockruntime.Client)(nil)

// sdkLogger routes the AWS SDK's own log lines (such as the instance
// metadata client's warning off EC2) to slog at debug level, instead of
// the SDK's default of printing them on stderr.
type sdkLogger struct{ l *slog.Logger }

var _ logging.Logger = sdkLogger{}

// Logf logs one SDK message at debug level.
func (s sdkLogger) Logf(c logging.Classification, format string, v ...any) {
	if s.l == nil {
		return
	}
	s.l.Debug(fmt.Sprintf(format, v...), "source", "aws-sdk", "class", string(c))
}

// bedrockModel calls the Bedrock Converse API through the AWS SDK.
type bedrockModel struct {
	client converser
}

var _ Model = (*bedrockModel)(nil)

// newBedrockModel builds the SDK client from the default configuration
// chain, so AWS_REGION, profiles, SSO, web identity and
// AWS_ENDPOINT_URL_BEDROCK_RUNTIME behave exactly as in any AWS tool.
func newBedrockModel(ctx context.Context, cfg Config) (*bedrockModel, error) {
	var opts []func(*config.LoadOptions) error
	if cfg.HTTPClient != nil {
		opts = append(opts, config.WithHTTPClient(cfg.HTTPClient))
	}
	if cfg.Region != "" {
		opts = append(opts, config.WithRegion(cfg.Region))
	}
	opts = append(opts, config.WithLogger(sdkLogger{cfg.Logger}))
	awsCfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("%w: load AWS configuration: %v", ErrConfig, err)
	}
	client := bedrockruntime.NewFromConfig(awsCfg, func(o *bedrockruntime.Options) {
		o.Retryer = newRetryer(cfg)
	})
	return &bedrockModel{client: client}, nil
}

// retryCodes are the Bedrock errors worth another attempt. The SDK's
// standard retryer already retries ThrottlingException (a throttle code) and
// ServiceUnavailableException (HTTP 503), but not ModelNotReadyException:
// it is a modelled 429, and the standard rules retry only unmodelled ones.
// Bedrock documents ModelNotReady as "retry later" while a model loads.
var retryCodes = map[string]struct{}{
	"ThrottlingException":         {},
	"ServiceUnavailableException": {},
	"ModelNotReadyException":      {},
}

// newRetryer is the SDK standard retryer with Bedrock's extra retryable
// code and a full-jitter exponential backoff whose base is configurable (the
// SDK's own backoff waits at least a second on throttles, too slow for
// tests).
func newRetryer(cfg Config) aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = cfg.MaxAttempts
		o.MaxBackoff = cfg.RetryMaxBackoff
		o.Backoff = jitterBackoff{base: cfg.RetryBaseDelay, max: cfg.RetryMaxBackoff}
		o.Retryables = append(o.Retryables, retry.RetryableErrorCode{Codes: retryCodes})
	})
}

// jitterBackoff waits a uniformly random time in [0, min(max, base*2^n)),
// "full jitter", which spreads concurrent chunk calls that were throttled
// together.
type jitterBackoff struct {
	base, max time.Duration
}

var _ retry.BackoffDelayer = jitterBackoff{}

// BackoffDelay implements retry.BackoffDelayer; attempt counts from 1.
func (j jitterBackoff) BackoffDelay(attempt int, _ error) (time.Duration, error) {
	ceiling := j.max
	if attempt < 30 { // beyond that the shift overflows and the cap applies anyway
		if d := j.base << (attempt - 1); d > 0 && d < ceiling {
			ceiling = d
		}
	}
	if ceiling <= 0 {
		return 0, nil
	}
	return rand.N(ceiling), nil
}

// Converse implements Model.
func (m *bedrockModel) Converse(ctx context.Context, req *Request) (*Reply, error) {
	in, err := converseInput(req)
	if err != nil {
		return nil, err
	}
	out, err := m.client.Converse(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("bedrock converse %s: %w", req.Model, err)
	}
	return converseReply(out)
}

// converseInput translates a Request into the SDK's input shape.
func converseInput(req *Request) (*bedrockruntime.ConverseInput, error) {
	in := &bedrockruntime.ConverseInput{
		ModelId: aws.String(req.Model),
		InferenceConfig: &types.InferenceConfiguration{
			MaxTokens:   aws.Int32(int32(req.MaxTokens)),
			Temperature: aws.Float32(req.Temperature),
		},
	}
	if req.System != "" {
		in.System = []types.SystemContentBlock{&types.SystemContentBlockMemberText{Value: req.System}}
		if req.SystemCache {
			in.System = append(in.System, &types.SystemContentBlockMemberCachePoint{
				Value: types.CachePointBlock{Type: types.CachePointTypeDefault},
			})
		}
	}
	for _, msg := range req.Messages {
		m := types.Message{Role: types.ConversationRole(msg.Role)}
		for _, b := range msg.Blocks {
			cb, err := contentBlock(b)
			if err != nil {
				return nil, err
			}
			m.Content = append(m.Content, cb)
		}
		in.Messages = append(in.Messages, m)
	}
	if req.Tool != nil {
		tc := &types.ToolConfiguration{Tools: []types.Tool{&types.ToolMemberToolSpec{Value: types.ToolSpecification{
			Name:        aws.String(req.Tool.Name),
			Description: aws.String(req.Tool.Description),
			InputSchema: &types.ToolInputSchemaMemberJson{Value: document.NewLazyDocument(req.Tool.Schema)},
		}}}}
		if req.ForceTool {
			tc.ToolChoice = &types.ToolChoiceMemberTool{Value: types.SpecificToolChoice{Name: aws.String(req.Tool.Name)}}
		}
		in.ToolConfig = tc
	}
	return in, nil
}

// contentBlock translates one Block.
func contentBlock(b Block) (types.ContentBlock, error) {
	switch {
	case b.CachePoint:
		return &types.ContentBlockMemberCachePoint{Value: types.CachePointBlock{Type: types.CachePointTypeDefault}}, nil
	case b.ToolUse != nil:
		// The document marshaller encodes Go values, so the raw JSON is
		// decoded first; a json.RawMessage would go out as a byte string.
		var input any
		if err := json.Unmarshal(b.ToolUse.Input, &input); err != nil {
			return nil, fmt.Errorf("tool input for history: %w", err)
		}
		return &types.ContentBlockMemberToolUse{Value: types.ToolUseBlock{
			ToolUseId: aws.String(b.ToolUse.ID),
			Name:      aws.String(b.ToolUse.Name),
			Input:     document.NewLazyDocument(input),
		}}, nil
	case b.ToolResult != nil:
		status := types.ToolResultStatusSuccess
		if b.ToolResult.IsError {
			status = types.ToolResultStatusError
		}
		return &types.ContentBlockMemberToolResult{Value: types.ToolResultBlock{
			ToolUseId: aws.String(b.ToolResult.ToolUseID),
			Content:   []types.ToolResultContentBlock{&types.ToolResultContentBlockMemberText{Value: b.ToolResult.Text}},
			Status:    status,
		}}, nil
	}
	return &types.ContentBlockMemberText{Value: b.Text}, nil
}

// converseReply extracts text, the first tool call and usage.
func converseReply(out *bedrockruntime.ConverseOutput) (*Reply, error) {
	r := &Reply{StopReason: string(out.StopReason), Usage: Usage{Calls: 1}}
	if u := out.Usage; u != nil {
		r.Usage.InputTokens = int64(aws.ToInt32(u.InputTokens))
		r.Usage.OutputTokens = int64(aws.ToInt32(u.OutputTokens))
		r.Usage.CacheReadTokens = int64(aws.ToInt32(u.CacheReadInputTokens))
		r.Usage.CacheWriteTokens = int64(aws.ToInt32(u.CacheWriteInputTokens))
	}
	msg, ok := out.Output.(*types.ConverseOutputMemberMessage)
	if !ok {
		return r, nil
	}
	for _, block := range msg.Value.Content {
		switch b := block.(type) {
		case *types.ContentBlockMemberText:
			r.Text += b.Value
		case *types.ContentBlockMemberToolUse:
			if r.ToolUse != nil {
				continue // one structured answer is all the contract asks for
			}
			raw := json.RawMessage("null")
			if b.Value.Input != nil {
				var err error
				if raw, err = b.Value.Input.MarshalSmithyDocument(); err != nil {
					return nil, fmt.Errorf("decode tool input: %w", err)
				}
			}
			r.ToolUse = &ToolUse{ID: aws.ToString(b.Value.ToolUseId), Name: aws.ToString(b.Value.Name), Input: raw}
		}
	}
	return r, nil
}
