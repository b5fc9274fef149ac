#!/usr/bin/env bash
# Runs a command with a real, unlocked Secret Service (gnome-keyring) on the
# current D-Bus session, its files in a temp dir. Use under dbus-run-session.
set -euo pipefail
export XDG_DATA_HOME="$(mktemp -d)" XDG_RUNTIME_DIR="$(mktemp -d)"
chmod 700 "$XDG_RUNTIME_DIR"
printf 'heeros-test' | gnome-keyring-daemon --unlock --components=secrets >/dev/null
export HEEROS_SECRET_SERVICE_TEST=1
exec "$@"
