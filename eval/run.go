package eval

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/reviewbot/reviewbot/review"
	"github.com/reviewbot/reviewbot/tiers"
)

// Reviewer reviews one corpus entry: the pipeline or the baseline.
type Reviewer interface {
	Review(ctx context.Context, e Entry, dryRun bool) (*Outcome, error)
}

// Outcome is what a reviewer produced for one entry.
type Outcome struct {
	Findings []Finding
	Usage    tiers.Usage
	Duration time.Duration
	// Diff is the entry's parsed diff when the reviewer had it; the judge
	// shows the lines around each pair from it.
	Diff *review.Diff
	// Seen, set by dry runs, returns "" for a reference whose lines the
	// model would be shown, else the reason it would not see them and,
	// for lines outside the hunks, the distance to the closest line it
	// would see (-1: none).
	Seen  func(Reference) (reason string, gap int)
	Notes []string
}

// Judge decides whether a finding and a reference that passed the location
// test name the same concern; *tiers.Judge implements it.
type Judge interface {
	Model() string
	Estimate(c tiers.JudgeCase) float64
	Decide(ctx context.Context, c tiers.JudgeCase) (tiers.Verdict, error)
}

var _ Judge = (*tiers.Judge)(nil)

// Options configure a run.
type Options struct {
	Reviewer  Reviewer
	Judge     Judge // nil: location matching only
	Tolerance int
	// Concurrency is the number of pull requests reviewed at once.
	Concurrency int
	DryRun      bool
	// Budget caps the whole run's spend (reviews and judge); the
	// reviewer's model must be wrapped with Metered on the same budget.
	Budget *Budget
	// Progress, when set, is called after each pull request, one call at
	// a time.
	Progress func(Progress)
	// Info is copied into the report's run section.
	Info RunInfo
}

// Progress is the state of a run after a pull request finished.
type Progress struct {
	Done, Total int
	Elapsed     time.Duration
	SpentUSD    float64
}

// Run reviews every entry and scores it. A pull request whose review fails
// is reported with its error and counts in no figure; after the budget
// refuses a call, no further pull request starts.
func Run(ctx context.Context, entries []Entry, opt Options) (*Report, error) {
	if opt.Reviewer == nil {
		return nil, errors.New("eval.Run needs a reviewer")
	}
	if opt.Tolerance < 0 {
		return nil, fmt.Errorf("the tolerance is a number of lines, 0 or more, not %d", opt.Tolerance)
	}
	conc := max(opt.Concurrency, 1)
	start := time.Now()
	recs := make([]*record, len(entries))
	var (
		mu   sync.Mutex
		done int
		jUSD float64
		jN   int
	)
	work := make(chan int)
	var wg sync.WaitGroup
	for range conc {
		wg.Go(func() {
			for i := range work {
				rec := &record{entry: entries[i]}
				if why := opt.Budget.Stopped(); why != "" {
					rec.err = "not run: " + why
				} else if err := ctx.Err(); err != nil {
					rec.err = "not run: " + err.Error()
				} else {
					usd, n := reviewOne(ctx, rec, opt)
					mu.Lock()
					jUSD += usd
					jN += n
					mu.Unlock()
				}
				recs[i] = rec
				// Under the lock, so that progress lines never interleave.
				mu.Lock()
				done++
				if opt.Progress != nil {
					opt.Progress(Progress{Done: done, Total: len(entries), Elapsed: time.Since(start), SpentUSD: opt.Budget.Spent()})
				}
				mu.Unlock()
			}
		})
	}
	for i := range entries {
		work <- i
	}
	close(work)
	wg.Wait()

	rep := &Report{Run: opt.Info}
	rep.Run.Tolerance, rep.Run.DryRun, rep.Run.Concurrency = opt.Tolerance, opt.DryRun, conc
	if opt.Judge != nil {
		rep.Run.Judge = opt.Judge.Model()
	}
	rep.Run.JudgeUSD, rep.Run.JudgeCalls = jUSD, jN
	rep.Run.SpentUSD = opt.Budget.Spent()
	rep.Run.Stopped = opt.Budget.Stopped()
	if rep.Run.Notes == nil {
		rep.Run.Notes = []string{}
	}
	for _, rec := range recs {
		rep.PRs = append(rep.PRs, prResult(rec, opt))
		if rec.err != "" {
			rep.Run.Errors++
		} else {
			rep.Run.Scored++
		}
		if rec.out != nil {
			for _, n := range rec.out.Notes {
				rep.Run.Notes = append(rep.Run.Notes, rec.entry.ID+": "+n)
			}
		}
	}
	rep.Overall, rep.Judged, rep.ByLanguage, rep.ByCategory = aggregate(recs, opt.Tolerance, opt.DryRun, opt.Judge != nil && !opt.DryRun)
	rep.Run.ElapsedSeconds = time.Since(start).Seconds()
	return rep, ctx.Err()
}

