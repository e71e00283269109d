#!/usr/bin/env bash
# Every benchmark of reviewbot in one command; rewrites the generated part
# of docs/BENCHMARKS.md (between the bench/all.sh markers) with the machine,
# the date, the load before and after, and one table per benchmark.
#
#   bench/all.sh              # everything (about 10 minutes on 2 cores)
#   QUICK=1 bench/all.sh      # skip the slow ones (codebase, ec2 dry run)
#   NO_DOC=1 bench/all.sh     # print the tables, leave the doc alone
#
# What runs, each on real inputs:
#   1. diff parsing: review.ParseGitDiff against sourcegraph/go-diff,
#      bluekeyes/go-gitdiff and reviewdog's diff package on the same bytes
#      (bench/parsers, a module of its own so that none of them enters the
#      binary), on a 20 MB `git diff` of aws-sdk-go-v2/service/ec2 and on
#      the AACR-Bench diffs of testdata/eval;
#   2. `reviewbot review --dry-run` on large real ranges against `git diff`
#      of the same range alone;
#   3. codebase context and impact on a million-line repository
#      (BenchmarkAnalyzeLarge) and one cold `gopls references` in the same
#      code (gopls $GOPLS, else from PATH, else built once from the module
#      proxy into ~/.cache/reviewbot-bench);
#   4. the Action on a 40-file PR against a fake GitHub and a fake Bedrock
#      with model latency (BenchmarkAction40Files): time to review against
#      the longest single model call, GitHub writes and their spacing;
#   5. prompt tokens per diff token and USD per PR per tier, from
#      `reviewbot eval --dry-run` over the AACR corpus;
#   6. webhook ack p50/p99 and RSS under load, once `reviewbot serve` exists.
#
# Benchmark repositories are packed (`git repack -ad`, in bench/lib.sh) as
# real clones are. Needs go, git, python3 and the Go module proxy (for the
# module versions the ranges are built from). Nothing here runs in `make
# test`. Environment: WORK (scratch directory, removed unless KEEP=1), RUNS
# (timed runs per dry-run range, default 5), QUICK, NO_DOC, GOPLS (path).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
NAME=all-bench
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
RUNS=${RUNS:-5}
QUICK=${QUICK:-0}
GOPLS_VERSION=${GOPLS_VERSION:-v0.21.0}
OUT=$WORK/results
mkdir -p "$OUT"
cd "$ROOT"

load() { cut -d' ' -f1-3 /proc/loadavg; }
{
	echo "cores=$(nproc)"
	echo "cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)"
	echo "ram=$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
	echo "os=$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME")"
	echo "go=$(go env GOVERSION) $(go env GOOS)/$(go env GOARCH)"
	echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (work tree modified)')"
	echo "uptime_before=$(uptime)"
	echo "load_before=$(load)"
} >"$OUT/machine.txt"
echo "== machine"
cat "$OUT/machine.txt"

BIN=$WORK/reviewbot
echo "== go build -o $BIN ./cmd/reviewbot"
go build -o "$BIN" ./cmd/reviewbot

# median_ms CMD... runs CMD $RUNS times and prints the median wall time in
# ms; output goes to /dev/null.
median_ms() {
	local ts=() t0 t1
	for _ in $(seq "$RUNS"); do
		t0=$(date +%s%N)
		"$@" >/dev/null 2>&1
		t1=$(date +%s%N)
		ts+=($(((t1 - t0) / 1000000)))
	done
	printf '%s\n' "${ts[@]}" | sort -n | awk '{ t[NR] = $1 } END { print (NR % 2) ? t[(NR + 1) / 2] : int((t[NR / 2] + t[NR / 2 + 1]) / 2) }'
}

# gitdiff REPO: the diff reviewbot reads for A..B (gitrepo's invocation).
gitdiff() {
	git -C "$1" -c core.quotePath=true diff --no-color --no-ext-diff --no-textconv -M \
		--src-prefix=a/ --dst-prefix=b/ A B --
}

# pair LABEL MOD A B builds the A..B repository of MOD in $WORK/LABEL/repo
# (bench/lib.sh, packed).
pair() {
	local saved=$WORK
	WORK=$WORK/$1
	mkdir -p "$WORK"
	pair_repo "$2" "$3" "$4" >/dev/null
	WORK=$saved
}

# dryrun_range LABEL MOD A B: times review --dry-run and git diff alone.
dryrun_range() {
	local label=$1
	[ -d "$WORK/$label/repo" ] || pair "$@"
	local repo=$WORK/$label/repo
	local stat lines
	stat=$(git -C "$repo" diff -M --shortstat A B --)
	lines=$(echo "$stat" | awk '{n=0; for (i=1;i<=NF;i++) if ($i ~ /^(insertion|deletion)/) n+=$(i-1); print n}')
	# One untimed run of each warms the page cache and the object store.
	"$BIN" review --repo "$repo" --base A --head B --dry-run --format json >"$OUT/$label-dryrun.json" 2>/dev/null
	gitdiff "$repo" >/dev/null
	local ms_review ms_git
	ms_review=$(median_ms "$BIN" review --repo "$repo" --base A --head B --dry-run --format json)
	ms_git=$(median_ms gitdiff "$repo")
	echo "$label|$2 $3..$4|$lines|$ms_review|$ms_git|$(load)" >>"$OUT/dryrun.txt"
	echo "   $label: $lines changed lines, review --dry-run ${ms_review} ms, git diff ${ms_git} ms (medians of $RUNS)"
}

