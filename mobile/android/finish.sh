#!/usr/bin/env bash
# Finishes an Android build after
#   HEEROS_API_URL=https://… dx bundle --platform android --release --no-default-features
# dx 0.7.10 leaves a Gradle project with the compiled Rust library in
# target/dx/heeros-mobile/release/android/app. This script puts in what
# Dioxus.toml cannot express, then builds the release APK and AAB with Gradle:
#   - launcher icons from assets/icons/android (scripts/icons.sh) instead of
#     dx's defaults, and the adaptive-icon background;
#   - res/xml/data_extraction_rules.xml (+ the manifest attribute) so nothing
#     is copied by Android 12+ device-to-device transfer either;
#   - res/xml/locales_config.xml (+ android:localeConfig): en and fi, so
#     Android 13+ offers the per-app language setting;
#   - res/values-v35/styles.xml: Android 15 lays the app out between the
#     system bars (see the file);
#   - the network security config: no plain http, except to 127.0.0.1, the
#     channel Dioxus uses between Rust and the WebView (see the file);
#   - versionCode (dx writes 1): $HEEROS_BUILD_NUMBER, else the commit count;
#   - signing, when HEEROS_ANDROID_KEYSTORE (a .jks/.keystore file),
#     HEEROS_ANDROID_KEYSTORE_PASSWORD, HEEROS_ANDROID_KEY_ALIAS and
#     HEEROS_ANDROID_KEY_PASSWORD are set (Gradle's injected signing
#     properties: no password is written to a file). Unset: the outputs are
#     UNSIGNED, cannot be installed, and their names say so (…-UNSIGNED.apk).
# Output: target/dist/android/heeros-mobile-<version>-<build>.{apk,aab}
#
# HEEROS_ANDROID_VARIANT=debug: the same resources and manifest, but
# `gradlew assembleDebug` on dx's debug project
# (target/dx/heeros-mobile/debug/android/app, from `dx bundle` without
# --release): an APK signed with Gradle's debug key, installable on an
# emulator -> target/dist/android/heeros-mobile-<version>-<build>-debug.apk.
# The emulator run in .github/workflows/mobile.yml uses it.
# Needs: JAVA_HOME (JDK 17), ANDROID_HOME (SDK with platform 35, build-tools).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$(pwd)"
VARIANT="${HEEROS_ANDROID_VARIANT:-release}"
case "$VARIANT" in release | debug) ;; *) echo "finish.sh: HEEROS_ANDROID_VARIANT must be release or debug, got '$VARIANT'" >&2; exit 1 ;; esac
PROJECT="${DX_ANDROID_PROJECT:-$ROOT/target/dx/heeros-mobile/$VARIANT/android/app}"
APP="$PROJECT/app"
RES="$APP/src/main/res"
MANIFEST="$APP/src/main/AndroidManifest.xml"
GRADLE_FILE="$APP/build.gradle.kts"
[ -x "$PROJECT/gradlew" ] && [ -f "$MANIFEST" ] && [ -f "$GRADLE_FILE" ] || {
  echo "finish.sh: no dx Android project at $PROJECT; run dx bundle --platform android $([ "$VARIANT" = release ] && echo '--release ')--no-default-features first (or set DX_ANDROID_PROJECT)" >&2
  exit 1
}

version="$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)"
build="${HEEROS_BUILD_NUMBER:-$(git rev-list --count HEAD)}"
[[ "$build" =~ ^[0-9]+$ ]] || { echo "finish.sh: HEEROS_BUILD_NUMBER must be a number, got '$build'" >&2; exit 1; }

echo "finish.sh: icons and resources into $RES ($VARIANT)"
rm -f "$RES"/mipmap-*/ic_launcher.webp "$RES"/drawable-v24/ic_launcher_foreground.xml
for dir in "$ROOT"/assets/icons/android/mipmap-*; do
  mkdir -p "$RES/$(basename "$dir")"
  cp "$dir"/*.png "$RES/$(basename "$dir")/"
done
cp -R "$ROOT/mobile/android/res/." "$RES/"

# The manifest attributes for the extraction rules and the app's languages
# (their resources exist now).
add_attr() { # NAME VALUE: after allowBackup="false" in <application>
  grep -q "android:$1=\"" "$MANIFEST" ||
    ATTR="$1" VALUE="$2" perl -0pi -e 's/android:allowBackup="false"/android:allowBackup="false"\n        android:$ENV{ATTR}="$ENV{VALUE}"/' "$MANIFEST"
  grep -q "android:$1=\"$2\"" "$MANIFEST" || {
    echo "finish.sh: could not add $1 to $MANIFEST (is it mobile/android/AndroidManifest.xml?)" >&2; exit 1; }
}
add_attr dataExtractionRules "@xml/data_extraction_rules"
add_attr localeConfig "@xml/locales_config"

perl -pi -e "s/versionCode = \\d+/versionCode = $build/" "$GRADLE_FILE"
grep -q "versionCode = $build\$" "$GRADLE_FILE" || { echo "finish.sh: could not set versionCode in $GRADLE_FILE" >&2; exit 1; }

signing=()
suffix=""
if [ "$VARIANT" = debug ]; then
  suffix="-debug"
  echo "finish.sh: debug variant: signed with Gradle's debug key (emulators and test phones only)"
elif [ -n "${HEEROS_ANDROID_KEYSTORE:-}" ]; then
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
  suffix="-UNSIGNED"
  echo "finish.sh: WARNING: HEEROS_ANDROID_KEYSTORE not set: the APK and AAB are UNSIGNED." >&2
  echo "finish.sh: WARNING: they cannot be installed on any phone nor uploaded to Google Play; their names end in -UNSIGNED." >&2
fi

out="$ROOT/target/dist/android"
mkdir -p "$out"
if [ "$VARIANT" = debug ]; then
  echo "finish.sh: gradle assembleDebug (version $version, versionCode $build)"
  (cd "$PROJECT" && ./gradlew --no-daemon --console=plain assembleDebug)
  apk="$(ls "$APP"/build/outputs/apk/debug/*.apk | head -1)"
  cp "$apk" "$out/heeros-mobile-$version-$build$suffix.apk"
  ls -l "$out"
  exit 0
fi

echo "finish.sh: gradle assembleRelease bundleRelease (version $version, versionCode $build)"
(cd "$PROJECT" && ./gradlew --no-daemon --console=plain ${signing[@]+"${signing[@]}"} assembleRelease bundleRelease)

apk="$(ls "$APP"/build/outputs/apk/release/*.apk | head -1)"
aab="$(ls "$APP"/build/outputs/bundle/release/*.aab | head -1)"
cp "$apk" "$out/heeros-mobile-$version-$build$suffix.apk"
cp "$aab" "$out/heeros-mobile-$version-$build$suffix.aab"

if [ "${#signing[@]}" -gt 0 ] && [ -n "${ANDROID_HOME:-}" ]; then
  apksigner="$(ls -d "$ANDROID_HOME"/build-tools/*/apksigner 2>/dev/null | sort -V | tail -1 || true)"
  [ -n "$apksigner" ] && "$apksigner" verify --print-certs "$out/heeros-mobile-$version-$build.apk" | head -3
  jarsigner -verify "$out/heeros-mobile-$version-$build.aab" >/dev/null && echo "finish.sh: AAB signature verified"
fi
ls -l "$out"
