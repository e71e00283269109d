package review

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/reviewbot/reviewbot/codebase"
	"github.com/reviewbot/reviewbot/languages"
	"github.com/reviewbot/reviewbot/tiers"
)

// Model runs one tier on prepared input and plans what a run would cost;
// *tiers.Engine implements it. Planning and running through the same value
// means the estimate (dry run, cost cap) and the calls use one model
// configuration. tiers.NewPlanner plans without any credentials.
type Model interface {
	Run(ctx context.Context, tier tiers.Tier, in tiers.Input) (*tiers.Result, error)
	Plan(tier tiers.Tier, in tiers.Input) (*tiers.PlanResult, error)
}

var _ Model = (*tiers.Engine)(nil)

// Job is one review to run: a parsed diff, the trees around it and the
// configuration. Every entry point (CLI, Action, App) builds a Job and calls
// Run; nothing below knows where the job came from.
type Job struct {
	Repo     string
	Base     string // base commit SHA
	Head     string // head commit SHA
	Diff     *Diff
	BaseTree codebase.Source // nil when unavailable
	HeadTree codebase.Source // nil when unavailable
	PR       tiers.PR
	Config   Config
	// Tier is the requested tier; "" means Config.Tier.
	Tier tiers.Tier
	// MaxTier caps the tier (the installation's plan); "" means no cap.
	MaxTier tiers.Tier
	// Since, when not nil, is the diff of the commits since the last
	// reviewed one: findings cover only the parts of Diff it touches,
	// while the summary still describes the whole PR.
	Since  *Diff
	DryRun bool
	// ShowPrompts keeps the assembled prompts of a dry run in the result.
	ShowPrompts bool
	// WebURL is the repository's web address on GitHub ("" when not on
	// GitHub); the summary links path:line locations under it.
	WebURL string
	// Notes are carried into the result (e.g. configuration warnings).
	Notes  []string
	Logger *slog.Logger
}

