package webhook

import (
	"errors"
	"net/http"
)

// Code classifies a refused delivery; httpStatus maps each to its answer.
type Code string

// The ways a delivery is refused.
const (
	// CodeUnauthorized: no X-Hub-Signature-256, or one that does not
	// match the body under the webhook secret.
	CodeUnauthorized Code = "unauthorized"
	// CodeTooLarge: a body over GitHub's 25 MB payload cap.
	CodeTooLarge Code = "too_large"
	// CodeMalformed: a body that is not the JSON the event needs, or
	// missing GitHub's event headers.
	CodeMalformed Code = "malformed"
	// CodeMethod: not a POST.
	CodeMethod Code = "method"
	// CodeUnavailable: the queue could not record the delivery; GitHub
	// shows the failure and the delivery can be redelivered.
	CodeUnavailable Code = "unavailable"
)

// httpStatus is the one table from refusal codes to HTTP statuses.
var httpStatus = map[Code]int{
	CodeUnauthorized: http.StatusUnauthorized,
	CodeTooLarge:     http.StatusRequestEntityTooLarge,
	CodeMalformed:    http.StatusBadRequest,
	CodeMethod:       http.StatusMethodNotAllowed,
	CodeUnavailable:  http.StatusServiceUnavailable,
}

// Error is a refused delivery: its code and what was wrong.
type Error struct {
	Code Code
	Msg  string
	Err  error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Msg + ": " + e.Err.Error()
	}
	return e.Msg
}

func (e *Error) Unwrap() error { return e.Err }

// StatusOf is the HTTP status for err: its code's, or 500.
func StatusOf(err error) int {
	var e *Error
	if errors.As(err, &e) {
		if s, ok := httpStatus[e.Code]; ok {
			return s
		}
	}
	return http.StatusInternalServerError
}

// CodeOf is err's code, "error" when it has none (for metrics).
func CodeOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return string(e.Code)
	}
	return "error"
}

func refuse(code Code, msg string, err error) *Error { return &Error{Code: code, Msg: msg, Err: err} }
