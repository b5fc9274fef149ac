#!/usr/bin/env bash
# The one command that runs every test: installs what is missing, starts
# PostgreSQL, checks formatting, the phone packages' static rules and lints,
# runs the whole workspace's tests under a D-Bus session with gnome-keyring
# and a virtual display, audits every screen's accessibility (axe-core in
# chromium) while it checks that the app compiles for Android and iOS.
# Prints how long each stage took.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
stage_start=$SECONDS
stage() {
  echo "   ($(( SECONDS - stage_start )) s)"
  stage_start=$SECONDS
  echo "== $*"
}
echo "== setup (apt-get, rustup)"
bash scripts/setup.sh
stage "PostgreSQL"
HEEROS_TEST_POSTGRES_URL="$(bash scripts/postgres.sh)"
export HEEROS_TEST_POSTGRES_URL
stage "cargo fmt --check"
cargo fmt --all --check
stage "mobile static checks"
bash scripts/mobile-static-check.sh
# Clippy runs inside the build (clippy-wrapper.sh): every target of every
# workspace crate is linted with -D warnings while it is compiled, and the
# test stage reuses that build — the same as `cargo clippy --workspace
# --all-targets -- -D warnings` followed by `cargo test`, without building
# every dependency twice (once checked, once compiled).
lint=(env RUSTC_WORKSPACE_WRAPPER="$PWD/scripts/clippy-wrapper.sh")
stage "clippy (-D warnings) while building every target"
"${lint[@]}" cargo build --workspace --all-targets
stage "cargo test (PostgreSQL at $HEEROS_TEST_POSTGRES_URL, gnome-keyring, Xvfb)"
# 8 tests of a binary at a time (libtest's default is one per core): most
# of them wait on a server, a database or a timeout rather than compute.
dbus-run-session -- bash scripts/with-keyring.sh xvfb-run -a -s "-screen 0 1280x1000x24" \
  env RUST_TEST_THREADS=8 "${lint[@]}" cargo test --workspace
stage "accessibility audit (every screen, en/fi/sv, light and dark, WCAG 2.2 A/AA, 200 % text), beside it the mobile compile checks"
a11y_dir="${CARGO_TARGET_DIR:-target}/a11y"
"${lint[@]}" cargo run --quiet --example a11y_pages -- "$a11y_dir/pages"
# The phone targets are type-checked while chromium audits the pages: the
# audit leaves a core mostly idle, and the check needs no display.
mobile_log="$(mktemp)"
bash scripts/mobile-check.sh >"$mobile_log" 2>&1 &
mobile_pid=$!
audit_start=$SECONDS
audit_ok=0
node scripts/a11y/audit.mjs "$a11y_dir/pages" || audit_ok=$?
echo "   (audit: $(( SECONDS - audit_start )) s)"
mobile_ok=0
wait "$mobile_pid" || mobile_ok=$?
echo "== mobile compile checks (output)"
cat "$mobile_log"
rm -f "$mobile_log"
if [ "$audit_ok" != 0 ] || [ "$mobile_ok" != 0 ]; then
  echo "test.sh: the accessibility audit (exit $audit_ok) or the mobile compile checks (exit $mobile_ok) failed" >&2
  exit 1
fi
stage "done"
echo "All checks passed in $SECONDS s."
