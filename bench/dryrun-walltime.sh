#!/usr/bin/env bash
# Wall time of `reviewbot review --dry-run --format json` on a real range of
# more than 5,000 changed lines: two versions of a Go module, fetched
# through the Go module proxy and committed one after the other into a
# scratch git repository, reviewed as base A..head B.
#
#   bench/dryrun-walltime.sh                     # golang.org/x/tools v0.28.0 -> v0.30.0
#   MOD=golang.org/x/net A=v0.20.0 B=v0.33.0 bench/dryrun-walltime.sh
#   PROFILE=1 bench/dryrun-walltime.sh          # also the per-stage benchmark and a CPU profile
#
# Environment: MOD, A, B (module and versions), RUNS (timed runs, default
# 5), BIN (binary path, default /tmp/reviewbot), WORK (scratch directory,
# default a new temp dir, removed at the end unless KEEP=1), PROFILE=1.
# Needs go, git, python3 (to check the JSON) and the module proxy.
# Results and caveats: docs/benchmarks/review.md.
set -euo pipefail

MOD=${MOD:-golang.org/x/tools}
A=${A:-v0.28.0}
B=${B:-v0.30.0}
RUNS=${RUNS:-5}
BIN=${BIN:-/tmp/reviewbot}
MIN_LINES=5000
TARGET_S=1

ROOT=$(cd "$(dirname "$0")/.." && pwd)
NAME=dryrun-bench
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
pair_repo "$MOD" "$A" "$B"

STAT=$(git -C "$REPO" diff -M --shortstat A B --)
echo "== $MOD $A..$B:$STAT"
CHANGED=$(echo "$STAT" | awk '{n=0; for (i=1;i<=NF;i++) if ($i ~ /^(insertion|deletion)/) n+=$(i-1); print n}')
echo "== changed lines (insertions + deletions): $CHANGED"
if [ "$CHANGED" -lt "$MIN_LINES" ]; then
	echo "fewer than $MIN_LINES changed lines; pick versions further apart (A, B)" >&2
	exit 1
fi

cd "$ROOT"
REV=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
DIRTY=$(git status --porcelain --untracked-files=no 2>/dev/null | wc -l)
echo "== go build -o $BIN ./cmd/reviewbot (commit $REV, $DIRTY tracked files modified in the work tree)"
go build -o "$BIN" ./cmd/reviewbot

# One untimed run warms the page cache and the git object store and
# produces the JSON that is checked below.
set +e
"$BIN" review --repo "$REPO" --base A --head B --dry-run --format json >"$WORK/out.json" 2>"$WORK/err.txt"
RC=$?
set -e
if [ "$RC" -ne 0 ]; then
	echo "exit code $RC, want 0; stderr:" >&2
	cat "$WORK/err.txt" >&2
	exit 1
fi
git -C "$REPO" -c core.quotePath=false diff -M --name-only -z A B -- >"$WORK/changed.z"
python3 - "$WORK/out.json" "$WORK/changed.z" <<'EOF'
import json, sys
res = json.load(open(sys.argv[1]))
changed = set(p for p in open(sys.argv[2], "rb").read().decode().split("\0") if p)
files = {f["path"]: f for f in res["files"]}
skipped = {}
for s in res["skipped"]:
    skipped.setdefault(s["path"], []).append(s["reason"])
problems = []
problems += ["changed but not in files: " + p for p in sorted(changed - files.keys())]
problems += ["in files but not changed: " + p for p in sorted(files.keys() - changed)]
for p, f in sorted(files.items()):
    if not f["reviewed"] and not any(r.strip() for r in skipped.get(p, [])):
        problems.append("not reviewed and no skip reason: " + p)
for p, rs in sorted(skipped.items()):
    if not all(r.strip() for r in rs):
        problems.append("skipped with an empty reason: " + p)
    if p not in files:
        problems.append("skipped but not in files: " + p)
if not res.get("dry_run"):
    problems.append("dry_run is not true")
reviewed = sum(1 for f in files.values() if f["reviewed"])
print(f"== JSON: {len(files)} files listed ({len(changed)} changed per git), {reviewed} reviewed, "
      f"{len(res['skipped'])} skipped with a reason, tier {res['tier']}, "
      f"{len(res.get('planned_calls') or [])} planned calls, {len(res['impact'])} impact entries, "
      f"{res['usage']['input_tokens']} estimated input tokens, duration_ms {res['duration_ms']}")
for p in problems[:20]:
    print("   PROBLEM:", p)
sys.exit(1 if problems else 0)
EOF

# Wall time comes from date(1) in nanoseconds; when GNU time is installed
# it also gives the CPU seconds (user + sys, git children included), which
# say more than wall time on a machine shared with other work.
echo "== load average before timing: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
GNUTIME=
if [ -x /usr/bin/time ] && /usr/bin/time -f %e true 2>/dev/null; then
	GNUTIME=/usr/bin/time
fi
TIMES=()
for i in $(seq "$RUNS"); do
	t0=$(date +%s%N)
	if [ -n "$GNUTIME" ]; then
		$GNUTIME -f '%U %S %M' -o "$WORK/time.txt" \
			"$BIN" review --repo "$REPO" --base A --head B --dry-run --format json >"$WORK/run.json" 2>/dev/null
	else
		"$BIN" review --repo "$REPO" --base A --head B --dry-run --format json >"$WORK/run.json" 2>/dev/null
	fi
	t1=$(date +%s%N)
	ms=$(((t1 - t0) / 1000000))
	pipe=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["duration_ms"])' "$WORK/run.json")
	cpu=
	if [ -n "$GNUTIME" ]; then
		cpu=$(awk '{printf ", CPU %.2f s user+sys, max RSS %d MB", $1 + $2, $3 / 1024}' "$WORK/time.txt")
	fi
	echo "run $i: ${ms} ms wall (review.Run itself: ${pipe} ms${cpu}), load $(cut -d' ' -f1 /proc/loadavg)"
	TIMES+=("$ms")
done
printf '%s\n' "${TIMES[@]}" | sort -n | awk -v target="$TARGET_S" '
	{ t[NR] = $1 }
	END {
		med = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
		printf "== wall time over %d runs: min %.3f s, median %.3f s, max %.3f s (target < %d s: %s)\n",
			NR, t[1] / 1000, med / 1000, t[NR] / 1000, target, (med / 1000 < target) ? "met" : "MISSED"
	}'

if [ "${PROFILE:-0}" = 1 ]; then
	echo "== per-stage times and CPU profile (BenchmarkDryRun, $RUNS iterations)"
	REVIEWBOT_BENCH_REPO=$REPO REVIEWBOT_BENCH_BASE=A REVIEWBOT_BENCH_HEAD=B \
		go test ./review -run '^$' -bench '^BenchmarkDryRun$' -benchtime "${RUNS}x" \
		-cpuprofile "$WORK/dryrun.prof" -o "$WORK/review.test"
	go tool pprof -top -cum -nodecount 40 "$WORK/review.test" "$WORK/dryrun.prof" 2>/dev/null |
		grep -E 'flat%|review\.|codebase\.|tiers\.|languages\.|os/exec|runtime\.gcBgMarkWorker' | head -40
	echo "(profile kept in $WORK/dryrun.prof only with KEEP=1)"
fi
