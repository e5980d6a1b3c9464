#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds once, runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
export UPLOAD_WORKER_PYTHON="$PWD/.build/pyvenv/bin/python3"
swift build --build-tests
swift test --skip-build "$@"
