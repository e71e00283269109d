package tiers

import (
	"context"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// benchDiffs are real PR diffs of growing size (see testdata/aacr/SOURCES.md).
var benchDiffs = []string{
	"cline__cline__5177",
	"gofr-dev__gofr__1325",
	"gofr-dev__gofr__1696",
	"google-gemini__gemini-cli__4163",
	"wavetermdev__waveterm__1755",
}

// parseDiff splits a unified git diff into one File per "diff --git"
// section; the patch is the section's text. It is deliberately minimal:
// the review package owns real diff parsing.
func parseDiff(text string) []File {
	var files []File
	for _, section := range strings.Split(text, "\ndiff --git ") {
		section = strings.TrimPrefix(section, "diff --git ")
		if strings.TrimSpace(section) == "" {
			continue
		}
		f := File{Status: "modified", Patch: "diff --git " + section}
		header, _, _ := strings.Cut(section, "\n")
		if _, b, ok := strings.Cut(header, " b/"); ok {
			f.Path = b
		}
		for _, line := range strings.Split(section, "\n") {
			switch {
			case strings.HasPrefix(line, "+++ "), strings.HasPrefix(line, "--- "):
			case strings.HasPrefix(line, "new file mode"):
				f.Status = "added"
			case strings.HasPrefix(line, "deleted file mode"):
				f.Status = "deleted"
			case strings.HasPrefix(line, "+"):
				f.Added++
			case strings.HasPrefix(line, "-"):
				f.Removed++
			}
		}
		f.Language = benchLanguage(f.Path)
		files = append(files, f)
	}
	return files
}

// benchLanguage names a few languages by extension, enough for prompts.
func benchLanguage(p string) string {
	return map[string]string{".go": "Go", ".ts": "TypeScript", ".tsx": "TypeScript", ".js": "JavaScript", ".md": "Markdown", ".json": "JSON", ".yml": "YAML", ".yaml": "YAML", ".scss": "SCSS"}[path.Ext(p)]
}

func loadBenchDiff(tb testing.TB, name string) (string, []File) {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "aacr", name+".diff"))
	if err != nil {
		tb.Fatal(err)
	}
	return string(data), parseDiff(string(data))
}

func TestParseDiff(t *testing.T) {
	_, files := loadBenchDiff(t, "gofr-dev__gofr__1325")
	if len(files) != 5 || files[0].Path == "" || !strings.HasPrefix(files[0].Patch, "diff --git a/") {
		t.Fatalf("parsed %d files, first %+v", len(files), files[0].Path)
	}
	for _, f := range files {
		if f.Added+f.Removed == 0 {
			t.Errorf("%s: no changed lines counted", f.Path)
		}
	}
}

// BenchmarkPlan reports, per diff and tier, how many prompt tokens a PR
// costs per token of diff, how many calls it takes and its estimated price
// with the default models.
func BenchmarkPlan(b *testing.B) {
	for _, name := range benchDiffs {
		text, files := loadBenchDiff(b, name)
		in := Input{PR: PR{Repo: name, Title: "benchmark", Body: "Benchmark PR."}, Files: files}
		for _, tier := range []Tier{Free, Team} {
			b.Run(name+"/"+string(tier), func(b *testing.B) {
				var p *PlanResult
				for b.Loop() {
					var err error
					if p, err = Plan(Config{}, tier, in); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(p.Usage.InputTokens+p.Usage.CacheReadTokens+p.Usage.CacheWriteTokens)/float64(EstimateTokens(text)), "prompt_tok/diff_tok")
				b.ReportMetric(float64(len(p.Calls)), "calls/PR")
				b.ReportMetric(p.Usage.CostUSD, "USD/PR")
				b.ReportMetric(float64(len(files)), "files")
			})
		}
	}
}

// benchPR40 is a 40-file PR made of the benchmark diffs' file sections.
func benchPR40(b *testing.B) Input {
	var files []File
	for _, name := range benchDiffs {
		_, fs := loadBenchDiff(b, name)
		files = append(files, fs...)
	}
	if len(files) < 40 {
		b.Fatalf("only %d files", len(files))
	}
	return Input{PR: PR{Repo: "bench/forty", Title: "40 files", Body: "A large PR."}, Files: files[:40]}
}

// BenchmarkRun40Files runs a 40-file Team review through Engine.Run, the
// real SDK and a fake Bedrock that takes 300ms per call. With 10K tokens
// per call the PR splits into three summary and three review chunks, each
// purpose within the default MaxConcurrency of 4, so the run takes about
// one call; with a PR-specific prefix worth caching the first chunk of each
// purpose goes alone to write the cache, so it takes about two.
func BenchmarkRun40Files(b *testing.B) {
	const latency = 300 * time.Millisecond
	cachedPrefix := strings.Repeat("Check error handling and context propagation in every changed function. ", 300) // ~5.5K tokens
	for _, variant := range []struct {
		name         string
		instructions string
	}{
		{"small-prefix", ""},
		{"cached-prefix", cachedPrefix},
	} {
		b.Run(variant.name, func(b *testing.B) {
			summary := toolAnswer(ToolSummary, map[string]any{"summary": "s", "walkthrough": []any{}, "risk": "low", "labels": []any{}}, smallUsage)
			review := toolAnswer(ToolReview, map[string]any{"findings": []any{}}, smallUsage)
			summary.Delay, review.Delay = latency, latency
			newFakeBedrock(b, byTool(summary, review))
			cfg := fastConfig()
			cfg.ChunkTokens = 10_000 // split the ~29K-token diff into a few review chunks
			in := benchPR40(b)
			in.Instructions = variant.instructions
			e, err := NewEngine(context.Background(), cfg)
			if err != nil {
				b.Fatal(err)
			}
			var res *Result
			start := time.Now()
			for b.Loop() {
				if res, err = e.Run(context.Background(), Team, in); err != nil {
					b.Fatal(err)
				}
			}
			wall := time.Since(start) / time.Duration(b.N)
			b.ReportMetric(float64(res.Usage.Calls), "calls/PR")
			b.ReportMetric(float64(wall.Milliseconds()), "wall_ms/PR")
			b.ReportMetric(float64(wall)/float64(latency), "wall/longest_call")
		})
	}
}
