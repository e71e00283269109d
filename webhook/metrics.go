package webhook

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/reviewbot/reviewbot/store"
)

// Metrics are the App's Prometheus metrics, served at GET /metrics. A nil
// *Metrics records nothing (tests of single parts).
type Metrics struct {
	Registry *prometheus.Registry

	deliveries    *prometheus.CounterVec
	ack           prometheus.Histogram
	reviews       *prometheus.CounterVec
	duration      *prometheus.HistogramVec
	tokens        *prometheus.CounterVec
	costUSD       *prometheus.CounterVec
	githubCalls   *prometheus.CounterVec
	rateRemaining *prometheus.GaugeVec
	unprocessable prometheus.Counter
}

// NewMetrics registers the App's metrics, the Go runtime's and the
// queue's (read from the database at each scrape).
func NewMetrics(db *store.DB, q interface {
	oldestAvailable(ctx context.Context) (time.Time, bool, error)
}, log *slog.Logger) *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{
		Registry: reg,
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "reviewbot_webhook_deliveries_total", Help: "Webhook deliveries by event and outcome (queued, duplicate, ignored, unknown_event, unauthorized, too_large, malformed, ...).",
		}, []string{"event", "outcome"}),
		ack: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "reviewbot_webhook_ack_seconds", Help: "Time from a delivery's arrival to its answer, durable enqueue included.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}),
		reviews: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "reviewbot_reviews_total", Help: "Review jobs by outcome (posted, superseded, skipped, over_quota, retry, failed, cancelled).",
		}, []string{"outcome"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "reviewbot_review_duration_seconds", Help: "Time one review job ran, by outcome.",
			Buckets: prometheus.ExponentialBuckets(0.25, 2, 12),
		}, []string{"outcome"}),
		tokens: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "reviewbot_model_tokens_total", Help: "Model tokens by tier, installation and direction (input, output).",
		}, []string{"tier", "installation", "direction"}),
		costUSD: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "reviewbot_model_cost_usd_total", Help: "Model cost in US dollars by tier and installation.",
		}, []string{"tier", "installation"}),
		githubCalls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "reviewbot_github_requests_total", Help: "GitHub REST requests sent, each attempt, by method and status (\"error\" when no answer came).",
		}, []string{"method", "status"}),
		rateRemaining: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "reviewbot_github_rate_limit_remaining", Help: "x-ratelimit-remaining of the last GitHub answer, by installation and resource.",
		}, []string{"installation", "resource"}),
		unprocessable: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "reviewbot_github_unprocessable_total", Help: "GitHub 422 answers (a comment GitHub refused to anchor; each is logged and moved to the summary).",
		}),
	}
	reg.MustRegister(m.deliveries, m.ack, m.reviews, m.duration, m.tokens, m.costUSD, m.githubCalls, m.rateRemaining, m.unprocessable,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if db != nil && q != nil {
		reg.MustRegister(&queueCollector{db: db, q: q, log: log})
	}
	return m
}

// Handler serves the metrics in Prometheus's text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{})
}

func (m *Metrics) delivery(event, outcome string, took time.Duration) {
	if m == nil {
		return
	}
	m.deliveries.WithLabelValues(event, outcome).Inc()
	m.ack.Observe(took.Seconds())
}

func (m *Metrics) review(outcome string, took time.Duration) {
	if m == nil {
		return
	}
	m.reviews.WithLabelValues(outcome).Inc()
	m.duration.WithLabelValues(outcome).Observe(took.Seconds())
}

func (m *Metrics) usage(tier string, installation int64, in, out int64, usd float64) {
	if m == nil {
		return
	}
	id := strconv.FormatInt(installation, 10)
	m.tokens.WithLabelValues(tier, id, "input").Add(float64(in))
	m.tokens.WithLabelValues(tier, id, "output").Add(float64(out))
	m.costUSD.WithLabelValues(tier, id).Add(usd)
}

// instrument wraps a transport to count GitHub calls, 422s and the
// rate-limit headroom of one installation (0 for App-level calls).
func (m *Metrics) instrument(base http.RoundTripper, installation int64) http.RoundTripper {
	if m == nil {
		return base
	}
	id := strconv.FormatInt(installation, 10)
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		resp, err := base.RoundTrip(r)
		if err != nil {
			m.githubCalls.WithLabelValues(r.Method, "error").Inc()
			return nil, err
		}
		m.githubCalls.WithLabelValues(r.Method, strconv.Itoa(resp.StatusCode)).Inc()
		if resp.StatusCode == http.StatusUnprocessableEntity {
			m.unprocessable.Inc()
		}
		if s := resp.Header.Get("X-Ratelimit-Remaining"); s != "" {
			if n, err := strconv.Atoi(s); err == nil {
				res := resp.Header.Get("X-Ratelimit-Resource")
				if res == "" {
					res = "core"
				}
				m.rateRemaining.WithLabelValues(id, res).Set(float64(n))
			}
		}
		return resp, nil
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

var _ http.RoundTripper = roundTripFunc(nil)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// queueCollector reads the review queue's depth by state and the age of
// its oldest runnable job at scrape time, so every replica reports the
// shared queue's truth.
type queueCollector struct {
	db *store.DB
	q  interface {
		oldestAvailable(ctx context.Context) (time.Time, bool, error)
	}
	log *slog.Logger
}

var (
	queueDepthDesc = prometheus.NewDesc("reviewbot_queue_jobs", "Review jobs in the queue by state.", []string{"state"}, nil)
	queueAgeDesc   = prometheus.NewDesc("reviewbot_queue_oldest_available_seconds", "How long the oldest runnable review job has waited (0 when none waits).", nil, nil)
)

var _ prometheus.Collector = (*queueCollector)(nil)

func (c *queueCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- queueDepthDesc
	ch <- queueAgeDesc
}

func (c *queueCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	counts := map[string]float64{"available": 0, "scheduled": 0, "retryable": 0, "running": 0}
	rows, err := c.db.Query(ctx, `SELECT state, count(*) FROM river_job WHERE queue = $1 AND state IN ('available', 'scheduled', 'retryable', 'running') GROUP BY state`, reviewQueue)
	if err == nil {
		for rows.Next() {
			var state string
			var n int64
			if rows.Scan(&state, &n) == nil {
				counts[state] = float64(n)
			}
		}
		rows.Close()
	} else if c.log != nil {
		c.log.Warn("queue depth metric", "err", err)
	}
	for state, n := range counts {
		ch <- prometheus.MustNewConstMetric(queueDepthDesc, prometheus.GaugeValue, n, state)
	}
	age := 0.0
	if at, ok, err := c.q.oldestAvailable(ctx); err == nil && ok {
		age = max(time.Since(at).Seconds(), 0)
	}
	ch <- prometheus.MustNewConstMetric(queueAgeDesc, prometheus.GaugeValue, age)
}