// Run reviews a job with model. With DryRun it does everything except
// calling the model (a planner from tiers.NewPlanner is enough) and
// reports an estimated usage.
func Run(ctx context.Context, job Job, model Model) (*Result, error) {
	if model == nil {
		return nil, errors.New("review.Run needs a model or, for a dry run, tiers.NewPlanner")
	}
	start := time.Now()
	log := job.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	res := newResult()
	res.Repo, res.Base, res.Head, res.DryRun, res.WebURL = job.Repo, job.Base, job.Head, job.DryRun, job.WebURL
	res.Notes = append(res.Notes, job.Notes...)

	var content func(string) []byte
	if job.HeadTree != nil {
		content = func(p string) []byte {
			b, err := job.HeadTree.ReadFile(ctx, p)
			if err != nil {
				return nil
			}
			return b
		}
	}
	if job.Diff.File(ConfigPath) != nil {
		res.Notes = append(res.Notes, "this change edits "+ConfigPath+"; the review used the base branch's configuration, and the edit takes effect once merged (a PR cannot reconfigure its own review)")
	}
	kept, skipped := FilterFiles(job.Diff, &job.Config, content)
	res.Skipped = append(res.Skipped, skipped...)
	for _, f := range kept {
		if f.Note != "" {
			res.Notes = append(res.Notes, f.Path()+": "+f.Note)
		}
	}
	res.Files = fileEntries(job.Diff, kept)

	requested := job.Tier
	if requested == "" {
		requested = tiers.Tier(job.Config.Tier)
	}
	decision := tiers.Route(requested, signals(kept, skipped))
	if job.MaxTier == tiers.Free && decision.Tier == tiers.Team {
		decision = tiers.Decision{Tier: tiers.Free, Reason: decision.Reason + "; capped to free by the installation's plan"}
	}
	res.Tier, res.RouteReason = string(decision.Tier), decision.Reason

	if len(kept) == 0 {
		res.Summary = "Nothing to review: " + nothingReason(job.Diff, skipped)
		res.Risk = "low"
		res.Usage.Estimated = job.DryRun
		res.DurationMS = time.Since(start).Milliseconds()
		return res, nil
	}

	analysis, notes, err := analyze(ctx, job, kept, log)
	if err != nil {
		return nil, err
	}
	res.Notes = append(res.Notes, notes...)
	if analysis != nil && (decision.Tier == tiers.Team || job.DryRun) {
		for _, im := range analysis.Impact {
			res.Impact = append(res.Impact, Impact{Symbol: im.Symbol, Summary: im.Summary, Locations: nonNil(im.Locations)})
		}
	}

	in := buildInput(job, kept, analysis)
	if job.Since != nil {
		focus, note := focusFiles(kept, job.Since)
		in.ReviewFiles = inputFiles(focus)
		res.Notes = append(res.Notes, note)
	}
	in.CheckFinding = func(f tiers.Finding) error { return checkFinding(job.Diff, content, f) }

	if job.DryRun {
		plan, err := model.Plan(decision.Tier, in)
		if err != nil {
			return nil, fmt.Errorf("plan model calls: %w", err)
		}
		res.Usage = plan.Usage
		res.Usage.Estimated = true
		res.Notes = append(res.Notes, plan.Notes...)
		for _, c := range plan.Calls {
			pc := PlannedCall{Model: c.Model, Purpose: c.Purpose, Files: c.Files, InputTokens: c.InputTokens, MaxOutputTokens: c.MaxOutputTokens}
			if job.ShowPrompts {
				pc.System, pc.Prompt = c.System, c.Prompt
			}
			res.Planned = append(res.Planned, pc)
		}
		for _, u := range plan.Unreviewed {
			res.Skipped = append(res.Skipped, SkippedFile{Path: u.Path, Reason: u.Reason})
			res.markUnreviewed(u.Path)
		}
		res.Summary, res.Risk = dryRunSummary(kept, decision, plan)
		if c := job.Config.MaxCostUSD; c > 0 && plan.Usage.CostUSD > c {
			res.Notes = append(res.Notes, fmt.Sprintf("the estimated cost $%.2f is over max_cost_usd $%.2f: a real run would fall back to the free tier or stop", plan.Usage.CostUSD, c))
		}
		res.DurationMS = time.Since(start).Milliseconds()
		return res, nil
	}

	decision, err = capCost(job, model, decision, in)
	if err != nil {
		return nil, err
	}
	res.Tier, res.RouteReason = string(decision.Tier), decision.Reason
	if decision.Tier != tiers.Team {
		// The cap moved the review to free, whose output has no impact list.
		res.Impact = []Impact{}
	}
	out, err := model.Run(ctx, decision.Tier, in)
	if err != nil {
		return nil, fmt.Errorf("review with the %s tier: %w", decision.Tier, err)
	}
	res.Model = out.Model
	res.Usage = out.Usage
	res.Notes = append(res.Notes, out.Notes...)
	res.Summary, res.Risk, res.Labels = SanitizeProse(out.Summary.Summary), out.Summary.Risk, nonNil(out.Summary.Labels)
	for _, w := range out.Summary.Walkthrough {
		res.Walkthrough = append(res.Walkthrough, WalkthroughRow{Path: w.Path, Change: SanitizeProse(w.Change)})
	}
	for _, u := range out.Unreviewed {
		res.Skipped = append(res.Skipped, SkippedFile{Path: u.Path, Reason: "not reviewed by the model: " + u.Reason})
		res.markUnreviewed(u.Path)
	}
	if n := len(out.Dropped); n > 0 {
		res.Notes = append(res.Notes, fmt.Sprintf("%d invalid item(s) in the model's reply were discarded: %s", n, droppedSummary(out.Dropped)))
	}
	if decision.Tier == tiers.Team && len(out.Impact) > 0 {
		res.Impact = mergeImpact(res.Impact, out.Impact)
	}
	res.Findings, res.Notes = placeFindings(job.Diff, &job.Config, out.Findings, res.Notes)
	res.DurationMS = time.Since(start).Milliseconds()
	return res, nil
}

