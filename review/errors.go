package review

import (
	"context"
	"errors"
	"fmt"

	"github.com/reviewbot/reviewbot/tiers"
)

// Kind says what a caller should do about a failed review: every entry
// point branches on it (the CLI and the Action map it to an exit code, the
// App to a retry or not) through one table each.
type Kind string

// The kinds of failure. A run that ends without error has no kind.
const (
	// KindUsage: how reviewbot was called (a flag, an argument, a missing
	// credential). Exit 2; retrying does not help.
	KindUsage Kind = "usage"
	// KindConfig: the configuration cannot be used (invalid YAML value,
	// unknown provider, cost cap). Exit 2; retrying does not help.
	KindConfig Kind = "config"
	// KindUpstream: GitHub or the model failed after retries. Exit 3; a
	// queued job may retry later.
	KindUpstream Kind = "upstream"
	// KindSuperseded: a newer commit arrived while the review ran, so its
	// findings were not posted. Exit 0; the newer head gets its own review.
	KindSuperseded Kind = "superseded"
)

// Error is a failure with its kind. The message names what was wrong and
// what to do.
type Error struct {
	Kind Kind
	Err  error
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error of kind k; %w wraps as fmt.Errorf does.
func Errorf(k Kind, format string, args ...any) error {
	return &Error{Kind: k, Err: fmt.Errorf(format, args...)}
}

// ErrSuperseded is wrapped by the error of a run whose head was replaced
// by a newer push before posting.
var ErrSuperseded = errors.New("superseded by a newer commit")

// KindOf classifies err: an *Error says its kind; the sentinels of the
// packages below (tiers' configuration and upstream errors, an invalid
// configuration file, the cost cap) are recognised; anything else is an
// upstream failure, the kind that may be retried.
func KindOf(err error) Kind {
	if err == nil {
		return ""
	}
	var e *Error
	var ce *ConfigError
	switch {
	case errors.As(err, &e):
		return e.Kind
	case errors.Is(err, ErrSuperseded):
		return KindSuperseded
	case errors.As(err, &ce), errors.Is(err, tiers.ErrConfig), errors.Is(err, ErrCostCap):
		return KindConfig
	default:
		return KindUpstream
	}
}

// Canceled reports whether err comes from a cancelled context (an
// interrupt or a job cancelled by a newer push).
func Canceled(err error) bool {
	return errors.Is(err, context.Canceled)
}
