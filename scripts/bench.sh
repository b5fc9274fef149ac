#!/usr/bin/env bash
# Reproduces BENCHMARKS.md: release builds, a throwaway PostgreSQL, then
# heeros-bench (server figures) and the app's PIN-unlock benchmark.
# Not part of the test command. Extra arguments go to heeros-bench.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
HEEROS_TEST_POSTGRES_URL="$(bash scripts/postgres.sh)"
export HEEROS_TEST_POSTGRES_URL
PGDATA="${HEEROS_TEST_PGDATA:-/tmp/heeros-test-pg}"
BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
if [ "$(id -u)" = 0 ]; then AS_PG="runuser -u postgres --"; else AS_PG=""; fi
export HEEROS_BENCH_PG_RESTART="$AS_PG $BIN/pg_ctl -D $PGDATA restart -m fast -w >/dev/null"
cargo build --release -p heeros-server -p heeros-bench
cargo build --release --bin heeros-mobile --example bare_window
echo "## $(date -u +%Y-%m-%d) on $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo
# A display and a Secret Service for the app-start figure (4.).
dbus-run-session -- bash scripts/with-keyring.sh xvfb-run -a -s "-screen 0 1280x1000x24" \
  target/release/heeros-bench \
    --app-binary target/release/heeros-mobile \
    --bare-binary target/release/examples/bare_window "$@"
cargo bench --bench pin_unlock
