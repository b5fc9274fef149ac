#!/usr/bin/env bash
# Installs what building, running and testing need on a fresh Debian machine:
# system packages (apt-get, only the missing ones) and Rust components.
set -euo pipefail
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
PACKAGES=(
  pkg-config libwebkit2gtk-4.1-dev libgtk-3-dev libxdo-dev   # the desktop window (Dioxus / WebKitGTK)
  xvfb xauth xdotool x11-xkb-utils imagemagick             # a window without a display (setxkbmap fi: "ä" types), screenshots
  postgresql                                               # the PostgreSQL variant of the server tests
  gnome-keyring dbus-x11 libsecret-tools                   # a real Secret Service for the keyring test
  clang llvm libc6-dev-arm64-cross                         # C pieces of the mobile cross-checks
  python3 python3-yaml                                     # scripts/mobile-static-check.sh (tomllib, PyYAML)
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "apt-get install ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
rustup component add rustfmt clippy >/dev/null 2>&1 || true
