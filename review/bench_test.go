package review

import (
	"bytes"
	"context"
	"fmt"
	"github.com/reviewbot/reviewbot/gitrepo"
	"io"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/reviewbot/reviewbot/codebase"
	"github.com/reviewbot/reviewbot/tiers"
)

// benchMinBytes is the smallest input the diff benchmarks accept when they
// build their own: large enough that per-call overheads vanish and the
// number reflects a very large pull request (docs/benchmarks/review.md).
const benchMinBytes = 20 << 20

// benchDiffEnv names a real diff file to benchmark instead of the built-in
// input; bench/diff-throughput.sh sets it to a git diff of two versions of
// a large Go module.
const benchDiffEnv = "REVIEWBOT_BENCH_DIFF"

var benchInput struct {
	once sync.Once
	data []byte
	desc string
	err  error
}

// benchDiff returns the diff the benchmarks parse: the file named by
// REVIEWBOT_BENCH_DIFF, else the AACR-Bench pull-request diffs in
// testdata/bench/aacr repeated until they reach benchMinBytes. It is built
// once per test binary and shared by every benchmark.
func benchDiff(b *testing.B) ([]byte, string) {
	b.Helper()
	benchInput.once.Do(func() {
		if p := os.Getenv(benchDiffEnv); p != "" {
			benchInput.data, benchInput.err = os.ReadFile(p)
			benchInput.desc = p
			return
		}
		benchInput.data, benchInput.desc, benchInput.err = repeatedAACR(filepath.Join("testdata", "bench", "aacr"), benchMinBytes)
	})
	if benchInput.err != nil {
		b.Fatal(benchInput.err)
	}
	return benchInput.data, benchInput.desc
}

// repeatedAACR concatenates the *.diff files of dir (sorted by name) and
// repeats them until the result has at least minBytes bytes. Every copy of
// every PR diff gets its own path prefix ("c0001-07/..." for copy 1 of the
// 7th diff) so that the file paths stay unique, as they are in one real
// diff (two PRs of one project touch the same files); only header paths
// are rewritten, hunk bodies are byte for byte the originals.
func repeatedAACR(dir string, minBytes int) ([]byte, string, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.diff"))
	if err != nil {
		return nil, "", err
	}
	if len(names) == 0 {
		return nil, "", fmt.Errorf("no *.diff in %s", dir)
	}
	sort.Strings(names)
	var one [][]byte
	size := 0
	for _, n := range names {
		data, err := os.ReadFile(n)
		if err != nil {
			return nil, "", err
		}
		if len(data) > 0 && data[len(data)-1] != '\n' {
			data = append(data, '\n')
		}
		one = append(one, data)
		size += len(data)
	}
	copies := (minBytes + size - 1) / size
	var out bytes.Buffer
	out.Grow(copies * (size + size/8))
	for c := 1; c <= copies; c++ {
		for k, data := range one {
			prefixPaths(&out, data, fmt.Sprintf("c%04d-%02d/", c, k+1))
		}
	}
	desc := fmt.Sprintf("%d AACR-Bench PR diffs (%d bytes) x %d copies", len(names), size, copies)
	return out.Bytes(), desc, nil
}

// prefixPaths writes diff to out with prefix inserted after the a/ and b/
// of every path in the file headers ("diff --git", "---", "+++", and the
// rename/copy lines, which carry no a/ b/). Lines inside hunks are copied
// unchanged even when they look like headers ("--- a/x" is a deleted line
// there).
func prefixPaths(out *bytes.Buffer, diff []byte, prefix string) {
	inHeader := false
	for len(diff) > 0 {
		line := diff
		if i := bytes.IndexByte(diff, '\n'); i >= 0 {
			line = diff[:i+1]
		}
		diff = diff[len(line):]
		switch {
		case bytes.HasPrefix(line, []byte("diff --git ")):
			inHeader = true
			rest := line[len("diff --git "):]
			// "a/OLD b/NEW": the last " b/" separates the two paths (a
			// quoted or space-containing path is rare enough to leave as
			// is for a benchmark input).
			if i := bytes.LastIndex(rest, []byte(" b/")); bytes.HasPrefix(rest, []byte("a/")) && i > 0 {
				out.WriteString("diff --git a/" + prefix)
				out.Write(rest[2 : i+3])
				out.WriteString(prefix)
				out.Write(rest[i+3:])
				continue
			}
		case bytes.HasPrefix(line, []byte("@@")):
			inHeader = false
		case inHeader:
			if p := headerPathStart(line); p > 0 {
				out.Write(line[:p])
				out.WriteString(prefix)
				out.Write(line[p:])
				continue
			}
		}
		out.Write(line)
	}
}

// headerPathStart returns where the path starts in a header line that
// names one (after "--- a/", "+++ b/", "rename from ", ...), or 0.
func headerPathStart(line []byte) int {
	for _, p := range []string{"--- a/", "+++ b/", "rename from ", "rename to ", "copy from ", "copy to "} {
		if bytes.HasPrefix(line, []byte(p)) {
			return len(p)
		}
	}
	return 0
}

