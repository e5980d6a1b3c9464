#!/usr/bin/env bash
# Installs what upload-worker needs on Debian/Ubuntu, skipping what is already there.
#   scripts/setup.sh          the build and run dependencies (C libraries from Debian -dev packages)
#   scripts/setup.sh --test   also what the test suite uses: kcat, and a Python venv with
#                             confluent-kafka and jsonschema (independent clients and validators)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(pkg-config librdkafka-dev libmicrohttpd-dev libsqlite3-dev libcurl4-openssl-dev)
with_tests=false
if [[ "${1:-}" == "--test" ]]; then
    with_tests=true
    packages+=(kcat python3 python3-venv)
fi

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    sudo=""
    [[ $(id -u) -eq 0 ]] || sudo="sudo"
    echo "setup: installing ${missing[*]}" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v swift >/dev/null; then
    echo "setup: no 'swift' on PATH; install Swift 6 from swift.org and run this again" >&2
    exit 1
fi

if $with_tests; then
    venv=.build/pyvenv
    if [[ ! -x $venv/bin/python3 ]] || ! $venv/bin/python3 -c 'import confluent_kafka, jsonschema' 2>/dev/null; then
        echo "setup: creating $venv with confluent-kafka and jsonschema" >&2
        mkdir -p .build
        python3 -m venv "$venv"
        "$venv/bin/pip" install -q --disable-pip-version-check confluent-kafka jsonschema
    fi
fi
