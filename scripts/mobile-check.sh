#!/usr/bin/env bash
# Type-checks the whole app for the phones, on Linux, without Android's NDK or
# Apple's Xcode:
#
#   cargo check --target aarch64-linux-android --no-default-features --features mobile
#   cargo check --target aarch64-apple-ios     --no-default-features --features mobile
#
# The C code in the dependency tree (ring; on iOS also objc2-exception-helper)
# is compiled with Debian's clang against a stub sysroot committed under
# mobile/stub-include/ (only a TargetConditionals.h for iOS; ring is told to
# use no libc headers with RING_CORE_NOSTDLIBINC). Nothing is linked.
#
# Uses the shared target dir (target/<triple>/debug); never cleans it, never
# builds --release. Fails on any warning in this workspace's own code for
# these targets. Needs: rustup, clang and llvm-ar (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
export CARGO_TERM_COLOR=never

TARGETS=(aarch64-linux-android aarch64-apple-ios)
ANDROID_API=30       # minSdk in Dioxus.toml (Android 11)
IOS_MIN=15.0         # deployment target in Dioxus.toml ([ios] deployment_target)

for tool in clang llvm-ar rustup cargo; do
  command -v "$tool" >/dev/null || { echo "mobile-check: '$tool' is missing (run scripts/setup.sh)" >&2; exit 1; }
done

# 1. Rust standard libraries for the two targets (no-op when installed).
installed="$(rustup target list --installed)"
for t in "${TARGETS[@]}"; do
  grep -qx "$t" <<<"$installed" || rustup target add "$t"
done

# 2. C compiler settings, per target, read by the cc crate in build scripts.
# Android: cc adds --target=aarch64-linux-android; the API level and an empty
# sysroot keep the host's /usr/include (x86_64 glibc) out.
export CC_aarch64_linux_android=clang
export AR_aarch64_linux_android=llvm-ar
export CFLAGS_aarch64_linux_android="--target=aarch64-linux-android${ANDROID_API} --sysroot=$ROOT/mobile/stub-include/android-sysroot -DRING_CORE_NOSTDLIBINC=1"
# iOS: cc passes -isysroot "$SDKROOT" (it would ask xcrun, which Linux lacks).
export CC_aarch64_apple_ios=clang
export AR_aarch64_apple_ios=llvm-ar
export CFLAGS_aarch64_apple_ios="-DRING_CORE_NOSTDLIBINC=1"
export SDKROOT="$ROOT/mobile/stub-include/iPhoneOS.sdk"
export IPHONEOS_DEPLOYMENT_TARGET="$IOS_MIN"

log_dir="$(mktemp -d)"
trap 'rm -rf "$log_dir"' EXIT
declare -A took
for t in "${TARGETS[@]}"; do
  echo "== cargo check --target $t --no-default-features --features mobile"
  start=$SECONDS
  # --lib --bins: the app library and the heeros-mobile binary (tests,
  # benches and examples are desktop-only). The CC/CFLAGS above are only
  # read for this target, so host builds keep their cache.
  if ! cargo check --target "$t" --no-default-features --features mobile \
      -p heeros-mobile --lib --bins --message-format short 2>&1 | tee "$log_dir/$t.log"; then
    echo "mobile-check: FAILED for $t (see the errors above)" >&2
    exit 1
  fi
  took[$t]=$((SECONDS - start))
  # Warnings in our own code (src/, crates/) count as failures, like clippy -D warnings.
  if grep -E '^(src|crates)/[^ ]+: warning' "$log_dir/$t.log"; then
    echo "mobile-check: FAILED for $t: warnings in the app's own code (above)" >&2
    exit 1
  fi
done

cat <<EOF
mobile-check: passed (aarch64-linux-android ${took[aarch64-linux-android]}s, aarch64-apple-ios ${took[aarch64-apple-ios]}s).
  Proves: the whole app (src/ incl. the cfg(target_os = "android"/"ios") code,
    e.g. the Android keystore and iOS protected-keychain stores, and
    heeros-api) type-checks and borrow-checks for both phone targets with the
    'mobile' feature and without the demo server, and every dependency's build
    script and C code (ring for TLS) compiles for them.
  Does not prove: that it links or runs — no NDK/Xcode here, so nothing is
    linked; no APK/AAB/IPA is made, nothing is signed, Dioxus.toml is not read
    (that needs dx, the Android SDK or macOS: see docs/mobile.md and
    .github/workflows/mobile.yml); release-only code paths are not compiled.
EOF
