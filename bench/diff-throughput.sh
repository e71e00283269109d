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
if [ -z "${WORK:-}" ]; then
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/reviewbot-diff-bench.XXXXXX")
	if [ "${KEEP:-0}" != 1 ]; then
		trap 'rm -rf "$WORK"' EXIT
	fi
fi
mkdir -p "$WORK"

# moddir MODULE VERSION prints the module cache directory of that version,
# downloading it through the proxy when needed. It runs outside any module
# so that the repository's go.mod is neither read nor changed.
moddir() {
	(cd "$WORK" && GOFLAGS=-mod=mod go mod download -json "$1@$2") |
		sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p'
}

# commit_tree REPO DIR TAG makes DIR's files the whole content of a new
# commit of REPO, tagged TAG. The module cache is read in place (it is
# read-only) through --work-tree; -f keeps files a module's own
# .gitignore would hide, since they are part of the version.
commit_tree() {
	git -C "$1" rm -r -q --cached --ignore-unmatch .
	git -C "$1" --work-tree="$2" add -A -f
	git -C "$1" -c user.name=bench -c user.email=bench@localhost -c commit.gpgsign=false \
		commit -q --allow-empty -m "$3"
	git -C "$1" tag "$3"
}

echo "== fetching $MOD@$A and $MOD@$B through $(go env GOPROXY)"
DIR_A=$(moddir "$MOD" "$A")
DIR_B=$(moddir "$MOD" "$B")
if [ ! -d "$DIR_A" ] || [ ! -d "$DIR_B" ]; then
	echo "module download failed" >&2
	exit 1
fi

REPO=$WORK/repo
rm -rf "$REPO"
git init -q "$REPO"
commit_tree "$REPO" "$DIR_A" A
commit_tree "$REPO" "$DIR_B" B

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
