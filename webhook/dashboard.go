package webhook

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/reviewbot/reviewbot/store"
)

// The dashboard is two read-only pages behind the admin login: the
// overview (the App, the queue, installations with their plans and a
// chart of their monthly use against the free plan's quota, the latest
// failures) and the list of recent review attempts. Both read only the
// database, so any replica shows the same.

// chartMonths is how many months the usage chart shows.
const chartMonths = 6

// installationView is one installation's row of the overview.
type installationView struct {
	store.PlanRow
	// Quota is the free plan's monthly reviews, 0 when unlimited.
	Quota int64
	Month store.Usage
	Chart usageChart
}

// Status names the installation's state.
func (v installationView) Status() string {
	switch {
	case !v.Known:
		return "not seen in an event"
	case v.Removed:
		return "uninstalled"
	case v.Suspended:
		return "suspended"
	}
	return "active"
}

// usageChart is a small server-rendered SVG bar chart: reviews per month,
// with the free plan's quota as a dashed line and each month's cost under
// its bar.
type usageChart struct {
	Width, Height float64
	Bars          []chartBar
	HasQuota      bool
	QuotaY        float64
	QuotaLabel    string
}

type chartBar struct {
	X, Y, W, H  float64
	Month, Cost string
	Reviews     int64
	Over        bool // at or past the quota
}

// newUsageChart draws months (oldest first) against quota (0: none).
func newUsageChart(months []store.Usage, quota int64) usageChart {
	const w, h, top, bottom, gap = 360.0, 130.0, 14.0, 30.0, 10.0
	c := usageChart{Width: w, Height: h}
	peak := quota
	for _, m := range months {
		peak = max(peak, m.Reviews)
	}
	plot := h - top - bottom
	bw := (w - gap*float64(len(months)+1)) / float64(len(months))
	for i, m := range months {
		bh := 0.0
		if peak > 0 {
			bh = plot * float64(m.Reviews) / float64(peak)
		}
		t, _ := time.Parse("2006-01", m.Month)
		c.Bars = append(c.Bars, chartBar{X: gap + float64(i)*(bw+gap), Y: top + plot - bh, W: bw, H: bh,
			Month: t.Format("Jan 06"), Cost: fmt.Sprintf("$%.2f", m.CostUSD), Reviews: m.Reviews, Over: quota > 0 && m.Reviews >= quota})
	}
	if quota > 0 {
		c.HasQuota = true
		c.QuotaY = top + plot - plot*float64(quota)/float64(peak)
		c.QuotaLabel = fmt.Sprintf("quota %d", quota)
	}
	return c
}

// monthsBack lists the chartMonths months ending with now's, oldest
// first.
func monthsBack(now time.Time) []string {
	first := time.Date(now.UTC().Year(), now.UTC().Month(), 1, 0, 0, 0, 0, time.UTC)
	out := make([]string, chartMonths)
	for i := range chartMonths {
		out[i] = store.Month(first.AddDate(0, i-chartMonths+1, 0))
	}
	return out
}

// overviewPage is GET / once configured.
func (s *Server) overviewPage(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
	defer cancel()
	app, info := s.current()
	now := s.now()
	data, err := s.overview(ctx, app, now)
	if err != nil {
		s.log.Error("dashboard overview", "err", err)
		s.ui.message(w, http.StatusServiceUnavailable, "Database unavailable", "The dashboard could not read the database: "+RedactSecrets(err.Error()))
		return
	}
	data["App"], data["Nav"], data["CSRF"] = info, true, s.auth.csrfToken(w, r)
	s.ui.render(w, http.StatusOK, "overview", data)
}

func (s *Server) overview(ctx context.Context, app *App, now time.Time) (map[string]any, error) {
	cfg := s.cfg.App
	def := cfg.DefaultPlan
	if def == "" {
		def = store.Free
	}
	plans, err := store.ListPlans(ctx, s.db, now, def)
	if err != nil {
		return nil, err
	}
	months := monthsBack(now)
	usage, err := store.UsageSince(ctx, s.db, months[0])
	if err != nil {
		return nil, err
	}
	byInst := map[int64]map[string]store.Usage{}
	for _, u := range usage {
		if byInst[u.InstallationID] == nil {
			byInst[u.InstallationID] = map[string]store.Usage{}
		}
		byInst[u.InstallationID][u.Month] = u
	}
	// Installations that spent but that no event or plan named.
	for id := range byInst {
		if !slices.ContainsFunc(plans, func(p store.PlanRow) bool { return p.ID == id }) {
			ep, err := store.PlanAt(ctx, s.db, id, now, def)
			if err != nil {
				return nil, err
			}
			plans = append(plans, store.PlanRow{Installation: store.Installation{ID: id}, EffectivePlan: ep})
		}
	}
	slices.SortFunc(plans, func(a, b store.PlanRow) int { return cmp.Compare(a.ID, b.ID) })
	var views []installationView
	var monthCost float64
	var monthReviews int64
	for _, p := range plans {
		v := installationView{PlanRow: p}
		if p.Plan == store.Free {
			v.Quota = cfg.FreeQuota
		}
		series := make([]store.Usage, len(months))
		for i, m := range months {
			series[i] = byInst[p.ID][m]
			series[i].Month = m
		}
		v.Month = series[len(series)-1]
		v.Chart = newUsageChart(series, v.Quota)
		monthCost += v.Month.CostUSD
		monthReviews += v.Month.Reviews
		views = append(views, v)
	}
	depth, err := store.QueueDepth(ctx, s.db, reviewQueue)
	if err != nil {
		return nil, err
	}
	waited := ""
	if app != nil {
		if at, ok, err := app.queue.oldestAvailable(ctx); err == nil && ok {
			waited = max(now.Sub(at), 0).Round(time.Second).String()
		}
	}
	failures, err := store.RecentReviews(ctx, s.db, 10, true)
	if err != nil {
		return nil, err
	}
	return map[string]any{
		"Installations": views, "Month": store.Month(now), "MonthCost": monthCost, "MonthReviews": monthReviews,
		"Queue": depth, "Waited": waited, "Failures": failures, "FreeQuota": cfg.FreeQuota, "DefaultPlan": def,
		"Now": now,
	}, nil
}

// reviewsPage is GET /reviews: the latest review attempts, or with
// ?failed=1 only the failed ones.
func (s *Server) reviewsPage(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
	defer cancel()
	failed := r.URL.Query().Get("failed") == "1"
	list, err := store.RecentReviews(ctx, s.db, 200, failed)
	if err != nil {
		s.log.Error("dashboard reviews", "err", err)
		s.ui.message(w, http.StatusServiceUnavailable, "Database unavailable", "The dashboard could not read the database: "+RedactSecrets(err.Error()))
		return
	}
	_, info := s.current()
	s.ui.render(w, http.StatusOK, "reviews", map[string]any{"Reviews": list, "Failed": failed, "App": info, "Nav": true, "CSRF": s.auth.csrfToken(w, r)})
}
