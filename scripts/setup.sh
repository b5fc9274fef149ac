#!/usr/bin/env bash
# Installs what building, running and testing need on a fresh Debian machine:
# system packages (apt-get, only the missing ones), Rust components, and the
# accessibility audit's npm packages (scripts/a11y, pinned in its lock file).
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
PACKAGES=(
  pkg-config libwebkit2gtk-4.1-dev libgtk-3-dev libxdo-dev   # the desktop window (Dioxus / WebKitGTK)
  xvfb xauth xdotool x11-xkb-utils imagemagick             # a window without a display (setxkbmap fi: "ä" types), screenshots
  postgresql                                               # the PostgreSQL variant of the server tests
  gnome-keyring dbus-x11 libsecret-tools                   # a real Secret Service for the keyring test
  clang llvm libc6-dev-arm64-cross                         # C pieces of the mobile cross-checks
  python3 python3-yaml                                     # scripts/mobile-static-check.sh (tomllib, PyYAML)
  chromium fonts-dejavu-core                               # the accessibility audit's browser (scripts/a11y)
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js for the audit, from Debian unless a node is already installed
# (Debian's npm would conflict with another distribution's node).
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "apt-get install ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
rustup component add rustfmt clippy >/dev/null 2>&1 || true
# axe-core and puppeteer-core exactly as locked; again only when the lock
# file changed.
if ! cmp -s scripts/a11y/package-lock.json scripts/a11y/node_modules/.installed-lock; then
  echo "npm ci (scripts/a11y)"
  npm ci --prefix scripts/a11y --no-audit --no-fund --loglevel=error >/dev/null
  cp scripts/a11y/package-lock.json scripts/a11y/node_modules/.installed-lock
fi
