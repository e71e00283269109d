package eval

// record is one pull request's raw outcome, before aggregation.
type record struct {
	entry  Entry
	out    *Outcome
	score  Score
	judged []Pair // nil without a judge
	err    string
	// unseen is the dry run's reason per reference index ("" = seen).
	unseen []string
}

// tally sums one row of the report.
type tally struct {
	prs, refs, findings          int
	matchedRefs, matchedFindings int
	falseAlarms, noise           int
	inTokens, outTokens          int64
	usd, seconds                 float64
	reach                        *Reach
}

func (t *tally) metrics() Metrics {
	p, r := ratio(t.matchedFindings, t.findings), ratio(t.matchedRefs, t.refs)
	m := Metrics{
		PRs: t.prs, References: t.refs, Findings: t.findings, Matched: t.matchedRefs,
		Precision: p, Recall: r, F1: f1score(p, r),
		CommentsPerPR: ratio(t.findings, t.prs), FalseAlarmsClean: t.falseAlarms,
		InputTokensPerPR:  safeDiv(float64(t.inTokens), float64(t.prs)),
		OutputTokensPerPR: safeDiv(float64(t.outTokens), float64(t.prs)),
		USDPerPR:          safeDiv(t.usd, float64(t.prs)),
		SecondsPerPR:      safeDiv(t.seconds, float64(t.prs)),
		Noise:             t.noise,
	}
	if t.reach != nil {
		rr := *t.reach
		rr.RecallCeiling = ratio(rr.Reachable, t.refs)
		rr.EstInputTokensPerPR, rr.EstOutputTokensPerPR = m.InputTokensPerPR, m.OutputTokensPerPR
		rr.EstUSDPerPR, rr.DryRunSecondsPerPR = m.USDPerPR, m.SecondsPerPR
		m.InputTokensPerPR, m.OutputTokensPerPR, m.USDPerPR, m.SecondsPerPR = 0, 0, 0, 0
		m.Reach = &rr
	}
	return m
}

// addPR adds a whole pull request with the given matching.
func (t *tally) addPR(rec *record, matched []Pair, noise map[int]bool, dry bool) {
	t.prs++
	t.refs += len(rec.entry.References)
	t.findings += len(rec.score.Findings)
	t.matchedRefs += len(matched)
	t.matchedFindings += len(matched)
	if rec.entry.Clean {
		t.falseAlarms += len(rec.score.Findings)
	}
	t.noise += len(noise)
	t.addUsage(rec)
	if dry {
		t.addReach(rec, nil)
	}
}

func (t *tally) addUsage(rec *record) {
	t.inTokens += rec.out.Usage.InputTokens + rec.out.Usage.CacheReadTokens + rec.out.Usage.CacheWriteTokens
	t.outTokens += rec.out.Usage.OutputTokens
	t.usd += rec.out.Usage.CostUSD
	t.seconds += rec.out.Duration.Seconds()
}

// addReach counts the dry run's verdicts of the references keep selects
// (all when keep is nil).
func (t *tally) addReach(rec *record, keep func(Reference) bool) {
	if t.reach == nil {
		t.reach = &Reach{Unreachable: map[string]int{}}
	}
	for i, r := range rec.entry.References {
		if keep != nil && !keep(r) {
			continue
		}
		if why := rec.unseen[i]; why == "" {
			t.reach.Reachable++
		} else {
			t.reach.Unreachable[why]++
		}
	}
}

// aggregate builds the report's rows from the scored records.
func aggregate(recs []*record, tol int, dry, judged bool) (overall Metrics, judgedM *Metrics, byLang, byCat map[string]Metrics) {
	var all, jall tally
	langs := map[string]*tally{}
	cats := map[string]*tally{}
	cat := func(c string) *tally {
		if cats[c] == nil {
			cats[c] = &tally{}
		}
		return cats[c]
	}
	for _, rec := range recs {
		if rec.err != "" {
			continue
		}
		e := rec.entry
		noise := noiseOf(rec.score.Findings, rec.score.Matched, e.Noise, tol)
		all.addPR(rec, rec.score.Matched, noise, dry)
		if langs[e.Language] == nil {
			langs[e.Language] = &tally{}
		}
		langs[e.Language].addPR(rec, rec.score.Matched, noise, dry)
		if judged {
			jn := noiseOf(rec.score.Findings, rec.judged, e.Noise, tol)
			jall.addPR(rec, rec.judged, jn, dry)
		}

		// Categories: references by theirs, findings by theirs.
		matchedRef, matchedFinding := map[int]bool{}, map[int]bool{}
		for _, p := range rec.score.Matched {
			matchedRef[p.R], matchedFinding[p.F] = true, true
		}
		for i, r := range e.References {
			t := cat(r.Category)
			t.refs++
			if matchedRef[i] {
				t.matchedRefs++
			}
		}
		for i, f := range rec.score.Findings {
			t := cat(orUncategorized(f.Category))
			t.findings++
			if matchedFinding[i] {
				t.matchedFindings++
			}
			if e.Clean {
				t.falseAlarms++
			}
			if noise[i] {
				t.noise++
			}
		}
		if dry {
			for c := range cats {
				cat(c).addReach(rec, func(r Reference) bool { return r.Category == c })
			}
		}
	}
	// A category row is per pull request of the whole corpus; cost and
	// time have no category.
	for _, t := range cats {
		t.prs = all.prs
	}
	overall = all.metrics()
	if judged {
		m := jall.metrics()
		judgedM = &m
	}
	byLang, byCat = map[string]Metrics{}, map[string]Metrics{}
	for l, t := range langs {
		byLang[l] = t.metrics()
	}
	for c, t := range cats {
		byCat[c] = t.metrics()
	}
	return overall, judgedM, byLang, byCat
}

func orUncategorized(c string) string {
	if c == "" {
		return "uncategorized"
	}
	return c
}
