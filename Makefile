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

build:
	$(GO) build -o bin/reviewbot ./cmd/reviewbot

# Each fuzz target for FUZZTIME (default 5m); see docs/BENCHMARKS.md.
FUZZTIME ?= 5m
fuzz:
	$(GO) test ./review -run '^$$' -fuzz '^FuzzParseGitDiff$$' -fuzztime $(FUZZTIME)
	$(GO) test ./review -run '^$$' -fuzz '^FuzzAnchor$$' -fuzztime $(FUZZTIME)
	$(GO) test ./review -run '^$$' -fuzz '^FuzzApplyYAML$$' -fuzztime $(FUZZTIME)
	$(GO) test ./review -run '^$$' -fuzz '^FuzzSanitizeProse$$' -fuzztime $(FUZZTIME)
	$(GO) test ./languages -run '^$$' -fuzz '^FuzzExtract$$' -fuzztime $(FUZZTIME)

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...
