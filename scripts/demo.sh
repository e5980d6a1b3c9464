#!/usr/bin/env bash
# The demo: installs the Debian packages that are missing, builds, and runs the whole system in
# one process (embedded Kafka, Images emulator, worker) on a sample workload. Options go to
# `upload-worker demo` (e.g. scripts/demo.sh --requests 500 --latency 50ms --json).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec swift run -c release upload-worker demo "$@"
