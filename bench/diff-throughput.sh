#!/usr/bin/env bash
# Parse throughput of review.ParseGitDiff on a real git diff of more than
# 20 MB: two versions of a large Go module, fetched through the Go module
# proxy, committed one after the other into a scratch git repository and
# diffed with the flags reviewbot itself uses (review/git.go).
#
#   bench/diff-throughput.sh                     # ec2 v1.1.0 -> v1.300.0
#   MOD=golang.org/x/tools A=v0.10.0 B=v0.30.0 bench/diff-throughput.sh
#
# Environment: MOD, A, B (module and versions), WORK (scratch directory,
# default a new temp dir, removed at the end unless KEEP=1), BENCHTIME
# (default 5x), COUNT (default 1). Needs go, git and the module proxy.
# Results and caveats: docs/benchmarks/review.md.
set -euo pipefail

MOD=${MOD:-github.com/aws/aws-sdk-go-v2/service/ec2}
A=${A:-v1.1.0}
B=${B:-v1.300.0}
BENCHTIME=${BENCHTIME:-5x}
COUNT=${COUNT:-1}
MIN_BYTES=$((20 * 1024 * 1024))

ROOT=$(cd "$(dirname "$0")/.." && pwd)
NAME=diff-bench
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
pair_repo "$MOD" "$A" "$B"

# The same invocation as review.LocalRange.Diff, so the benchmark parses
# what `reviewbot review` would.
git -C "$REPO" -c core.quotePath=true diff --no-color --no-ext-diff --no-textconv -M \
	--src-prefix=a/ --dst-prefix=b/ A B -- >"$WORK/big.diff"
SIZE=$(wc -c <"$WORK/big.diff")
echo "== $MOD $A..$B: $(git -C "$REPO" diff -M --shortstat A B --)"
echo "== diff: $WORK/big.diff, $SIZE bytes ($(awk -v s="$SIZE" 'BEGIN{printf "%.1f", s/1e6}') MB)"
if [ "$SIZE" -lt "$MIN_BYTES" ]; then
	echo "the diff is under 20 MiB; pick versions further apart (A, B) or a bigger module (MOD)" >&2
	exit 1
fi

cd "$ROOT"
echo "== go test ./review -bench BenchmarkParseGitDiff -benchtime $BENCHTIME -count $COUNT"
REVIEWBOT_BENCH_DIFF=$WORK/big.diff go test ./review -run '^$' \
	-bench '^BenchmarkParseGitDiff$' -benchtime "$BENCHTIME" -count "$COUNT"
echo "== go test ./review -bench BenchmarkAnchor (one op = one anchored line)"
REVIEWBOT_BENCH_DIFF=$WORK/big.diff go test ./review -run '^$' \
	-bench '^BenchmarkAnchor$' -count "$COUNT"
