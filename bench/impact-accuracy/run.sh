#!/usr/bin/env bash
# Rerunnable accuracy measurement of reviewbot's downstream impact list
# against compiler-grade references (gopls, TypeScript language service,
# pyright). Idempotent: everything fetched or built goes under $CACHE.
#
# usage: bench/impact-accuracy/run.sh [measure.mjs options...]
#   CACHE=/tmp/reviewbot-impact-cache   where tools, packages, repos, results go
#   REVIEWBOT=<command>                 use this reviewbot instead of building one
#   e.g. run.sh --only go-cobra,py-requests     run.sh --truth-only
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
export CACHE="${CACHE:-/tmp/reviewbot-impact-cache}"
GOPLS_VERSION=v0.23.0
mkdir -p "$CACHE/bin"

need() { command -v "$1" >/dev/null || { echo "run.sh: $1 not found; $2" >&2; exit 2; }; }
need go "install Go 1.26 (go.mod of the project)"
need node "install Node.js 20 or later"
need npm "install npm (comes with Node.js)"
need git "install git"
need python3 "the Python reference side uses python3's own parser to tell docstrings from code (apt-get install python3)"

# gopls, pinned; rebuilt only when the version differs.
if ! "$CACHE/bin/gopls" version 2>/dev/null | grep -q "gopls $GOPLS_VERSION"; then
  echo "run.sh: installing gopls $GOPLS_VERSION into $CACHE/bin" >&2
  (cd "$CACHE" && GOBIN="$CACHE/bin" GOFLAGS=-mod=mod go install "golang.org/x/tools/gopls@$GOPLS_VERSION")
fi

# typescript and pyright, pinned by package-lock.json.
if [ ! -f "$here/node_modules/.package-lock.json" ] || ! cmp -s "$here/package-lock.json" "$here/node_modules/.lock-copy" 2>/dev/null; then
  echo "run.sh: npm ci (typescript, pyright)" >&2
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error >&2)
  cp "$here/package-lock.json" "$here/node_modules/.lock-copy"
fi

# The deb pairs need apt-get and dpkg-deb (Debian's own tools).
if grep -q '"source": "deb"' "$here/pairs.json"; then
  need apt-get "the Python pair from Debian needs apt-get"
  need dpkg-deb "the Python pair from Debian needs dpkg-deb"
fi

# reviewbot: built from the committed HEAD of this checkout (a clean export,
# so other people's uncommitted work does not leak into the numbers), or
# from the work tree as it is with REVIEWBOT_FROM_WORKTREE=1, or taken from
# REVIEWBOT (a command) when set.
if [ -z "${REVIEWBOT:-}" ] && [[ " $* " != *" --truth-only "* ]]; then
  if [ "${REVIEWBOT_FROM_WORKTREE:-0}" = 1 ]; then
    src="$root"
    rev="$(git -C "$root" rev-parse --short HEAD) + work tree"
  else
    # a directory of this run's own, so concurrent runs sharing $CACHE do
    # not build in each other's tree
    src="$(mktemp -d "$CACHE/reviewbot-src.XXXXXX")"
    trap 'rm -rf "$src"' EXIT
    git -C "$root" archive HEAD | tar -x -C "$src"
    rev="$(git -C "$root" rev-parse --short HEAD)"
  fi
  echo "run.sh: building reviewbot ($rev)" >&2
  bin="$CACHE/bin/reviewbot.$$"
  if (cd "$src" && go build -o "$bin" ./cmd/reviewbot) >&2; then
    export REVIEWBOT="$bin" REVIEWBOT_REV="$rev"
  else
    echo "run.sh: reviewbot does not build; measuring the reference side only" >&2
    set -- "$@" --truth-only
  fi
fi

status=0
node "$here/measure.mjs" --cache "$CACHE" "$@" || status=$?
[ -n "${bin:-}" ] && rm -f "$bin"
exit $status
