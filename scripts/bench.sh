#!/usr/bin/env bash
# Reproduces BENCHMARKS.md: release builds, a throwaway PostgreSQL, then
# heeros-bench (server figures) and the app's PIN-unlock benchmark.
# Not part of the test command. Extra arguments go to heeros-bench.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# A PostgreSQL of its own: the payments and fault runs restart it, and the
# test command's one (port 55432) may be serving other runs' tests.
export HEEROS_TEST_PGPORT="${HEEROS_TEST_PGPORT:-55440}"
export HEEROS_TEST_PGDATA="${HEEROS_TEST_PGDATA:-/tmp/heeros-bench-pg}"
HEEROS_TEST_POSTGRES_URL="$(bash scripts/postgres.sh)"
export HEEROS_TEST_POSTGRES_URL
PGDATA="$HEEROS_TEST_PGDATA"
BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
if [ "$(id -u)" = 0 ]; then AS_PG="runuser -u postgres --"; else AS_PG=""; fi
export HEEROS_BENCH_PG_RESTART="$AS_PG $BIN/pg_ctl -D $PGDATA restart -m fast -w >/dev/null"
# The binaries are where cargo puts them (CARGO_TARGET_DIR if set).
TARGET="${CARGO_TARGET_DIR:-target}"
cargo build --release -p heeros-server -p heeros-bench
cargo build --release --bin heeros-mobile --example bare_window
echo "## $(date -u +%Y-%m-%d) on $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
# Every step runs even when one before it missed a goal or failed: all the
# figures that can be taken are printed, and the exit status says at the
# end whether any step failed.
failed=""
# A display and a Secret Service for the app-start figure (4.).
if ! dbus-run-session -- bash scripts/with-keyring.sh xvfb-run -a -s "-screen 0 1280x1000x24" \
  "$TARGET/release/heeros-bench" \
    --app-binary "$TARGET/release/heeros-mobile" \
    --bare-binary "$TARGET/release/examples/bare_window" "$@"; then
  failed="$failed heeros-bench"
fi
echo "load average after heeros-bench: $(cut -d' ' -f1-3 /proc/loadavg)"
if ! cargo bench --bench pin_unlock; then
  failed="$failed pin_unlock"
fi
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ -n "$failed" ]; then
  echo "bench.sh: missed goals or failed steps in:$failed (every figure above was taken)" >&2
  exit 1
fi
