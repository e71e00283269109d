#!/bin/bash
source ./lib.sh
. "$HOME/env.sh"
readonly MAX=5
COUNT=0
log() {
  local msg="$1"
  echo "$(date) ${msg}" >&2
}
function main {
  log "start $COUNT"
  grep -q foo file || exit 1
}
main "$@"
