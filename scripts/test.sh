#!/usr/bin/env bash
# The one command that runs every test: installs what is missing, starts
# PostgreSQL, checks formatting and lints, runs the whole workspace's tests
# under a D-Bus session with gnome-keyring and a virtual display, and checks
# that the app compiles for Android and iOS.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
bash scripts/setup.sh
HEEROS_TEST_POSTGRES_URL="$(bash scripts/postgres.sh)"
export HEEROS_TEST_POSTGRES_URL
echo "== cargo fmt --check"
cargo fmt --all --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets -- -D warnings
echo "== cargo test (PostgreSQL at $HEEROS_TEST_POSTGRES_URL, gnome-keyring, Xvfb)"
dbus-run-session -- bash scripts/with-keyring.sh xvfb-run -a -s "-screen 0 1280x1000x24" \
  cargo test --workspace
if [ -f scripts/mobile-check.sh ]; then
  echo "== mobile compile checks"
  bash scripts/mobile-check.sh
fi
echo "All checks passed."
