#!/usr/bin/env bash
# Fixes the Info.plist of the HeerosMobile.app that dx 0.7.10 writes, and
# adds the privacy manifest. Run on macOS by mobile/ios/finish.sh (device
# release) and by the simulator job of .github/workflows/mobile.yml:
#
#   bash mobile/ios/info-plist.sh path/to/HeerosMobile.app [iphoneos|iphonesimulator]
#
#   - MinimumOSVersion from Dioxus.toml (15.0): what current Xcode can deploy to;
#   - UILaunchScreen (an empty dict: a plain launch screen in the system
#     background colour) instead of UILaunchStoryboardName=LaunchScreen,
#     which names a storyboard dx never produces. Without a launch screen
#     iOS shows the app letterboxed and App Store Connect refuses an app
#     that supports iPad multitasking (dx's plist lists all four iPad
#     orientations);
#   - CFBundleSupportedPlatforms: iPhoneOS (dx writes iPhoneOS + "iPadOS",
#     which is not a platform name); iPhoneSimulator for simulator builds;
#   - CFBundleDevelopmentRegion en and CFBundleLocalizations en, fi, sv (the
#     app's languages, src/lang.rs): iOS then offers the per-app language in
#     Settings and reports Finnish (Swedish) to the app on a Finnish
#     (Swedish) phone;
#   - PrivacyInfo.xcprivacy (mobile/ios/) at the root of the app.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$(pwd)"
APP="${1:?usage: info-plist.sh HeerosMobile.app [iphoneos|iphonesimulator]}"
SDK="${2:-iphoneos}"
PLIST="$APP/Info.plist"
[ -f "$PLIST" ] || { echo "info-plist.sh: no $PLIST" >&2; exit 1; }
MIN_IOS="$(sed -n 's/^MinimumOSVersion = "\(.*\)"/\1/p' Dioxus.toml | head -1)"
[ -n "$MIN_IOS" ] || { echo "info-plist.sh: no MinimumOSVersion in Dioxus.toml [ios.plist]" >&2; exit 1; }
case "$SDK" in
  iphoneos) platform=iPhoneOS ;;
  iphonesimulator) platform=iPhoneSimulator ;;
  *) echo "info-plist.sh: SDK must be iphoneos or iphonesimulator, got '$SDK'" >&2; exit 1 ;;
esac

plutil -replace MinimumOSVersion -string "$MIN_IOS" "$PLIST"
plutil -remove UILaunchStoryboardName "$PLIST" 2>/dev/null || true
plutil -replace UILaunchScreen -xml '<dict/>' "$PLIST"
plutil -replace CFBundleSupportedPlatforms -xml "<array><string>$platform</string></array>" "$PLIST"
plutil -replace CFBundleDevelopmentRegion -string en "$PLIST"
plutil -replace CFBundleLocalizations -xml '<array><string>en</string><string>fi</string><string>sv</string></array>' "$PLIST"
cp "$ROOT/mobile/ios/PrivacyInfo.xcprivacy" "$APP/PrivacyInfo.xcprivacy"
plutil -lint "$PLIST" "$APP/PrivacyInfo.xcprivacy"

# What the stores look at, checked here so a wrong plist stops the build.
check() { # KEY EXPECTED(plutil -extract … raw output)
  local got; got="$(plutil -extract "$1" raw -o - "$PLIST" 2>/dev/null || echo '<missing>')"
  [ "$got" = "$2" ] || { echo "info-plist.sh: $1 is '$got', expected '$2'" >&2; exit 1; }
}
check MinimumOSVersion "$MIN_IOS"
check CFBundleSupportedPlatforms.0 "$platform"
check CFBundleLocalizations.1 fi
check CFBundleLocalizations.2 sv
plutil -extract UILaunchScreen xml1 -o - "$PLIST" >/dev/null || { echo "info-plist.sh: UILaunchScreen missing" >&2; exit 1; }
if plutil -extract UILaunchStoryboardName raw -o - "$PLIST" >/dev/null 2>&1; then
  echo "info-plist.sh: UILaunchStoryboardName still present" >&2; exit 1
fi
echo "info-plist.sh: $PLIST ok (iOS $MIN_IOS+, $platform, UILaunchScreen, en+fi+sv, privacy manifest)"
