#!/usr/bin/env bash
# Fetches the two real Go modules BenchmarkAnalyzeLarge combines (about a
# million lines) into the module cache, then runs the benchmark under
# /usr/bin/time -v for peak memory. Usage: bench/codebase-large.sh [benchtime]
set -euo pipefail
cd "$(dirname "$0")/.."
benchtime="${1:-3x}"

# Download from outside the module so go.mod and go.sum stay untouched.
(cd "$(mktemp -d)" && go mod download -json \
	github.com/aws/aws-sdk-go-v2/service/ec2@v1.344.3 \
	golang.org/x/tools@v0.23.0 >/dev/null)

echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(date -u +%F)"
timer=()
if [ -x /usr/bin/time ]; then timer=(/usr/bin/time -v); fi
go test -c -o /tmp/codebase.test ./codebase
"${timer[@]}" /tmp/codebase.test -test.run '^$' -test.bench BenchmarkAnalyzeLarge \
	-test.benchtime "$benchtime" -test.benchmem 2>&1 |
	grep -E 'Benchmark|bench_test|Maximum resident|Elapsed|PASS|FAIL|ok'
