#!/usr/bin/env bash
# Regenerates the README's screenshots: docs/screenshots/390x844/ and
# docs/screenshots/360x800/ (or the WxH sizes given as arguments), English,
# every screen and state, from the real window under Xvfb against a real
# server with the demo data and a real Secret Service (examples/screenshots.rs).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo build --bin heeros-mobile --example screenshots
dbus-run-session -- bash scripts/with-keyring.sh xvfb-run -a -s "-screen 0 1280x1000x24" \
  cargo run --quiet --example screenshots -- "$@"
