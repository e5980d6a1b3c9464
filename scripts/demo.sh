#!/usr/bin/env bash
# The demo: installs the Debian packages that are missing, builds, and runs the embedded Kafka.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec swift run -c release upload-worker dev-kafka "$@"
