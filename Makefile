# The one test command (README, .ci/run): formatting, vet, and every test
# with the race detector.
GO ?= go

.PHONY: test fmt-check vet unit build fuzz bench

test: fmt-check vet unit

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

unit:
	$(GO) test -race -count=1 ./...

# The first build compiles the tree-sitter grammars (C, through cgo), so it
# needs a C compiler and takes a few minutes on a cold build cache; later
# builds reuse the cache and take seconds.
build:
	@command -v $${CC:-gcc} >/dev/null 2>&1 || command -v cc >/dev/null 2>&1 || command -v clang >/dev/null 2>&1 || { \
		echo "make build: no C compiler found (looked for $${CC:-gcc}, cc and clang); the tree-sitter grammars need one: install gcc (Debian/Ubuntu: apt-get install gcc)" >&2; exit 2; }
	@echo "building bin/reviewbot from ./cmd/reviewbot (the first build compiles the tree-sitter grammars with cgo: needs gcc, takes a few minutes on a cold cache; later builds take seconds)"
	CGO_ENABLED=1 $(GO) build -o bin/reviewbot ./cmd/reviewbot
	@echo "built bin/reviewbot: run bin/reviewbot help, or bin/reviewbot review --dry-run for a first offline look"

# Each fuzz target for FUZZTIME (default 5m); see docs/BENCHMARKS.md.
FUZZTIME ?= 5m
fuzz:
	$(GO) test ./review -run '^$$' -fuzz '^FuzzParseGitDiff$$' -fuzztime $(FUZZTIME)
	$(GO) test ./review -run '^$$' -fuzz '^FuzzAnchor$$' -fuzztime $(FUZZTIME)
	$(GO) test ./review -run '^$$' -fuzz '^FuzzApplyYAML$$' -fuzztime $(FUZZTIME)
	$(GO) test ./review -run '^$$' -fuzz '^FuzzSanitizeProse$$' -fuzztime $(FUZZTIME)
	$(GO) test ./languages -run '^$$' -fuzz '^FuzzExtract$$' -fuzztime $(FUZZTIME)
	$(GO) test ./codebase -run '^$$' -fuzz '^FuzzBlankBodies$$' -fuzztime $(FUZZTIME)
	$(GO) test ./codebase -run '^$$' -fuzz '^FuzzPythonReceiverTyping$$' -fuzztime $(FUZZTIME)
	$(GO) test ./codebase -run '^$$' -fuzz '^FuzzJavaScriptReferences$$' -fuzztime $(FUZZTIME)

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...
