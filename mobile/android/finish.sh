#!/usr/bin/env bash
# Finishes an Android release after
#   HEEROS_API_URL=https://… dx bundle --platform android --release --no-default-features
# dx 0.7.10 leaves a Gradle project with the compiled Rust library in
# target/dx/heeros-mobile/release/android/app. This script puts in what
# Dioxus.toml cannot express, then builds the release APK and AAB with Gradle:
#   - launcher icons from assets/icons/android (scripts/icons.sh) instead of
#     dx's defaults, and the adaptive-icon background;
#   - res/xml/data_extraction_rules.xml (+ the manifest attribute) so nothing
#     is copied by Android 12+ device-to-device transfer either;
#   - the release network security config (no plain http at all);
#   - versionCode (dx writes 1): $HEEROS_BUILD_NUMBER, else the commit count;
#   - signing, when HEEROS_ANDROID_KEYSTORE (a .jks/.keystore file),
#     HEEROS_ANDROID_KEYSTORE_PASSWORD, HEEROS_ANDROID_KEY_ALIAS and
#     HEEROS_ANDROID_KEY_PASSWORD are set (Gradle's injected signing
#     properties: no password is written to a file). Unset: unsigned.
# Output: target/dist/android/heeros-mobile-<version>-<build>.{apk,aab}
# Needs: JAVA_HOME (JDK 17), ANDROID_HOME (SDK with platform 35, build-tools).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$(pwd)"
PROJECT="${DX_ANDROID_PROJECT:-$ROOT/target/dx/heeros-mobile/release/android/app}"
APP="$PROJECT/app"
RES="$APP/src/main/res"
MANIFEST="$APP/src/main/AndroidManifest.xml"
GRADLE_FILE="$APP/build.gradle.kts"
[ -x "$PROJECT/gradlew" ] && [ -f "$MANIFEST" ] && [ -f "$GRADLE_FILE" ] || {
  echo "finish.sh: no dx Android project at $PROJECT; run dx bundle --platform android --release --no-default-features first (or set DX_ANDROID_PROJECT)" >&2
  exit 1
}

version="$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)"
build="${HEEROS_BUILD_NUMBER:-$(git rev-list --count HEAD)}"
[[ "$build" =~ ^[0-9]+$ ]] || { echo "finish.sh: HEEROS_BUILD_NUMBER must be a number, got '$build'" >&2; exit 1; }

echo "finish.sh: icons and release resources into $RES"
rm -f "$RES"/mipmap-*/ic_launcher.webp "$RES"/drawable-v24/ic_launcher_foreground.xml
for dir in "$ROOT"/assets/icons/android/mipmap-*; do
  mkdir -p "$RES/$(basename "$dir")"
  cp "$dir"/*.png "$RES/$(basename "$dir")/"
done
cp -R "$ROOT/mobile/android/res/." "$RES/"

# The manifest attribute for the extraction rules (its resource exists now).
grep -q 'android:dataExtractionRules="' "$MANIFEST" ||
  perl -0pi -e 's/android:allowBackup="false"/android:allowBackup="false"\n        android:dataExtractionRules="\@xml\/data_extraction_rules"/' "$MANIFEST"
grep -q 'android:dataExtractionRules="@xml/data_extraction_rules"' "$MANIFEST" || {
  echo "finish.sh: could not add dataExtractionRules to $MANIFEST (is it mobile/android/AndroidManifest.xml?)" >&2; exit 1; }

perl -pi -e "s/versionCode = \\d+/versionCode = $build/" "$GRADLE_FILE"
grep -q "versionCode = $build\$" "$GRADLE_FILE" || { echo "finish.sh: could not set versionCode in $GRADLE_FILE" >&2; exit 1; }

signing=()
if [ -n "${HEEROS_ANDROID_KEYSTORE:-}" ]; then
  : "${HEEROS_ANDROID_KEYSTORE_PASSWORD:?set it with HEEROS_ANDROID_KEYSTORE}"
  : "${HEEROS_ANDROID_KEY_ALIAS:?set it with HEEROS_ANDROID_KEYSTORE}"
  : "${HEEROS_ANDROID_KEY_PASSWORD:?set it with HEEROS_ANDROID_KEYSTORE}"
  keystore="$(cd "$(dirname "$HEEROS_ANDROID_KEYSTORE")" && pwd)/$(basename "$HEEROS_ANDROID_KEYSTORE")"
  signing=(
    "-Pandroid.injected.signing.store.file=$keystore"
    "-Pandroid.injected.signing.store.password=$HEEROS_ANDROID_KEYSTORE_PASSWORD"
    "-Pandroid.injected.signing.key.alias=$HEEROS_ANDROID_KEY_ALIAS"
    "-Pandroid.injected.signing.key.password=$HEEROS_ANDROID_KEY_PASSWORD"
  )
  echo "finish.sh: signing with key '$HEEROS_ANDROID_KEY_ALIAS' from $keystore"
else
  echo "finish.sh: HEEROS_ANDROID_KEYSTORE not set: the APK and AAB are UNSIGNED (they will not install; sign them before release)" >&2
fi

echo "finish.sh: gradle assembleRelease bundleRelease (version $version, versionCode $build)"
(cd "$PROJECT" && ./gradlew --no-daemon --console=plain ${signing[@]+"${signing[@]}"} assembleRelease bundleRelease)

out="$ROOT/target/dist/android"
mkdir -p "$out"
apk="$(ls "$APP"/build/outputs/apk/release/*.apk | head -1)"
aab="$(ls "$APP"/build/outputs/bundle/release/*.aab | head -1)"
cp "$apk" "$out/heeros-mobile-$version-$build.apk"
cp "$aab" "$out/heeros-mobile-$version-$build.aab"

if [ "${#signing[@]}" -gt 0 ] && [ -n "${ANDROID_HOME:-}" ]; then
  apksigner="$(ls -d "$ANDROID_HOME"/build-tools/*/apksigner 2>/dev/null | sort -V | tail -1 || true)"
  [ -n "$apksigner" ] && "$apksigner" verify --print-certs "$out/heeros-mobile-$version-$build.apk" | head -3
  jarsigner -verify "$out/heeros-mobile-$version-$build.aab" >/dev/null && echo "finish.sh: AAB signature verified"
fi
ls -l "$out"
