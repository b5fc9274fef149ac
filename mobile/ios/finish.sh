#!/usr/bin/env bash
# Finishes an iOS release on macOS after
#   IPHONEOS_DEPLOYMENT_TARGET=15.0 HEEROS_API_URL=https://… \
#     dx bundle --platform ios --release --no-default-features --package-types ios
# dx 0.7.10 leaves an unsigned HeerosMobile.app in
# target/dx/heeros-mobile/release/ios. This script adds what Dioxus.toml
# cannot express, signs the app and packs the IPA:
#   - the app icon: assets/icons/ios/AppIcon.appiconset (scripts/icons.sh)
#     compiled into Assets.car with actool, icon keys merged into Info.plist;
#   - Info.plist fixes and the privacy manifest (mobile/ios/info-plist.sh:
#     iOS 15 minimum, UILaunchScreen instead of dx's missing storyboard,
#     CFBundleSupportedPlatforms iPhoneOS, languages en+fi,
#     PrivacyInfo.xcprivacy);
#   - the display name (Dioxus.toml [application] name), the build number
#     (CFBundleVersion: $HEEROS_BUILD_NUMBER, else the commit count) and the
#     DT* keys Xcode would write (App Store Connect checks them);
#   - the provisioning profile ($HEEROS_IOS_PROFILE, a .mobileprovision)
#     as embedded.mobileprovision;
#   - the entitlements of mobile/ios/HeerosMobile.entitlements (keychain
#     access group "<Team ID>.<bundle id>" for the secure store), filled in
#     from the profile;
#   - codesign with $HEEROS_IOS_SIGN_IDENTITY (e.g. "Apple Distribution:
#     Heeros Oyj (ABCDE12345)" or its SHA-1), already in a keychain.
# Output: target/dist/ios/heeros-mobile-<version>-<build>.ipa
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$(pwd)"
[ "$(uname -s)" = Darwin ] || { echo "finish.sh: needs macOS with Xcode" >&2; exit 1; }
APP="${DX_IOS_APP:-$ROOT/target/dx/heeros-mobile/release/ios/HeerosMobile.app}"
PLIST="$APP/Info.plist"
[ -f "$PLIST" ] || { echo "finish.sh: no app at $APP; run dx bundle --platform ios --release --no-default-features --package-types ios first (or set DX_IOS_APP)" >&2; exit 1; }
: "${HEEROS_IOS_PROFILE:?path of the .mobileprovision to embed}"
: "${HEEROS_IOS_SIGN_IDENTITY:?codesigning identity, e.g. Apple Distribution: Heeros Oyj (TEAMID)}"
MIN_IOS="$(sed -n 's/^MinimumOSVersion = "\(.*\)"/\1/p' Dioxus.toml | head -1)"
NAME="$(sed -n 's/^name = "\(.*\)"/\1/p' Dioxus.toml | head -1)"
version="$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)"
build="${HEEROS_BUILD_NUMBER:-$(git rev-list --count HEAD)}"
pb() { /usr/libexec/PlistBuddy "$@"; }
# set_key PLIST KEY TYPE VALUE: replaces the key, or adds it when missing.
set_key() { plutil -replace "$2" "-$3" "$4" "$1"; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "finish.sh: app icon (actool)"
mkdir -p "$work/Assets.xcassets"
cp -R "$ROOT/assets/icons/ios/AppIcon.appiconset" "$work/Assets.xcassets/"
printf '{ "info" : { "author" : "xcode", "version" : 1 } }\n' >"$work/Assets.xcassets/Contents.json"
xcrun actool "$work/Assets.xcassets" --compile "$APP" --platform iphoneos \
  --minimum-deployment-target "$MIN_IOS" --app-icon AppIcon \
  --target-device iphone --target-device ipad \
  --output-partial-info-plist "$work/icons.plist" --output-format human-readable-text
pb -c "Merge $work/icons.plist" "$PLIST"

echo "finish.sh: Info.plist (name '$NAME', version $version, build $build)"
bash "$ROOT/mobile/ios/info-plist.sh" "$APP" iphoneos
set_key "$PLIST" CFBundleDisplayName string "$NAME"
set_key "$PLIST" CFBundleShortVersionString string "$version"
set_key "$PLIST" CFBundleVersion string "$build"
sdk_version="$(xcrun --sdk iphoneos --show-sdk-version)"
set_key "$PLIST" DTPlatformName string iphoneos
set_key "$PLIST" DTPlatformVersion string "$sdk_version"
set_key "$PLIST" DTSDKName string "iphoneos$sdk_version"
set_key "$PLIST" DTSDKBuild string "$(xcrun --sdk iphoneos --show-sdk-build-version)"
# Xcode 16.2 -> "1620", as Xcode writes it.
xcode="$(xcodebuild -version | sed -n 's/^Xcode \([0-9]*\)\.\([0-9]*\).*/\1 \2/p')"
set_key "$PLIST" DTXcode string "$(printf '%02d%d0' ${xcode})"
set_key "$PLIST" DTXcodeBuild string "$(xcodebuild -version | sed -n 's/^Build version //p')"
set_key "$PLIST" DTCompiler string com.apple.compilers.llvm.clang.1_0
set_key "$PLIST" BuildMachineOSBuild string "$(sw_vers -buildVersion)"
plutil -lint "$PLIST"

echo "finish.sh: provisioning profile and entitlements"
security cms -D -i "$HEEROS_IOS_PROFILE" >"$work/profile.plist"
team="$(pb -c 'Print :TeamIdentifier:0' "$work/profile.plist")"
prefix="$(pb -c 'Print :ApplicationIdentifierPrefix:0' "$work/profile.plist")"
profile_app_id="$(pb -c 'Print :Entitlements:application-identifier' "$work/profile.plist")"
get_task_allow="$(pb -c 'Print :Entitlements:get-task-allow' "$work/profile.plist" 2>/dev/null || echo false)"
bundle_id="$(pb -c 'Print :CFBundleIdentifier' "$PLIST")"
case "$profile_app_id" in
  "$prefix.$bundle_id" | "$prefix.*") ;;
  *) echo "finish.sh: the profile is for $profile_app_id, not $prefix.$bundle_id (Dioxus.toml [bundle] identifier)" >&2; exit 1 ;;