echo "== 1. diff parsing: reviewbot vs go-diff, go-gitdiff, reviewdog (bench/parsers)"
pair ec2 github.com/aws/aws-sdk-go-v2/service/ec2 v1.1.0 v1.300.0
gitdiff "$WORK/ec2/repo" >"$WORK/ec2.diff"
cat testdata/eval/aacr/diffs/*.diff >"$WORK/aacr.diff"
for input in ec2 aacr; do
	echo "   input $input: $(wc -c <"$WORK/$input.diff") bytes"
	bt=${PARSE_BENCHTIME:-5x} # about 1 s per parser on the 21.7 MB diff
	[ "$input" = aacr ] && bt=${AACR_BENCHTIME:-2s}
	(cd bench/parsers && REVIEWBOT_BENCH_DIFF=$WORK/$input.diff go test -run '^$' -bench '^BenchmarkParse$' \
		-benchtime "$bt" -count "${PARSE_COUNT:-3}" .) | tee "$OUT/parse-$input.txt" | grep -E '^Benchmark' || true
	echo "$input=$(wc -c <"$WORK/$input.diff")" >>"$OUT/inputs.txt"
done

echo "== 2. review --dry-run on large ranges against git diff alone"
: >"$OUT/dryrun.txt"
dryrun_range xtools golang.org/x/tools v0.28.0 v0.30.0
if [ "$QUICK" != 1 ]; then
	dryrun_range ec2 github.com/aws/aws-sdk-go-v2/service/ec2 v1.1.0 v1.300.0
fi

echo "== 3. codebase context and impact on a large repository"
if [ "$QUICK" != 1 ]; then
	(cd "$WORK" && GOFLAGS=-mod=mod go mod download github.com/aws/aws-sdk-go-v2/service/ec2@v1.344.3 golang.org/x/tools@v0.23.0)
	go test ./codebase -run '^$' -bench '^BenchmarkAnalyzeLarge$' -benchtime "${CODEBASE_BENCHTIME:-3x}" -benchmem -count 1 |
		tee "$OUT/codebase.txt" | grep -E '^Benchmark' || true
	GOPLS=${GOPLS:-$(command -v gopls || true)}
	if [ -z "$GOPLS" ]; then
		# Built once from the module proxy into a cache kept across runs
		# (about 2 minutes on 2 cores).
		GOPLS_BIN=${XDG_CACHE_HOME:-$HOME/.cache}/reviewbot-bench/bin
		if [ ! -x "$GOPLS_BIN/gopls" ]; then
			echo "   installing gopls $GOPLS_VERSION into $GOPLS_BIN"
			(cd "$WORK" && GOFLAGS=-mod=mod GOBIN=$GOPLS_BIN go install "golang.org/x/tools/gopls@$GOPLS_VERSION") || true
		fi
		[ -x "$GOPLS_BIN/gopls" ] && GOPLS=$GOPLS_BIN/gopls
	fi
	if [ -n "$GOPLS" ]; then
		# One cold `gopls references` (a new process, no daemon) on an
		# exported function of x/tools that is used across the module.
		TOOLS=$(moddir golang.org/x/tools v0.23.0)
		rm -rf "$WORK/tools" && cp -r "$TOOLS" "$WORK/tools" && chmod -R u+w "$WORK/tools"
		FILE=$WORK/tools/go/ast/inspector/inspector.go
		LINE=$(grep -n '^func New(' "$FILE" | head -1 | cut -d: -f1)
		t0=$(date +%s%N)
		N=$(cd "$WORK/tools" && "$GOPLS" references "$FILE:$LINE:6" 2>/dev/null | wc -l)
		t1=$(date +%s%N)
		echo "gopls|inspector.New in golang.org/x/tools v0.23.0|$N|$(((t1 - t0) / 1000000))" >"$OUT/gopls.txt"
		echo "   cold gopls references inspector.New: $N references in $(((t1 - t0) / 1000000)) ms"
	else
		echo "   no gopls (set GOPLS, or let the script install it): the cold gopls comparison is left out"
	fi
else
	echo "   skipped (QUICK=1)"
fi

echo "== 4. the Action on a 40-file PR with model latency (BenchmarkAction40Files)"
go test ./cmd/reviewbot -run '^$' -bench '^BenchmarkAction40Files$' -benchtime "${ACTION_BENCHTIME:-2x}" -count 1 |
	tee "$OUT/action.txt" | grep -E '^Benchmark' || true

echo "== 5. prompt tokens per diff token and USD per PR per tier (eval --dry-run over the AACR corpus)"
for t in free auto team; do
	"$BIN" eval --corpus testdata/eval/aacr.jsonl --dry-run --format json --tier "$t" >"$OUT/tokens-$t.json"
done
"$BIN" eval --corpus testdata/eval/aacr.jsonl --dry-run --format json --reviewer baseline >"$OUT/tokens-baseline.json"

echo "== 6. webhook ack under load"
if "$BIN" help serve >/dev/null 2>&1; then
	echo "serve=available" >"$OUT/webhook.txt"
	echo "   reviewbot serve exists but its load benchmark is not written yet: see the placeholder in docs/BENCHMARKS.md"
else
	echo "serve=absent" >"$OUT/webhook.txt"
	echo "   reviewbot serve has not landed in this build: placeholder kept"
fi

echo "uptime_after=$(uptime)" >>"$OUT/machine.txt"
echo "load_after=$(load)" >>"$OUT/machine.txt"

python3 "$ROOT/bench/render.py" "$OUT" "$ROOT/docs/BENCHMARKS.md" "${NO_DOC:-0}"
