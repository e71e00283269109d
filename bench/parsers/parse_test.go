// Package parsers compares review.ParseGitDiff with three other Go diff
// parsers on the same input, in one run. It is its own module so that the
// other parsers never become dependencies of reviewbot's binary; nothing
// here runs in the main module's tests. bench/all.sh runs it:
//
//	REVIEWBOT_BENCH_DIFF=/tmp/big.diff go test -run '^$' -bench . -benchtime 5x
//
// Each parser gets the whole diff as bytes and must produce its own file
// list; the ns/op, MB/s and the files each found are reported side by side.
package parsers

import (
	"bytes"
	"os"
	"testing"

	"github.com/bluekeyes/go-gitdiff/gitdiff"
	"github.com/reviewbot/reviewbot/review"
	rddiff "github.com/reviewdog/reviewdog/diff"
	godiff "github.com/sourcegraph/go-diff/diff"
)

func input(b *testing.B) []byte {
	p := os.Getenv("REVIEWBOT_BENCH_DIFF")
	if p == "" {
		b.Skip("set REVIEWBOT_BENCH_DIFF to a git diff (bench/all.sh builds one)")
	}
	data, err := os.ReadFile(p)
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// BenchmarkParse is one sub-benchmark per parser. reviewbot's parser also
// numbers every line and checks hunk counts, which the others do in part
// or not at all (see docs/benchmarks/review.md).
func BenchmarkParse(b *testing.B) {
	data := input(b)
	parsers := []struct {
		name  string
		parse func([]byte) (int, error)
	}{
		{"reviewbot", func(d []byte) (int, error) {
			r, err := review.ParseGitDiff(d)
			if r == nil {
				return 0, err
			}
			return len(r.Files), err
		}},
		{"sourcegraph-go-diff", func(d []byte) (int, error) {
			fs, err := godiff.ParseMultiFileDiff(d)
			return len(fs), err
		}},
		{"bluekeyes-go-gitdiff", func(d []byte) (int, error) {
			fs, _, err := gitdiff.Parse(bytes.NewReader(d))
			return len(fs), err
		}},
		{"reviewdog-diff", func(d []byte) (int, error) {
			fs, err := rddiff.ParseMultiFile(bytes.NewReader(d))
			return len(fs), err
		}},
	}
	for _, p := range parsers {
		b.Run(p.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			files := 0
			var err error
			for b.Loop() {
				files, err = p.parse(data)
			}
			if err != nil {
				// Reported, not fatal: a parser that stops at the first
				// construct it does not know is part of the comparison.
				b.Logf("%s: %v", p.name, err)
			}
			b.ReportMetric(float64(files), "files")
		})
	}
}
