#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds once, runs every test (Swift Testing runs
# the suites in parallel in one process; each test uses its own Kafka, ports and files).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
export UPLOAD_WORKER_PYTHON="$PWD/.build/pyvenv/bin/python3"
swift build --build-tests
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
swift test --skip-build "$@" 2>&1 | tee "$log" || status=$?
# One plain closing line for CI: "N passed, N failed", from Swift Testing's summary.
summary=$(grep -E 'Test run with [0-9]+ tests? .*(passed|failed) after' "$log" | tail -n 1 || true)
total=$(sed -E 's/.*Test run with ([0-9]+) tests?.*/\1/' <<<"$summary")
failed=$(grep -oE 'with [0-9]+ issues?' <<<"$summary" | grep -oE '[0-9]+' || true)
known=$(grep -oE 'including [0-9]+ known' <<<"$summary" | grep -oE '[0-9]+' || true)
if [[ -n "$total" ]]; then
    if [[ $status -eq 0 ]]; then
        echo "$total passed, 0 failed"
    else
        echo "tests: ${total} run, ${failed:-?} issues (${known:-0} known); exit status $status"
    fi
fi
exit $status
