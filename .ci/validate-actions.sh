#!/usr/bin/env bash
# Validates the GitHub Action and every workflow the README tells users to
# copy: action.yml against the action schema, each README ```yaml block that
# has `on:` and `jobs:` against the workflow schema (@action-validator/cli),
# then three rules the schemas cannot express:
#   - every `uses:` is pinned to a full commit SHA with its version in a
#     comment (reviewbot's own placeholder excepted, see README);
#   - no `${{ }}` inside a `run:` script (inputs reach scripts via env only);
#   - a pull_request_target workflow never names the PR head (no checkout of
#     head.sha / head.ref / refs/pull/..., no allow-unsafe-pr-checkout): that
#     code must never be built or run with the base repository's secrets.
# A canary (action.yml with an unknown key) must fail, so a validator that
# passes everything is caught too. Called by .ci/run before `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."

# Pinned: the validator's schemas decide what passes, so a new version is a
# reviewed change. The CLI pins its engine, @action-validator/core, as an exact
# peer dependency, which npm installs with it.
validator=(npx --yes @action-validator/cli@0.6.0)
min_workflows=4 # the README's four workflows: (a) to (d)

if ! command -v npx >/dev/null 2>&1; then
  echo "validate-actions: npx not found; install Node.js and npm (Debian: apt-get install nodejs npm)" >&2
  exit 2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0

# validate FILE LABEL: schema check; the CLI picks the action schema when the
# file name ends in action.yml, the workflow schema otherwise.
validate() {
  local out
  if out=$("${validator[@]}" "$1" 2>&1); then
    echo "ok    $2"
  else
    echo "FAIL  $2"
    printf '%s\n' "$out" | sed 's/^/      /'
    failed=1
  fi
}

# report MESSAGE FINDINGS OFFSET: print "N: text" findings with N shifted by
# OFFSET, so a README block's findings carry README line numbers.
report() {
  echo "FAIL  $1"
  printf '%s\n' "$2" | awk -v o="$3" '{ n = $0; sub(/:.*/, "", n); sub(/^[0-9]+:/, ""); printf "      line %d:%s\n", n + o, $0 }'
  failed=1
}

# rules FILE LABEL OFFSET: the checks the schemas cannot make.
rules() {
  local bad
  # uses: owner/repo[/path]@<40 hex> # v..., or a local ./path.
  bad=$(grep -nE '^[[:space:]]*(-[[:space:]]+)?uses:' "$1" |
    grep -vE 'uses:[[:space:]]+[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}[[:space:]]+#[[:space:]]*v[0-9]' |
    grep -vE 'uses:[[:space:]]+reviewbot/reviewbot@FULL_COMMIT_SHA([[:space:]]|$)' |
    grep -vE 'uses:[[:space:]]+\./' || true)
  if [ -n "$bad" ]; then
    report "$2: uses: not pinned to a full commit SHA with '# vX.Y.Z'" "$bad" "$3"
  fi
  # ${{ }} inside a run: script, inline or block (| or >).
  bad=$(awk '
    function ind(s) { match(s, /^ */); return RLENGTH }
    inrun && /^[[:space:]]*$/ { next }
    inrun && ind($0) > key { if ($0 ~ /\$\{\{/) print NR ": " $0; next }
    { inrun = 0 }
    match($0, /^ *(- +)?run:/) {
      rest = substr($0, RSTART + RLENGTH)
      key = ind($0)
      if (match($0, /^ *- +/)) key = RLENGTH # the key sits after "- "
      if (rest ~ /^[[:space:]]*[|>]/) inrun = 1
      else if (rest ~ /\$\{\{/) print NR ": " $0
    }' "$1")
  if [ -n "$bad" ]; then
    report "$2: \${{ }} in a run: script; pass the value through env: instead" "$bad" "$3"
  fi
  if grep -q 'pull_request_target' "$1" &&
    bad=$(grep -nE 'head\.sha|head\.ref|refs/pull/|github\.head_ref|allow-unsafe-pr-checkout' "$1"); then
    report "$2: a pull_request_target workflow refers to the PR head" "$bad" "$3"
  fi
}

validate action.yml action.yml
rules action.yml action.yml 0

# One file per ```yaml block of the README, named after its first line.
awk -v dir="$tmp" '
  /^```ya?ml[[:space:]]*$/ { inblock = 1; file = sprintf("%s/README-line-%d.yml", dir, NR + 1); printf "" > file; next }
  inblock && /^```[[:space:]]*$/ { inblock = 0; close(file); next }
  inblock { print > file }
' README.md

workflows=0
for f in "$tmp"/README-line-*.yml; do
  [ -e "$f" ] || continue
  start=$(basename "$f" .yml | sed 's/^README-line-//')
  label="README.md block at line $start"
  if grep -qE '^on:' "$f" && grep -qE '^jobs:' "$f"; then
    workflows=$((workflows + 1))
    validate "$f" "$label (workflow)"
  fi
  # Fragments (a step to copy into a job) are no workflow, but the rules hold.
  rules "$f" "$label" $((start - 1))
done
if [ "$workflows" -lt "$min_workflows" ]; then
  echo "FAIL  README.md: found $workflows workflow blocks (\`\`\`yaml with on: and jobs:), expected at least $min_workflows"
  failed=1
fi

# The canary: the same validator must reject an action with an unknown key.
mkdir "$tmp/canary"
{
  cat action.yml
  echo "not-an-action-key: true"
} >"$tmp/canary/action.yml"
if "${validator[@]}" "$tmp/canary/action.yml" >/dev/null 2>&1; then
  echo "FAIL  the validator accepted an action.yml with an unknown key; it is not checking anything"
  failed=1
else
  echo "ok    canary: a broken action.yml is rejected"
fi

if [ "$failed" -ne 0 ]; then
  echo "validate-actions: failed" >&2
  exit 1
fi
echo "validate-actions: action.yml and $workflows README workflows are valid"