// reviewOne reviews and scores one entry into rec, and returns the judge's
// spend on it.
func reviewOne(ctx context.Context, rec *record, opt Options) (judgeUSD float64, judgeCalls int) {
	out, err := opt.Reviewer.Review(ctx, rec.entry, opt.DryRun)
	if err != nil {
		if errors.Is(err, ErrBudget) {
			rec.err = "not run: " + opt.Budget.Stopped()
		} else {
			rec.err = err.Error()
		}
		return 0, 0
	}
	rec.out = out
	rec.score = ScorePR(out.Findings, rec.entry, opt.Tolerance)
	if opt.DryRun {
		rec.unseen = make([]string, len(rec.entry.References))
		for i, r := range rec.entry.References {
			if out.Seen == nil {
				continue
			}
			why, g := out.Seen(r)
			if why == ReasonOutsideHunks && g >= 0 && g <= opt.Tolerance {
				why = ReasonNearHunks
			}
			rec.unseen[i] = why
		}
		return 0, 0
	}
	if opt.Judge == nil {
		return 0, 0
	}
	var yes []Pair
	for _, p := range rec.score.Candidates {
		c := judgeCase(rec.score.Findings[p.F], rec.entry.References[p.R], out.Diff)
		release, err := opt.Budget.Hold(opt.Judge.Estimate(c), "the judge's call on "+rec.entry.ID)
		if err != nil {
			rec.err = "judging stopped: " + opt.Budget.Stopped()
			return judgeUSD, judgeCalls
		}
		v, err := opt.Judge.Decide(ctx, c)
		release(v.Usage.CostUSD)
		judgeUSD += v.Usage.CostUSD
		judgeCalls++
		if err != nil {
			// Scoring the pull request with a verdict missing would mix
			// judged and unjudged pairs.
			rec.err = "judge failed: " + err.Error()
			return judgeUSD, judgeCalls
		}
		if v.Same {
			yes = append(yes, p)
		}
	}
	rec.judged = Match(len(rec.score.Findings), yes)
	return judgeUSD, judgeCalls
}

func prResult(rec *record, opt Options) PRResult {
	e := rec.entry
	p := PRResult{ID: e.ID, References: len(e.References), Language: e.Language, Clean: e.Clean, Error: rec.err}
	if rec.out == nil {
		return p
	}
	s := rec.score
	p.Findings, p.Matched, p.Duplicates, p.Noise = len(s.Findings), len(s.Matched), s.Duplicates, s.Noise
	u := rec.out.Usage
	p.InputTokens, p.OutputTokens = u.InputTokens+u.CacheReadTokens+u.CacheWriteTokens, u.OutputTokens
	p.USD, p.Seconds = u.CostUSD, rec.out.Duration.Seconds()
	if opt.DryRun {
		p.InputTokens, p.OutputTokens, p.USD, p.Seconds = 0, 0, 0, 0
		p.EstimatedUSD = u.CostUSD
	}
	if rec.judged != nil || (opt.Judge != nil && !opt.DryRun && rec.err == "") {
		n := len(rec.judged)
		p.JudgedMatched = &n
	}
	if opt.DryRun && rec.unseen != nil {
		t := &tally{}
		t.addPR(rec, nil, nil, true)
		p.Reach = t.metrics().Reach
		for i, why := range rec.unseen {
			if why != "" {
				ref := e.References[i]
				p.Unseen = append(p.Unseen, Unseen{Path: ref.Path, StartLine: ref.StartLine, EndLine: ref.EndLine, Reason: why})
			}
		}
	}
	return p
}

// judgeCase builds the judge's view of a pair: both comments and, when the
// diff is known, its lines around them.
func judgeCase(f Finding, r Reference, d *review.Diff) tiers.JudgeCase {
	c := tiers.JudgeCase{
		Path:         r.Path,
		FindingLines: lineLabel(f.Side, f.StartLine, f.Line), ReferenceLines: lineLabel(r.Side, r.StartLine, r.EndLine),
		FindingTitle: f.Title, FindingBody: f.Body, ReferenceBody: r.Body,
	}
	if fd := d.File(r.Path); fd != nil {
		c.Code = excerpt(fd, r.Side, min(f.StartLine, r.StartLine)-3, max(f.Line, r.EndLine)+3)
	}
	return c
}