// BenchmarkParseGitDiff measures ParseGitDiff on a diff of at least 20 MB
// (or REVIEWBOT_BENCH_DIFF). MB/s is input bytes per second.
func BenchmarkParseGitDiff(b *testing.B) {
	data, desc := benchDiff(b)
	d, err := ParseGitDiff(data)
	if err != nil {
		b.Fatalf("%s: %v", desc, err)
	}
	if len(d.Unparsed) > 0 {
		// Worth knowing, not fatal: a foreign diff may hold sections the
		// parser rejects on purpose; they are reported, not dropped.
		b.Logf("%s: %d unparsed file sections, first %q: %v", desc, len(d.Unparsed), d.Unparsed[0].Path, d.Unparsed[0].Err)
	}
	files, lines := diffSize(d)
	b.Logf("%s: %.1f MB, %d files, %d hunk lines", desc, float64(len(data))/1e6, files, lines)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseGitDiff(data); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(files), "files/op")
	b.ReportMetric(float64(lines), "lines/op")
}

func diffSize(d *Diff) (files, lines int) {
	for _, f := range d.Files {
		for _, h := range f.Hunks {
			lines += len(h.Lines)
		}
	}
	return len(d.Files), lines
}

// anchorTarget is one line of a parsed diff, addressed as a review comment
// would address it.
type anchorTarget struct {
	path string
	line int
	side Side
}

// BenchmarkAnchor anchors every line of the parsed benchmark diff in turn
// (added and context lines on RIGHT, deleted lines on LEFT); one op is one
// Anchor call. Before timing it checks that every one of them anchors
// inline, which is the property the anchoring exists for.
func BenchmarkAnchor(b *testing.B) {
	data, desc := benchDiff(b)
	d, err := ParseGitDiff(data)
	if err != nil {
		b.Fatalf("%s: %v", desc, err)
	}
	var targets []anchorTarget
	for _, f := range d.Files {
		path := f.Path()
		for _, h := range f.Hunks {
			for _, l := range h.Lines {
				t := anchorTarget{path: path, line: l.NewLine, side: SideRight}
				if l.Kind == LineDeleted {
					t.line, t.side = l.OldLine, SideLeft
				}
				targets = append(targets, t)
			}
		}
	}
	if len(targets) == 0 {
		b.Fatalf("%s: no hunk lines to anchor", desc)
	}
	for _, t := range targets {
		if a := d.Anchor(t.path, t.line, t.line, t.side); a.Kind != AnchorInline {
			b.Fatalf("%s: %s:%d (%s) anchors as %s: %s", desc, t.path, t.line, t.side, a.Kind, a.Reason)
		}
	}
	b.Logf("%s: %d anchors per pass", desc, len(targets))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		t := &targets[i]
		if a := d.Anchor(t.path, t.line, t.line, t.side); a.Kind != AnchorInline {
			b.Fatal(a.Reason)
		}
		if i++; i == len(targets) {
			i = 0
		}
	}
}

// BenchmarkDryRun runs what `reviewbot review --dry-run` does on the local
// range REVIEWBOT_BENCH_REPO, REVIEWBOT_BENCH_BASE..REVIEWBOT_BENCH_HEAD
// (head defaults to HEAD), with the default configuration, and reports the
// time of each stage in ms/op: resolving the range and describing it
// (git rev-parse, git log), reading the diff (git diff), parsing it, and
// review.Run (filter, codebase analysis, routing, prompt planning). Add
// -cpuprofile to see inside review.Run. bench/dryrun-walltime.sh builds
// such a range; without the variables the benchmark is skipped.
func BenchmarkDryRun(b *testing.B) {
	repo, base := os.Getenv("REVIEWBOT_BENCH_REPO"), os.Getenv("REVIEWBOT_BENCH_BASE")
	if repo == "" || base == "" {
		b.Skip("set REVIEWBOT_BENCH_REPO and REVIEWBOT_BENCH_BASE (and optionally REVIEWBOT_BENCH_HEAD) to a local git range")
	}
	head := os.Getenv("REVIEWBOT_BENCH_HEAD")
	ctx := context.Background()
	models := tiers.ConfigFromEnv(func(string) string { return "" })
	var resolve, gitDiff, parse, run time.Duration
	for b.Loop() {
		t0 := time.Now()
		r, err := gitrepo.ResolveRange(ctx, repo, base, head)
		if err != nil {
			b.Fatal(err)
		}
		title, body := r.Describe(ctx)
		t1 := time.Now()
		raw, err := r.Diff(ctx)
		if err != nil {
			b.Fatal(err)
		}
		t2 := time.Now()
		d, err := ParseGitDiff(raw)
		if err != nil {
			b.Fatal(err)
		}
		t3 := time.Now()
		headTree, baseTree := codebase.GitTree(r.Dir, r.Head), codebase.GitTree(r.Dir, r.Base)
		job := Job{
			Repo: r.Name, Base: r.Base, Head: r.Head, Diff: d,
			BaseTree: baseTree, HeadTree: headTree, Config: DefaultConfig(), DryRun: true,
			PR: tiers.PR{Repo: r.Name, BaseRef: r.BaseRef, HeadRef: r.HeadRef, HeadSHA: r.Head, Title: title, Body: body},
		}
		if _, err := Run(ctx, job, tiers.NewPlanner(models)); err != nil {
			b.Fatal(err)
		}
		t4 := time.Now()
		for _, s := range []codebase.Source{headTree, baseTree} {
			if c, ok := s.(io.Closer); ok {
				c.Close()
			}
		}
		resolve += t1.Sub(t0)
		gitDiff += t2.Sub(t1)
		parse += t3.Sub(t2)
		run += t4.Sub(t3)
	}
	n := float64(b.N) * float64(time.Millisecond)
	b.ReportMetric(float64(resolve)/n, "resolve-ms/op")
	b.ReportMetric(float64(gitDiff)/n, "gitdiff-ms/op")
	b.ReportMetric(float64(parse)/n, "parse-ms/op")
	b.ReportMetric(float64(run)/n, "run-ms/op")
}