// markUnreviewed records that a file the filter kept was not reviewed
// after all (the planner could not fit it, or its model call failed).
func (r *Result) markUnreviewed(path string) {
	for i := range r.Files {
		if r.Files[i].Path == path {
			r.Files[i].Reviewed = false
		}
	}
}

// analyze finds the codebase context and impact of the kept files. They
// are found in the code, not by the model; a failure degrades the review
// (said in the notes), it does not stop it. Only cancellation is an error.
func analyze(ctx context.Context, job Job, kept []ReviewFile, log *slog.Logger) (*codebase.Analysis, []string, error) {
	if job.HeadTree == nil {
		return nil, []string{"no repository tree was available, so the review has no codebase context or impact list"}, nil
	}
	a, err := codebase.Analyze(ctx, codebase.Options{Base: job.BaseTree, Head: job.HeadTree, Changes: append(changes(kept), skippedChanges(job.Diff, kept)...)})
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		log.Warn("codebase analysis failed", "err", err)
		return nil, []string{"codebase analysis failed, so the review has no context or impact list: " + err.Error()}, nil
	}
	return a, a.Notes, nil
}

// Prepare assembles the model input of a job — filtered files with their
// numbered patches, codebase context, impact — without calling or planning
// any model: what a question about the pull request is answered from.
// paths, when not empty, keeps only those files.
func Prepare(ctx context.Context, job Job, paths ...string) (tiers.Input, []SkippedFile, error) {
	log := job.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	kept, skipped := FilterFiles(job.Diff, &job.Config, func(p string) []byte {
		if job.HeadTree == nil {
			return nil
		}
		b, _ := job.HeadTree.ReadFile(ctx, p)
		return b
	})
	if len(paths) > 0 {
		var only []ReviewFile
		for _, f := range kept {
			for _, p := range paths {
				if f.Path() == p {
					only = append(only, f)
				}
			}
		}
		kept = only
	}
	a, _, err := analyze(ctx, job, kept, log)
	if err != nil {
		return tiers.Input{}, nil, err
	}
	return buildInput(job, kept, a), skipped, nil
}

// ErrCostCap is returned when even the cheapest tier's estimate is over the
// configured max_cost_usd.
var ErrCostCap = errors.New("estimated cost over max_cost_usd")

// capCost checks the planner's estimate against max_cost_usd before any
// model is called: over the cap, a team review falls back to the free tier
// when that fits, and otherwise nothing is spent.
func capCost(job Job, model Model, d tiers.Decision, in tiers.Input) (tiers.Decision, error) {
	limit := job.Config.MaxCostUSD
	if limit <= 0 {
		return d, nil
	}
	plan, err := model.Plan(d.Tier, in)
	if err != nil {
		return d, fmt.Errorf("estimate the cost: %w", err)
	}
	if plan.Usage.CostUSD <= limit {
		return d, nil
	}
	if d.Tier == tiers.Team {
		free, err := model.Plan(tiers.Free, in)
		if err == nil && free.Usage.CostUSD <= limit {
			return tiers.Decision{Tier: tiers.Free, Reason: fmt.Sprintf("%s; the team tier's estimated $%.2f is over max_cost_usd $%.2f, so free", d.Reason, plan.Usage.CostUSD, limit)}, nil
		}
	}
	return d, fmt.Errorf("%w: the %s tier would cost about $%.2f, the cap is $%.2f (%s); raise max_cost_usd in %s, or narrow the review with paths.exclude", ErrCostCap, d.Tier, plan.Usage.CostUSD, limit, job.Config.Origins["max_cost_usd"], ConfigPath)
}