esac
sed -e "s/\$(AppIdentifierPrefix)/$prefix./g" -e "s/\$(BundleIdentifier)/$bundle_id/g" \
    -e "s/\$(TeamIdentifier)/$team/g" \
    "$ROOT/mobile/ios/HeerosMobile.entitlements" >"$work/app.entitlements"
plutil -replace get-task-allow -bool "$get_task_allow" "$work/app.entitlements"
plutil -lint "$work/app.entitlements"
cp "$HEEROS_IOS_PROFILE" "$APP/embedded.mobileprovision"

echo "finish.sh: codesign as $HEEROS_IOS_SIGN_IDENTITY (keychain group $prefix.$bundle_id)"
find "$APP" -name '*.dylib' -o -name '*.framework' | while read -r lib; do
  codesign --force --sign "$HEEROS_IOS_SIGN_IDENTITY" --timestamp=none "$lib"
done
codesign --force --sign "$HEEROS_IOS_SIGN_IDENTITY" --entitlements "$work/app.entitlements" \
  --generate-entitlement-der --timestamp=none "$APP"
codesign --verify --deep --strict --verbose=2 "$APP"

out="$ROOT/target/dist/ios"
mkdir -p "$out" "$work/ipa/Payload"
cp -R "$APP" "$work/ipa/Payload/"
ipa="$out/heeros-mobile-$version-$build.ipa"
rm -f "$ipa"
(cd "$work/ipa" && zip -qry "$ipa" Payload)
ls -l "$ipa"
