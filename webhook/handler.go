package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"
)

// MaxPayload is GitHub's cap on a webhook payload: "Payloads are capped at
// 25 MB. If an event generates a larger payload, GitHub will not deliver a
// payload for that webhook event."
// https://docs.github.com/webhooks/webhook-events-and-payloads#payload-cap
const MaxPayload = 25 << 20

// Delivery is one verified webhook delivery.
type Delivery struct {
	ID       string // X-GitHub-Delivery
	Event    string // X-GitHub-Event
	Payload  []byte
	Received time.Time
	Log      *slog.Logger
}

// Plan is what an event handler decided a delivery asks for.
type Plan struct {
	// Work runs in the delivery's transaction; nil means nothing to do.
	Work Work
	// Outcome names the decision for logs and the deliveries metric
	// (queued, ignored, pong, ...).
	Outcome string
	// Message is the answer's body, for the delivery log on GitHub.
	Message string
}

// EventHandler decides what one event type asks for. Plan parses and
// decides without I/O; the work it returns runs in the transaction that
// records the delivery. One implementation per file: pull_request.go,
// comment.go, installation.go, marketplace.go, ping.go.
type EventHandler interface {
	Plan(d *Delivery) (Plan, error)
}

// Handler is POST /webhook: verify, enqueue, answer.
type Handler struct {
	Secret  []byte
	Queue   Queue
	Events  map[string]EventHandler
	Metrics *Metrics
	Logger  *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

var _ http.Handler = (*Handler)(nil)

// ServeHTTP checks the delivery (size, signature, headers, JSON), lets
// the event's handler plan the work, records the delivery and the work in
// one transaction, and answers: 202 once the work is durably queued, 200
// when there is nothing to do (an ignored action, an unknown event, a
// redelivery already recorded, ping), and an error status from the one
// table in errors.go otherwise.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	event, id := r.Header.Get("X-GitHub-Event"), r.Header.Get("X-GitHub-Delivery")
	log := h.log().With("delivery", id, "event", event)
	status, outcome, msg, err := h.serve(r, event, id, log)
	if err != nil {
		status, outcome, msg = StatusOf(err), CodeOf(err), err.Error()
		if status >= 500 {
			log.Error("delivery failed", "err", err)
		} else {
			log.Warn("delivery refused", "status", status, "err", err)
		}
	}
	h.Metrics.delivery(eventLabel(event, h.Events), outcome, time.Since(start))
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	io.WriteString(w, msg+"\n")
}

func (h *Handler) serve(r *http.Request, event, id string, log *slog.Logger) (int, string, string, error) {
	if r.Method != http.MethodPost {
		return 0, "", "", refuse(CodeMethod, "webhook deliveries are POST requests", nil)
	}
	if r.ContentLength > MaxPayload {
		return 0, "", "", refuse(CodeTooLarge, fmt.Sprintf("payload of %d bytes is over GitHub's 25 MB cap", r.ContentLength), nil)
	}
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, MaxPayload))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return 0, "", "", refuse(CodeTooLarge, "payload over GitHub's 25 MB cap", nil)
		}
		return 0, "", "", refuse(CodeMalformed, "read the payload", err)
	}
	// The signature comes before anything else is believed, headers
	// included.
	if err := Verify(h.Secret, body, r.Header.Get("X-Hub-Signature-256")); err != nil {
		return 0, "", "", err
	}
	if event == "" || id == "" {
		return 0, "", "", refuse(CodeMalformed, "missing X-GitHub-Event or X-GitHub-Delivery", nil)
	}
	eh := h.Events[event]
	if eh == nil {
		// Handled events are checked by their handler's decode, which
		// reads the body once; the others only for being JSON at all.
		if !json.Valid(body) {
			return 0, "", "", refuse(CodeMalformed, "the payload is not JSON", nil)
		}
		log.Info("event not handled; nothing to do")
		return http.StatusOK, "unknown_event", "reviewbot does not handle " + event + " events", nil
	}
	d := &Delivery{ID: id, Event: event, Payload: body, Received: h.now(), Log: log}
	plan, err := eh.Plan(d)
	if err != nil {
		return 0, "", "", err
	}
	if plan.Work == nil {
		log.Info("nothing to do", "outcome", plan.Outcome, "why", plan.Message)
		return http.StatusOK, plan.Outcome, plan.Message, nil
	}
	// The work's own context: a client that hangs up mid-transaction must
	// not leave half of it behind, and the commit decides the answer.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 30*time.Second)
	defer cancel()
	dup, err := h.Queue.Deliver(ctx, id, event, d.Received, plan.Work)
	switch {
	case err != nil:
		var e *Error
		if errors.As(err, &e) {
			return 0, "", "", err
		}
		return 0, "", "", refuse(CodeUnavailable, "could not record the delivery; redeliver it from the App's settings", err)
	case dup:
		log.Info("delivery already received; nothing done again")
		return http.StatusOK, "duplicate", "delivery " + id + " was received before; nothing done again", nil
	}
	log.Info("delivery queued", "outcome", plan.Outcome, "what", plan.Message)
	return http.StatusAccepted, plan.Outcome, plan.Message, nil
}

func (h *Handler) log() *slog.Logger {
	if h.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return h.Logger
}

func (h *Handler) now() time.Time {
	if h.Now == nil {
		return time.Now()
	}
	return h.Now()
}

// eventLabel bounds the metric's event label to the handled events: any
// other name a sender makes up is counted as "other".
func eventLabel(event string, known map[string]EventHandler) string {
	if _, ok := known[event]; ok {
		return event
	}
	switch event {
	case "":
		return "none"
	case "check_run", "check_suite", "pull_request_review", "push", "repository", "member", "github_app_authorization":
		return event
	}
	return "other"
}

// decode parses a payload into v, a 400 when it does not fit.
func decode(d *Delivery, v any) error {
	if err := json.Unmarshal(d.Payload, v); err != nil {
		return refuse(CodeMalformed, "the "+d.Event+" payload does not have the expected shape", err)
	}
	return nil
}