// placeFindings anchors each finding, strips suggestions that GitHub could
// not apply, applies min_severity and max_comments, and orders the result.
// Nothing is dropped without a note saying so.
func placeFindings(d *Diff, cfg *Config, in []tiers.Finding, notes []string) ([]Finding, []string) {
	out := []Finding{}
	hidden := 0
	for _, f := range in {
		if SeverityRank(f.Severity) > SeverityRank(cfg.MinSeverity) {
			hidden++
			continue
		}
		a := d.Anchor(f.Path, f.StartLine, f.Line, Side(orDefault(f.Side, string(SideRight))))
		rf := Finding{
			Path: a.Path, Line: a.Line, StartLine: a.StartLine, Side: string(a.Side),
			Severity: f.Severity, Category: f.Category, Title: SanitizeProse(f.Title), Body: SanitizeProse(f.Body),
			Suggestion: f.Suggestion, Anchor: string(a.Kind), AnchorReason: a.Reason,
		}
		var lines []string
		if file := d.File(f.Path); file != nil {
			lines, _ = file.LinesOf(a.Side, a.StartLine, a.Line)
		}
		if rf.Suggestion != "" {
			switch {
			case !a.Suggestion:
				rf.AnchorReason = joinReason(rf.AnchorReason, "suggestion not attached: it must replace RIGHT-side lines of one hunk")
				rf.Body += "\n\nSuggested replacement (could not be attached as a committable suggestion):\n" + Fence(rf.Suggestion, "")
				rf.Suggestion = ""
			case strings.TrimRight(rf.Suggestion, "\n") == strings.Join(lines, "\n"):
				// A suggestion identical to the current lines is noise.
				rf.Suggestion = ""
			}
		}
		rf.Fingerprint = Fingerprint(rf.Path, rf.Category, rf.Title, lines)
		out = append(out, rf)
	}
	if hidden > 0 {
		notes = append(notes, fmt.Sprintf("%d finding(s) below min_severity %q were not shown", hidden, cfg.MinSeverity))
	}
	sort.SliceStable(out, func(i, j int) bool {
		if ri, rj := SeverityRank(out[i].Severity), SeverityRank(out[j].Severity); ri != rj {
			return ri < rj
		}
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		return out[i].Line < out[j].Line
	})
	// Over max_comments, the least severe findings leave the diff but stay
	// in the summary: a limit on noise, not a loss of findings.
	inline := 0
	for i := range out {
		if out[i].Anchor == string(AnchorSummary) {
			continue
		}
		inline++
		if inline > cfg.MaxComments {
			out[i].Anchor = string(AnchorSummary)
			out[i].AnchorReason = joinReason(out[i].AnchorReason, fmt.Sprintf("over max_comments (%d)", cfg.MaxComments))
		}
	}
	return out, notes
}