// excerpt renders the hunk lines of fd between lines lo and hi of side, in
// the numbered form of review.NumberedPatch. A line of the other side is
// placed by the last line of side before it.
func excerpt(fd *review.FileDiff, side string, lo, hi int) string {
	var b strings.Builder
	for _, h := range fd.Hunks {
		pos := h.NewStart
		if side == "LEFT" {
			pos = h.OldStart
		}
		for _, l := range h.Lines {
			own := l.NewLine
			if side == "LEFT" {
				own = l.OldLine
			}
			if own > 0 {
				pos = own
			}
			if pos < lo || pos > hi {
				continue
			}
			if l.Kind == review.LineDeleted {
				fmt.Fprintf(&b, "L%d -%s\n", l.OldLine, l.Text)
			} else {
				fmt.Fprintf(&b, "R%d %c%s\n", l.NewLine, l.Kind, l.Text)
			}
		}
	}
	return b.String()
}

func lineLabel(side string, start, end int) string {
	if start == end {
		return fmt.Sprintf("%s %d", side, end)
	}
	return fmt.Sprintf("%s %d-%d", side, start, end)
}

// ErrBudget is the refusal of a call that would take the run past its
// --max-cost.
var ErrBudget = errors.New("over the run's --max-cost")

// Budget is the whole run's spending cap. Each call holds its estimate
// before it starts and books its real cost when it ends, so concurrent
// pull requests cannot together overshoot the cap by more than their
// estimates' error. A nil *Budget allows everything and counts nothing.
type Budget struct {
	mu    sync.Mutex
	max   float64 // 0: no cap, only counting
	spent float64
	held  float64
	stop  string
}

// NewBudget returns a budget of maxUSD (0: no cap).
func NewBudget(maxUSD float64) *Budget { return &Budget{max: maxUSD} }

// Hold reserves est USD for what; release books the actual cost. Once a
// hold is refused, every later one is.
func (b *Budget) Hold(est float64, what string) (release func(actual float64), err error) {
	if b == nil {
		return func(float64) {}, nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.stop != "" {
		return nil, fmt.Errorf("%w: %s", ErrBudget, b.stop)
	}
	if b.max > 0 && b.spent+b.held+est > b.max {
		b.stop = fmt.Sprintf("%s was estimated at $%.4f, which would take the run ($%.4f spent, $%.4f in flight) past --max-cost $%s", what, est, b.spent, b.held, strconv.FormatFloat(b.max, 'f', -1, 64))
		return nil, fmt.Errorf("%w: %s", ErrBudget, b.stop)
	}
	b.held += est
	var once sync.Once
	return func(actual float64) {
		once.Do(func() {
			b.mu.Lock()
			b.held -= est
			b.spent += actual
			b.mu.Unlock()
		})
	}, nil
}

// Spent is what the run has spent so far.
func (b *Budget) Spent() float64 {
	if b == nil {
		return 0
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.spent
}

// Stopped says why the budget refused a call, or "".
func (b *Budget) Stopped() string {
	if b == nil {
		return ""
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.stop
}

// Metered wraps a model so that each review holds its estimate (the
// model's own plan) on the budget before running and books its cost after.
func Metered(m review.Model, b *Budget, label func(tiers.Input) string) review.Model {
	return &meteredModel{m: m, b: b, label: label}
}

type meteredModel struct {
	m     review.Model
	b     *Budget
	label func(tiers.Input) string
}

var _ review.Model = (*meteredModel)(nil)

func (mm *meteredModel) Plan(tier tiers.Tier, in tiers.Input) (*tiers.PlanResult, error) {
	return mm.m.Plan(tier, in)
}

func (mm *meteredModel) Run(ctx context.Context, tier tiers.Tier, in tiers.Input) (*tiers.Result, error) {
	plan, err := mm.m.Plan(tier, in)
	if err != nil {
		return nil, err
	}
	what := "the next review"
	if mm.label != nil {
		what = "the review of " + mm.label(in)
	}
	release, err := mm.b.Hold(plan.Usage.CostUSD, what)
	if err != nil {
		return nil, err
	}
	res, err := mm.m.Run(ctx, tier, in)
	if err != nil {
		// Tokens were likely spent; the estimate is the best count.
		release(plan.Usage.CostUSD)
		return nil, err
	}
	release(res.Usage.CostUSD)
	return res, nil
}
