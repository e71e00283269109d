package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// BenchmarkAction40Files runs `reviewbot action` on a 40-file pull request
// against the fake GitHub (which enforces one second between writes) and a
// fake Bedrock that answers after a realistic delay: REVIEWBOT_BENCH_CHEAP_MS
// and REVIEWBOT_BENCH_PREMIUM_MS (default 1500 and 6000 ms). It reports the
// wall time against the longest model call, and the number and spacing of
// GitHub writes. docs/BENCHMARKS.md records the results.
func BenchmarkAction40Files(b *testing.B) {
	cheap, premium := benchMS("REVIEWBOT_BENCH_CHEAP_MS", 1500), benchMS("REVIEWBOT_BENCH_PREMIUM_MS", 6000)
	base := map[string]string{"go.mod": "module example.com/m\n\ngo 1.22\n"}
	head := map[string]string{}
	var findings []any
	for i := range 40 {
		path := fmt.Sprintf("pkg%02d/f.go", i)
		src := fmt.Sprintf("package pkg%02d\n\n// F%d returns a value.\nfunc F%d(a int) int {\n\treturn a + %d\n}\n", i, i, i, i)
		base[path] = src
		head[path] = strings.Replace(src, fmt.Sprintf("a + %d", i), fmt.Sprintf("a * %d", i), 1)
		findings = append(findings, finding(path, 0, 5, "minor", fmt.Sprintf("F%d multiplies", i)))
	}
	var longest time.Duration
	var mu sync.Mutex
	var wall time.Duration
	var writes, minGapMS float64
	for b.Loop() {
		b.StopTimer()
		p := newActionPR(b, base, head)
		startBedrock(b, func(tool string) (int, string, string) {
			d := time.Duration(cheap) * time.Millisecond
			if tool == "submit_review" {
				d = time.Duration(premium) * time.Millisecond
			}
			time.Sleep(d)
			mu.Lock()
			longest = max(longest, d)
			mu.Unlock()
			if tool == "submit_summary" {
				return 200, "", toolUse(tool, summaryInput)
			}
			return 200, "", toolUse("submit_review", map[string]any{"findings": findings})
		})
		b.StartTimer()
		start := time.Now()
		r := p.run("opened", p.head, nil)
		wall += time.Since(start)
		b.StopTimer()
		if r.code != 0 {
			b.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		var last time.Time
		gap := time.Hour
		n := 0
		for _, q := range p.gh.Requests() {
			if !q.Write {
				continue
			}
			if n > 0 {
				gap = min(gap, q.At.Sub(last))
			}
			last = q.At
			n++
		}
		writes += float64(n)
		minGapMS += float64(gap.Milliseconds())
		b.StartTimer()
	}
	n := float64(b.N)
	b.ReportMetric(wall.Seconds()/n, "wall-s/op")
	b.ReportMetric(longest.Seconds(), "longest-call-s")
	b.ReportMetric(writes/n, "gh-writes/op")
	b.ReportMetric(minGapMS/n, "min-write-gap-ms")
}

func benchMS(key string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(key)); err == nil && v >= 0 {
		return v
	}
	return def
}