func joinReason(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

// checkFinding is the diff-level validation of one model finding: the path
// must be in the diff and the lines must exist in the file.
func checkFinding(d *Diff, content func(string) []byte, f tiers.Finding) error {
	file := d.File(f.Path)
	if file == nil {
		return fmt.Errorf("path %q is not in the diff", f.Path)
	}
	if f.Line < 1 || (f.StartLine != 0 && (f.StartLine < 1 || f.StartLine > f.Line)) {
		return fmt.Errorf("invalid line range %d-%d", f.StartLine, f.Line)
	}
	if Side(f.Side) == SideLeft {
		if file.OldPath == "" {
			return errors.New("LEFT side on a new file")
		}
		return nil
	}
	if file.NewPath == "" {
		return errors.New("RIGHT side on a deleted file")
	}
	if content != nil {
		if data := content(file.NewPath); data != nil {
			if n := strings.Count(string(data), "\n") + 1; f.Line > n {
				return fmt.Errorf("line %d is past the end of %s (%d lines)", f.Line, f.Path, n)
			}
		}
	}
	return nil
}

func droppedSummary(ds []tiers.Dropped) string {
	reasons := map[string]int{}
	for _, d := range ds {
		reasons[d.Reason]++
	}
	var parts []string
	for r, n := range reasons {
		parts = append(parts, fmt.Sprintf("%d× %s", n, r))
	}
	sort.Strings(parts)
	return strings.Join(parts, "; ")
}

// mergeImpact adds the model's explanations to the statically found impact
// entries. Locations always come from the static analysis.
func mergeImpact(static []Impact, notes []tiers.ImpactNote) []Impact {
	for _, n := range notes {
		for i := range static {
			if static[i].Symbol == n.Symbol && strings.TrimSpace(n.Summary) != "" {
				static[i].Summary = SanitizeProse(n.Summary)
			}
		}
	}
	return static
}

// signals measures what the auto router decides from: the tiers' own
// measure of the reviewed files, with what only the filter knows about
// documentation (linguist's rules) and about files already skipped as
// generated, vendored or lock files.
func signals(kept []ReviewFile, skipped []SkippedFile) tiers.Signals {
	files := make([]tiers.File, 0, len(kept))
	docs := len(kept) > 0
	for _, f := range kept {
		files = append(files, tiers.File{Path: f.Path(), OldPath: f.OldPath, Language: f.Language, Added: f.Additions, Removed: f.Deletions})
		docs = docs && f.Docs
	}
	s := tiers.MeasureSignals(files)
	s.DocsOnly = docs
	s.GeneratedOnly = len(kept) == 0 && len(skipped) > 0
	return s
}

// skippedChanges are the files the review leaves out (generated, vendored,
// too large): their definitions still change under the code that uses
// them, so the impact analysis traces them, without context items. A
// generated client regenerated by a PR is where most of its callers'
// breakage comes from.
func skippedChanges(d *Diff, kept []ReviewFile) []codebase.Change {
	in := map[*FileDiff]bool{}
	for _, f := range kept {
		in[f.FileDiff] = true
	}
	var rest []ReviewFile
	for _, f := range d.Files {
		if !in[f] && !f.Binary && len(f.Hunks) > 0 {
			rest = append(rest, ReviewFile{FileDiff: f, Language: languages.Detect(f.Path(), nil)})
		}
	}
	out := changes(rest)
	for i := range out {
		out[i].Skipped = true
	}
	return out
}

func changes(kept []ReviewFile) []codebase.Change {
	out := make([]codebase.Change, 0, len(kept))
	for _, f := range kept {
		c := codebase.Change{Path: f.NewPath, OldPath: f.OldPath, Status: string(f.Status), Language: f.Language}
		for _, h := range f.Hunks {
			for _, l := range h.Lines {
				switch l.Kind {
				case LineAdded:
					c.Added = append(c.Added, l.NewLine)
				case LineDeleted:
					c.Removed = append(c.Removed, l.OldLine)
				}
			}
		}
		out = append(out, c)
	}
	return out
}

// buildInput turns the domain into the tiers' input: untrusted text stays
// data, numbered so that findings can cite lines exactly.
func buildInput(job Job, kept []ReviewFile, a *codebase.Analysis) tiers.Input {
	in := tiers.Input{
		PR:             job.PR,
		Instructions:   job.Config.Instructions,
		ReviewLanguage: job.Config.Language,
		LanguageNotes:  map[string][]string{},
	}
	for _, pi := range job.Config.PathInstructions {
		in.PathInstructions = append(in.PathInstructions, tiers.PathInstruction{Glob: pi.Glob, Text: pi.Text})
	}
	in.Files = inputFiles(kept)
	for _, f := range kept {
		if l, ok := languages.Lookup(f.Language); ok && len(l.ReviewChecks) > 0 {
			in.LanguageNotes[f.Language] = l.ReviewChecks
		}
	}
	if a != nil {
		for _, c := range a.Context {
			// Code the hunk already shows the model is not context.
			if f := job.Diff.File(c.Path); f != nil && f.NewPath == c.Path {
				if h := f.hunkAt(SideRight, c.EndLine); h != nil && h.Covers(SideRight, c.StartLine) {
					continue
				}
			}
			in.Context = append(in.Context, tiers.ContextItem{Path: c.Path, StartLine: c.StartLine, EndLine: c.EndLine, Kind: c.Kind, Symbol: c.Symbol, Text: c.Text})
		}
		for _, im := range a.Impact {
			in.Impact = append(in.Impact, tiers.ImpactItem{Symbol: im.Symbol, Change: im.Change, Summary: im.Summary, Locations: im.Locations})
		}
	}
	return in
}

// inputFiles is the model's view of the files to review.
func inputFiles(kept []ReviewFile) []tiers.File {
	out := make([]tiers.File, 0, len(kept))
	for _, f := range kept {
		out = append(out, tiers.File{
			Path: f.Path(), OldPath: f.OldPath, Status: string(f.Status), Language: f.Language,
			Patch: NumberedPatch(f.FileDiff), Added: f.Additions, Removed: f.Deletions,
		})
	}
	return out
}

// NumberedPatch renders a file's hunks with every line's number (the format
// tiers.File.Patch documents), so that the model cites real lines instead
// of counting.
func NumberedPatch(f *FileDiff) string {
	var b strings.Builder
	for _, h := range f.Hunks {
		fmt.Fprintf(&b, "@@ -%d,%d +%d,%d @@ %s\n", h.OldStart, h.OldLines, h.NewStart, h.NewLines, h.Section)
		for _, l := range h.Lines {
			text := strings.ToValidUTF8(l.Text, "\uFFFD")
			switch l.Kind {
			case LineDeleted:
				fmt.Fprintf(&b, "L%d -%s\n", l.OldLine, text)
			case LineAdded:
				fmt.Fprintf(&b, "R%d +%s\n", l.NewLine, text)
			default:
				fmt.Fprintf(&b, "R%d  %s\n", l.NewLine, text)
			}
		}
	}
	return b.String()
}

func fileEntries(d *Diff, kept []ReviewFile) []FileEntry {
	reviewed := map[*FileDiff]string{}
	for _, f := range kept {
		reviewed[f.FileDiff] = f.Language
	}
	out := []FileEntry{}
	for _, f := range d.Files {
		lang, ok := reviewed[f]
		if !ok && !f.Binary {
			lang = languages.Detect(f.Path(), nil)
		}
		out = append(out, FileEntry{Path: f.Path(), OldPath: f.OldPath, Status: string(f.Status), Language: lang,
			Additions: f.Additions, Deletions: f.Deletions, Binary: f.Binary, Reviewed: ok})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

func nothingReason(d *Diff, skipped []SkippedFile) string {
	if len(d.Files) == 0 && len(skipped) == 0 {
		return "the range has no changes."
	}
	return fmt.Sprintf("all %d changed file(s) were skipped (see the list below).", len(skipped))
}

// dryRunSummary describes the change from measured facts only. Its risk is
// a heuristic from the router's signals, labelled as such. Files the plan
// leaves unreviewed (too large for the model's window) are not counted as
// files to review, nor in the lines, languages or risk; they are listed as
// skipped.
func dryRunSummary(kept []ReviewFile, d tiers.Decision, plan *tiers.PlanResult) (string, string) {
	unreviewed := map[string]bool{}
	for _, u := range plan.Unreviewed {
		unreviewed[u.Path] = true
	}
	add, del, n := 0, 0, 0
	langs := map[string]int{}
	risky := 0
	for _, f := range kept {
		if unreviewed[f.Path()] {
			continue
		}
		n++
		add += f.Additions
		del += f.Deletions
		if f.Language != "" {
			langs[f.Language]++
		}
		if tiers.IsRiskyPath(f.Path()) {
			risky++
		}
	}
	var ls []string
	for l, n := range langs {
		ls = append(ls, fmt.Sprintf("%s (%d)", l, n))
	}
	sort.Strings(ls)
	risk := "low"
	switch {
	case risky > 0:
		risk = "high"
	case add+del > 400:
		risk = "medium"
	}
	s := fmt.Sprintf("Dry run: no model was called. %d file(s) to review, +%d −%d lines", n, add, del)
	if len(ls) > 0 {
		s += " in " + strings.Join(ls, ", ")
	}
	if left := len(kept) - n; left > 0 {
		s += fmt.Sprintf("; %d more would not fit the model's window and are listed as skipped", left)
	}
	s += fmt.Sprintf(". The %s tier would make %d model call(s) with about %d input tokens (estimated cost $%.4f). Risk %q is a heuristic from paths and size, not a model's judgement.",
		d.Tier, plan.Usage.Calls, plan.Usage.InputTokens, plan.Usage.CostUSD, risk)
	return s, risk
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
