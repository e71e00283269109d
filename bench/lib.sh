# shellcheck shell=bash
# Shared by the bench scripts: a scratch directory and a git repository
# holding two versions of a Go module from the module proxy. Source it after
# setting NAME (used in the scratch directory's name).

# WORK is the scratch directory; removed on exit unless KEEP=1 or WORK was
# given by the caller.
if [ -z "${WORK:-}" ]; then
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/reviewbot-${NAME:-bench}.XXXXXX")
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

# pair_repo MODULE A B builds $WORK/repo with version A tagged A and
# version B tagged B, and sets REPO.
pair_repo() {
	echo "== fetching $1@$2 and $1@$3 through $(go env GOPROXY)"
	local dir_a dir_b
	dir_a=$(moddir "$1" "$2")
	dir_b=$(moddir "$1" "$3")
	if [ ! -d "$dir_a" ] || [ ! -d "$dir_b" ]; then
		echo "module download failed" >&2
		exit 1
	fi
	REPO=$WORK/repo
	rm -rf "$REPO"
	git init -q "$REPO"
	commit_tree "$REPO" "$dir_a" A
	commit_tree "$REPO" "$dir_b" B
	# Packed, as a real clone is: loose objects make every git read (and
	# so every number measured on the repository) slower than in use.
	git -C "$REPO" repack -adq
}
