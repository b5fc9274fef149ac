#!/usr/bin/env bash
# The one command that runs the app: installs what is missing, then opens
# the desktop window against the embedded demo server (or HEEROS_API_URL).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec cargo run --bin heeros-mobile "$@"
