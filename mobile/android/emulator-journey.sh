#!/usr/bin/env bash
# Runs the installed-package journey on a booted Android emulator (or a
# phone with USB debugging) and fails on the first wrong screen:
#   install the APK -> launch -> intro ("Purchase invoices in your pocket",
#   Skip) -> Skip -> login ("Login to Heeros Mobile") -> Matti Virtanen /
#   heeros-demo (the demo user without an authenticator) -> PIN setup
#   ("Define your PIN code"), the PIN typed twice -> Home ("Welcome, Matti",
#   "Heeros Demo Oy").
# Each screen is recognised by its text in `uiautomator dump` (the WebView's
# accessibility tree), never by pixels; a screenshot and the dump of every
# step, and the logcat, go to OUT_DIR.
#
#   bash mobile/android/emulator-journey.sh APK OUT_DIR
#
# The APK must be a debug build made with HEEROS_API_URL=http://127.0.0.1:$PORT
# (mobile/android/finish.sh with HEEROS_ANDROID_VARIANT=debug), and a
# `heeros-server serve --bind 127.0.0.1:$PORT` with the demo users must run
# on this machine: `adb reverse` makes the phone's 127.0.0.1:$PORT this
# machine's. (The emulator's 10.0.2.2 alias is not used: the app's API client
# allows plain http only to loopback, and a release build only https.)
# Texts: src/i18n.rs (EN; the emulator's language is English).
set -euo pipefail
APK="${1:?usage: emulator-journey.sh APK OUT_DIR}"
OUT="${2:?usage: emulator-journey.sh APK OUT_DIR}"
PORT="${HEEROS_PORT:-8080}"
PKG=fi.heeros.mobile
ACTIVITY=dev.dioxus.main.MainActivity
PIN=2580
HERE="$(cd "$(dirname "$0")" && pwd)"
ui() { python3 "$HERE/ui.py" "$@"; }
mkdir -p "$OUT"
work="$(mktemp -d)"
n=0
trap 'adb logcat -d >"$OUT/logcat.txt" 2>/dev/null || true; rm -rf "$work"' EXIT

shot() { n=$((n + 1)); adb exec-out screencap -p >"$OUT/$(printf %02d "$n")-$1.png" || true; }

# dump FILE: the current screen's accessibility tree (uiautomator sometimes
# answers "could not get idle state" while something animates: try again).
dump() {
  local i
  for i in 1 2 3 4 5; do
    if adb shell uiautomator dump /sdcard/heeros-ui.xml >/dev/null 2>&1 &&
      adb pull /sdcard/heeros-ui.xml "$1" >/dev/null 2>&1 && [ -s "$1" ]; then
      return 0
    fi
    sleep 1
  done
  echo "<hierarchy/>" >"$1"
}

fail() {
  echo "::error::emulator journey: $*"
  dump "$work/fail.xml"
  cp "$work/fail.xml" "$OUT/failed-screen.xml"
  echo "--- texts on the screen at the failure:"
  ui texts "$work/fail.xml" || true
  echo "--- app process: $(adb shell pidof "$PKG" || echo 'not running')"
  shot FAILED
  exit 1
}

# expect NAME TIMEOUT TEXT...: waits until every TEXT is on the screen.
expect() {
  local name=$1 timeout=$2; shift 2
  local deadline=$((SECONDS + timeout))
  while :; do
    dump "$work/ui.xml"
    if ui has "$work/ui.xml" "$@" 2>/dev/null; then
      cp "$work/ui.xml" "$OUT/$(printf %02d "$((n + 1))")-$name.xml"
      shot "$name"
      echo "ok: $name ($(printf '"%s" ' "$@"))"
      return 0
    fi
    [ "$SECONDS" -lt "$deadline" ] || fail "screen '$name' not reached in ${timeout}s: expected $(printf '"%s" ' "$@")"
    adb shell pidof "$PKG" >/dev/null || fail "the app is not running (crashed?) while waiting for '$name'"
    sleep 2
  done
}

tap_text() {
  dump "$work/ui.xml"
  local xy; xy="$(ui tap "$work/ui.xml" "$1")" || fail "no '$1' to tap"
  adb shell input tap $xy
}

# type_into N TEXT: taps the N-th text field on the screen and types TEXT.
type_into() {
  dump "$work/ui.xml"
  local xy; xy="$(ui field "$work/ui.xml" "$1")" || fail "text field #$1 not found"
  adb shell input tap $xy
  sleep 1
  adb shell input text "$2"
}

echo "== device: Android $(adb shell getprop ro.build.version.release | tr -d '\r') (API $(adb shell getprop ro.build.version.sdk | tr -d '\r')), WebView $(adb shell dumpsys webviewupdate 2>/dev/null | sed -n 's/.*Current WebView package.*(\(.*\))/\1/p' | head -1 | tr -d '\r')"
adb reverse "tcp:$PORT" "tcp:$PORT"
adb install -r -g "$APK"
adb logcat -c || true
adb shell am start -W -n "$PKG/$ACTIVITY"

# 1. The intro (first launch). A blank page here means the WebView never got
#    Dioxus's edits (e.g. cleartext to 127.0.0.1 refused).
expect intro 180 "Purchase invoices in your pocket" "Skip"
tap_text "Skip"

# 2. Login, as the demo user without an authenticator.
expect login 60 "Login to Heeros Mobile" "Log in"
type_into 1 "Matti%sVirtanen"
adb shell input keyevent KEYCODE_TAB
adb shell input text "heeros-demo"
shot login-filled
adb shell input keyevent KEYCODE_ENTER

# 3. PIN setup: the same PIN twice, then Done (Enter submits the form).
expect pin-setup 90 "Define your PIN code"
type_into 1 "$PIN"
adb shell input keyevent KEYCODE_TAB
adb shell input text "$PIN"
adb shell input keyevent KEYCODE_ENTER

# 4. Home.
expect home 120 "Welcome, Matti" "Heeros Demo Oy"
echo "emulator journey: passed (intro -> login -> PIN setup -> Home); screenshots in $OUT"
